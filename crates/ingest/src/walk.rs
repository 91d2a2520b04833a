//! Which reader reads which path, and the walk over inputs.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::charset::{bom_decoded, decode_html, is_utf16_marked};
use crate::feed::read_feed;
use crate::html::extract_html;
use crate::jsonl::read_jsonl;
use crate::seed::parse_seed;
use crate::table::read_table;
use crate::warc::read_warc;
use crate::{Item, Location, ReadOptions, RecordError};

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
    let compressed = Arc::new(AtomicU64::new(0));
    let counted = CountingReader {
        inner: file,
        counters: [Some(Arc::clone(&compressed)), opts.bytes_read.clone()],
    };
    let gzipped = path.to_string_lossy().to_ascii_lowercase().ends_with(".gz");
    let reader: Box<dyn BufRead> = if gzipped {
        Box::new(BufReader::with_capacity(
            256 * 1024,
            GunzipGuard {
                inner: flate2::bufread::MultiGzDecoder::new(BufReader::new(counted)),
                compressed,
                expanded: 0,
            },
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
        Ok(head) if looks_binary(head) && !is_utf16_marked(head) => {
            return sink(Err(RecordError::new(
                path,
                Location::File,
                format!("binary file, not {format:?} text; skipped"),
            )));
        }
        Ok(_) => {}
    }
    match format {
        Format::Jsonl => read_jsonl(path, bom_decoded(reader), opts, sink),
        Format::Csv => read_table(path, bom_decoded(reader), b',', opts, sink),
        Format::Tsv => read_table(path, bom_decoded(reader), b'\t', opts, sink),
        // Records and feeds carry their own encodings (HTTP headers, the XML
        // declaration), which their readers honour.
        Format::Warc => read_warc(path, reader, opts, sink),
        Format::Rss => match read_whole(path, reader, opts) {
            Ok(bytes) => read_feed(path, bytes.as_slice(), opts, sink),
            Err(e) => sink(Err(e)),
        },
        Format::Seed => {
            let draft = read_whole(path, bom_decoded(reader), opts).and_then(|bytes| {
                let text = String::from_utf8(bytes).map_err(|e| invalid_utf8(path, e))?;
                parse_seed(path, &text)
            });
            sink(draft.and_then(|d| d.finish(opts, path, Location::File)))
        }
        Format::Html => {
            let draft = read_whole(path, reader, opts).and_then(|bytes| {
                extract_html(&decode_html(&bytes, None), None)
                    .map_err(|m| RecordError::new(path, Location::File, m))
            });
            sink(draft.and_then(|d| d.finish(opts, path, Location::File)))
        }
    }
}

/// A whole file's bytes, refusing files over the record limit.
fn read_whole(path: &Path, reader: impl Read, opts: &ReadOptions) -> Result<Vec<u8>, RecordError> {
    let mut bytes = Vec::new();
    reader
        .take(opts.max_record_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| RecordError::new(path, Location::File, io_message(&e)))?;
    if bytes.len() > opts.max_record_bytes {
        return Err(RecordError::new(
            path,
            Location::File,
            format!(
                "file is over the {} record limit (--max-record-mb); skipped",
                opts.record_limit()
            ),
        ));
    }
    Ok(bytes)
}

fn invalid_utf8(path: &Path, e: std::string::FromUtf8Error) -> RecordError {
    let at = e.utf8_error().valid_up_to();
    let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    RecordError::new(
        path,
        Location::Line(line),
        format!("invalid UTF-8 at byte {at}"),
    )
}

/// Text has no NUL bytes, binary formats have many: a file whose first 8 KiB are
/// more than 1/64 NULs is binary. A stray NUL in a text file leaves it to the
/// readers, which reject the line or record it is in.
fn looks_binary(head: &[u8]) -> bool {
    let head = &head[..head.len().min(8192)];
    head.iter().filter(|&&b| b == 0).count() * 64 > head.len()
}

fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::InvalidData => format!("invalid data: {e}"),
        _ => e.to_string(),
    }
}

