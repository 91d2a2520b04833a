//! Python bindings for dateline: `dateline.extract(records)` and `dateline.Store`.
//!
//! # Design
//!
//! * **The same libraries as the CLI.** Records are read by `dateline-ingest`'s JSON
//!   Lines reader (same cleaning, validation and messages), extracted by
//!   `dateline-extract`, stored and annotated by `dateline-pipeline`, and read back
//!   through `dateline-query` and `dateline-store`; nothing here decides anything the
//!   CLI would decide differently.
//! * **Two shapes out.** Records cross into Python as the dicts `json.loads` makes
//!   of their serde JSON (a dict has exactly the shape of a line of `dateline
//!   extract` or of the HTTP API), or as pyarrow Tables with the columns of
//!   `dateline export --format parquet` (`dateline-tables`): written as Parquet in
//!   memory and read by pyarrow, so the schema is the export's by construction.
//! * **The GIL is released** while articles are extracted (on all cores, with rayon)
//!   and while a store is annotated.
//! * **Errors are `dateline.DatelineError`** with the CLI's message (a rejected
//!   record names its position: `<records>:3: missing date …`); a malformed argument
//!   (a date that is not `YYYY-MM-DD`) is a `ValueError`.

use std::io::Cursor;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use dateline_actors::Dictionary;
use dateline_core::knowledge::{DatedFact, Knowledge};
use dateline_core::{Article, Date};
use dateline_extract::Dictionaries;
use dateline_ingest::{Format, Item, ReadOptions};
use dateline_store::{DateWindow, EventQuery, SearchQuery, StatementQuery};
use dateline_tables::{Column, ParquetTable};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use rayon::prelude::*;
use serde::Serialize;

create_exception!(
    dateline,
    DatelineError,
    PyException,
    "A record, a store or a query dateline could not handle; the message says why."
);

fn error(e: impl std::fmt::Display) -> PyErr {
    DatelineError::new_err(e.to_string())
}

