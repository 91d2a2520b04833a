//! The columns of the exported tables: articles, statements, events, mentions and
//! the actor registry, each record flattened to one row.

use dateline_core::{Article, Event, Mention, ResolvedFrom, Statement};
use dateline_store::{ActorDetail, SearchHit};

use crate::{Cell, Column, Kind};

pub const ARTICLE_COLUMNS: [Column<Article>; 9] = [
    Column {
        name: "id",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.id),
    },
    Column {
        name: "date",
        kind: Kind::Date,
        cell: |a| Cell::Date(a.date),
    },
    Column {
        name: "title",
        kind: Kind::Text,
        cell: |a| Cell::opt(a.title.as_deref()),
    },
    Column {
        name: "source",
        kind: Kind::Text,
        cell: |a| Cell::opt(a.source.as_deref()),
    },
    Column {
        name: "url",
        kind: Kind::Text,
        cell: |a| Cell::opt(a.url.as_deref()),
    },
    Column {
        name: "lang",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.lang),
    },
    Column {
        name: "dup_of",
        kind: Kind::Text,
        cell: |a| Cell::opt(a.dup_of.as_deref()),
    },
    // The input's other fields, as one JSON object.
    Column {
        name: "meta",
        kind: Kind::Text,
        cell: |a| {
            a.meta.as_ref().map_or(Cell::Null, |m| {
                Cell::Text(serde_json::Value::Object(m.clone()).to_string().into())
            })
        },
    },
    Column {
        name: "text",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.text),
    },
];

/// A statement's spans flattened to their text and offsets.
pub const STATEMENT_COLUMNS: [Column<Statement>; 15] = [
    Column {
        name: "id",
        kind: Kind::Text,
        cell: |s| Cell::text(&s.id),
    },
    Column {
        name: "article_id",
        kind: Kind::Text,
        cell: |s| Cell::text(&s.article_id),
    },
    Column {
        name: "date",
        kind: Kind::Date,
        cell: |s| Cell::Date(s.date),
    },
    Column {
        name: "said_on",
        kind: Kind::Date,
        cell: |s| s.said_on.map_or(Cell::Null, Cell::Date),
    },
    Column {
        name: "kind",
        kind: Kind::Text,
        cell: |s| Cell::text(&s.kind),
    },
    Column {
        name: "speaker",
        kind: Kind::Text,
        cell: |s| Cell::text(&s.speaker.name),
    },
    Column {
        name: "speaker_actor_id",
        kind: Kind::Text,
        cell: |s| Cell::opt(s.speaker.actor_id.as_deref()),
    },
    Column {
        name: "speaker_resolved_from",
        kind: Kind::Text,
        cell: |s| Cell::opt(s.speaker.resolved_from.map(ResolvedFrom::as_str)),
    },
    Column {
        name: "speaker_anonymous",
        kind: Kind::Bool,
        cell: |s| Cell::Bool(s.speaker.anonymous),
    },
    Column {
        name: "cue",
        kind: Kind::Text,
        cell: |s| Cell::text(&s.cue.text),
    },
    Column {
        name: "content_start",
        kind: Kind::Int,
        cell: |s| Cell::offset(s.content.start),
    },
    Column {
        name: "content_end",
        kind: Kind::Int,
        cell: |s| Cell::offset(s.content.end),
    },
    Column {
        name: "content",
        kind: Kind::Text,
        cell: |s| Cell::text(&s.content.text),
    },
    Column {
        name: "via",
        kind: Kind::Text,
        cell: |s| Cell::opt(s.via.as_ref().map(|v| v.name.as_str())),
    },
    Column {
        name: "about",
        kind: Kind::List(";"),
        cell: |s| Cell::List(s.about.iter().map(String::as_str).collect()),
    },
];

/// A mention's span flattened to its offsets and text.
pub const MENTION_COLUMNS: [Column<Mention>; 8] = [
    Column {
        name: "article_id",
        kind: Kind::Text,
        cell: |m| Cell::text(&m.article_id),
    },
    Column {
        name: "start",
        kind: Kind::Int,
        cell: |m| Cell::offset(m.span.start),
    },
    Column {
        name: "end",
        kind: Kind::Int,
        cell: |m| Cell::offset(m.span.end),
    },
    Column {
        name: "text",
        kind: Kind::Text,
        cell: |m| Cell::text(&m.span.text),
    },
    Column {
        name: "label",
        kind: Kind::Text,
        cell: |m| Cell::text(m.label.as_str()),
    },
    Column {
        name: "actor_id",
        kind: Kind::Text,
        cell: |m| Cell::opt(m.actor_id.as_deref()),
    },
    Column {
        name: "code",
        kind: Kind::Text,
        cell: |m| Cell::opt(m.code.as_deref()),
    },
    Column {
        name: "resolved_from",
        kind: Kind::Text,
        cell: |m| Cell::opt(m.resolved_from.map(ResolvedFrom::as_str)),
    },
];

