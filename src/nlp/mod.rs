//! Statistical NLP core (named-entity recognition part).
pub mod clusters;
pub mod gazetteer;
pub mod ner;
pub mod ner_cli;
