//! Named-entity recognizer: BILOU labels, averaged structured perceptron,
//! first-order Viterbi decoding with hard BILOU constraints.
//!
//! Entry points for the pipeline: [`Ner::shipped`] (the embedded model) and
//! [`Ner::tag`] / [`Ner::tag_document`]. Input words follow PTB/EWT
//! tokenization (possessive `'s` and `n't` split off, punctuation separate).
//!
//! ```no_run
//! use newsgraph::nlp::ner::{Ner, NerLabel};
//! let words = ["Sergey", "Lavrov", "met", "Rex", "Tillerson", "in", "Washington", "."];
//! let spans = Ner::shipped().tag(&words);
//! assert_eq!((spans[0].start, spans[0].end, spans[0].label), (0, 2, NerLabel::Per));
//! // Whole articles: sentences in order, so later mentions benefit from earlier ones.
//! let doc: Vec<&[&str]> = vec![&words, &["Lavrov", "left", "."]];
//! let per_sentence = Ner::shipped().tag_document(&doc);
//! # let _ = per_sentence;
//! ```
//!
//! Features are hashed to `u64` keys (template id + hashed slices) so that
//! tagging allocates no strings per token; weights live in a flat
//! open-addressing table with one row of [`NUM_LABELS`] floats per feature.
//! Besides the usual local features (word, lowercase, shapes, affixes, ±2
//! window, gazetteer matches) the model uses word clusters and corpus
//! capitalisation statistics learned from unlabelled news (see
//! [`crate::nlp::clusters`]) and two document-level features: how the same
//! word is capitalised elsewhere in the document, and which entity types it
//! was given earlier in the document.

use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::nlp::clusters::{Lexicon, LexiconData};
use crate::nlp::gazetteer::Gazetteer;
use crate::nlp::perceptron::{Scorer, Weights as Emissions, WeightsData};

/// Entity types (CoNLL-2003 label set).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NerLabel {
    /// Person.
    Per,
    /// Organisation.
    Org,
    /// Location.
    Loc,
    /// Miscellaneous (nationalities, events, works, ...).
    Misc,
}

impl NerLabel {
    /// All labels, in index order.
    pub const ALL: [NerLabel; 4] = [NerLabel::Per, NerLabel::Org, NerLabel::Loc, NerLabel::Misc];

    /// CoNLL name: `PER`, `ORG`, `LOC` or `MISC`.
    pub fn as_str(self) -> &'static str {
        match self {
            NerLabel::Per => "PER",
            NerLabel::Org => "ORG",
            NerLabel::Loc => "LOC",
            NerLabel::Misc => "MISC",
        }
    }

    /// Parses a CoNLL type name.
    pub fn parse(s: &str) -> Option<NerLabel> {
        match s {
            "PER" => Some(NerLabel::Per),
            "ORG" => Some(NerLabel::Org),
            "LOC" => Some(NerLabel::Loc),
            "MISC" => Some(NerLabel::Misc),
            _ => None,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One entity mention: tokens `start..end` (end exclusive) of a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntitySpan {
    /// First token index.
    pub start: usize,
    /// One past the last token index.
    pub end: usize,
    /// Entity type.
    pub label: NerLabel,
}

// ---------------------------------------------------------------------------
// Labels (BILOU)

/// Number of BILOU labels: O plus B/I/L/U for each of the 4 types.
pub const NUM_LABELS: usize = 17;
const L: usize = NUM_LABELS;
const POS_B: usize = 0;
const POS_I: usize = 1;
const POS_L: usize = 2;
const POS_U: usize = 3;

fn label_id(t: usize, pos: usize) -> usize {
    1 + 4 * t + pos
}

fn label_type(y: usize) -> Option<usize> {
    (y > 0).then(|| (y - 1) / 4)
}

fn label_pos(y: usize) -> usize {
    (y - 1) % 4
}

/// `ALLOWED[p][y]`: may label `y` follow `p` (`p == L` is the sentence start)?
const ALLOWED: [[bool; L]; L + 1] = {
    let mut a = [[false; L]; L + 1];
    let mut p = 0;
    while p <= L {
        let mut y = 0;
        while y < L {
            let p_open = p != L && p != 0 && ((p - 1) % 4 == POS_B || (p - 1) % 4 == POS_I);
            let ok = if p_open {
                y != 0
                    && (y - 1) / 4 == (p - 1) / 4
                    && ((y - 1) % 4 == POS_I || (y - 1) % 4 == POS_L)
            } else {
                y == 0 || (y - 1) % 4 == POS_B || (y - 1) % 4 == POS_U
            };
            a[p][y] = ok;
            y += 1;
        }
        p += 1;
    }
    a
};

fn end_allowed(y: usize) -> bool {
    y == 0 || label_pos(y) == POS_L || label_pos(y) == POS_U
}

fn spans_to_labels(n: usize, spans: &[EntitySpan], out: &mut Vec<u8>) {
    out.clear();
    out.resize(n, 0);
    for s in spans {
        let t = s.label.index();
        if s.end == s.start + 1 {
            out[s.start] = label_id(t, POS_U) as u8;
        } else {
            out[s.start] = label_id(t, POS_B) as u8;
            for y in &mut out[s.start + 1..s.end - 1] {
                *y = label_id(t, POS_I) as u8;
            }
            out[s.end - 1] = label_id(t, POS_L) as u8;
        }
    }
}

fn labels_to_spans(labels: &[u8]) -> Vec<EntitySpan> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &y) in labels.iter().enumerate() {
        let y = y as usize;
        match label_type(y) {
            None => {
                if let Some((s, t)) = open.take() {
                    spans.push(mk_span(s, i, t));
                }
            }
            Some(t) => {
                let pos = label_pos(y);
                let continues =
                    matches!(open, Some((_, ot)) if ot == t) && (pos == POS_I || pos == POS_L);
                if !continues {
                    if let Some((s, ot)) = open.take() {
                        spans.push(mk_span(s, i, ot));
                    }
                    open = Some((i, t));
                }
                if pos == POS_L || pos == POS_U {
                    let (s, t) = open.take().expect("just opened");
                    spans.push(mk_span(s, i + 1, t));
                }
            }
        }
    }
    if let Some((s, t)) = open {
        spans.push(mk_span(s, labels.len(), t));
    }
    spans
}

fn mk_span(start: usize, end: usize, t: usize) -> EntitySpan {
    EntitySpan {
        start,
        end,
        label: NerLabel::ALL[t],
    }
}

