//! Sentence boundaries over tokens.
//!
//! A sentence ends after terminal punctuation (`.`, `!`, `?`, `...`) together with any
//! closing quotes or brackets that follow it, when the next token can open a sentence
//! (a capital, a digit, an opening quote or bracket). Titles (`Mr.`, `Gen.`) never end
//! one; other abbreviations (`U.S.`, `Inc.`) end one only before a word that typically
//! opens a sentence. Line structure counts too: a blank line always ends a sentence,
//! and a line that reads like a headline, dateline or list item (short, with no
//! terminal punctuation) ends at its line break.
//!
//! No sentence is longer than [`MAX_SENTENCE_TOKENS`]: a longer run (a list without
//! full stops, a table flattened to text, or hostile input) is cut into pieces, at a
//! semicolon, colon, comma or line break near the limit when there is one. Every layer
//! above does per-sentence work that grows faster than the sentence (the parser's
//! beam, the coder's patterns, speaker search), so the cap is what keeps annotation
//! linear in the article; real sentences stay well under it (EWT's longest is 159).

use std::ops::Range;

use crate::ByteSpan;

/// Longest sentence, in tokens; longer runs are split (see the module comment).
pub const MAX_SENTENCE_TOKENS: usize = 200;

/// Splits `tokens` (of `text`) into sentences, as ranges of token indices that cover
/// every token exactly once, in order, none longer than [`MAX_SENTENCE_TOKENS`].
pub fn split_sentences(text: &str, tokens: &[ByteSpan]) -> Vec<Range<usize>> {
    sentences_ending(text, tokens, &rule_ends(text, tokens))
}

/// Where the rules end sentences: `ends[i]` is set when a sentence ends after token
/// `i`. A learned decision (`dateline-nlp`'s sentence model) starts from these.
pub fn rule_ends(text: &str, tokens: &[ByteSpan]) -> Vec<bool> {
    let mut ends = vec![false; tokens.len()];
    for sentence in split_at_punctuation(text, tokens) {
        ends[sentence.end - 1] = true;
    }
    ends
}

/// The sentences that end where `ends` says (and after the last token), each cut to
/// at most [`MAX_SENTENCE_TOKENS`].
pub fn sentences_ending(text: &str, tokens: &[ByteSpan], ends: &[bool]) -> Vec<Range<usize>> {
    debug_assert_eq!(ends.len(), tokens.len());
    let mut sentences = Vec::new();
    let mut start = 0;
    for (i, &end) in ends.iter().enumerate() {
        if end || i + 1 == tokens.len() {
            split_long(text, tokens, start..i + 1, &mut sentences);
            start = i + 1;
        }
    }
    sentences
}

/// How many line breaks separate two tokens; two or more is a paragraph break, which
/// always ends a sentence.
pub fn line_breaks_between(text: &str, before: ByteSpan, after: ByteSpan) -> usize {
    gap(text, before, after).matches('\n').count()
}

/// Cuts `sentence` into pieces of at most [`MAX_SENTENCE_TOKENS`], each ending at the
/// last clause break in its final quarter when there is one.
fn split_long(
    text: &str,
    tokens: &[ByteSpan],
    sentence: Range<usize>,
    out: &mut Vec<Range<usize>>,
) {
    let mut start = sentence.start;
    while sentence.end - start > MAX_SENTENCE_TOKENS {
        let limit = start + MAX_SENTENCE_TOKENS;
        let clause_break = (limit - MAX_SENTENCE_TOKENS / 4..limit).rev().find(|&k| {
            matches!(tokens[k].of(text), ";" | ":" | ",")
                || gap_has_newline(text, tokens[k], tokens[k + 1])
        });
        let end = clause_break.map_or(limit, |k| k + 1);
        out.push(start..end);
        start = end;
    }
    out.push(start..sentence.end);
}

fn split_at_punctuation(text: &str, tokens: &[ByteSpan]) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < tokens.len() {
        let mut end = i + 1; // exclusive end of the sentence if it ends here
        let mut boundary = false;
        let token = tokens[i].of(text);
        if is_terminal(token) {
            while end < tokens.len()
                && is_closer(tokens[end].of(text))
                && !gap_has_newline(text, tokens[end - 1], tokens[end])
                && !opens_quote(text, tokens, end)
            {
                end += 1;
            }
            boundary = match tokens.get(end) {
                None => true,
                Some(next) => {
                    let next_text = next.of(text);
                    gap_has_newline(text, tokens[end - 1], *next) || can_open(next_text)
                }
            };
        } else if token.ends_with('.') && token.len() > 1 {
            boundary = match tokens.get(end) {
                None => true,
                Some(next) => !is_title(token) && opens_typically(next.of(text)),
            };
        }
        if !boundary && let Some(next) = tokens.get(end) {
            boundary = line_break_ends_sentence(text, tokens, start, end, *next)
                || opens_dateline(text, tokens, end);
        }
        if boundary || end == tokens.len() {
            sentences.push(start..end);
            start = end;
        }
        i = end;
    }
    sentences
}

