//! The tokenizer and sentence splitter of `dateline-nlp` on arbitrary text (invalid
//! UTF-8 is replaced lossily).
//!
//! Checks the crate's invariants: tokens are non-empty, inside the text, on char
//! boundaries, in order, never overlap and hold no whitespace; together they cover
//! every non-whitespace character; sentences are non-empty token ranges that cover
//! every token exactly once, in order.
#![no_main]

use dateline_nlp::{split_sentences, tokenize};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let tokens = tokenize(text);
    let mut last_end = 0;
    let mut covered = String::new();
    for t in &tokens {
        assert!(t.start < t.end, "empty token {t:?}");
        assert!(
            t.end <= text.len(),
            "token {t:?} past the text ({})",
            text.len()
        );
        assert!(
            t.start >= last_end,
            "token {t:?} overlaps or is out of order"
        );
        assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "{t:?}"
        );
        let word = t.of(text);
        assert!(
            !word.contains(char::is_whitespace),
            "token {word:?} holds whitespace"
        );
        assert!(
            text[last_end..t.start].chars().all(char::is_whitespace),
            "text dropped before {t:?}"
        );
        covered.push_str(word);
        last_end = t.end;
    }
    assert!(
        text[last_end..].chars().all(char::is_whitespace),
        "text dropped at the end"
    );
    let expected: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(covered, expected);

    let sentences = split_sentences(text, &tokens);
    let mut next = 0;
    for s in &sentences {
        assert!(s.start < s.end, "empty sentence {s:?}");
        assert_eq!(
            s.start, next,
            "sentences skip or repeat tokens: {sentences:?}"
        );
        next = s.end;
    }
    assert_eq!(next, tokens.len(), "sentences do not cover every token");
});
