//! Relations: who did what to whom, with modality and evidence.
//!
//! The stage sits behind the [`RelationExtractor`] trait so that extractors can
//! be swapped. [`LearnedExtractor`], the default, scores every mention pair
//! with a model trained on annotated news (`learned.rs`, its features in
//! `features.rs`, its learner in `linear.rs`, its training and the alignment
//! of annotations in `train.rs` and `align.rs`). The hand rules are its
//! features and the `--relations rules` extractor: [`ParseExtractor`] reads
//! each trigger's arguments off the dependency parse; [`PatternExtractor`]
//! works on word windows and covers sentences that were not parsed. Both take
//! their trigger words from the [`Lexicon`](crate::lexicon::Lexicon), which
//! is data.

pub mod align;
pub mod evaluate;
pub mod features;
pub mod learned;
pub mod linear;
mod modality;
mod parse;
mod pattern;
pub mod train;
mod tree;

pub use learned::{LearnedExtractor, RelationModel};
pub use modality::Cues;
pub use parse::ParseExtractor;
pub use pattern::{modality, PatternExtractor};

use crate::document::{Annotated, LocalRelation, Mention};
use crate::ontology::{EntityType, Modality};

/// A relation stage: reads an annotated document, returns its relations.
pub trait RelationExtractor: Send + Sync {
    /// The relations stated in `ann` (entities and mentions already resolved).
    fn extract(&self, ann: &Annotated) -> Vec<LocalRelation>;
}

/// The standing facts that titles and appositions state, found by the
/// entity stage, as relations.
/// Group memberships ("Russian diplomats" → Russia) only with `group_links`.
/// Where the sentence is parsed, the name and its affiliation must be
/// linked by the parse: "the election of Trump, the Kremlin spokesman said"
/// is no apposition.
fn standing_facts(ann: &Annotated, group_links: bool, out: &mut Vec<LocalRelation>) {
    for f in &ann.facts {
        let (s, o) = (&ann.mentions[f.subject], &ann.mentions[f.object]);
        if s.kind == EntityType::Group && !group_links {
            continue;
        }
        if !linked(ann, s, o) {
            continue;
        }
        if let (Some(se), Some(oe)) = (s.entity, o.entity) {
            push(
                out,
                se,
                oe,
                f.relation,
                Modality::Asserted,
                s.sentence,
                &f.trigger,
                0.9,
            );
        }
    }
}

/// Whether two mentions of one sentence are close in its parse: one's head
/// word reaches the other's within three arcs (apposition, "of", modifier),
/// or both are in one name unit. True when the sentence has no parse.
fn linked(ann: &Annotated, a: &Mention, b: &Mention) -> bool {
    if a.sentence != b.sentence || a.tokens.is_empty() || b.tokens.is_empty() {
        return true;
    }
    let toks = &ann.sentences[a.sentence].tokens;
    if toks.iter().any(|t| t.deprel.is_empty()) {
        return true;
    }
    let head_of = |m: &Mention| {
        m.tokens
            .clone()
            .find(|&i| toks[i].head.is_none_or(|h| !m.tokens.contains(&h)))
            .unwrap_or(m.tokens.start)
    };
    let (ha, hb) = (head_of(a), head_of(b));
    let reaches = |mut x: usize, y: usize| {
        for _ in 0..3 {
            match toks[x].head {
                Some(h) if h == y => return true,
                Some(h) => x = h,
                None => return false,
            }
        }
        false
    };
    reaches(ha, hb) || reaches(hb, ha)
}

/// Sets each event's date from its sentence, relative to the article date.
fn date_events(ann: &Annotated, out: &mut [LocalRelation]) {
    let anchor = ann.doc.date.as_deref().and_then(crate::dates::parse_date);
    let mut lower: Option<(usize, Vec<String>)> = None;
    for r in out.iter_mut() {
        if crate::ontology::is_standing(&r.relation) {
            continue;
        }
        if lower.as_ref().is_none_or(|(s, _)| *s != r.sentence) {
            let words = ann.sentences[r.sentence]
                .tokens
                .iter()
                .map(|t| crate::gazetteer::norm_token(&t.form))
                .collect();
            lower = Some((r.sentence, words));
        }
        if let Some((_, words)) = &lower {
            r.event_date = crate::dates::event_date(words, anchor, r.modality == Modality::Planned);
        }
    }
}

/// Adds one relation unless it is reflexive.
#[allow(clippy::too_many_arguments)]
fn push(
    out: &mut Vec<LocalRelation>,
    s: usize,
    o: usize,
    rel: &str,
    m: Modality,
    sentence: usize,
    trigger: &str,
    conf: f64,
) {
    if s == o {
        return;
    }
    out.push(LocalRelation {
        source: s,
        target: o,
        relation: rel.to_string(),
        modality: m,
        sentence,
        trigger: trigger.to_string(),
        confidence: conf,
        event_date: None,
        lemma: None,
    });
}
