//! The graph JSON loader and the queries on what it loads: no panic, and a
//! loaded graph saves and loads again to the same graph.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph::graph::{GraphJson, KnowledgeGraph};
use newsgraph::query::Engine;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<GraphJson>(data) else {
        return;
    };
    let Ok(graph) = KnowledgeGraph::from_json(json) else {
        return;
    };
    let saved = serde_json::to_string(&graph.to_json()).expect("serialize");
    let again: GraphJson = serde_json::from_str(&saved).expect("reload");
    let again = KnowledgeGraph::from_json(again).expect("rebuild");
    assert_eq!(again.node_count(), graph.node_count());
    assert_eq!(again.edge_count(), graph.edge_count());
    let engine = Engine::new(graph);
    for name in ["Putin", "a", "", "United States"] {
        let _ = engine.resolve(name);
    }
    let _ = newsgraph::query::sparql::store(&engine.graph);
});
