//! The query layer: answers that take more than one store read, shared by the
//! command line and the HTTP server so that both say the same thing.
//!
//! # Design
//!
//! * **Actor arguments** (`--speaker A`, `actor=A`) are resolved here, once, the
//!   same way everywhere: an id, an alias in any case, a spelling variant of one (by
//!   name key), a CAMEO code prefix in capitals, or else a plain name
//!   ([`actor_filter`]).
//! * **Timelines** gather an actor's (or a pair's) statements and events from the
//!   store and hand them to `dateline-timeline`, which is pure.
//! * **Annotated articles** are an article with every layer stored for it.
//! * **Stories and summaries** ([`stories`], [`summarize_story`]) read the story
//!   assignments the pipeline stores, as of a day, and summarise a story's articles
//!   with `dateline-stories`, which is pure.
//!
//! # Invariants
//!
//! * Every read passes the caller's [`DateWindow`] to the store: nothing here reads
//!   around it, so an as-of answer (including stance, shifts and outlet counts,
//!   which are derived from the admitted records only) contains nothing published
//!   later. `tests/as_of.rs` checks this over random corpora.
//! * No formatting for people: callers print or serialise.

use std::collections::HashMap;

mod stories;
pub use stories::{
    StoriesRequest, Story, SummarizeRequest, SummaryDate, SummaryOf, SummarySentence, stories,
    story, summarize_story,
};

use dateline_core::{Article, Event, Mention, Statement};
use dateline_store::{ActorFilter, DateWindow, EventQuery, StatementQuery, Store, StoreError};
pub use dateline_timeline::TOPICS;
use dateline_timeline::{ArticleInfo, Party, Record, Timeline};
use serde::Serialize;

/// Errors of a query: the store's, or a question that has no answer.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The actor argument names no actor in the window.
    #[error("no actor in the window goes by {0:?}")]
    UnknownActor(String),
    #[error("unknown topic {0:?}; topics are {topics}", topics = TOPICS.join(", "))]
    UnknownTopic(String),
}

pub type Result<T, E = QueryError> = std::result::Result<T, E>;

/// At most this many statements and this many events go into one timeline; a
/// timeline that hits it says so (`truncated`) and the caller narrows the dates.
pub const TIMELINE_RECORDS: usize = 5_000;

/// What an actor argument means in the window: an id or an alias in any case, a
/// spelling variant of one (by name key: "Zelensky" finds "Zelenskyy"), a CAMEO
/// code prefix in capitals of 3+ letters, a surname or part of a name that fits one
/// actor only, or else a plain name.
pub fn actor_filter(
    store: &Store,
    name: &str,
    window: &DateWindow,
) -> Result<ActorFilter, StoreError> {
    if let Some(filter) = exact_filter(store, name, window)? {
        return Ok(filter);
    }
    // A surname or part of a name that fits one actor only ("Zelensky").
    let key = dateline_core::key::name_key(name.split_whitespace());
    let mut candidates = store.actor_candidates(&key, window, 2)?;
    Ok(if candidates.len() == 1 {
        ActorFilter::Actor(candidates.remove(0).id)
    } else {
        ActorFilter::Name(name.to_string())
    })
}

/// What an argument names outright: an id or an alias in any case, a spelling
/// variant of one, or a CAMEO code prefix in capitals of 3+ letters.
fn exact_filter(
    store: &Store,
    name: &str,
    window: &DateWindow,
) -> Result<Option<ActorFilter>, StoreError> {
    if let Some(id) = store.resolve_actor(name, window)? {
        return Ok(Some(ActorFilter::Actor(id)));
    }
    let key = dateline_core::key::name_key(name.split_whitespace());
    if let Some(id) = store.resolve_actor(&key, window)? {
        return Ok(Some(ActorFilter::Actor(id)));
    }
    if name.len() >= 3 && name.bytes().all(|b| b.is_ascii_uppercase()) {
        return Ok(Some(ActorFilter::CodePrefix(name.to_string())));
    }
    Ok(None)
}

