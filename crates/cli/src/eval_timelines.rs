//! `dateline eval timelines --dataset DIR [--out OUT]`: timeline summarisation in the
//! news-tls layout and protocol (Gholipour Ghalandari & Ifrim, ACL 2020).
//!
//! `DIR/<topic>/articles.jsonl` holds `{id, date, title?, text}`,
//! `DIR/<topic>/timelines.jsonl` one gold timeline a line (a JSON list of
//! `[date, [sentence, …]]`), `DIR/<topic>/keywords.json` optionally the query terms.
//! For each gold timeline the articles are cut to its first and last date, and the
//! system is asked for the gold's number of dates and its average sentences per
//! date (rounded); with keywords, articles naming none of them are dropped and
//! sentences naming one rank first. Nothing here is trained, so there is nothing to
//! hold a topic out of. Date F1 (exact day) is printed here; the alignment ROUGE
//! comes from `benches/tilse/score.py` over `--out`.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use dateline_core::Date;
use dateline_stories::{Source, SummaryRequest, summarize};
use serde::Deserialize;
use serde_json::json;

use crate::eval::round;

#[derive(clap::Args)]
pub struct TimelineDataset {
    /// The dataset folder: one sub-folder per topic.
    #[arg(long)]
    dataset: PathBuf,
    /// Write the system timelines here, as `OUT/<topic>/timelines.jsonl`.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Deserialize)]
struct DatasetArticle {
    #[serde(default)]
    title: Option<String>,
    date: String,
    text: String,
}

type DatedSentences = Vec<(Date, Vec<String>)>;

fn read_lines<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<Vec<T>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut rows = Vec::new();
    for (number, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}: line {}", path.display(), number + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        rows.push(
            serde_json::from_str(&line)
                .with_context(|| format!("{}: line {}", path.display(), number + 1))?,
        );
    }
    Ok(rows)
}

/// A date as the dataset writes it: `YYYY-MM-DD`, optionally followed by a time
/// (news-tls writes `2011-02-17T00:00:00`).
fn parse_date(text: &str, path: &Path, line: usize) -> anyhow::Result<Date> {
    text.get(..10)
        .and_then(|d| d.parse().ok())
        .with_context(|| format!("{}: line {line}: bad date {text:?}", path.display()))
}

fn read_timelines(path: &Path) -> anyhow::Result<Vec<DatedSentences>> {
    let raw: Vec<Vec<(String, Vec<String>)>> = read_lines(path)?;
    raw.into_iter()
        .enumerate()
        .map(|(at, timeline)| {
            let mut dated = timeline
                .into_iter()
                .map(|(date, sentences)| Ok((parse_date(&date, path, at + 1)?, sentences)))
                .collect::<anyhow::Result<DatedSentences>>()?;
            dated.sort_by_key(|(d, _)| *d);
            if dated.is_empty() {
                bail!("{}: line {}: an empty timeline", path.display(), at + 1);
            }
            Ok(dated)
        })
        .collect()
}

fn date_f1(system: &DatedSentences, gold: &DatedSentences) -> f64 {
    let system: BTreeSet<Date> = system.iter().map(|(d, _)| *d).collect();
    let gold: BTreeSet<Date> = gold.iter().map(|(d, _)| *d).collect();
    let hits = system.intersection(&gold).count() as f64;
    if hits == 0.0 {
        return 0.0;
    }
    let (precision, recall) = (hits / system.len() as f64, hits / gold.len() as f64);
    2.0 * precision * recall / (precision + recall)
}

