//! The learned mention tagger: BILOU labels over the ontology's entity types,
//! a softmax classifier per token decoded left to right, trained from the
//! annotated articles (`newsgraph train mentions`).
//!
//! It reads what the earlier detectors said as features (the CoNLL
//! recognizer's label, the hand rules' mention and type, the gazetteer), so
//! that it learns where to trust them, and adds what they cannot see: unnamed
//! groups ("lawmakers", "Republicans"), lower-case facilities and events
//! ("the nuclear deal"), and where a name really ends.

use crate::document::{Annotated, Mention};
use crate::nlp::ner::{EntitySpan, NerLabel};
use crate::ontology::EntityType;
use crate::relations::features::Key;
use crate::relations::linear::{Linear, LinearData};
use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Entity types the tagger labels, in class order.
pub const TYPES: [EntityType; 7] = EntityType::ALL;
const B: usize = 0;
const I: usize = 1;
const L: usize = 2;
const U: usize = 3;

/// Number of classes: O plus B/I/L/U per type.
pub const NUM_CLASSES: usize = 1 + 4 * TYPES.len();

/// Class index of a (type, position) label.
pub fn class_of(t: usize, pos: usize) -> usize {
    1 + 4 * t + pos
}

fn class_parts(y: usize) -> Option<(usize, usize)> {
    (y > 0).then(|| ((y - 1) / 4, (y - 1) % 4))
}

/// Class names ("O", "B-PERSON", …).
pub fn classes() -> Vec<String> {
    let mut v = vec!["O".to_string()];
    for t in TYPES {
        for p in ["B", "I", "L", "U"] {
            v.push(format!("{p}-{}", t.as_str()));
        }
    }
    v
}

/// Whether label `y` may follow label `prev` (BILOU).
fn allowed(prev: usize, y: usize) -> bool {
    let inside = |p: usize| matches!(class_parts(p), Some((_, B | I)));
    match (class_parts(prev), class_parts(y)) {
        (Some((pt, B | I)), Some((t, I | L))) => pt == t,
        (Some((_, B | I)), _) => false,
        (_, Some((_, I | L))) => false,
        _ => !inside(prev),
    }
}

/// BILOU labels of spans over `n` tokens (spans sorted and disjoint).
pub fn spans_to_labels(n: usize, spans: &[(usize, usize, usize)]) -> Vec<usize> {
    let mut out = vec![0; n];
    for &(s, e, t) in spans {
        if e == s + 1 {
            out[s] = class_of(t, U);
        } else {
            out[s] = class_of(t, B);
            for y in &mut out[s + 1..e - 1] {
                *y = class_of(t, I);
            }
            out[e - 1] = class_of(t, L);
        }
    }
    out
}

/// Spans `(start, end, type)` of a BILOU label sequence.
pub fn labels_to_spans(labels: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &y) in labels.iter().enumerate() {
        match class_parts(y) {
            Some((t, U)) => out.push((i, i + 1, t)),
            Some((t, B)) => open = Some((i, t)),
            Some((t, L)) => {
                if let Some((s, ot)) = open.take() {
                    if ot == t {
                        out.push((s, i + 1, t));
                    }
                }
            }
            Some((_, _)) => {}
            None => open = None,
        }
    }
    out
}

/// What one sentence offers the tagger.
pub struct SentenceInput<'a> {
    /// Token forms.
    pub words: Vec<&'a str>,
    /// Lower-cased forms.
    pub lower: Vec<String>,
    /// Penn tags.
    pub xpos: Vec<&'static str>,
    /// CoNLL recognizer label per token ("B-PER", "O", …).
    pub ner: Vec<&'static str>,
    /// Hand rules' label per token ("B-GPE", "U-GROUP", "O").
    pub rule: Vec<String>,
    /// Whether the rules' mention there was renamed by the gazetteer.
    pub gazetteer: Vec<bool>,
    /// Word cluster (middle level) per token.
    pub cluster: Vec<Option<u32>>,
    /// Gazetteer label per token ("B-GPE-Demonym", "O").
    pub gaz: Vec<String>,
    /// Per token: the word is written capitalized inside a sentence
    /// elsewhere in the article (bit 0), and in lower case (bit 1).
    pub doc_case: Vec<u8>,
}

/// How the article writes its words, for [`SentenceInput::new`].
#[derive(Debug, Default)]
pub struct DocStats {
    capitalized: std::collections::HashSet<String>,
    lower: std::collections::HashSet<String>,
}

