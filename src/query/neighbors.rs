//! `query neighbors`: what an entity did and what was done to it, and, with
//! `--depth`, what happened around it.

use crate::ontology::is_symmetric;
use crate::query::output::{edge_header, edge_rows, EdgeOut, EntityRef, Subgraph};
use crate::query::{plural, Answer, Engine};
use anyhow::{bail, Result};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Which edges of a node to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    /// Edges it is the target of: what was done to it.
    In,
    /// Edges it is the source of: what it did.
    Out,
    /// Both.
    Both,
}

/// Arguments of `newsgraph query neighbors`.
#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Symmetric relations (met, spoke_with, negotiated_with, cooperated_with) count as both in and out.\n\nExamples:\n  newsgraph query neighbors Lavrov\n  newsgraph query neighbors 'Barack Obama' --direction out --relation expelled,sanctioned\n  newsgraph query neighbors Russia --depth 2 --format dot > russia.dot"
)]
pub struct NeighborsArgs {
    /// The entity (a name, alias or id).
    pub entity: String,
    /// How many hops away to look.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub depth: usize,
    /// Follow only these relations (repeat or separate with commas).
    #[arg(
        long = "relation",
        short = 'r',
        value_name = "R",
        value_delimiter = ','
    )]
    pub relations: Vec<String>,
    /// `out`: what it did; `in`: what was done to it; `both`.
    #[arg(long, value_enum, default_value_t = Dir::Both)]
    pub direction: Dir,
}

/// The question, as answered.
#[derive(Debug, Clone, Serialize)]
pub struct NeighborsQuery {
    /// Always `neighbors`.
    pub command: &'static str,
    /// The entity.
    pub entity: EntityRef,
    /// Hops looked at.
    pub depth: usize,
    /// Relations followed (empty: all).
    pub relations: Vec<String>,
    /// Direction followed.
    pub direction: Dir,
}

/// A node reached, with its distance.
#[derive(Debug, Clone, Serialize)]
pub struct Reached {
    /// The node.
    #[serde(flatten)]
    pub entity: EntityRef,
    /// Hops from the queried entity (0 for itself).
    pub depth: usize,
}

/// The answer to `query neighbors`.
#[derive(Debug, Clone, Serialize)]
pub struct NeighborsAnswer {
    /// The question.
    pub query: NeighborsQuery,
    /// The entity and every node reached, by depth then id.
    pub nodes: Vec<Reached>,
    /// The edges followed, by depth, then source label, relation, target label, modality.
    pub edges: Vec<EdgeOut>,
}

/// Runs `query neighbors`.
pub fn run(engine: &Engine, args: &NeighborsArgs) -> Result<NeighborsAnswer> {
    let start = engine.resolve(&args.entity)?;
    let relations = engine.relations(&args.relations)?;
    if args.depth == 0 {
        bail!("--depth must be at least 1");
    }
    Ok(neighbors(
        engine,
        start,
        args.depth,
        &relations,
        args.direction,
    ))
}

/// Breadth-first from `start`: an edge found while expanding a node at depth
/// d − 1 has depth d.
pub fn neighbors(
    engine: &Engine,
    start: NodeIndex,
    depth: usize,
    relations: &[String],
    dir: Dir,
) -> NeighborsAnswer {
    let g = &engine.graph.graph;
    let wanted = |e: EdgeIndex| relations.is_empty() || relations.contains(&g[e].relation);
    let mut seen: HashMap<NodeIndex, usize> = HashMap::from([(start, 0)]);
    let mut taken: HashSet<EdgeIndex> = HashSet::new();
    let mut edges = Vec::new();
    let mut frontier = vec![start];
    for d in 1..=depth {
        let mut next = Vec::new();
        for &u in &frontier {
            let out = g
                .edges_directed(u, Direction::Outgoing)
                .map(|e| (e.id(), e.target(), "out"));
            let inc = g
                .edges_directed(u, Direction::Incoming)
                .map(|e| (e.id(), e.source(), "in"));
            for (e, other, way) in out.chain(inc) {
                let follows = match dir {
                    Dir::Both => true,
                    Dir::Out => way == "out" || is_symmetric(&g[e].relation),
                    Dir::In => way == "in" || is_symmetric(&g[e].relation),
                };
                if !follows || !wanted(e) || !taken.insert(e) {
                    continue;
                }
                let mut row = EdgeOut::of(&engine.graph, e);
                row.depth = Some(d);
                row.direction = Some(way);
                edges.push(row);
                seen.entry(other).or_insert_with(|| {
                    next.push(other);
                    d
                });
            }
        }
        frontier = next;
    }
    edges.sort_by(|a, b| (a.depth, a.sort_key()).cmp(&(b.depth, b.sort_key())));
    let mut nodes: Vec<Reached> = seen
        .into_iter()
        .map(|(n, depth)| Reached {
            entity: EntityRef::of(&g[n]),
            depth,
        })
        .collect();
    nodes.sort_by(|a, b| (a.depth, &a.entity.id).cmp(&(b.depth, &b.entity.id)));
    NeighborsAnswer {
        query: NeighborsQuery {
            command: "neighbors",
            entity: EntityRef::of(&g[start]),
            depth,
            relations: relations.to_vec(),
            direction: dir,
        },
        nodes,
        edges,
    }
}

impl Answer for NeighborsAnswer {
    fn text(&self, _engine: &Engine, full: bool) -> String {
        let q = &self.query;
        let mut s = format!(
            "{} ({}, {}): {} and {} within {}\n",
            q.entity.label,
            q.entity.id,
            q.entity.kind,
            plural(self.edges.len(), "edge", "edges"),
            plural(self.nodes.len() - 1, "neighbour", "neighbours"),
            plural(q.depth, "hop", "hops"),
        );
        if self.edges.is_empty() {
            return s;
        }
        let mut table = edge_header(&["DEPTH"]);
        for e in &self.edges {
            edge_rows(&mut table, vec![e.depth.unwrap_or(1).to_string()], e, full);
        }
        s.push_str(&table.render(""));
        s
    }

    fn subgraph(&self, engine: &Engine) -> Subgraph {
        let mut sub = Subgraph::default();
        if let Some(n) = engine.graph.node_index(&self.query.entity.id) {
            sub.node(n);
        }
        for e in &self.edges {
            sub.edge(&engine.graph, e.index);
        }
        sub
    }

    fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }
}
