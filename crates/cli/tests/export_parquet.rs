//! `dateline export --format parquet` over the example corpus (articles, statements,
//! events, mentions and the actor registry), read back with pyarrow:
//! the same rows as the JSON Lines export, typed columns, null where the CSV cell
//! is empty, Snappy compression. Skipped (with a message) when `python3` cannot
//! import pyarrow.

mod common;

use std::process::Command;

use common::*;
use serde_json::{Value, json};

/// Prints, for each table, its row count, its column types, its codecs and its rows
/// (dates as YYYY-MM-DD), as one JSON object.
const READ_BACK: &str = r#"
import json, sys
import pyarrow.parquet as pq
out = {}
for name in ("articles", "statements", "events", "mentions", "actors"):
    path = f"{sys.argv[1]}/{name}.parquet"
    table = pq.read_table(path)
    meta = pq.ParquetFile(path).metadata
    out[name] = {
        "rows": table.num_rows,
        "types": [[f.name, str(f.type)] for f in table.schema],
        "codecs": sorted({meta.row_group(g).column(c).compression
                          for g in range(meta.num_row_groups)
                          for c in range(meta.num_columns)}),
        "records": table.to_pylist(),
    }
print(json.dumps(out, default=str))
"#;

fn pyarrow_missing() -> bool {
    !Command::new("python3")
        .args(["-c", "import pyarrow"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn parquet_export_matches_the_jsonl_export_with_typed_columns() {
    if pyarrow_missing() {
        // CI installs pyarrow (.ci/run): there, a missing one is a broken setup, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but pyarrow is not importable (python3 -c 'import pyarrow' failed)"
        );
        eprintln!("skipping: pyarrow not installed (python3 -c 'import pyarrow' failed)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let run = ingest_examples(&db, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let out = dir.path().join("out");
    let out_arg = out.to_str().unwrap();
    for format in ["jsonl", "parquet"] {
        let export = dateline(&["export", "--out", out_arg, "--format", format], &db);
        assert_eq!(export.code, 0, "{}", export.stderr);
    }
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let read = Command::new("python3")
        .args(["-c", READ_BACK, out_arg])
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let parquet: Value = serde_json::from_slice(&read.stdout).unwrap();
    let jsonl = |name: &str| lines(&std::fs::read_to_string(out.join(name)).unwrap());

    let text = "string";
    let date = "date32[day]";
    let list = "list<item: string not null>";
    check(
        &parquet["articles"],
        &jsonl("articles.jsonl"),
        &[
            ("id", text),
            ("date", date),
            ("title", text),
            ("source", text),
            ("url", text),
            ("lang", text),
            ("dup_of", text),
            ("meta", text),
            ("text", text),
        ],
        |a| {
            json!({
                "id": a["id"], "date": a["date"], "title": a["title"], "source": a["source"],
                "url": a["url"], "lang": a["lang"], "dup_of": a["dup_of"],
                "meta": a.get("meta").map_or(Value::Null, |m| m.to_string().into()),
                "text": a["text"],
            })
        },
    );
    check(
        &parquet["statements"],
        &jsonl("statements.jsonl"),
        &[
            ("id", text),
            ("article_id", text),
            ("date", date),
            ("said_on", date),
            ("kind", text),
            ("speaker", text),
            ("speaker_actor_id", text),
            ("speaker_resolved_from", text),
            ("speaker_anonymous", "bool"),
            ("cue", text),
            ("content_start", "int64"),
            ("content_end", "int64"),
            ("content", text),
            ("via", text),
            ("about", list),
        ],
        |s| {
            json!({
                "id": s["id"], "article_id": s["article_id"], "date": s["date"],
                "said_on": s["said_on"], "kind": s["kind"], "speaker": s["speaker"]["name"],
                "speaker_actor_id": s["speaker"]["actor_id"],
                "speaker_resolved_from": s["speaker"]["resolved_from"],
                "speaker_anonymous": s["speaker"]["anonymous"], "cue": s["cue"]["text"],
                "content_start": s["content"]["start"], "content_end": s["content"]["end"],
                "content": s["content"]["text"], "via": s["via"]["name"], "about": s["about"],
            })
        },
    );
    check(
        &parquet["events"],
        &jsonl("events.jsonl"),
        &[
            ("id", text),
            ("article_id", text),
            ("date", date),
            ("event_date", date),
            ("code", text),
            ("root", text),
            ("quad_class", "int64"),
            ("goldstein", "double"),
            ("plover", text),
            ("source_actor_id", text),
            ("source_code", text),
            ("source_text", text),
            ("target_actor_id", text),
            ("target_code", text),
            ("target_text", text),
            ("negated", "bool"),
            ("hypothetical", "bool"),
            ("conditions", list),
            ("reported_by", text),
            ("evidence", text),
        ],
        |e| {
            let conditions: Vec<&Value> = e["conditions"]
                .as_array()
                .map_or(vec![], |c| c.iter().map(|c| &c["text"]).collect());
            json!({
                "id": e["id"], "article_id": e["article_id"], "date": e["date"],
                "event_date": e["event_date"], "code": e["code"], "root": e["root"],
                "quad_class": e["quad_class"], "goldstein": e["goldstein"], "plover": e["plover"],
                "source_actor_id": e["source"]["actor_id"], "source_code": e["source"]["code"],
                "source_text": e["source"]["span"]["text"],
                "target_actor_id": e["target"]["actor_id"], "target_code": e["target"]["code"],
                "target_text": e["target"]["span"]["text"], "negated": e["negated"],
                "hypothetical": e["hypothetical"], "conditions": conditions,
                "reported_by": e["reported_by"], "evidence": e["evidence"]["text"],
            })
        },
    );
    check(
        &parquet["mentions"],
        &jsonl("mentions.jsonl"),
        &[
            ("article_id", text),
            ("start", "int64"),
            ("end", "int64"),
            ("text", text),
            ("label", text),
            ("actor_id", text),
            ("code", text),
            ("resolved_from", text),
        ],
        |m| {
            json!({
                "article_id": m["article_id"], "start": m["span"]["start"],
                "end": m["span"]["end"], "text": m["span"]["text"], "label": m["label"],
                "actor_id": m["actor_id"], "code": m["code"], "resolved_from": m["resolved_from"],
            })
        },
    );
    check(
        &parquet["actors"],
        &jsonl("actors.jsonl"),
        &[
            ("id", text),
            ("name", text),
            ("kind", text),
            ("codes", text),
            ("aliases", list),
            ("mentions", "int64"),
            ("articles", "int64"),
            ("first_seen", date),
            ("last_seen", date),
        ],
        |a| {
            json!({
                "id": a["id"], "name": a["name"], "kind": a["kind"],
                // The codes column is the JSON of the codes as they serialize.
                "codes": serde_json::to_string(
                    &serde_json::from_value::<Vec<dateline_core::ActorCode>>(a["codes"].clone())
                        .unwrap(),
                )
                .unwrap(),
                "aliases": a["aliases"],
                "mentions": a["mentions"], "articles": a["articles"],
                "first_seen": a["first_seen"], "last_seen": a["last_seen"],
            })
        },
    );
    // The corpus exercises the typed and the empty cells.
    let events = parquet["events"]["records"].as_array().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e["goldstein"].as_f64().unwrap().fract() != 0.0)
    );
    assert!(events.iter().any(|e| e["target_code"].is_null()));
    let statements = parquet["statements"]["records"].as_array().unwrap();
    assert!(statements.iter().any(|s| s["via"].is_string()));
    assert!(statements.iter().any(|s| s["via"].is_null()));
    assert!(
        statements
            .iter()
            .any(|s| s["about"].as_array().unwrap().len() > 1)
    );
}

/// Asserts a table read back from Parquet: its column names and types, Snappy
/// everywhere, and row for row the JSON Lines `records` through `expected` (with an
/// absent or empty string as null).
fn check(
    table: &Value,
    records: &[Value],
    types: &[(&str, &str)],
    expected: impl Fn(&Value) -> Value,
) {
    let got: Vec<(&str, &str)> = table["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t[0].as_str().unwrap(), t[1].as_str().unwrap()))
        .collect();
    assert_eq!(got, types);
    assert_eq!(table["codecs"], json!(["SNAPPY"]));
    assert_eq!(table["rows"], records.len());
    assert!(!records.is_empty());
    let rows = table["records"].as_array().unwrap();
    for (row, record) in rows.iter().zip(records) {
        let mut want = expected(record);
        for value in want.as_object_mut().unwrap().values_mut() {
            if value.as_str() == Some("") {
                *value = Value::Null;
            }
        }
        assert_eq!(row, &want);
    }
}
