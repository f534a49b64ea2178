//! Entities: find the mentions of named entities and of unnamed groups in each
//! sentence, and the standing facts that titles state ("Russian Foreign
//! Minister Sergey Lavrov" → Lavrov member_of Russia).
//!
//! Sources, in order of trust: the gazetteer (countries, capitals, demonyms,
//! places, well-known organizations), title patterns, and capitalized name
//! runs typed by their head word.

use crate::document::{Annotated, Mention, StandingFact};
use crate::gazetteer::{norm_token, Entry, Gazetteer, Role};
use crate::nlp::ner::{EntitySpan, Ner, NerLabel};
use crate::ontology::EntityType;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

pub mod learned;
pub mod train;

const GROUP_NOUNS: &str = include_str!("../data/gazetteer/groups.txt");
const COMMON_WORDS: &str = include_str!("../data/lexicon/common_words.txt");

fn common_words() -> &'static HashSet<&'static str> {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| {
        COMMON_WORDS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::trim)
            .collect()
    })
}

fn group_nouns() -> &'static HashSet<String> {
    static S: OnceLock<HashSet<String>> = OnceLock::new();
    S.get_or_init(|| {
        GROUP_NOUNS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| l.trim().to_lowercase())
            .collect()
    })
}

/// Head words that make a capitalized name an organization.
const ORG_HEADS: [&str; 48] = [
    "ministry",
    "department",
    "agency",
    "bureau",
    "council",
    "committee",
    "commission",
    "congress",
    "senate",
    "parliament",
    "duma",
    "party",
    "union",
    "organization",
    "organisation",
    "nations",
    "bank",
    "fund",
    "court",
    "university",
    "college",
    "institute",
    "foundation",
    "times",
    "post",
    "news",
    "journal",
    "press",
    "network",
    "inc",
    "inc.",
    "corp",
    "corp.",
    "company",
    "group",
    "army",
    "navy",
    "force",
    "guard",
    "police",
    "service",
    "administration",
    "alliance",
    "association",
    "office",
    "tribune",
    "herald",
    "channel",
];

/// Head words that make a capitalized name a facility.
const FACILITY_HEADS: [&str; 14] = [
    "embassy",
    "consulate",
    "compound",
    "compounds",
    "base",
    "airport",
    "palace",
    "building",
    "tower",
    "prison",
    "port",
    "plant",
    "bridge",
    "stadium",
];

/// Head words that make a capitalized name an event.
const EVENT_HEADS: [&str; 12] = [
    "summit",
    "war",
    "election",
    "elections",
    "games",
    "olympics",
    "cup",
    "conference",
    "forum",
    "crisis",
    "revolution",
    "referendum",
];

/// Lower-case words that may join the words of one name ("Ministry of Foreign Affairs").
/// Lower-case particles inside personal names.
const NAME_PARTICLES: [&str; 14] = [
    "bin", "ibn", "bint", "von", "van", "der", "den", "de", "del", "della", "da", "dos", "du",
    "abu",
];

const NAME_CONNECTORS: [&str; 12] = [
    "of", "for", "the", "de", "al", "bin", "von", "van", "la", "del", "da", "&",
];

/// Capitalized words that are not names at the start of a sentence or alone.
const NOT_NAMES: [&str; 96] = [
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "but",
    "and",
    "or",
    "in",
    "on",
    "at",
    "to",
    "for",
    "of",
    "by",
    "with",
    "from",
    "this",
    "that",
    "these",
    "those",
    "there",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "your",
    "as",
    "after",
    "before",
    "when",
    "while",
    "if",
    "so",
    "yet",
    "still",
    "however",
    "meanwhile",
    "earlier",
    "later",
    "now",
    "then",
    "what",
    "who",
    "why",
    "how",
    "where",
    "which",
    "one",
    "two",
    "three",
    "some",
    "many",
    "most",
    "all",
    "no",
    "not",
    "during",
    "since",
    "although",
    "though",
    "because",
    "despite",
    "according",
    "amid",
    "under",
    "over",
    "also",
    "even",
    "last",
    "next",
    "first",
    "both",
    "each",
    "every",
    "another",
    "other",
    "such",
    "here",
    "today",
    "yesterday",
    "tomorrow",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "great",
    "new",
    "former",
];

/// Day and month names: capitalized, never entities.
const CALENDAR: [&str; 19] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Honorifics that mark the next name as a person.
const HONORIFICS: [&str; 8] = ["mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr"];

/// Nouns that, after a country or demonym, stand for the country's state.
const STATE_NOUNS: [&str; 8] = [
    "government",
    "state",
    "administration",
    "leadership",
    "regime",
    "authorities",
    "federation",
    "side",
];

/// Prepositions after which a capital is the city, not the government.
const PLACE_PREPOSITIONS: [&str; 6] = ["in", "at", "near", "outside", "around", "across"];

fn is_cap(t: &str) -> bool {
    t.chars().next().is_some_and(char::is_uppercase)
}

fn is_acronym(t: &str) -> bool {
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

/// Whether a sentence is a title-case headline (most words capitalized, no
/// final stop), where capitalization says nothing about names.
fn is_headline(words: &[&str]) -> bool {
    let alpha: Vec<&&str> = words
        .iter()
        .filter(|w| w.len() > 3 && w.chars().next().is_some_and(char::is_alphabetic))
        .collect();
    let caps = alpha.iter().filter(|w| is_cap(w)).count();
    let stops = words
        .last()
        .is_some_and(|w| matches!(*w, "." | "!" | "?" | "\"" | "\u{201d}"));
    let all_caps = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .all(|w| is_cap(w));
    alpha.len() >= 3 && ((!stops && caps * 10 >= alpha.len() * 7) || all_caps)
}

struct Ctx<'a> {
    /// Entity spans the statistical recognizer found in this sentence.
    ner: &'a [EntitySpan],
    words: Vec<&'a str>,
    lower: Vec<String>,
    /// Penn tags from the tagger.
    xpos: Vec<&'static str>,
    spans: Vec<Range<usize>>,
    sentence: usize,
    headline: bool,
}

impl Ctx<'_> {
    fn text(&self, r: Range<usize>) -> String {
        let mut s = String::new();
        for (k, i) in r.clone().enumerate() {
            // Keep the original spacing: no space before a clitic or closing mark.
            let w = self.words[i];
            if k > 0 && self.spans[i].start > self.spans[i - 1].end {
                s.push(' ');
            }
            s.push_str(w);
        }
        s
    }

    fn mention(&self, r: Range<usize>, name: String, kind: EntityType) -> Mention {
        Mention {
            sentence: self.sentence,
            span: self.spans[r.start].start..self.spans[r.end - 1].end,
            text: self.text(r.clone()),
            tokens: r,
            key: String::new(),
            name,
            kind,
            entity: None,
            is_name: true,
            why: "",
        }
    }
}

/// The entry of a city or region that lies in a country ("Washington, D.C.").
fn is_place(e: &Entry) -> bool {
    e.role == Role::Name
        && e.country.is_some()
        && matches!(e.kind, EntityType::Gpe | EntityType::Loc)
}

/// Chooses the gazetteer entry a phrase means when it acts: a name, then a
/// capital or seat acting for its country, and only then the city itself.
fn pick(entries: &[Entry]) -> &Entry {
    entries
        .iter()
        .find(|e| e.role == Role::Name && !is_place(e))
        .or_else(|| {
            entries
                .iter()
                .find(|e| matches!(e.role, Role::Capital | Role::Seat))
        })
        .unwrap_or(&entries[0])
}

/// Finds the mentions and title facts of every sentence: the hand rules,
/// then the learned tagger (when the build carries one) for what they miss.
pub fn detect(ann: &mut Annotated) {
    let ner = detect_rules(ann);
    if let Some(model) = learned::MentionModel::shipped() {
        refine(ann, &model, &ner);
    }
    join_spellings(ann);
    join_compass_words(ann);
    name_parties(ann);
    name_governments(ann);
}

