//! The project's own statistical NLP core: an averaged-perceptron POS tagger,
//! a rule-based lemmatizer and a transition-based dependency parser trained on
//! UD English EWT, and a named-entity recognizer trained on CoNLL-2003 with
//! word clusters learned from unlabelled news.
//!
//! Entry points for the pipeline: [`tagger::Tagger::shipped`],
//! [`parser::Parser::shipped`] and [`ner::Ner::shipped`].

pub mod cli;
pub mod clusters;
pub mod conllu;
pub mod gazetteer;
pub mod lemma;
pub mod ner;
pub mod ner_cli;
pub mod parser;
pub mod perceptron;
pub mod tagger;

pub use parser::{Arc, Parser};
pub use tagger::{TaggedToken, Tagger, Upos};

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// Returns a `&'static str` equal to `s`, leaking each distinct string once.
///
/// Tag and label inventories are tiny and fixed per model, so this bounded
/// leak lets the public API hand out `&'static str` for models loaded at
/// runtime as well as for the embedded ones.
pub fn intern(s: &str) -> &'static str {
    static POOL: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let pool = POOL.get_or_init(|| Mutex::new(HashSet::new()));
    let mut pool = pool.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&p) = pool.get(s) {
        return p;
    }
    let p: &'static str = Box::leak(s.to_string().into_boxed_str());
    pool.insert(p);
    p
}

/// Serializes `value` with postcard and compresses it with zstd.
pub(crate) fn encode<T: serde::Serialize>(value: &T) -> anyhow::Result<Vec<u8>> {
    let raw = postcard::to_allocvec(value)?;
    Ok(zstd::bulk::compress(&raw, 19)?)
}

/// Inverse of [`encode`].
pub(crate) fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> anyhow::Result<T> {
    let raw = zstd::stream::decode_all(bytes)?;
    Ok(postcard::from_bytes(&raw)?)
}
