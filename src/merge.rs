//! Merge: fold the entities and relations of every document into one graph,
//! one node per real entity and one edge per (source, relation, target,
//! modality), deterministically.
//!
//! Documents are added in input order; the final pass joins what only the
//! whole collection can tell apart (a bare surname in one article, the full
//! name in another; the same name typed differently by two articles).

use crate::coref::match_key;
use crate::document::Annotated;
use crate::graph::{node_id, DocumentInfo, Edge, Evidence, KnowledgeGraph, Node};
use crate::ontology::{is_symmetric, EntityType, Modality};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What one document contributes to the graph (the output of the per-document
/// pipeline, small enough to send between threads).
#[derive(Debug, Clone, PartialEq)]
pub struct DocGraph {
    /// The document.
    pub info: DocumentInfo,
    /// (kind, key, name, aliases, mentions) per local entity.
    pub entities: Vec<DocEntity>,
    /// Relations between local entity indices, with evidence.
    pub relations: Vec<DocRelation>,
}

/// An entity as seen in one document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocEntity {
    /// Entity type.
    pub kind: EntityType,
    /// Resolution key.
    pub key: String,
    /// Canonical name in this document.
    pub name: String,
    /// Surface forms.
    pub aliases: Vec<String>,
    /// Mention count.
    pub mentions: usize,
    /// How its mentions were joined in the document: (surface, sentence, reason).
    pub joins: Vec<(String, usize, &'static str)>,
}

/// One merge decision, for `build --explain-merges`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MergeNote {
    /// The node the mention or entity ended in.
    pub node: String,
    /// The document (empty for decisions across documents).
    pub document: String,
    /// What was joined: a mention's words, or a per-document entity name.
    pub what: String,
    /// Sentence number in the document (1-based; 0 across documents).
    pub sentence: usize,
    /// Why.
    pub reason: String,
}

/// A relation as seen in one document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocRelation {
    /// Source entity (index into [`DocGraph::entities`]).
    pub source: usize,
    /// Target entity.
    pub target: usize,
    /// Relation type.
    pub relation: String,
    /// Modality.
    pub modality: Modality,
    /// Confidence.
    pub confidence: f64,
    /// Where it is stated.
    pub evidence: Evidence,
    /// Verb lemma of an open relation.
    pub lemma: Option<String>,
}

/// Converts an annotated document into its graph contribution, with evidence
/// offsets in code points of the text as read.
pub fn doc_graph(ann: &Annotated) -> DocGraph {
    let text = &ann.doc.text;
    // Byte → char offsets of sentence bounds, counted in one pass.
    let mut bounds: Vec<usize> = ann
        .sentences
        .iter()
        .flat_map(|s| [s.span.start, s.span.end])
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut chars = HashMap::with_capacity(bounds.len());
    let (mut byte, mut ch) = (0usize, 0usize);
    for b in bounds {
        ch += text[byte..b].chars().count();
        byte = b;
        chars.insert(b, ch);
    }
    let entities = ann
        .entities
        .iter()
        .enumerate()
        .map(|(i, e)| DocEntity {
            kind: e.kind,
            key: e.key.clone(),
            name: e.name.clone(),
            aliases: e.aliases.clone(),
            mentions: e.mentions,
            joins: ann
                .mentions
                .iter()
                .filter(|m| m.entity == Some(i))
                .map(|m| {
                    let gazetteer = m.is_name
                        && m.kind != EntityType::Person
                        && match_key(&m.text) != match_key(&m.name);
                    let why = match (gazetteer, m.why) {
                        (true, "first mention") => "first mention, named by the gazetteer as a spelling, demonym, capital or seat of government",
                        (true, _) => "gazetteer: a spelling, demonym, capital or seat of government of the name",
                        _ => m.why,
                    };
                    (m.text.clone(), m.sentence + 1, why)
                })
                .collect(),
        })
        .collect();
    let relations = ann
        .relations
        .iter()
        .map(|r| {
            let s = &ann.sentences[r.sentence];
            DocRelation {
                source: r.source,
                target: r.target,
                relation: r.relation.clone(),
                modality: r.modality,
                confidence: r.confidence,
                lemma: r.lemma.clone(),
                evidence: Evidence {
                    document: ann.doc.id.clone(),
                    sentence: kept_text(text, &ann.kept, &s.span),
                    start: chars[&s.span.start],
                    end: chars[&s.span.end],
                    trigger: r.trigger.clone(),
                    date: ann.doc.date.clone(),
                    event_date: r.event_date.clone(),
                },
            }
        })
        .collect();
    DocGraph {
        info: DocumentInfo {
            id: ann.doc.id.clone(),
            source: ann.doc.source.clone(),
            title: ann
                .doc
                .title
                .as_deref()
                .and_then(crate::document::clip_title),
            date: ann.doc.date.clone(),
            url: ann.doc.url.clone(),
        },
        entities,
        relations,
    }
}

