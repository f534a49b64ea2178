//! Clean: find the parts of the text that are article content.
//!
//! Cleaning never rewrites the text (offsets must keep pointing into the text
//! as read); it returns the byte ranges to keep, one per content paragraph.
//! Dropped: subscription and sharing blocks, copyright lines, bylines, photo
//! credits, agency credits, "More:" link labels and bare timestamps. Inside a
//! paragraph, trailing photo credits and inline link-text runs ("President
//! Trump Donald John TrumpGOP senators balk ... MORE") are cut out, so one
//! paragraph may give several ranges; `segment` joins ranges that no line
//! break separates.

use std::ops::Range;

/// Phrases that mark a paragraph as boilerplate (matched lower-case).
const BOILERPLATE_CUES: [&str; 31] = [
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
    "toggle caption",
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
    // Link labels: "More:Thailand cave rescue live updates", "READ MORE: ...".
    if ["more:", "read more:", "see more:"]
        .iter()
        .any(|l| lower.starts_with(l))
    {
        let glued = lower
            .split_once(':')
            .is_some_and(|(_, rest)| rest.starts_with(|c: char| !c.is_whitespace()));
        if glued || words <= 30 {
            return true;
        }
    }
    // Photo credits: "Photo by Jane Roe", "Photos by Jane Roe for the Daily Planet".
    if (lower.starts_with("photo by ") || lower.starts_with("photos by "))
        && words <= 12
        && !p.ends_with('.')
    {
        return true;
    }
    false
}

/// Words that mark a short trailing fragment as a photo or agency credit.
const CREDIT_WORDS: [&str; 9] = [
    "AP",
    "AFP",
    "Reuters",
    "REUTERS",
    "Getty",
    "Bloomberg",
    "EPA",
    "Handout",
    "Pool",
];

/// Whether `frag` (a trailing fragment after the last sentence) reads as a
/// credit: "REUTERS/Jane Roe/File Photo", "Jane Roe / AP".
fn is_credit_fragment(frag: &str) -> bool {
    let f = frag.trim();
    let words = f.split_whitespace().count();
    words > 0
        && words <= 12
        && f.contains('/')
        && !f.ends_with(['.', '!', '?', '"', '\u{201d}'])
        && f.split(|c: char| c.is_whitespace() || c == '/')
            .any(|w| CREDIT_WORDS.contains(&w))
}

/// The part of a paragraph left after leading and trailing photo credits are
/// cut off ("FILE PHOTO: ...", "... (Photo: Jane Roe, AP)", "... REUTERS/Jane
/// Roe", "... | AP Photo <headline>"), as a range relative to `par`.
fn strip_credits(par: &str) -> Range<usize> {
    let mut start = 0;
    for prefix in ["FILE PHOTO:", "FILE PHOTO -", "FILE PHOTO \u{2013}"] {
        if par.starts_with(prefix) {
            start = prefix.len();
            break;
        }
    }
    let mut end = par.len();
    // A caption credit followed by a linked headline: "... | AP Photo Headline".
    if let Some(i) = par.find(" | ") {
        let rest = &par[i + 3..];
        if ["AP Photo", "Getty", "AFP", "Reuters", "REUTERS", "Photo"]
            .iter()
            .any(|c| rest.starts_with(c))
        {
            end = i;
        }
    }
    loop {
        let p = par[start..end].trim_end();
        let e = start + p.len();
        // "(Photo: Jane Roe, AP)", "(AP Photo/Jane Roe, File)".
        if p.ends_with(')') {
            if let Some(open) = p.rfind('(') {
                let inner = &p[open + 1..];
                if [
                    "Photo:",
                    "Photo by",
                    "Photo credit",
                    "AP Photo",
                    "File Photo",
                    "Photograph:",
                    "Image:",
                ]
                .iter()
                .any(|c| inner.starts_with(c))
                {
                    end = start + open;
                    continue;
                }
            }
        }
        // "... Photograph: Jane Roe/Reuters", "... Photographer: Jane Roe/Bloomberg".
        if let Some(i) = ["Photograph: ", "Photographer: ", "Photo: "]
            .iter()
            .filter_map(|c| p.rfind(c))
            .max()
        {
            if i > 0 && (is_credit_fragment(&p[i..]) || p[i..].split_whitespace().count() <= 6) {
                end = start + i;
                continue;
            }
        }
        // A credit after the last sentence: "... in 2018. REUTERS/Jane Roe".
        if let Some(i) = p.rfind(". ") {
            if is_credit_fragment(&p[i + 2..]) {
                end = start + i + 1;
                continue;
            }
        }
        end = e;
        break;
    }
    let end = end.max(start);
    start + (par[start..end].len() - par[start..end].trim_start().len())..end
}

