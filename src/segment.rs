//! Segment: split the kept paragraphs into sentences and tokens, with byte
//! offsets into the original text.
//!
//! Tokens follow the Penn/EWT conventions the models were trained on:
//! punctuation apart, possessive `'s` and `n't` split off, abbreviations such as
//! `U.S.`, `Mr.`, `D.`, `Sen.`, `Jan.` kept whole. Abbreviations do not end
//! sentences, and a paragraph that breaks after an initial or title
//! ("President D.\n\nTrump") or in mid-sentence is joined to the next one.

use crate::document::{Sentence, Token};
use std::ops::Range;

/// Abbreviations (lower case, without the final period) that keep their period.
const ABBREVIATIONS: [&str; 60] = [
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt",
    "cmdr", "adm", "maj", "rev", "st", "jr", "sr", "pres", "supt", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs", "etc", "inc", "corp", "co",
    "ltd", "llc", "ave", "dept", "univ", "mt", "ft", "fig", "approx", "est", "gov't", "assn",
    "bros", "u.s", "e.g", "i.e", "a.m", "p.m", "messrs", "mme", "msgr",
];

/// Abbreviations after which a new sentence may start (they often end one).
const SENTENCE_FINAL_ABBREVIATIONS: [&str; 6] = ["etc", "inc", "corp", "co", "ltd", "llc"];

/// Words that start sentences: after an ambiguous abbreviation ("the U.S. The
/// talks…") a capitalized word from this list starts a new sentence.
const SENTENCE_STARTERS: [&str; 40] = [
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "but",
    "and",
    "in",
    "on",
    "at",
    "this",
    "that",
    "these",
    "those",
    "there",
    "his",
    "her",
    "their",
    "its",
    "our",
    "as",
    "after",
    "before",
    "when",
    "while",
    "if",
    "so",
    "yet",
    "still",
    "however",
    "meanwhile",
    "earlier",
    "later",
    "now",
    "then",
];

/// The longest run of characters without a space that is tokenized as
/// one (longer than any word or ordinary web address); longer runs are cut.
pub const MAX_CHUNK_BYTES: usize = 128;

/// The most tokens in one sentence: a longer "sentence" (a list, a dump
/// without punctuation) is cut into pieces, so that parsing and the relation
/// candidates, which grow with the square of a sentence, stay bounded.
pub const MAX_SENTENCE_TOKENS: usize = 400;