/// The text of a sentence as cleaning kept it: the cut parts (link-text
/// runs, credits) left out, whitespace collapsed.
fn kept_text(text: &str, kept: &[std::ops::Range<usize>], span: &std::ops::Range<usize>) -> String {
    let pieces: Vec<&str> = kept
        .iter()
        .filter(|r| r.start < span.end && span.start < r.end)
        .map(|r| &text[r.start.max(span.start)..r.end.min(span.end)])
        .collect();
    if pieces.is_empty() {
        return collapse(&text[span.clone()]);
    }
    collapse(&pieces.join(" "))
}

/// Whitespace (line breaks inside a sentence) as single spaces.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Default)]
struct GlobalEntity {
    kind: EntityType,
    key: String,
    names: BTreeMap<String, usize>,
    aliases: BTreeSet<String>,
    mentions: usize,
    documents: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct EdgeAcc {
    count: usize,
    miss: f64,
    evidence: BTreeSet<Evidence>,
    lemma: Option<String>,
}

/// Accumulates documents into one graph.
#[derive(Debug, Default)]
pub struct Merger {
    entities: Vec<GlobalEntity>,
    index: HashMap<(EntityType, String), usize>,
    edges: BTreeMap<(usize, String, usize, Modality), EdgeAcc>,
    documents: Vec<DocumentInfo>,
    /// Merge decisions by global entity, kept only when asked for.
    notes: Option<Vec<(usize, MergeNote)>>,
}

impl Merger {
    /// An empty merger.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty merger that records why it joins what it joins.
    pub fn explaining() -> Self {
        Merger {
            notes: Some(Vec::new()),
            ..Self::default()
        }
    }

    /// Adds one document's entities and relations.
    pub fn add(&mut self, dg: DocGraph) {
        let doc = dg.info.id.clone();
        let ids: Vec<usize> = dg
            .entities
            .into_iter()
            .map(|e| {
                let key = if e.key.is_empty() {
                    match_key(&e.name)
                } else {
                    e.key.clone()
                };
                let next = self.entities.len();
                let gi = *self.index.entry((e.kind, key.clone())).or_insert(next);
                if gi == next {
                    self.entities.push(GlobalEntity {
                        kind: e.kind,
                        key,
                        ..Default::default()
                    });
                }
                if let Some(notes) = &mut self.notes {
                    for (what, sentence, why) in &e.joins {
                        notes.push((
                            gi,
                            MergeNote {
                                node: String::new(),
                                document: doc.clone(),
                                what: what.clone(),
                                sentence: *sentence,
                                reason: why.to_string(),
                            },
                        ));
                    }
                    if gi != next {
                        let g = &self.entities[gi];
                        let same = g.names.contains_key(&e.name);
                        notes.push((
                            gi,
                            MergeNote {
                                node: String::new(),
                                document: doc.clone(),
                                what: e.name.clone(),
                                sentence: 0,
                                reason: if same {
                                    "same name as in an earlier document".into()
                                } else {
                                    format!("same spelling-insensitive key '{}' as in an earlier document", g.key)
                                },
                            },
                        ));
                    }
                }
                let g = &mut self.entities[gi];
                *g.names.entry(e.name).or_default() += e.mentions.max(1);
                g.aliases.extend(e.aliases);
                g.mentions += e.mentions;
                g.documents.insert(doc.clone());
                gi
            })
            .collect();
        for r in dg.relations {
            let (s, t) = (ids[r.source], ids[r.target]);
            if s == t {
                continue;
            }
            let acc = self
                .edges
                .entry((s, r.relation, t, r.modality))
                .or_default();
            acc.count += 1;
            acc.miss = if acc.count == 1 {
                1.0 - r.confidence
            } else {
                acc.miss * (1.0 - r.confidence)
            };
            acc.evidence.insert(r.evidence);
            if acc.lemma.is_none() {
                acc.lemma = r.lemma;
            }
        }
        self.documents.push(dg.info);
    }

