//! newsgraph: news articles in, one typed knowledge graph out.
pub mod nlp;
