//! An ingest killed with SIGKILL at arbitrary points leaves a valid store, and running
//! the same command again completes it: exact counts, no duplicates, nothing lost.

mod common;

use std::process::{Command, Stdio};
use std::time::Instant;

use common::*;

#[test]
fn interrupted_ingests_resume_to_the_exact_result() {
    const ARTICLES: usize = 4000;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let lines: Vec<String> = (0..ARTICLES)
        .map(|i| {
            let day = 1 + i % 28;
            // Unique openings make every article distinct, also to the near-duplicate index.
            let text = format!(
                "Dispatch {i} from the fictional coast. {} {}",
                paragraph(i),
                paragraph(i + 100_000)
            );
            serde_json::json!({"date": format!("2031-03-{day:02}"), "text": text}).to_string()
        })
        .collect();
    let input = write(dir.path(), "corpus.jsonl", lines.join("\n"));

    // Time one full run to spread the kills over the whole ingest.
    let probe_db = dir.path().join("probe.db");
    let started = Instant::now();
    assert_eq!(
        dateline(&["ingest", input.to_str().unwrap()], &probe_db).code,
        0
    );
    let full = started.elapsed();

    let mut kills = 0;
    for round in 1..=8u32 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dateline"))
            .args([
                "ingest",
                input.to_str().unwrap(),
                "--quiet",
                "--db",
                db.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill points at 1/9 … 8/9 of a fresh run (each round has less left to do, so
        // later rounds are often killed during start-up or near the end: both count).
        std::thread::sleep(full.mul_f64(f64::from(round) / 9.0));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        let check = dateline(&["check"], &db);
        assert_eq!(
            check.code, 0,
            "store invalid after kill {round}: {}{}",
            check.stdout, check.stderr
        );
    }
    assert!(
        kills >= 3,
        "the test must actually interrupt ingests (killed {kills})"
    );

    let resume = dateline(&["ingest", input.to_str().unwrap()], &db);
    assert_eq!(resume.code, 0, "{}", resume.stderr);
    let check = dateline(&["check"], &db);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_eq!(
        check.stdout.trim(),
        format!("ok: {ARTICLES} articles (0 marked as copies)")
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let distinct: i64 = conn
        .query_row(
            "SELECT count(DISTINCT content_hash) FROM articles",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(distinct, ARTICLES as i64);
    let indexed: i64 = conn
        .query_row(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '\"fictional\"'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexed, ARTICLES as i64, "every article is searchable once");
}
