//! Tag and parse: part-of-speech tags, lemmas and dependency heads for every
//! token, from the project's own statistical models (see `nlp`).

use crate::document::Sentence;
use crate::nlp::{Parser, Tagger};

/// Sentences longer than this are tagged but not parsed: they are almost
/// always tables or run-on boilerplate whose arcs are not worth reading.
const MAX_PARSE: usize = 150;

/// Annotates the tokens of each sentence in place with the shipped models.
pub fn tag(sentences: &mut [Sentence]) {
    let tagger = Tagger::shipped();
    let parser = Parser::shipped();
    for s in sentences.iter_mut() {
        let (tags, arcs) = {
            let words: Vec<&str> = s.tokens.iter().map(|t| t.form.as_str()).collect();
            let tags = tagger.tag(&words);
            let arcs = (words.len() <= MAX_PARSE).then(|| parser.parse(&words, &tags));
            (tags, arcs)
        };
        for (i, (tok, tg)) in s.tokens.iter_mut().zip(tags).enumerate() {
            tok.upos = tg.upos.as_str();
            tok.xpos = tg.xpos;
            tok.lemma = if tg.lemma.chars().any(char::is_uppercase) {
                tg.lemma.to_lowercase()
            } else {
                tg.lemma
            };
            if let Some(arcs) = &arcs {
                let a = arcs[i];
                tok.head = a.head.checked_sub(1);
                tok.deprel = a.deprel;
            }
        }
    }
}

/// Writes tagged and parsed sentences as CoNLL-U (1-based heads, `_` where
/// a sentence was too long to parse).
pub fn conllu(text: &str, sentences: &[Sentence]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for s in sentences {
        let _ = writeln!(out, "# text = {}", text[s.span.clone()].replace('\n', " "));
        for (i, t) in s.tokens.iter().enumerate() {
            let head = match (t.head, t.deprel.is_empty()) {
                (_, true) => "_".to_string(),
                (Some(h), _) => (h + 1).to_string(),
                (None, _) => "0".to_string(),
            };
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t_\t{}\t{}\t_\t_",
                i + 1,
                t.form,
                t.lemma,
                t.upos,
                t.xpos,
                head,
                if t.deprel.is_empty() { "_" } else { t.deprel }
            );
        }
        out.push('\n');
    }
    out
}

/// Reads text from standard input and prints it segmented, tagged and
/// parsed as CoNLL-U (`newsgraph tag parse`).
pub fn run_parse_stdin() -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| anyhow::anyhow!("cannot read standard input as UTF-8 text: {e}"))?;
    let mut ann = crate::pipeline::segmented(crate::document::Document {
        text,
        ..Default::default()
    });
    tag(&mut ann.sentences);
    let out = conllu(&ann.doc.text, &ann.sentences);
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}
