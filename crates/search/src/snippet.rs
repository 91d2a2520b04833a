//! Snippets: the window of an article's text that holds the most query words, with
//! each match marked. Ours rather than the engine's, for two reasons: the index stores
//! no text (the store has it), and it is linear in the text it reads, where SQLite
//! FTS5's took time quadratic in a word's repeats (35,000 repeats: 12 s).

use crate::{Clause, UserQuery};

/// How much of an article's text a snippet is looked for in, in characters (a reader
/// fetches only this prefix).
pub const SNIPPET_SCAN_CHARS: usize = 64 * 1024;
/// Words in a snippet.
const SNIPPET_WORDS: usize = 16;

/// A query word as snippets match it: lower-cased, and whether it is a prefix.
#[derive(Debug, Clone, PartialEq)]
struct SnippetTerm {
    word: String,
    /// Its length in characters.
    chars: usize,
    prefix: bool,
}

/// The words of a query (those of its phrases too), as the index's tokenizer splits
/// them: runs of letters and digits.
fn snippet_terms(query: &UserQuery) -> Vec<SnippetTerm> {
    let mut terms = Vec::new();
    for clause in query.clauses() {
        let (raw, prefix) = match clause {
            Clause::Word(w) | Clause::Phrase(w) => (w, false),
            Clause::Prefix(p) => (p, true),
        };
        let words: Vec<&str> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let last = words.len().saturating_sub(1);
        for (i, word) in words.into_iter().enumerate() {
            let word = fold(word);
            terms.push(SnippetTerm {
                chars: word.chars().count(),
                word,
                prefix: prefix && i == last,
            });
        }
    }
    terms
}

/// Lower case without diacritics, near enough to the index's ASCII folding for
/// marking matches.
fn fold(word: &str) -> String {
    word.chars().map(fold_char).collect()
}

/// One character lower-cased without its diacritics (a character whose lower case is
/// several keeps the first: folding never changes a word's length in characters).
fn fold_char(c: char) -> char {
    match c.to_lowercase().next().unwrap_or(c) {
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ñ' => 'n',
        'ò'..='ö' | 'ø' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// Runs of letters and digits in `text`: (start, end, length in characters). Reads
/// bytes, decoding only outside ASCII (this runs over every word of twenty texts a
/// search).
fn word_spans(text: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let bytes = text.as_bytes();
    // Whether the character at byte `i` is a letter or digit, and its length.
    let class = move |i: usize| -> (bool, usize) {
        match bytes[i] {
            b if b < 0x80 => (b.is_ascii_alphanumeric(), 1),
            _ => text[i..]
                .chars()
                .next()
                .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
        }
    };
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let (word, len) = class(at);
            if word {
                break;
            }
            at += len;
        }
        if at >= bytes.len() {
            return None;
        }
        let (start, mut n) = (at, 0);
        while at < bytes.len() {
            let (word, len) = class(at);
            if !word {
                break;
            }
            at += len;
            n += 1;
        }
        Some((start, at, n))
    })
}

/// The window of [`SNIPPET_WORDS`] words of `text` that holds the most distinct
/// query terms (the first such), matches between `«` and `»`, `…` where the text goes
/// on. Linear in `text`, and it reads no further than the first window holding every
/// term (the usual case: hits are assembled per request, twenty texts a search).
pub fn snippet(text: &str, query: &UserQuery) -> String {
    let terms = &snippet_terms(query);
    // Terms a window can hold at most: a repeated term never matches (the first copy
    // does). Counting too many only means reading to the end.
    let reachable = terms
        .iter()
        .enumerate()
        .filter(|&(i, t)| !terms[..i].contains(t))
        .count();
    // Only a word whose first letter and length could match is folded.
    let initials: Vec<Option<char>> = terms.iter().map(|t| t.word.chars().next()).collect();
    let match_word = |(s, e, n): (usize, usize, usize)| -> Option<usize> {
        let initial = text[s..e].chars().next().map(|c| {
            if c.is_ascii() {
                c.to_ascii_lowercase()
            } else {
                fold_char(c)
            }
        });
        let candidate = terms
            .iter()
            .zip(&initials)
            .any(|(t, &first)| initial == first && (n == t.chars || (t.prefix && n > t.chars)));
        if !candidate {
            return None;
        }
        let word = fold(&text[s..e]);
        terms.iter().position(|t| {
            if t.prefix {
                word.starts_with(&t.word)
            } else {
                word == t.word
            }
        })
    };
    let mut spans = word_spans(text);
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut matched: Vec<Option<usize>> = Vec::new();
    // Slide a window over the words, counting each term's matches inside it.
    let mut counts = vec![0usize; terms.len()];
    let (mut distinct, mut best, mut best_start) = (0, 0, 0);
    for span in spans.by_ref() {
        let i = words.len();
        words.push((span.0, span.1));
        matched.push(match_word(span));
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
            if best == reachable {
                break;
            }
        }
    }
    // The window's words, and one past it (to tell whether the text goes on).
    while words.len() <= best_start + SNIPPET_WORDS {
        let Some(span) = spans.next() else { break };
        words.push((span.0, span.1));
        matched.push(match_word(span));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> UserQuery {
        UserQuery::parse(text).unwrap()
    }

    #[test]
    fn snippets_centre_on_the_most_terms_and_stay_linear_on_repeats() {
        let text = "Early news came first, and a great deal of it: the harbour, the weather, the \
            markets. Then the island council met. Later the ferry talks on the island resumed \
            after a pause of weeks, officials said.";
        let snip = snippet(text, &q("island talks"));
        assert!(
            snip.contains("«talks»") && snip.contains("«island»"),
            "{snip}"
        );
        assert!(snip.starts_with('…'), "{snip}");
        let snip = snippet("Ferries from Tårnby sailed.", &q("tarnby fer*"));
        assert_eq!(snip, "«Ferries» from «Tårnby» sailed.");
        let hostile = "talks ".repeat(200_000);
        let started = std::time::Instant::now();
        let snip = snippet(&hostile[..SNIPPET_SCAN_CHARS], &q("talks"));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(snip.matches("«talks»").count(), SNIPPET_WORDS);
    }

    #[test]
    fn a_window_found_early_still_has_its_full_width_and_marks() {
        // Both terms in the first three words: the window still runs sixteen words,
        // marks a later match inside it, and says the text goes on.
        let text = "Island talks resumed. One two three four five six seven eight nine ten \
            eleven talks twelve thirteen fourteen fifteen.";
        let snip = snippet(text, &q("island talks"));
        assert_eq!(
            snip,
            "«Island» «talks» resumed. One two three four five six seven eight nine ten \
             eleven «talks» twelve …"
        );
        // A repeated term does not make it read to the end for a count it cannot reach.
        assert_eq!(
            snippet("talks went on", &q("talks talks")),
            "«talks» went on"
        );
    }
}
