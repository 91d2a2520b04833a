//! The extraction layer in the store: which articles are annotated, their mentions,
//! and the actor registry built from them.
//!
//! The registry keeps only what does not depend on the date: an actor's id, kind,
//! the dictionary's name and roles. Aliases, codes learned from the text, counts and
//! first/last sightings are computed from the mentions of the articles inside the
//! query's [`DateWindow`], so an as-of query cannot see a name or a role that was
//! only published later.

use dateline_core::{
    ActorCode, Article, CodeOrigin, Date, Extraction, Mention, MentionLabel, ResolvedFrom, Span,
};
use rusqlite::{OptionalExtension, params};

use std::collections::{BTreeMap, HashSet};

use dateline_core::knowledge::{PersonFact, Question};

use crate::knowledge;
use crate::{
    ARTICLE_COLUMNS, Cursor, DateWindow, Page, Result, Store, StoreError, article_from_row_at,
};

/// One actor as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ActorSummary {
    pub id: String,
    pub name: String,
    pub kind: String,
    /// Dictionary roles; for an actor the dictionaries do not know, the codes its
    /// mentions carried, from the first to the day after the last article that did.
    pub codes: Vec<ActorCode>,
    pub mentions: u64,
    pub articles: u64,
    pub first_seen: Date,
    pub last_seen: Date,
}

/// One actor with every name it was seen under: the contract's `Actor` plus counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ActorDetail {
    #[serde(flatten)]
    pub summary: ActorSummary,
    /// Names the articles used (names and surnames, not pronouns or titles), most
    /// used first.
    pub aliases: Vec<String>,
    /// How many mentions used each alias, in the same order.
    pub alias_mentions: Vec<u64>,
}

/// SQL: the mentions of table alias `$m` whose words name their actor — a name, or
/// a reference that is still one ([`ResolvedFrom::is_name`]: surnames, short names):
/// what aliases and name lookups read.
macro_rules! names_its_actor {
    ($m:literal) => {
        concat!(
            "(",
            $m,
            ".resolved_from IS NULL OR ",
            $m,
            ".resolved_from IN ('surname', 'known_surname', 'short_name'))"
        )
    };
}

/// One article's annotation as [`Store::save_annotations`] stores it.
pub struct Annotation<'a> {
    pub rowid: i64,
    pub extraction: &'a Extraction,
    /// What the article alone says about the people it names.
    pub facts: &'a [PersonFact],
    /// The questions the annotation asked the knowledge, with answer hashes.
    pub asked: &'a [(Question, i64)],
}

/// Where a stored article is and what annotated it: what bringing in annotations
/// made elsewhere (`dateline load`) checks before saving one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleMark {
    pub rowid: i64,
    /// `dateline_core::content_hash` of the stored text: an annotation made from
    /// another text under the same id is not this article's.
    pub content_hash: i64,
    /// The key its annotations were made under; `None` if it has none (or a late
    /// article changed what it knew).
    pub annotated_under: Option<i64>,
}

