//! Alignment of annotated relations to the pipeline's own units.
//!
//! An annotation (`../shared/spec/ANNOTATION.md` layout, with `texts`: the
//! quotes that state each relation) is matched to a processed article: each
//! local entity is mapped to an annotated entity by its names (as the scorer
//! maps graph nodes, so pronouns and descriptions follow coreference), each
//! quote to the sentences it overlaps, and each candidate mention pair in
//! those sentences whose entities are a relation's source and target gets
//! that relation as its label. What does not align is counted by reason.

use super::features::Candidate;
use crate::document::Annotated;
use crate::ontology::{is_symmetric, Modality};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use unicode_normalization::UnicodeNormalization;

/// An annotated entity.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldEntity {
    /// Entity type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Every surface form.
    pub names: Vec<String>,
    /// Required (else optional).
    #[serde(default)]
    pub required: bool,
}

/// An annotated relation: lists of acceptable choices.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldRelation {
    /// Acceptable sources.
    pub s: Vec<String>,
    /// Acceptable relation types.
    pub p: Vec<String>,
    /// Acceptable targets.
    pub o: Vec<String>,
    /// Acceptable modalities.
    pub m: Vec<String>,
    /// Document id.
    #[serde(default)]
    pub doc: Option<String>,
    /// The words that state it.
    #[serde(default)]
    pub text: String,
    /// Every place that states it (exact quotes).
    #[serde(default)]
    pub texts: Vec<String>,
    /// Required (else optional).
    #[serde(default)]
    pub required: bool,
}

/// An annotation file (one article, or merged).
#[derive(Debug, Clone, Deserialize)]
pub struct GoldFile {
    /// Document ids.
    #[serde(default)]
    pub documents: Vec<String>,
    /// Entities by id.
    pub entities: BTreeMap<String, GoldEntity>,
    /// Relations.
    pub relations: Vec<GoldRelation>,
}

impl GoldFile {
    /// Parses an annotation file's text.
    pub fn parse(text: &str) -> anyhow::Result<GoldFile> {
        Ok(serde_json::from_str(text)?)
    }

    /// Whether (source, relation, target, modality) fits relation `g`
    /// (symmetric relations either way; `strict` checks the modality).
    pub fn fits(g: &GoldRelation, s: &str, p: &str, o: &str, m: &str, strict: bool) -> bool {
        if !g.p.iter().any(|x| x == p) || (strict && !g.m.iter().any(|x| x == m)) {
            return false;
        }
        let has = |l: &[String], x: &str| l.iter().any(|y| y == x);
        (has(&g.s, s) && has(&g.o, o)) || (is_symmetric(p) && has(&g.s, o) && has(&g.o, s))
    }
}

/// Normalizes a name as the scorer does: accents, case, periods, a leading
/// "the", a trailing "'s", punctuation.
pub fn norm(name: &str) -> String {
    let s: String = name
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect();
    // "'s" at a word end goes.
    let mut t = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\''
            && chars.get(i + 1) == Some(&'s')
            && chars
                .get(i + 2)
                .is_none_or(|c| !(c.is_alphanumeric() || *c == '_'))
        {
            i += 2;
            continue;
        }
        if chars[i] != '.' {
            t.push(chars[i]);
        }
        i += 1;
    }
    let words: Vec<&str> = t
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = words.join(" ");
    if let Some(rest) = out.strip_prefix("the ") {
        out = rest.to_string();
    }
    out
}

/// Index from normalized names to entity ids.
pub struct NameIndex {
    by_name: HashMap<String, Vec<String>>,
}

impl NameIndex {
    /// Indexes every name of every entity.
    pub fn new(entities: &BTreeMap<String, GoldEntity>) -> NameIndex {
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        for (id, e) in entities {
            for n in &e.names {
                let v = by_name.entry(norm(n)).or_default();
                if !v.contains(id) {
                    v.push(id.clone());
                }
            }
        }
        NameIndex { by_name }
    }

