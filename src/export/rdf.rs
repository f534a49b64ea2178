//! RDF (Turtle and N-Triples) through oxrdf + oxttl.
//!
//! Vocabulary (`docs/EXPORTS.md`):
//! - nodes are `https://newsgraph.dev/entity/{id}` (percent-encoded), typed
//!   `ng:Entity` and `ng:Person`, `ng:Org`, …, with `rdfs:label`,
//!   `skos:altLabel` per alias, `ng:id`, `ng:mentions` and `ng:document`;
//! - relations are predicates in their own namespace
//!   (`https://newsgraph.dev/relation#expelled`), so no relation name can
//!   clash with a property of the vocabulary;
//! - every edge is reified as an `rdf:Statement` with `ng:relation`,
//!   `ng:modality`, `ng:key`, `ng:count`, `ng:confidence`, and one
//!   `ng:Evidence` node per sentence. Only asserted edges are also written
//!   as a plain triple: "A did not expel B" must not state that A expelled B.

use crate::export::escape::iri_segment;
use crate::graph::KnowledgeGraph;
use crate::ontology::EntityType;
use oxrdf::vocab::{rdf, rdfs, xsd};
use oxrdf::{Literal, NamedNode, NamedNodeRef, Term, Triple};
use oxttl::{NTriplesSerializer, TurtleSerializer};
use std::io::{self, Write};

/// Namespace of classes and properties.
pub const NG: &str = "https://newsgraph.dev/ontology#";
/// Namespace of relation predicates.
pub const REL: &str = "https://newsgraph.dev/relation#";
/// Base of entity IRIs.
pub const ENTITY: &str = "https://newsgraph.dev/entity/";
/// Base of statement (reified edge) IRIs.
pub const STATEMENT: &str = "https://newsgraph.dev/statement/";
/// Base of document IRIs.
pub const DOCUMENT: &str = "https://newsgraph.dev/document/";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";

/// The prefixes written at the top of Turtle output.
pub const PREFIXES: [(&str, &str); 9] = [
    ("ng", NG),
    ("rel", REL),
    ("ent", ENTITY),
    ("stmt", STATEMENT),
    ("doc", DOCUMENT),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("skos", SKOS),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// The class of an entity type (`ng:Person`, …).
pub fn class_name(kind: EntityType) -> &'static str {
    match kind {
        EntityType::Person => "Person",
        EntityType::Org => "Org",
        EntityType::Gpe => "Gpe",
        EntityType::Loc => "Loc",
        EntityType::Facility => "Facility",
        EntityType::Group => "Group",
        EntityType::Event => "Event",
    }
}

/// Every IRI is built from a fixed base and a percent-encoded part, so it is
/// always valid; `new` still checks it.
fn iri(base: &str, local: &str) -> io::Result<NamedNode> {
    NamedNode::new(format!("{base}{local}")).map_err(io::Error::other)
}

fn ng(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{NG}{local}"))
}

fn string(s: &str) -> Term {
    Literal::new_simple_literal(s).into()
}

fn integer(n: usize) -> Term {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER).into()
}

fn double(x: f64) -> Term {
    let lexical = if x.is_finite() {
        format!("{x:?}")
    } else if x.is_nan() {
        "NaN".to_string()
    } else if x > 0.0 {
        "INF".to_string()
    } else {
        "-INF".to_string()
    };
    Literal::new_typed_literal(lexical, xsd::DOUBLE).into()
}

fn named(n: NamedNodeRef<'_>) -> Term {
    n.into_owned().into()
}

