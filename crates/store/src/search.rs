//! Article search: the store's side of the derived index (`dateline-search`).
//!
//! The index lives in a directory beside the database file (`<db>-search`) and is
//! kept in step through the change log `search_queue`: a write that stores an article
//! or makes one a copy logs it in the same transaction, and [`catch_up`] applies the
//! log past the index's checkpoint. It runs after every committed batch and when a
//! store opens, so an index a crash left behind (or deleted, or damaged) is caught up
//! or rebuilt on the next open without anyone asking.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use dateline_core::Date;
use dateline_search::{
    Checkpoint, Filter, IndexWriter, IndexedArticle, Ranked, SNIPPET_SCAN_CHARS, SearchIndex,
    TantivyIndex, UserQuery,
};
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::{Cursor, DateWindow, Page, Result, Store, StoreError};

/// A search request.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    /// What the user typed: words, `"quoted phrases"`, `OR`, and `prefix*`.
    pub text: String,
    pub window: DateWindow,
    /// Only articles of this outlet (as stored).
    pub source: Option<String>,
    /// Leave out articles marked as copies of earlier ones.
    pub originals_only: bool,
    pub limit: usize,
    /// Skip this many of the best hits (the next page of a listing).
    pub offset: usize,
}

impl SearchQuery {
    /// The first ten hits for `text` in `window`, any outlet, copies included.
    pub fn new(text: &str, window: DateWindow) -> SearchQuery {
        SearchQuery {
            text: text.to_string(),
            window,
            source: None,
            originals_only: false,
            limit: 10,
            offset: 0,
        }
    }
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

/// Ranked article search.
pub trait ArticleSearch {
    fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>>;
}

/// How the index compares with the store, for `dateline check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexStatus {
    pub indexed: u64,
    pub articles: u64,
    /// Changes logged but not yet in the index (another process is applying them,
    /// or the next open will).
    pub pending: u64,
}

/// The setting that holds the store's id (schema migration 8).
const STORE_ID: &str = "search_index.store";
/// How long a batch's commit waits for another writer of the index before leaving
/// its changes to that writer (or to the next open).
pub(crate) const WRITER_WAIT: Duration = Duration::from_secs(10);

/// The index directory of the database at `db`.
pub fn index_dir(db: &Path) -> PathBuf {
    let mut dir = db.as_os_str().to_owned();
    dir.push("-search");
    PathBuf::from(dir)
}

/// The open index of `db`, shared by every store of this process that opens the same
/// file: one reader, and writers that take turns.
pub(crate) fn open_index(db: &Path) -> std::result::Result<Arc<dyn SearchIndex>, String> {
    static OPEN: OnceLock<Mutex<Vec<(PathBuf, Weak<TantivyIndex>)>>> = OnceLock::new();
    let dir = index_dir(&std::fs::canonicalize(db).map_err(|e| e.to_string())?);
    let mut open = OPEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    open.retain(|(_, index)| index.strong_count() > 0);
    if let Some(index) = open
        .iter()
        .find(|(d, _)| *d == dir)
        .and_then(|(_, i)| i.upgrade())
    {
        return Ok(index);
    }
    let index = Arc::new(TantivyIndex::open(&dir).map_err(|e| e.to_string())?);
    open.push((dir, Arc::downgrade(&index)));
    Ok(index)
}

/// `YYYY-MM-DD` as the index's `YYYYMMDD`.
fn day_number(iso: &str) -> i64 {
    iso.bytes()
        .filter(u8::is_ascii_digit)
        .fold(0, |n, b| n * 10 + i64::from(b - b'0'))
}

fn store_id(conn: &Connection) -> Result<String> {
    Ok(conn.query_row(
        "SELECT value FROM settings WHERE key = ?1",
        params![STORE_ID],
        |r| r.get(0),
    )?)
}

/// The index's checkpoint if it is one of this store's.
fn own_checkpoint(conn: &Connection, index: &dyn SearchIndex) -> Result<Option<Checkpoint>> {
    let store = store_id(conn)?;
    Ok(index.checkpoint()?.filter(|c| c.store == store))
}

/// The last entry of the change log (0 when nothing was ever logged).
fn newest_seq(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT coalesce(max(seq), 0) FROM search_queue", [], |r| {
            r.get(0)
        })?,
    )
}

/// Called with the number of articles when an index is about to be rebuilt from
/// them (it can take minutes); see [`notify_search_rebuilds`].
static REBUILD_NOTICE: OnceLock<Box<dyn Fn(u64) + Send + Sync>> = OnceLock::new();

/// Has `notice` called with the article count whenever a search index is about to
/// be rebuilt from the store (a store from before schema 8, a deleted or foreign
/// index), so that a program can tell its user why opening takes a while. The
/// first call wins; the library itself prints nothing.
pub fn notify_search_rebuilds(notice: impl Fn(u64) + Send + Sync + 'static) {
    let _ = REBUILD_NOTICE.set(Box::new(notice));
}

