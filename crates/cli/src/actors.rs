//! `dateline actors` and `dateline actor`: the actor registry.

use std::path::Path;
use std::process::ExitCode;

use dateline_core::ActorCode;
use dateline_store::{ActorDetail, DateWindow};

use crate::terminal::{shown, truncate};
use crate::{WindowArgs, open_existing};

pub fn list(
    query: Option<&str>,
    window: &WindowArgs,
    limit: usize,
    json: bool,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    let window = window.window();
    let actors = store.actors(query, &window, limit)?;
    if actors.is_empty() {
        eprintln!(
            "no actors{}",
            query.map(|q| format!(" match {q:?}")).unwrap_or_default()
        );
    }
    if !json {
        println!(
            "{:<28} {:<28} {:<12} {:<10} {:>8} {:>8}  seen",
            "id", "name", "kind", "code", "mentions", "articles"
        );
    }
    for actor in actors {
        let Some(detail) = store.actor(&actor.id, &window)? else {
            continue;
        };
        if json {
            println!("{}", serde_json::to_string(&detail)?);
            continue;
        }
        let s = &detail.summary;
        println!(
            "{:<28} {:<28} {:<12} {:<10} {:>8} {:>8}  {} – {}",
            truncate(&s.id, 28),
            truncate(&s.name, 28),
            s.kind,
            current_code(&s.codes, s.last_seen).unwrap_or("-"),
            s.mentions,
            s.articles,
            s.first_seen,
            s.last_seen
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show(name: &str, window: &WindowArgs, json: bool, db: &Path) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    let window = window.window();
    let id = match dateline_query::lookup_actor(&store, name, &window)? {
        dateline_query::ActorLookup::One { id } => id,
        dateline_query::ActorLookup::Several { candidates } => {
            eprintln!(
                "{} actors go by {name:?}{}; ask again by id (`dateline actor ID`):",
                candidates.len(),
                as_of_note(&window)
            );
            if json {
                for c in &candidates {
                    println!("{}", serde_json::to_string(c)?);
                }
            } else {
                for (n, c) in candidates.iter().enumerate() {
                    println!(
                        "{:>3}. {}  ({}, id {})  {} mentions in {} articles, {} – {}",
                        n + 1,
                        shown(&c.name),
                        c.kind,
                        shown(&c.id),
                        c.mentions,
                        c.articles,
                        c.first_seen,
                        c.last_seen
                    );
                }
            }
            return Ok(ExitCode::from(1));
        }
        dateline_query::ActorLookup::None => {
            eprintln!(
                "no actor called {name:?} in the store{}",
                as_of_note(&window)
            );
            return Ok(ExitCode::from(1));
        }
    };
    let Some(detail) = store.actor(&id, &window)? else {
        eprintln!(
            "no actor called {name:?} in the store{}",
            as_of_note(&window)
        );
        return Ok(ExitCode::from(1));
    };
    if json {
        println!("{}", serde_json::to_string(&detail)?);
    } else {
        print_detail(&detail);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_detail(detail: &ActorDetail) {
    let s = &detail.summary;
    println!("{}  ({}, id {})", shown(&s.name), s.kind, shown(&s.id));
    println!(
        "  mentions {} in {} articles, {} – {}",
        s.mentions, s.articles, s.first_seen, s.last_seen
    );
    if !s.codes.is_empty() {
        println!("  codes:");
        for code in &s.codes {
            let from = code
                .from
                .map(|d| d.to_string())
                .unwrap_or_else(|| "…".into());
            let to = code.to.map(|d| d.to_string()).unwrap_or_else(|| "…".into());
            println!("    {:<12} {from} – {to}", shown(&code.code));
        }
    }
    if !detail.aliases.is_empty() {
        println!("  names used:");
        for (alias, n) in detail.aliases.iter().zip(&detail.alias_mentions) {
            println!("    {n:>5}  {}", shown(alias));
        }
    }
}

/// The code that holds on `date` (first covering role, as the dictionaries resolve),
/// else the latest one the articles gave.
fn current_code(codes: &[ActorCode], date: dateline_core::Date) -> Option<&str> {
    codes
        .iter()
        .find(|c| c.from.is_none_or(|f| f <= date) && c.to.is_none_or(|t| date < t))
        .or_else(|| codes.iter().max_by_key(|c| c.to))
        .map(|c| c.code.as_str())
}

fn as_of_note(window: &DateWindow) -> String {
    window
        .as_of
        .map(|d| format!(" as of {d}"))
        .unwrap_or_default()
}
