//! Greedy left-to-right averaged-perceptron POS tagger predicting joint
//! (UPOS, Penn XPOS) classes, plus the lemmatizer.

use super::clusters::{Lexicon, LexiconData};
use super::conllu::Sentence;
use super::lemma::{LemmaData, Lemmatizer};
use super::perceptron::{
    argmax_where, BuildNoHash, Fx, Rng, Scorer, Trainer, Weights, WeightsData,
};
use super::{decode, encode, intern};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

/// Universal POS tags.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Upos {
    Adj,
    Adp,
    Adv,
    Aux,
    Cconj,
    Det,
    Intj,
    Noun,
    Num,
    Part,
    Pron,
    Propn,
    Punct,
    Sconj,
    Sym,
    Verb,
    X,
}

impl Upos {
    const ALL: [Upos; 17] = [
        Upos::Adj,
        Upos::Adp,
        Upos::Adv,
        Upos::Aux,
        Upos::Cconj,
        Upos::Det,
        Upos::Intj,
        Upos::Noun,
        Upos::Num,
        Upos::Part,
        Upos::Pron,
        Upos::Propn,
        Upos::Punct,
        Upos::Sconj,
        Upos::Sym,
        Upos::Verb,
        Upos::X,
    ];

    /// The UD spelling, e.g. `"PROPN"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Upos::Adj => "ADJ",
            Upos::Adp => "ADP",
            Upos::Adv => "ADV",
            Upos::Aux => "AUX",
            Upos::Cconj => "CCONJ",
            Upos::Det => "DET",
            Upos::Intj => "INTJ",
            Upos::Noun => "NOUN",
            Upos::Num => "NUM",
            Upos::Part => "PART",
            Upos::Pron => "PRON",
            Upos::Propn => "PROPN",
            Upos::Punct => "PUNCT",
            Upos::Sconj => "SCONJ",
            Upos::Sym => "SYM",
            Upos::Verb => "VERB",
            Upos::X => "X",
        }
    }

    /// Parses the UD spelling.
    pub fn parse(s: &str) -> Option<Upos> {
        Upos::ALL.into_iter().find(|u| u.as_str() == s)
    }
}

impl std::fmt::Display for Upos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tagger output for one word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaggedToken {
    /// Universal POS tag.
    pub upos: Upos,
    /// Penn Treebank tag as used in EWT (`NN`, `VBD`, `HYPH`, ...).
    pub xpos: &'static str,
    /// Lemma (proper nouns keep their case, as in EWT).
    pub lemma: String,
}

/// Training hyper-parameters.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// Passes over the training data.
    pub epochs: usize,
    /// Shuffling seed.
    pub seed: u64,
    /// 1 = greedy left-to-right; 2 = add a second pass that also sees the
    /// first pass's tags to the right.
    pub passes: usize,
    /// Jackknife folds for the first-pass tags the second pass trains on.
    pub inner_folds: usize,
    /// Models trained with different shuffling seeds whose weights are
    /// averaged.
    pub models: usize,
    /// Averaged weights below this magnitude are dropped from the model.
    pub prune: f64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 10,
            seed: 0x5eed,
            passes: 1,
            inner_folds: 4,
            models: 4,
            prune: 1.0,
        }
    }
}

const MAGIC: &str = "newsgraph-tagger-v2";

#[derive(Serialize, Deserialize)]
struct TaggerFile {
    magic: String,
    classes: Vec<(String, String)>,
    /// Pre-hashed word form -> hashed set of its frequent classes.
    ambiguity: Vec<(u64, u64)>,
    /// One weight set per tagging pass.
    weights: Vec<WeightsData>,
    lemma: LemmaData,
    /// Word clusters (empty: no cluster features).
    clusters: LexiconData,
}

