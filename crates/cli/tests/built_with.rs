//! A store remembers the actor dictionaries it was built with: a later ingest
//! without `--actors` annotates the same way, and changing them is explicit.

mod common;

use common::{dateline, ingest_examples, jsonl_line, write};

fn linked(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT count(*) FROM mentions WHERE actor IS NOT NULL",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_later_ingest_keeps_the_dictionaries_the_store_was_built_with() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let first = ingest_examples(&db, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = linked(&db);

    let more = write(
        dir.path(),
        "more.jsonl",
        jsonl_line(
            "more-1",
            "2031-05-02",
            "Ilena Marsk said the ferry to Calloway Sound would sail on Monday.",
        ) + "\n",
    );
    let later = dateline(&["ingest", more.to_str().unwrap(), "--quiet"], &db);
    assert_eq!(later.code, 0, "{}", later.stderr);
    assert!(
        later.stderr.contains("this store was built with"),
        "{}",
        later.stderr
    );
    // Only the new article was annotated, with the fictional dictionary still on.
    assert!(
        later.stderr.contains("annotated 1 articles"),
        "{}",
        later.stderr
    );
    assert!(linked(&db) > before);
    let check = dateline(&["check"], &db);
    assert!(
        check.stdout.contains("fictional.actors"),
        "{}",
        check.stdout
    );

    // Forgetting them is explicit, printed, and annotates everything again.
    let forget = dateline(
        &[
            "ingest",
            more.to_str().unwrap(),
            "--quiet",
            "--forget-actors",
        ],
        &db,
    );
    assert_eq!(forget.code, 0, "{}", forget.stderr);
    assert!(
        forget.stderr.contains("actor dictionaries changed"),
        "{}",
        forget.stderr
    );
    assert!(linked(&db) < before);
    let check = dateline(&["check"], &db);
    assert!(
        check.stdout.contains("the shipped dictionary alone"),
        "{}",
        check.stdout
    );
}
