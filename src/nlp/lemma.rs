//! Lemmatizer learned from a treebank's lemma column.
//!
//! Two layers: an exception table `(form, xpos) -> lemma` for every training
//! pair the rules get wrong, and suffix rewrite rules
//! `(suffix of lowercased form, xpos) -> (lowercase?, strip n chars, append)`
//! for unseen words, applied at the longest matching suffix.

use super::perceptron::{BuildNoHash, Fx};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

const MAX_SUFFIX: usize = 6;

/// A rewrite from form to lemma.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Rewrite {
    /// 0 = keep case, 1 = lowercase the form first, 2 = capitalize it first
    /// (EWT lemmas of proper nouns are capitalized even when forms are not).
    case: u8,
    strip: u8,
    append: String,
}

impl Rewrite {
    fn learn(form: &str, lemma: &str) -> Rewrite {
        let low = form.to_lowercase();
        if form == lemma || low == lemma {
            // Prefer "lowercase" when both fit so "the"/"The" share one rule.
            return Rewrite {
                case: (low == lemma) as u8,
                strip: 0,
                append: String::new(),
            };
        }
        let mut best = Self::diff(form, lemma, 0);
        for case in [1, 2] {
            let r = Self::diff(&recase(form, case), lemma, case);
            if r.strip < best.strip {
                best = r;
            }
        }
        best
    }

    fn diff(form: &str, lemma: &str, case: u8) -> Rewrite {
        let common = form
            .chars()
            .zip(lemma.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let strip = form.chars().count() - common;
        let append: String = lemma.chars().skip(common).collect();
        Rewrite {
            case,
            strip: strip.min(255) as u8,
            append,
        }
    }

    fn apply(&self, form: &str) -> Option<String> {
        let base = recase(form, self.case);
        let n = base.chars().count();
        if self.strip as usize > n || (self.strip as usize == n && self.append.is_empty()) {
            return None;
        }
        let mut s: String = base.chars().take(n - self.strip as usize).collect();
        s.push_str(&self.append);
        Some(s)
    }
}

fn recase(form: &str, case: u8) -> String {
    match case {
        1 => form.to_lowercase(),
        2 => {
            let mut c = form.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        }
        _ => form.to_string(),
    }
}

fn key(a: &str, b: &str) -> u64 {
    Fx::new(31).s(a).s(b).done()
}

/// Serialized lemmatizer.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct LemmaData {
    rules: Vec<(String, String, Rewrite)>,
    exceptions: Vec<(String, String, String)>,
}

/// Rule + exception lemmatizer.
#[derive(Clone, Debug, Default)]
pub struct Lemmatizer {
    data: LemmaData,
    rules: HashMap<u64, Rewrite, BuildNoHash>,
    exceptions: HashMap<u64, String, BuildNoHash>,
}

impl Lemmatizer {
    /// Learns rules and exceptions from `(form, xpos, lemma)` triples.
    pub fn train<'a>(
        items: impl Iterator<Item = (&'a str, &'a str, &'a str)> + Clone,
    ) -> Lemmatizer {
        // Count rewrites per (suffix, xpos); BTreeMap keeps output deterministic.
        let mut counts: BTreeMap<(String, String), BTreeMap<Rewrite, u32>> = BTreeMap::new();
        let mut pairs: BTreeMap<(String, String), BTreeMap<String, u32>> = BTreeMap::new();
        for (form, xpos, lemma) in items.clone() {
            if lemma == "_" {
                continue;
            }
            *pairs
                .entry((form.to_string(), xpos.to_string()))
                .or_default()
                .entry(lemma.to_string())
                .or_default() += 1;
        }
        for ((form, xpos), lemmas) in &pairs {
            // Types, not tokens: rules are for unseen words, which behave like
            // rare types rather than frequent function words.
            let lemma = best(lemmas);
            let rw = Rewrite::learn(form, lemma);
            let low = form.to_lowercase();
            let chars: Vec<char> = low.chars().collect();
            for k in 0..=MAX_SUFFIX.min(chars.len()) {
                let suf: String = chars[chars.len() - k..].iter().collect();
                *counts
                    .entry((suf, xpos.clone()))
                    .or_default()
                    .entry(rw.clone())
                    .or_default() += 1;
            }
        }
        let mut data = LemmaData::default();
        for ((suf, xpos), rws) in counts {
            let rw = best(&rws).clone();
            data.rules.push((suf, xpos, rw));
        }
        let mut lem = Lemmatizer::from_data(data);
        let mut exceptions = Vec::new();
        for ((form, xpos), lemmas) in &pairs {
            let lemma = best(lemmas);
            if lem.by_rules(form, &form.to_lowercase(), xpos) != *lemma {
                exceptions.push((form.clone(), xpos.clone(), lemma.clone()));
            }
        }
        lem.data.exceptions = exceptions;
        Lemmatizer::from_data(lem.data)
    }

