//! Batched, idempotent article inserts with exact and near-duplicate detection.

use dateline_core::{Article, Date, content_hash};
use dateline_dedupe::{BANDS, Signature, THRESHOLD};
use rusqlite::{Connection, OptionalExtension, params};

use crate::{Result, StoreError};

/// Articles per transaction: large enough that commit cost vanishes, small enough
/// that an interrupted ingest redoes little.
pub const BATCH_SIZE: usize = 5000;

/// What [`Writer::add`] did with an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddOutcome {
    /// Stored as a new, original article.
    New,
    /// Stored, marked as a copy (exact or near) of the article `of`.
    Duplicate { of: String, exact: bool },
    /// This id was already stored with the same content: nothing to do.
    AlreadyStored,
    /// This id is already stored with *different* content; the stored one is kept.
    IdConflict,
}

/// Adds articles in transactions of [`BATCH_SIZE`]. Call [`Writer::finish`] to commit
/// the last batch; dropping the writer commits it too.
pub struct Writer<'a> {
    conn: &'a Connection,
    in_batch: usize,
    /// One statement looks up all bands. (Inserts stay one row per statement: a
    /// multi-row INSERT opens a statement savepoint, and FTS5 flushes its pending
    /// postings at every savepoint, which tripled ingest time.)
    find_bands_sql: String,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Result<Self> {
        let placeholders: Vec<String> = (1..=BANDS).map(|i| format!("?{i}")).collect();
        Ok(Writer {
            conn,
            in_batch: 0,
            find_bands_sql: format!(
                "SELECT DISTINCT a.id, a.minhash FROM minhash_bands b JOIN articles a ON a.rowid = b.article
                 WHERE b.key IN ({})",
                placeholders.join(", ")
            ),
        })
    }

    /// Stores `article` unless it is already there, deciding whether it duplicates a
    /// stored one. `article.dup_of` is ignored: the store decides.
    ///
    /// Duplicate groups point at their earliest-dated member (ties: the smallest
    /// id), so "the later copy keeps `dup_of`" holds whatever order the copies
    /// arrive in, an as-of query never sees a `dup_of` that points to the future,
    /// and the same copies give the same group head in any ingest order.
    pub fn add(&mut self, article: &Article) -> Result<AddOutcome> {
        if self.in_batch == 0 {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        let hash = content_hash(&article.text);
        let outcome = self.add_in_transaction(article, hash)?;
        self.in_batch += 1;
        if self.in_batch >= BATCH_SIZE {
            self.commit()?;
        }
        Ok(outcome)
    }

    fn add_in_transaction(&mut self, article: &Article, hash: i64) -> Result<AddOutcome> {
        let stored: Option<i64> = self
            .conn
            .prepare_cached("SELECT content_hash FROM articles WHERE id = ?1")?
            .query_row(params![article.id], |r| r.get(0))
            .optional()?;
        if let Some(stored_hash) = stored {
            return Ok(if stored_hash == hash {
                AddOutcome::AlreadyStored
            } else {
                AddOutcome::IdConflict
            });
        }
        let signature = Signature::of_text(&article.text);
        // INDEXED BY: with STAT4 compiled in, SQLite otherwise re-plans (re-prepares)
        // this statement at every new value of a non-unique indexed column.
        let exact: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM articles INDEXED BY articles_content_hash WHERE content_hash = ?1 LIMIT 1",
            )?
            .query_row(params![hash], |r| r.get(0))
            .optional()?;
        let matched = match exact {
            Some(id) => Some((id, true)),
            None => self.near_duplicate_of(&signature)?.map(|id| (id, false)),
        };
        let (dup_of, outcome) = match matched {
            None => (None, AddOutcome::New),
            Some((id, exact)) => {
                let (canonical, canonical_date) = self.canonical_of(&id)?;
                if (article.date, article.id.as_str()) < (canonical_date, canonical.as_str()) {
                    // The newcomer was published first: it heads the group now.
                    self.conn
                        .prepare_cached(
                            "UPDATE articles SET dup_of = ?1 WHERE id = ?2 OR dup_of = ?2",
                        )?
                        .execute(params![article.id, canonical])?;
                    (
                        None,
                        AddOutcome::Duplicate {
                            of: canonical,
                            exact,
                        },
                    )
                } else {
                    (
                        Some(canonical.clone()),
                        AddOutcome::Duplicate {
                            of: canonical,
                            exact,
                        },
                    )
                }
            }
        };
        let meta = article
            .meta
            .as_ref()
            .map(|m| serde_json::Value::Object(m.clone()).to_string());
        self.conn
            .prepare_cached(
                "INSERT INTO articles (id, date, title, text, source, url, lang, dup_of, meta, content_hash, minhash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                article.id,
                article.date.to_string(),
                article.title,
                article.text,
                article.source,
                article.url,
                article.lang,
                dup_of,
                meta,
                hash,
                signature.to_bytes(),
            ])?;
        let rowid = self.conn.last_insert_rowid();
        self.conn
            .prepare_cached("INSERT INTO articles_fts (rowid, title, text) VALUES (?1, ?2, ?3)")?
            .execute(params![rowid, article.title, article.text])?;
        let mut band = self
            .conn
            .prepare_cached("INSERT OR IGNORE INTO minhash_bands (key, article) VALUES (?1, ?2)")?;
        for key in signature.band_keys() {
            band.execute(params![key, rowid])?;
        }
        Ok(outcome)
    }

    /// The most similar stored article at or above the threshold, if any.
    fn near_duplicate_of(&self, signature: &Signature) -> Result<Option<String>> {
        let mut lookup = self.conn.prepare_cached(&self.find_bands_sql)?;
        let mut rows = lookup.query(rusqlite::params_from_iter(signature.band_keys()))?;
        let mut best: Option<(f64, String)> = None;
        while let Some(row) = rows.next()? {
            let blob: Vec<u8> = row.get(1)?;
            let other = Signature::from_bytes(&blob)
                .ok_or_else(|| StoreError::Corrupt("minhash blob of the wrong length".into()))?;
            let similarity = signature.similarity(&other);
            if similarity >= THRESHOLD && best.as_ref().is_none_or(|(s, _)| similarity > *s) {
                best = Some((similarity, row.get(0)?));
            }
        }
        Ok(best.map(|(_, id)| id))
    }

    /// The head of `id`'s duplicate group and its date.
    fn canonical_of(&self, id: &str) -> Result<(String, Date)> {
        let (head, date): (String, String) = self
            .conn
            .prepare_cached(
                "SELECT h.id, h.date FROM articles a JOIN articles h ON h.id = coalesce(a.dup_of, a.id) WHERE a.id = ?1",
            )?
            .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let date = date
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("date {date:?}: {e}")))?;
        Ok((head, date))
    }

    fn commit(&mut self) -> Result<()> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT")?;
        }
        self.in_batch = 0;
        Ok(())
    }

    /// Commits the last batch.
    pub fn finish(mut self) -> Result<()> {
        self.commit()
    }
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        // Everything added was validated; keeping it is what a re-run would do anyway.
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("COMMIT");
        }
    }
}
