//! The first relation extractor: trigger words and the entity mentions
//! around them, by word windows. The parse-based extractor uses it for
//! sentences that have no parse (too long to parse, or tagging disabled).

use super::{push, RelationExtractor};
use crate::document::{Annotated, LocalRelation, Mention};
use crate::gazetteer::norm_token;
use crate::lexicon::{Lexicon, TriggerKind};
use crate::ontology::{EntityType, Modality};

/// The lexicon-and-pattern extractor.
#[derive(Debug, Clone)]
pub struct PatternExtractor {
    /// The trigger lexicon.
    pub lexicon: Lexicon,
}

const PREPOSITIONS: [&str; 20] = [
    "of", "in", "with", "to", "for", "at", "from", "on", "by", "against", "about", "into", "over",
    "between", "among", "after", "before", "under", "during", "than",
];
const NEGATORS: [&str; 5] = ["not", "n't", "never", "no", "without"];
const NEGATING_VERBS: [&str; 14] = [
    "refrain",
    "refrained",
    "refrains",
    "declined",
    "declines",
    "decline",
    "failed",
    "fail",
    "fails",
    "refused",
    "refuse",
    "refuses",
    "yet",
    "denied",
];
/// Words after a negator that cancel it ("didn't waste any time praising", "not only").
const NEGATION_TRAPS: [&str; 4] = ["waste", "hesitate", "only", "just"];
const PLANNED: [&str; 14] = [
    "will",
    "'ll",
    "shall",
    "plans",
    "plan",
    "planned",
    "planning",
    "scheduled",
    "set",
    "intends",
    "intend",
    "upcoming",
    "until",
    "prepared",
];
const UNCERTAIN: [&str; 21] = [
    "may",
    "might",
    "could",
    "would",
    "should",
    "if",
    "likely",
    "possibly",
    "perhaps",
    "alleged",
    "allegedly",
    "whether",
    "claims",
    "claimed",
    "unless",
    "expects",
    "expected",
    "threatened",
    "threatens",
    "threaten",
    "threatening",
];
/// Words that may stand between two coordinated verbs sharing a subject
/// ("X criticized Y and threatened to expel Z").
const GLUE: [&str; 9] = [
    ",", "and", "or", "but", "also", "then", "to", "later", "quickly",
];
const PASSIVE_AUX: [&str; 9] = [
    "was", "were", "been", "being", "is", "are", "be", "got", "get",
];
/// Tokens that end the search for an argument.
const BARRIERS: [&str; 6] = [".", ";", ":", "?", "!", "\u{2014}"];

impl PatternExtractor {
    /// An extractor over the given lexicon.
    pub fn new(lexicon: Lexicon) -> Self {
        PatternExtractor { lexicon }
    }
}

struct Sent<'a> {
    lower: Vec<String>,
    /// Mentions of this sentence, sorted by start.
    mentions: Vec<&'a Mention>,
    /// Mentions that are a title's affiliation before a name ("Russian" in "Russian President X").
    title_objects: Vec<usize>,
}

impl Sent<'_> {
    fn mention_ending_before(&self, pos: usize, max: usize) -> Option<&Mention> {
        self.mentions
            .iter()
            .rev()
            .filter(|m| m.tokens.end <= pos && pos - m.tokens.end <= max)
            .filter(|m| !self.title_objects.contains(&m.tokens.start))
            .find(|m| {
                let between = &self.lower[m.tokens.end..pos];
                let after_preposition = m.tokens.start > 0
                    && PREPOSITIONS.contains(&self.lower[m.tokens.start - 1].as_str());
                !between.iter().any(|w| BARRIERS.contains(&w.as_str())) && !after_preposition
            })
            .copied()
    }

    /// The first mention after `pos`, reached over determiners, numbers and
    /// adjectives, or over one of `preps`.
    fn mention_after(
        &self,
        pos: usize,
        preps: &[String],
        direct: bool,
        max: usize,
    ) -> Option<&Mention> {
        // A title's affiliation is not the object: "met Argentine Foreign Minister X" → X.
        let m = self.mentions.iter().find(|m| {
            m.tokens.start >= pos
                && m.tokens.start - pos <= max
                && !self.title_objects.contains(&m.tokens.start)
        })?;
        let between = &self.lower[pos..m.tokens.start];
        if between
            .iter()
            .any(|w| BARRIERS.contains(&w.as_str()) || w == "," || w == "that" || w == "who")
        {
            return None;
        }
        let prep_pos = between
            .iter()
            .position(|w| PREPOSITIONS.contains(&w.as_str()));
        match prep_pos {
            None if direct => Some(m),
            Some(p)
                if preps.iter().any(|x| *x == between[p])
                    && between[..p]
                        .iter()
                        .all(|w| !PREPOSITIONS.contains(&w.as_str())) =>
            {
                Some(m)
            }
            _ => None,
        }
    }
}

