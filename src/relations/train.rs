//! Training of the relation model from annotated articles
//! (`newsgraph train relations`), with the alignment report, calibration by
//! cross-validation and the choice of the default threshold.

use super::align::{align, Alignment, GoldFile, Miss};
use super::features::{
    candidates, each_candidate, modality_features, relation_features, Candidate, Context, RuleIndex,
};
use super::learned::{modality_classes, propose, relation_classes, RelationModel, GROUPS};
use super::linear::{Instance, Isotonic, Linear, TrainConfig};
use crate::document::{Annotated, Document};
use crate::lexicon::Lexicon;
use crate::pipeline::{Pipeline, RelationOptions, RelationsChoice};
use anyhow::{Context as _, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Arguments of `newsgraph train relations`.
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
    #[arg(long, default_value = "data/models/relations.bin.zst")]
    pub output: PathBuf,
    /// Cross-validation folds for calibration and the threshold.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Passes over the training data.
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
}

/// One processed training article with its candidates and labels.
pub struct Prepared {
    /// The processed article (relations: the hand rules').
    pub ann: Annotated,
    /// Its annotation.
    pub gold: GoldFile,
    /// Its candidate pairs.
    pub candidates: Vec<Candidate>,
    /// Alignment of the annotation to its candidates.
    pub alignment: Alignment,
    rel: Vec<Instance>,
    modality: Vec<Instance>,
}

