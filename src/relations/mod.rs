//! Relations: who did what to whom, with modality and evidence.
//!
//! The stage sits behind the [`RelationExtractor`] trait so that extractors can
//! be swapped. [`ParseExtractor`], the default, reads each trigger's arguments
//! off the dependency parse; [`PatternExtractor`] works on word windows and
//! covers sentences that were not parsed. Both take their trigger words from
//! the [`Lexicon`](crate::lexicon::Lexicon), which is data.

mod modality;
mod parse;
mod pattern;
mod tree;

pub use modality::Cues;
pub use parse::ParseExtractor;
pub use pattern::{modality, PatternExtractor};

use crate::document::{Annotated, LocalRelation};
use crate::ontology::{EntityType, Modality};

/// A relation stage: reads an annotated document, returns its relations.
pub trait RelationExtractor: Send + Sync {
    /// The relations stated in `ann` (entities and mentions already resolved).
    fn extract(&self, ann: &Annotated) -> Vec<LocalRelation>;
}

/// The standing facts that titles and appositions state, found by the
/// entity stage, as relations.
/// Group memberships ("Russian diplomats" → Russia) only with `group_links`.
fn standing_facts(ann: &Annotated, group_links: bool, out: &mut Vec<LocalRelation>) {
    for f in &ann.facts {
        let (s, o) = (&ann.mentions[f.subject], &ann.mentions[f.object]);
        if s.kind == EntityType::Group && !group_links {
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