pub fn eval_timelines(args: &TimelineDataset) -> anyhow::Result<serde_json::Value> {
    let mut topics: Vec<PathBuf> = std::fs::read_dir(&args.dataset)
        .with_context(|| format!("cannot read the dataset folder {}", args.dataset.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.join("timelines.jsonl").is_file())
        .collect();
    topics.sort();
    if topics.is_empty() {
        bail!(
            "{}: no <topic>/timelines.jsonl inside",
            args.dataset.display()
        );
    }
    let mut f1s = Vec::new();
    let mut slowest = 0.0f64;
    let mut per_topic = Vec::new();
    eprintln!(
        "{:<32} {:>9} {:>6} {:>6} {:>8} {:>8}",
        "topic", "articles", "dates", "k", "date F1", "seconds"
    );
    for topic in &topics {
        let name = topic
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let articles_path = topic.join("articles.jsonl");
        let articles: Vec<DatasetArticle> = read_lines(&articles_path)?;
        let articles: Vec<(Date, String)> = articles
            .into_iter()
            .enumerate()
            .map(|(at, a)| {
                let text = match a.title {
                    Some(title) if !title.is_empty() => format!("{title}\n\n{}", a.text),
                    _ => a.text,
                };
                Ok((parse_date(&a.date, &articles_path, at + 1)?, text))
            })
            .collect::<anyhow::Result<_>>()?;
        let keywords_path = topic.join("keywords.json");
        let keywords: Vec<String> = if keywords_path.is_file() {
            let text = std::fs::read_to_string(&keywords_path)
                .with_context(|| format!("cannot read {}", keywords_path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{}: not a JSON list of terms", keywords_path.display()))?
        } else {
            Vec::new()
        };
        let lowered: Vec<String> = keywords.iter().map(|k| k.to_lowercase()).collect();
        let sources: Vec<Source> = articles
            .iter()
            .filter(|(_, text)| {
                lowered.is_empty() || {
                    let lower = text.to_lowercase();
                    lowered.iter().any(|k| lower.contains(k.as_str()))
                }
            })
            .map(|(date, text)| Source { date: *date, text })
            .collect();
        let mut outputs = Vec::new();
        for gold in read_timelines(&topic.join("timelines.jsonl"))? {
            let sentences: usize = gold.iter().map(|(_, s)| s.len()).sum();
            let per_date = ((sentences as f64 / gold.len() as f64).round() as usize).max(1);
            let request = SummaryRequest {
                dates: gold.len(),
                sentences: per_date,
                keywords: keywords.clone(),
                from: gold.first().map(|(d, _)| *d),
                to: gold.last().map(|(d, _)| *d),
            };
            let started = Instant::now();
            let summary = summarize(&sources, &request);
            let seconds = started.elapsed().as_secs_f64();
            slowest = slowest.max(seconds);
            let system: DatedSentences = summary
                .iter()
                .map(|s| {
                    (
                        s.date,
                        s.picks
                            .iter()
                            .map(|p| p.span.of(sources[p.article].text).to_string())
                            .collect(),
                    )
                })
                .collect();
            let f1 = date_f1(&system, &gold);
            eprintln!(
                "{name:<32} {:>9} {:>6} {per_date:>6} {f1:>8.4} {seconds:>8.3}",
                sources.len(),
                gold.len()
            );
            per_topic.push(json!({"topic": name, "date_f1": round(f1), "dates": gold.len(), "articles": sources.len()}));
            f1s.push(f1);
            outputs.push(system);
        }
        if let Some(out) = &args.out {
            write_timelines(&out.join(&name), &outputs)?;
        }
    }
    let mean = f1s.iter().sum::<f64>() / f1s.len() as f64;
    eprintln!("date F1 (mean over {} timelines): {mean:.4}", f1s.len());
    Ok(json!({
        "date_f1": round(mean), "f1": round(mean), "timelines": f1s.len(),
        "slowest_seconds": round(slowest), "per_timeline": per_topic,
    }))
}

fn write_timelines(folder: &Path, timelines: &[DatedSentences]) -> anyhow::Result<()> {
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let path = folder.join("timelines.jsonl");
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?,
    );
    for timeline in timelines {
        let line: Vec<(String, &Vec<String>)> =
            timeline.iter().map(|(d, s)| (d.to_string(), s)).collect();
        writeln!(file, "{}", serde_json::to_string(&line)?)?;
    }
    file.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}
