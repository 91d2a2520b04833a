//! Knowledge as of the article's date, as a user meets it: the examples ingested in
//! two runs, the later-dated half first, give the same export as one run; the second
//! run says how many later articles it annotated again.

mod common;

use common::{dateline, examples, ingest_examples};

fn export(db: &std::path::Path, out: &std::path::Path) -> Vec<(String, Vec<String>)> {
    let run = dateline(
        &[
            "export",
            "--format",
            "jsonl",
            "--out",
            out.to_str().unwrap(),
        ],
        db,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut tables = Vec::new();
    for table in ["articles", "mentions", "actors", "statements", "events"] {
        let text = std::fs::read_to_string(out.join(format!("{table}.jsonl"))).unwrap();
        let mut rows: Vec<String> = text.lines().map(str::to_string).collect();
        rows.sort();
        tables.push((table.to_string(), rows));
    }
    tables
}

#[test]
fn ingesting_later_articles_first_gives_the_records_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let once = dir.path().join("once.db");
    let run = ingest_examples(&once, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // The JSON Lines, CSV and RSS articles first, then the rest: several of the
    // second run's articles are dated before the first run's.
    let twice = dir.path().join("twice.db");
    let dictionary = examples().join("dictionary/fictional.actors");
    let first: Vec<String> = ["jsonl", "csv", "rss"]
        .iter()
        .map(|d| examples().join(d).to_str().unwrap().to_string())
        .collect();
    let mut args = vec!["ingest", "--actors", dictionary.to_str().unwrap()];
    args.extend(first.iter().map(String::as_str));
    let run = dateline(&args, &twice);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rest: Vec<String> = ["seed", "html", "warc"]
        .iter()
        .map(|d| examples().join(d).to_str().unwrap().to_string())
        .collect();
    let mut args = vec!["ingest"];
    args.extend(rest.iter().map(String::as_str));
    let run = dateline(&args, &twice);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("later articles again"),
        "the late articles changed what later ones knew: {}",
        run.stderr
    );

    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for ((table, one), (_, two)) in export(&once, &a).into_iter().zip(export(&twice, &b)) {
        assert_eq!(one.len(), two.len(), "{table}");
        assert!(one == two, "{table} differs");
    }
}
