//! `train` and `evaluate` commands for the tagger and parser.

use super::clusters::Lexicon;
use super::conllu::{self, Sentence};
use super::parser::{self, Parser};
use super::tagger::{self, Tagger};
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Which model a command works on.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// POS tagger + lemmatizer.
    Tagger,
    /// Dependency parser.
    Parser,
}

/// `newsgraph train <kind> --train FILE --dev FILE --output MODEL`.
#[derive(Args, Debug, Clone)]
pub struct TrainArgs {
    /// Model to train (set by the subcommand).
    #[arg(skip = ModelKind::Tagger)]
    pub kind: ModelKind,
    /// Training data (CoNLL-U).
    #[arg(long)]
    pub train: PathBuf,
    /// Development data (CoNLL-U) for progress reports and epoch selection.
    #[arg(long)]
    pub dev: PathBuf,
    /// Where to write the model (postcard + zstd).
    #[arg(long)]
    pub output: PathBuf,
    /// Training epochs (default: tagger 10, parser 10).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Parser only: folds for jackknifed training tags (0: use the tags in
    /// the training file as they are).
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Parser only: tagger model used to tag the dev set (default: train one).
    #[arg(long)]
    pub tagger: Option<PathBuf>,
    /// Random seed for shuffling and exploration.
    #[arg(long, default_value_t = 0x5eed)]
    pub seed: u64,
    /// Word clusters from `train clusters` (copied into the model; the
    /// shipped models use data/models/clusters.bin.zst).
    #[arg(long)]
    pub clusters: Option<PathBuf>,
    /// Models trained on different shuffles and averaged (default: tagger
    /// 4, parser 2).
    #[arg(long)]
    pub models: Option<usize>,
    /// Parser only: beam width (1: greedy with the dynamic oracle; default 8).
    #[arg(long)]
    pub beam: Option<usize>,
    /// Parser only: number of most frequent transition features kept in the
    /// small, cache-resident table (default 32768).
    #[arg(long)]
    pub hot: Option<usize>,
    /// Parser only: drop the rare transition features whose largest
    /// quantized weight is below this (of 32767); speeds up parsing.
    #[arg(long, default_value_t = 0)]
    pub min_row_weight: i16,
    /// Parser only: relations that get their own transitions in each
    /// direction, the most frequent first (default 2; the others are
    /// chosen by a separate label classifier).
    #[arg(long)]
    pub arc_labels: Option<usize>,
    /// Parser only: add features of the words around the stack top and of
    /// the punctuation and verbs between it and the next word.
    #[arg(long)]
    pub context: bool,
    /// Parser only: also write the jackknifed training tags to this
    /// CoNLL-U file (reuse it with `--folds 0`).
    #[arg(long)]
    pub save_tags: Option<PathBuf>,
}

/// `newsgraph evaluate <kind> --model MODEL --test FILE`.
#[derive(Args, Debug, Clone)]
pub struct EvaluateArgs {
    /// Model to evaluate (set by the subcommand).
    #[arg(skip = ModelKind::Tagger)]
    pub kind: ModelKind,
    /// Model file (default: the model shipped in the binary).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Test data (CoNLL-U).
    #[arg(long)]
    pub test: PathBuf,
    /// Parser only: tagger model for predicted tags (default: shipped).
    #[arg(long)]
    pub tagger: Option<PathBuf>,
    /// Parser only: parse with the gold XPOS tags instead of predicted ones.
    #[arg(long)]
    pub gold_tags: bool,
    /// Parser only: beam width (default: the width the model was trained for).
    #[arg(long)]
    pub beam: Option<usize>,
}

fn log(msg: &str) {
    eprintln!("{msg}");
}

/// Loads a tagger from `path`, or returns the shipped one (decoded once).
fn load_tagger<'a>(path: Option<&Path>, owned: &'a mut Option<Tagger>) -> Result<&'a Tagger> {
    Ok(match path {
        Some(p) => owned.insert(Tagger::load(p)?),
        None => Tagger::shipped(),
    })
}

