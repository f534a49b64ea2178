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
