//! `dateline stories`, `dateline story` and `dateline summarize`: thin shells over
//! `dateline_query::stories`.

use std::path::Path;
use std::process::ExitCode;

use dateline_core::Date;
use dateline_query::{StoriesRequest, SummarizeRequest, SummaryOf};

use crate::terminal::shown;
use crate::{WindowArgs, open_existing};

pub fn list(
    as_of: Option<Date>,
    query: Option<String>,
    json: bool,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    let stories = dateline_query::stories(
        &store,
        &StoriesRequest {
            as_of,
            query,
            members: false,
            limit: None,
        },
    )?;
    if json {
        for story in &stories {
            println!("{}", serde_json::to_string(story)?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<28} {:>8} {:<10} {:<10} title",
        "story", "articles", "first", "last"
    );
    for s in &stories {
        println!(
            "{:<28} {:>8} {:<10} {:<10} {}",
            shown(&s.id),
            s.articles,
            s.first_date,
            s.last_date,
            shown(&s.title)
        );
    }
    eprintln!("{} stories", stories.len());
    Ok(ExitCode::SUCCESS)
}

pub fn show(id: &str, as_of: Option<Date>, json: bool, db: &Path) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    let Some(story) = dateline_query::story(&store, id, as_of)? else {
        eprintln!(
            "no story {} as of {}",
            shown(id),
            as_of.map_or("now".into(), |d| d.to_string())
        );
        return Ok(ExitCode::from(1));
    };
    if json {
        println!("{}", serde_json::to_string(&story)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}  ({} articles, {} … {})",
        shown(&story.title),
        story.articles,
        story.first_date,
        story.last_date
    );
    if !story.actors.is_empty() {
        let actors: Vec<String> = story
            .actors
            .iter()
            .map(|(a, n)| format!("{} ({n})", shown(a)))
            .collect();
        println!("actors: {}", actors.join(", "));
    }
    for member in &story.members {
        if let Some(summary) = store.article_summary(member)? {
            println!(
                "{}  {:<24} {:<16} {}",
                summary.date,
                shown(&summary.id),
                shown(summary.source.as_deref().unwrap_or("")),
                shown(summary.title.as_deref().unwrap_or(""))
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn summarize(
    story: Option<String>,
    query: Option<String>,
    window: &WindowArgs,
    dates: usize,
    sentences: usize,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    let of = match (story, query) {
        (Some(id), _) => SummaryOf::Story(id),
        (None, Some(q)) => SummaryOf::Query(q),
        (None, None) => anyhow::bail!("say what to summarise: --story ID or --query Q"),
    };
    let request = SummarizeRequest {
        of: of.clone(),
        window: window.window(),
        dates,
        sentences,
    };
    let Some(summary) = dateline_query::summarize_story(&store, &request)? else {
        if let SummaryOf::Story(id) = of {
            eprintln!("no story {} in the window", shown(&id));
        }
        return Ok(ExitCode::from(1));
    };
    for date in &summary {
        println!("{}", serde_json::to_string(date)?);
    }
    if summary.is_empty() {
        eprintln!("nothing to summarise in the window");
    }
    Ok(ExitCode::SUCCESS)
}
