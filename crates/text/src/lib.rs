//! Words and sentences by rule: where the tokens and sentences of a text are.
//!
//! # Design
//!
//! * **Standoff, in bytes, checked at the edge.** Layers here are byte ranges into the
//!   text they were computed from (cheap to make and slice in Rust); the `Document` in
//!   `dateline-core` converts them to the contract's code-point spans, so that
//!   conversion happens in exactly one place.
//! * **UD conventions.** Tokens follow Universal Dependencies English (EWT): clitics
//!   split (`do|n't`, `Elena|'s`), punctuation and most hyphens split, abbreviations
//!   (`U.S.`, `Mr.`, `Jan.`), numbers, URLs, e-mail addresses and hashtags kept whole.
//!   That is what the taggers and parser of `dateline-nlp` are trained on, so
//!   agreeing with it is measured (`dateline eval tokens`), not assumed.
//! * **Rules, not a model.** Tokenisation and sentence splitting are deterministic
//!   rules with small word lists; they run at hundreds of MB/s and need no training.
//!   That is why they live apart from the models: the read side (timeline summaries)
//!   splits sentences the way the pipeline does without linking a tagger or parser.
//!
//! # Invariants
//!
//! * Tokens are non-empty, in text order, never overlap, and never contain whitespace.
//! * Sentences are non-empty ranges that start and end on token boundaries and cover
//!   every token exactly once.
//! * Pure functions of the text: no I/O, no global state.

mod sentences;
mod tokenize;

pub use sentences::{
    MAX_SENTENCE_TOKENS, line_breaks_between, opens_dateline, rule_ends, sentences_ending,
    split_sentences,
};
pub use tokenize::tokenize;

/// A half-open byte range `[start, end)` into the text it was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByteSpan {
    pub start: usize,
    pub end: usize,
}

impl ByteSpan {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The text this span covers.
    pub fn of<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}
