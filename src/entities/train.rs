//! Training and evaluation of the mention tagger from annotated articles
//! (`newsgraph train mentions`, `newsgraph evaluate mentions`).
//!
//! Each annotated entity lists the surface forms the article uses for it;
//! projecting those forms onto the article's tokens gives the labels. Forms
//! that describe a person or a country rather than name it ("the
//! president", "the country") are left out of training (masked): they are
//! coreference's work, not new mentions.

use super::learned::{
    classes, dynamic_features, labels_to_spans, spans_to_labels, static_features, DocStats,
    MentionModel, SentenceInput, NUM_CLASSES, TYPES,
};
use crate::document::{Annotated, Document};
use crate::ontology::EntityType;
use crate::relations::align::GoldFile;
use crate::relations::linear::{Instance, Linear, TrainConfig};
use crate::relations::train::{read_list, read_silver};
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;

/// Arguments of `newsgraph train mentions`.
#[derive(Debug, Clone, clap::Args)]
pub struct TrainArgs {
    /// The annotated articles: a folder with `articles/<id>.txt`,
    /// `annot/<id>.json` and the list of ids to train on.
    #[arg(long, default_value = "../shared/silver")]
    pub silver: PathBuf,
    /// File of article ids to train on (default: SILVER/train.list).
    #[arg(long)]
    pub list: Option<PathBuf>,
    /// Train on the first N articles of the list only (learning curves).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Where to write the model.
    #[arg(long, default_value = "data/models/mentions.bin.zst")]
    pub output: PathBuf,
    /// Passes over the training data.
    #[arg(long, default_value_t = 10)]
    pub epochs: usize,
}

