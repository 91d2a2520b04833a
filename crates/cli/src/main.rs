//! `dateline`: the command-line shell around the library crates.
//!
//! Argument parsing, wiring and printing only: reading inputs is `dateline-ingest`,
//! storage and queries are `dateline-store`, annotation is `dateline-extract`.
//!
//! Exit codes (`SPEC.md` §4): 0 success; 1 bad input or a failed operation (for
//! `ingest` and `extract`: at least one record was rejected, everything else was
//! still processed); 2 bad usage (unknown flag, malformed date, empty query).

mod actors;
mod bench;
mod eval;
mod eval_actors;
mod eval_events;
mod eval_quotes;
mod eval_split;
mod eval_stories;
mod eval_timelines;
mod events;
mod export;
mod ingest;
mod load;
mod search;
mod serve;
mod statements;
mod stories;
mod terminal;
mod train;
mod train_event_layer;
mod train_places;
mod train_statements;
mod writes;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dateline_core::Date;
use dateline_ingest::Format;

#[derive(Parser)]
#[command(
    name = "dateline",
    version,
    about = "Who said and did what, to whom, when, and according to whom."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Store location shared by every command that reads or writes the store.
#[derive(clap::Args, Clone)]
struct DbArg {
    /// SQLite store to use.
    #[arg(long, env = "DATELINE_DB", default_value = "dateline.db")]
    db: PathBuf,
}

/// Date filters shared by the listing commands.
#[derive(clap::Args, Clone, Default)]
struct WindowArgs {
    /// Only articles dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_parser = parse_day)]
    from: Option<Date>,
    /// Only articles dated on or before this day.
    #[arg(long, value_parser = parse_day)]
    to: Option<Date>,
    /// Only what had been published by the end of this day: nothing later, in any form.
    #[arg(long, value_parser = parse_day)]
    as_of: Option<Date>,
}

impl WindowArgs {
    fn window(&self) -> dateline_store::DateWindow {
        dateline_store::DateWindow {
            from: self.from,
            to: self.to,
            as_of: self.as_of,
        }
    }
}

/// Input options shared by `ingest` and `extract`.
#[derive(clap::Args, Clone)]
struct InputArgs {
    /// Read every input as this format instead of guessing from the extension
    /// (seed, jsonl, csv, tsv, html, warc, rss).
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// Outlet for articles whose input names none.
    #[arg(long)]
    source: Option<String>,
    /// Date for articles whose input gives none (YYYY-MM-DD).
    #[arg(long, value_parser = parse_day)]
    date: Option<Date>,
    /// An actor dictionary of your own, in the Phoenix/CAMEO format, on top of the
    /// shipped one (its names win). Repeatable.
    #[arg(long = "actors", value_name = "FILE")]
    actor_files: Vec<PathBuf>,
    /// Skip (and report) any record longer than this many MiB: a JSON Lines line, a
    /// CSV row, an HTML page, a WARC record or a whole feed.
    #[arg(long, value_name = "MIB", default_value_t = (dateline_ingest::DEFAULT_MAX_RECORD_BYTES >> 20) as u32,
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    max_record_mb: u32,
}

impl InputArgs {
    fn read_options(&self) -> dateline_ingest::ReadOptions {
        dateline_ingest::ReadOptions {
            format: self.format,
            default_date: self.date,
            default_source: self.source.clone(),
            bytes_read: None,
            max_record_bytes: (self.max_record_mb as usize) << 20,
        }
    }

