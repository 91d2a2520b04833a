//! `dateline bench`: ingest throughput, peak memory and search latency on a synthetic
//! corpus, side by side with a peer (a plain Python + SQLite FTS5 loader, the kind of
//! script analysts write today) in the same run.
//!
//! Each ingest runs as a child process so its peak RSS is its own (`wait4`). The
//! corpus is generated from a fixed seed, so every run measures the same bytes.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use dateline_store::{ArticleSearch, DateWindow, SearchQuery, Store};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Corpus sizes (articles) to ingest, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
    sizes: Vec<usize>,
    /// Search queries to time on the largest store.
    #[arg(long, default_value_t = 1000)]
    queries: usize,
    /// Working directory for corpora and stores (reused between runs).
    #[arg(long, default_value = "bench-out")]
    work: PathBuf,
    /// Peer loader script run with python3; skipped when absent.
    #[arg(long, default_value = "benches/peer_ingest.py")]
    peer: PathBuf,
    /// Also time `extract` (tokens, sentences, tags, entities) against spaCy's small
    /// English pipeline run by this Python (a venv with spaCy and en_core_web_sm).
    #[arg(long)]
    spacy: Option<PathBuf>,
    /// Articles of the 10k corpus used for the extract comparison.
    #[arg(long, default_value_t = 300)]
    extract_articles: usize,
    /// Only time search, on stores left by an earlier run (no ingest rows).
    #[arg(long)]
    search_only: bool,
    /// Only time the actor dictionary (load, and matching on ordinary and hostile
    /// text).
    #[arg(long)]
    matcher_only: bool,
    /// Only time annotation on real news: whole-process `dateline extract` over this
    /// JSON Lines file repeated `--real-repeat` times, on one core, beside spaCy's
    /// small pipeline over the same records (with `--spacy`), e.g.
    /// `../shared/data/news-gum-wikinews/gum_wikinews.jsonl`.
    #[arg(long)]
    real: Option<PathBuf>,
    /// How many times `--real`'s records are repeated.
    #[arg(long, default_value_t = 5)]
    real_repeat: usize,
    /// Also write the Markdown report to this file.
    #[arg(long)]
    report: Option<PathBuf>,
}

struct Run {
    seconds: f64,
    peak_rss_mb: f64,
}

pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.work)?;
    if let Some(file) = &args.real {
        let report = real_comparison(args, file)?;
        println!("{report}");
        if let Some(path) = &args.report {
            std::fs::write(path, &report)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let exe = std::env::current_exe()?;
    let python = which("python3");
    let peer = python.as_ref().filter(|_| args.peer.exists());
    if peer.is_none() {
        eprintln!("peer skipped: python3 or {} not found", args.peer.display());
    }
    let mut report = String::new();
    if args.matcher_only {
        matcher_throughput(&mut report, args)?;
        println!("{report}");
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        report,
        "| articles | input MB | tool | wall s | articles/s | MB/s | peak RSS MB |"
    )?;
    writeln!(report, "|---:|---:|---|---:|---:|---:|---:|")?;
    let mut largest: Option<(PathBuf, PathBuf, usize)> = None;
    let mut disk = Vec::new();
    for &n in &args.sizes {
        let corpus = args.work.join(format!("corpus-v2-{n}.jsonl"));
        generate_corpus(&corpus, n)?;
        let mb = std::fs::metadata(&corpus)?.len() as f64 / 1e6;
        let db = args.work.join(format!("dateline-{n}.db"));
        let peer_db = args.work.join(format!("peer-{n}.db"));
        if args.search_only {
            if !db.exists() {
                bail!(
                    "--search-only: no store at {} (run without it first)",
                    db.display()
                );
            }
            largest = Some((db, peer_db, n));
            continue;
        }
        remove_store(&db);
        eprintln!("ingesting {n} articles ({mb:.0} MB) with dateline …");
        let ours = timed_child(
            Command::new(&exe)
                .arg("ingest")
                .arg(&corpus)
                // The peer stores and indexes; annotation is timed on its own below.
                .arg("--no-extract")
                .arg("--quiet")
                .arg("--db")
                .arg(&db),
        )?;
        row(&mut report, n, mb, "dateline ingest --no-extract", &ours)?;
        disk.push(disk_row(&db, n)?);
        if let Some(python) = peer {
            remove_store(&peer_db);
            eprintln!("ingesting {n} articles with the peer …");
            let theirs = timed_child(
                Command::new(python)
                    .arg(&args.peer)
                    .arg("ingest")
                    .arg(&corpus)
                    .arg(&peer_db),
            )?;
            row(&mut report, n, mb, "peer: python sqlite3 + FTS5", &theirs)?;
            writeln!(
                report,
                "| | | speed, dateline ÷ peer | {:.2}× | | | |",
                theirs.seconds / ours.seconds
            )?;
        }
        largest = Some((db, peer_db, n));
    }
    if !disk.is_empty() {
        writeln!(
            report,
            "\nOn disk after the ingest, and the search index rebuilt from the store alone (a writer thread per core, then merged to one segment):\n"
        )?;
        writeln!(
            report,
            "| articles | store MB | index MB | index ÷ store | index rebuild s | articles/s |"
        )?;
        writeln!(report, "|---:|---:|---:|---:|---:|---:|")?;
        for line in &disk {
            writeln!(report, "{line}")?;
        }
    }
    if let Some((db, peer_db, n)) = largest {
        let queries = query_set(args.queries);
        let ours = search_latencies(&db, &queries)?;
        writeln!(
            report,
            "\nSearch, {n} articles, {} queries of 1–3 terms, top 10 with snippets:\n",
            queries.len()
        )?;
        writeln!(report, "| tool | p50 ms | p90 ms | p99 ms | max ms |")?;
        writeln!(report, "|---|---:|---:|---:|---:|")?;
        latency_row(&mut report, "dateline search", &ours)?;
        if let Some(python) = peer {
            let file = args.work.join("queries.txt");
            std::fs::write(&file, queries.join("\n"))?;
            let out = Command::new(python)
                .arg(&args.peer)
                .arg("search")
                .arg(&peer_db)
                .arg(&file)
                .output()?;
            if !out.status.success() {
                bail!(
                    "peer search failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let mut theirs: Vec<f64> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.parse().ok())
                .collect();
            theirs.sort_by(f64::total_cmp);
            latency_row(&mut report, "peer: python sqlite3 + FTS5", &theirs)?;
        }
    }
    if let Some(python) = &args.spacy {
        extract_comparison(&mut report, args, python)?;
    }
    matcher_throughput(&mut report, args)?;
    println!("{report}");
    if let Some(path) = &args.report {
        std::fs::write(path, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Words per second of the annotation pipeline, ours in-process and spaCy's in its
/// own process, both on one core over the same articles, model loading excluded.
fn extract_comparison(report: &mut String, args: &BenchArgs, python: &Path) -> anyhow::Result<()> {
    let corpus = args.work.join("corpus-v2-10000.jsonl");
    generate_corpus(&corpus, 10_000)?;
    let texts: Vec<String> =
        std::io::BufRead::lines(std::io::BufReader::new(std::fs::File::open(&corpus)?))
            .take(args.extract_articles)
            .map(|line| -> anyhow::Result<String> {
                let value: serde_json::Value = serde_json::from_str(&line?)?;
                Ok(value["text"].as_str().unwrap_or_default().to_string())
            })
            .collect::<anyhow::Result<_>>()?;
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let article = |text: &str| dateline_core::Article {
        lang: "en".into(),
        ..dateline_core::Article::new("bench", jiff::civil::date(2030, 1, 1), text)
    };
    for text in texts.iter().take(20) {
        dateline_extract::extract(article(text));
    }
    let started = Instant::now();
    let mentions: usize = texts
        .iter()
        .map(|t| dateline_extract::extract(article(t)).mentions.len())
        .sum();
    let ours = started.elapsed().as_secs_f64();
    eprintln!("timing spaCy on the same {} articles …", texts.len());
    let [peer_words, peer_seconds, peer_entities] =
        spacy_peer(&mut Command::new(python), &corpus, texts.len())?;
    writeln!(
        report,
        "\nAnnotation (tokens, sentences, POS, dependencies, entities), {} articles, {words} words, one core:\n",
        texts.len()
    )?;
    writeln!(report, "| tool | words/s | entities found |")?;
    writeln!(report, "|---|---:|---:|")?;
    writeln!(
        report,
        "| dateline extract (in-process) | {:.0} | {mentions} |",
        words as f64 / ours
    )?;
    writeln!(
        report,
        "| peer: spaCy en_core_web_sm (tagger, parser, NER) | {:.0} | {peer_entities} |",
        peer_words / peer_seconds
    )?;
    writeln!(
        report,
        "| speed, dateline ÷ peer | {:.1}× | |",
        (words as f64 / ours) / (peer_words / peer_seconds)
    )?;
    Ok(())
}

/// Runs `benches/peer_spacy.py` over the first `n` records of `corpus` with
/// `python` (the command, maybe pinned to a core); its words, seconds and entities.
fn spacy_peer(python: &mut Command, corpus: &Path, n: usize) -> anyhow::Result<[f64; 3]> {
    let out = python
        .arg("benches/peer_spacy.py")
        .arg(corpus)
        .arg(n.to_string())
        .output()
        .context("cannot run the spaCy peer")?;
    if !out.status.success() {
        bail!(
            "spaCy peer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let answer = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<f64> = answer
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    fields[..]
        .try_into()
        .map_err(|_| anyhow::anyhow!("unexpected spaCy peer output: {answer}"))
}

/// `--real`: the whole `dateline extract` process (loading models, reading, writing
/// its JSON Lines) against spaCy's `nlp.pipe` (models loaded and warmed up first, so
/// the ratio flatters the peer), both pinned to one core with `taskset` when it is
/// there, over the same records, in one run: only a ratio from one run means
/// anything on a shared machine.
fn real_comparison(args: &BenchArgs, file: &Path) -> anyhow::Result<String> {
    let records: Vec<String> = std::io::BufRead::lines(std::io::BufReader::new(
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?,
    ))
    .filter(|line| line.as_ref().map_or(true, |l| !l.trim().is_empty()))
    .collect::<std::io::Result<_>>()?;
    let mut words = 0;
    for (n, line) in records.iter().enumerate() {
        let value: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a JSON object", file.display(), n + 1))?;
        words += value["text"]
            .as_str()
            .with_context(|| format!("{}:{}: no text", file.display(), n + 1))?
            .split_whitespace()
            .count();
    }
    let repeated = args.work.join("real-repeated.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&repeated)?);
    for _ in 0..args.real_repeat {
        for line in &records {
            writeln!(out, "{line}")?;
        }
    }
    std::io::Write::flush(&mut out)?;
    drop(out);
    let (n, words) = (records.len() * args.real_repeat, words * args.real_repeat);
    let pinned = |program: &Path| {
        let mut command = match which("taskset") {
            Some(taskset) => {
                let mut c = Command::new(taskset);
                c.args(["-c", "0"]).arg(program);
                c
            }
            None => Command::new(program),
        };
        command.env("OMP_NUM_THREADS", "1");
        command
    };
    let exe = std::env::current_exe()?;
    eprintln!("timing dateline extract on {n} records, one core …");
    let ours = timed_child(pinned(&exe).arg("extract").arg(&repeated))?;
    let mut report = String::new();
    writeln!(
        report,
        "Annotation of real news, {} ×{} ({n} records, {words} words), one core:\n",
        file.display(),
        args.real_repeat
    )?;
    writeln!(report, "| tool | seconds | words/s | peak RSS MB |")?;
    writeln!(report, "|---|---:|---:|---:|")?;
    writeln!(
        report,
        "| dateline extract (whole process) | {:.2} | {:.0} | {:.0} |",
        ours.seconds,
        words as f64 / ours.seconds,
        ours.peak_rss_mb
    )?;
    let Some(python) = &args.spacy else {
        writeln!(report, "\n(no peer: give `--spacy PYTHON`)")?;
        return Ok(report);
    };
    eprintln!("timing spaCy on the same records …");
    let started = Instant::now();
    let [peer_words, peer_seconds, _] = spacy_peer(&mut pinned(python), &repeated, n)?;
    let whole = started.elapsed().as_secs_f64();
    writeln!(
        report,
        "| peer: spaCy en_core_web_sm `nlp.pipe` (process {whole:.2} s) | {peer_seconds:.2} | {:.0} | |",
        peer_words / peer_seconds
    )?;
    writeln!(
        report,
        "| speed, dateline ÷ peer | | {:.2}× | |",
        (words as f64 / ours.seconds) / (peer_words / peer_seconds)
    )?;
    Ok(report)
}

/// The actor dictionary on one core: how long the shipped form takes to load, and
/// how many MB of text per second the name and role matchers get through — on news
/// text, on the same text in capitals, on text with no names at all, and on one
/// endless run of words that all begin dictionary names. Tokenising and lower-casing
/// are included (the matcher needs them); tagging and parsing are not.
fn matcher_throughput(report: &mut String, args: &BenchArgs) -> anyhow::Result<()> {
    // Real English news prose, the kind the matcher meets: our example corpus
    // (fiction written for this project), repeated to 5 MB.
    let mut texts = Vec::new();
    dateline_ingest::read_paths(
        &[PathBuf::from("examples")],
        &dateline_ingest::ReadOptions::default(),
        &mut |item| {
            if let Ok(dateline_ingest::Read { article, .. }) = item {
                texts.push(article.text);
            }
            std::ops::ControlFlow::Continue(())
        },
    );
    if texts.is_empty() {
        bail!("the matcher benchmark reads examples/; run it from the repository root");
    }
    let one = texts.join("\n\n");
    let news = one.repeat(5_000_000 / one.len() + 1);
    let bytes = include_bytes!("../../../data/models/actors.bin");
    let started = Instant::now();
    let loads = 5;
    for _ in 0..loads {
        dateline_actors::Dictionary::load(bytes).map_err(anyhow::Error::msg)?;
    }
    let load_ms = started.elapsed().as_secs_f64() * 1000.0 / loads as f64;
    let dictionary = dateline_actors::shipped();
    let function_words = [
        "the", "of", "and", "to", "in", "that", "is", "was", "for", "it", "with", "as", "on", "be",
        "at", "by",
    ];
    let no_names: String = (0..news.len() / 4)
        .map(|i| function_words[(i * 7 + i / 3) % function_words.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let inputs = [
        ("news prose (examples/, repeated)", news.clone()),
        ("the same in capitals", news.to_uppercase()),
        ("the same in lower case", news.to_lowercase()),
        ("no names (function words)", no_names),
        (
            "one 5 MB run of \"United\"",
            "United ".repeat(5_000_000 / 7),
        ),
    ];
    writeln!(
        report,
        "\nActor dictionary ({} actors, {} names; {:.1} MB compiled): load {load_ms:.0} ms. Matching on one core:\n",
        dictionary.actor_count(),
        dictionary.name_count(),
        bytes.len() as f64 / 1e6
    )?;
    // The peer reads the same texts from files.
    let mut files = Vec::new();
    for (n, (_, text)) in inputs.iter().enumerate() {
        let file = args.work.join(format!("matcher-input-{n}.txt"));
        std::fs::write(&file, text)?;
        files.push(file);
    }
    let peer = peer_matcher(args, &files);
    if let Some((load_s, _)) = &peer {
        writeln!(
            report,
            "Peer (benches/peer_actor_match.py, Phoenix names in a Python dict of word tuples, longest match): load {:.0} ms.\n",
            load_s * 1000.0
        )?;
    }
    writeln!(
        report,
        "| input | MB | names found | roles found | MB/s, matching | MB/s, with tokenising | peer: names found | peer MB/s | dateline ÷ peer |"
    )?;
    writeln!(report, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for (n, (label, text)) in inputs.into_iter().enumerate() {
        let started = Instant::now();
        let spans = dateline_nlp::tokenize(&text);
        let lower: Vec<String> = spans.iter().map(|s| s.of(&text).to_lowercase()).collect();
        let matching = Instant::now();
        let names = dictionary.match_names(&lower).len();
        let roles = dictionary.match_agents(&lower).len();
        let (all, matching) = (
            started.elapsed().as_secs_f64(),
            matching.elapsed().as_secs_f64(),
        );
        let mb = text.len() as f64 / 1e6;
        let theirs = peer.as_ref().and_then(|(_, rows)| rows.get(n));
        let (peer_found, peer_rate, ratio) = match theirs {
            Some(&(peer_mb, seconds, found)) => (
                found.to_string(),
                format!("{:.1}", peer_mb / seconds),
                format!("{:.1}×", (mb / all) / (peer_mb / seconds)),
            ),
            None => ("–".into(), "–".into(), "–".into()),
        };
        writeln!(
            report,
            "| {label} | {mb:.1} | {names} | {roles} | {:.1} | {:.1} | {peer_found} | {peer_rate} | {ratio} |",
            mb / matching,
            mb / all
        )?;
    }
    Ok(())
}

/// One file through the peer matcher: MB, seconds, names found.
type PeerRow = (f64, f64, u64);

/// Runs `benches/peer_actor_match.py` on the files when python3 and the Phoenix
/// dictionaries (`../shared/data/cameo-dictionaries`) are there: its load seconds and
/// per file `(MB, seconds, names found)`.
fn peer_matcher(args: &BenchArgs, files: &[PathBuf]) -> Option<(f64, Vec<PeerRow>)> {
    let python = which("python3")?;
    let dictionaries = Path::new("../shared/data/cameo-dictionaries");
    let script = args.peer.with_file_name("peer_actor_match.py");
    if !dictionaries.is_dir() || !script.exists() {
        eprintln!(
            "matcher peer skipped: needs python3, {} and {}",
            script.display(),
            dictionaries.display()
        );
        return None;
    }
    let out = Command::new(python)
        .arg(&script)
        .arg(dictionaries)
        .args(files)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "matcher peer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let load: f64 = lines.next()?.trim().parse().ok()?;
    let rows = lines
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some((
                f.first()?.parse().ok()?,
                f.get(1)?.parse().ok()?,
                f.get(2)?.parse().ok()?,
            ))
        })
        .collect();
    Some((load, rows))
}

fn row(report: &mut String, n: usize, mb: f64, tool: &str, run: &Run) -> anyhow::Result<()> {
    writeln!(
        report,
        "| {n} | {mb:.0} | {tool} | {:.2} | {:.0} | {:.1} | {:.0} |",
        run.seconds,
        n as f64 / run.seconds,
        mb / run.seconds,
        run.peak_rss_mb
    )?;
    Ok(())
}

/// Sizes of a store and its index, and how fast the index is rebuilt from the store.
fn disk_row(db: &Path, n: usize) -> anyhow::Result<String> {
    let store_mb = ["", "-wal"]
        .iter()
        .map(|s| std::fs::metadata(format!("{}{s}", db.display())).map_or(0, |m| m.len()))
        .sum::<u64>() as f64
        / 1e6;
    let index = dateline_store::index_dir(db);
    std::fs::remove_dir_all(&index)?;
    eprintln!("rebuilding the search index of {n} articles …");
    let started = Instant::now();
    let store = Store::open(db)?;
    store.optimize_search_index()?;
    let seconds = started.elapsed().as_secs_f64();
    drop(store);
    let index_mb = dir_bytes(&index)? as f64 / 1e6;
    Ok(format!(
        "| {n} | {store_mb:.0} | {index_mb:.0} | {:.2} | {seconds:.2} | {:.0} |",
        index_mb / store_mb,
        n as f64 / seconds
    ))
}

fn dir_bytes(dir: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let meta = entry?.metadata()?;
        if meta.is_file() {
            total += meta.len();
        }
    }
    Ok(total)
}

fn latency_row(report: &mut String, tool: &str, sorted_ms: &[f64]) -> anyhow::Result<()> {
    let pct = |p: f64| sorted_ms[((sorted_ms.len() as f64 - 1.0) * p).round() as usize];
    writeln!(
        report,
        "| {tool} | {:.2} | {:.2} | {:.2} | {:.2} |",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0)
    )?;
    Ok(())
}

fn remove_store(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let _ = std::fs::remove_dir_all(dateline_store::index_dir(db));
}

/// Runs `command` to completion and returns its wall time and peak RSS.
fn timed_child(command: &mut Command) -> anyhow::Result<Run> {
    let started = Instant::now();
    let child = command
        .stdout(Stdio::null())
        .spawn()
        .context("cannot start benchmark child")?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills; pid is our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = started.elapsed().as_secs_f64();
    if waited != pid {
        bail!("wait4 failed: {}", std::io::Error::last_os_error());
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        bail!("benchmark child failed with status {status}");
    }
    Ok(Run {
        seconds,
        peak_rss_mb: usage.ru_maxrss as f64 / 1024.0,
    })
}

fn search_latencies(db: &Path, queries: &[String]) -> anyhow::Result<Vec<f64>> {
    let store = Store::open(db)?;
    let run = |q: &String| -> anyhow::Result<f64> {
        let started = Instant::now();
        store.search(&SearchQuery::new(q, DateWindow::default()))?;
        Ok(started.elapsed().as_secs_f64() * 1000.0)
    };
    for q in queries.iter().take(50) {
        run(q)?;
    }
    let mut ms = queries
        .iter()
        .map(run)
        .collect::<anyhow::Result<Vec<f64>>>()?;
    ms.sort_by(f64::total_cmp);
    Ok(ms)
}

/// splitmix64: a tiny, fixed, well-mixed generator so corpora are identical everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A vocabulary of pronounceable invented words with Zipf(1) frequencies.
struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    fn new(size: usize) -> Self {
        const ONSETS: &[&str] = &[
            "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr",
        ];
        const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ou"];
        let mut rng = Rng(7);
        let mut words = Vec::with_capacity(size);
        let mut seen = std::collections::HashSet::new();
        while words.len() < size {
            let syllables = 1 + rng.below(3) + usize::from(words.len() > 2000);
            let word: String = (0..syllables)
                .map(|_| {
                    format!(
                        "{}{}",
                        ONSETS[rng.below(ONSETS.len())],
                        VOWELS[rng.below(VOWELS.len())]
                    )
                })
                .collect();
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        let mut total = 0.0;
        let cumulative = (1..=size)
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn sample(&self, rng: &mut Rng) -> &str {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let i = self
            .cumulative
            .partition_point(|&c| c < x)
            .min(self.words.len() - 1);
        &self.words[i]
    }
}

/// Writes `n` synthetic articles as JSONL: ~350 words each in paragraphs, dated over
/// two years, 3% of them syndicated copies of an earlier article with a footer.
fn generate_corpus(path: &Path, n: usize) -> anyhow::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let vocabulary = Vocabulary::new(20_000);
    let mut rng = Rng(42);
    let partial = path.with_extension("partial");
    let mut out = BufWriter::new(std::fs::File::create(&partial)?);
    let start = jiff::civil::date(2030, 1, 1);
    let mut recent: Vec<String> = Vec::new();
    for i in 0..n {
        let date = start.checked_add(jiff::Span::new().days((i * 730 / n.max(1)) as i64))?;
        let text = if i > 10 && rng.below(100) < 3 && !recent.is_empty() {
            format!(
                "{}\n\nThis story was distributed by a syndication service.",
                recent[rng.below(recent.len())]
            )
        } else {
            let mut text = String::new();
            for p in 0..8 {
                if p > 0 {
                    text.push_str("\n\n");
                }
                for s in 0..3 {
                    if s > 0 {
                        text.push(' ');
                    }
                    let len = 10 + rng.below(10);
                    for w in 0..len {
                        let word = vocabulary.sample(&mut rng);
                        if w == 0 {
                            let mut chars = word.chars();
                            text.extend(chars.next().map(|c| c.to_ascii_uppercase()));
                            text.push_str(chars.as_str());
                        } else {
                            text.push(' ');
                            text.push_str(word);
                        }
                    }
                    text.push('.');
                }
            }
            text
        };
        if recent.len() < 64 {
            recent.push(text.clone());
        } else {
            let slot = rng.below(64);
            recent[slot] = text.clone();
        }
        let title: Vec<&str> = (0..6).map(|_| vocabulary.sample(&mut rng)).collect();
        // Feeds commonly say their language; saying it here keeps language detection
        // (a cost the peer does not pay) out of the comparison.
        let record = serde_json::json!({
            "lang": "en",
            "date": date.to_string(),
            "title": title.join(" "),
            "source": format!("Outlet {}", rng.below(40)),
            "text": text,
        });
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    drop(out);
    std::fs::rename(partial, path)?;
    Ok(())
}

/// 1–3-term queries over mid-frequency words (Zipf ranks 10–2000), as the FTS5 vs
/// tantivy study in the research notes used.
fn query_set(n: usize) -> Vec<String> {
    let vocabulary = Vocabulary::new(20_000);
    let mut rng = Rng(99);
    // Ranks 10–2000, and in one query of six a first word among the ten commonest
    // (found in most articles: the case an engine without top-k pruning pays for).
    (0..n)
        .map(|i| {
            (0..1 + i % 3)
                .map(|t| {
                    let rank = if t == 0 && i % 6 == 5 {
                        rng.below(10)
                    } else {
                        10 + rng.below(1990)
                    };
                    vocabulary.words[rank].clone()
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}
