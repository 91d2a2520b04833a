//! Which reader reads which path, and the walk over inputs.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::feed::read_feed;
use crate::html::extract_html;
use crate::jsonl::read_jsonl;
use crate::seed::parse_seed;
use crate::table::read_table;
use crate::warc::read_warc;
use crate::{Item, Location, MAX_RECORD_BYTES, ReadOptions, RecordError};

/// Input formats of `SPEC.md` §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Seed,
    Jsonl,
    Csv,
    Tsv,
    Html,
    Warc,
    Rss,
}

impl Format {
    pub const NAMES: &[&str] = &["seed", "jsonl", "csv", "tsv", "html", "warc", "rss"];

    /// The format a file's extension says, if it says one.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let ext = name.rsplit('.').next()?;
        Some(match ext {
            "txt" => Format::Seed,
            "jsonl" | "ndjson" => Format::Jsonl,
            "csv" => Format::Csv,
            "tsv" => Format::Tsv,
            "html" | "htm" => Format::Html,
            "warc" => Format::Warc,
            "gz" if name.ends_with(".warc.gz") => Format::Warc,
            "gz" if name.ends_with(".jsonl.gz") || name.ends_with(".ndjson.gz") => Format::Jsonl,
            "rss" | "atom" | "xml" => Format::Rss,
            _ => return None,
        })
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "seed" | "txt" => Format::Seed,
            "jsonl" | "ndjson" => Format::Jsonl,
            "csv" => Format::Csv,
            "tsv" => Format::Tsv,
            "html" | "htm" => Format::Html,
            "warc" => Format::Warc,
            "rss" | "atom" | "xml" => Format::Rss,
            other => {
                return Err(format!(
                    "unknown format {other:?} (expected one of {})",
                    Format::NAMES.join(", ")
                ));
            }
        })
    }
}

/// Files seen by a walk, besides the articles themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WalkSummary {
    /// Files opened and read by a reader.
    pub files_read: u64,
    /// Files in walked directories whose extension names no format (README.md, …).
    pub files_skipped: u64,
}

/// Reads every path in order; directories are walked recursively in name order
/// (hidden entries skipped), each file read by the format of its extension. Stops as
/// soon as `sink` answers `Break` (the caller cannot store any more, say).
pub fn read_paths(
    paths: &[PathBuf],
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> WalkSummary {
    let mut summary = WalkSummary::default();
    for path in paths {
        if read_path(path, opts, sink, &mut summary).is_break() {
            break;
        }
    }
    summary
}

fn read_path(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
    summary: &mut WalkSummary,
) -> ControlFlow<()> {
    if path.as_os_str() == "-" {
        summary.files_read += 1;
        return read_stdin(opts, sink);
    }
    match std::fs::metadata(path) {
        Err(e) => sink(Err(RecordError::new(path, Location::File, io_message(&e)))),
        Ok(meta) if meta.is_dir() => walk_dir(path, opts, sink, summary),
        Ok(_) => match opts.format.or_else(|| Format::from_path(path)) {
            Some(format) => {
                summary.files_read += 1;
                read_file(path, format, opts, sink)
            }
            None => sink(Err(RecordError::new(
                path,
                Location::File,
                format!(
                    "cannot tell the format from the extension; pass --format ({})",
                    Format::NAMES.join("|")
                ),
            ))),
        },
    }
}

/// Total size in bytes of the files [`read_paths`] would read (for a progress bar);
/// walks directories the same way, so it never follows symbolic links.
pub fn input_bytes(paths: &[PathBuf], opts: &ReadOptions) -> u64 {
    let mut total = 0;
    for path in paths {
        let Ok(meta) = std::fs::metadata(path) else {
            continue;
        };
        if !meta.is_dir() {
            total += meta.len();
            continue;
        }
        for entry in walk(path).flatten() {
            if entry.file_type().is_file()
                && (opts.format.is_some() || Format::from_path(entry.path()).is_some())
            {
                total += entry.metadata().map_or(0, |m| m.len());
            }
        }
    }
    total
}

/// The directory walk both reading and sizing use: name order, hidden entries skipped.
fn walk(dir: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
}

/// Reads JSON Lines (or `opts.format`) from standard input.
pub fn read_stdin(
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    read_reader(
        Path::new("<stdin>"),
        Box::new(io::stdin().lock()),
        opts,
        sink,
    )
}

/// Reads JSON Lines (or `opts.format`) from `reader`; errors name it `name`.
pub fn read_reader(
    name: &Path,
    reader: Box<dyn BufRead + '_>,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let format = opts.format.unwrap_or(Format::Jsonl);
    read_stream(name, format, reader, opts, sink)
}

fn walk_dir(
    dir: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
    summary: &mut WalkSummary,
) -> ControlFlow<()> {
    for entry in walk(dir) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let message = e.io_error().map_or_else(|| e.to_string(), io_message);
                sink(Err(RecordError::new(&path, Location::File, message)))?;
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        match Format::from_path(entry.path()) {
            Some(format) => {
                summary.files_read += 1;
                read_file(entry.path(), format, opts, sink)?;
            }
            None => summary.files_skipped += 1,
        }
    }
    ControlFlow::Continue(())
}