/// Arguments of `newsgraph evaluate mentions`.
#[derive(Debug, Clone, clap::Args)]
pub struct EvaluateArgs {
    /// The annotated articles (see `train mentions`).
    #[arg(long, default_value = "../shared/silver")]
    pub silver: PathBuf,
    /// File of article ids to measure on (default: SILVER/dev.list).
    #[arg(long)]
    pub list: Option<PathBuf>,
    /// A model file to use instead of the shipped one.
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// One article ready for the tagger: its processed text, the recognizer's
/// and rules' output, and the projected labels.
pub struct Projected {
    /// The article after the rules' entity stage.
    pub ann: Annotated,
    /// Recognizer spans per sentence.
    pub ner: Vec<Vec<crate::nlp::ner::EntitySpan>>,
    /// Gold labels per sentence (`None`: masked, not trained on).
    pub labels: Vec<Vec<Option<usize>>>,
}

/// Lower-case and straight quotes, for matching names to tokens.
fn fold(w: &str) -> String {
    w.replace(['\u{2019}', '\u{2018}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
}

const DETERMINERS: [&str; 8] = ["the", "a", "an", "his", "her", "its", "their", "our"];

struct Form {
    tokens: Vec<String>,
    kind: usize,
    /// Describes rather than names: masked.
    masked: bool,
}

fn forms(gold: &GoldFile) -> HashMap<String, Vec<Form>> {
    let mut by_first: HashMap<String, Vec<Form>> = HashMap::new();
    let is_proper = |toks: &[String]| {
        toks.iter()
            .any(|w| w.chars().next().is_some_and(char::is_uppercase))
    };
    for e in gold.entities.values() {
        // A thing with a name is also described ("the company", "the
        // summit"): those descriptions are coreference's work.
        let named = e.names.iter().any(|n| {
            let n = fold(n);
            let toks: Vec<String> = crate::segment::tokenize(&n, 0..n.len())
                .into_iter()
                .map(|r| n[r].to_string())
                .filter(|w| !DETERMINERS.contains(&w.to_lowercase().as_str()))
                .collect();
            is_proper(&toks)
        });
        let Ok(kind) = e.kind.parse::<EntityType>() else {
            continue;
        };
        let Some(t) = TYPES.iter().position(|&k| k == kind) else {
            continue;
        };
        for name in &e.names {
            let name = fold(name);
            let mut toks: Vec<String> = crate::segment::tokenize(&name, 0..name.len())
                .into_iter()
                .map(|r| name[r].to_string())
                .collect();
            let mut determined = false;
            while toks
                .first()
                .is_some_and(|w| DETERMINERS.contains(&w.to_lowercase().as_str()))
            {
                toks.remove(0);
                determined = true;
            }
            if toks.is_empty() {
                continue;
            }
            let proper = is_proper(&toks);
            let person_description = kind == EntityType::Person
                && (determined
                    || toks.iter().any(|w| {
                        w.chars().next().is_some_and(char::is_lowercase)
                            && !matches!(
                                w.as_str(),
                                "al" | "bin"
                                    | "de"
                                    | "van"
                                    | "von"
                                    | "la"
                                    | "le"
                                    | "da"
                                    | "del"
                                    | "di"
                                    | "du"
                                    | "ibn"
                                    | "el"
                                    | "dos"
                                    | "der"
                            )
                    }));
            let masked = person_description
                || (kind != EntityType::Group && !proper && named)
                || (matches!(kind, EntityType::Person | EntityType::Gpe) && !proper);
            by_first
                .entry(toks[0].to_lowercase())
                .or_default()
                .push(Form {
                    tokens: toks,
                    kind: t,
                    masked,
                });
        }
    }
    for v in by_first.values_mut() {
        // Longest first; among equals, names before descriptions.
        v.sort_by(|a, b| {
            b.tokens
                .len()
                .cmp(&a.tokens.len())
                .then(a.masked.cmp(&b.masked))
                .then(a.tokens.cmp(&b.tokens))
                .then(a.kind.cmp(&b.kind))
        });
    }
    by_first
}

/// A name's token matches a text token: exactly, or case-insensitively when
/// the name writes it in lower case ("Lawmakers" at a sentence start), never
/// a capitalized name against a lower-case word ("May" against "may").
fn token_fits(name: &str, text: &str) -> bool {
    name == text
        || (name.chars().next().is_some_and(|c| !c.is_uppercase()) && name == text.to_lowercase())
}

/// Projects an article's annotated names onto its tokens.
pub fn project(ann: &Annotated, gold: &GoldFile) -> Vec<Vec<Option<usize>>> {
    let by_first = forms(gold);
    ann.sentences
        .iter()
        .enumerate()
        .map(|(si, s)| {
            let words: Vec<String> = s.tokens.iter().map(|t| fold(&t.form)).collect();
            let n = words.len();
            let mut spans = Vec::new();
            let mut masked = Vec::new();
            let mut i = 0;
            while i < n {
                let hit = by_first.get(&words[i].to_lowercase()).and_then(|v| {
                    v.iter().find(|f| {
                        i + f.tokens.len() <= n
                            && f.tokens
                                .iter()
                                .zip(&words[i..])
                                .all(|(a, b)| token_fits(a, b))
                    })
                });
                match hit {
                    Some(f) => {
                        let mut start = i;
                        let end = i + f.tokens.len();
                        if TYPES[f.kind] == EntityType::Person {
                            // Titles stay outside a person's name, as the
                            // rules have them ("President [Donald Trump]").
                            if let Some(m) = ann.mentions.iter().find(|m| {
                                m.sentence == si
                                    && m.kind == EntityType::Person
                                    && m.tokens.end == end
                                    && m.tokens.start > start
                            }) {
                                start = m.tokens.start;
                            }
                        }
                        if f.masked {
                            masked.push(start..end);
                        } else {
                            spans.push((start, end, f.kind));
                        }
                        i = end;
                    }
                    None => i += 1,
                }
            }
            let labels = spans_to_labels(n, &spans);
            let mut out: Vec<Option<usize>> = labels.into_iter().map(Some).collect();
            for r in masked {
                for o in &mut out[r] {
                    *o = None;
                }
            }
            out
        })
        .collect()
}

/// Runs the stages before the tagger on the articles and projects their
/// annotations (in parallel, in input order).
pub fn prepare(docs: Vec<(Document, GoldFile)>) -> Vec<Projected> {
    docs.into_par_iter()
        .map(|(doc, gold)| {
            let mut ann = crate::pipeline::segmented(doc);
            crate::tag::tag(&mut ann.sentences);
            let ner = super::detect_rules(&mut ann);
            let labels = project(&ann, &gold);
            Projected { ann, ner, labels }
        })
        .collect()
}

fn instances(p: &Projected) -> Vec<Instance> {
    let mut out = Vec::new();
    let doc = DocStats::new(&p.ann);
    for (si, labels) in p.labels.iter().enumerate() {
        let x = SentenceInput::new(&p.ann, si, &p.ner[si], &p.ann.mentions, &doc);
        let stat = static_features(&x);
        let hist: Vec<usize> = labels.iter().map(|y| y.unwrap_or(0)).collect();
        for (k, y) in labels.iter().enumerate() {
            let Some(y) = *y else { continue };
            let mut f = stat[k].clone();
            dynamic_features(&x, k, &hist, &mut f);
            out.push(Instance {
                features: f,
                target: vec![(y, 1.0)],
            });
        }
    }
    out
}

/// Trains the tagger on projected articles.
pub fn train(data: &[Projected], epochs: usize) -> MentionModel {
    let inst: Vec<Instance> = data.par_iter().flat_map_iter(instances).collect();
    let tagger = Linear::train(
        classes(),
        &inst,
        TrainConfig {
            epochs,
            dropout: 0.1,
            ..TrainConfig::default()
        },
    );
    MentionModel {
        tagger,
        trained_on: data.len(),
    }
}

/// Span counts per type: (found and right, found, annotated).
#[derive(Debug, Clone, Default)]
pub struct SpanScores {
    /// Per type index: right, found, annotated.
    pub by_type: Vec<[usize; 3]>,
}

impl SpanScores {
    fn add(&mut self, gold: &[Option<usize>], found: &[(usize, usize, usize)]) {
        if self.by_type.is_empty() {
            self.by_type = vec![[0; 3]; TYPES.len()];
        }
        let labels: Vec<usize> = gold.iter().map(|y| y.unwrap_or(0)).collect();
        let want = labels_to_spans(&labels);
        for &(s, e, t) in found {
            if gold[s..e].iter().any(Option::is_none) {
                continue;
            }
            self.by_type[t][1] += 1;
            if want.contains(&(s, e, t)) {
                self.by_type[t][0] += 1;
            }
        }
        for &(_, _, t) in &want {
            self.by_type[t][2] += 1;
        }
    }

    /// Lines of a table: type, P, R, F1, counts; the total last.
    pub fn report(&self) -> String {
        let prf = |c: [usize; 3]| {
            let p = if c[1] > 0 {
                c[0] as f64 / c[1] as f64
            } else {
                0.0
            };
            let r = if c[2] > 0 {
                c[0] as f64 / c[2] as f64
            } else {
                0.0
            };
            let f = if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            };
            (p, r, f)
        };
        let mut s = String::from("type        P     R     F1    right found annotated\n");
        let mut total = [0; 3];
        for (t, c) in self.by_type.iter().enumerate() {
            let (p, r, f) = prf(*c);
            s.push_str(&format!(
                "{:<10} {p:.3} {r:.3} {f:.3} {:>6} {:>5} {:>5}\n",
                TYPES[t].as_str(),
                c[0],
                c[1],
                c[2]
            ));
            for k in 0..3 {
                total[k] += c[k];
            }
        }
        let (p, r, f) = prf(total);
        s.push_str(&format!(
            "{:<10} {p:.3} {r:.3} {f:.3} {:>6} {:>5} {:>5}\n",
            "all", total[0], total[1], total[2]
        ));
        s
    }
}

/// Scores the tagger and the rules against the projected labels.
pub fn evaluate(model: &MentionModel, data: &[Projected]) -> (SpanScores, SpanScores) {
    let mut tagger = SpanScores::default();
    let mut rules = SpanScores::default();
    for p in data {
        let doc = DocStats::new(&p.ann);
        for (si, gold) in p.labels.iter().enumerate() {
            let x = SentenceInput::new(&p.ann, si, &p.ner[si], &p.ann.mentions, &doc);
            let found: Vec<(usize, usize, usize)> = model
                .tag(&x)
                .0
                .into_iter()
                .map(|f| {
                    (
                        f.start,
                        f.end,
                        TYPES.iter().position(|&k| k == f.kind).unwrap_or(0),
                    )
                })
                .collect();
            tagger.add(gold, &found);
            let ruled: Vec<(usize, usize, usize)> = p
                .ann
                .mentions
                .iter()
                .filter(|m| m.sentence == si && m.is_name)
                .map(|m| {
                    (
                        m.tokens.start,
                        m.tokens.end,
                        TYPES.iter().position(|&k| k == m.kind).unwrap_or(0),
                    )
                })
                .collect();
            rules.add(gold, &ruled);
        }
    }
    (tagger, rules)
}

fn read(silver: &std::path::Path, list: &std::path::Path) -> Result<Vec<Projected>> {
    let ids = read_list(list)?;
    eprintln!("reading {} articles from {}", ids.len(), silver.display());
    Ok(prepare(read_silver(silver, &ids)?))
}

/// `newsgraph train mentions`.
pub fn run_train(args: TrainArgs) -> Result<()> {
    let list = args
        .list
        .clone()
        .unwrap_or_else(|| args.silver.join("train.list"));
    let mut data = read(&args.silver, &list)?;
    if let Some(n) = args.limit {
        data.truncate(n);
    }
    let tokens: usize = data.iter().flat_map(|p| &p.labels).map(Vec::len).sum();
    let named: usize = data
        .iter()
        .flat_map(|p| &p.labels)
        .flatten()
        .filter(|y| y.is_some_and(|y| y > 0))
        .count();
    eprintln!("{tokens} tokens, {named} inside annotated mentions; {NUM_CLASSES} classes");
    let model = train(&data, args.epochs);
    model.save(&args.output)?;
    eprintln!(
        "wrote {} ({} features)",
        args.output.display(),
        model.tagger.to_data().keys.len()
    );
    Ok(())
}

/// `newsgraph evaluate mentions`.
pub fn run_evaluate(args: EvaluateArgs) -> Result<()> {
    let list = args
        .list
        .clone()
        .unwrap_or_else(|| args.silver.join("dev.list"));
    let model = match &args.model {
        Some(p) => MentionModel::load(p)?,
        None => MentionModel::shipped()
            .map(|m| (*m).clone())
            .ok_or_else(|| anyhow::anyhow!("this build carries no mention model"))?,
    };
    let data = read(&args.silver, &list)?;
    let (tagger, rules) = evaluate(&model, &data);
    println!("# mention tagger (spans against the projected annotation)");
    print!("{}", tagger.report());
    println!("# hand rules");
    print!("{}", rules.report());
    Ok(())
}
