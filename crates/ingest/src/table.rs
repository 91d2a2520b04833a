//! CSV and TSV with a header row naming the same fields as JSONL.

use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;

use crate::jsonl::fields_from_strings;
use crate::{Draft, Item, Location, ReadOptions, RecordError};

pub fn read_table(
    path: &Path,
    reader: impl Read,
    delimiter: u8,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut table = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(reader);
    let headers = match table.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return sink(Err(RecordError::new(
                path,
                Location::Line(1),
                format!("unreadable header row: {e}"),
            )));
        }
    };
    if !headers.iter().any(|h| h.trim() == "text") {
        return sink(Err(RecordError::new(
            path,
            Location::Line(1),
            format!(
                "header row has no `text` column (found: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        )));
    }
    let mut row = csv::ByteRecord::new();
    loop {
        let line = table.position().line() + 1;
        let at = Location::Line(line.max(2));
        let error = |message: String| RecordError::new(path, at.clone(), message);
        match table.read_byte_record(&mut row) {
            Ok(false) => return ControlFlow::Continue(()),
            Ok(true) => {}
            Err(e) => {
                // An I/O error ends the file; a malformed row is skipped.
                let fatal = matches!(e.kind(), csv::ErrorKind::Io(_));
                sink(Err(error(format!("malformed row: {e}"))))?;
                if fatal {
                    return ControlFlow::Continue(());
                }
                continue;
            }
        }
        let at = Location::Line(row.position().map_or(line, |p| p.line()));
        let error = |message: String| RecordError::new(path, at.clone(), message);
        if row.as_slice().len() > opts.max_record_bytes {
            sink(Err(error(format!(
                "row is over the {} record limit (--max-record-mb); skipped",
                opts.record_limit()
            ))))?;
            continue;
        }
        if row.len() != headers.len() {
            sink(Err(error(format!(
                "row has {} fields, the header has {}",
                row.len(),
                headers.len()
            ))))?;
            continue;
        }
        let fields: Result<Vec<&str>, _> = row.iter().map(std::str::from_utf8).collect();
        let item = match fields {
            Err(e) => Err(error(format!(
                "invalid UTF-8 in a field (at byte {})",
                e.valid_up_to()
            ))),
            Ok(fields) => Draft::from_fields(fields_from_strings(headers.iter().zip(fields)))
                .map_err(error)
                .and_then(|draft| draft.finish(opts, path, at.clone())),
        };
        sink(item)?;
    }
}