/// `value` as the Python object `json.loads` makes of its JSON.
fn to_python(py: Python<'_>, value: &impl Serialize) -> PyResult<Py<PyAny>> {
    let text = serde_json::to_string(value).map_err(error)?;
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

/// `records` as a pyarrow Table with `columns`.
fn to_table<R>(py: Python<'_>, columns: &[Column<R>], records: &[R]) -> PyResult<Py<PyAny>> {
    let mut bytes = Vec::new();
    let mut writer =
        ParquetTable::new(columns, &mut bytes, dateline_tables::BATCH_ROWS).map_err(error)?;
    for record in records {
        writer.push(record).map_err(error)?;
    }
    writer.finish().map_err(error)?;
    let pyarrow = py.import("pyarrow")?;
    let reader = pyarrow.call_method1("BufferReader", (PyBytes::new(py, &bytes),))?;
    Ok(py
        .import("pyarrow.parquet")?
        .call_method1("read_table", (reader,))?
        .unbind())
}

/// The articles of `records` (dicts with the JSON Lines fields: `text` and `date`
/// required; `id`, `title`, `url`, `source`, `lang`), read as `dateline extract`
/// reads a JSON Lines file. Any rejected record fails the call, naming each.
fn read_records(records: &Bound<'_, PyAny>) -> PyResult<Vec<Article>> {
    let py = records.py();
    let json = py.import("json")?;
    let builtins = py.import("builtins")?;
    let kwargs = PyDict::new(py);
    // Dates and other values JSON has no type for are written as their str().
    kwargs.set_item("default", builtins.getattr("str")?)?;
    let mut lines = String::new();
    for record in records.try_iter()? {
        let line: String = json
            .call_method("dumps", (record?,), Some(&kwargs))?
            .extract()?;
        lines.push_str(&line);
        lines.push('\n');
    }
    let opts = ReadOptions {
        format: Some(Format::Jsonl),
        ..ReadOptions::default()
    };
    let (mut articles, mut rejected) = (Vec::new(), Vec::new());
    // The sink never stops the reader, so the flow it returns says nothing.
    let _ = dateline_ingest::read_reader(
        Path::new("<records>"),
        Box::new(Cursor::new(lines.into_bytes())),
        &opts,
        &mut |item: Item| {
            match item {
                Ok(article) => articles.push(article),
                Err(e) => rejected.push(e.to_string()),
            }
            ControlFlow::Continue(())
        },
    );
    if !rejected.is_empty() {
        return Err(error(format!(
            "{} record(s) rejected: {}",
            rejected.len(),
            rejected.join("; ")
        )));
    }
    Ok(articles)
}

/// The shipped actor dictionary plus the user's Phoenix-format files.
/// A malformed line is skipped with a Python warning, as the CLI prints one.
fn dictionary(py: Python<'_>, actors: &[PathBuf]) -> PyResult<Dictionary> {
    let mut dictionary = dateline_actors::shipped().clone();
    for path in actors {
        let (with, problems) = dictionary
            .with_user_file(path)
            .map_err(|e| error(format!("actor dictionary {}: {e}", path.display())))?;
        let warnings = py.import("warnings")?;
        for problem in problems {
            warnings.call_method1(
                "warn",
                (format!("actor dictionary {}: {problem}", path.display()),),
            )?;
        }
        dictionary = with;
    }
    Ok(dictionary)
}

/// Extracts `records` (an iterable of dicts) and returns one dict per record, shaped
/// like a line of `dateline extract`: `article`, `mentions`, `actors`,
/// `statements`, `events`. With `knowledge=True`, each article is annotated with
/// what the records dated on or before it said about the people it names, as a
/// store holding them all would; with `facts` (what [`facts`] returned for any
/// records, e.g. a whole corpus gathered from a cluster's partitions), with what
/// those said. `actors`: paths of Phoenix-format actor files added to the shipped
/// dictionary.
#[pyfunction]
#[pyo3(signature = (records, knowledge = false, actors = Vec::new(), facts = None))]
fn extract(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    knowledge: bool,
    actors: Vec<PathBuf>,
    facts: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let extractions = extract_records(py, records, Known::from_args(knowledge, facts)?, &actors)?;
    let out = PyList::empty(py);
    for extraction in &extractions {
        out.append(to_python(py, extraction)?)?;
    }
    Ok(out.into_any().unbind())
}

/// [`extract`] as pyarrow Tables with the columns of `dateline export --format
/// parquet`: a dict of `articles`, `mentions`, `statements` and `events`.
#[pyfunction]
#[pyo3(signature = (records, knowledge = false, actors = Vec::new(), facts = None))]
fn extract_tables(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    knowledge: bool,
    actors: Vec<PathBuf>,
    facts: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let extractions = extract_records(py, records, Known::from_args(knowledge, facts)?, &actors)?;
    let articles: Vec<Article> = extractions.iter().map(|e| e.article.clone()).collect();
    let mentions: Vec<_> = extractions
        .iter()
        .flat_map(|e| e.mentions.clone())
        .collect();
    let statements: Vec<_> = extractions
        .iter()
        .flat_map(|e| e.statements.clone())
        .collect();
    let events: Vec<_> = extractions.iter().flat_map(|e| e.events.clone()).collect();
    let out = PyDict::new(py);
    out.set_item(
        "articles",
        to_table(py, &dateline_tables::ARTICLE_COLUMNS, &articles)?,
    )?;
    out.set_item(
        "mentions",
        to_table(py, &dateline_tables::MENTION_COLUMNS, &mentions)?,
    )?;
    out.set_item(
        "statements",
        to_table(py, &dateline_tables::STATEMENT_COLUMNS, &statements)?,
    )?;
    out.set_item(
        "events",
        to_table(py, &dateline_tables::EVENT_COLUMNS, &events)?,
    )?;
    Ok(out.into_any().unbind())
}

/// What an extraction may know beyond each article.
enum Known {
    Nothing,
    /// What the records themselves say, each as of its date.
    TheRecords,
    /// What these facts say.
    Facts(Knowledge),
}

impl Known {
    fn from_args(knowledge: bool, facts: Option<&Bound<'_, PyAny>>) -> PyResult<Known> {
        match (knowledge, facts.filter(|f| !f.is_none())) {
            (false, None) => Ok(Known::Nothing),
            (true, None) => Ok(Known::TheRecords),
            (false, Some(facts)) => {
                let text: String = facts
                    .py()
                    .import("json")?
                    .call_method1("dumps", (facts,))?
                    .extract()?;
                let facts: Vec<DatedFact> = serde_json::from_str(&text)
                    .map_err(|e| PyValueError::new_err(format!("facts: {e}")))?;
                Ok(Known::Facts(Knowledge::new(facts)))
            }
            (true, Some(_)) => Err(PyValueError::new_err(
                "give knowledge=True (what the records say) or facts, not both",
            )),
        }
    }
}

/// The extractions of `records`, computed without the GIL.
fn extract_records(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    known: Known,
    actors: &[PathBuf],
) -> PyResult<Vec<dateline_core::Extraction>> {
    let articles = read_records(records)?;
    let dictionary = dictionary(py, actors)?;
    Ok(py.detach(|| {
        let dictionaries = Dictionaries::with_actors(&dictionary);
        match &known {
            Known::Nothing => articles
                .into_par_iter()
                .map(|a| dateline_extract::extract_with(a, dictionaries))
                .collect(),
            Known::TheRecords => dateline_extract::extract_corpus(articles, dictionaries),
            Known::Facts(knowledge) => articles
                .into_par_iter()
                .map(|a| {
                    dateline_extract::prepare(a, dictionaries)
                        .complete(dictionaries, knowledge)
                        .extraction
                })
                .collect(),
        }
    }))
}

/// What each of `records` alone says about the people it names (one dict per fact:
/// `date`, `actor_id`, `name`, `surname`, `code`, `gender`, `titles`): the first
/// stage of a distributed run. Gather the facts of every partition and pass them to
/// `extract(records, facts=…)`; the records then equal a store's that held them all.
#[pyfunction]
#[pyo3(signature = (records, actors = Vec::new()))]
fn facts(py: Python<'_>, records: &Bound<'_, PyAny>, actors: Vec<PathBuf>) -> PyResult<Py<PyAny>> {
    let articles = read_records(records)?;
    let dictionary = dictionary(py, &actors)?;
    let facts: Vec<DatedFact> = py.detach(|| {
        let dictionaries = Dictionaries::with_actors(&dictionary);
        articles
            .into_par_iter()
            .flat_map_iter(|a| {
                dateline_extract::prepare(a, dictionaries)
                    .dated_facts()
                    .collect::<Vec<_>>()
            })
            .collect()
    });
    to_python(py, &facts)
}

/// A `YYYY-MM-DD` argument (a `datetime.date` works too: its str() is that).
fn date_arg(name: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Date>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let text = value.str()?.to_string();
    text.parse()
        .map(Some)
        .map_err(|_| PyValueError::new_err(format!("{name}: expected YYYY-MM-DD, got {text:?}")))
}

fn window(
    as_of: Option<&Bound<'_, PyAny>>,
    from_: Option<&Bound<'_, PyAny>>,
    to: Option<&Bound<'_, PyAny>>,
) -> PyResult<DateWindow> {
    Ok(DateWindow {
        from: date_arg("from_", from_)?,
        to: date_arg("to", to)?,
        as_of: date_arg("as_of", as_of)?,
    })
}

/// A dateline store (one SQLite file), created if missing: `ingest` records into
/// it, then ask it what the CLI's read commands answer, each bounded by a date
/// window (`as_of`, `from_`, `to`: `YYYY-MM-DD` strings or `datetime.date`s).
#[pyclass(unsendable)]
struct Store {
    store: dateline_store::Store,
}

impl Store {
    /// An actor argument as the CLI reads it (a name, surname, id or code prefix).
    fn actor_filter(
        &self,
        name: Option<String>,
        window: &DateWindow,
    ) -> PyResult<Option<dateline_store::ActorFilter>> {
        name.map(|n| dateline_query::actor_filter(&self.store, &n, window))
            .transpose()
            .map_err(error)
    }
}

#[pymethods]
impl Store {
    #[new]
    fn new(path: PathBuf) -> PyResult<Self> {
        let store = dateline_store::Store::open(&path)
            .map_err(|e| error(format!("cannot open store {}: {e}", path.display())))?;
        Ok(Store { store })
    }

    /// Stores `records` (cleaned, deduplicated) and annotates every article not yet
    /// annotated, as `dateline ingest` does; returns the counts. The store remembers
    /// its actor files: `actors` changes them, otherwise the stored ones are used.
    #[pyo3(signature = (records, actors = Vec::new()))]
    fn ingest(
        &mut self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        actors: Vec<PathBuf>,
    ) -> PyResult<Py<PyAny>> {
        let articles = read_records(records)?;
        let files = dateline_pipeline::ActorFiles::read(&actors).map_err(error)?;
        let store = &mut self.store;
        let outcome = py.detach(|| -> Result<_, dateline_pipeline::PipelineError> {
            let (tally, ()) = dateline_pipeline::store_articles(
                store,
                |sink| {
                    for article in articles {
                        if sink(Ok(article)).is_break() {
                            break;
                        }
                    }
                },
                |_, _| {},
            )?;
            let (dictionaries, notices) =
                dateline_pipeline::StoreDictionaries::for_store(&files, store, false)?;
            dictionaries.remember(store)?;
            let done =
                dateline_pipeline::annotate_pending(store, &dictionaries.dictionary, |_| {})?;
            Ok((tally, notices, done))
        });
        let (tally, notices, done) = outcome.map_err(error)?;
        let out = PyDict::new(py);
        out.set_item("read", tally.read)?;
        out.set_item("new", tally.new)?;
        out.set_item("duplicate", tally.duplicate + tally.already_stored)?;
        out.set_item("annotated", done.articles)?;
        out.set_item("reannotated", done.reannotated)?;
        out.set_item(
            "notices",
            notices.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
        )?;
        Ok(out.into_any().unbind())
    }

    /// Ranked full-text hits as a pyarrow Table (`id`, `date`, `title`, `source`,
    /// `dup_of`, `snippet`, `score`), best first.
    #[pyo3(signature = (query, as_of = None, from_ = None, to = None, limit = 10))]
    fn search(
        &self,
        py: Python<'_>,
        query: String,
        as_of: Option<&Bound<'_, PyAny>>,
        from_: Option<&Bound<'_, PyAny>>,
        to: Option<&Bound<'_, PyAny>>,
        limit: usize,
    ) -> PyResult<Py<PyAny>> {
        use dateline_store::ArticleSearch;
        let hits = self
            .store
            .search(&SearchQuery {
                text: query,
                window: window(as_of, from_, to)?,
                limit,
                offset: 0,
            })
            .map_err(error)?;
        to_table(py, &dateline_tables::SEARCH_COLUMNS, &hits)
    }

    /// Statements as a pyarrow Table with the export's columns, by article date;
    /// `speaker`/`about` take what the CLI takes (a name, surname, id or CAMEO code
    /// prefix); `kind`: direct, indirect or mixed.
    #[pyo3(signature = (speaker = None, about = None, kind = None, as_of = None, from_ = None, to = None, limit = None))]
    #[allow(clippy::too_many_arguments)]
    fn statements(
        &self,
        py: Python<'_>,
        speaker: Option<String>,
        about: Option<String>,
        kind: Option<String>,
        as_of: Option<&Bound<'_, PyAny>>,
        from_: Option<&Bound<'_, PyAny>>,
        to: Option<&Bound<'_, PyAny>>,
        limit: Option<usize>,
    ) -> PyResult<Py<PyAny>> {
        let window = window(as_of, from_, to)?;
        let records = self
            .store
            .statements(&StatementQuery {
                speaker: self.actor_filter(speaker, &window)?,
                about: self.actor_filter(about, &window)?,
                kind,
                window,
                limit,
                ..StatementQuery::default()
            })
            .map_err(error)?;
        to_table(py, &dateline_tables::STATEMENT_COLUMNS, &records)
    }

    /// Events as a pyarrow Table with the export's columns, by article date; `source`/`target` as `statements`' `speaker`;
    /// `code` an exact CAMEO code ("036"), `root` a root ("03").
    #[pyo3(signature = (source = None, target = None, code = None, root = None, as_of = None, from_ = None, to = None, limit = None))]
    #[allow(clippy::too_many_arguments)]
    fn events(
        &self,
        py: Python<'_>,
        source: Option<String>,
        target: Option<String>,
        code: Option<String>,
        root: Option<String>,
        as_of: Option<&Bound<'_, PyAny>>,
        from_: Option<&Bound<'_, PyAny>>,
        to: Option<&Bound<'_, PyAny>>,
        limit: Option<usize>,
    ) -> PyResult<Py<PyAny>> {
        let window = window(as_of, from_, to)?;
        let records = self
            .store
            .events(&EventQuery {
                source: self.actor_filter(source, &window)?,
                target: self.actor_filter(target, &window)?,
                code,
                root,
                window,
                limit,
                ..EventQuery::default()
            })
            .map_err(error)?;
        to_table(py, &dateline_tables::EVENT_COLUMNS, &records)
    }

    /// Actors (the registry as the window shows it) as a pyarrow Table with the
    /// export's columns, by how often they are mentioned in the window; `query` filters by
    /// name, alias or code prefix.
    #[pyo3(signature = (query = None, as_of = None, from_ = None, to = None, limit = 100))]
    fn actors(
        &self,
        py: Python<'_>,
        query: Option<String>,
        as_of: Option<&Bound<'_, PyAny>>,
        from_: Option<&Bound<'_, PyAny>>,
        to: Option<&Bound<'_, PyAny>>,
        limit: usize,
    ) -> PyResult<Py<PyAny>> {
        let window = window(as_of, from_, to)?;
        let summaries = self
            .store
            .actors(query.as_deref(), &window, limit)
            .map_err(error)?;
        let mut details = Vec::with_capacity(summaries.len());
        for summary in summaries {
            if let Some(detail) = self.store.actor(&summary.id, &window).map_err(error)? {
                details.push(detail);
            }
        }
        to_table(py, &dateline_tables::ACTOR_COLUMNS, &details)
    }

    /// An actor's timeline (with `with_`, a dyad's): statements and events in the
    /// order they happened, stance on `topic` ("negotiation", "relations"), shifts.
    #[pyo3(signature = (actor, with_ = None, topic = None, as_of = None, from_ = None, to = None))]
    #[allow(clippy::too_many_arguments)]
    fn timeline(
        &self,
        py: Python<'_>,
        actor: String,
        with_: Option<String>,
        topic: Option<String>,
        as_of: Option<&Bound<'_, PyAny>>,
        from_: Option<&Bound<'_, PyAny>>,
        to: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let request = dateline_query::TimelineRequest {
            actor,
            with: with_,
            topic,
            window: window(as_of, from_, to)?,
        };
        let answer = dateline_query::timeline(&self.store, &request).map_err(error)?;
        to_python(py, &answer)
    }
}

#[pymodule]
fn dateline(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(extract_tables, m)?)?;
    m.add_function(wrap_pyfunction!(facts, m)?)?;
    m.add_class::<Store>()?;
    m.add("DatelineError", m.py().get_type::<DatelineError>())?;
    Ok(())
}