/// Reads ids from a list file (one per line).
pub fn read_list(path: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

/// Reads the listed articles and their annotations.
pub fn read_silver(dir: &Path, ids: &[String]) -> Result<Vec<(Document, GoldFile)>> {
    ids.iter()
        .map(|id| {
            let tp = dir.join("articles").join(format!("{id}.txt"));
            let text = std::fs::read_to_string(&tp)
                .with_context(|| format!("cannot read {}", tp.display()))?;
            let ap = dir.join("annot").join(format!("{id}.json"));
            let gold = GoldFile::parse(
                &std::fs::read_to_string(&ap)
                    .with_context(|| format!("cannot read {}", ap.display()))?,
            )
            .with_context(|| format!("bad annotation {}", ap.display()))?;
            let doc = crate::read::text_document(id, &tp.display().to_string(), text);
            Ok((doc, gold))
        })
        .collect()
}

/// Processes articles with the hand rules, aligns their annotations and
/// extracts the training instances (in parallel, in input order).
pub fn prepare(docs: Vec<(Document, GoldFile)>) -> Vec<Prepared> {
    let pipeline = Pipeline::with_options(
        Lexicon::builtin(),
        RelationOptions {
            relations: RelationsChoice::Rules,
            ..Default::default()
        },
    );
    let lexicon = Lexicon::builtin();
    let classes = relation_classes();
    let mods = modality_classes();
    docs.into_par_iter()
        .map(|(doc, gold)| {
            let ann = pipeline.annotate(doc);
            let ctx = Context {
                lexicon: &lexicon,
                clusters: crate::nlp::Tagger::shipped().clusters(),
            };
            let cands = candidates(&ann);
            let alignment = align(&ann, &gold, &cands);
            let index = RuleIndex::new(&ann.relations);
            let mut rel = Vec::with_capacity(cands.len());
            let mut modality = Vec::new();
            each_candidate(&ann, &ctx, &cands, |i, c, v| {
                let labels = &alignment.labels[i];
                // A pair with an argument the annotation does not name says
                // nothing about how relations are worded.
                if alignment.entity_ids[c.ea].is_none() || alignment.entity_ids[c.eb].is_none() {
                    return;
                }
                let mut f = Vec::new();
                relation_features(&ann, v, &index, c, &mut f);
                let target = if labels.is_empty() {
                    vec![(0, 1.0)]
                } else {
                    let w = 1.0 / labels.len() as f32;
                    labels
                        .iter()
                        .map(|(r, _)| (classes.iter().position(|x| x == r).unwrap_or(0), w))
                        .collect()
                };
                rel.push(Instance {
                    features: f,
                    target,
                });
                if !labels.is_empty() {
                    let mut f = Vec::new();
                    modality_features(&ann, v, &index, c, &mut f);
                    let w = 1.0 / labels.len() as f32;
                    let mut target: Vec<(usize, f32)> = Vec::new();
                    for (_, m) in labels {
                        let mi = mods.iter().position(|x| x == m.as_str()).unwrap_or(0);
                        match target.iter_mut().find(|t| t.0 == mi) {
                            Some(t) => t.1 += w,
                            None => target.push((mi, w)),
                        }
                    }
                    modality.push(Instance {
                        features: f,
                        target,
                    });
                }
            });
            Prepared {
                ann,
                gold,
                candidates: cands,
                alignment,
                rel,
                modality,
            }
        })
        .collect()
}

fn fit(docs: &[&Prepared], epochs: usize) -> RelationModel {
    let cfg = TrainConfig {
        epochs,
        ..TrainConfig::default()
    };
    let rel: Vec<Instance> = docs.iter().flat_map(|d| d.rel.iter().cloned()).collect();
    let modality: Vec<Instance> = docs
        .iter()
        .flat_map(|d| d.modality.iter().cloned())
        .collect();
    let (relations, modality) = rayon::join(
        || Linear::train(relation_classes(), &rel, cfg),
        || {
            Linear::train(
                modality_classes(),
                &modality,
                TrainConfig {
                    epochs: epochs.max(6),
                    ..cfg
                },
            )
        },
    );
    // Round-trip through the saved form, so cross-validation sees the
    // quantized weights the shipped model will have.
    let m = RelationModel {
        relations,
        modality,
        calibration: Vec::new(),
        threshold: 0.5,
        trained_on: docs.len(),
    };
    RelationModel::from_data(&m.to_data())
}

/// A scored fact of a held-out article: raw score, whether it is right
/// (strict), and the required relations it fits.
#[derive(Debug, Clone)]
pub struct Scored {
    /// Raw model score.
    pub raw: f32,
    /// What the rules said of it ([`super::learned::Proposal::group`]).
    pub group: usize,
    /// Fits an annotated relation of the article (strict).
    pub correct: bool,
    /// (article, required relation index) pairs it fits.
    pub fits: Vec<(usize, usize)>,
}

/// Scores the proposals of one article against its annotation.
pub fn score_article(model: &RelationModel, d: &Prepared, doc_index: usize) -> Vec<Scored> {
    propose(model, &d.ann, &d.ann.relations)
        .into_iter()
        .map(|p| {
            let ids = &d.alignment.entity_ids;
            let (s, o) = (ids[p.source].as_deref(), ids[p.target].as_deref());
            let mut fits = Vec::new();
            let mut correct = false;
            if let (Some(s), Some(o)) = (s, o) {
                for (gi, g) in d.gold.relations.iter().enumerate() {
                    if GoldFile::fits(g, s, &p.relation, o, p.modality.as_str(), true) {
                        correct = true;
                        if g.required {
                            fits.push((doc_index, gi));
                        }
                    }
                }
            }
            Scored {
                raw: p.raw,
                group: p.group,
                correct,
                fits,
            }
        })
        .collect()
}

/// Precision, recall and F1 of facts at or above a confidence threshold.
pub fn prf_at(scored: &[(f32, &Scored)], required: usize, t: f32) -> (f64, f64, f64) {
    let kept: Vec<&Scored> = scored
        .iter()
        .filter(|(c, _)| *c >= t)
        .map(|(_, s)| *s)
        .collect();
    let good = kept.iter().filter(|s| s.correct).count();
    let mut hit: Vec<(usize, usize)> = kept.iter().flat_map(|s| s.fits.iter().copied()).collect();
    hit.sort_unstable();
    hit.dedup();
    let p = if kept.is_empty() {
        0.0
    } else {
        good as f64 / kept.len() as f64
    };
    let r = if required == 0 {
        0.0
    } else {
        hit.len() as f64 / required as f64
    };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// Trains the model: alignment report, cross-validated calibration and
/// threshold, then the final model on every listed article.
pub fn train(
    docs: &[Prepared],
    folds: usize,
    epochs: usize,
    log: &mut dyn FnMut(&str),
) -> RelationModel {
    // Alignment report.
    let (mut req, mut ok) = (0, 0);
    let mut misses: BTreeMap<Miss, usize> = BTreeMap::new();
    for d in docs {
        req += d.alignment.required;
        ok += d.alignment.aligned;
        for (m, n) in &d.alignment.misses {
            *misses.entry(*m).or_default() += n;
        }
    }
    log(&format!(
        "alignment: {ok} of {req} required relations ({:.1}%) have a candidate pair",
        100.0 * ok as f64 / req.max(1) as f64
    ));
    for (m, n) in &misses {
        log(&format!("  unaligned, {}: {n}", m.as_str()));
    }
    // What the hand rules alone reach on these articles (document level).
    let (mut rule_facts, mut rule_good) = (0usize, 0usize);
    for d in docs {
        let mut seen = std::collections::BTreeSet::new();
        for r in &d.ann.relations {
            if !seen.insert((r.source, r.relation.clone(), r.target, r.modality)) {
                continue;
            }
            rule_facts += 1;
            let ids = &d.alignment.entity_ids;
            if let (Some(s), Some(o)) = (ids[r.source].as_deref(), ids[r.target].as_deref()) {
                if d.gold
                    .relations
                    .iter()
                    .any(|g| GoldFile::fits(g, s, &r.relation, o, r.modality.as_str(), true))
                {
                    rule_good += 1;
                }
            }
        }
    }
    let (mut rc, mut rl, mut rn) = (0, 0, 0);
    for d in docs {
        for (c, labels) in d.candidates.iter().zip(&d.alignment.labels) {
            if d.alignment.entity_ids[c.ea].is_none() || d.alignment.entity_ids[c.eb].is_none() {
                continue;
            }
            for r in d
                .ann
                .relations
                .iter()
                .filter(|r| r.sentence == c.sentence && r.source == c.ea && r.target == c.eb)
            {
                rc += 1;
                if labels.iter().any(|(l, _)| *l == r.relation) {
                    rl += 1;
                } else if labels.is_empty() {
                    rn += 1;
                }
            }
        }
    }
    log(&format!(
        "rule-proposed mapped candidates: {rc}, labelled with the rule's relation {rl}, none {rn}"
    ));
    log(&format!(
        "hand rules: {rule_good} of {rule_facts} facts right ({:.1}%)",
        100.0 * rule_good as f64 / rule_facts.max(1) as f64
    ));
    let n_rel: usize = docs.iter().map(|d| d.rel.len()).sum();
    let n_pos: usize = docs.iter().map(|d| d.modality.len()).sum();
    log(&format!(
        "instances: {n_rel} candidate pairs, {n_pos} with a relation"
    ));
    // Cross-validation by article.
    let folds = folds.max(2).min(docs.len().max(2));
    let per_fold: Vec<Vec<Scored>> = (0..folds)
        .into_par_iter()
        .map(|k| {
            let train: Vec<&Prepared> = docs
                .iter()
                .enumerate()
                .filter(|(i, _)| i % folds != k)
                .map(|(_, d)| d)
                .collect();
            let model = fit(&train, epochs);
            docs.iter()
                .enumerate()
                .filter(|(i, _)| i % folds == k)
                .flat_map(|(i, d)| score_article(&model, d, i))
                .collect()
        })
        .collect();
    let all: Vec<Scored> = per_fold.into_iter().flatten().collect();
    let calibration: Vec<Isotonic> = (0..GROUPS)
        .map(|g| {
            let pairs: Vec<(f32, bool)> = all
                .iter()
                .filter(|s| s.group == g)
                .map(|s| (s.raw, s.correct))
                .collect();
            let iso = Isotonic::fit(&pairs);
            let right = pairs.iter().filter(|p| p.1).count();
            log(&format!(
                "calibration group {g}: {} facts, {right} right, {} blocks",
                pairs.len(),
                iso.points.len()
            ));
            iso
        })
        .collect();
    let calibrated: Vec<(f32, &Scored)> = all
        .iter()
        .map(|s| (calibration[s.group].apply(s.raw), s))
        .collect();
    let required: usize = docs
        .iter()
        .map(|d| d.gold.relations.iter().filter(|g| g.required).count())
        .sum();
    let grid: Vec<(f32, (f64, f64, f64))> = (1..20)
        .map(|step| {
            let t = step as f32 * 0.05;
            (t, prf_at(&calibrated, required, t))
        })
        .collect();
    for (t, prf) in &grid {
        log(&format!(
            "  cross-validated, confidence >= {t:.2}: P {:.3} R {:.3} F1 {:.3}",
            prf.0, prf.1, prf.2
        ));
    }
    // The highest threshold within half a point of the best F1: invented
    // relations cost a reader more than missed ones.
    let top = grid.iter().map(|g| g.1 .2).fold(0.0, f64::max);
    let best = *grid
        .iter()
        .rev()
        .find(|g| g.1 .2 >= top - 0.005)
        .unwrap_or(&(0.5, (0.0, 0.0, 0.0)));
    log(&format!(
        "threshold {:.2}: cross-validated P {:.3} R {:.3} F1 {:.3}",
        best.0, best.1 .0, best.1 .1, best.1 .2
    ));
    let all_docs: Vec<&Prepared> = docs.iter().collect();
    let mut model = fit(&all_docs, epochs);
    model.calibration = calibration;
    model.threshold = best.0;
    model
}

/// `newsgraph train relations`.
pub fn run_train(args: TrainArgs) -> Result<()> {
    let list = args
        .list
        .clone()
        .unwrap_or_else(|| args.silver.join("train.list"));
    let mut ids = read_list(&list)?;
    if let Some(n) = args.limit {
        ids.truncate(n);
    }
    eprintln!(
        "reading {} articles from {}",
        ids.len(),
        args.silver.display()
    );
    let docs = read_silver(&args.silver, &ids)?;
    let prepared = prepare(docs);
    let model = train(&prepared, args.folds, args.epochs, &mut |l| {
        eprintln!("{l}")
    });
    model.save(&args.output)?;
    let size = std::fs::metadata(&args.output)
        .map(|m| m.len())
        .unwrap_or(0);
    eprintln!(
        "wrote {} ({:.1} MB, {} relation features)",
        args.output.display(),
        size as f64 / 1e6,
        model.to_data().relations.keys.len()
    );
    Ok(())
}
