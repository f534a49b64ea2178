//! A Cypher script for Neo4j 5 (and Memgraph, Kùzu, Ladybug with small
//! changes, see `docs/EXPORTS.md`).
//!
//! Constraints come first, then nodes and relationships are merged in
//! batches of [`BATCH`] rows (`UNWIND [{…}, …] AS row MERGE …`), so a large
//! graph loads in a few round trips and running the script twice changes
//! nothing. Labels and relationship types cannot be parameters in Cypher, so
//! there is one batch series per entity type and per relationship type. All
//! text is written as single-quoted, escaped literals (see
//! [`cypher_string`]).

use crate::export::escape::{cypher_list, cypher_string, float_literal, rel_type};
use crate::graph::{Edge, KnowledgeGraph, Node};
use crate::ontology::EntityType;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Rows per `UNWIND` batch.
pub const BATCH: usize = 500;

fn node_row(n: &Node) -> String {
    format!(
        "{{id: {}, label: {}, type: {}, aliases: {}, mentions: {}, documents: {}}}",
        cypher_string(&n.id),
        cypher_string(&n.label),
        cypher_string(n.kind.as_str()),
        cypher_list(&n.aliases),
        n.mentions,
        cypher_list(&n.documents),
    )
}

fn edge_row(e: &Edge) -> io::Result<String> {
    let evidence = serde_json::to_string(&e.evidence).map_err(io::Error::other)?;
    Ok(format!(
        "{{source: {}, target: {}, key: {}, relation: {}, modality: {}, count: {}, confidence: {}, evidence: {}, lemma: {}}}",
        cypher_string(&e.source),
        cypher_string(&e.target),
        cypher_string(&e.key),
        cypher_string(&e.relation),
        cypher_string(e.modality.as_str()),
        e.count,
        float_literal(e.confidence),
        cypher_string(&evidence),
        e.lemma.as_deref().map_or_else(|| "null".to_string(), cypher_string),
    ))
}

fn write_rows(w: &mut dyn Write, rows: &[String]) -> io::Result<()> {
    writeln!(w, "UNWIND [")?;
    for (i, row) in rows.iter().enumerate() {
        let comma = if i + 1 < rows.len() { "," } else { "" };
        writeln!(w, "  {row}{comma}")?;
    }
    writeln!(w, "] AS row")
}

/// Writes the graph as a Cypher script.
pub fn write(graph: &KnowledgeGraph, w: &mut dyn Write) -> io::Result<()> {
    let nodes = graph.nodes();
    let edges = graph.edges();
    let mut by_type: BTreeMap<EntityType, Vec<&Node>> = BTreeMap::new();
    for n in &nodes {
        by_type.entry(n.kind).or_default().push(n);
    }
    let mut by_rel: BTreeMap<String, Vec<&Edge>> = BTreeMap::new();
    for e in &edges {
        by_rel.entry(rel_type(&e.relation)).or_default().push(e);
    }

    writeln!(
        w,
        "// {}: {} nodes, {} relationships.",
        graph.meta.generator,
        nodes.len(),
        edges.len()
    )?;
    writeln!(
        w,
        "// Neo4j 5: cypher-shell -u neo4j -p PASSWORD -f graph.cypher"
    )?;
    writeln!(
        w,
        "// Every node is :Entity plus its type; running the script again changes nothing."
    )?;
    writeln!(
        w,
        "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;"
    )?;
    for kind in by_type.keys() {
        writeln!(
            w,
            "CREATE CONSTRAINT {}_id IF NOT EXISTS FOR (n:`{}`) REQUIRE n.id IS UNIQUE;",
            kind.id_prefix(),
            kind.as_str()
        )?;
    }
    for (kind, group) in &by_type {
        for chunk in group.chunks(BATCH) {
            let rows: Vec<String> = chunk.iter().map(|n| node_row(n)).collect();
            write_rows(w, &rows)?;
            writeln!(w, "MERGE (n:Entity {{id: row.id}})")?;
            writeln!(w, "SET n:`{}`", kind.as_str())?;
            writeln!(
                w,
                "SET n.label = row.label, n.type = row.type, n.aliases = row.aliases, n.mentions = row.mentions, n.documents = row.documents;"
            )?;
        }
    }
    for (ty, group) in &by_rel {
        for chunk in group.chunks(BATCH) {
            let rows = chunk
                .iter()
                .map(|e| edge_row(e))
                .collect::<io::Result<Vec<String>>>()?;
            write_rows(w, &rows)?;
            writeln!(w, "MATCH (a:Entity {{id: row.source}})")?;
            writeln!(w, "MATCH (b:Entity {{id: row.target}})")?;
            writeln!(w, "MERGE (a)-[r:`{ty}` {{key: row.key}}]->(b)")?;
            writeln!(
                w,
                "SET r.relation = row.relation, r.modality = row.modality, r.count = row.count, r.confidence = row.confidence, r.evidence = row.evidence, r.lemma = row.lemma;"
            )?;
        }
    }
    Ok(())
}
