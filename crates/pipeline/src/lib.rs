//! The ingest use case as a library: articles read (by `dateline-ingest`) are
//! stored (cleaned, deduplicated, by `dateline-store`), then every stored article not
//! yet annotated by this pipeline with these dictionaries is annotated (by
//! `dateline-extract`) and its records stored. The CLI's `ingest`, the server's
//! `POST /api/articles`, and the coming Python package and Spark job call this, so
//! that all of them store and annotate the same way.
//!
//! # Design
//!
//! * **No printing.** What happens is handed to the caller: a [`Tally`] after each
//!   item and each rejection ([`store_articles`]), a count after each annotated
//!   batch ([`annotate_pending`]), and [`Notice`]s about the dictionaries
//!   ([`StoreDictionaries::for_store`]). Front ends print, draw progress bars, or
//!   answer HTTP requests with them.
//! * **The annotation key** ([`annotation_key`]) names what made an article's
//!   annotations: the pipeline version and the dictionaries' fingerprint. An article
//!   annotated under another key (an older dateline, other dictionaries, an
//!   interrupted run) is annotated again; one under this key never is.
//! * **The store remembers its dictionaries** ([`StoreDictionaries`]): the user's
//!   actor files are kept whole in the store, so a later run without them annotates
//!   the way the store was built, and changing them is explicit.
//! * **One article plus what was known that day** ([`annotate_pending`]): each
//!   article is annotated with the stored facts of the articles dated on or before
//!   it, earliest first; a late article's facts re-annotate exactly the later
//!   articles whose answers they change (the store finds them, `save_annotations`).
//! * **Stories after annotation** ([`update_stories`]): annotated articles join
//!   stories in (date, id) order, the clusterer continuing from the state the store
//!   keeps; a late or re-annotated article restarts the pass from the first article,
//!   which gives the stories a single pass in date order would.
//!
//! # Invariants
//!
//! * Resumable: articles are stored, and annotations saved, in transactions that
//!   each commit with their progress; what was committed before a failure stays, and
//!   the next run picks up where this one stopped.
//! * Deterministic: the same articles and dictionaries give the same stored records
//!   on any number of cores, in any ingest order and split into any number of runs.

mod dictionaries;
mod stories;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::ControlFlow;

use dateline_actors::Dictionary;
use dateline_core::knowledge::{DatedFact, Knowledge, PersonFact, Question};
use dateline_core::{Article, Extraction};
use dateline_extract::{Completed, Prepared};
use dateline_ingest::Item;
use dateline_store::{AddOutcome, Annotation, Store, StoreError};
use rayon::prelude::*;

pub use dictionaries::{ActorFiles, Notice, StoreDictionaries, describe_store};
pub use stories::{STORY_CONFIG, update_stories};

/// Errors of the pipeline.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A user's actor file could not be read.
    #[error("actor dictionary {path}: {source}")]
    ActorFile {
        path: String,
        source: std::io::Error,
    },
    /// The store's record of its dictionaries is not what this dateline wrote.
    #[error("the store's record of its actor dictionaries is unreadable: {0}")]
    Settings(#[from] serde_json::Error),
}

pub type Result<T, E = PipelineError> = std::result::Result<T, E>;

/// What storing a run's articles did.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub read: u64,
    pub new: u64,
    pub duplicate: u64,
    pub near_duplicate: u64,
    pub already_stored: u64,
    pub rejected: u64,
    /// Rejections by reason (the message without its location or values).
    pub reasons: BTreeMap<String, u64>,
    /// The first [`KEPT_ERRORS`] rejections in full, with their locations.
    pub errors: Vec<String>,
}

/// How many rejections a [`Tally`] keeps in full.
pub const KEPT_ERRORS: usize = 20;

impl Tally {
    fn reject(&mut self, full: String, reason: &str) {
        self.rejected += 1;
        *self.reasons.entry(reason_key(reason)).or_default() += 1;
        if self.errors.len() < KEPT_ERRORS {
            self.errors.push(full);
        }
    }
}

/// Stores every article `read` hands over (in one writer: deduplicated against the
/// store and each other), counting what happened to each. `on_item` sees the tally
/// after every item, with the full message of a rejection when there was one. Stops
/// at the first failed write; what was committed before it stays, so a re-run
/// resumes.
pub fn store_articles<R>(
    store: &mut Store,
    read: impl FnOnce(&mut dyn FnMut(Item) -> ControlFlow<()>) -> R,
    mut on_item: impl FnMut(&Tally, Option<&str>),
) -> Result<(Tally, R)> {
    let mut tally = Tally::default();
    let mut failure: Option<StoreError> = None;
    let mut writer = store.writer()?;
    let outcome = read(&mut |item: Item| {
        tally.read += 1;
        let rejection = match item {
            Ok(read) => match writer.add(&read.article) {
                Ok(AddOutcome::New) => {
                    tally.new += 1;
                    None
                }
                Ok(AddOutcome::Duplicate { exact, .. }) => {
                    tally.duplicate += 1;
                    tally.near_duplicate += u64::from(!exact);
                    None
                }
                Ok(AddOutcome::AlreadyStored) => {
                    tally.already_stored += 1;
                    None
                }
                Ok(AddOutcome::IdConflict) => {
                    let full = read
                        .reject(format!(
                            "id {:?} is already stored with different text; kept the stored article",
                            read.article.id
                        ))
                        .to_string();
                    tally.reject(full.clone(), "id already stored with different text");
                    Some(full)
                }
                Err(e) => {
                    // Nothing more can be stored; what was committed stays valid.
                    failure = Some(e);
                    return ControlFlow::Break(());
                }
            },
            Err(error) => {
                let full = error.to_string();
                tally.reject(full.clone(), &error.message);
                Some(full)
            }
        };
        on_item(&tally, rejection.as_deref());
        ControlFlow::Continue(())
    });
    writer.finish()?;
    match failure {
        Some(e) => Err(e.into()),
        None => Ok((tally, outcome)),
    }
}

