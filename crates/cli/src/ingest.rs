//! `dateline ingest` and `dateline extract`.

use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::Context;
use dateline_actors::Dictionary;
use dateline_core::knowledge::Knowledge;
use dateline_ingest::{Item, Read, read_paths};
use dateline_pipeline::{ActorFiles, Annotated, StoreDictionaries, Tally};
use dateline_store::Store;
use indicatif::{ProgressBar, ProgressStyle};

use crate::InputArgs;

pub fn ingest(
    paths: &[PathBuf],
    input: &InputArgs,
    db: &Path,
    quiet: bool,
    extract: bool,
    forget_actors: bool,
) -> anyhow::Result<ExitCode> {
    // Read before opening the store, so that a missing --actors file stops us first.
    let actor_files = ActorFiles::read(&input.actor_files)?;
    let mut store =
        Store::open(db).with_context(|| format!("cannot open store {}", db.display()))?;
    let dictionaries = extract
        .then(|| store_dictionaries(&actor_files, &store, forget_actors))
        .transpose()?;
    let bytes_read = Arc::new(AtomicU64::new(0));
    let mut opts = input.read_options();
    opts.bytes_read = Some(Arc::clone(&bytes_read));
    let progress = progress_bar(paths, &opts, quiet);
    let started = Instant::now();
    let (tally, summary) = store_articles(&mut store, &progress, &bytes_read, |sink| {
        read_paths(paths, &opts, sink)
    })?;
    let counts = store.counts()?;
    optimize_after_bulk_load(&store, &tally, counts.articles, &progress)?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{}  [{} files, {:.1}s; store now {} articles]",
        tally_summary(&tally),
        summary.files_read,
        seconds,
        counts.articles,
    );
    print_rejections(&tally);
    if let Some(dictionaries) = dictionaries {
        dictionaries.remember(&store)?;
        annotate_pending(&mut store, &dictionaries.dictionary, quiet, "ingest")?;
    }
    store.refresh_statistics()?;
    store.checkpoint()?;
    Ok(if tally.rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What storing did, as `ingest` and `load` print it: read, new, duplicate, rejected.
pub(crate) fn tally_summary(tally: &Tally) -> String {
    format!(
        "read {} · new {} · duplicate {} ({} near, {} already stored) · rejected {}",
        tally.read,
        tally.new,
        tally.duplicate + tally.already_stored,
        tally.near_duplicate,
        tally.already_stored,
        tally.rejected,
    )
}

/// One line per reason records were rejected, with how many.
pub(crate) fn print_rejections(tally: &Tally) {
    for (reason, n) in &tally.reasons {
        eprintln!("  rejected {n} × {reason}");
    }
}

/// A bulk load (≥ 10% of the store, and not a handful) leaves many index segments;
/// merging them once keeps search latency low. Small top-ups skip it.
pub(crate) fn optimize_after_bulk_load(
    store: &Store,
    tally: &Tally,
    stored: u64,
    progress: &ProgressBar,
) -> anyhow::Result<()> {
    if tally.new >= 1000 && tally.new * 10 >= stored {
        progress.suspend(|| eprintln!("optimizing the search index …"));
        store.optimize_search_index()?;
    }
    Ok(())
}

/// The dictionaries a store is annotated with ([`StoreDictionaries::for_store`]),
/// with what the person should know about them on stderr.
pub(crate) fn store_dictionaries(
    actor_files: &ActorFiles,
    store: &Store,
    forget_actors: bool,
) -> anyhow::Result<StoreDictionaries> {
    let (dictionaries, notices) = StoreDictionaries::for_store(actor_files, store, forget_actors)?;
    for notice in notices {
        eprintln!("{notice}");
    }
    Ok(dictionaries)
}

/// [`dateline_pipeline::store_articles`] with the progress bar moving (to what
/// `position` says: bytes or rows read) and each rejection printed above it.
pub(crate) fn store_articles<R>(
    store: &mut Store,
    progress: &ProgressBar,
    position: &AtomicU64,
    read: impl FnOnce(&mut dyn FnMut(Item) -> ControlFlow<()>) -> R,
) -> anyhow::Result<(Tally, R)> {
    let stored = dateline_pipeline::store_articles(store, read, |tally, rejection| {
        if let Some(full) = rejection {
            progress.suspend(|| eprintln!("rejected: {full}"));
        }
        progress.set_position(position.load(Ordering::Relaxed));
        progress.set_message(format!("{} new, {} rejected", tally.new, tally.rejected));
    });
    progress.finish_and_clear();
    stored.context(
        "storing failed; everything before the failing article is stored: fix the cause below and re-run to resume",
    )
}

/// [`dateline_pipeline::annotate_pending`] with a progress bar and a summary line
/// (none when nothing was pending); `verb` is the command a person re-runs to resume.
pub(crate) fn annotate_pending(
    store: &mut Store,
    dictionary: &Dictionary,
    quiet: bool,
    verb: &str,
) -> anyhow::Result<Annotated> {
    let pending = dateline_pipeline::count_pending(store, dictionary)?;
    let started = Instant::now();
    if pending == 0 {
        // A store made before stories were kept, or a pass cut short, is brought
        // up to date here (a quick check otherwise).
        let clustered = dateline_pipeline::update_stories(store)?;
        if clustered > 0 {
            eprintln!(
                "placed {clustered} articles in stories  [{:.1}s]",
                started.elapsed().as_secs_f64()
            );
        }
        return Ok(Annotated {
            clustered,
            ..Annotated::default()
        });
    }
    let progress = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(pending).with_style(
            ProgressStyle::with_template("annotating [{bar:30}] {pos}/{len} articles, eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        )
    };
    let done = dateline_pipeline::annotate_pending(store, dictionary, |done| {
        progress.set_length(pending + done.reannotated);
        progress.set_position(done.articles)
    })
    .with_context(|| format!("storing annotations failed; what was annotated is kept: fix the cause below and re-run {verb} to resume"))?;
    progress.finish_and_clear();
    let again = match done.reannotated {
        0 => String::new(),
        n => format!(" ({n} later articles again, with what earlier-dated new ones said)"),
    };
    let cut = match done.cut {
        0 => String::new(),
        n => format!(
            " · {n} longer than {} MiB annotated up to that limit only (whole text stored)",
            dateline_core::MAX_ANNOTATED_BYTES >> 20
        ),
    };
    let stories = match done.clustered {
        0 => String::new(),
        n => format!(" · {n} placed in stories"),
    };
    eprintln!(
        "annotated {} articles{again} · {} mentions, {} linked to actors{cut}{stories}  [{:.1}s]",
        done.articles,
        done.mentions,
        done.linked,
        started.elapsed().as_secs_f64()
    );
    Ok(done)
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

pub fn extract(
    paths: &[PathBuf],
    input: &InputArgs,
    conllu: bool,
    with_knowledge: bool,
) -> anyhow::Result<ExitCode> {
    let opts = input.read_options();
    let dictionary = input.dictionary()?;
    let dictionaries = dateline_extract::Dictionaries::with_actors(&dictionary);
    let knowledge = if with_knowledge {
        if paths.iter().any(|p| p.as_os_str() == "-") {
            anyhow::bail!(
                "--knowledge reads the input twice: give files or directories, not stdin"
            );
        }
        // First pass: what each article alone says. Rejections are reported by the
        // second pass.
        let mut facts = Vec::new();
        read_paths(paths, &opts, &mut |item: Item| {
            if let Ok(Read { article, .. }) = item {
                facts.extend(dateline_extract::prepare(article, dictionaries).dated_facts());
            }
            ControlFlow::Continue(())
        });
        Knowledge::new(facts)
    } else {
        Knowledge::default()
    };
    let stdout = std::io::stdout().lock();
    let mut out = BufWriter::new(stdout);
    let mut rejected = 0u64;
    let mut failure: Option<std::io::Error> = None;
    read_paths(paths, &opts, &mut |item: Item| {
        match item {
            Ok(Read { article, .. }) if conllu => {
                if let Err(e) = out.write_all(dateline_extract::conllu(article).as_bytes()) {
                    failure = Some(e);
                    return ControlFlow::Break(());
                }
            }
            Ok(Read { article, .. }) => {
                if article.text.len() > dateline_core::MAX_ANNOTATED_BYTES {
                    eprintln!(
                        "note: article {}: {:.1} MiB of text, annotated up to the {} MiB limit only",
                        article.id,
                        article.text.len() as f64 / (1 << 20) as f64,
                        dateline_core::MAX_ANNOTATED_BYTES >> 20
                    );
                }
                let extraction = dateline_extract::prepare(article, dictionaries)
                    .complete(dictionaries, &knowledge)
                    .extraction;
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