/// Averaged-perceptron POS tagger with lemmatizer.
pub struct Tagger {
    classes: Vec<(Upos, &'static str)>,
    class_names: Vec<(String, String)>,
    ambiguity: HashMap<u64, u64, BuildNoHash>,
    weights: Vec<Weights>,
    lemma: Lemmatizer,
    lex: Lexicon,
}

static SHIPPED: &[u8] = include_bytes!("../../data/models/tagger.bin.zst");

impl Tagger {
    /// The model shipped in the binary, decoded once on first use.
    ///
    /// # Panics
    /// If the embedded model is corrupt (a build defect, covered by tests).
    pub fn shipped() -> &'static Tagger {
        static T: OnceLock<Tagger> = OnceLock::new();
        T.get_or_init(|| Tagger::from_bytes(SHIPPED).expect("embedded tagger model is valid"))
    }

    /// The word clusters the tagger was trained with (learned from news).
    pub fn clusters(&self) -> &Lexicon {
        &self.lex
    }

    /// Loads a model written by [`Tagger::save`].
    pub fn load(path: &Path) -> Result<Tagger> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        Tagger::from_bytes(&bytes).with_context(|| format!("bad tagger model {}", path.display()))
    }

    /// Decodes a model from bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger> {
        let f: TaggerFile = decode(bytes)?;
        if f.magic != MAGIC {
            bail!("not a tagger model (magic {:?})", f.magic);
        }
        if f.weights.is_empty() {
            bail!("no weights");
        }
        for w in &f.weights {
            Weights::validate(w).map_err(|e| anyhow::anyhow!("corrupt weights: {e}"))?;
            if w.n_classes() != f.classes.len() {
                bail!("class count mismatch");
            }
        }
        if f.clusters.words.len() != f.clusters.leaf.len() {
            bail!("inconsistent cluster table");
        }
        Ok(Tagger::assemble(
            f.classes,
            f.ambiguity,
            f.weights.into_iter().map(Weights::compact).collect(),
            Lemmatizer::from_data(f.lemma),
            Lexicon::from_data(&f.clusters),
        ))
    }

    fn assemble(
        class_names: Vec<(String, String)>,
        ambiguity: Vec<(u64, u64)>,
        weights: Vec<Weights>,
        lemma: Lemmatizer,
        lex: Lexicon,
    ) -> Tagger {
        let classes = class_names
            .iter()
            .map(|(u, x)| (Upos::parse(u).unwrap_or(Upos::X), intern(x)))
            .collect();
        Tagger {
            classes,
            class_names,
            ambiguity: ambiguity.into_iter().collect(),
            weights,
            lemma,
            lex,
        }
    }

    /// Serialized (postcard + zstd) bytes; deterministic.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut ambiguity: Vec<(u64, u64)> = self.ambiguity.iter().map(|(&a, &b)| (a, b)).collect();
        ambiguity.sort_unstable();
        encode(&TaggerFile {
            magic: MAGIC.to_string(),
            classes: self.class_names.clone(),
            ambiguity,
            weights: self.weights.iter().map(|w| w.data().clone()).collect(),
            lemma: self.lemma.data().clone(),
            clusters: self.lex.to_data(),
        })
    }

    /// Writes the model to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_bytes()?)
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Number of features and non-zero weights.
    pub fn size(&self) -> (usize, usize) {
        self.weights
            .iter()
            .map(Weights::size)
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    }

    /// Tags and lemmatizes one sentence of PTB-tokenized words.
    pub fn tag(&self, words: &[&str]) -> Vec<TaggedToken> {
        let ids = self.tag_ids(words);
        ids.iter()
            .zip(words)
            .map(|(&c, w)| {
                let (upos, xpos) = self.classes[c];
                TaggedToken {
                    upos,
                    xpos,
                    lemma: self.lemma.lemma(w, xpos),
                }
            })
            .collect()
    }

    /// Predicted class ids (indices into the joint tag inventory).
    fn tag_ids(&self, words: &[&str]) -> Vec<usize> {
        let toks = token_info(words, &self.ambiguity, &self.lex);
        let mut first: Option<Vec<usize>> = None;
        for w in &self.weights {
            first = Some(run_pass(w, &toks, first.as_deref(), self.classes.len()));
        }
        first.unwrap_or_default()
    }

    /// Trains on `train`; logs accuracy on `dev` if given. `clusters` (word
    /// clusters learned from unlabelled text) are copied into the model.
    pub fn train(
        train: &[Sentence],
        dev: Option<&[Sentence]>,
        clusters: Option<&LexiconData>,
        cfg: &TrainConfig,
        log: &mut dyn FnMut(&str),
    ) -> Result<Tagger> {
        // Class inventory in sorted order for reproducible ids.
        let mut class_set: BTreeMap<(String, String), usize> = BTreeMap::new();
        for s in train {
            for w in &s.words {
                class_set.insert((w.upos.clone(), w.xpos.clone()), 0);
            }
        }
        if class_set.is_empty() {
            bail!("empty training data");
        }
        let class_names: Vec<(String, String)> = class_set.keys().cloned().collect();
        for (i, v) in class_set.values_mut().enumerate() {
            *v = i;
        }
        let nc = class_names.len();
        let ambiguity = build_ambiguity(train, &class_set);
        let amb_map: HashMap<u64, u64, BuildNoHash> = ambiguity.iter().copied().collect();
        let lex = Lexicon::from_data(&clusters.cloned().unwrap_or_default());
        let lemma = Lemmatizer::train(train.iter().flat_map(|s| {
            s.words
                .iter()
                .map(|w| (w.form.as_str(), w.xpos.as_str(), w.lemma.as_str()))
        }));

        let prepared: Vec<(Vec<Tok>, Vec<usize>)> = train
            .iter()
            .map(|s| {
                let forms = s.forms();
                let gold = s
                    .words
                    .iter()
                    .map(|w| class_set[&(w.upos.clone(), w.xpos.clone())])
                    .collect();
                (token_info(&forms, &amb_map, &lex), gold)
            })
            .collect();
        let all: Vec<usize> = (0..prepared.len()).collect();
        let first = train_pass(&prepared, &all, None, nc, cfg, log);
        let mut weights = vec![first];
        if cfg.passes >= 2 {
            // The second pass sees first-pass tags of the right context; they
            // must be as noisy in training as at test time, hence jackknifing.
            let folds = cfg.inner_folds.max(2);
            let fold_tags: Vec<Vec<(usize, Vec<usize>)>> = (0..folds)
                .into_par_iter()
                .map(|k| {
                    let idx: Vec<usize> = all.iter().copied().filter(|i| i % folds != k).collect();
                    let w = train_pass(&prepared, &idx, None, nc, cfg, &mut |_| {});
                    all.iter()
                        .filter(|i| *i % folds == k)
                        .map(|&i| (i, run_pass(&w, &prepared[i].0, None, nc)))
                        .collect()
                })
                .collect();
            let mut fp = vec![Vec::new(); prepared.len()];
            for (i, t) in fold_tags.into_iter().flatten() {
                fp[i] = t;
            }
            log("tagger: second pass");
            weights.push(train_pass(&prepared, &all, Some(&fp), nc, cfg, log));
        }
        let t = Tagger::assemble(class_names, ambiguity, weights, lemma, lex);
        if let Some(dev) = dev {
            let acc = t.evaluate(dev);
            log(&format!(
                "tagger dev UPOS {:.2}% XPOS {:.2}%",
                acc.upos, acc.xpos
            ));
        }
        Ok(t)
    }

    /// UPOS / XPOS / lemma accuracy (percent) against gold annotations.
    pub fn evaluate(&self, gold: &[Sentence]) -> TagAccuracy {
        let (mut u, mut x, mut l, mut all, mut n) = (0, 0, 0, 0, 0);
        for s in gold {
            let tags = self.tag(&s.forms());
            for (t, w) in tags.iter().zip(&s.words) {
                let (uo, xo, lo) = (
                    t.upos.as_str() == w.upos,
                    t.xpos == w.xpos,
                    t.lemma == w.lemma,
                );
                u += uo as usize;
                x += xo as usize;
                l += lo as usize;
                all += (uo && xo && lo) as usize;
                n += 1;
            }
        }
        let p = |c: usize| 100.0 * c as f64 / n.max(1) as f64;
        TagAccuracy {
            upos: p(u),
            xpos: p(x),
            lemma: p(l),
            all_tags: p(all),
            words: n,
        }
    }
}

