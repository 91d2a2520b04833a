//! `dateline timeline` over the examples: Marsk's "no talks" turning into talks on
//! conditions is a stance shift; as-of hides what came later; bad arguments fail
//! the way the contract says.

mod common;

use common::{dateline, ingest_examples, lines};

#[test]
fn marsk_refuses_then_sets_terms_and_as_of_hides_the_turn() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let run = ingest_examples(&db, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let run = dateline(
        &[
            "timeline",
            "Ilena Marsk",
            "--topic",
            "negotiation",
            "--json",
        ],
        &db,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let entries = lines(&run.stdout);
    // "… will sit down with Haldmere … on condition that …" after "no talks".
    let turn = entries
        .iter()
        .find(|e| {
            e["stance"]["shift"] == true
                && e["stance"]["polarity"] == 0
                && e["stance"]["previous"] == -1
                && e["summary"].as_str().unwrap().contains("on condition")
        })
        .unwrap_or_else(|| panic!("no refusal followed by terms in {entries:#?}"));
    let turn_published = turn["article_date"].as_str().unwrap().to_string();
    for e in &entries {
        assert!(e["outlets"].as_u64().unwrap() >= 1);
        assert!(
            e["stance"].is_null() || e["stance"]["topic"] == "negotiation",
            "{e}"
        );
    }

    // As of the day before the turn was published, nothing from that day or later.
    let before = jiff::civil::Date::strptime("%Y-%m-%d", &turn_published)
        .unwrap()
        .yesterday()
        .unwrap()
        .to_string();
    let run = dateline(
        &[
            "timeline",
            "Ilena Marsk",
            "--topic",
            "negotiation",
            "--json",
            "--as-of",
            &before,
        ],
        &db,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let earlier = lines(&run.stdout);
    assert!(!earlier.is_empty());
    for e in &earlier {
        assert!(
            e["article_date"].as_str().unwrap() <= before.as_str(),
            "{e}"
        );
    }
    assert!(earlier.len() < entries.len());

    // The table names the shift.
    let run = dateline(&["timeline", "Ilena Marsk", "--topic", "negotiation"], &db);
    assert!(
        run.stdout.contains("SHIFT against→on terms"),
        "{}",
        run.stdout
    );

    let unknown = dateline(&["timeline", "Nobody At All"], &db);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("no actor"), "{}", unknown.stderr);
    let bad_topic = dateline(&["timeline", "VLD", "--topic", "weather"], &db);
    assert_eq!(bad_topic.code, 2);
}
