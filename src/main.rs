//! newsgraph command line (NER part; the lead merges this into the full CLI).
use clap::{Parser, Subcommand};
use newsgraph::nlp::ner_cli;

#[derive(Parser)]
#[command(
    name = "newsgraph",
    version,
    about = "News articles in, one typed knowledge graph out."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Train a model.
    #[command(subcommand)]
    Train(TrainCmd),
    /// Evaluate a model.
    #[command(subcommand)]
    Evaluate(EvaluateCmd),
    /// Tag text read from stdin.
    #[command(subcommand)]
    Tag(TagCmd),
}

#[derive(Subcommand)]
enum TagCmd {
    /// Named entities (one tokenized sentence per line).
    Ner(ner_cli::TagArgs),
}

#[derive(Subcommand)]
enum TrainCmd {
    /// Named-entity recognizer.
    Ner(ner_cli::TrainArgs),
    /// Word clusters for the NER from unlabelled news.
    Clusters(ner_cli::ClustersArgs),
}

#[derive(Subcommand)]
enum EvaluateCmd {
    /// Named-entity recognizer.
    Ner(ner_cli::EvaluateArgs),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().cmd {
        Cmd::Train(TrainCmd::Ner(a)) => ner_cli::run_train(a),
        Cmd::Train(TrainCmd::Clusters(a)) => ner_cli::run_clusters(a),
        Cmd::Evaluate(EvaluateCmd::Ner(a)) => ner_cli::run_evaluate(a),
        Cmd::Tag(TagCmd::Ner(a)) => ner_cli::run_tag(a),
    }
}