/// The one actor an argument stands for: its id, or for a code prefix the most
/// mentioned actor holding it.
pub fn resolve_actor(
    store: &Store,
    name: &str,
    window: &DateWindow,
) -> Result<Option<String>, StoreError> {
    one_actor(store, actor_filter(store, name, window)?, window)
}

/// The actor a filter stands for: itself, or a code prefix's most mentioned holder.
fn one_actor(
    store: &Store,
    filter: ActorFilter,
    window: &DateWindow,
) -> Result<Option<String>, StoreError> {
    Ok(match filter {
        ActorFilter::Actor(id) => Some(id),
        ActorFilter::CodePrefix(code) => store
            .actors(Some(&code), window, 1)?
            .into_iter()
            .next()
            .map(|a| a.id),
        ActorFilter::Name(_) => None,
    })
}

/// What a name typed by a person stands for in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "found", rename_all = "snake_case")]
pub enum ActorLookup {
    /// One actor: by id, by an alias in any case, by its full name in another
    /// spelling, or the only one a surname or spelling variant fits.
    One { id: String },
    /// Several actors fit ("Smith", "Zelensk…" variants of two people): most
    /// mentioned first, for the person to choose from.
    Several {
        candidates: Vec<dateline_store::ActorSummary>,
    },
    /// Nothing in the window goes by that name.
    None,
}

/// How many candidates a lookup lists at most.
pub const LOOKUP_CANDIDATES: usize = 20;

/// The actor a person means by `name`, as people type: an id, an alias in any case,
/// a CAMEO code prefix in capitals (its most mentioned holder), a spelling variant
/// (by name key: "Zelenskiy" finds `volodymyr-zelensky`), or a surname or part of a
/// name ("Zelensky", "bin Salman"). Several fitting a surname or part come back as
/// [`ActorLookup::Several`].
pub fn lookup_actor(
    store: &Store,
    name: &str,
    window: &DateWindow,
) -> Result<ActorLookup, StoreError> {
    if let Some(filter) = exact_filter(store, name, window)? {
        return Ok(match one_actor(store, filter, window)? {
            Some(id) => ActorLookup::One { id },
            None => ActorLookup::None,
        });
    }
    let key = dateline_core::key::name_key(name.split_whitespace());
    let mut candidates = store.actor_candidates(&key, window, LOOKUP_CANDIDATES)?;
    if candidates.is_empty() {
        // "Donald J. Trump": initials the article may not have written.
        let without_initials = dateline_core::key::name_key(
            name.split_whitespace()
                .filter(|w| w.trim_end_matches('.').chars().count() > 1),
        );
        if without_initials != key {
            candidates = store.actor_candidates(&without_initials, window, LOOKUP_CANDIDATES)?;
        }
    }
    Ok(match candidates.len() {
        0 => ActorLookup::None,
        1 => ActorLookup::One {
            id: candidates.remove(0).id,
        },
        _ => ActorLookup::Several { candidates },
    })
}

/// An article with its annotations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnnotatedArticle {
    pub article: Article,
    pub mentions: Vec<Mention>,
    pub statements: Vec<Statement>,
    pub events: Vec<Event>,
}

/// The article `id` with its layers, if it is stored and inside the window (an
/// as-of view does not show an article published later, even by id).
pub fn annotated_article(
    store: &Store,
    id: &str,
    window: &DateWindow,
) -> Result<Option<AnnotatedArticle>, StoreError> {
    let Some(article) = store.article(id)? else {
        return Ok(None);
    };
    if !window.contains(article.date) {
        return Ok(None);
    }
    let statements = store.statements(&StatementQuery {
        article: Some(id.to_string()),
        window: *window,
        ..StatementQuery::default()
    })?;
    let events = store.events(&EventQuery {
        article: Some(id.to_string()),
        window: *window,
        ..EventQuery::default()
    })?;
    Ok(Some(AnnotatedArticle {
        mentions: store.mentions(id)?,
        article,
        statements,
        events,
    }))
}

/// What `dateline timeline` and `/api/timeline` ask.
#[derive(Debug, Clone, Default)]
pub struct TimelineRequest {
    pub actor: String,
    /// The counterpart of a dyad timeline.
    pub with: Option<String>,
    /// One of [`TOPICS`]; `None` for everything.
    pub topic: Option<String>,
    pub window: DateWindow,
}