// ---------------------------------------------------------------------------
// Hashing

/// Identity hasher for maps whose keys are already well-mixed hashes.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = fx(self.0, b as u64);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// `BuildHasher` for [`IdHasher`].
pub type IdBuild = BuildHasherDefault<IdHasher>;

#[inline]
fn fx(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95)
}

#[inline]
fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

fn hash_bytes(seed: u64, b: &[u8]) -> u64 {
    let mut h = seed;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(c);
        h = fx(h, u64::from_le_bytes(buf));
    }
    let r = chunks.remainder();
    if !r.is_empty() {
        let mut buf = [0u8; 8];
        buf[..r.len()].copy_from_slice(r);
        h = fx(h, u64::from_le_bytes(buf));
    }
    fmix(fx(h, b.len() as u64))
}

/// Stable 64-bit key of a string (used for lexicon and gazetteer lookups).
pub fn token_key(s: &str) -> u64 {
    hash_bytes(0xcbf2_9ce4_8422_2325, s.as_bytes())
}

#[inline]
fn nz(k: u64) -> u64 {
    if k == 0 {
        1
    } else {
        k
    }
}

#[inline]
fn f1(t: u64, a: u64) -> u64 {
    nz(fmix(fx(fx(0x243f_6a88_85a3_08d3, t), a)))
}

#[inline]
fn f2(t: u64, a: u64, b: u64) -> u64 {
    nz(fmix(fx(fx(fx(0x1319_8a2e_0370_7344, t), a), b)))
}

#[inline]
fn f3(t: u64, a: u64, b: u64, c: u64) -> u64 {
    nz(fmix(fx(fx(fx(fx(0xa409_3822_299f_31d0, t), a), b), c)))
}

/// Normalises a word for lexicon lookup: digits become `0`, curly quotes
/// straight ones (the news corpus and CoNLL disagree on both).
pub fn normalize_into(word: &str, out: &mut String) {
    out.clear();
    for c in word.chars() {
        out.push(norm_char(c));
    }
}

/// Like [`normalize_into`] but also lowercases.
pub fn lowercase_into(word: &str, out: &mut String) {
    out.clear();
    for c in word.chars() {
        let c = norm_char(c);
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

#[inline]
fn norm_char(c: char) -> char {
    match c {
        '0'..='9' => '0',
        '\u{2018}' | '\u{2019}' | '`' => '\'',
        '\u{201c}' | '\u{201d}' => '"',
        '\u{2013}' | '\u{2014}' => '-',
        _ => c,
    }
}

/// Capitalisation class of a word.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Case {
    Lower = 0,
    Title = 1,
    AllCaps = 2,
    Mixed = 3,
    NoAlpha = 4,
}

fn case_of(word: &str) -> Case {
    let mut chars = word.chars();
    let Some(first) = chars.find(|c| c.is_alphabetic()) else {
        return Case::NoAlpha;
    };
    let (mut upper, mut lower) = (0usize, 0usize);
    for c in word.chars() {
        if c.is_uppercase() {
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        }
    }
    if first.is_uppercase() {
        if lower == 0 && upper > 1 {
            Case::AllCaps
        } else if upper == 1 || word.chars().next().is_some_and(|c| c.is_uppercase()) {
            Case::Title
        } else {
            Case::Mixed
        }
    } else if upper == 0 {
        Case::Lower
    } else {
        Case::Mixed
    }
}

fn is_cap(c: Case) -> bool {
    matches!(c, Case::Title | Case::AllCaps | Case::Mixed)
}

// ---------------------------------------------------------------------------
// Feature extraction

// Template ids (any distinct constants will do; changing them invalidates models).
const T_BIAS: u64 = 1;
const T_W: u64 = 2;
const T_L: u64 = 3;
const T_SHAPE: u64 = 4;
const T_SSHAPE: u64 = 5;
const T_PRE: u64 = 10; // +k
const T_SUF: u64 = 20; // +k
const T_LOFF: u64 = 30; // +offset+2
const T_SSOFF: u64 = 40; // +offset+2
const T_SSB_L: u64 = 50;
const T_SSB_R: u64 = 51;
const T_SST: u64 = 52;
const T_LB_L: u64 = 53;
const T_LB_R: u64 = 54;
const T_INIT: u64 = 55;
const T_CAPB: u64 = 56;
const T_HEAD: u64 = 57;
const T_CL: u64 = 60; // +granularity
const T_CLOFF: u64 = 70; // +offset*4+granularity
const T_CL_SS: u64 = 90;
const T_GAZ: u64 = 100;
const T_GAZ_PREV: u64 = 101;
const T_GAZ_NEXT: u64 = 102;
const T_DOCCASE: u64 = 110;
const T_HIST: u64 = 120;
const T_HIST_MAJ: u64 = 121;
const T_WSS_PREV: u64 = 130;

const BOS: u64 = 0x0b05;
const EOS: u64 = 0x0e05;
const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Default)]
struct Tok {
    w: u64,
    l: u64,
    shape: u64,
    sshape: u64,
    pre: [u64; 4],
    suf: [u64; 4],
    nchars: usize,
    cl: [u32; 3],
    capb: u8,
    case: u8,
}

/// Per-document capitalisation counts: lowercase key -> [lowercase
/// non-initial, title-case non-initial, all-caps] occurrences.
#[derive(Default)]
struct DocCase {
    counts: HashMap<u64, [u16; 3], IdBuild>,
}

/// Entity types predicted earlier in the document: lowercase key -> counts
/// per type, plus a count of capitalised occurrences tagged O.
#[derive(Default)]
struct History {
    counts: HashMap<u64, [u16; 5], IdBuild>,
}

/// Reusable buffers for one sentence.
#[derive(Default)]
struct Scratch {
    lower: String,
    shape: String,
    sshape: String,
    norm: String,
    toks: Vec<Tok>,
    lower_keys: Vec<u64>,
    gaz: Vec<(u32, u16)>,
    gaz_off: Vec<u32>,
    keys: Vec<u64>,
    offs: Vec<u32>,
    dyn_keys: Vec<u64>,
    dyn_offs: Vec<u32>,
    /// One token's static and dynamic keys together.
    feats: Vec<u64>,
    emit: Vec<f32>,
    back: Vec<u8>,
    labels: Vec<u8>,
}