/// Calls `emit` with every triple of the graph, in a fixed order.
pub fn for_each_triple(
    graph: &KnowledgeGraph,
    emit: &mut dyn FnMut(Triple) -> io::Result<()>,
) -> io::Result<()> {
    let mut t = |s: &NamedNode, p: NamedNode, o: Term| -> io::Result<()> {
        emit(Triple::new(s.clone(), p, o))
    };
    for d in &graph.meta.documents {
        let doc = iri(DOCUMENT, &iri_segment(&d.id))?;
        t(&doc, rdf::TYPE.into_owned(), ng("Document").into())?;
        t(&doc, ng("id"), string(&d.id))?;
        t(&doc, ng("source"), string(&d.source))?;
        for (p, v) in [("title", &d.title), ("date", &d.date), ("url", &d.url)] {
            if let Some(v) = v {
                t(&doc, ng(p), string(v))?;
            }
        }
    }
    for n in graph.nodes() {
        let s = iri(ENTITY, &iri_segment(&n.id))?;
        t(&s, rdf::TYPE.into_owned(), ng("Entity").into())?;
        t(&s, rdf::TYPE.into_owned(), ng(class_name(n.kind)).into())?;
        t(&s, ng("id"), string(&n.id))?;
        t(&s, rdfs::LABEL.into_owned(), string(&n.label))?;
        for a in &n.aliases {
            t(
                &s,
                NamedNode::new_unchecked(format!("{SKOS}altLabel")),
                string(a),
            )?;
        }
        t(&s, ng("mentions"), integer(n.mentions))?;
        for d in &n.documents {
            t(&s, ng("document"), iri(DOCUMENT, &iri_segment(d))?.into())?;
        }
    }
    for e in graph.edges() {
        let source = iri(ENTITY, &iri_segment(&e.source))?;
        let target = iri(ENTITY, &iri_segment(&e.target))?;
        let predicate = iri(REL, &iri_segment(&e.relation))?;
        if e.modality == crate::ontology::Modality::Asserted {
            t(&source, predicate.clone(), target.clone().into())?;
        }
        let st = iri(
            STATEMENT,
            &format!(
                "{}/{}/{}",
                iri_segment(&e.source),
                iri_segment(&e.target),
                iri_segment(&e.key)
            ),
        )?;
        t(&st, rdf::TYPE.into_owned(), named(rdf::STATEMENT))?;
        t(&st, rdf::SUBJECT.into_owned(), source.into())?;
        t(&st, rdf::PREDICATE.into_owned(), predicate.into())?;
        t(&st, rdf::OBJECT.into_owned(), target.into())?;
        t(&st, ng("relation"), string(&e.relation))?;
        t(&st, ng("modality"), string(e.modality.as_str()))?;
        t(&st, ng("key"), string(&e.key))?;
        t(&st, ng("count"), integer(e.count))?;
        t(&st, ng("confidence"), double(e.confidence))?;
        if let Some(lemma) = &e.lemma {
            t(&st, ng("lemma"), string(lemma))?;
        }
        for (i, ev) in e.evidence.iter().enumerate() {
            let node = NamedNode::new_unchecked(format!("{}/evidence/{i}", st.as_str()));
            t(&st, ng("evidence"), node.clone().into())?;
            t(&node, rdf::TYPE.into_owned(), ng("Evidence").into())?;
            t(
                &node,
                ng("document"),
                iri(DOCUMENT, &iri_segment(&ev.document))?.into(),
            )?;
            t(&node, ng("sentence"), string(&ev.sentence))?;
            t(&node, ng("start"), integer(ev.start))?;
            t(&node, ng("end"), integer(ev.end))?;
            t(&node, ng("trigger"), string(&ev.trigger))?;
            if let Some(d) = &ev.date {
                t(&node, ng("date"), string(d))?;
            }
            if let Some(d) = &ev.event_date {
                t(&node, ng("eventDate"), string(d))?;
            }
        }
    }
    Ok(())
}

/// Writes Turtle, with the vocabulary's prefixes.
pub fn write_turtle(graph: &KnowledgeGraph, w: &mut dyn Write) -> io::Result<()> {
    let mut ser = TurtleSerializer::new();
    for (name, iri) in PREFIXES {
        ser = ser.with_prefix(name, iri).map_err(io::Error::other)?;
    }
    let mut ser = ser.for_writer(w);
    for_each_triple(graph, &mut |t| ser.serialize_triple(&t))?;
    ser.finish()?;
    Ok(())
}

/// Writes N-Triples, one triple per line.
pub fn write_ntriples(graph: &KnowledgeGraph, w: &mut dyn Write) -> io::Result<()> {
    let mut ser = NTriplesSerializer::new().for_writer(w);
    for_each_triple(graph, &mut |t| ser.serialize_triple(&t))?;
    ser.finish();
    Ok(())
}
