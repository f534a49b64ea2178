//! SPARQL: the limits, the parser and evaluation on a small graph must never
//! panic or overflow the stack, whatever the query.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph::graph::{GraphJson, KnowledgeGraph};
use newsgraph::query::sparql;
use newsgraph::query::OutputFormat;
use std::sync::OnceLock;

fn graph() -> &'static KnowledgeGraph {
    static G: OnceLock<KnowledgeGraph> = OnceLock::new();
    G.get_or_init(|| {
        let json: GraphJson =
            serde_json::from_str(include_str!("../../tests/fixtures/fuzz_graph.json"))
                .expect("fixture graph");
        KnowledgeGraph::from_json(json).expect("fixture graph")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    // The same limits and deep-stack thread as `newsgraph query sparql`.
    let q = query.to_string();
    let _ = newsgraph::query::run_limited(None, move || {
        sparql::answer(graph(), &q, OutputFormat::Json)
    });
});
