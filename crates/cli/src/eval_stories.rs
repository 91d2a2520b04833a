//! `dateline eval stories`: story grouping against the headings Wikipedia's
//! current-events editors filed items under, in BCubed, beside a TF-IDF single-pass
//! baseline run on the same items.
//!
//! The check: items whose heading is a specific story (not `Uncategorized`, not a
//! bare category name such as "Politics and elections"), headings split once into
//! dev and test by a hash of their normalised name (so tuning never sees a test
//! heading), headings with at least `--min-items` items on the chosen side, and a
//! sample of `--sample` items drawn from those by a seeded hash of their id. The
//! sample is clustered in (date, id) order from its text alone: the heading is the
//! answer and is never shown to the clusterer.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use dateline_core::{Article, Date};
use dateline_stories::{BCubed, Item, StoryConfig, actor_terms, bcubed, cluster};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::json;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::eval::round;

#[derive(clap::Args)]
pub struct StoryCheck {
    /// The current-events items (`cep_2002-2026.jsonl.gz` of
    /// `../shared/data/news-wikipedia-current-events/`; gzip or plain JSON Lines with
    /// `id`, `date`, `title` = heading, `category`, `text`).
    #[arg(long)]
    items: PathBuf,
    /// Which half of the headings: `dev` (tune here) or `test` (report here).
    #[arg(long, default_value = "test", value_parser = ["dev", "test"])]
    split: String,
    /// How many items to cluster.
    #[arg(long, default_value_t = 5000)]
    sample: usize,
    /// A heading needs this many items on its side of the split to be drawn from.
    #[arg(long, default_value_t = 10)]
    min_items: usize,
    /// Seed of the sample.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Cluster on words only: skip linking the items' actors (faster).
    #[arg(long)]
    no_actors: bool,
    /// Sweep the thresholds (and ours' time and centroid limits) and print each
    /// result; for choosing the defaults on `--split dev`.
    #[arg(long)]
    tune: bool,
}

#[derive(Deserialize)]
struct CurrentEventsItem {
    id: String,
    date: String,
    title: String,
    category: String,
    text: String,
}

