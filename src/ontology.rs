//! The built-in ontology: entity types, modalities and the default relation types.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kind of thing a graph node stands for.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityType {
    /// A named person.
    #[default]
    Person,
    /// A named organization, agency, ministry, party, company or outlet.
    Org,
    /// A country, state or city (also when it acts).
    Gpe,
    /// A place that is not a GPE.
    Loc,
    /// A building, compound, consulate, embassy or base.
    Facility,
    /// An unnamed collective actor described by its members.
    Group,
    /// A named event.
    Event,
}

impl EntityType {
    /// All types, in a fixed order (used for legends and schemas).
    pub const ALL: [EntityType; 7] = [
        EntityType::Person,
        EntityType::Org,
        EntityType::Gpe,
        EntityType::Loc,
        EntityType::Facility,
        EntityType::Group,
        EntityType::Event,
    ];

    /// The upper-case name used in JSON (`PERSON`, `ORG`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "PERSON",
            EntityType::Org => "ORG",
            EntityType::Gpe => "GPE",
            EntityType::Loc => "LOC",
            EntityType::Facility => "FACILITY",
            EntityType::Group => "GROUP",
            EntityType::Event => "EVENT",
        }
    }

    /// The lower-case prefix of node ids (`person:…`).
    pub fn id_prefix(self) -> &'static str {
        match self {
            EntityType::Person => "person",
            EntityType::Org => "org",
            EntityType::Gpe => "gpe",
            EntityType::Loc => "loc",
            EntityType::Facility => "facility",
            EntityType::Group => "group",
            EntityType::Event => "event",
        }
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntityType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EntityType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown entity type '{s}' (expected one of PERSON, ORG, GPE, LOC, FACILITY, GROUP, EVENT)"))
    }
}

/// How the text commits to an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    /// It happened or holds, as the text reports it.
    Asserted,
    /// The text says it did not happen or was refrained from.
    Negated,
    /// Possible, conditional, expected, alleged or claimed.
    Uncertain,
    /// Scheduled or intended for the future.
    Planned,
}

impl Modality {
    /// All modalities in a fixed order.
    pub const ALL: [Modality; 4] = [
        Modality::Asserted,
        Modality::Negated,
        Modality::Uncertain,
        Modality::Planned,
    ];

    /// The lower-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Asserted => "asserted",
            Modality::Negated => "negated",
            Modality::Uncertain => "uncertain",
            Modality::Planned => "planned",
        }
    }
}

impl fmt::Display for Modality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Modality {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Modality::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown modality '{s}' (expected asserted, negated, uncertain or planned)")
            })
    }
}

/// The 28 relation types of the built-in ontology. Users may add their own
/// through the trigger lexicon, so relations are carried as strings elsewhere.
pub const RELATIONS: [&str; 28] = [
    "met",
    "spoke_with",
    "visited",
    "negotiated_with",
    "cooperated_with",
    "supported",
    "praised",
    "criticized",
    "accused",
    "demanded",
    "threatened",
    "opposed",
    "sanctioned",
    "expelled",
    "closed",
    "reduced_relations_with",
    "retaliated_against",
    "interfered_in",
    "attacked",
    "annexed",
    "killed",
    "arrested",
    "appointed",
    "dismissed",
    "leader_of",
    "member_of",
    "located_in",
    "owned_by",
];

/// Relations that hold in both directions; their edges are stored with the
/// smaller node id as source so that A–B and B–A become one edge.
pub const SYMMETRIC: [&str; 4] = ["met", "spoke_with", "negotiated_with", "cooperated_with"];

/// Whether `relation` is symmetric.
pub fn is_symmetric(relation: &str) -> bool {
    SYMMETRIC.contains(&relation)
}

/// The standing facts: relations that hold rather than happen, so they carry
/// no event date.
pub const STANDING: [&str; 4] = ["leader_of", "member_of", "located_in", "owned_by"];

/// Whether `relation` is a standing fact.
pub fn is_standing(relation: &str) -> bool {
    STANDING.contains(&relation)
}
