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
use dateline_core::knowledge::{DatedFact, Knowledge, PersonFact, Question};
use dateline_core::{Actor, Article, Date, Extraction};
use dateline_dedupe::Signature;
use dateline_extract::{Completed, Dictionaries, Prepared};
use dateline_ingest::{Format, Item, Location, ReadOptions, RecordError};
use dateline_store::{DateWindow, EventQuery, SearchQuery, StatementQuery};
use dateline_tables::{Cell, Column, Kind, ParquetTable};
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

/// One record as a JSON line: a `str` is taken as one already; anything else is
/// dumped as JSON (dates and other values JSON has no type for as their str()).
fn json_line(record: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(line) = record.extract::<String>() {
        return Ok(line.replace(['\n', '\r'], " "));
    }
    let py = record.py();
    let kwargs = PyDict::new(py);
    kwargs.set_item("default", py.import("builtins")?.getattr("str")?)?;
    py.import("json")?
        .call_method("dumps", (record,), Some(&kwargs))?
        .extract()
}

/// Reads one JSON line as `dateline extract` reads a line of a JSON Lines file:
/// the article, nothing for a blank line (skipped, as the reader skips it), or why it
/// was rejected (`origin:number: …`).
fn read_line(line: &str, origin: &Path, number: u64) -> Result<Option<Article>, String> {
    let opts = ReadOptions {
        format: Some(Format::Jsonl),
        ..ReadOptions::default()
    };
    let mut out = Ok(None);
    // The sink never stops the reader, so the flow it returns says nothing.
    let _ = dateline_ingest::read_reader(
        origin,
        Box::new(Cursor::new(line.as_bytes())),
        &opts,
        &mut |item: Item| {
            out = item.map(|read| Some(read.article)).map_err(|e| {
                let location = match e.location {
                    Location::Line(_) => Location::Line(number),
                    other => other,
                };
                RecordError::new(&e.path, location, e.message).to_string()
            });
            ControlFlow::Continue(())
        },
    );
    out
}

/// The articles of `records`. Records are dicts with the JSON Lines fields (`text`
/// and `date` required; `id`, `title`, `url`, `source`, `lang`), read, cleaned and
/// validated as `dateline extract` reads a JSON Lines file; or, with `cleaned`,
/// articles [`read`] returned, taken as they are. Any rejected record fails the
/// call, naming each.
fn read_records(records: &Bound<'_, PyAny>, cleaned: bool) -> PyResult<Vec<Article>> {
    let (mut articles, mut rejected) = (Vec::new(), Vec::new());
    for (i, record) in records.try_iter()?.enumerate() {
        let line = json_line(&record?)?;
        let article = if cleaned {
            serde_json::from_str::<Article>(&line)
                .map(Some)
                .map_err(|e| format!("<records>:{}: {e}", i + 1))
        } else {
            read_line(&line, Path::new("<records>"), i as u64 + 1)
        };
        match article {
            Ok(Some(article)) => articles.push(article),
            Ok(None) => {}
            Err(e) => rejected.push(e),
        }
    }
    if !rejected.is_empty() {
        return Err(error(format!(
            "{} record(s) rejected: {}",
            rejected.len(),
            rejected.join("; ")
        )));
    }
    Ok(articles)
}

