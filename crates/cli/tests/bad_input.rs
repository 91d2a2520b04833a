//! Every kind of bad input gets a clear error naming file and line or record, the rest
//! is still ingested, nothing stored before is lost, and the exit code says so.

mod common;

use common::*;

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let good = write(
        dir.path(),
        "good.jsonl",
        jsonl_line("good-1", "2031-03-01", &paragraph(1)) + "\n",
    );
    let run = dateline(&["ingest", good.to_str().unwrap()], &db);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (dir, db)
}

/// Ingests `path`, expects exit 1 and `message` on stderr, and checks that the
/// earlier article is intact and `expected_new` more were stored.
fn expect_rejection(
    dir: &std::path::Path,
    db: &std::path::Path,
    path: &str,
    message: &str,
    expected_new: i64,
) {
    let before = stored(db);
    let run = dateline(&["ingest", path], db);
    assert_eq!(run.code, 1, "exit code for {path}: {}", run.stderr);
    assert!(
        run.stderr.contains(message),
        "expected {message:?} in:\n{}",
        run.stderr
    );
    assert_eq!(stored(db), before + expected_new, "{}", run.stderr);
    let kept = dateline(&["export", "--out", dir.join("out").to_str().unwrap()], db);
    assert_eq!(kept.code, 0, "{}", kept.stderr);
    let exported = std::fs::read_to_string(dir.join("out/articles.jsonl")).unwrap();
    assert!(
        exported.contains("\"id\":\"good-1\""),
        "earlier article lost"
    );
}

#[test]
fn invalid_utf8_line_is_rejected_with_its_line_and_the_rest_ingested() {
    let (dir, db) = setup();
    let mut bytes = (jsonl_line("a", "2031-03-02", &paragraph(2)) + "\n").into_bytes();
    bytes.extend_from_slice(b"{\"date\":\"2031-03-02\",\"text\":\"caf\xe9 talks\"}\n");
    bytes.extend_from_slice((jsonl_line("b", "2031-03-02", &paragraph(3)) + "\n").as_bytes());
    let path = write(dir.path(), "mixed.jsonl", bytes);
    expect_rejection(
        dir.path(),
        &db,
        path.to_str().unwrap(),
        "mixed.jsonl:2: invalid UTF-8",
        2,
    );
}

#[test]
fn truncated_json_line_is_rejected() {
    let (dir, db) = setup();
    let line = jsonl_line("c", "2031-03-02", &paragraph(4));
    let content = format!(
        "{}\n{}\n",
        &line[..line.len() / 2],
        jsonl_line("d", "2031-03-02", &paragraph(5))
    );
    let path = write(dir.path(), "cut.jsonl", content);
    expect_rejection(
        dir.path(),
        &db,
        path.to_str().unwrap(),
        "cut.jsonl:1: truncated JSON",
        1,
    );
}

