//! A folder for `neo4j-admin database import full`: `nodes.csv`,
//! `relationships.csv`, `import.sh` with the exact command, `fixup.cypher`
//! and a `README.md`.
//!
//! Two choices keep untrusted names as data:
//! - arrays (`:LABEL`, `aliases:string[]`, `documents:string[]`) are joined
//!   with U+001F instead of Neo4j's default `;`, which names may contain
//!   (`--array-delimiter=U+001F`);
//! - a text cell that a spreadsheet would run as a formula (leading `=`, `+`,
//!   `-`, `@`) gets a leading `'`, as does a cell that already starts with
//!   `'`, so the rule is reversible; `fixup.cypher` restores the exact values
//!   after the import (it is empty when no cell needed it, and idempotent).

use crate::export::escape::{
    csv_safe, cypher_list, cypher_string, join_list, rel_type, LIST_SEPARATOR,
};
use crate::graph::{Edge, KnowledgeGraph, Node};
use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Header of `nodes.csv`.
pub const NODES_HEADER: [&str; 7] = [
    "id:ID",
    ":LABEL",
    "label",
    "type",
    "aliases:string[]",
    "mentions:int",
    "documents:string[]",
];

/// Header of `relationships.csv`. Confidence is a `double`: Neo4j's `float`
/// is 32-bit and would turn 0.86 into 0.8600000143.
pub const RELATIONSHIPS_HEADER: [&str; 10] = [
    ":START_ID",
    ":END_ID",
    ":TYPE",
    "key",
    "relation",
    "modality",
    "count:int",
    "confidence:double",
    "evidence",
    "lemma",
];

/// The `neo4j-admin` command that `import.sh` runs (from inside the folder).
pub const IMPORT_COMMAND: &str = "neo4j-admin database import full --nodes=\"$PWD/nodes.csv\" --relationships=\"$PWD/relationships.csv\" --array-delimiter=U+001F --multiline-fields=true \"${1:-neo4j}\"";

/// List items as the CSV carries them (without U+001F), for fixup.cypher.
fn list_items(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|s| s.replace(LIST_SEPARATOR, ""))
        .collect()
}

/// The spreadsheet-safe form of a text cell; sets `prefixed` when it differs.
fn safe(s: &str, prefixed: &mut bool) -> String {
    let cell = csv_safe(s);
    *prefixed |= cell.len() != s.len();
    cell.into_owned()
}

fn open(dir: &Path, name: &str) -> Result<BufWriter<File>> {
    let path = dir.join(name);
    let f = File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(BufWriter::new(f))
}

/// The cells of one node, and whether any was prefixed.
fn node_cells(n: &Node) -> (Vec<String>, bool) {
    let mut prefixed = false;
    let cells = vec![
        safe(&n.id, &mut prefixed),
        join_list(&["Entity".to_string(), n.kind.as_str().to_string()]),
        safe(&n.label, &mut prefixed),
        n.kind.as_str().to_string(),
        safe(&join_list(&n.aliases), &mut prefixed),
        n.mentions.to_string(),
        safe(&join_list(&n.documents), &mut prefixed),
    ];
    (cells, prefixed)
}

/// The cells of one relationship, and whether any was prefixed.
fn edge_cells(e: &Edge) -> Result<(Vec<String>, bool)> {
    let mut prefixed = false;
    let cells = vec![
        safe(&e.source, &mut prefixed),
        safe(&e.target, &mut prefixed),
        rel_type(&e.relation),
        safe(&e.key, &mut prefixed),
        safe(&e.relation, &mut prefixed),
        e.modality.as_str().to_string(),
        e.count.to_string(),
        format!("{:?}", e.confidence),
        serde_json::to_string(&e.evidence)?,
        safe(e.lemma.as_deref().unwrap_or(""), &mut prefixed),
    ];
    Ok((cells, prefixed))
}

