//! Name resolution: turns what a person types ("lavrov", "Sergei Lavrov",
//! "person:sergey-lavrov") into one node, or explains why it cannot.

use crate::graph::{KnowledgeGraph, Node};
use crate::ontology::EntityType;
use petgraph::stable_graph::NodeIndex;
use std::collections::HashMap;
use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// The folded form of a name used for matching: accents removed, lower case,
/// apostrophes and periods dropped (so "U.S." = "us", "O'Neil" = "oneil"),
/// every other run of non-alphanumeric characters one space.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' && c != '\u{2019}' && c != '.' {
            space = true;
        }
    }
    out
}

/// The candidate that a name almost always means: at least ten times the
/// mentions of every other ("Putin" in a corpus graph that also holds a stray
/// "Contrasting Putin"). Comparable candidates stay ambiguous.
fn dominant(graph: &KnowledgeGraph, many: &[NodeIndex]) -> Option<NodeIndex> {
    let mut ranked: Vec<(usize, NodeIndex)> =
        many.iter().map(|&i| (graph.graph[i].mentions, i)).collect();
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(graph.graph[a.1].id.cmp(&graph.graph[b.1].id))
    });
    match ranked.as_slice() {
        [(top, best), (second, _), ..] if *top >= 10 * (*second).max(1) => Some(*best),
        _ => None,
    }
}

/// A candidate shown when a name is ambiguous or unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Node id.
    pub id: String,
    /// Canonical name.
    pub label: String,
    /// Entity type.
    pub kind: EntityType,
}

impl Candidate {
    fn of(node: &Node) -> Self {
        Candidate {
            id: node.id.clone(),
            label: node.label.clone(),
            kind: node.kind,
        }
    }
}

/// Why a name did not resolve to exactly one node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// Several nodes answer to the name.
    #[error("{}", ambiguous_message(.name, .candidates))]
    Ambiguous {
        /// The name as typed.
        name: String,
        /// Every node it could mean, sorted by id.
        candidates: Vec<Candidate>,
    },
    /// No node answers to the name.
    #[error("{}", unknown_message(.name, .suggestions))]
    Unknown {
        /// The name as typed.
        name: String,
        /// The closest names, best first.
        suggestions: Vec<Candidate>,
    },
}

fn candidate_lines(f: &mut String, candidates: &[Candidate]) {
    let w_id = candidates
        .iter()
        .map(|c| c.id.chars().count())
        .max()
        .unwrap_or(0);
    let w_label = candidates
        .iter()
        .map(|c| c.label.chars().count())
        .max()
        .unwrap_or(0);
    for c in candidates {
        use fmt::Write;
        let _ = write!(
            f,
            "\n  {:w_id$}  {:w_label$}  {}",
            c.id,
            c.label,
            c.kind,
            w_id = w_id,
            w_label = w_label
        );
    }
}

fn ambiguous_message(name: &str, candidates: &[Candidate]) -> String {
    let mut s = format!(
        "'{name}' is ambiguous: it names {} entities; give one of these ids instead:",
        candidates.len()
    );
    candidate_lines(&mut s, candidates);
    s
}

fn unknown_message(name: &str, suggestions: &[Candidate]) -> String {
    if suggestions.is_empty() {
        return format!("no entity is named '{name}' (try `newsgraph query entities --name TEXT`)");
    }
    let mut s = format!("no entity is named '{name}'; did you mean:");
    candidate_lines(&mut s, suggestions);
    s
}

/// Lookup tables from folded names to nodes, built once after loading so
/// each query resolves its names in constant time.
#[derive(Debug, Clone, Default)]
pub struct NameIndex {
    /// Exact node ids.
    ids: HashMap<String, NodeIndex>,
    /// Folded ids, labels and aliases.
    names: HashMap<String, Vec<NodeIndex>>,
    /// Folded last name token of PERSON labels: the weakest match, used
    /// only when nothing matches a full name.
    surnames: HashMap<String, Vec<NodeIndex>>,
}

impl NameIndex {
    /// Indexes every node of `graph`.
    pub fn new(graph: &KnowledgeGraph) -> Self {
        let mut index = NameIndex::default();
        for i in graph.graph.node_indices() {
            let node = &graph.graph[i];
            index.ids.insert(node.id.clone(), i);
            let push = |map: &mut HashMap<String, Vec<NodeIndex>>, key: String| {
                if key.is_empty() {
                    return;
                }
                let v = map.entry(key).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            };
            push(&mut index.names, normalize(&node.id));
            // The id without its `type:` prefix is the slug of the label,
            // which people paste from other tools.
            if let Some((_, slug)) = node.id.split_once(':') {
                push(&mut index.names, normalize(slug));
            }
            push(&mut index.names, normalize(&node.label));
            for alias in &node.aliases {
                push(&mut index.names, normalize(alias));
            }
            if node.kind == EntityType::Person {
                let folded = normalize(&node.label);
                if let Some(last) = folded.rsplit(' ').next() {
                    push(&mut index.surnames, last.to_string());
                }
            }
        }
        // Sorted by id so that candidate lists and ties are deterministic.
        for v in index.names.values_mut().chain(index.surnames.values_mut()) {
            v.sort_by(|a, b| graph.graph[*a].id.cmp(&graph.graph[*b].id));
        }
        index
    }