impl DocStats {
    /// Counts the words of an article.
    pub fn new(ann: &Annotated) -> DocStats {
        let mut d = DocStats::default();
        for s in &ann.sentences {
            for (k, t) in s.tokens.iter().enumerate() {
                let first = t.form.chars().next();
                if first.is_some_and(char::is_uppercase) {
                    if k > 0 && !matches!(s.tokens[k - 1].form.as_str(), "\"" | "\u{201c}" | ":") {
                        d.capitalized.insert(t.form.to_lowercase());
                    }
                } else if first.is_some_and(char::is_lowercase) {
                    d.lower.insert(t.form.clone());
                }
            }
        }
        d
    }
}

fn ner_tag(spans: &[EntitySpan], n: usize) -> Vec<&'static str> {
    let mut out = vec!["O"; n];
    for s in spans {
        let t = match s.label {
            NerLabel::Per => ["B-PER", "I-PER", "L-PER", "U-PER"],
            NerLabel::Org => ["B-ORG", "I-ORG", "L-ORG", "U-ORG"],
            NerLabel::Loc => ["B-LOC", "I-LOC", "L-LOC", "U-LOC"],
            NerLabel::Misc => ["B-MISC", "I-MISC", "L-MISC", "U-MISC"],
        };
        if s.end <= s.start || s.end > n {
            continue;
        }
        if s.end == s.start + 1 {
            out[s.start] = t[3];
        } else {
            out[s.start] = t[0];
            for o in &mut out[s.start + 1..s.end - 1] {
                *o = t[1];
            }
            out[s.end - 1] = t[2];
        }
    }
    out
}