#[test]
fn missing_and_unparseable_dates_are_rejected() {
    let (dir, db) = setup();
    let content = format!(
        "{}\n{}\n",
        serde_json::json!({"text": paragraph(6)}),
        serde_json::json!({"text": paragraph(7), "date": "last Tuesday"})
    );
    let path = write(dir.path(), "dates.jsonl", content);
    expect_rejection(
        dir.path(),
        &db,
        path.to_str().unwrap(),
        "dates.jsonl:1: missing date",
        0,
    );
    let run = dateline(&["ingest", path.to_str().unwrap()], &db);
    assert!(
        run.stderr
            .contains("dates.jsonl:2: unparseable date in `date`: \"last Tuesday\""),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_date_is_filled_by_the_date_flag() {
    let (dir, db) = setup();
    let path = write(
        dir.path(),
        "nodate.jsonl",
        serde_json::json!({"text": paragraph(8)}).to_string(),
    );
    let run = dateline(
        &["ingest", path.to_str().unwrap(), "--date", "2031-04-01"],
        &db,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(stored(&db), 2);
}

#[test]
fn empty_text_is_rejected() {
    let (dir, db) = setup();
    let content = format!(
        "{}\n{}\n",
        serde_json::json!({"date": "2031-03-02", "text": "   "}),
        serde_json::json!({"date": "2031-03-02", "text": "Advertisement\n\nShare this article"})
    );
    let path = write(dir.path(), "empty.jsonl", content);
    expect_rejection(
        dir.path(),
        &db,
        path.to_str().unwrap(),
        "empty.jsonl:1: empty text",
        0,
    );
    let run = dateline(&["ingest", path.to_str().unwrap()], &db);
    assert!(
        run.stderr
            .contains("empty.jsonl:2: no text left after removing boilerplate"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_100_mb_single_line_is_skipped_without_stopping_the_file() {
    let (dir, db) = setup();
    let path = dir.path().join("huge.jsonl");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        write!(f, "{{\"date\":\"2031-03-02\",\"text\":\"").unwrap();
        let chunk = "envoy ".repeat(10_000);
        for _ in 0..(100_000_000 / chunk.len()) {
            f.write_all(chunk.as_bytes()).unwrap();
        }
        writeln!(f, "\"}}").unwrap();
        writeln!(
            f,
            "{}",
            jsonl_line("after-huge", "2031-03-02", &paragraph(9))
        )
        .unwrap();
    }
    expect_rejection(
        dir.path(),
        &db,
        path.to_str().unwrap(),
        "huge.jsonl:1: line of 99960031 bytes is over the 32 MiB record limit",
        1,
    );
}

#[test]
fn max_record_mb_sets_the_record_limit() {
    let (dir, db) = setup();
    // A 1.5 MiB article: over a 1 MiB limit, under the default.
    let body = paragraph(7).repeat(1 + (3 << 19) / paragraph(7).len());
    let path = write(
        dir.path(),
        "long.jsonl",
        jsonl_line("long-1", "2031-03-02", &body) + "\n",
    );
    let path = path.to_str().unwrap();
    let tight = dateline(&["ingest", "--max-record-mb", "1", path], &db);
    assert_eq!(tight.code, 1, "{}", tight.stderr);
    assert!(
        tight.stderr.contains("long.jsonl:1: line of 1")
            && tight
                .stderr
                .contains("over the 1 MiB record limit (--max-record-mb)"),
        "{}",
        tight.stderr
    );
    assert_eq!(stored(&db), 1);
    // Annotating it would take most of a minute in a debug build.
    let default = dateline(&["ingest", "--no-extract", path], &db);
    assert_eq!(default.code, 0, "{}", default.stderr);
    assert_eq!(stored(&db), 2);
    let refused = dateline(&["ingest", "--max-record-mb", "0", path], &db);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
}

#[test]
fn binary_file_is_rejected() {
    let (dir, db) = setup();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    let path = write(dir.path(), "photo.html", png);
    expect_rejection(
        dir.path(),
        &db,
        path.to_str().unwrap(),
        "photo.html: binary file",
        0,
    );
}

#[test]
fn nonexistent_path_is_reported_and_other_paths_still_ingested() {
    let (dir, db) = setup();
    let good = write(
        dir.path(),
        "more.jsonl",
        jsonl_line("more", "2031-03-03", &paragraph(10)),
    );
    let missing = dir.path().join("nope.jsonl");
    let run = dateline(
        &["ingest", missing.to_str().unwrap(), good.to_str().unwrap()],
        &db,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("nope.jsonl: no such file or directory"),
        "{}",
        run.stderr
    );
    assert_eq!(stored(&db), 2);
}

#[test]
fn unreadable_file_is_reported() {
    // Root reads any file whatever its mode, so permission errors cannot be provoked
    // there; a read error from the kernel (EIO on /proc/self/mem) exercises the same
    // path in every environment.
    let (dir, db) = setup();
    let run = dateline(&["ingest", "/proc/self/mem", "--format", "jsonl"], &db);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("/proc/self/mem"), "{}", run.stderr);
    assert_eq!(stored(&db), 1);
    if unsafe_is_root() {
        eprintln!("skipping the chmod 000 case: running as root, which ignores file modes");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let path = write(
        dir.path(),
        "locked.jsonl",
        jsonl_line("locked", "2031-03-03", &paragraph(11)),
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    expect_rejection(
        dir.path(),
        &db,
        path.to_str().unwrap(),
        "locked.jsonl: permission denied",
        0,
    );
}

fn unsafe_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn html_page_without_an_article_is_rejected() {
    let (dir, db) = setup();
    let path = write(
        dir.path(),
        "index.html",
        "<html><head><title>Home</title></head><body><nav><a href='/'>Home</a> <a href='/a'>World</a></nav></body></html>",
    );
    expect_rejection(
        dir.path(),
        &db,
        path.to_str().unwrap(),
        "index.html: no article found",
        0,
    );
}

#[test]
fn warc_with_a_corrupt_record_keeps_the_records_around_it() {
    let (dir, db) = setup();
    let page = |n: usize| {
        format!(
            "<html><head><meta property=\"article:published_time\" content=\"2031-03-0{n}\"></head><body><article><p>{}</p><p>{}</p></article></body></html>",
            paragraph(20 + n),
            paragraph(30 + n)
        )
    };
    let record = |n: usize, declared_extra: i64| {
        let http = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{}",
            page(n)
        );
        let length = http.len() as i64 + declared_extra;
        format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/{n}\r\nWARC-Date: 2031-03-0{n}T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {length}\r\n\r\n{http}\r\n\r\n"
        )
    };
    // Record 2 claims 40 bytes fewer than it has: its tail is garbage to the reader.
    let warc = format!("{}{}{}", record(1, 0), record(2, -40), record(3, 0));
    let path = write(dir.path(), "crawl.warc", warc);
    expect_rejection(
        dir.path(),
        &db,
        path.to_str().unwrap(),
        "crawl.warc: record 3: corrupt record",
        3,
    );
    let exported = std::fs::read_to_string(dir.path().join("out/articles.jsonl")).unwrap();
    for n in 1..=3 {
        assert!(
            exported.contains(&format!("https://example.org/{n}")),
            "record {n} missing"
        );
    }
}

#[test]
fn bad_usage_exits_2() {
    let (dir, db) = setup();
    let run = dateline(
        &["ingest", dir.path().to_str().unwrap(), "--date", "tomorrow"],
        &db,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not a date in the form YYYY-MM-DD"),
        "{}",
        run.stderr
    );
    let run = dateline(&["search", "((", "\""], &db);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn an_id_stored_with_other_text_is_rejected_at_its_file_and_line() {
    let (dir, db) = setup();
    let lines = [
        jsonl_line("c", "2031-03-02", &paragraph(4)),
        jsonl_line("good-1", "2031-03-02", &paragraph(5)),
        jsonl_line("d", "2031-03-02", &paragraph(6)),
    ];
    let path = write(dir.path(), "again.jsonl", lines.join("\n") + "\n");
    expect_rejection(
        dir.path(),
        &db,
        path.to_str().unwrap(),
        "again.jsonl:2: id \"good-1\" is already stored with different text",
        2,
    );
}
