//! Knowledge as of an article's date, in the store: the facts each article alone
//! states about the people it names (`person_facts`), the questions each annotation
//! asked of the knowledge with a hash of the answer (`knowledge_asked`), and the
//! re-annotation a late article causes.
//!
//! When an article's facts change (it is new, or was annotated under another key),
//! every question those facts bear on may have a new answer for the articles dated
//! on or after it. Each such article that asked the question is re-checked: if the
//! answer it got differs from the answer now, its annotation mark is cleared and the
//! next `annotate_pending` round annotates it again. Facts never depend on knowledge,
//! so re-annotating an article leaves its facts unchanged and the rounds end.
//! Annotations made elsewhere (a distributed run's, `dateline load`) are checked the
//! same way once all their facts are stored ([`Store::recheck_answers`]).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use dateline_core::Date;
use dateline_core::knowledge::{DatedFact, Gender, Knowledge, PersonFact, Question};
use rusqlite::{ToSql, Transaction, params};

use crate::annotations::parse_date;
use crate::{Result, Store, StoreError};

const FACT_COLUMNS: &str =
    "f.rowid, f.article, a.date, f.actor, f.surname, f.name, f.code, f.gender, f.titles";

/// What [`Store::recheck_answers`] found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rechecked {
    /// Articles every recorded answer of which is the answer now: marked annotated.
    pub holding: u64,
    /// Articles with an answer that changed: unmarked, to be annotated again.
    pub stale: u64,
}

impl Store {
    /// Checks annotations made elsewhere against the facts now stored. A
    /// distributed run (`dateline load`) annotates each article with the knowledge
    /// of the run's own articles; saving those annotations batch by batch then
    /// clears marks as if later batches' facts did not exist, and keeps marks that
    /// facts stored before (a store's other articles) contradict. So, once all are
    /// saved, each article of `rowids` — annotations the caller saved under `key` —
    /// is marked annotated under `key` if every answer it recorded is the answer the
    /// stored facts give, and unmarked otherwise, for the next `annotate_pending`.
    /// An article since marked with another key is left alone.
    pub fn recheck_answers(&mut self, key: i64, rowids: &[i64]) -> Result<Rechecked> {
        let mut found = Rechecked::default();
        for chunk in rowids.chunks(400) {
            let tx = crate::write_transaction(&mut self.conn)?;
            let placeholders = vec!["?"; chunk.len()].join(", ");
            let rows: Vec<(i64, String, Option<String>, Option<i64>)> = tx
                .prepare(&format!(
                    "SELECT a.rowid, a.date, k.question, k.answer
                     FROM articles a LEFT JOIN knowledge_asked k ON k.article = a.rowid
                     WHERE a.rowid IN ({placeholders}) AND (a.extracted IS NULL OR a.extracted = ?)"
                ))?
                .query_map(
                    rusqlite::params_from_iter(
                        chunk
                            .iter()
                            .map(|r| r as &dyn ToSql)
                            .chain(std::iter::once(&key as &dyn ToSql)),
                    ),
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?
                .collect::<rusqlite::Result<_>>()?;
            let mut knowledge: BTreeMap<Question, Knowledge> = BTreeMap::new();
            let mut holds: BTreeMap<i64, bool> = BTreeMap::new();
            for (article, date, question, answer) in rows {
                let holding = holds.entry(article).or_insert(true);
                let (Some(question), Some(answer)) = (question, answer) else {
                    continue;
                };
                let question = Question::from_key(&question)
                    .ok_or_else(|| StoreError::Corrupt(format!("question {question:?}")))?;
                if !knowledge.contains_key(&question) {
                    let known = knowledge_of(&tx, &question, key)?;
                    knowledge.insert(question.clone(), known);
                }
                *holding &=
                    knowledge[&question].answer_hash(&question, parse_date(&date)?) == answer;
            }
            {
                let mut mark =
                    tx.prepare_cached("UPDATE articles SET extracted = ?2 WHERE rowid = ?1")?;
                for (article, holding) in holds {
                    mark.execute(params![article, holding.then_some(key)])?;
                    if holding {
                        found.holding += 1;
                    } else {
                        found.stale += 1;
                    }
                }
            }
            tx.commit()?;
        }
        Ok(found)
    }

    /// The facts made under `key` that bear on `questions`, with every fact about
    /// the people those facts name (so a surname's answer leads to the person's
    /// code), leaving out the facts of the articles in `except` (a batch about to
    /// replace them): what a batch of annotations needs to know.
    pub fn facts_for<'q>(
        &self,
        questions: impl IntoIterator<Item = &'q Question>,
        key: i64,
        except: &HashSet<i64>,
    ) -> Result<Vec<DatedFact>> {
        let (mut people, mut surnames) = (BTreeSet::new(), BTreeSet::new());
        for q in questions {
            match q {
                Question::Person(id) => people.insert(id.as_str()),
                Question::Surname(s) => surnames.insert(s.as_str()),
            };
        }
        let mut found: BTreeMap<i64, (i64, DatedFact)> = BTreeMap::new();
        let surnames = surnames.iter().map(|s| s as &dyn ToSql);
        facts_where_in(&self.conn, "f.surname", surnames, key, &mut found)?;
        let named: BTreeSet<&str> = found
            .values()
            .map(|(_, f)| f.fact.actor_id.as_str())
            .collect();
        let people: BTreeSet<String> = people
            .into_iter()
            .chain(named)
            .map(str::to_string)
            .collect();
        facts_where_in(
            &self.conn,
            "f.actor",
            people.iter().map(|p| p as &dyn ToSql),
            key,
            &mut found,
        )?;
        Ok(found
            .into_values()
            .filter(|(article, _)| !except.contains(article))
            .map(|(_, fact)| fact)
            .collect())
    }
}

