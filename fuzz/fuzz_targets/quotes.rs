//! The quote scanner of `dateline-core` (`quotes::find_quotes`) on arbitrary text
//! (invalid UTF-8 is replaced lossily).
//!
//! Checks: every quote is non-empty, inside the text, on char boundaries, trimmed (the
//! content excludes outer whitespace), and quotes come in text order without
//! overlapping. Being linear in the text, it must never time out.
#![no_main]

use dateline_core::quotes::find_quotes;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let mut last_end = 0;
    for q in find_quotes(text) {
        assert!(q.start < q.end && q.end <= text.len(), "bad quote {q:?}");
        assert!(
            q.start >= last_end,
            "quote {q:?} overlaps or is out of order"
        );
        assert!(
            text.is_char_boundary(q.start) && text.is_char_boundary(q.end),
            "{q:?}"
        );
        let content = &text[q.start..q.end];
        assert_eq!(content.trim(), content, "quote {q:?} is not trimmed");
        last_end = q.end;
    }
});
