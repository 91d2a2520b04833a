//! WARC (ISO 28500) files: each HTML `response` record is an article.
//!
//! A small reader of our own: records are framed by a `WARC/1.x` line, header lines,
//! a blank line and `Content-Length` bytes. When a record is corrupt (bad headers, a
//! length that does not land on the next record) we report it with its number and
//! skip ahead to the next line that starts a record, so one bad record costs one
//! article, not the rest of the crawl.

use std::io::{self, BufRead, Read};
use std::ops::ControlFlow;
use std::path::Path;

use crate::charset::decode_html;
use crate::html::extract_html;
use crate::lines::{Line, read_bounded_line};
use crate::{Item, Location, ReadOptions, RecordError, parse_date};

const MAX_HEADER_LINE: usize = 64 * 1024;
const MAX_HEADER_LINES: usize = 512;

pub fn read_warc(
    path: &Path,
    mut reader: impl BufRead,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut line = Vec::new();
    let mut record = 0u64;
    // True when the line in `line` is a version line found while resynchronising.
    let mut have_version_line = false;
    loop {
        if !have_version_line {
            match next_nonblank_line(&mut reader, &mut line) {
                Ok(true) => {}
                Ok(false) => return ControlFlow::Continue(()),
                Err(e) => {
                    return sink(Err(RecordError::new(
                        path,
                        Location::Record(record + 1),
                        format!("read failed: {e}"),
                    )));
                }
            }
        }
        have_version_line = false;
        record += 1;
        let at = Location::Record(record);
        let error = |message: String| RecordError::new(path, at.clone(), message);
        let (headers, length) = match read_head(&mut reader, &mut line) {
            Ok(head) => head,
            Err(corrupt) => {
                sink(Err(error(format!(
                    "corrupt record: {}; skipping to the next record",
                    corrupt.message
                ))))?;
                if corrupt.not_a_record {
                    // Garbage between records is not a record: keep the numbering.
                    record -= 1;
                }
                match skip_to_version_line(&mut reader, &mut line) {
                    Ok(true) => {
                        have_version_line = true;
                        continue;
                    }
                    Ok(false) => return ControlFlow::Continue(()),
                    Err(e) => return sink(Err(error(format!("read failed: {e}")))),
                }
            }
        };
        let is_http_response = header(&headers, "warc-type") == Some("response")
            && header(&headers, "content-type").is_some_and(|t| t.starts_with("application/http"));
        if !is_http_response || length > opts.max_record_bytes as u64 {
            let skipped = io::copy(&mut (&mut reader).take(length), &mut io::sink());
            if is_http_response {
                sink(Err(error(format!(
                    "record of {length} bytes is over the {} record limit (--max-record-mb); skipped",
                    opts.record_limit()
                ))))?;
            }
            match skipped {
                Ok(n) if n == length => continue,
                Ok(n) => {
                    return sink(Err(error(format!(
                        "truncated record: {n} of {length} bytes"
                    ))));
                }
                Err(e) => return sink(Err(error(format!("read failed: {e}")))),
            }
        }
        let mut body = Vec::with_capacity(length as usize);
        match (&mut reader).take(length).read_to_end(&mut body) {
            Ok(n) if n as u64 == length => {}
            Ok(n) => {
                return sink(Err(error(format!(
                    "truncated record: {n} of {length} bytes"
                ))));
            }
            Err(e) => return sink(Err(error(format!("read failed: {e}")))),
        }
        let target =
            header(&headers, "warc-target-uri").map(|u| u.trim_matches(['<', '>']).to_string());
        let warc_date = header(&headers, "warc-date").and_then(parse_date);
        match http_html_payload(&body) {
            Payload::Html(html) => {
                let item = extract_html(&html, target.as_deref())
                    .map_err(&error)
                    .and_then(|mut draft| {
                        draft.date = draft.date.or(warc_date);
                        draft.url = draft.url.or(target);
                        draft.finish(opts, path, at.clone())
                    });
                sink(item)?;
            }
            Payload::NotAnArticle => {}
            Payload::Bad(message) => sink(Err(error(message)))?,
        }
    }
}

