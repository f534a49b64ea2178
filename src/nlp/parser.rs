//! Greedy arc-eager dependency parser with an averaged perceptron, trained
//! with the Goldberg & Nivre (2012) dynamic oracle and Zhang & Nivre (2011)
//! feature templates (valency, label sets, distance, third-order context).

use super::conllu::Sentence;
use super::perceptron::{argmax_where, Fx, Rng, Scorer, Trainer, Weights, WeightsData};
use super::tagger::TaggedToken;
use super::{decode, encode, intern};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

/// One dependency: the head of a word and the relation label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arc {
    /// 0 = root, else the 1-based index of the head word.
    pub head: usize,
    /// UD relation with subtype, e.g. `nsubj:pass`, `obl:agent`.
    pub deprel: &'static str,
}

/// Parser training hyper-parameters.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// Passes over the training data.
    pub epochs: usize,
    /// Shuffling/exploration seed.
    pub seed: u64,
    /// First epoch (0-based) in which the parser follows its own mistakes.
    pub explore_from: usize,
    /// Probability of following a wrong prediction once exploring.
    pub explore_p: f64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 10,
            seed: 0x5eed,
            explore_from: 1,
            explore_p: 0.9,
        }
    }
}

const MAGIC: &str = "newsgraph-parser-v1";

#[derive(Serialize, Deserialize)]
struct ParserFile {
    magic: String,
    labels: Vec<String>,
    weights: WeightsData,
}

/// Arc-eager transition parser.
pub struct Parser {
    labels: Vec<&'static str>,
    root: usize,
    weights: Weights,
}

static SHIPPED: &[u8] = include_bytes!("../../data/models/parser.bin.zst");

const SHIFT: usize = 0;
const REDUCE: usize = 1;
const NONE: usize = usize::MAX;

