//! Ingest of gzipped WARC (`.warc.gz`) through the path-based entry point
//! `dateline_ingest::read_paths`, because only it picks the gzip decoder (by the
//! `.gz` extension): each input is written to a per-process temp file
//! `…/input.warc.gz`.
//!
//! Input: byte 0 is a control byte, byte 1 a parameter, the rest the payload.
//! * control & 0x80: the payload is written as it is (raw gzip bytes);
//! * otherwise the payload is a WARC that the target gzips, as one member, or as two
//!   split at `param/256` of its length when control & 1; then it truncates the last
//!   `param % 32 + 1` compressed bytes when control & 2, and flips one compressed byte
//!   when control & 4 (bad trailers, truncated and corrupt streams).
//!
//! Checks: those of the other ingest targets (see `common.rs`): no panic; articles
//! have non-empty, trimmed text, an id, a language and a one-line title; articles and
//! errors name the file; `Break` stops the reader and is passed back.
#![no_main]

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use flate2::{Compression, write::GzEncoder};

fn temp_file() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("dateline-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("input.warc.gz")
    })
}

fn gzip(member: &[u8], out: &mut Vec<u8>) {
    let mut encoder = GzEncoder::new(out, Compression::fast());
    encoder.write_all(member).unwrap();
    encoder.finish().unwrap();
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let [control, param, payload @ ..] = data else {
        return;
    };
    let (control, param) = (*control, *param as usize);
    let bytes = if control & 0x80 != 0 {
        payload.to_vec()
    } else {
        let mut out = Vec::new();
        if control & 1 != 0 {
            let (a, b) = payload.split_at(payload.len() * param / 256);
            gzip(a, &mut out);
            gzip(b, &mut out);
        } else {
            gzip(payload, &mut out);
        }
        if control & 2 != 0 {
            out.truncate(out.len().saturating_sub(param % 32 + 1));
        }
        if control & 4 != 0 && !out.is_empty() {
            let at = param * 7919 % out.len();
            out[at] ^= 0x5A;
        }
        out
    };
    let path = temp_file();
    std::fs::write(path, &bytes).expect("write temp file");
    let opts = common::options(None);
    let mut sink = common::Sink::new(path, data.len());
    dateline_ingest::read_paths(std::slice::from_ref(path), &opts, &mut |item| {
        sink.take(item)
    });
});