/// Why a record's head could not be read.
struct Corrupt {
    message: String,
    /// The line where a record should start was something else.
    not_a_record: bool,
}

/// Checks the version line already in `line`, then reads the header block; returns
/// the headers and the `Content-Length`.
fn read_head(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
) -> Result<(Vec<(String, String)>, u64), Corrupt> {
    if !line.starts_with(b"WARC/") {
        return Err(Corrupt {
            message: "expected a `WARC/1.x` line".into(),
            not_a_record: true,
        });
    }
    let headers = read_headers(reader, line).map_err(|message| Corrupt {
        message,
        not_a_record: false,
    })?;
    let length = header(&headers, "content-length")
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| Corrupt {
            message: "missing or bad Content-Length".into(),
            not_a_record: false,
        })?;
    Ok((headers, length))
}

fn next_nonblank_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<bool> {
    loop {
        match read_bounded_line(reader, line, MAX_HEADER_LINE)? {
            Line::Eof => return Ok(false),
            Line::Read if line.iter().all(u8::is_ascii_whitespace) => continue,
            Line::Read => return Ok(true),
            Line::TooLong(_) => {
                line.clear();
                return Ok(true);
            }
        }
    }
}

fn skip_to_version_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<bool> {
    loop {
        match read_bounded_line(reader, line, MAX_HEADER_LINE)? {
            Line::Eof => return Ok(false),
            Line::Read if line.starts_with(b"WARC/1.") => return Ok(true),
            _ => continue,
        }
    }
}

fn read_headers(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
) -> Result<Vec<(String, String)>, String> {
    let mut headers = Vec::new();
    for _ in 0..MAX_HEADER_LINES {
        match read_bounded_line(reader, line, MAX_HEADER_LINE).map_err(|e| e.to_string())? {
            Line::Eof => return Err("file ends inside the record headers".into()),
            Line::TooLong(_) => return Err("header line too long".into()),
            Line::Read if line.is_empty() => return Ok(headers),
            Line::Read => {
                let text =
                    std::str::from_utf8(line).map_err(|_| "header is not UTF-8".to_string())?;
                let (name, value) = text
                    .split_once(':')
                    .ok_or_else(|| format!("header line without a colon: {:?}", truncate(text)))?;
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
    }
    Err("too many header lines".into())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

enum Payload<'a> {
    Html(std::borrow::Cow<'a, str>),
    NotAnArticle,
    Bad(String),
}

/// The HTML body of an HTTP 200 response; other statuses and content types are not
/// articles and are passed over silently (a crawl holds images, redirects, robots.txt).
fn http_html_payload(message: &[u8]) -> Payload<'_> {
    let split = find(message, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find(message, b"\n\n").map(|i| (i, i + 2)));
    let Some((head_end, body_start)) = split else {
        return Payload::Bad("HTTP response without a header/body separator".into());
    };
    let head = String::from_utf8_lossy(&message[..head_end]).to_ascii_lowercase();
    let mut lines = head.lines();
    let status_ok = lines
        .next()
        .is_some_and(|s| s.starts_with("http/") && s.split_whitespace().nth(1) == Some("200"));
    let mut is_html = true;
    let mut charset = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        match name.trim() {
            "content-type" => {
                is_html = value.contains("html");
                charset = value
                    .split(';')
                    .filter_map(|p| p.trim().strip_prefix("charset="))
                    .map(|c| c.trim_matches(['"', '\'', ' ']).to_string())
                    .next();
            }
            "content-encoding" if !matches!(value.trim(), "identity" | "") => {
                return Payload::Bad(format!(
                    "compressed HTTP body ({}) is not supported",
                    value.trim()
                ));
            }
            "transfer-encoding" if value.contains("chunked") => {
                return Payload::Bad("chunked HTTP body is not supported".into());
            }
            _ => {}
        }
    }
    if !status_ok || !is_html {
        return Payload::NotAnArticle;
    }
    Payload::Html(decode_html(&message[body_start..], charset.as_deref()))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn truncate(text: &str) -> String {
    text.chars().take(60).collect()
}