impl Parser {
    /// The model shipped in the binary, decoded once on first use.
    ///
    /// # Panics
    /// If the embedded model is corrupt (a build defect, covered by tests).
    pub fn shipped() -> &'static Parser {
        static P: OnceLock<Parser> = OnceLock::new();
        P.get_or_init(|| Parser::from_bytes(SHIPPED).expect("embedded parser model is valid"))
    }

    /// Loads a model written by [`Parser::save`].
    pub fn load(path: &Path) -> Result<Parser> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        Parser::from_bytes(&bytes).with_context(|| format!("bad parser model {}", path.display()))
    }

    /// Decodes a model from bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Parser> {
        let f: ParserFile = decode(bytes)?;
        if f.magic != MAGIC {
            bail!("not a parser model (magic {:?})", f.magic);
        }
        Weights::validate(&f.weights).map_err(|e| anyhow::anyhow!("corrupt weights: {e}"))?;
        if f.weights.n_classes() != 2 + 2 * f.labels.len() {
            bail!("class count mismatch");
        }
        Parser::assemble(
            f.labels.iter().map(String::as_str),
            Weights::from_data(f.weights),
        )
    }

    fn assemble<'a>(labels: impl Iterator<Item = &'a str>, weights: Weights) -> Result<Parser> {
        let labels: Vec<&'static str> = labels.map(intern).collect();
        let root = labels
            .iter()
            .position(|&l| l == "root")
            .context("label set lacks 'root'")?;
        Ok(Parser {
            labels,
            root,
            weights,
        })
    }

    /// Serialized (postcard + zstd) bytes; deterministic.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        encode(&ParserFile {
            magic: MAGIC.to_string(),
            labels: self.labels.iter().map(|s| s.to_string()).collect(),
            weights: self.weights.data().clone(),
        })
    }

    /// Writes the model to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_bytes()?)
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Number of features and non-zero weights.
    pub fn size(&self) -> (usize, usize) {
        self.weights.size()
    }

    /// Parses one tagged sentence; returns one arc per word.
    ///
    /// `tags` must have the same length as `words` (extra tags are ignored,
    /// missing ones count as unknown).
    pub fn parse(&self, words: &[&str], tags: &[TaggedToken]) -> Vec<Arc> {
        let xpos: Vec<&str> = (0..words.len())
            .map(|i| tags.get(i).map_or("XX", |t| t.xpos))
            .collect();
        self.parse_xpos(words, &xpos)
    }

    /// Parses given Penn tags directly.
    pub fn parse_xpos(&self, words: &[&str], xpos: &[&str]) -> Vec<Arc> {
        let ctx = Context_::new(words, xpos);
        let mut st = State::new(words.len(), self.labels.len());
        let mut feats = Vec::with_capacity(96);
        let n_classes = 2 + 2 * self.labels.len();
        let mut scores = vec![0i32; n_classes];
        while !st.terminal() {
            features(&ctx, &st, &mut feats);
            scores.iter_mut().for_each(|s| *s = 0);
            self.weights.score(&feats, &mut scores);
            let nl = self.labels.len();
            let t = argmax_where(&scores, |c| st.valid(c, nl, self.root)).unwrap_or(SHIFT);
            st.apply(t, nl);
        }
        self.finish(&st, xpos)
    }

    fn finish(&self, st: &State, xpos: &[&str]) -> Vec<Arc> {
        let n = st.n;
        let mut heads = st.heads.clone();
        let mut labels = st.labels.clone();
        // Words left without a head hang off the root word (or become it).
        let mut root_word = (1..=n).find(|&i| heads[i] == 0);
        for i in 1..=n {
            if heads[i] == NONE {
                match root_word {
                    None => {
                        heads[i] = 0;
                        labels[i] = self.root as u16;
                        root_word = Some(i);
                    }
                    Some(r) => {
                        heads[i] = r;
                        let punct = xpos.get(i - 1).is_some_and(|x| is_punct_tag(x));
                        let l = if punct { "punct" } else { "parataxis" };
                        labels[i] = self
                            .labels
                            .iter()
                            .position(|&x| x == l)
                            .unwrap_or(self.root) as u16;
                    }
                }
            }
        }
        (1..=n)
            .map(|i| Arc {
                head: heads[i],
                deprel: self.labels[labels[i] as usize],
            })
            .collect()
    }

    /// Trains on `train` (whose tags should be predicted, e.g. jackknifed);
    /// keeps the epoch with the best LAS on `dev` when given.
    pub fn train(
        train: &[Sentence],
        dev: Option<&[Sentence]>,
        cfg: &TrainConfig,
        log: &mut dyn FnMut(&str),
    ) -> Result<Parser> {
        let mut label_set: BTreeSet<&str> = train
            .iter()
            .flat_map(|s| s.words.iter().map(|w| w.deprel.as_str()))
            .collect();
        label_set.insert("root");
        let labels: Vec<&str> = label_set.into_iter().collect();
        let nl = labels.len();
        let root = labels.iter().position(|&l| l == "root").unwrap_or(0);

        struct Prep<'a> {
            forms: Vec<&'a str>,
            xpos: Vec<&'a str>,
            heads: Vec<usize>,
            labels: Vec<u16>,
        }
        let mut prepared = Vec::new();
        let mut skipped = 0;
        for s in train {
            let n = s.words.len();
            let mut heads: Vec<usize> = std::iter::once(NONE)
                .chain(s.words.iter().map(|w| w.head))
                .collect();
            if !is_tree(&heads) {
                skipped += 1;
                continue;
            }
            projectivize(&mut heads);
            let mut lab = vec![0u16; n + 1];
            for (i, w) in s.words.iter().enumerate() {
                lab[i + 1] = labels.binary_search(&w.deprel.as_str()).unwrap_or(root) as u16;
            }
            prepared.push(Prep {
                forms: s.forms(),
                xpos: s.words.iter().map(|w| w.xpos.as_str()).collect(),
                heads,
                labels: lab,
            });
        }
        if prepared.is_empty() {
            bail!("no usable training sentences");
        }
        if skipped > 0 {
            log(&format!("skipped {skipped} sentences that are not trees"));
        }

        let n_classes = 2 + 2 * nl;
        let mut model = Trainer::new(n_classes);
        let mut rng = Rng::new(cfg.seed);
        let mut order: Vec<usize> = (0..prepared.len()).collect();
        let mut feats = Vec::with_capacity(96);
        let mut scores = vec![0i32; n_classes];
        let mut costs = vec![0u32; n_classes];
        let mut best: Option<(f64, Parser)> = None;
        for epoch in 0..cfg.epochs.max(1) {
            rng.shuffle(&mut order);
            let (mut correct, mut total) = (0usize, 0usize);
            for &si in &order {
                let p = &prepared[si];
                let ctx = Context_::new(&p.forms, &p.xpos);
                let mut st = State::new(p.forms.len(), nl);
                while !st.terminal() {
                    features(&ctx, &st, &mut feats);
                    scores.iter_mut().for_each(|s| *s = 0);
                    model.score(&feats, &mut scores);
                    let pred = argmax_where(&scores, |c| st.valid(c, nl, root)).unwrap_or(SHIFT);
                    st.costs(&p.heads, &p.labels, nl, &mut costs);
                    let min = (0..n_classes)
                        .filter(|&c| st.valid(c, nl, root))
                        .map(|c| costs[c])
                        .min()
                        .unwrap_or(0);
                    let gold = argmax_where(&scores, |c| st.valid(c, nl, root) && costs[c] == min)
                        .unwrap_or(pred);
                    let next = if costs[pred] == min {
                        correct += 1;
                        pred
                    } else {
                        model.update(&feats, gold, &feats, pred);
                        if epoch >= cfg.explore_from && rng.unit() < cfg.explore_p {
                            pred
                        } else {
                            gold
                        }
                    };
                    total += 1;
                    model.tick();
                    st.apply(next, nl);
                }
            }
            let mut msg = format!(
                "parser epoch {}: oracle-agreement {:.2}%",
                epoch + 1,
                100.0 * correct as f64 / total.max(1) as f64
            );
            if let Some(dev) = dev {
                let parser = Parser::assemble(labels.iter().copied(), model.average(0.0))?;
                let s = parser.evaluate(dev);
                msg.push_str(&format!(", dev UAS {:.2} LAS {:.2}", s.uas, s.las));
                if best.as_ref().is_none_or(|(b, _)| s.las > *b) {
                    best = Some((s.las, parser));
                }
            }
            log(&msg);
        }
        match best {
            Some((_, p)) => Ok(p),
            None => Parser::assemble(labels.iter().copied(), model.average(0.0)),
        }
    }

    /// Attachment scores against `gold`, parsing with the tags in `gold`'s
    /// XPOS column (fill it with predicted tags to evaluate realistically).
    pub fn evaluate(&self, gold: &[Sentence]) -> ParseScores {
        let (mut uas, mut las, mut las_full, mut n) = (0, 0, 0, 0);
        for s in gold {
            let forms = s.forms();
            let xpos: Vec<&str> = s.words.iter().map(|w| w.xpos.as_str()).collect();
            let arcs = self.parse_xpos(&forms, &xpos);
            for (a, w) in arcs.iter().zip(&s.words) {
                n += 1;
                if a.head == w.head {
                    uas += 1;
                    if universal(a.deprel) == universal(&w.deprel) {
                        las += 1;
                    }
                    if a.deprel == w.deprel {
                        las_full += 1;
                    }
                }
            }
        }
        let p = |c: usize| 100.0 * c as f64 / n.max(1) as f64;
        ParseScores {
            uas: p(uas),
            las: p(las),
            las_full: p(las_full),
            words: n,
        }
    }
}

