//! `dateline events`: who did what to whom, filtered by actor, code and date, as a
//! table, JSON Lines, CSV or GDELT 2.0 event rows.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use dateline_core::Event;
use dateline_store::EventQuery;

use crate::terminal::truncate;
use crate::{WindowArgs, open_existing};
use dateline_query::actor_filter;
use dateline_tables::{self as table, EVENT_COLUMNS as COLUMNS};

#[derive(clap::Args)]
pub struct EventArgs {
    /// Done by this actor: an id, a name or alias, or a CAMEO code prefix in
    /// capitals (RUS also finds RUSGOV).
    #[arg(long)]
    source: Option<String>,
    /// Done to this actor (same forms as --source).
    #[arg(long)]
    target: Option<String>,
    /// Only this CAMEO event code ("036").
    #[arg(long, value_parser = dateline_events::parse_code)]
    code: Option<String>,
    /// Only this root ("03").
    #[arg(long, value_parser = dateline_events::parse_root)]
    root: Option<String>,
    #[command(flatten)]
    window: WindowArgs,
    /// Most events to show.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// table (default), json (JSON Lines, one `Event` a line), csv, or gdelt (GDELT
    /// 2.0 event rows: 61 tab-separated columns, see the README).
    #[arg(long, default_value = "table", value_parser = ["table", "json", "csv", "gdelt"])]
    format: String,
    /// Same as --format json.
    #[arg(long)]
    json: bool,
}

pub fn list(args: &EventArgs, db: &Path) -> anyhow::Result<ExitCode> {
    let store = open_existing(db)?;
    let window = args.window.window();
    let resolve = |name: &Option<String>| {
        name.as_deref()
            .map(|name| actor_filter(&store, name, &window))
            .transpose()
    };
    let query = EventQuery {
        source: resolve(&args.source)?,
        target: resolve(&args.target)?,
        code: args.code.clone(),
        root: args.root.clone(),
        window,
        limit: Some(args.limit),
        ..EventQuery::default()
    };
    let events = store.events(&query)?;
    if events.is_empty() {
        eprintln!("no events match");
        return Ok(ExitCode::SUCCESS);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let format = if args.json {
        "json"
    } else {
        args.format.as_str()
    };
    match format {
        "json" => {
            for e in &events {
                serde_json::to_writer(&mut out, e)?;
                out.write_all(b"\n")?;
            }
        }
        "csv" => {
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(table::csv_header(&COLUMNS))?;
            for e in &events {
                csv.write_record(table::csv_record(&COLUMNS, e))?;
            }
            csv.flush()?;
        }
        "gdelt" => {
            for e in &events {
                writeln!(out, "{}", gdelt_row(e).join("\t"))?;
            }
        }
        _ => {
            writeln!(
                out,
                "{:<10} {:<10} {:<5} {:<14} {:<14} {:<9} evidence",
                "date", "happened", "code", "source", "target", "flags"
            )?;
            for e in &events {
                let flags = [
                    (e.negated, "not"),
                    (e.hypothetical, "maybe"),
                    (!e.conditions.is_empty(), "if"),
                    (e.reported_by.is_some(), "said"),
                ]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, f)| *f)
                .collect::<Vec<_>>()
                .join(",");
                writeln!(
                    out,
                    "{:<10} {:<10} {:<5} {:<14} {:<14} {:<9} {}",
                    e.date,
                    e.event_date,
                    e.code,
                    truncate(&e.source.code, 14),
                    truncate(e.target.as_ref().map_or("-", |t| t.code.as_str()), 14),
                    if flags.is_empty() {
                        "-".to_string()
                    } else {
                        flags
                    },
                    truncate(
                        &e.evidence
                            .text
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" "),
                        70
                    )
                )?;
            }
        }
    }
    if events.len() == args.limit {
        eprintln!("(first {} shown; --limit N for more)", args.limit);
    }
    Ok(ExitCode::SUCCESS)
}

/// One GDELT 2.0 event row (61 columns, in GDELT's order). Filled: the id (0), the
/// day, month, year and fraction of the event date (1–4), each actor's code, name
/// (its words) and country (the code's first three letters) (5–7, 15–17),
/// IsRootEvent (25: 1 when its sentence starts in the first 500 characters, the
/// lead), the event, base and root codes (26–28), quad class
/// (29), Goldstein (30), mentions/sources/articles = 1 (31–33), DATEADDED from the
/// article date (59) and the article id in place of SOURCEURL (60). Empty: the
/// group, ethnic, religion and type breakdowns, tone and every geography column.
/// Characters of an article that count as its lead for `IsRootEvent`.
const LEAD: usize = 500;

pub fn gdelt_row(e: &Event) -> Vec<String> {
    let mut row = vec![String::new(); 61];
    let day = e.event_date;
    row[0] = e.id.clone();
    row[1] = day.strftime("%Y%m%d").to_string();
    row[2] = day.strftime("%Y%m").to_string();
    row[3] = day.year().to_string();
    row[4] = format!(
        "{:.4}",
        f64::from(day.year()) + f64::from(day.day_of_year() - 1) / 365.0
    );
    let mut actor = |at: usize, code: &str, name: &str| {
        row[at] = code.to_string();
        row[at + 1] = name.to_string();
        row[at + 2] = code.get(..3).unwrap_or(code).to_string();
    };
    actor(5, &e.source.code, &e.source.span.text);
    if let Some(t) = &e.target {
        actor(15, &t.code, &t.span.text);
    }
    row[25] = if e.evidence.start < LEAD { "1" } else { "0" }.to_string();
    row[26] = e.code.clone();
    row[27] = e.code.get(..3).unwrap_or(&e.code).to_string();
    row[28] = e.root.clone();
    row[29] = e.quad_class.to_string();
    row[30] = e.goldstein.to_string();
    row[31] = "1".into();
    row[32] = "1".into();
    row[33] = "1".into();
    row[59] = format!("{}000000", e.date.strftime("%Y%m%d"));
    row[60] = e.article_id.clone();
    // Tabs or newlines in names would break the row.
    for cell in &mut row {
        if cell.contains(['\t', '\n', '\r']) {
            *cell = cell.replace(['\t', '\n', '\r'], " ");
        }
    }
    row
}