/// The modality of a trigger at `pos`, from the words before it in its clause.
pub fn modality(lower: &[String], pos: usize, left_limit: usize) -> Modality {
    let start = left_limit.min(pos).max(pos.saturating_sub(8));
    let pre = &lower[start..pos];
    let mut negated = false;
    for (k, w) in pre.iter().enumerate() {
        if NEGATORS.contains(&w.as_str()) {
            let trap = pre
                .get(k + 1)
                .is_some_and(|n| NEGATION_TRAPS.contains(&n.as_str()));
            if !trap {
                negated = true;
            }
        }
        if NEGATING_VERBS.contains(&w.as_str()) {
            negated = true;
        }
    }
    if negated {
        return Modality::Negated;
    }
    let clause_start = lower[..pos]
        .iter()
        .rposition(|w| BARRIERS.contains(&w.as_str()))
        .map_or(0, |p| p + 1);
    let clause = &lower[clause_start..pos];
    if pre.iter().any(|w| PLANNED.contains(&w.as_str()))
        || (pre.len() >= 2 && pre[pre.len() - 1] == "to" && pre.iter().any(|w| w == "going"))
    {
        return Modality::Planned;
    }
    if pre.iter().any(|w| UNCERTAIN.contains(&w.as_str()))
        || clause.iter().any(|w| w == "if" || w == "whether")
    {
        return Modality::Uncertain;
    }
    Modality::Asserted
}

impl RelationExtractor for PatternExtractor {
    fn extract(&self, ann: &Annotated) -> Vec<LocalRelation> {
        let mut out = Vec::new();
        super::standing_facts(ann, true, &mut out);
        for si in 0..ann.sentences.len() {
            self.sentence(ann, si, &mut out);
        }
        out
    }
}

impl PatternExtractor {
    /// The relations of sentence `si` by word windows.
    pub(super) fn sentence(&self, ann: &Annotated, si: usize, out: &mut Vec<LocalRelation>) {
        let sent = Sent::new(ann, si);
        self.sentence_relations(&sent, si, out);
        located_in(&sent, si, out);
    }
}

/// Places named in a row: "Quebec, Canada", "the consulate in Lagos".
pub(super) fn adjacent_places(ann: &Annotated, si: usize, out: &mut Vec<LocalRelation>) {
    located_in(&Sent::new(ann, si), si, out);
}