/// The annotation key: what made an article's annotations (this pipeline's version
/// and the dictionaries).
pub fn annotation_key(dictionary: &Dictionary) -> i64 {
    dateline_core::content_hash(&format!(
        "{} {}",
        dateline_extract::PIPELINE_VERSION,
        dictionary.fingerprint()
    ))
}

/// Articles annotated per transaction: small enough that an interrupted run loses
/// little, large enough to keep every core busy between commits.
pub const ANNOTATE_BATCH: usize = 64;

/// What [`annotate_pending`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Annotated {
    /// Articles annotated (an article annotated again in a later round counts again).
    pub articles: u64,
    pub mentions: u64,
    /// Mentions linked to an actor.
    pub linked: u64,
    /// Articles dated after one that arrived late whose knowledge it changed, so
    /// they were annotated again.
    pub reannotated: u64,
    /// Articles longer than [`dateline_core::MAX_ANNOTATED_BYTES`], annotated up to
    /// it only (their whole text is stored).
    pub cut: u64,
    /// Articles placed into stories after annotation ([`update_stories`]).
    pub clustered: u64,
}

/// How many stored articles [`annotate_pending`] would annotate with `dictionary`
/// (before any re-annotation the new ones cause).
pub fn count_pending(store: &Store, dictionary: &Dictionary) -> Result<u64> {
    Ok(store.count_pending_extraction(annotation_key(dictionary))?)
}

/// Most text in one batch, in bytes: a batch of very long articles is loaded whole
/// (64 of 30 MB each would be 2 GB), so batches are cut by size as well as count.
pub const ANNOTATE_BATCH_BYTES: u64 = 64 << 20;

/// `pending` (row id, text size) cut into batches of at most [`ANNOTATE_BATCH`]
/// articles and [`ANNOTATE_BATCH_BYTES`] of text (one article at least).
fn batches(pending: &[(i64, u64)]) -> Vec<Vec<i64>> {
    let mut batches: Vec<Vec<i64>> = Vec::new();
    let mut bytes = 0;
    for &(rowid, size) in pending {
        match batches.last_mut() {
            Some(batch) if batch.len() < ANNOTATE_BATCH && bytes + size <= ANNOTATE_BATCH_BYTES => {
                batch.push(rowid);
                bytes += size;
            }
            _ => {
                batches.push(vec![rowid]);
                bytes = size;
            }
        }
    }
    batches
}

/// Rounds of re-annotation [`annotate_pending`] runs at most. Facts never depend on
/// knowledge, so the second round changes no facts and the third finds nothing to
/// do; the bound only guards against a bug turning into a loop.
const MAX_ROUNDS: usize = 8;

/// Annotates every stored article not annotated under this pipeline with
/// `dictionary` (new ones, and any an interrupted run, an older dateline or other
/// dictionaries left), earliest date first, on all cores, saving batch by batch.
/// Each article is annotated with what the articles dated on or before it said
/// (`dateline_core::knowledge`); when one arrives late, the later articles whose
/// knowledge it changes are annotated again in a following round. `on_batch` sees
/// the running totals after each saved batch.
pub fn annotate_pending(
    store: &mut Store,
    dictionary: &Dictionary,
    mut on_batch: impl FnMut(&Annotated),
) -> Result<Annotated> {
    let key = annotation_key(dictionary);
    let dictionaries = dateline_extract::Dictionaries::with_actors(dictionary);
    let mut done = Annotated::default();
    for _ in 0..MAX_ROUNDS {
        let pending = store.pending_rowids(key)?;
        if pending.is_empty() {
            break;
        }
        for rowids in batches(&pending) {
            let batch = store.articles_at(&rowids)?;
            let cleared = annotate_batch(store, key, dictionaries, batch, &mut done)?;
            done.reannotated += cleared;
            on_batch(&done);
        }
    }
    done.clustered = update_stories(store)?;
    Ok(done)
}

