//! The readers: the first byte picks the file format, the rest is the file.
//! Every document read must have a one-line title of at most 300 characters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph::document::MAX_TITLE_CHARS;
use newsgraph::read::{expand_inputs, DocumentStream};
use std::sync::OnceLock;

const EXTENSIONS: [&str; 7] = ["txt", "md", "html", "jsonl", "json", "csv", "tsv"];

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary folder"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let ext = EXTENSIONS[pick as usize % EXTENSIONS.len()];
    let path = dir().path().join(format!("input.{ext}"));
    std::fs::write(&path, content).expect("write the input");
    let (inputs, _) = expand_inputs(&[path.display().to_string()]);
    for doc in DocumentStream::new(inputs).flatten() {
        if let Some(t) = &doc.title {
            assert!(t.chars().count() <= MAX_TITLE_CHARS, "title too long");
            assert!(!t.contains('\n'), "title spans lines");
        }
    }
});