/// Whether the store's change log goes past the index's checkpoint (or the index is
/// not this store's).
pub(crate) fn is_behind(conn: &Connection, index: &dyn SearchIndex) -> Result<bool> {
    let newest = newest_seq(conn)?;
    Ok(!own_checkpoint(conn, index)?.is_some_and(|c| c.seq >= newest))
}

/// Brings `index` up to the store's change log with `writer`: applies the entries
/// past its checkpoint, or rebuilds it from every article when it belongs to no
/// checkpoint of this store. Reads the store in one transaction, so the checkpoint it
/// commits names exactly what it read.
pub(crate) fn catch_up(
    conn: &Connection,
    index: &dyn SearchIndex,
    writer: &mut dyn IndexWriter,
) -> Result<()> {
    let store = store_id(conn)?;
    // Read under the writer's lock: no other writer moves it now.
    let current = own_checkpoint(conn, index)?;
    // A read transaction: the rows and the log's end agree.
    let read = conn.unchecked_transaction()?;
    match current {
        Some(from) => {
            let mut stmt = read.prepare(
                "SELECT q.seq, a.rowid, a.date, a.title, a.text, a.source, a.dup_of IS NOT NULL
                 FROM search_queue q JOIN articles a ON a.rowid = q.article
                 WHERE q.seq > ?1 ORDER BY q.seq",
            )?;
            let mut rows = stmt.query(params![from.seq])?;
            let (mut seq, mut max_rowid, mut seen) = (from.seq, from.max_rowid, HashSet::new());
            while let Some(row) = rows.next()? {
                seq = row.get(0)?;
                let rowid: i64 = row.get(1)?;
                let replace = rowid <= from.max_rowid || !seen.insert(rowid);
                writer.put(&indexed(row, 1)?, replace)?;
                max_rowid = max_rowid.max(rowid);
            }
            if seq > from.seq {
                writer.commit(&Checkpoint {
                    store,
                    seq,
                    max_rowid,
                })?;
            }
        }
        None => {
            let seq = newest_seq(&read)?;
            if let Some(notice) = REBUILD_NOTICE.get() {
                let articles: i64 =
                    read.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
                notice(articles as u64);
            }
            writer.clear()?;
            let mut stmt = read.prepare(
                "SELECT rowid, date, title, text, source, dup_of IS NOT NULL FROM articles ORDER BY rowid",
            )?;
            let mut rows = stmt.query([])?;
            let mut max_rowid = 0;
            while let Some(row) = rows.next()? {
                let article = indexed(row, 0)?;
                max_rowid = article.rowid;
                writer.put(&article, false)?;
            }
            writer.commit(&Checkpoint {
                store,
                seq,
                max_rowid,
            })?;
        }
    }
    read.finish()?;
    Ok(())
}

/// The article in columns rowid, date, title, text, source, is-a-copy from `at`.
fn indexed<'r>(row: &'r rusqlite::Row<'_>, at: usize) -> Result<IndexedArticle<'r>> {
    use rusqlite::types::ValueRef;
    let text = |i: usize| -> Result<Option<&'r str>> {
        match row.get_ref(at + i)? {
            ValueRef::Null => Ok(None),
            value => Ok(Some(value.as_str().map_err(rusqlite::Error::from)?)),
        }
    };
    Ok(IndexedArticle {
        rowid: row.get(at)?,
        day: day_number(text(1)?.unwrap_or_default()),
        title: text(2)?,
        text: text(3)?.unwrap_or_default(),
        source: text(4)?,
        copy: row.get(at + 5)?,
    })
}

/// Drops the log entries the index has applied (`AUTOINCREMENT` keeps numbering past
/// them). Runs inside a writer's transaction.
pub(crate) fn prune_log(store: &Store) -> Result<()> {
    let Ok(index) = &store.search else {
        return Ok(());
    };
    if let Some(applied) = own_checkpoint(&store.conn, index.as_ref())? {
        store
            .conn
            .prepare_cached("DELETE FROM search_queue WHERE seq <= ?1")?
            .execute(params![applied.seq])?;
    }
    Ok(())
}

impl Store {
    pub(crate) fn index(&self) -> Result<&dyn SearchIndex> {
        match &self.search {
            Ok(index) => Ok(index.as_ref()),
            Err(message) => Err(StoreError::SearchUnavailable(message.clone())),
        }
    }

    /// Applies what the change log holds past the index's checkpoint (or rebuilds the
    /// index), waiting up to `wait` for another writer of the index. Called when a
    /// store opens. When another writer holds the index, that one applies the log.
    pub(crate) fn catch_up_search(&self, wait: Duration) -> Result<()> {
        let index = self.index()?;
        if !is_behind(&self.conn, index)? {
            return Ok(());
        }
        // A rebuild reads every article: it may use every core.
        let writer = match own_checkpoint(&self.conn, index)? {
            Some(_) => index.writer(wait)?,
            None => index.bulk_writer(wait)?,
        };
        if let Some(mut writer) = writer {
            catch_up(&self.conn, index, writer.as_mut())?;
            writer.finish()?;
        }
        Ok(())
    }