    /// The entity a node with this label and aliases stands for, as the
    /// scorer decides: a label naming one entity, else a majority of aliases.
    pub fn map(&self, label: &str, aliases: &[String]) -> Option<String> {
        let empty = Vec::new();
        let hit = self.by_name.get(&norm(label)).unwrap_or(&empty);
        if hit.len() == 1 {
            return Some(hit[0].clone());
        }
        let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
        for a in aliases {
            for id in self.by_name.get(&norm(a)).unwrap_or(&empty) {
                *votes.entry(id.as_str()).or_default() += 1;
            }
        }
        if !hit.is_empty() {
            votes.retain(|k, _| hit.iter().any(|h| h == k));
            if votes.is_empty() {
                votes = hit.iter().map(|h| (h.as_str(), 1)).collect();
            }
        }
        let best = *votes.values().max()?;
        let top: Vec<&&str> = votes
            .iter()
            .filter(|(_, &v)| v == best)
            .map(|(k, _)| k)
            .collect();
        (top.len() == 1).then(|| top[0].to_string())
    }
}

/// Byte spans of every occurrence of `quote` in `text`; when there is none,
/// occurrences with quotation marks and apostrophes straightened on both
/// sides (annotators and publishers mix curly and straight ones).
pub fn find_quote(text: &str, quote: &str) -> Vec<std::ops::Range<usize>> {
    let q = quote.trim();
    if q.is_empty() {
        return Vec::new();
    }
    let exact: Vec<_> = text.match_indices(q).map(|(i, m)| i..i + m.len()).collect();
    if !exact.is_empty() {
        return exact;
    }
    let straight = |c: char| match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201F}' => '"',
        '\u{2013}' | '\u{2014}' => '-',
        c => c,
    };
    let (tc, offs): (Vec<char>, Vec<usize>) =
        text.char_indices().map(|(i, c)| (straight(c), i)).unzip();
    let qc: Vec<char> = q.chars().map(straight).collect();
    let mut out = Vec::new();
    if qc.len() > tc.len() {
        return out;
    }
    for i in 0..=tc.len() - qc.len() {
        if tc[i..i + qc.len()] == qc[..] {
            let end = offs.get(i + qc.len()).copied().unwrap_or(text.len());
            out.push(offs[i]..end);
        }
    }
    out
}

/// A candidate's labels: (relation, modality) pairs.
pub type Labels = Vec<(String, Modality)>;

/// Why a required relation found no candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Miss {
    /// No quote was found in the article.
    QuoteNotFound,
    /// The source is no entity in the quote's sentences.
    NoSource,
    /// The target is no entity in the quote's sentences.
    NoTarget,
    /// Neither argument is an entity there.
    NoArguments,
    /// Both are there, but only as one merged entity.
    SameEntity,
    /// Both are there, in different sentences of the quote.
    Apart,
}

impl Miss {
    /// A short description.
    pub fn as_str(self) -> &'static str {
        match self {
            Miss::QuoteNotFound => "quote not found in the article",
            Miss::NoSource => "source is no entity in the quote's sentences",
            Miss::NoTarget => "target is no entity in the quote's sentences",
            Miss::NoArguments => "neither argument is an entity in the quote's sentences",
            Miss::SameEntity => "source and target merged into one entity",
            Miss::Apart => "source and target in different sentences",
        }
    }
}

/// The alignment of one article.
#[derive(Debug, Clone, Default)]
pub struct Alignment {
    /// Labels of each candidate (empty: none).
    pub labels: Vec<Labels>,
    /// The annotated entity each local entity stands for.
    pub entity_ids: Vec<Option<String>>,
    /// Required relations, and how many found a candidate.
    pub required: usize,
    /// Required relations that found a candidate.
    pub aligned: usize,
    /// Unaligned required relations by reason.
    pub misses: BTreeMap<Miss, usize>,
}

