//! The whole per-document pipeline: no panic, and every relation's evidence
//! lies inside the text (code point offsets) and quotes it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph::document::Document;
use newsgraph::lexicon::Lexicon;
use newsgraph::pipeline::Pipeline;
use std::sync::OnceLock;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::new(Lexicon::builtin()))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let chars = text.chars().count();
    let doc = Document {
        id: "fuzz".into(),
        source: "fuzz".into(),
        text,
        ..Default::default()
    };
    let g = pipeline().process(doc);
    for r in &g.relations {
        assert!(r.source < g.entities.len() && r.target < g.entities.len());
        assert!(r.evidence.start <= r.evidence.end && r.evidence.end <= chars);
        assert!((0.0..=1.0).contains(&r.confidence));
    }
});
