//! The learned relation extractor: a relation model trained on annotated
//! news (`newsgraph train relations`) scores every candidate mention pair,
//! with the hand rules' proposals among its features.
//!
//! For each ordered pair of mentions in a sentence, a softmax model gives a
//! probability to each relation type (or none) with the first mention as
//! source; a second model gives the modality. A document's candidates for
//! one fact (source, relation, target, modality) are pooled by their best
//! score, which an isotonic map, fitted on cross-validated training
//! articles, turns into the probability that the fact is right. Facts above
//! the model's threshold (or `--min-confidence`) become relations.

use super::features::{
    candidates, each_candidate, modality_features, relation_features, Candidate, Context,
    RuleIndex, SentenceView, NONE,
};
use super::linear::{Isotonic, Linear, LinearData};
use super::parse::ParseExtractor;
use super::RelationExtractor;
use crate::document::{Annotated, LocalRelation};
use crate::lexicon::Lexicon;
use crate::ontology::{is_symmetric, Modality};
use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Class probabilities below this are not considered at all.
pub const FLOOR: f32 = 0.03;

/// Saved form of a [`RelationModel`].
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RelationModelData {
    /// Relation type classifier (class 0: none).
    pub relations: LinearData,
    /// Modality classifier (classes: asserted, negated, uncertain, planned).
    pub modality: LinearData,
    /// Raw score → probability that the fact is right, for each
    /// [`Proposal::group`] (what the rules said of the same fact).
    pub calibration: Vec<Isotonic>,
    /// Default confidence threshold (best F1 in cross-validation).
    pub threshold: f32,
    /// Articles the model was trained on.
    pub trained_on: usize,
}

/// A loaded relation model.
#[derive(Debug, Clone)]
pub struct RelationModel {
    /// Relation type classifier.
    pub relations: Linear,
    /// Modality classifier.
    pub modality: Linear,
    /// Calibration of pooled scores, by [`Proposal::group`].
    pub calibration: Vec<Isotonic>,
    /// Default confidence threshold.
    pub threshold: f32,
    /// Articles the model was trained on.
    pub trained_on: usize,
}

static SHIPPED: &[u8] = include_bytes!("../../data/models/relations.bin.zst");

impl RelationModel {
    /// The model shipped in the binary, or `None` when the build carries
    /// none (a bootstrap build before the first training).
    pub fn shipped() -> Option<Arc<RelationModel>> {
        static M: OnceLock<Option<Arc<RelationModel>>> = OnceLock::new();
        M.get_or_init(|| RelationModel::from_bytes(SHIPPED).ok().map(Arc::new))
            .clone()
    }

    /// Decodes a model.
    pub fn from_bytes(bytes: &[u8]) -> Result<RelationModel> {
        anyhow::ensure!(!bytes.is_empty(), "empty relation model");
        let d: RelationModelData = crate::nlp::decode(bytes)?;
        Ok(RelationModel::from_data(&d))
    }

    /// Builds the model from its saved form.
    pub fn from_data(d: &RelationModelData) -> RelationModel {
        RelationModel {
            relations: Linear::from_data(&d.relations),
            modality: Linear::from_data(&d.modality),
            calibration: d.calibration.clone(),
            threshold: d.threshold,
            trained_on: d.trained_on,
        }
    }

    /// The saved form.
    pub fn to_data(&self) -> RelationModelData {
        RelationModelData {
            relations: self.relations.to_data(),
            modality: self.modality.to_data(),
            calibration: self.calibration.clone(),
            threshold: self.threshold,
            trained_on: self.trained_on,
        }
    }

    /// Loads a model file.
    pub fn load(path: &Path) -> Result<RelationModel> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        RelationModel::from_bytes(&bytes)
            .with_context(|| format!("bad relation model {}", path.display()))
    }

    /// Writes the model file (atomically).
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = crate::nlp::encode(&self.to_data())?;
        crate::export::write_atomic(path, |w| w.write_all(&bytes).map_err(Into::into))
    }
}

/// One document-level fact proposed by the model, before thresholding.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// Source entity.
    pub source: usize,
    /// Relation type.
    pub relation: String,
    /// Target entity.
    pub target: usize,
    /// Modality.
    pub modality: Modality,
    /// Best raw score over its sentences.
    pub raw: f32,
    /// (sentence, raw score, trigger word) of each sentence that supports it.
    pub support: Vec<(usize, f32, String)>,
    /// What the hand rules said of the same fact in the document: 0 nothing,
    /// 1 the same fact, 2 the same relation with another modality. The
    /// model's score means something different in each case, so each has
    /// its own calibration.
    pub group: usize,
}

