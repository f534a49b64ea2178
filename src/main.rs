//! The `newsgraph` command line: parses arguments and calls the library.

use clap::{Parser, Subcommand};
use newsgraph::nlp::cli::{self as nlp_cli, ModelKind};
use newsgraph::nlp::ner_cli;
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
    /// Train a model of the NLP core from a corpus.
    #[command(subcommand)]
    Train(TrainCmd),
    /// Evaluate a model on a test set.
    #[command(subcommand)]
    Evaluate(EvaluateCmd),
    /// Run a model on text read from standard input.
    #[command(subcommand)]
    Tag(TagCmd),
}

#[derive(Debug, Subcommand)]
enum TrainCmd {
    /// Part-of-speech tagger and lemmatizer (CoNLL-U).
    Tagger(nlp_cli::TrainArgs),
    /// Dependency parser (CoNLL-U; jackknifed predicted tags).
    Parser(nlp_cli::TrainArgs),
    /// Named-entity recognizer (CoNLL-2003 column format).
    Ner(ner_cli::TrainArgs),
    /// Word clusters for the NER, from unlabelled news (CSV with a `text` column).
    Clusters(ner_cli::ClustersArgs),
    /// Relation model, from annotated articles (../shared/silver layout).
    Relations(newsgraph::relations::train::TrainArgs),
    /// Mention tagger, from annotated articles (../shared/silver layout).
    Mentions(newsgraph::entities::train::TrainArgs),
}

#[derive(Debug, Subcommand)]
enum EvaluateCmd {
    /// Tagger: UPOS, XPOS and lemma accuracy.
    Tagger(nlp_cli::EvaluateArgs),
    /// Parser: UAS and LAS.
    Parser(nlp_cli::EvaluateArgs),
    /// Named-entity recognizer: per-type and overall precision, recall, F1.
    Ner(ner_cli::EvaluateArgs),
    /// Relations: build annotated articles and score them per relation type,
    /// with the calibration of the confidence.
    Relations(newsgraph::relations::evaluate::EvaluateArgs),
    /// Mentions: the tagger's and the rules' spans against annotated articles.
    Mentions(newsgraph::entities::train::EvaluateArgs),
}

#[derive(Debug, Subcommand)]
enum TagCmd {
    /// Named entities (one tokenized sentence per line).
    Ner(ner_cli::TagArgs),
    /// Sentences, tags, lemmas and dependency parse of raw text, as CoNLL-U.
    Parse,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => newsgraph::pipeline::run(args),
        Command::Export(args) => newsgraph::export::cli::run(args),
        Command::Query(args) => newsgraph::query::run(args),
        Command::Train(TrainCmd::Tagger(a)) => nlp_cli::run_train(nlp_cli::TrainArgs {
            kind: ModelKind::Tagger,
            ..a
        })
        .map(|()| ExitCode::SUCCESS),
        Command::Train(TrainCmd::Parser(a)) => nlp_cli::run_train(nlp_cli::TrainArgs {
            kind: ModelKind::Parser,
            ..a
        })
        .map(|()| ExitCode::SUCCESS),
        Command::Evaluate(EvaluateCmd::Tagger(a)) => nlp_cli::run_evaluate(nlp_cli::EvaluateArgs {
            kind: ModelKind::Tagger,
            ..a
        })
        .map(|()| ExitCode::SUCCESS),
        Command::Evaluate(EvaluateCmd::Parser(a)) => nlp_cli::run_evaluate(nlp_cli::EvaluateArgs {
            kind: ModelKind::Parser,
            ..a
        })
        .map(|()| ExitCode::SUCCESS),
        Command::Train(TrainCmd::Relations(a)) => {
            newsgraph::relations::train::run_train(a).map(|()| ExitCode::SUCCESS)
        }
        Command::Train(TrainCmd::Ner(a)) => ner_cli::run_train(a).map(|()| ExitCode::SUCCESS),
        Command::Train(TrainCmd::Clusters(a)) => {
            ner_cli::run_clusters(a).map(|()| ExitCode::SUCCESS)
        }
        Command::Train(TrainCmd::Mentions(a)) => {
            newsgraph::entities::train::run_train(a).map(|()| ExitCode::SUCCESS)
        }
        Command::Evaluate(EvaluateCmd::Mentions(a)) => {
            newsgraph::entities::train::run_evaluate(a).map(|()| ExitCode::SUCCESS)
        }
        Command::Evaluate(EvaluateCmd::Relations(a)) => {
            newsgraph::relations::evaluate::run_evaluate(a).map(|()| ExitCode::SUCCESS)
        }
        Command::Evaluate(EvaluateCmd::Ner(a)) => {
            ner_cli::run_evaluate(a).map(|()| ExitCode::SUCCESS)
        }
        Command::Tag(TagCmd::Ner(a)) => ner_cli::run_tag(a).map(|()| ExitCode::SUCCESS),
        Command::Tag(TagCmd::Parse) => {
            newsgraph::pipeline::run_parse_stdin().map(|()| ExitCode::SUCCESS)
        }
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
