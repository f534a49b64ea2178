//! Greedy arc-eager dependency parser with averaged perceptrons, trained
//! with the Goldberg & Nivre (2012) dynamic oracle.
//!
//! The transition classifier scores shift, reduce, and left and right arcs
//! with a label for each of the most frequent relations plus one "other"
//! class per direction, from Zhang & Nivre (2011) features (valency, label
//! sets, distance, third-order context) and word-cluster features. When an
//! "other" arc wins, a second, smaller classifier picks its label from
//! features of the head and the dependent. Few transition classes keep the
//! weight rows short, which keeps parsing fast.

use super::clusters::{Lexicon, LexiconData};
use super::conllu::Sentence;
use super::perceptron::{
    argmax_where, BuildNoHash, Fx, Rng, Scorer, SmallWeights, Trainer, Weights, WeightsData,
};
use super::tagger::TaggedToken;
use super::{decode, encode, intern};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
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
    /// Averaged weights below this magnitude are dropped from the model.
    pub prune: f64,
    /// Relations that get their own left-arc / right-arc transition class
    /// (the most frequent ones in each direction).
    pub arc_labels: [usize; 2],
    /// Features seen fewer times on the gold transition paths are not used.
    pub min_count: u32,
    /// Models trained on different shuffles whose weights are averaged
    /// (1: a single model, the epoch with the best dev LAS).
    pub models: usize,
    /// Number of most frequent transition features kept in the small table.
    pub hot: usize,
    /// Beam width (1: greedy with the dynamic oracle; more: beam search
    /// trained globally with max-violation updates).
    pub beam: usize,
    /// Rare ("cold") transition features whose largest quantized weight is
    /// below this are dropped: they barely move a decision but each costs a
    /// cache miss when parsing.
    pub min_row_weight: i16,
    /// Surrounding-word and in-between features (see `OPT_CONTEXT`).
    pub context: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 10,
            seed: 0x5eed,
            explore_from: 1,
            explore_p: 0.9,
            prune: 0.0,
            arc_labels: [2, 2],
            min_count: 5,
            models: 2,
            hot: 32768,
            beam: 8,
            min_row_weight: 0,
            context: false,
        }
    }
}

const MAGIC: &str = "newsgraph-parser-v3";

#[derive(Serialize, Deserialize)]
struct ParserFile {
    magic: String,
    labels: Vec<String>,
    /// Labels with their own left-arc and right-arc classes (indices).
    arc_labels: [Vec<u16>; 2],
    /// Feature-set options (bit 0: clusters, bit 1: UPOS in the tag).
    opts: u32,
    /// Transition weights: frequent ("hot") features, then the rest.
    moves: [WeightsData; 2],
    arcs: WeightsData,
    clusters: LexiconData,
    /// Beam width the model was trained for.
    beam: u32,
}

/// Transition weights, stored densely when there are few classes.
enum MoveTable {
    Four(SmallWeights<4>),
    Eight(SmallWeights<8>),
    /// Absolute scores for beam search: dense rows behind an empty class 0
    /// (see [`WeightsData::shifted`]).
    Exact(Box<SmallWeights<9>>),
    Sparse(Weights),
}

impl MoveTable {
    /// From the hot and cold rows (a sparse table has no hot rows);
    /// `exact`: scores comparable across configurations, as beam search
    /// needs.
    fn new(hot: WeightsData, cold: WeightsData, exact: bool) -> Result<MoveTable> {
        Ok(match cold.n_classes() {
            0..=8 if exact => {
                let w =
                    SmallWeights::from_parts(hot.shifted(), cold.shifted()).context("classes")?;
                MoveTable::Exact(Box::new(w))
            }
            0..=4 => MoveTable::Four(SmallWeights::from_parts(hot, cold).context("classes")?),
            5..=8 => MoveTable::Eight(SmallWeights::from_parts(hot, cold).context("classes")?),
            _ if hot.n_rows() == 0 => MoveTable::Sparse(Weights::compact(cold)),
            _ => bail!("a sparse transition table has no hot rows"),
        })
    }
    fn data(&self) -> [WeightsData; 2] {
        match self {
            MoveTable::Four(w) => [w.data().0.clone(), w.data().1.clone()],
            MoveTable::Eight(w) => [w.data().0.clone(), w.data().1.clone()],
            MoveTable::Exact(w) => [w.data().0.unshifted(), w.data().1.unshifted()],
            MoveTable::Sparse(w) => {
                let d = w.data();
                [d.split(|_| false).0, d.clone()]
            }
        }
    }
    fn size(&self) -> (usize, usize) {
        match self {
            MoveTable::Four(w) => w.size(),
            MoveTable::Eight(w) => w.size(),
            MoveTable::Exact(w) => w.size(),
            MoveTable::Sparse(w) => w.size(),
        }
    }
}

impl Scorer for MoveTable {
    #[inline]
    fn score(&self, feats: &[u64], scores: &mut [i32]) {
        match self {
            MoveTable::Four(w) => w.score(feats, scores),
            MoveTable::Eight(w) => w.score(feats, scores),
            MoveTable::Exact(w) => {
                let mut s = [0i32; 9];
                w.score(feats, &mut s);
                for (a, b) in scores.iter_mut().zip(&s[1..]) {
                    *a += b;
                }
            }
            MoveTable::Sparse(w) => w.score(feats, scores),
        }
    }
}

/// The transition classes: shift, reduce, then for each direction one
/// class per label in `arc_labels` and one for all other labels.
#[derive(Clone, Debug)]
struct Layout {
    arc_labels: [Vec<u16>; 2],
    /// Move and label (or [`OTHER`]) of each class.
    kind: Vec<(usize, u16)>,
    /// Per label and direction (0 = left arc, 1 = right arc): has its own class.
    own: Vec<[bool; 2]>,
}

const OTHER: u16 = u16::MAX;

impl Layout {
    fn new(n_labels: usize, arc_labels: [Vec<u16>; 2]) -> Layout {
        let mut kind = vec![(SHIFT, OTHER), (REDUCE, OTHER)];
        let mut own = vec![[false; 2]; n_labels];
        for (dir, m) in [(0, LEFT), (1, RIGHT)] {
            for &l in &arc_labels[dir] {
                kind.push((m, l));
                own[l as usize][dir] = true;
            }
            kind.push((m, OTHER));
        }
        Layout {
            arc_labels,
            kind,
            own,
        }
    }

    fn n_classes(&self) -> usize {
        self.kind.len()
    }
}

/// Arc-eager transition parser.
pub struct Parser {
    labels: Vec<&'static str>,
    root: usize,
    opts: u32,
    layout: Layout,
    moves: MoveTable,
    arcs: Weights,
    lex: Lexicon,
    beam: usize,
}

/// The shipped model's bytes (embedded in the binary): beam search, the
/// accurate one.
pub static SHIPPED: &[u8] = include_bytes!("../../data/models/parser.bin.zst");
/// The shipped greedy model's bytes (labelled transitions): about six times
/// faster, half a point less accurate.
pub static SHIPPED_FAST: &[u8] = include_bytes!("../../data/models/parser-fast.bin.zst");

const SHIFT: usize = 0;
const REDUCE: usize = 1;
const LEFT: usize = 2;
const RIGHT: usize = 3;
const N_MOVES: usize = 4;
const NONE: usize = usize::MAX;
/// Most transition classes a model may have.
const MAX_CLASSES: usize = 256;