    /// Rebuilds lookup tables from serialized data.
    pub fn from_data(data: LemmaData) -> Lemmatizer {
        let rules = data
            .rules
            .iter()
            .map(|(s, x, r)| (key(s, x), r.clone()))
            .collect();
        let exceptions = data
            .exceptions
            .iter()
            .map(|(f, x, l)| (key(f, x), l.clone()))
            .collect();
        Lemmatizer {
            data,
            rules,
            exceptions,
        }
    }

    /// Serializable form.
    pub fn data(&self) -> &LemmaData {
        &self.data
    }

    /// Lemma of `form` tagged `xpos`.
    pub fn lemma(&self, form: &str, xpos: &str) -> String {
        if let Some(l) = self.exceptions.get(&key(form, xpos)) {
            return l.clone();
        }
        let low = form.to_lowercase();
        // Sentence-initial capitals: fall back to the lowercased entry.
        if low != form && xpos != "NNP" && xpos != "NNPS" {
            if let Some(l) = self.exceptions.get(&key(&low, xpos)) {
                return l.clone();
            }
        }
        self.by_rules(form, &low, xpos)
    }

    fn by_rules(&self, form: &str, low: &str, xpos: &str) -> String {
        // starts[k]: where the suffix of k characters begins.
        let mut starts = [low.len(); MAX_SUFFIX + 1];
        let mut n = 0;
        for (k, (at, _)) in low.char_indices().rev().take(MAX_SUFFIX).enumerate() {
            starts[k + 1] = at;
            n = k + 1;
        }
        for k in (0..=n).rev() {
            if let Some(rw) = self.rules.get(&key(&low[starts[k]..], xpos)) {
                if let Some(l) = rw.apply(form) {
                    return l;
                }
            }
        }
        form.to_string()
    }
}

fn best<K: Clone + Ord>(m: &BTreeMap<K, u32>) -> &K {
    // Highest count; ties go to the smallest key for determinism.
    let mut best: Option<(&K, u32)> = None;
    for (k, &c) in m {
        if best.is_none_or(|(_, b)| c > b) {
            best = Some((k, c));
        }
    }
    best.expect("non-empty count map").0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_generalise() {
        let items = vec![
            ("walked", "VBD", "walk"),
            ("talked", "VBD", "talk"),
            ("jumped", "VBD", "jump"),
            ("dogs", "NNS", "dog"),
            ("cats", "NNS", "cat"),
            ("went", "VBD", "go"),
            ("The", "DT", "the"),
            ("the", "DT", "the"),
            ("Paris", "NNP", "Paris"),
            ("london", "NNP", "London"),
        ];
        let l = Lemmatizer::train(items.iter().copied());
        assert_eq!(l.lemma("kicked", "VBD"), "kick");
        assert_eq!(l.lemma("birds", "NNS"), "bird");
        assert_eq!(l.lemma("went", "VBD"), "go");
        assert_eq!(l.lemma("Went", "VBD"), "go");
        assert_eq!(l.lemma("Paris", "NNP"), "Paris");
        assert_eq!(l.lemma("THE", "DT"), "the");
        assert_eq!(l.lemma("london", "NNP"), "London");
    }
}