/// Facts made under `key` whose `column` is one of `values`, into `found` by row;
/// a few hundred values a query.
fn facts_where_in<'v>(
    conn: &rusqlite::Connection,
    column: &str,
    values: impl IntoIterator<Item = &'v dyn ToSql>,
    key: i64,
    found: &mut BTreeMap<i64, (i64, DatedFact)>,
) -> Result<()> {
    let values: Vec<&dyn ToSql> = values.into_iter().collect();
    for chunk in values.chunks(400) {
        let placeholders = vec!["?"; chunk.len()].join(", ");
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {FACT_COLUMNS} FROM person_facts f JOIN articles a ON a.rowid = f.article
             WHERE {column} IN ({placeholders}) AND f.made_by = ?"
        ))?;
        let params = chunk
            .iter()
            .copied()
            .chain(std::iter::once(&key as &dyn ToSql));
        let rows = stmt.query_map(rusqlite::params_from_iter(params), fact_from_row)?;
        collect_facts(rows, found)?;
    }
    Ok(())
}

type FactRow = (i64, i64, String, PersonFact, String);

fn fact_from_row(r: &rusqlite::Row) -> rusqlite::Result<FactRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        PersonFact {
            actor_id: r.get(3)?,
            surname: r.get(4)?,
            name: r.get(5)?,
            code: r.get(6)?,
            gender: r
                .get::<_, Option<String>>(7)?
                .as_deref()
                .and_then(Gender::parse),
            titles: Vec::new(),
        },
        r.get(8)?,
    ))
}

fn collect_facts(
    rows: impl Iterator<Item = rusqlite::Result<FactRow>>,
    found: &mut BTreeMap<i64, (i64, DatedFact)>,
) -> Result<()> {
    for row in rows {
        let (rowid, article, date, mut fact, titles) = row?;
        fact.titles =
            serde_json::from_str(&titles).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let date = parse_date(&date)?;
        found.insert(rowid, (article, DatedFact { date, fact }));
    }
    Ok(())
}

