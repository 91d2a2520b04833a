//! `dateline export` and `dateline check`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use dateline_core::Article;

use crate::{WindowArgs, open_existing};

/// Writes `DIR/articles.<format>` (more tables join as they arrive). The file is
/// written under a temporary name and renamed, so a reader never sees half of it.
pub fn export(
    out: &Path,
    format: &str,
    window: &WindowArgs,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let target = out.join(format!("articles.{format}"));
    let partial = out.join(format!(".articles.{format}.partial"));
    let file =
        File::create(&partial).with_context(|| format!("cannot write {}", partial.display()))?;
    let mut sink = BufWriter::new(file);
    let count = match format {
        "csv" => {
            let mut csv = csv::Writer::from_writer(&mut sink);
            csv.write_record([
                "id", "date", "title", "source", "url", "lang", "dup_of", "meta", "text",
            ])?;
            let n = store.for_each_article(&window.window(), |a| {
                csv.write_record(csv_row(&a)).map_err(std::io::Error::other)
            })?;
            csv.flush()?;
            n
        }
        _ => store.for_each_article(&window.window(), |a| {
            serde_json::to_writer(&mut sink, &a)?;
            sink.write_all(b"\n")
        })?,
    };
    sink.flush()?;
    drop(sink);
    std::fs::rename(&partial, &target)?;
    eprintln!("wrote {count} articles to {}", target.display());
    Ok(ExitCode::SUCCESS)
}

fn csv_row(a: &Article) -> [String; 9] {
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
