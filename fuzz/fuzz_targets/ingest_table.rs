//! Ingest reader for CSV and TSV tables, driven through `dateline_ingest::read_reader`.
//! The first input byte picks the format (`\t` → TSV, anything else → CSV); the rest
//! is the file.
//!
//! Checks: those of the other ingest targets (see `common.rs`): no panic; articles
//! have non-empty, trimmed text, an id, a language and a one-line title; articles and
//! errors name the input; `Break` stops the reader and is passed back.
#![no_main]

mod common;

use dateline_ingest::Format;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let format = if selector == b'\t' {
        Format::Tsv
    } else {
        Format::Csv
    };
    common::read_bytes(format, file);
});