const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A dateline (`Tuesday, September 1, 2015`: weekday, comma, month and day, comma,
/// year) starts at `tokens[k]` right after a word that cannot lead into a date: a
/// headline run into its dateline when a page is flattened to text ("… ants Tuesday,
/// September 1, 2015"). After "on", "since", a comma and the like the date belongs
/// to the sentence.
pub fn opens_dateline(text: &str, tokens: &[ByteSpan], k: usize) -> bool {
    let word = |i: usize| tokens.get(i).map_or("", |t| t.of(text));
    // Cheapest tests first: this runs at nearly every gap.
    if k == 0 || !WEEKDAYS.contains(&word(k)) {
        return false;
    }
    let previous = word(k - 1);
    let leads_into_date = matches!(
        previous.to_lowercase().as_str(),
        "on" | "of"
            | "since"
            | "until"
            | "till"
            | "by"
            | "from"
            | "before"
            | "after"
            | "through"
            | "to"
            | "and"
            | "or"
            | "published"
            | "dated"
            | "updated"
            | "posted"
            | "last"
            | "next"
            | "this"
            | "that"
            | "every"
            | "each"
    );
    !leads_into_date
        && previous.starts_with(char::is_alphanumeric)
        && word(k + 1) == ","
        && word(k + 2).starts_with(char::is_uppercase)
        && word(k + 3).bytes().all(|b| b.is_ascii_digit())
        && word(k + 4) == ","
        && word(k + 5).len() == 4
        && word(k + 5).bytes().all(|b| b.is_ascii_digit())
}

fn is_terminal(token: &str) -> bool {
    matches!(token, "." | "!" | "?" | "…" | "?!" | "!?")
        || (token.len() >= 3 && token.chars().all(|c| c == '.'))
}

fn is_closer(token: &str) -> bool {
    matches!(token, "\"" | "”" | "’" | "'" | ")" | "]" | "}" | "»")
}

/// Whether the straight quote at `tokens[k]` opens a quotation rather than closing
/// one: spaced off from the token before it and glued to a word after it
/// (`… he said. "Had it …`). Curly quotes say which they are; straight ones only by
/// where the spaces fall.
fn opens_quote(text: &str, tokens: &[ByteSpan], k: usize) -> bool {
    matches!(tokens[k].of(text), "\"" | "'")
        && k > 0
        && !gap(text, tokens[k - 1], tokens[k]).is_empty()
        && tokens.get(k + 1).is_some_and(|next| {
            gap(text, tokens[k], *next).is_empty()
                && next.of(text).starts_with(char::is_alphanumeric)
        })
}

/// Whether a token can start a sentence after terminal punctuation.
fn can_open(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"“‘'([«¿¡-—•*".contains(c))
}

const TITLES: &[&str] = &[
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Gen.", "Sen.", "Rep.", "Gov.", "Lt.", "Col.", "Sgt.",
    "Capt.", "Adm.", "Maj.", "St.", "Rev.", "Hon.", "Pres.", "No.", "Mt.", "vs.",
];

fn is_title(token: &str) -> bool {
    TITLES.iter().any(|t| t.eq_ignore_ascii_case(token))
        || (token.len() == 2 && token.starts_with(char::is_uppercase))
}

/// Words that open sentences far more often than they follow an abbreviation
/// mid-sentence ("in the U.S. The talks ..." vs "U.S. Ambassador").
fn opens_typically(token: &str) -> bool {
    matches!(
        token,
        "The"
            | "A"
            | "An"
            | "He"
            | "She"
            | "It"
            | "They"
            | "We"
            | "I"
            | "You"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "But"
            | "And"
            | "In"
            | "On"
            | "At"
            | "As"
            | "If"
            | "When"
            | "While"
            | "There"
            | "His"
            | "Her"
            | "Their"
            | "Its"
            | "Our"
            | "My"
            | "What"
            | "Why"
            | "How"
            | "Who"
            | "After"
            | "Before"
            | "However"
            | "So"
            | "Yet"
            | "\""
            | "“"
    )
}

fn gap(text: &str, before: ByteSpan, after: ByteSpan) -> &str {
    &text[before.end..after.start]
}

fn gap_has_newline(text: &str, before: ByteSpan, after: ByteSpan) -> bool {
    gap(text, before, after).contains('\n')
}