/// Attachment scores in percent (punctuation included).
#[derive(Clone, Copy, Debug)]
pub struct ParseScores {
    /// Unlabeled attachment score.
    pub uas: f64,
    /// Labeled attachment score on universal labels (CoNLL 2018: subtypes ignored).
    pub las: f64,
    /// Labeled attachment score with full labels including subtypes.
    pub las_full: f64,
    /// Number of words.
    pub words: usize,
}

fn universal(l: &str) -> &str {
    l.split(':').next().unwrap_or(l)
}

fn is_punct_tag(x: &str) -> bool {
    matches!(
        x,
        "." | "," | ":" | "``" | "''" | "-LRB-" | "-RRB-" | "HYPH" | "NFP"
    )
}

/// True if `heads` (index 0 unused) forms a tree rooted at 0.
fn is_tree(heads: &[usize]) -> bool {
    let n = heads.len() - 1;
    for i in 1..=n {
        let (mut k, mut steps) = (i, 0);
        while k != 0 {
            if heads[k] > n || steps > n {
                return false;
            }
            k = heads[k];
            steps += 1;
        }
    }
    true
}

fn dominates(heads: &[usize], h: usize, mut k: usize) -> bool {
    while k != 0 {
        if k == h {
            return true;
        }
        k = heads[k];
    }
    h == 0
}