/// "The Trump administration", "the Assad regime": a leader's government
/// acts for the country. The country is the one the article makes the
/// person lead; an administration whose leader's country is not stated
/// is the United States, where the word names a government.
fn name_governments(ann: &mut Annotated) {
    let led: Vec<(String, String)> = ann
        .facts
        .iter()
        .filter(|f| f.relation == "leader_of")
        .filter_map(|f| {
            let (s, o) = (ann.mentions.get(f.subject)?, ann.mentions.get(f.object)?);
            (s.kind == EntityType::Person && o.kind == EntityType::Gpe).then(|| {
                let key = crate::coref::match_key(&s.name);
                let last = key.rsplit(' ').next().unwrap_or("").to_string();
                (last, o.name.clone())
            })
        })
        .collect();
    let g = Gazetteer::get();
    for m in &mut ann.mentions {
        if !matches!(m.kind, EntityType::Gpe | EntityType::Org) || !m.is_name {
            continue;
        }
        let words: Vec<&str> = m.name.split_whitespace().collect();
        let [lead @ .., last] = words.as_slice() else {
            continue;
        };
        let noun = last.to_lowercase();
        if lead.is_empty()
            || !matches!(noun.as_str(), "administration" | "government" | "regime")
            || !lead.iter().all(|w| is_cap(w))
            || !g.lookup(&lead.join(" ")).is_empty()
        {
            continue;
        }
        let surname = crate::coref::match_key(lead[lead.len() - 1]);
        let country = led
            .iter()
            .find(|(s, _)| *s == surname)
            .map(|(_, c)| c.clone())
            .or_else(|| (noun == "administration").then(|| "United States".to_string()));
        if let Some(c) = country {
            m.name = c;
            m.kind = EntityType::Gpe;
            m.key = String::new();
            m.why = "a leader's administration or government acts for the country";
        }
    }
}