/// Writes the folder's files into `dir` (which must exist).
pub fn write_dir(graph: &KnowledgeGraph, dir: &Path) -> Result<()> {
    let mut fixups: Vec<String> = Vec::new();

    let mut nodes = csv::Writer::from_writer(open(dir, "nodes.csv")?);
    nodes.write_record(NODES_HEADER)?;
    for n in graph.nodes() {
        let (cells, prefixed) = node_cells(n);
        if prefixed {
            fixups.push(format!(
                "MATCH (n:Entity {{id: {}}}) SET n.id = {}, n.label = {}, n.aliases = {}, n.documents = {};",
                cypher_string(&cells[0]),
                cypher_string(&n.id),
                cypher_string(&n.label),
                cypher_list(&list_items(&n.aliases)),
                cypher_list(&list_items(&n.documents)),
            ));
        }
        nodes.write_record(&cells)?;
    }
    nodes.flush()?;

    let mut rels = csv::Writer::from_writer(open(dir, "relationships.csv")?);
    rels.write_record(RELATIONSHIPS_HEADER)?;
    for e in graph.edges() {
        let (cells, prefixed) = edge_cells(e)?;
        if prefixed {
            let lemma = e
                .lemma
                .as_deref()
                .map_or_else(|| "null".to_string(), cypher_string);
            fixups.push(format!(
                "MATCH (:Entity {{id: {}}})-[r:`{}` {{key: {}}}]->(:Entity {{id: {}}}) SET r.key = {}, r.relation = {}, r.lemma = {};",
                cypher_string(&e.source),
                cells[2],
                cypher_string(&cells[3]),
                cypher_string(&e.target),
                cypher_string(&e.key),
                cypher_string(&e.relation),
                lemma,
            ));
        }
        rels.write_record(&cells)?;
    }
    rels.flush()?;

    let mut fix = open(dir, "fixup.cypher")?;
    writeln!(
        fix,
        "// Restores the values that were given a leading ' in the CSV files so that"
    )?;
    writeln!(
        fix,
        "// spreadsheets do not run them as formulas. Run once after the import:"
    )?;
    writeln!(
        fix,
        "//   cypher-shell -u neo4j -p PASSWORD -f fixup.cypher"
    )?;
    writeln!(
        fix,
        "// Node fixes come first; running it again changes nothing."
    )?;
    writeln!(fix, "// {} statement(s).", fixups.len())?;
    for f in &fixups {
        writeln!(fix, "{f}")?;
    }
    fix.flush()?;

    let mut sh = open(dir, "import.sh")?;
    writeln!(sh, "#!/bin/sh")?;
    writeln!(
        sh,
        "# Written by {}: loads this folder into a new Neo4j 5 database.",
        graph.meta.generator
    )?;
    writeln!(
        sh,
        "# Usage: sh import.sh [DATABASE]   (default: neo4j; Neo4j's bin/ on PATH,"
    )?;
    writeln!(
        sh,
        "# the database stopped; add --overwrite-destination=true to replace it)."
    )?;
    writeln!(sh, "set -eu")?;
    writeln!(sh, "cd \"$(dirname \"$0\")\"")?;
    writeln!(sh, "{IMPORT_COMMAND}")?;
    sh.flush()?;

    let mut readme = open(dir, "README.md")?;
    write!(
        readme,
        "# Neo4j import files written by {generator}\n\n\
         - `nodes.csv`: {nodes} nodes, labels `Entity` and the entity type.\n\
         - `relationships.csv`: {edges} relationships; the type is the relation in\n  \
         UPPER_SNAKE_CASE, and `evidence` is a JSON string.\n\n\
         Load into a new database (Neo4j 5, database stopped):\n\n\
         ```sh\n\
         cd {{this folder}}\n\
         {command}\n\
         ```\n\n\
         (`sh import.sh [DATABASE]` runs the same.) Arrays are separated by U+001F, not `;`,\n\
         because names may contain `;`: hence `--array-delimiter=U+001F`. Sentences may\n\
         span lines: hence `--multiline-fields=true`.\n\n\
         A text cell starting with `=`, `+`, `-`, `@` or `'` has an extra leading `'` so\n\
         that spreadsheets show it as text. After the import, start the database and run\n\
         `cypher-shell -f fixup.cypher` once to restore those values ({fixes} statement(s)).\n",
        generator = graph.meta.generator,
        nodes = graph.node_count(),
        edges = graph.edge_count(),
        command = IMPORT_COMMAND.replace("\"${1:-neo4j}\"", "neo4j"),
        fixes = fixups.len(),
    )?;
    readme.flush()?;
    Ok(())
}
