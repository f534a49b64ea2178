//! `query sparql`: SPARQL over the graph, loaded into an in-memory oxigraph
//! store with the vocabulary of `docs/QUERY.md` (the same IRIs as the
//! Turtle/N-Triples export, so queries transfer).

use crate::graph::KnowledgeGraph;
use crate::query::OutputFormat;
use anyhow::{bail, Context, Result};
use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use std::io::Read;
use std::process::ExitCode;

/// Namespace of relations, classes and properties.
pub const NG: &str = "https://newsgraph.dev/ontology#";
/// Namespace of entities: followed by the percent-encoded node id.
pub const ENTITY: &str = "https://newsgraph.dev/entity/";
/// Namespace of documents: followed by the percent-encoded document id.
pub const DOCUMENT: &str = "https://newsgraph.dev/document/";
/// Namespace of reified edges (statements).
pub const STATEMENT: &str = "https://newsgraph.dev/statement/";

/// Prefixes every query may use without declaring them.
pub const PREFIXES: [(&str, &str); 7] = [
    ("ng", NG),
    ("ent", ENTITY),
    ("doc", DOCUMENT),
    ("stmt", STATEMENT),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// Arguments of `newsgraph query sparql`.
#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Prefixes ng:, ent:, doc:, stmt:, rdf:, rdfs: and xsd: are predeclared; the vocabulary is in docs/QUERY.md. SELECT prints a table (or SPARQL JSON results with --format json), ASK prints true or false, CONSTRUCT and DESCRIBE print sorted N-Triples.\n\nExamples:\n  newsgraph query sparql 'SELECT ?who ?whom WHERE { ?who ng:expelled ?whom } ORDER BY ?who'\n  newsgraph query sparql 'ASK { ?x ng:type \"PERSON\" ; rdfs:label \"Sergey Lavrov\" }'\n  newsgraph query sparql --format json < query.rq"
)]
pub struct SparqlArgs {
    /// The query; `-` or nothing reads it from standard input.
    pub query: Option<String>,
}

/// Percent-encodes everything but RFC 3986 unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`), in UTF-8, with upper-case hex digits: what
/// Python's `urllib.parse.quote(s, safe="")` does, so `person:a` is `person%3Aa`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The IRI of a node: `https://newsgraph.dev/entity/` + percent-encoded id.
pub fn entity_iri(id: &str) -> String {
    format!("{ENTITY}{}", percent_encode(id))
}

/// The IRI of a relation: `https://newsgraph.dev/ontology#` + relation.
pub fn relation_iri(relation: &str) -> String {
    format!("{NG}{}", percent_encode(relation))
}

/// The IRI of a document: `https://newsgraph.dev/document/` + percent-encoded id.
pub fn document_iri(id: &str) -> String {
    format!("{DOCUMENT}{}", percent_encode(id))
}

/// The IRI of the statement that reifies an edge:
/// `https://newsgraph.dev/statement/<source>/<relation>/<modality>/<target>`,
/// each part percent-encoded.
pub fn statement_iri(source: &str, relation: &str, modality: &str, target: &str) -> String {
    format!(
        "{STATEMENT}{}/{}/{}/{}",
        percent_encode(source),
        percent_encode(relation),
        percent_encode(modality),
        percent_encode(target)
    )
}

fn iri(s: String) -> NamedNode {
    NamedNode::new_unchecked(s)
}

fn ng(local: &str) -> NamedNode {
    iri(format!("{NG}{local}"))
}

fn int(n: usize) -> Literal {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER)
}

