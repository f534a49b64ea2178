//! `newsgraph train ner`, `newsgraph train clusters` and `newsgraph evaluate ner`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::nlp::clusters::{self, ClusterConfig, Lexicon};
use crate::nlp::ner::{self, Ner, NerDocument, TrainConfig};

/// Arguments of `train ner`.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// Training data (CoNLL-2003 columns: word ... TAG; IOB1/IOB2/BILOU).
    #[arg(long)]
    pub train: PathBuf,
    /// Development data, used to pick the best epoch.
    #[arg(long)]
    pub dev: Option<PathBuf>,
    /// Where to write the model (postcard + zstd).
    #[arg(long)]
    pub output: PathBuf,
    /// Number of training epochs.
    #[arg(long, default_value_t = 15)]
    pub epochs: usize,
    /// Word clusters from `train clusters` (copied into the model).
    #[arg(long)]
    pub clusters: Option<PathBuf>,
    /// Averaged weights below this magnitude are dropped.
    #[arg(long, default_value_t = 0.02)]
    pub prune: f32,
    /// Random seed (shuffling, isolated documents).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Fraction of training documents seen as isolated sentences.
    #[arg(long, default_value_t = 0.5)]
    pub isolate: f64,
    /// Models (seeds) whose weights are averaged.
    #[arg(long, default_value_t = 5)]
    pub models: usize,
}

/// Arguments of `evaluate ner`.
#[derive(clap::Args, Debug)]
pub struct EvaluateArgs {
    /// Model file; the shipped model when omitted.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Test data (CoNLL-2003 columns).
    #[arg(long)]
    pub test: PathBuf,
    /// Tag each sentence on its own instead of whole documents.
    #[arg(long)]
    pub sentence_level: bool,
    /// Worker threads (1 gives the single-thread speed).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Tag the test set this many times (benchmarking; scores are the same).
    #[arg(long, default_value_t = 1)]
    pub repeat: usize,
}

/// Arguments of `train clusters`.
#[derive(clap::Args, Debug)]
pub struct ClustersArgs {
    /// News CSV with a `text` column.
    #[arg(long)]
    pub corpus: PathBuf,
    /// Where to write the lexicon (postcard + zstd).
    #[arg(long)]
    pub output: PathBuf,
}

/// Runs `train ner`.
pub fn run_train(args: TrainArgs) -> Result<()> {
    let t0 = Instant::now();
    let train = ner::read_conll(&args.train)?;
    let dev: Option<Vec<NerDocument>> = args.dev.as_deref().map(ner::read_conll).transpose()?;
    let lex = match &args.clusters {
        Some(p) => Lexicon::load(p)?,
        None => Lexicon::default(),
    };
    eprintln!(
        "train: {} documents, {} sentences; lexicon: {} clustered words",
        train.len(),
        train.iter().map(|d| d.sentences.len()).sum::<usize>(),
        lex.num_words()
    );
    let cfg = TrainConfig {
        epochs: args.epochs,
        seed: args.seed,
        prune: args.prune,
        models: args.models,
        isolate_fraction: args.isolate,
    };
    let model = ner::train(&train, dev.as_deref(), lex, &cfg, |m| eprintln!("{m}"))?;
    model.save(&args.output)?;
    let size = std::fs::metadata(&args.output)
        .map(|m| m.len())
        .unwrap_or(0);
    eprintln!(
        "wrote {} ({} features, {:.1} MB) in {:.1}s",
        args.output.display(),
        model.num_features(),
        size as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Runs `evaluate ner`: prints conlleval-style P/R/F1 and throughput.
pub fn run_evaluate(args: EvaluateArgs) -> Result<()> {
    let t0 = Instant::now();
    let owned;
    let model: &Ner = match &args.model {
        Some(p) => {
            owned = Ner::load(p)?;
            &owned
        }
        None => Ner::shipped(),
    };
    let load = t0.elapsed();
    let docs = ner::read_conll(&args.test)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.max(1))
        .build()?;
    let t1 = Instant::now();
    let mut ev = pool.install(|| ner::evaluate(model, &docs, !args.sentence_level));
    for _ in 1..args.repeat {
        ev = pool.install(|| ner::evaluate(model, &docs, !args.sentence_level));
    }
    let dt = t1.elapsed() / args.repeat.max(1) as u32;
    println!("{}", ev.report().trim_end());
    eprintln!(
        "model load {:.0} ms; tagged {} tokens in {:.3}s on {} thread(s): {:.0} tokens/s",
        load.as_secs_f64() * 1e3,
        ev.tokens,
        dt.as_secs_f64(),
        args.threads.max(1),
        ev.tokens as f64 / dt.as_secs_f64()
    );
    Ok(())
}

/// Runs `train clusters`.
pub fn run_clusters(args: ClustersArgs) -> Result<()> {
    let t0 = Instant::now();
    let texts = clusters::read_news_csv(&args.corpus)?;
    eprintln!("{} articles read", texts.len());
    let lex = clusters::learn(&texts, &ClusterConfig::default(), |m| eprintln!("{m}"))?;
    lex.save(&args.output)
        .with_context(|| format!("saving {}", args.output.display()))?;
    eprintln!(
        "wrote {} ({} words) in {:.1}s",
        args.output.display(),
        lex.num_words(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Arguments of `tag ner`.
#[derive(clap::Args, Debug)]
pub struct TagArgs {
    /// Model file; the shipped model when omitted.
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// Runs `tag ner`: reads one tokenized sentence per line (tokens separated
/// by spaces) from stdin and prints it with entities bracketed, e.g.
/// `[PER Rex Tillerson] visited [LOC Moscow] .`; a blank line separates
/// documents.
pub fn run_tag(args: TagArgs) -> Result<()> {
    use std::io::BufRead;
    let owned;
    let model: &Ner = match &args.model {
        Some(p) => {
            owned = Ner::load(p)?;
            &owned
        }
        None => Ner::shipped(),
    };
    let mut doc: Vec<String> = Vec::new();
    let flush = |doc: &mut Vec<String>| {
        let words: Vec<Vec<&str>> = doc.iter().map(|l| l.split_whitespace().collect()).collect();
        let refs: Vec<&[&str]> = words.iter().map(|w| w.as_slice()).collect();
        for (w, spans) in words.iter().zip(model.tag_document(&refs)) {
            let mut out = Vec::new();
            let mut i = 0;
            for s in spans {
                out.extend(w[i..s.start].iter().map(|x| x.to_string()));
                out.push(format!(
                    "[{} {}]",
                    s.label.as_str(),
                    w[s.start..s.end].join(" ")
                ));
                i = s.end;
            }
            out.extend(w[i..].iter().map(|x| x.to_string()));
            println!("{}", out.join(" "));
        }
        doc.clear();
    };
    for line in std::io::stdin().lock().lines() {
        let line = line.context("reading stdin")?;
        if line.trim().is_empty() {
            flush(&mut doc);
            println!();
        } else {
            doc.push(line);
        }
    }
    flush(&mut doc);
    Ok(())
}
