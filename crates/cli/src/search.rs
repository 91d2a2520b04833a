//! `dateline search`.

use std::path::Path;
use std::process::ExitCode;

use dateline_store::{ArticleSearch, SearchQuery, StoreError};

use crate::{WindowArgs, open_existing};

pub fn search(
    text: &str,
    window: &WindowArgs,
    limit: usize,
    json: bool,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    let query = SearchQuery {
        text: text.to_string(),
        window: window.window(),
        limit,
        offset: 0,
    };
    let hits = match store.search(&query) {
        Ok(hits) => hits,
        Err(StoreError::Query(message)) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    if json {
        for hit in &hits {
            println!("{}", serde_json::to_string(hit)?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if hits.is_empty() {
        eprintln!("no articles match {text:?}");
    }
    for hit in &hits {
        let title = hit.title.as_deref().unwrap_or("(untitled)");
        let source = hit.source.as_deref().unwrap_or("-");
        let dup = hit
            .dup_of
            .as_deref()
            .map(|d| format!("  [copy of {d}]"))
            .unwrap_or_default();
        println!(
            "{}  {:<22}  {}{}",
            hit.date,
            truncate(source, 22),
            title,
            dup
        );
        println!("            {}", hit.snippet.replace('\n', " "));
        println!("            id {}", hit.id);
    }
    Ok(ExitCode::SUCCESS)
}

/// At most `width` characters, with `…` where it was cut.
pub(crate) fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let cut: String = text.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}
