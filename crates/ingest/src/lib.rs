//! Readers that turn input files into clean, dated [`Article`]s, one at a time.
//!
//! # Design
//!
//! * **Push, not pull.** [`read_paths`] walks the inputs and hands each article (or
//!   the error that stopped it) to a callback as soon as it is read; the callback
//!   answers `ControlFlow::Break` to stop the whole read at once. No reader holds
//!   more than one record, so memory does not grow with the corpus; the caller decides
//!   what to do with each item (store it, print it).
//! * **Errors are data.** A bad record becomes a [`RecordError`] naming the file, the
//!   line or record, and what was wrong; the reader then moves on to the next record.
//!   Only errors that make the rest of a file unreadable (it does not exist, is
//!   binary, a WARC whose framing is lost) end that file, and never the whole run.
//! * **Bounded records.** No single record may exceed [`ReadOptions::max_record_bytes`]
//!   ([`DEFAULT_MAX_RECORD_BYTES`] unless the user raises it); longer ones are skipped
//!   without being buffered whole, so a 100 MB line costs no memory. A feed, parsed
//!   whole, counts as one record; every other format streams its records, so their
//!   number per file costs nothing and is not limited.
//! * **Bounded work on hostile input.** Nothing super-linear sees unbounded input:
//!   HTML nested deeper than `MAX_HTML_DEPTH` is refused before parsing, and a gzip
//!   stream that expands past `MAX_GUNZIP_RATIO` times its input (a bomb) stops its
//!   file with the reason. Text arrives in the encoding the input declares
//!   (`charset`), so a stray NUL or bad byte costs one line, not the file.
//! * **One cleaner for every format.** Whatever the container, the text goes through
//!   [`clean::clean_text`], so boilerplate never reaches the store, whichever format it
//!   arrived in.
//!
//! Formats and how they are recognised are those of `SPEC.md` §2; see [`Format`].
//! WARC is read by our own small reader (`warc.rs`) rather than a crate, because we
//! need to resynchronise after a corrupt record and report byte offsets, which the
//! available crate does not do.

mod charset;
pub mod clean;
mod date;
mod draft;
mod feed;
mod html;
mod jsonl;
mod lines;
mod seed;
mod table;
mod walk;
mod warc;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

pub use date::parse_date;
pub use draft::Draft;
pub use walk::{Format, WalkSummary, input_bytes, read_paths, read_reader, read_stdin};

use dateline_core::{Article, Date};

/// Largest single record (a JSONL line, a CSV row, an HTML page, a WARC record, a
/// feed) read unless `--max-record-mb` says otherwise: a hundred times the longest
/// news article we have seen, small enough that a few in flight stay far below 1 GB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 32 * 1024 * 1024;

/// Settings shared by every reader.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Read every path as this format instead of guessing from its extension.
    pub format: Option<Format>,
    /// Date for articles whose input gives none (`--date`).
    pub default_date: Option<Date>,
    /// Outlet for articles whose input names none (`--source`).
    pub default_source: Option<String>,
    /// Incremented with every byte read from input files, for progress reporting.
    pub bytes_read: Option<Arc<AtomicU64>>,
    /// Records longer than this are skipped unread and reported (`--max-record-mb`).
    pub max_record_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            format: None,
            default_date: None,
            default_source: None,
            bytes_read: None,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        }
    }
}

impl ReadOptions {
    /// The record limit in words, for messages: `32 MiB`.
    pub(crate) fn record_limit(&self) -> String {
        let mib = self.max_record_bytes as f64 / f64::from(1 << 20);
        if mib.fract() == 0.0 {
            format!("{mib} MiB")
        } else {
            format!("{} bytes", self.max_record_bytes)
        }
    }
}

/// Where in the input a record came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole.
    File,
    /// A 1-based line number.
    Line(u64),
    /// A 1-based record number (CSV rows, feed items, WARC records).
    Record(u64),
}

/// Why one record (or a whole file) was not ingested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    pub path: PathBuf,
    pub location: Location,
    pub message: String,
}

impl RecordError {
    pub fn new(path: &Path, location: Location, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match self.location {
            Location::File => write!(f, "{path}: {}", self.message),
            Location::Line(n) => write!(f, "{path}:{n}: {}", self.message),
            Location::Record(n) => write!(f, "{path}: record {n}: {}", self.message),
        }
    }
}

impl std::error::Error for RecordError {}

/// What readers hand to the caller: an article and where it was read, or why one
/// could not be made.
pub type Item = Result<Read, RecordError>;

/// An article and where in the input it came from, so that what a later stage
/// refuses (an id already stored with other text) can still be reported as
/// `file:line`.
#[derive(Debug, Clone)]
pub struct Read {
    pub article: Article,
    pub path: PathBuf,
    pub location: Location,
}

impl Read {
    /// A rejection of this article at its place in the input.
    pub fn reject(&self, message: impl Into<String>) -> RecordError {
        RecordError::new(&self.path, self.location.clone(), message)
    }
}
