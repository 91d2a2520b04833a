//! `dateline timeline` and `dateline serve`.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use dateline_query::{QueryError, TimelineRequest};

use crate::terminal::shown;
use crate::{InputArgs, WindowArgs, open_existing};

pub fn timeline(
    actor: &str,
    with: Option<String>,
    topic: Option<String>,
    window: &WindowArgs,
    json: bool,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    let request = TimelineRequest {
        actor: actor.to_string(),
        with,
        topic,
        window: window.window(),
    };
    let answer = match dateline_query::timeline(&store, &request) {
        Ok(answer) => answer,
        Err(e @ QueryError::UnknownActor(_)) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    if answer.timeline.entries.is_empty() {
        eprintln!("nothing in the window for {}", shown(&answer.actor.name));
        return Ok(ExitCode::SUCCESS);
    }
    if json {
        for entry in &answer.timeline.entries {
            println!("{}", serde_json::to_string(entry)?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    match &answer.with {
        Some(with) => println!("{} and {}", shown(&answer.actor.name), shown(&with.name)),
        None => println!("{}", shown(&answer.actor.name)),
    }
    println!(
        "{:<10} {:<9} {:>7} {:<32} summary",
        "date", "kind", "outlets", "stance"
    );
    for e in &answer.timeline.entries {
        let stance = e.stance.as_ref().map_or_else(String::new, |s| {
            let word = |p: i8| match p {
                -1 => "against",
                0 => "on terms",
                _ => "for",
            };
            let mark = match s.previous {
                Some(p) if s.shift => format!("SHIFT {}→{}", word(p), word(s.polarity)),
                _ => word(s.polarity).to_string(),
            };
            format!("{} {mark}", s.topic)
        });
        let mut summary = e.summary.replace('\n', " ");
        if !e.conditions.is_empty() {
            let conditions: Vec<&str> = e.conditions.iter().map(|c| c.text.as_str()).collect();
            summary.push_str(&format!(" [on condition: {}]", conditions.join("; ")));
        }
        let summary = shown(&summary);
        println!(
            "{:<10} {:<9} {:>7} {:<32} {summary}",
            e.date.to_string(),
            e.kind,
            e.outlets,
            stance
        );
    }
    if answer.truncated {
        eprintln!(
            "only the first {} statements and events are shown; narrow the dates",
            dateline_query::TIMELINE_RECORDS
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn serve(
    addr: SocketAddr,
    token: Option<String>,
    query_ms: u64,
    input: &InputArgs,
    forget_actors: bool,
    db: &Path,
) -> anyhow::Result<ExitCode> {
    // Open once here so that a missing or newer store is reported before binding.
    drop(open_existing(db)?);
    let mut options = dateline_server::Options::new(db.to_path_buf());
    options.query_time = Duration::from_millis(query_ms);
    if let Some(token) = token {
        if token.len() < 16 {
            anyhow::bail!("--token must be at least 16 characters");
        }
        options.token = Some(token);
        let (ingest, status) = crate::writes::start(db, input, forget_actors)?;
        options.ingest = Some(ingest);
        options.status = Some(status);
    }
    limit_malloc_arenas();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime
        .block_on(dateline_server::serve(addr, options, |bound| {
            eprintln!("dateline serving {} on http://{bound}/", db.display());
        }))
        .with_context(|| format!("cannot serve on {addr}"))?;
    Ok(ExitCode::SUCCESS)
}

/// glibc gives each thread that allocates under contention an arena of its own (up to
/// eight per core) and seldom returns their memory: in a 10-minute soak, the blocking
/// threads that answer requests held a dozen arenas of 40–60 MB each and the server's
/// memory climbed without levelling off. Two arenas keep it flat; the allocations
/// that matter (SQLite pages, annotation) are not contended enough to miss the rest.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning parameter of the allocator; it is called
    // before the runtime starts any thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
