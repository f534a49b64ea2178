//! Tag and parse: part-of-speech tags, lemmas and dependency heads for every
//! token, from the project's own statistical models (see `nlp`).

use crate::document::{Annotated, Sentence};
use crate::gazetteer::{norm_token, Gazetteer};
use crate::nlp::{Parser, Tagger};
use crate::ontology::EntityType;

/// Sentences longer than this are tagged but not parsed: they are almost
/// always tables or run-on boilerplate whose arcs are not worth reading.
const MAX_PARSE: usize = 150;

/// Part-of-speech tags and lemmas for every token, in place.
pub fn tag(sentences: &mut [Sentence]) {
    let tagger = Tagger::shipped();
    for s in sentences.iter_mut() {
        let tags = {
            let words: Vec<&str> = s.tokens.iter().map(|t| t.form.as_str()).collect();
            tagger.tag(&words)
        };
        for (tok, tg) in s.tokens.iter_mut().zip(tags) {
            tok.upos = tg.upos.as_str();
            tok.xpos = tg.xpos;
            tok.lemma = if tg.lemma.chars().any(char::is_uppercase) {
                tg.lemma.to_lowercase()
            } else {
                tg.lemma
            };
        }
        if let Some(k) = past_tense_for_participle(&s.tokens) {
            s.tokens[k].xpos = "VBD";
            s.tokens[k].upos = "VERB";
        }
    }
}

/// The participle to read as a past tense in a sentence without a finite
/// verb, if there is one: the first `VBN` right after a noun or pronoun, with
/// no auxiliary before it and no passive "by" after it. Name-heavy sentences
/// look like headlines to the tagger, which then prefers the headline
/// passive ("Kenya sued by Uganda"), so that "Kenya sued Uganda over the
/// border." would have no verb at all; a full sentence has a finite verb.
fn past_tense_for_participle(tokens: &[crate::document::Token]) -> Option<usize> {
    let finite = |x: &str| matches!(x, "VBD" | "VBZ" | "VBP" | "MD");
    if tokens.iter().any(|t| finite(t.xpos)) {
        return None;
    }
    let aux = |t: &crate::document::Token| matches!(t.lemma.as_str(), "be" | "have" | "get");
    let k = tokens.iter().position(|t| t.xpos == "VBN")?;
    let noun_before = k > 0 && matches!(tokens[k - 1].xpos, "NN" | "NNS" | "NNP" | "NNPS" | "PRP");
    let by_after = tokens.get(k + 1).is_some_and(|t| t.lemma == "by");
    (noun_before && !by_after && !tokens[..k].iter().any(aux)).then_some(k)
}