fn shape_into(word: &str, long: &mut String, short: &mut String) {
    long.clear();
    short.clear();
    let mut last = '\0';
    let mut run = 0;
    for c in word.chars() {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_alphabetic() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        if k == last {
            run += 1;
        } else {
            run = 1;
            last = k;
            short.push(k);
        }
        if run <= 4 {
            long.push(k);
        }
    }
}

fn headline(words: &[&str]) -> bool {
    let (mut caps, mut alpha) = (0, 0);
    for w in words {
        match case_of(w) {
            Case::AllCaps => {
                caps += 1;
                alpha += 1;
            }
            Case::NoAlpha => {}
            _ => alpha += 1,
        }
    }
    alpha >= 2 && caps * 10 >= alpha * 6
}

fn doc_case_add(dc: &mut DocCase, words: &[&str], sc: &mut String) {
    let head = headline(words);
    for (i, w) in words.iter().enumerate() {
        let c = case_of(w);
        let slot = match c {
            Case::Lower if i > 0 => 0,
            Case::Title if i > 0 && !head => 1,
            Case::AllCaps => 2,
            _ => continue,
        };
        lowercase_into(w, sc);
        let e = dc.counts.entry(token_key(sc)).or_default();
        e[slot] = e[slot].saturating_add(1);
    }
}

impl Ner {
    /// Static features of every token (everything except the prediction
    /// history), flattened into `sc.keys` with per-token offsets `sc.offs`.
    fn static_features(&self, words: &[&str], doc: &DocCase, sc: &mut Scratch) {
        let n = words.len();
        sc.toks.clear();
        sc.lower_keys.clear();
        let head = headline(words);
        for w in words {
            let mut t = Tok {
                w: token_key(w),
                ..Tok::default()
            };
            lowercase_into(w, &mut sc.lower);
            t.l = token_key(&sc.lower);
            shape_into(w, &mut sc.shape, &mut sc.sshape);
            t.shape = token_key(&sc.shape);
            t.sshape = token_key(&sc.sshape);
            let lower = sc.lower.as_str();
            t.nchars = lower.chars().count();
            for (k, (idx, _)) in lower.char_indices().skip(1).take(4).enumerate() {
                t.pre[k] = token_key(&lower[..idx]);
            }
            for (k, (idx, _)) in lower.char_indices().rev().take(4).enumerate() {
                t.suf[k] = token_key(&lower[idx..]);
            }
            normalize_into(w, &mut sc.norm);
            t.cl = self.lex.cluster(token_key(&sc.norm)).unwrap_or([NONE; 3]);
            t.capb = self.lex.cap_bucket(t.l);
            t.case = case_of(w) as u8;
            sc.lower_keys.push(t.l);
            sc.toks.push(t);
        }

        // Gazetteer matches -> per-token codes (list, BILOU position, capitalised).
        sc.gaz.clear();
        {
            let toks = &sc.toks;
            let gaz = &mut sc.gaz;
            self.gaz.find_matches(&sc.lower_keys, |start, len, mask| {
                let capped = is_cap(case_from_u8(toks[start].case));
                for list in 0..32u16 {
                    if mask & (1 << list) == 0 {
                        continue;
                    }
                    for k in 0..len {
                        let pos = if len == 1 {
                            POS_U
                        } else if k == 0 {
                            POS_B
                        } else if k + 1 == len {
                            POS_L
                        } else {
                            POS_I
                        } as u16;
                        gaz.push(((start + k) as u32, (list * 4 + pos) * 2 + capped as u16));
                    }
                }
            });
        }
        sc.gaz.sort_unstable();
        sc.gaz.dedup();
        sc.gaz_off.clear();
        let mut j = 0;
        for i in 0..=n {
            while j < sc.gaz.len() && (sc.gaz[j].0 as usize) < i {
                j += 1;
            }
            sc.gaz_off.push(j as u32);
        }

        sc.keys.clear();
        sc.offs.clear();
        let toks = &sc.toks;
        let keys = &mut sc.keys;
        let get_l = |i: isize| -> u64 {
            if i < 0 {
                BOS
            } else if i as usize >= n {
                EOS
            } else {
                toks[i as usize].l
            }
        };
        let get_ss = |i: isize| -> u64 {
            if i < 0 {
                BOS
            } else if i as usize >= n {
                EOS
            } else {
                toks[i as usize].sshape
            }
        };
        let get_cl = |i: isize, g: usize| -> u64 {
            if i < 0 {
                BOS
            } else if i as usize >= n {
                EOS
            } else {
                toks[i as usize].cl[g] as u64
            }
        };
        for (i, t) in toks.iter().enumerate() {
            sc.offs.push(keys.len() as u32);
            let ii = i as isize;
            keys.push(f1(T_BIAS, 0));
            keys.push(f1(T_W, t.w));
            keys.push(f1(T_L, t.l));
            keys.push(f1(T_SHAPE, t.shape));
            keys.push(f1(T_SSHAPE, t.sshape));
            for k in 0..4 {
                if t.nchars > k + 1 {
                    keys.push(f1(T_PRE + k as u64, t.pre[k]));
                    keys.push(f1(T_SUF + k as u64, t.suf[k]));
                }
            }
            for off in [-2isize, -1, 1, 2] {
                keys.push(f1(T_LOFF + (off + 2) as u64, get_l(ii + off)));
                keys.push(f1(T_SSOFF + (off + 2) as u64, get_ss(ii + off)));
            }
            keys.push(f2(T_SSB_L, get_ss(ii - 1), t.sshape));
            keys.push(f2(T_SSB_R, t.sshape, get_ss(ii + 1)));
            keys.push(f3(T_SST, get_ss(ii - 1), t.sshape, get_ss(ii + 1)));
            keys.push(f2(T_LB_L, get_l(ii - 1), t.l));
            keys.push(f2(T_LB_R, t.l, get_l(ii + 1)));
            keys.push(f2(T_WSS_PREV, get_l(ii - 1), t.sshape));
            keys.push(f2(T_INIT, (i == 0) as u64, t.sshape));
            keys.push(f3(T_CAPB, t.capb as u64, t.case as u64, (i == 0) as u64));
            keys.push(f2(T_HEAD, head as u64, t.sshape));
            if t.cl[0] != NONE {
                for g in 0..3 {
                    keys.push(f1(T_CL + g as u64, t.cl[g] as u64));
                }
                keys.push(f2(T_CL_SS, t.cl[1] as u64, t.sshape));
            }
            for (oi, off) in [-2isize, -1, 1, 2].into_iter().enumerate() {
                let gs: &[usize] = if off.abs() == 1 { &[0, 1] } else { &[1] };
                for &g in gs {
                    let c = get_cl(ii + off, g);
                    if c != NONE as u64 {
                        keys.push(f1(T_CLOFF + (oi * 4 + g) as u64, c));
                    }
                }
            }
            let g0 = sc.gaz_off[i] as usize;
            let g1 = sc.gaz_off[i + 1] as usize;
            for &(_, code) in &sc.gaz[g0..g1] {
                keys.push(f1(T_GAZ, code as u64));
            }
            if i > 0 {
                let (a, b) = (sc.gaz_off[i - 1] as usize, sc.gaz_off[i] as usize);
                for &(_, code) in &sc.gaz[a..b] {
                    keys.push(f1(T_GAZ_PREV, (code >> 1) as u64));
                }
            }
            if i + 1 < n {
                let (a, b) = (sc.gaz_off[i + 1] as usize, sc.gaz_off[i + 2] as usize);
                for &(_, code) in &sc.gaz[a..b] {
                    keys.push(f1(T_GAZ_NEXT, (code >> 1) as u64));
                }
            }
            let case = case_from_u8(t.case);
            if matches!(case, Case::Title | Case::AllCaps) {
                let mut c = doc.counts.get(&t.l).copied().unwrap_or_default();
                // Leave out this token's own occurrence.
                let own = match case {
                    Case::Title if i > 0 && !head => Some(1),
                    Case::AllCaps => Some(2),
                    _ => None,
                };
                if let Some(s) = own {
                    c[s] = c[s].saturating_sub(1);
                }
                keys.push(f3(
                    T_DOCCASE,
                    t.case as u64 * 2 + (i == 0) as u64,
                    (c[0] > 0) as u64,
                    (c[1] > 0) as u64,
                ));
            }
        }
        sc.offs.push(keys.len() as u32);
    }