    /// Resolves `name` to one node: an exact id, else a folded id, label or
    /// alias, else the last name of a person.
    pub fn resolve(&self, graph: &KnowledgeGraph, name: &str) -> Result<NodeIndex, ResolveError> {
        let trimmed = name.trim();
        if let Some(&i) = self.ids.get(trimmed) {
            return Ok(i);
        }
        let key = normalize(trimmed);
        for map in [&self.names, &self.surnames] {
            match map.get(&key).map(Vec::as_slice) {
                Some([one]) => return Ok(*one),
                Some(many) if dominant(graph, many).is_some() => {
                    return Ok(dominant(graph, many).unwrap_or(many[0]));
                }
                Some(many) if !many.is_empty() => {
                    return Err(ResolveError::Ambiguous {
                        name: trimmed.to_string(),
                        candidates: many
                            .iter()
                            .map(|&i| Candidate::of(&graph.graph[i]))
                            .collect(),
                    })
                }
                _ => {}
            }
        }
        Err(ResolveError::Unknown {
            name: trimmed.to_string(),
            suggestions: self.suggest(graph, &key, 5),
        })
    }

    /// The nodes whose folded names are closest to `key` by edit distance
    /// (or that contain it as a word), best first, at most `limit`.
    pub fn suggest(&self, graph: &KnowledgeGraph, key: &str, limit: usize) -> Vec<Candidate> {
        if key.is_empty() {
            return Vec::new();
        }
        let len = key.chars().count();
        let max = (len / 3).max(2);
        let mut best: HashMap<NodeIndex, usize> = HashMap::new();
        for (name, nodes) in self.names.iter().chain(self.surnames.iter()) {
            let mut d = strsim::levenshtein(key, name);
            if d > max
                && name
                    .split(' ')
                    .any(|w| w == key || (len >= 4 && w.starts_with(key)))
            {
                // A word of a longer name: close, but never better than a typo.
                d = max;
            }
            if d > max {
                continue;
            }
            for &i in nodes {
                let e = best.entry(i).or_insert(d);
                *e = (*e).min(d);
            }
        }
        let mut ranked: Vec<(usize, &Node)> = best
            .into_iter()
            .map(|(i, d)| (d, &graph.graph[i]))
            .collect();
        ranked.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
        ranked
            .into_iter()
            .take(limit)
            .map(|(_, n)| Candidate::of(n))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, label: &str, aliases: &[&str]) -> Node {
        Node {
            id: id.into(),
            label: label.into(),
            kind: EntityType::Person,
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            mentions: 1,
            documents: vec![],
        }
    }

    fn graph() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        g.add_node(person(
            "person:sergey-lavrov",
            "Sergey Lavrov",
            &["Sergei Lavrov", "Lavrov"],
        ));
        g.add_node(person("person:jose-martinez", "José Martínez", &[]));
        g.add_node(person("person:ana-martinez", "Ana Martínez", &[]));
        g
    }

    #[test]
    fn normalize_folds_accents_case_and_punctuation() {
        assert_eq!(normalize("  José  MARTÍNEZ "), "jose martinez");
        assert_eq!(normalize("U.S. Consulate"), "us consulate");
        assert_eq!(normalize("person:kim-jong-un"), "person kim jong un");
        assert_eq!(normalize("O’Neil"), "oneil");
    }

    #[test]
    fn resolves_alias_label_id_and_surname() {
        let g = graph();
        let idx = NameIndex::new(&g);
        let id = |name: &str| g.graph[idx.resolve(&g, name).unwrap()].id.clone();
        assert_eq!(id("sergei lavrov"), "person:sergey-lavrov");
        assert_eq!(id("LAVROV"), "person:sergey-lavrov");
        assert_eq!(id("person:sergey-lavrov"), "person:sergey-lavrov");
        assert_eq!(id("sergey-lavrov"), "person:sergey-lavrov");
        assert_eq!(id("jose martinez"), "person:jose-martinez");
    }

    #[test]
    fn shared_surname_is_ambiguous_and_typos_get_suggestions() {
        let g = graph();
        let idx = NameIndex::new(&g);
        match idx.resolve(&g, "Martinez") {
            Err(ResolveError::Ambiguous { candidates, .. }) => {
                let ids: Vec<_> = candidates.iter().map(|c| c.id.as_str()).collect();
                assert_eq!(ids, ["person:ana-martinez", "person:jose-martinez"]);
            }
            other => panic!("{other:?}"),
        }
        match idx.resolve(&g, "Lavrof") {
            Err(ResolveError::Unknown { suggestions, .. }) => {
                assert_eq!(suggestions[0].id, "person:sergey-lavrov");
            }
            other => panic!("{other:?}"),
        }
        match idx.resolve(&g, "zzzzzzzz") {
            Err(ResolveError::Unknown { suggestions, .. }) => assert!(suggestions.is_empty()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_dominant_entity_takes_a_shared_name() {
        let mut g = KnowledgeGraph::new();
        let mut big = person(
            "person:olga-petrova",
            "Olga Petrova",
            &["Petrova", "Olga Petrova"],
        );
        big.mentions = 40;
        g.add_node(big);
        g.add_node(person("person:see-petrova", "See Petrova", &["Petrova"]));
        let index = NameIndex::new(&g);
        let i = index.resolve(&g, "petrova").unwrap();
        assert_eq!(g.graph[i].id, "person:olga-petrova");
    }
}
