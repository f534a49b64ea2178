//! `newsgraph export`: convert a saved JSON graph into another format.

use crate::export::{resolve_format, write_graph, Format, Output};
use crate::graph::KnowledgeGraph;
use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `newsgraph export`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  newsgraph export output/graph.json --format graphml --output output/graph.graphml\n  newsgraph export output/graph.json --format kuzu --output output/graph.kuzu\n  newsgraph export output/graph.json --format neo4j-csv --output output/graph.neo4j\n\nkuzu and neo4j-csv write a folder (the README says how to load each format)."
)]
pub struct ExportArgs {
    /// A graph saved by `newsgraph build` as JSON.
    pub graph: PathBuf,
    /// Output format (default: from the output's extension, else JSON).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Output file, or folder for kuzu and neo4j-csv; `-` writes to standard output.
    #[arg(long, short = 'o', default_value = "-")]
    pub output: String,
}

/// Runs `newsgraph export`.
pub fn run(args: ExportArgs) -> Result<ExitCode> {
    let graph = KnowledgeGraph::load(&args.graph)?;
    let output = Output::parse(&args.output);
    let format = resolve_format(args.format, &output);
    write_graph(&graph, format, &output)?;
    Ok(ExitCode::SUCCESS)
}