    /// History features for each token, into `sc.dyn_keys` / `sc.dyn_offs`.
    fn history_features(hist: &History, sc: &mut Scratch) {
        sc.dyn_keys.clear();
        sc.dyn_offs.clear();
        for t in &sc.toks {
            sc.dyn_offs.push(sc.dyn_keys.len() as u32);
            let case = case_from_u8(t.case);
            if !is_cap(case) {
                continue;
            }
            if let Some(c) = hist.counts.get(&t.l) {
                let mut best = 0;
                for k in 0..5 {
                    if c[k] > 0 {
                        sc.dyn_keys
                            .push(f2(T_HIST, k as u64, (case == Case::AllCaps) as u64));
                    }
                    if c[k] > c[best] {
                        best = k;
                    }
                }
                sc.dyn_keys.push(f1(T_HIST_MAJ, best as u64));
            }
        }
        sc.dyn_offs.push(sc.dyn_keys.len() as u32);
    }
}

fn case_from_u8(c: u8) -> Case {
    match c {
        0 => Case::Lower,
        1 => Case::Title,
        2 => Case::AllCaps,
        3 => Case::Mixed,
        _ => Case::NoAlpha,
    }
}

fn history_add(hist: &mut History, toks: &[Tok], labels: &[u8]) {
    for (t, &y) in toks.iter().zip(labels) {
        if !is_cap(case_from_u8(t.case)) {
            continue;
        }
        let slot = label_type(y as usize).unwrap_or(4);
        let e = hist.counts.entry(t.l).or_default();
        e[slot] = e[slot].saturating_add(1);
    }
}

// ---------------------------------------------------------------------------
// Decoding

fn viterbi(
    n: usize,
    emit: &[f32],
    trans: &[f32],
    end: &[f32],
    back: &mut Vec<u8>,
    out: &mut Vec<u8>,
) {
    out.clear();
    if n == 0 {
        return;
    }
    back.clear();
    back.resize(n * L, 0);
    let mut delta = [f32::NEG_INFINITY; L];
    for y in 0..L {
        if ALLOWED[L][y] {
            delta[y] = trans[L * L + y] + emit[y];
        }
    }
    for i in 1..n {
        let mut next = [f32::NEG_INFINITY; L];
        for y in 0..L {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0u8;
            for p in 0..L {
                if !ALLOWED[p][y] {
                    continue;
                }
                let s = delta[p] + trans[p * L + y];
                if s > best {
                    best = s;
                    arg = p as u8;
                }
            }
            next[y] = best + emit[i * L + y];
            back[i * L + y] = arg;
        }
        delta = next;
    }
    let mut best = f32::NEG_INFINITY;
    let mut arg = 0usize;
    for y in 0..L {
        if !end_allowed(y) {
            continue;
        }
        let s = delta[y] + end[y];
        if s > best {
            best = s;
            arg = y;
        }
    }
    out.resize(n, 0);
    out[n - 1] = arg as u8;
    for i in (1..n).rev() {
        out[i - 1] = back[i * L + out[i] as usize];
    }
}

/// The named-entity recognizer.
pub struct Ner {
    /// Emission weights, in units of `scale`.
    weights: Emissions,
    /// `(L + 1) x L` transition scores; row `L` is the sentence start.
    trans: Vec<f32>,
    end: Vec<f32>,
    /// Quantization step of the stored weights.
    scale: f32,
    lex: Lexicon,
    gaz: &'static Gazetteer,
}

static SHIPPED_BYTES: &[u8] = include_bytes!("../../data/models/ner.bin.zst");

