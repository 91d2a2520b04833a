//! Ingest reader for HTML pages (readability extraction, then the date fallbacks):
//! the input is the file, read through `dateline_ingest::read_reader` as
//! `--format html` with a default date.
//!
//! Checks: no panic; every article has non-empty, trimmed text, an id, a language
//! and a one-line title; every article and error names the input; the reader stops
//! calling the sink once it answers `Break`, and returns `Break` exactly when the sink
//! did (see `common.rs`).
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::read_bytes(dateline_ingest::Format::Html, data);
});