/// The graph as RDF quads (all in the default graph), in a fixed order.
pub fn quads(graph: &KnowledgeGraph) -> Vec<Quad> {
    let mut out = Vec::new();
    let mut add = |s: &NamedNode, p: NamedNode, o: Term| {
        out.push(Quad::new(
            NamedOrBlankNode::NamedNode(s.clone()),
            p,
            o,
            GraphName::DefaultGraph,
        ));
    };
    let lit = |s: &str| Term::Literal(Literal::new_simple_literal(s));
    for d in &graph.meta.documents {
        let s = iri(document_iri(&d.id));
        add(&s, rdf::TYPE.into_owned(), ng("Document").into());
        add(&s, ng("id"), lit(&d.id));
        add(&s, ng("source"), lit(&d.source));
        for (p, v) in [("title", &d.title), ("date", &d.date), ("url", &d.url)] {
            if let Some(v) = v {
                add(&s, ng(p), lit(v));
            }
        }
    }
    for n in graph.nodes() {
        let s = iri(entity_iri(&n.id));
        add(&s, rdf::TYPE.into_owned(), ng("Entity").into());
        add(&s, ng("id"), lit(&n.id));
        add(&s, rdfs::LABEL.into_owned(), lit(&n.label));
        add(&s, ng("type"), lit(n.kind.as_str()));
        for a in &n.aliases {
            add(&s, ng("alias"), lit(a));
        }
        add(&s, ng("mentions"), int(n.mentions).into());
        for d in &n.documents {
            add(&s, ng("mentionedIn"), iri(document_iri(d)).into());
        }
    }
    for e in graph.edges() {
        let (s, o) = (iri(entity_iri(&e.source)), iri(entity_iri(&e.target)));
        let p = iri(relation_iri(&e.relation));
        // Only what the text asserts becomes a plain fact; the other
        // modalities are reachable through the statement.
        if e.modality == crate::ontology::Modality::Asserted {
            add(&s, p.clone(), o.clone().into());
        }
        let st = iri(statement_iri(
            &e.source,
            &e.relation,
            e.modality.as_str(),
            &e.target,
        ));
        add(
            &st,
            rdf::TYPE.into_owned(),
            rdf::STATEMENT.into_owned().into(),
        );
        add(&st, rdf::SUBJECT.into_owned(), s.into());
        add(&st, rdf::PREDICATE.into_owned(), p.into());
        add(&st, rdf::OBJECT.into_owned(), o.into());
        add(&st, ng("relation"), lit(&e.relation));
        add(&st, ng("modality"), lit(e.modality.as_str()));
        add(&st, ng("count"), int(e.count).into());
        add(&st, ng("confidence"), Literal::from(e.confidence).into());
        if let Some(l) = &e.lemma {
            add(&st, ng("lemma"), lit(l));
        }
        for (i, ev) in e.evidence.iter().enumerate() {
            let evi = iri(format!("{}/evidence/{}", st.as_str(), i + 1));
            add(&st, ng("evidence"), evi.clone().into());
            add(&evi, rdf::TYPE.into_owned(), ng("Evidence").into());
            add(&evi, ng("document"), iri(document_iri(&ev.document)).into());
            add(&evi, ng("sentence"), lit(&ev.sentence));
            add(&evi, ng("start"), int(ev.start).into());
            add(&evi, ng("end"), int(ev.end).into());
            add(&evi, ng("trigger"), lit(&ev.trigger));
            if let Some(d) = &ev.date {
                add(&evi, ng("date"), lit(d));
            }
            if let Some(d) = &ev.event_date {
                add(&evi, ng("eventDate"), lit(d));
            }
        }
    }
    out
}

/// An in-memory store holding the graph.
pub fn store(graph: &KnowledgeGraph) -> Result<Store> {
    let store = Store::new()?;
    store.extend(quads(graph))?;
    Ok(store)
}

/// The result of a query, in memory.
#[derive(Debug, Clone, PartialEq)]
pub enum SparqlAnswer {
    /// SELECT: variable names and rows (unbound cells are `None`).
    Rows(Vec<String>, Vec<Vec<Option<Term>>>),
    /// ASK.
    Boolean(bool),
    /// CONSTRUCT / DESCRIBE: N-Triples lines, sorted.
    Triples(Vec<String>),
}