/// Tagging accuracies in percent.
#[derive(Clone, Copy, Debug)]
pub struct TagAccuracy {
    /// UPOS accuracy.
    pub upos: f64,
    /// XPOS accuracy.
    pub xpos: f64,
    /// Lemma accuracy.
    pub lemma: f64,
    /// UPOS, XPOS and lemma all correct.
    pub all_tags: f64,
    /// Number of words evaluated.
    pub words: usize,
}

/// Jackknifed tags for `train`: each of `folds` parts is tagged by a model
/// trained on the others, so the parser sees realistic tagging errors.
pub fn jackknife(
    train: &[Sentence],
    folds: usize,
    clusters: Option<&LexiconData>,
    cfg: &TrainConfig,
    log: &mut dyn FnMut(&str),
) -> Result<Vec<Sentence>> {
    let folds = folds.max(2);
    type FoldTags = Vec<(usize, Vec<TaggedToken>)>;
    let tagged: Vec<Result<FoldTags>> = (0..folds)
        .into_par_iter()
        .map(|k| {
            let rest: Vec<Sentence> = train
                .iter()
                .enumerate()
                .filter(|(i, _)| i % folds != k)
                .map(|(_, s)| s.clone())
                .collect();
            let t = Tagger::train(&rest, None, clusters, cfg, &mut |_| {})?;
            Ok((0..train.len())
                .filter(|i| i % folds == k)
                .map(|i| (i, t.tag(&train[i].forms())))
                .collect())
        })
        .collect();
    let mut out = train.to_vec();
    for fold in tagged {
        for (i, tags) in fold? {
            for (w, tg) in out[i].words.iter_mut().zip(tags) {
                w.upos = tg.upos.as_str().to_string();
                w.xpos = tg.xpos.to_string();
                w.lemma = tg.lemma;
            }
        }
    }
    log(&format!("jackknife: {folds} folds tagged"));
    Ok(out)
}

