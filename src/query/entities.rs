//! `query entities`: find entities by type and name.

use crate::ontology::EntityType;
use crate::query::output::{Subgraph, EVIDENCE_WIDTH};
use crate::query::resolve::normalize;
use crate::query::table::{shorten, Table};
use crate::query::{plural, Answer, Engine};
use anyhow::Result;
use petgraph::stable_graph::NodeIndex;
use serde::Serialize;

/// Arguments of `newsgraph query entities`.
#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Entities are listed by mentions (most first), then id.\n\nExamples:\n  newsgraph query entities --type PERSON\n  newsgraph query entities --name martinez --format json"
)]
pub struct EntitiesArgs {
    /// Only this type: PERSON, ORG, GPE, LOC, FACILITY, GROUP or EVENT.
    #[arg(long = "type", short = 't', value_name = "T", value_parser = parse_type)]
    pub kind: Option<EntityType>,
    /// Only entities whose id, label or an alias contains TEXT (ignoring case,
    /// accents and punctuation).
    #[arg(long, short = 'n', value_name = "TEXT")]
    pub name: Option<String>,
}

fn parse_type(s: &str) -> Result<EntityType, String> {
    s.parse()
}

/// The question, as answered.
#[derive(Debug, Clone, Serialize)]
pub struct EntitiesQuery {
    /// Always `entities`.
    pub command: &'static str,
    /// Type filter.
    #[serde(rename = "type")]
    pub kind: Option<EntityType>,
    /// Name filter.
    pub name: Option<String>,
}

/// One entity found.
#[derive(Debug, Clone, Serialize)]
pub struct EntityOut {
    /// Node id.
    pub id: String,
    /// Canonical name.
    pub label: String,
    /// Entity type.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Every surface form resolved to it.
    pub aliases: Vec<String>,
    /// Mentions resolved to it.
    pub mentions: usize,
    /// Documents that mention it.
    pub documents: Vec<String>,
    /// Edges it takes part in.
    pub degree: usize,
    #[serde(skip)]
    index: NodeIndex,
}

/// The answer to `query entities`.
#[derive(Debug, Clone, Serialize)]
pub struct EntitiesAnswer {
    /// The question.
    pub query: EntitiesQuery,
    /// Entities by mentions (most first), then id.
    pub entities: Vec<EntityOut>,
}

/// Runs `query entities`.
pub fn run(engine: &Engine, args: &EntitiesArgs) -> Result<EntitiesAnswer> {
    let g = &engine.graph.graph;
    let needle = args.name.as_deref().map(normalize);
    let mut entities: Vec<EntityOut> = g
        .node_indices()
        .filter(|&i| {
            let n = &g[i];
            args.kind.is_none_or(|k| n.kind == k)
                && needle.as_deref().is_none_or(|want| {
                    std::iter::once(&n.id)
                        .chain(std::iter::once(&n.label))
                        .chain(&n.aliases)
                        .any(|s| normalize(s).contains(want))
                })
        })
        .map(|i| {
            let n = &g[i];
            EntityOut {
                id: n.id.clone(),
                label: n.label.clone(),
                kind: n.kind,
                aliases: n.aliases.clone(),
                mentions: n.mentions,
                documents: n.documents.clone(),
                degree: g.edges_directed(i, petgraph::Direction::Outgoing).count()
                    + g.edges_directed(i, petgraph::Direction::Incoming).count(),
                index: i,
            }
        })
        .collect();
    entities.sort_by(|a, b| b.mentions.cmp(&a.mentions).then_with(|| a.id.cmp(&b.id)));
    Ok(EntitiesAnswer {
        query: EntitiesQuery {
            command: "entities",
            kind: args.kind,
            name: args.name.clone(),
        },
        entities,
    })
}

impl Answer for EntitiesAnswer {
    fn text(&self, _engine: &Engine, full: bool) -> String {
        let mut s = format!("{}\n", plural(self.entities.len(), "entity", "entities"));
        if self.entities.is_empty() {
            return s;
        }
        let mut table = Table::new([
            "ID",
            "LABEL",
            "TYPE",
            "MENTIONS",
            "DOCUMENTS",
            "EDGES",
            "ALIASES",
        ]);
        for e in &self.entities {
            let aliases = e.aliases.join("; ");
            table.row([
                e.id.clone(),
                e.label.clone(),
                e.kind.to_string(),
                e.mentions.to_string(),
                e.documents.len().to_string(),
                e.degree.to_string(),
                if full {
                    aliases
                } else {
                    shorten(&aliases, EVIDENCE_WIDTH)
                },
            ]);
        }
        s.push_str(&table.render(""));
        s
    }

    fn subgraph(&self, _engine: &Engine) -> Subgraph {
        let mut sub = Subgraph::default();
        for e in &self.entities {
            sub.node(e.index);
        }
        sub
    }

    fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }
}
