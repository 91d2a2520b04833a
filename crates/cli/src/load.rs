//! `dateline load`: a directory of Parquet datasets that a distributed run (the
//! Spark job) wrote, brought into a store so that the CLI, the API and the UI can
//! read it.
//!
//! The job does the costly part, extraction, on many machines; `load` does what has
//! to happen in one place. Articles go through `dateline_pipeline::store_articles`,
//! the writer and dedupe `ingest` uses, so the store decides duplicates (groups are
//! a function of the set of articles, so they equal the job's). The job's
//! annotations are saved only when they were made the way this store annotates —
//! same pipeline version, same dictionaries: the annotation key — and are then
//! re-checked against every fact stored ([`Store::recheck_answers`]); whatever was
//! not loaded is annotated here by `annotate_pending`, as `ingest` does. So the store
//! ends as an ingest of the same articles would leave it, whichever way each article
//! got its annotations.
//!
//! # The directory (format 1)
//!
//! * `_dateline.json`: `{"format": 1, "pipeline_version": N, "annotation_key": K}`,
//!   N being `dateline_extract::PIPELINE_VERSION` and K
//!   `dateline_pipeline::annotation_key` of the dictionary the job annotated with.
//! * `articles/`: Parquet with the columns of `dateline_tables::ARTICLE_COLUMNS`
//!   (what `dateline export` writes): id, date (date32), title, source, url, lang,
//!   dup_of, meta (a JSON object, or null), text.
//! * `annotations/`: Parquet with `article_id`, `extraction` (the JSON of one
//!   `Extraction`, the line `dateline extract` prints), `facts` (a JSON array of
//!   `PersonFact`s, what the article alone says) and `asked` (a JSON array of
//!   `[question key, answer hash]`, the key as `Question::key` writes it).
//! * Anything else (mentions, statements, events, actors, rejects) is for Spark's
//!   users; `load` does not read it.
//!
//! A dataset is every `*.parquet` file under its directory, in path order; names
//! starting with `_` or `.` are skipped, as Hadoop does (`_SUCCESS`, `.crc`
//! checksums, an unfinished job's `_temporary/`). Text columns may be utf8 or
//! large_utf8 and any column may be nullable. Files are read one record batch at a
//! time, never whole.
//!
//! What is wrong with the directory itself (no manifest, an unknown format, a file
//! without a column or with a column of another type) stops `load` before the
//! store is opened, with exit code 2. A row that cannot become an article is
//! rejected (file and record number) as `ingest` rejects a record, and an annotation
//! that cannot be saved is skipped (its article is annotated here); either makes the
//! exit code 1, after everything else was loaded.

use std::fs::File;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use arrow_array::cast::AsArray;
use arrow_array::types::Date32Type;
use arrow_array::{
    Array, LargeStringArray, PrimitiveArray, RecordBatch, StringArray, StringViewArray,
};
use arrow_schema::{DataType, Schema};
use dateline_core::knowledge::{PersonFact, Question};
use dateline_core::{Article, Date, Extraction, content_hash};
use dateline_ingest::{Item, Location, RecordError};
use dateline_pipeline::ActorFiles;
use dateline_store::{Annotation, Store};
use dateline_tables::{ARTICLE_COLUMNS, Kind};
use indicatif::{ProgressBar, ProgressStyle};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use crate::ingest;

/// The directory format this dateline reads.
const FORMAT: u64 = 1;
const MANIFEST: &str = "_dateline.json";
/// The columns of the annotations dataset, all text.
const ANNOTATION_COLUMNS: [&str; 4] = ["article_id", "extraction", "facts", "asked"];
/// Rows per record batch read: an annotation's JSON is tens of kilobytes, so a
/// batch stays within a few megabytes.
const READ_ROWS: usize = 256;
/// Annotations saved per transaction (`Store::save_annotations`).
const SAVE_ROWS: usize = 256;

