//! A read-only view of one parsed sentence: children lists, lemmas and
//! labels, and which entity mention each token belongs to.

use crate::document::{Annotated, Mention, Token};
use crate::gazetteer::norm_token;

/// One parsed sentence with its mentions.
pub(super) struct Tree<'a> {
    pub toks: &'a [Token],
    /// Lower-cased forms (curly apostrophes straightened).
    pub lower: Vec<String>,
    kids: Vec<Vec<usize>>,
    /// The outermost resolved mention each token belongs to (index into
    /// `Annotated::mentions`).
    pub ment: Vec<Option<usize>>,
    /// Further mentions of exactly the same words ("the two leaders" stands
    /// for two people).
    pub also: Vec<Vec<usize>>,
    /// For a person who leads a country in this article, a mention of it
    /// ("the Putin government" acts for Russia).
    pub leads: Vec<(usize, usize)>,
    pub mentions: &'a [Mention],
}

impl<'a> Tree<'a> {
    /// The view of sentence `si`; `None` when it has no parse.
    pub fn new(ann: &'a Annotated, si: usize) -> Option<Tree<'a>> {
        let toks = &ann.sentences[si].tokens[..];
        if toks.is_empty() || toks.iter().any(|t| t.deprel.is_empty()) {
            return None;
        }
        let n = toks.len();
        let mut kids = vec![Vec::new(); n];
        for (i, t) in toks.iter().enumerate() {
            if let Some(h) = t.head.filter(|&h| h < n) {
                kids[h].push(i);
            }
        }
        let mut ment: Vec<Option<usize>> = vec![None; n];
        for (mi, m) in ann.mentions.iter().enumerate() {
            if m.sentence != si || m.entity.is_none() || m.tokens.end > n {
                continue;
            }
            for t in m.tokens.clone() {
                let longer = ment[t].is_none_or(|o| {
                    let o = &ann.mentions[o];
                    o.tokens.len() < m.tokens.len()
                });
                if longer {
                    ment[t] = Some(mi);
                }
            }
        }
        let mut also: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (mi, m) in ann.mentions.iter().enumerate() {
            if m.sentence != si || m.entity.is_none() || m.tokens.end > n {
                continue;
            }
            for t in m.tokens.clone() {
                if let Some(o) = ment[t] {
                    if o != mi && ann.mentions[o].tokens == m.tokens {
                        also[t].push(mi);
                    }
                }
            }
        }
        let leads = ann
            .facts
            .iter()
            .filter(|f| f.relation == "leader_of")
            .filter(|f| ann.mentions[f.object].kind == crate::ontology::EntityType::Gpe)
            .filter_map(|f| Some((ann.mentions[f.subject].entity?, f.object)))
            .collect();
        Some(Tree {
            toks,
            also,
            leads,
            lower: toks.iter().map(|t| norm_token(&t.form)).collect(),
            kids,
            ment,
            mentions: &ann.mentions,
        })
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }

    pub fn head(&self, i: usize) -> Option<usize> {
        self.toks[i].head
    }

    pub fn deprel(&self, i: usize) -> &'static str {
        self.toks[i].deprel
    }

    pub fn lemma(&self, i: usize) -> &str {
        &self.toks[i].lemma
    }

    pub fn upos(&self, i: usize) -> &'static str {
        self.toks[i].upos
    }

    pub fn xpos(&self, i: usize) -> &'static str {
        self.toks[i].xpos
    }

    pub fn kids(&self, i: usize) -> &[usize] {
        &self.kids[i]
    }

    /// Children whose label is `rel` or a subtype of it (`obl` matches `obl:tmod`).
    pub fn kids_with<'s>(&'s self, i: usize, rel: &'s str) -> impl Iterator<Item = usize> + 's {
        self.kids[i]
            .iter()
            .copied()
            .filter(move |&k| label_is(self.toks[k].deprel, rel))
    }

    /// The first child with exactly this label.
    pub fn kid(&self, i: usize, rel: &str) -> Option<usize> {
        self.kids[i]
            .iter()
            .copied()
            .find(|&k| self.toks[k].deprel == rel)
    }

    /// The preposition (`case` child) of a nominal, lower-cased; multiword
    /// ones joined ("ahead of").
    pub fn case_of(&self, i: usize) -> Option<&str> {
        self.kids[i]
            .iter()
            .copied()
            .filter(|&k| self.toks[k].deprel == "case" && k < i)
            .map(|k| self.lower[k].as_str())
            .next_back()
    }

    /// The last token of the subtree headed by `i`.
    pub fn subtree_end(&self, i: usize) -> usize {
        let mut end = i;
        let mut stack = vec![i];
        while let Some(x) = stack.pop() {
            end = end.max(x);
            stack.extend(self.kids[x].iter().copied());
        }
        end
    }

    /// The predicate a conjoined verb `v` really continues: its head, unless
    /// a verb ends right before it ("… after Putin backed Assad, annexed
    /// Crimea and invaded Ukraine", where the parser hung the conjuncts on a
    /// verb further up).
    pub fn conj_anchor(&self, v: usize) -> Option<usize> {
        let h = self.head(v)?;
        if h >= v {
            return Some(h);
        }
        self.verb_before(v, h + 1).1.or(Some(h))
    }

    /// The verb whose phrase ends just before `v`, across the commas and
    /// conjunctions (at least one) that separate them.
    pub fn predicate_before(&self, v: usize) -> Option<usize> {
        let (k, u) = self.verb_before(v, 0);
        if k == v {
            None
        } else {
            u
        }
    }

    /// Where the commas and conjunctions right before `v` start (`v` if
    /// there are none), and the nearest verb from `lo` on whose phrase ends
    /// there.
    fn verb_before(&self, v: usize, lo: usize) -> (usize, Option<usize>) {
        let mut k = v;
        while k > lo && matches!(self.upos(k - 1), "PUNCT" | "CCONJ") {
            k -= 1;
        }
        let u = (lo..k)
            .rev()
            .find(|&u| self.upos(u) == "VERB" && self.subtree_end(u) + 1 == k);
        (k, u)
    }

    /// Whether a token can stand for an entity (a nominal).
    pub fn nominal(&self, i: usize) -> bool {
        self.ment[i].is_some() || matches!(self.upos(i), "NOUN" | "PROPN" | "PRON" | "NUM" | "X")
    }

    /// Whether a token heads a clause (a verb, or a predicate with a copula).
    pub fn verbal(&self, i: usize) -> bool {
        self.upos(i) == "VERB" || self.kid(i, "cop").is_some()
    }

    /// Whether a verb is passive ("was expelled", "were detained and charged").
    pub fn passive(&self, v: usize) -> bool {
        if self.kids_with(v, "nsubj:pass").next().is_some()
            || self.kids_with(v, "aux:pass").next().is_some()
        {
            return true;
        }
        self.xpos(v) == "VBN"
            && self.deprel(v) == "conj"
            && self.kid(v, "nsubj").is_none()
            && self
                .head(v)
                .is_some_and(|h| h != v && self.kids_with(h, "aux:pass").next().is_some())
    }
}

/// `rel` or a subtype of it.
pub(super) fn label_is(label: &str, rel: &str) -> bool {
    label == rel
        || (label.len() > rel.len()
            && label.starts_with(rel)
            && label.as_bytes()[rel.len()] == b':')
}
