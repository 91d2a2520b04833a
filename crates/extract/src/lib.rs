//! The extraction pipeline: one article in, its annotation layers out.
//!
//! # Design
//!
//! Following spaCy's `Doc`, an article becomes a [`Document`] that owns its text once;
//! each pipeline component reads the layers before it and adds one layer of spans.
//! The components arrive with their issues: the language layer (tokens, sentences,
//! tags, parse, entities), then actors and mentions, statements, and events. Until a
//! component exists, its layer in the [`Extraction`] is empty.
//!
//! # Invariants
//!
//! * Pure: text in, records out. No store, no clock, no network, no global state, so
//!   `dateline extract` can run as a stateless Spark worker and give the same output
//!   for the same input on any machine.
//! * Every span a component emits is made through [`Document::span`] and therefore
//!   matches the article text at its offsets.

use dateline_core::{Article, Document, Extraction};

/// Runs every pipeline component over `article`.
pub fn extract(article: Article) -> Extraction {
    let document = Document::new(article);
    Extraction {
        article: document.article,
        mentions: Vec::new(),
        statements: Vec::new(),
        events: Vec::new(),
    }
}
