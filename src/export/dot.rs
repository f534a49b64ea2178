//! Graphviz DOT through graphviz-rust, and SVG/PNG rendered by the `dot` binary.

use crate::export::Format;
use crate::graph::{Edge as GEdge, KnowledgeGraph, Node as GNode};
use crate::ontology::{EntityType, Modality};
use anyhow::{bail, Result};
use graphviz_rust::cmd::{CommandArg, Format as GvFormat};
use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};
use std::io::Write;

/// A quoted DOT id. graphviz-rust only adds the quotes, so backslashes,
/// quotes and line breaks are escaped here: names are untrusted text.
pub fn quoted(s: &str) -> Id {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    Id::Escaped(out)
}

fn attr(k: &str, v: &str) -> Attribute {
    Attribute(Id::Plain(k.to_string()), quoted(v))
}

/// Shape and fill colour of each entity type.
pub fn style(kind: EntityType) -> (&'static str, &'static str) {
    match kind {
        EntityType::Person => ("ellipse", "#fde2a7"),
        EntityType::Org => ("box", "#b9d7f0"),
        EntityType::Gpe => ("hexagon", "#c6e8c0"),
        EntityType::Loc => ("house", "#e0f0d8"),
        EntityType::Facility => ("box3d", "#e6d3f0"),
        EntityType::Group => ("octagon", "#f5c6c6"),
        EntityType::Event => ("diamond", "#f0e6b9"),
    }
}

fn edge_style(m: Modality) -> (&'static str, &'static str) {
    match m {
        Modality::Asserted => ("solid", "#333333"),
        Modality::Negated => ("dashed", "#c0392b"),
        Modality::Uncertain => ("dashed", "#7f8c8d"),
        Modality::Planned => ("dashed", "#2471a3"),
    }
}

fn node_stmt(n: &GNode) -> Stmt {
    let (shape, fill) = style(n.kind);
    Stmt::Node(Node {
        id: NodeId(quoted(&n.id), None),
        attributes: vec![
            attr("label", &n.label),
            attr("shape", shape),
            attr("fillcolor", fill),
            attr("tooltip", &format!("{} ({})", n.label, n.kind)),
        ],
    })
}

fn edge_stmt(e: &GEdge) -> Stmt {
    let (line, colour) = edge_style(e.modality);
    let label = if e.modality == Modality::Asserted {
        e.relation.clone()
    } else {
        format!("{} ({})", e.relation, e.modality)
    };
    let mut attributes = vec![
        attr("label", &label),
        attr("style", line),
        attr("color", colour),
        attr("fontcolor", colour),
    ];
    if e.count > 1 {
        attributes.push(attr(
            "penwidth",
            &format!("{:.1}", 1.0 + (e.count as f64).ln()),
        ));
    }
    if let Some(ev) = e.evidence.first() {
        attributes.push(attr("tooltip", &ev.sentence));
    }
    Stmt::Edge(Edge {
        ty: EdgeTy::Pair(
            Vertex::N(NodeId(quoted(&e.source), None)),
            Vertex::N(NodeId(quoted(&e.target), None)),
        ),
        attributes,
    })
}

fn legend() -> Stmt {
    let mut stmts = vec![
        Stmt::Attribute(attr("label", "Legend")),
        Stmt::Attribute(attr("style", "rounded")),
        Stmt::Attribute(attr("color", "#999999")),
    ];
    for kind in EntityType::ALL {
        let (shape, fill) = style(kind);
        stmts.push(Stmt::Node(Node {
            id: NodeId(quoted(&format!("legend:{}", kind.as_str())), None),
            attributes: vec![
                attr("label", kind.as_str()),
                attr("shape", shape),
                attr("fillcolor", fill),
            ],
        }));
    }
    for (i, m) in Modality::ALL.into_iter().enumerate() {
        let (line, colour) = edge_style(m);
        let a = quoted(&format!("legend:m{i}a"));
        let b = quoted(&format!("legend:m{i}b"));
        for id in [&a, &b] {
            stmts.push(Stmt::Node(Node {
                id: NodeId(id.clone(), None),
                attributes: vec![
                    attr("label", ""),
                    attr("shape", "point"),
                    attr("width", "0.05"),
                ],
            }));
        }
        stmts.push(Stmt::Edge(Edge {
            ty: EdgeTy::Pair(Vertex::N(NodeId(a, None)), Vertex::N(NodeId(b, None))),
            attributes: vec![
                attr("label", m.as_str()),
                attr("style", line),
                attr("color", colour),
                attr("fontcolor", colour),
            ],
        }));
    }
    Stmt::Subgraph(Subgraph {
        id: Id::Plain("cluster_legend".to_string()),
        stmts,
    })
}

/// The graph as a graphviz-rust structure.
pub fn to_dot(graph: &KnowledgeGraph) -> Graph {
    let mut stmts = vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("rankdir", "LR"),
            attr("fontname", "Helvetica"),
            attr("overlap", "false"),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            attr("style", "filled"),
            attr("fontname", "Helvetica"),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr("fontname", "Helvetica"),
            attr("fontsize", "10"),
        ])),
    ];
    stmts.extend(graph.nodes().into_iter().map(node_stmt));
    stmts.extend(graph.edges().into_iter().map(edge_stmt));
    stmts.push(legend());
    Graph::DiGraph {
        id: Id::Plain("newsgraph".to_string()),
        strict: false,
        stmts,
    }
}

/// Writes DOT text.
pub fn write(graph: &KnowledgeGraph, w: &mut dyn Write) -> std::io::Result<()> {
    let text = to_dot(graph).print(&mut PrinterContext::default());
    w.write_all(text.as_bytes())?;
    w.write_all(b"\n")
}

/// Whether Graphviz's `dot` is on PATH.
pub fn dot_available() -> bool {
    std::process::Command::new("dot")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Renders through Graphviz `dot` to SVG or PNG.
pub fn render(graph: &KnowledgeGraph, format: Format) -> Result<Vec<u8>> {
    if !dot_available() {
        bail!(
            "rendering {} needs Graphviz's `dot` on PATH: install it (Debian/Ubuntu: `sudo apt-get install graphviz`; macOS: `brew install graphviz`) or write --format dot",
            format.extension()
        );
    }
    let gv = match format {
        Format::Png => GvFormat::Png,
        _ => GvFormat::Svg,
    };
    let bytes = graphviz_rust::exec(
        to_dot(graph),
        &mut PrinterContext::default(),
        vec![CommandArg::Format(gv)],
    )?;
    Ok(bytes)
}