fn run_pass(w: &impl Scorer, toks: &[Tok], first: Option<&[usize]>, nc: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(toks.len());
    let mut feats = Vec::with_capacity(64);
    let mut scores = vec![0i32; nc];
    for i in 0..toks.len() {
        features(toks, i, &out, first, &mut feats);
        scores.iter_mut().for_each(|s| *s = 0);
        w.score(&feats, &mut scores);
        out.push(argmax_where(&scores, |_| true).unwrap_or(0));
    }
    out
}

/// One perceptron pass over the sentences `idx` of `prepared`.
fn train_pass(
    prepared: &[(Vec<Tok>, Vec<usize>)],
    idx: &[usize],
    first: Option<&[Vec<usize>]>,
    nc: usize,
    cfg: &TrainConfig,
    log: &mut dyn FnMut(&str),
) -> Weights {
    let prune = cfg.prune;
    if cfg.models <= 1 {
        return train_one(prepared, idx, first, nc, cfg.seed, cfg, log).average(prune);
    }
    let models: Vec<Trainer> = (0..cfg.models as u64)
        .into_par_iter()
        .map(|k| {
            train_one(
                prepared,
                idx,
                first,
                nc,
                cfg.seed.wrapping_add(k),
                cfg,
                &mut |_| {},
            )
        })
        .collect();
    log(&format!("tagger: averaged {} models", models.len()));
    Trainer::average_many(&models, prune)
}

