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