/// Number of [`Proposal::group`] values.
pub const GROUPS: usize = 3;

impl RelationModel {
    /// The calibrated probability that a proposal is right.
    pub fn confidence(&self, p: &Proposal) -> f32 {
        match self.calibration.get(p.group) {
            Some(iso) => iso.apply(p.raw),
            None => p.raw,
        }
    }
}

/// The modality classes, in the classifier's order.
pub fn modality_classes() -> Vec<String> {
    Modality::ALL
        .iter()
        .map(|m| m.as_str().to_string())
        .collect()
}

/// Relation classes: none, then the ontology's relations.
pub fn relation_classes() -> Vec<String> {
    std::iter::once(NONE)
        .chain(crate::ontology::RELATIONS)
        .map(str::to_string)
        .collect()
}

/// Scores every candidate of a document and pools them into facts.
pub fn propose(model: &RelationModel, ann: &Annotated, rules: &[LocalRelation]) -> Vec<Proposal> {
    let lexicon = builtin_lexicon();
    let ctx = Context {
        lexicon,
        clusters: crate::nlp::Tagger::shipped().clusters(),
    };
    let index = RuleIndex::new(rules);
    let cands = candidates(ann);
    let nr = model.relations.num_classes();
    let nm = model.modality.num_classes();
    let mut pr = vec![0f32; nr];
    let mut pm = vec![0f32; nm];
    let mut feats = Vec::with_capacity(128);
    let mut pooled: BTreeMap<(usize, usize, usize, usize), Proposal> = BTreeMap::new();
    let mut ruled: Vec<(usize, usize)> = Vec::new();
    each_candidate(ann, &ctx, &cands, |_, c, v| {
        feats.clear();
        relation_features(ann, v, &index, c, &mut feats);
        model.relations.probs(&feats, &mut pr);
        // The rules' own facts for this pair are always scored, whatever
        // the model thinks of them: their calibration tells how far to
        // trust each.
        ruled.clear();
        ruled.extend(index.pair(c.sentence, c.ea, c.eb).filter_map(|x| {
            let r = model
                .relations
                .classes
                .iter()
                .position(|k| *k == x.relation)?;
            Some((r, Modality::ALL.iter().position(|&m| m == x.modality)?))
        }));
        let mut mod_done = false;
        for (r, &p_rel) in pr.iter().enumerate().skip(1) {
            // Where the rules read a modality for this relation, it stands:
            // in cross-validation the model's other reading was right in
            // under a third of the cases.
            let rule_mod = ruled.iter().find(|x| x.0 == r).map(|x| x.1);
            if p_rel < FLOOR && rule_mod.is_none() {
                continue;
            }
            if !mod_done {
                feats.clear();
                modality_features(ann, v, &index, c, &mut feats);
                model.modality.probs(&feats, &mut pm);
                mod_done = true;
            }
            let mi = rule_mod.unwrap_or_else(|| {
                pm.iter()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
                    .map_or(0, |x| x.0)
            });
            let rel = &model.relations.classes[r];
            let (s, t) = if is_symmetric(rel) && c.eb < c.ea {
                (c.eb, c.ea)
            } else {
                (c.ea, c.eb)
            };
            let raw = p_rel * pm[mi];
            let p = pooled.entry((s, r, t, mi)).or_insert_with(|| Proposal {
                source: s,
                relation: rel.clone(),
                target: t,
                modality: Modality::ALL[mi],
                raw: 0.0,
                support: Vec::new(),
                group: 0,
            });
            p.raw = p.raw.max(raw);
            // The trigger word is looked up only for a sentence's best pair.
            match p.support.iter().position(|x| x.0 == c.sentence) {
                Some(k) if raw <= p.support[k].1 => {}
                Some(k) => p.support[k] = (c.sentence, raw, trigger_of(ann, &index, v, c, rel)),
                None => p
                    .support
                    .push((c.sentence, raw, trigger_of(ann, &index, v, c, rel))),
            }
        }
    });
    let mut out: Vec<Proposal> = pooled.into_values().collect();
    for p in &mut out {
        let same = |r: &&LocalRelation| {
            r.relation == p.relation
                && ((r.source == p.source && r.target == p.target)
                    || (is_symmetric(&r.relation) && r.source == p.target && r.target == p.source))
        };
        p.group = if rules.iter().filter(same).any(|r| r.modality == p.modality) {
            1
        } else if rules.iter().any(|r| same(&r)) {
            2
        } else {
            0
        };
    }
    out
}