/// Whether a token is the end mark of a link-text run: "MORE", "MORE.", "MORE,".
fn is_more(word: &str) -> bool {
    word.trim_end_matches(['.', ',', ';', ':', ')', '!', '?']) == "MORE"
}

/// Whether a word may be part of a legal name: capitalized ("Donald", "A.",
/// "Jr.") or a parenthesized nickname ("(Bob)").
fn is_name_part(word: &str) -> bool {
    if word.starts_with('(') && word.ends_with(')') && word.len() > 2 {
        return true;
    }
    word.chars().next().is_some_and(char::is_uppercase)
        && word
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | '\'' | '-' | '\u{2019}'))
}

/// Generational suffixes that stay with a visible name ("Donald Trump Jr.").
const NAME_SUFFIXES: [&str; 7] = ["Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"];

/// The byte positions where a lower-case letter is directly followed by an
/// upper-case letter, a digit or a quote ("TrumpGOP", "Clinton2020").
fn glue_points(word: &str) -> impl Iterator<Item = usize> + '_ {
    let mut prev = ' ';
    word.char_indices().filter_map(move |(i, c)| {
        let glued = prev.is_lowercase()
            && (c.is_uppercase()
                || c.is_ascii_digit()
                || matches!(c, '\'' | '"' | '\u{2018}' | '\u{201c}'));
        prev = c;
        glued.then_some(i)
    })
}

/// Inline link-text runs ("The Hill" style): after a visible name, the
/// person's legal name glued to several headlines, ending in `MORE`:
/// "President Trump Donald John TrumpGOP senators balk ... MORE to wait".
/// Returns the byte ranges (relative to `par`) to cut, from just after the
/// visible name to the end of `MORE`. Only certain matches are returned.
fn link_runs(par: &str) -> Vec<Range<usize>> {
    let mut cuts = Vec::new();
    if !par.contains("MORE") {
        return cuts;
    }
    let mut words: Vec<Range<usize>> = Vec::new();
    let mut s = None;
    for (i, c) in par.char_indices().chain(std::iter::once((par.len(), ' '))) {
        if c.is_whitespace() {
            if let Some(st) = s.take() {
                words.push(st..i);
            }
        } else if s.is_none() {
            s = Some(i);
        }
    }
    let w = |k: usize| &par[words[k].clone()];
    let mut floor = 0; // Words before this index belong to an earlier cut.
    for m in 0..words.len() {
        if !is_more(w(m)) {
            continue;
        }
        let lowest = floor.max(m.saturating_sub(90));
        'glue: for k in (lowest..m).rev() {
            for g in glue_points(w(k)) {
                let left = &w(k)[..g];
                if left.len() < 2 || !left.chars().next().is_some_and(char::is_uppercase) {
                    continue;
                }
                // Walk back over the legal name to the visible surname.
                let mut q = k;
                while q > lowest.max(k.saturating_sub(8)) {
                    q -= 1;
                    let word = w(q);
                    if word == left && q + 1 < k {
                        let mut vis = q;
                        if NAME_SUFFIXES.contains(&w(q + 1)) && q + 2 < k {
                            vis = q + 1;
                        }
                        let end = words[m].start + 4;
                        cuts.push(words[vis].end..end);
                        floor = m + 1;
                        break 'glue;
                    }
                    if !is_name_part(word) {
                        break;
                    }
                }
            }
        }
    }
    cuts
}

