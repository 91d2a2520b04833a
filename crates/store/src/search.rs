//! Full-text search over articles.

use dateline_core::Date;
use rusqlite::params;
use serde::Serialize;

use crate::{Cursor, DateWindow, Page, Result, Store, StoreError};

/// A search request.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    /// What the user typed: words, `"quoted phrases"`, `OR`, and `prefix*`.
    pub text: String,
    pub window: DateWindow,
    pub limit: usize,
    /// Skip this many of the best hits (the next page of a listing).
    pub offset: usize,
}

/// One ranked hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub id: String,
    pub date: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dup_of: Option<String>,
    /// A window of the text around the matches, each match between `«` and `»`.
    pub snippet: String,
    /// BM25 score (higher is better).
    pub score: f64,
}

/// Ranked article search. Implemented by [`Store`] with SQLite FTS5.
pub trait ArticleSearch {
    fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>>;
}

/// Translates a user query to FTS5 syntax that cannot fail to parse: every term and
/// phrase is quoted (so `AND (`, stray `"` or `:` are just text), `OR` between terms
/// is kept as the operator, and a trailing `*` marks a prefix. Terms are ANDed.
/// `None` when the query has no words.
pub fn fts_query(user: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut rest = user.trim();
    while !rest.is_empty() {
        let (term, tail, phrase) = if let Some(after) = rest.strip_prefix('"') {
            match after.find('"') {
                Some(end) => (&after[..end], &after[end + 1..], true),
                None => (after, "", true),
            }
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], &rest[end..], false)
        };
        rest = tail.trim_start();
        if !phrase && term == "OR" {
            if parts.last().is_some_and(|p| p != "OR") {
                parts.push("OR".into());
            }
            continue;
        }
        let (term, prefix) = match term.strip_suffix('*') {
            Some(t) if !phrase => (t, true),
            _ => (term, false),
        };
        if !term.chars().any(char::is_alphanumeric) {
            continue;
        }
        let quoted = format!("\"{}\"", term.replace('"', "\"\""));
        parts.push(if prefix {
            format!("{quoted} *")
        } else {
            quoted
        });
    }
    while parts.last().is_some_and(|p| p == "OR") {
        parts.pop();
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

impl Store {
    /// One page of ranked hits for `text` in `window`, continuing after `after`.
    pub fn search_page(
        &self,
        text: &str,
        window: &DateWindow,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<SearchHit>> {
        crate::page::offset_page(after, limit, |offset, n| {
            self.search(&SearchQuery {
                text: text.to_string(),
                window: *window,
                limit: n,
                offset: offset.min(usize::MAX as u64) as usize,
            })
        })
    }
}

impl ArticleSearch for Store {
    fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>> {
        let fts = fts_query(&query.text)
            .ok_or_else(|| StoreError::Query("the query has no words to search for".into()))?;
        // Two phases: rank every match cheaply, then build snippets for the top hits
        // only. In one statement SQLite would compute a snippet for every match
        // before sorting, which dominated latency for common words.
        let top: Vec<(i64, f64)> = if query.window == DateWindow::default() {
            let mut stmt = self.conn.prepare_cached(
                "SELECT rowid, rank FROM articles_fts WHERE articles_fts MATCH ?1 ORDER BY rank LIMIT ?2 OFFSET ?3",
            )?;
            let rows = stmt
                .query_map(params![fts, query.limit as i64, query.offset as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            rows.collect::<rusqlite::Result<_>>()?
        } else {
            let (from, to) = query.window.bounds();
            let mut stmt = self.conn.prepare_cached(
                "SELECT f.rowid, f.rank FROM articles_fts f JOIN articles a ON a.rowid = f.rowid
                 WHERE articles_fts MATCH ?1 AND a.date >= ?2 AND a.date <= ?3 ORDER BY f.rank LIMIT ?4 OFFSET ?5",
            )?;
            let rows = stmt.query_map(
                params![fts, from, to, query.limit as i64, query.offset as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut hit_stmt = self.conn.prepare_cached(
            "SELECT a.id, a.date, a.title, a.source, a.dup_of, snippet(articles_fts, 1, '«', '»', '…', 16)
             FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
             WHERE articles_fts MATCH ?1 AND articles_fts.rowid = ?2",
        )?;
        let mut hits = Vec::with_capacity(top.len());
        for (rowid, rank) in top {
            let (id, date, title, source, dup_of, snippet): (String, String, _, _, _, _) = hit_stmt
                .query_row(params![fts, rowid], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })?;
            let date = date
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("date {date:?}: {e}")))?;
            hits.push(SearchHit {
                id,
                date,
                title,
                source,
                dup_of,
                snippet,
                score: -rank,
            });
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_every_term_and_keeps_or_and_prefix() {
        assert_eq!(fts_query("island talks").unwrap(), r#""island" "talks""#);
        assert_eq!(
            fts_query(r#""border post" OR ferry"#).unwrap(),
            r#""border post" OR "ferry""#
        );
        assert_eq!(fts_query("negotiat*").unwrap(), r#""negotiat" *"#);
    }

    #[test]
    fn fts_syntax_in_user_input_is_only_text() {
        assert_eq!(fts_query("AND ( talks").unwrap(), r#""AND" "talks""#);
        assert_eq!(
            fts_query(r#"say "unbalanced"#).unwrap(),
            r#""say" "unbalanced""#
        );
        assert_eq!(fts_query("OR OR talks OR").unwrap(), r#""talks""#);
        assert_eq!(fts_query(" ( ) : * "), None);
    }
}