/// Runs `train`.
pub fn run_train(args: TrainArgs) -> Result<()> {
    let start = Instant::now();
    let train = conllu::read_file(&args.train)?;
    let dev = conllu::read_file(&args.dev)?;
    let clusters = match &args.clusters {
        Some(p) => Some(Lexicon::load(p)?.to_data()),
        None => None,
    };
    match args.kind {
        ModelKind::Tagger => {
            let mut cfg = tagger::TrainConfig {
                epochs: args.epochs.unwrap_or(tagger::TrainConfig::default().epochs),
                seed: args.seed,
                ..Default::default()
            };
            if let Some(m) = args.models {
                cfg.models = m.max(1);
            }
            let t = Tagger::train(&train, Some(&dev), clusters.as_ref(), &cfg, &mut |m| log(m))?;
            t.save(&args.output)?;
            let acc = t.evaluate(&dev);
            let (f, w) = t.size();
            println!(
                "tagger: dev UPOS {:.2}% XPOS {:.2}% lemma {:.2}%; {f} features, {w} weights; {:.1}s",
                acc.upos,
                acc.xpos,
                acc.lemma,
                start.elapsed().as_secs_f64()
            );
        }
        ModelKind::Parser => {
            let tcfg = tagger::TrainConfig {
                seed: args.seed,
                ..Default::default()
            };
            // Training tags from taggers of the shipped configuration that
            // never saw the sentence, so they are as noisy as at test time.
            let jk = if args.folds == 0 {
                train.clone()
            } else {
                tagger::jackknife(&train, args.folds, clusters.as_ref(), &tcfg, &mut |m| {
                    log(m)
                })?
            };
            if let Some(path) = &args.save_tags {
                std::fs::write(path, conllu::write(&jk))
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            let dev_tagger = match &args.tagger {
                Some(p) => Tagger::load(p)?,
                None => Tagger::train(&train, None, clusters.as_ref(), &tcfg, &mut |_| {})?,
            };
            let dev = retag(&dev, &dev_tagger);
            log(&format!(
                "tags ready after {:.1}s",
                start.elapsed().as_secs_f64()
            ));
            let mut cfg = parser::TrainConfig {
                epochs: args.epochs.unwrap_or(parser::TrainConfig::default().epochs),
                seed: args.seed,
                ..Default::default()
            };
            if let Some(m) = args.models {
                cfg.models = m.max(1);
            }
            if let Some(b) = args.beam {
                cfg.beam = b.max(1);
            }
            if let Some(h) = args.hot {
                cfg.hot = h;
            }
            cfg.min_row_weight = args.min_row_weight;
            cfg.context = args.context;
            if let Some(n) = args.arc_labels {
                cfg.arc_labels = [n; 2];
            }
            let p = Parser::train(&jk, Some(&dev), clusters.as_ref(), &cfg, &mut |m| log(m))?;
            p.save(&args.output)?;
            let s = p.evaluate(&dev);
            let (f, w) = p.size();
            println!(
                "parser: dev UAS {:.2} LAS {:.2} (full labels {:.2}); {f} features, {w} weights; {:.1}s",
                s.uas,
                s.las,
                s.las_full,
                start.elapsed().as_secs_f64()
            );
        }
    }
    let size = std::fs::metadata(&args.output)
        .with_context(|| format!("cannot stat {}", args.output.display()))?
        .len();
    println!(
        "wrote {} ({:.2} MB)",
        args.output.display(),
        size as f64 / 1e6
    );
    Ok(())
}

/// Replaces the tag and lemma columns by the tagger's predictions.
pub fn retag(sents: &[Sentence], tagger: &Tagger) -> Vec<Sentence> {
    let mut out = sents.to_vec();
    for s in &mut out {
        let tags = tagger.tag(&s.forms());
        for (w, t) in s.words.iter_mut().zip(tags) {
            w.upos = t.upos.as_str().to_string();
            w.xpos = t.xpos.to_string();
            w.lemma = t.lemma;
        }
    }
    out
}

/// Runs `evaluate`.
pub fn run_evaluate(args: EvaluateArgs) -> Result<()> {
    let test = conllu::read_file(&args.test)?;
    let n_words: usize = test.iter().map(|s| s.words.len()).sum();
    match args.kind {
        ModelKind::Tagger => {
            let t0 = Instant::now();
            let mut owned = None;
            let t = load_tagger(args.model.as_deref(), &mut owned)?;
            let load = t0.elapsed();
            let t1 = Instant::now();
            let acc = t.evaluate(&test);
            let secs = t1.elapsed().as_secs_f64();
            println!(
                "UPOS {:.2}%  XPOS {:.2}%  lemma {:.2}%  (all three {:.2}%)  on {} words",
                acc.upos, acc.xpos, acc.lemma, acc.all_tags, acc.words
            );
            println!(
                "load {:.0} ms; tagging {:.0} tokens/s (one thread)",
                load.as_secs_f64() * 1e3,
                n_words as f64 / secs
            );
        }
        ModelKind::Parser => {
            let t0 = Instant::now();
            let mut owned = None;
            let p: &Parser = match (&args.model, args.beam) {
                (None, None) => Parser::shipped(),
                (model, beam) => {
                    let mut p = match model {
                        Some(m) => Parser::load(m)?,
                        None => Parser::from_bytes(parser::SHIPPED)?,
                    };
                    if let Some(b) = beam {
                        p.set_beam(b)?;
                    }
                    owned.insert(p)
                }
            };
            let load = t0.elapsed();
            let mut owned_tagger = None;
            let tagger = load_tagger(args.tagger.as_deref(), &mut owned_tagger)?;
            // Time tagging + parsing end to end, as the pipeline runs them.
            let t1 = Instant::now();
            let mut arcs_n = 0;
            for s in &test {
                let forms = s.forms();
                let tags = tagger.tag(&forms);
                arcs_n += p.parse(&forms, &tags).len();
            }
            let secs = t1.elapsed().as_secs_f64();
            let input = if args.gold_tags {
                test.clone()
            } else {
                retag(&test, tagger)
            };
            let mut gold = input.clone();
            for (g, t) in gold.iter_mut().zip(&test) {
                for (gw, tw) in g.words.iter_mut().zip(&t.words) {
                    gw.head = tw.head;
                    gw.deprel = tw.deprel.clone();
                }
            }
            let s = p.evaluate(&gold);
            println!(
                "UAS {:.2}  LAS {:.2}  (LAS with subtypes {:.2})  on {} words, {} tags",
                s.uas,
                s.las,
                s.las_full,
                s.words,
                if args.gold_tags { "gold" } else { "predicted" }
            );
            println!(
                "load {:.0} ms; tag+parse {:.0} tokens/s (one thread, {} words)",
                load.as_secs_f64() * 1e3,
                arcs_n as f64 / secs,
                arcs_n
            );
        }
    }
    Ok(())
}
