//! `dateline statements` and the statements of `dateline export`, over the example
//! corpus: the stored statements are the ones `extract` makes, and every filter and
//! the as-of date hold on the command line.

mod common;

use common::*;
use serde_json::Value;

#[test]
fn statements_are_stored_listed_filtered_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let run = ingest_examples(&db, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let all = dateline(&["statements", "--json", "--limit", "100000"], &db);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let all = lines(&all.stdout);
    assert!(all.len() > 300, "{} statements", all.len());

    // What the store gives back is what the extractor makes of the same articles
    // together.
    let dictionary = examples().join("dictionary/fictional.actors");
    let extracted = dateline(
        &[
            "extract",
            "--knowledge",
            examples().to_str().unwrap(),
            "--actors",
            dictionary.to_str().unwrap(),
        ],
        &db,
    );
    assert_eq!(extracted.code, 0, "{}", extracted.stderr);
    let mut from_extract: Vec<Value> = lines(&extracted.stdout)
        .into_iter()
        .flat_map(|e| e["statements"].as_array().unwrap().clone())
        .collect();
    let mut stored = all.clone();
    let key = |s: &Value| s["id"].as_str().unwrap().to_string();
    from_extract.sort_by_key(key);
    from_extract.dedup_by_key(|s| key(s));
    stored.sort_by_key(key);
    let stored_ids: Vec<String> = stored.iter().map(key).collect();
    from_extract.retain(|s| stored_ids.binary_search(&key(s)).is_ok());
    assert_eq!(stored.len(), from_extract.len());
    assert_eq!(stored, from_extract);

    // By speaker: a name finds the actor and every statement is hers.
    let marsk = lines(&dateline(&["statements", "--speaker", "Ilena Marsk", "--json"], &db).stdout);
    assert!(marsk.len() >= 5, "{}", marsk.len());
    let id = marsk[0]["speaker"]["actor_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        marsk
            .iter()
            .all(|s| s["speaker"]["actor_id"] == id.as_str())
    );
    // As of a date: nothing from a later article.
    let early = lines(
        &dateline(
            &[
                "statements",
                "--speaker",
                "Ilena Marsk",
                "--as-of",
                "2031-03-05",
                "--json",
            ],
            &db,
        )
        .stdout,
    );
    assert!(!early.is_empty() && early.len() < marsk.len());
    assert!(
        early
            .iter()
            .all(|s| s["date"].as_str().unwrap() <= "2031-03-05")
    );
    // By kind and by outlet.
    let direct = lines(&dateline(&["statements", "--kind", "direct", "--json"], &db).stdout);
    assert!(!direct.is_empty() && direct.iter().all(|s| s["kind"] == "direct"));
    let relayed = lines(&dateline(&["statements", "--via", "kestrel", "--json"], &db).stdout);
    assert!(!relayed.is_empty());
    assert!(relayed.iter().all(|s| s["via"]["name"] == "Radio Kestrel"));
    // About a country, by its code.
    let about = lines(
        &dateline(
            &["statements", "--about", "HLD", "--json", "--limit", "1000"],
            &db,
        )
        .stdout,
    );
    assert!(!about.is_empty() && about.len() < all.len());
    // A bad kind is bad usage.
    let bad = dateline(&["statements", "--kind", "rumour"], &db);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    // The table shows one line a statement under a header.
    let table = dateline(&["statements", "--limit", "3"], &db);
    assert_eq!(table.stdout.lines().count(), 4, "{}", table.stdout);

    let out = dir.path().join("out");
    let export = dateline(&["export", "--out", out.to_str().unwrap()], &db);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let exported = lines(&std::fs::read_to_string(out.join("statements.jsonl")).unwrap());
    assert_eq!(exported, all);
    let csv = dateline(
        &["export", "--out", out.to_str().unwrap(), "--format", "csv"],
        &db,
    );
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let mut reader = csv::Reader::from_path(out.join("statements.csv")).unwrap();
    assert_eq!(reader.records().count(), all.len());
}
