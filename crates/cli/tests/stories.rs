//! `dateline stories`, `story`, `summarize` and `eval timelines` end to end on the
//! fictional examples (no ../shared data needed). `tests/data/timelines/` is the
//! examples as one topic in the news-tls layout, with a blind gold timeline.

mod common;

use common::*;
use std::path::Path;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .parent()
        .unwrap()
}

#[test]
fn eval_timelines_reads_the_news_tls_layout_and_writes_one_system_timeline_per_gold() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/timelines");
    let out = dir.path().join("out");
    let db = dir.path().join("unused.db");
    let run = dateline(
        &[
            "eval",
            "timelines",
            "--dataset",
            dataset.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &db,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value =
        serde_json::from_str(run.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(report["timelines"], 1);
    assert!(report["date_f1"].as_f64().unwrap() > 0.0, "{report}");
    let written = std::fs::read_to_string(out.join("tamsel/timelines.jsonl")).unwrap();
    let gold = std::fs::read_to_string(dataset.join("tamsel/timelines.jsonl")).unwrap();
    let system: Vec<(String, Vec<String>)> = serde_json::from_str(written.trim()).unwrap();
    let gold: Vec<(String, Vec<String>)> = serde_json::from_str(gold.trim()).unwrap();
    // Asked for the gold's number of dates, within its first and last date.
    assert!(!system.is_empty() && system.len() <= gold.len());
    assert!(
        system
            .iter()
            .all(|(d, s)| d >= &gold[0].0 && d <= &gold[gold.len() - 1].0 && !s.is_empty())
    );

    let missing = dateline(
        &[
            "eval",
            "timelines",
            "--dataset",
            dir.path().to_str().unwrap(),
        ],
        &db,
    );
    assert_ne!(missing.code, 0);
    assert!(
        missing.stderr.contains("timelines.jsonl"),
        "{}",
        missing.stderr
    );
}

#[test]
fn stories_as_of_a_day_hold_only_what_was_published_by_then() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stories.db");
    let examples = repo().join("examples");
    let ingest = dateline(&["ingest", examples.to_str().unwrap(), "--quiet"], &db);
    assert_eq!(ingest.code, 0, "{}", ingest.stderr);
    let listed = |as_of: &str| -> Vec<serde_json::Value> {
        let run = dateline(&["stories", "--json", "--as-of", as_of], &db);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let early = listed("2031-03-05");
    let late = listed("2031-06-30");
    assert!(!early.is_empty() && late.len() >= early.len());
    assert!(
        early
            .iter()
            .all(|s| s["last_date"].as_str().unwrap() <= "2031-03-05")
    );
    let story = early[0]["id"].as_str().unwrap();
    let shown = dateline(&["story", story, "--as-of", "2031-03-05", "--json"], &db);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let summary = dateline(
        &[
            "summarize",
            "--story",
            story,
            "--as-of",
            "2031-03-05",
            "--dates",
            "3",
        ],
        &db,
    );
    assert_eq!(summary.code, 0, "{}", summary.stderr);
    for line in summary.stdout.lines() {
        let date: serde_json::Value = serde_json::from_str(line).unwrap();
        for sentence in date["sentences"].as_array().unwrap() {
            assert!(!sentence["text"].as_str().unwrap().is_empty());
            // Every sentence comes from an article published by then.
            let article = sentence["article"].as_str().unwrap();
            let members = shown.stdout.clone();
            assert!(
                members.contains(article),
                "{article} is not in the story as of then"
            );
        }
    }
    let unknown = dateline(&["story", "no-such-story"], &db);
    assert_eq!(unknown.code, 1);
    let neither = dateline(&["summarize"], &db);
    assert_ne!(neither.code, 0);
}
