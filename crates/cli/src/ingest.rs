//! `dateline ingest` and `dateline extract`.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::Context;
use dateline_actors::Dictionary;
use dateline_core::Extraction;
use dateline_ingest::{Item, read_paths};
use dateline_store::{AddOutcome, Store};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::InputArgs;
use crate::built_with::StoreDictionaries;

/// What an ingest did, for the summary line.
#[derive(Debug, Default)]
struct Tally {
    read: u64,
    new: u64,
    duplicate: u64,
    near_duplicate: u64,
    already_stored: u64,
    rejected: u64,
    /// Rejections by reason (the message without its location), for the summary.
    reasons: BTreeMap<String, u64>,
    /// The first few rejections in full, with their locations.
    errors: Vec<String>,
}

pub fn ingest(
    paths: &[PathBuf],
    input: &InputArgs,
    db: &Path,
    quiet: bool,
    extract: bool,
    forget_actors: bool,
) -> anyhow::Result<ExitCode> {
    let mut store =
        Store::open(db).with_context(|| format!("cannot open store {}", db.display()))?;
    // Read before storing, so that a broken --actors file stops us first.
    let dictionaries = extract
        .then(|| StoreDictionaries::for_store(input, &store, forget_actors))
        .transpose()?;
    let bytes_read = Arc::new(AtomicU64::new(0));
    let mut opts = input.read_options();
    opts.bytes_read = Some(Arc::clone(&bytes_read));
    let progress = progress_bar(paths, &opts, quiet);
    let started = Instant::now();
    let (tally, summary) = store_items(&mut store, &progress, &bytes_read, |sink| {
        read_paths(paths, &opts, sink)
    })?;
    let counts = store.counts()?;
    // A bulk load (≥ 10% of the store, and not a handful) leaves many index segments;
    // merging them once keeps search latency low. Small top-ups skip it.
    if tally.new >= 1000 && tally.new * 10 >= counts.articles {
        progress.suspend(|| eprintln!("optimizing the search index …"));
        store.optimize_search_index()?;
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "read {} · new {} · duplicate {} ({} near, {} already stored) · rejected {}  [{} files, {:.1}s; store now {} articles]",
        tally.read,
        tally.new,
        tally.duplicate + tally.already_stored,
        tally.near_duplicate,
        tally.already_stored,
        tally.rejected,
        summary.files_read,
        seconds,
        counts.articles,
    );
    for (reason, n) in &tally.reasons {
        eprintln!("  rejected {n} × {reason}");
    }
    if let Some(dictionaries) = dictionaries {
        dictionaries.remember(&store)?;
        annotate_pending(&mut store, &dictionaries.dictionary, quiet)?;
    }
    store.refresh_statistics()?;
    Ok(if tally.rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Stores every article `read` produces, counting what happened to each, and
/// stops at the first failed write. What was committed before a failure stays, so
/// a re-run resumes.
fn store_items<R>(
    store: &mut Store,
    progress: &ProgressBar,
    bytes_read: &AtomicU64,
    read: impl FnOnce(&mut dyn FnMut(Item) -> ControlFlow<()>) -> R,
) -> anyhow::Result<(Tally, R)> {
    let mut tally = Tally::default();
    let mut failure: Option<anyhow::Error> = None;
    let mut writer = store.writer()?;
    let summary = read(&mut |item: Item| {
        match item {
            Ok(article) => {
                tally.read += 1;
                match writer.add(&article) {
                    Ok(AddOutcome::New) => tally.new += 1,
                    Ok(AddOutcome::Duplicate { exact, .. }) => {
                        tally.duplicate += 1;
                        tally.near_duplicate += u64::from(!exact);
                    }
                    Ok(AddOutcome::AlreadyStored) => tally.already_stored += 1,
                    Ok(AddOutcome::IdConflict) => {
                        reject(
                            progress,
                            &mut tally,
                            format!(
                                "id {:?} is already stored with different text; kept the stored article",
                                article.id
                            ),
                            "id already stored with different text",
                        );
                    }
                    Err(e) => {
                        // Stop reading: nothing more can be stored, and what was
                        // committed stays valid for a re-run to resume from.
                        failure = Some(anyhow::Error::new(e).context("storing failed"));
                        return ControlFlow::Break(());
                    }
                }
            }
            Err(error) => {
                tally.read += 1;
                reject(progress, &mut tally, error.to_string(), &error.message);
            }
        }
        progress.set_position(bytes_read.load(Ordering::Relaxed));
        progress.set_message(format!("{} new, {} rejected", tally.new, tally.rejected));
        ControlFlow::Continue(())
    });
    writer.finish()?;
    progress.finish_and_clear();
    if let Some(e) = failure {
        return Err(e.context(
            "ingest stopped; everything before the failing article is stored, re-run to resume",
        ));
    }
    Ok((tally, summary))
}

/// The write path of `dateline serve --token`: a JSON Lines body (or `--format`)
/// is stored and annotated like `dateline ingest -`. Posts are taken one at a time.
/// A body with bad records is refused with their file lines (`<request>:N`), after
/// the good ones are stored, as an ingest would.
pub fn body_ingester(
    db: &Path,
    input: &InputArgs,
    forget_actors: bool,
) -> anyhow::Result<Arc<dateline_server::IngestFn>> {
    let dictionaries = {
        let store =
            Store::open(db).with_context(|| format!("cannot open store {}", db.display()))?;
        StoreDictionaries::for_store(input, &store, forget_actors)?
    };
    let opts = input.read_options();
    let db = db.to_path_buf();
    let one_at_a_time = std::sync::Mutex::new(());
    Ok(Arc::new(move |body: &[u8]| {
        let _turn = one_at_a_time.lock().unwrap_or_else(|e| e.into_inner());
        let mut store = Store::open(&db).map_err(|e| e.to_string())?;
        let bytes_read = AtomicU64::new(0);
        let (tally, _) = store_items(&mut store, &ProgressBar::hidden(), &bytes_read, |sink| {
            dateline_ingest::read_reader(Path::new("<request>"), Box::new(body), &opts, sink)
        })
        .map_err(|e| format!("{e:#}"))?;
        dictionaries
            .remember(&store)
            .map_err(|e| format!("{e:#}"))?;
        annotate_pending(&mut store, &dictionaries.dictionary, true)
            .map_err(|e| format!("{e:#}"))?;
        store.refresh_statistics().map_err(|e| e.to_string())?;
        let summary = serde_json::json!({
            "read": tally.read,
            "new": tally.new,
            "duplicate": tally.duplicate + tally.already_stored,
            "rejected": tally.rejected,
        });
        if tally.rejected > 0 {
            return Err(format!(
                "{} of {} records rejected ({} stored): {}",
                tally.rejected,
                tally.read,
                tally.new,
                tally.errors.join("; ")
            ));
        }
        Ok(summary)
    }))
}

/// Articles annotated per transaction: small enough that an interrupted ingest
/// loses little, large enough to keep both cores busy between commits.
const ANNOTATE_BATCH: usize = 64;

/// Runs the extraction pipeline over every stored article not yet annotated by this
/// pipeline with these dictionaries (new ones, and any an interrupted run, an older
/// dateline or other `--actors` files left), on all cores, and stores mentions and
/// actors batch by batch.
fn annotate_pending(store: &mut Store, dictionary: &Dictionary, quiet: bool) -> anyhow::Result<()> {
    // What makes these annotations: the pipeline and the dictionaries. Articles
    // annotated under anything else (an older dateline, other --actors files) are
    // annotated again.
    let key = dateline_core::content_hash(&format!(
        "{} {}",
        dateline_extract::PIPELINE_VERSION,
        dictionary.fingerprint()
    ));
    let pending = store.count_pending_extraction(key)?;
    if pending == 0 {
        return Ok(());
    }
    let started = Instant::now();
    let progress = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(pending).with_style(
            ProgressStyle::with_template("annotating [{bar:30}] {pos}/{len} articles, eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        )
    };
    let (mut articles, mut mentions, mut linked) = (0u64, 0u64, 0u64);
    loop {
        let batch = store.pending_extraction(key, ANNOTATE_BATCH)?;
        if batch.is_empty() {
            break;
        }
        let done: Vec<(i64, Extraction)> = batch
            .into_par_iter()
            .map(|(rowid, article)| {
                (
                    rowid,
                    dateline_extract::extract_with(
                        article,
                        dateline_extract::Dictionaries::with_actors(dictionary),
                    ),
                )
            })
            .collect();
        for (_, extraction) in &done {
            mentions += extraction.mentions.len() as u64;
            linked += extraction
                .mentions
                .iter()
                .filter(|m| m.actor_id.is_some())
                .count() as u64;
        }
        articles += done.len() as u64;
        store
            .save_extractions(key, &done)
            .context("storing annotations failed; re-run ingest to resume")?;
        progress.inc(done.len() as u64);
    }
    progress.finish_and_clear();
    eprintln!(
        "annotated {articles} articles · {mentions} mentions, {linked} linked to actors  [{:.1}s]",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn reject(progress: &ProgressBar, tally: &mut Tally, full: String, reason: &str) {
    tally.rejected += 1;
    *tally.reasons.entry(reason_key(reason)).or_default() += 1;
    progress.suspend(|| eprintln!("rejected: {full}"));
    if tally.errors.len() < 20 {
        tally.errors.push(full);
    }
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

/// A byte-level progress bar over all input files; hidden when stderr is not a
/// terminal (indicatif checks) or with --quiet.
fn progress_bar(
    paths: &[PathBuf],
    opts: &dateline_ingest::ReadOptions,
    quiet: bool,
) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(dateline_ingest::input_bytes(paths, opts));
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta} · {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

pub fn extract(paths: &[PathBuf], input: &InputArgs, conllu: bool) -> anyhow::Result<ExitCode> {
    let opts = input.read_options();
    let dictionary = input.dictionary()?;
    let stdout = std::io::stdout().lock();
    let mut out = BufWriter::new(stdout);
    let mut rejected = 0u64;
    let mut failure: Option<std::io::Error> = None;
    read_paths(paths, &opts, &mut |item: Item| {
        match item {
            Ok(article) if conllu => {
                if let Err(e) = out.write_all(dateline_extract::conllu(article).as_bytes()) {
                    failure = Some(e);
                    return ControlFlow::Break(());
                }
            }
            Ok(article) => {
                let extraction = dateline_extract::extract_with(
                    article,
                    dateline_extract::Dictionaries::with_actors(&dictionary),
                );
                let written = serde_json::to_writer(&mut out, &extraction)
                    .map_err(std::io::Error::from)
                    .and_then(|()| out.write_all(b"\n"));
                if let Err(e) = written {
                    failure = Some(e);
                    return ControlFlow::Break(());
                }
            }
            Err(error) => {
                rejected += 1;
                eprintln!("rejected: {error}");
            }
        }
        ControlFlow::Continue(())
    });
    if let Some(e) = failure {
        // A closed pipe (`| head`) is the reader's choice, not our failure.
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(e).context("writing output failed");
    }
    out.flush().context("writing output failed")?;
    Ok(if rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