    /// Joins entities across documents: bare surnames into the one full name
    /// that ends with them, and one name typed two ways into its commonest type.
    fn resolve(&self) -> (Vec<usize>, Vec<(usize, String)>) {
        let n = self.entities.len();
        let mut parent: Vec<usize> = (0..n).collect();
        let mut why: Vec<(usize, String)> = Vec::new();
        // Same key, different types (not groups): the type with most mentions wins.
        let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, e) in self.entities.iter().enumerate() {
            if e.kind != EntityType::Group {
                by_key.entry(e.key.as_str()).or_default().push(i);
            }
        }
        for group in by_key.values().filter(|g| g.len() > 1) {
            let best = *group
                .iter()
                .max_by_key(|&&i| (self.entities[i].mentions, std::cmp::Reverse(i)))
                .unwrap_or(&group[0]);
            for &i in group {
                parent[i] = best;
                if i != best {
                    why.push((
                        i,
                        format!(
                            "the same name typed {} and {}: the type with more mentions wins",
                            self.entities[i].kind.as_str(),
                            self.entities[best].kind.as_str()
                        ),
                    ));
                }
            }
        }
        // Surnames: a one-word person joins the only multi-word person it ends (or starts).
        let full: Vec<(usize, Vec<&str>)> = self
            .entities
            .iter()
            .enumerate()
            .filter(|(i, e)| {
                e.kind == EntityType::Person
                    && parent[*i] == *i
                    && e.key.split(' ').filter(|w| w.len() > 1).count() > 1
            })
            .map(|(i, e)| (i, e.key.split(' ').collect()))
            .collect();
        for (i, e) in self.entities.iter().enumerate() {
            if parent[i] != i || e.kind != EntityType::Person {
                continue;
            }
            let words: Vec<&str> = e.key.split(' ').collect();
            // "Putin" or "V. Putin": the surname, and initials that fit the full name.
            let initials = words.len() > 1 && words[..words.len() - 1].iter().all(|w| w.len() == 1);
            if words.len() > 1 && !initials {
                continue;
            }
            let last = words[words.len() - 1];
            let cands: Vec<usize> = full
                .iter()
                .filter(|(j, w)| {
                    *j != i
                        && w.last() == Some(&last)
                        && (!initials || w.first().is_some_and(|f| f.starts_with(words[0])))
                })
                .map(|(j, _)| *j)
                .collect();
            // Family name first ("Kim" for "Kim Jong Un"): only a clearly
            // dominant full name takes it.
            let family_first: Vec<usize> = if cands.is_empty() && !initials {
                full.iter()
                    .filter(|(j, w)| *j != i && w.len() > 2 && w.first() == Some(&last))
                    .map(|(j, _)| *j)
                    .collect()
            } else {
                Vec::new()
            };
            // One candidate, or one that clearly dominates the others ("Vladimir
            // Putin" over a stray "Vladimir V. Putin" or a mis-cut name run).
            let mut ranked: Vec<(usize, usize)> = cands
                .iter()
                .map(|&j| (self.entities[j].mentions, j))
                .collect();
            ranked.sort_by(|a, b| b.cmp(a));
            if !family_first.is_empty() {
                let mut ranked: Vec<(usize, usize)> = family_first
                    .iter()
                    .map(|&j| (self.entities[j].mentions, j))
                    .collect();
                ranked.sort_by(|a, b| b.cmp(a));
                let (top, best) = ranked[0];
                let second = ranked.get(1).map_or(0, |r| r.0);
                if top >= 5 * second.max(1) && top >= 5 {
                    parent[i] = best;
                    why.push((
                        i,
                        "family name of the full name that has at least 5 times the mentions of any other that starts with it".into(),
                    ));
                }
                continue;
            }
            match ranked.as_slice() {
                [(_, only)] => {
                    parent[i] = *only;
                    why.push((
                        i,
                        "surname or initials of the only full name that fits".into(),
                    ));
                }
                [(top, best), (second, _), ..] if *top >= 5 * (*second).max(1) => {
                    parent[i] = *best;
                    why.push((
                        i,
                        "surname or initials of the full name that has at least 5 times the mentions of any other that fits".into(),
                    ));
                }
                _ => {}
            }
        }
        self.join_variants(&mut parent, &mut why);
        (parent, why)
    }