/// A party is one group under one name, whichever words an article uses:
/// "the Republican Party", "the GOP", "GOP lawmakers" and "Republicans"
/// are the Republicans' node.
fn name_parties(ann: &mut Annotated) {
    for m in &mut ann.mentions {
        let party = match m.kind {
            EntityType::Group => match m.key.strip_prefix("party|") {
                Some(k) => parties().get(k).copied(),
                None => {
                    // "GOP lawmakers" is the party; "Senate Republicans" a group of its own.
                    let toks = &ann.sentences[m.sentence].tokens[m.tokens.clone()];
                    if toks.is_empty() {
                        None
                    } else {
                        let (k, key) = group_key(toks);
                        let first = toks[k].form.to_lowercase();
                        if parties().contains_key(first.as_str()) {
                            key.strip_prefix("party|")
                                .and_then(|k| parties().get(k).copied())
                        } else {
                            None
                        }
                    }
                }
            },
            EntityType::Org => {
                let low = m.name.to_lowercase();
                match low.split_whitespace().collect::<Vec<_>>()[..] {
                    [w] | [w, "party"] => parties().get(w).copied(),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(p) = party {
            m.name = p.to_string();
            m.kind = EntityType::Group;
            m.key = format!("party|{}", p.to_lowercase());
        }
    }
}

/// One edit (insertion, deletion, substitution) apart.
fn one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 || a == b {
        return false;
    }
    let p = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        short[p + 1..] == long[p + 1..]
    } else {
        short[p..] == long[p + 1..]
    }
}

/// Spelling variants within one article ("Gadhafi" and "Gaddafi"): names of
/// one type whose words agree but for one long word one edit apart, with
/// the same first letter, are keyed as the commoner spelling.
fn join_spellings(ann: &mut Annotated) {
    let mut counts: std::collections::BTreeMap<(EntityType, String), usize> = Default::default();
    for m in ann
        .mentions
        .iter()
        .filter(|m| m.is_name && m.key.is_empty())
    {
        *counts
            .entry((m.kind, crate::coref::match_key(&m.name)))
            .or_default() += 1;
    }
    let keys: Vec<(&(EntityType, String), &usize)> = counts.iter().collect();
    let mut rename: std::collections::HashMap<(EntityType, String), String> = Default::default();
    for (i, ((ka, a), ca)) in keys.iter().enumerate() {
        for ((kb, b), cb) in &keys[i + 1..] {
            if ka != kb {
                continue;
            }
            let (wa, wb): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
            if wa.len() != wb.len() {
                continue;
            }
            let diff: Vec<(&str, &str)> = wa
                .iter()
                .zip(&wb)
                .filter(|(x, y)| x != y)
                .map(|(x, y)| (*x, *y))
                .collect();
            let close = matches!(diff.as_slice(), [(x, y)]
                if x.chars().count() >= 5 && y.chars().count() >= 5
                    && x.chars().next() == y.chars().next()
                    && !x.chars().any(|c| c.is_ascii_digit())
                    && one_edit(x, y));
            if close {
                let (from, to) = if (**ca, b) > (**cb, a) {
                    (b, a)
                } else {
                    (a, b)
                };
                rename.insert((*ka, from.clone()), to.clone());
            }
        }
    }
    if rename.is_empty() {
        return;
    }
    for m in ann
        .mentions
        .iter_mut()
        .filter(|m| m.is_name && m.key.is_empty())
    {
        if let Some(to) = rename.get(&(m.kind, crate::coref::match_key(&m.name))) {
            m.key = to.clone();
            m.why = "a spelling one letter apart from a commoner one in the article";
        }
    }
}

/// "the North" and "the South" in an article that names North Korea (or
/// another country whose name starts with the word) are that country, when
/// only one such country is named.
fn join_compass_words(ann: &mut Annotated) {
    for word in ["north", "south", "east", "west"] {
        let countries: std::collections::BTreeSet<&str> = ann
            .mentions
            .iter()
            .filter(|m| {
                m.kind == EntityType::Gpe
                    && m.name.split_whitespace().count() > 1
                    && m.name
                        .split_whitespace()
                        .next()
                        .map(str::to_lowercase)
                        .as_deref()
                        == Some(word)
            })
            .map(|m| m.name.as_str())
            .collect();
        let [only] = countries.into_iter().collect::<Vec<_>>()[..] else {
            continue;
        };
        let only = only.to_string();
        for m in ann.mentions.iter_mut() {
            let toks = &ann.sentences[m.sentence].tokens;
            let after_the =
                m.tokens.start > 0 && toks[m.tokens.start - 1].form.eq_ignore_ascii_case("the");
            if m.tokens.len() == 1 && after_the && m.text.eq_ignore_ascii_case(word) {
                m.name = only.clone();
                m.kind = EntityType::Gpe;
                m.key = String::new();
                m.why = "\"the North\" or \"the South\" in an article that names the one country it stands for";
            }
        }
    }
}

/// The hand rules alone; returns the recognizer's spans per sentence.
pub fn detect_rules(ann: &mut Annotated) -> Vec<Vec<EntitySpan>> {
    let g = Gazetteer::get();
    let mut mentions = Vec::new();
    let mut facts = Vec::new();
    // The recognizer reads the whole article: names seen earlier inform later ones.
    let sentences: Vec<Vec<&str>> = ann
        .sentences
        .iter()
        .map(|s| s.tokens.iter().map(|t| t.form.as_str()).collect())
        .collect();
    let refs: Vec<&[&str]> = sentences.iter().map(Vec::as_slice).collect();
    let spans = Ner::shipped().tag_document(&refs);
    for (si, s) in ann.sentences.iter().enumerate() {
        let words: Vec<&str> = s.tokens.iter().map(|t| t.form.as_str()).collect();
        let ctx = Ctx {
            ner: spans.get(si).map_or(&[], Vec::as_slice),
            lower: words.iter().map(|w| norm_token(w)).collect(),
            xpos: s.tokens.iter().map(|t| t.xpos).collect(),
            spans: s.tokens.iter().map(|t| t.span.clone()).collect(),
            headline: is_headline(&words),
            words,
            sentence: si,
        };
        detect_sentence(g, &ctx, &mut mentions, &mut facts);
    }
    drop_common_words(g, &ann.sentences, &mut mentions, &mut facts);
    ann.mentions = mentions;
    ann.facts = facts;
    spans
}

/// Lowest confidence of a tagger span that the rules missed.
const ADD_AT: f32 = 0.6;
/// A one-word rule name goes when every token is outside a mention with
/// at least this probability.
const DROP_AT: f32 = 0.9;
/// Lowest confidence of a tagger span that replaces the shorter rule
/// mentions inside it.
const REPLACE_AT: f32 = 0.9;

/// A mention of the tagger's span `f` in sentence `si`.
fn learned_mention(g: &Gazetteer, ann: &Annotated, si: usize, f: &learned::Found) -> Mention {
    let s = &ann.sentences[si];
    let c = Ctx {
        ner: &[],
        words: s.tokens.iter().map(|t| t.form.as_str()).collect(),
        lower: Vec::new(),
        xpos: Vec::new(),
        spans: s.tokens.iter().map(|t| t.span.clone()).collect(),
        sentence: si,
        headline: false,
    };
    let text = c.text(f.start..f.end);
    // The gazetteer names what it knows ("Canadian" → Canada).
    let entries = g.lookup(&text);
    let mut m = if entries.is_empty() {
        c.mention(f.start..f.end, text, f.kind)
    } else {
        let e = pick(entries);
        c.mention(f.start..f.end, e.canonical.clone(), e.kind)
    };
    if m.kind == EntityType::Group {
        let (skip, key) = group_key(&s.tokens[f.start..f.end]);
        m.key = key;
        if skip > 0 {
            m.name = c.text(f.start + skip..f.end);
        }
    } else if m.kind != EntityType::Person && !is_cap(&m.text) {
        m.key = crate::coref::match_key(&m.name);
    }
    m
}

/// Second opinion of the learned tagger on the rules' mentions: it adds
/// the mentions they missed, extends names they cut short ("[Ag Radio
/// Network]" inside "American Ag Radio Network"), and drops one-word names
/// it is sure are none ("Crumbling" in a headline-like line).
fn refine(ann: &mut Annotated, model: &learned::MentionModel, ner: &[Vec<EntitySpan>]) {
    let g = Gazetteer::get();
    let mut added = Vec::new();
    let mut keep = vec![true; ann.mentions.len()];
    let mut replaced: Vec<(usize, Mention)> = Vec::new();
    let in_fact: HashSet<usize> = ann
        .facts
        .iter()
        .flat_map(|f| [f.subject, f.object])
        .collect();
    let doc = learned::DocStats::new(ann);
    for (si, spans) in ner.iter().enumerate().take(ann.sentences.len()) {
        let x = learned::SentenceInput::new(ann, si, spans, &ann.mentions, &doc);
        let (found, outside) = model.tag(&x);
        let here: Vec<usize> = (0..ann.mentions.len())
            .filter(|&i| ann.mentions[i].sentence == si)
            .collect();
        for &mi in &here {
            let m = &ann.mentions[mi];
            let renamed = crate::coref::match_key(&m.text) != crate::coref::match_key(&m.name);
            if m.is_name
                && !renamed
                && m.kind != EntityType::Gpe
                && !in_fact.contains(&mi)
                && outside[m.tokens.clone()].iter().all(|&p| p >= DROP_AT)
            {
                keep[mi] = false;
            }
        }
        for f in &found {
            if f.confidence < ADD_AT {
                continue;
            }
            let over: Vec<usize> = here
                .iter()
                .copied()
                .filter(|&i| {
                    let m = &ann.mentions[i];
                    keep[i] && m.tokens.start < f.end && f.start < m.tokens.end
                })
                .collect();
            if over.is_empty() {
                added.push(learned_mention(g, ann, si, f));
                continue;
            }
            // "Peru's foreign ministry": the country stays a mention of its own.
            let qualifier = over.len() == 1 && {
                let m = &ann.mentions[over[0]];
                m.kind == EntityType::Gpe
                    && m.tokens.start == f.start
                    && m.tokens.end < f.end
                    && matches!(f.kind, EntityType::Org | EntityType::Facility)
                    && crate::gazetteer::GENERIC_HEADS
                        .contains(&ann.sentences[si].tokens[f.end - 1].lemma.as_str())
            };
            if qualifier {
                added.push(learned_mention(g, ann, si, f));
                continue;
            }
            let inside = over.iter().all(|&i| {
                let m = &ann.mentions[i];
                f.start <= m.tokens.start && m.tokens.end <= f.end && m.is_name
            });
            let covered: usize = over.iter().map(|&i| ann.mentions[i].tokens.len()).sum();
            if inside
                && f.end - f.start > covered
                && f.confidence >= REPLACE_AT
                && over.iter().all(|i| !in_fact.contains(i))
            {
                replaced.push((over[0], learned_mention(g, ann, si, f)));
                for &i in &over[1..] {
                    keep[i] = false;
                }
            }
        }
    }
    for (i, m) in replaced {
        ann.mentions[i] = m;
    }
    // After the rules' mentions, so that their facts keep their indices.
    ann.mentions.extend(added);
    keep.resize(ann.mentions.len(), true);
    retain_mentions(&mut ann.mentions, &mut ann.facts, &keep);
    join_bare_heads(ann);
    qualify_generic(g, ann);
}

/// Organizations and facilities with a generic head ("foreign ministry",
/// "embassy") are keyed by the country that qualifies them ("China's
/// foreign ministry", "the Chinese Foreign Ministry" → `china|foreign
/// ministry`); unqualified, they join the article's one qualified mention
/// of the same name, or else stay within their article.
fn qualify_generic(g: &Gazetteer, ann: &mut Annotated) {
    let mut keys: Vec<Option<(String, String, Option<String>)>> = Vec::new();
    for m in &ann.mentions {
        let toks = &ann.sentences[m.sentence].tokens;
        let words: Vec<&str> = toks[m.tokens.clone()]
            .iter()
            .map(|t| t.form.as_str())
            .collect();
        let generic = matches!(m.kind, EntityType::Org | EntityType::Facility)
            && m.is_name
            && words.last().is_some_and(|w| {
                crate::gazetteer::GENERIC_HEADS.contains(&w.to_lowercase().as_str())
            });
        if !generic {
            keys.push(None);
            continue;
        }
        let country_at = |ws: &[&str], i: usize| {
            g.longest_match(ws, i).and_then(|(len, es)| {
                es.iter().find(|e| e.kind == EntityType::Gpe).map(|e| {
                    (
                        len,
                        e.country.clone().unwrap_or_else(|| e.canonical.clone()),
                    )
                })
            })
        };
        // Qualifier inside the name ("Chinese Foreign Ministry").
        let inside = country_at(&words, 0)
            .filter(|(len, _)| *len < words.len())
            .map(|(len, c)| {
                let skip = len + usize::from(words.get(len) == Some(&"'s"));
                (c, words[skip.min(words.len() - 1)..].join(" "), None)
            });
        // Or just before it ("China's Foreign Ministry").
        let before = || {
            let s = m.tokens.start;
            if s >= 2 && toks[s - 1].form == "'s" {
                let all: Vec<&str> = toks.iter().map(|t| t.form.as_str()).collect();
                let from = (s.saturating_sub(4)..s - 1)
                    .find(|&i| country_at(&all, i).is_some_and(|(len, _)| i + len == s - 1))?;
                let (_, c) = country_at(&all, from)?;
                let rest = words.join(" ");
                let name = format!("{c}'s {rest}");
                return Some((c, rest, Some(name)));
            }
            None
        };
        keys.push(inside.or_else(before));
    }
    let qualified: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = keys
        .iter()
        .flatten()
        .fold(Default::default(), |mut acc, (c, rest, _)| {
            acc.entry(crate::coref::match_key(rest))
                .or_default()
                .insert(crate::graph::slug(c));
            acc
        });
    let doc = crate::graph::slug(&ann.doc.id);
    // "the Ministry" after "the Ministry of Foreign Affairs" is
    // coreference's to join.
    let longer: std::collections::HashSet<String> = ann
        .mentions
        .iter()
        .filter(|m| m.kind == EntityType::Org && m.tokens.len() > 1)
        .flat_map(|m| {
            let k = crate::coref::match_key(&m.name);
            k.split(' ').map(String::from).collect::<Vec<_>>()
        })
        .collect();
    for (i, k) in keys.into_iter().enumerate() {
        let m = &mut ann.mentions[i];
        let generic = matches!(m.kind, EntityType::Org | EntityType::Facility)
            && m.is_name
            && !m.key.contains(['|', '#'])
            && m.text.split_whitespace().last().is_some_and(|w| {
                crate::gazetteer::GENERIC_HEADS.contains(&w.to_lowercase().as_str())
            });
        match k {
            Some((c, rest, name)) => {
                m.key = format!(
                    "{}|{}",
                    crate::graph::slug(&c),
                    crate::coref::match_key(&rest)
                );
                if let Some(n) = name {
                    m.name = n;
                }
            }
            None if generic && !longer.contains(&crate::coref::match_key(&m.name)) => {
                let rest = crate::coref::match_key(&m.name);
                match qualified.get(&rest).map(|s| s.iter().collect::<Vec<_>>()) {
                    Some(v) if v.len() == 1 => {
                        m.key = format!("{}|{rest}", v[0]);
                        m.why = "the article's one qualified mention of the same name";
                    }
                    _ => m.key = format!("{doc}#{rest}"),
                }
            }
            None => {}
        }
    }
}

/// Keeps the mentions marked `keep`, renumbering the facts (a fact about a
/// dropped mention goes with it).
fn retain_mentions(mentions: &mut Vec<Mention>, facts: &mut Vec<StandingFact>, keep: &[bool]) {
    if keep.iter().all(|&k| k) {
        return;
    }
    let mut new_index = vec![usize::MAX; mentions.len()];
    let mut n = 0;
    for (i, &k) in keep.iter().enumerate() {
        if k {
            new_index[i] = n;
            n += 1;
        }
    }
    facts.retain_mut(|f| {
        f.subject = new_index[f.subject];
        f.object = new_index[f.object];
        f.subject != usize::MAX && f.object != usize::MAX
    });
    let mut i = 0;
    mentions.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

const PARTIES: &str = include_str!("../data/gazetteer/parties.tsv");

/// Party words → the party's group ("gop" → "Republicans").
fn parties() -> &'static std::collections::HashMap<String, &'static str> {
    static P: OnceLock<std::collections::HashMap<String, &'static str>> = OnceLock::new();
    P.get_or_init(|| {
        let mut m = std::collections::HashMap::new();
        for l in PARTIES.lines().filter(|l| !l.starts_with('#')) {
            let mut f = l.split('\t');
            let Some(canon) = f.next() else { continue };
            for w in f {
                m.insert(w.trim().to_string(), canon);
            }
        }
        m
    })
}

/// Words before a group's head that do not change which group it is.
const GROUP_HEDGES: [&str; 22] = [
    "some",
    "many",
    "several",
    "other",
    "fellow",
    "senior",
    "top",
    "most",
    "all",
    "both",
    "few",
    "former",
    "leading",
    "suspected",
    "alleged",
    "two",
    "three",
    "four",
    "five",
    "dozens",
    "hundreds",
    "thousands",
];

/// The resolution key of an unnamed group: hedges and numbers dropped, a
/// party's members the party ("Two senior Democrats", "GOP lawmakers" →
/// "party|republicans"), else the remaining words in lower case.
fn group_key(toks: &[crate::document::Token]) -> (usize, String) {
    let mut k = 0;
    while k + 1 < toks.len() {
        let low = toks[k].form.to_lowercase();
        let hedge = GROUP_HEDGES.contains(&low.as_str())
            || matches!(toks[k].xpos, "CD" | "DT" | "PDT" | "PRP$")
            || (matches!(toks[k].xpos, "JJ" | "VBN") && !is_cap(&toks[k].form));
        if !hedge {
            break;
        }
        k += 1;
    }
    let rest = &toks[k..];
    let words: Vec<String> = rest.iter().map(|t| t.form.to_lowercase()).collect();
    if let Some(p) = words.iter().rev().find_map(|w| parties().get(w.as_str())) {
        let head = &words[words.len() - 1];
        if parties().contains_key(head.as_str()) || group_nouns().contains(head.as_str()) {
            return (k, format!("party|{}", p.to_lowercase()));
        }
    }
    (k, words.join(" "))
}

/// A bare group or description ("the hackers", "the election") is the one
/// qualified mention of the article with the same head ("Russian hackers",
/// "the 2016 presidential election"), when there is exactly one.
fn join_bare_heads(ann: &mut Annotated) {
    let head_of = |m: &Mention| -> String {
        let last = ann.sentences[m.sentence].tokens[m.tokens.end - 1]
            .form
            .to_lowercase();
        last.trim_end_matches('s').to_string()
    };
    let nominal = |m: &Mention| {
        matches!(
            m.kind,
            EntityType::Group | EntityType::Event | EntityType::Org | EntityType::Facility
        )
    };
    let mut updates = Vec::new();
    for (i, m) in ann.mentions.iter().enumerate() {
        let bare = nominal(m)
            && m.is_name
            && !m.text.chars().any(char::is_uppercase)
            && !m.text.contains(' ');
        if !bare {
            continue;
        }
        let h = head_of(m);
        let keys: std::collections::BTreeSet<&str> = ann
            .mentions
            .iter()
            .filter(|o| {
                o.kind == m.kind && o.tokens.len() > 1 && !o.key.is_empty() && head_of(o) == h
            })
            .map(|o| o.key.as_str())
            .collect();
        if let [only] = keys.into_iter().collect::<Vec<_>>().as_slice() {
            updates.push((i, only.to_string()));
        }
    }
    for (i, k) in updates {
        ann.mentions[i].key = k;
        ann.mentions[i].why = "the one qualified mention with the same head word";
    }
}

/// Indefinite pronouns, capitalized at a sentence start but never names.
const INDEFINITES: [&str; 10] = [
    "nobody",
    "somebody",
    "everybody",
    "anybody",
    "someone",
    "everyone",
    "anyone",
    "none",
    "nothing",
    "everything",
];

/// Drops one-word names that are common English words ("Nobody", "MORE",
/// "Politics", "Treaty") unless the gazetteer knows them, a longer name in
/// the article contains them ("Trump" after "Donald Trump"), or they follow
/// "the" ("the Independent", "the House").
fn drop_common_words(
    g: &Gazetteer,
    sentences: &[crate::document::Sentence],
    mentions: &mut Vec<Mention>,
    facts: &mut Vec<StandingFact>,
) {
    let in_longer: HashSet<String> = mentions
        .iter()
        .filter(|m| m.tokens.len() > 1)
        .flat_map(|m| m.text.split_whitespace().map(norm_token))
        .collect();
    // A title's default affiliation ("Representative" → the U.S. House)
    // stands for its organization, whatever its word.
    let objects: HashSet<usize> = facts.iter().map(|f| f.object).collect();
    let keep: Vec<bool> = mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            if objects.contains(&i) && !m.is_name {
                return true;
            }
            let low = norm_token(&m.text);
            let toks = &sentences[m.sentence].tokens;
            let start = m.tokens.start;
            // "the Independent", "the House": a name after an article.
            let after_the = start > 0 && norm_token(&toks[start - 1].form) == "the";
            after_the
                || m.tokens.len() > 1
                || m.kind == EntityType::Gpe
                || m.kind == EntityType::Group
                || !(common_words().contains(low.as_str())
                    || INDEFINITES.contains(&low.as_str())
                    || group_nouns().contains(&low))
                || in_longer.contains(&low)
                || !g.lookup(&m.text).is_empty()
        })
        .collect();
    retain_mentions(mentions, facts, &keep);
}

