//! `dateline search`.

use std::path::Path;
use std::process::ExitCode;

use dateline_store::{ArticleSearch, SearchQuery, StoreError};

use crate::open_existing;
use crate::terminal::{shown, truncate};

pub fn search(query: &SearchQuery, json: bool, db: &Path) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    let hits = match store.search(query) {
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
        eprintln!("no articles match {:?}", query.text);
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
            shown(title),
            shown(&dup)
        );
        println!("            {}", shown(&hit.snippet.replace('\n', " ")));
        println!("            id {}", shown(&hit.id));
    }
    Ok(ExitCode::SUCCESS)
}
