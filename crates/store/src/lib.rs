//! The embedded store: one SQLite file holding articles, their dedupe index and
//! annotations, the full-text index derived from it beside the file, and the queries
//! over them.
//!
//! # Design
//!
//! * **One file, WAL.** `rusqlite` with bundled SQLite. WAL lets readers (search, a
//!   server) run while an ingest writes.
//! * **Batched, idempotent writes.** [`Writer`] groups inserts into transactions of
//!   [`BATCH_SIZE`] articles. Ids are content-derived, so an ingest killed at any point
//!   leaves the last committed batch and a re-run skips what is there: the result is
//!   the same as one uninterrupted run.
//! * **Versioned schema.** `PRAGMA user_version` records how many of [`MIGRATIONS`]
//!   have run; opening a store applies the missing ones in one transaction and refuses
//!   a store from a newer dateline.
//! * **Search in a derived index.** [`ArticleSearch`] ranks with the tantivy index of
//!   `dateline-search` in `<db>-search/`, which holds no text and is never the source
//!   of truth: every change it must reflect is logged in `search_queue` in the
//!   transaction that makes it, and applied after each batch and on open (see
//!   `search.rs`), so a kill -9 at any point is caught up by the next open, and a
//!   missing or damaged index is rebuilt. SQLite FTS5 was the engine until schema 8:
//!   it scored every match, so a common word cost 40–135 ms at 100k articles.
//!
//! # Invariants
//!
//! * Every date-bounded read goes through [`DateWindow`]; an as-of date D admits only
//!   articles whose date is ≤ D. No query builds its own date bounds.
//! * Annotations (mentions, the actor registry, statements, events) are written per batch of articles
//!   in one transaction with the mark that says the batch is annotated, so an
//!   interrupted ingest resumes where it stopped (see `annotations.rs`).
//! * Nothing stored is altered by a failed write, except the one deliberate update:
//!   when an earlier-dated copy arrives, the copies it matches better move to its
//!   group (see [`Writer::add`]).

mod annotations;
mod events;
mod knowledge;
mod page;
mod schema;
mod search;
mod statements;
mod stories;
mod window;
mod writer;

use std::path::Path;

use dateline_core::{Article, Date};
use rusqlite::{Connection, OptionalExtension, params};

use annotations::parse_date;
pub use annotations::{ActorDetail, ActorSummary, Annotation, ArticleMark};
pub use events::EventQuery;
pub use knowledge::Rechecked;
pub use page::{Cursor, Page};
pub use schema::MIGRATIONS;
pub use search::{
    ArticleSearch, IndexStatus, SearchHit, SearchQuery, index_dir, notify_search_rebuilds,
};
pub use statements::{ActorFilter, StatementQuery};
pub use stories::{StoriesUpdate, StoryAssignment, StoryCheckpoint, StoryMember};
pub use window::DateWindow;
pub use writer::{AddOutcome, BATCH_SIZE, Writer};

/// Errors of the store. User mistakes (a query with no words) are [`StoreError::Query`]
/// so the CLI can report them as bad usage rather than failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}", describe_sqlite(.0))]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Schema(String),
    #[error("bad query: {0}")]
    Query(String),
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// A query ran past the limit set with [`Store::set_time_limit`].
    #[error("the query took longer than {0:?} and was stopped; narrow it (dates, filters)")]
    Timeout(std::time::Duration),
    /// The search index failed (its directory, its files).
    #[error(transparent)]
    Search(#[from] dateline_search::SearchError),
    /// The search index could not be opened; everything else works.
    #[error("search is unavailable: the index beside the store could not be opened ({0})")]
    SearchUnavailable(String),
    /// The caller's sink of a streaming read failed (a full disk, a closed pipe).
    #[error("write failed: {0}")]
    Write(#[from] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// The store's file or its directory cannot be written.
    pub fn is_read_only(&self) -> bool {
        matches!(self, StoreError::Sqlite(e)
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly))
    }

    /// SQLite stopped the statement: a time limit ([`Store::with_time_limit`]) ran out.
    pub fn is_interrupted(&self) -> bool {
        matches!(self, StoreError::Sqlite(e)
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted))
    }
}

/// Size of the write-ahead log past which a writer checkpoints it after a commit.
const WAL_BOUND: u64 = 32 << 20;