pub fn load(
    dir: &Path,
    actor_files: &[PathBuf],
    db: &Path,
    quiet: bool,
    forget_actors: bool,
) -> anyhow::Result<ExitCode> {
    // Read before opening the store, so that a missing --actors file stops us first.
    let actor_files = ActorFiles::read(actor_files)?;
    // And the directory: a store is not touched for a directory that is not one.
    let contents = match Contents::check(dir) {
        Ok(contents) => contents,
        Err(e) => {
            eprintln!("error: {e:#}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut store =
        Store::open(db).with_context(|| format!("cannot open store {}", db.display()))?;
    let dictionaries = ingest::store_dictionaries(&actor_files, &store, forget_actors)?;
    let started = Instant::now();

    let rows_read = AtomicU64::new(0);
    let progress = rows_bar(contents.articles.rows, "articles", quiet);
    let (tally, ()) = ingest::store_articles(&mut store, &progress, &rows_read, |sink| {
        read_articles(&contents.articles, &rows_read, sink)
    })?;
    let counts = store.counts()?;
    ingest::optimize_after_bulk_load(&store, &tally, counts.articles, &progress)?;
    let regrouped = regrouped(&store, &contents.articles)?;
    if regrouped > 0 {
        eprintln!(
            "warning: {regrouped} articles are grouped as copies differently from {}'s dup_of (the store's other articles, or another dedupe); the store's grouping is kept",
            dir.display()
        );
    }

    dictionaries.remember(&store)?;
    let dictionary = &dictionaries.dictionary;
    let key = dateline_pipeline::annotation_key(dictionary);
    let made_here = contents.manifest.pipeline_version == dateline_extract::PIPELINE_VERSION
        && contents.manifest.annotation_key == key;
    let loaded = match &contents.annotations {
        Some(annotations) if made_here => load_annotations(&mut store, key, annotations, quiet)?,
        Some(_) => {
            eprintln!("{}", contents.manifest.unlike_here(dir, key));
            Loaded::default()
        }
        None => {
            eprintln!(
                "{} has no annotations/: the articles will be annotated here",
                dir.display()
            );
            Loaded::default()
        }
    };
    if loaded.stale > 0 {
        eprintln!(
            "{} loaded annotations got other answers than the store's articles now give (articles the job did not see); they will be annotated here",
            loaded.stale
        );
    }
    let here = ingest::annotate_pending(&mut store, dictionary, quiet, "load")?;
    store.refresh_statistics()?;

    eprintln!(
        "loaded {}: articles {} · annotations loaded {} ({} already here, {} skipped) · annotated here {}  [{} files, {:.1}s; store now {} articles]",
        dir.display(),
        ingest::tally_summary(&tally),
        loaded.saved,
        loaded.already,
        loaded.skipped,
        here.articles,
        contents.articles.files.len(),
        started.elapsed().as_secs_f64(),
        counts.articles,
    );
    ingest::print_rejections(&tally);
    Ok(if tally.rejected > 0 || loaded.skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `DIR/_dateline.json`, once its format is known to be [`FORMAT`].
#[derive(serde::Deserialize)]
struct Manifest {
    pipeline_version: i64,
    annotation_key: i64,
}

impl Manifest {
    fn read(path: &Path) -> anyhow::Result<Manifest> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the manifest", path.display()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
        match json.get("format").map(|f| f.as_u64()) {
            None => bail!("{}: no `format`", path.display()),
            Some(Some(FORMAT)) => {}
            Some(_) => bail!(
                "{}: format {} is not one this dateline reads (it reads format {FORMAT}); was the directory written for another version?",
                path.display(),
                json["format"]
            ),
        }
        serde_json::from_value(json).with_context(|| format!("{}", path.display()))
    }

    /// Why the directory's annotations are not this store's.
    fn unlike_here(&self, dir: &Path, key: i64) -> String {
        let version = dateline_extract::PIPELINE_VERSION;
        let why = if self.pipeline_version != version {
            format!(
                "another version of dateline (pipeline version {}; this one is {version})",
                self.pipeline_version
            )
        } else {
            format!(
                "other dictionaries (annotation key {}; this store's is {key}: give the job's --actors files)",
                self.annotation_key
            )
        };
        format!(
            "{} was annotated with {why}: its annotations are not loaded, the articles will be annotated here",
            dir.display()
        )
    }
}

/// The parts of the directory `load` reads, checked.
struct Contents {
    manifest: Manifest,
    articles: Dataset,
    annotations: Option<Dataset>,
}

impl Contents {
    fn check(dir: &Path) -> anyhow::Result<Contents> {
        if !dir.is_dir() {
            bail!("{}: no such directory", dir.display());
        }
        let manifest = dir.join(MANIFEST);
        if !manifest.is_file() {
            bail!(
                "{}: missing; is {} a directory a dateline job wrote?",
                manifest.display(),
                dir.display()
            );
        }
        let manifest = Manifest::read(&manifest)?;
        let articles = dir.join("articles");
        if !articles.is_dir() {
            bail!("{}: missing (the articles dataset)", articles.display());
        }
        let article_columns: Vec<(&str, Kind)> =
            ARTICLE_COLUMNS.iter().map(|c| (c.name, c.kind)).collect();
        let articles = Dataset::open(&articles, &article_columns)?;
        let annotations = dir.join("annotations");
        let annotations = if annotations.is_dir() {
            let columns = ANNOTATION_COLUMNS.map(|name| (name, Kind::Text));
            Some(Dataset::open(&annotations, &columns)?)
        } else {
            None
        };
        Ok(Contents {
            manifest,
            articles,
            annotations,
        })
    }
}

/// One dataset of the directory: its Parquet files, each checked to have the
/// columns `load` reads, with their types.
struct Dataset {
    files: Vec<PathBuf>,
    /// Rows in all files, from their footers.
    rows: u64,
}

impl Dataset {
    fn open(dir: &Path, columns: &[(&str, Kind)]) -> anyhow::Result<Dataset> {
        let mut files = Vec::new();
        parquet_files(dir, &mut files)?;
        files.sort();
        if files.is_empty() {
            bail!("{}: no .parquet files", dir.display());
        }
        let mut rows = 0;
        for file in &files {
            let builder = open_parquet(file).with_context(|| format!("{}", file.display()))?;
            check_columns(builder.schema(), columns)
                .with_context(|| format!("{}", file.display()))?;
            rows += u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
        }
        Ok(Dataset { files, rows })
    }
}

/// The `*.parquet` files under `dir`, skipping names that start with `_` or `.`.
fn parquet_files(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(['_', '.']) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            parquet_files(&path, out)?;
        } else if name.ends_with(".parquet") {
            out.push(path);
        }
    }
    Ok(())
}

fn open_parquet(file: &Path) -> anyhow::Result<ParquetRecordBatchReaderBuilder<File>> {
    let handle = File::open(file).context("cannot open")?;
    ParquetRecordBatchReaderBuilder::try_new(handle).context("not a readable Parquet file")
}

/// Each of `columns` is in `schema` with a type its kind is read from.
fn check_columns(schema: &Schema, columns: &[(&str, Kind)]) -> anyhow::Result<()> {
    for &(name, kind) in columns {
        let Ok(field) = schema.field_with_name(name) else {
            bail!("no column `{name}`");
        };
        let (fits, wanted) = match kind {
            Kind::Date => (matches!(field.data_type(), DataType::Date32), "date32"),
            Kind::Text => (
                matches!(
                    field.data_type(),
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                ),
                "utf8 or large_utf8",
            ),
            // The articles table has text and date columns only (a unit test checks).
            _ => (false, "a kind load reads"),
        };
        if !fits {
            bail!("column `{name}` is {}, not {wanted}", field.data_type());
        }
    }
    Ok(())
}

/// The record batches of `file`, with only `columns`, one at a time.
fn batches(file: &Path, columns: &[&str]) -> anyhow::Result<ParquetRecordBatchReader> {
    let builder = open_parquet(file)?;
    let roots = columns
        .iter()
        .map(|name| builder.schema().index_of(name))
        .collect::<Result<Vec<_>, _>>()?;
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
    Ok(builder
        .with_projection(mask)
        .with_batch_size(READ_ROWS)
        .build()?)
}

/// A text column of a batch, whichever string type the writer chose.
enum Texts<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

impl<'a> Texts<'a> {
    fn of(batch: &'a RecordBatch, name: &str) -> anyhow::Result<Texts<'a>> {
        let array = batch
            .column_by_name(name)
            .with_context(|| format!("no column `{name}`"))?;
        if let Some(a) = array.as_string_opt::<i32>() {
            Ok(Texts::Utf8(a))
        } else if let Some(a) = array.as_string_opt::<i64>() {
            Ok(Texts::Large(a))
        } else if let Some(a) = array.as_string_view_opt() {
            Ok(Texts::View(a))
        } else {
            bail!("column `{name}` is {}, not text", array.data_type())
        }
    }

    /// The value at `row`, `None` for null.
    fn get(&self, row: usize) -> Option<&'a str> {
        match self {
            Texts::Utf8(a) => a.is_valid(row).then(|| a.value(row)),
            Texts::Large(a) => a.is_valid(row).then(|| a.value(row)),
            Texts::View(a) => a.is_valid(row).then(|| a.value(row)),
        }
    }

    /// The value at `row`; `None` for null or empty, as the export writes absent values.
    fn present(&self, row: usize) -> Option<&'a str> {
        self.get(row).filter(|s| !s.is_empty())
    }
}

/// The columns of a batch of the articles dataset.
struct ArticleRows<'a> {
    id: Texts<'a>,
    date: &'a PrimitiveArray<Date32Type>,
    title: Texts<'a>,
    source: Texts<'a>,
    url: Texts<'a>,
    lang: Texts<'a>,
    meta: Texts<'a>,
    text: Texts<'a>,
}