    /// Joins spellings of one name that keys cannot see: an acronym and the
    /// name it abbreviates, "U.S. X" and "X", a name and another entity's
    /// alias, a person with and without a middle name or under a nickname.
    /// Each join needs exactly one candidate; generic names ("Foreign
    /// Ministry", "Embassy") never lose their qualifier.
    fn join_variants(&self, parent: &mut [usize], why: &mut Vec<(usize, String)>) {
        let n = self.entities.len();
        let root = |parent: &[usize], mut i: usize| {
            while parent[i] != i {
                i = parent[i];
            }
            i
        };
        // (kind, variant key) → roots that have it.
        let mut variants: BTreeMap<(EntityType, String), BTreeSet<usize>> = BTreeMap::new();
        let mut own: Vec<Vec<(String, &'static str)>> = vec![Vec::new(); n];
        for (i, e) in self.entities.iter().enumerate() {
            if parent[i] != i || e.kind == EntityType::Group {
                continue;
            }
            for (v, reason) in variant_keys(e) {
                variants.entry((e.kind, v.clone())).or_default().insert(i);
                own[i].push((v, reason));
            }
        }
        for (i, e) in self.entities.iter().enumerate() {
            if parent[i] != i || e.kind == EntityType::Group {
                continue;
            }
            // The entity's own key as another's variant (its acronym, alias, short form).
            let Some(others) = variants.get(&(e.kind, e.key.clone())) else {
                continue;
            };
            let others: BTreeSet<usize> = others
                .iter()
                .map(|&j| root(parent, j))
                .filter(|&j| j != root(parent, i))
                .collect();
            if let [j] = others.into_iter().collect::<Vec<_>>().as_slice() {
                let reason = own[*j]
                    .iter()
                    .find(|(v, _)| *v == e.key)
                    .map_or("a spelling of the name", |(_, r)| r);
                let (small, big) = if self.entities[i].mentions > self.entities[*j].mentions {
                    (*j, i)
                } else {
                    (i, *j)
                };
                let r = root(parent, big);
                parent[root(parent, small)] = r;
                why.push((small, reason.to_string()));
            }
        }
        // Person variants that are not anyone's key ("Rex W. Tillerson" and
        // "Rex Tillerson" both give "rex tillerson").
        for ((kind, _), set) in &variants {
            if *kind != EntityType::Person || set.len() < 2 {
                continue;
            }
            let roots: BTreeSet<usize> = set.iter().map(|&j| root(parent, j)).collect();
            if roots.len() < 2 {
                continue;
            }
            let big = *roots
                .iter()
                .max_by_key(|&&j| (self.entities[j].mentions, std::cmp::Reverse(j)))
                .unwrap_or(&0);
            for &j in &roots {
                if j != big {
                    parent[j] = big;
                    why.push((
                        j,
                        "the same first and last name, without a middle name or under a nickname"
                            .into(),
                    ));
                }
            }
        }
        for i in 0..n {
            parent[i] = root(parent, i);
        }
    }

    /// The merged, sorted graph.
    pub fn finish(self) -> KnowledgeGraph {
        self.finish_explained().0
    }

    /// The merged graph and, for a merger made by [`Merger::explaining`],
    /// its merge decisions sorted by node.
    pub fn finish_explained(mut self) -> (KnowledgeGraph, Vec<MergeNote>) {
        let (parent, why) = self.resolve();
        let mut notes = self.notes.take();
        if let Some(notes) = &mut notes {
            for (i, reason) in why {
                let name = self.entities[i]
                    .names
                    .iter()
                    .max_by_key(|(_, c)| **c)
                    .map(|(n, _)| n.clone())
                    .unwrap_or_default();
                notes.push((
                    i,
                    MergeNote {
                        node: String::new(),
                        document: String::new(),
                        what: name,
                        sentence: 0,
                        reason,
                    },
                ));
            }
        }
        // Fold entities into their representatives.
        let mut folded: BTreeMap<usize, GlobalEntity> = BTreeMap::new();
        for (i, e) in self.entities.into_iter().enumerate() {
            let root = parent[i];
            let f = folded.entry(root).or_default();
            if root == i {
                f.kind = e.kind;
                f.key = e.key.clone();
            }
            for (name, c) in e.names {
                *f.names.entry(name).or_default() += c;
            }
            f.aliases.extend(e.aliases);
            f.mentions += e.mentions;
            f.documents.extend(e.documents);
        }
        let mut ids: HashMap<usize, String> = HashMap::new();
        let mut used: BTreeSet<String> = BTreeSet::new();
        let mut graph = KnowledgeGraph::new();
        for (root, e) in &folded {
            let label = pick_label(e);
            let mut id = node_id(e.kind, &label);
            let base = id.clone();
            let mut k = 2;
            while used.contains(&id) {
                id = format!("{base}-{k}");
                k += 1;
            }
            used.insert(id.clone());
            ids.insert(*root, id.clone());
            let mut aliases: BTreeSet<String> = e.aliases.clone();
            aliases.insert(label.clone());
            graph.add_node(Node {
                id,
                label,
                kind: e.kind,
                aliases: aliases.into_iter().collect(),
                mentions: e.mentions,
                documents: e.documents.iter().cloned().collect(),
            });
        }
        // Edges: re-pointed, symmetric ones ordered, duplicates folded.
        let mut edges: BTreeMap<(String, String, String, Modality), EdgeAcc> = BTreeMap::new();
        for ((s, rel, t, m), acc) in self.edges {
            let (mut si, mut ti) = (ids[&parent[s]].clone(), ids[&parent[t]].clone());
            if si == ti {
                continue;
            }
            if is_symmetric(&rel) && si > ti {
                std::mem::swap(&mut si, &mut ti);
            }
            let e = edges.entry((si, rel, ti, m)).or_default();
            e.miss = if e.count == 0 {
                acc.miss
            } else {
                e.miss * acc.miss
            };
            e.count += acc.count;
            e.evidence.extend(acc.evidence);
            if e.lemma.is_none() {
                e.lemma = acc.lemma;
            }
        }
        for ((source, relation, target, modality), acc) in edges {
            let confidence = ((1.0 - acc.miss) * 100.0).round() / 100.0;
            graph.add_edge(Edge {
                key: format!("{relation}/{modality}"),
                source,
                target,
                relation,
                modality,
                count: acc.count,
                confidence,
                evidence: acc.evidence.into_iter().collect(),
                lemma: acc.lemma,
            });
        }
        let mut docs = self.documents;
        docs.sort();
        docs.dedup_by(|a, b| a.id == b.id);
        graph.meta.documents = docs;
        let mut notes: Vec<MergeNote> = notes
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(i, mut n)| {
                n.node = ids.get(&parent[i])?.clone();
                Some(n)
            })
            .collect();
        notes.sort();
        notes.dedup();
        (graph, notes)
    }
}