impl<'a> SentenceInput<'a> {
    /// The inputs of sentence `si`: its tokens, the recognizer's spans and
    /// the rules' mentions (those of this sentence).
    pub fn new(
        ann: &'a Annotated,
        si: usize,
        ner: &[EntitySpan],
        rules: &[Mention],
        doc: &DocStats,
    ) -> Self {
        let toks = &ann.sentences[si].tokens;
        let n = toks.len();
        let words: Vec<&str> = toks.iter().map(|t| t.form.as_str()).collect();
        let g = crate::gazetteer::Gazetteer::get();
        let mut gaz = vec!["O".to_string(); n];
        let mut i = 0;
        while i < n {
            match g.longest_match(&words, i) {
                Some((len, entries)) => {
                    let e = &entries[0];
                    let t = format!("{}-{:?}", e.kind.as_str(), e.role);
                    if len == 1 {
                        gaz[i] = format!("U-{t}");
                    } else {
                        gaz[i] = format!("B-{t}");
                        for x in &mut gaz[i + 1..i + len - 1] {
                            *x = format!("I-{t}");
                        }
                        gaz[i + len - 1] = format!("L-{t}");
                    }
                    i += len;
                }
                None => i += 1,
            }
        }
        let doc_case = toks
            .iter()
            .map(|t| {
                let low = t.form.to_lowercase();
                u8::from(doc.capitalized.contains(&low)) | (u8::from(doc.lower.contains(&low)) << 1)
            })
            .collect();
        let mut rule = vec!["O".to_string(); n];
        let mut gazetteer = vec![false; n];
        for m in rules.iter().filter(|m| m.sentence == si && m.is_name) {
            let (s, e) = (m.tokens.start, m.tokens.end.min(n));
            if s >= e {
                continue;
            }
            let t = m.kind.as_str();
            if e == s + 1 {
                rule[s] = format!("U-{t}");
            } else {
                rule[s] = format!("B-{t}");
                for r in &mut rule[s + 1..e - 1] {
                    *r = format!("I-{t}");
                }
                rule[e - 1] = format!("L-{t}");
            }
            let renamed = crate::coref::match_key(&m.text) != crate::coref::match_key(&m.name);
            for g in &mut gazetteer[s..e] {
                *g = renamed;
            }
        }
        let clusters = crate::nlp::Tagger::shipped().clusters();
        let mut buf = String::new();
        SentenceInput {
            gaz,
            doc_case,
            words,
            lower: toks.iter().map(|t| t.form.to_lowercase()).collect(),
            xpos: toks.iter().map(|t| t.xpos).collect(),
            ner: ner_tag(ner, n),
            rule,
            gazetteer,
            cluster: toks
                .iter()
                .map(|t| clusters.word_clusters(&t.form, &mut buf).map(|c| c[1]))
                .collect(),
        }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the sentence has no tokens.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

fn shape(w: &str) -> String {
    let mut s = String::new();
    for c in w.chars() {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        if !s.ends_with(k) {
            s.push(k);
        }
    }
    s
}

/// The label-independent features of every token of a sentence.
pub fn static_features(x: &SentenceInput) -> Vec<Vec<u64>> {
    let n = x.len();
    let shapes: Vec<String> = x.words.iter().map(|w| shape(w)).collect();
    let w = |i: isize| -> &str {
        if i < 0 {
            "<s>"
        } else if i as usize >= n {
            "</s>"
        } else {
            &x.lower[i as usize]
        }
    };
    let at = |v: &[&'static str], i: isize| -> &'static str {
        if i < 0 || i as usize >= n {
            "-"
        } else {
            v[i as usize]
        }
    };
    let rule = |i: isize| -> &str {
        if i < 0 || i as usize >= n {
            "-"
        } else {
            &x.rule[i as usize]
        }
    };
    let sh = |i: isize| -> &str {
        if i < 0 || i as usize >= n {
            "-"
        } else {
            &shapes[i as usize]
        }
    };
    let groups = super::group_nouns();
    (0..n)
        .map(|k| {
            let i = k as isize;
            let low = &x.lower[k];
            let chars: Vec<char> = low.chars().collect();
            let suf: String = chars[chars.len().saturating_sub(3)..].iter().collect();
            let pre: String = chars[..chars.len().min(3)].iter().collect();
            let mut f = vec![
                Key::new("bias").0,
                Key::new("w").s(low).0,
                Key::new("w-1").s(w(i - 1)).0,
                Key::new("w+1").s(w(i + 1)).0,
                Key::new("w-2").s(w(i - 2)).0,
                Key::new("w+2").s(w(i + 2)).0,
                Key::new("w-1w").s(w(i - 1)).s(low).0,
                Key::new("ww+1").s(low).s(w(i + 1)).0,
                Key::new("sh").s(sh(i)).0,
                Key::new("sh-1").s(sh(i - 1)).s(sh(i)).0,
                Key::new("sh+1").s(sh(i)).s(sh(i + 1)).0,
                Key::new("suf").s(&suf).0,
                Key::new("pre").s(&pre).0,
                Key::new("p").s(x.xpos[k]).0,
                Key::new("p-1p").s(at(&x.xpos, i - 1)).s(x.xpos[k]).0,
                Key::new("pp+1").s(x.xpos[k]).s(at(&x.xpos, i + 1)).0,
                Key::new("ner").s(x.ner[k]).0,
                Key::new("ner-1").s(at(&x.ner, i - 1)).s(x.ner[k]).0,
                Key::new("ner+1").s(x.ner[k]).s(at(&x.ner, i + 1)).0,
                Key::new("rule").s(rule(i)).0,
                Key::new("rule-1").s(rule(i - 1)).s(rule(i)).0,
                Key::new("rule+1").s(rule(i)).s(rule(i + 1)).0,
                Key::new("rulew").s(rule(i)).s(low).0,
                Key::new("rulesh").s(rule(i)).s(sh(i)).0,
            ];
            f.push(Key::new("gz").s(&x.gaz[k]).0);
            f.push(Key::new("dc").n(x.doc_case[k] as u64).s(sh(i)).0);
            f.push(Key::new("dcr").n(x.doc_case[k] as u64).s(rule(i)).0);
            let suf2: String = chars[chars.len().saturating_sub(2)..].iter().collect();
            f.push(Key::new("suf2").s(&suf2).0);
            if k + 1 < n {
                f.push(Key::new("gz+1").s(&x.gaz[k + 1]).0);
            }
            if k > 0 {
                f.push(Key::new("gz-1").s(&x.gaz[k - 1]).0);
            }
            if x.gazetteer[k] {
                f.push(Key::new("gaz").s(rule(i)).0);
            }
            if let Some(c) = x.cluster[k] {
                f.push(Key::new("cl").n(c as u64).0);
                f.push(Key::new("clsh").n(c as u64).s(sh(i)).0);
            }
            if k + 1 < n {
                if let Some(c) = x.cluster[k + 1] {
                    f.push(Key::new("cl+1").n(c as u64).0);
                }
            }
            if groups.contains(low.as_str()) {
                f.push(Key::new("grp").0);
            }
            if k == 0 {
                f.push(Key::new("first").s(sh(i)).0);
            }
            f
        })
        .collect()
}

/// Features that depend on the labels already given (left to right).
pub fn dynamic_features(x: &SentenceInput, k: usize, prev: &[usize], out: &mut Vec<u64>) {
    let y1 = if k >= 1 { prev[k - 1] } else { NUM_CLASSES };
    let y2 = if k >= 2 { prev[k - 2] } else { NUM_CLASSES };
    out.push(Key::new("y-1").n(y1 as u64).0);
    out.push(Key::new("y-2y-1").n(y2 as u64).n(y1 as u64).0);
    out.push(Key::new("y-1w").n(y1 as u64).s(&x.lower[k]).0);
    out.push(Key::new("y-1p").n(y1 as u64).s(x.xpos[k]).0);
    let next = x.lower.get(k + 1).map_or("</s>", String::as_str);
    out.push(Key::new("y-1w+1").n(y1 as u64).s(next).0);
}

/// Saved form of a [`MentionModel`].
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MentionModelData {
    /// The token classifier.
    pub tagger: LinearData,
    /// Articles the model was trained on.
    pub trained_on: usize,
}

/// A loaded mention tagger.
#[derive(Debug, Clone)]
pub struct MentionModel {
    /// The token classifier.
    pub tagger: Linear,
    /// Articles the model was trained on.
    pub trained_on: usize,
}

/// A span the tagger found: tokens, type and the lowest probability of its
/// labels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// Entity type.
    pub kind: EntityType,
    /// Lowest label probability within the span.
    pub confidence: f32,
}

static SHIPPED: &[u8] = include_bytes!("../../data/models/mentions.bin.zst");

impl MentionModel {
    /// The model shipped in the binary (`None` before the first training).
    pub fn shipped() -> Option<Arc<MentionModel>> {
        static M: OnceLock<Option<Arc<MentionModel>>> = OnceLock::new();
        M.get_or_init(|| MentionModel::from_bytes(SHIPPED).ok().map(Arc::new))
            .clone()
    }

    /// Decodes a model.
    pub fn from_bytes(bytes: &[u8]) -> Result<MentionModel> {
        anyhow::ensure!(!bytes.is_empty(), "empty mention model");
        let d: MentionModelData = crate::nlp::decode(bytes)?;
        Ok(MentionModel {
            tagger: Linear::from_data(&d.tagger),
            trained_on: d.trained_on,
        })
    }

    /// Loads a model file.
    pub fn load(path: &Path) -> Result<MentionModel> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        MentionModel::from_bytes(&bytes)
            .with_context(|| format!("bad mention model {}", path.display()))
    }

    /// Writes the model file (atomically).
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = crate::nlp::encode(&MentionModelData {
            tagger: self.tagger.to_data(),
            trained_on: self.trained_on,
        })?;
        crate::export::write_atomic(path, |w| w.write_all(&bytes).map_err(Into::into))
    }

