//! newsgraph: news articles in, one typed knowledge graph out.
//!
//! The pipeline runs one module per stage, each with a typed input and output:
//! [`read`] → [`clean`] → [`segment`] → [`tag`] → [`entities`] → [`parse`] → [`coref`] →
//! [`relations`] → [`merge`] → [`export`] / [`query`].

pub mod clean;
pub mod coref;
pub mod dates;
pub mod document;
pub mod entities;
pub mod export;
pub mod gazetteer;
pub mod graph;
pub mod lexicon;
pub mod merge;
pub mod nlp;
pub mod ontology;
pub mod parse;
pub mod pipeline;
pub mod query;
pub mod read;
pub mod relations;
pub mod segment;
pub mod tag;
