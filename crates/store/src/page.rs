//! Pages of a listing and the cursors that continue them.
//!
//! Listings in a fixed order (statements, events, articles) continue by **keyset**:
//! the cursor is the sort key of the last record served, so a page is as cheap deep
//! in the listing as at its start and a record stored meanwhile cannot shift what
//! follows. Ranked listings (search, actors by mentions) continue by offset. A
//! cursor is opaque to clients (hex-encoded) and decoding checks its shape, so a
//! forged one is a [`StoreError::Query`], never a failed query.

use crate::{Result, StoreError};

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// After the record with this sort key: article date, article id, the record's
    /// position in its article, and its row (ties at one position).
    After {
        date: String,
        article: String,
        position: i64,
        row: i64,
    },
    /// Skip this many ranked results.
    Offset(u64),
}

/// One page of a listing; `next` is `None` on the last one.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

const SEPARATOR: char = '\u{1f}';

impl Cursor {
    /// The URL-safe form a client passes back.
    pub fn encode(&self) -> String {
        let plain = match self {
            Cursor::After {
                date,
                article,
                position,
                row,
            } => format!("k{date}{SEPARATOR}{article}{SEPARATOR}{position}{SEPARATOR}{row}"),
            Cursor::Offset(n) => format!("o{n}"),
        };
        plain.bytes().map(|b| format!("{b:02x}")).collect()
    }

    /// Reads what [`Cursor::encode`] wrote.
    pub fn decode(text: &str) -> Result<Cursor> {
        let bad = || StoreError::Query(format!("not a cursor this server gave: {text:?}"));
        if !text.len().is_multiple_of(2) || text.len() > 4096 {
            return Err(bad());
        }
        let bytes = (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(text.get(i..i + 2).ok_or_else(bad)?, 16).map_err(|_| bad()))
            .collect::<Result<Vec<u8>>>()?;
        let plain = String::from_utf8(bytes).map_err(|_| bad())?;
        if let Some(n) = plain.strip_prefix('o') {
            return n.parse().map(Cursor::Offset).map_err(|_| bad());
        }
        let rest = plain.strip_prefix('k').ok_or_else(bad)?;
        let parts: Vec<&str> = rest.split(SEPARATOR).collect();
        let [date, article, position, row] = parts[..] else {
            return Err(bad());
        };
        Ok(Cursor::After {
            date: date.to_string(),
            article: article.to_string(),
            position: position.parse().map_err(|_| bad())?,
            row: row.parse().map_err(|_| bad())?,
        })
    }

    /// The offset of a ranked listing; a keyset cursor given to one is an error.
    pub(crate) fn offset(cursor: Option<&Cursor>) -> Result<u64> {
        match cursor {
            None => Ok(0),
            Some(Cursor::Offset(n)) => Ok(*n),
            Some(_) => Err(StoreError::Query(
                "this cursor belongs to another listing".into(),
            )),
        }
    }
}

/// Collects at most `limit` records from `stream` (which was asked for one more) and
/// keeps the cursor of the last one kept if the extra one came.
pub(crate) fn collect<T>(
    limit: usize,
    stream: impl FnOnce(&mut dyn FnMut(T, Cursor) -> std::io::Result<()>) -> Result<u64>,
) -> Result<Page<T>> {
    let mut items = Vec::new();
    let mut last = None;
    let mut more = false;
    stream(&mut |item, cursor| {
        if items.len() == limit {
            more = true;
        } else {
            items.push(item);
            last = Some(cursor);
        }
        Ok(())
    })?;
    Ok(Page {
        items,
        next: if more { last } else { None },
    })
}

/// A page of a ranked listing: `fetch(offset, n)` returns up to `n` items from
/// `offset`; one more than `limit` is asked for to learn whether a next page exists.
pub(crate) fn offset_page<T>(
    after: Option<&Cursor>,
    limit: usize,
    fetch: impl FnOnce(u64, usize) -> Result<Vec<T>>,
) -> Result<Page<T>> {
    let offset = Cursor::offset(after)?;
    let mut items = fetch(offset, limit.saturating_add(1))?;
    let more = items.len() > limit;
    items.truncate(limit);
    Ok(Page {
        next: more.then(|| Cursor::Offset(offset + items.len() as u64)),
        items,
    })
}

/// Appends the keyset condition of `after` to a query ordered by
/// `(date, article, position, row)` given as SQL expressions, binding through
/// `bind`. An offset cursor here is an error.
pub(crate) fn keyset_condition(
    after: Option<&Cursor>,
    columns: [&str; 4],
    mut bind: impl FnMut(rusqlite::types::Value) -> usize,
) -> Result<String> {
    match after {
        None => Ok(String::new()),
        Some(Cursor::After {
            date,
            article,
            position,
            row,
        }) => {
            let [d, a, p, r] = columns;
            let (d2, a2, p2, r2) = (
                bind(date.clone().into()),
                bind(article.clone().into()),
                bind((*position).into()),
                bind((*row).into()),
            );
            Ok(format!(
                " AND ({d}, {a}, {p}, {r}) > (?{d2}, ?{a2}, ?{p2}, ?{r2})"
            ))
        }
        Some(Cursor::Offset(_)) => Err(StoreError::Query(
            "this cursor belongs to another listing".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        for cursor in [
            Cursor::Offset(40),
            Cursor::After {
                date: "2031-03-04".into(),
                article: "a|b\u{1f}?".replace('\u{1f}', ""),
                position: 17,
                row: 3,
            },
        ] {
            assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        }
    }

    #[test]
    fn forged_cursors_are_query_errors() {
        for text in ["", "zz", "6", "6b", "6f2d31", "6b3230"] {
            assert!(
                matches!(Cursor::decode(text), Err(StoreError::Query(_))),
                "{text:?}"
            );
        }
    }
}
