//! `dateline events` and the events of `dateline export`, over the example corpus:
//! the stored events are the ones `extract` makes, and every filter, the as-of date
//! and each output format hold on the command line.

mod common;

use common::*;
use serde_json::Value;

#[test]
fn events_are_stored_listed_filtered_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let run = ingest_examples(&db, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let all = dateline(&["events", "--json", "--limit", "100000"], &db);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let all = lines(&all.stdout);
    assert!(all.len() > 50, "{} events", all.len());

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
    let key = |e: &Value| e["id"].as_str().unwrap().to_string();
    let mut from_extract: Vec<Value> = lines(&extracted.stdout)
        .into_iter()
        .flat_map(|x| x["events"].as_array().unwrap().clone())
        .collect();
    from_extract.sort_by_key(key);
    from_extract.dedup_by_key(|e| key(e));
    let mut stored = all.clone();
    stored.sort_by_key(key);
    let ids: Vec<String> = stored.iter().map(key).collect();
    from_extract.retain(|e| ids.binary_search(&key(e)).is_ok());
    assert_eq!(stored, from_extract);

    // Filters: by the code an actor held, by root, by exact code, by date.
    let vld = lines(
        &dateline(
            &["events", "--source", "VLD", "--json", "--limit", "1000"],
            &db,
        )
        .stdout,
    );
    assert!(!vld.is_empty());
    assert!(
        vld.iter()
            .all(|e| e["source"]["code"].as_str().unwrap().starts_with("VLD"))
    );
    let to_hld = lines(
        &dateline(
            &["events", "--target", "HLD", "--root", "11", "--json"],
            &db,
        )
        .stdout,
    );
    assert!(!to_hld.is_empty());
    assert!(to_hld.iter().all(|e| {
        e["root"] == "11" && e["target"]["code"].as_str().unwrap().starts_with("HLD")
    }));
    let early = lines(
        &dateline(
            &[
                "events",
                "--as-of",
                "2031-03-05",
                "--json",
                "--limit",
                "1000",
            ],
            &db,
        )
        .stdout,
    );
    assert!(!early.is_empty() && early.len() < all.len());
    assert!(
        early
            .iter()
            .all(|e| e["date"].as_str().unwrap() <= "2031-03-05")
    );
    let code = all[0]["code"].as_str().unwrap();
    let same = lines(
        &dateline(
            &["events", "--code", code, "--json", "--limit", "1000"],
            &db,
        )
        .stdout,
    );
    assert!(same.iter().all(|e| e["code"] == code));

    // Formats.
    let gdelt = dateline(&["events", "--format", "gdelt", "--limit", "5"], &db);
    assert_eq!(gdelt.code, 0, "{}", gdelt.stderr);
    for row in gdelt.stdout.lines() {
        let cells: Vec<&str> = row.split('\t').collect();
        assert_eq!(cells.len(), 61, "{row}");
        assert_eq!(cells[28].len(), 2, "root code in column 28: {row}");
    }
    let csv_out = dateline(&["events", "--format", "csv", "--limit", "5"], &db);
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_bytes());
    assert_eq!(reader.records().count(), 5);
    assert_eq!(dateline(&["events", "--root", "21"], &db).code, 2);
    assert_eq!(dateline(&["events", "--code", "1x"], &db).code, 2);

    let out = dir.path().join("out");
    let export = dateline(&["export", "--out", out.to_str().unwrap()], &db);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let exported = lines(&std::fs::read_to_string(out.join("events.jsonl")).unwrap());
    assert_eq!(exported, all);
}
