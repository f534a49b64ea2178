//! Clean: find the parts of the text that are article content.
//!
//! Cleaning never rewrites the text (offsets must keep pointing into the text
//! as read); it returns the byte ranges to keep, one per content paragraph.
//! Dropped: subscription and sharing blocks, copyright lines, bylines, photo
//! credits, agency credits and bare timestamps.

use std::ops::Range;

/// Phrases that mark a paragraph as boilerplate (matched lower-case).
const BOILERPLATE_CUES: [&str; 30] = [
    "sign up for",
    "newsletter",
    "subscribe",
    "copyright",
    "©",
    "all rights reserved",
    "click here",
    "contributed to this report",
    "this article is based",
    "follow us on",
    "share this",
    "share on facebook",
    "read more:",
    "related:",
    "advertisement",
    "photograph:",
    "photo:",
    "photo credit",
    "image:",
    "image source",
    "getty images",
    "(ap photo",
    "file photo",
    "reprint permission",
    "terms of use",
    "privacy policy",
    "download the app",
    "watch the latest",
    "reporting by",
    "editing by",
];

/// Headings after which only the author's biography and page furniture follow.
const AUTHOR_SECTIONS: [&str; 4] = [
    "About the writer",
    "About the author",
    "About the authors",
    "More from the author",
];

/// Whether a paragraph is boilerplate rather than content.
pub fn is_boilerplate(par: &str) -> bool {
    let p = par.trim();
    if p.is_empty() {
        return true;
    }
    let lower = p.to_lowercase();
    let words = p.split_whitespace().count();
    if BOILERPLATE_CUES.iter().any(|c| lower.contains(c))
        && (words <= 25 || lower.starts_with("copyright"))
    {
        return true;
    }
    // A bare time or date stamp: "09:31", "Updated 5:02 PM ET".
    if words <= 4 && p.chars().any(|c| c.is_ascii_digit()) && p.contains(':') && !p.ends_with('.') {
        return true;
    }
    // Bylines: "By Jane Doe", "By JANE DOE and JOHN ROE, Associated Press".
    if lower.starts_with("by ") && words <= 10 && !p.ends_with('.') {
        return true;
    }
    // Agency credit lines: "Jane Doe/Reuters".
    if words <= 6 && p.contains('/') && !p.ends_with('.') {
        return true;
    }
    false
}

/// Whether a short title-case line right after the title is a byline or an
/// outlet name ("John Bacon", "USA TODAY") rather than a sentence.
fn is_byline(par: &str) -> bool {
    let p = par.trim();
    let words: Vec<&str> = p.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && !p.ends_with(['.', '!', '?', ':', '"', '\u{201d}'])
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// The byte ranges of the content paragraphs of `text`, in order. Paragraphs
/// are separated by line breaks.
pub fn clean(text: &str) -> Vec<Range<usize>> {
    let mut kept = Vec::new();
    let mut start = 0;
    let mut index = 0usize;
    let mut seen = std::collections::HashSet::new();
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed_start = start + (content.len() - content.trim_start().len());
        let trimmed_end = start + content.trim_end().len();
        let t = content.trim();
        if AUTHOR_SECTIONS.iter().any(|a| t.eq_ignore_ascii_case(a)) {
            // An author's biography and what follows it is not the article.
            break;
        }
        if !t.is_empty() {
            let bullet = t.starts_with(['\u{2022}', '\u{25aa}', '\u{00b7}', '\u{2981}'])
                && t.split_whitespace().count() <= 12;
            let repeated = !seen.insert(t);
            let drop = repeated
                || bullet
                || is_boilerplate(content)
                || (index > 0 && index <= 3 && is_byline(content));
            if !drop {
                kept.push(trimmed_start..trimmed_end);
            }
            index += 1;
        }
        start = end;
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_boilerplate_and_keeps_offsets() {
        let text = "Talks resume\n\nJane Roe\n\nBy Jane Roe\n\nThe talks resumed on Monday.\n\nSign up for our Newsletters\n\nCopyright © 2020 Daily Planet. Click here.\n";
        let kept = clean(text);
        let parts: Vec<&str> = kept.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(parts, vec!["Talks resume", "The talks resumed on Monday."]);
        assert_eq!(kept[1].start, text.find("The talks").unwrap());
    }

    #[test]
    fn keeps_long_sentences_that_mention_cue_words() {
        assert!(!is_boilerplate(
            "The senator said lawmakers would subscribe to the plan only if the administration agreed to more oversight of the agencies involved in the program and to regular briefings."
        ));
        assert!(is_boilerplate("Photograph: Jane Roe/AFP/Getty Images"));
        assert!(is_boilerplate("09:31"));
    }
}
