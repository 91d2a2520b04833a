//! The vocabulary every other dateline crate speaks: records, spans, ids.
//!
//! # Design
//!
//! * **Plain data.** Records are structs with public fields and serde derives; their
//!   JSON shape *is* the contract of `SPEC.md` §3, so renaming a field is a breaking
//!   change for users.
//! * **Code-point offsets.** Every [`Span`] counts Unicode scalar values into the
//!   article's stored text (Python's `text[start:end]`), because that is what users'
//!   scripts in other languages index with. Rust slices by bytes, so [`Document`] keeps
//!   the mapping and is the one place that converts.
//! * **Stable ids.** An id is a pure function of content ([`content_id`]): the same
//!   input gives the same id on every run and machine, which is what makes re-ingest a
//!   no-op and lets a resumed ingest pick up where it stopped.
//!
//! # Invariants
//!
//! * A [`Span`] built by [`Document::span`] satisfies `span.text == text[start..end]`
//!   in code points; a span that would not is refused (`None`), never clamped.
//! * This crate does no I/O and reads no clock.

mod document;
mod ids;
pub mod key;
pub mod knowledge;
pub mod quotes;
mod records;
pub mod time;

pub use document::{Document, Entity, MAX_ANNOTATED_BYTES, Token};
pub use ids::{content_hash, content_id, normalize_for_hash};
pub use records::{
    Actor, ActorCode, Article, CodeOrigin, Event, EventActor, Extraction, Mention, MentionLabel,
    ResolvedFrom, Span, Speaker, Stance, Statement, Via,
};

/// A calendar date (`YYYY-MM-DD` in JSON). Article dates have no time of day: the
/// contract's as-of queries work at day granularity.
pub type Date = jiff::civil::Date;