/// Lower-cased, dashes unified, spaces collapsed: "Syrian Civil War" and "Syrian
/// civil war" are one heading.
fn normalise_heading(heading: &str) -> String {
    heading
        .to_lowercase()
        .replace(['–', '—'], "-")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

struct Sample {
    items: Vec<(String, Date, String)>,
    headings: Vec<String>,
}

fn read_sample(check: &StoryCheck) -> anyhow::Result<Sample> {
    let file = std::fs::File::open(&check.items)
        .with_context(|| format!("cannot open {}", check.items.display()))?;
    let reader: Box<dyn BufRead> = if check.items.extension().is_some_and(|e| e == "gz") {
        Box::new(std::io::BufReader::new(flate2::read::GzDecoder::new(file)))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    let mut rows = Vec::new();
    let mut categories = BTreeSet::new();
    for (number, line) in reader.lines().enumerate() {
        let line =
            line.with_context(|| format!("{}: line {}", check.items.display(), number + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let item: CurrentEventsItem = serde_json::from_str(&line)
            .with_context(|| format!("{}: line {}", check.items.display(), number + 1))?;
        categories.insert(normalise_heading(&item.category));
        rows.push(item);
    }
    let side = if check.split == "dev" { 0 } else { 1 };
    let mut by_heading: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (at, item) in rows.iter().enumerate() {
        let heading = normalise_heading(&item.title);
        if heading == "uncategorized" || categories.contains(&heading) {
            continue;
        }
        if xxh3_64_with_seed(heading.as_bytes(), 0) % 2 == side {
            by_heading.entry(heading).or_default().push(at);
        }
    }
    let mut pool: Vec<(u64, usize, &String)> = by_heading
        .iter()
        .filter(|(_, items)| items.len() >= check.min_items)
        .flat_map(|(heading, items)| {
            let rows = &rows;
            items.iter().map(move |&at| {
                (
                    xxh3_64_with_seed(rows[at].id.as_bytes(), check.seed),
                    at,
                    heading,
                )
            })
        })
        .collect();
    if pool.len() < check.sample {
        bail!(
            "only {} items under headings with ≥ {} items on the {} side; ask for a smaller --sample",
            pool.len(),
            check.min_items,
            check.split
        );
    }
    pool.sort_unstable();
    pool.truncate(check.sample);
    let mut chosen: Vec<(String, Date, String, String)> = pool
        .into_iter()
        .map(|(_, at, heading)| {
            let item = &rows[at];
            let date: Date = item.date.parse().with_context(|| {
                format!(
                    "{}: item {}: bad date {:?}",
                    check.items.display(),
                    item.id,
                    item.date
                )
            })?;
            Ok((item.id.clone(), date, item.text.clone(), heading.clone()))
        })
        .collect::<anyhow::Result<_>>()?;
    chosen.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let headings = chosen.iter().map(|c| c.3.clone()).collect();
    let items = chosen
        .into_iter()
        .map(|(id, date, text, _)| (id, date, text))
        .collect();
    Ok(Sample { items, headings })
}

/// The ids of the actors each item's mentions link to, from the shipped pipeline.
fn linked_actors(items: &[(String, Date, String)]) -> Vec<Vec<String>> {
    let dictionaries = dateline_extract::Dictionaries::shipped();
    items
        .par_iter()
        .map(|(id, date, text)| {
            let article = Article {
                id: id.clone(),
                date: *date,
                title: None,
                text: text.clone(),
                source: None,
                url: None,
                lang: "en".into(),
                dup_of: None,
                meta: None,
            };
            let extraction = dateline_extract::extract_with(article, dictionaries);
            actor_terms(&extraction.mentions)
        })
        .collect()
}

fn score(sample: &Sample, actors: &[Vec<String>], config: StoryConfig) -> (BCubed, usize, f64) {
    let items: Vec<Item> = sample
        .items
        .iter()
        .zip(actors)
        .map(|((id, date, text), actors)| Item {
            id,
            date: *date,
            text,
            actors,
        })
        .collect();
    let started = Instant::now();
    let stories = cluster(&items, config);
    let seconds = started.elapsed().as_secs_f64();
    let count = stories.iter().collect::<BTreeSet<_>>().len();
    (bcubed(&stories, &sample.headings), count, seconds)
}

fn scores_json(b: BCubed, stories: usize, seconds: f64) -> serde_json::Value {
    json!({
        "precision": round(b.precision), "recall": round(b.recall), "f1": round(b.f1),
        "stories": stories, "seconds": round(seconds),
    })
}

pub fn eval_stories(check: &StoryCheck) -> anyhow::Result<serde_json::Value> {
    let sample = read_sample(check)?;
    let headings = sample.headings.iter().collect::<BTreeSet<_>>().len();
    eprintln!(
        "stories: {} items under {headings} headings ({} side), {} … {}",
        sample.items.len(),
        check.split,
        sample
            .items
            .first()
            .map(|i| i.1.to_string())
            .unwrap_or_default(),
        sample
            .items
            .last()
            .map(|i| i.1.to_string())
            .unwrap_or_default(),
    );
    let actors = if check.no_actors {
        vec![Vec::new(); sample.items.len()]
    } else {
        let started = Instant::now();
        let actors = linked_actors(&sample.items);
        eprintln!(
            "linked the items' actors in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        actors
    };
    if check.tune {
        tune(&sample, &actors, StoryConfig::DEFAULT);
    }
    let (ours, ours_stories, ours_seconds) = score(&sample, &actors, StoryConfig::DEFAULT);
    let (baseline, base_stories, base_seconds) = score(&sample, &actors, StoryConfig::BASELINE);
    eprintln!(
        "{:<10} {:>9} {:>9} {:>9} {:>8}",
        "system", "B3 P", "B3 R", "B3 F1", "stories"
    );
    for (name, b, n) in [
        ("ours", ours, ours_stories),
        ("tf-idf", baseline, base_stories),
    ] {
        eprintln!(
            "{name:<10} {:>9.4} {:>9.4} {:>9.4} {n:>8}",
            b.precision, b.recall, b.f1
        );
    }
    Ok(json!({
        "precision": round(ours.precision), "recall": round(ours.recall), "f1": round(ours.f1),
        "items": sample.items.len(), "headings": headings, "split": check.split,
        "ours": scores_json(ours, ours_stories, ours_seconds),
        "baseline": scores_json(baseline, base_stories, base_seconds),
        "gain_over_baseline": round(ours.f1 - baseline.f1),
    }))
}

fn tune(sample: &Sample, actors: &[Vec<String>], ours: StoryConfig) {
    let thresholds = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];
    for threshold in thresholds {
        let (b, n, _) = score(
            sample,
            actors,
            StoryConfig {
                threshold,
                ..StoryConfig::BASELINE
            },
        );
        eprintln!(
            "tune baseline threshold {threshold:.2}: P {:.4} R {:.4} F1 {:.4} ({n} stories)",
            b.precision, b.recall, b.f1
        );
    }
    for threshold in [0.2, 0.25, 0.3] {
        for active_days in [60, 120, 240] {
            for merge_threshold in [0.15, 0.2, 0.25] {
                let config = StoryConfig {
                    threshold,
                    active_days,
                    merge_threshold,
                    ..ours
                };
                let (b, n, _) = score(sample, actors, config);
                eprintln!(
                    "tune ours threshold {threshold:.2} active_days {active_days} merge_threshold {merge_threshold}: P {:.4} R {:.4} F1 {:.4} ({n} stories)",
                    b.precision, b.recall, b.f1
                );
            }
        }
    }
}