    /// The shipped actor dictionary with the `--actors` files on top. Lines of those
    /// files that cannot be read are reported (file:line) and skipped.
    fn dictionary(&self) -> anyhow::Result<std::borrow::Cow<'static, dateline_actors::Dictionary>> {
        let mut dictionary = std::borrow::Cow::Borrowed(dateline_actors::shipped());
        for file in &self.actor_files {
            let (extended, problems) = dictionary.with_user_file(file)?;
            for problem in &problems {
                eprintln!("skipped {problem}");
            }
            dictionary = std::borrow::Cow::Owned(extended);
        }
        Ok(dictionary)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Read, clean, dedupe and store articles. Files, directories (walked
    /// recursively) or `-` for JSON Lines on stdin.
    Ingest {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        db: DbArg,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// Store articles without annotating them; the next ingest without this flag
        /// annotates everything still pending.
        #[arg(long)]
        no_extract: bool,
        /// Annotate with the shipped actor dictionary alone, forgetting the `--actors`
        /// files the store was built with (without this, a store keeps them).
        #[arg(long, conflicts_with = "actor_files")]
        forget_actors: bool,
    },
    /// Store a directory of Parquet datasets a distributed run (the Spark job)
    /// wrote, with its annotations when they were made the way this store annotates.
    ///
    /// DIR holds `_dateline.json` ({"format": 1, "pipeline_version": N,
    /// "annotation_key": K}: the pipeline version and annotation key of the
    /// dictionaries the job used), `articles/` (Parquet with the columns of the
    /// exported articles table: id, date (date32), title, source, url, lang, dup_of,
    /// meta, text) and `annotations/` (Parquet: article_id; extraction, the JSON line
    /// `dateline extract` prints; facts, a JSON array of person facts; asked, a JSON
    /// array of [question key, answer hash]). Every *.parquet file under a dataset's
    /// directory is read, in path order; names starting with `_` or `.` are skipped.
    ///
    /// Articles are stored and deduplicated as `ingest` does (the store decides
    /// dup_of). The annotations are saved when N and K are this dateline's and this
    /// store's (after --actors); otherwise, and for any article without one, the
    /// articles are annotated here. A re-run is a no-op. Exit code 2 when DIR is not
    /// such a directory (nothing is stored), 1 when rows were rejected or annotations
    /// skipped (the rest is loaded).
    Load {
        /// The directory the job wrote.
        dir: PathBuf,
        /// An actor dictionary of your own, in the Phoenix/CAMEO format, on top of
        /// the shipped one (its names win). Repeatable; the job must have used the
        /// same files for its annotations to be loaded.
        #[arg(long = "actors", value_name = "FILE")]
        actor_files: Vec<PathBuf>,
        #[command(flatten)]
        db: DbArg,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// Annotate with the shipped actor dictionary alone, forgetting the `--actors`
        /// files the store was built with (without this, a store keeps them).
        #[arg(long, conflicts_with = "actor_files")]
        forget_actors: bool,
    },
    /// Articles in, one JSON object per article out (stdout), in input order. No store.
    Extract {
        /// File or directory; `-` (the default) reads JSON Lines from stdin.
        #[arg(default_value = "-")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        /// Print the language layers (tokens, tags, lemmas, dependencies, entities)
        /// as CoNLL-U instead of records: what the extractors read.
        #[arg(long)]
        conllu: bool,
        /// Annotate each article with what the input articles dated on or before
        /// it said about the people it names, as a store holding them all does.
        /// Reads the input twice (facts first), so it takes files, not stdin.
        #[arg(long, conflicts_with = "conllu")]
        knowledge: bool,
    },
    /// Ranked full-text search (BM25) over stored articles.
    Search {
        /// Words, "quoted phrases", OR between alternatives, prefix* matches.
        #[arg(required = true)]
        query: Vec<String>,
        #[command(flatten)]
        window: WindowArgs,
        /// Only articles of this outlet, as stored (`dateline articles` shows it).
        #[arg(long)]
        source: Option<String>,
        /// Leave out articles marked as copies of earlier ones.
        #[arg(long)]
        no_copies: bool,
        /// Most hits to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// JSON Lines on stdout instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// The actor registry: actors mentioned in the window, most mentioned first.
    Actors {
        /// Part of an id, name or alias, or a CAMEO code prefix in capitals (RUS).
        query: Option<String>,
        #[command(flatten)]
        window: WindowArgs,
        /// Most actors to show.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// JSON Lines on stdout instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// One actor: its names, date-bounded codes and counts. By id, name or alias.
    Actor {
        name: String,
        #[command(flatten)]
        window: WindowArgs,
        /// One JSON object on stdout instead of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Statements: who said what, by article date. Filters combine.
    Statements {
        #[command(flatten)]
        filters: statements::StatementArgs,
        #[command(flatten)]
        db: DbArg,
    },
    /// Events: who did what to whom, by article date. Filters combine.
    Events {
        #[command(flatten)]
        filters: events::EventArgs,
        #[command(flatten)]
        db: DbArg,
    },
    /// Dated timeline of an actor's (or a pair's) statements and events, with
    /// stance and stance shifts marked.
    Timeline {
        /// Actor id, CAMEO code prefix (VLD), name or alias.
        actor: String,
        /// A counterpart: the timeline of the pair.
        #[arg(long)]
        with: Option<String>,
        /// Only what bears on this topic (negotiation, relations).
        #[arg(long, value_parser = dateline_query::TOPICS)]
        topic: Option<String>,
        #[command(flatten)]
        window: WindowArgs,
        /// JSON Lines on stdout (one entry a line) instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Evolving stories: articles grouped as they arrived (as of a day), newest first.
    Stories {
        /// Only what had been published by the end of this day.
        #[arg(long, value_parser = parse_day)]
        as_of: Option<Date>,
        /// Only stories with an article holding every word of this.
        #[arg(long)]
        query: Option<String>,
        /// JSON Lines on stdout (one story a line) instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// One story: its title, dates, actors and articles (by the story's id or any of
    /// its articles' ids).
    Story {
        id: String,
        #[arg(long, value_parser = parse_day)]
        as_of: Option<Date>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// A dated timeline summary of a story or a query: the key dates and, per date,
    /// the sentences that best say what happened, each with its article, outlet,
    /// statements and events (JSON Lines, one date a line).
    Summarize {
        #[arg(long, required_unless_present = "query", conflicts_with = "query")]
        story: Option<String>,
        #[arg(long)]
        query: Option<String>,
        #[command(flatten)]
        window: WindowArgs,
        /// How many dates.
        #[arg(long, default_value_t = 10)]
        dates: usize,
        /// How many sentences per date.
        #[arg(long, default_value_t = 2)]
        sentences: usize,
        #[command(flatten)]
        db: DbArg,
    },
    /// HTTP API and web UI on the store (Ctrl-C stops it).
    Serve {
        /// Address to listen on; port 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Allow `POST /api/articles` with `Authorization: Bearer TOKEN`.
        #[arg(long, env = "DATELINE_TOKEN")]
        token: Option<String>,
        /// Longest a request may spend in the store, in milliseconds.
        #[arg(long, default_value_t = 5000)]
        query_ms: u64,
        /// Dictionaries for articles posted to the API (by default the ones the
        /// store was built with).
        #[command(flatten)]
        input: InputArgs,
        /// Annotate posted articles with the shipped actor dictionary alone.
        #[arg(long, conflicts_with = "actor_files")]
        forget_actors: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Write the store's tables to files in a directory.
    Export {
        /// Directory to write (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// jsonl (the records), csv, or parquet (typed columns, Snappy-compressed).
        #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "csv", "parquet"])]
        format: String,
        #[command(flatten)]
        window: WindowArgs,
        #[command(flatten)]
        db: DbArg,
    },
    /// Check the store: SQLite integrity, full-text index, row counts.
    Check {
        #[command(flatten)]
        db: DbArg,
    },
    /// Score against a gold file; the last line is one JSON object with precision,
    /// recall, f1 and counts.
    #[command(subcommand)]
    Eval(eval::EvalKind),
    /// Reproduce a shipped model from data.
    #[command(subcommand)]
    Train(train::TrainKind),
    /// Benchmark ingest, search and (with --spacy) annotation on a synthetic corpus,
    /// side by side with peers; prints a Markdown report.
    Bench(bench::BenchArgs),
}

fn parse_day(text: &str) -> Result<Date, String> {
    text.parse::<Date>()
        .map_err(|_| format!("{text:?} is not a date in the form YYYY-MM-DD"))
}

fn parse_format(text: &str) -> Result<Format, String> {
    text.parse()
}

/// mimalloc rather than the system allocator: the server and the search index
/// allocate many short-lived buffers per request (docs/BENCHMARKS.md, #22).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Opening a store whose search index must be rebuilt takes a while at scale
    // (about three minutes at a million articles); say so rather than hang silently.
    dateline_store::notify_search_rebuilds(|articles| {
        if articles >= 10_000 {
            eprintln!("building the search index from {articles} stored articles …");
        }
    });
    let result = match cli.command {
        Command::Ingest {
            paths,
            input,
            db,
            quiet,
            no_extract,
            forget_actors,
        } => ingest::ingest(&paths, &input, &db.db, quiet, !no_extract, forget_actors),
        Command::Load {
            dir,
            actor_files,
            db,
            quiet,
            forget_actors,
        } => load::load(&dir, &actor_files, &db.db, quiet, forget_actors),
        Command::Extract {
            paths,
            input,
            conllu,
            knowledge,
        } => ingest::extract(&paths, &input, conllu, knowledge),
        Command::Search {
            query,
            window,
            source,
            no_copies,
            limit,
            json,
            db,
        } => {
            let query = dateline_store::SearchQuery {
                source,
                originals_only: no_copies,
                limit,
                ..dateline_store::SearchQuery::new(&query.join(" "), window.window())
            };
            search::search(&query, json, &db.db)
        }
        Command::Actors {
            query,
            window,
            limit,
            json,
            db,
        } => actors::list(query.as_deref(), &window, limit, json, &db.db),
        Command::Actor {
            name,
            window,
            json,
            db,
        } => actors::show(&name, &window, json, &db.db),
        Command::Statements { filters, db } => statements::list(&filters, &db.db),
        Command::Events { filters, db } => events::list(&filters, &db.db),
        Command::Timeline {
            actor,
            with,
            topic,
            window,
            json,
            db,
        } => serve::timeline(&actor, with, topic, &window, json, &db.db),
        Command::Stories {
            as_of,
            query,
            json,
            db,
        } => stories::list(as_of, query, json, &db.db),
        Command::Story {
            id,
            as_of,
            json,
            db,
        } => stories::show(&id, as_of, json, &db.db),
        Command::Summarize {
            story,
            query,
            window,
            dates,
            sentences,
            db,
        } => stories::summarize(story, query, &window, dates, sentences, &db.db),
        Command::Serve {
            addr,
            token,
            query_ms,
            input,
            forget_actors,
            db,
        } => serve::serve(addr, token, query_ms, &input, forget_actors, &db.db),
        Command::Export {
            out,
            format,
            window,
            db,
        } => export::export(&out, &format, &window, &db.db),
        Command::Check { db } => export::check(&db.db),
        Command::Eval(kind) => eval::run(&kind),
        Command::Train(kind) => train::run(&kind),
        Command::Bench(args) => bench::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Opens an existing store for reading, with an error that says how to make one.
fn open_existing(db: &std::path::Path) -> anyhow::Result<dateline_store::Store> {
    if !db.exists() {
        anyhow::bail!(
            "no store at {} (run `dateline ingest PATH` first, or pass --db / set DATELINE_DB)",
            db.display()
        );
    }
    dateline_store::Store::open(db).map_err(|e| anyhow::anyhow!("{}: {e}", db.display()))
}