    /// Labels one sentence, left to right, keeping to BILOU. Also returns
    /// each token's probability of being outside any mention.
    pub fn tag(&self, x: &SentenceInput) -> (Vec<Found>, Vec<f32>) {
        let n = x.len();
        let stat = static_features(x);
        let mut labels = vec![0usize; n];
        let mut probs = vec![0f32; n];
        let mut outside = vec![0f32; n];
        let mut p = vec![0f32; NUM_CLASSES];
        let mut feats = Vec::new();
        for k in 0..n {
            feats.clear();
            feats.extend_from_slice(&stat[k]);
            dynamic_features(x, k, &labels, &mut feats);
            self.tagger.probs(&feats, &mut p);
            let prev = if k > 0 { labels[k - 1] } else { 0 };
            let last = k + 1 == n;
            let mut best = (0usize, f32::MIN);
            for (y, &py) in p.iter().enumerate() {
                let fits_end = !last || !matches!(class_parts(y), Some((_, B | I)));
                if allowed(prev, y) && fits_end && py > best.1 {
                    best = (y, py);
                }
            }
            labels[k] = best.0;
            probs[k] = best.1;
            outside[k] = p[0];
        }
        let found = labels_to_spans(&labels)
            .into_iter()
            .map(|(s, e, t)| Found {
                start: s,
                end: e,
                kind: TYPES[t],
                confidence: probs[s..e].iter().copied().fold(1.0, f32::min),
            })
            .collect();
        (found, outside)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilou_round_trip_and_constraints() {
        let spans = vec![(0, 2, 1), (3, 4, 5)];
        let labels = spans_to_labels(5, &spans);
        assert_eq!(labels, vec![5, 7, 0, 24, 0]);
        assert_eq!(labels_to_spans(&labels), spans);
        assert!(allowed(0, class_of(2, B)));
        assert!(!allowed(0, class_of(2, I)));
        assert!(allowed(class_of(2, B), class_of(2, L)));
        assert!(!allowed(class_of(2, B), class_of(3, L)));
        assert!(!allowed(class_of(2, I), 0));
        assert_eq!(classes().len(), NUM_CLASSES);
        assert_eq!(classes()[7], "L-ORG");
    }
}
