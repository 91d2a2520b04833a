//! `dateline statements`: who said what, filtered by speaker, subject, outlet, kind
//! and date.

use std::path::Path;
use std::process::ExitCode;

use dateline_core::Statement;
use dateline_store::{ActorFilter, StatementQuery};

use crate::terminal::truncate;
use crate::{WindowArgs, open_existing};
use dateline_query::actor_filter;

/// The filters as the command line gives them.
#[derive(clap::Args)]
pub struct StatementArgs {
    /// Said by this actor: an id, a name or alias, or a CAMEO code prefix in
    /// capitals (RUS also finds RUSGOV speakers).
    #[arg(long)]
    speaker: Option<String>,
    /// About this actor (same forms as --speaker).
    #[arg(long)]
    about: Option<String>,
    /// Relayed by this outlet ("The Independent reported", "told Izvestia").
    #[arg(long)]
    via: Option<String>,
    /// Only this kind.
    #[arg(long, value_parser = ["direct", "indirect", "mixed"])]
    kind: Option<String>,
    #[command(flatten)]
    window: WindowArgs,
    /// Most statements to show.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// JSON Lines on stdout (one `Statement` a line) instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn list(args: &StatementArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    let window = args.window.window();
    let resolve = |name: &Option<String>| {
        name.as_deref()
            .map(|name| actor_filter(&store, name, &window))
            .transpose()
    };
    let query = StatementQuery {
        speaker: resolve(&args.speaker)?,
        about: resolve(&args.about)?,
        via: args.via.clone(),
        kind: args.kind.clone(),
        window,
        limit: Some(args.limit),
        ..StatementQuery::default()
    };
    if let Some(ActorFilter::Name(name)) = &query.about {
        eprintln!("no actor called {name:?} in the store; --about needs a linked actor");
    }
    let statements = store.statements(&query)?;
    if statements.is_empty() {
        eprintln!("no statements match");
        return Ok(ExitCode::SUCCESS);
    }
    if args.json {
        for s in &statements {
            println!("{}", serde_json::to_string(s)?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<10} {:<10} {:<8} {:<24} {:<16} content",
        "date", "said on", "kind", "speaker", "via"
    );
    for s in &statements {
        println!(
            "{:<10} {:<10} {:<8} {:<24} {:<16} {}",
            s.date,
            s.said_on
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into()),
            s.kind,
            truncate(&speaker(s), 24),
            truncate(s.via.as_ref().map_or("-", |v| v.name.as_str()), 16),
            truncate(&one_line(&s.content.text), 72)
        );
    }
    if statements.len() == args.limit {
        eprintln!("(first {} shown; --limit N for more)", args.limit);
    }
    Ok(ExitCode::SUCCESS)
}

/// The speaker as a reader would name them: the name, the description of an
/// anonymous source, or what a pronoun or title stood for.
fn speaker(s: &Statement) -> String {
    match (&s.speaker.description, s.speaker.anonymous) {
        (Some(description), true) => format!("({description})"),
        _ => s.speaker.name.clone(),
    }
}

/// Paragraph breaks inside a quote would break the table's rows.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