impl Ner {
    /// The model shipped with the binary, decoded once on first use.
    pub fn shipped() -> &'static Ner {
        static M: OnceLock<Ner> = OnceLock::new();
        M.get_or_init(|| Ner::from_bytes(SHIPPED_BYTES).expect("embedded NER model is corrupt"))
    }

    /// Tags one sentence on its own (document-level features see only this
    /// sentence). Returns spans sorted by position.
    pub fn tag(&self, words: &[&str]) -> Vec<EntitySpan> {
        let mut sc = Scratch::default();
        let mut dc = DocCase::default();
        doc_case_add(&mut dc, words, &mut sc.lower);
        self.decode(words, &dc, &History::default(), &mut sc);
        labels_to_spans(&sc.labels)
    }

    /// Tags the sentences of one document in order, so that later sentences
    /// can use how a word is capitalised and labelled elsewhere in the
    /// document. Better than [`Ner::tag`] whenever whole articles are known.
    pub fn tag_document(&self, sentences: &[&[&str]]) -> Vec<Vec<EntitySpan>> {
        let mut sc = Scratch::default();
        let mut dc = DocCase::default();
        for s in sentences {
            doc_case_add(&mut dc, s, &mut sc.lower);
        }
        let mut hist = History::default();
        let mut out = Vec::with_capacity(sentences.len());
        for s in sentences {
            self.decode(s, &dc, &hist, &mut sc);
            history_add(&mut hist, &sc.toks, &sc.labels);
            out.push(labels_to_spans(&sc.labels));
        }
        out
    }

    fn decode(&self, words: &[&str], dc: &DocCase, hist: &History, sc: &mut Scratch) {
        let n = words.len();
        self.static_features(words, dc, sc);
        Self::history_features(hist, sc);
        sc.emit.clear();
        sc.emit.resize(n * L, 0.0);
        for i in 0..n {
            let a = sc.offs[i] as usize..sc.offs[i + 1] as usize;
            let b = sc.dyn_offs[i] as usize..sc.dyn_offs[i + 1] as usize;
            sc.feats.clear();
            sc.feats.extend_from_slice(&sc.keys[a]);
            sc.feats.extend_from_slice(&sc.dyn_keys[b]);
            let mut q = [0i32; L];
            self.weights.score(&sc.feats, &mut q);
            for (e, q) in sc.emit[i * L..(i + 1) * L].iter_mut().zip(q) {
                *e = q as f32 * self.scale;
            }
        }
        viterbi(
            n,
            &sc.emit,
            &self.trans,
            &self.end,
            &mut sc.back,
            &mut sc.labels,
        );
    }

    /// Number of weight rows (features) in the model.
    pub fn num_features(&self) -> usize {
        self.weights.size().0
    }

    // -- persistence ---------------------------------------------------------

    /// Loads a model written by [`Ner::save`].
    pub fn load(path: &Path) -> Result<Ner> {
        let bytes =
            std::fs::read(path).with_context(|| format!("reading NER model {}", path.display()))?;
        Ner::from_bytes(&bytes).with_context(|| format!("decoding NER model {}", path.display()))
    }

    /// Decodes a model from its serialized (zstd-compressed) bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Ner> {
        let raw = zstd::stream::decode_all(bytes).context("zstd decompression failed")?;
        let m: ModelData = postcard::from_bytes(&raw).context("model deserialization failed")?;
        if m.version != MODEL_VERSION {
            bail!(
                "unsupported NER model version {} (expected {MODEL_VERSION})",
                m.version
            );
        }
        let n = m.keys.len();
        if m.masks.len() != n || m.trans.len() != (L + 1) * L || m.end.len() != L {
            bail!("inconsistent NER model tables");
        }
        let mut rows: Vec<(u64, Vec<(u16, i16)>)> = Vec::with_capacity(n);
        let mut key = 0u64;
        let mut vi = 0usize;
        for (d, &mask) in m.keys.iter().zip(&m.masks) {
            key = key.wrapping_add(*d);
            let mut row = Vec::new();
            for y in 0..L {
                if mask & (1 << y) != 0 {
                    let q = *m.values.get(vi).context("truncated NER weight table")?;
                    row.push((y as u16, q));
                    vi += 1;
                }
            }
            rows.push((key, row));
        }
        let data = WeightsData::from_rows(L, rows.iter().map(|(k, r)| (*k, r.as_slice())));
        Emissions::validate(&data).map_err(|e| anyhow::anyhow!("corrupt NER weights: {e}"))?;
        Ok(Ner {
            weights: Emissions::compact(data),
            trans: m.trans,
            end: m.end,
            scale: m.scale,
            lex: Lexicon::from_data(&m.lexicon),
            gaz: Gazetteer::builtin(),
        })
    }

    /// Serializes the model (postcard + zstd). Same model, same bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let data = self.weights.data();
        let mut keys = Vec::with_capacity(data.n_rows());
        let mut masks = Vec::with_capacity(data.n_rows());
        let mut values = Vec::new();
        let mut prev = 0u64;
        for (k, classes, ws) in data.rows() {
            keys.push(k.wrapping_sub(prev));
            prev = k;
            masks.push(classes.iter().fold(0u32, |m, &y| m | 1 << y));
            values.extend_from_slice(ws);
        }
        let m = ModelData {
            version: MODEL_VERSION,
            scale: self.scale,
            keys,
            masks,
            values,
            trans: self.trans.clone(),
            end: self.end.clone(),
            lexicon: self.lex.to_data(),
        };
        let raw = postcard::to_stdvec(&m).context("model serialization failed")?;
        Ok(zstd::stream::encode_all(&raw[..], 19)?)
    }

    /// Writes the model to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = self.to_bytes()?;
        let mut f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        f.write_all(&bytes)
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }

    /// Builds a model from averaged weights: drops weights below `prune`,
    /// then quantizes to 16 bits (so the in-memory model equals the saved one).
    fn from_weights(
        feats: impl Iterator<Item = (u64, Vec<f32>)>,
        trans: Vec<f32>,
        end: Vec<f32>,
        prune: f32,
        lex: Lexicon,
    ) -> Ner {
        let mut entries: Vec<(u64, Vec<f32>)> = feats
            .filter_map(|(k, mut row)| {
                for w in row.iter_mut() {
                    if w.abs() < prune {
                        *w = 0.0;
                    }
                }
                row.iter().any(|&w| w != 0.0).then_some((k, row))
            })
            .collect();
        let max = entries
            .iter()
            .flat_map(|(_, r)| r.iter())
            .fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32000.0 } else { 1.0 };
        entries.sort_unstable_by_key(|e| e.0);
        let rows: Vec<(u64, Vec<(u16, i16)>)> = entries
            .iter()
            .map(|(k, row)| {
                let q = row
                    .iter()
                    .enumerate()
                    .map(|(y, &w)| {
                        (
                            y as u16,
                            (w / scale).round().clamp(-32767.0, 32767.0) as i16,
                        )
                    })
                    .filter(|&(_, q)| q != 0)
                    .collect();
                (*k, q)
            })
            .collect();
        let data = WeightsData::from_rows(L, rows.iter().map(|(k, r)| (*k, r.as_slice())));
        Ner {
            weights: Emissions::from_data(data),
            trans,
            end,
            scale,
            lex,
            gaz: Gazetteer::builtin(),
        }
    }
}