/// Reads `records` as `dateline ingest` reads a JSON Lines file, without failing on
/// a bad one: the first stage of a distributed run. Each record is a dict or a
/// JSON line (`str`). Returns `articles` (one dict per good record: the cleaned
/// article's fields plus `index`, its position in `records`, `content_hash`,
/// `minhash` — the signature as bytes — and `bands`, its LSH band keys: what the
/// store's duplicate decision reads; a blank record gives nothing, as a blank line
/// of a file does) and `rejected` (`index`, `reason`, with
/// `origin:line` in the reason; `lines` gives each record's line number in
/// `origin`, by default its position from 1).
#[pyfunction]
#[pyo3(signature = (records, origin = "<records>".to_string(), lines = None))]
fn read(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    origin: String,
    lines: Option<Vec<u64>>,
) -> PyResult<Py<PyAny>> {
    let records: Vec<String> = records
        .try_iter()?
        .map(|r| json_line(&r?))
        .collect::<PyResult<_>>()?;
    let numbers = match lines {
        Some(numbers) if numbers.len() != records.len() => {
            return Err(PyValueError::new_err(format!(
                "lines: {} numbers for {} records",
                numbers.len(),
                records.len()
            )));
        }
        Some(numbers) => numbers,
        None => (1..=records.len() as u64).collect(),
    };
    let origin = PathBuf::from(origin);
    // Per record: its article's JSON, content hash, signature and band keys; nothing
    // for a blank line; or why it was rejected.
    type Read = Result<Option<(String, i64, Vec<u8>, Vec<i64>)>, String>;
    let read: Vec<Read> = py.detach(|| {
        records
            .par_iter()
            .zip(&numbers)
            .map(|(line, &number)| {
                let Some(article) = read_line(line, &origin, number)? else {
                    return Ok(None);
                };
                let json = serde_json::to_string(&article).map_err(|e| e.to_string())?;
                let signature = Signature::of_text(&article.text);
                Ok(Some((
                    json,
                    dateline_core::content_hash(&article.text),
                    signature.to_bytes(),
                    signature.band_keys().to_vec(),
                )))
            })
            .collect()
    });
    let json = py.import("json")?;
    let (articles, rejected) = (PyList::empty(py), PyList::empty(py));
    for (index, outcome) in read.into_iter().enumerate() {
        match outcome {
            Ok(None) => {}
            Ok(Some((article_json, hash, minhash, bands))) => {
                let article = json.call_method1("loads", (article_json,))?;
                article.set_item("index", index)?;
                article.set_item("content_hash", hash)?;
                article.set_item("minhash", PyBytes::new(py, &minhash))?;
                article.set_item("bands", bands)?;
                articles.append(article)?;
            }
            Err(reason) => {
                let reject = PyDict::new(py);
                reject.set_item("index", index)?;
                reject.set_item("reason", reason)?;
                rejected.append(reject)?;
            }
        }
    }
    let out = PyDict::new(py);
    out.set_item("articles", articles)?;
    out.set_item("rejected", rejected)?;
    Ok(out.into_any().unbind())
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
/// dictionary. `cleaned`: the records are articles [`read`] returned.
#[pyfunction]
#[pyo3(signature = (records, knowledge = false, actors = Vec::new(), facts = None, cleaned = false))]
fn extract(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    knowledge: bool,
    actors: Vec<PathBuf>,
    facts: Option<&Bound<'_, PyAny>>,
    cleaned: bool,
) -> PyResult<Py<PyAny>> {
    let articles = read_records(records, cleaned)?;
    let annotated = annotate(py, articles, Known::from_args(knowledge, facts)?, &actors)?;
    let out = PyList::empty(py);
    for one in &annotated {
        out.append(to_python(py, &one.extraction)?)?;
    }
    Ok(out.into_any().unbind())
}

/// [`extract`] as pyarrow Tables with the columns of `dateline export --format
/// parquet`: a dict of `articles`, `mentions`, `statements` and `events`; with
/// `annotations=True` also `annotations` (`article_id`, and as JSON text the
/// `extraction`, the article's own `facts` and the questions it `asked` with
/// their answer hashes: what `dateline load` stores) and `registry` (each actor as
/// each article names it: `id`, `name`, `kind`, `dictionary_codes`, from which the
/// actor registry is aggregated).
#[pyfunction]
#[pyo3(signature = (records, knowledge = false, actors = Vec::new(), facts = None, cleaned = false, annotations = false))]
#[allow(clippy::too_many_arguments)]
fn extract_tables(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    knowledge: bool,
    actors: Vec<PathBuf>,
    facts: Option<&Bound<'_, PyAny>>,
    cleaned: bool,
    annotations: bool,
) -> PyResult<Py<PyAny>> {
    let articles = read_records(records, cleaned)?;
    let annotated = annotate(py, articles, Known::from_args(knowledge, facts)?, &actors)?;
    tables(py, &annotated, annotations)
}

/// The export's tables of `annotated` (see [`extract_tables`]).
fn tables(py: Python<'_>, annotated: &[Annotated], annotations: bool) -> PyResult<Py<PyAny>> {
    let extractions = || annotated.iter().map(|a| &a.extraction);
    let articles: Vec<Article> = extractions().map(|e| e.article.clone()).collect();
    let mentions: Vec<_> = extractions().flat_map(|e| e.mentions.clone()).collect();
    let statements: Vec<_> = extractions().flat_map(|e| e.statements.clone()).collect();
    let events: Vec<_> = extractions().flat_map(|e| e.events.clone()).collect();
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
    if annotations {
        out.set_item("annotations", to_table(py, &ANNOTATION_COLUMNS, annotated)?)?;
        let named: Vec<Actor> = extractions().flat_map(|e| e.actors.clone()).collect();
        out.set_item("registry", to_table(py, &REGISTRY_COLUMNS, &named)?)?;
    }
    Ok(out.into_any().unbind())
}

/// One article's annotation as a store keeps it.
struct Annotated {
    extraction: Extraction,
    facts: Vec<PersonFact>,
    asked: Vec<(Question, i64)>,
}

/// The annotations table: what `dateline load` reads back into a store.
const ANNOTATION_COLUMNS: [Column<Annotated>; 4] = [
    Column {
        name: "article_id",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.extraction.article.id),
    },
    Column {
        name: "extraction",
        kind: Kind::Text,
        cell: |a| Cell::Text(json_text(&a.extraction).into()),
    },
    Column {
        name: "facts",
        kind: Kind::Text,
        cell: |a| Cell::Text(json_text(&a.facts).into()),
    },
    Column {
        name: "asked",
        kind: Kind::Text,
        cell: |a| {
            let asked: Vec<(String, i64)> =
                a.asked.iter().map(|(q, hash)| (q.key(), *hash)).collect();
            Cell::Text(json_text(&asked).into())
        },
    },
];