/// Keeps the write-ahead log near [`WAL_BOUND`] (past it by one transaction at most). SQLite's own checkpoints after
/// commits never restart the log while readers keep using it, so a server answering
/// reads while a long annotation run writes saw its log reach 1.8 GB. Past the bound,
/// the writer waits (up to the busy timeout) for readers of older snapshots and
/// truncates the log; it costs a few milliseconds once per 32 MiB of writes.
fn bound_wal(conn: &Connection) -> Result<()> {
    let Some(path) = conn.path().filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let wal = std::fs::metadata(format!("{path}-wal")).map_or(0, |m| m.len());
    if wal > WAL_BOUND {
        truncate_wal(conn)?;
    }
    Ok(())
}

/// A transaction that takes the write lock at once. A deferred one that reads
/// before it writes cannot upgrade once another connection has committed since its
/// read began: SQLite answers "database is locked" at once, without waiting (its
/// snapshot is stale), so a server's POST landing inside an annotation batch failed
/// that batch. Taken first, the lock is waited for like any other.
fn write_transaction(conn: &mut Connection) -> Result<rusqlite::Transaction<'_>> {
    Ok(conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
}

fn truncate_wal(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// SQLite's failures in words a person can act on (SQLite's own words follow as
/// the error's source).
fn describe_sqlite(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode::*;
    let what = match e.sqlite_error_code() {
        Some(ReadOnly) => "the store is read-only (file permissions, or a read-only mount)",
        Some(DiskFull) => "the disk is full",
        Some(SystemIoFailure) => {
            "a write to the store failed (the disk is full, a file size limit was reached, or the disk failed)"
        }
        Some(CannotOpen) => "cannot open the store's file (a missing directory, or no permission)",
        Some(DatabaseBusy | DatabaseLocked) => {
            "the store is busy: another process held its write lock for longer than 10 s"
        }
        _ => return format!("database error: {e}"),
    };
    what.to_string()
}

/// How long a connection waits for another process's write lock.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// An open store.
pub struct Store {
    conn: Connection,
    /// The derived full-text index, shared by the stores of this process that opened
    /// the same file; why it could not be opened otherwise.
    search: std::result::Result<std::sync::Arc<dyn dateline_search::SearchIndex>, String>,
}

/// An article as a listing shows it: everything but the text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ArticleSummary {
    pub id: String,
    pub date: Date,
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub lang: String,
    pub dup_of: Option<String>,
}