/// Parses `query` (one line on a syntax error) with the predeclared prefixes.
fn parse(query: &str) -> Result<oxigraph::sparql::PreparedSparqlQuery> {
    let mut evaluator = SparqlEvaluator::new();
    for (p, i) in PREFIXES {
        evaluator = evaluator.with_prefix(p, i)?;
    }
    evaluator.parse_query(query).map_err(|e| {
        let msg = e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        anyhow::anyhow!("SPARQL syntax error: {msg}")
    })
}

/// Runs `query` against `store` (within [`check_limits`]).
pub fn ask(store: &Store, query: &str) -> Result<SparqlAnswer> {
    check_limits(query)?;
    execute(store, parse(query)?)
}

fn execute(store: &Store, prepared: oxigraph::sparql::PreparedSparqlQuery) -> Result<SparqlAnswer> {
    let results = prepared
        .on_store(store)
        .execute()
        .map_err(|e| anyhow::anyhow!("SPARQL evaluation failed: {e}"))?;
    Ok(match results {
        QueryResults::Boolean(b) => SparqlAnswer::Boolean(b),
        QueryResults::Solutions(solutions) => {
            let vars: Vec<String> = solutions
                .variables()
                .iter()
                .map(|v| v.as_str().to_string())
                .collect();
            let vs = solutions.variables().to_vec();
            let mut rows = Vec::new();
            for s in solutions {
                let s = s.map_err(|e| anyhow::anyhow!("SPARQL evaluation failed: {e}"))?;
                rows.push(vs.iter().map(|v| s.get(v).cloned()).collect());
            }
            SparqlAnswer::Rows(vars, rows)
        }
        QueryResults::Graph(triples) => {
            let mut lines = Vec::new();
            for t in triples {
                let t = t.map_err(|e| anyhow::anyhow!("SPARQL evaluation failed: {e}"))?;
                lines.push(format!("{t} ."));
            }
            lines.sort();
            lines.dedup();
            SparqlAnswer::Triples(lines)
        }
    })
}

/// A term as a table shows it: IRIs as prefixed names where a predeclared
/// prefix fits (pasteable back into a query), literals as their value.
pub fn term_text(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => {
            let s = n.as_str();
            for (p, ns) in PREFIXES {
                if let Some(local) = s.strip_prefix(ns) {
                    if !local.is_empty() && !local.contains('/') && !local.contains('#') {
                        return format!("{p}:{local}");
                    }
                }
            }
            format!("<{s}>")
        }
        Term::Literal(l) => match l.language() {
            Some(lang) => format!("{}@{lang}", l.value()),
            None => l.value().to_string(),
        },
        other => other.to_string(),
    }
}

/// The answer as bytes in `format`.
pub fn render(answer: &SparqlAnswer, format: OutputFormat) -> Result<Vec<u8>> {
    let json = format == OutputFormat::Json;
    Ok(match answer {
        SparqlAnswer::Boolean(b) if json => {
            let mut out = QueryResultsSerializer::from_format(QueryResultsFormat::Json)
                .serialize_boolean_to_writer(Vec::new(), *b)?;
            out.push(b'\n');
            out
        }
        SparqlAnswer::Boolean(b) => format!("{b}\n").into_bytes(),
        SparqlAnswer::Rows(vars, rows) if json => {
            let variables = vars
                .iter()
                .map(|v| oxigraph::sparql::Variable::new_unchecked(v.clone()))
                .collect::<Vec<_>>();
            let mut w = QueryResultsSerializer::from_format(QueryResultsFormat::Json)
                .serialize_solutions_to_writer(Vec::new(), variables.clone())?;
            for row in rows {
                let solution = variables
                    .iter()
                    .zip(row)
                    .filter_map(|(v, t)| t.as_ref().map(|t| (v.as_ref(), t.as_ref())));
                w.serialize(solution)?;
            }
            let mut out = w.finish()?;
            out.push(b'\n');
            out
        }
        SparqlAnswer::Rows(vars, rows) => {
            let mut table = crate::query::table::Table::new(vars.iter().map(|v| format!("?{v}")));
            for row in rows {
                table.row(
                    row.iter()
                        .map(|t| t.as_ref().map(term_text).unwrap_or_default()),
                );
            }
            let mut s = table.render("");
            s.push_str(&format!(
                "({})\n",
                crate::query::plural(rows.len(), "row", "rows")
            ));
            s.into_bytes()
        }
        SparqlAnswer::Triples(lines) => {
            let mut s = String::new();
            for l in lines {
                s.push_str(l);
                s.push('\n');
            }
            s.into_bytes()
        }
    })
}

