//! The merged knowledge graph, held in petgraph, and its JSON node-link form
//! (the contract of `GRAPH_JSON.md`).

use crate::ontology::{EntityType, Modality};
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// Version of the JSON schema written in `graph.schema`.
pub const SCHEMA_VERSION: &str = "1";

/// One entity of the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Stable id: `type:slug` of the canonical name.
    pub id: String,
    /// Canonical name: the fullest proper name seen.
    pub label: String,
    /// Entity type.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Every surface form resolved to this node, sorted.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// How many mentions were resolved to this node.
    #[serde(default)]
    pub mentions: usize,
    /// Ids of the documents that mention it, sorted.
    #[serde(default)]
    pub documents: Vec<String>,
}

/// Where an edge is stated.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Evidence {
    /// Document id.
    pub document: String,
    /// The sentence that states the relation.
    pub sentence: String,
    /// Sentence start, in Unicode code points of the document text as read.
    pub start: usize,
    /// Sentence end (exclusive), in code points.
    pub end: usize,
    /// The word(s) that triggered the relation.
    pub trigger: String,
    /// The article's date, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The event date stated in the sentence, ISO 8601, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_date: Option<String>,
}

/// One typed edge: (source, relation, target, modality) with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// Source node id (the actor).
    pub source: String,
    /// Target node id (the one acted on).
    pub target: String,
    /// `relation/modality`: unique among the edges between the same pair.
    pub key: String,
    /// Relation type.
    pub relation: String,
    /// How the text commits to it.
    pub modality: Modality,
    /// How many times it was found.
    pub count: usize,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// Where it is stated, sorted.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// The verb lemma of an open (untyped) relation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lemma: Option<String>,
}

/// One input document, as listed in the graph's metadata.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DocumentInfo {
    /// Document id (file stem or record id).
    pub id: String,
    /// Where it was read from.
    pub source: String,
    /// Title, when known.
    pub title: Option<String>,
    /// Publication date, when known.
    pub date: Option<String>,
    /// URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Graph-level metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphMeta {
    /// Schema version.
    pub schema: String,
    /// `newsgraph <version>`.
    pub generator: String,
    /// The documents the graph was built from, sorted by id.
    pub documents: Vec<DocumentInfo>,
}

impl Default for GraphMeta {
    fn default() -> Self {
        GraphMeta {
            schema: SCHEMA_VERSION.to_string(),
            generator: format!("newsgraph {}", env!("CARGO_PKG_VERSION")),
            documents: Vec::new(),
        }
    }
}

/// The node-link JSON document, field for field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphJson {
    /// Always true.
    pub directed: bool,
    /// Always true: several relations may link the same pair.
    pub multigraph: bool,
    /// Metadata.
    pub graph: GraphMeta,
    /// Nodes sorted by id.
    pub nodes: Vec<Node>,
    /// Edges sorted by (source, target, key).
    pub edges: Vec<Edge>,
}

/// Errors reading a saved graph.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// The file could not be read.
    #[error("cannot read graph {path}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a newsgraph JSON graph.
    #[error("{path} is not a newsgraph JSON graph")]
    Json {
        /// The file.
        path: String,
        /// Why.
        source: serde_json::Error,
    },
    /// An edge names a node that does not exist.
    #[error("{path}: edge {source_id} -> {target_id} names a node that is not in the graph")]
    DanglingEdge {
        /// The file.
        path: String,
        /// Edge source id.
        source_id: String,
        /// Edge target id.
        target_id: String,
    },
}

/// The knowledge graph: nodes and edges in a petgraph `StableDiGraph`, with an
/// index from node id to node.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeGraph {
    /// Graph-level metadata.
    pub meta: GraphMeta,
    /// The graph itself.
    pub graph: StableDiGraph<Node, Edge>,
    index: HashMap<String, NodeIndex>,
}

