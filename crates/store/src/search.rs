//! Full-text search over articles.

use dateline_core::Date;
use rusqlite::params;
use serde::Serialize;

use crate::{Cursor, DateWindow, Page, Result, Store, StoreError};

/// A search request.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    /// What the user typed: words, `"quoted phrases"`, `OR`, and `prefix*`.
    pub text: String,
    pub window: DateWindow,
    pub limit: usize,
    /// Skip this many of the best hits (the next page of a listing).
    pub offset: usize,
}

/// One ranked hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub id: String,
    pub date: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dup_of: Option<String>,
    /// A window of the text around the matches, each match between `«` and `»`.
    pub snippet: String,
    /// BM25 score (higher is better).
    pub score: f64,
}

/// Ranked article search. Implemented by [`Store`] with SQLite FTS5.
pub trait ArticleSearch {
    fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>>;
}

/// Translates a user query to FTS5 syntax that cannot fail to parse: every term and
/// phrase is quoted (so `AND (`, stray `"` or `:` are just text), `OR` between terms
/// is kept as the operator, and a trailing `*` marks a prefix. Terms are ANDed.
/// `None` when the query has no words.
pub fn fts_query(user: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut rest = user.trim();
    while !rest.is_empty() {
        let (term, tail, phrase) = if let Some(after) = rest.strip_prefix('"') {
            match after.find('"') {
                Some(end) => (&after[..end], &after[end + 1..], true),
                None => (after, "", true),
            }
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], &rest[end..], false)
        };
        rest = tail.trim_start();
        if !phrase && term == "OR" {
            if parts.last().is_some_and(|p| p != "OR") {
                parts.push("OR".into());
            }
            continue;
        }
        let (term, prefix) = match term.strip_suffix('*') {
            Some(t) if !phrase => (t, true),
            _ => (term, false),
        };
        if !term.chars().any(char::is_alphanumeric) {
            continue;
        }
        let quoted = format!("\"{}\"", term.replace('"', "\"\""));
        parts.push(if prefix {
            format!("{quoted} *")
        } else {
            quoted
        });
    }
    while parts.last().is_some_and(|p| p == "OR") {
        parts.pop();
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// How much of an article's text a snippet is looked for in, in characters.
const SNIPPET_SCAN_CHARS: usize = 64 * 1024;
/// Words in a snippet.
const SNIPPET_WORDS: usize = 16;

/// A query word as snippets match it: lower-cased, and whether it is a prefix.
#[derive(Debug, Clone, PartialEq)]
struct SnippetTerm {
    word: String,
    prefix: bool,
}

/// The words of a user query (those of its phrases too), as the index's tokenizer
/// splits them: runs of letters and digits.
fn snippet_terms(user: &str) -> Vec<SnippetTerm> {
    let mut terms = Vec::new();
    for raw in user.split_whitespace().filter(|w| *w != "OR") {
        let prefix = raw.ends_with('*') && !raw.ends_with("\"");
        let words: Vec<&str> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let last = words.len().saturating_sub(1);
        for (i, word) in words.into_iter().enumerate() {
            terms.push(SnippetTerm {
                word: fold(word),
                prefix: prefix && i == last,
            });
        }
    }
    terms
}

/// Lower case without diacritics, near enough to `unicode61 remove_diacritics 2`
/// for marking matches.
fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à'..='å' => 'a',
            'ç' => 'c',
            'è'..='ë' => 'e',
            'ì'..='ï' => 'i',
            'ñ' => 'n',
            'ò'..='ö' | 'ø' => 'o',
            'ù'..='ü' => 'u',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// The window of [`SNIPPET_WORDS`] words of `text` that holds the most distinct
/// query terms (the first such), matches between `«` and `»`, `…` where the text goes
/// on. Linear in `text`.
fn snippet(text: &str, terms: &[SnippetTerm]) -> String {
    let words: Vec<(usize, usize)> = text
        .char_indices()
        .filter(|&(i, c)| {
            c.is_alphanumeric()
                && !text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
        })
        .map(|(start, _)| {
            let end = text[start..]
                .find(|c: char| !c.is_alphanumeric())
                .map_or(text.len(), |n| start + n);
            (start, end)
        })
        .collect();
    let matched: Vec<Option<usize>> = words
        .iter()
        .map(|&(s, e)| {
            let word = fold(&text[s..e]);
            terms.iter().position(|t| {
                if t.prefix {
                    word.starts_with(&t.word)
                } else {
                    word == t.word
                }
            })
        })
        .collect();
    // Slide a window over the words, counting each term's matches inside it.
    let mut counts = vec![0usize; terms.len()];
    let (mut distinct, mut best, mut best_start) = (0, 0, 0);
    for i in 0..words.len() {
        if let Some(t) = matched[i] {
            counts[t] += 1;
            distinct += usize::from(counts[t] == 1);
        }
        if i >= SNIPPET_WORDS
            && let Some(t) = matched[i - SNIPPET_WORDS]
        {
            counts[t] -= 1;
            distinct -= usize::from(counts[t] == 0);
        }
        if distinct > best {
            best = distinct;
            best_start = (i + 1).saturating_sub(SNIPPET_WORDS);
        }
    }
    let window = best_start..(best_start + SNIPPET_WORDS).min(words.len());
    if window.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    if best_start > 0 {
        out.push('…');
    }
    let mut at = words[window.start].0;
    for i in window.clone() {
        let (s, e) = words[i];
        out.push_str(&text[at..s]);
        if matched[i].is_some() {
            out.push('«');
            out.push_str(&text[s..e]);
            out.push('»');
        } else {
            out.push_str(&text[s..e]);
        }
        at = e;
    }
    match words.get(window.end) {
        Some(&(next, _)) => {
            out.push_str(&text[at..next]);
            out.push('…');
        }
        None => out.push_str(&text[at..]),
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Store {
    /// One page of ranked hits for `text` in `window`, continuing after `after`.
    pub fn search_page(
        &self,
        text: &str,
        window: &DateWindow,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<SearchHit>> {
        crate::page::offset_page(after, limit, |offset, n| {
            self.search(&SearchQuery {
                text: text.to_string(),
                window: *window,
                limit: n,
                offset: offset.min(usize::MAX as u64) as usize,
            })
        })
    }
}

impl ArticleSearch for Store {
    fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>> {
        let fts = fts_query(&query.text)
            .ok_or_else(|| StoreError::Query("the query has no words to search for".into()))?;
        // Two phases: rank every match cheaply, then build snippets for the top hits
        // only. In one statement SQLite would compute a snippet for every match
        // before sorting, which dominated latency for common words.
        let top: Vec<(i64, f64)> = if query.window == DateWindow::default() {
            let mut stmt = self.conn.prepare_cached(
                "SELECT rowid, rank FROM articles_fts WHERE articles_fts MATCH ?1 ORDER BY rank LIMIT ?2 OFFSET ?3",
            )?;
            let rows = stmt
                .query_map(params![fts, query.limit as i64, query.offset as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            rows.collect::<rusqlite::Result<_>>()?
        } else {
            let (from, to) = query.window.bounds();
            let mut stmt = self.conn.prepare_cached(
                "SELECT f.rowid, f.rank FROM articles_fts f JOIN articles a ON a.rowid = f.rowid
                 WHERE articles_fts MATCH ?1 AND a.date >= ?2 AND a.date <= ?3 ORDER BY f.rank LIMIT ?4 OFFSET ?5",
            )?;
            let rows = stmt.query_map(
                params![fts, from, to, query.limit as i64, query.offset as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        // FTS5's own snippet() takes time quadratic in a term's count in the article
        // (35,000 repeats of one word: 12 s, uninterruptible); ours reads a bounded
        // prefix of the text once.
        let mut hit_stmt = self.conn.prepare_cached(
            "SELECT id, date, title, source, dup_of, substr(text, 1, ?2) FROM articles WHERE rowid = ?1",
        )?;
        let terms = snippet_terms(&query.text);
        let mut hits = Vec::with_capacity(top.len());
        for (rowid, rank) in top {
            let (id, date, title, source, dup_of, text): (String, String, _, _, _, String) =
                hit_stmt.query_row(params![rowid, SNIPPET_SCAN_CHARS as i64], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })?;
            let date = date
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("date {date:?}: {e}")))?;
            hits.push(SearchHit {
                id,
                date,
                title,
                source,
                dup_of,
                snippet: snippet(&text, &terms),
                score: -rank,
            });
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_centre_on_the_most_terms_and_stay_linear_on_repeats() {
        let text = "Early news came first, and a great deal of it: the harbour, the weather, the \
            markets. Then the island council met. Later the ferry talks on the island resumed \
            after a pause of weeks, officials said.";
        let snip = snippet(text, &snippet_terms("island talks"));
        assert!(
            snip.contains("«talks»") && snip.contains("«island»"),
            "{snip}"
        );
        assert!(snip.starts_with('…'), "{snip}");
        let snip = snippet("Ferries from Tårnby sailed.", &snippet_terms("tarnby fer*"));
        assert_eq!(snip, "«Ferries» from «Tårnby» sailed.");
        let hostile = "talks ".repeat(200_000);
        let started = std::time::Instant::now();
        let snip = snippet(&hostile[..SNIPPET_SCAN_CHARS], &snippet_terms("talks"));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(snip.matches("«talks»").count(), SNIPPET_WORDS);
    }

    #[test]
    fn quotes_every_term_and_keeps_or_and_prefix() {
        assert_eq!(fts_query("island talks").unwrap(), r#""island" "talks""#);
        assert_eq!(
            fts_query(r#""border post" OR ferry"#).unwrap(),
            r#""border post" OR "ferry""#
        );
        assert_eq!(fts_query("negotiat*").unwrap(), r#""negotiat" *"#);
    }

    #[test]
    fn fts_syntax_in_user_input_is_only_text() {
        assert_eq!(fts_query("AND ( talks").unwrap(), r#""AND" "talks""#);
        assert_eq!(
            fts_query(r#"say "unbalanced"#).unwrap(),
            r#""say" "unbalanced""#
        );
        assert_eq!(fts_query("OR OR talks OR").unwrap(), r#""talks""#);
        assert_eq!(fts_query(" ( ) : * "), None);
    }
}
