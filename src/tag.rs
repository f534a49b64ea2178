//! Tag: part-of-speech tags and lemmas for every token, from the project's
//! own statistical tagger (see `nlp`).

use crate::document::Sentence;
use crate::nlp::Tagger;

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
