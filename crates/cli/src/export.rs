//! `dateline export` and `dateline check`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use dateline_store::{EventQuery, StatementQuery, StoreError};

use crate::{WindowArgs, open_existing};
use dateline_tables::{
    self as table, ACTOR_COLUMNS, ARTICLE_COLUMNS, Column, EVENT_COLUMNS, MENTION_COLUMNS,
    ParquetTable, STATEMENT_COLUMNS,
};

/// Writes `DIR/articles.<format>`, `statements`, `events`, `mentions` and `actors`
/// (the registry as the window shows it). Each file is written under a temporary
/// name and renamed, so a reader never sees half of one.
pub fn export(
    out: &Path,
    format: &str,
    window: &WindowArgs,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let window = window.window();
    write_table(out, "articles", format, &ARTICLE_COLUMNS, |each| {
        store.for_each_article(&window, each)
    })?;
    let statements = StatementQuery {
        window,
        ..StatementQuery::default()
    };
    write_table(out, "statements", format, &STATEMENT_COLUMNS, |each| {
        store.for_each_statement(&statements, each)
    })?;
    let events = EventQuery {
        window,
        ..EventQuery::default()
    };
    write_table(out, "events", format, &EVENT_COLUMNS, |each| {
        store.for_each_event(&events, each)
    })?;
    write_table(out, "mentions", format, &MENTION_COLUMNS, |each| {
        store.for_each_mention(&window, each)
    })?;
    write_table(out, "actors", format, &ACTOR_COLUMNS, |each| {
        store.for_each_actor(&window, each)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `DIR/NAME.FORMAT` from the records `stream` hands to the callback it is
/// given: `jsonl` as the records serialize, `csv` and `parquet` by `columns`.
fn write_table<R: serde::Serialize>(
    out: &Path,
    name: &str,
    format: &str,
    columns: &[Column<R>],
    stream: impl FnOnce(&mut dyn FnMut(R) -> std::io::Result<()>) -> Result<u64, StoreError>,
) -> anyhow::Result<()> {
    let target = out.join(format!("{name}.{format}"));
    let partial = out.join(format!(".{name}.{format}.partial"));
    let file =
        File::create(&partial).with_context(|| format!("cannot write {}", partial.display()))?;
    let mut sink = BufWriter::new(file);
    let count = match format {
        "csv" => {
            let mut writer = csv::Writer::from_writer(&mut sink);
            writer.write_record(table::csv_header(columns))?;
            let n = stream(&mut |r| {
                writer
                    .write_record(table::csv_record(columns, &r))
                    .map_err(std::io::Error::other)
            })?;
            writer.flush()?;
            n
        }
        "parquet" => {
            let mut writer = ParquetTable::new(columns, &mut sink, table::BATCH_ROWS)?;
            let n = stream(&mut |r| writer.push(&r).map_err(std::io::Error::other))?;
            writer.finish()?;
            n
        }
        _ => stream(&mut |r| json_line(&mut sink, &r))?,
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

pub fn check(db: &Path) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    store
        .check_integrity()
        .context("SQLite integrity check failed")?;
    // Opening the store caught the index up, unless another process is writing it.
    let index = store.search_index_status()?;
    if index.pending == 0 && index.indexed != index.articles {
        anyhow::bail!(
            "the search index holds {} articles, the store {}; delete {} and open the store again to rebuild it",
            index.indexed,
            index.articles,
            dateline_store::index_dir(db).display()
        );
    }
    let miscounted = store.miscounted_actor_counts()?;
    if !miscounted.is_empty() {
        anyhow::bail!(
            "the kept mention counts per actor and day differ from the mentions \
             (table: key kept recounted): {}",
            miscounted.join("; ")
        );
    }
    let counts = store.counts()?;
    println!(
        "ok: {} articles ({} marked as copies)",
        counts.articles, counts.duplicates
    );
    if index.pending > 0 {
        println!(
            "search index: {} articles, {} changes still being applied by another process",
            index.indexed, index.pending
        );
    } else {
        println!("search index: {} articles, up to date", index.indexed);
    }
    println!("built with: {}", dateline_pipeline::describe_store(&store)?);
    Ok(ExitCode::SUCCESS)
}
