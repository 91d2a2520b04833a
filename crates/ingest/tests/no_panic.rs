//! No input, however malformed, makes a reader panic: every byte sequence ends as
//! articles or errors.

use std::path::PathBuf;

use std::ops::ControlFlow;

use dateline_ingest::{Format, ReadOptions, read_paths};
use proptest::prelude::*;

fn read_as(format: Format, extension: &str, bytes: &[u8]) -> (usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join(format!("input.{extension}"));
    std::fs::write(&path, bytes).unwrap();
    let opts = ReadOptions {
        format: Some(format),
        ..ReadOptions::default()
    };
    let (mut ok, mut err) = (0, 0);
    read_paths(&[path], &opts, &mut |item| {
        match item {
            Ok(dateline_ingest::Read { article, .. }) => {
                assert!(!article.text.is_empty());
                ok += 1;
            }
            Err(e) => {
                assert!(
                    e.to_string().contains("input."),
                    "error names the file: {e}"
                );
                err += 1;
            }
        }
        ControlFlow::Continue(())
    });
    (ok, err)
}

/// Fragments of every format's syntax, so random inputs get past the first byte.
fn fragments() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        "{\"text\":\"",
        "\"date\":\"2031-03-04\"",
        "}",
        "\n",
        "\r\n",
        ",",
        "\"",
        "\t",
        "date 2031-03-04 ",
        "WARC/1.0\r\n",
        "Content-Length: 12\r\n",
        "WARC-Type: response\r\n",
        "Content-Type: application/http; msgtype=response\r\n",
        "HTTP/1.1 200 OK\r\n\r\n",
        "<html><body><p>",
        "</p>",
        "<article>",
        "<rss version=\"2.0\"><channel><item><description>",
        "</item>",
        "\u{FEFF}",
        "talks resumed on the island",
        "Advertisement",
        "\u{0}",
        "\u{201C}",
        "€",
        "id,date,text\n",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(|s| s.as_bytes().to_vec()), any::<Vec<u8>>()],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn no_reader_panics(bytes in fragments()) {
        for (format, extension) in [
            (Format::Jsonl, "jsonl"), (Format::Csv, "csv"), (Format::Tsv, "tsv"), (Format::Seed, "txt"),
            (Format::Html, "html"), (Format::Warc, "warc"), (Format::Rss, "rss"),
        ] {
            read_as(format, extension, &bytes);
        }
    }
}

#[test]
fn truncated_gzip_is_an_error_not_a_panic() {
    let (ok, err) = read_as(
        Format::Warc,
        "warc.gz",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x0b\x77",
    );
    assert_eq!((ok, err), (0, 1));
}

#[test]
fn a_sink_that_breaks_stops_the_read_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..5)
        .map(|i| {
            format!(
                "{{\"date\":\"2031-03-0{}\",\"text\":\"Dispatch number {i} from the coast.\"}}",
                i + 1
            )
        })
        .collect();
    let first = dir.path().join("a.jsonl");
    let second = dir.path().join("b.jsonl");
    std::fs::write(&first, lines.join("\n")).unwrap();
    std::fs::write(&second, lines.join("\n")).unwrap();
    let mut seen = 0;
    read_paths(&[first, second], &ReadOptions::default(), &mut |_| {
        seen += 1;
        if seen == 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert_eq!(
        seen, 2,
        "nothing is read after the sink says stop, not even the next file"
    );
}