/// One perceptron trained with shuffling seed `seed`.
fn train_one(
    prepared: &[(Vec<Tok>, Vec<usize>)],
    idx: &[usize],
    first: Option<&[Vec<usize>]>,
    nc: usize,
    seed: u64,
    cfg: &TrainConfig,
    log: &mut dyn FnMut(&str),
) -> Trainer {
    let mut model = Trainer::new(nc);
    let mut order = idx.to_vec();
    let mut rng = Rng::new(seed);
    let mut feats = Vec::with_capacity(64);
    let mut scores = vec![0i32; nc];
    for epoch in 0..cfg.epochs.max(1) {
        rng.shuffle(&mut order);
        let (mut correct, mut total) = (0usize, 0usize);
        for &si in &order {
            let (toks, gold) = &prepared[si];
            let fp = first.map(|f| f[si].as_slice());
            let mut hist = Vec::with_capacity(toks.len());
            for (i, &g) in gold.iter().enumerate() {
                features(toks, i, &hist, fp, &mut feats);
                scores.iter_mut().for_each(|s| *s = 0);
                model.score(&feats, &mut scores);
                let pred = argmax_where(&scores, |_| true).unwrap_or(0);
                if pred != g {
                    model.update(&feats, g, &feats, pred);
                } else {
                    correct += 1;
                }
                total += 1;
                model.tick();
                hist.push(pred);
            }
        }
        log(&format!(
            "tagger epoch {}: train acc {:.2}%",
            epoch + 1,
            100.0 * correct as f64 / total.max(1) as f64
        ));
    }
    model
}

