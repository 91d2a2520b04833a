//! The whole extraction pipeline, as `dateline extract` runs it on one article
//! (`prepare` then `complete` with no knowledge and the shipped dictionaries, then
//! the JSON line), on arbitrary UTF-8 text dated 2031-03-04. Inputs that are not
//! UTF-8 or are over 64 KB are ignored, so one run stays short.
//!
//! Checks: no panic, the extraction serialises to JSON, and every span of every
//! record (mentions; statements' cue, content, evidence and speaker; events'
//! evidence, conditions, source and target) satisfies the contract
//! `span.text == article.text[start:end]` in code points.
#![no_main]

use dateline_core::knowledge::Knowledge;
use dateline_core::{Article, Span};
use dateline_extract::{Dictionaries, prepare};

const MAX_INPUT: usize = 64 * 1024;

fn check(what: &str, span: &Span, chars: &[char]) {
    assert!(
        span.start <= span.end && span.end <= chars.len(),
        "{what} span {}..{} out of range (text has {} code points)",
        span.start,
        span.end,
        chars.len()
    );
    let expected: String = chars[span.start..span.end].iter().collect();
    assert_eq!(
        span.text, expected,
        "{what} span {}..{} text",
        span.start, span.end
    );
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let article = Article::new("fuzz", jiff::civil::date(2031, 3, 4), text);
    let dictionaries = Dictionaries::shipped();
    let extraction = prepare(article, dictionaries)
        .complete(dictionaries, &Knowledge::default())
        .extraction;
    assert_eq!(extraction.article.text, text, "the article text changed");
    let chars: Vec<char> = text.chars().collect();
    for m in &extraction.mentions {
        check("mention", &m.span, &chars);
    }
    for s in &extraction.statements {
        check("statement cue", &s.cue, &chars);
        check("statement content", &s.content, &chars);
        check("statement evidence", &s.evidence, &chars);
        if let Some(span) = &s.speaker.span {
            check("speaker", span, &chars);
        }
    }
    for e in &extraction.events {
        check("event evidence", &e.evidence, &chars);
        check("event source", &e.source.span, &chars);
        if let Some(target) = &e.target {
            check("event target", &target.span, &chars);
        }
        for c in &e.conditions {
            check("event condition", c, &chars);
        }
    }
    serde_json::to_string(&extraction).expect("an extraction serialises to JSON");
});
