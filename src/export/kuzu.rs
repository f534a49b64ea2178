//! A folder for Kùzu and its fork Ladybug: `entities.csv`, `relations.csv`
//! and `load.cypher`, which creates the schema and copies the CSV files
//! (named relative to the folder, so it runs from inside it).
//!
//! Kùzu's own list syntax in CSV (`[a,b]`) keeps quotes and splits on commas
//! inside names, so list cells are joined with U+001F and split while
//! copying (`regexp_split_to_array`). Text cells are spreadsheet-safe as in
//! the Neo4j folder (a leading `'` before `=`, `+`, `-`, `@`, `'`), and
//! `load.cypher` strips that `'` again, so the database holds the exact
//! values. Files are read with `PARALLEL=false` because sentences may span
//! lines, which Kùzu's parallel CSV reader does not allow.

use crate::export::escape::{csv_safe, join_list, rel_type};
use crate::graph::KnowledgeGraph;
use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Header of `entities.csv`.
pub const ENTITIES_HEADER: [&str; 6] = ["id", "label", "type", "aliases", "mentions", "documents"];

/// Header of `relations.csv`; `rel_table` names the relationship table.
pub const RELATIONS_HEADER: [&str; 10] = [
    "source",
    "target",
    "rel_table",
    "key",
    "relation",
    "modality",
    "count",
    "confidence",
    "evidence",
    "lemma",
];

/// The node table's DDL.
pub const ENTITY_TABLE: &str = "CREATE NODE TABLE Entity(id STRING, label STRING, type STRING, aliases STRING[], mentions INT64, documents STRING[], PRIMARY KEY(id));";

const CSV_OPTIONS: &str = "(HEADER=true, DELIM=',', QUOTE='\"', ESCAPE='\"', PARALLEL=false)";

/// The value of a text column with the spreadsheet `'` removed.
fn text(col: &str) -> String {
    format!("regexp_replace({col}, '^\\'', '')")
}

/// A list column split on U+001F (written `\x1f` for the regex engine).
fn list(col: &str) -> String {
    format!(
        "CASE WHEN {col} IS NULL THEN CAST([] AS STRING[]) ELSE regexp_split_to_array({}, '\\\\x1f') END",
        text(col)
    )
}

fn open(dir: &Path, name: &str) -> Result<BufWriter<File>> {
    let path = dir.join(name);
    let f = File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(BufWriter::new(f))
}

/// The statements of `load.cypher` for the given relationship tables.
pub fn load_statements<'a>(tables: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let tables: Vec<&str> = tables.into_iter().collect();
    let mut out = vec![ENTITY_TABLE.to_string()];
    for t in &tables {
        out.push(format!(
            "CREATE REL TABLE `{t}`(FROM Entity TO Entity, key STRING, relation STRING, modality STRING, count INT64, confidence DOUBLE, evidence STRING, lemma STRING);"
        ));
    }
    out.push(format!(
        "COPY Entity FROM (LOAD WITH HEADERS (id STRING, label STRING, type STRING, aliases STRING, mentions INT64, documents STRING) FROM 'entities.csv' {CSV_OPTIONS} RETURN {}, {}, type, {}, mentions, {});",
        text("id"),
        text("label"),
        list("aliases"),
        list("documents"),
    ));
    for t in &tables {
        out.push(format!(
            "COPY `{t}` FROM (LOAD WITH HEADERS (source STRING, target STRING, rel_table STRING, key STRING, relation STRING, modality STRING, count INT64, confidence DOUBLE, evidence STRING, lemma STRING) FROM 'relations.csv' {CSV_OPTIONS} WHERE rel_table = '{t}' RETURN {}, {}, {}, {}, modality, count, confidence, evidence, {});",
            text("source"),
            text("target"),
            text("key"),
            text("relation"),
            text("lemma"),
        ));
    }
    out
}

/// Writes the folder's files into `dir` (which must exist).
pub fn write_dir(graph: &KnowledgeGraph, dir: &Path) -> Result<()> {
    let mut entities = csv::Writer::from_writer(open(dir, "entities.csv")?);
    entities.write_record(ENTITIES_HEADER)?;
    for n in graph.nodes() {
        entities.write_record([
            csv_safe(&n.id).as_ref(),
            &csv_safe(&n.label),
            n.kind.as_str(),
            &csv_safe(&join_list(&n.aliases)),
            &n.mentions.to_string(),
            &csv_safe(&join_list(&n.documents)),
        ])?;
    }
    entities.flush()?;

    let mut tables = BTreeSet::new();
    let mut relations = csv::Writer::from_writer(open(dir, "relations.csv")?);
    relations.write_record(RELATIONS_HEADER)?;
    for e in graph.edges() {
        let table = rel_type(&e.relation);
        relations.write_record([
            csv_safe(&e.source).as_ref(),
            &csv_safe(&e.target),
            &table,
            &csv_safe(&e.key),
            &csv_safe(&e.relation),
            e.modality.as_str(),
            &e.count.to_string(),
            &format!("{:?}", e.confidence),
            &serde_json::to_string(&e.evidence)?,
            &csv_safe(e.lemma.as_deref().unwrap_or("")),
        ])?;
        tables.insert(table);
    }
    relations.flush()?;

    let mut load = open(dir, "load.cypher")?;
    writeln!(
        load,
        "// Written by {}: {} entities, {} relations.",
        graph.meta.generator,
        graph.node_count(),
        graph.edge_count()
    )?;
    writeln!(
        load,
        "// Run from inside this folder, e.g. with the Kùzu or Ladybug shell:"
    )?;
    writeln!(load, "//   cd FOLDER && kuzu ../graph.kz < load.cypher")?;
    for s in load_statements(tables.iter().map(String::as_str)) {
        writeln!(load, "{s}")?;
    }
    load.flush()?;
    Ok(())
}
