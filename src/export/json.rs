//! The node-link JSON contract (`GRAPH_JSON.md`).

use crate::graph::KnowledgeGraph;
use std::io::Write;

/// Writes the graph as pretty-printed, sorted node-link JSON.
pub fn write(graph: &KnowledgeGraph, w: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &graph.to_json())?;
    w.write_all(b"\n")
}
