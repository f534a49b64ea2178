//! The trigger lexicon: which words state which relation. It is data
//! (`data/lexicon/triggers.tsv`, embedded; `--lexicon FILE` replaces it), so
//! users can add relation types and trigger words without recompiling.

use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::path::Path;

use crate::ontology::EntityType;

/// How a trigger appears in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerKind {
    /// A verb: its first word is inflected (expel, expels, expelled, expelling).
    Verb,
    /// A noun phrase: as written, or with a plural `-s`.
    Noun,
}

/// One lexicon entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    /// The words after the first (lower case), which must follow it.
    pub rest: Vec<String>,
    /// The lemma or phrase as written in the lexicon.
    pub lemma: String,
    /// Relation type.
    pub relation: String,
    /// Verb or noun.
    pub kind: TriggerKind,
    /// Prepositions that introduce the object (besides a direct object).
    pub preps: Vec<String>,
    /// No object at all (`-` in the prepositions column).
    pub intransitive: bool,
    /// Entity types the object may have (actors unless the file says).
    pub objects: Vec<EntityType>,
}

/// Object types allowed when the lexicon does not say: the actors.
const ACTORS: [EntityType; 4] = [
    EntityType::Person,
    EntityType::Org,
    EntityType::Gpe,
    EntityType::Group,
];

