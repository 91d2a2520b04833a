//! `dateline ingest` annotates what it stores; `dateline actors` and `dateline actor`
//! read the registry, with the example corpus and its fictional actor dictionary.

mod common;

use common::*;

#[test]
fn the_registry_lists_and_shows_actors_as_of_a_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let run = ingest_examples(&db, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("annotated 54 articles"),
        "{}",
        run.stderr
    );

    let list = dateline(&["actors", "--json", "--limit", "50"], &db);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let actors: Vec<serde_json::Value> = list
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = actors.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert!(
        ids.contains(&"veldora") && ids.contains(&"haldmere"),
        "{ids:?}"
    );
    for a in &actors {
        assert!(a["aliases"].is_array() && a["codes"].is_array() && a["kind"].is_string());
    }

    // Three spellings of one man, one id; his wife is someone else.
    let show = dateline(&["actor", "Matwei Orlenko", "--json"], &db);
    assert_eq!(show.code, 0, "{}", show.stderr);
    let orlenko: serde_json::Value = serde_json::from_str(show.stdout.trim()).unwrap();
    let aliases: Vec<&str> = orlenko["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    for spelling in ["Matvei Orlenko", "Matvey Orlenko", "Matwei Orlenko"] {
        assert!(aliases.contains(&spelling), "{aliases:?}");
    }
    assert!(!aliases.contains(&"Hedda Orlenko"), "{aliases:?}");

    // As of 1 April: none of the May articles, and no Concord envoy yet in March 1.
    let early = dateline(
        &["actor", "Matvei Orlenko", "--json", "--as-of", "2031-04-01"],
        &db,
    );
    let early: serde_json::Value = serde_json::from_str(early.stdout.trim()).unwrap();
    assert!(early["last_seen"].as_str().unwrap() <= "2031-04-01");
    assert!(early["mentions"].as_u64() < orlenko["mentions"].as_u64());
    let before = dateline(&["actor", "Corentin Ashby", "--as-of", "2031-03-01"], &db);
    assert_eq!(before.code, 1, "{}", before.stdout);
    assert!(
        before.stderr.contains("as of 2031-03-01"),
        "{}",
        before.stderr
    );

    let table = dateline(&["actors", "VLD"], &db);
    assert_eq!(table.code, 0);
    assert!(table.stdout.lines().count() > 2, "{}", table.stdout);
}

#[test]
fn no_extract_leaves_work_that_the_next_ingest_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let run = ingest_examples(&db, &["--no-extract"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("annotated"), "{}", run.stderr);
    let list = dateline(&["actors"], &db);
    assert!(list.stderr.contains("no actors"), "{}", list.stderr);
    let again = ingest_examples(&db, &[]);
    assert!(
        again.stderr.contains("annotated 54 articles"),
        "{}",
        again.stderr
    );
    let same = ingest_examples(&db, &[]);
    assert!(
        !same.stderr.contains("annotated"),
        "nothing left to do: {}",
        same.stderr
    );
    // Without --actors the store keeps the dictionaries it was built with: nothing
    // to do again ...
    let examples = examples();
    let plain = dateline(&["ingest", examples.to_str().unwrap(), "--quiet"], &db);
    assert!(!plain.stderr.contains("annotated"), "{}", plain.stderr);
    // ... and other dictionaries, asked for, are other annotations: all again.
    let shipped = dateline(
        &[
            "ingest",
            examples.to_str().unwrap(),
            "--quiet",
            "--forget-actors",
        ],
        &db,
    );
    assert!(
        shipped.stderr.contains("annotated 54 articles"),
        "{}",
        shipped.stderr
    );
}

#[test]
fn a_bad_actor_dictionary_is_reported_and_a_missing_one_stops_the_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let input = write(
        dir.path(),
        "a.jsonl",
        jsonl_line("a", "2031-03-01", &paragraph(1)),
    );
    let bad = write(
        dir.path(),
        "bad.actors",
        "VELDORA_ [VLD]\nBROKEN_ [VLD 99]\n",
    );
    let run = dateline(
        &[
            "ingest",
            input.to_str().unwrap(),
            "--actors",
            bad.to_str().unwrap(),
        ],
        &db,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("bad.actors:2: bad date restriction"),
        "{}",
        run.stderr
    );
    let other = dir.path().join("other.db");
    let run = dateline(
        &[
            "ingest",
            input.to_str().unwrap(),
            "--actors",
            "/no/such.actors",
        ],
        &other,
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("/no/such.actors"), "{}", run.stderr);
    assert!(
        !other.exists(),
        "nothing stored before the dictionary is read"
    );
}
