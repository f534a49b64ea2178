//! The typed data that flows through the pipeline stages.
//!
//! Offsets are byte offsets into [`Document::text`], the text as it was read
//! (after decoding, before cleaning). Stages never change that text: cleaning
//! masks, it does not rewrite, so every token, mention and edge keeps a span
//! back to the original words.

use crate::ontology::{EntityType, Modality};
use std::ops::Range;

/// One article as read from the input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// Document id: the file stem or the record's `id`.
    pub id: String,
    /// Where it was read from (path, `path:line` or `-`).
    pub source: String,
    /// Title, when known.
    pub title: Option<String>,
    /// Publication date, when known (as given).
    pub date: Option<String>,
    /// URL, when known.
    pub url: Option<String>,
    /// The text as read.
    pub text: String,
}

/// The longest title kept, in characters.
pub const MAX_TITLE_CHARS: usize = 300;

/// A title as the graph keeps it: its first non-empty line, whitespace
/// collapsed, at most [`MAX_TITLE_CHARS`] characters (cut at a word, with an
/// ellipsis). `None` when nothing is left.
pub fn clip_title(title: &str) -> Option<String> {
    let line = title.lines().map(str::trim).find(|l| !l.is_empty())?;
    // Only the start of a huge line is looked at.
    let mut end = line.len().min(MAX_TITLE_CHARS * 4 + 4);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    let words: Vec<&str> = line[..end].split_whitespace().collect();
    let mut out = words.join(" ");
    if out.chars().count() <= MAX_TITLE_CHARS && end == line.len() {
        return Some(out);
    }
    let mut cut = out
        .char_indices()
        .nth(MAX_TITLE_CHARS - 1)
        .map_or(out.len(), |(i, _)| i);
    if let Some(space) = out[..cut].rfind(' ') {
        if space > cut / 2 {
            cut = space;
        }
    }
    out.truncate(cut);
    out.push('\u{2026}');
    Some(out)
}

/// A token: a word or punctuation mark, with its byte span in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte span in the document text.
    pub span: Range<usize>,
    /// Normalized form used by the models (curly quotes straightened).
    pub form: String,
    /// Universal part-of-speech tag, when tagged.
    pub upos: &'static str,
    /// Penn Treebank tag, when tagged (tells VBD from VBN, which UPOS cannot).
    pub xpos: &'static str,
    /// Lemma (lower case), when tagged; the lower-cased form otherwise.
    pub lemma: String,
    /// Head token index within the sentence (`None` for the root or untagged).
    pub head: Option<usize>,
    /// Dependency relation to the head.
    pub deprel: &'static str,
}

impl Token {
    /// A token with no annotation yet.
    pub fn new(span: Range<usize>, form: String) -> Self {
        let lemma = form.to_lowercase();
        Token {
            span,
            form,
            upos: "",
            xpos: "",
            lemma,
            head: None,
            deprel: "",
        }
    }
}

/// A sentence: its byte span and its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte span in the document text.
    pub span: Range<usize>,
    /// Tokens in order.
    pub tokens: Vec<Token>,
}

/// A mention of an entity: a token range in one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Sentence index.
    pub sentence: usize,
    /// Token range within the sentence (end exclusive).
    pub tokens: Range<usize>,
    /// Byte span in the document text.
    pub span: Range<usize>,
    /// The surface text (whitespace normalized).
    pub text: String,
    /// The name to resolve by (titles and articles stripped; the country for
    /// demonyms and acting capitals).
    pub name: String,
    /// A resolution key overriding the name (groups: `country|noun`).
    pub key: String,
    /// Entity type.
    pub kind: EntityType,
    /// Set by coreference: the entity (index into [`Annotated::entities`]).
    pub entity: Option<usize>,
    /// Pronouns and descriptions resolve to an antecedent but are not names.
    pub is_name: bool,
    /// Why coreference joined this mention to its entity (for
    /// `--explain-merges`).
    pub why: &'static str,
}

/// An entity within one document: a cluster of mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalEntity {
    /// Canonical name (the fullest proper name seen).
    pub name: String,
    /// The resolution key shared by all spellings of the name.
    pub key: String,
    /// Entity type.
    pub kind: EntityType,
    /// Surface forms of its named mentions.
    pub aliases: Vec<String>,
    /// Number of mentions.
    pub mentions: usize,
}

/// A relation found in one document, between two local entities.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalRelation {
    /// Source entity (index into [`Annotated::entities`]).
    pub source: usize,
    /// Target entity.
    pub target: usize,
    /// Relation type.
    pub relation: String,
    /// Modality.
    pub modality: Modality,
    /// Sentence index.
    pub sentence: usize,
    /// Trigger words.
    pub trigger: String,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// Event date stated in the sentence (ISO 8601), when found.
    pub event_date: Option<String>,
    /// Verb lemma of an open relation.
    pub lemma: Option<String>,
}

/// A document with everything the stages found in it.
#[derive(Debug, Clone, Default)]
pub struct Annotated {
    /// The document.
    pub doc: Document,
    /// Byte ranges of the text that cleaning kept (sorted, disjoint).
    pub kept: Vec<Range<usize>>,
    /// Sentences with tokens.
    pub sentences: Vec<Sentence>,
    /// Entity mentions.
    pub mentions: Vec<Mention>,
    /// Entities after coreference.
    pub entities: Vec<LocalEntity>,
    /// Standing facts stated by titles and appositions (mention indices).
    pub facts: Vec<StandingFact>,
    /// Relations.
    pub relations: Vec<LocalRelation>,
}

/// A standing fact between two mentions ("Russian President X" → X leader_of Russia).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandingFact {
    /// Mention index of the subject.
    pub subject: usize,
    /// `leader_of` or `member_of`.
    pub relation: &'static str,
    /// Mention index of the object.
    pub object: usize,
    /// The title words.
    pub trigger: String,
}

impl Annotated {
    /// The text of a byte span.
    pub fn slice(&self, span: &Range<usize>) -> &str {
        &self.doc.text[span.clone()]
    }
}
