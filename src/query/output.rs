//! What every answer is made of (entities and edges with their evidence), in
//! the stable JSON schema of `docs/QUERY.md`, and the text and DOT forms
//! shared by the commands.

use crate::export::dot;
use crate::export::Format;
use crate::graph::{Edge, Evidence, KnowledgeGraph, Node};
use crate::query::table::{shorten, Table};
use anyhow::Result;
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use serde::Serialize;
use std::collections::BTreeSet;

/// How many characters of a sentence a table shows without `--evidence`.
pub const EVIDENCE_WIDTH: usize = 80;

/// An entity as answers name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityRef {
    /// Node id.
    pub id: String,
    /// Canonical name.
    pub label: String,
    /// Entity type (`PERSON`, …).
    #[serde(rename = "type")]
    pub kind: String,
}

impl EntityRef {
    /// The reference to `node`.
    pub fn of(node: &Node) -> Self {
        EntityRef {
            id: node.id.clone(),
            label: node.label.clone(),
            kind: node.kind.as_str().to_string(),
        }
    }
}

/// One edge of an answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EdgeOut {
    /// Hops from the queried entity to the edge's farther end (`neighbors`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    /// Source node id (the actor).
    pub source: String,
    /// Source label.
    pub source_label: String,
    /// Relation type.
    pub relation: String,
    /// Target node id.
    pub target: String,
    /// Target label.
    pub target_label: String,
    /// `asserted`, `negated`, `uncertain` or `planned`.
    pub modality: String,
    /// Along the walk (`forward`) or against it (`backward`) for paths;
    /// `out` or `in` from the nearer node for neighbours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<&'static str>,
    /// How many times it was found.
    pub count: usize,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// The sentences that state it.
    pub evidence: Vec<Evidence>,
    /// Where it sits in the graph, for diagrams.
    #[serde(skip)]
    pub index: EdgeIndex,
}

impl EdgeOut {
    /// The answer form of the edge at `e`.
    pub fn of(graph: &KnowledgeGraph, e: EdgeIndex) -> Self {
        let edge: &Edge = &graph.graph[e];
        let label = |id: &str| graph.node(id).map(|n| n.label.clone()).unwrap_or_default();
        EdgeOut {
            depth: None,
            source: edge.source.clone(),
            source_label: label(&edge.source),
            relation: edge.relation.clone(),
            target: edge.target.clone(),
            target_label: label(&edge.target),
            modality: edge.modality.as_str().to_string(),
            direction: None,
            count: edge.count,
            confidence: edge.confidence,
            evidence: edge.evidence.clone(),
            index: e,
        }
    }

    /// The order rows are listed in, as a reader scans them: who, did
    /// what, to whom, how; ids break ties between equal labels.
    pub fn sort_key(&self) -> [&str; 6] {
        [
            &self.source_label,
            &self.relation,
            &self.target_label,
            &self.modality,
            &self.source,
            &self.target,
        ]
    }
}

/// The relation as drawn on a hop: `expelled`, or `met (planned)` when the
/// text does not simply assert it.
pub fn relation_text(relation: &str, modality: &str) -> String {
    if modality == "asserted" {
        relation.to_string()
    } else {
        format!("{relation} ({modality})")
    }
}

/// The edge rows of a table: `prefix` cells, then source, relation, target,
/// modality, count, document and evidence. Without `full`, one row per edge
/// with its first sentence shortened; with it, one row per sentence in full.
pub fn edge_rows(table: &mut Table, prefix: Vec<String>, e: &EdgeOut, full: bool) {
    let main = [
        e.source_label.clone(),
        e.relation.clone(),
        e.target_label.clone(),
        e.modality.clone(),
        e.count.to_string(),
    ];
    let cells = |first: bool, doc: String, sentence: String| -> Vec<String> {
        let lead: Vec<String> = if first {
            prefix.iter().cloned().chain(main.iter().cloned()).collect()
        } else {
            vec![String::new(); prefix.len() + main.len()]
        };
        lead.into_iter().chain([doc, sentence]).collect()
    };
    match (e.evidence.split_first(), full) {
        (None, _) => table.row(cells(true, String::new(), String::new())),
        (Some((ev, rest)), false) => {
            let doc = if rest.is_empty() {
                ev.document.clone()
            } else {
                format!("{} (+{})", ev.document, rest.len())
            };
            table.row(cells(true, doc, shorten(&ev.sentence, EVIDENCE_WIDTH)));
        }
        (Some(_), true) => {
            for (i, ev) in e.evidence.iter().enumerate() {
                table.row(cells(i == 0, ev.document.clone(), ev.sentence.clone()));
            }
        }
    }
}

/// The column titles that go with [`edge_rows`].
pub fn edge_header(prefix: &[&str]) -> Table {
    Table::new(prefix.iter().copied().chain([
        "SOURCE", "RELATION", "TARGET", "MODALITY", "COUNT", "DOCUMENT", "EVIDENCE",
    ]))
}

/// The part of the graph an answer is about, drawn with the styles of the
/// full DOT export.
#[derive(Debug, Default)]
pub struct Subgraph {
    nodes: BTreeSet<NodeIndex>,
    edges: BTreeSet<EdgeIndex>,
}

impl Subgraph {
    /// Adds a node.
    pub fn node(&mut self, n: NodeIndex) {
        self.nodes.insert(n);
    }

    /// Adds an edge and its two ends.
    pub fn edge(&mut self, graph: &KnowledgeGraph, e: EdgeIndex) {
        if let Some((s, t)) = graph.graph.edge_endpoints(e) {
            self.nodes.insert(s);
            self.nodes.insert(t);
            self.edges.insert(e);
        }
    }

    /// A graph holding just these nodes and edges.
    pub fn extract(&self, graph: &KnowledgeGraph) -> KnowledgeGraph {
        let mut sub = KnowledgeGraph::new();
        sub.meta = graph.meta.clone();
        for &n in &self.nodes {
            sub.add_node(graph.graph[n].clone());
        }
        for &e in &self.edges {
            sub.add_edge(graph.graph[e].clone());
        }
        sub
    }

    /// DOT text (`svg == false`) or an SVG rendered by Graphviz.
    pub fn render(&self, graph: &KnowledgeGraph, svg: bool) -> Result<Vec<u8>> {
        let sub = self.extract(graph);
        if svg {
            dot::render(&sub, Format::Svg)
        } else {
            let mut out = Vec::new();
            dot::write(&sub, &mut out)?;
            Ok(out)
        }
    }
}