impl<'a> Sent<'a> {
    fn new(ann: &'a Annotated, si: usize) -> Sent<'a> {
        let sentence = &ann.sentences[si];
        let mut mentions: Vec<&Mention> = ann
            .mentions
            .iter()
            .filter(|m| m.sentence == si && m.entity.is_some())
            .collect();
        mentions.sort_by_key(|m| (m.tokens.start, std::cmp::Reverse(m.tokens.end)));
        // Nested mentions (an affiliation inside a group) give way to the outer one.
        let mut kept: Vec<&Mention> = Vec::new();
        for m in mentions {
            if kept.last().is_some_and(|k| m.tokens.start < k.tokens.end) {
                continue;
            }
            kept.push(m);
        }
        let title_objects = ann
            .facts
            .iter()
            .filter(|f| {
                ann.mentions[f.object].sentence == si
                    && ann.mentions[f.object].tokens.start < ann.mentions[f.subject].tokens.start
            })
            .map(|f| ann.mentions[f.object].tokens.start)
            .collect();
        Sent {
            lower: sentence
                .tokens
                .iter()
                .map(|t| norm_token(&t.form))
                .collect(),
            mentions: kept,
            title_objects,
        }
    }
}

fn is_actor(m: &Mention) -> bool {
    !matches!(
        m.kind,
        EntityType::Loc | EntityType::Event | EntityType::Facility
    )
}

impl PatternExtractor {
    fn sentence_relations(&self, s: &Sent, si: usize, out: &mut Vec<LocalRelation>) {
        let n = s.lower.len();
        let mut i = 0;
        // The previous trigger's subjects and where its phrase ended.
        let mut prev: Option<(Vec<&Mention>, usize)> = None;
        while i < n {
            // Tokens inside a mention are names, not triggers.
            if s.mentions.iter().any(|m| m.tokens.contains(&i)) {
                i += 1;
                continue;
            }
            let Some((t, len)) = self.lexicon.match_at(&s.lower, i) else {
                i += 1;
                continue;
            };
            let end = i + len;
            let trigger = s.lower[i..end].join(" ");
            let mut subjects: Vec<&Mention> = Vec::new();
            let mut object: Option<&Mention>;
            let left_limit;
            match t.kind {
                TriggerKind::Verb => {
                    let passive = i > 0
                        && PASSIVE_AUX.contains(&s.lower[i - 1].as_str())
                        && (s.lower[i].ends_with("ed")
                            || s.lower[i].ends_with('n')
                            || s.lower[i] == "met"
                            || s.lower[i] == "shut");
                    if passive {
                        object = s.mention_ending_before(i, 10);
                        if let Some(by) = s.lower[end..]
                            .iter()
                            .position(|w| w == "by")
                            .filter(|&p| p <= 4)
                        {
                            subjects = s
                                .mention_after(end + by + 1, &[], true, 3)
                                .into_iter()
                                .collect();
                        }
                        left_limit = object.map_or(0, |m| m.tokens.end);
                    } else if let Some((subs, _)) = prev.as_ref().filter(|(subs, from)| {
                        !subs.is_empty()
                            && *from < i
                            && s.lower[*from..i].iter().all(|w| GLUE.contains(&w.as_str()))
                    }) {
                        // Coordinated or controlled verb: the same subject.
                        subjects = subs.clone();
                        // The modality words may sit before the first verb ("threatened to expel").
                        left_limit = 0;
                        object = s.mention_after(end, &t.preps, true, 8);
                    } else {
                        if let Some(subj) = s.mention_ending_before(i, 12) {
                            subjects.push(subj);
                            // "X and Y will meet"
                            if subj.tokens.start >= 2 && s.lower[subj.tokens.start - 1] == "and" {
                                if let Some(other) = s
                                    .mentions
                                    .iter()
                                    .find(|m| m.tokens.end + 1 == subj.tokens.start)
                                {
                                    subjects.push(other);
                                }
                            }
                        }
                        left_limit = subjects.first().map_or(0, |m| m.tokens.end);
                        object = s.mention_after(end, &t.preps, true, 8);
                    }
                }
                TriggerKind::Noun => {
                    // Possessor: "Obama's removal of …"; else the clause's actor.
                    let possessor = (i >= 2 && s.lower[i - 1] == "'s")
                        .then(|| s.mentions.iter().find(|m| m.tokens.end + 1 == i).copied())
                        .flatten();
                    subjects = possessor
                        .or_else(|| s.mention_ending_before(i, 10))
                        .into_iter()
                        .collect();
                    left_limit = subjects.first().map_or(0, |m| m.tokens.end);
                    object = s.mention_after(end, &t.preps, false, 6);
                    if object.is_none() && !t.preps.is_empty() {
                        // "talks between X and Y"
                        if s.lower.get(end).is_some_and(|w| w == "between") {
                            let pair: Vec<&&Mention> = s
                                .mentions
                                .iter()
                                .filter(|m| m.tokens.start > end && m.tokens.start <= end + 6)
                                .take(2)
                                .collect();
                            if pair.len() == 2 {
                                subjects = vec![pair[0]];
                                object = Some(pair[1]);
                            }
                        }
                    }
                }
            }
            let modality = modality(&s.lower, i, left_limit);
            prev = Some((subjects.clone(), object.map_or(end, |o| o.tokens.end)));
            let symmetric = crate::ontology::is_symmetric(&t.relation);
            match object {
                Some(o) => {
                    for subj in &subjects {
                        if is_actor(subj)
                            && (is_actor(o)
                                || t.relation == "visited"
                                || t.relation == "closed"
                                || t.relation == "interfered_in"
                                || t.relation == "attacked")
                        {
                            push(
                                out,
                                subj.entity.unwrap_or(0),
                                o.entity.unwrap_or(0),
                                &t.relation,
                                modality,
                                si,
                                &trigger,
                                0.7,
                            );
                        }
                    }
                }
                None if symmetric && subjects.len() == 2 => {
                    push(
                        out,
                        subjects[1].entity.unwrap_or(0),
                        subjects[0].entity.unwrap_or(0),
                        &t.relation,
                        modality,
                        si,
                        &trigger,
                        0.6,
                    );
                }
                None => {}
            }
            i = end;
        }
    }
}

/// "the consulate in San Francisco", "the summit in Quebec, Canada".
fn located_in(s: &Sent, si: usize, out: &mut Vec<LocalRelation>) {
    for w in s.mentions.windows(2) {
        let (a, b) = (w[0], w[1]);
        let gap = &s.lower[a.tokens.end..b.tokens.start];
        let placeable = matches!(
            a.kind,
            EntityType::Facility | EntityType::Event | EntityType::Gpe | EntityType::Org
        );
        let comma_pair = gap == [","]
            && a.kind == EntityType::Gpe
            && b.kind == EntityType::Gpe
            && a.name != b.name
            && crate::gazetteer::Gazetteer::get()
                .lookup(&a.name)
                .iter()
                .any(|e| e.country.as_deref() == Some(b.name.as_str()));
        let in_pair = gap == ["in"]
            && matches!(a.kind, EntityType::Facility | EntityType::Event)
            && b.kind == EntityType::Gpe;
        if placeable && (comma_pair || in_pair) {
            push(
                out,
                a.entity.unwrap_or(0),
                b.entity.unwrap_or(0),
                "located_in",
                Modality::Asserted,
                si,
                gap.join(" ").as_str(),
                0.8,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn rels(text: &str) -> Vec<(String, String, String, Modality)> {
        let mut ann = crate::pipeline::segmented(Document {
            text: text.into(),
            ..Default::default()
        });
        crate::entities::detect(&mut ann);
        crate::coref::resolve(&mut ann);
        let ex = PatternExtractor::new(Lexicon::builtin());
        ex.extract(&ann)
            .into_iter()
            .map(|r| {
                (
                    ann.entities[r.source].name.clone(),
                    r.relation,
                    ann.entities[r.target].name.clone(),
                    r.modality,
                )
            })
            .collect()
    }

    fn r(s: &str, p: &str, o: &str, m: Modality) -> (String, String, String, Modality) {
        (s.into(), p.into(), o.into(), m)
    }

    #[test]
    fn verbs_with_subject_object_and_modality() {
        assert_eq!(
            rels("Canada expelled 20 Peruvian diplomats."),
            vec![
                r(
                    "Peruvian diplomats",
                    "member_of",
                    "Peru",
                    Modality::Asserted
                ),
                r(
                    "Canada",
                    "expelled",
                    "Peruvian diplomats",
                    Modality::Asserted
                )
            ]
        );
        assert_eq!(
            rels("Chile will not sanction Peru."),
            vec![r("Chile", "sanctioned", "Peru", Modality::Negated)]
        );
        assert_eq!(
            rels("Chile will meet with Peru in May."),
            vec![r("Chile", "met", "Peru", Modality::Planned)]
        );
        assert_eq!(
            rels("Chile might criticize Peru."),
            vec![r("Chile", "criticized", "Peru", Modality::Uncertain)]
        );
        assert_eq!(
            rels("Roe didn't waste any time praising Chile."),
            vec![r("Roe", "praised", "Chile", Modality::Asserted)]
        );
    }

    #[test]
    fn passives_and_nominal_triggers() {
        assert_eq!(
            rels("Peru was criticized by Chile."),
            vec![r("Chile", "criticized", "Peru", Modality::Asserted)]
        );
        assert_eq!(
            rels("Chile announced the expulsion of 30 Peruvian diplomats."),
            vec![
                r(
                    "Peruvian diplomats",
                    "member_of",
                    "Peru",
                    Modality::Asserted
                ),
                r(
                    "Chile",
                    "expelled",
                    "Peruvian diplomats",
                    Modality::Asserted
                )
            ]
        );
    }

    #[test]
    fn locations_of_facilities() {
        assert_eq!(rels("The summit in Lima, Peru ended."), vec![]);
        assert_eq!(
            rels("Police guarded the Grand Palace in Quebec, Canada."),
            vec![
                r("Grand Palace", "located_in", "Quebec", Modality::Asserted),
                r("Quebec", "located_in", "Canada", Modality::Asserted)
            ]
        );
    }
}
