//! Export: one module per output format, each streaming the graph to a writer
//! (or, for the multi-file formats, into a folder).

pub mod cli;
pub mod dot;
pub mod json;

use crate::graph::KnowledgeGraph;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum Format {
    /// Node-link JSON (networkx `node_link_graph(data, edges="edges")`).
    Json,
    /// Graphviz DOT.
    Dot,
    /// SVG rendered by Graphviz `dot`.
    Svg,
    /// PNG rendered by Graphviz `dot`.
    Png,
    /// GraphML for networkx, Gephi, yEd, igraph.
    Graphml,
    /// A Cypher script for Neo4j / Memgraph.
    Cypher,
    /// `nodes.csv` + `relationships.csv` for `neo4j-admin database import` (a folder).
    #[value(name = "neo4j-csv")]
    Neo4jCsv,
    /// CSV files + `load.cypher` for Kùzu / Ladybug (a folder).
    Kuzu,
    /// RDF Turtle.
    Turtle,
    /// RDF N-Triples.
    Ntriples,
}

impl Format {
    /// The format implied by a file name's extension.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "json" => Format::Json,
            "dot" | "gv" => Format::Dot,
            "svg" => Format::Svg,
            "png" => Format::Png,
            "graphml" => Format::Graphml,
            "cypher" | "cql" => Format::Cypher,
            "ttl" => Format::Turtle,
            "nt" => Format::Ntriples,
            _ => return None,
        })
    }

    /// Whether the format writes a folder rather than one file.
    pub fn is_folder(self) -> bool {
        matches!(self, Format::Neo4jCsv | Format::Kuzu)
    }

    /// The usual file extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Dot => "dot",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Graphml => "graphml",
            Format::Cypher => "cypher",
            Format::Neo4jCsv => "neo4j",
            Format::Kuzu => "kuzu",
            Format::Turtle => "ttl",
            Format::Ntriples => "nt",
        }
    }
}

/// Where output goes: a path, or standard output for `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file or folder.
    Path(PathBuf),
}

impl Output {
    /// `-` means standard output.
    pub fn parse(s: &str) -> Output {
        if s == "-" {
            Output::Stdout
        } else {
            Output::Path(PathBuf::from(s))
        }
    }
}

/// Picks the format: the explicit one, else the output's extension, else JSON.
pub fn resolve_format(explicit: Option<Format>, output: &Output) -> Format {
    explicit
        .or_else(|| match output {
            Output::Path(p) => Format::from_extension(p),
            Output::Stdout => None,
        })
        .unwrap_or(Format::Json)
}

/// Serializes the graph in a single-stream format.
pub fn write_stream(graph: &KnowledgeGraph, format: Format, w: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => json::write(graph, w)?,
        Format::Dot => dot::write(graph, w)?,
        Format::Svg | Format::Png => {
            let bytes = dot::render(graph, format)?;
            w.write_all(&bytes)?;
        }
        other => bail!("the {other:?} format is not available yet"),
    }
    Ok(())
}

/// Writes the graph to `output` in `format`. Files are written to a temporary
/// file beside the target and renamed, so a failure never leaves half a file.
pub fn write_graph(graph: &KnowledgeGraph, format: Format, output: &Output) -> Result<()> {
    match output {
        Output::Stdout => {
            if format.is_folder() {
                bail!("the {format:?} format writes a folder: give --output DIR");
            }
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            write_stream(graph, format, &mut lock)?;
            lock.flush()?;
            Ok(())
        }
        Output::Path(path) => {
            if format.is_folder() {
                bail!("the {format:?} format is not available yet");
            }
            write_atomic(path, |w| write_stream(graph, format, w))
        }
    }
}

/// Writes a file atomically: into a temporary file in the same folder, then
/// renamed over the target.
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create folder {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    {
        let mut buf = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut buf)?;
        buf.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