/// Replaces the facts of one article with `facts` made under `key`; returns the
/// questions whose answers may have changed (those of the facts added or removed
/// among the ones known under `key`).
pub(crate) fn replace_facts(
    tx: &Transaction,
    article: i64,
    key: i64,
    facts: &[PersonFact],
) -> Result<BTreeSet<Question>> {
    let old: BTreeSet<PersonFact> = {
        let mut found = BTreeMap::new();
        facts_where_in(tx, "f.article", [&article as &dyn ToSql], key, &mut found)?;
        found.into_values().map(|(_, f)| f.fact).collect()
    };
    let new: BTreeSet<PersonFact> = facts.iter().cloned().collect();
    let changed = old
        .symmetric_difference(&new)
        .flat_map(Question::about)
        .collect();
    tx.prepare_cached("DELETE FROM person_facts WHERE article = ?1")?
        .execute(params![article])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO person_facts (article, actor, surname, name, code, gender, titles, made_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for f in &new {
        let titles =
            serde_json::to_string(&f.titles).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        insert.execute(params![
            article,
            f.actor_id,
            f.surname,
            f.name,
            f.code,
            f.gender.map(Gender::as_str),
            titles,
            key
        ])?;
    }
    Ok(changed)
}

/// Replaces the questions one article asked, with the hashes of their answers.
pub(crate) fn replace_asked(
    tx: &Transaction,
    article: i64,
    asked: &[(Question, i64)],
) -> Result<()> {
    tx.prepare_cached("DELETE FROM knowledge_asked WHERE article = ?1")?
        .execute(params![article])?;
    let mut insert = tx.prepare_cached(
        "INSERT OR REPLACE INTO knowledge_asked (question, article, answer) VALUES (?1, ?2, ?3)",
    )?;
    for (question, answer) in asked {
        insert.execute(params![question.key(), article, answer])?;
    }
    Ok(())
}

/// Clears the annotation mark of every article annotated under `key`, dated on or
/// after a changed question's date and outside `batch`, whose recorded answer to
/// that question is no longer the answer. Returns how many were cleared.
pub(crate) fn invalidate(
    tx: &Transaction,
    changed: &BTreeMap<Question, Date>,
    key: i64,
    batch: &HashSet<i64>,
) -> Result<u64> {
    let mut cleared = 0;
    for (question, since) in changed {
        let knowledge = knowledge_of(tx, question, key)?;
        let mut readers = tx.prepare_cached(
            "SELECT k.article, a.date, k.answer FROM knowledge_asked k
             JOIN articles a ON a.rowid = k.article
             WHERE k.question = ?1 AND a.date >= ?2 AND a.extracted = ?3",
        )?;
        let stale: Vec<i64> = readers
            .query_map(params![question.key(), since.to_string(), key], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|(article, _, _)| !batch.contains(article))
            .map(|(article, date, answer)| {
                Ok((
                    article,
                    knowledge.answer_hash(question, parse_date(&date)?) != answer,
                ))
            })
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter_map(|(article, stale)| stale.then_some(article))
            .collect();
        let mut clear =
            tx.prepare_cached("UPDATE articles SET extracted = NULL WHERE rowid = ?1")?;
        for article in stale {
            cleared += clear.execute(params![article])? as u64;
        }
    }
    Ok(cleared)
}

/// The knowledge the answer to `question` depends on: the facts made under `key`
/// about that person, or bearing that surname.
fn knowledge_of(conn: &rusqlite::Connection, question: &Question, key: i64) -> Result<Knowledge> {
    let mut found = BTreeMap::new();
    match question {
        Question::Person(id) => {
            facts_where_in(conn, "f.actor", [id as &dyn ToSql], key, &mut found)?
        }
        Question::Surname(s) => {
            facts_where_in(conn, "f.surname", [s as &dyn ToSql], key, &mut found)?
        }
    }
    Ok(Knowledge::new(found.into_values().map(|(_, f)| f)))
}
