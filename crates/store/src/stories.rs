//! Story assignments: which story each article joined when it was clustered, the
//! merges later articles made, and the clusterer's state at the start of the last
//! day clustered, so that new articles continue the pass instead of replaying it.
//!
//! The state is kept at a day's start, not after the last article, because articles
//! of one day arrive in any order: one whose id sorts before the last article's
//! would otherwise be late and restart the pass. The invariant the tables keep: the
//! state covers exactly the articles dated before `story_state.through_day`, and
//! `story_members` holds those articles, less the ones annotated again since (their
//! rows go with their old annotations), plus the articles of later days the last
//! pass placed. So an article missing before `through_day` means the pass must start
//! again (a late arrival, or an article annotated again); otherwise the pass
//! continues from the state over every article from `through_day` on, replacing
//! what those had. An update is written in one transaction, and only when no
//! annotation changed while it read ([`Store::annotation_generation`]).

use dateline_core::{Article, Date};
use rusqlite::{OptionalExtension, params};

use crate::{ARTICLE_COLUMNS, Result, Store, article_from_row_at};

/// The clusterer's state at the start of a day.
#[derive(Debug, Clone)]
pub struct StoryCheckpoint {
    /// The clusterer's settings, as its caller names them; another name means the
    /// stored pass is not one this caller would make.
    pub config: String,
    /// The state covers the articles dated before this day.
    pub through_day: Date,
    pub state: Vec<u8>,
}

/// An article's place in the pass, as written by [`Store::save_stories`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoryAssignment {
    pub rowid: i64,
    /// The clusterer's index of the story it joined.
    pub story: u32,
    /// It started that story.
    pub founded: bool,
}

/// What one pass places: the articles from `from_day` on (from the first when
/// `None`), replacing what those had.
#[derive(Debug, Clone)]
pub struct StoriesUpdate {
    pub from_day: Option<Date>,
    pub members: Vec<StoryAssignment>,
    /// (story merged, story it went into, rowid of the article whose arrival merged
    /// them), in the order made.
    pub merges: Vec<(u32, u32, i64)>,
    pub checkpoint: StoryCheckpoint,
    /// [`Store::annotation_generation`] when the pass began reading.
    pub generation: i64,
}

/// A clustered article, as the read side needs it.
#[derive(Debug, Clone)]
pub struct StoryMember {
    pub rowid: i64,
    pub id: String,
    pub date: Date,
    pub title: Option<String>,
    /// The opening of its text, for a story it founded (a headline when the title
    /// is missing); empty otherwise.
    pub opening: String,
    pub story: u32,
    pub founded: bool,
}

/// How much of the text a founder's row carries for its headline.
const OPENING_CHARS: i64 = 300;

impl Store {
    /// Counts the batches of annotations saved since the store was made: a pass
    /// that read the annotations at one count cannot be saved at another.
    pub fn annotation_generation(&self) -> Result<i64> {
        generation(&self.conn)
    }

    /// The clusterer's stored state, if a pass was saved.
    pub fn story_checkpoint(&self) -> Result<Option<StoryCheckpoint>> {
        let row: Option<(String, String, Vec<u8>)> = self
            .conn
            .query_row(
                "SELECT config, through_day, state FROM story_state",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(config, day, state)| {
            Ok(StoryCheckpoint {
                config,
                through_day: crate::annotations::parse_date(&day)?,
                state,
            })
        })
        .transpose()
    }

