//! The HTTP API end to end: `dateline serve` on 127.0.0.1 over the examples store,
//! every route, every kind of bad parameter, paging, as-of, hostile text, and the
//! write path with and without its token. Plain HTTP/1.1 over a socket, so the test
//! needs no client library.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// A running server; killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &std::path::Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(db)
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dateline serve");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    // Notices (the dictionaries a store was built with) may come before the address.
    let mut line = String::new();
    while !line.contains("http://") {
        line.clear();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
    }
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim()
        .trim_end_matches('/')
        .to_string();
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    Server { child, addr }
}

struct Reply {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
}

fn request(server: &Server, method: &str, path: &str, headers: &[&str], body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        server.addr
    );
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    // A server that refuses a body early (413) may close before it is all sent;
    // its answer is still there to read.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let headers = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let mut body = raw[split + 4..].to_vec();
    if headers.contains("transfer-encoding: chunked") {
        body = unchunk(&body);
    }
    let status = headers[9..12].parse().unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 4 + size..];
    }
}

fn get(server: &Server, path: &str) -> Reply {
    request(server, "GET", path, &[], b"")
}

fn examples_store() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examples.db");
    let run = common::ingest_examples(&db, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (dir, db)
}

#[test]
fn every_route_answers_json_and_bad_parameters_are_400() {
    let (_dir, db) = examples_store();
    let server = start(&db, &[]);

    let health = get(&server, "/api/health");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["first_date"], "2031-03-01");
    for header in [
        "content-security-policy: default-src 'self'",
        "x-content-type-options: nosniff",
        "x-frame-options: deny",
    ] {
        assert!(
            health.headers.contains(header),
            "{header} missing: {}",
            health.headers
        );
    }
    assert!(!health.headers.contains("access-control-allow-origin"));

    let openapi = get(&server, "/api/openapi.json").json();
    for path in [
        "/api/search",
        "/api/events",
        "/api/timeline",
        "/api/articles/{id}",
    ] {
        assert!(
            openapi["paths"][path]["get"].is_object(),
            "{path} undocumented"
        );
    }

    // Every listing pages the same way.
    for path in [
        "/api/articles?limit=2",
        "/api/search?q=talks&limit=2",
        "/api/statements?limit=2",
        "/api/events?limit=2",
        "/api/actors?limit=2",
    ] {
        let page = get(&server, path);
        assert_eq!(page.status, 200, "{path}");
        let page = page.json();
        assert_eq!(page["items"].as_array().unwrap().len(), 2, "{path}");
        assert!(page["next_cursor"].is_string(), "{path}");
    }

    let article_id = get(&server, "/api/articles?limit=1").json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let article = get(&server, &format!("/api/articles/{article_id}")).json();
    assert_eq!(article["article"]["id"], article_id.as_str());
    assert!(!article["mentions"].as_array().unwrap().is_empty());
    let actor = get(&server, "/api/actors/ilena-marsk").json();
    assert_eq!(actor["name"], "Ilena Marsk");
    let timeline = get(
        &server,
        "/api/timeline?actor=Ilena%20Marsk&topic=negotiation",
    )
    .json();
    assert!(!timeline["entries"].as_array().unwrap().is_empty());
    let shifts = timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["stance"]["shift"] == true)
        .count();
    assert!(shifts >= 1, "Marsk's refusal turning into terms is a shift");

    for (path, parameter) in [
        ("/api/events?code=36x", Some("code")),
        ("/api/events?root=21", Some("root")),
        ("/api/events?limit=0", Some("limit")),
        ("/api/events?limit=100000", Some("limit")),
        ("/api/events?cursor=not-a-cursor", Some("cursor")),
        ("/api/events?colour=red", Some("colour")),
        ("/api/statements?kind=rumour", Some("kind")),
        ("/api/statements?as_of=2031-02-30", Some("as_of")),
        (
            "/api/statements?from=2031-04-02&to=2031-04-01",
            Some("from"),
        ),
        ("/api/search", Some("q")),
        ("/api/search?q=", Some("q")),
        ("/api/timeline", Some("actor")),
        ("/api/timeline?actor=VLD&topic=weather", Some("topic")),
        ("/api/health?verbose=1", Some("verbose")),
        ("/api/events?code=%FF", Some("code")),
        ("/api/articles/%FF%FE", Some("id")),
    ] {
        let reply = get(&server, path);
        assert_eq!(
            reply.status,
            400,
            "{path}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        let body = reply.json();
        assert!(body["error"].is_string(), "{path}");
        assert_eq!(body["parameter"].as_str(), parameter, "{path}");
    }
    // A cursor of one listing is refused by another.
    let cursor = get(&server, "/api/search?q=talks&limit=1").json()["next_cursor"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        get(&server, &format!("/api/events?cursor={cursor}")).status,
        400
    );

    for path in [
        "/api/articles/no-such-article",
        "/api/actors/nobody-at-all",
        "/api/timeline?actor=Nobody%20At%20All",
        "/api/nothing-here",
    ] {
        let reply = get(&server, path);
        assert_eq!(reply.status, 404, "{path}");
        assert!(reply.json()["error"].is_string());
    }

    // FTS5 syntax in a query is text, never a 500.
    for q in [
        "%22unbalanced",
        "AND%20(",
        "talks%20OR",
        "NEAR(a%20b)",
        "%2A",
        "col%3Avalue",
        "-",
    ] {
        let reply = get(&server, &format!("/api/search?q={q}"));
        assert!(matches!(reply.status, 200 | 400), "{q}: {}", reply.status);
        assert!(reply.json().is_object());
    }
}