/// Lifts non-projective arcs (shortest first) until the tree is projective,
/// so that the arc-eager dynamic oracle is exact on it.
fn projectivize(heads: &mut [usize]) {
    let n = heads.len() - 1;
    loop {
        let mut worst: Option<(usize, usize)> = None;
        for d in 1..=n {
            let h = heads[d];
            let (lo, hi) = if h < d { (h, d) } else { (d, h) };
            let nonproj = (lo + 1..hi).any(|k| !dominates(heads, h, k));
            if nonproj && worst.is_none_or(|(len, _)| hi - lo < len) {
                worst = Some((hi - lo, d));
            }
        }
        match worst {
            Some((_, d)) => heads[d] = heads[heads[d]],
            None => return,
        }
    }
}

/// Per-sentence pre-hashed word and tag values; index 0 is the root.
struct Context_ {
    w: Vec<u64>,
    p: Vec<u64>,
}

const NIL: u64 = 0x6e_696c;

impl Context_ {
    fn new(words: &[&str], xpos: &[&str]) -> Context_ {
        let mut w = Vec::with_capacity(words.len() + 1);
        let mut p = Vec::with_capacity(words.len() + 1);
        w.push(Fx::new(5).s("<ROOT>").0);
        p.push(Fx::new(6).s("<ROOT>").0);
        let mut low = String::new();
        for (i, word) in words.iter().enumerate() {
            low.clear();
            low.extend(word.chars().flat_map(char::to_lowercase));
            w.push(Fx::new(5).s(&low).0);
            p.push(Fx::new(6).s(xpos.get(i).copied().unwrap_or("XX")).0);
        }
        Context_ { w, p }
    }
}

/// Arc-eager configuration plus the bookkeeping the features need.
#[derive(Clone)]
struct State {
    n: usize,
    stack: Vec<usize>,
    b: usize,
    heads: Vec<usize>,
    labels: Vec<u16>,
    lc1: Vec<usize>,
    lc2: Vec<usize>,
    rc1: Vec<usize>,
    rc2: Vec<usize>,
    nl: Vec<u8>,
    nr: Vec<u8>,
    lset: Vec<u128>,
    rset: Vec<u128>,
}

impl State {
    fn new(n: usize, _n_labels: usize) -> State {
        let mut stack = Vec::with_capacity(n + 1);
        stack.push(0);
        State {
            n,
            stack,
            b: 1,
            heads: vec![NONE; n + 1],
            labels: vec![0; n + 1],
            lc1: vec![NONE; n + 1],
            lc2: vec![NONE; n + 1],
            rc1: vec![NONE; n + 1],
            rc2: vec![NONE; n + 1],
            nl: vec![0; n + 1],
            nr: vec![0; n + 1],
            lset: vec![0; n + 1],
            rset: vec![0; n + 1],
        }
    }