/// Row counts, for summaries and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub articles: u64,
    pub duplicates: u64,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    ///
    /// Several processes may open a new file at once (two ingests, a server and an
    /// ingest): SQLite answers some of the first steps — switching the journal to WAL,
    /// upgrading a read to a write — with an immediate "database is locked" rather than
    /// waiting, so the whole opening is retried until the busy timeout.
    pub fn open(path: &Path) -> Result<Store> {
        let started = std::time::Instant::now();
        loop {
            match Store::open_once(path) {
                Err(StoreError::Sqlite(e)) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                opened => return opened,
            }
        }
    }

    fn open_once(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Only takes effect on a new file (before its first table), which is when it
        // matters: bigger pages mean shallower B-trees and fewer overflow pages for
        // article texts.
        conn.pragma_update(None, "page_size", 16384)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL in WAL mode: a power cut may lose the last commits, never consistency;
        // an ingest re-run restores them.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Plans that do not depend on bound values. Without it SQLite re-prepares a
        // cached statement whenever a parameter it peeked at changes — any
        // `col = ?` beside a GROUP BY or ORDER BY, a LIKE with a bound pattern —
        // which cost 35 µs where the query took 12: 45% of an actor listing's time.
        // The stable plans lose nothing here: `refresh_statistics` runs ANALYZE with
        // an analysis limit, which keeps no per-value samples (sqlite_stat4) to plan
        // by, and code prefixes are ranges, not LIKE.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        // The near-duplicate index is written in random key order; a 64 MiB page cache
        // keeps its hot pages in memory at 10^5–10^6 articles. It is a
        // bound, not an allocation: small stores use little.
        conn.pragma_update(None, "cache_size", -65536)?;
        // After a checkpoint the WAL is cut back to this size rather than left at its
        // largest, so one big write does not leave hundreds of MB behind.
        conn.pragma_update(None, "journal_size_limit", 64 << 20)?;
        // Room for the fixed statements and the shapes of listing SQL in use.
        conn.set_prepared_statement_cache_capacity(64);
        let mut conn = conn;
        schema::migrate(&mut conn)?;
        let store = Store {
            conn,
            search: search::open_index(path),
        };
        // Catch the index up (a crash, an upgrade, a deleted index) unless another
        // process is writing it, in which case that one will.
        if store.search.is_ok() {
            store.catch_up_search(std::time::Duration::ZERO)?;
        }
        Ok(store)
    }

    /// A writer that batches inserts into transactions.
    pub fn writer(&mut self) -> Result<Writer<'_>> {
        Writer::new(self)
    }

    pub fn counts(&self) -> Result<Counts> {
        // Two counts, each answered from an index (the date index, the partial
        // index of copies) rather than a scan of the article rows and their text.
        let articles: i64 = self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
        let duplicates: i64 = self.conn.query_row(
            "SELECT count(*) FROM articles WHERE dup_of IS NOT NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(Counts {
            articles: articles as u64,
            duplicates: duplicates as u64,
        })
    }

    /// The article with this id, if stored.
    pub fn article(&self, id: &str) -> Result<Option<Article>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?1");
        self.conn
            .query_row(&sql, params![id], article_from_row)
            .optional()?
            .transpose()
    }

    /// The article with this id without its text, if stored.
    pub fn article_summary(&self, id: &str) -> Result<Option<ArticleSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, date, title, source, url, lang, dup_of FROM articles WHERE id = ?1",
        )?;
        stmt.query_row(params![id], summary_from_row)
            .optional()?
            .transpose()
    }

    /// Calls `each` for every article in the window, by date then id, one row at a
    /// time (memory does not grow with the store).
    pub fn for_each_article(
        &self,
        window: &DateWindow,
        mut each: impl FnMut(Article) -> std::io::Result<()>,
    ) -> Result<u64> {
        let (from, to) = window.bounds();
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE date >= ?1 AND date <= ?2 ORDER BY date, id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params![from, to])?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            let article = article_from_row(row)??;
            each(article)?;
            n += 1;
        }
        Ok(n)
    }

    /// A page of the articles in the window (without their text), by date then id.
    pub fn articles_page(
        &self,
        window: &DateWindow,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<ArticleSummary>> {
        let (from, to) = window.bounds();
        let mut values: Vec<rusqlite::types::Value> = vec![from.into(), to.into()];
        let keyset = page::keyset_condition(after, ["a.date", "a.id", "0", "0"], |v| {
            values.push(v);
            values.len()
        })?;
        let sql = format!(
            "SELECT a.id, a.date, a.title, a.source, a.url, a.lang, a.dup_of FROM articles a
             WHERE a.date >= ?1 AND a.date <= ?2{keyset} ORDER BY a.date, a.id LIMIT {}",
            limit.saturating_add(1).min(i64::MAX as usize)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
        let mut items = Vec::new();
        let mut more = false;
        while let Some(row) = rows.next()? {
            if items.len() == limit {
                more = true;
                break;
            }
            items.push(summary_from_row(row)??);
        }
        let next = match (more, items.last()) {
            (true, Some(last)) => Some(Cursor::After {
                date: last.date.to_string(),
                article: last.id.clone(),
                position: 0,
                row: 0,
            }),
            _ => None,
        };
        Ok(Page { items, next })
    }

    /// The first and last article dates in the store (`None` when it is empty).
    pub fn date_range(&self) -> Result<Option<(Date, Date)>> {
        let (first, last): (Option<String>, Option<String>) =
            self.conn
                .query_row("SELECT min(date), max(date) FROM articles", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        match (first, last) {
            (Some(first), Some(last)) => Ok(Some((parse_date(&first)?, parse_date(&last)?))),
            _ => Ok(None),
        }
    }

    /// Runs `f` with every SQLite statement it makes bounded to `limit` in total; a
    /// query that runs over is interrupted and `f` fails with
    /// [`StoreError::Timeout`]. A server wraps each request in it so that no request
    /// holds a connection for long.
    pub fn with_time_limit<T>(
        &mut self,
        limit: std::time::Duration,
        f: impl FnOnce(&Store) -> Result<T>,
    ) -> Result<T> {
        let deadline = std::time::Instant::now() + limit;
        self.conn
            .progress_handler(10_000, Some(move || std::time::Instant::now() > deadline))?;
        let result = f(self);
        self.conn.progress_handler(10_000, None::<fn() -> bool>)?;
        match result {
            Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)))
                if e.code == rusqlite::ErrorCode::OperationInterrupted =>
            {
                Err(StoreError::Timeout(limit))
            }
            other => other,
        }
    }

    /// Runs `sql` with `values` bound and streams its records to `f`, each with the
    /// cursor that continues after it; returns how many. The columns are the record
    /// as JSON, then its sort key: article date, article id, position, row. `what`
    /// names the record in a corruption message.
    fn stream_json<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        values: Vec<rusqlite::types::Value>,
        what: &str,
        mut f: impl FnMut(T, Cursor) -> std::io::Result<()>,
    ) -> Result<u64> {
        // Listings build their SQL from the filters given; the same filters give the
        // same text, so the statement cache serves repeated requests.
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let record: String = row.get(0)?;
            let record: T = serde_json::from_str(&record)
                .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))?;
            let cursor = Cursor::After {
                date: row.get(1)?,
                article: row.get(2)?,
                position: row.get(3)?,
                row: row.get(4)?,
            };
            f(record, cursor)?;
            count += 1;
        }
        Ok(count)
    }

    /// Refreshes the statistics SQLite's query planner reads (a bounded `ANALYZE`:
    /// each index is sampled, so the cost stays small at any size). Without them the
    /// planner cannot tell a table of 200 events from one of 100,000 articles and
    /// may walk the larger one: measured at 100k articles, listing events took 5 ms
    /// without statistics and 0.7 ms with them.
    pub fn refresh_statistics(&self) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
        Ok(())
    }

    /// Caps this connection's page cache (64 MiB when opened, for bulk writes).
    pub fn set_cache_mib(&self, mib: i64) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", -1024 * mib)?;
        Ok(())
    }

    /// Reads the database file through a memory map of up to `mib` MiB instead of
    /// copying each page in with a system call. Pages of the map are the operating
    /// system's file cache, shared by every connection and counted in the
    /// process's resident size only while touched.
    pub fn set_mmap_mib(&self, mib: i64) -> Result<()> {
        self.conn
            .pragma_update(None, "mmap_size", 1024 * 1024 * mib)?;
        Ok(())
    }

    /// Copies the write-ahead log into the database and truncates it. SQLite's own
    /// checkpoints run after commits but cannot restart the log while readers use
    /// it, so under steady reads it only grows; this one waits (up to the busy
    /// timeout) for the readers of older snapshots, so call it after a write run,
    /// not inside a request.
    pub fn checkpoint(&self) -> Result<()> {
        truncate_wal(&self.conn)
    }

    /// A setting the store was built with (`settings` table), if any.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Records a setting, replacing its old value.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// `PRAGMA integrity_check`; `Ok(())` when SQLite answers `ok`.
    pub fn check_integrity(&self) -> Result<()> {
        let answer: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if answer == "ok" {
            Ok(())
        } else {
            Err(StoreError::Corrupt(answer))
        }
    }
}

