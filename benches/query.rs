//! Query speed on a synthetic graph the size of a large news corpus
//! (20,000 nodes, 100,000 edges, a few hubs): load + index, name
//! resolution, shortest and all paths, neighbours, edge filters, SPARQL.
//!
//! `cargo bench --bench query`; the graph is also left at
//! `$TMPDIR/newsgraph-bench-graph.json` for timing the CLI by hand.

use criterion::{criterion_group, criterion_main, Criterion};
use newsgraph::graph::{Edge, Evidence, GraphJson, GraphMeta, Node};
use newsgraph::ontology::{EntityType, Modality, RELATIONS};
use newsgraph::query::edges::EdgesArgs;
use newsgraph::query::neighbors::{neighbors, Dir};
use newsgraph::query::path::{find, PathArgs};
use newsgraph::query::{edges, sparql, Engine};
use std::collections::HashSet;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

const NODES: usize = 20_000;
const EDGES: usize = 100_000;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Skewed towards 0, so low-numbered nodes become hubs.
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * u) * n as f64) as usize
    }
}

const SYLLABLES: [&str; 16] = [
    "ka", "lo", "mi", "ne", "ro", "sa", "tu", "vi", "za", "dre", "gor", "lav", "mar", "nov", "pet",
    "sky",
];

fn name(rng: &mut Rng) -> String {
    let mut word = |n: usize| {
        let mut w: String = (0..n)
            .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
            .collect();
        w[..1].make_ascii_uppercase();
        w
    };
    format!("{} {}", word(2), word(3))
}

fn synthetic() -> GraphJson {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut ids = HashSet::new();
    let mut nodes = Vec::with_capacity(NODES);
    while nodes.len() < NODES {
        let label = name(&mut rng);
        let kind = EntityType::ALL[rng.below(EntityType::ALL.len())];
        let id = newsgraph::graph::node_id(kind, &label);
        if !ids.insert(id.clone()) {
            continue;
        }
        let last = label.rsplit(' ').next().unwrap().to_string();
        nodes.push(Node {
            id,
            aliases: vec![label.clone(), last],
            label,
            kind,
            mentions: 1 + rng.below(50),
            documents: vec![format!("{:04}", rng.below(2000))],
        });
    }
    let mut keys = HashSet::new();
    let mut edges = Vec::with_capacity(EDGES);
    while edges.len() < EDGES {
        let s = rng.skewed(NODES);
        let t = rng.below(NODES);
        let relation = RELATIONS[rng.below(RELATIONS.len())];
        let modality = Modality::ALL[rng.skewed(4)];
        if s == t || !keys.insert((s, t, relation, modality)) {
            continue;
        }
        let sentence = format!(
            "{} {} {} according to officials who spoke on condition of anonymity.",
            nodes[s].label, relation, nodes[t].label
        );
        edges.push(Edge {
            source: nodes[s].id.clone(),
            target: nodes[t].id.clone(),
            key: format!("{relation}/{modality}"),
            relation: relation.to_string(),
            modality,
            count: 1 + rng.skewed(10),
            confidence: 0.5,
            evidence: vec![Evidence {
                document: format!("{:04}", rng.below(2000)),
                end: sentence.chars().count(),
                sentence,
                start: 0,
                trigger: relation.to_string(),
                date: None,
                event_date: None,
            }],
            lemma: None,
        });
    }
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    edges.sort_by(|a, b| (&a.source, &a.target, &a.key).cmp(&(&b.source, &b.target, &b.key)));
    GraphJson {
        directed: true,
        multigraph: true,
        graph: GraphMeta::default(),
        nodes,
        edges,
    }
}

fn graph_file() -> PathBuf {
    let path = std::env::temp_dir().join("newsgraph-bench-graph.json");
    let json = serde_json::to_string(&synthetic()).unwrap();
    std::fs::write(&path, json).unwrap();
    path
}

fn bench(c: &mut Criterion) {
    let path = graph_file();
    let engine = Engine::load(&path).unwrap();
    // Two ordinary (non-hub) entities, named as a person would type them.
    let nodes = engine.graph.nodes();
    let unique = |from: usize| {
        nodes[from..]
            .iter()
            .map(|n| n.label.clone())
            .find(|l| engine.resolve(l).is_ok())
            .unwrap()
    };
    let (a, b) = (unique(NODES / 3), unique(2 * NODES / 3));
    let hub = engine
        .graph
        .graph
        .node_indices()
        .max_by_key(|&n| engine.graph.graph.neighbors_undirected(n).count());

    let mut g = c.benchmark_group("query");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    g.bench_function("load+index 20k nodes/100k edges", |bch| {
        bch.iter(|| black_box(Engine::load(&path).unwrap()))
    });
    g.bench_function("resolve (label, folded)", |bch| {
        let typed = a.to_lowercase();
        bch.iter(|| black_box(engine.resolve(&typed).unwrap()))
    });
    let from = engine.resolve(&a).unwrap();
    let to = engine.resolve(&b).unwrap();
    let args = |all: bool, max_hops: Option<usize>| PathArgs {
        from: a.clone(),
        to: b.clone(),
        max_hops,
        all,
        directed: false,
        limit: 20,
    };
    g.bench_function("path shortest", |bch| {
        let args = args(false, None);
        bch.iter(|| black_box(find(&engine, from, to, &args).unwrap()))
    });
    g.bench_function("path --all --max-hops 3", |bch| {
        let args = args(true, Some(3));
        bch.iter(|| black_box(find(&engine, from, to, &args).unwrap()))
    });
    g.bench_function("neighbors depth 1 (hub)", |bch| {
        let hub = hub.unwrap();
        bch.iter(|| black_box(neighbors(&engine, hub, 1, &[], Dir::Both)))
    });
    g.bench_function("neighbors depth 2", |bch| {
        bch.iter(|| black_box(neighbors(&engine, from, 2, &[], Dir::Both)))
    });
    g.bench_function("edges --relation expelled --modality asserted", |bch| {
        let args = EdgesArgs {
            source: None,
            target: None,
            relations: vec!["expelled".into()],
            modalities: vec![Modality::Asserted],
            min_count: 1,
            document: None,
        };
        bch.iter(|| black_box(edges::run(&engine, &args).unwrap()))
    });
    g.bench_function("sparql load store", |bch| {
        bch.iter(|| black_box(sparql::store(&engine.graph).unwrap()))
    });
    let store = sparql::store(&engine.graph).unwrap();
    g.bench_function("sparql select expelled", |bch| {
        bch.iter(|| {
            black_box(
                sparql::ask(
                    &store,
                    "SELECT ?a ?b WHERE { ?a ng:expelled ?b . ?a ng:type \"PERSON\" }",
                )
                .unwrap(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
