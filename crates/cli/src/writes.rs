//! The write side of `dateline serve --token`: a POSTed body is stored at once and
//! answered; one background worker annotates what is pending.
//!
//! Annotation is the slow part of a write (seconds for a batch, and it re-annotates
//! later articles when a late one changes what was known). Done inside the request,
//! one large POST made every later POST wait behind it, and a POST during an ingest
//! annotated the ingest's articles too. So a POST only stores (a quick transaction),
//! wakes the worker, and says how many articles wait; `GET /api/status` shows the
//! worker's progress.
//!
//! The worker annotates with the dictionaries the store remembers, read again on every
//! run: a server and an `ingest --actors FILE` on one store then agree on one key
//! instead of re-annotating each other's articles in turn. The server's own
//! `--actors`/`--forget-actors` is an explicit change, remembered once at start. The
//! worker uses half the cores, so readers keep the rest.

use std::path::Path;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use dateline_pipeline::{ActorFiles, Annotated, StoreDictionaries};
use dateline_server::{IngestFn, StatusFn};
use dateline_store::Store;

use crate::InputArgs;
use crate::ingest::store_dictionaries;

/// What the worker is doing, for `GET /api/status` and POST answers.
#[derive(Debug, Default)]
struct Progress {
    /// Articles stored by POSTs since the worker last looked.
    queued: u64,
    /// Articles the current run has still to annotate.
    pending: u64,
    running: bool,
    /// Articles annotated since the server started.
    annotated: u64,
    last_error: Option<String>,
}

impl Progress {
    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "annotating": self.running,
            "pending": self.pending + self.queued,
            "annotated_since_start": self.annotated,
            "last_error": self.last_error,
        })
    }
}

/// Starts the worker; returns the write path and the status the server answers with.
pub fn start(
    db: &Path,
    input: &InputArgs,
    forget_actors: bool,
) -> anyhow::Result<(Arc<IngestFn>, Arc<StatusFn>)> {
    {
        let actor_files = ActorFiles::read(&input.actor_files)?;
        let store =
            Store::open(db).with_context(|| format!("cannot open store {}", db.display()))?;
        store_dictionaries(&actor_files, &store, forget_actors)?.remember(&store)?;
    }
    let progress = Arc::new(Mutex::new(Progress::default()));
    let (wake, woken) = std::sync::mpsc::channel();
    {
        let (db, progress, wake) = (db.to_path_buf(), Arc::clone(&progress), wake.clone());
        std::thread::Builder::new()
            .name("annotator".into())
            .spawn(move || annotator(&db, &progress, &woken, &wake))
            .context("cannot start the annotation worker")?;
    }
    // Articles left pending by an earlier run or another process are annotated now.
    let _ = wake.send(());
    let opts = input.read_options();
    let db = db.to_path_buf();
    let one_at_a_time = Mutex::new(wake);
    let shown = Arc::clone(&progress);
    let ingest = move |body: &[u8]| {
        let wake = one_at_a_time.lock().unwrap_or_else(|e| e.into_inner());
        let mut store = Store::open(&db).map_err(|e| e.to_string())?;
        let (tally, _) = dateline_pipeline::store_articles(
            &mut store,
            |sink| {
                dateline_ingest::read_reader(Path::new("<request>"), Box::new(body), &opts, sink)
            },
            |_, _| {},
        )
        .map_err(|e| e.to_string())?;
        let pending = {
            let mut progress = lock(&progress);
            progress.queued += tally.new;
            progress.pending + progress.queued
        };
        let _ = wake.send(());
        if tally.rejected > 0 {
            return Err(format!(
                "{} of {} records rejected ({} stored): {}",
                tally.rejected,
                tally.read,
                tally.new,
                tally.errors.join("; ")
            ));
        }
        Ok(serde_json::json!({
            "read": tally.read,
            "new": tally.new,
            "duplicate": tally.duplicate + tally.already_stored,
            "rejected": tally.rejected,
            "pending_annotation": pending,
            "status": "/api/status",
        }))
    };
    Ok((Arc::new(ingest), Arc::new(move || lock(&shown).json())))
}

fn lock(progress: &Mutex<Progress>) -> std::sync::MutexGuard<'_, Progress> {
    progress.lock().unwrap_or_else(|e| e.into_inner())
}

/// Waits to be woken, then annotates until nothing is pending; a failed run (the
/// store busy past its timeout, a full disk) is recorded and tried again shortly.
fn annotator(db: &Path, progress: &Mutex<Progress>, woken: &Receiver<()>, wake: &Sender<()>) {
    let threads = std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1));
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool,
        Err(e) => {
            lock(progress).last_error = Some(format!("cannot start annotation threads: {e}"));
            return;
        }
    };
    let mut dictionaries: Option<(Option<String>, StoreDictionaries)> = None;
    while woken.recv().is_ok() {
        while woken.try_recv().is_ok() {}
        let run = pool.install(|| annotate_run(db, progress, &mut dictionaries));
        let mut shown = lock(progress);
        shown.running = false;
        shown.pending = 0;
        match run {
            Ok(()) => shown.last_error = None,
            Err(e) => {
                let message = format!("{e:#}");
                eprintln!("dateline serve: annotation failed, retrying in 5 s: {message}");
                shown.last_error = Some(message);
                drop(shown);
                let wake = wake.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_secs(5));
                    let _ = wake.send(());
                });
            }
        }
    }
}

fn annotate_run(
    db: &Path,
    progress: &Mutex<Progress>,
    cached: &mut Option<(Option<String>, StoreDictionaries)>,
) -> anyhow::Result<()> {
    let mut store = Store::open(db)?;
    let mut annotated = 0;
    // Until a whole run ends with the dictionaries it started with: an ingest may
    // change them (`--actors`) while this run works, and then what it did is stale.
    loop {
        let remembered = StoreDictionaries::remembered(&store)?;
        // Build the dictionaries again only when the store's changed.
        if cached.as_ref().is_none_or(|(seen, _)| *seen != remembered) {
            let (dictionaries, _) =
                StoreDictionaries::for_store(&ActorFiles::default(), &store, false)?;
            *cached = Some((remembered.clone(), dictionaries));
        }
        let Some((_, dictionaries)) = cached.as_ref() else {
            unreachable!("set above")
        };
        annotated += annotate_with(&mut store, dictionaries, progress)?;
        if StoreDictionaries::remembered(&store)? == remembered {
            break;
        }
    }
    if annotated > 0 {
        store.refresh_statistics()?;
    }
    store.checkpoint()?;
    Ok(())
}

/// Annotates what is pending with `dictionaries`; returns how many articles.
fn annotate_with(
    store: &mut Store,
    dictionaries: &StoreDictionaries,
    progress: &Mutex<Progress>,
) -> anyhow::Result<u64> {
    let pending = dateline_pipeline::count_pending(store, &dictionaries.dictionary)?;
    {
        let mut shown = lock(progress);
        shown.queued = 0;
        shown.pending = pending;
        shown.running = pending > 0;
    }
    if pending == 0 {
        // Stories of a store made before they were kept, or a pass cut short.
        dateline_pipeline::update_stories(store)?;
        return Ok(0);
    }
    let mut counted = 0;
    let done = dateline_pipeline::annotate_pending(
        store,
        &dictionaries.dictionary,
        |done: &Annotated| {
            let mut shown = lock(progress);
            shown.pending = (pending + done.reannotated).saturating_sub(done.articles);
            shown.annotated += done.articles - counted;
            counted = done.articles;
        },
    )?;
    lock(progress).annotated += done.articles - counted;
    Ok(done.articles)
}