/// The query of `query sparql`: the argument, or standard input for `-` or
/// nothing.
pub fn query_text(args: &SparqlArgs) -> Result<String> {
    Ok(match args.query.as_deref() {
        Some(q) if q != "-" => q.to_string(),
        _ => {
            let mut q = String::new();
            std::io::stdin()
                .take(MAX_QUERY_BYTES as u64 + 1)
                .read_to_string(&mut q)
                .context("cannot read the SPARQL query from standard input")?;
            q
        }
    })
}

/// The longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 256 << 10;
/// The deepest nesting of brackets accepted.
pub const MAX_QUERY_NESTING: usize = 100;

/// Refuses, with a one-line reason, a query that is too long or nests
/// brackets too deep: the SPARQL parser and evaluator recurse on nesting,
/// and a hostile query must not overflow the stack. Strings, comments and
/// IRIs are skipped when counting.
pub fn check_limits(query: &str) -> Result<()> {
    if query.len() > MAX_QUERY_BYTES {
        bail!(
            "the SPARQL query is longer than the limit of {} KiB",
            MAX_QUERY_BYTES >> 10
        );
    }
    let b = query.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'<' => {
                // An IRI runs to '>' with no space; otherwise '<' compares.
                let end = b[i + 1..]
                    .iter()
                    .position(|&c| c == b'>' || c.is_ascii_whitespace() || c == b'<')
                    .map(|k| i + 1 + k);
                if let Some(e) = end.filter(|&e| b[e] == b'>') {
                    i = e;
                }
            }
            q @ (b'"' | b'\'') => {
                let long = b[i..].starts_with(&[q, q, q]);
                i += if long { 3 } else { 1 };
                while i < b.len() {
                    if b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if long && b[i..].starts_with(&[q, q, q]) {
                        i += 2;
                        break;
                    }
                    if !long && (b[i] == q || b[i] == b'\n') {
                        break;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    if deepest > MAX_QUERY_NESTING {
        bail!(
            "the SPARQL query nests brackets {deepest} deep, more than the limit of {MAX_QUERY_NESTING}"
        );
    }
    Ok(())
}

/// Answers `query` on `graph`: the bytes to print and the exit code.
pub fn answer(
    graph: &KnowledgeGraph,
    query: &str,
    format: OutputFormat,
) -> Result<(Vec<u8>, ExitCode)> {
    if matches!(format, OutputFormat::Dot | OutputFormat::Svg) {
        bail!("query sparql prints a table or JSON: use --format table or --format json");
    }
    check_limits(query)?;
    // Parse before loading so that a typo is reported at once.
    let prepared = parse(query)?;
    let store = store(graph)?;
    let answer = execute(&store, prepared)?;
    Ok((render(&answer, format)?, ExitCode::SUCCESS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_matches_python_quote_with_no_safe_chars() {
        assert_eq!(
            percent_encode("person:sergey-lavrov"),
            "person%3Asergey-lavrov"
        );
        assert_eq!(percent_encode("gpe:são-paulo"), "gpe%3As%C3%A3o-paulo");
        assert_eq!(percent_encode("a b/c~d_e.f"), "a%20b%2Fc~d_e.f");
        assert_eq!(
            entity_iri("org:un"),
            "https://newsgraph.dev/entity/org%3Aun"
        );
    }

    #[test]
    fn syntax_errors_are_one_line() {
        let err = parse("SELECT ?x WHERE {").err().unwrap().to_string();
        assert!(err.starts_with("SPARQL syntax error: "), "{err}");
        assert!(!err.contains('\n'));
    }
}