    #[inline]
    fn terminal(&self) -> bool {
        self.b > self.n
    }

    #[inline]
    fn s0(&self) -> usize {
        *self.stack.last().unwrap_or(&0)
    }

    #[inline]
    fn valid(&self, t: usize, nl: usize, root: usize) -> bool {
        let s0 = self.s0();
        let buf = self.b <= self.n;
        match t {
            SHIFT => buf,
            REDUCE => s0 != 0 && self.heads[s0] != NONE,
            _ if t < 2 + nl => buf && s0 != 0 && self.heads[s0] == NONE && t - 2 != root,
            _ => {
                let l = t - 2 - nl;
                buf && if s0 == 0 {
                    l == root && self.rc1[0] == NONE
                } else {
                    l != root
                }
            }
        }
    }

    fn add_arc(&mut self, h: usize, d: usize, l: usize) {
        self.heads[d] = h;
        self.labels[d] = l as u16;
        let bit = 1u128 << (l.min(127));
        if d < h {
            self.lc2[h] = self.lc1[h];
            self.lc1[h] = d;
            self.nl[h] = self.nl[h].saturating_add(1);
            self.lset[h] |= bit;
        } else {
            self.rc2[h] = self.rc1[h];
            self.rc1[h] = d;
            self.nr[h] = self.nr[h].saturating_add(1);
            self.rset[h] |= bit;
        }
    }

    fn apply(&mut self, t: usize, nl: usize) {
        match t {
            SHIFT => {
                self.stack.push(self.b);
                self.b += 1;
            }
            REDUCE => {
                self.stack.pop();
            }
            _ if t < 2 + nl => {
                let s0 = self.stack.pop().unwrap_or(0);
                self.add_arc(self.b, s0, t - 2);
            }
            _ => {
                let s0 = self.s0();
                self.add_arc(s0, self.b, t - 2 - nl);
                self.stack.push(self.b);
                self.b += 1;
            }
        }
    }

    /// Dynamic-oracle cost (gold arcs made unreachable) of every transition.
    fn costs(&self, gh: &[usize], gl: &[u16], nl: usize, out: &mut [u32]) {
        let n = self.n;
        let s0 = self.s0();
        let b = self.b;
        if b > n {
            out.iter_mut().for_each(|c| *c = 0);
            return;
        }
        let in_buf = |k: usize| k != NONE && k >= b && k <= n;
        let in_stack_except = |k: usize, x: usize| k != x && self.stack.contains(&k);
        // Dependents of s0 still in the buffer (b included).
        let s0_deps_in_buf = if s0 == 0 {
            0
        } else {
            (b..=n).filter(|&k| gh[k] == s0).count() as u32
        };
        // Headless stack words whose gold head is b.
        let b_deps_in_stack = self
            .stack
            .iter()
            .filter(|&&k| k != 0 && self.heads[k] == NONE && gh[k] == b)
            .count() as u32;
        let shift = b_deps_in_stack + (self.stack.contains(&gh[b])) as u32;
        let reduce = s0_deps_in_buf;
        let left_base = s0_deps_in_buf + (s0 != 0 && in_buf(gh[s0]) && gh[s0] != b) as u32;
        let right_base =
            b_deps_in_stack + (in_stack_except(gh[b], s0) || (in_buf(gh[b]) && gh[b] != b)) as u32;
        out[SHIFT] = shift;
        out[REDUCE] = reduce;
        for l in 0..nl {
            out[2 + l] = left_base + (s0 != 0 && gh[s0] == b && gl[s0] as usize != l) as u32;
            out[2 + nl + l] = right_base + (gh[b] == s0 && gl[b] as usize != l) as u32;
        }
    }
}

