//! `query path`: how two entities are connected, hop by hop, with the
//! sentence behind each hop.
//!
//! The search runs on a projection of the multigraph: one arc per pair of
//! linked nodes and direction that may be walked (both ways by default;
//! with `--directed`, source → target, and both ways for symmetric relations
//! such as `met`). Shortest paths come from petgraph's `dijkstra` with unit
//! costs; `--all` runs `all_simple_paths` on the part of the projection that
//! lies within `--max-hops` of both ends, which keeps hubs from blowing up.

use crate::graph::KnowledgeGraph;
use crate::ontology::is_symmetric;
use crate::query::output::{edge_header, edge_rows, relation_text, EdgeOut, EntityRef, Subgraph};
use crate::query::{plural, Answer, Engine};
use anyhow::{bail, Result};
use petgraph::algo::{all_simple_paths, dijkstra};
use petgraph::graphmap::DiGraphMap;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use petgraph::Direction;
use serde::Serialize;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::fmt::Write;

/// Paths enumerated before sorting; past this the answer says it is cut.
const ENUMERATION_CAP: usize = 100_000;

/// Arguments of `newsgraph query path`.
#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Examples:\n  newsgraph query path Obama Lavrov\n  newsgraph query path 'Barack Obama' person:sergey-lavrov --all --max-hops 3\n  newsgraph query path Obama 'U.S. Consulate in St. Petersburg' --directed --format json"
)]
pub struct PathArgs {
    /// Where the path starts (a name, alias or id).
    pub from: String,
    /// Where it ends.
    pub to: String,
    /// Longest path considered, in hops [default: 4 with --all, else no limit].
    #[arg(long, value_name = "N")]
    pub max_hops: Option<usize>,
    /// List every simple path up to --max-hops, shortest first, not only the
    /// shortest ones.
    #[arg(long)]
    pub all: bool,
    /// Follow edges from source to target only (symmetric relations such as
    /// `met` still go both ways).
    #[arg(long)]
    pub directed: bool,
    /// Print at most N paths.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

/// The question, as answered.
#[derive(Debug, Clone, Serialize)]
pub struct PathQuery {
    /// Always `path`.
    pub command: &'static str,
    /// Start.
    pub from: EntityRef,
    /// End.
    pub to: EntityRef,
    /// Longest path considered, if bounded.
    pub max_hops: Option<usize>,
    /// Every simple path, or only the shortest.
    pub all: bool,
    /// Edges followed source → target only.
    pub directed: bool,
    /// Most paths printed.
    pub limit: usize,
}

/// One step of a path and every edge that links its two nodes in a
/// walkable direction.
#[derive(Debug, Clone, Serialize)]
pub struct Hop {
    /// Node id the step leaves.
    pub from: String,
    /// Node id it reaches.
    pub to: String,
    /// The edges, `forward` ones first, then by relation and modality.
    pub edges: Vec<EdgeOut>,
}

/// One path.
#[derive(Debug, Clone, Serialize)]
pub struct PathOut {
    /// Number of hops.
    pub length: usize,
    /// The nodes from start to end.
    pub nodes: Vec<EntityRef>,
    /// The hops, in order.
    pub hops: Vec<Hop>,
}

/// The answer to `query path`.
#[derive(Debug, Clone, Serialize)]
pub struct PathAnswer {
    /// The question.
    pub query: PathQuery,
    /// How many paths were found (before `--limit`).
    pub found: usize,
    /// Whether enumeration stopped early (more paths exist than `found`).
    pub truncated: bool,
    /// The paths, shortest first, then by node labels and ids.
    pub paths: Vec<PathOut>,
}

/// Runs `query path`.
pub fn run(engine: &Engine, args: &PathArgs) -> Result<PathAnswer> {
    let from = engine.resolve(&args.from)?;
    let to = engine.resolve(&args.to)?;
    find(engine, from, to, args)
}

/// The walkable projection of the graph: node → node arcs, parallel edges merged.
pub fn projection(graph: &KnowledgeGraph, directed: bool) -> DiGraphMap<NodeIndex, ()> {
    let g = &graph.graph;
    let mut p = DiGraphMap::with_capacity(g.node_count(), g.edge_count() * 2);
    for n in g.node_indices() {
        p.add_node(n);
    }
    for e in g.edge_references() {
        let (s, t) = (e.source(), e.target());
        p.add_edge(s, t, ());
        if !directed || is_symmetric(&e.weight().relation) {
            p.add_edge(t, s, ());
        }
    }
    p
}

/// Finds the paths from `from` to `to`.
pub fn find(
    engine: &Engine,
    from: NodeIndex,
    to: NodeIndex,
    args: &PathArgs,
) -> Result<PathAnswer> {
    let graph = &engine.graph;
    if from == to {
        bail!(
            "'{}' and '{}' are the same entity ({})",
            args.from,
            args.to,
            graph.graph[from].id
        );
    }
    let max_hops = if args.all {
        Some(args.max_hops.unwrap_or(4))
    } else {
        args.max_hops
    };
    if max_hops == Some(0) {
        bail!("--max-hops must be at least 1");
    }
    let proj = projection(graph, args.directed);
    let label = |n: &NodeIndex| graph.graph[*n].label.as_str();
    let id = |n: &NodeIndex| graph.graph[*n].id.as_str();
    let (mut found, truncated) = if args.all {
        all_paths(&proj, from, to, max_hops.unwrap_or(4))
    } else {
        shortest_paths(&proj, from, to, max_hops, graph)
    };
    found.sort_by(|a, b| {
        a.len()
            .cmp(&b.len())
            .then_with(|| a.iter().map(label).cmp(b.iter().map(label)))
            .then_with(|| a.iter().map(id).cmp(b.iter().map(id)))
    });
    let total = found.len();
    found.truncate(args.limit);
    let paths = found
        .iter()
        .map(|nodes| path_out(graph, nodes, args.directed))
        .collect();
    Ok(PathAnswer {
        query: PathQuery {
            command: "path",
            from: EntityRef::of(&graph.graph[from]),
            to: EntityRef::of(&graph.graph[to]),
            max_hops,
            all: args.all,
            directed: args.directed,
            limit: args.limit,
        },
        found: total,
        truncated,
        paths,
    })
}

/// Every shortest path, as node sequences, enumerated backwards from `to`
/// over the predecessors that dijkstra's distances allow.
fn shortest_paths(
    proj: &DiGraphMap<NodeIndex, ()>,
    from: NodeIndex,
    to: NodeIndex,
    max_hops: Option<usize>,
    graph: &KnowledgeGraph,
) -> (Vec<Vec<NodeIndex>>, bool) {
    let dist = dijkstra(proj, from, Some(to), |_| 1usize);
    let Some(&d) = dist.get(&to) else {
        return (Vec::new(), false);
    };
    if max_hops.is_some_and(|m| d > m) {
        return (Vec::new(), false);
    }
    let mut out = Vec::new();
    let mut stack = vec![to];
    let mut truncated = false;
    let dist_of = |n: NodeIndex| dist.get(&n).copied();
    walk_back(proj, &dist_of, graph, &mut stack, &mut out, &mut truncated);
    (out, truncated)
}

fn walk_back(
    proj: &DiGraphMap<NodeIndex, ()>,
    dist: &dyn Fn(NodeIndex) -> Option<usize>,
    graph: &KnowledgeGraph,
    stack: &mut Vec<NodeIndex>,
    out: &mut Vec<Vec<NodeIndex>>,
    truncated: &mut bool,
) {
    let v = *stack.last().expect("stack starts non-empty");
    let Some(dv) = dist(v) else { return };
    if dv == 0 {
        out.push(stack.iter().rev().copied().collect());
        return;
    }
    let mut preds: Vec<NodeIndex> = proj
        .neighbors_directed(v, Direction::Incoming)
        .filter(|&p| dist(p) == Some(dv - 1))
        .collect();
    preds.sort_by(|a, b| graph.graph[*a].id.cmp(&graph.graph[*b].id));
    for p in preds {
        if out.len() >= ENUMERATION_CAP {
            *truncated = true;
            return;
        }
        stack.push(p);
        walk_back(proj, dist, graph, stack, out, truncated);
        stack.pop();
    }
}

/// Hop counts from `start` along `dir`, up to `max`.
fn distances(
    proj: &DiGraphMap<NodeIndex, ()>,
    start: NodeIndex,
    dir: Direction,
    max: usize,
) -> HashMap<NodeIndex, usize> {
    let mut dist = HashMap::from([(start, 0)]);
    let mut frontier = vec![start];
    for d in 1..=max {
        let mut next = Vec::new();
        for u in frontier {
            for v in proj.neighbors_directed(u, dir) {
                dist.entry(v).or_insert_with(|| {
                    next.push(v);
                    d
                });
            }
        }
        frontier = next;
    }
    dist
}

/// Every simple path of at most `max_hops` hops.
fn all_paths(
    proj: &DiGraphMap<NodeIndex, ()>,
    from: NodeIndex,
    to: NodeIndex,
    max_hops: usize,
) -> (Vec<Vec<NodeIndex>>, bool) {
    // Only nodes that can lie on a short enough path are searched.
    let ahead = distances(proj, from, Direction::Outgoing, max_hops);
    let behind = distances(proj, to, Direction::Incoming, max_hops);
    let mut near = DiGraphMap::<NodeIndex, ()>::new();
    for (&n, &da) in &ahead {
        if behind.get(&n).is_some_and(|db| da + db <= max_hops) {
            near.add_node(n);
        }
    }
    if !near.contains_node(to) {
        return (Vec::new(), false);
    }
    let nodes: Vec<NodeIndex> = near.nodes().collect();
    for u in nodes {
        for v in proj.neighbors_directed(u, Direction::Outgoing) {
            if near.contains_node(v) {
                near.add_edge(u, v, ());
            }
        }
    }
    let mut out = Vec::new();
    let mut truncated = false;
    for p in
        all_simple_paths::<Vec<NodeIndex>, _, RandomState>(&near, from, to, 0, Some(max_hops - 1))
    {
        if out.len() >= ENUMERATION_CAP {
            truncated = true;
            break;
        }
        out.push(p);
    }
    (out, truncated)
}

fn path_out(graph: &KnowledgeGraph, nodes: &[NodeIndex], directed: bool) -> PathOut {
    let hops = nodes
        .windows(2)
        .map(|w| {
            let (u, v) = (w[0], w[1]);
            let mut edges: Vec<EdgeOut> = Vec::new();
            for e in graph.graph.edges_connecting(u, v) {
                let mut out = EdgeOut::of(graph, e.id());
                out.direction = Some("forward");
                edges.push(out);
            }
            for e in graph.graph.edges_connecting(v, u) {
                if !directed || is_symmetric(&e.weight().relation) {
                    let mut out = EdgeOut::of(graph, e.id());
                    out.direction = Some("backward");
                    edges.push(out);
                }
            }
            edges.sort_by(|a, b| {
                (a.direction != Some("forward"), &a.relation, &a.modality).cmp(&(
                    b.direction != Some("forward"),
                    &b.relation,
                    &b.modality,
                ))
            });
            Hop {
                from: graph.graph[u].id.clone(),
                to: graph.graph[v].id.clone(),
                edges,
            }
        })
        .collect();
    PathOut {
        length: nodes.len() - 1,
        nodes: nodes
            .iter()
            .map(|&n| EntityRef::of(&graph.graph[n]))
            .collect(),
        hops,
    }
}

/// `Barack Obama —expelled→ Russian diplomats ←member_of— …`
pub fn path_line(path: &PathOut) -> String {
    let mut s = String::new();
    for (i, node) in path.nodes.iter().enumerate() {
        s.push_str(&node.label);
        let Some(hop) = path.hops.get(i) else { break };
        let rels = |dir: &str| -> Vec<String> {
            hop.edges
                .iter()
                .filter(|e| e.direction == Some(dir))
                .map(|e| relation_text(&e.relation, &e.modality))
                .collect()
        };
        let (fwd, back) = (rels("forward"), rels("backward"));
        if !fwd.is_empty() {
            let _ = write!(s, " —{}→", fwd.join(", "));
        }
        if !back.is_empty() {
            let _ = write!(s, " ←{}—", back.join(", "));
        }
        s.push(' ');
    }
    s
}

impl Answer for PathAnswer {
    fn text(&self, _engine: &Engine, full: bool) -> String {
        let q = &self.query;
        let mode = if q.directed {
            "directed"
        } else {
            "either direction"
        };
        let mut s = format!("{} → {}: ", q.from.label, q.to.label);
        if self.paths.is_empty() {
            match q.max_hops {
                Some(m) => {
                    let _ = writeln!(s, "no path within {} ({mode})", plural(m, "hop", "hops"));
                }
                None => {
                    let _ = writeln!(s, "no path ({mode})");
                }
            }
            return s;
        }
        let count = format!("{}{}", self.found, if self.truncated { "+" } else { "" });
        if q.all {
            let _ = write!(
                s,
                "{} {} of at most {} ({mode})",
                count,
                if self.found == 1 { "path" } else { "paths" },
                plural(q.max_hops.unwrap_or(4), "hop", "hops")
            );
        } else {
            let _ = write!(
                s,
                "{} shortest {} of {} ({mode})",
                count,
                if self.found == 1 { "path" } else { "paths" },
                plural(self.paths[0].length, "hop", "hops")
            );
        }
        if self.paths.len() < self.found {
            let _ = write!(s, ", showing {} (raise --limit)", self.paths.len());
        }
        s.push('\n');
        for (i, p) in self.paths.iter().enumerate() {
            let _ = writeln!(s, "\nPath {}: {}", i + 1, path_line(p));
            let mut table = edge_header(&["HOP"]);
            for (h, hop) in p.hops.iter().enumerate() {
                for e in &hop.edges {
                    edge_rows(&mut table, vec![(h + 1).to_string()], e, full);
                }
            }
            s.push_str(&table.render("  "));
        }
        s
    }

    fn subgraph(&self, engine: &Engine) -> Subgraph {
        let mut sub = Subgraph::default();
        for id in [&self.query.from.id, &self.query.to.id] {
            if let Some(n) = engine.graph.node_index(id) {
                sub.node(n);
            }
        }
        for p in &self.paths {
            for hop in &p.hops {
                for e in &hop.edges {
                    sub.edge(&engine.graph, e.index);
                }
            }
        }
        sub
    }

    fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}
