//! Stories and dated timeline summaries: which articles tell one story, and what
//! happened in it, date by date.
//!
//! # Design
//!
//! * **Single pass in (date, id) order.** An article joins the most similar active
//!   story or starts one ([`Clusterer`]); term weights use document frequencies of the
//!   articles before it only. So an article's story is a function of the articles
//!   dated on or before it, and the stories as of a day never change when later news
//!   arrives: the as-of guarantee holds by construction, not by filtering.
//! * **A story is named by its first article** (its id), which no later article can
//!   change.
//! * **Terms are hashed words** with names weighted up and linked actors as extra
//!   terms ([`terms`]); no model, no vocabulary file.
//! * **Pure.** Text and dates in, assignments and summaries out; the store keeps the
//!   assignments, the CLI and server read them.
//!
//! # Invariants
//!
//! * [`cluster`] and [`Clusterer::add`] see articles in (date, id) order; the caller
//!   sorts. Feeding the same articles in the same order gives the same stories.

mod bcubed;
mod cluster;
mod summarize;
pub mod terms;

pub use bcubed::{BCubed, bcubed};
pub use cluster::{Clusterer, Item, StoryConfig, actor_terms, actor_terms_of, cluster};
pub use summarize::{DatedSummary, Pick, Source, SummaryRequest, summarize};