#[inline]
fn features(c: &Context_, st: &State, out: &mut Vec<u64>) {
    out.clear();
    let n = st.n;
    let s0 = st.s0();
    let b = st.b;
    let at = |v: &Vec<u64>, k: usize| if k == NONE { NIL } else { v[k] };
    let w = |k: usize| at(&c.w, k);
    let p = |k: usize| at(&c.p, k);
    let l = |k: usize| {
        if k == NONE || st.heads[k] == NONE {
            NIL
        } else {
            st.labels[k] as u64
        }
    };
    let node = |k: usize, f: &dyn Fn(usize) -> usize| if k == NONE { NONE } else { f(k) };
    let n0 = if b <= n { b } else { NONE };
    let n1 = if b < n { b + 1 } else { NONE };
    let n2 = if b + 1 < n { b + 2 } else { NONE };
    let s1 = if st.stack.len() >= 2 {
        st.stack[st.stack.len() - 2]
    } else {
        NONE
    };
    let s0h = node(s0, &|k| if k == 0 { NONE } else { st.heads[k] });
    let s0h2 = node(s0h, &|k| if k == 0 { NONE } else { st.heads[k] });
    let s0l = st.lc1[s0];
    let s0l2 = st.lc2[s0];
    let s0r = st.rc1[s0];
    let s0r2 = st.rc2[s0];
    let n0l = node(n0, &|k| st.lc1[k]);
    let n0l2 = node(n0, &|k| st.lc2[k]);
    let d = if n0 == NONE {
        0
    } else {
        (n0 - s0).min(15) as u64
    };
    let vr = st.nr[s0] as u64;
    let vl = st.nl[s0] as u64;
    let n0vl = if n0 == NONE { 0 } else { st.nl[n0] as u64 };
    let sr = st.rset[s0];
    let sl = st.lset[s0];
    let n0sl = if n0 == NONE { 0 } else { st.lset[n0] };

    let (s0w, s0p, n0w, n0p) = (w(s0), p(s0), w(n0), p(n0));
    let (n1w, n1p, n2w, n2p) = (w(n1), p(n1), w(n2), p(n2));
    let f = |id: u64| Fx::new(id + 100);
    let mut push = |x: Fx| out.push(x.done());
    // Single words.
    push(f(1).u(s0w).u(s0p));
    push(f(2).u(s0w));
    push(f(3).u(s0p));
    push(f(4).u(n0w).u(n0p));
    push(f(5).u(n0w));
    push(f(6).u(n0p));
    push(f(7).u(n1w).u(n1p));
    push(f(8).u(n1w));
    push(f(9).u(n1p));
    push(f(10).u(n2w).u(n2p));
    push(f(11).u(n2w));
    push(f(12).u(n2p));
    // Word pairs.
    push(f(13).u(s0w).u(s0p).u(n0w).u(n0p));
    push(f(14).u(s0w).u(s0p).u(n0w));
    push(f(15).u(s0w).u(n0w).u(n0p));
    push(f(16).u(s0w).u(s0p).u(n0p));
    push(f(17).u(s0p).u(n0w).u(n0p));
    push(f(18).u(s0w).u(n0w));
    push(f(19).u(s0p).u(n0p));
    push(f(20).u(n0p).u(n1p));
    // Three words.
    push(f(21).u(n0p).u(n1p).u(n2p));
    push(f(22).u(s0p).u(n0p).u(n1p));
    push(f(23).u(p(s0h)).u(s0p).u(n0p));
    push(f(24).u(s0p).u(p(s0l)).u(n0p));
    push(f(25).u(s0p).u(p(s0r)).u(n0p));
    push(f(26).u(s0p).u(n0p).u(p(n0l)));
    // Distance.
    push(f(27).u(s0w).u(d));
    push(f(28).u(s0p).u(d));
    push(f(29).u(n0w).u(d));
    push(f(30).u(n0p).u(d));
    push(f(31).u(s0w).u(n0w).u(d));
    push(f(32).u(s0p).u(n0p).u(d));
    // Valency.
    push(f(33).u(s0w).u(vr));
    push(f(34).u(s0p).u(vr));
    push(f(35).u(s0w).u(vl));
    push(f(36).u(s0p).u(vl));
    push(f(37).u(n0w).u(n0vl));
    push(f(38).u(n0p).u(n0vl));
    // Second-order unigrams.
    push(f(39).u(w(s0h)));
    push(f(40).u(p(s0h)));
    push(f(41).u(l(s0)));
    push(f(42).u(w(s0l)));
    push(f(43).u(p(s0l)));
    push(f(44).u(l(s0l)));
    push(f(45).u(w(s0r)));
    push(f(46).u(p(s0r)));
    push(f(47).u(l(s0r)));
    push(f(48).u(w(n0l)));
    push(f(49).u(p(n0l)));
    push(f(50).u(l(n0l)));
    // Third order.
    push(f(51).u(w(s0h2)));
    push(f(52).u(p(s0h2)));
    push(f(53).u(l(s0h)));
    push(f(54).u(w(s0l2)));
    push(f(55).u(p(s0l2)));
    push(f(56).u(l(s0l2)));
    push(f(57).u(w(s0r2)));
    push(f(58).u(p(s0r2)));
    push(f(59).u(l(s0r2)));
    push(f(60).u(w(n0l2)));
    push(f(61).u(p(n0l2)));
    push(f(62).u(l(n0l2)));
    push(f(63).u(s0p).u(p(s0l)).u(p(s0l2)));
    push(f(64).u(s0p).u(p(s0r)).u(p(s0r2)));
    push(f(65).u(s0p).u(p(s0h)).u(p(s0h2)));
    push(f(66).u(n0p).u(p(n0l)).u(p(n0l2)));
    // Label sets.
    push(f(67).u(s0w).u(sr as u64).u((sr >> 64) as u64));
    push(f(68).u(s0p).u(sr as u64).u((sr >> 64) as u64));
    push(f(69).u(s0w).u(sl as u64).u((sl >> 64) as u64));
    push(f(70).u(s0p).u(sl as u64).u((sl >> 64) as u64));
    push(f(71).u(n0w).u(n0sl as u64).u((n0sl >> 64) as u64));
    push(f(72).u(n0p).u(n0sl as u64).u((n0sl >> 64) as u64));
    // Extras: second stack item, s0 attachment status.
    push(f(73).u(p(s1)).u(s0p).u(n0p));
    push(f(74).u(w(s1)).u(p(s1)));
    push(f(75).u(n0w).u(n1w));
    push(f(76).u((st.heads[s0] != NONE) as u64).u(s0p).u(n0p));
    push(f(77).u(l(s0)).u(s0p).u(n0p));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projectivize_lifts_crossing_arc() {
        // 1 <- 3, 2 -> 4 crosses 3's arc to root.
        let mut h = vec![NONE, 3, 3, 0, 2];
        assert!(is_tree(&h));
        projectivize(&mut h);
        assert_eq!(h, vec![NONE, 3, 3, 0, 3]);
    }

    #[test]
    fn oracle_reaches_gold_on_projective_tree() {
        // "She saw him today ." heads: 2 0 2 2 2
        let gh = vec![NONE, 2, 0, 2, 2, 2];
        let gl = vec![0u16, 1, 0, 2, 3, 4];
        let nl = 5;
        let mut st = State::new(5, nl);
        let mut costs = vec![0u32; 2 + 2 * nl];
        while !st.terminal() {
            st.costs(&gh, &gl, nl, &mut costs);
            let t = (0..costs.len())
                .find(|&t| st.valid(t, nl, 0) && costs[t] == 0)
                .expect("a zero-cost transition");
            st.apply(t, nl);
        }
        assert_eq!(&st.heads[1..], &gh[1..]);
        assert_eq!(&st.labels[1..], &gl[1..]);
    }
}
