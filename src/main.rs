//! The `newsgraph` command line: parses arguments and calls the library.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Turn news articles into one typed knowledge graph: who did what to whom,
/// with the sentence that says so.
#[derive(Debug, Parser)]
#[command(name = "newsgraph", version, about, long_about = None)]
#[command(
    after_help = "Examples:\n  newsgraph build                              # data/articles -> output/graph.json\n  newsgraph build news/ --output graph.dot\n  newsgraph query path Obama Lavrov\n  newsgraph export output/graph.json --format graphml --output graph.graphml"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the graph from articles (files, folders, or - for stdin).
    Build(newsgraph::pipeline::BuildArgs),
    /// Convert a saved JSON graph into another format.
    Export(newsgraph::export::cli::ExportArgs),
    /// Ask a saved graph: paths, neighbours, edges, entities, SPARQL.
    Query(newsgraph::query::QueryArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => newsgraph::pipeline::run(args),
        Command::Export(args) => newsgraph::export::cli::run(args),
        Command::Query(args) => newsgraph::query::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("newsgraph: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// A closed pipe (`newsgraph … | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