    /// How the index compares with the store.
    pub fn search_index_status(&self) -> Result<IndexStatus> {
        let index = self.index()?;
        let articles: i64 = self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
        let checkpoint = own_checkpoint(&self.conn, index)?;
        let pending: i64 = match &checkpoint {
            Some(c) => self.conn.query_row(
                "SELECT count(*) FROM search_queue WHERE seq > ?1",
                params![c.seq],
                |r| r.get(0),
            )?,
            None => articles,
        };
        Ok(IndexStatus {
            indexed: if checkpoint.is_some() {
                index.article_count()
            } else {
                0
            },
            articles: articles as u64,
            pending: pending as u64,
        })
    }

    /// Merges the index's segments into one. Worth it after a bulk load: fewer
    /// segments, faster ranked queries.
    pub fn optimize_search_index(&self) -> Result<()> {
        let index = self.index()?;
        if let Some(writer) = index.writer(WRITER_WAIT)? {
            writer.optimize()?;
        }
        Ok(())
    }

    /// One page of ranked hits for `text` in `window`, continuing after `after`.
    pub fn search_page(
        &self,
        query: &SearchQuery,
        after: Option<&Cursor>,
    ) -> Result<Page<SearchHit>> {
        // The page's probe for a next page is a ranked hit only: no row, no snippet.
        let parsed = parse_query(query)?;
        let offset = Cursor::offset(after)?;
        let mut ranked = self.rank(
            &parsed,
            &SearchQuery {
                offset: offset.min(usize::MAX as u64) as usize,
                limit: query.limit.saturating_add(1),
                ..query.clone()
            },
        )?;
        let more = ranked.len() > query.limit;
        ranked.truncate(query.limit);
        let taken = ranked.len() as u64;
        Ok(Page {
            items: self.hits(ranked, &parsed)?,
            next: more.then(|| Cursor::Offset(offset + taken)),
        })
    }

    /// The index's best hits for `query`, filtered by its window and options.
    fn rank(&self, parsed: &UserQuery, query: &SearchQuery) -> Result<Vec<Ranked>> {
        let (from, to) = query.window.bounds();
        let (open_from, open_to) = DateWindow::default().bounds();
        let filter = Filter {
            from_day: (from != open_from).then(|| day_number(&from)),
            to_day: (to != open_to).then(|| day_number(&to)),
            source: query.source.clone(),
            originals_only: query.originals_only,
        };
        Ok(self
            .index()?
            .search(parsed, &filter, query.limit, query.offset)?)
    }

    /// Ranked hits as the reader sees them: the stored row and a snippet.
    fn hits(&self, ranked: Vec<Ranked>, parsed: &UserQuery) -> Result<Vec<SearchHit>> {
        // Snippets from a bounded prefix of the text: the index keeps no text.
        let mut hit_stmt = self.conn.prepare_cached(
            "SELECT id, date, title, source, dup_of, substr(text, 1, ?2) FROM articles WHERE rowid = ?1",
        )?;
        let mut hits = Vec::with_capacity(ranked.len());
        for found in ranked {
            let row = hit_stmt.query_row(params![found.rowid, SNIPPET_SCAN_CHARS as i64], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get::<_, String>(5)?,
                ))
            });
            let (id, date, title, source, dup_of, text) = match row {
                Ok(row) => row,
                // The index is derived and may name a row a restore took away.
                Err(rusqlite::Error::QueryReturnedNoRows) => continue,
                Err(e) => return Err(e.into()),
            };
            let date = date
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("date {date:?}: {e}")))?;
            hits.push(SearchHit {
                id,
                date,
                title,
                source,
                dup_of,
                snippet: dateline_search::snippet(&text, parsed),
                score: f64::from(found.score),
            });
        }
        Ok(hits)
    }
}

fn parse_query(query: &SearchQuery) -> Result<UserQuery> {
    UserQuery::parse(&query.text)
        .ok_or_else(|| StoreError::Query("the query has no words to search for".into()))
}

impl ArticleSearch for Store {
    fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>> {
        let parsed = parse_query(query)?;
        let ranked = self.rank(&parsed, query)?;
        self.hits(ranked, &parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_numbers_in_date_order() {
        assert_eq!(day_number("2031-03-01"), 20310301);
        assert_eq!(day_number("0000-01-01"), 101);
        assert!(day_number("2031-12-31") < day_number("2032-01-01"));
        let dir = index_dir(Path::new("/data/news.db"));
        assert_eq!(dir, PathBuf::from("/data/news.db-search"));
    }
}
