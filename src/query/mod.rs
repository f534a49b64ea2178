//! Ask the graph: who-did-what paths, neighbourhoods, edge filters, entity
//! search and SPARQL, each answer with the sentences that support it.
//!
//! The library entry point is [`Engine`]: load a saved graph once (which
//! builds the name index), then ask it [`path`], [`neighbors`], [`edges`] and
//! [`entities`] questions; each returns a typed answer that serializes to the
//! JSON schema of `docs/QUERY.md` and renders as an aligned text table.

pub mod edges;
pub mod entities;
pub mod neighbors;
pub mod output;
pub mod path;
pub mod resolve;
pub mod sparql;
pub mod table;

use crate::graph::KnowledgeGraph;
use crate::ontology::{Modality, RELATIONS};
use crate::query::output::Subgraph;
use crate::query::resolve::{normalize, NameIndex, ResolveError};
use anyhow::{bail, Result};
use petgraph::stable_graph::NodeIndex;
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A loaded graph with its name index, ready for any number of queries.
#[derive(Debug, Clone)]
pub struct Engine {
    /// The graph.
    pub graph: KnowledgeGraph,
    /// Folded names → nodes.
    pub names: NameIndex,
}

impl Engine {
    /// Indexes `graph` for queries.
    pub fn new(graph: KnowledgeGraph) -> Self {
        let names = NameIndex::new(&graph);
        Engine { graph, names }
    }

    /// Loads a graph saved as JSON and indexes it.
    pub fn load(path: &Path) -> Result<Self> {
        Ok(Engine::new(KnowledgeGraph::load(path)?))
    }

    /// The node a person means by `name` (alias, label or id, folded).
    pub fn resolve(&self, name: &str) -> Result<NodeIndex, ResolveError> {
        self.names.resolve(&self.graph, name)
    }

    /// Relation names as typed (`Expelled`, `member-of`) in the graph's
    /// spelling; a relation that is neither in the graph nor in the ontology
    /// is an error with the closest ones suggested, since a typo would
    /// otherwise silently answer nothing.
    pub fn relations(&self, typed: &[String]) -> Result<Vec<String>> {
        let known: BTreeSet<&str> = self
            .graph
            .graph
            .edge_weights()
            .map(|e| e.relation.as_str())
            .chain(RELATIONS)
            .collect();
        let mut out = Vec::new();
        for t in typed {
            let r = normalize(t).replace(' ', "_");
            if !known.contains(r.as_str()) {
                let mut close: Vec<(usize, &str)> = known
                    .iter()
                    .map(|k| (strsim::levenshtein(&r, k), *k))
                    .filter(|(d, _)| *d <= 3)
                    .collect();
                close.sort();
                let hint = match close.first() {
                    Some((_, k)) => format!("; did you mean '{k}'?"),
                    None => String::new(),
                };
                bail!("unknown relation '{t}'{hint}");
            }
            out.push(r);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// How an answer is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// An aligned text table.
    Table,
    /// JSON in the schema of docs/QUERY.md.
    Json,
    /// A Graphviz DOT diagram of just the answer.
    Dot,
    /// The same diagram rendered to SVG (needs Graphviz `dot` on PATH).
    Svg,
}

/// An answer to one of the built-in queries.
pub trait Answer: Serialize {
    /// The aligned text form; `full` prints every sentence in full.
    fn text(&self, engine: &Engine, full: bool) -> String;
    /// The nodes and edges a diagram of the answer shows.
    fn subgraph(&self, engine: &Engine) -> Subgraph;
    /// Whether nothing was found (the command then exits 1, like grep).
    fn is_empty(&self) -> bool;
}

/// Arguments of `newsgraph query`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Names are matched the way people type them: id, label or any alias, ignoring case, accents and punctuation; a person also answers to their last name. An ambiguous or unknown name exits 2 with the candidates; an empty answer exits 1.\n\nExamples:\n  newsgraph query path Obama Lavrov\n  newsgraph query neighbors 'sergei lavrov' --depth 2 --direction out\n  newsgraph query edges --relation expelled --modality asserted --format json\n  newsgraph query entities --type PERSON --name martinez\n  newsgraph query sparql 'SELECT ?who WHERE { ?who ng:expelled ?whom }'"
)]
pub struct QueryArgs {
    /// The graph to ask: JSON saved by `newsgraph build`.
    #[arg(
        long,
        short = 'g',
        global = true,
        value_name = "PATH",
        default_value = "output/graph.json"
    )]
    pub graph: PathBuf,
    /// Output: an aligned table, JSON, or a DOT/SVG diagram of just the answer.
    #[arg(long, short = 'f', global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Print supporting sentences in full, one row each (tables shorten them
    /// to about 80 characters).
    #[arg(long, global = true)]
    pub evidence: bool,
    /// Stop a query that runs longer than this many seconds (exit 2);
    /// 0 for no limit.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
    /// The question.
    #[command(subcommand)]
    pub command: QueryCommand,
}