/// Contractions split off the end of a word (matched lower-case, apostrophes normalized).
const CLITICS: [&str; 8] = ["n't", "'s", "'re", "'ve", "'ll", "'d", "'m", "s'"];

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}' | '`'
    )
}

fn is_split_punct(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '"'
            | '\u{201c}'
            | '\u{201d}'
            | '\u{2018}'
            | '\u{2014}'
            | '\u{2013}'
            | '\u{2026}'
            | '$'
            | '#'
            | '%'
            | '*'
            | '|'
            | '\u{2022}'
            | '\u{2981}'
    )
}

/// Whether a word with a final period is an abbreviation that keeps it.
fn is_abbreviation(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    if w.is_empty() {
        return false;
    }
    let lower = w.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    let chars: Vec<char> = w.chars().collect();
    // Initials: "D.", "J."
    if chars.len() == 1 && chars[0].is_alphabetic() {
        return true;
    }
    // Dotted acronyms: "U.S", "D.C", "U.N", "a.m"
    chars.len() >= 3
        && chars.iter().enumerate().all(|(i, c)| {
            if i % 2 == 1 {
                *c == '.'
            } else {
                c.is_alphabetic()
            }
        })
}

/// Splits one whitespace-delimited chunk into token byte ranges (relative).
fn split_chunk(chunk: &str, out: &mut Vec<Range<usize>>) {
    let mut start = 0;
    let mut end = chunk.len();
    let mut tail: Vec<Range<usize>> = Vec::new();
    // Leading punctuation and quotes.
    while start < end {
        let c = chunk[start..end].chars().next().unwrap_or(' ');
        if is_split_punct(c) || is_quote(c) {
            out.push(start..start + c.len_utf8());
            start += c.len_utf8();
        } else {
            break;
        }
    }
    // Trailing punctuation, quotes and periods.
    loop {
        if start >= end {
            break;
        }
        let word = &chunk[start..end];
        let c = word.chars().next_back().unwrap_or(' ');
        if c == '.' {
            // Ellipsis "..." stays one token.
            if word.ends_with("...") && word.len() > 3 {
                tail.push(end - 3..end);
                end -= 3;
                continue;
            }
            if is_abbreviation(word) || word == "." {
                break;
            }
            tail.push(end - 1..end);
            end -= 1;
            continue;
        }
        if is_split_punct(c) || (is_quote(c) && c != '\'' && c != '\u{2019}') {
            tail.push(end - c.len_utf8()..end);
            end -= c.len_utf8();
            continue;
        }
        if (c == '\'' || c == '\u{2019}') && word.chars().count() > 1 {
            // A closing single quote, unless it is a plural possessive ("leaders'").
            let before = word[..word.len() - c.len_utf8()]
                .chars()
                .next_back()
                .unwrap_or(' ');
            if before != 's' && before != 'S' {
                tail.push(end - c.len_utf8()..end);
                end -= c.len_utf8();
                continue;
            }
        }
        break;
    }
    // Internal dashes: "—" between words, and "--".
    let mut pieces: Vec<Range<usize>> = Vec::new();
    let mut s = start;
    let core = &chunk[start..end];
    for (i, c) in core.char_indices() {
        let abs = start + i;
        if matches!(c, '\u{2014}' | '\u{2013}' | '/' | '\u{2026}') && abs > s {
            pieces.push(s..abs);
            pieces.push(abs..abs + c.len_utf8());
            s = abs + c.len_utf8();
        } else if matches!(c, '\u{2014}' | '\u{2013}' | '\u{2026}') {
            pieces.push(abs..abs + c.len_utf8());
            s = abs + c.len_utf8();
        }
    }
    if s < end {
        pieces.push(s..end);
    }
    for piece in pieces {
        split_clitics(chunk, piece, out);
    }
    out.extend(tail.into_iter().rev());
}

fn split_clitics(chunk: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let word = &chunk[r.clone()];
    let norm: String = word
        .chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect::<String>()
        .to_lowercase();
    for cl in CLITICS {
        if norm.len() > cl.len() && norm.ends_with(cl) {
            // Byte length of the clitic in the original (’ is 3 bytes).
            let n_chars = cl.chars().count();
            let split = word
                .char_indices()
                .rev()
                .nth(n_chars - 1)
                .map_or(0, |(i, _)| i);
            if split == 0 {
                break;
            }
            if cl == "s'" {
                // Plural possessive: "leaders'" → "leaders" "'".
                let q = word.char_indices().next_back().map_or(0, |(i, _)| i);
                out.push(r.start..r.start + q);
                out.push(r.start + q..r.end);
                return;
            }
            if cl == "n't" && norm == "can't" {
                out.push(r.start..r.start + 2);
                out.push(r.start + 2..r.end);
                return;
            }
            out.push(r.start..r.start + split);
            out.push(r.start + split..r.end);
            return;
        }
    }
    out.push(r);
}

/// Where a chunk runs two sentences together for want of a space
/// ("Iran.Richard"): the byte index just after the period, when a lower-case
/// letter, the period, then an upper-case and a lower-case letter meet, and
/// the word before the period has two letters or more and is no abbreviation.
/// Web addresses ("CNN.com", "www.Example.org"), e-mail addresses, "U.S.",
/// "p.m." and decimals are left alone.
fn sentence_glue(chunk: &str) -> Option<usize> {
    let b = chunk.as_bytes();
    if b.len() < 5 || !chunk.contains('.') {
        return None;
    }
    for i in 2..b.len().saturating_sub(2) {
        if !(b[i] == b'.'
            && b[i - 1].is_ascii_lowercase()
            && b[i + 1].is_ascii_uppercase()
            && b[i + 2].is_ascii_lowercase())
        {
            continue;
        }
        let mut ws = i;
        while ws > 0 && b[ws - 1].is_ascii_alphabetic() {
            ws -= 1;
        }
        if i - ws < 2 || (ws > 0 && matches!(b[ws - 1], b'.' | b'@' | b'/' | b'-')) {
            continue;
        }
        if chunk.contains("://")
            || chunk.contains('@')
            || chunk[ws..].to_ascii_lowercase().starts_with("www.")
            || is_abbreviation(&chunk[ws..=i])
        {
            continue;
        }
        return Some(i + 1);
    }
    None
}

/// Tokenizes one paragraph (byte range of `text`) into absolute token ranges.
pub fn tokenize(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let para = &text[range.clone()];
    let mut out = Vec::new();
    let mut rel = Vec::new();
    let mut chunk_start = None;
    for (i, c) in para
        .char_indices()
        .chain(std::iter::once((para.len(), ' ')))
    {
        if c.is_whitespace() {
            if let Some(s) = chunk_start.take() {
                // A run without spaces longer than any word (a scraped dump,
                // a data blob) is cut into pieces first, so that the work per
                // character stays bounded.
                let mut piece: usize = s;
                while piece < i {
                    let mut piece_end = (piece + MAX_CHUNK_BYTES).min(i);
                    while !para.is_char_boundary(piece_end) {
                        piece_end -= 1;
                    }
                    if piece_end == piece {
                        piece_end = i;
                    }
                    // A missing space after a sentence ("Iran.Richard") splits
                    // the chunk into parts tokenized apart.
                    let mut part = piece;
                    loop {
                        let end =
                            sentence_glue(&para[part..piece_end]).map_or(piece_end, |g| part + g);
                        rel.clear();
                        split_chunk(&para[part..end], &mut rel);
                        out.extend(
                            rel.iter()
                                .map(|r| range.start + part + r.start..range.start + part + r.end),
                        );
                        if end == piece_end {
                            break;
                        }
                        part = end;
                    }
                    piece = piece_end;
                }
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(i);
        }
    }
    out
}

fn first_char(s: &str) -> char {
    s.chars().next().unwrap_or(' ')
}

/// Whether a sentence ends after token `i` of `toks` (strings).
fn ends_sentence(toks: &[&str], i: usize) -> bool {
    let t = toks[i];
    let next = toks.get(i + 1).copied();
    let terminal = matches!(t, "." | "!" | "?" | "..." | "\u{2026}")
        || (t.ends_with('.') && t.len() > 1 && is_abbreviation(t));
    if !terminal {
        return false;
    }
    let Some(mut n) = next else {
        return true;
    };
    // Closing quotes and brackets belong to the sentence that ends.
    let mut j = i + 1;
    while matches!(n, "\"" | "\u{201d}" | "'" | "\u{2019}" | ")" | "]") {
        if j > i + 8 {
            return false;
        }
        j += 1;
        match toks.get(j) {
            Some(x) => n = x,
            None => return false,
        }
    }
    if j > i + 1 {
        // The sentence ends after the quotes, not before them.
        return false;
    }
    let starts_upper =
        first_char(n).is_uppercase() || first_char(n).is_ascii_digit() || is_quote(first_char(n));
    if t.len() > 1 && t.ends_with('.') {
        // An abbreviation: only a clear sentence start follows a final one.
        let lower = t.trim_end_matches('.').to_lowercase();
        let single_initial = t.chars().count() == 2;
        if single_initial || !starts_upper {
            return false;
        }
        return SENTENCE_FINAL_ABBREVIATIONS.contains(&lower.as_str())
            || SENTENCE_STARTERS.contains(&n.to_lowercase().as_str());
    }
    starts_upper || matches!(n, "-" | "\u{2014}" | "(")
}

/// Whether the closing quote tokens after position `i` end the sentence.
fn ends_after_quotes(toks: &[&str], i: usize) -> bool {
    // i is a closing quote; a terminal mark before it, and a capital after.
    // Looks back over a few closing marks only: a run of thousands of quotes
    // must not make this quadratic.
    let mut k = i;
    while k > 0 && i - k < 8 && matches!(toks[k], "\"" | "\u{201d}" | "'" | "\u{2019}" | ")" | "]")
    {
        k -= 1;
    }
    if !matches!(toks[k], "." | "!" | "?" | "\u{2026}") {
        return false;
    }
    match toks.get(i + 1) {
        None => true,
        Some(n) => first_char(n).is_uppercase() || is_quote(first_char(n)),
    }
}

/// Whether a paragraph break between two paragraphs falls inside a sentence.
fn joins_next(last: &str, next_first: &str) -> bool {
    let ends_open = !matches!(
        last,
        "." | "!" | "?" | "\"" | "\u{201d}" | ":" | "\u{2026}" | ")"
    );
    let abbrev = last.len() > 1 && last.ends_with('.') && is_abbreviation(last);
    let lower_next = first_char(next_first).is_lowercase();
    (abbrev && (lower_next || last.chars().count() == 2 || is_title_abbrev(last)))
        || (ends_open && lower_next && !last.ends_with(':'))
}

fn is_title_abbrev(t: &str) -> bool {
    matches!(
        t.trim_end_matches('.').to_lowercase().as_str(),
        "mr" | "mrs" | "ms" | "dr" | "sen" | "rep" | "gov" | "gen" | "st" | "prof" | "pres"
    )
}

/// Splits the kept paragraphs of `text` into sentences of tokens.
pub fn segment(text: &str, kept: &[Range<usize>]) -> Vec<Sentence> {
    let mut sentences = Vec::new();
    let mut current: Vec<Range<usize>> = Vec::new();
    // Ranges that no line break separates are pieces of one paragraph whose
    // inline junk was cut out: they are tokenized as one.
    let mut paras: Vec<Vec<Range<usize>>> = Vec::new();
    let mut prev_end: Option<usize> = None;
    for r in kept {
        let toks = tokenize(text, r.clone());
        let same_par = prev_end.is_some_and(|e| e <= r.start && !text[e..r.start].contains('\n'));
        match paras.last_mut() {
            Some(last) if same_par => last.extend(toks),
            _ => paras.push(toks),
        }
        prev_end = Some(r.end);
    }
    for (p, toks) in paras.iter().enumerate() {
        let strs: Vec<&str> = toks.iter().map(|r| &text[r.clone()]).collect();
        for (i, r) in toks.iter().enumerate() {
            current.push(r.clone());
            // Over-long sentences end at a clause mark late in the window,
            // else at the limit.
            if current.len() >= MAX_SENTENCE_TOKENS
                || (current.len() >= MAX_SENTENCE_TOKENS * 3 / 4
                    && matches!(strs[i], ";" | "," | ":" | "\u{2014}"))
            {
                push_sentence(text, &mut current, &mut sentences);
                continue;
            }
            let is_closing_quote =
                matches!(strs[i], "\"" | "\u{201d}" | "'" | "\u{2019}" | ")" | "]");
            let end = if is_closing_quote {
                ends_after_quotes(&strs, i)
            } else {
                ends_sentence(&strs, i)
            };
            if end && i + 1 < toks.len() {
                push_sentence(text, &mut current, &mut sentences);
            }
        }
        let join = match (strs.last(), paras.get(p + 1).and_then(|n| n.first())) {
            (Some(last), Some(next)) => joins_next(last, &text[next.clone()]),
            _ => false,
        };
        if !join {
            push_sentence(text, &mut current, &mut sentences);
        }
    }
    push_sentence(text, &mut current, &mut sentences);
    sentences
}

/// Cuts a long text into consecutive byte ranges of at most `max` bytes,
/// each ending at a paragraph break where one falls in the second half of
/// the window, else at a line break, a sentence end or a space, else at a
/// character boundary. The ranges cover the text without gaps.
pub fn parts(text: &str, max: usize) -> Vec<Range<usize>> {
    let max = max.max(8);
    let mut out = Vec::new();
    let mut start = 0;
    while text.len() - start > max {
        let mut hard = start + max;
        while !text.is_char_boundary(hard) {
            hard -= 1;
        }
        let mut half = start + max / 2;
        while !text.is_char_boundary(half) {
            half += 1;
        }
        let window = &text[half..hard];
        let end = window
            .rfind("\n\n")
            .map(|i| i + 2)
            .or_else(|| window.rfind('\n').map(|i| i + 1))
            .or_else(|| window.rfind(". ").map(|i| i + 2))
            .or_else(|| window.rfind(' ').map(|i| i + 1))
            .map_or(hard, |i| half + i);
        let end = if end <= start {
            hard.max(start + 1)
        } else {
            end
        };
        out.push(start..end);
        start = end;
    }
    if start < text.len() || out.is_empty() {
        out.push(start..text.len());
    }
    out
}

fn push_sentence(text: &str, current: &mut Vec<Range<usize>>, out: &mut Vec<Sentence>) {
    if current.is_empty() {
        return;
    }
    let span = current[0].start..current[current.len() - 1].end;
    let tokens = current
        .drain(..)
        .map(|r| {
            // A single quote standing alone is a quotation mark, not the
            // possessive the models would otherwise read ("called Kim 'Little
            // Rocket Man'").
            let form = match &text[r.clone()] {
                "'" | "\u{2018}" | "\u{2019}" => "\"".to_string(),
                w => w.to_string(),
            };
            Token::new(r.clone(), form)
        })
        .collect();
    out.push(Sentence { span, tokens });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<String>> {
        let kept = crate::clean::clean(text);
        segment(text, &kept)
            .into_iter()
            .map(|s| s.tokens.into_iter().map(|t| t.form).collect())
            .collect()
    }

    #[test]
    fn long_texts_are_cut_into_parts_at_paragraphs_then_sentences_then_spaces() {
        let text = "First para here.\n\nSecond one. Third sentence goes on and on";
        let p = parts(text, 24);
        assert_eq!(
            p.iter().map(|r| &text[r.clone()]).collect::<Vec<_>>(),
            vec![
                "First para here.\n\n",
                "Second one. Third ",
                "sentence goes on and on"
            ]
        );
        let blob = "é".repeat(20);
        let p = parts(&blob, 9);
        assert_eq!(p, vec![0..8, 8..16, 16..24, 24..32, 32..40]);
        assert_eq!(parts("short", 100), vec![0..5]);
    }

    #[test]
    fn over_long_sentences_and_runs_are_cut() {
        let text = format!("{}.", vec!["word"; 1000].join(" "));
        let lens: Vec<usize> = words(&text).iter().map(Vec::len).collect();
        assert_eq!(lens, vec![400, 400, 201]);
        let text = format!(
            "{}, then {}.",
            vec!["w"; 350].join(" "),
            vec!["xx"; 100].join(" ")
        );
        let lens: Vec<usize> = words(&text).iter().map(Vec::len).collect();
        assert_eq!(lens, vec![351, 102]);
        let blob = format!("A {} bb.", "z".repeat(300));
        assert_eq!(
            words(&blob),
            vec![vec![
                "A".to_string(),
                "z".repeat(128),
                "z".repeat(128),
                "z".repeat(44),
                "bb".to_string(),
                ".".to_string()
            ]]
        );
    }

    #[test]
    fn splits_punctuation_and_clitics() {
        assert_eq!(
            words("Russia's envoy didn't go to the U.S. embassy, officials said."),
            vec![vec![
                "Russia",
                "'s",
                "envoy",
                "did",
                "n't",
                "go",
                "to",
                "the",
                "U.S.",
                "embassy",
                ",",
                "officials",
                "said",
                "."
            ]]
        );
        assert_eq!(
            words("“We can’t,” he said.")[0],
            vec!["“", "We", "ca", "n’t", ",", "”", "he", "said", "."]
        );
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        let s = words(
            "Sen. Jane Roe met Mr. Doe on Jan. 5 in Washington, D.C. They talked. Then they left.",
        );
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].last().unwrap(), "D.C.");
        assert_eq!(s[1], vec!["They", "talked", "."]);
    }

    #[test]
    fn joins_paragraphs_broken_inside_a_sentence() {
        let s = words("It will follow the policy of President D.\n\nDoe, she said.\n\nThey agreed to let the U.S.\n\nto expand the site.");
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[0],
            vec![
                "It",
                "will",
                "follow",
                "the",
                "policy",
                "of",
                "President",
                "D.",
                "Doe",
                ",",
                "she",
                "said",
                "."
            ]
        );
    }

    #[test]
    fn quotes_close_sentences() {
        let s = words("He said \"no.\" Then he left.");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0], vec!["He", "said", "\"", "no", ".", "\""]);
    }

    #[test]
    fn joins_pieces_around_a_cut_link_run() {
        let s = words("The vote was left to Governor Smith Alfred Bertram SmithBudget talks stall again Smith rivals plan rally MORE to settle the matter. Then they left.");
        assert_eq!(
            s,
            vec![
                vec![
                    "The", "vote", "was", "left", "to", "Governor", "Smith", "to", "settle", "the",
                    "matter", "."
                ],
                vec!["Then", "they", "left", "."]
            ]
        );
        let s = words("He met Judge Tom Wade Thomas (Tom) Wade2020 hopefuls court donors MORE.");
        assert_eq!(s, vec![vec!["He", "met", "Judge", "Tom", "Wade", "."]]);
    }

    #[test]
    fn splits_sentences_glued_by_a_missing_space() {
        let s = words("The envoy spoke of new curbs on Oman.Harold Finch said the talks failed.");
        assert_eq!(
            s,
            vec![
                vec!["The", "envoy", "spoke", "of", "new", "curbs", "on", "Oman", "."],
                vec!["Harold", "Finch", "said", "the", "talks", "failed", "."]
            ]
        );
    }

    #[test]
    fn keeps_abbreviations_addresses_and_decimals_whole() {
        let s = words("He flew to the U.S. at 5 p.m. and read CNN.com, www.example.com and Gov.Brown said 2.5 percent.");
        assert_eq!(s.len(), 1);
        for t in [
            "U.S.",
            "p.m.",
            "CNN.com",
            "www.example.com",
            "Gov.Brown",
            "2.5",
        ] {
            assert!(s[0].iter().any(|w| w == t), "{t}: {:?}", s[0]);
        }
        assert_eq!(sentence_glue("Washington.Post"), Some(11));
        assert_eq!(sentence_glue("D.C.Then"), None);
        assert_eq!(sentence_glue("jane.Doe@example.com"), None);
    }
}