fn read_file(
    path: &Path,
    format: Format,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) => return sink(Err(RecordError::new(path, Location::File, io_message(&e)))),
    };
    let counted: Box<dyn Read> = match &opts.bytes_read {
        Some(counter) => Box::new(CountingReader {
            inner: file,
            counter: Arc::clone(counter),
        }),
        None => Box::new(file),
    };
    let gzipped = path.to_string_lossy().to_ascii_lowercase().ends_with(".gz");
    let reader: Box<dyn BufRead> = if gzipped {
        Box::new(BufReader::with_capacity(
            256 * 1024,
            flate2::bufread::MultiGzDecoder::new(BufReader::new(counted)),
        ))
    } else {
        Box::new(BufReader::with_capacity(256 * 1024, counted))
    };
    read_stream(path, format, reader, opts, sink)
}

fn read_stream(
    path: &Path,
    format: Format,
    mut reader: Box<dyn BufRead + '_>,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    match reader.fill_buf() {
        Err(e) => return sink(Err(RecordError::new(path, Location::File, io_message(&e)))),
        Ok(head) if looks_binary(head) => {
            return sink(Err(RecordError::new(
                path,
                Location::File,
                format!("binary file, not {format:?} text; skipped"),
            )));
        }
        Ok(_) => {}
    }
    match format {
        Format::Jsonl => read_jsonl(path, reader, opts, sink),
        Format::Csv => read_table(path, reader, b',', opts, sink),
        Format::Tsv => read_table(path, reader, b'\t', opts, sink),
        Format::Warc => read_warc(path, reader, opts, sink),
        Format::Rss => read_feed(path, reader, opts, sink),
        Format::Seed | Format::Html => {
            let text = match read_whole_text(path, reader) {
                Ok(text) => text,
                Err(e) => return sink(Err(e)),
            };
            let draft = match format {
                Format::Seed => parse_seed(path, &text),
                _ => {
                    extract_html(&text, None).map_err(|m| RecordError::new(path, Location::File, m))
                }
            };
            sink(draft.and_then(|d| d.finish(opts, path, Location::File)))
        }
    }
}

/// A whole file as UTF-8 text, refusing files over the record limit.
fn read_whole_text(path: &Path, reader: impl Read) -> Result<String, RecordError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_RECORD_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| RecordError::new(path, Location::File, io_message(&e)))?;
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(RecordError::new(
            path,
            Location::File,
            format!(
                "file is over the {} MiB record limit; skipped",
                MAX_RECORD_BYTES >> 20
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        RecordError::new(
            path,
            Location::Line(line),
            format!("invalid UTF-8 at byte {at}"),
        )
    })
}

/// NUL bytes do not occur in text formats; their presence marks a binary file.
fn looks_binary(head: &[u8]) -> bool {
    head[..head.len().min(8192)].contains(&0)
}

fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::InvalidData => format!("invalid data: {e}"),
        _ => e.to_string(),
    }
}

struct CountingReader<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzipped_json_lines_and_warc_are_recognised_by_their_double_extension() {
        let format = |name: &str| Format::from_path(Path::new(name));
        assert!(matches!(format("cep.jsonl.gz"), Some(Format::Jsonl)));
        assert!(matches!(format("a.NDJSON.gz"), Some(Format::Jsonl)));
        assert!(matches!(format("crawl.warc.gz"), Some(Format::Warc)));
        assert!(format("archive.tar.gz").is_none());
    }
}