fn detect_sentence(g: &Gazetteer, c: &Ctx, out: &mut Vec<Mention>, facts: &mut Vec<StandingFact>) {
    let n = c.words.len();
    let base = out.len();
    let mut i = 0;
    while i < n {
        // "(R-Tenn.)", "D-N.Y.": a party and a state, not a place.
        if let Some(party) = party_of_tag(c.words[i]) {
            out.push(party_mention(c, i..i + 1, party));
            i += 1;
            continue;
        }
        // Groups: "35 suspected Russian spies", "U.S. intelligence agencies".
        if let Some((end, m, country)) = group_at(g, c, i) {
            let gi = out.len();
            out.push(m);
            if let Some(cm) = country {
                let ci = out.len();
                out.push(cm);
                facts.push(StandingFact {
                    subject: gi,
                    relation: if out[gi].kind == EntityType::Facility {
                        "owned_by"
                    } else {
                        "member_of"
                    },
                    object: ci,
                    trigger: String::new(),
                });
            }
            i = end;
            continue;
        }
        if let Some((len, entries)) = g.longest_match(&c.words, i) {
            let e = pick(entries);
            let end = i + len;
            let next = c.lower.get(end).map(String::as_str);
            match e.role {
                Role::Demonym => {
                    if next.is_some_and(|w| STATE_NOUNS.contains(&w)) {
                        // "the Russian government" acts for the country.
                        out.push(c.mention(i..end + 1, e.canonical.clone(), EntityType::Gpe));
                        i = end + 1;
                        continue;
                    }
                    // "the Russians", "the Saudis" act for their state.
                    let plural = len == 1 && c.lower[i].ends_with('s');
                    if plural && i > 0 && c.lower[i - 1] == "the" {
                        out.push(c.mention(i..end, e.canonical.clone(), EntityType::Gpe));
                        i = end;
                        continue;
                    }
                    // A bare adjective ("Russian media") is not a mention by itself;
                    // title patterns pick it up as an affiliation.
                    i = end;
                    continue;
                }
                Role::Capital if i > 0 && PLACE_PREPOSITIONS.contains(&c.lower[i - 1].as_str()) => {
                    // A capital as a place is the city, under its own entry where it has one.
                    let city = entries
                        .iter()
                        .find(|x| is_place(x))
                        .map_or_else(|| c.text(i..end), |x| x.canonical.clone());
                    out.push(c.mention(i..end, city, EntityType::Gpe));
                    i = end;
                    continue;
                }
                Role::Capital | Role::Seat => {
                    out.push(c.mention(i..end, e.canonical.clone(), EntityType::Gpe));
                    i = end;
                    continue;
                }
                Role::Name => {
                    // "Russia's Ministry of Foreign Affairs" is the ministry, handled by the run below.
                    if e.kind == EntityType::Gpe
                        && next.is_some_and(|w| STATE_NOUNS.contains(&w))
                        && next != Some("state")
                    {
                        out.push(c.mention(i..end + 1, e.canonical.clone(), EntityType::Gpe));
                        i = end + 1;
                        continue;
                    }
                    // "the G-7 summit", "the NATO summit": the meeting is an event.
                    if e.kind == EntityType::Org && matches!(next, Some("summit" | "summits")) {
                        let name = format!("{} summit", e.canonical);
                        out.push(c.mention(i..end + 1, name, EntityType::Event));
                        i = end + 1;
                        continue;
                    }
                    // A longer capitalized run wins ("New York Times" over "New York").
                    let run_end = name_run_end(c, i);
                    if run_end <= end || e.kind != EntityType::Gpe || c.headline {
                        out.push(c.mention(i..end, e.canonical.clone(), e.kind));
                        i = end;
                        continue;
                    }
                }
            }
        }
        if is_cap(c.words[i]) && !c.headline {
            let end = name_run_end(c, i);
            if end > i {
                if let Some(m) = typed_run(g, c, i, end) {
                    let pi = out.len();
                    let is_person = m.kind == EntityType::Person;
                    out.push(m);
                    if is_person {
                        title_fact(g, c, pi, out, facts);
                    }
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    person_facts(g, c, out, base, facts);
    party_facts(g, c, out, base, facts);
}

/// The party of a US party–state tag: "R-Tenn." and "R-S.C." are
/// Republicans, "D-Calif." Democrats (the AP convention).
fn party_of_tag(word: &str) -> Option<&'static str> {
    let (p, state) = word.split_once('-')?;
    let party = match p {
        "R" => "Republicans",
        "D" => "Democrats",
        _ => return None,
    };
    let ok = (2..=8).contains(&state.len())
        && state.starts_with(|ch: char| ch.is_ascii_uppercase())
        && state
            .chars()
            .all(|ch| ch.is_ascii_alphabetic() || ch == '.');
    ok.then_some(party)
}

/// A mention of a party's group ("Republicans"), keyed as the party.
fn party_mention(c: &Ctx, r: Range<usize>, party: &str) -> Mention {
    let mut m = c.mention(r, party.to_string(), EntityType::Group);
    m.key = format!("party|{}", party.to_lowercase());
    m.why = "a party word";
    m
}

/// The party a capitalized singular word names ("Republican", "Democrat",
/// "Democratic", "GOP"), not a plural group.
fn party_word(c: &Ctx, k: usize) -> Option<&'static str> {
    let w = c.words.get(k)?;
    if !is_cap(w) || (c.lower[k].ends_with('s') && c.lower[k] != "gop") {
        return None;
    }
    parties().get(c.lower[k].as_str()).copied()
}

/// The named persons among `out[base..]`.
fn named_persons(out: &[Mention], base: usize) -> Vec<usize> {
    (base..out.len())
        .filter(|&i| out[i].kind == EntityType::Person && out[i].is_name)
        .collect()
}

/// The party word stated around the person name at tokens `ps..pe`, and
/// where it stands: a party–state tag after it ("(R-Tenn.)", ", R-Iowa"),
/// a party word before it or its title ("Republican Sen."), or an
/// apposition (", a Missouri Democrat", ", the Iowa Republican who").
fn party_near(
    g: &Gazetteer,
    c: &Ctx,
    ps: usize,
    pe: usize,
) -> Option<(Range<usize>, &'static str)> {
    let k = if matches!(c.words.get(pe), Some(&("(" | ","))) {
        pe + 1
    } else {
        pe
    };
    if let Some(party) = c.words.get(k).and_then(|w| party_of_tag(w)) {
        return Some((k..k + 1, party));
    }
    let j = g.title_before(&c.lower, ps).map_or(ps, |(ts, _)| ts);
    if let Some(party) = j.checked_sub(1).and_then(|b| party_word(c, b)) {
        return Some((j - 1..j, party));
    }
    if c.words.get(pe) != Some(&",") {
        return None;
    }
    let mut k = pe + 1;
    if matches!(c.lower.get(k).map(String::as_str), Some("a" | "an" | "the")) {
        k += 1;
    }
    let limit = (k + 4).min(c.words.len());
    // State names and adjectives: "a Missouri Democrat", "a moderate Republican".
    while k < limit
        && party_word(c, k).is_none()
        && (is_cap(c.words[k]) || c.xpos.get(k) == Some(&"JJ"))
    {
        k += 1;
    }
    let party = (k < limit).then(|| party_word(c, k)).flatten()?;
    let ends = c
        .words
        .get(k + 1)
        .is_none_or(|w| !is_cap(w) || matches!(*w, "," | "." | ";" | ")"));
    ends.then_some((k..k + 1, party))
}

/// Party memberships stated around each person's name ([`party_near`]).
fn party_facts(
    g: &Gazetteer,
    c: &Ctx,
    out: &mut Vec<Mention>,
    base: usize,
    facts: &mut Vec<StandingFact>,
) {
    for p in named_persons(out, base) {
        let (ps, pe) = (out[p].tokens.start, out[p].tokens.end);
        let Some((r, party)) = party_near(g, c, ps, pe) else {
            continue;
        };
        let trigger = c.text(r.clone());
        // The word may already be a mention (the tag is, the tagger's "Republican" may be).
        let a = match (base..out.len()).find(|&a| out[a].tokens == r) {
            Some(a) => {
                out[a] = party_mention(c, r, party);
                a
            }
            None => {
                out.push(party_mention(c, r, party));
                out.len() - 1
            }
        };
        if !facts.iter().any(|f| f.subject == p && f.object == a) {
            facts.push(StandingFact {
                subject: p,
                relation: "member_of",
                object: a,
                trigger,
            });
        }
    }
}

/// Facts that follow or precede a person's name rather than a title before
/// it: "Prime Minister Abe of Japan", "Jane Roe, the Peruvian ambassador to
/// the U.N.", "Dan Poe, a former Daily Planet anchor", "Canada's Jane Roe".
fn person_facts(
    g: &Gazetteer,
    c: &Ctx,
    out: &mut Vec<Mention>,
    base: usize,
    facts: &mut Vec<StandingFact>,
) {
    let n = c.words.len();
    let persons = named_persons(out, base);
    let has_fact = |facts: &Vec<StandingFact>, p: usize| facts.iter().any(|f| f.subject == p);
    for p in persons {
        let (ps, pe) = (out[p].tokens.start, out[p].tokens.end);
        let titled = g.title_before(&c.lower, ps);
        // "X of <country>" after a titled name.
        if let Some((_, title)) = titled {
            if pe + 1 < n && c.lower[pe] == "of" {
                if let Some(a) = (base..out.len()).find(|&a| {
                    out[a].tokens.start == pe + 1
                        && matches!(out[a].kind, EntityType::Gpe | EntityType::Org)
                }) {
                    // "Senator Jane Roe of Ohio": the state she represents,
                    // not a body she belongs to; the Senate stands.
                    let within = g.lookup(&out[a].name).first().is_some_and(is_place);
                    if within && title.default_affiliation.is_some() {
                        continue;
                    }
                    facts.retain(|f| f.subject != p);
                    facts.push(StandingFact {
                        subject: p,
                        relation: title.relation,
                        object: a,
                        trigger: c.text(ps..pe + 1),
                    });
                    continue;
                }
            }
        }
        // "<country>'s X"
        if ps >= 2 && c.lower[ps - 1] == "'s" && !has_fact(facts, p) {
            if let Some(a) = (base..out.len()).find(|&a| {
                out[a].tokens.end == ps - 1
                    && matches!(out[a].kind, EntityType::Gpe | EntityType::Org)
            }) {
                facts.push(StandingFact {
                    subject: p,
                    relation: "member_of",
                    object: a,
                    trigger: "'s".to_string(),
                });
                continue;
            }
        }
        // Apposition: "X, the [affiliation] title [of|for|at affiliation]".
        // Not "X, during a speech at the UN General Assembly, warned": an
        // apposition starts with a noun phrase, not a preposition or a verb.
        let phrase_start = c.xpos.get(pe + 1).is_some_and(|x| {
            !matches!(*x, "IN" | "TO" | "CC" | "WRB" | "WDT" | "WP" | "RB") && !x.starts_with("VB")
        });
        if pe + 2 < n && c.words[pe] == "," && phrase_start && !has_fact(facts, p) {
            let limit = (pe + 10).min(n);
            let stop = (pe + 1..limit)
                .find(|&k| matches!(c.words[k], "," | "." | ";" | ")" | "\u{2014}"))
                .unwrap_or(limit);
            let title_end = (pe + 2..=stop)
                .find(|&k| g.title_before(&c.lower, k).is_some_and(|(ts, _)| ts > pe));
            let Some(te) = title_end else { continue };
            let Some((ts, title)) = g.title_before(&c.lower, te) else {
                continue;
            };
            let between = (base..out.len()).find(|&a| {
                out[a].tokens.start > pe
                    && out[a].tokens.end <= ts
                    && matches!(out[a].kind, EntityType::Gpe | EntityType::Org)
            });
            let after = || {
                (te < stop && matches!(c.lower[te].as_str(), "of" | "for" | "at"))
                    .then(|| {
                        (base..out.len()).find(|&a| {
                            out[a].tokens.start == te + 1
                                || (out[a].tokens.start == te + 2 && c.lower[te + 1] == "the")
                        })
                    })
                    .flatten()
                    .filter(|&a| matches!(out[a].kind, EntityType::Gpe | EntityType::Org))
            };
            // "…, the Kremlin spokesman said": the subject of a clause
            // after a comma, not an apposition.
            let finite = |k: usize| matches!(c.xpos.get(k), Some(&("VBD" | "VBZ" | "VBP" | "MD")));
            let found = between.or_else(after);
            let end = match (between, found) {
                (None, Some(a)) => out[a].tokens.end,
                _ => te,
            };
            if finite(end) {
                continue;
            }
            if let Some(a) = found {
                facts.push(StandingFact {
                    subject: p,
                    relation: title.relation,
                    object: a,
                    trigger: c.text(ts..te),
                });
            } else if let Some(m) = affiliation_ending_at(g, c, ts) {
                if m.tokens.start > pe {
                    let a = out.len();
                    out.push(m);
                    facts.push(StandingFact {
                        subject: p,
                        relation: title.relation,
                        object: a,
                        trigger: c.text(ts..te),
                    });
                }
            }
        }
    }
}

/// The end of the capitalized name run starting at `i` (== i when none).
fn name_run_end(c: &Ctx, i: usize) -> usize {
    let n = c.words.len();
    let first = c.lower[i].as_str();
    let sentence_start = i == 0
        || matches!(
            c.words[i - 1],
            "\"" | "\u{201c}" | "(" | "'" | "\u{2018}" | ":" | "\u{2014}"
        );
    // Function words, and honorifics (the name starts after them).
    if NOT_NAMES.contains(&first) || HONORIFICS.contains(&first) {
        return i;
    }
    // "Talks were held…": a common word capitalized only because it starts the sentence.
    if sentence_start && common_words().contains(first) && !ORG_HEADS.contains(&first) {
        return i;
    }
    if CALENDAR.contains(&first) || c.words[i].chars().all(|ch| !ch.is_alphanumeric()) {
        return i;
    }
    let mut end = i;
    let mut k = i;
    while k < n {
        let w = c.words[k];
        // "Theresa May": a month inside a name, unless a date follows.
        let surname_may = k > i
            && c.lower[k] == "may"
            && !c
                .words
                .get(k + 1)
                .is_some_and(|n| n.starts_with(|ch: char| ch.is_ascii_digit()));
        // "Bashar al-Assad", "Abdel Fattah el-Sisi": a particle glued to the surname.
        let glued_particle = k > i
            && w.split_once('-').is_some_and(|(p, rest)| {
                matches!(p, "al" | "el" | "ad" | "as" | "ash" | "ul" | "bin") && is_cap(rest)
            });
        // "Ursula von der Leyen", "Osama bin Laden": particles between name words.
        let particles = if k > i {
            (k..n)
                .take_while(|&j| NAME_PARTICLES.contains(&c.lower[j].as_str()))
                .count()
        } else {
            0
        };
        if glued_particle {
            k += 1;
            end = k;
            continue;
        }
        if particles > 0
            && particles <= 2
            && c.words.get(k + particles).is_some_and(|x| is_cap(x))
            && !run_has_org_head(c, i, k)
        {
            k += particles;
            continue;
        }
        if is_cap(w)
            && (!CALENDAR.contains(&c.lower[k].as_str()) || surname_may)
            && (k == i || !NOT_NAMES.contains(&c.lower[k].as_str()) || c.lower[k] == "new")
        {
            // A title word inside a run ends the name before it ("Trump Secretary").
            k += 1;
            end = k;
        } else if k > i
            && k + 1 < n
            && is_cap(c.words[k + 1])
            && ((NAME_CONNECTORS.contains(&c.lower[k].as_str()) && run_has_org_head(c, i, k))
                || w == "-"
                || w == "&")
        {
            k += 1;
        } else {
            break;
        }
    }
    end
}

/// Whether a run that reaches a connector can continue ("Ministry of …",
/// "Office of the Director of …", "Bank of America").
fn run_has_org_head(c: &Ctx, i: usize, k: usize) -> bool {
    c.lower[i..k].iter().any(|w| {
        ORG_HEADS.contains(&w.as_str())
            || EVENT_HEADS.contains(&w.as_str())
            || w == "director"
            || w == "secretary"
    }) || (k + 2 < c.words.len()
        && c.lower[k] == "of"
        && ORG_HEADS.contains(&c.lower[k + 1].as_str()))
}

/// Types a capitalized run, stripping leading titles; `None` for non-names.
fn typed_run(g: &Gazetteer, c: &Ctx, start: usize, end: usize) -> Option<Mention> {
    let mut s = start;
    // Strip title words inside the run: "Foreign Minister Sergey Lavrov".
    let mut titled = false;
    let mut k = s;
    while k < end {
        if k + 1 < end && g.title_before(&c.lower, k + 1).is_some() {
            s = k + 1;
            titled = true;
        }
        k += 1;
    }
    if s >= end || g.title_before(&c.lower, end).is_some_and(|(ts, _)| ts <= s) {
        return None;
    }
    // "US-Russia", "Russian-American", "Obama-imposed", "Trump-Putin summit":
    // adjectives, not names.
    if end - s == 1 && c.words[s].contains('-') {
        let parts: Vec<&str> = c.words[s].split('-').collect();
        let compound = parts.len() > 1
            && parts.iter().all(|p| p.chars().count() >= 4)
            && c.words
                .get(end)
                .is_some_and(|w| !is_cap(w) && w.chars().all(char::is_alphabetic));
        if parts.iter().any(|p| !is_cap(p))
            || parts.iter().all(|p| !g.lookup(p).is_empty())
            || compound
        {
            return None;
        }
    }
    let words = &c.lower[s..end];
    let head = words.last().map(String::as_str).unwrap_or("");
    let honorific = s > 0 && HONORIFICS.contains(&c.lower[s - 1].as_str());
    let title_before = g.title_before(&c.lower, s).is_some();
    let text = c.text(s..end);
    let kind = if let Some(e) = g.lookup(&text).first() {
        e.kind
    } else if FACILITY_HEADS.contains(&head) {
        EntityType::Facility
    } else if EVENT_HEADS.contains(&head) || (head == "assembly" && words.len() > 1) {
        EntityType::Event
    } else if ORG_HEADS.contains(&head)
        || words
            .iter()
            .any(|w| w == "ministry" || w == "department" || w == "office" || w == "committee")
    {
        EntityType::Org
    } else if honorific || titled || title_before {
        EntityType::Person
    } else if let Some((label, ns, mut ne)) = ner_span(c, s, end) {
        // The recognizer's span bounds the name ("Contrasting Putin" →
        // "Putin"), but a person's surname that is also a month stays
        // ("Theresa May": the run took "May" only where no date follows).
        if label == NerLabel::Per
            && ne < end
            && c.lower[ne..end]
                .iter()
                .all(|w| CALENDAR.contains(&w.as_str()))
        {
            ne = end;
        }
        if (ns > s || ne < end) && ns < ne {
            return typed_run(g, c, ns.max(s), ne.min(end)).filter(|_| label != NerLabel::Misc);
        }
        match label {
            NerLabel::Per => EntityType::Person,
            NerLabel::Org => EntityType::Org,
            NerLabel::Loc => EntityType::Gpe,
            // Nationalities, ideologies, works: not entities of the ontology.
            NerLabel::Misc => return None,
        }
    } else if !c.ner.is_empty() && !is_acronym(c.words[s]) {
        // The recognizer saw names in this sentence, but not this one.
        return None;
    } else if end - s == 1
        && s > 0
        && matches!(c.lower[s - 1].as_str(), "in" | "at" | "from" | "near")
    {
        // An unknown single name after a locative preposition is a place.
        EntityType::Gpe
    } else if end - s == 1 && is_acronym(c.words[s]) {
        EntityType::Org
    } else {
        EntityType::Person
    };
    // A lone capitalized common word at the start of a sentence is not a name.
    if end - s == 1
        && (s == 0 || !c.words[s - 1].chars().any(char::is_alphanumeric))
        && kind == EntityType::Person
        && !honorific
        && !title_before
        && c.lower[s].len() < 3
    {
        return None;
    }
    let name = if kind == EntityType::Person {
        text.clone()
    } else if let Some(e) = g.lookup(&text).iter().find(|e| e.role != Role::Demonym) {
        e.canonical.clone()
    } else {
        strip_the(&text)
    };
    Some(c.mention(s..end, name, kind))
}

/// The recognizer's span over tokens `s..end`: the one that covers most of them.
fn ner_span(c: &Ctx, s: usize, end: usize) -> Option<(NerLabel, usize, usize)> {
    c.ner
        .iter()
        .filter(|sp| sp.start < end && s < sp.end)
        .max_by_key(|sp| sp.end.min(end) - sp.start.max(s))
        .map(|sp| (sp.label, sp.start, sp.end))
}

fn strip_the(s: &str) -> String {
    s.strip_prefix("The ")
        .map(String::from)
        .unwrap_or_else(|| s.to_string())
}

/// A title before a person gives a standing fact.
fn title_fact(
    g: &Gazetteer,
    c: &Ctx,
    person: usize,
    out: &mut Vec<Mention>,
    facts: &mut Vec<StandingFact>,
) {
    // The title may be inside the run ("Foreign Minister Sergey Lavrov"): the name starts after it.
    let person_start = out[person].tokens.start;
    let Some((ts, title)) = g.title_before(&c.lower, person_start) else {
        return;
    };
    // Skip lower-case modifiers between an affiliation and the title
    // ("White House economic adviser", "Indiana University international relations professor").
    let mut a_end = ts;
    let mut skipped = 0;
    while a_end > 0
        && skipped < 3
        && !is_cap(c.words[a_end - 1])
        && c.words[a_end - 1]
            .chars()
            .all(|ch| ch.is_alphabetic() || ch == '-')
        && !NOT_NAMES.contains(&c.lower[a_end - 1].as_str())
    {
        a_end -= 1;
        skipped += 1;
    }
    if a_end > 0 && (c.lower[a_end - 1] == "'s") {
        a_end -= 1;
    }
    let aff = affiliation_ending_at(g, c, a_end).or_else(|| {
        if skipped > 0 {
            affiliation_ending_at(g, c, ts)
        } else {
            None
        }
    });
    let trigger = c.text(ts..person_start);
    // "U.S. Senator Jane Roe": the country named is the default body's
    // country, so she sits in the body (the U.S. Senate), not just the state.
    let aff = aff.filter(|m| {
        let body_country = title
            .default_affiliation
            .as_ref()
            .and_then(|d| g.lookup(d).first())
            .and_then(|e| e.country.as_deref());
        body_country != Some(m.name.as_str())
    });
    match aff {
        Some(m) => {
            let ai = out.len();
            out.push(m);
            facts.push(StandingFact {
                subject: person,
                relation: title.relation,
                object: ai,
                trigger,
            });
        }
        None => {
            if let Some(def) = &title.default_affiliation {
                // The gazetteer types it ("U.S. Senate" is an organization).
                let kind = g.lookup(def).first().map_or(EntityType::Gpe, |e| e.kind);
                let mut m = c.mention(ts..person_start, def.clone(), kind);
                m.is_name = false;
                let ai = out.len();
                out.push(m);
                facts.push(StandingFact {
                    subject: person,
                    relation: title.relation,
                    object: ai,
                    trigger,
                });
            }
        }
    }
}

/// A country, demonym, organization or seat of government ending at token `end`.
fn affiliation_ending_at(g: &Gazetteer, c: &Ctx, end: usize) -> Option<Mention> {
    for start in (end.saturating_sub(6)..end).rev() {
        if let Some((len, entries)) = g.longest_match(&c.words, start) {
            if start + len == end {
                let e = pick(entries);
                let kind = e.kind;
                return Some(c.mention(start..end, e.canonical.clone(), kind));
            }
        }
    }
    // A capitalized organization name: "Fox News anchor", "Indiana University professor".
    if end > 0 && is_cap(c.words[end - 1]) {
        let mut s = end - 1;
        while s > 0 && is_cap(c.words[s - 1]) {
            s -= 1;
        }
        let head = c.lower[end - 1].as_str();
        if ORG_HEADS.contains(&head) || (end - s == 1 && is_acronym(c.words[s])) {
            let text = c.text(s..end);
            return Some(c.mention(s..end, strip_the(&text), EntityType::Org));
        }
    }
    None
}

/// One name for the many ways of naming the same kind of group.
fn group_head(phrase: &str) -> &str {
    match phrase {
        "diplomatic staff" | "embassy staff" | "envoys" | "diplomatic personnel" => "diplomats",
        "journalists" | "reporters" | "press" | "news media" => "media",
        "legislators" | "congressmen" => "lawmakers",
        "soldiers" | "military" => "troops",
        "intelligence agencies"
        | "intelligence community"
        | "intelligence services"
        | "intelligence officials"
        | "spy agencies" => "intelligence",
        other => other,
    }
}

/// A group mention starting at `i`: [number] [modifiers] qualifier [modifiers] group-noun.
fn group_at(g: &Gazetteer, c: &Ctx, i: usize) -> Option<(usize, Mention, Option<Mention>)> {
    let n = c.words.len();
    let mut k = i;
    if c.words[k]
        .chars()
        .all(|ch| ch.is_ascii_digit() || ch == ',')
    {
        k += 1;
    }
    while k < n
        && matches!(
            c.lower[k].as_str(),
            "suspected" | "senior" | "top" | "former" | "alleged" | "some" | "other" | "leading"
        )
    {
        k += 1;
    }
    let q_start = k;
    let (qlen, entries) = g.longest_match(&c.words, k)?;
    let e = pick(entries);
    if !(e.kind == EntityType::Gpe || e.kind == EntityType::Org) {
        return None;
    }
    k += qlen;
    let q_end = k;
    if k < n && FACILITY_HEADS.contains(&c.lower[k].as_str()) {
        // "the Belarusian Consulate", "two Russian compounds": a facility the country owns.
        let mut end = k + 1;
        if end < n && c.lower[end] == "building" {
            end += 1;
        }
        let country = e.country.clone().unwrap_or_else(|| e.canonical.clone());
        let mut fm = c.mention(i..end, c.text(q_start..end), EntityType::Facility);
        fm.key = format!(
            "{}|{}",
            crate::graph::slug(&country),
            c.lower[k].trim_end_matches('s')
        );
        let cm = c.mention(q_start..q_end, e.canonical.clone(), e.kind);
        return Some((end, fm, Some(cm)));
    }
    let mut m = 0;
    // Modifiers only ("Russian military officers"): not "Somalia of
    // harboring militants".
    while k < n
        && m < 2
        && !group_nouns().contains(&c.lower[k])
        && c.words[k].chars().all(char::is_alphabetic)
        && !is_cap(c.words[k])
        && matches!(c.xpos[k], "JJ" | "JJR" | "JJS" | "NN" | "NNS" | "VBN" | "")
    {
        k += 1;
        m += 1;
    }
    if k >= n || !group_nouns().contains(&c.lower[k]) {
        return None;
    }
    // "intelligence agencies": take the longer noun phrase.
    if k + 1 < n && group_nouns().contains(&c.lower[k + 1]) {
        k += 1;
    }
    let end = k + 1;
    let country = e.country.clone().unwrap_or_else(|| e.canonical.clone());
    let label = c.text(q_start..end);
    let mut gm = c.mention(i..end, label, EntityType::Group);
    gm.key = format!(
        "{}|{}",
        crate::graph::slug(&country),
        group_head(&c.lower[q_end..end].join(" "))
    );
    let cm = c.mention(q_start..q_end, e.canonical.clone(), e.kind);
    Some((end, gm, Some(cm)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn run(text: &str) -> Annotated {
        let mut ann = crate::pipeline::segmented(Document {
            text: text.into(),
            ..Default::default()
        });
        detect(&mut ann);
        ann
    }

    fn names(a: &Annotated) -> Vec<(String, EntityType)> {
        a.mentions
            .iter()
            .map(|m| (m.name.clone(), m.kind))
            .collect()
    }

    #[test]
    fn a_surname_that_is_a_month_stays_in_the_name() {
        // The recognizer stopped before "May"; a date after it is a date.
        let words = ["excluding", "Anna", "May", "and", "Ben", "on", "May", "4"];
        let ctx = |ner: &[EntitySpan]| -> Vec<(Range<usize>, EntityType)> {
            let c = Ctx {
                ner,
                words: words.to_vec(),
                lower: words.iter().map(|w| norm_token(w)).collect(),
                xpos: vec![""; words.len()],
                spans: (0..words.len()).map(|k| k * 10..k * 10 + 5).collect(),
                sentence: 0,
                headline: false,
            };
            let g = Gazetteer::get();
            [(1, name_run_end(&c, 1)), (4, name_run_end(&c, 4))]
                .into_iter()
                .filter_map(|(s, e)| typed_run(g, &c, s, e))
                .map(|m| (m.tokens, m.kind))
                .collect()
        };
        let per = |start, end| EntitySpan {
            start,
            end,
            label: NerLabel::Per,
        };
        assert_eq!(
            ctx(&[per(1, 2), per(4, 5)]),
            vec![(1..3, EntityType::Person), (4..5, EntityType::Person)]
        );
    }

    #[test]
    fn facts_after_names_and_in_appositions() {
        let a = run("Prime Minister Aiko Tanaka of Japan spoke. Jane Roe, the Peruvian ambassador to the U.N., left. Canada's Dan Poe and Lee Wu, a former Daily Planet Times anchor, came.");
        let f: Vec<(String, &str, String)> = a
            .facts
            .iter()
            .map(|f| {
                (
                    a.mentions[f.subject].name.clone(),
                    f.relation,
                    a.mentions[f.object].name.clone(),
                )
            })
            .collect();
        assert_eq!(
            f,
            vec![
                ("Aiko Tanaka".to_string(), "leader_of", "Japan".to_string()),
                ("Jane Roe".to_string(), "member_of", "Peru".to_string()),
                ("Dan Poe".to_string(), "member_of", "Canada".to_string()),
                (
                    "Lee Wu".to_string(),
                    "member_of",
                    "Daily Planet Times".to_string()
                ),
            ]
        );
    }

    #[test]
    fn titles_give_persons_and_facts() {
        let a = run("Italian Foreign Minister Marco Bellini met Sen. Jane Roe in Moscow.");
        assert_eq!(
            names(&a),
            vec![
                ("Marco Bellini".to_string(), EntityType::Person),
                ("Italy".to_string(), EntityType::Gpe),
                ("Jane Roe".to_string(), EntityType::Person),
                ("U.S. Senate".to_string(), EntityType::Org),
                ("Moscow".to_string(), EntityType::Gpe),
            ]
        );
        let f: Vec<(usize, &str, usize)> = a
            .facts
            .iter()
            .map(|f| (f.subject, f.relation, f.object))
            .collect();
        assert_eq!(f, vec![(0, "member_of", 1), (2, "member_of", 3)]);
    }

    #[test]
    fn capitals_act_for_their_country_unless_a_place() {
        let a = run("The Kremlin said Beijing would reply. Talks were held in Beijing.");
        assert_eq!(
            names(&a),
            vec![
                ("Russia".into(), EntityType::Gpe),
                ("China".into(), EntityType::Gpe),
                ("Beijing".into(), EntityType::Gpe)
            ]
        );
    }

    #[test]
    fn seats_of_government_always_act_and_capitals_have_their_city() {
        let a = run("Envoys met at the Kremlin and in Washington.");
        assert_eq!(
            names(&a),
            vec![
                ("Russia".into(), EntityType::Gpe),
                ("Washington, D.C.".into(), EntityType::Gpe)
            ]
        );
    }

    #[test]
    fn groups_belong_to_their_country() {
        let a = run("Officials said 12 suspected Canadian hackers and the U.S. intelligence agencies were named.");
        assert_eq!(a.mentions[0].text, "12 suspected Canadian hackers");
        assert_eq!(a.mentions[0].kind, EntityType::Group);
        assert_eq!(a.mentions[0].key, "canada|hackers");
        assert_eq!(a.mentions[2].key, "united-states|intelligence");
        assert_eq!(a.facts.len(), 2);
    }

    #[test]
    fn organizations_by_head_word() {
        let a = run("Spain's Ministry of Foreign Affairs and the Daily Planet Tribune spoke.");
        assert_eq!(
            names(&a),
            vec![
                ("Spain".into(), EntityType::Gpe),
                ("Ministry of Foreign Affairs".into(), EntityType::Org),
                ("Daily Planet Tribune".into(), EntityType::Org)
            ]
        );
    }
}