/// Counts the bytes read from a file into each of its counters.
struct CountingReader<R> {
    inner: R,
    counters: [Option<Arc<AtomicU64>>; 2],
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for counter in self.counters.iter().flatten() {
            counter.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Most a gzip stream may expand over the bytes read so far: news text and HTML
/// compress 3 to 20 times, while deflate reaches 1,000 on runs of one byte, the
/// stuff of decompression bombs.
pub const MAX_GUNZIP_RATIO: u64 = 100;
/// Most one gzip file may expand to in all.
pub const MAX_GUNZIP_BYTES: u64 = 64 << 30;

/// A gzip decoder that stops with an error once its output outgrows
/// [`MAX_GUNZIP_RATIO`] times its input (after a first 16 MiB of slack) or
/// [`MAX_GUNZIP_BYTES`], so a small hostile file cannot expand without end.
struct GunzipGuard<R> {
    inner: R,
    compressed: Arc<AtomicU64>,
    expanded: u64,
}

impl<R: Read> Read for GunzipGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.expanded += n as u64;
        let compressed = self.compressed.load(Ordering::Relaxed);
        if self.expanded > (16 << 20) + compressed.saturating_mul(MAX_GUNZIP_RATIO) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "gzip expands more than {MAX_GUNZIP_RATIO} times ({} MiB from {} KiB): a decompression bomb? the rest of the file is skipped",
                    self.expanded >> 20,
                    compressed >> 10
                ),
            ));
        }
        if self.expanded > MAX_GUNZIP_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "gzip expands past {} GiB; the rest of the file is skipped",
                    MAX_GUNZIP_BYTES >> 30
                ),
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gzip_bomb_stops_its_file_with_a_reason_and_keeps_what_came_before() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.jsonl.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(
            b"{\"date\":\"2031-03-01\",\"text\":\"Talks went on in the north for a week.\"}\n",
        )
        .unwrap();
        let spaces = vec![b' '; 1 << 20];
        for _ in 0..48 {
            gz.write_all(&spaces).unwrap(); // 48 MiB of blanks, about 50 KiB packed
        }
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        let mut items = Vec::new();
        read_paths(&[path], &ReadOptions::default(), &mut |item| {
            items.push(item);
            ControlFlow::Continue(())
        });
        assert!(items[0].is_ok());
        let error = items[1].as_ref().unwrap_err();
        assert!(error.message.contains("decompression bomb"), "{error}");
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn one_nul_rejects_its_line_and_a_byte_order_mark_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        let line = |text: &str| format!("{{\"date\":\"2031-03-01\",\"text\":\"{text}\"}}\n");
        let body = format!(
            "\u{feff}{}{}\0{}",
            line("Talks went on in the north."),
            line("A second dispatch from the coast."),
            line("A third one, after the bad line.")
        );
        std::fs::write(&path, body).unwrap();
        let mut items = Vec::new();
        read_paths(&[path], &ReadOptions::default(), &mut |item| {
            items.push(item);
            ControlFlow::Continue(())
        });
        let lines: Vec<_> = items
            .iter()
            .map(|i| i.as_ref().map(|_| ()).map_err(|e| e.location.clone()))
            .collect();
        assert_eq!(lines, [Ok(()), Ok(()), Err(Location::Line(3))]);
    }

    #[test]
    fn the_record_limit_is_the_callers_and_covers_lines_pages_and_whole_feeds() {
        let dir = tempfile::tempdir().unwrap();
        let long = "word ".repeat(400);
        let lines = dir.path().join("a.jsonl");
        std::fs::write(
            &lines,
            format!(
                "{{\"date\":\"2031-03-01\",\"text\":\"{long}\"}}\n\
                 {{\"date\":\"2031-03-01\",\"text\":\"Short.\"}}\n"
            ),
        )
        .unwrap();
        let feed = dir.path().join("b.rss");
        std::fs::write(
            &feed,
            format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item><title>x</title>\
                 <description>{long}</description></item></channel></rss>"
            ),
        )
        .unwrap();
        let read = |max_record_bytes| {
            let opts = ReadOptions {
                max_record_bytes,
                default_date: Some(jiff::civil::date(2031, 3, 1)),
                ..ReadOptions::default()
            };
            let mut outcome = Vec::new();
            read_paths(&[lines.clone(), feed.clone()], &opts, &mut |item| {
                outcome.push(item.map(|_| ()).map_err(|e| e.to_string()));
                ControlFlow::Continue(())
            });
            outcome
        };
        assert_eq!(read(1 << 20), [Ok(()), Ok(()), Ok(())]);
        let small = read(1000);
        assert!(small[0].as_ref().unwrap_err().contains(
            "a.jsonl:1: line of 2031 bytes is over the 1000 bytes record limit (--max-record-mb)"
        ));
        assert_eq!(small[1], Ok(()));
        assert!(
            small[2]
                .as_ref()
                .unwrap_err()
                .contains("b.rss: file is over")
        );
    }

    #[test]
    fn gzipped_json_lines_and_warc_are_recognised_by_their_double_extension() {
        let format = |name: &str| Format::from_path(Path::new(name));
        assert!(matches!(format("cep.jsonl.gz"), Some(Format::Jsonl)));
        assert!(matches!(format("a.NDJSON.gz"), Some(Format::Jsonl)));
        assert!(matches!(format("crawl.warc.gz"), Some(Format::Warc)));
        assert!(format("archive.tar.gz").is_none());
    }
}