const OPT_CLUSTERS: u32 = 1;
const OPT_UPOS: u32 = 2;
/// Features of the words around the stack top and of what lies between it
/// and the buffer front (punctuation, verbs).
const OPT_CONTEXT: u32 = 4;

impl Parser {
    /// The model shipped in the binary, decoded once on first use.
    ///
    /// # Panics
    /// If the embedded model is corrupt (a build defect, covered by tests).
    pub fn shipped() -> &'static Parser {
        static P: OnceLock<Parser> = OnceLock::new();
        P.get_or_init(|| Parser::from_bytes(SHIPPED).expect("embedded parser model is valid"))
    }

    /// The shipped greedy model, decoded once on first use.
    ///
    /// # Panics
    /// If the embedded model is corrupt (a build defect, covered by tests).
    pub fn shipped_fast() -> &'static Parser {
        static P: OnceLock<Parser> = OnceLock::new();
        P.get_or_init(|| Parser::from_bytes(SHIPPED_FAST).expect("embedded parser model is valid"))
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
        for w in [&f.moves[0], &f.moves[1], &f.arcs] {
            Weights::validate(w).map_err(|e| anyhow::anyhow!("corrupt weights: {e}"))?;
        }
        let nl = f.labels.len();
        if f.arc_labels.iter().flatten().any(|&l| l as usize >= nl) {
            bail!("arc label out of range");
        }
        let layout = Layout::new(nl, f.arc_labels);
        if f.moves.iter().any(|m| m.n_classes() != layout.n_classes())
            || layout.n_classes() > MAX_CLASSES
            || f.arcs.n_classes() != nl
        {
            bail!("class count mismatch");
        }
        if f.clusters.words.len() != f.clusters.leaf.len() {
            bail!("inconsistent cluster table");
        }
        let [hot, cold] = f.moves;
        Parser::assemble(
            f.labels.iter().map(String::as_str),
            f.opts,
            layout,
            (hot, cold),
            Weights::compact(f.arcs),
            Lexicon::from_data(&f.clusters),
            f.beam.clamp(1, 64) as usize,
        )
    }

    fn assemble<'a>(
        labels: impl Iterator<Item = &'a str>,
        opts: u32,
        layout: Layout,
        moves: (WeightsData, WeightsData),
        arcs: Weights,
        lex: Lexicon,
        beam: usize,
    ) -> Result<Parser> {
        let labels: Vec<&'static str> = labels.map(intern).collect();
        let root = labels
            .iter()
            .position(|&l| l == "root")
            .context("label set lacks 'root'")?;
        if layout.own[root] != [false; 2] {
            bail!("'root' cannot have its own arc class");
        }
        Ok(Parser {
            labels,
            root,
            opts,
            layout,
            moves: MoveTable::new(moves.0, moves.1, beam > 1)?,
            arcs,
            lex,
            beam,
        })
    }

    /// Beam width used by [`Parser::parse`] (the width it was trained for
    /// unless changed).
    pub fn beam(&self) -> usize {
        self.beam
    }

    /// Parses with beam width `width` (1: greedy).
    pub fn set_beam(&mut self, width: usize) -> Result<()> {
        let width = width.clamp(1, 64);
        if (width > 1) != (self.beam > 1) {
            let [hot, cold] = self.moves.data();
            self.moves = MoveTable::new(hot, cold, width > 1)?;
        }
        self.beam = width;
        Ok(())
    }

    /// Serialized (postcard + zstd) bytes; deterministic.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        encode(&ParserFile {
            magic: MAGIC.to_string(),
            labels: self.labels.iter().map(|s| s.to_string()).collect(),
            arc_labels: self.layout.arc_labels.clone(),
            opts: self.opts,
            moves: self.moves.data(),
            arcs: self.arcs.data().clone(),
            clusters: self.lex.to_data(),
            beam: self.beam as u32,
        })
    }

    /// Writes the model to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_bytes()?)
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Number of features and non-zero weights.
    pub fn size(&self) -> (usize, usize) {
        let (a, b) = (self.moves.size(), self.arcs.size());
        (a.0 + b.0, a.1 + b.1)
    }

    /// Parses one tagged sentence; returns one arc per word.
    ///
    /// `tags` must have the same length as `words` (extra tags are ignored,
    /// missing ones count as unknown).
    pub fn parse(&self, words: &[&str], tags: &[TaggedToken]) -> Vec<Arc> {
        let tag = |i: usize| {
            tags.get(i)
                .map_or(("X", "XX"), |t| (t.upos.as_str(), t.xpos))
        };
        let ctx = Ctx::new(words, tag, self.opts, &self.lex);
        self.parse_ctx(&ctx, |i| tags.get(i).is_some_and(|t| is_punct_tag(t.xpos)))
    }

    /// Parses given UPOS and Penn tags directly.
    pub fn parse_tags(&self, words: &[&str], upos: &[&str], xpos: &[&str]) -> Vec<Arc> {
        let tag = |i: usize| {
            (
                upos.get(i).copied().unwrap_or("X"),
                xpos.get(i).copied().unwrap_or("XX"),
            )
        };
        let ctx = Ctx::new(words, tag, self.opts, &self.lex);
        self.parse_ctx(&ctx, |i| xpos.get(i).is_some_and(|x| is_punct_tag(x)))
    }

    fn parse_ctx(&self, ctx: &Ctx, punct: impl Fn(usize) -> bool) -> Vec<Arc> {
        if self.beam > 1 {
            let beam = Beam {
                moves: &self.moves,
                arcs: &self.arcs,
                layout: &self.layout,
                root: self.root,
                width: self.beam,
                keep: None,
            };
            return self.finish(&beam.search(ctx), punct);
        }
        let mut st = State::new(ctx.n);
        let mut feats = Vec::with_capacity(128);
        let mut scores = Vec::with_capacity(self.labels.len());
        let labeler = self.labeler();
        let nc = self.layout.n_classes();
        let mut ms = [0i32; MAX_CLASSES];
        // Scores of the buffer features, kept while the buffer stays put
        // (sums of integers: the same totals in any order).
        let mut bs = [0i32; MAX_CLASSES];
        let mut scored_b = usize::MAX;
        while !st.terminal() {
            if st.b != scored_b {
                feats.clear();
                buffer_features(ctx, &st, &mut feats);
                bs[..nc].iter_mut().for_each(|s| *s = 0);
                self.moves.score(&feats, &mut bs[..nc]);
                scored_b = st.b;
            }
            feats.clear();
            stack_features(ctx, &st, &mut feats);
            ms[..nc].copy_from_slice(&bs[..nc]);
            self.moves.score(&feats, &mut ms[..nc]);
            let c = argmax_where(&ms[..nc], |c| st.valid_class(&self.layout, c)).unwrap_or(SHIFT);
            let (m, lab) = self.layout.kind[c];
            let label = match st.arc(m) {
                Some((0, _)) => self.root,
                Some(_) if lab != OTHER => lab as usize,
                Some((h, d)) => labeler.predict(ctx, &st, h, d, &mut feats, &mut scores),
                None => 0,
            };
            st.apply(m, label);
        }
        self.finish(&st, punct)
    }

    fn labeler(&self) -> Labeler<'_, Weights> {
        Labeler {
            arcs: &self.arcs,
            layout: &self.layout,
            root: self.root,
            keep: None,
        }
    }

    fn finish(&self, st: &State, punct: impl Fn(usize) -> bool) -> Vec<Arc> {
        let n = st.n;
        let mut heads: Vec<usize> = st.nodes.iter().map(|x| x.head).collect();
        let mut labels: Vec<u16> = st.nodes.iter().map(|x| x.label).collect();
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
                        let l = if punct(i - 1) { "punct" } else { "parataxis" };
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
    /// keeps the epoch with the best LAS on `dev` when given. `clusters`
    /// (word clusters learned from unlabelled text) are copied into the model.
    pub fn train(
        train: &[Sentence],
        dev: Option<&[Sentence]>,
        clusters: Option<&LexiconData>,
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
        let lex_data = clusters.map(LexiconData::clusters_only).unwrap_or_default();
        let lex = Lexicon::from_data(&lex_data);
        let mut opts = OPT_UPOS;
        if !lex_data.words.is_empty() {
            opts |= OPT_CLUSTERS;
        }
        if cfg.context {
            opts |= OPT_CONTEXT;
        }

        let mut prepared = Vec::new();
        let mut skipped = 0;
        // Label frequencies per direction, for the labels with own classes.
        let mut freq: [BTreeMap<u16, usize>; 2] = Default::default();
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
                let l = labels.binary_search(&w.deprel.as_str()).unwrap_or(root) as u16;
                lab[i + 1] = l;
                if l as usize != root {
                    *freq[(heads[i + 1] < i + 1) as usize].entry(l).or_default() += 1;
                }
            }
            let forms = s.forms();
            let tag = |i: usize| (s.words[i].upos.as_str(), s.words[i].xpos.as_str());
            prepared.push(Prep {
                ctx: Ctx::new(&forms, tag, opts, &lex),
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
        let arc_labels: [Vec<u16>; 2] = [0, 1].map(|dir| {
            let mut v: Vec<(usize, u16)> = freq[dir].iter().map(|(&l, &c)| (c, l)).collect();
            v.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut top: Vec<u16> = v.iter().take(cfg.arc_labels[dir]).map(|x| x.1).collect();
            top.sort_unstable();
            top
        });
        let layout = Layout::new(nl, arc_labels);
        let nc = layout.n_classes();
        if nc > MAX_CLASSES {
            bail!("too many transition classes");
        }

        let mut feats = Vec::with_capacity(128);
        let mut lfeats = Vec::with_capacity(64);
        let mut costs = vec![0u32; nc];
        // Feature counts on the gold transition paths: features seen fewer
        // than `min_count` times are left out (rare features cost memory and
        // time and barely help), and the `hot` most frequent transition
        // features get the small table that stays in cache.
        let (mut mc, mut lc): (
            HashMap<u64, u32, BuildNoHash>,
            HashMap<u64, u32, BuildNoHash>,
        ) = Default::default();
        let mut paths = Vec::with_capacity(prepared.len());
        for p in &prepared {
            let mut st = State::new(p.ctx.n);
            let mut path = Vec::with_capacity(2 * p.ctx.n);
            while !st.terminal() {
                move_features(&p.ctx, &st, &mut feats);
                for &f in &feats {
                    *mc.entry(f).or_default() += 1;
                }
                st.class_costs(&layout, &p.heads, &p.labels, &mut costs);
                let c = (0..nc)
                    .find(|&c| st.valid_class(&layout, c) && costs[c] == 0)
                    .unwrap_or(SHIFT);
                let (m, lab) = layout.kind[c];
                let label = match st.arc(m) {
                    Some((0, _)) => root,
                    Some(_) if lab != OTHER => lab as usize,
                    Some((h, d)) => {
                        label_features(&p.ctx, &st, h, d, &mut lfeats);
                        for &f in &lfeats {
                            *lc.entry(f).or_default() += 1;
                        }
                        p.labels[d] as usize
                    }
                    None => 0,
                };
                path.push((c as u16, label as u16));
                st.apply(m, label);
            }
            // Beam search pops the words left on the stack.
            path.extend((1..st.stack.len()).map(|_| (REDUCE as u16, 0)));
            paths.push(path);
        }
        let hot: FeatureSet = if nc <= 8 {
            let mut v: Vec<(u32, u64)> = mc.iter().map(|(&f, &c)| (c, f)).collect();
            v.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            v.into_iter().take(cfg.hot).map(|x| x.1).collect()
        } else {
            FeatureSet::default()
        };
        let keep = if cfg.min_count > 1 {
            let set = |m: HashMap<u64, u32, BuildNoHash>| -> FeatureSet {
                m.into_iter()
                    .filter(|&(_, c)| c >= cfg.min_count)
                    .map(|(f, _)| f)
                    .collect()
            };
            let (ms, ls) = (set(mc), set(lc));
            log(&format!(
                "features seen {}+ times: {} transition, {} label",
                cfg.min_count,
                ms.len(),
                ls.len()
            ));
            Some((ms, ls))
        } else {
            None
        };

        let setup = Setup {
            prepared: &prepared,
            paths: &paths,
            layout: &layout,
            keep: keep.as_ref(),
            root,
            cfg,
        };
        let min_w = cfg.min_row_weight.max(0);
        let split = |w: Weights| {
            let (h, c) = w.data().split(|k| hot.contains(&k));
            (
                h,
                c.retain_rows(|row| row.iter().any(|x| x.unsigned_abs() >= min_w as u16)),
            )
        };
        let build = |moves: &Trainer, arcs: &Trainer, prune: f64| {
            Parser::assemble(
                labels.iter().copied(),
                opts,
                layout.clone(),
                split(moves.average(prune)),
                arcs.average(prune),
                lex.clone(),
                cfg.beam.max(1),
            )
        };
        let parser = if cfg.models > 1 {
            // Several models trained on different shuffles, weights averaged.
            let runs: Vec<(Trainer, Trainer)> = (0..cfg.models as u64)
                .into_par_iter()
                .map(|k| setup.run(cfg.seed.wrapping_add(k), &mut |_, _, _, _| Ok(())))
                .collect::<Result<_>>()?;
            let (moves, arcs): (Vec<Trainer>, Vec<Trainer>) = runs.into_iter().unzip();
            Parser::assemble(
                labels.iter().copied(),
                opts,
                layout.clone(),
                split(Trainer::average_many(&moves, cfg.prune)),
                Trainer::average_many(&arcs, cfg.prune),
                lex.clone(),
                cfg.beam.max(1),
            )?
        } else {
            let mut best: Option<(f64, Parser)> = None;
            let (moves, arcs) = setup.run(cfg.seed, &mut |epoch, moves, arcs, msg| {
                let mut msg = format!("parser epoch {}: {msg}", epoch + 1);
                if let Some(dev) = dev {
                    let parser = build(moves, arcs, cfg.prune)?;
                    let s = parser.evaluate(dev);
                    msg.push_str(&format!(", dev UAS {:.2} LAS {:.2}", s.uas, s.las));
                    if best.as_ref().is_none_or(|(b, _)| s.las > *b) {
                        best = Some((s.las, parser));
                    }
                }
                log(&msg);
                Ok(())
            })?;
            match best {
                Some((_, p)) => p,
                None => build(&moves, &arcs, cfg.prune)?,
            }
        };
        if let Some(dev) = dev {
            let s = parser.evaluate(dev);
            log(&format!("parser: dev UAS {:.2} LAS {:.2}", s.uas, s.las));
        }
        Ok(parser)
    }

    /// Attachment scores against `gold`, parsing with the tags in `gold`'s
    /// UPOS and XPOS columns (fill them with predicted tags to evaluate
    /// realistically).
    pub fn evaluate(&self, gold: &[Sentence]) -> ParseScores {
        let (mut uas, mut las, mut las_full, mut n) = (0, 0, 0, 0);
        for s in gold {
            let forms = s.forms();
            let upos: Vec<&str> = s.words.iter().map(|w| w.upos.as_str()).collect();
            let xpos: Vec<&str> = s.words.iter().map(|w| w.xpos.as_str()).collect();
            let arcs = self.parse_tags(&forms, &upos, &xpos);
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

/// Everything one training run needs.
struct Setup<'a> {
    prepared: &'a [Prep],
    /// The canonical gold transition sequence (class, label) of each sentence.
    paths: &'a [Vec<(u16, u16)>],
    layout: &'a Layout,
    /// Transition and label features kept by the count cutoff.
    keep: Option<&'a (FeatureSet, FeatureSet)>,
    root: usize,
    cfg: &'a TrainConfig,
}

type FeatureSet = HashSet<u64, BuildNoHash>;

/// A training sentence: features context and projective gold tree.
struct Prep {
    ctx: Ctx,
    heads: Vec<usize>,
    labels: Vec<u16>,
}

impl Setup<'_> {
    /// The label classifier being trained, with the training cutoff.
    fn labeler<'a>(&'a self, arcs: &'a Trainer) -> Labeler<'a, Trainer> {
        Labeler {
            arcs,
            layout: self.layout,
            root: self.root,
            keep: self.keep.map(|k| &k.1),
        }
    }

    /// Trains the transition and label perceptrons with shuffling seed
    /// `seed`; `on_epoch` sees the models and a progress line after each
    /// epoch.
    fn run(
        &self,
        seed: u64,
        on_epoch: &mut dyn FnMut(usize, &Trainer, &Trainer, &str) -> Result<()>,
    ) -> Result<(Trainer, Trainer)> {
        if self.cfg.beam > 1 {
            return self.run_beam(seed, on_epoch);
        }
        let (layout, root, cfg) = (self.layout, self.root, self.cfg);
        let nc = layout.n_classes();
        let nl = layout.own.len();
        let mut moves = Trainer::new(nc);
        let mut arcs = Trainer::new(nl);
        let mut rng = Rng::new(seed);
        let mut order: Vec<usize> = (0..self.prepared.len()).collect();
        let mut scores = vec![0i32; nl];
        let mut ms = vec![0i32; nc];
        let mut costs = vec![0u32; nc];
        let mut feats = Vec::with_capacity(128);
        let mut lfeats = Vec::with_capacity(64);
        for epoch in 0..cfg.epochs.max(1) {
            rng.shuffle(&mut order);
            let (mut correct, mut total) = (0usize, 0usize);
            let (mut lcorrect, mut ltotal) = (0usize, 0usize);
            for &si in &order {
                let p = &self.prepared[si];
                let ctx = &p.ctx;
                let mut st = State::new(ctx.n);
                while !st.terminal() {
                    let explore = epoch >= cfg.explore_from;
                    move_features(ctx, &st, &mut feats);
                    if let Some((k, _)) = self.keep {
                        feats.retain(|f| k.contains(f));
                    }
                    ms.iter_mut().for_each(|s| *s = 0);
                    moves.score(&feats, &mut ms);
                    let valid = |c: usize| st.valid_class(layout, c);
                    let pred = argmax_where(&ms, valid).unwrap_or(SHIFT);
                    st.class_costs(layout, &p.heads, &p.labels, &mut costs);
                    let min = (0..nc)
                        .filter(|&c| valid(c))
                        .map(|c| costs[c])
                        .min()
                        .unwrap_or(0);
                    let next = if costs[pred] == min {
                        correct += 1;
                        pred
                    } else {
                        let gold =
                            argmax_where(&ms, |c| valid(c) && costs[c] == min).unwrap_or(pred);
                        moves.update(&feats, gold, &feats, pred);
                        if explore && rng.unit() < cfg.explore_p {
                            pred
                        } else {
                            gold
                        }
                    };
                    total += 1;
                    moves.tick();
                    let (m, lab) = layout.kind[next];
                    let label = match st.arc(m) {
                        Some((0, _)) => root,
                        Some(_) if lab != OTHER => lab as usize,
                        Some((h, d)) => {
                            let lp = self.labeler(&arcs).predict(
                                ctx,
                                &st,
                                h,
                                d,
                                &mut lfeats,
                                &mut scores,
                            );
                            let g = p.labels[d] as usize;
                            if p.heads[d] == h && g != root && !layout.own[g][(h < d) as usize] {
                                ltotal += 1;
                                arcs.tick();
                                if lp == g {
                                    lcorrect += 1;
                                    lp
                                } else {
                                    arcs.update(&lfeats, g, &lfeats, lp);
                                    if explore && rng.unit() < cfg.explore_p {
                                        lp
                                    } else {
                                        g
                                    }
                                }
                            } else {
                                lp
                            }
                        }
                        None => 0,
                    };
                    st.apply(m, label);
                }
            }
            let msg = format!(
                "oracle-agreement {:.2}%, labels {:.2}%",
                100.0 * correct as f64 / total.max(1) as f64,
                100.0 * lcorrect as f64 / ltotal.max(1) as f64
            );
            on_epoch(epoch, &moves, &arcs, &msg)?;
        }
        Ok((moves, arcs))
    }

    /// Global training of the transitions for beam search: after each
    /// sentence whose best parse is not gold, one perceptron update at the
    /// prefix where the beam's best most outscores the gold sequence (Huang
    /// et al. 2012, max-violation). The label classifier learns locally
    /// along the gold sequence.
    fn run_beam(
        &self,
        seed: u64,
        on_epoch: &mut dyn FnMut(usize, &Trainer, &Trainer, &str) -> Result<()>,
    ) -> Result<(Trainer, Trainer)> {
        let (layout, root, cfg) = (self.layout, self.root, self.cfg);
        let nc = layout.n_classes();
        let nl = layout.own.len();
        let mut moves = Trainer::new(nc);
        let mut arcs = Trainer::new(nl);
        let mut rng = Rng::new(seed);
        let mut order: Vec<usize> = (0..self.prepared.len()).collect();
        let mut b = BeamBufs::default();
        let (mut gf, mut pf) = (Vec::with_capacity(128), Vec::with_capacity(128));
        let mut ms = [0i32; MAX_CLASSES];
        let mut hist: Vec<Vec<Step>> = Vec::new();
        let mut beam: Vec<Hyp> = Vec::with_capacity(cfg.beam);
        let mut next: Vec<Hyp> = Vec::with_capacity(cfg.beam);
        for epoch in 0..cfg.epochs.max(1) {
            rng.shuffle(&mut order);
            let (mut exact, mut lcorrect, mut ltotal) = (0usize, 0usize, 0usize);
            for &si in &order {
                let p = &self.prepared[si];
                let ctx = &p.ctx;
                let gold = &self.paths[si];
                // Labels of "other" arcs, learnt along the gold sequence.
                let mut st = State::new(ctx.n);
                for &(c, l) in gold {
                    let (m, lab) = layout.kind[c as usize];
                    if lab == OTHER {
                        if let Some((h, d)) = st.arc(m).filter(|&(h, _)| h != 0) {
                            let lp = self.labeler(&arcs).predict(
                                ctx,
                                &st,
                                h,
                                d,
                                &mut b.lfeats,
                                &mut b.scores,
                            );
                            ltotal += 1;
                            if lp == l as usize {
                                lcorrect += 1;
                            } else {
                                arcs.update(&b.lfeats, l as usize, &b.lfeats, lp);
                            }
                            arcs.tick();
                        }
                    }
                    st.apply(m, l as usize);
                }
                // Beam search beside the gold sequence.
                let search = Beam {
                    moves: &moves,
                    arcs: &arcs,
                    layout,
                    root,
                    width: cfg.beam,
                    keep: self.keep,
                };
                beam.clear();
                beam.push(Hyp {
                    st: State::new(ctx.n),
                    score: 0,
                });
                let mut gold_st = State::new(ctx.n);
                let mut gold_score = 0i64;
                let mut gold_at: Option<usize> = Some(0);
                let mut worst: Option<(i64, usize)> = None;
                let mut t = 0;
                loop {
                    if hist.len() <= t {
                        hist.push(Vec::with_capacity(cfg.beam));
                    }
                    let g = gold.get(t).copied();
                    let hint = gold_at.zip(g).map(|(i, (c, l))| (i, c, l));
                    if !search.step(ctx, &beam, &mut next, &mut hist[t], hint, &mut b) {
                        break;
                    }
                    std::mem::swap(&mut beam, &mut next);
                    let gc = g.map_or(CARRY, |x| x.0);
                    gold_at = gold_at.and_then(|i| {
                        hist[t]
                            .iter()
                            .position(|s| s.parent as usize == i && s.class == gc)
                    });
                    if let Some((c, l)) = g {
                        match gold_at {
                            Some(i) => gold_score = beam[i].score,
                            None => {
                                search.features(ctx, &gold_st, &mut gf);
                                ms[..nc].iter_mut().for_each(|s| *s = 0);
                                moves.score(&gf, &mut ms[..nc]);
                                gold_score += ms[c as usize] as i64;
                            }
                        }
                        gold_st.apply(layout.kind[c as usize].0, l as usize);
                    }
                    if gold_at != Some(0) {
                        let v = beam[0].score - gold_score;
                        if worst.is_none_or(|(w, _)| v > w) {
                            worst = Some((v, t));
                        }
                    }
                    t += 1;
                }
                let worst = match worst {
                    Some(w) if gold_at != Some(0) => w.1,
                    _ => {
                        exact += 1;
                        continue;
                    }
                };
                // The predicted prefix, traced back from the best hypothesis.
                let mut seq = vec![(CARRY, 0u16); worst + 1];
                let mut i = 0usize;
                for s in (0..=worst).rev() {
                    let step = hist[s][i];
                    seq[s] = (step.class, step.label);
                    i = step.parent as usize;
                }
                let (mut ps, mut gs) = (State::new(ctx.n), State::new(ctx.n));
                for (s, &(pc, pl)) in seq.iter().enumerate() {
                    let (gc, gl) = gold.get(s).copied().unwrap_or((CARRY, 0));
                    let feats = |st: &State, c: u16, out: &mut Vec<u64>| {
                        out.clear();
                        if c != CARRY {
                            move_features(ctx, st, out);
                            if let Some((k, _)) = self.keep {
                                out.retain(|f| k.contains(f));
                            }
                        }
                    };
                    feats(&gs, gc, &mut gf);
                    feats(&ps, pc, &mut pf);
                    let class = |c: u16| if c == CARRY { 0 } else { c as usize };
                    moves.update(&gf, class(gc), &pf, class(pc));
                    if gc != CARRY {
                        gs.apply(layout.kind[gc as usize].0, gl as usize);
                    }
                    if pc != CARRY {
                        ps.apply(layout.kind[pc as usize].0, pl as usize);
                    }
                }
                moves.tick();
            }
            let msg = format!(
                "gold best in {:.2}% of sentences, labels {:.2}%",
                100.0 * exact as f64 / order.len().max(1) as f64,
                100.0 * lcorrect as f64 / ltotal.max(1) as f64
            );
            on_epoch(epoch, &moves, &arcs, &msg)?;
        }
        Ok((moves, arcs))
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

/// Per-sentence pre-hashed word, tag and cluster values; index 0 is the
/// root, index `n + 1` stands for "no word".
struct Ctx {
    n: usize,
    w: Vec<u64>,
    p: Vec<u64>,
    /// Leaf and middle cluster ids.
    c: Vec<[u64; 2]>,
    /// Whether cluster features are on.
    clusters: bool,
    /// Running counts of punctuation and verbs up to each position (empty
    /// without `OPT_CONTEXT`).
    between: Vec<[u8; 2]>,
}

const NIL: u64 = 0x6e_696c;
const NO_CLUSTER: u64 = 0xffff;

impl Ctx {
    fn new<'a>(
        words: &[&str],
        tag: impl Fn(usize) -> (&'a str, &'a str),
        opts: u32,
        lex: &Lexicon,
    ) -> Ctx {
        let n = words.len();
        let mut w = Vec::with_capacity(n + 2);
        let mut p = Vec::with_capacity(n + 2);
        let mut c = Vec::with_capacity(n + 2);
        w.push(Fx::new(5).s("<ROOT>").0);
        p.push(Fx::new(6).s("<ROOT>").0);
        c.push([NO_CLUSTER - 1; 2]);
        let context = opts & OPT_CONTEXT != 0;
        let mut between = Vec::with_capacity(if context { n + 2 } else { 0 });
        let mut run = [0u8; 2];
        if context {
            between.push(run);
        }
        let mut low = String::new();
        let mut buf = String::new();
        for (i, word) in words.iter().enumerate() {
            low.clear();
            low.extend(word.chars().flat_map(char::to_lowercase));
            w.push(Fx::new(5).s(&low).0);
            let (u, x) = tag(i);
            if context {
                run[0] = run[0].saturating_add(is_punct_tag(x) as u8);
                run[1] = run[1].saturating_add((u == "VERB") as u8);
                between.push(run);
            }
            let ph = Fx::new(6).s(x);
            p.push(if opts & OPT_UPOS != 0 {
                ph.s(u).0
            } else {
                ph.0
            });
            let cl = if opts & OPT_CLUSTERS != 0 {
                lex.word_clusters(word, &mut buf)
            } else {
                None
            };
            c.push(cl.map_or([NO_CLUSTER; 2], |k| [k[0] as u64, k[1] as u64]));
        }
        w.push(NIL);
        p.push(NIL);
        c.push([NIL; 2]);
        if context {
            between.push(run);
        }
        Ctx {
            n,
            w,
            p,
            c,
            clusters: opts & OPT_CLUSTERS != 0,
            between,
        }
    }
}

/// Per-word parser bookkeeping.
#[derive(Clone, Copy)]
struct Node {
    head: usize,
    label: u16,
    nl: u8,
    nr: u8,
    lc1: usize,
    lc2: usize,
    rc1: usize,
    rc2: usize,
    lset: u128,
    rset: u128,
}

const EMPTY: Node = Node {
    head: NONE,
    label: 0,
    nl: 0,
    nr: 0,
    lc1: NONE,
    lc2: NONE,
    rc1: NONE,
    rc2: NONE,
    lset: 0,
    rset: 0,
};

/// Arc-eager configuration plus the bookkeeping the features need.
struct State {
    n: usize,
    stack: Vec<usize>,
    b: usize,
    /// Index `n + 1` is a sentinel for absent words.
    nodes: Vec<Node>,
}

impl Clone for State {
    fn clone(&self) -> State {
        State {
            n: self.n,
            stack: self.stack.clone(),
            b: self.b,
            nodes: self.nodes.clone(),
        }
    }

    /// Reuses the buffers: beam search copies a configuration per
    /// hypothesis and step.
    fn clone_from(&mut self, src: &State) {
        self.n = src.n;
        self.stack.clone_from(&src.stack);
        self.b = src.b;
        self.nodes.clone_from(&src.nodes);
    }
}

impl State {
    fn new(n: usize) -> State {
        let mut stack = Vec::with_capacity(n + 1);
        stack.push(0);
        State {
            n,
            stack,
            b: 1,
            nodes: vec![EMPTY; n + 2],
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
    fn valid(&self, m: usize) -> bool {
        let s0 = self.s0();
        let buf = self.b <= self.n;
        match m {
            SHIFT => buf,
            REDUCE => s0 != 0 && self.nodes[s0].head != NONE,
            LEFT => buf && s0 != 0 && self.nodes[s0].head == NONE,
            _ => buf && (s0 != 0 || self.nodes[0].rc1 == NONE),
        }
    }

    /// Finished for beam search: the buffer is empty and every word has
    /// been popped, so that every parse takes exactly 2n transitions and
    /// summed scores compare fairly.
    #[inline]
    fn done(&self) -> bool {
        self.b > self.n && self.stack.len() <= 1
    }

    /// Valid classes for beam search: once the buffer is empty, only
    /// reduce, which then also pops headless words (they hang off the root
    /// word in [`Parser::finish`]).
    #[inline]
    fn valid_in_beam(&self, layout: &Layout, c: usize) -> bool {
        if self.b > self.n {
            c == REDUCE && self.stack.len() > 1
        } else {
            self.valid_class(layout, c)
        }
    }

    #[inline]
    fn valid_class(&self, layout: &Layout, c: usize) -> bool {
        let (m, lab) = layout.kind[c];
        // An arc from the root always has the label "root", an "other" one.
        self.valid(m) && (m != RIGHT || self.s0() != 0 || lab == OTHER)
    }

    /// Dynamic-oracle costs of every transition class: the move's cost plus
    /// one if it gives a gold arc a wrong label.
    fn class_costs(&self, layout: &Layout, gh: &[usize], gl: &[u16], out: &mut [u32]) {
        let mc = self.costs(gh);
        for (c, &(m, lab)) in layout.kind.iter().enumerate() {
            let mut cost = mc[m];
            if let Some((h, d)) = self.arc(m) {
                if d <= self.n && gh[d] == h {
                    let g = gl[d];
                    cost += if lab == OTHER {
                        layout.own[g as usize][(m == RIGHT) as usize] as u32
                    } else {
                        (lab != g) as u32
                    };
                }
            }
            out[c] = cost;
        }
    }

    /// The (head, dependent) an arc move would add.
    #[inline]
    fn arc(&self, m: usize) -> Option<(usize, usize)> {
        match m {
            LEFT => Some((self.b, self.s0())),
            RIGHT => Some((self.s0(), self.b)),
            _ => None,
        }
    }

    fn add_arc(&mut self, h: usize, d: usize, l: usize) {
        self.nodes[d].head = h;
        self.nodes[d].label = l as u16;
        let bit = 1u128 << (l.min(127));
        let x = &mut self.nodes[h];
        if d < h {
            x.lc2 = x.lc1;
            x.lc1 = d;
            x.nl = x.nl.saturating_add(1);
            x.lset |= bit;
        } else {
            x.rc2 = x.rc1;
            x.rc1 = d;
            x.nr = x.nr.saturating_add(1);
            x.rset |= bit;
        }
    }

    fn apply(&mut self, m: usize, label: usize) {
        match m {
            SHIFT => {
                self.stack.push(self.b);
                self.b += 1;
            }
            REDUCE => {
                self.stack.pop();
            }
            LEFT => {
                let s0 = self.stack.pop().unwrap_or(0);
                self.add_arc(self.b, s0, label);
            }
            _ => {
                let s0 = self.s0();
                self.add_arc(s0, self.b, label);
                self.stack.push(self.b);
                self.b += 1;
            }
        }
    }

    /// Dynamic-oracle cost (gold arcs made unreachable) of every move,
    /// ignoring labels.
    fn costs(&self, gh: &[usize]) -> [u32; N_MOVES] {
        let n = self.n;
        let s0 = self.s0();
        let b = self.b;
        if b > n {
            return [0; N_MOVES];
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
            .filter(|&&k| k != 0 && self.nodes[k].head == NONE && gh[k] == b)
            .count() as u32;
        let shift = b_deps_in_stack + (self.stack.contains(&gh[b])) as u32;
        let reduce = s0_deps_in_buf;
        let left = s0_deps_in_buf + (s0 != 0 && in_buf(gh[s0]) && gh[s0] != b) as u32;
        let right =
            b_deps_in_stack + (in_stack_except(gh[b], s0) || (in_buf(gh[b]) && gh[b] != b)) as u32;
        [shift, reduce, left, right]
    }
}

/// One hypothesis of the beam: a configuration and its summed move scores.
#[derive(Clone)]
struct Hyp {
    st: State,
    score: i64,
}

/// A beam step's choice for one surviving hypothesis: the parent's index
/// in the previous beam, the transition class ([`CARRY`] for a finished
/// parent carried over) and the arc label it used.
#[derive(Clone, Copy, Debug)]
struct Step {
    parent: u32,
    class: u16,
    label: u16,
}

/// Marks a finished hypothesis carried over unchanged.
const CARRY: u16 = u16::MAX;

/// Beam search over transition classes; labels of "other" arcs are picked
/// greedily by the label classifier.
struct Beam<'a, M: Scorer, L: Scorer> {
    moves: &'a M,
    arcs: &'a L,
    layout: &'a Layout,
    root: usize,
    width: usize,
    /// Transition and label features kept by the training count cutoff.
    keep: Option<&'a (FeatureSet, FeatureSet)>,
}

/// The label classifier for arcs whose transition class carries no label.
struct Labeler<'a, L: Scorer> {
    arcs: &'a L,
    layout: &'a Layout,
    root: usize,
    /// Label features kept by the training count cutoff.
    keep: Option<&'a FeatureSet>,
}

impl<L: Scorer> Labeler<'_, L> {
    /// Best label for the arc `h -> d` among those without their own class;
    /// leaves the arc's features in `feats`.
    #[inline]
    fn predict(
        &self,
        ctx: &Ctx,
        st: &State,
        h: usize,
        d: usize,
        feats: &mut Vec<u64>,
        scores: &mut Vec<i32>,
    ) -> usize {
        label_features(ctx, st, h, d, feats);
        if let Some(k) = self.keep {
            feats.retain(|f| k.contains(f));
        }
        scores.clear();
        scores.resize(self.layout.own.len(), 0);
        self.arcs.score(feats, scores);
        let dir = (h < d) as usize;
        let own = &self.layout.own;
        argmax_where(scores, |l| l != self.root && !own[l][dir]).unwrap_or(0)
    }
}

/// Reusable buffers of a beam search.
#[derive(Default)]
struct BeamBufs {
    feats: Vec<u64>,
    lfeats: Vec<u64>,
    scores: Vec<i32>,
    cands: Vec<(i64, u32, u16)>,
}

impl<M: Scorer, L: Scorer> Beam<'_, M, L> {
    fn features(&self, ctx: &Ctx, st: &State, out: &mut Vec<u64>) {
        move_features(ctx, st, out);
        if let Some((k, _)) = self.keep {
            out.retain(|f| k.contains(f));
        }
    }

    /// The label the arc of class `c` gets in `st`: root, the class's own
    /// label, `gold` when given, or the label classifier's choice.
    fn label(&self, ctx: &Ctx, st: &State, c: usize, gold: Option<u16>, b: &mut BeamBufs) -> u16 {
        let (m, lab) = self.layout.kind[c];
        match st.arc(m) {
            Some((0, _)) => self.root as u16,
            Some(_) if lab != OTHER => lab,
            Some(_) if gold.is_some() => gold.unwrap_or(0),
            Some((h, d)) => {
                let labeler = Labeler {
                    arcs: self.arcs,
                    layout: self.layout,
                    root: self.root,
                    keep: self.keep.map(|k| &k.1),
                };
                labeler.predict(ctx, st, h, d, &mut b.lfeats, &mut b.scores) as u16
            }
            None => 0,
        }
    }

    /// Advances every hypothesis of `beam` by one transition into `next`,
    /// keeping the `width` best; returns the steps taken, or `None` when
    /// every hypothesis had finished. `gold` (training) names the gold
    /// hypothesis's index with its class and label: it follows its gold
    /// label rather than the classifier's.
    fn step(
        &self,
        ctx: &Ctx,
        beam: &[Hyp],
        next: &mut Vec<Hyp>,
        steps: &mut Vec<Step>,
        gold: Option<(usize, u16, u16)>,
        b: &mut BeamBufs,
    ) -> bool {
        if beam.iter().all(|h| h.st.done()) {
            return false;
        }
        let nc = self.layout.n_classes();
        let mut ms = [0i32; MAX_CLASSES];
        b.cands.clear();
        for (i, h) in beam.iter().enumerate() {
            if h.st.done() {
                b.cands.push((h.score, i as u32, CARRY));
                continue;
            }
            self.features(ctx, &h.st, &mut b.feats);
            ms[..nc].iter_mut().for_each(|s| *s = 0);
            self.moves.score(&b.feats, &mut ms[..nc]);
            for (c, &s) in ms[..nc].iter().enumerate() {
                if h.st.valid_in_beam(self.layout, c) {
                    b.cands.push((h.score + s as i64, i as u32, c as u16));
                }
            }
        }
        // Best first; ties by parent then class, so the order is total.
        b.cands
            .sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        b.cands.truncate(self.width);
        steps.clear();
        let cands = std::mem::take(&mut b.cands);
        next.truncate(cands.len());
        for (k, &(score, parent, class)) in cands.iter().enumerate() {
            let src = &beam[parent as usize].st;
            let label = if class == CARRY {
                0
            } else {
                let g = gold
                    .and_then(|(gi, gc, gl)| (gi == parent as usize && gc == class).then_some(gl));
                self.label(ctx, src, class as usize, g, b)
            };
            if k < next.len() {
                next[k].st.clone_from(src);
                next[k].score = score;
            } else {
                next.push(Hyp {
                    st: src.clone(),
                    score,
                });
            }
            if class != CARRY {
                next[k]
                    .st
                    .apply(self.layout.kind[class as usize].0, label as usize);
            }
            steps.push(Step {
                parent,
                class,
                label,
            });
        }
        b.cands = cands;
        true
    }

    /// The best final configuration.
    fn search(&self, ctx: &Ctx) -> State {
        let mut b = BeamBufs::default();
        let mut beam = vec![Hyp {
            st: State::new(ctx.n),
            score: 0,
        }];
        let mut next = Vec::with_capacity(self.width);
        let mut steps = Vec::with_capacity(self.width);
        while self.step(ctx, &beam, &mut next, &mut steps, None, &mut b) {
            std::mem::swap(&mut beam, &mut next);
        }
        beam.swap_remove(0).st
    }
}

#[inline]
fn lset_hash(x: Fx, set: u128) -> Fx {
    x.u(set as u64).u((set >> 64) as u64)
}

/// All transition features: [`buffer_features`] then [`stack_features`].
#[inline]
fn move_features(c: &Ctx, st: &State, out: &mut Vec<u64>) {
    out.clear();
    buffer_features(c, st, out);
    stack_features(c, st, out);
}

/// The buffer front, the next two words and their context: features that
/// change only when the buffer moves (shift and right-arc), so a greedy
/// parse scores them once per buffer position.
#[inline]
fn buffer_features(c: &Ctx, st: &State, out: &mut Vec<u64>) {
    let n = st.n;
    let none = n + 1;
    let b = st.b;
    let n0 = if b <= n { b } else { none };
    let n1 = if b < n { b + 1 } else { none };
    let n2 = if b + 1 < n { b + 2 } else { none };
    let (n0w, n0p) = (c.w[n0], c.p[n0]);
    let (n1w, n1p, n2w, n2p) = (c.w[n1], c.p[n1], c.w[n2], c.p[n2]);
    let f = |id: u64| Fx::new(id + 100);
    let mut push = |x: Fx| out.push(x.done());
    push(f(4).u(n0w).u(n0p));
    push(f(5).u(n0w));
    push(f(6).u(n0p));
    push(f(7).u(n1w).u(n1p));
    push(f(8).u(n1w));
    push(f(9).u(n1p));
    push(f(10).u(n2w).u(n2p));
    push(f(11).u(n2w));
    push(f(12).u(n2p));
    push(f(20).u(n0p).u(n1p));
    push(f(21).u(n0p).u(n1p).u(n2p));
    push(f(75).u(n0w).u(n1w));
    if c.clusters {
        let (n0c, n1c) = (c.c[n0], c.c[n1]);
        push(f(79).u(n0c[0]));
        push(f(80).u(n1c[0]));
        push(f(85).u(n0c[1]).u(n1c[1]));
    }
    if !c.between.is_empty() {
        let before = if n0 == none || n0 == 0 { none } else { n0 - 1 };
        push(f(91).u(c.p[before]).u(n0p).u(n1p));
    }
}

/// Transition features that involve the stack (appended to `out`).
#[inline]
fn stack_features(c: &Ctx, st: &State, out: &mut Vec<u64>) {
    let n = st.n;
    // Absent words map to the sentinel n + 1.
    let none = n + 1;
    let nd = |k: usize| if k == NONE { none } else { k };
    let s0 = st.s0();
    let b = st.b;
    let node = |k: usize| &st.nodes[nd(k)];
    let w = |k: usize| c.w[nd(k)];
    let p = |k: usize| c.p[nd(k)];
    let l = |k: usize| {
        let x = node(k);
        if x.head == NONE {
            NIL
        } else {
            x.label as u64
        }
    };
    let n0 = if b <= n { b } else { NONE };
    let n1 = if b < n { b + 1 } else { NONE };
    let s1 = if st.stack.len() >= 2 {
        st.stack[st.stack.len() - 2]
    } else {
        NONE
    };
    let s0n = &st.nodes[s0];
    let s0h = if s0 == 0 { NONE } else { s0n.head };
    let s0h2 = if s0h == NONE || s0h == 0 {
        NONE
    } else {
        st.nodes[s0h].head
    };
    let s0l = s0n.lc1;
    let s0l2 = s0n.lc2;
    let s0r = s0n.rc1;
    let s0r2 = s0n.rc2;
    let n0n = node(n0);
    let n0l = n0n.lc1;
    let n0l2 = n0n.lc2;
    let d = if n0 == NONE {
        0
    } else {
        (n0 - s0).min(15) as u64
    };
    let vr = s0n.nr as u64;
    let vl = s0n.nl as u64;
    let n0vl = n0n.nl as u64;
    let sr = s0n.rset;
    let sl = s0n.lset;
    let n0sl = n0n.lset;

    let (s0w, s0p, n0w, n0p) = (w(s0), p(s0), w(n0), p(n0));
    let n1p = p(n1);
    let f = |id: u64| Fx::new(id + 100);
    let mut push = |x: Fx| out.push(x.done());
    // Single words.
    push(f(1).u(s0w).u(s0p));
    push(f(2).u(s0w));
    push(f(3).u(s0p));
    // Word pairs.
    push(f(13).u(s0w).u(s0p).u(n0w).u(n0p));
    push(f(14).u(s0w).u(s0p).u(n0w));
    push(f(15).u(s0w).u(n0w).u(n0p));
    push(f(16).u(s0w).u(s0p).u(n0p));
    push(f(17).u(s0p).u(n0w).u(n0p));
    push(f(18).u(s0w).u(n0w));
    push(f(19).u(s0p).u(n0p));
    // Three words.
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
    push(lset_hash(f(67).u(s0w), sr));
    push(lset_hash(f(68).u(s0p), sr));
    push(lset_hash(f(69).u(s0w), sl));
    push(lset_hash(f(70).u(s0p), sl));
    push(lset_hash(f(71).u(n0w), n0sl));
    push(lset_hash(f(72).u(n0p), n0sl));
    // Extras: second stack item, s0 attachment status.
    push(f(73).u(p(s1)).u(s0p).u(n0p));
    push(f(74).u(w(s1)).u(p(s1)));
    push(f(76).u((s0n.head != NONE) as u64).u(s0p).u(n0p));
    push(f(77).u(l(s0)).u(s0p).u(n0p));
    if c.clusters {
        let cl = |k: usize| c.c[nd(k)];
        let (s0c, n0c) = (cl(s0), cl(n0));
        push(f(78).u(s0c[0]));
        push(f(81).u(s0c[0]).u(n0c[0]));
        push(f(82).u(s0c[0]).u(n0p));
        push(f(83).u(s0p).u(n0c[0]));
        push(f(84).u(s0c[1]).u(n0c[1]));
        push(f(86).u(cl(s0h)[1]).u(s0c[1]).u(n0p));
    }
    if !c.between.is_empty() {
        // Punctuation and verbs strictly between s0 and n0.
        let (pb, vb) = if n0 == NONE {
            (NIL, NIL)
        } else {
            let (a, z) = (c.between[s0], c.between[n0 - 1]);
            ((z[0] - a[0]).min(3) as u64, (z[1] - a[1]).min(3) as u64)
        };
        let before = |k: usize| if k == NONE || k == 0 { none } else { k - 1 };
        let after = |k: usize| if k == NONE || k >= n { none } else { k + 1 };
        push(f(87).u(s0p).u(n0p).u(pb));
        push(f(88).u(s0p).u(n0p).u(vb));
        push(f(89).u(s0w).u(n0p).u(pb));
        push(f(90).u(c.p[before(s0)]).u(s0p).u(c.p[after(s0)]));
        push(f(92).u(s0p).u(c.p[after(s0)]).u(n0p));
    }
}

/// Features for labelling the arc `h -> d` (made by the current move).
#[inline]
fn label_features(c: &Ctx, st: &State, h: usize, d: usize, out: &mut Vec<u64>) {
    out.clear();
    let none = st.n + 1;
    let nd = |k: usize| if k == NONE { none } else { k };
    let w = |k: usize| c.w[nd(k)];
    let p = |k: usize| c.p[nd(k)];
    let (hn, dn) = (&st.nodes[h], &st.nodes[d]);
    let dir = (d < h) as u64;
    let dist = match h.abs_diff(d) {
        k @ 0..=4 => k as u64,
        5..=7 => 5,
        8..=12 => 6,
        _ => 7,
    };
    let (hw, hp, dw, dp) = (w(h), p(h), w(d), p(d));
    let hl = if hn.head == NONE {
        NIL
    } else {
        hn.label as u64
    };
    let f = |id: u64| Fx::new(id + 300).u(dir);
    let mut push = |x: Fx| out.push(x.done());
    push(f(1));
    push(f(2).u(dw));
    push(f(3).u(dp));
    push(f(4).u(dw).u(dp));
    push(f(5).u(hw));
    push(f(6).u(hp));
    push(f(7).u(hw).u(hp));
    push(f(8).u(hp).u(dp));
    push(f(9).u(hw).u(dp));
    push(f(10).u(hp).u(dw));
    push(f(11).u(hw).u(dw));
    push(f(12).u(hp).u(dp).u(dist));
    push(lset_hash(f(13).u(dp), dn.lset));
    push(lset_hash(f(14).u(dp), dn.rset));
    push(lset_hash(f(15).u(hp).u(dp), hn.lset));
    push(lset_hash(f(16).u(hp).u(dp), hn.rset));
    push(f(17).u(hp).u(dp).u(hl));
    push(f(18).u(dp).u(w(dn.lc1)));
    push(f(19).u(dp).u(w(dn.rc1)));
    push(f(20).u(hp).u(dp).u(p(dn.lc1)));
    push(f(21).u(dp).u(p(d - 1)).u(p(d + 1)));
    push(f(22).u(dw).u(p(d + 1)));
    push(f(23).u(hp).u(w(hn.lc1)));
    if c.clusters {
        let (hc, dc) = (c.c[h], c.c[d]);
        push(f(24).u(dc[0]));
        push(f(25).u(dc[0]).u(hp));
        push(f(26).u(hc[0]).u(dp));
        push(f(27).u(hc[1]).u(dc[1]));
    }
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
        let gl = [0u16, 1, 0, 2, 3, 4];
        let mut st = State::new(5);
        while !st.terminal() {
            let costs = st.costs(&gh);
            let m = (0..N_MOVES)
                .find(|&m| st.valid(m) && costs[m] == 0)
                .expect("a zero-cost transition");
            let label = st.arc(m).map_or(0, |(_, d)| gl[d] as usize);
            st.apply(m, label);
        }
        let heads: Vec<usize> = st.nodes[1..=5].iter().map(|x| x.head).collect();
        let labels: Vec<u16> = st.nodes[1..=5].iter().map(|x| x.label).collect();
        assert_eq!(heads, &gh[1..]);
        assert_eq!(labels, &gl[1..]);
    }
}
