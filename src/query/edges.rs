//! `query edges`: the who-did-what table, filtered.

use crate::ontology::Modality;
use crate::query::output::{edge_header, edge_rows, EdgeOut, EntityRef, Subgraph};
use crate::query::{parse_modality, plural, Answer, Engine};
use anyhow::{bail, Result};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;
use std::collections::BTreeSet;

/// Arguments of `newsgraph query edges`.
#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Filters combine with AND; repeated values of one filter with OR.\n\nExamples:\n  newsgraph query edges --source Obama\n  newsgraph query edges --relation expelled,sanctioned --modality asserted --min-count 2\n  newsgraph query edges --target Russia --document 002_sanctions --evidence"
)]
pub struct EdgesArgs {
    /// Only edges from this entity (the actor).
    #[arg(long, short = 's', value_name = "X")]
    pub source: Option<String>,
    /// Only edges to this entity (the one acted on).
    #[arg(long, short = 't', value_name = "Y")]
    pub target: Option<String>,
    /// Only these relations (repeat or separate with commas).
    #[arg(
        long = "relation",
        short = 'r',
        value_name = "R",
        value_delimiter = ','
    )]
    pub relations: Vec<String>,
    /// Only these modalities: asserted, negated, uncertain, planned.
    #[arg(long = "modality", short = 'm', value_name = "M", value_delimiter = ',', value_parser = parse_modality)]
    pub modalities: Vec<Modality>,
    /// Only edges found at least K times.
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub min_count: usize,
    /// Only edges stated in this document (an id or a unique prefix of one);
    /// only its sentences are shown.
    #[arg(long, value_name = "D")]
    pub document: Option<String>,
}

/// The question, as answered.
#[derive(Debug, Clone, Serialize)]
pub struct EdgesQuery {
    /// Always `edges`.
    pub command: &'static str,
    /// Source filter.
    pub source: Option<EntityRef>,
    /// Target filter.
    pub target: Option<EntityRef>,
    /// Relation filter (empty: all).
    pub relations: Vec<String>,
    /// Modality filter (empty: all).
    pub modalities: Vec<Modality>,
    /// Smallest count.
    pub min_count: usize,
    /// Document filter.
    pub document: Option<String>,
}

/// The answer to `query edges`.
#[derive(Debug, Clone, Serialize)]
pub struct EdgesAnswer {
    /// The question.
    pub query: EdgesQuery,
    /// Matching edges by source label, relation, target label, modality.
    pub edges: Vec<EdgeOut>,
}

/// Runs `query edges`.
pub fn run(engine: &Engine, args: &EdgesArgs) -> Result<EdgesAnswer> {
    let source = args
        .source
        .as_deref()
        .map(|s| engine.resolve(s))
        .transpose()?;
    let target = args
        .target
        .as_deref()
        .map(|s| engine.resolve(s))
        .transpose()?;
    let relations = engine.relations(&args.relations)?;
    let document = args
        .document
        .as_deref()
        .map(|d| document(engine, d))
        .transpose()?;
    let mut modalities = args.modalities.clone();
    modalities.sort();
    modalities.dedup();
    let g = &engine.graph.graph;
    // Start from the smaller side when an end is fixed: a hub's edges, not all edges.
    let candidates: Vec<EdgeIndex> = match (source, target) {
        (Some(s), _) => g
            .edges_directed(s, Direction::Outgoing)
            .map(|e| e.id())
            .collect(),
        (None, Some(t)) => g
            .edges_directed(t, Direction::Incoming)
            .map(|e| e.id())
            .collect(),
        (None, None) => g.edge_indices().collect(),
    };
    let ends = |e: EdgeIndex| g.edge_endpoints(e);
    let mut edges: Vec<EdgeOut> = candidates
        .into_iter()
        .filter(|&e| {
            let edge = &g[e];
            target.is_none_or(|t| ends(e).is_some_and(|(_, et)| et == t))
                && (relations.is_empty() || relations.contains(&edge.relation))
                && (modalities.is_empty() || modalities.contains(&edge.modality))
                && edge.count >= args.min_count
                && document
                    .as_ref()
                    .is_none_or(|d| edge.evidence.iter().any(|ev| &ev.document == d))
        })
        .map(|e| {
            let mut out = EdgeOut::of(&engine.graph, e);
            if let Some(d) = &document {
                out.evidence.retain(|ev| &ev.document == d);
            }
            out
        })
        .collect();
    edges.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let entity = |n: Option<NodeIndex>| n.map(|n| EntityRef::of(&g[n]));
    Ok(EdgesAnswer {
        query: EdgesQuery {
            command: "edges",
            source: entity(source),
            target: entity(target),
            relations,
            modalities,
            min_count: args.min_count,
            document,
        },
        edges,
    })
}

/// The document id meant by `typed`: an exact id, else the one id it is a
/// prefix of.
fn document(engine: &Engine, typed: &str) -> Result<String> {
    let mut ids: BTreeSet<&str> = engine
        .graph
        .meta
        .documents
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    for e in engine.graph.graph.edge_weights() {
        ids.extend(e.evidence.iter().map(|ev| ev.document.as_str()));
    }
    if ids.contains(typed) {
        return Ok(typed.to_string());
    }
    let matches: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| id.starts_with(typed))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one.to_string()),
        [] => bail!(
            "no document is named '{typed}' ({} in the graph)",
            plural(ids.len(), "document", "documents")
        ),
        many => bail!(
            "'{typed}' is ambiguous: it begins {} document ids:\n  {}",
            many.len(),
            many.join("\n  ")
        ),
    }
}

impl Answer for EdgesAnswer {
    fn text(&self, _engine: &Engine, full: bool) -> String {
        let mut s = format!("{}\n", plural(self.edges.len(), "edge", "edges"));
        if self.edges.is_empty() {
            return s;
        }
        let mut table = edge_header(&[]);
        for e in &self.edges {
            edge_rows(&mut table, Vec::new(), e, full);
        }
        s.push_str(&table.render(""));
        s
    }

    fn subgraph(&self, engine: &Engine) -> Subgraph {
        let mut sub = Subgraph::default();
        for e in &self.edges {
            sub.edge(&engine.graph, e.index);
        }
        sub
    }

    fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }
}