/// The word that states the relation: the rules' trigger, else the word
/// that governs both mentions.
fn trigger_of(
    ann: &Annotated,
    rules: &RuleIndex,
    view: &SentenceView,
    c: &Candidate,
    rel: &str,
) -> String {
    rules
        .of(c.sentence, c.ea, c.eb)
        .chain(rules.of(c.sentence, c.eb, c.ea))
        .find(|r| r.relation == rel)
        .map(|r| r.trigger.clone())
        .or_else(|| {
            view.lca(ann, c)
                .map(|t| ann.sentences[c.sentence].tokens[t].form.clone())
        })
        .unwrap_or_default()
}

fn builtin_lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(Lexicon::builtin)
}

/// The extractor the build uses by default.
pub struct LearnedExtractor {
    rules: ParseExtractor,
    model: Arc<RelationModel>,
    /// Rules over the user lexicon's own entries (those the built-in
    /// lexicon lacks): their relations are always kept.
    user: Option<ParseExtractor>,
    /// Facts below this confidence are dropped.
    pub min_confidence: f32,
    /// Keep member_of edges from unnamed groups (`--group-links`).
    pub group_links: bool,
}

impl LearnedExtractor {
    /// The model with the hand rules over the built-in lexicon as features;
    /// `user` is a lexicon given by the user, whose new entries always fire.
    pub fn new(model: Arc<RelationModel>, rules: ParseExtractor, user: Option<&Lexicon>) -> Self {
        let user = user.and_then(|lex| {
            let builtin = builtin_lexicon();
            let own = lex.without(builtin);
            (!own.triggers.is_empty()).then(|| ParseExtractor::new(own))
        });
        LearnedExtractor {
            min_confidence: model.threshold,
            group_links: rules.group_links,
            rules,
            model,
            user,
        }
    }
}

impl RelationExtractor for LearnedExtractor {
    fn extract(&self, ann: &Annotated) -> Vec<LocalRelation> {
        let rules = self.rules.extract(ann);
        let mut out = Vec::new();
        for p in propose(&self.model, ann, &rules) {
            let conf = self.model.confidence(&p);
            if conf < self.min_confidence {
                continue;
            }
            let group = ann.entities[p.source].kind == crate::ontology::EntityType::Group;
            if group && p.relation == "member_of" && !self.group_links {
                continue;
            }
            let conf = ((conf as f64) * 100.0).round() / 100.0;
            let best = p
                .support
                .iter()
                .enumerate()
                .max_by(|a, b| a.1 .1.total_cmp(&b.1 .1).then(b.0.cmp(&a.0)))
                .map(|x| x.0)
                .unwrap_or(0);
            for (i, (si, raw, trig)) in p.support.iter().enumerate() {
                // Other sentences add evidence; the fact's confidence is
                // carried once (noisy-or over zero changes nothing).
                if i != best && *raw < FLOOR * 4.0 {
                    continue;
                }
                out.push(LocalRelation {
                    source: p.source,
                    target: p.target,
                    relation: p.relation.clone(),
                    modality: p.modality,
                    sentence: *si,
                    trigger: trig.clone(),
                    confidence: if i == best { conf.clamp(0.0, 1.0) } else { 0.0 },
                    event_date: None,
                    lemma: None,
                });
            }
        }
        // Open relations stay the rules' (they have no type to learn).
        out.extend(rules.iter().filter(|r| r.relation == "related_to").cloned());
        if let Some(user) = &self.user {
            for r in user.extract(ann) {
                let dup = out.iter().any(|o| {
                    o.source == r.source
                        && o.target == r.target
                        && o.relation == r.relation
                        && o.modality == r.modality
                        && o.sentence == r.sentence
                });
                if !dup {
                    out.push(r);
                }
            }
        }
        super::date_events(ann, &mut out);
        out.sort_by(|a, b| {
            (
                a.sentence,
                a.source,
                a.target,
                &a.relation,
                a.modality as u8,
            )
                .cmp(&(
                    b.sentence,
                    b.source,
                    b.target,
                    &b.relation,
                    b.modality as u8,
                ))
        });
        out
    }
}