/// The content pieces of one paragraph (relative byte ranges, trimmed and
/// non-empty): the paragraph less its photo credits and link-text runs.
fn content_pieces(par: &str) -> Vec<Range<usize>> {
    let body = strip_credits(par);
    let mut pieces = Vec::new();
    let mut at = body.start;
    for cut in link_runs(&par[body.clone()]) {
        let cut = body.start + cut.start..body.start + cut.end;
        pieces.push(at..cut.start);
        at = cut.end;
    }
    pieces.push(at..body.end.max(at));
    pieces
        .into_iter()
        .filter_map(|r| {
            let piece = &par[r.clone()];
            let lead = piece.len() - piece.trim_start().len();
            let t = piece.trim();
            (!t.is_empty()).then(|| r.start + lead..r.start + lead + t.len())
        })
        .collect()
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
                let par = &text[trimmed_start..trimmed_end];
                kept.extend(
                    content_pieces(par)
                        .into_iter()
                        .map(|r| trimmed_start + r.start..trimmed_start + r.end),
                );
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

#[cfg(test)]
mod inline_junk_tests {
    use super::*;

    fn kept(text: &str) -> Vec<&str> {
        clean(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn cuts_link_text_run_after_a_visible_name() {
        let text = "The vote was left to Governor Smith Alfred Bertram SmithBudget talks stall again Smith rivals plan rally MORE to settle the matter.\n";
        assert_eq!(
            kept(text),
            vec![
                "The vote was left to Governor Smith",
                "to settle the matter."
            ]
        );
    }

    #[test]
    fn cuts_runs_with_nicknames_camel_surnames_digits_and_suffixes() {
        let text = "Officials told Carla McKee Carolyn (Carla) Ann McKeeMcKee faces new questions MORE said on Friday.\n";
        assert_eq!(
            kept(text),
            vec!["Officials told Carla McKee", "said on Friday."]
        );
        let text = "He met Judge Tom Wade Thomas (Tom) Wade2020 hopefuls court donors MORE, who left early.\n";
        assert_eq!(
            kept(text),
            vec!["He met Judge Tom Wade", ", who left early."]
        );
        let text =
            "It included Sam Ross Jr. Samuel (Sam) Ross RossRoss Jr's memoir tops list MORE.\n";
        assert_eq!(kept(text), vec!["It included Sam Ross Jr.", "."]);
    }

    #[test]
    fn leaves_ordinary_capitals_and_camel_case_alone() {
        for text in [
            "The band played ONE MORE TIME for Mitch McConnell and Betsy DeVos.\n",
            "Fans of the iPhone and LinkedIn said they want MORE from Apple.\n",
            "The aide Mark LeeBarrow said nothing MORE.\n",
        ] {
            assert_eq!(kept(text), vec![text.trim_end()], "{text}");
        }
    }

    #[test]
    fn drops_glued_more_link_labels() {
        assert!(is_boilerplate(
            "More:Flood rescue live updates from the valley"
        ));
        assert!(is_boilerplate(
            "More: Council approves new budget after long debate"
        ));
        assert!(is_boilerplate("READ MORE:"));
        assert!(!is_boilerplate(
            "More than 40 people were hurt in the blast, police said."
        ));
    }

    #[test]
    fn cuts_photo_credits() {
        let text = "A crowd gathers outside the hall in the capital on Monday afternoon before the count began, as police closed the nearby streets to traffic. (Photo: Jane Roe, AP)\n\
            FILE PHOTO: The mayor speaks to reporters outside city hall after the council vote on the new transit plan in the capital, May 2, 2019. REUTERS/Jane Roe/File Photo\n\
            The mayor waves to supporters from the steps of city hall after the council vote on the new transit plan in the capital on a rainy Tuesday evening Photograph: Jane Roe/AFP/Getty Images\n\
            The mayor said the plan would pass. | AP Photo Mayor vows transit plan will pass\n\
            Photo by Jane Roe\n\
            Jane Roe / AP\n";
        assert_eq!(
            kept(text),
            vec![
                "A crowd gathers outside the hall in the capital on Monday afternoon before the count began, as police closed the nearby streets to traffic.",
                "The mayor speaks to reporters outside city hall after the council vote on the new transit plan in the capital, May 2, 2019.",
                "The mayor waves to supporters from the steps of city hall after the council vote on the new transit plan in the capital on a rainy Tuesday evening",
                "The mayor said the plan would pass.",
            ]
        );
    }
}