const MODEL_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct ModelData {
    version: u32,
    scale: f32,
    /// Sorted feature keys, delta-encoded.
    keys: Vec<u64>,
    /// Per key: which labels have a stored weight.
    masks: Vec<u32>,
    /// Quantized weights, `scale` per unit, in key then label order.
    values: Vec<i16>,
    trans: Vec<f32>,
    end: Vec<f32>,
    lexicon: LexiconData,
}

// ---------------------------------------------------------------------------
// Data

/// A sentence with gold entity spans.
#[derive(Clone, Debug, Default)]
pub struct NerSentence {
    /// Tokens.
    pub words: Vec<String>,
    /// Gold entities.
    pub spans: Vec<EntitySpan>,
}

/// A document: sentences between `-DOCSTART-` lines.
#[derive(Clone, Debug, Default)]
pub struct NerDocument {
    /// Sentences in order.
    pub sentences: Vec<NerSentence>,
}

/// Reads CoNLL-2003-style column files: one token per line, word first and
/// NER tag last (`word POS chunk TAG` or `word TAG`), blank lines between
/// sentences, `-DOCSTART-` between documents. Tags may be IOB1, IOB2 or
/// BILOU/BIOES; an `I-` tag that does not continue an entity of its type
/// starts a new one (conlleval semantics).
pub fn read_conll(path: &Path) -> Result<Vec<NerDocument>> {
    let f = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    read_conll_from(BufReader::new(f), &path.display().to_string())
}

/// [`read_conll`] from any reader; `name` is used in error messages.
pub fn read_conll_from(reader: impl Read, name: &str) -> Result<Vec<NerDocument>> {
    let mut docs = Vec::new();
    let mut doc = NerDocument::default();
    let mut words: Vec<String> = Vec::new();
    let mut tags: Vec<(char, usize)> = Vec::new();
    let flush = |words: &mut Vec<String>, tags: &mut Vec<(char, usize)>, doc: &mut NerDocument| {
        if !words.is_empty() {
            let spans = tags_to_spans(tags);
            doc.sentences.push(NerSentence {
                words: std::mem::take(words),
                spans,
            });
            tags.clear();
        }
    };
    for (ln, line) in BufReader::new(reader).lines().enumerate() {
        let line = line.with_context(|| format!("{name}:{}: read error", ln + 1))?;
        let mut cols = line.split_whitespace();
        let Some(word) = cols.next() else {
            flush(&mut words, &mut tags, &mut doc);
            continue;
        };
        if word == "-DOCSTART-" {
            flush(&mut words, &mut tags, &mut doc);
            if !doc.sentences.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            continue;
        }
        let Some(tag) = cols.next_back() else {
            bail!(
                "{name}:{}: expected at least two columns (word ... TAG), got {line:?}",
                ln + 1
            );
        };
        let parsed = if tag == "O" {
            Some(('O', 0))
        } else {
            tag.split_once('-').and_then(|(p, t)| {
                let p = p
                    .chars()
                    .next()
                    .filter(|c| "BIELSU".contains(*c) && p.len() == 1)?;
                Some((p, NerLabel::parse(t)?.index()))
            })
        };
        let Some(parsed) = parsed else {
            bail!("{name}:{}: unknown NER tag {tag:?} (expected O or B-/I-/E-/L-/S-/U- + PER/ORG/LOC/MISC)", ln + 1);
        };
        words.push(word.to_string());
        tags.push(parsed);
    }
    flush(&mut words, &mut tags, &mut doc);
    if !doc.sentences.is_empty() {
        docs.push(doc);
    }
    Ok(docs)
}

fn tags_to_spans(tags: &[(char, usize)]) -> Vec<EntitySpan> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &(p, t)) in tags.iter().enumerate() {
        let cont = matches!(open, Some((_, ot)) if ot == t);
        match p {
            'O' => {
                if let Some((s, ot)) = open.take() {
                    spans.push(mk_span(s, i, ot));
                }
            }
            'I' | 'E' | 'L' if cont => {}
            _ => {
                if let Some((s, ot)) = open.take() {
                    spans.push(mk_span(s, i, ot));
                }
                open = Some((i, t));
            }
        }
        if matches!(p, 'E' | 'L' | 'S' | 'U') {
            if let Some((s, ot)) = open.take() {
                spans.push(mk_span(s, i + 1, ot));
            }
        }
    }
    if let Some((s, ot)) = open {
        spans.push(mk_span(s, tags.len(), ot));
    }
    spans
}

// ---------------------------------------------------------------------------
// Evaluation

/// Exact-span counts for one type (or overall).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpanCounts {
    /// Gold spans.
    pub gold: usize,
    /// Predicted spans.
    pub predicted: usize,
    /// Predicted spans that exactly match a gold span (bounds and type).
    pub correct: usize,
}

impl SpanCounts {
    /// Precision in percent.
    pub fn precision(&self) -> f64 {
        pct(self.correct, self.predicted)
    }
    /// Recall in percent.
    pub fn recall(&self) -> f64 {
        pct(self.correct, self.gold)
    }
    /// F1 in percent.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: &SpanCounts) {
        self.gold += o.gold;
        self.predicted += o.predicted;
        self.correct += o.correct;
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

/// conlleval-style scores.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    /// Per type, in [`NerLabel::ALL`] order.
    pub per_type: [SpanCounts; 4],
    /// All types together.
    pub overall: SpanCounts,
    /// Tokens processed.
    pub tokens: usize,
}

impl Evaluation {
    fn add_sentence(&mut self, gold: &[EntitySpan], pred: &[EntitySpan], n: usize) {
        self.tokens += n;
        for g in gold {
            self.per_type[g.label.index()].gold += 1;
        }
        for p in pred {
            self.per_type[p.label.index()].predicted += 1;
            if gold.contains(p) {
                self.per_type[p.label.index()].correct += 1;
            }
        }
    }

    fn merge(mut self, o: Evaluation) -> Evaluation {
        for (a, b) in self.per_type.iter_mut().zip(&o.per_type) {
            a.add(b);
        }
        self.tokens += o.tokens;
        self.finish()
    }

    fn finish(mut self) -> Evaluation {
        let mut all = SpanCounts::default();
        for c in &self.per_type {
            all.add(c);
        }
        self.overall = all;
        self
    }