/// Writes merge decisions as TSV (node, document, sentence, what, reason).
pub fn write_notes(notes: &[MergeNote], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(out, "node\tdocument\tsentence\tjoined\treason")?;
    for n in notes {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            n.node,
            clean(&n.document),
            n.sentence,
            clean(&n.what),
            n.reason
        )?;
    }
    Ok(())
}

/// The canonical label: for people the fullest name; otherwise the commonest.
fn pick_label(e: &GlobalEntity) -> String {
    let mut names: Vec<(&String, &usize)> = e.names.iter().collect();
    names.sort_by(|a, b| {
        let words = |s: &str| s.split_whitespace().count();
        let primary = if e.kind == EntityType::Person {
            words(b.0).cmp(&words(a.0))
        } else {
            std::cmp::Ordering::Equal
        };
        primary.then(b.1.cmp(a.1)).then(a.0.cmp(b.0))
    });
    names.first().map(|(n, _)| (*n).clone()).unwrap_or_default()
}

const NICKNAMES: &str = include_str!("../data/gazetteer/nicknames.tsv");

/// Short given name → the full one ("bob" → "robert").
fn nicknames() -> &'static HashMap<&'static str, &'static str> {
    static N: std::sync::OnceLock<HashMap<&'static str, &'static str>> = std::sync::OnceLock::new();
    N.get_or_init(|| {
        let mut m = HashMap::new();
        for l in NICKNAMES.lines().filter(|l| !l.starts_with('#')) {
            let mut f = l.split('\t');
            let Some(full) = f.next() else { continue };
            for w in f {
                m.entry(w.trim()).or_insert(full);
            }
        }
        m
    })
}