#[test]
fn pages_cover_the_listing_once_and_as_of_hides_later_news() {
    let (_dir, db) = examples_store();
    let server = start(&db, &[]);
    let all = get(&server, "/api/events?limit=500").json()["items"]
        .as_array()
        .unwrap()
        .clone();
    let mut paged = Vec::new();
    let mut path = "/api/events?limit=7".to_string();
    loop {
        let page = get(&server, &path).json();
        paged.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/events?limit=7&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(paged, all);

    let early = get(&server, "/api/statements?as_of=2031-03-05&limit=500").json();
    for s in early["items"].as_array().unwrap() {
        assert!(s["date"].as_str().unwrap() <= "2031-03-05");
    }
    let later_article =
        get(&server, "/api/articles?from=2031-06-01&limit=1").json()["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
    assert_eq!(
        get(
            &server,
            &format!("/api/articles/{later_article}?as_of=2031-03-05")
        )
        .status,
        404
    );
    assert_eq!(
        get(&server, &format!("/api/articles/{later_article}")).status,
        200
    );
}

#[test]
fn writes_need_the_token_and_stored_markup_stays_text() {
    let (_dir, db) = examples_store();
    let hostile = serde_json::json!({
        "id": "hostile-1",
        "date": "2031-07-01",
        "title": "<script>window.__xss=1</script> xsscanary",
        "source": "The Test Ledger",
        "text": "Veldora said <img src=x onerror=alert(1)> xsscanary talks would resume on Monday. ' OR 1=1; DROP TABLE articles; --"
    })
    .to_string();

    let closed = start(&db, &[]);
    let reply = request(&closed, "POST", "/api/articles", &[], hostile.as_bytes());
    assert_eq!(reply.status, 403);
    drop(closed);

    let token = "a-test-token-of-some-length";
    let open = start(&db, &["--token", token]);
    let reply = request(
        &open,
        "POST",
        "/api/articles",
        &["Authorization: Bearer wrong-token-xxxxxxxx"],
        hostile.as_bytes(),
    );
    assert_eq!(reply.status, 401);
    let auth = format!("Authorization: Bearer {token}");
    let reply = request(&open, "POST", "/api/articles", &[&auth], hostile.as_bytes());
    assert_eq!(
        reply.status,
        202,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.json()["new"], 1);
    assert_eq!(reply.json()["status"], "/api/status");
    // Annotation follows in the background; the status route shows it end.
    let started = std::time::Instant::now();
    loop {
        let status = get(&open, "/api/status").json();
        if status["pending"] == 0 && status["annotating"] == false {
            assert!(status["last_error"].is_null(), "{status}");
            break;
        }
        assert!(
            started.elapsed().as_secs() < 60,
            "annotation never finished: {status}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let annotated = get(&open, "/api/articles/hostile-1").json();
    assert!(
        !annotated["mentions"].as_array().is_none_or(Vec::is_empty),
        "{annotated}"
    );
    let bad = request(
        &open,
        "POST",
        "/api/articles",
        &[&auth],
        b"{\"id\": 1}\nnot json\n",
    );
    assert_eq!(bad.status, 400);
    assert!(
        bad.json()["error"]
            .as_str()
            .unwrap()
            .contains("<request>:2"),
        "{}",
        bad.json()
    );

    // Stored as given, served as JSON data (the UI renders it as text).
    let article = get(&open, "/api/articles/hostile-1").json();
    assert_eq!(
        article["article"]["title"],
        "<script>window.__xss=1</script> xsscanary"
    );
    let hits = get(&open, "/api/search?q=xsscanary").json();
    assert_eq!(hits["items"][0]["id"], "hostile-1");
    assert_eq!(
        get(&open, "/api/health").json()["articles"]
            .as_u64()
            .unwrap(),
        55
    );

    // A body over the limit is refused before it is read.
    let huge = vec![b' '; 9 * 1024 * 1024];
    let reply = request(&open, "POST", "/api/articles", &[&auth], &huge);
    assert_eq!(reply.status, 413);
    assert!(reply.json()["error"].as_str().unwrap().contains("8 MiB"));
    // Up to the documented 8 MiB is read (here: blank lines, nothing to store).
    let big = vec![b'\n'; 7 * 1024 * 1024];
    let reply = request(&open, "POST", "/api/articles", &[&auth], &big);
    assert_eq!(
        reply.status,
        202,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
}

#[test]
fn control_characters_are_400_and_idle_connections_are_closed() {
    let (_dir, db) = examples_store();
    let server = start(&db, &[]);
    for path in [
        "/api/search?q=talks%00",
        "/api/statements?speaker=a%1Bb",
        "/api/articles/x%00y",
    ] {
        let reply = get(&server, path);
        assert_eq!(reply.status, 400, "{path}");
        assert!(
            reply.json()["error"]
                .as_str()
                .unwrap()
                .contains("control character")
        );
    }
    assert_eq!(get(&server, "/api/status").json()["pending"], 0);
    // A client that connects and sends nothing is let go after the idle timeout.
    let mut idle = TcpStream::connect(&server.addr).unwrap();
    idle.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = [0u8; 64];
    let read = idle.read(&mut buf);
    assert!(
        matches!(read, Ok(0)) || read.is_err() && started.elapsed().as_secs() < 30,
        "{read:?}"
    );
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    assert_eq!(get(&server, "/api/health").status, 200);
}

#[test]
fn queries_stopped_by_the_time_limit_are_503_never_500() {
    let (_dir, db) = examples_store();
    let server = start(&db, &["--query-ms", "1"]);
    let mut stopped = 0;
    for path in [
        "/api/actors?limit=500",
        "/api/statements?limit=500",
        "/api/events?limit=500",
        "/api/search?q=talks&limit=500",
        "/api/timeline?actor=Ilena%20Marsk",
    ] {
        let reply = get(&server, path);
        assert!(
            reply.status == 200 || reply.status == 503,
            "{path}: {} {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
        if reply.status == 503 {
            stopped += 1;
            assert!(reply.json()["error"].as_str().unwrap().contains("limit"));
        }
    }
    // A debug build over 1 ms stops at least one of them.
    assert!(stopped > 0);
    assert_eq!(get(&server, "/api/health").status, 200);
}
