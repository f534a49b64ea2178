//! Parse: dependency heads and labels for every tagged sentence, from the
//! project's own parser (see `nlp`); multi-word names, with a person's
//! title and affiliation, are parsed as one word.

use crate::document::{Annotated, Sentence};
use crate::gazetteer::{norm_token, Gazetteer};
use crate::nlp::Parser;
use crate::ontology::EntityType;

/// Sentences longer than this are tagged but not parsed: they are almost
/// always tables or run-on boilerplate whose arcs are not worth reading.
const MAX_PARSE: usize = 150;

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
