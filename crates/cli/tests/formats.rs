//! Every input format of SPEC §2 read end to end through `dateline ingest`, plus
//! idempotent re-ingest, syndicated copies and the `extract` stream.

mod common;

use std::io::Write;

use common::*;

fn exported(dir: &std::path::Path, db: &std::path::Path) -> Vec<serde_json::Value> {
    let out = dir.join("export");
    let run = dateline(&["export", "--out", out.to_str().unwrap()], db);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::read_to_string(out.join("articles.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn page(date: &str, outlet: &str, body: &str) -> String {
    format!(
        "<html><head><title>Harbour vote | {outlet}</title><meta property=\"og:site_name\" content=\"{outlet}\">\
         <script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\"headline\":\"Harbour vote\",\"datePublished\":\"{date}\"}}</script>\
         </head><body><nav>Home World Sport</nav><article><h1>Harbour vote</h1><p>{body}</p>\
         <p>Advertisement</p><p>{}</p></article><footer>Contact us</footer></body></html>",
        paragraph(99)
    )
}

#[test]
fn a_directory_of_every_format_is_ingested() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("nested")).unwrap();
    write(
        &input,
        "seed.txt",
        format!(" date 2031-03-01 Envoy recalled\n\n{}\n", paragraph(1)),
    );
    write(
        &input,
        "a.jsonl",
        format!(
            "{}\n\n",
            jsonl_line("j1", "2031-03-02T10:00:00+02:00", &paragraph(2))
        ),
    );
    let csv_text = format!(
        "id,date,title,source,text\nc1,2031-03-03,Ferry,The Test Ledger,\"{}\nSecond line, with comma.\"\n",
        paragraph(3)
    );
    write(&input, "b.csv", csv_text);
    write(
        &input,
        "c.tsv",
        format!("date\ttext\tdesk\n2031-03-04\t{}\tforeign\n", paragraph(4)),
    );
    write(
        &input.join("nested"),
        "d.html",
        page("2031-03-05T08:00:00Z", "Tidewater Fictional", &paragraph(5)),
    );
    let rss = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Fictional Wire</title><link>https://example.org</link><description>x</description>\
         <item><title>Item one</title><link>https://example.org/i1</link><pubDate>Thu, 06 Mar 2031 09:00:00 +0000</pubDate>\
         <description>&lt;p&gt;{}&lt;/p&gt;</description></item></channel></rss>",
        paragraph(6)
    );
    write(&input, "e.rss", rss);
    let atom = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Fictional Times</title><id>urn:x</id><updated>2031-03-07T00:00:00Z</updated>\
         <entry><title>Entry one</title><id>urn:e1</id><updated>2031-03-07T12:00:00Z</updated><link href=\"https://example.org/e1\"/>\
         <content type=\"html\">&lt;p&gt;{}&lt;/p&gt;</content></entry></feed>",
        paragraph(7)
    );
    write(&input, "f.atom", atom);
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{}",
        page("2031-03-08", "Crawl Fictional", &paragraph(8))
    );
    let record = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/w1\r\nWARC-Date: 2031-03-08T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n",
        http.len()
    );
    let info = "WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n";
    let mut gz = flate2_writer(&input.join("g.warc.gz"));
    for member in [info.to_string(), record] {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(member.as_bytes()).unwrap();
        gz.write_all(&enc.finish().unwrap()).unwrap();
    }
    drop(gz);
    write(&input, "README.md", "not an article");

    let db = dir.path().join("s.db");
    let run = dateline(&["ingest", input.to_str().unwrap()], &db);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let articles = exported(dir.path(), &db);
    let by_date = |d: &str| {
        articles
            .iter()
            .find(|a| a["date"] == d)
            .unwrap_or_else(|| panic!("no article of {d}: {articles:?}"))
    };
    assert_eq!(articles.len(), 8, "{articles:#?}");
    assert_eq!(by_date("2031-03-01")["title"], "Envoy recalled");
    assert_eq!(by_date("2031-03-02")["id"], "j1");
    assert!(
        by_date("2031-03-03")["text"]
            .as_str()
            .unwrap()
            .ends_with("\nSecond line, with comma.")
    );
    assert_eq!(by_date("2031-03-04")["meta"]["desk"], "foreign");
    let html = by_date("2031-03-05");
    assert_eq!(html["source"], "Tidewater Fictional");
    assert!(!html["text"].as_str().unwrap().contains("Advertisement"));
    assert!(!html["text"].as_str().unwrap().contains("Contact us"));
    assert_eq!(by_date("2031-03-06")["source"], "Fictional Wire");
    assert_eq!(by_date("2031-03-06")["url"], "https://example.org/i1");
    assert_eq!(by_date("2031-03-07")["title"], "Entry one");
    assert_eq!(by_date("2031-03-08")["url"], "https://example.org/w1");
    for a in &articles {
        assert!(!a["text"].as_str().unwrap().is_empty());
    }
}