    /// Multi-line report: overall then per-type P/R/F1.
    pub fn report(&self) -> String {
        let o = &self.overall;
        let mut s = format!(
            "processed {} tokens with {} phrases; found: {} phrases; correct: {}.\n",
            self.tokens, o.gold, o.predicted, o.correct
        );
        s += &format!(
            "overall: precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}\n",
            o.precision(),
            o.recall(),
            o.f1()
        );
        for (lab, c) in NerLabel::ALL.iter().zip(&self.per_type) {
            s += &format!(
                "{:>7}: precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}  {}\n",
                lab.as_str(),
                c.precision(),
                c.recall(),
                c.f1(),
                c.predicted
            );
        }
        s
    }
}

/// Scores `ner` on gold documents. With `document_mode` each document is
/// tagged with [`Ner::tag_document`], otherwise sentence by sentence.
pub fn evaluate(ner: &Ner, docs: &[NerDocument], document_mode: bool) -> Evaluation {
    use rayon::prelude::*;
    docs.par_iter()
        .map(|doc| {
            let mut ev = Evaluation::default();
            let words: Vec<Vec<&str>> = doc
                .sentences
                .iter()
                .map(|s| s.words.iter().map(String::as_str).collect())
                .collect();
            if document_mode {
                let refs: Vec<&[&str]> = words.iter().map(|w| w.as_slice()).collect();
                for (s, pred) in doc.sentences.iter().zip(ner.tag_document(&refs)) {
                    ev.add_sentence(&s.spans, &pred, s.words.len());
                }
            } else {
                for (s, w) in doc.sentences.iter().zip(&words) {
                    ev.add_sentence(&s.spans, &ner.tag(w), s.words.len());
                }
            }
            ev
        })
        .reduce(Evaluation::default, Evaluation::merge)
        .finish()
}

// ---------------------------------------------------------------------------
// Training

/// Training settings.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// Passes over the training data; the epoch with the best dev F1 is kept.
    pub epochs: usize,
    /// Seed for shuffling and for choosing isolated documents.
    pub seed: u64,
    /// Fraction of training documents whose sentences are seen in isolation,
    /// so the model also works on single sentences (no document features).
    pub isolate_fraction: f64,
    /// Averaged weights with smaller magnitude are dropped from the model.
    pub prune: f32,
    /// Number of models trained with seeds `seed, seed+1, ...` whose weights
    /// are averaged (a cheap ensemble that reduces perceptron variance).
    pub models: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 15,
            seed: 7,
            isolate_fraction: 0.5,
            prune: 0.02,
            models: 5,
        }
    }
}

/// Deterministic xorshift-based generator (no external RNG crate needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        fmix(self.0)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct CachedSentence {
    ids: Vec<u32>,
    offs: Vec<u32>,
    gold: Vec<u8>,
    toks: Vec<Tok>,
}

struct Weights {
    index: HashMap<u64, u32, IdBuild>,
    keys: Vec<u64>,
    w: Vec<i32>,
    u: Vec<i64>,
    /// Transitions `(L+1)*L` then end `L`.
    tw: Vec<i32>,
    tu: Vec<i64>,
    c: i64,
}

impl Weights {
    fn id(&mut self, key: u64) -> u32 {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.keys.len() as u32;
        self.index.insert(key, i);
        self.keys.push(key);
        self.w.extend_from_slice(&[0; L]);
        self.u.extend_from_slice(&[0; L]);
        i
    }

    fn upd(&mut self, f: u32, y: usize, d: i32) {
        let j = f as usize * L + y;
        self.w[j] += d;
        self.u[j] += self.c * d as i64;
    }

    fn upd_t(&mut self, j: usize, d: i32) {
        self.tw[j] += d;
        self.tu[j] += self.c * d as i64;
    }

    fn averaged(&self, w: &[i32], u: &[i64]) -> Vec<f32> {
        w.iter()
            .zip(u)
            .map(|(&w, &u)| (w as f64 - u as f64 / self.c as f64) as f32)
            .collect()
    }

    fn model(&self, prune: f32, lex: &Lexicon) -> Ner {
        let tavg = self.averaged(&self.tw, &self.tu);
        let mut trans = tavg[..(L + 1) * L].to_vec();
        let end = tavg[(L + 1) * L..].to_vec();
        for p in 0..=L {
            for y in 0..L {
                if !ALLOWED[p][y] {
                    trans[p * L + y] = 0.0;
                }
            }
        }
        let feats = self.keys.iter().enumerate().map(|(i, &k)| {
            let r = i * L..(i + 1) * L;
            (k, self.averaged(&self.w[r.clone()], &self.u[r]))
        });
        Ner::from_weights(feats, trans, end, prune, lex.clone())
    }
}

/// Trains `cfg.models` models on `train` (each keeping the epoch with the
/// best dev F1, or the last epoch without dev data) and averages their
/// weights. `log` receives progress lines.
pub fn train(
    train_docs: &[NerDocument],
    dev_docs: Option<&[NerDocument]>,
    lex: Lexicon,
    cfg: &TrainConfig,
    mut log: impl FnMut(&str),
) -> Result<Ner> {
    let n = cfg.models.max(1);
    let mut sum: HashMap<u64, Vec<f32>, IdBuild> = HashMap::default();
    let mut trans = vec![0f32; (L + 1) * L];
    let mut end = vec![0f32; L];
    for m in 0..n {
        let c = TrainConfig {
            seed: cfg.seed.wrapping_add(m as u64),
            ..cfg.clone()
        };
        log(&format!("model {}/{n} (seed {})", m + 1, c.seed));
        let model = train_single(train_docs, dev_docs, lex.clone(), &c, &mut log)?;
        if n == 1 {
            return Ok(model);
        }
        for (k, classes, ws) in model.weights.data().rows() {
            let e = sum.entry(k).or_insert_with(|| vec![0.0; L]);
            for (&y, &q) in classes.iter().zip(ws) {
                e[y as usize] += q as f32 * model.scale / n as f32;
            }
        }
        for (a, b) in trans.iter_mut().zip(&model.trans) {
            *a += b / n as f32;
        }
        for (a, b) in end.iter_mut().zip(&model.end) {
            *a += b / n as f32;
        }
    }
    let model = Ner::from_weights(sum.into_iter(), trans, end, 0.0, lex);
    if let Some(dev) = dev_docs {
        log(&format!(
            "averaged model: dev F1 {:.2}",
            evaluate(&model, dev, true).overall.f1()
        ));
    }
    Ok(model)
}

