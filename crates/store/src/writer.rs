//! Batched, idempotent article inserts with exact and near-duplicate detection.

use dateline_core::{Article, content_hash};
use dateline_dedupe::{BANDS, MatchKey, Signature, THRESHOLD};
use rusqlite::{Connection, OptionalExtension, params};

use crate::{Result, Store, StoreError};

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
    store: &'a Store,
    conn: &'a Connection,
    /// The search index's writer, held from the first batch to the last so that its
    /// segment merges run in the background meanwhile.
    index_writer: Option<Box<dyn dateline_search::IndexWriter + 'a>>,
    in_batch: usize,
    /// One statement looks up all bands.
    find_bands_sql: String,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(store: &'a Store) -> Result<Self> {
        let placeholders: Vec<String> = (1..=BANDS).map(|i| format!("?{i}")).collect();
        Ok(Writer {
            store,
            conn: &store.conn,
            index_writer: None,
            in_batch: 0,
            find_bands_sql: format!(
                "SELECT DISTINCT a.id, a.minhash, a.date, a.content_hash, a.dup_of
                 FROM minhash_bands b JOIN articles a ON a.rowid = b.article
                 WHERE b.key IN ({})",
                placeholders.join(", ")
            ),
        })
    }

    /// Stores `article` unless it is already there, deciding whether it duplicates a
    /// stored one. `article.dup_of` is ignored: the store decides.
    ///
    /// The decision is a function of the set of articles, not of their arrival
    /// order, and looks only backwards in time, so an as-of query never sees a group
    /// that a later article formed:
    ///
    /// * articles are ordered by (date, id);
    /// * an article's **match** (`dup_via`) is the earlier article at or above the
    ///   similarity threshold that it resembles best: an exact copy (same
    ///   [`content_hash`]) first, then the highest similarity, then the earliest;
    ///   [`MatchKey::preference`] is the rule;
    /// * an article with no match heads a group; one with a match points (`dup_of`)
    ///   at its match's head.
    ///
    /// Candidates are the stored articles sharing an LSH band key. When the newcomer
    /// is earlier than stored articles that resemble it, it may become their better
    /// match: those articles, and everything whose chain of matches runs through
    /// them, move to its group. The Spark job applies the same rule over a whole
    /// corpus at once.
    pub fn add(&mut self, article: &Article) -> Result<AddOutcome> {
        if self.in_batch == 0 {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            crate::search::prune_log(self.store)?;
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
        let date = article.date.to_string();
        let newcomer = Candidate {
            id: article.id.clone(),
            date: date.clone(),
            hash,
            similarity: 1.0,
        };
        let similar = self.similar_stored(&signature, hash)?;
        let via = similar
            .iter()
            .filter(|s| s.candidate.order() < newcomer.order())
            .map(|s| &s.candidate)
            .max_by(|a, b| a.key(hash).preference(&b.key(hash)));
        let dup_of = via.map(|v| {
            similar
                .iter()
                .find(|s| s.candidate.id == v.id)
                .and_then(|s| s.dup_of.clone())
                .unwrap_or_else(|| v.id.clone())
        });
        let meta = article
            .meta
            .as_ref()
            .map(|m| serde_json::Value::Object(m.clone()).to_string());
        self.conn
            .prepare_cached(
                "INSERT INTO articles (id, date, title, text, source, url, lang, dup_of, dup_via, meta, content_hash, minhash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                article.id,
                date,
                article.title,
                article.text,
                article.source,
                article.url,
                article.lang,
                dup_of,
                via.map(|v| &v.id),
                meta,
                hash,
                signature.to_bytes(),
            ])?;
        let rowid = self.conn.last_insert_rowid();
        self.log_for_search(rowid)?;
        let mut band = self
            .conn
            .prepare_cached("INSERT OR IGNORE INTO minhash_bands (key, article) VALUES (?1, ?2)")?;
        for key in signature.band_keys() {
            band.execute(params![key, rowid])?;
        }
        let head = dup_of.clone().unwrap_or_else(|| article.id.clone());
        // Later articles may match the newcomer better than what they matched.
        let mut later: Vec<&Similar> = similar
            .iter()
            .filter(|s| s.candidate.order() > newcomer.order())
            .collect();
        later.sort_by(|a, b| a.candidate.order().cmp(&b.candidate.order()));
        let mut joined = None;
        for other in later {
            let current = self.current_match(&other.candidate.id)?;
            let takes_over = current.as_ref().is_none_or(|c| {
                newcomer
                    .key_against(other)
                    .preference(&c.key(other.candidate.hash))
                    == std::cmp::Ordering::Greater
            });
            if !takes_over {
                continue;
            }
            let old_head = other
                .dup_of
                .clone()
                .unwrap_or_else(|| other.candidate.id.clone());
            self.conn
                .prepare_cached("UPDATE articles SET dup_via = ?1 WHERE id = ?2")?
                .execute(params![article.id, other.candidate.id])?;
            // The chain's rows first, then one update each by row id: as one
            // `UPDATE … WHERE id IN (chain)`, SQLite scanned every article whenever
            // the statistics were taken on a small store (a 100k load into a store
            // that began with the examples took 80 s instead of 35).
            let chain: Vec<i64> = self
                .conn
                .prepare_cached(
                    "WITH RECURSIVE chain(id, row) AS (
                         SELECT id, rowid FROM articles WHERE id = ?1 UNION ALL
                         SELECT a.id, a.rowid FROM articles a JOIN chain ON a.dup_via = chain.id
                     )
                     SELECT row FROM chain",
                )?
                .query_map(params![other.candidate.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut update = self
                .conn
                .prepare_cached("UPDATE articles SET dup_of = ?2 WHERE rowid = ?1")?;
            for &row in &chain {
                update.execute(params![row, head])?;
            }
            if other.dup_of.is_none()
                && let Some(&moved) = chain.first()
            {
                // A group head becomes a copy: the index's copy flag must follow.
                // (The rest of its chain were copies already.)
                self.log_for_search(moved)?;
            }
            joined.get_or_insert((old_head, other.candidate.hash == hash));
        }
        Ok(match (via, dup_of, joined) {
            (Some(v), Some(of), _) => AddOutcome::Duplicate {
                of,
                exact: v.hash == hash,
            },
            (_, _, Some((of, exact))) => AddOutcome::Duplicate { of, exact },
            _ => AddOutcome::New,
        })
    }

    /// Stored articles at or above the similarity threshold among those sharing a
    /// band key with `signature` (exact copies always share them all).
    fn similar_stored(&self, signature: &Signature, hash: i64) -> Result<Vec<Similar>> {
        let mut lookup = self.conn.prepare_cached(&self.find_bands_sql)?;
        let mut rows = lookup.query(rusqlite::params_from_iter(signature.band_keys()))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let blob: Vec<u8> = row.get(1)?;
            let other = Signature::from_bytes(&blob)
                .ok_or_else(|| StoreError::Corrupt("minhash blob of the wrong length".into()))?;
            let similarity = signature.similarity(&other);
            let other_hash: i64 = row.get(3)?;
            if similarity >= THRESHOLD || other_hash == hash {
                out.push(Similar {
                    candidate: Candidate {
                        id: row.get(0)?,
                        date: row.get(2)?,
                        hash: other_hash,
                        similarity,
                    },
                    dup_of: row.get(4)?,
                });
            }
        }
        Ok(out)
    }

    /// The article `id` is matched to now, with its similarity to it.
    fn current_match(&self, id: &str) -> Result<Option<Candidate>> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT v.id, v.date, v.content_hash, v.minhash, a.minhash
                 FROM articles a JOIN articles v ON v.id = a.dup_via WHERE a.id = ?1",
            )?
            .query_row(params![id], |r| {
                let via = Candidate {
                    id: r.get(0)?,
                    date: r.get(1)?,
                    hash: r.get(2)?,
                    similarity: 0.0,
                };
                Ok((via, r.get::<_, Vec<u8>>(3)?, r.get::<_, Vec<u8>>(4)?))
            })
            .optional()?;
        let Some((mut via, via_blob, blob)) = found else {
            return Ok(None);
        };
        let corrupt = || StoreError::Corrupt("minhash blob of the wrong length".into());
        via.similarity = Signature::from_bytes(&blob)
            .ok_or_else(corrupt)?
            .similarity(&Signature::from_bytes(&via_blob).ok_or_else(corrupt)?);
        Ok(Some(via))
    }

    /// Logs a change the search index must apply (see `search.rs`).
    fn log_for_search(&self, rowid: i64) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO search_queue (article) VALUES (?1)")?
            .execute(params![rowid])?;
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT")?;
            crate::bound_wal(self.conn)?;
            // The batch is stored; now the index. A failure here loses nothing: the
            // log keeps the batch for the next catch-up.
            self.catch_up_search()?;
        }
        self.in_batch = 0;
        Ok(())
    }

    /// Applies the change log to the search index, taking its writer (waiting for
    /// another one for a while) when this is the first batch. When another process
    /// keeps it, that one, or the next open, applies the log.
    fn catch_up_search(&mut self) -> Result<()> {
        let Ok(index) = self.store.index() else {
            return Ok(());
        };
        if !crate::search::is_behind(self.conn, index)? {
            return Ok(());
        }
        if self.index_writer.is_none() {
            self.index_writer = index.writer(crate::search::WRITER_WAIT)?;
        }
        if let Some(writer) = self.index_writer.as_mut() {
            crate::search::catch_up(self.conn, index, writer.as_mut())?;
        }
        Ok(())
    }

    /// Commits the last batch, and waits for the search index's merges.
    pub fn finish(mut self) -> Result<()> {
        self.commit()?;
        if let Some(writer) = self.index_writer.take() {
            writer.finish()?;
        }
        Ok(())
    }
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        // Everything added was validated; keeping it is what a re-run would do anyway.
        let _ = self.commit();
    }
}

/// A stored article that may be another's match.
struct Candidate {
    id: String,
    /// `YYYY-MM-DD`, so string order is date order.
    date: String,
    hash: i64,
    /// Its similarity to the article being matched.
    similarity: f64,
}

impl Candidate {
    /// The order duplicate decisions follow: date, then id.
    fn order(&self) -> (&str, &str) {
        (&self.date, &self.id)
    }

    /// How good a match this candidate is for an article whose content hash is `hash`.
    fn key(&self, hash: i64) -> MatchKey<'_> {
        MatchKey {
            exact: self.hash == hash,
            similarity: self.similarity,
            date: &self.date,
            id: &self.id,
        }
    }

    /// How good a match this candidate (the newcomer) is for `other`.
    fn key_against<'a>(&'a self, other: &Similar) -> MatchKey<'a> {
        MatchKey {
            exact: self.hash == other.candidate.hash,
            similarity: other.candidate.similarity,
            date: &self.date,
            id: &self.id,
        }
    }
}

/// A candidate at or above the threshold, with its group head as stored.
struct Similar {
    candidate: Candidate,
    dup_of: Option<String>,
}