/// An [`ArticleSummary`] from the columns id, date, title, source, url, lang, dup_of.
fn summary_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<ArticleSummary>> {
    let date: String = row.get(1)?;
    Ok(match parse_date(&date) {
        Err(e) => Err(e),
        Ok(date) => Ok(ArticleSummary {
            id: row.get(0)?,
            date,
            title: row.get(2)?,
            source: row.get(3)?,
            url: row.get(4)?,
            lang: row.get(5)?,
            dup_of: row.get(6)?,
        }),
    })
}

const ARTICLE_COLUMNS: &str = "id, date, title, text, source, url, lang, dup_of, meta";

fn article_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Article>> {
    article_from_row_at(row, 0)
}

/// An article from [`ARTICLE_COLUMNS`] starting at column `at` of the row.
fn article_from_row_at(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Result<Article>> {
    let date: String = row.get(at + 1)?;
    let meta: Option<String> = row.get(at + 8)?;
    let parsed = (|| {
        let date = date
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("date {date:?}: {e}")))?;
        let meta = meta
            .map(|m| serde_json::from_str(&m))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("meta: {e}")))?;
        Ok((date, meta))
    })();
    Ok(match parsed {
        Err(e) => Err(e),
        Ok((date, meta)) => Ok(Article {
            id: row.get(at)?,
            date,
            title: row.get(at + 2)?,
            text: row.get(at + 3)?,
            source: row.get(at + 4)?,
            url: row.get(at + 5)?,
            lang: row.get(at + 6)?,
            dup_of: row.get(at + 7)?,
            meta,
        }),
    })
}
