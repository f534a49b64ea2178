//! The build pipeline: read → clean → segment → tag → entities → coref →
//! relations → merge → export.
//!
//! Documents are streamed in batches; each batch is processed in parallel
//! (rayon) and merged in input order, so the output does not depend on the
//! thread count and memory does not grow with the number of articles beyond
//! the graph itself.

use crate::document::{Annotated, Document};
use crate::export::{self, Format, Output};
use crate::graph::KnowledgeGraph;
use crate::lexicon::Lexicon;
use crate::merge::{doc_graph, DocGraph, Merger};
use crate::nlp::Parser;
use crate::read::{expand_inputs, DocumentStream};
use crate::relations::{LearnedExtractor, ParseExtractor, RelationExtractor, RelationModel};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `newsgraph build`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  newsgraph build                                   # data/articles -> output/graph.{json,dot,svg}\n  newsgraph build news/ --output graph.json\n  newsgraph build corpus.csv --format dot --output -\n  cat article.txt | newsgraph build - --output -"
)]
pub struct BuildArgs {
    /// Files, folders (searched recursively) or `-` for standard input.
    /// Formats: .txt/.md, .html, .jsonl/.json (objects with `text`), .csv/.tsv
    /// (a header naming a `text` column).
    #[arg(default_value = "data/articles")]
    pub inputs: Vec<String>,
    /// Output format [default: from the output's extension, else json].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Output file (or folder for folder formats); `-` for standard output.
    /// Without --output and --format: output/graph.json, output/graph.dot and,
    /// when Graphviz is installed, output/graph.svg.
    #[arg(long, short = 'o')]
    pub output: Option<String>,
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// A trigger lexicon replacing the built-in one (see data/lexicon/triggers.tsv).
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// Also add untyped `related_to` edges (with the verb's lemma) for verbs
    /// between two entities that are not in the lexicon.
    #[arg(long)]
    pub open_relations: bool,
    /// Link unnamed groups to the country or organization they belong to
    /// ("Russian diplomats" member_of Russia).
    #[arg(long)]
    pub group_links: bool,
    /// Relation extractor: `model` (learned from annotated news, the
    /// default) or `rules` (the hand-written rules alone).
    #[arg(long, value_enum, default_value_t = RelationsChoice::Model)]
    pub relations: RelationsChoice,
    /// Keep only relations whose confidence (the calibrated probability that
    /// the fact is right) is at least this [default: the model's own
    /// threshold, the best F1 in cross-validation].
    #[arg(long, value_name = "P")]
    pub min_confidence: Option<f32>,
    /// A relation model trained with `newsgraph train relations` instead of
    /// the shipped one.
    #[arg(long, value_name = "FILE")]
    pub relation_model: Option<PathBuf>,
    /// Dependency parser: `fast` (greedy) or `beam` (slightly more accurate
    /// parses, about six times slower to parse).
    #[arg(long, value_enum, default_value_t = ParserChoice::Fast)]
    pub parser: ParserChoice,
    /// Write why mentions and entities were joined into each node (TSV: node,
    /// document, sentence, joined words, reason).
    #[arg(long, value_name = "FILE")]
    pub explain_merges: Option<PathBuf>,
    /// Documents longer than this are cut to it, with a warning naming them
    /// (a number of bytes, or with a K, M or G suffix; 0 for no limit).
    #[arg(long, value_name = "BYTES", default_value = "10M", value_parser = parse_bytes)]
    pub max_document_bytes: usize,
    /// No progress bar or summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Parses a byte count such as `10M`, `512K`, `1G` or `2000000`.
pub fn parse_bytes(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m: usize = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => {
                    return Err(format!(
                        "'{s}' is not a size: use bytes or a K, M or G suffix"
                    ))
                }
            };
            (&t[..i], m)
        }
        _ => (t, 1),
    };
    num.trim()
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("'{s}' is not a size: use bytes or a K, M or G suffix"))
}

/// Documents longer than this are processed in parts of at most this many
/// bytes (cut at paragraphs), so that time and memory stay linear in the
/// length of any input; no news article comes near it.
pub const PART_BYTES: usize = 64 * 1024;

/// A batch of documents is processed once it holds this many documents…
const BATCH_DOCUMENTS: usize = 256;
/// …or this many bytes of text, so that memory stays bounded whatever the
/// documents' sizes.
const BATCH_BYTES: usize = 64 << 20;

/// The most worker threads per core that `--threads` accepts.
pub const MAX_THREADS_PER_CORE: usize = 4;

