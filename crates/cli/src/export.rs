//! `dateline export` and `dateline check`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use dateline_core::{Article, Mention, ResolvedFrom, Statement};
use dateline_store::ActorDetail;
use dateline_store::{EventQuery, StatementQuery, StoreError};

use crate::table::{self, Cell, Column, Kind, ParquetTable};
use crate::{WindowArgs, open_existing};

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
    write_table(out, "events", format, &crate::events::COLUMNS, |each| {
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

const ARTICLE_COLUMNS: [Column<Article>; 9] = [
    Column {
        name: "id",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.id),
    },
    Column {
        name: "date",
        kind: Kind::Date,
        cell: |a| Cell::Date(a.date),
    },
    Column {
        name: "title",
        kind: Kind::Text,
        cell: |a| Cell::opt(a.title.as_deref()),
    },
    Column {
        name: "source",
        kind: Kind::Text,
        cell: |a| Cell::opt(a.source.as_deref()),
    },
    Column {
        name: "url",
        kind: Kind::Text,
        cell: |a| Cell::opt(a.url.as_deref()),
    },
    Column {
        name: "lang",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.lang),
    },
    Column {
        name: "dup_of",
        kind: Kind::Text,
        cell: |a| Cell::opt(a.dup_of.as_deref()),
    },
    // The input's other fields, as one JSON object.
    Column {
        name: "meta",
        kind: Kind::Text,
        cell: |a| {
            a.meta.as_ref().map_or(Cell::Null, |m| {
                Cell::Text(serde_json::Value::Object(m.clone()).to_string().into())
            })
        },
    },
    Column {
        name: "text",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.text),
    },
];

/// A statement's spans flattened to their text and offsets.
const STATEMENT_COLUMNS: [Column<Statement>; 15] = [
    Column {
        name: "id",
        kind: Kind::Text,
        cell: |s| Cell::text(&s.id),
    },
    Column {
        name: "article_id",
        kind: Kind::Text,
        cell: |s| Cell::text(&s.article_id),
    },
    Column {
        name: "date",
        kind: Kind::Date,
        cell: |s| Cell::Date(s.date),
    },
    Column {
        name: "said_on",
        kind: Kind::Date,
        cell: |s| s.said_on.map_or(Cell::Null, Cell::Date),
    },
    Column {
        name: "kind",
        kind: Kind::Text,
        cell: |s| Cell::text(&s.kind),
    },
    Column {
        name: "speaker",
        kind: Kind::Text,
        cell: |s| Cell::text(&s.speaker.name),
    },
    Column {
        name: "speaker_actor_id",
        kind: Kind::Text,
        cell: |s| Cell::opt(s.speaker.actor_id.as_deref()),
    },
    Column {
        name: "speaker_resolved_from",
        kind: Kind::Text,
        cell: |s| Cell::opt(s.speaker.resolved_from.map(ResolvedFrom::as_str)),
    },
    Column {
        name: "speaker_anonymous",
        kind: Kind::Bool,
        cell: |s| Cell::Bool(s.speaker.anonymous),
    },
    Column {
        name: "cue",
        kind: Kind::Text,
        cell: |s| Cell::text(&s.cue.text),
    },
    Column {
        name: "content_start",
        kind: Kind::Int,
        cell: |s| Cell::offset(s.content.start),
    },
    Column {
        name: "content_end",
        kind: Kind::Int,
        cell: |s| Cell::offset(s.content.end),
    },
    Column {
        name: "content",
        kind: Kind::Text,
        cell: |s| Cell::text(&s.content.text),
    },
    Column {
        name: "via",
        kind: Kind::Text,
        cell: |s| Cell::opt(s.via.as_ref().map(|v| v.name.as_str())),
    },
    Column {
        name: "about",
        kind: Kind::List(";"),
        cell: |s| Cell::List(s.about.iter().map(String::as_str).collect()),
    },
];

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
    println!("built with: {}", dateline_pipeline::describe_store(&store)?);
    Ok(ExitCode::SUCCESS)
}

/// A mention's span flattened to its offsets and text.
const MENTION_COLUMNS: [Column<Mention>; 8] = [
    Column {
        name: "article_id",
        kind: Kind::Text,
        cell: |m| Cell::text(&m.article_id),
    },
    Column {
        name: "start",
        kind: Kind::Int,
        cell: |m| Cell::offset(m.span.start),
    },
    Column {
        name: "end",
        kind: Kind::Int,
        cell: |m| Cell::offset(m.span.end),
    },
    Column {
        name: "text",
        kind: Kind::Text,
        cell: |m| Cell::text(&m.span.text),
    },
    Column {
        name: "label",
        kind: Kind::Text,
        cell: |m| Cell::text(m.label.as_str()),
    },
    Column {
        name: "actor_id",
        kind: Kind::Text,
        cell: |m| Cell::opt(m.actor_id.as_deref()),
    },
    Column {
        name: "code",
        kind: Kind::Text,
        cell: |m| Cell::opt(m.code.as_deref()),
    },
    Column {
        name: "resolved_from",
        kind: Kind::Text,
        cell: |m| Cell::opt(m.resolved_from.map(ResolvedFrom::as_str)),
    },
];

/// The actor registry: codes as JSON (each with its dates), aliases as a list.
const ACTOR_COLUMNS: [Column<ActorDetail>; 9] = [
    Column {
        name: "id",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.summary.id),
    },
    Column {
        name: "name",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.summary.name),
    },
    Column {
        name: "kind",
        kind: Kind::Text,
        cell: |a| Cell::text(&a.summary.kind),
    },
    Column {
        name: "codes",
        kind: Kind::Text,
        cell: |a| {
            Cell::Text(
                serde_json::to_string(&a.summary.codes)
                    .unwrap_or_default()
                    .into(),
            )
        },
    },
    Column {
        name: "aliases",
        kind: Kind::List(";"),
        cell: |a| Cell::List(a.aliases.iter().map(String::as_str).collect()),
    },
    Column {
        name: "mentions",
        kind: Kind::Int,
        cell: |a| Cell::Int(i64::try_from(a.summary.mentions).unwrap_or(i64::MAX)),
    },
    Column {
        name: "articles",
        kind: Kind::Int,
        cell: |a| Cell::Int(i64::try_from(a.summary.articles).unwrap_or(i64::MAX)),
    },
    Column {
        name: "first_seen",
        kind: Kind::Date,
        cell: |a| Cell::Date(a.summary.first_seen),
    },
    Column {
        name: "last_seen",
        kind: Kind::Date,
        cell: |a| Cell::Date(a.summary.last_seen),
    },
];
