//! RSS and Atom feeds: each item is an article.

use std::io::BufRead;
use std::ops::ControlFlow;
use std::path::Path;

use crate::html::fragment_text;
use crate::{Draft, Item, Location, ReadOptions, RecordError, parse_date};

/// Reads a feed document. A feed is parsed whole (feeds are small and the parser
/// needs the document), so the caller hands over at most one record's worth of
/// bytes; its items are then handed out one by one.
pub fn read_feed(
    path: &Path,
    reader: impl BufRead,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let feed = match feed_rs::parser::parse(reader) {
        Ok(feed) => feed,
        Err(e) => {
            return sink(Err(RecordError::new(
                path,
                Location::File,
                format!("not a readable RSS/Atom feed: {e}"),
            )));
        }
    };
    let outlet = feed.title.as_ref().map(|t| t.content.trim().to_string());
    for (index, entry) in feed.entries.into_iter().enumerate() {
        let at = Location::Record(index as u64 + 1);
        let body = entry
            .content
            .and_then(|c| c.body)
            .or_else(|| entry.summary.map(|s| s.content))
            .unwrap_or_default();
        let mut draft = Draft {
            // Feed parsers normalise dates to UTC, so a feed item's date is its UTC date.
            date: entry
                .published
                .or(entry.updated)
                .and_then(|d| parse_date(&d.date_naive().to_string())),
            title: entry.title.map(|t| t.content),
            text: fragment_text(&body),
            source: outlet.clone(),
            url: entry.links.first().map(|l| l.href.clone()),
            ..Draft::default()
        };
        draft.meta.insert("guid".into(), entry.id.into());
        sink(draft.finish(opts, path, at))?;
    }
    ControlFlow::Continue(())
}