/// Which shipped dependency parser the pipeline runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ParserChoice {
    /// Greedy parser with labelled transitions (EWT test UAS 86.0, LAS
    /// 83.2): the fast default.
    #[default]
    Fast,
    /// Beam-search parser (UAS 86.6, LAS 83.3), about six times slower.
    Beam,
}

impl ParserChoice {
    /// The shipped model.
    pub fn parser(self) -> &'static Parser {
        match self {
            ParserChoice::Fast => Parser::shipped_fast(),
            ParserChoice::Beam => Parser::shipped(),
        }
    }
}

/// Which relation extractor the pipeline runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum RelationsChoice {
    /// The relation model trained on annotated news, with the rules'
    /// proposals among its features.
    #[default]
    Model,
    /// The hand-written rules alone.
    Rules,
}

/// What the relation stage adds beyond the lexicon's typed relations.
#[derive(Debug, Clone, Default)]
pub struct RelationOptions {
    /// The extractor.
    pub relations: RelationsChoice,
    /// A relation model other than the shipped one.
    pub model: Option<std::sync::Arc<crate::relations::RelationModel>>,
    /// Confidence threshold overriding the model's.
    pub min_confidence: Option<f32>,
    /// `related_to` edges for verbs outside the lexicon.
    pub open_relations: bool,
    /// member_of edges from unnamed groups to their country.
    pub group_links: bool,
    /// The dependency parser the relations are read from.
    pub parser: ParserChoice,
}

/// The stages, configured once and shared by all threads.
pub struct Pipeline {
    extractor: Box<dyn RelationExtractor>,
    parser: &'static Parser,
    /// Record merge decisions (see [`Pipeline::build_explained`]).
    pub explain: bool,
    /// Longer documents are cut to this many bytes, with a warning (0: no limit).
    pub max_document_bytes: usize,
}

impl Pipeline {
    /// The default pipeline, or one with a user lexicon.
    pub fn new(lexicon: Lexicon) -> Self {
        Pipeline::with_options(lexicon, RelationOptions::default())
    }

    /// A pipeline with relation options.
    pub fn with_options(lexicon: Lexicon, options: RelationOptions) -> Self {
        let mut ex = ParseExtractor::new(lexicon.clone());
        ex.open_relations = options.open_relations;
        ex.group_links = options.group_links;
        let model = match options.relations {
            RelationsChoice::Model => options.model.clone().or_else(RelationModel::shipped),
            RelationsChoice::Rules => None,
        };
        let extractor: Box<dyn RelationExtractor> = match model {
            Some(model) => {
                let mut learned = LearnedExtractor::new(model, ex, Some(&lexicon));
                if let Some(t) = options.min_confidence {
                    learned.min_confidence = t;
                }
                Box::new(learned)
            }
            None => Box::new(ex),
        };
        Pipeline {
            extractor,
            parser: options.parser.parser(),
            explain: false,
            max_document_bytes: 0,
        }
    }

    /// Runs every per-document stage.
    pub fn annotate(&self, doc: Document) -> Annotated {
        let mut ann = segmented(doc);
        crate::tag::tag(&mut ann.sentences);
        crate::entities::detect(&mut ann);
        crate::parse::parse(&mut ann, self.parser);
        crate::coref::resolve(&mut ann);
        ann.relations = self.extractor.extract(&ann);
        ann
    }

    /// One document's contribution to the graph. A document over
    /// [`PART_BYTES`] is processed in parts (in parallel), whose
    /// contributions are joined with evidence offsets into the whole text.
    pub fn process(&self, doc: Document) -> DocGraph {
        if doc.text.len() <= PART_BYTES {
            return doc_graph(&self.annotate(doc));
        }
        let ranges = crate::segment::parts(&doc.text, PART_BYTES);
        let mut char_starts = Vec::with_capacity(ranges.len());
        let (mut byte, mut ch) = (0, 0);
        for r in &ranges {
            ch += doc.text[byte..r.start].chars().count();
            byte = r.start;
            char_starts.push(ch);
        }
        let pieces: Vec<DocGraph> = ranges
            .par_iter()
            .zip(char_starts.par_iter())
            .enumerate()
            .map(|(k, (r, &offset))| {
                let part = Document {
                    id: doc.id.clone(),
                    source: doc.source.clone(),
                    // The first part's record stands for the document.
                    title: if k == 0 { doc.title.clone() } else { None },
                    date: doc.date.clone(),
                    url: doc.url.clone(),
                    text: doc.text[r.clone()].to_string(),
                };
                let mut g = doc_graph(&self.annotate(part));
                for rel in &mut g.relations {
                    rel.evidence.start += offset;
                    rel.evidence.end += offset;
                }
                g
            })
            .collect();
        let mut pieces = pieces.into_iter();
        let mut whole = pieces
            .next()
            .unwrap_or_else(|| doc_graph(&Annotated::default()));
        for mut g in pieces {
            let base = whole.entities.len();
            for rel in &mut g.relations {
                rel.source += base;
                rel.target += base;
            }
            whole.entities.append(&mut g.entities);
            whole.relations.append(&mut g.relations);
        }
        whole
    }

