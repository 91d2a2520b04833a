//! Shared driver for the ingest targets: feed bytes to a reader, check every item.

#![allow(dead_code)]

use std::ops::ControlFlow;
use std::path::Path;

use dateline_core::{Article, Date};
use dateline_ingest::{Format, Item, ReadOptions, read_reader};

/// The `--date` every ingest target passes, so undated records still reach the
/// cleaner and the language detector.
pub fn default_date() -> Date {
    jiff::civil::date(2031, 3, 4)
}

pub fn options(format: Option<Format>) -> ReadOptions {
    ReadOptions {
        format,
        default_date: Some(default_date()),
        default_source: Some("fuzz".into()),
        ..ReadOptions::default()
    }
}

/// Reads `data` as `format` through the public reader entry point
/// (`dateline_ingest::read_reader`) and checks every item.
pub fn read_bytes(format: Format, data: &[u8]) {
    let name = Path::new("<fuzz>");
    let opts = options(Some(format));
    let mut sink = Sink::new(name, data.len());
    let flow = read_reader(name, Box::new(data), &opts, &mut |item| sink.take(item));
    // `read_paths` stops walking further inputs on `Break`: it must come back exactly
    // when the sink answered it.
    assert_eq!(
        flow.is_break(),
        sink.broke,
        "reader's answer disagrees with the sink's"
    );
}

/// A callback that checks each item and, for one input in five, answers `Break`
/// after the first item, to check that the reader stops at once and passes the
/// `Break` back.
pub struct Sink<'a> {
    name: &'a Path,
    stop_after: usize,
    seen: usize,
    broke: bool,
}

impl<'a> Sink<'a> {
    pub fn new(name: &'a Path, input_len: usize) -> Self {
        let stop_after = if input_len % 5 == 0 { 1 } else { usize::MAX };
        Sink {
            name,
            stop_after,
            seen: 0,
            broke: false,
        }
    }

    pub fn take(&mut self, item: Item) -> ControlFlow<()> {
        assert!(
            !self.broke,
            "reader called the sink after it answered Break"
        );
        self.seen += 1;
        match item {
            Ok(read) => {
                assert_eq!(read.path, self.name, "article names another path");
                check_article(&read.article);
            }
            Err(e) => assert_eq!(e.path, self.name, "error names another path: {e}"),
        }
        if self.seen >= self.stop_after {
            self.broke = true;
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// What `Draft::finish` promises for every article it makes.
pub fn check_article(a: &Article) {
    assert!(!a.text.is_empty(), "article with empty text");
    assert_eq!(a.text.trim(), a.text, "cleaned text has outer whitespace");
    assert!(!a.id.is_empty(), "article with empty id");
    assert!(!a.lang.is_empty(), "article with empty lang");
    if let Some(title) = &a.title {
        assert!(
            !title.is_empty() && !title.contains('\n'),
            "bad title {title:?}"
        );
    }
    serde_json::to_string(a).expect("an article serialises to JSON");
}
