//! Candidates and their features for the learned relation model.
//!
//! A candidate is an ordered pair of entity mentions in one sentence (the
//! first is the proposed source). Its features describe the words and the
//! dependency path between the two: labels and lemmas on the path, the
//! lowest common ancestor (usually the trigger), words between, entity
//! types, distance and order, word clusters learned from news (so an unseen
//! trigger still resembles a known one), lexicon triggers on the path, and
//! what the hand rules proposed for the pair. Features are 64-bit hashes of
//! their parts, built without allocating.

use super::modality::of_trigger;
use super::tree::Tree;
use crate::document::{Annotated, LocalRelation, Mention};
use crate::lexicon::Lexicon;
use crate::nlp::clusters::Lexicon as Clusters;
use crate::ontology::Modality;

/// An ordered mention pair in one sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Sentence index.
    pub sentence: usize,
    /// Mention index of the proposed source.
    pub a: usize,
    /// Mention index of the proposed target.
    pub b: usize,
    /// Local entity of `a`.
    pub ea: usize,
    /// Local entity of `b`.
    pub eb: usize,
}

/// Most mentions of one sentence that are paired (longer lists of names are
/// rare and give quadratic noise).
const MAX_MENTIONS: usize = 16;

/// Every ordered pair of resolved mentions of different entities in each
/// sentence, in sentence and mention order.
pub fn candidates(ann: &Annotated) -> Vec<Candidate> {
    let mut by_sentence: Vec<Vec<usize>> = vec![Vec::new(); ann.sentences.len()];
    for (i, m) in ann.mentions.iter().enumerate() {
        if m.entity.is_some() && m.sentence < by_sentence.len() && !m.tokens.is_empty() {
            by_sentence[m.sentence].push(i);
        }
    }
    let mut out = Vec::new();
    for (si, ms) in by_sentence.iter().enumerate() {
        for &a in ms.iter().take(MAX_MENTIONS) {
            for &b in ms.iter().take(MAX_MENTIONS) {
                let (ea, eb) = (ann.mentions[a].entity, ann.mentions[b].entity);
                if let (Some(ea), Some(eb)) = (ea, eb) {
                    if ea != eb {
                        out.push(Candidate {
                            sentence: si,
                            a,
                            b,
                            ea,
                            eb,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Calls `f` with each candidate and the view of its sentence, built once
/// per sentence (candidates come in sentence order).
pub fn each_candidate<'a>(
    ann: &'a Annotated,
    ctx: &Context<'a>,
    cands: &[Candidate],
    mut f: impl FnMut(usize, &Candidate, &SentenceView<'a>),
) {
    let mut view: Option<(usize, SentenceView<'a>)> = None;
    for (i, c) in cands.iter().enumerate() {
        if view.as_ref().is_none_or(|(s, _)| *s != c.sentence) {
            view = Some((c.sentence, SentenceView::new(ann, c.sentence, ctx)));
        }
        if let Some((_, v)) = &view {
            f(i, c, v);
        }
    }
}

/// A feature key builder: FNV-1a over the parts, with separators.
#[derive(Clone, Copy)]
pub(crate) struct Key(pub(crate) u64);

impl Key {
    pub(crate) fn new(tag: &str) -> Key {
        Key(0xcbf2_9ce4_8422_2325).s(tag)
    }
    #[inline]
    pub(crate) fn s(mut self, part: &str) -> Key {
        for &b in part.as_bytes() {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        self
    }
    #[inline]
    pub(crate) fn n(self, x: u64) -> Key {
        let mut k = self;
        for b in x.to_le_bytes() {
            k.0 ^= b as u64;
            k.0 = k.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        k
    }
}

/// What the rules said about the document's pairs, by sentence.
pub struct RuleIndex<'r> {
    rels: &'r [LocalRelation],
    by_sentence: std::collections::HashMap<usize, Vec<usize>>,
}

impl<'r> RuleIndex<'r> {
    /// Indexes rule relations by sentence.
    pub fn new(rels: &'r [LocalRelation]) -> Self {
        let mut by_sentence: std::collections::HashMap<usize, Vec<usize>> = Default::default();
        for (i, r) in rels.iter().enumerate() {
            by_sentence.entry(r.sentence).or_default().push(i);
        }
        RuleIndex { rels, by_sentence }
    }

    /// The rules' relations of sentence `si` from `s` to `t`.
    pub fn of(
        &self,
        si: usize,
        s: usize,
        t: usize,
    ) -> impl Iterator<Item = &'r LocalRelation> + '_ {
        self.by_sentence
            .get(&si)
            .into_iter()
            .flatten()
            .map(|&i| &self.rels[i])
            .filter(move |r| r.source == s && r.target == t)
    }

    /// Like [`RuleIndex::of`], plus symmetric relations stated from `t` to `s`.
    pub fn pair(
        &self,
        si: usize,
        s: usize,
        t: usize,
    ) -> impl Iterator<Item = &'r LocalRelation> + '_ {
        self.of(si, s, t).chain(
            self.of(si, t, s)
                .filter(|r| crate::ontology::is_symmetric(&r.relation)),
        )
    }
}

/// Shared, read-only resources for feature extraction.
pub struct Context<'a> {
    /// The trigger lexicon (the rules' words become features).
    pub lexicon: &'a Lexicon,
    /// Word clusters from the news corpus.
    pub clusters: &'a Clusters,
}

/// One sentence prepared for feature extraction.
pub struct SentenceView<'a> {
    tree: Option<Tree<'a>>,
    /// Cluster (middle, coarse) of each token.
    clusters: Vec<Option<(u32, u32)>>,
    /// Relation of the lexicon trigger starting at each token.
    lex: Vec<Option<&'a str>>,
    lemmas: Vec<&'a str>,
    upos: Vec<&'static str>,
    /// CAMEO event code of each token's lemma (verbs and event nouns).
    cameo: Vec<Option<&'static str>>,
}

impl<'a> SentenceView<'a> {
    /// Builds the view of sentence `si`.
    pub fn new(ann: &'a Annotated, si: usize, ctx: &Context<'a>) -> Self {
        let toks = &ann.sentences[si].tokens;
        let tree = Tree::new(ann, si);
        let mut buf = String::new();
        let clusters = toks
            .iter()
            .map(|t| {
                ctx.clusters
                    .word_clusters(&t.form, &mut buf)
                    .map(|c| (c[1], c[2]))
            })
            .collect();
        let own: Vec<String>;
        let lower: &[String] = match &tree {
            Some(t) => &t.lower,
            None => {
                own = toks
                    .iter()
                    .map(|t| crate::gazetteer::norm_token(&t.form))
                    .collect();
                &own
            }
        };
        let lexicon: &'a Lexicon = ctx.lexicon;
        let lex = (0..toks.len())
            .map(|i| lexicon.match_at(lower, i).map(|(t, _)| t.relation.as_str()))
            .collect();
        let mut low = String::new();
        let cameo = toks
            .iter()
            .map(|t| {
                if !matches!(t.upos, "VERB" | "NOUN") {
                    return None;
                }
                low.clear();
                low.extend(t.lemma.chars().flat_map(char::to_lowercase));
                crate::lexicon::cameo_code(&low)
            })
            .collect();
        SentenceView {
            tree,
            clusters,
            cameo,
            lex,
            lemmas: toks.iter().map(|t| t.lemma.as_str()).collect(),
            upos: toks.iter().map(|t| t.upos).collect(),
        }
    }

    fn head(&self, m: &Mention) -> usize {
        let Some(tree) = &self.tree else {
            return m.tokens.end - 1;
        };
        m.tokens
            .clone()
            .find(|&i| tree.head(i).is_none_or(|h| !m.tokens.contains(&h)))
            .unwrap_or(m.tokens.end - 1)
    }

    /// The token that governs both mentions of a candidate, when parsed.
    pub fn lca(&self, ann: &Annotated, c: &Candidate) -> Option<usize> {
        let (ha, hb) = (self.head(&ann.mentions[c.a]), self.head(&ann.mentions[c.b]));
        self.path(ha, hb, &mut Vec::new(), &mut Vec::new())
    }

    /// Path from `x` up to the lowest common ancestor with `y` and down:
    /// (nodes up from x excluding the LCA, the LCA, nodes down to y excluding
    /// the LCA), or `None` when the parse does not connect them closely.
    fn path(
        &self,
        x: usize,
        y: usize,
        up: &mut Vec<usize>,
        down: &mut Vec<usize>,
    ) -> Option<usize> {
        let tree = self.tree.as_ref()?;
        up.clear();
        down.clear();
        let mut anc = Vec::with_capacity(12);
        let mut c = x;
        anc.push(c);
        for _ in 0..12 {
            match tree.head(c) {
                Some(h) => {
                    anc.push(h);
                    c = h;
                }
                None => break,
            }
        }
        let mut c = y;
        for _ in 0..13 {
            if let Some(pos) = anc.iter().position(|&n| n == c) {
                up.extend_from_slice(&anc[..pos]);
                down.reverse();
                return Some(c);
            }
            down.push(c);
            c = tree.head(c)?;
        }
        None
    }
}

/// Relation classes of the model: index 0 is "none".
pub const NONE: &str = "none";

fn bucket(d: usize) -> u64 {
    match d {
        0..=1 => d as u64,
        2..=3 => 2,
        4..=6 => 3,
        7..=10 => 4,
        11..=20 => 5,
        _ => 6,
    }
}

fn ty(m: &Mention) -> &'static str {
    m.kind.as_str()
}

/// The form class of a mention: a name, a pronoun or a description.
fn form(m: &Mention, view: &SentenceView, head: usize) -> &'static str {
    if m.is_name {
        "N"
    } else if view.upos.get(head) == Some(&"PRON")
        || m.tokens.len() == 1 && view.upos[m.tokens.start] == "DET"
    {
        "P"
    } else {
        "D"
    }
}

/// The relation features of candidate `c` (appended to `out`).
pub fn relation_features(
    ann: &Annotated,
    view: &SentenceView,
    rules: &RuleIndex,
    c: &Candidate,
    out: &mut Vec<u64>,
) {
    let (ma, mb) = (&ann.mentions[c.a], &ann.mentions[c.b]);
    let (ha, hb) = (view.head(ma), view.head(mb));
    let (ta, tb) = (ty(ma), ty(mb));
    let (fa, fb) = (form(ma, view, ha), form(mb, view, hb));
    let types = Key::new("ty").s(ta).s(tb);
    out.push(Key::new("bias").0);
    out.push(types.0);
    out.push(types.s(fa).s(fb).0);
    let before = ma.tokens.start < mb.tokens.start;
    let gap = if before {
        mb.tokens.start.saturating_sub(ma.tokens.end)
    } else {
        ma.tokens.start.saturating_sub(mb.tokens.end)
    };
    let order = if before { "ab" } else { "ba" };
    out.push(types.s(order).n(bucket(gap)).0);
    let nested = ma.tokens.start < mb.tokens.end && mb.tokens.start < ma.tokens.end;
    if nested {
        out.push(types.s("nested").0);
    }
    // Description and group heads say what the mention is ("diplomats").
    if !ma.is_name {
        out.push(Key::new("hda").s(view.lemmas[ha]).0);
    }
    if !mb.is_name {
        out.push(Key::new("hdb").s(view.lemmas[hb]).0);
    }
    // Words between.
    let (lo, hi) = if before {
        (ma.tokens.end, mb.tokens.start)
    } else {
        (mb.tokens.end, ma.tokens.start)
    };
    if hi > lo && hi - lo <= 12 {
        let mut seq = Key::new("bseq").s(order);
        for i in lo..hi {
            let w = view.lemmas[i];
            out.push(Key::new("bw").s(order).s(w).0);
            if let Some((mid, _)) = view.clusters[i] {
                out.push(Key::new("bc").s(order).n(mid as u64).0);
            }
            if let Some(r) = view.lex[i] {
                out.push(Key::new("blex").s(order).s(r).0);
                out.push(Key::new("blexty").s(order).s(r).s(ta).s(tb).0);
            }
            seq = seq.s(w);
        }
        if hi - lo <= 4 {
            out.push(seq.0);
        }
    } else if hi == lo && !nested {
        out.push(Key::new("adjacent").s(order).s(ta).s(tb).0);
    }
    // Words around the pair.
    let first = if before { ma } else { mb };
    let last = if before { mb } else { ma };
    if first.tokens.start > 0 {
        out.push(Key::new("w-1").s(view.lemmas[first.tokens.start - 1]).0);
    }
    if let Some(w) = view.lemmas.get(last.tokens.end) {
        out.push(Key::new("w+1").s(w).0);
    }
    // The dependency path.
    let mut up = Vec::new();
    let mut down = Vec::new();
    if let (Some(tree), Some(lca)) = (view.tree.as_ref(), view.path(ha, hb, &mut up, &mut down)) {
        let lca_lemma = view.lemmas[lca];
        let mut labels = Key::new("pl");
        for &n in &up {
            labels = labels.s(tree.deprel(n)).s("^");
        }
        for &n in &down {
            labels = labels.s(tree.deprel(n)).s("v");
        }
        let len = up.len() + down.len();
        out.push(labels.0);
        out.push(labels.s(ta).s(tb).0);
        let lemma_path = labels.s(lca_lemma);
        out.push(lemma_path.0);
        out.push(Key::new("plen").n(len.min(8) as u64).0);
        // Full path with words when short.
        if len <= 4 {
            let mut words = Key::new("pw");
            for &n in up.iter().skip(1) {
                words = words.s(tree.deprel(n)).s(view.lemmas[n]);
            }
            words = words.s(lca_lemma);
            for &n in down.iter().take(down.len().saturating_sub(1)) {
                words = words.s(tree.deprel(n)).s(view.lemmas[n]);
            }
            out.push(words.s(tree.deprel(ha)).s(tree.deprel(hb)).0);
        }
        // The first arc of each argument with the LCA lemma: the role.
        let ra = up.first().map(|&n| tree.deprel(n)).unwrap_or("self");
        let rb = down.last().map(|&n| tree.deprel(n)).unwrap_or("self");
        let prep_b = down.last().and_then(|&n| tree.case_of(n)).unwrap_or("");
        let prep_a = up.first().and_then(|&n| tree.case_of(n)).unwrap_or("");
        out.push(Key::new("ra").s(ra).s(prep_a).0);
        out.push(Key::new("rb").s(rb).s(prep_b).0);
        out.push(Key::new("rab").s(ra).s(rb).s(prep_b).0);
        out.push(Key::new("ralca").s(ra).s(lca_lemma).0);
        out.push(Key::new("rblca").s(rb).s(prep_b).s(lca_lemma).0);
        out.push(Key::new("rablca").s(ra).s(rb).s(prep_b).s(lca_lemma).0);
        out.push(Key::new("lca").s(lca_lemma).0);
        out.push(Key::new("lcaty").s(lca_lemma).s(ta).s(tb).0);
        if let Some((mid, coarse)) = view.clusters[lca] {
            out.push(Key::new("lcac").n(mid as u64).0);
            out.push(Key::new("lcacr").n(mid as u64).s(ra).s(rb).0);
            out.push(Key::new("lcacc").n(coarse as u64).s(ra).s(rb).0);
        }
        // The event class of the trigger: an unseen verb of a known class
        // ("berate" beside "criticize") reads like the known ones.
        if let Some(code) = view.cameo[lca] {
            let (root, code3) = (&code[..2], &code[..code.len().min(3)]);
            out.push(Key::new("cam2").s(root).0);
            out.push(Key::new("cam3").s(code3).0);
            out.push(Key::new("cam2ty").s(root).s(ta).s(tb).0);
        }
        if let Some(r) = view.lex[lca] {
            out.push(Key::new("lcalex").s(r).0);
            out.push(Key::new("lcalexr").s(r).s(ra).s(rb).s(prep_b).0);
        }
        // Every word on the path.
        for &n in up
            .iter()
            .skip(1)
            .chain(down.iter().take(down.len().saturating_sub(1)))
        {
            out.push(Key::new("pwd").s(view.lemmas[n]).0);
            if let Some(r) = view.lex[n] {
                out.push(Key::new("plex").s(r).s(ra).s(rb).0);
                out.push(Key::new("plex1").s(r).0);
            }
            if let Some((mid, _)) = view.clusters[n] {
                out.push(Key::new("pc").n(mid as u64).0);
            }
        }
        // Dependents of the LCA that name the event ("held talks", "imposed sanctions").
        for &k in tree.kids(lca) {
            let rel = tree.deprel(k);
            if rel == "obj" || rel == "compound" || rel == "xcomp" {
                if let Some(r) = view.lex[k] {
                    out.push(Key::new("klex").s(rel).s(r).s(ra).s(rb).0);
                }
                out.push(Key::new("klem").s(rel).s(view.lemmas[k]).s(lca_lemma).0);
                if let Some(code) = view.cameo[k] {
                    out.push(Key::new("kcam").s(rel).s(&code[..2]).s(ra).s(rb).0);
                }
            }
        }
    } else {
        out.push(Key::new("nopath").s(order).0);
    }
    // What the hand rules proposed for this pair, in either direction.
    let mut any = false;
    for r in rules.of(c.sentence, c.ea, c.eb) {
        any = true;
        out.push(Key::new("rule").s(&r.relation).0);
        out.push(Key::new("rulety").s(&r.relation).s(ta).s(tb).0);
    }
    for r in rules.of(c.sentence, c.eb, c.ea) {
        any = true;
        out.push(Key::new("rulerev").s(&r.relation).0);
    }
    if !any {
        out.push(Key::new("norule").0);
    }
    for f in ann.facts.iter() {
        if f.subject == c.a && f.object == c.b {
            out.push(Key::new("fact").s(f.relation).0);
        } else if f.subject == c.b && f.object == c.a {
            out.push(Key::new("factrev").s(f.relation).0);
        }
    }
}

/// The modality features of candidate `c` (appended to `out`).
pub fn modality_features(
    ann: &Annotated,
    view: &SentenceView,
    rules: &RuleIndex,
    c: &Candidate,
    out: &mut Vec<u64>,
) {
    out.push(Key::new("mbias").0);
    let (ma, mb) = (&ann.mentions[c.a], &ann.mentions[c.b]);
    for r in rules
        .of(c.sentence, c.ea, c.eb)
        .chain(rules.of(c.sentence, c.eb, c.ea))
    {
        out.push(Key::new("mrule").s(r.modality.as_str()).0);
        out.push(Key::new("mrulerel").s(r.modality.as_str()).s(&r.relation).0);
    }
    let (ha, hb) = (view.head(ma), view.head(mb));
    let mut up = Vec::new();
    let mut down = Vec::new();
    let Some(tree) = view.tree.as_ref() else {
        out.push(Key::new("mnotree").0);
        return;
    };
    let Some(lca) = view.path(ha, hb, &mut up, &mut down) else {
        out.push(Key::new("mnopath").0);
        return;
    };
    let cue: Modality = of_trigger(tree, lca);
    out.push(Key::new("mcue").s(cue.as_str()).0);
    out.push(
        Key::new("mcuelex")
            .s(cue.as_str())
            .s(view.lex[lca].unwrap_or("-"))
            .0,
    );
    out.push(Key::new("mlca").s(view.lemmas[lca]).0);
    out.push(Key::new("mxpos").s(tree.xpos(lca)).0);
    // The words that govern the event: its own dependents and those of the
    // clauses above it.
    let mut x = lca;
    for level in 0..4u64 {
        for &k in tree.kids(x) {
            let rel = tree.deprel(k);
            if matches!(rel, "aux" | "advmod" | "mark" | "det" | "neg" | "cop")
                || rel.starts_with("aux")
            {
                out.push(Key::new("mkid").n(level.min(1)).s(rel).s(view.lemmas[k]).0);
            }
        }
        if level > 0 {
            out.push(Key::new("mgov").n(level.min(2)).s(view.lemmas[x]).0);
            if let Some((mid, _)) = view.clusters[x] {
                out.push(Key::new("mgovc").n(mid as u64).0);
            }
        }
        match tree.head(x) {
            Some(h) => x = h,
            None => break,
        }
    }
    // Words just before the event.
    for i in lca.saturating_sub(3)..lca {
        out.push(Key::new("mpre").s(view.lemmas[i]).0);
    }
    for w in ["if", "whether", "not", "never", "no", "will", "would"] {
        if view.lemmas.contains(&w) {
            out.push(Key::new("msent").s(w).0);
        }
    }
}