fn build_ambiguity(
    train: &[Sentence],
    classes: &BTreeMap<(String, String), usize>,
) -> Vec<(u64, u64)> {
    let mut counts: BTreeMap<&str, BTreeMap<usize, u32>> = BTreeMap::new();
    for s in train {
        for w in &s.words {
            *counts
                .entry(w.form.as_str())
                .or_default()
                .entry(classes[&(w.upos.clone(), w.xpos.clone())])
                .or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for (form, cs) in counts {
        let total: u32 = cs.values().sum();
        if total < 3 {
            continue;
        }
        let mut h = Fx::new(77);
        for (&c, &n) in &cs {
            if n * 10 >= total {
                h = h.u(c as u64);
            }
        }
        out.push((word_key(form), h.done()));
    }
    out.sort_unstable();
    out
}

fn word_key(form: &str) -> u64 {
    Fx::new(1).s(form).done()
}

/// Per-token pre-hashed string properties, computed once per sentence.
#[derive(Clone, Debug)]
struct Tok {
    w: u64,
    lw: u64,
    pre: [u64; 4],
    suf: [u64; 4],
    shape: u64,
    flags: u64,
    amb: u64,
    /// Leaf, middle and coarse cluster ids ([`NO_CLUSTER`] if unknown);
    /// all zero when the model has no clusters.
    cl: [u64; 3],
    /// How often the word is capitalized in news text (bucket).
    capb: u64,
}

const NO_CLUSTER: u64 = 0xffff;

fn token_info(words: &[&str], amb: &HashMap<u64, u64, BuildNoHash>, lex: &Lexicon) -> Vec<Tok> {
    let use_clusters = lex.num_words() > 0;
    let mut buf = String::new();
    let mut out = Vec::with_capacity(words.len());
    let alpha_words = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .count();
    let title_words = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    // Sentence casing style: all-lower web text, normal, or headline-like.
    let style: u64 = if title_words <= 1 {
        1
    } else if title_words * 2 > alpha_words {
        3
    } else {
        2
    };
    let mut low = String::new();
    let mut shape = String::new();
    for (i, w) in words.iter().enumerate() {
        low.clear();
        low.extend(w.chars().flat_map(char::to_lowercase));
        // Ends of the 1..4-character prefixes, starts of the suffixes (the
        // whole word when it is shorter).
        let mut pre_end = [low.len(); 4];
        for (k, (at, c)) in low.char_indices().take(4).enumerate() {
            pre_end[k] = at + c.len_utf8();
        }
        let mut suf_start = [0usize; 4];
        for (k, (at, _)) in low.char_indices().rev().take(4).enumerate() {
            suf_start[k] = at;
        }
        let mut pre = [0u64; 4];
        let mut suf = [0u64; 4];
        for k in 0..4 {
            pre[k] = Fx::new(k as u64).s(&low[..pre_end[k]]).0;
            suf[k] = Fx::new(k as u64).s(&low[suf_start[k]..]).0;
        }
        shape.clear();
        let (mut last, mut run) = (' ', 0);
        let (mut digit, mut upper, mut hyphen, mut alpha) = (false, false, false, false);
        for c in w.chars() {
            let m = if c.is_uppercase() {
                upper = true;
                alpha = true;
                'X'
            } else if c.is_lowercase() {
                alpha = true;
                'x'
            } else if c.is_ascii_digit() {
                digit = true;
                'd'
            } else {
                hyphen |= c == '-';
                c
            };
            run = if m == last { run + 1 } else { 1 };
            last = m;
            if run <= 2 {
                shape.push(m);
            }
        }
        let first_upper = w.chars().next().is_some_and(char::is_uppercase);
        let flags = (digit as u64)
            | (upper as u64) << 1
            | (hyphen as u64) << 2
            | (alpha as u64) << 3
            | ((first_upper && i == 0) as u64) << 4
            | ((first_upper && i > 0) as u64) << 5
            | style << 6;
        let wk = word_key(w);
        let cl = if use_clusters {
            lex.word_clusters(w, &mut buf)
                .map_or([NO_CLUSTER; 3], |c| c.map(|x| x as u64 + 1))
        } else {
            [0; 3]
        };
        out.push(Tok {
            w: Fx::new(2).s(w).0,
            lw: Fx::new(3).s(&low).0,
            pre,
            suf,
            shape: Fx::new(4).s(&shape).0,
            flags,
            amb: amb.get(&wk).copied().unwrap_or(0),
            cl,
            capb: if use_clusters {
                lex.word_cap_bucket(w, &mut buf) as u64
            } else {
                0
            },
        });
    }
    out
}

const PAD: u64 = 0xdead_beef;

#[inline]
fn features(toks: &[Tok], i: usize, hist: &[usize], first: Option<&[usize]>, out: &mut Vec<u64>) {
    out.clear();
    let t = &toks[i];
    let get = |d: isize| -> Option<&Tok> {
        let j = i as isize + d;
        if j < 0 {
            None
        } else {
            toks.get(j as usize)
        }
    };
    let lw = |d: isize| get(d).map_or(PAD.wrapping_add(d as u64), |t| t.lw);
    let amb = |d: isize| get(d).map_or(PAD.wrapping_add(d as u64), |t| t.amb);
    let shape = |d: isize| get(d).map_or(PAD.wrapping_add(d as u64), |t| t.shape);
    let suf3 = |d: isize| get(d).map_or(PAD.wrapping_add(d as u64), |t| t.suf[2]);
    let p1 = if i >= 1 { hist[i - 1] as u64 } else { 1000 };
    let p2 = if i >= 2 { hist[i - 2] as u64 } else { 1000 };
    let f = |id: u64| Fx::new(id);
    out.push(f(0).done());
    out.push(f(1).u(t.w).done());
    out.push(f(2).u(t.lw).done());
    for k in 0..4 {
        out.push(f(3 + k as u64).u(t.suf[k]).done());
        out.push(f(7 + k as u64).u(t.pre[k]).done());
    }
    out.push(f(11).u(t.shape).done());
    out.push(f(12).u(lw(-1)).done());
    out.push(f(13).u(lw(-2)).done());
    out.push(f(14).u(lw(1)).done());
    out.push(f(15).u(lw(2)).done());
    out.push(f(16).u(suf3(-1)).done());
    out.push(f(17).u(suf3(1)).done());
    out.push(f(18).u(p1).done());
    out.push(f(19).u(p2).done());
    out.push(f(20).u(p1).u(p2).done());
    out.push(f(21).u(p1).u(t.lw).done());
    out.push(f(22).u(lw(-1)).u(t.lw).done());
    out.push(f(23).u(t.lw).u(lw(1)).done());
    out.push(f(24).u(t.amb).done());
    out.push(f(25).u(amb(1)).done());
    out.push(f(26).u(amb(2)).done());
    out.push(f(27).u(p1).u(amb(1)).done());
    out.push(f(28).u(t.amb).u(amb(1)).done());
    out.push(f(29).u(t.flags).done());
    out.push(f(30).u(shape(-1)).done());
    out.push(f(31).u(shape(1)).done());
    out.push(f(32).u(p1).u(t.suf[2]).done());
    out.push(f(33).u(lw(-1)).u(lw(1)).done());
    out.push(f(34).u(p1).u(t.amb).done());
    out.push(f(35).u(t.amb).u(t.suf[2]).done());
    if let Some(fp) = first {
        let ft = |d: isize| {
            let j = i as isize + d;
            if j < 0 || j as usize >= fp.len() {
                1000 + d as u64
            } else {
                fp[j as usize] as u64
            }
        };
        out.push(f(50).u(ft(0)).done());
        out.push(f(51).u(ft(1)).done());
        out.push(f(52).u(ft(2)).done());
        out.push(f(53).u(ft(1)).u(ft(2)).done());
        out.push(f(54).u(p1).u(ft(1)).done());
        out.push(f(55).u(t.lw).u(ft(1)).done());
        out.push(f(56).u(ft(0)).u(ft(1)).done());
        out.push(f(57).u(t.suf[2]).u(ft(1)).done());
    }
    {
        let caps = |d: isize| get(d).map_or(9, |t| (t.flags >> 4) & 3);
        out.push(f(36).u(t.lw).u(t.flags >> 4 & 3).done());
        out.push(f(37).u(t.suf[2]).u(t.flags >> 4 & 3).u(t.flags >> 6).done());
        out.push(f(38).u(caps(-1)).u(caps(0)).u(caps(1)).done());
        out.push(f(39).u(t.flags).u(t.amb).done());
        out.push(f(40).u(p1).u(t.lw).u(lw(1)).done());
    }
    if t.cl[0] != 0 {
        let cl = |d: isize| get(d).map_or([PAD.wrapping_add(d as u64); 3], |t| t.cl);
        let (c0, cm1, cp1) = (t.cl, cl(-1), cl(1));
        out.push(f(60).u(c0[0]).done());
        out.push(f(61).u(c0[1]).done());
        out.push(f(62).u(c0[2]).done());
        out.push(f(63).u(cm1[0]).done());
        out.push(f(64).u(cp1[0]).done());
        out.push(f(65).u(cl(2)[1]).done());
        out.push(f(66).u(p1).u(c0[1]).done());
        out.push(f(67).u(c0[1]).u(cp1[1]).done());
        out.push(f(68).u(cm1[1]).u(c0[1]).done());
        out.push(f(69).u(t.capb).u(t.flags >> 4 & 3).done());
        out.push(f(70).u(t.capb).u(t.flags >> 4 & 3).u(p1).done());
        out.push(f(71).u(t.capb).u(t.flags >> 6).u(c0[1]).done());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upos_round_trip() {
        for u in Upos::ALL {
            assert_eq!(Upos::parse(u.as_str()), Some(u));
        }
    }
}