use crate::gazetteer::GENERIC_HEADS;

/// Words an acronym skips.
const ACRONYM_SKIP: [&str; 7] = ["of", "and", "the", "for", "on", "in", "to"];

/// Other keys under which an entity may be named.
fn variant_keys(e: &GlobalEntity) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let words: Vec<&str> = e.key.split(' ').collect();
    match e.kind {
        EntityType::Person => {
            if words.len() >= 2
                && !words
                    .iter()
                    .any(|w| matches!(*w, "jr" | "sr" | "ii" | "iii"))
            {
                let first = nicknames().get(words[0]).copied().unwrap_or(words[0]);
                let last = words[words.len() - 1];
                if last.len() > 1 && first.len() > 1 {
                    out.push((format!("{first} {last}"), "the same first and last name"));
                }
            }
        }
        _ => {
            if words.len() >= 2 {
                let initials: String = words
                    .iter()
                    .filter(|w| !ACRONYM_SKIP.contains(w))
                    .filter_map(|w| w.chars().next())
                    .collect();
                if initials.chars().count() >= 2 {
                    out.push((initials, "an acronym of the full name"));
                }
                let head = words[words.len() - 1];
                for prefix in [&["us"][..], &["united", "states"], &["american"]] {
                    if words.len() > prefix.len()
                        && words[..prefix.len()] == *prefix
                        && !GENERIC_HEADS.contains(&head)
                    {
                        out.push((
                            words[prefix.len()..].join(" "),
                            "the same name without \"U.S.\"",
                        ));
                    }
                }
            }
            // A country's aliases include the capital that acts for it; the
            // city itself stays its own node.
            for a in e.aliases.iter().filter(|_| e.kind != EntityType::Gpe) {
                let k = match_key(a);
                let generic = k
                    .rsplit(' ')
                    .next()
                    .is_some_and(|w| GENERIC_HEADS.contains(&w));
                if k != e.key && !k.is_empty() && !generic {
                    out.push((k, "an alias of the entity in another article"));
                }
            }
        }
    }
    out
}