/// The registry table: each actor as one article names it, with the dictionary's
/// roles as the store keeps them (the store keeps the least row per id).
const REGISTRY_COLUMNS: [Column<Actor>; 4] = [
    Column {
        name: "id",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.id),
    },
    Column {
        name: "name",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.name),
    },
    Column {
        name: "kind",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.kind),
    },
    Column {
        name: "dictionary_codes",
        kind: Kind::Text,
        cell: |a| Cell::Text(json_text(&a.dictionary_codes()).into()),
    },
];

fn json_text(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("records serialize")
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
                // JSON text as `Prepared.facts_json` gives it, or a list of dicts.
                let text: String = match facts.extract::<String>() {
                    Ok(text) => text,
                    Err(_) => facts
                        .py()
                        .import("json")?
                        .call_method1("dumps", (facts,))?
                        .extract()?,
                };
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

/// The annotations of `articles` (prepared, then completed with what `known`
/// says), computed on all cores without the GIL.
fn annotate(
    py: Python<'_>,
    articles: Vec<Article>,
    known: Known,
    actors: &[PathBuf],
) -> PyResult<Vec<Annotated>> {
    let dictionary = dictionary(py, actors)?;
    Ok(py.detach(|| {
        let prepared = prepare_all(articles, &dictionary);
        complete_all(prepared, known, &dictionary)
    }))
}

fn prepare_all(articles: Vec<Article>, dictionary: &Dictionary) -> Vec<Prepared> {
    let dictionaries = Dictionaries::with_actors(dictionary);
    articles
        .into_par_iter()
        .map(|a| dateline_extract::prepare(a, dictionaries))
        .collect()
}

fn complete_all(prepared: Vec<Prepared>, known: Known, dictionary: &Dictionary) -> Vec<Annotated> {
    let dictionaries = Dictionaries::with_actors(dictionary);
    let knowledge = match known {
        Known::Nothing => Knowledge::default(),
        Known::TheRecords => Knowledge::new(prepared.iter().flat_map(Prepared::dated_facts)),
        Known::Facts(knowledge) => knowledge,
    };
    prepared
        .into_par_iter()
        .map(|p| {
            let facts = p.facts().to_vec();
            let Completed { extraction, asked } = p.complete(dictionaries, &knowledge);
            Annotated {
                extraction,
                facts,
                asked,
            }
        })
        .collect()
}

/// The records' annotation in two steps, for a run over many machines:
/// `prepare(records)` reads each article alone; `facts_json()` is what they say
/// about the people they name (gather it from every partition);
/// `complete(facts=…)` finishes them with what all the gathered facts say, as of
/// each article's date. Each article's language layers are computed once.
#[pyclass(unsendable)]
struct PreparedRecords {
    prepared: Option<Vec<Prepared>>,
    dictionary: Dictionary,
}

/// Reads and prepares `records` (see [`PreparedRecords`]).
#[pyfunction]
#[pyo3(signature = (records, actors = Vec::new(), cleaned = false))]
fn prepare(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    actors: Vec<PathBuf>,
    cleaned: bool,
) -> PyResult<PreparedRecords> {
    let articles = read_records(records, cleaned)?;
    let dictionary = dictionary(py, &actors)?;
    let prepared = py.detach(|| prepare_all(articles, &dictionary));
    Ok(PreparedRecords {
        prepared: Some(prepared),
        dictionary,
    })
}

#[pymethods]
impl PreparedRecords {
    /// What each article alone says about the people it names, as a JSON array of
    /// the dicts [`facts`] returns.
    fn facts_json(&self) -> PyResult<String> {
        let prepared = self.prepared.as_ref().ok_or_else(completed)?;
        let facts: Vec<DatedFact> = prepared.iter().flat_map(Prepared::dated_facts).collect();
        Ok(json_text(&facts))
    }

    /// Finishes the articles with what `facts` (a list of dicts or JSON text) say,
    /// and returns the tables [`extract_tables`] returns. Once only.
    #[pyo3(signature = (facts = None, annotations = false))]
    fn complete(
        &mut self,
        py: Python<'_>,
        facts: Option<&Bound<'_, PyAny>>,
        annotations: bool,
    ) -> PyResult<Py<PyAny>> {
        let known = Known::from_args(false, facts)?;
        let prepared = self.prepared.take().ok_or_else(completed)?;
        let dictionary = &self.dictionary;
        let annotated = py.detach(|| complete_all(prepared, known, dictionary));
        tables(py, &annotated, annotations)
    }
}

fn completed() -> PyErr {
    DatelineError::new_err("these records are already completed")
}

/// What each of `records` alone says about the people it names (one dict per fact:
/// `date`, `actor_id`, `name`, `surname`, `code`, `gender`, `titles`): the first
/// stage of a distributed run. Gather the facts of every partition and pass them to
/// `extract(records, facts=…)`; the records then equal a store's that held them all.
#[pyfunction]
#[pyo3(signature = (records, actors = Vec::new(), cleaned = false))]
fn facts(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    actors: Vec<PathBuf>,
    cleaned: bool,
) -> PyResult<Py<PyAny>> {
    let articles = read_records(records, cleaned)?;
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

/// The key a store files annotations under (pipeline version × dictionaries: the
/// shipped ones plus `actors`); `dateline load` annotates again what was made
/// under another.
#[pyfunction]
#[pyo3(signature = (actors = Vec::new()))]
fn annotation_key(py: Python<'_>, actors: Vec<PathBuf>) -> PyResult<i64> {
    Ok(dateline_pipeline::annotation_key(&dictionary(py, &actors)?))
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
        let articles = read_records(records, false)?;
        let files = dateline_pipeline::ActorFiles::read(&actors).map_err(error)?;
        let store = &mut self.store;
        let outcome = py.detach(|| -> Result<_, dateline_pipeline::PipelineError> {
            let (tally, ()) = dateline_pipeline::store_articles(
                store,
                |sink| {
                    for (n, article) in articles.into_iter().enumerate() {
                        let read = dateline_ingest::Read {
                            article,
                            path: PathBuf::from("<records>"),
                            location: Location::Record(n as u64 + 1),
                        };
                        if sink(Ok(read)).is_break() {
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
        out.set_item("cut", done.cut)?;
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
                limit,
                ..SearchQuery::new(&query, window(as_of, from_, to)?)
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
    m.add_function(wrap_pyfunction!(read, m)?)?;
    m.add_function(wrap_pyfunction!(prepare, m)?)?;
    m.add_class::<PreparedRecords>()?;
    m.add_function(wrap_pyfunction!(annotation_key, m)?)?;
    m.add("PIPELINE_VERSION", dateline_extract::PIPELINE_VERSION)?;
    m.add_class::<Store>()?;
    m.add("DatelineError", m.py().get_type::<DatelineError>())?;
    Ok(())
}
