//! The language layer: tags, dependencies, names and lemmas over an article's words.
//!
//! # Design
//!
//! * **Tokens come from `dateline-text`** (rules, re-exported here), so every model
//!   reads the same words the read side splits. **Sentences** start from its rules
//!   and a learned decision corrects them where treebank documents disagree
//!   ([`sentences`]); everything that splits sentences calls that one model.
//! * **Standoff, in bytes.** Layers here are byte ranges into the text they were
//!   computed from; the `Document` in `dateline-core` converts them to the contract's
//!   code-point spans, so that conversion happens in exactly one place.
//! * **Averaged perceptrons with models compiled in**, each reproducible by
//!   `dateline train` and scored by `dateline eval`.
//!
//! # Invariants
//!
//! * Pure functions of the text and the model: no I/O after loading, no global state
//!   beyond the lazily loaded shipped models.

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
pub mod sentences;
pub mod tagger;

pub use dateline_text::{ByteSpan, MAX_SENTENCE_TOKENS, split_sentences, tokenize};