/// Annotates one batch in the two steps of `dateline_extract::Prepared`: each
/// article alone (its facts), then with the knowledge its date allows — the stored
/// facts, with this batch's in place of any stored for the same articles.
fn annotate_batch(
    store: &mut Store,
    key: i64,
    dictionaries: dateline_extract::Dictionaries,
    batch: Vec<(i64, Article)>,
    done: &mut Annotated,
) -> Result<u64> {
    let prepared: Vec<(i64, Prepared)> = batch
        .into_par_iter()
        .map(|(rowid, article)| (rowid, dateline_extract::prepare(article, dictionaries)))
        .collect();
    let members: HashSet<i64> = prepared.iter().map(|(rowid, _)| *rowid).collect();
    let batch_facts: Vec<DatedFact> = prepared.iter().flat_map(|(_, p)| p.dated_facts()).collect();
    let mut questions: BTreeSet<Question> = prepared
        .iter()
        .flat_map(|(_, p)| p.questions().cloned())
        .collect();
    // A surname answered by this batch leads to the person's earlier facts too.
    let people: Vec<Question> = batch_facts
        .iter()
        .filter(|f| questions.contains(&Question::Surname(f.fact.surname.clone())))
        .map(|f| Question::Person(f.fact.actor_id.clone()))
        .collect();
    questions.extend(people);
    let stored = store.facts_for(&questions, key, &members)?;
    let knowledge = Knowledge::new(stored.into_iter().chain(batch_facts));
    let completed: Vec<(i64, Vec<PersonFact>, Completed)> = prepared
        .into_par_iter()
        .map(|(rowid, p)| {
            let facts = p.facts().to_vec();
            (rowid, facts, p.complete(dictionaries, &knowledge))
        })
        .collect();
    for (_, _, c) in &completed {
        done.articles += 1;
        done.cut += u64::from(c.extraction.article.text.len() > dateline_core::MAX_ANNOTATED_BYTES);
        done.mentions += c.extraction.mentions.len() as u64;
        done.linked += c
            .extraction
            .mentions
            .iter()
            .filter(|m| m.actor_id.is_some())
            .count() as u64;
    }
    let annotations: Vec<Annotation> = completed
        .iter()
        .map(|(rowid, facts, c)| Annotation {
            rowid: *rowid,
            extraction: &c.extraction,
            facts,
            asked: &c.asked,
        })
        .collect();
    Ok(store.save_annotations(key, &annotations)?)
}

/// One article's records from the article alone, as `dateline extract` gives them
/// (a store adds what earlier articles said: [`annotate_pending`]).
pub fn annotate(article: Article, dictionary: &Dictionary) -> Extraction {
    dateline_extract::extract_with(
        article,
        dateline_extract::Dictionaries::with_actors(dictionary),
    )
}

/// Groups messages that differ only in numbers and quoted values.
fn reason_key(message: &str) -> String {
    let cut = message.find(['"', '(']).unwrap_or(message.len());
    message[..cut]
        .split_whitespace()
        .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches([':', ';', ','])
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_cut_by_count_and_by_bytes() {
        let small: Vec<(i64, u64)> = (0..130).map(|i| (i, 1_000)).collect();
        let sizes: Vec<usize> = batches(&small).iter().map(Vec::len).collect();
        assert_eq!(sizes, [64, 64, 2]);
        let big = [
            (1, 30 << 20),
            (2, 30 << 20),
            (3, 30 << 20),
            (4, 100 << 20),
            (5, 10),
        ];
        assert_eq!(batches(&big), [vec![1, 2], vec![3], vec![4], vec![5]]);
    }

    #[test]
    fn rejections_group_by_reason_whatever_their_values() {
        assert_eq!(
            reason_key("missing date: give a `date` (line 3)"),
            reason_key("missing date: give a `date` (line 9)")
        );
        assert_ne!(reason_key("missing date"), reason_key("missing text"));
    }

    #[test]
    fn articles_are_stored_once_and_annotated_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("store.db")).unwrap();
        let article = |id: &str, text: &str| -> Item {
            Ok(dateline_ingest::Read {
                article: Article::new(id, "2031-03-04".parse().unwrap(), text),
                path: "t.jsonl".into(),
                location: dateline_ingest::Location::Line(1),
            })
        };
        let items = vec![
            article(
                "a",
                "Ilena Marsk said the ferry to Calloway Sound would sail on Monday.",
            ),
            article(
                "b",
                "Ilena Marsk said the ferry to Calloway Sound would sail on Monday.",
            ),
        ];
        let (tally, ()) = store_articles(
            &mut store,
            |sink| {
                for item in items {
                    let _ = sink(item);
                }
            },
            |_, _| {},
        )
        .unwrap();
        assert_eq!((tally.read, tally.new, tally.duplicate), (2, 1, 1));
        let dictionary = dateline_actors::shipped();
        assert_eq!(count_pending(&store, dictionary).unwrap(), 2);
        let mut batches = 0;
        let done = annotate_pending(&mut store, dictionary, |_| batches += 1).unwrap();
        assert_eq!((done.articles, batches), (2, 1));
        assert!(done.mentions > 0);
        // Annotated under this key: nothing left to do.
        assert_eq!(count_pending(&store, dictionary).unwrap(), 0);
        assert_eq!(
            annotate_pending(&mut store, dictionary, |_| {}).unwrap(),
            Annotated::default()
        );
    }
}
