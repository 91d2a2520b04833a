//! Statements in the store: the query behind `dateline statements` and the export.
//!
//! A statement is stored whole (its `Statement` as JSON, returned byte for byte) next
//! to the columns the filters look at. Every filter is a bound parameter; the SQL
//! text is assembled only from fixed fragments. Like every other read, the query is
//! bounded by a [`DateWindow`] over the dates of the articles that carry the
//! statements, so `--as-of` admits nothing published later; an actor argument is
//! resolved to an id inside the same window (see [`ActorFilter`]).

use dateline_core::Statement;
use rusqlite::types::Value;

use crate::annotations::{code_prefix_condition, escape_like};
use crate::page::keyset_condition;
use crate::{Cursor, DateWindow, Page, Result, Store};

/// What an actor argument (`--speaker`, `--about`) stands for once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorFilter {
    /// One actor id.
    Actor(String),
    /// Actors whose mention in the same article carries a CAMEO code with this
    /// prefix (`RUS` matches `RUSGOV`): the code the actor held on that day.
    CodePrefix(String),
    /// A name no actor in the window goes by: it can still match a speaker the
    /// extractor named but could not link.
    Name(String),
}

/// The filters of `dateline statements`; `None` admits everything.
#[derive(Debug, Clone, Default)]
pub struct StatementQuery {
    pub speaker: Option<ActorFilter>,
    pub about: Option<ActorFilter>,
    /// The outlet that relayed the words: an actor id, or part of its name in any
    /// case ("independent" finds "The Independent").
    pub via: Option<String>,
    /// `direct`, `indirect` or `mixed`.
    pub kind: Option<String>,
    /// Only the records of this article.
    pub article: Option<String>,
    pub window: DateWindow,
    /// Continue after this record (a cursor from an earlier page).
    pub after: Option<Cursor>,
    /// At most this many; `None` for all.
    pub limit: Option<usize>,
}

impl Store {
    /// Statements that pass `query`, by article date, then article id, then position.
    pub fn statements(&self, query: &StatementQuery) -> Result<Vec<Statement>> {
        let mut out = Vec::new();
        self.for_each_statement(query, |s| {
            out.push(s);
            Ok(())
        })?;
        Ok(out)
    }

    /// Streams the statements that pass `query` to `f` in [`Store::statements`]
    /// order, without holding them all; returns how many.
    pub fn for_each_statement(
        &self,
        query: &StatementQuery,
        mut f: impl FnMut(Statement) -> std::io::Result<()>,
    ) -> Result<u64> {
        self.stream_statements(query, |record, _| f(record))
    }

    /// One page of at most `limit` statements that pass `query`, and the cursor of the
    /// next. `T` is [`Statement`], or `Box<serde_json::value::RawValue>` to pass the
    /// stored JSON on without building the record (a server's listing).
    pub fn statements_page<T: serde::de::DeserializeOwned>(
        &self,
        query: &StatementQuery,
        limit: usize,
    ) -> Result<Page<T>> {
        let query = StatementQuery {
            limit: Some(limit.saturating_add(1)),
            ..query.clone()
        };
        crate::page::collect(limit, |f| self.stream_statements(&query, f))
    }

    fn stream_statements<T: serde::de::DeserializeOwned>(
        &self,
        query: &StatementQuery,
        f: impl FnMut(T, Cursor) -> std::io::Result<()>,
    ) -> Result<u64> {
        let (from, to) = query.window.bounds();
        let mut sql = String::from(
            "SELECT s.record, a.date, a.id, s.content_start, s.rowid FROM statements s JOIN articles a ON a.rowid = s.article
             WHERE a.date >= ?1 AND a.date <= ?2",
        );
        let mut values: Vec<Value> = vec![from.into(), to.into()];
        let mut bind_value = |value: Value| {
            values.push(value);
            values.len()
        };
        let mut bind = |value: String| bind_value(value.into());
        if let Some(speaker) = &query.speaker {
            let condition = match speaker {
                ActorFilter::Actor(id) => format!("s.speaker_actor = ?{}", bind(id.clone())),
                ActorFilter::CodePrefix(prefix) => format!(
                    "s.rowid IN (SELECT statement FROM statement_codes
                       WHERE role = 'speaker' AND {})",
                    code_prefix_condition("code", prefix, &mut bind)
                ),
                ActorFilter::Name(name) => format!(
                    "s.speaker_actor IS NULL AND s.speaker_name = ?{} COLLATE NOCASE",
                    bind(name.clone())
                ),
            };
            sql.push_str(&format!(" AND ({condition})"));
        }
        if let Some(about) = &query.about {
            let condition = match about {
                ActorFilter::Actor(id) => format!(
                    "EXISTS (SELECT 1 FROM statement_about b
                       WHERE b.statement = s.rowid AND b.actor = ?{})",
                    bind(id.clone())
                ),
                ActorFilter::CodePrefix(prefix) => format!(
                    "s.rowid IN (SELECT statement FROM statement_codes
                       WHERE role = 'about' AND {})",
                    code_prefix_condition("code", prefix, &mut bind)
                ),
                // `about` lists linked actors only: a name that links to none
                // cannot be among them.
                ActorFilter::Name(_) => "0".to_string(),
            };
            sql.push_str(&format!(" AND ({condition})"));
        }
        if let Some(via) = &query.via {
            let id = bind(via.clone());
            let part = bind(format!("%{}%", escape_like(via)));
            sql.push_str(&format!(
                " AND (s.via_actor = ?{id} OR s.via_name LIKE ?{part} ESCAPE '\\')"
            ));
        }
        if let Some(kind) = &query.kind {
            sql.push_str(&format!(" AND s.kind = ?{}", bind(kind.clone())));
        }
        if let Some(article) = &query.article {
            sql.push_str(&format!(" AND a.id = ?{}", bind(article.clone())));
        }
        sql.push_str(&keyset_condition(
            query.after.as_ref(),
            ["a.date", "a.id", "s.content_start", "s.rowid"],
            bind_value,
        )?);
        sql.push_str(" ORDER BY a.date, a.id, s.content_start, s.rowid");
        if let Some(limit) = query.limit {
            sql.push_str(&format!(" LIMIT {}", limit.min(i64::MAX as usize)));
        }
        self.stream_json(&sql, values, "statement", f)
    }
}
