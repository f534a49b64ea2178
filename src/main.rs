//! newsgraph command-line entry point.
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "newsgraph", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a statistical model from CoNLL-U data.
    Train(newsgraph::nlp::cli::TrainArgs),
    /// Evaluate a model on CoNLL-U test data.
    Evaluate(newsgraph::nlp::cli::EvaluateArgs),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Train(a) => newsgraph::nlp::cli::run_train(a),
        Command::Evaluate(a) => newsgraph::nlp::cli::run_evaluate(a),
    }
}
