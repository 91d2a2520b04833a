//! JSON Lines: one article object a line.

use std::io::BufRead;
use std::ops::ControlFlow;
use std::path::Path;

use serde_json::{Map, Value};

use crate::lines::{Line, read_bounded_line};
use crate::{Draft, Item, Location, ReadOptions, RecordError};

/// Reads `reader` line by line; blank lines are skipped, every other line is one
/// article or one error.
pub fn read_jsonl(
    path: &Path,
    mut reader: impl BufRead,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        line_no += 1;
        let at = Location::Line(line_no);
        let error = |message: String| RecordError::new(path, at.clone(), message);
        match read_bounded_line(&mut reader, &mut buf, opts.max_record_bytes) {
            Err(e) => return sink(Err(error(format!("read failed: {e}")))),
            Ok(Line::Eof) => return ControlFlow::Continue(()),
            Ok(Line::TooLong(len)) => sink(Err(error(format!(
                "line of {len} bytes is over the {} record limit (--max-record-mb); skipped",
                opts.record_limit()
            ))))?,
            Ok(Line::Read) => {
                if buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                sink(
                    parse_line(&buf)
                        .map_err(error)
                        .and_then(|draft| draft.finish(opts, path, at.clone())),
                )?;
            }
        }
    }
}

fn parse_line(line: &[u8]) -> Result<Draft, String> {
    let text = std::str::from_utf8(line)
        .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()))?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            format!("truncated JSON (ends at column {})", e.column())
        } else {
            format!("invalid JSON: {e}")
        }
    })?;
    let Value::Object(fields) = value else {
        return Err("expected a JSON object".to_string());
    };
    Draft::from_fields(fields)
}

/// A JSON object from CSV-style string fields (shared with the table reader).
pub fn fields_from_strings<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Map<String, Value> {
    pairs
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.trim().to_string(), Value::String(v.to_string())))
        .collect()
}