    /// Cuts a document over `max_document_bytes` at the last space before
    /// the limit, saying so through `warn`.
    fn limit(&self, mut doc: Document, warn: &mut dyn FnMut(&str)) -> Document {
        let max = self.max_document_bytes;
        if max == 0 || doc.text.len() <= max {
            return doc;
        }
        let mut cut = max;
        while !doc.text.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some(space) = doc.text[..cut].rfind(char::is_whitespace) {
            if space > cut / 2 {
                cut = space;
            }
        }
        warn(&format!(
            "{} ({}): document of {} cut to its first {} (--max-document-bytes)",
            doc.source,
            doc.id,
            human_bytes(doc.text.len()),
            human_bytes(cut)
        ));
        doc.text.truncate(cut);
        doc
    }

    /// Builds the graph from a stream of documents; warnings go to `warn`.
    pub fn build(
        &self,
        docs: impl Iterator<Item = Result<Document, crate::read::ReadWarning>>,
        progress: &ProgressBar,
        warn: &mut dyn FnMut(&str),
    ) -> (KnowledgeGraph, usize) {
        let (graph, _, built) = self.build_explained(docs, progress, warn);
        (graph, built)
    }

    /// Like [`Pipeline::build`], also returning the merge decisions when
    /// `explain` is set.
    pub fn build_explained(
        &self,
        mut docs: impl Iterator<Item = Result<Document, crate::read::ReadWarning>>,
        progress: &ProgressBar,
        warn: &mut dyn FnMut(&str),
    ) -> (KnowledgeGraph, Vec<crate::merge::MergeNote>, usize) {
        let mut merger = if self.explain {
            Merger::explaining()
        } else {
            Merger::new()
        };
        let mut batch: Vec<Document> = Vec::with_capacity(BATCH_DOCUMENTS);
        let mut batch_bytes = 0usize;
        let mut built = 0usize;
        loop {
            let next = docs.next();
            let done = next.is_none();
            match next {
                Some(Ok(d)) => {
                    let d = self.limit(d, warn);
                    batch_bytes += d.text.len();
                    batch.push(d);
                }
                Some(Err(w)) => warn(&w.0),
                None => {}
            }
            if batch.len() == BATCH_DOCUMENTS
                || batch_bytes >= BATCH_BYTES
                || (done && !batch.is_empty())
            {
                batch_bytes = 0;
                let graphs: Vec<DocGraph> = std::mem::take(&mut batch)
                    .into_par_iter()
                    .map(|d| self.process(d))
                    .collect();
                built += graphs.len();
                progress.inc(graphs.len() as u64);
                for g in graphs {
                    merger.add(g);
                }
            }
            if done {
                break;
            }
        }
        let (graph, notes) = merger.finish_explained();
        (graph, notes, built)
    }
}

/// The clean and segment stages for one document.
pub fn segmented(doc: Document) -> Annotated {
    let mut ann = Annotated {
        kept: crate::clean::clean(&doc.text),
        doc,
        ..Default::default()
    };
    ann.sentences = crate::segment::segment(&ann.doc.text, &ann.kept);
    ann
}

