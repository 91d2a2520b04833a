//! Content-derived ids.

use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

/// Text reduced to what makes two copies "the same article": case, runs of whitespace,
/// and typographic variants of quotes, apostrophes and dashes do not count, because
/// syndicating outlets change exactly those.
pub fn normalize_for_hash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    #[inline(always)]
    fn push(out: &mut String, pending_space: &mut bool, c: char) {
        if *pending_space && !out.is_empty() {
            out.push(' ');
        }
        *pending_space = false;
        out.push(c);
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Most news text is ASCII: handle it byte by byte, without decoding or
        // Unicode tables. (`char::is_whitespace` on ASCII is exactly 9–13 and 32.)
        if b.is_ascii() {
            i += 1;
            if matches!(b, 9..=13 | b' ') {
                pending_space = true;
            } else {
                push(
                    &mut out,
                    &mut pending_space,
                    char::from(b.to_ascii_lowercase()),
                );
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        match c {
            _ if c.is_whitespace() => pending_space = true,
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => {
                push(&mut out, &mut pending_space, '\'')
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => {
                push(&mut out, &mut pending_space, '"')
            }
            '\u{2010}'..='\u{2015}' | '\u{2212}' => push(&mut out, &mut pending_space, '-'),
            _ => c
                .to_lowercase()
                .for_each(|l| push(&mut out, &mut pending_space, l)),
        }
    }
    out
}

/// Stable id of an article's content: 20 hex digits (80 bits) of XXH3-128 over the
/// normalised text. XXH3 is specified byte-for-byte, so ids agree across machines and
/// releases; 80 bits keep the chance of a collision below 1e-12 at a million articles.
pub fn content_id(text: &str) -> String {
    let hash = xxh3_128(normalize_for_hash(text).as_bytes());
    format!("{hash:032x}")[..20].to_string()
}

/// 64-bit hash of the normalised text, for finding exact copies that arrived under
/// different ids. Stored as SQLite's signed INTEGER, hence `i64`.
pub fn content_hash(text: &str) -> i64 {
    xxh3_64(normalize_for_hash(text).as_bytes()) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typographic_variants_share_an_id() {
        let a = "The minister said: “We will not talk.”\n\nShe left.";
        let b = "the minister said: \"We will not talk.\"   She left. ";
        assert_eq!(content_id(a), content_id(b));
    }

    #[test]
    fn normalisation_collapses_space_and_case_everywhere() {
        assert_eq!(
            normalize_for_hash("  Über\u{00A0}\u{00A0}DIE\t„Brücke“ – x "),
            "über die \"brücke\" - x"
        );
        assert_eq!(normalize_for_hash("\n\n"), "");
    }

    #[test]
    fn different_words_give_different_ids() {
        assert_ne!(content_id("Talks resumed."), content_id("Talks stalled."));
    }

    #[test]
    fn ids_are_fixed_across_releases() {
        // Stored ids and hashes must keep matching re-ingested copies: a change to the
        // hash or the normalisation that moves these values breaks every store.
        assert_eq!(content_id("Talks resumed."), "2216a912167fa0bbf0d9");
        assert_eq!(content_hash("Talks resumed."), 1712290770098521495);
        assert_eq!(
            content_id("“Kyiv” – he said\n\nÜber  die Brücke"),
            "b49deb6e97d7fb703d98"
        );
        assert_eq!(content_id("  a\u{00A0}b\tC  "), "a15f7e78adfdb4598c33");
    }
}