/// A timeline with the parties it is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineAnswer {
    pub actor: Party,
    pub with: Option<Party>,
    pub topic: Option<String>,
    /// The window held more records than [`TIMELINE_RECORDS`]; the oldest are shown.
    pub truncated: bool,
    #[serde(flatten)]
    pub timeline: Timeline,
}

/// The dated timeline of an actor, or of a pair when `with` is given: the actor's
/// statements (about the counterpart) and the events either one did to the other.
pub fn timeline(store: &Store, request: &TimelineRequest) -> Result<TimelineAnswer> {
    if let Some(topic) = &request.topic
        && !TOPICS.contains(&topic.as_str())
    {
        return Err(QueryError::UnknownTopic(topic.clone()));
    }
    let window = request.window;
    let (actor_filter, actor) = party(store, &request.actor, &window)?;
    let with = request
        .with
        .as_deref()
        .map(|name| party(store, name, &window))
        .transpose()?;

    let limit = Some(TIMELINE_RECORDS);
    let mut statements = store.statements(&StatementQuery {
        speaker: Some(actor_filter.clone()),
        about: with.as_ref().map(|(f, _)| f.clone()),
        window,
        limit,
        ..StatementQuery::default()
    })?;
    let mut events = store.events(&EventQuery {
        source: Some(actor_filter.clone()),
        target: with.as_ref().map(|(f, _)| f.clone()),
        window,
        limit,
        ..EventQuery::default()
    })?;
    let mut truncated = statements.len() == TIMELINE_RECORDS || events.len() == TIMELINE_RECORDS;
    let (more_statements, more_events) = match &with {
        Some((with_filter, _)) => (
            store.statements(&StatementQuery {
                speaker: Some(with_filter.clone()),
                about: Some(actor_filter.clone()),
                window,
                limit,
                ..StatementQuery::default()
            })?,
            store.events(&EventQuery {
                source: Some(with_filter.clone()),
                target: Some(actor_filter.clone()),
                window,
                limit,
                ..EventQuery::default()
            })?,
        ),
        None => (
            Vec::new(),
            store.events(&EventQuery {
                target: Some(actor_filter.clone()),
                window,
                limit,
                ..EventQuery::default()
            })?,
        ),
    };
    truncated |= more_statements.len() == TIMELINE_RECORDS || more_events.len() == TIMELINE_RECORDS;
    statements.extend(more_statements);
    events.extend(more_events);

    let mut articles: HashMap<String, ArticleInfo> = HashMap::new();
    let ids = statements
        .iter()
        .map(|s| &s.article_id)
        .chain(events.iter().map(|e| &e.article_id));
    for id in ids {
        if articles.contains_key(id) {
            continue;
        }
        if let Some(a) = store.article_summary(id)? {
            articles.insert(
                id.clone(),
                ArticleInfo {
                    id: a.id,
                    date: a.date,
                    title: a.title,
                    source: a.source,
                    dup_of: a.dup_of,
                },
            );
        }
    }
    let records = statements
        .into_iter()
        .map(Record::Statement)
        .chain(events.into_iter().map(Record::Event))
        .collect();
    Ok(TimelineAnswer {
        actor,
        with: with.map(|(_, p)| p),
        topic: request.topic.clone(),
        truncated,
        timeline: dateline_timeline::build(records, &articles, request.topic.as_deref()),
    })
}

/// An actor argument as a filter and as the party a timeline names.
fn party(store: &Store, name: &str, window: &DateWindow) -> Result<(ActorFilter, Party)> {
    match actor_filter(store, name, window)? {
        ActorFilter::Actor(id) => {
            let name = store
                .actor(&id, window)?
                .map_or_else(|| id.clone(), |a| a.summary.name);
            Ok((ActorFilter::Actor(id.clone()), Party { id, name }))
        }
        ActorFilter::CodePrefix(code) => Ok((
            ActorFilter::CodePrefix(code.clone()),
            Party {
                id: code.clone(),
                name: code,
            },
        )),
        ActorFilter::Name(name) => Err(QueryError::UnknownActor(name)),
    }
}