/// Aligns the article's relations to its candidates.
pub fn align(ann: &Annotated, gold: &GoldFile, cands: &[Candidate]) -> Alignment {
    let names = NameIndex::new(&gold.entities);
    let entity_ids: Vec<Option<String>> = ann
        .entities
        .iter()
        .map(|e| names.map(&e.name, &e.aliases))
        .collect();
    let mut labels: Vec<Labels> = vec![Vec::new(); cands.len()];
    let mut al = Alignment::default();
    let sentence_of = |span: &std::ops::Range<usize>| -> Vec<usize> {
        ann.sentences
            .iter()
            .enumerate()
            .filter(|(_, s)| s.span.start < span.end && span.start < s.span.end)
            .map(|(i, _)| i)
            .collect()
    };
    for g in &gold.relations {
        if g.doc.as_deref().is_some_and(|d| d != ann.doc.id) {
            continue;
        }
        let quotes: Vec<&str> = if g.texts.is_empty() {
            vec![g.text.as_str()]
        } else {
            g.texts.iter().map(String::as_str).collect()
        };
        let spans: Vec<std::ops::Range<usize>> = quotes
            .iter()
            .flat_map(|q| find_quote(&ann.doc.text, q))
            .collect();
        let mut sents: Vec<usize> = spans.iter().flat_map(sentence_of).collect();
        sents.sort_unstable();
        sents.dedup();
        let Some(rel) = g.p.first() else { continue };
        let modality =
            g.m.first()
                .and_then(|m| Modality::ALL.into_iter().find(|x| x.as_str() == m))
                .unwrap_or(Modality::Asserted);
        let is = |e: usize, l: &[String]| entity_ids[e].as_ref().is_some_and(|id| l.contains(id));
        let in_quote = |m: usize| {
            let sp = &ann.mentions[m].span;
            spans.iter().any(|q| q.start < sp.end && sp.start < q.end)
        };
        let fits: Vec<usize> = cands
            .iter()
            .enumerate()
            .filter(|(_, c)| sents.binary_search(&c.sentence).is_ok())
            .filter(|(_, c)| {
                (is(c.ea, &g.s) && is(c.eb, &g.o))
                    || (is_symmetric(rel) && is(c.ea, &g.o) && is(c.eb, &g.s))
            })
            .map(|(i, _)| i)
            .collect();
        // Pairs whose both mentions stand in a quote, where there are any:
        // the quote's sentence may also mention the pair the other way round.
        let inside: Vec<usize> = fits
            .iter()
            .copied()
            .filter(|&i| in_quote(cands[i].a) && in_quote(cands[i].b))
            .collect();
        let chosen = if inside.is_empty() { &fits } else { &inside };
        for &ci in chosen {
            if !labels[ci].iter().any(|(r, _)| r == rel) {
                labels[ci].push((rel.clone(), modality));
            }
        }
        let found = !fits.is_empty();
        if !g.required {
            continue;
        }
        al.required += 1;
        if found {
            al.aligned += 1;
            continue;
        }
        let miss = if sents.is_empty() {
            Miss::QuoteNotFound
        } else {
            let present = |l: &[String]| {
                ann.mentions
                    .iter()
                    .filter(|m| sents.binary_search(&m.sentence).is_ok())
                    .filter_map(|m| m.entity)
                    .find(|&e| is(e, l))
            };
            match (present(&g.s), present(&g.o)) {
                (Some(a), Some(b)) if a == b => Miss::SameEntity,
                (Some(_), Some(_)) => Miss::Apart,
                (Some(_), None) => Miss::NoTarget,
                (None, Some(_)) => Miss::NoSource,
                (None, None) => Miss::NoArguments,
            }
        };
        *al.misses.entry(miss).or_default() += 1;
    }
    al.labels = labels;
    al.entity_ids = entity_ids;
    al
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norm_matches_the_scorer() {
        assert_eq!(norm("The Kremlin's"), "kremlin");
        assert_eq!(norm("U.S."), "us");
        assert_eq!(norm("Sergéy  Lavrov"), "sergey lavrov");
        assert_eq!(
            norm("London\u{2019}s Metropolitan Police"),
            "london metropolitan police"
        );
    }

    fn annotate(text: &str) -> Annotated {
        let p = crate::pipeline::Pipeline::with_options(
            crate::lexicon::Lexicon::builtin(),
            crate::pipeline::RelationOptions {
                relations: crate::pipeline::RelationsChoice::Rules,
                ..Default::default()
            },
        );
        p.annotate(crate::document::Document {
            id: "a".into(),
            text: text.into(),
            ..Default::default()
        })
    }

    fn gold(entities: &[(&str, &str)], rels: &[(&str, &str, &str, &str)]) -> GoldFile {
        let ents: Vec<String> = entities
            .iter()
            .map(|(id, name)| {
                format!(r#""{id}":{{"type":"PERSON","names":["{name}"],"required":true}}"#)
            })
            .collect();
        let rels: Vec<String> = rels
            .iter()
            .map(|(s, p, o, q)| {
                format!(
                    r#"{{"s":["{s}"],"p":["{p}"],"o":["{o}"],"m":["asserted"],"doc":"a","texts":["{q}"],"required":true}}"#
                )
            })
            .collect();
        GoldFile::parse(&format!(
            r#"{{"documents":["a"],"entities":{{{}}},"relations":[{}]}}"#,
            ents.join(","),
            rels.join(",")
        ))
        .unwrap()
    }

    /// (source text, target text, relation) of each labelled candidate.
    fn labelled(
        ann: &Annotated,
        cands: &[Candidate],
        al: &Alignment,
    ) -> Vec<(String, String, String)> {
        cands
            .iter()
            .zip(&al.labels)
            .flat_map(|(c, l)| {
                l.iter().map(move |(r, _)| {
                    (
                        ann.mentions[c.a].text.clone(),
                        ann.mentions[c.b].text.clone(),
                        r.clone(),
                    )
                })
            })
            .collect()
    }

    #[test]
    fn a_pronoun_argument_aligns_through_coreference() {
        let ann = annotate("Marta Ruiz flew to Lima on Monday. She praised Kenji Sato warmly.");
        let g = gold(
            &[("ruiz", "Marta Ruiz"), ("sato", "Kenji Sato")],
            &[("ruiz", "praised", "sato", "She praised Kenji Sato")],
        );
        let cands = crate::relations::features::candidates(&ann);
        let al = align(&ann, &g, &cands);
        assert_eq!((al.required, al.aligned), (1, 1));
        assert_eq!(
            labelled(&ann, &cands, &al),
            vec![(
                "She".to_string(),
                "Kenji Sato".to_string(),
                "praised".to_string()
            )]
        );
    }

    #[test]
    fn a_quote_over_two_sentences_aligns_in_each() {
        let ann = annotate(
            "Marta Ruiz criticized Kenji Sato. Later Kenji Sato criticized Marta Ruiz again.",
        );
        let g = gold(
            &[("ruiz", "Marta Ruiz"), ("sato", "Kenji Sato")],
            &[
                (
                    "ruiz",
                    "criticized",
                    "sato",
                    "Marta Ruiz criticized Kenji Sato. Later Kenji Sato",
                ),
                ("sato", "met", "ruiz", "absent words"),
            ],
        );
        let cands = crate::relations::features::candidates(&ann);
        let al = align(&ann, &g, &cands);
        // The criticism aligns where both names stand in the quote: not in
        // the second sentence, which states it the other way round; the
        // meeting's quote is nowhere.
        assert_eq!((al.required, al.aligned), (2, 1));
        assert_eq!(al.misses.get(&Miss::QuoteNotFound), Some(&1));
        assert_eq!(
            labelled(&ann, &cands, &al),
            vec![(
                "Marta Ruiz".to_string(),
                "Kenji Sato".to_string(),
                "criticized".to_string()
            )]
        );
    }

    #[test]
    fn curly_quotes_are_found_in_straight_text() {
        let text = "He said \"we will respond\" and left. It's over.";
        let q = "said \u{201C}we will respond\u{201D}";
        assert_eq!(find_quote(text, q), vec![3..25]);
        assert_eq!(find_quote(text, "It\u{2019}s over"), vec![36..45]);
        assert_eq!(find_quote(text, "left"), vec![30..34]);
        assert!(find_quote(text, "absent words").is_empty());
    }
}