/// The questions `newsgraph query` answers.
#[derive(Debug, clap::Subcommand)]
pub enum QueryCommand {
    /// Shortest path(s) between two entities, each hop with its sentence.
    Path(path::PathArgs),
    /// What an entity did and what was done to it, up to N hops away.
    #[command(visible_alias = "neighbours")]
    Neighbors(neighbors::NeighborsArgs),
    /// The who-did-what table, filtered by source, target, relation,
    /// modality, count and document.
    Edges(edges::EdgesArgs),
    /// Find entities by type and name, with aliases and mention counts.
    Entities(entities::EntitiesArgs),
    /// SPARQL over the graph in an in-memory RDF store.
    Sparql(sparql::SparqlArgs),
}

/// Stack of the thread a query runs on: deep but legal queries (long
/// chains of conditions) recurse in the SPARQL engine; only the pages used
/// are ever allocated.
const QUERY_STACK_BYTES: usize = 512 << 20;

/// Runs `f` on a thread of its own with a deep stack, and gives up after
/// `timeout` (when given) with an error that says so. A query that ran over
/// keeps its thread until the process exits, which the CLI does at once.
pub fn run_limited<T: Send + 'static>(
    timeout: Option<std::time::Duration>,
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("query".into())
        .stack_size(QUERY_STACK_BYTES)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| anyhow::anyhow!("cannot start the query: {e}"))?;
    let answer = match timeout {
        Some(t) => rx.recv_timeout(t).map_err(|e| match e {
            std::sync::mpsc::RecvTimeoutError::Timeout => anyhow::anyhow!(
                "the query ran longer than {}s and was stopped (raise --timeout, or 0 for no limit)",
                t.as_secs_f64()
            ),
            std::sync::mpsc::RecvTimeoutError::Disconnected => {
                anyhow::anyhow!("the query failed")
            }
        })?,
        None => rx.recv().map_err(|_| anyhow::anyhow!("the query failed"))?,
    };
    answer
}

/// Runs `newsgraph query`.
pub fn run(args: QueryArgs) -> Result<ExitCode> {
    if !(args.timeout >= 0.0 && args.timeout.is_finite()) {
        bail!("--timeout must be a number of seconds, 0 or more");
    }
    // The query text is read first: waiting for it is not the query's time.
    let sparql_text = match &args.command {
        QueryCommand::Sparql(a) => Some(sparql::query_text(a)?),
        _ => None,
    };
    let engine = Engine::load(&args.graph)?;
    let timeout = (args.timeout > 0.0).then(|| std::time::Duration::from_secs_f64(args.timeout));
    let out = Printer {
        format: args.format,
        full: args.evidence,
    };
    let command = args.command;
    let (bytes, code) = run_limited(timeout, move || match command {
        QueryCommand::Path(a) => out.render(&engine, &path::run(&engine, &a)?),
        QueryCommand::Neighbors(a) => out.render(&engine, &neighbors::run(&engine, &a)?),
        QueryCommand::Edges(a) => out.render(&engine, &edges::run(&engine, &a)?),
        QueryCommand::Entities(a) => out.render(&engine, &entities::run(&engine, &a)?),
        QueryCommand::Sparql(_) => sparql::answer(
            &engine.graph,
            sparql_text.as_deref().unwrap_or_default(),
            out.format,
        ),
    })?;
    write_stdout(&bytes)?;
    Ok(code)
}

struct Printer {
    format: OutputFormat,
    full: bool,
}

impl Printer {
    fn render(&self, engine: &Engine, answer: &impl Answer) -> Result<(Vec<u8>, ExitCode)> {
        let bytes = match self.format {
            OutputFormat::Table => answer.text(engine, self.full).into_bytes(),
            OutputFormat::Json => {
                let mut s = serde_json::to_string_pretty(answer)?;
                s.push('\n');
                s.into_bytes()
            }
            OutputFormat::Dot => answer.subgraph(engine).render(&engine.graph, false)?,
            OutputFormat::Svg => answer.subgraph(engine).render(&engine.graph, true)?,
        };
        let code = if answer.is_empty() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        };
        Ok((bytes, code))
    }
}

/// Writes to standard output in one go.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(bytes)?;
    lock.flush()?;
    Ok(())
}

/// Parses a modality for clap.
pub(crate) fn parse_modality(s: &str) -> Result<Modality, String> {
    s.parse()
}

/// `1 edge`, `2 edges`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