/// Dependency heads and labels for every token of tagged sentences, in place.
///
/// Each multi-word name found by the entity stage, with the title and
/// affiliation before a person's name, is parsed as one word (its last word,
/// a proper noun): the treebank's analyses of long names ("Secretary of State
/// Mike Pompeo", "Rex Tillerson and Sergei Lavrov") are the parser's weakest
/// spot, and the relation stage only needs the name's place in the sentence.
/// The other words of the name hang off its last word as `flat`.
pub fn parse(ann: &mut Annotated, parser: &Parser) {
    let gaz = Gazetteer::get();
    let mut units: Vec<Vec<std::ops::Range<usize>>> = vec![Vec::new(); ann.sentences.len()];
    let mut lower: Vec<Vec<String>> = vec![Vec::new(); ann.sentences.len()];
    for (mi, m) in ann.mentions.iter().enumerate() {
        if !m.is_name || m.kind == EntityType::Group {
            continue;
        }
        let mut start = m.tokens.start;
        if m.kind == EntityType::Person {
            // "Russian Foreign Minister Sergey Lavrov": affiliation, title and
            // name are one noun phrase headed by the surname.
            let low = &mut lower[m.sentence];
            if low.is_empty() {
                low.extend(
                    ann.sentences[m.sentence]
                        .tokens
                        .iter()
                        .map(|t| norm_token(&t.form)),
                );
            }
            if let Some((ts, _)) = gaz.title_before(low, start) {
                start = ts;
            }
            let affiliation = ann
                .facts
                .iter()
                .filter(|f| f.subject == mi)
                .map(|f| &ann.mentions[f.object])
                .filter(|o| o.sentence == m.sentence && o.tokens.end <= start)
                .filter(|o| start - o.tokens.end <= 1)
                .map(|o| o.tokens.start)
                .min();
            if let Some(a) = affiliation {
                start = a;
            }
        }
        if m.tokens.end - start > 1 {
            units[m.sentence].push(start..m.tokens.end);
        }
    }
    for (s, names) in ann.sentences.iter_mut().zip(units.iter_mut()) {
        let n = s.tokens.len();
        if n == 0 || n > MAX_PARSE {
            continue;
        }
        // Outermost names only, in order.
        names.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut unit_of: Vec<usize> = Vec::with_capacity(n); // token → unit index
        let mut last_of: Vec<usize> = Vec::with_capacity(n); // unit → its last token
        let mut multi: Vec<bool> = Vec::with_capacity(n); // unit → several tokens
        let mut next = names.iter().peekable();
        let mut i = 0;
        while i < n {
            while next.peek().is_some_and(|r| r.start < i) {
                next.next();
            }
            let end = match next.peek() {
                Some(r) if r.start == i && r.end <= n => r.end,
                _ => i + 1,
            };
            for _ in i..end {
                unit_of.push(last_of.len());
            }
            last_of.push(end - 1);
            multi.push(end - i > 1);
            i = end;
        }
        let words: Vec<&str> = last_of.iter().map(|&k| s.tokens[k].form.as_str()).collect();
        let tags: Vec<&str> = last_of
            .iter()
            .zip(&multi)
            .map(|(&k, &unit)| match s.tokens[k].xpos {
                "NNPS" | "NNS" if unit => "NNPS",
                _ if unit => "NNP",
                x => x,
            })
            .collect();
        let upos: Vec<&str> = last_of
            .iter()
            .zip(&multi)
            .map(|(&k, &unit)| if unit { "PROPN" } else { s.tokens[k].upos })
            .collect();
        let arcs = parser.parse_tags(&words, &upos, &tags);
        for (k, tok) in s.tokens.iter_mut().enumerate() {
            let u = unit_of[k];
            if last_of[u] == k {
                let a = arcs[u];
                tok.head = a.head.checked_sub(1).map(|h| last_of[h]);
                tok.deprel = a.deprel;
            } else {
                tok.head = Some(last_of[u]);
                tok.deprel = "flat";
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
    crate::entities::detect(&mut ann);
    parse(&mut ann, crate::pipeline::ParserChoice::default().parser());
    let out = conllu(&ann.doc.text, &ann.sentences);
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Token;

    fn tokens(tagged: &[(&str, &'static str, &str)]) -> Vec<Token> {
        tagged
            .iter()
            .map(|&(form, xpos, lemma)| {
                let mut t = Token::new(0..form.len(), form.to_string());
                t.xpos = xpos;
                t.lemma = lemma.to_string();
                t
            })
            .collect()
    }

    #[test]
    fn a_participle_is_the_past_tense_only_in_a_sentence_without_a_verb() {
        let sued = [("Kenya", "NNP", "kenya"), ("sued", "VBN", "sue")];
        let uganda = [("Uganda", "NNP", "uganda"), (".", ".", ".")];
        let s = tokens(&[&sued[..], &uganda[..]].concat());
        assert_eq!(past_tense_for_participle(&s), Some(1));
        // The headline passive, an auxiliary, a finite verb, no noun before.
        let by = tokens(&[&sued[..], &[("by", "IN", "by")], &uganda[..]].concat());
        assert_eq!(past_tense_for_participle(&by), None);
        let has = tokens(&[
            ("Kenya", "NNP", "kenya"),
            ("has", "VBZ", "have"),
            ("sued", "VBN", "sue"),
            ("Uganda", "NNP", "uganda"),
        ]);
        assert_eq!(past_tense_for_participle(&has), None);
        let being = tokens(&[
            ("Kenya", "NNP", "kenya"),
            ("being", "VBG", "be"),
            ("sued", "VBN", "sue"),
        ]);
        assert_eq!(past_tense_for_participle(&being), None);
        let first = tokens(&[
            ("Sued", "VBN", "sue"),
            ("by", "IN", "by"),
            ("Kenya", "NNP", "kenya"),
        ]);
        assert_eq!(past_tense_for_participle(&first), None);
    }
}