impl Store {
    /// The [`ArticleMark`] of the stored article `id`, if there is one.
    pub fn article_mark(&self, id: &str) -> Result<Option<ArticleMark>> {
        Ok(self
            .conn
            .prepare_cached("SELECT rowid, content_hash, extracted FROM articles WHERE id = ?1")?
            .query_row(params![id], |r| {
                Ok(ArticleMark {
                    rowid: r.get(0)?,
                    content_hash: r.get(1)?,
                    annotated_under: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// How many articles have no annotations made under `key` (an annotation key
    /// names what made them: the pipeline version and the dictionaries; any other key
    /// means out of date).
    pub fn count_pending_extraction(&self, key: i64) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM articles WHERE extracted IS NULL OR extracted != ?1",
            params![key],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Up to `limit` articles with no annotations made under `key`, with their row
    /// ids, earliest date first.
    pub fn pending_extraction(&self, key: i64, limit: usize) -> Result<Vec<(i64, Article)>> {
        let rowids: Vec<i64> = self
            .pending_rowids(key)?
            .into_iter()
            .take(limit)
            .map(|(rowid, _)| rowid)
            .collect();
        self.articles_at(&rowids)
    }

    /// The row ids of the articles with no annotations made under `key`, with the
    /// size of each one's text in bytes, earliest date first (ties in storage
    /// order): the order that lets each article learn from the ones before it
    /// without being annotated twice.
    pub fn pending_rowids(&self, key: i64) -> Result<Vec<(i64, u64)>> {
        // `octet_length` reads the size from the row header, not the text.
        let mut stmt = self.conn.prepare(
            "SELECT rowid, octet_length(text) FROM articles WHERE extracted IS NULL OR extracted != ?1
             ORDER BY date, rowid",
        )?;
        let rows = stmt.query_map(params![key], |row| {
            Ok((row.get(0)?, row.get::<_, i64>(1)?.max(0) as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<(i64, u64)>>>()?)
    }

    /// The articles at these row ids, in the order given (missing ones skipped).
    pub fn articles_at(&self, rowids: &[i64]) -> Result<Vec<(i64, Article)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE rowid = ?1"
        ))?;
        let mut out = Vec::with_capacity(rowids.len());
        for &rowid in rowids {
            if let Some(article) = stmt
                .query_row(params![rowid], |row| article_from_row_at(row, 0))
                .optional()?
            {
                out.push((rowid, article?));
            }
        }
        Ok(out)
    }

    /// [`Store::save_annotations`] for annotations made from their articles alone
    /// (no facts stated, no knowledge asked).
    pub fn save_extractions(&mut self, key: i64, batch: &[(i64, Extraction)]) -> Result<()> {
        let batch: Vec<Annotation> = batch
            .iter()
            .map(|(rowid, extraction)| Annotation {
                rowid: *rowid,
                extraction,
                facts: &[],
                asked: &[],
            })
            .collect();
        self.save_annotations(key, &batch).map(|_| ())
    }

    /// Stores the annotations of a batch of articles in one transaction, replacing
    /// any older ones, and marks them made under `key`; with them, the facts each
    /// article states and the questions it asked. Later articles whose answers the
    /// new facts change lose their mark (see `knowledge.rs`); how many is returned.
    /// A crash leaves either the whole batch or none of it.
    pub fn save_annotations(&mut self, key: i64, batch: &[Annotation]) -> Result<u64> {
        let tx = crate::write_transaction(&mut self.conn)?;
        let mut changed: BTreeMap<Question, Date> = BTreeMap::new();
        {
            let mut delete = tx.prepare_cached("DELETE FROM mentions WHERE article = ?1")?;
            // Its story was chosen with its old annotations (see `stories.rs`).
            let mut unclustered =
                tx.prepare_cached("DELETE FROM story_members WHERE article = ?1")?;
            let mut delete_about = tx.prepare_cached(
                "DELETE FROM statement_about
                 WHERE statement IN (SELECT rowid FROM statements WHERE article = ?1)",
            )?;
            let mut delete_codes = tx.prepare_cached(
                "DELETE FROM statement_codes
                 WHERE statement IN (SELECT rowid FROM statements WHERE article = ?1)",
            )?;
            let mut delete_statements =
                tx.prepare_cached("DELETE FROM statements WHERE article = ?1")?;
            // After the article's mentions and statements: the codes its speakers
            // and the actors its statements are about hold in it (schema 9).
            let mut speaker_codes = tx.prepare_cached(
                "INSERT OR IGNORE INTO statement_codes (role, code, statement)
                 SELECT 'speaker', m.code, s.rowid FROM statements s
                 JOIN mentions m ON m.article = s.article AND m.actor = s.speaker_actor
                 WHERE s.article = ?1 AND m.code IS NOT NULL",
            )?;
            let mut about_codes = tx.prepare_cached(
                "INSERT OR IGNORE INTO statement_codes (role, code, statement)
                 SELECT 'about', m.code, s.rowid FROM statements s
                 JOIN statement_about b ON b.statement = s.rowid
                 JOIN mentions m ON m.article = s.article AND m.actor = b.actor
                 WHERE s.article = ?1 AND m.code IS NOT NULL",
            )?;
            let mut statement = tx.prepare_cached(
                "INSERT INTO statements (article, id, content_start, kind, speaker_name,
                    speaker_actor, via_name, via_actor, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            let mut delete_events = tx.prepare_cached("DELETE FROM events WHERE article = ?1")?;
            let mut event = tx.prepare_cached(
                "INSERT INTO events (article, id, position, code, root, source_actor, source_code,
                    target_actor, target_code, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut about = tx.prepare_cached(
                "INSERT OR IGNORE INTO statement_about (statement, actor) VALUES (?1, ?2)",
            )?;
            let mut actor = tx.prepare_cached(
                // Articles may name one actor differently; the least row wins, so the
                // registry is a function of the set of articles, not of their order.
                "INSERT INTO actors (id, name, kind, dictionary_codes) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET
                     name = excluded.name, kind = excluded.kind,
                     dictionary_codes = excluded.dictionary_codes
                 WHERE (excluded.name, excluded.kind, excluded.dictionary_codes)
                     < (actors.name, actors.kind, actors.dictionary_codes)",
            )?;
            let mut mention = tx.prepare_cached(
                "INSERT INTO mentions (article, start, end, text, label, actor, code, resolved_from)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut done =
                tx.prepare_cached("UPDATE articles SET extracted = ?2 WHERE rowid = ?1")?;
            for &Annotation {
                rowid,
                extraction,
                facts,
                asked,
            } in batch
            {
                let date = extraction.article.date;
                for question in knowledge::replace_facts(&tx, rowid, key, facts)? {
                    let since = changed.entry(question).or_insert(date);
                    *since = (*since).min(date);
                }
                knowledge::replace_asked(&tx, rowid, asked)?;
                delete.execute(params![rowid])?;
                unclustered.execute(params![rowid])?;
                delete_about.execute(params![rowid])?;
                delete_codes.execute(params![rowid])?;
                delete_statements.execute(params![rowid])?;
                delete_events.execute(params![rowid])?;
                for a in &extraction.actors {
                    let codes = serde_json::to_string(&a.dictionary_codes())
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    actor.execute(params![a.id, a.name, a.kind, codes])?;
                }
                for m in &extraction.mentions {
                    mention.execute(params![
                        rowid,
                        m.span.start as i64,
                        m.span.end as i64,
                        m.span.text,
                        m.label.as_str(),
                        m.actor_id,
                        m.code,
                        m.resolved_from.map(ResolvedFrom::as_str)
                    ])?;
                }
                for s in &extraction.statements {
                    let record =
                        serde_json::to_string(s).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    statement.execute(params![
                        rowid,
                        s.id,
                        s.content.start as i64,
                        s.kind,
                        s.speaker.name,
                        s.speaker.actor_id,
                        s.via.as_ref().map(|v| &v.name),
                        s.via.as_ref().and_then(|v| v.actor_id.as_ref()),
                        record
                    ])?;
                    let statement_row = tx.last_insert_rowid();
                    for actor in &s.about {
                        about.execute(params![statement_row, actor])?;
                    }
                }
                speaker_codes.execute(params![rowid])?;
                about_codes.execute(params![rowid])?;
                for (n, e) in extraction.events.iter().enumerate() {
                    let record =
                        serde_json::to_string(e).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    event.execute(params![
                        rowid,
                        e.id,
                        n as i64,
                        e.code,
                        e.root,
                        e.source.actor_id,
                        e.source.code,
                        e.target.as_ref().and_then(|t| t.actor_id.as_ref()),
                        e.target.as_ref().map(|t| &t.code),
                        record
                    ])?;
                }
                done.execute(params![rowid, key])?;
            }
        }
        let members: HashSet<i64> = batch.iter().map(|a| a.rowid).collect();
        let cleared = knowledge::invalidate(&tx, &changed, key, &members)?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ('annotation_generation', 1)
             ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
            [],
        )?;
        tx.commit()?;
        crate::bound_wal(&self.conn)?;
        Ok(cleared)
    }

    /// The mentions of one article, in text order. Not date-bounded: it reads one
    /// article the caller has already found inside its window.
    pub fn mentions(&self, article_id: &str) -> Result<Vec<Mention>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MENTION_COLUMNS} FROM mentions m JOIN articles a ON a.rowid = m.article
             WHERE a.id = ?1 ORDER BY m.start, m.end"
        ))?;
        let rows = stmt.query_map(params![article_id], mention_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every mention of the articles in the window, by article date and id, then in
    /// text order; `each` may stop the stream with an I/O error. Returns how many.
    pub fn for_each_mention(
        &self,
        window: &DateWindow,
        mut each: impl FnMut(Mention) -> std::io::Result<()>,
    ) -> Result<u64> {
        let (from, to) = window.bounds();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {MENTION_COLUMNS} FROM mentions m JOIN articles a ON a.rowid = m.article
             WHERE a.date >= ?1 AND a.date <= ?2 ORDER BY a.date, a.id, m.start, m.end"
        ))?;
        let mut rows = stmt.query(params![from, to])?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            each(mention_from_row(row)?)?;
            n += 1;
        }
        Ok(n)
    }

    /// Every actor mentioned in the window, by id, as [`Store::actor`] shows it (its
    /// names, codes and counts from the window's articles only).
    pub fn for_each_actor(
        &self,
        window: &DateWindow,
        mut each: impl FnMut(ActorDetail) -> std::io::Result<()>,
    ) -> Result<u64> {
        let (from, to) = window.bounds();
        // The ids first (one short string per actor), so that the per-actor reads
        // below do not run inside this statement.
        let ids: Vec<String> = self
            .conn
            .prepare(
                "SELECT DISTINCT m.actor FROM mentions m JOIN articles a ON a.rowid = m.article
                 WHERE m.actor IS NOT NULL AND a.date >= ?1 AND a.date <= ?2 ORDER BY m.actor",
            )?
            .query_map(params![from, to], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut n = 0;
        for id in ids {
            if let Some(detail) = self.actor(&id, window)? {
                each(detail)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Actors with at least one mention in the window, most mentioned first. A
    /// `query` matches a case-insensitive part of an id, name or alias, or (in
    /// capitals, 3+ letters) a CAMEO code prefix (`RUS` matches `RUSGOV`).
    pub fn actors(
        &self,
        query: Option<&str>,
        window: &DateWindow,
        limit: usize,
    ) -> Result<Vec<ActorSummary>> {
        self.actors_from(query, window, 0, limit)
    }

    /// One page of [`Store::actors`], continuing after `after`.
    pub fn actors_page(
        &self,
        query: Option<&str>,
        window: &DateWindow,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<ActorSummary>> {
        crate::page::offset_page(after, limit, |offset, n| {
            self.actors_from(query, window, offset, n)
        })
    }

    fn actors_from(
        &self,
        query: Option<&str>,
        window: &DateWindow,
        offset: u64,
        limit: usize,
    ) -> Result<Vec<ActorSummary>> {
        let (from, to) = window.bounds();
        let limits = (
            limit.min(i64::MAX as usize) as i64,
            offset.min(i64::MAX as u64) as i64,
        );
        let Some(query) = query else {
            // Every actor: sums of the day counts, a few rows per actor.
            let mut stmt = self.conn.prepare_cached(
                "SELECT actor, sum(mentions), sum(articles), min(day), max(day)
                 FROM actor_days WHERE day >= ?1 AND day <= ?2
                 GROUP BY actor ORDER BY sum(mentions) DESC, actor LIMIT ?3 OFFSET ?4",
            )?;
            return self.summaries(&mut stmt, params![from, to, limits.0, limits.1], window);
        };
        let like = format!("%{}%", escape_like(query));
        let code = (query.len() >= 3 && query.bytes().all(|b| b.is_ascii_uppercase()))
            .then(|| format!("{}%", escape_like(query)));
        // Actors whose id, name, a name an article gave them, or a code matches.
        let sql = "SELECT actor, sum(mentions), sum(articles), min(day), max(day)
            FROM actor_days WHERE day >= ?1 AND day <= ?2
              AND actor IN (
                    SELECT id FROM actors WHERE id LIKE ?3 ESCAPE '\\' OR name LIKE ?3 ESCAPE '\\'
                    UNION
                    SELECT actor FROM actor_forms WHERE day >= ?1 AND day <= ?2
                      AND ((named AND text LIKE ?3 ESCAPE '\\') OR code LIKE ?4 ESCAPE '\\'))
            GROUP BY actor ORDER BY sum(mentions) DESC, actor LIMIT ?5 OFFSET ?6";
        let mut stmt = self.conn.prepare_cached(sql)?;
        self.summaries(
            &mut stmt,
            params![from, to, like, code, limits.0, limits.1],
            window,
        )
    }

    /// Kept counts (`actor_days`, `actor_forms`) that differ from a recount of the
    /// mentions, at most ten of each, as `table: key kept recounted`; empty when
    /// every count is right. Reads every mention: for `dateline check`.
    pub fn miscounted_actor_counts(&self) -> Result<Vec<String>> {
        // Each: the kept rows, the recount, and the key columns they join on.
        let checks = [
            (
                "actor_days",
                "SELECT actor, day, mentions || '/' || articles AS n FROM actor_days",
                "SELECT m.actor, a.date AS day,
                        count(*) || '/' || count(DISTINCT m.article) AS n
                 FROM mentions m JOIN articles a ON a.rowid = m.article
                 WHERE m.actor IS NOT NULL GROUP BY m.actor, a.date",
                "actor, day",
            ),
            (
                "actor_forms",
                "SELECT actor, day, text, code, named, mentions AS n FROM actor_forms",
                concat!(
                    "SELECT m.actor, a.date AS day, m.text, coalesce(m.code, '') AS code, ",
                    names_its_actor!("m"),
                    " AS named, count(*) AS n
                     FROM mentions m JOIN articles a ON a.rowid = m.article
                     WHERE m.actor IS NOT NULL GROUP BY 1, 2, 3, 4, 5"
                ),
                "actor, day, text, code, named",
            ),
        ];
        let mut out = Vec::new();
        for (table, kept, recount, key) in checks {
            let sql = format!(
                "WITH kept AS ({kept}), recount AS ({recount})
                 SELECT k.n, r.n, json_array({key}) FROM kept k LEFT JOIN recount r USING ({key})
                 WHERE r.n IS NOT k.n
                 UNION ALL
                 SELECT NULL, r.n, json_array({key}) FROM recount r LEFT JOIN kept k USING ({key})
                 WHERE k.n IS NULL
                 LIMIT 10"
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map([], |r| {
                let n = |i: usize| -> rusqlite::Result<String> {
                    Ok(r.get::<_, Option<rusqlite::types::Value>>(i)?
                        .map_or("none".into(), |v| match v {
                            rusqlite::types::Value::Integer(n) => n.to_string(),
                            rusqlite::types::Value::Text(t) => t,
                            other => format!("{other:?}"),
                        }))
                };
                Ok(format!(
                    "{table}: {} {} {}",
                    r.get::<_, String>(2)?,
                    n(0)?,
                    n(1)?
                ))
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }

    /// The summaries of the rows `(actor, mentions, articles, first day, last day)`
    /// that `statement` gives for `params`.
    fn summaries(
        &self,
        statement: &mut rusqlite::Statement<'_>,
        params: impl rusqlite::Params,
        window: &DateWindow,
    ) -> Result<Vec<ActorSummary>> {
        let rows = statement.query_map(params, |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, mentions, articles, first, last) = row?;
            out.push(self.summary(&id, window, mentions, articles, &first, &last)?);
        }
        Ok(out)
    }

    /// The actor `id` as the window shows it; `None` if no article in it mentions it.
    pub fn actor(&self, id: &str, window: &DateWindow) -> Result<Option<ActorDetail>> {
        let (from, to) = window.bounds();
        let counts = self
            .conn
            .query_row(
                "SELECT sum(mentions), sum(articles), min(day), max(day)
                 FROM actor_days WHERE actor = ?1 AND day >= ?2 AND day <= ?3",
                params![id, from, to],
                |r| {
                    Ok((
                        r.get::<_, Option<i64>>(0)?,
                        r.get::<_, Option<i64>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((Some(mentions), Some(articles), Some(first), Some(last))) = counts else {
            return Ok(None);
        };
        let summary = self.summary(id, window, mentions, articles, &first, &last)?;
        let (aliases, alias_mentions) = self.aliases(id, window)?.into_iter().unzip();
        Ok(Some(ActorDetail {
            summary,
            aliases,
            alias_mentions,
        }))
    }

    /// Actors a typed name may mean, in the window, most mentioned first: those whose
    /// id has `key` (a name key, `dateline_core::key::name_key`) as one of its words
    /// or word runs ("zelensky" in `volodymyr-zelensky`, "bin-salman" in
    /// `mohammed-bin-salman`). At most `limit`. (An alias typed in full is
    /// [`Store::resolve_actor`]'s.)
    pub fn actor_candidates(
        &self,
        key: &str,
        window: &DateWindow,
        limit: usize,
    ) -> Result<Vec<ActorSummary>> {
        let (from, to) = window.bounds();
        let mut statement = self.conn.prepare_cached(
            "WITH wanted AS (
                 SELECT id FROM actors
                 WHERE ?1 <> '' AND (id = ?1 OR id LIKE '%-' || ?2 ESCAPE '\\'
                    OR id LIKE ?2 || '-%' ESCAPE '\\' OR id LIKE '%-' || ?2 || '-%' ESCAPE '\\')
             )
             SELECT m.actor, count(*), count(DISTINCT m.article), min(a.date), max(a.date)
             FROM mentions m JOIN articles a ON a.rowid = m.article
             WHERE m.actor IN (SELECT id FROM wanted) AND a.date >= ?3 AND a.date <= ?4
             GROUP BY m.actor ORDER BY count(*) DESC, m.actor LIMIT ?5",
        )?;
        self.summaries(
            &mut statement,
            params![key, escape_like(key), from, to, limit as i64],
            window,
        )
    }

    /// The actor a name refers to in the window: an id, or else the actor that name
    /// (an alias, any case) was most often used for.
    pub fn resolve_actor(&self, name: &str, window: &DateWindow) -> Result<Option<String>> {
        let (from, to) = window.bounds();
        let by_id: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT actor FROM actor_days WHERE actor = ?1 AND day >= ?2 AND day <= ?3 LIMIT 1",
            )?
            .query_row(params![name, from, to], |r| r.get(0))
            .optional()?;
        if by_id.is_some() {
            return Ok(by_id);
        }
        Ok(self
            .conn
            .prepare_cached(concat!(
                "SELECT m.actor FROM mentions m JOIN articles a ON a.rowid = m.article
                 WHERE m.text = ?1 COLLATE NOCASE AND m.actor IS NOT NULL AND ",
                names_its_actor!("m"),
                " AND a.date >= ?2 AND a.date <= ?3
                 GROUP BY m.actor ORDER BY count(*) DESC, m.actor LIMIT 1"
            ))?
            .query_row(params![name, from, to], |r| r.get(0))
            .optional()?)
    }

    fn summary(
        &self,
        id: &str,
        window: &DateWindow,
        mentions: i64,
        articles: i64,
        first: &str,
        last: &str,
    ) -> Result<ActorSummary> {
        let (name, kind, dictionary): (String, String, String) = self
            .conn
            .prepare_cached("SELECT name, kind, dictionary_codes FROM actors WHERE id = ?1")?
            .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let mut codes: Vec<ActorCode> = serde_json::from_str(&dictionary)
            .map_err(|e| StoreError::Corrupt(format!("actor {id} codes: {e}")))?;
        let learned = codes.is_empty();
        if learned {
            codes = self.learned_codes(id, window)?;
        }
        // A name the dictionary gave is knowledge, not news; a name an article gave
        // is shown only if the window has an article that used it.
        let aliases = if learned {
            self.aliases(id, window)?
        } else {
            Vec::new()
        };
        let name = match aliases.iter().find(|(alias, _)| *alias == name) {
            Some(_) => name,
            None if learned => aliases
                .iter()
                .max_by_key(|(alias, n)| (alias.split_whitespace().count().min(2), *n))
                .map(|(alias, _)| alias.clone())
                .unwrap_or(name),
            None => name,
        };
        Ok(ActorSummary {
            id: id.to_string(),
            name,
            kind,
            codes,
            mentions: mentions as u64,
            articles: articles as u64,
            first_seen: parse_date(first)?,
            last_seen: parse_date(last)?,
        })
    }

    fn aliases(&self, id: &str, window: &DateWindow) -> Result<Vec<(String, u64)>> {
        let (from, to) = window.bounds();
        let mut stmt = self.conn.prepare_cached(
            "SELECT text, sum(mentions) FROM actor_forms
             WHERE actor = ?1 AND named AND day >= ?2 AND day <= ?3
             GROUP BY text ORDER BY sum(mentions) DESC, text",
        )?;
        let rows = stmt.query_map(params![id, from, to], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Codes the text gave the actor, each from the first article that did to the
    /// day after the last one.
    fn learned_codes(&self, id: &str, window: &DateWindow) -> Result<Vec<ActorCode>> {
        let (from, to) = window.bounds();
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, min(day), max(day) FROM actor_forms
             WHERE actor = ?1 AND code <> '' AND day >= ?2 AND day <= ?3
             GROUP BY code ORDER BY min(day), code",
        )?;
        let rows = stmt.query_map(params![id, from, to], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (code, first, last) = row?;
            out.push(ActorCode {
                code,
                from: Some(parse_date(&first)?),
                to: parse_date(&last)?.tomorrow().ok(),
                origin: CodeOrigin::Text,
            });
        }
        Ok(out)
    }
}

pub(crate) fn parse_date(text: &str) -> Result<Date> {
    text.parse()
        .map_err(|e| StoreError::Corrupt(format!("date {text:?}: {e}")))
}

/// The SQL condition "`column` holds a code starting with `prefix`", as a half-open
/// range `column >= low AND column < high` with both ends bound through `bind`.
/// Rather than `LIKE 'prefix%'`: a range can use an index on the codes, and a LIKE
/// whose pattern is a bound parameter made SQLite prepare the statement again
/// whenever the pattern changed. Codes are ASCII capitals, so case does not matter.
pub(crate) fn code_prefix_condition(
    column: &str,
    prefix: &str,
    bind: &mut impl FnMut(String) -> usize,
) -> String {
    let low = bind(prefix.to_string());
    let high = bind(format!("{prefix}\u{10FFFF}"));
    format!("{column} >= ?{low} AND {column} < ?{high}")
}

/// `%`, `_` and the escape itself taken literally in a LIKE pattern.
pub(crate) fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The columns [`mention_from_row`] reads, over `mentions m JOIN articles a`.
const MENTION_COLUMNS: &str =
    "a.id, m.start, m.end, m.text, m.label, m.actor, m.code, m.resolved_from";

fn mention_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Mention> {
    Ok(Mention {
        article_id: r.get(0)?,
        span: Span {
            start: r.get::<_, i64>(1)? as usize,
            end: r.get::<_, i64>(2)? as usize,
            text: r.get(3)?,
        },
        label: {
            let text: String = r.get(4)?;
            MentionLabel::parse(&text).ok_or_else(|| unknown_value(4, "label", &text))?
        },
        actor_id: r.get(5)?,
        code: r.get(6)?,
        resolved_from: match r.get::<_, Option<String>>(7)? {
            None => None,
            Some(text) => Some(
                ResolvedFrom::parse(&text)
                    .ok_or_else(|| unknown_value(7, "resolved_from", &text))?,
            ),
        },
    })
}

/// A stored value no variant of its enum names: a store written by another dateline.
fn unknown_value(column: usize, what: &str, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unknown {what} {text:?}").into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_day_counts_follow_mentions_inserted_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let conn = &store.conn;
        conn.execute_batch(
            "INSERT INTO articles (rowid, id, date, text, content_hash, minhash, lang)
                 VALUES (1, 'a', '2031-03-01', 'x', 1, x'', 'en'),
                        (2, 'b', '2031-03-01', 'y', 2, x'', 'en'),
                        (3, 'c', '2031-03-02', 'z', 3, x'', 'en');
             INSERT INTO actors (id, name, kind, dictionary_codes)
                 VALUES ('p1', 'P One', 'person', '[]'), ('p2', 'P Two', 'person', '[]');
             INSERT INTO mentions (article, start, end, text, label, actor)
                 VALUES (1, 0, 1, 'X', 'PER', 'p1'), (1, 2, 3, 'X', 'PER', 'p1'),
                        (1, 4, 5, 'Y', 'PER', 'p2'), (2, 0, 1, 'X', 'PER', 'p1'),
                        (3, 0, 1, 'X', 'PER', 'p1'), (3, 2, 3, 'Q', 'ORG', NULL);",
        )
        .unwrap();
        let days = || -> Vec<(String, String, i64, i64)> {
            let mut stmt = conn
                .prepare("SELECT * FROM actor_days ORDER BY actor, day")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        let row = |a: &str, d: &str, m, n| (a.to_string(), d.to_string(), m, n);
        assert_eq!(
            days(),
            [
                row("p1", "2031-03-01", 3, 2),
                row("p1", "2031-03-02", 1, 1),
                row("p2", "2031-03-01", 1, 1)
            ]
        );
        assert!(store.miscounted_actor_counts().unwrap().is_empty());
        // Re-annotating an article deletes its mentions in one statement.
        conn.execute("DELETE FROM mentions WHERE article = 1", [])
            .unwrap();
        assert_eq!(
            days(),
            [row("p1", "2031-03-01", 1, 1), row("p1", "2031-03-02", 1, 1)]
        );
        assert!(store.miscounted_actor_counts().unwrap().is_empty());
        let forms: Vec<(String, String, String, i64, i64)> = conn
            .prepare("SELECT actor, day, text, named, mentions FROM actor_forms ORDER BY 1, 2")
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let form = |a: &str, d: &str| (a.to_string(), d.to_string(), "X".to_string(), 1, 1);
        assert_eq!(forms, [form("p1", "2031-03-01"), form("p1", "2031-03-02")]);
        conn.execute(
            "UPDATE actor_days SET articles = 5 WHERE day = '2031-03-02'",
            [],
        )
        .unwrap();
        assert_eq!(
            store.miscounted_actor_counts().unwrap(),
            [r#"actor_days: ["p1","2031-03-02"] 1/5 1/1"#]
        );
        assert!(
            conn.execute("UPDATE mentions SET actor = 'p2'", [])
                .is_err()
        );
    }

    #[test]
    fn the_sql_of_names_lists_exactly_the_references_that_are_names() {
        // The macro, and the triggers of schema 9 that keep `actor_forms.named`.
        let forms = crate::schema::MIGRATIONS[8];
        for sql in [names_its_actor!("m"), forms] {
            for r in ResolvedFrom::ALL {
                let listed = sql.contains(&format!("'{}'", r.as_str()));
                assert_eq!(listed, r.is_name(), "{r:?}");
            }
        }
    }
}
