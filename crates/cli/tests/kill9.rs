//! An ingest killed with SIGKILL at arbitrary points leaves a valid store, and running
//! the same command again completes it: exact counts, no duplicates, nothing lost —
//! for storing (4,000 articles, `--no-extract`) and for annotating (a smaller corpus,
//! since annotation is far slower in the debug builds tests run).

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
        dateline(
            &["ingest", input.to_str().unwrap(), "--no-extract"],
            &probe_db
        )
        .code,
        0
    );
    let full = started.elapsed();

    let kills = kill_repeatedly(
        &["ingest", input.to_str().unwrap(), "--no-extract"],
        &db,
        full,
        8,
    );
    assert!(
        kills >= 3,
        "the test must actually interrupt ingests (killed {kills})"
    );

    let resume = dateline(&["ingest", input.to_str().unwrap(), "--no-extract"], &db);
    assert_eq!(resume.code, 0, "{}", resume.stderr);
    let check = dateline(&["check"], &db);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_eq!(
        check.stdout.lines().next(),
        Some(format!("ok: {ARTICLES} articles (0 marked as copies)").as_str())
    );
    let search = dateline(&["search", "fictional", "--limit", "100000", "--json"], &db);
    assert_eq!(search.code, 0, "{}", search.stderr);
    assert_eq!(
        search.stdout.lines().count(),
        ARTICLES,
        "every article is searchable once"
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
}

/// Killed while annotating, ingest resumes the annotations: the same mentions as an
/// uninterrupted run, none twice.
#[test]
fn interrupted_annotation_resumes_to_the_exact_result() {
    const ARTICLES: usize = 200;
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..ARTICLES)
        .map(|i| {
            let text = format!(
                "Foreign Minister Sabine Drost met Colonel Lukas Drost in Marrowick on day {i}. \
                 Drost said the talks would resume. She thanked Veldoran officials. {}",
                paragraph(i)
            );
            serde_json::json!({"id": format!("a{i}"), "date": "2031-03-04", "text": text})
                .to_string()
        })
        .collect();
    let input = write(dir.path(), "corpus.jsonl", lines.join("\n"));
    let mentions = |db: &std::path::Path| -> (i64, i64) {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.query_row(
            "SELECT count(*), count(DISTINCT article || ':' || start || ':' || label) FROM mentions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };

    let clean = dir.path().join("clean.db");
    let started = Instant::now();
    assert_eq!(
        dateline(&["ingest", input.to_str().unwrap(), "--quiet"], &clean).code,
        0
    );
    let full = started.elapsed();
    let expected = mentions(&clean);
    assert!(expected.0 > ARTICLES as i64);

    let db = dir.path().join("s.db");
    let kills = kill_repeatedly(&["ingest", input.to_str().unwrap()], &db, full, 4);
    assert!(
        kills >= 2,
        "the test must actually interrupt (killed {kills})"
    );
    let resume = dateline(&["ingest", input.to_str().unwrap(), "--quiet"], &db);
    assert_eq!(resume.code, 0, "{}", resume.stderr);
    assert_eq!(mentions(&db), expected);
    assert_eq!(expected.0, expected.1, "no mention stored twice");
}

/// Runs `args` against `db` `rounds` times, killing it with SIGKILL at 1/(rounds+1),
/// 2/(rounds+1), … of `full` (a fresh run's time; later rounds have less left to do,
/// so they are often killed during start-up or near the end: both count), and checks
/// the store after each. Returns how many runs were actually killed.
fn kill_repeatedly(
    args: &[&str],
    db: &std::path::Path,
    full: std::time::Duration,
    rounds: u32,
) -> u32 {
    let mut kills = 0;
    for round in 1..=rounds {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dateline"))
            .args(args)
            .args(["--quiet", "--db", db.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(f64::from(round) / f64::from(rounds + 1)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        let check = dateline(&["check"], db);
        assert_eq!(
            check.code, 0,
            "store invalid after kill {round}: {}{}",
            check.stdout, check.stderr
        );
    }
    kills
}