impl<'a> ArticleRows<'a> {
    fn of(batch: &'a RecordBatch) -> anyhow::Result<ArticleRows<'a>> {
        let date = batch
            .column_by_name("date")
            .and_then(|a| a.as_primitive_opt::<Date32Type>())
            .context("column `date` is not date32")?;
        Ok(ArticleRows {
            id: Texts::of(batch, "id")?,
            date,
            title: Texts::of(batch, "title")?,
            source: Texts::of(batch, "source")?,
            url: Texts::of(batch, "url")?,
            lang: Texts::of(batch, "lang")?,
            meta: Texts::of(batch, "meta")?,
            text: Texts::of(batch, "text")?,
        })
    }

    /// The article of `row`, or why there is none. `dup_of` is left out: the store
    /// decides it.
    fn article(&self, row: usize) -> Result<Article, String> {
        let id = self.id.present(row).ok_or("missing id")?;
        if !self.date.is_valid(row) {
            return Err("missing date".into());
        }
        let days = self.date.value(row);
        let date = date_of_days(days)
            .ok_or_else(|| format!("date out of range ({days} days from 1970-01-01)"))?;
        let text = self
            .text
            .get(row)
            .filter(|t| !t.trim().is_empty())
            .ok_or("empty text")?;
        let meta = match self.meta.present(row) {
            None => None,
            Some(json) => match serde_json::from_str(json) {
                Ok(serde_json::Value::Object(map)) => (!map.is_empty()).then_some(map),
                Ok(_) => return Err("meta is not a JSON object".into()),
                Err(e) => return Err(format!("meta is not JSON: {e}")),
            },
        };
        let owned = |t: &Texts| t.present(row).map(str::to_string);
        Ok(Article {
            id: id.to_string(),
            date,
            title: owned(&self.title),
            text: text.to_string(),
            source: owned(&self.source),
            url: owned(&self.url),
            lang: owned(&self.lang).unwrap_or_else(|| "und".into()),
            dup_of: None,
            meta,
        })
    }
}

/// The day `days` after 1970-01-01 (Parquet's and Arrow's `Date32`).
fn date_of_days(days: i32) -> Option<Date> {
    let span = jiff::Span::new().try_days(i64::from(days)).ok()?;
    jiff::civil::date(1970, 1, 1).checked_add(span).ok()
}

/// Hands every row of the articles dataset to `sink`, as an article or as a
/// rejection with its file and record number (1-based, per file). A file that
/// cannot be read on is one rejection; the next file is read.
fn read_articles(
    articles: &Dataset,
    rows_read: &AtomicU64,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) {
    let names: Vec<&str> = ARTICLE_COLUMNS.iter().map(|c| c.name).collect();
    for file in &articles.files {
        let mut record = 0u64;
        let unreadable = |record: u64, e: &anyhow::Error| {
            Err(RecordError::new(
                file,
                Location::File,
                format!("unreadable after record {record}: {e:#}"),
            ))
        };
        let reader = match batches(file, &names) {
            Ok(reader) => reader,
            Err(e) => {
                if sink(unreadable(record, &e)).is_break() {
                    return;
                }
                continue;
            }
        };
        for batch in reader {
            let batch = match batch {
                Ok(batch) => batch,
                Err(e) => {
                    if sink(unreadable(record, &e.into())).is_break() {
                        return;
                    }
                    break;
                }
            };
            let columns = match ArticleRows::of(&batch) {
                Ok(columns) => columns,
                Err(e) => {
                    if sink(unreadable(record, &e)).is_break() {
                        return;
                    }
                    break;
                }
            };
            for row in 0..batch.num_rows() {
                record += 1;
                rows_read.fetch_add(1, Ordering::Relaxed);
                let item = columns
                    .article(row)
                    .map(|article| dateline_ingest::Read {
                        article,
                        path: file.to_path_buf(),
                        location: Location::Record(record),
                    })
                    .map_err(|message| RecordError::new(file, Location::Record(record), message));
                if sink(item).is_break() {
                    return;
                }
            }
        }
    }
}

/// How many stored articles of the dataset the store groups as copies differently
/// from the dataset's `dup_of` (a second pass reading two columns; files that could
/// not be read were reported while storing).
fn regrouped(store: &Store, articles: &Dataset) -> anyhow::Result<u64> {
    let mut differ = 0;
    for file in &articles.files {
        let Ok(reader) = batches(file, &["id", "dup_of"]) else {
            continue;
        };
        for batch in reader {
            let Ok(batch) = batch else { break };
            let (ids, dups) = (Texts::of(&batch, "id")?, Texts::of(&batch, "dup_of")?);
            for row in 0..batch.num_rows() {
                let Some(id) = ids.present(row) else { continue };
                let Some(stored) = store.article_summary(id)? else {
                    continue;
                };
                differ += u64::from(stored.dup_of.as_deref() != dups.present(row));
            }
        }
    }
    Ok(differ)
}

/// What loading the annotations did.
#[derive(Default)]
struct Loaded {
    /// Annotations saved.
    saved: u64,
    /// Articles already annotated under the key (a re-run, or annotated here before).
    already: u64,
    /// Annotations that could not be saved (reported); their articles are annotated here.
    skipped: u64,
    /// Saved annotations whose answers the store's other facts changed.
    stale: u64,
}

/// One annotation read, owned until its batch is saved.
struct Owned {
    rowid: i64,
    extraction: Extraction,
    facts: Vec<PersonFact>,
    asked: Vec<(Question, i64)>,
}

/// What one row of the annotations dataset is to this store.
enum Row {
    /// To save.
    New(Box<Owned>),
    /// Its article is annotated under the key already (row id).
    Annotated(i64),
}

/// Saves the annotations dataset under `key`, [`SAVE_ROWS`] a transaction, skipping
/// articles annotated under it already, then re-checks every article it covers
/// against the facts stored ([`Store::recheck_answers`]).
fn load_annotations(
    store: &mut Store,
    key: i64,
    annotations: &Dataset,
    quiet: bool,
) -> anyhow::Result<Loaded> {
    let progress = rows_bar(annotations.rows, "annotations", quiet);
    let mut loaded = Loaded::default();
    let mut batch: Vec<Owned> = Vec::with_capacity(SAVE_ROWS);
    // Every article this dataset annotates, to re-check once all facts are stored.
    let mut covered: Vec<i64> = Vec::new();
    let skip = |loaded: &mut Loaded, file: &Path, at: String, why: &str| {
        progress.suspend(|| eprintln!("skipped annotation: {}: {at}: {why}", file.display()));
        loaded.skipped += 1;
    };
    for file in &annotations.files {
        let mut record = 0u64;
        let reader = match batches(file, &ANNOTATION_COLUMNS) {
            Ok(reader) => reader,
            Err(e) => {
                skip(&mut loaded, file, "the file".into(), &format!("{e:#}"));
                continue;
            }
        };
        for rows in reader {
            let rows = match rows {
                Ok(rows) => rows,
                Err(e) => {
                    let at = format!("after record {record}");
                    skip(&mut loaded, file, at, &format!("unreadable: {e}"));
                    break;
                }
            };
            let columns = match annotation_columns(&rows) {
                Ok(columns) => columns,
                Err(e) => {
                    let at = format!("after record {record}");
                    skip(&mut loaded, file, at, &format!("{e:#}"));
                    break;
                }
            };
            for row in 0..rows.num_rows() {
                record += 1;
                progress.inc(1);
                let read = annotation(store, key, columns.each_ref().map(|c| c.get(row)))?;
                match read {
                    Err(why) => skip(&mut loaded, file, format!("record {record}"), &why),
                    Ok(Row::Annotated(rowid)) => {
                        loaded.already += 1;
                        covered.push(rowid);
                    }
                    Ok(Row::New(owned)) => {
                        batch.push(*owned);
                        if batch.len() == SAVE_ROWS {
                            save(store, key, &mut batch, &mut covered, &mut loaded)?;
                        }
                    }
                }
            }
        }
    }
    save(store, key, &mut batch, &mut covered, &mut loaded)?;
    progress.finish_and_clear();
    loaded.stale = store.recheck_answers(key, &covered)?.stale;
    Ok(loaded)
}

/// The [`ANNOTATION_COLUMNS`] of a batch.
fn annotation_columns(batch: &RecordBatch) -> anyhow::Result<[Texts<'_>; 4]> {
    let [id, extraction, facts, asked] = ANNOTATION_COLUMNS;
    Ok([
        Texts::of(batch, id)?,
        Texts::of(batch, extraction)?,
        Texts::of(batch, facts)?,
        Texts::of(batch, asked)?,
    ])
}

/// One row of the annotations dataset (its four cells) read against the store: to
/// save, already annotated, or why it cannot be saved.
fn annotation(
    store: &Store,
    key: i64,
    [id, extraction, facts, asked]: [Option<&str>; 4],
) -> anyhow::Result<Result<Row, String>> {
    let Some(id) = id.filter(|id| !id.is_empty()) else {
        return Ok(Err("missing article_id".into()));
    };
    let Some(mark) = store.article_mark(id)? else {
        return Ok(Err(format!("no article {id:?} was stored")));
    };
    if mark.annotated_under == Some(key) {
        return Ok(Ok(Row::Annotated(mark.rowid)));
    }
    let parsed = (|| {
        let extraction: Extraction = serde_json::from_str(extraction.ok_or("missing extraction")?)
            .map_err(|e| format!("extraction is not an Extraction: {e}"))?;
        if extraction.article.id != id {
            return Err(format!(
                "the extraction is of article {:?}",
                extraction.article.id
            ));
        }
        if content_hash(&extraction.article.text) != mark.content_hash {
            return Err(format!(
                "the extraction was made from another text than the stored article {id:?}'s"
            ));
        }
        let facts: Vec<PersonFact> = serde_json::from_str(facts.ok_or("missing facts")?)
            .map_err(|e| format!("facts are not a list of person facts: {e}"))?;
        let asked: Vec<(String, i64)> = serde_json::from_str(asked.ok_or("missing asked")?)
            .map_err(|e| format!("asked is not a list of [question, answer hash]: {e}"))?;
        let asked = asked
            .into_iter()
            .map(|(question, answer)| match Question::from_key(&question) {
                Some(q) => Ok((q, answer)),
                None => Err(format!("asked: {question:?} is not a question key")),
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Row::New(Box::new(Owned {
            rowid: mark.rowid,
            extraction,
            facts,
            asked,
        })))
    })();
    Ok(parsed)
}

/// Saves `batch` (one transaction) and empties it.
fn save(
    store: &mut Store,
    key: i64,
    batch: &mut Vec<Owned>,
    covered: &mut Vec<i64>,
    loaded: &mut Loaded,
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let annotations: Vec<Annotation> = batch
        .iter()
        .map(|a| Annotation {
            rowid: a.rowid,
            extraction: &a.extraction,
            facts: &a.facts,
            asked: &a.asked,
        })
        .collect();
    store
        .save_annotations(key, &annotations)
        .context("saving annotations failed; what was saved stays, re-run load to resume")?;
    loaded.saved += batch.len() as u64;
    covered.extend(batch.iter().map(|a| a.rowid));
    batch.clear();
    Ok(())
}

/// A progress bar over `rows` rows of a dataset; hidden when stderr is not a
/// terminal (indicatif checks) or with --quiet.
fn rows_bar(rows: u64, what: &str, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    ProgressBar::new(rows).with_style(
        ProgressStyle::with_template(&format!(
            "loading {what} [{{bar:30}}] {{pos}}/{{len}}, eta {{eta}} · {{msg}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exported_articles_table_is_a_dataset_load_reads() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let table = dateline_tables::ParquetTable::new(
            &ARTICLE_COLUMNS,
            file.reopen().unwrap(),
            dateline_tables::BATCH_ROWS,
        )
        .unwrap();
        table.finish().unwrap();
        let builder = open_parquet(file.path()).unwrap();
        let columns: Vec<(&str, Kind)> = ARTICLE_COLUMNS.iter().map(|c| (c.name, c.kind)).collect();
        check_columns(builder.schema(), &columns).unwrap();
    }

    #[test]
    fn date32_days_are_civil_dates() {
        assert_eq!(date_of_days(0), Some(jiff::civil::date(1970, 1, 1)));
        assert_eq!(date_of_days(22343), Some(jiff::civil::date(2031, 3, 5)));
        assert_eq!(date_of_days(-1), Some(jiff::civil::date(1969, 12, 31)));
        assert_eq!(date_of_days(i32::MAX), None);
    }
}