/// Parses the object-types column: entity type names, or `actor` / `place`.
fn object_types(field: &str) -> Option<Vec<EntityType>> {
    let mut out: Vec<EntityType> = Vec::new();
    for w in field.split(';').map(str::trim).filter(|w| !w.is_empty()) {
        let add: &[EntityType] = match w.to_ascii_uppercase().as_str() {
            "ACTOR" => &ACTORS,
            "PLACE" => &[EntityType::Gpe, EntityType::Loc, EntityType::Facility],
            "ANY" => &EntityType::ALL,
            other => {
                let t = EntityType::ALL.into_iter().find(|t| t.as_str() == other)?;
                out.push(t);
                continue;
            }
        };
        out.extend_from_slice(add);
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// The loaded lexicon, indexed by first word form.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    by_first: HashMap<String, Vec<usize>>,
    /// The entries, in file order.
    pub triggers: Vec<Trigger>,
}

const BUILTIN: &str = include_str!("../data/lexicon/triggers.tsv");

/// Irregular verb forms (lemma → past and participle forms).
const IRREGULAR: [(&str, &[&str]); 23] = [
    ("meet", &["met"]),
    ("speak", &["spoke", "spoken"]),
    ("hold", &["held"]),
    ("sit", &["sat"]),
    ("strike", &["struck", "stricken"]),
    ("shut", &["shut"]),
    ("cut", &["cut"]),
    ("break", &["broke", "broken"]),
    ("tear", &["tore", "torn"]),
    ("slap", &["slapped"]),
    ("take", &["took", "taken"]),
    ("lead", &["led"]),
    ("sign", &["signed"]),
    ("seek", &["sought"]),
    ("fly", &["flew", "flown"]),
    ("leave", &["left"]),
    ("stand", &["stood"]),
    ("shoot", &["shot"]),
    ("hit", &["hit"]),
    ("win", &["won"]),
    ("fight", &["fought"]),
    ("send", &["sent"]),
    ("seize", &["seized"]),
];

/// The inflected forms of a verb lemma (regular rules plus irregulars).
pub fn verb_forms(lemma: &str) -> Vec<String> {
    let mut f = vec![lemma.to_string()];
    let bytes = lemma.as_bytes();
    let last = *bytes.last().unwrap_or(&b' ');
    let vowel = |b: u8| b"aeiou".contains(&b);
    let stem_e = lemma.strip_suffix('e');
    if lemma.ends_with(['s', 'x', 'z', 'o']) || lemma.ends_with("sh") || lemma.ends_with("ch") {
        f.push(format!("{lemma}es"));
    } else if last == b'y' && bytes.len() > 1 && !vowel(bytes[bytes.len() - 2]) {
        let stem = &lemma[..lemma.len() - 1];
        f.push(format!("{stem}ies"));
        f.push(format!("{stem}ied"));
    } else {
        f.push(format!("{lemma}s"));
    }
    match stem_e {
        Some(stem) => {
            f.push(format!("{lemma}d"));
            f.push(format!("{stem}ing"));
        }
        None => {
            f.push(format!("{lemma}ed"));
            f.push(format!("{lemma}ing"));
            // Doubling a final consonant: expel → expelled, ban → banned.
            if bytes.len() >= 3
                && !vowel(last)
                && !b"wxy".contains(&last)
                && vowel(bytes[bytes.len() - 2])
                && !vowel(bytes[bytes.len() - 3])
            {
                f.push(format!("{lemma}{}ed", last as char));
                f.push(format!("{lemma}{}ing", last as char));
            }
        }
    }
    if let Some((_, irr)) = IRREGULAR.iter().find(|(l, _)| *l == lemma) {
        f.extend(irr.iter().map(|s| s.to_string()));
    }
    f
}

impl Lexicon {
    /// The built-in lexicon.
    pub fn builtin() -> Lexicon {
        Lexicon::parse(BUILTIN, "built-in lexicon").expect("the built-in lexicon parses")
    }

    /// Reads a lexicon file (same format as `data/lexicon/triggers.tsv`).
    pub fn load(path: &Path) -> Result<Lexicon> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read lexicon {}", path.display()))?;
        Lexicon::parse(&text, &path.display().to_string())
    }

    /// Parses lexicon text:
    /// `word<TAB>relation<TAB>verb|noun|phrase[<TAB>preps[<TAB>object types]]`.
    pub fn parse(text: &str, name: &str) -> Result<Lexicon> {
        let mut lex = Lexicon::default();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            if cols.len() < 3 || cols[0].is_empty() || cols[1].is_empty() {
                bail!("{name}:{}: expected 'word<TAB>relation<TAB>verb|noun|phrase[<TAB>prepositions]'", i + 1);
            }
            let kind = match cols[2] {
                "verb" | "phrase" => TriggerKind::Verb,
                "noun" => TriggerKind::Noun,
                other => bail!(
                    "{name}:{}: unknown kind '{other}' (verb, noun or phrase)",
                    i + 1
                ),
            };
            let words: Vec<String> = cols[0].split_whitespace().map(str::to_lowercase).collect();
            let preps = cols
                .get(3)
                .map(|p| {
                    p.split(';')
                        .map(str::trim)
                        .filter(|s| !s.is_empty() && *s != "-")
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            let intransitive = cols.get(3).is_some_and(|p| *p == "-");
            let objects = match cols.get(4).filter(|c| !c.is_empty()) {
                None => ACTORS.to_vec(),
                Some(c) => object_types(c).ok_or_else(|| {
                    anyhow::anyhow!(
                        "{name}:{}: unknown object type in '{c}' (entity types, actor, place or any)",
                        i + 1
                    )
                })?,
            };
            lex.add(Trigger {
                rest: words[1..].to_vec(),
                lemma: cols[0].to_lowercase(),
                relation: cols[1].to_string(),
                kind,
                preps,
                intransitive,
                objects,
            });
        }
        Ok(lex)
    }

    /// Adds an entry and indexes it by its first word's forms.
    fn add(&mut self, t: Trigger) {
        let idx = self.triggers.len();
        let first = t.lemma.split_whitespace().next().unwrap_or("").to_string();
        let firsts = match t.kind {
            TriggerKind::Verb => verb_forms(&first),
            TriggerKind::Noun if t.rest.is_empty() => vec![first.clone(), format!("{first}s")],
            TriggerKind::Noun => vec![first],
        };
        self.triggers.push(t);
        for f in firsts {
            let v = self.by_first.entry(f).or_default();
            if !v.contains(&idx) {
                v.push(idx);
            }
        }
    }

    /// The entries of this lexicon that `other` lacks (same words, relation
    /// and kind), e.g. what a user lexicon adds to the built-in one.
    pub fn without(&self, other: &Lexicon) -> Lexicon {
        let mut lex = Lexicon::default();
        for t in &self.triggers {
            let known = other
                .triggers
                .iter()
                .any(|o| o.lemma == t.lemma && o.relation == t.relation && o.kind == t.kind);
            if !known {
                lex.add(t.clone());
            }
        }
        lex
    }

    /// The longest trigger starting at token `i` of the lower-cased tokens:
    /// (entry, number of tokens).
    pub fn match_at(&self, lower: &[String], i: usize) -> Option<(&Trigger, usize)> {
        let mut best: Option<(&Trigger, usize)> = None;
        self.each_match(lower, i, |t, n| {
            if best.is_none_or(|(_, bn)| n > bn) {
                best = Some((t, n));
            }
        });
        best
    }

    /// Calls `f` with every trigger starting at token `i` and its number of
    /// tokens, in file order.
    pub fn each_match<'a>(
        &'a self,
        lower: &[String],
        i: usize,
        mut f: impl FnMut(&'a Trigger, usize),
    ) {
        let Some(cands) = self.by_first.get(&lower[i]) else {
            return;
        };
        for &c in cands {
            let t = &self.triggers[c];
            let n = 1 + t.rest.len();
            if i + n > lower.len() {
                continue;
            }
            let ok = t.rest.iter().enumerate().all(|(k, w)| {
                let tok = &lower[i + 1 + k];
                tok == w
                    || (k + 1 == t.rest.len()
                        && t.kind == TriggerKind::Noun
                        && tok.len() == w.len() + 1
                        && tok.starts_with(w.as_str())
                        && tok.ends_with('s'))
            });
            if ok {
                f(t, n);
            }
        }
    }
}

/// The CAMEO event code of a one-word verb or event noun (lower case, by
/// lemma), from `data/lexicon/cameo.tsv` (derived from the PETRARCH2 verb
/// dictionary by `scripts/cameo_lexicon.py`). A feature of the relation
/// model, not a rule: what a code means for a relation is learned.
pub fn cameo_code(lemma: &str) -> Option<&'static str> {
    static T: std::sync::OnceLock<HashMap<&'static str, &'static str>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        include_str!("../data/lexicon/cameo.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.split('\t');
                let word = f.next()?;
                let _kind = f.next()?;
                Some((word, f.next()?))
            })
            .collect()
    })
    .get(lemma)
    .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cameo_codes_of_verbs_and_event_nouns() {
        assert_eq!(cameo_code("criticize"), Some("111"));
        assert_eq!(cameo_code("praise"), Some("051"));
        assert_eq!(cameo_code("threaten"), Some("130"));
        assert_eq!(cameo_code("criticism"), Some("111"));
        assert_eq!(cameo_code("banana"), None);
    }

    #[test]
    fn verb_forms_cover_regular_and_irregular() {
        assert!(verb_forms("expel").contains(&"expelled".to_string()));
        assert!(verb_forms("meet").contains(&"met".to_string()));
        assert!(verb_forms("occupy").contains(&"occupied".to_string()));
        assert!(verb_forms("praise").contains(&"praising".to_string()));
    }

    #[test]
    fn longest_phrase_wins() {
        let lex = Lexicon::builtin();
        let lower: Vec<String> = ["they", "called", "on", "him"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (t, n) = lex.match_at(&lower, 1).unwrap();
        assert_eq!((t.relation.as_str(), n), ("demanded", 2));
        let lower: Vec<String> = ["sanctions", "against"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(lex.match_at(&lower, 0).unwrap().0.relation, "sanctioned");
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let err = Lexicon::parse("# c\nexpel\texpelled\tadverb\n", "x.tsv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.tsv:2: unknown kind 'adverb' (verb, noun or phrase)"
        );
    }
}
