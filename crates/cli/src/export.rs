//! `dateline export` and `dateline check`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use dateline_core::{Article, Statement};
use dateline_store::{EventQuery, StatementQuery, StoreError};

use crate::{WindowArgs, open_existing};

/// Writes `DIR/articles.<format>`, `DIR/statements.<format>` and
/// `DIR/events.<format>` (more tables join as they arrive). Each file is written
/// under a temporary name and renamed, so a reader never sees half of one.
pub fn export(
    out: &Path,
    format: &str,
    window: &WindowArgs,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let window = window.window();
    let csv = format == "csv";
    write_table(
        out,
        "articles",
        csv,
        &[
            "id", "date", "title", "source", "url", "lang", "dup_of", "meta", "text",
        ],
        |each| store.for_each_article(&window, each),
        |a| article_row(a).to_vec(),
    )?;
    let statements = StatementQuery {
        window,
        ..StatementQuery::default()
    };
    write_table(
        out,
        "statements",
        csv,
        &[
            "id",
            "article_id",
            "date",
            "said_on",
            "kind",
            "speaker",
            "speaker_actor_id",
            "speaker_resolved_from",
            "speaker_anonymous",
            "cue",
            "content_start",
            "content_end",
            "content",
            "via",
            "about",
        ],
        |each| store.for_each_statement(&statements, each),
        |s| statement_row(s).to_vec(),
    )?;
    let events = EventQuery {
        window,
        ..EventQuery::default()
    };
    write_table(
        out,
        "events",
        csv,
        &crate::events::CSV_HEADER,
        |each| store.for_each_event(&events, each),
        |e| crate::events::csv_row(e).to_vec(),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `DIR/NAME.jsonl` (or `.csv`, with `header` and `row`) from the records
/// `stream` hands to the callback it is given.
fn write_table<R: serde::Serialize>(
    out: &Path,
    name: &str,
    csv: bool,
    header: &[&str],
    stream: impl FnOnce(&mut dyn FnMut(R) -> std::io::Result<()>) -> Result<u64, StoreError>,
    row: impl Fn(&R) -> Vec<String>,
) -> anyhow::Result<()> {
    let format = if csv { "csv" } else { "jsonl" };
    let target = out.join(format!("{name}.{format}"));
    let partial = out.join(format!(".{name}.{format}.partial"));
    let file =
        File::create(&partial).with_context(|| format!("cannot write {}", partial.display()))?;
    let mut sink = BufWriter::new(file);
    let count = if csv {
        let mut writer = csv::Writer::from_writer(&mut sink);
        writer.write_record(header)?;
        let n = stream(&mut |r| writer.write_record(row(&r)).map_err(std::io::Error::other))?;
        writer.flush()?;
        n
    } else {
        stream(&mut |r| json_line(&mut sink, &r))?
    };
    sink.flush()?;
    drop(sink);
    std::fs::rename(&partial, &target)?;
    eprintln!("wrote {count} {name} to {}", target.display());
    Ok(())
}

fn json_line(sink: &mut impl Write, record: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *sink, record)?;
    sink.write_all(b"\n")
}

fn article_row(a: &Article) -> [String; 9] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        a.id.clone(),
        a.date.to_string(),
        opt(&a.title),
        opt(&a.source),
        opt(&a.url),
        a.lang.clone(),
        opt(&a.dup_of),
        a.meta
            .as_ref()
            .map(|m| serde_json::Value::Object(m.clone()).to_string())
            .unwrap_or_default(),
        a.text.clone(),
    ]
}

fn statement_row(s: &Statement) -> [String; 15] {
    [
        s.id.clone(),
        s.article_id.clone(),
        s.date.to_string(),
        s.said_on.map(|d| d.to_string()).unwrap_or_default(),
        s.kind.clone(),
        s.speaker.name.clone(),
        s.speaker.actor_id.clone().unwrap_or_default(),
        s.speaker.resolved_from.clone().unwrap_or_default(),
        s.speaker.anonymous.to_string(),
        s.cue.text.clone(),
        s.content.start.to_string(),
        s.content.end.to_string(),
        s.content.text.clone(),
        s.via.as_ref().map(|v| v.name.clone()).unwrap_or_default(),
        s.about.join(";"),
    ]
}

pub fn check(db: &Path) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    store
        .check_integrity()
        .context("SQLite integrity check failed")?;
    store
        .check_search_index()
        .context("full-text index does not match the articles")?;
    let counts = store.counts()?;
    println!(
        "ok: {} articles ({} marked as copies)",
        counts.articles, counts.duplicates
    );
    Ok(ExitCode::SUCCESS)
}