fn flate2_writer(path: &std::path::Path) -> std::fs::File {
    std::fs::File::create(path).unwrap()
}

#[test]
fn re_ingesting_is_a_no_op_and_copies_are_marked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let original = paragraph(40) + " " + &paragraph(41);
    let lines = [
        jsonl_line("wire-1", "2031-03-10", &original),
        jsonl_line(
            "copy-1",
            "2031-03-11",
            &format!("{original}\n\nThis story first ran on a fictional wire."),
        ),
        jsonl_line("other", "2031-03-11", &paragraph(42)),
    ];
    let path = write(dir.path(), "a.jsonl", lines.join("\n"));
    let first = dateline(&["ingest", path.to_str().unwrap()], &db);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("new 2 · duplicate 1 (1 near"),
        "{}",
        first.stderr
    );
    let again = dateline(&["ingest", path.to_str().unwrap()], &db);
    assert!(
        again
            .stderr
            .contains("new 0 · duplicate 3 (0 near, 3 already stored)"),
        "{}",
        again.stderr
    );
    assert_eq!(stored(&db), 3);
    let copy = exported(dir.path(), &db)
        .into_iter()
        .find(|a| a["id"] == "copy-1")
        .unwrap();
    assert_eq!(copy["dup_of"], "wire-1");
}

#[test]
fn extract_streams_one_object_per_article_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        jsonl_line("x2", "2031-03-02", &paragraph(50)),
        "not json".to_string(),
        jsonl_line("x1", "2031-03-01", &paragraph(51)),
    ];
    let path = write(dir.path(), "a.jsonl", lines.join("\n"));
    let run = dateline(
        &["extract", path.to_str().unwrap()],
        &dir.path().join("unused.db"),
    );
    assert_eq!(run.code, 1, "one line is rejected");
    assert!(
        run.stderr.contains("a.jsonl:2: invalid JSON"),
        "{}",
        run.stderr
    );
    let objects: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), 2);
    assert_eq!(objects[0]["article"]["id"], "x2");
    assert_eq!(objects[1]["article"]["id"], "x1");
    for key in ["mentions", "statements", "events"] {
        assert!(objects[0][key].is_array(), "{key}");
    }
    assert!(
        !dir.path().join("unused.db").exists(),
        "extract must not touch a store"
    );
}

#[test]
fn search_honours_as_of_and_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let lines = [
        jsonl_line(
            "early",
            "2031-03-01",
            "The lighthouse keeper spoke to the envoy about the ferry.",
        ),
        jsonl_line(
            "late",
            "2031-05-01",
            "The lighthouse was closed after the ferry strike ended.",
        ),
    ];
    let path = write(dir.path(), "a.jsonl", lines.join("\n"));
    assert_eq!(dateline(&["ingest", path.to_str().unwrap()], &db).code, 0);
    let run = dateline(
        &["search", "lighthouse", "--as-of", "2031-04-01", "--json"],
        &db,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hits: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["id"], "early");
    let table = dateline(&["search", "lighthouse"], &db);
    assert!(
        table.stdout.contains("2031-05-01") && table.stdout.contains("«lighthouse»"),
        "{}",
        table.stdout
    );
}
