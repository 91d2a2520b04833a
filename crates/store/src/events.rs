//! Events in the store: the query behind `dateline events` and the export.
//!
//! Stored like statements (the `Event` whole, as JSON, beside the columns the
//! filters read), bounded by the same [`DateWindow`] over article dates. An actor
//! filter matches the event's own record of the actor: its id, or the CAMEO code it
//! held in that article (`RUS` matches `RUSGOV`), so a code filter needs no join.

use dateline_core::Event;
use rusqlite::types::Value;

use crate::annotations::code_prefix_condition;
use crate::page::keyset_condition;
use crate::{ActorFilter, Cursor, DateWindow, Page, Result, Store};

/// The filters of `dateline events`; `None` admits everything.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub source: Option<ActorFilter>,
    pub target: Option<ActorFilter>,
    /// An exact CAMEO code ("036").
    pub code: Option<String>,
    /// A root ("03").
    pub root: Option<String>,
    /// Only the records of this article.
    pub article: Option<String>,
    pub window: DateWindow,
    /// Continue after this record (a cursor from an earlier page).
    pub after: Option<Cursor>,
    /// At most this many; `None` for all.
    pub limit: Option<usize>,
}

impl Store {
    /// Events that pass `query`, by article date, then article id, then position.
    pub fn events(&self, query: &EventQuery) -> Result<Vec<Event>> {
        let mut out = Vec::new();
        self.for_each_event(query, |e| {
            out.push(e);
            Ok(())
        })?;
        Ok(out)
    }

    /// Streams the events that pass `query` to `f`; returns how many.
    pub fn for_each_event(
        &self,
        query: &EventQuery,
        mut f: impl FnMut(Event) -> std::io::Result<()>,
    ) -> Result<u64> {
        self.stream_events(query, |record, _| f(record))
    }

    /// One page of at most `limit` events that pass `query`, and the cursor of the next.
    /// `T` as for [`Store::statements_page`].
    pub fn events_page<T: serde::de::DeserializeOwned>(
        &self,
        query: &EventQuery,
        limit: usize,
    ) -> Result<Page<T>> {
        let query = EventQuery {
            limit: Some(limit.saturating_add(1)),
            ..query.clone()
        };
        crate::page::collect(limit, |f| self.stream_events(&query, f))
    }

    fn stream_events<T: serde::de::DeserializeOwned>(
        &self,
        query: &EventQuery,
        f: impl FnMut(T, Cursor) -> std::io::Result<()>,
    ) -> Result<u64> {
        let (from, to) = query.window.bounds();
        let mut sql = String::from(
            "SELECT e.record, a.date, a.id, e.position, e.rowid FROM events e JOIN articles a ON a.rowid = e.article
             WHERE a.date >= ?1 AND a.date <= ?2",
        );
        let mut values: Vec<Value> = vec![from.into(), to.into()];
        let mut bind_value = |value: Value| {
            values.push(value);
            values.len()
        };
        let mut bind = |value: String| bind_value(value.into());
        for (filter, side) in [(&query.source, "source"), (&query.target, "target")] {
            let Some(filter) = filter else {
                continue;
            };
            let condition = match filter {
                ActorFilter::Actor(id) => format!("e.{side}_actor = ?{}", bind(id.clone())),
                ActorFilter::CodePrefix(prefix) => {
                    code_prefix_condition(&format!("e.{side}_code"), prefix, &mut bind)
                }
                // Events name their actors by code: a name no actor goes by
                // matches nothing.
                ActorFilter::Name(_) => "0".to_string(),
            };
            sql.push_str(&format!(" AND ({condition})"));
        }
        if let Some(code) = &query.code {
            sql.push_str(&format!(" AND e.code = ?{}", bind(code.clone())));
        }
        if let Some(root) = &query.root {
            sql.push_str(&format!(" AND e.root = ?{}", bind(root.clone())));
        }
        if let Some(article) = &query.article {
            sql.push_str(&format!(" AND a.id = ?{}", bind(article.clone())));
        }
        sql.push_str(&keyset_condition(
            query.after.as_ref(),
            ["a.date", "a.id", "e.position", "e.rowid"],
            bind_value,
        )?);
        sql.push_str(" ORDER BY a.date, a.id, e.position, e.rowid");
        if let Some(limit) = query.limit {
            sql.push_str(&format!(" LIMIT {}", limit.min(i64::MAX as usize)));
        }
        self.stream_json(&sql, values, "event", f)
    }
}
