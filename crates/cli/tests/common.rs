//! Helpers shared by the CLI tests: run the built binary against a temporary store.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn dateline(args: &[&str], db: &Path) -> Run {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(args)
        .env("DATELINE_DB", db)
        .output()
        .expect("binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write fixture");
    path
}

/// A fictional article as one JSONL line.
pub fn jsonl_line(id: &str, date: &str, text: &str) -> String {
    serde_json::json!({"id": id, "date": date, "title": "Fictional", "source": "The Test Ledger", "text": text})
        .to_string()
}

/// Number of stored articles, read with SQLite directly (not through dateline).
pub fn stored(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open store");
    conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .expect("count")
}

pub fn paragraph(seed: usize) -> String {
    const WORDS: &[&str] = &[
        "envoy",
        "island",
        "ferry",
        "minister",
        "border",
        "talks",
        "harbour",
        "treaty",
        "mediator",
        "delegation",
        "summit",
        "lighthouse",
        "patrol",
        "council",
        "river",
        "spokesman",
        "vote",
        "grain",
    ];
    let mut state = seed as u64 * 2654435761 + 17;
    (0..60)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            WORDS[(state >> 33) as usize % WORDS.len()]
        })
        .collect::<Vec<_>>()
        .join(" ")
        + "."
}

/// The bundled example corpus.
pub fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Ingests the example corpus with its fictional actor dictionary, plus `extra` flags.
pub fn ingest_examples(db: &std::path::Path, extra: &[&str]) -> Run {
    let examples = examples();
    let dictionary = examples.join("dictionary/fictional.actors");
    let mut args = vec![
        "ingest",
        examples.to_str().unwrap(),
        "--actors",
        dictionary.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    dateline(&args, db)
}

/// JSON Lines output as values.
pub fn lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