/// A line break between `tokens[end - 1]` and `next` ends the sentence when it is a
/// paragraph break, or when the line so far reads like a headline, dateline or list
/// item rather than hard-wrapped prose.
fn line_break_ends_sentence(
    text: &str,
    tokens: &[ByteSpan],
    start: usize,
    end: usize,
    next: ByteSpan,
) -> bool {
    let between = gap(text, tokens[end - 1], next);
    let newlines = between.matches('\n').count();
    if newlines == 0 {
        return false;
    }
    if newlines >= 2 {
        return true;
    }
    let next_text = next.of(text);
    if next_text.starts_with(['•', '*', '-', '–', '—']) {
        return true;
    }
    // Tokens of the current line only.
    let line_start = (start..end)
        .rev()
        .find(|&k| k > start && gap_has_newline(text, tokens[k - 1], tokens[k]))
        .unwrap_or(start);
    let line = &tokens[line_start..end];
    let short = line.len() <= 12;
    let unpunctuated = !line
        .iter()
        .any(|t| is_terminal(t.of(text)) || t.of(text) == ",");
    short && unpunctuated && can_open(next_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize;

    fn sentences(text: &str) -> Vec<String> {
        let tokens = tokenize(text);
        split_sentences(text, &tokens)
            .into_iter()
            .map(|r| text[tokens[r.start].start..tokens[r.end - 1].end].to_string())
            .collect()
    }

    #[test]
    fn a_run_without_full_stops_is_cut_near_the_cap_at_a_comma() {
        let clause = "the talks went on, ";
        let text = clause.repeat(100); // 500 tokens, a comma every fifth
        let tokens = tokenize(&text);
        let ranges = split_sentences(&text, &tokens);
        assert!(ranges.len() >= 3, "{ranges:?}");
        assert_eq!(ranges.first().unwrap().start, 0);
        assert_eq!(ranges.last().unwrap().end, tokens.len());
        for pair in ranges.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
        }
        for range in &ranges {
            assert!(range.len() <= MAX_SENTENCE_TOKENS);
        }
        assert_eq!(tokens[ranges[0].end - 1].of(&text), ",");
        // With nothing to cut at, the cut falls on the cap itself.
        let text = "talks ".repeat(450);
        let tokens = tokenize(&text);
        let lengths: Vec<usize> = split_sentences(&text, &tokens)
            .iter()
            .map(|r| r.len())
            .collect();
        assert_eq!(lengths, [200, 200, 50]);
    }

    #[test]
    fn ends_after_terminal_punctuation_and_closing_quotes() {
        assert_eq!(
            sentences("“We will not talk.” She left. “Will you?” he asked. Fine!"),
            [
                "“We will not talk.”",
                "She left.",
                "“Will you?” he asked.",
                "Fine!"
            ]
        );
    }

    #[test]
    fn a_straight_quote_spaced_off_the_full_stop_opens_the_next_sentence() {
        assert_eq!(
            sentences(
                r#"It was late, he said. "Had it happened earlier ..." And "Yes." She left."#
            ),
            [
                "It was late, he said.",
                r#""Had it happened earlier ...""#,
                r#"And "Yes.""#,
                "She left."
            ]
        );
    }

    #[test]
    fn titles_never_end_a_sentence_but_initialisms_may() {
        assert_eq!(
            sentences("Gen. Drost met Mr. Ashby. They spoke."),
            ["Gen. Drost met Mr. Ashby.", "They spoke."]
        );
        assert_eq!(
            sentences("He flew to the U.S. The talks began. U.S. Ambassador Lund agreed."),
            [
                "He flew to the U.S.",
                "The talks began.",
                "U.S. Ambassador Lund agreed."
            ]
        );
    }

    #[test]
    fn headlines_datelines_and_paragraphs_end_at_line_breaks() {
        let text = "Island talks collapse\nMARROWICK, March 4\n\nThe talks ended without a date\nfor a second round. Envoys left.";
        assert_eq!(
            sentences(text),
            [
                "Island talks collapse",
                "MARROWICK, March 4",
                "The talks ended without a date\nfor a second round.",
                "Envoys left."
            ]
        );
    }

    #[test]
    fn a_headline_run_into_its_dateline_ends_before_the_weekday() {
        assert_eq!(
            sentences("Island talks collapse Tuesday, March 3, 2026 The talks ended."),
            [
                "Island talks collapse",
                "Tuesday, March 3, 2026 The talks ended."
            ]
        );
        assert_eq!(
            sentences("The talks ended on Tuesday, March 3, 2026 in Marrowick."),
            ["The talks ended on Tuesday, March 3, 2026 in Marrowick."]
        );
    }

    #[test]
    fn list_items_are_sentences() {
        assert_eq!(
            sentences("Demands:\n- a ceasefire\n- observers"),
            ["Demands:", "- a ceasefire", "- observers"]
        );
    }

    #[test]
    fn every_token_is_in_exactly_one_sentence() {
        let text = "a. b? “c!” (d.) e... F\n\nG. H";
        let tokens = tokenize(text);
        let ranges = split_sentences(text, &tokens);
        let mut next = 0;
        for r in ranges {
            assert_eq!(r.start, next);
            assert!(r.start < r.end);
            next = r.end;
        }
        assert_eq!(next, tokens.len());
    }
}
