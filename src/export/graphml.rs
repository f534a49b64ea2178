//! GraphML for networkx, Gephi, yEd and igraph.
//!
//! Every node and edge property has a typed `<key>`: counts are `int`,
//! confidence is `double`, and lists and evidence (which GraphML cannot type)
//! are JSON strings. Edge ids are unique (`e0`, `e1`, …); the edge's
//! `relation/modality` key is the `key` attribute.

use crate::export::escape::xml_text;
use crate::graph::KnowledgeGraph;
use std::io::{self, Write};

/// (id, for, attr.name, attr.type) of every `<key>`, in output order.
const KEYS: [(&str, &str, &str, &str); 15] = [
    ("g_generator", "graph", "generator", "string"),
    ("g_schema", "graph", "schema", "string"),
    ("g_documents", "graph", "documents", "string"),
    ("n_label", "node", "label", "string"),
    ("n_type", "node", "type", "string"),
    ("n_aliases", "node", "aliases", "string"),
    ("n_mentions", "node", "mentions", "int"),
    ("n_documents", "node", "documents", "string"),
    ("e_key", "edge", "key", "string"),
    ("e_relation", "edge", "relation", "string"),
    ("e_modality", "edge", "modality", "string"),
    ("e_count", "edge", "count", "int"),
    ("e_confidence", "edge", "confidence", "double"),
    ("e_evidence", "edge", "evidence", "string"),
    ("e_lemma", "edge", "lemma", "string"),
];

fn data(w: &mut dyn Write, indent: &str, key: &str, value: &str) -> io::Result<()> {
    writeln!(w, "{indent}<data key=\"{key}\">{}</data>", xml_text(value))
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> io::Result<String> {
    serde_json::to_string(value).map_err(io::Error::other)
}

/// Writes the graph as GraphML.
pub fn write(graph: &KnowledgeGraph, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    for (id, domain, name, ty) in KEYS {
        writeln!(
            w,
            r#"  <key id="{id}" for="{domain}" attr.name="{name}" attr.type="{ty}"/>"#
        )?;
    }
    writeln!(w, r#"  <graph id="newsgraph" edgedefault="directed">"#)?;
    let meta = &graph.meta;
    data(w, "    ", "g_generator", &meta.generator)?;
    data(w, "    ", "g_schema", &meta.schema)?;
    data(w, "    ", "g_documents", &json(&meta.documents)?)?;
    for n in graph.nodes() {
        writeln!(w, r#"    <node id="{}">"#, xml_text(&n.id))?;
        data(w, "      ", "n_label", &n.label)?;
        data(w, "      ", "n_type", n.kind.as_str())?;
        data(w, "      ", "n_aliases", &json(&n.aliases)?)?;
        data(w, "      ", "n_mentions", &n.mentions.to_string())?;
        data(w, "      ", "n_documents", &json(&n.documents)?)?;
        writeln!(w, "    </node>")?;
    }
    for (i, e) in graph.edges().into_iter().enumerate() {
        writeln!(
            w,
            r#"    <edge id="e{i}" source="{}" target="{}">"#,
            xml_text(&e.source),
            xml_text(&e.target)
        )?;
        data(w, "      ", "e_key", &e.key)?;
        data(w, "      ", "e_relation", &e.relation)?;
        data(w, "      ", "e_modality", e.modality.as_str())?;
        data(w, "      ", "e_count", &e.count.to_string())?;
        // `{:?}` keeps a decimal point and round-trips every f64.
        data(w, "      ", "e_confidence", &format!("{:?}", e.confidence))?;
        data(w, "      ", "e_evidence", &json(&e.evidence)?)?;
        if let Some(lemma) = &e.lemma {
            data(w, "      ", "e_lemma", lemma)?;
        }
        writeln!(w, "    </edge>")?;
    }
    writeln!(w, "  </graph>")?;
    writeln!(w, "</graphml>")
}