fn train_single(
    train_docs: &[NerDocument],
    dev_docs: Option<&[NerDocument]>,
    lex: Lexicon,
    cfg: &TrainConfig,
    mut log: impl FnMut(&str),
) -> Result<Ner> {
    if train_docs.iter().all(|d| d.sentences.is_empty()) {
        bail!("no training sentences");
    }
    let mut rng = Rng(cfg.seed);
    // A shell model only used for feature extraction (lexicon + gazetteer).
    let shell = Ner::from_weights(
        std::iter::empty(),
        vec![0.0; (L + 1) * L],
        vec![0.0; L],
        0.0,
        lex.clone(),
    );
    let mut wt = Weights {
        index: HashMap::default(),
        keys: Vec::new(),
        w: Vec::new(),
        u: Vec::new(),
        tw: vec![0; (L + 1) * L + L],
        tu: vec![0; (L + 1) * L + L],
        c: 1,
    };
    // Document units: isolated documents become one unit per sentence.
    let mut units: Vec<Vec<CachedSentence>> = Vec::new();
    let mut sc = Scratch::default();
    for doc in train_docs {
        let isolate = (rng.next() % 1_000_000) as f64 / 1_000_000.0 < cfg.isolate_fraction;
        let words: Vec<Vec<&str>> = doc
            .sentences
            .iter()
            .map(|s| s.words.iter().map(String::as_str).collect())
            .collect();
        let mut dc = DocCase::default();
        if !isolate {
            for w in &words {
                doc_case_add(&mut dc, w, &mut sc.lower);
            }
        }
        let mut unit = Vec::new();
        for (s, w) in doc.sentences.iter().zip(&words) {
            if isolate {
                dc = DocCase::default();
                doc_case_add(&mut dc, w, &mut sc.lower);
            }
            shell.static_features(w, &dc, &mut sc);
            let ids = sc.keys.iter().map(|&k| wt.id(k)).collect();
            let mut gold = Vec::new();
            spans_to_labels(w.len(), &s.spans, &mut gold);
            let cs = CachedSentence {
                ids,
                offs: sc.offs.clone(),
                gold,
                toks: sc.toks.clone(),
            };
            if isolate {
                units.push(vec![cs]);
            } else {
                unit.push(cs);
            }
        }
        if !unit.is_empty() {
            units.push(unit);
        }
    }
    log(&format!(
        "{} training units, {} static features",
        units.len(),
        wt.keys.len()
    ));

    let mut best: Option<(f64, Ner, usize)> = None;
    let mut order: Vec<usize> = (0..units.len()).collect();
    let mut pred = Vec::new();
    let mut dyn_ids: Vec<u32> = Vec::new();
    for epoch in 1..=cfg.epochs {
        for i in (1..order.len()).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        let (mut errs, mut toks) = (0usize, 0usize);
        for &ui in &order {
            let mut hist = History::default();
            for s in &units[ui] {
                let n = s.gold.len();
                sc.toks.clone_from(&s.toks);
                Ner::history_features(&hist, &mut sc);
                dyn_ids.clear();
                for k in 0..sc.dyn_keys.len() {
                    let id = wt.id(sc.dyn_keys[k]);
                    dyn_ids.push(id);
                }
                sc.emit.clear();
                sc.emit.resize(n * L, 0.0);
                for i in 0..n {
                    let e = &mut sc.emit[i * L..(i + 1) * L];
                    let a = s.offs[i] as usize..s.offs[i + 1] as usize;
                    let b = sc.dyn_offs[i] as usize..sc.dyn_offs[i + 1] as usize;
                    for &f in s.ids[a].iter().chain(&dyn_ids[b]) {
                        let row = &wt.w[f as usize * L..(f as usize + 1) * L];
                        for (x, &w) in e.iter_mut().zip(row) {
                            *x += w as f32;
                        }
                    }
                }
                let trans: Vec<f32> = wt.tw[..(L + 1) * L].iter().map(|&x| x as f32).collect();
                let end: Vec<f32> = wt.tw[(L + 1) * L..].iter().map(|&x| x as f32).collect();
                viterbi(n, &sc.emit, &trans, &end, &mut sc.back, &mut pred);
                toks += n;
                if pred != s.gold {
                    for i in 0..n {
                        let (g, p) = (s.gold[i] as usize, pred[i] as usize);
                        if g != p {
                            errs += 1;
                            let a = s.offs[i] as usize..s.offs[i + 1] as usize;
                            let b = sc.dyn_offs[i] as usize..sc.dyn_offs[i + 1] as usize;
                            for &f in s.ids[a].iter().chain(&dyn_ids[b]) {
                                wt.upd(f, g, 1);
                                wt.upd(f, p, -1);
                            }
                        }
                        let (gp, pp) = if i == 0 {
                            (L, L)
                        } else {
                            (s.gold[i - 1] as usize, pred[i - 1] as usize)
                        };
                        if (gp, g) != (pp, p) {
                            wt.upd_t(gp * L + g, 1);
                            wt.upd_t(pp * L + p, -1);
                        }
                    }
                    let (g, p) = (s.gold[n - 1] as usize, pred[n - 1] as usize);
                    if g != p {
                        wt.upd_t((L + 1) * L + g, 1);
                        wt.upd_t((L + 1) * L + p, -1);
                    }
                }
                history_add(&mut hist, &s.toks, &pred);
                wt.c += 1;
            }
        }
        let msg = format!(
            "epoch {epoch}: train token errors {:.2}% ({} features)",
            100.0 * errs as f64 / toks as f64,
            wt.keys.len()
        );
        match dev_docs {
            Some(dev) => {
                let model = wt.model(cfg.prune, &lex);
                let ev = evaluate(&model, dev, true);
                let f = ev.overall.f1();
                log(&format!(
                    "{msg}; dev F1 {f:.2} ({} features kept)",
                    model.num_features()
                ));
                if best.as_ref().is_none_or(|b| f > b.0) {
                    best = Some((f, model, epoch));
                }
            }
            None => log(&msg),
        }
    }
    match best {
        Some((f, m, e)) => {
            log(&format!("best dev F1 {f:.2} at epoch {e}"));
            Ok(m)
        }
        None => Ok(wt.model(cfg.prune, &lex)),
    }
}