/// The actor registry: codes as JSON (each with its dates), aliases as a list.
pub const ACTOR_COLUMNS: [Column<ActorDetail>; 9] = [
    Column {
        name: "id",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.summary.id),
    },
    Column {
        name: "name",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.summary.name),
    },
    Column {
        name: "kind",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.summary.kind),
    },
    Column {
        name: "codes",
        kind: Kind::Text,
        cell: |a| {
            Cell::Text(
                serde_json::to_string(&a.summary.codes)
                    .unwrap_or_default()
                    .into(),
            )
        },
    },
    Column {
        name: "aliases",
        kind: Kind::List(";"),
        cell: |a| Cell::List(a.aliases.iter().map(String::as_str).collect()),
    },
    Column {
        name: "mentions",
        kind: Kind::Int,
        cell: |a| Cell::Int(i64::try_from(a.summary.mentions).unwrap_or(i64::MAX)),
    },
    Column {
        name: "articles",
        kind: Kind::Int,
        cell: |a| Cell::Int(i64::try_from(a.summary.articles).unwrap_or(i64::MAX)),
    },
    Column {
        name: "first_seen",
        kind: Kind::Date,
        cell: |a| Cell::Date(a.summary.first_seen),
    },
    Column {
        name: "last_seen",
        kind: Kind::Date,
        cell: |a| Cell::Date(a.summary.last_seen),
    },
];

/// The columns of `events --format csv` and of the exported events table.
pub const EVENT_COLUMNS: [Column<Event>; 20] = [
    Column {
        name: "id",
        kind: Kind::Text,
        cell: |e| Cell::text(&e.id),
    },
    Column {
        name: "article_id",
        kind: Kind::Text,
        cell: |e| Cell::text(&e.article_id),
    },
    Column {
        name: "date",
        kind: Kind::Date,
        cell: |e| Cell::Date(e.date),
    },
    Column {
        name: "event_date",
        kind: Kind::Date,
        cell: |e| Cell::Date(e.event_date),
    },
    Column {
        name: "code",
        kind: Kind::Text,
        cell: |e| Cell::text(&e.code),
    },
    Column {
        name: "root",
        kind: Kind::Text,
        cell: |e| Cell::text(&e.root),
    },
    Column {
        name: "quad_class",
        kind: Kind::Int,
        cell: |e| Cell::Int(e.quad_class.into()),
    },
    Column {
        name: "goldstein",
        kind: Kind::Float,
        cell: |e| Cell::score(e.goldstein),
    },
    Column {
        name: "plover",
        kind: Kind::Text,
        cell: |e| Cell::opt(e.plover.as_deref()),
    },
    Column {
        name: "source_actor_id",
        kind: Kind::Text,
        cell: |e| Cell::opt(e.source.actor_id.as_deref()),
    },
    Column {
        name: "source_code",
        kind: Kind::Text,
        cell: |e| Cell::text(&e.source.code),
    },
    Column {
        name: "source_text",
        kind: Kind::Text,
        cell: |e| Cell::text(&e.source.span.text),
    },
    Column {
        name: "target_actor_id",
        kind: Kind::Text,
        cell: |e| Cell::opt(e.target.as_ref().and_then(|t| t.actor_id.as_deref())),
    },
    Column {
        name: "target_code",
        kind: Kind::Text,
        cell: |e| Cell::opt(e.target.as_ref().map(|t| t.code.as_str())),
    },
    Column {
        name: "target_text",
        kind: Kind::Text,
        cell: |e| Cell::opt(e.target.as_ref().map(|t| t.span.text.as_str())),
    },
    Column {
        name: "negated",
        kind: Kind::Bool,
        cell: |e| Cell::Bool(e.negated),
    },
    Column {
        name: "hypothetical",
        kind: Kind::Bool,
        cell: |e| Cell::Bool(e.hypothetical),
    },
    Column {
        name: "conditions",
        kind: Kind::List(" | "),
        cell: |e| Cell::List(e.conditions.iter().map(|c| c.text.as_str()).collect()),
    },
    Column {
        name: "reported_by",
        kind: Kind::Text,
        cell: |e| Cell::opt(e.reported_by.as_deref()),
    },
    Column {
        name: "evidence",
        kind: Kind::Text,
        cell: |e| Cell::text(&e.evidence.text),
    },
];

/// Ranked search hits, best first.
pub const SEARCH_COLUMNS: [Column<SearchHit>; 7] = [
    Column {
        name: "id",
        kind: Kind::Text,
        cell: |h| Cell::text(&h.id),
    },
    Column {
        name: "date",
        kind: Kind::Date,
        cell: |h| Cell::Date(h.date),
    },
    Column {
        name: "title",
        kind: Kind::Text,
        cell: |h| Cell::opt(h.title.as_deref()),
    },
    Column {
        name: "source",
        kind: Kind::Text,
        cell: |h| Cell::opt(h.source.as_deref()),
    },
    Column {
        name: "dup_of",
        kind: Kind::Text,
        cell: |h| Cell::opt(h.dup_of.as_deref()),
    },
    Column {
        name: "snippet",
        kind: Kind::Text,
        cell: |h| Cell::text(&h.snippet),
    },
    Column {
        name: "score",
        kind: Kind::Float,
        cell: |h| Cell::Float(h.score),
    },
];