impl KnowledgeGraph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// The node index of `id`.
    pub fn node_index(&self, id: &str) -> Option<NodeIndex> {
        self.index.get(id).copied()
    }

    /// The node with `id`.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.node_index(id).map(|i| &self.graph[i])
    }

    /// Adds a node, or returns the existing node with the same id untouched.
    pub fn add_node(&mut self, node: Node) -> NodeIndex {
        if let Some(&i) = self.index.get(&node.id) {
            return i;
        }
        let id = node.id.clone();
        let i = self.graph.add_node(node);
        self.index.insert(id, i);
        i
    }

    /// Adds an edge between existing nodes (by id). Returns false if either is missing.
    pub fn add_edge(&mut self, edge: Edge) -> bool {
        match (self.node_index(&edge.source), self.node_index(&edge.target)) {
            (Some(s), Some(t)) => {
                self.graph.add_edge(s, t, edge);
                true
            }
            _ => false,
        }
    }

    /// Nodes sorted by id.
    pub fn nodes(&self) -> Vec<&Node> {
        let mut v: Vec<&Node> = self.graph.node_weights().collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    /// Edges sorted by (source, target, key).
    pub fn edges(&self) -> Vec<&Edge> {
        let mut v: Vec<&Edge> = self.graph.edge_weights().collect();
        v.sort_by(|a, b| (&a.source, &a.target, &a.key).cmp(&(&b.source, &b.target, &b.key)));
        v
    }

    /// Outgoing and incoming edges of a node.
    pub fn edges_of(&self, id: &str) -> Vec<&Edge> {
        let Some(i) = self.node_index(id) else {
            return Vec::new();
        };
        let mut v: Vec<&Edge> = self
            .graph
            .edges_directed(i, petgraph::Direction::Outgoing)
            .chain(self.graph.edges_directed(i, petgraph::Direction::Incoming))
            .map(|e| e.weight())
            .collect();
        v.sort_by(|a, b| (&a.source, &a.target, &a.key).cmp(&(&b.source, &b.target, &b.key)));
        v.dedup_by(|a, b| a.source == b.source && a.target == b.target && a.key == b.key);
        v
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The sorted node-link form.
    pub fn to_json(&self) -> GraphJson {
        GraphJson {
            directed: true,
            multigraph: true,
            graph: self.meta.clone(),
            nodes: self.nodes().into_iter().cloned().collect(),
            edges: self.edges().into_iter().cloned().collect(),
        }
    }

    /// Builds the graph from its node-link form.
    pub fn from_json(json: GraphJson) -> Result<Self, (String, String)> {
        let mut g = KnowledgeGraph {
            meta: json.graph,
            ..Default::default()
        };
        for n in json.nodes {
            g.add_node(n);
        }
        for e in json.edges {
            let (s, t) = (e.source.clone(), e.target.clone());
            if !g.add_edge(e) {
                return Err((s, t));
            }
        }
        Ok(g)
    }

    /// Reads a graph saved as JSON.
    pub fn load(path: &Path) -> Result<Self, GraphError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| GraphError::Io {
            path: p.clone(),
            source,
        })?;
        let json: GraphJson = serde_json::from_str(&text).map_err(|source| GraphError::Json {
            path: p.clone(),
            source,
        })?;
        Self::from_json(json).map_err(|(source_id, target_id)| GraphError::DanglingEdge {
            path: p,
            source_id,
            target_id,
        })
    }
}

/// The slug of a name for node ids: lower-case ASCII letters and digits,
/// accents removed, everything else collapsed to single dashes.
pub fn slug(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' && c != '\u{2019}' && c != '.' {
            dash = true;
        }
    }
    out
}

/// The node id of a name of the given type.
pub fn node_id(kind: EntityType, name: &str) -> String {
    format!("{}:{}", kind.id_prefix(), slug(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_folds_case_accents_and_punctuation() {
        assert_eq!(slug("Sergey Lavrov"), "sergey-lavrov");
        assert_eq!(
            slug("U.S. Consulate in St. Petersburg"),
            "us-consulate-in-st-petersburg"
        );
        assert_eq!(slug("Café  Müller's"), "cafe-mullers");
        assert_eq!(
            node_id(EntityType::Person, "Kim Jong-un"),
            "person:kim-jong-un"
        );
    }

    #[test]
    fn json_round_trip_keeps_everything() {
        let mut g = KnowledgeGraph::new();
        for (id, label) in [("person:a", "A"), ("gpe:b", "B")] {
            g.add_node(Node {
                id: id.into(),
                label: label.into(),
                kind: EntityType::Person,
                aliases: vec![label.into()],
                mentions: 1,
                documents: vec!["d".into()],
            });
        }
        g.add_edge(Edge {
            source: "person:a".into(),
            target: "gpe:b".into(),
            key: "visited/asserted".into(),
            relation: "visited".into(),
            modality: Modality::Asserted,
            count: 1,
            confidence: 0.5,
            evidence: vec![],
            lemma: None,
        });
        let json = g.to_json();
        let back = KnowledgeGraph::from_json(json.clone()).unwrap();
        assert_eq!(back.to_json(), json);
        assert_eq!(back.edges_of("gpe:b").len(), 1);
    }
}