/// Runs `newsgraph build`.
pub fn run(args: BuildArgs) -> Result<ExitCode> {
    let lexicon = match &args.lexicon {
        Some(p) => Lexicon::load(p)?,
        None => Lexicon::builtin(),
    };
    if let Some(n) = args.threads {
        let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        if n > cores * MAX_THREADS_PER_CORE {
            bail!(
                "--threads {n} is more than {MAX_THREADS_PER_CORE} per core on this machine's {cores} cores: use at most {}",
                cores * MAX_THREADS_PER_CORE
            );
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("cannot start the worker threads")?;
    }
    let (inputs, warnings) = expand_inputs(&args.inputs);
    for w in &warnings {
        eprintln!("newsgraph: warning: {w}");
    }
    let single_docs = inputs.iter().all(|i| matches!(i, crate::read::Input::File(p) if matches!(crate::read::InputKind::of(p), crate::read::InputKind::Text | crate::read::InputKind::Html)));
    let progress = if !args.quiet && std::io::stderr().is_terminal() {
        let pb = if single_docs {
            ProgressBar::new(inputs.len() as u64)
        } else {
            ProgressBar::no_length()
        };
        pb.set_draw_target(ProgressDrawTarget::stderr());
        let style = if single_docs {
            ProgressStyle::with_template(
                "{spinner} {pos}/{len} documents [{bar:30}] {per_sec} eta {eta}",
            )
        } else {
            ProgressStyle::with_template("{spinner} {pos} documents {per_sec} {elapsed}")
        };
        pb.set_style(
            style
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let mut pipeline = Pipeline::with_options(
        lexicon,
        RelationOptions {
            open_relations: args.open_relations,
            group_links: args.group_links,
            parser: args.parser,
            relations: args.relations,
            model: match &args.relation_model {
                Some(p) => Some(std::sync::Arc::new(RelationModel::load(p)?)),
                None => None,
            },
            min_confidence: args.min_confidence,
        },
    );
    pipeline.explain = args.explain_merges.is_some();
    pipeline.max_document_bytes = args.max_document_bytes;
    let mut warn = |w: &str| progress.suspend(|| eprintln!("newsgraph: warning: {w}"));
    let (graph, notes, built) =
        pipeline.build_explained(DocumentStream::new(inputs), &progress, &mut warn);
    progress.finish_and_clear();
    if built == 0 {
        eprintln!(
            "newsgraph: nothing could be read from {}",
            args.inputs.join(" ")
        );
        return Ok(ExitCode::from(2));
    }
    if let Some(path) = &args.explain_merges {
        export::write_atomic(path, |w| {
            crate::merge::write_notes(&notes, w).map_err(Into::into)
        })
        .with_context(|| format!("cannot write {}", path.display()))?;
    }
    match (&args.output, args.format) {
        (None, None) => {
            let dir = PathBuf::from("output");
            export::write_graph(&graph, Format::Json, &Output::Path(dir.join("graph.json")))?;
            export::write_graph(&graph, Format::Dot, &Output::Path(dir.join("graph.dot")))?;
            let mut written = vec!["output/graph.json", "output/graph.dot"];
            if export::dot::dot_available() {
                export::write_graph(&graph, Format::Svg, &Output::Path(dir.join("graph.svg")))?;
                written.push("output/graph.svg");
            } else if !args.quiet {
                eprintln!("newsgraph: Graphviz's `dot` is not installed, so no output/graph.svg (Debian/Ubuntu: sudo apt-get install graphviz)");
            }
            summary(&args, &graph, built, &written.join(", "));
        }
        (output, format) => {
            let output = Output::parse(output.as_deref().unwrap_or("output/graph.json"));
            let format = export::resolve_format(format, &output);
            export::write_graph(&graph, format, &output)?;
            let name = match &output {
                Output::Stdout => "standard output".to_string(),
                Output::Path(p) => p.display().to_string(),
            };
            summary(&args, &graph, built, &name);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `52.4 MB`, `10.0 MB`, `512 bytes`.
fn human_bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / (1 << 20) as f64)
    } else if n >= 1 << 10 {
        format!("{:.1} KB", n as f64 / (1 << 10) as f64)
    } else {
        format!("{n} bytes")
    }
}

fn summary(args: &BuildArgs, graph: &KnowledgeGraph, built: usize, written: &str) {
    if !args.quiet && std::io::stderr().is_terminal() {
        eprintln!(
            "newsgraph: {built} documents → {} nodes, {} edges → {written}",
            graph.node_count(),
            graph.edge_count()
        );
    }
}

/// Reads text from standard input and prints it segmented, tagged and
/// parsed as CoNLL-U (`newsgraph tag parse`).
pub fn run_parse_stdin() -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| anyhow::anyhow!("cannot read standard input as UTF-8 text: {e}"))?;
    let mut ann = segmented(crate::document::Document {
        text,
        ..Default::default()
    });
    crate::tag::tag(&mut ann.sentences);
    crate::entities::detect(&mut ann);
    crate::parse::parse(&mut ann, ParserChoice::default().parser());
    let out = crate::parse::conllu(&ann.doc.text, &ann.sentences);
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}