    /// The date of the first article in no story.
    pub fn first_unclustered_day(&self) -> Result<Option<Date>> {
        let day: Option<String> = self
            .conn
            .query_row(
                "SELECT a.date FROM articles a
                 WHERE NOT EXISTS (SELECT 1 FROM story_members s WHERE s.article = a.rowid)
                 ORDER BY a.date LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        day.map(|d| crate::annotations::parse_date(&d)).transpose()
    }

    /// The date of the last article a pass from `from_day` places: the last before
    /// the first article still waiting for annotation.
    pub fn last_clusterable_day(&self, from_day: Option<Date>) -> Result<Option<Date>> {
        let from = day_text(from_day);
        let waiting: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT date, id FROM articles WHERE extracted IS NULL AND date >= ?1
                 ORDER BY date, id LIMIT 1",
                params![from],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (to_date, to_id) = waiting.unwrap_or_else(|| ("9999-12-31".into(), String::new()));
        let day: Option<String> = self.conn.query_row(
            "SELECT max(date) FROM articles WHERE date >= ?1 AND (date, id) < (?2, ?3)",
            params![from, to_date, to_id],
            |r| r.get(0),
        )?;
        day.map(|d| crate::annotations::parse_date(&d)).transpose()
    }

    /// Calls `each` with every article dated from `from_day` on (all when `None`) in
    /// (date, id) order, with its rowid and whether it is annotated, until `each`
    /// says stop.
    pub fn for_each_article_from(
        &self,
        from_day: Option<Date>,
        mut each: impl FnMut(i64, Article, bool) -> bool,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT rowid, extracted IS NOT NULL, {ARTICLE_COLUMNS} FROM articles
             WHERE date >= ?1 ORDER BY date, id"
        ))?;
        let mut rows = stmt.query(params![day_text(from_day)])?;
        while let Some(row) = rows.next()? {
            let article = article_from_row_at(row, 2)??;
            if !each(row.get(0)?, article, row.get(1)?) {
                break;
            }
        }
        Ok(())
    }

    /// The (actor id, code) of an article's mentions that have either, each pair
    /// once.
    pub fn actor_links(&self, rowid: i64) -> Result<Vec<(Option<String>, Option<String>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT actor, code FROM mentions
             WHERE article = ?1 AND (actor IS NOT NULL OR code IS NOT NULL)",
        )?;
        let rows = stmt.query_map(params![rowid], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Writes a pass in one transaction; `false` (nothing written) when annotations
    /// changed since it began reading — whoever changed them updates the stories
    /// after.
    pub fn save_stories(&mut self, update: &StoriesUpdate) -> Result<bool> {
        let tx = crate::write_transaction(&mut self.conn)?;
        if generation(&tx)? != update.generation {
            return Ok(false);
        }
        match update.from_day {
            None => tx.execute_batch("DELETE FROM story_members; DELETE FROM story_merges;")?,
            Some(day) => {
                let from = day.to_string();
                tx.execute(
                    "DELETE FROM story_members
                     WHERE article IN (SELECT rowid FROM articles WHERE date >= ?1)",
                    params![from],
                )?;
                tx.execute(
                    "DELETE FROM story_merges
                     WHERE article IN (SELECT rowid FROM articles WHERE date >= ?1)",
                    params![from],
                )?;
            }
        }
        {
            let mut member = tx.prepare_cached(
                "INSERT OR REPLACE INTO story_members (article, story, founded) VALUES (?1, ?2, ?3)",
            )?;
            for m in &update.members {
                member.execute(params![m.rowid, m.story, m.founded])?;
            }
            let mut merge = tx.prepare_cached(
                "INSERT OR REPLACE INTO story_merges (story, into_story, article) VALUES (?1, ?2, ?3)",
            )?;
            for (from, into, article) in &update.merges {
                merge.execute(params![from, into, article])?;
            }
        }
        let cp = &update.checkpoint;
        tx.execute(
            "INSERT OR REPLACE INTO story_state (id, config, through_day, state)
             VALUES (1, ?1, ?2, ?3)",
            params![cp.config, cp.through_day.to_string(), cp.state],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// The clustered articles dated up to `last_day` (all when `None`), in (date, id)
    /// order.
    pub fn story_members(&self, last_day: Option<Date>) -> Result<Vec<StoryMember>> {
        let to = last_day.map_or_else(|| "9999-12-31".to_string(), |d| d.to_string());
        let mut stmt = self.conn.prepare(
            "SELECT a.rowid, a.id, a.date, a.title,
                    CASE WHEN s.founded THEN substr(a.text, 1, ?2) ELSE '' END,
                    s.story, s.founded
             FROM story_members s JOIN articles a ON a.rowid = s.article
             WHERE a.date <= ?1 ORDER BY a.date, a.id",
        )?;
        let rows = stmt.query_map(params![to, OPENING_CHARS], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (rowid, id, date, title, opening, story, founded) = row?;
            out.push(StoryMember {
                rowid,
                id,
                date: crate::annotations::parse_date(&date)?,
                title,
                opening,
                story,
                founded,
            });
        }
        Ok(out)
    }

    /// The merges made by articles dated up to `last_day`, in the order made:
    /// (story merged, story it went into).
    pub fn story_merges(&self, last_day: Option<Date>) -> Result<Vec<(u32, u32)>> {
        let to = last_day.map_or_else(|| "9999-12-31".to_string(), |d| d.to_string());
        let mut stmt = self.conn.prepare(
            "SELECT g.story, g.into_story FROM story_merges g JOIN articles a ON a.rowid = g.article
             WHERE a.date <= ?1 ORDER BY a.date, a.id",
        )?;
        let rows = stmt.query_map(params![to], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The actors an article's mentions link to, each once, by id.
    pub fn linked_actors(&self, rowid: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT actor FROM mentions WHERE article = ?1 AND actor IS NOT NULL ORDER BY actor",
        )?;
        let rows = stmt.query_map(params![rowid], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn generation(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(conn
        .query_row(
            "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'annotation_generation'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

/// A day as SQLite text; `None` as a day before any article.
fn day_text(day: Option<Date>) -> String {
    day.map_or_else(String::new, |d| d.to_string())
}
