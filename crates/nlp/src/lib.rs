//! The language layer: where words and sentences are in an article's text.
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
//!   That is what the taggers and parser of the next layers are trained on, so
//!   agreeing with it is measured (`dateline eval tokens`), not assumed.
//! * **Rules, not a model.** Tokenisation and sentence splitting are deterministic
//!   rules with small word lists; they run at hundreds of MB/s and need no training.
//!
//! # Invariants
//!
//! * Tokens are non-empty, in text order, never overlap, and never contain whitespace.
//! * Sentences are non-empty ranges that start and end on token boundaries and cover
//!   every token exactly once.
//! * Pure functions of the text: no I/O, no global state.

/// Defines `pub fn shipped() -> &'static $model`: the model in `data/models/$file`,
/// compiled into the binary (an installed `dateline` needs no data files) and loaded
/// once, on first use. `dateline train` reproduces every file (docs/EVALUATION.md).
macro_rules! shipped_model {
    ($model:ty, $file:literal) => {
        /// The shipped model, compiled in; see `data/models/LICENSES.md` for its data.
        pub fn shipped() -> &'static $model {
            static MODEL: std::sync::OnceLock<$model> = std::sync::OnceLock::new();
            MODEL.get_or_init(|| {
                // The bytes are part of this build and a test loads them, so a failure
                // here is a broken build, not bad input.
                <$model>::load(include_bytes!(concat!("../../../data/models/", $file)))
                    .expect(concat!("the shipped model ", $file, " loads"))
            })
        }
    };
}

pub mod binary;
pub mod classifier;
pub mod clusters;
pub mod conllu;
pub mod gazetteer;
pub mod iob2;
pub mod lemmatizer;
pub mod ner;
pub mod parser;
mod perceptron;
mod sentences;
pub mod tagger;
mod tokenize;

pub use sentences::{MAX_SENTENCE_TOKENS, split_sentences};
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
