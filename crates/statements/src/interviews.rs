//! Interview transcripts: question, answer, question, answer. A piece is one when it
//! has at least two question paragraphs (ending in "?") and either says it is an
//! interview in its first paragraphs or puts at least two of its questions to
//! "you". Each paragraph after a question, up to the next question, is then the
//! interviewee's answer: a direct statement without quotation marks and without a
//! cue. The interviewee is the one person named in an opening paragraph that
//! announces the conversation ("Wikinews interviews X", "X tells Wikinews"), or, when
//! none does, the one person the introduction names (photo credits aside). Two
//! candidates, or none, and there are no statements: the speaker is never guessed.

use std::ops::Range;

use dateline_core::{Mention, MentionLabel};

/// Fewest questions that make a transcript (one "?" paragraph is just a question).
const MIN_QUESTIONS: usize = 2;

/// What precedes a photo credit's name, which is never the interviewee.
const CREDITS: [&str; 4] = ["image:", "photo:", "picture:", "credit:"];

/// How many opening paragraphs may say "interview" (a headline, a dateline, a
/// standfirst).
const OPENING: usize = 3;

/// The answer paragraphs (byte ranges) of a transcript, and the mention that first
/// names the interviewee; nothing when the text is not one.
pub fn answers<'m>(
    text: &str,
    byte_of_char: impl Fn(usize) -> Option<usize>,
    mentions: &'m [Mention],
) -> Option<(Vec<Range<usize>>, &'m Mention)> {
    let paragraphs = paragraphs(text);
    let is_question = |p: &Range<usize>| text[p.clone()].trim_end().ends_with('?');
    let questions: Vec<&Range<usize>> = paragraphs.iter().filter(|p| is_question(p)).collect();
    if questions.len() < MIN_QUESTIONS {
        return None;
    }
    let says_interview = paragraphs
        .iter()
        .take(OPENING)
        .any(|p| text[p.clone()].to_lowercase().contains("interview"));
    let addressed = questions
        .iter()
        .filter(|p| {
            text[p.start..p.end]
                .split(|c: char| !c.is_alphabetic())
                .any(|w| matches!(w, "you" | "your" | "You" | "Your"))
        })
        .count();
    if !says_interview && addressed < MIN_QUESTIONS {
        return None;
    }
    let introduction = 0..questions[0].start;
    // The people named (not referred to) in a byte range, photo credits aside.
    let named_in = |range: &Range<usize>| -> Vec<&'m Mention> {
        let mut found: Vec<&Mention> = Vec::new();
        for m in mentions {
            let Some(start) = byte_of_char(m.span.start) else {
                continue;
            };
            let credit = text[..start]
                .trim_end()
                .rsplit(['\n', '.'])
                .next()
                .is_some_and(|before| {
                    let before = before.to_lowercase();
                    CREDITS.iter().any(|c| before.ends_with(c))
                });
            if m.label == MentionLabel::Per
                && m.resolved_from.is_none()
                && range.contains(&start)
                && !credit
                && m.actor_id.is_some()
                && !found.iter().any(|f| f.actor_id == m.actor_id)
            {
                found.push(m);
            }
        }
        found
    };
    // Whom the piece says it talks to ("Wikinews interviews X", "X tells …"), or
    // else the one person its introduction names.
    let mut announced: Vec<&Mention> = Vec::new();
    for p in paragraphs.iter().take(OPENING) {
        if p.start < introduction.end && announces(&text[p.start..p.end]) {
            for m in named_in(p) {
                if !announced.iter().any(|a| a.actor_id == m.actor_id) {
                    announced.push(m);
                }
            }
        }
    }
    let candidates = if announced.is_empty() {
        named_in(&introduction)
    } else {
        announced
    };
    let [interviewee] = candidates[..] else {
        return None;
    };
    let mut out = Vec::new();
    let mut after_question = false;
    for p in paragraphs.iter().skip(1) {
        if is_question(p) {
            after_question = true;
        } else if after_question {
            out.push(p.clone());
        }
    }
    Some((out, interviewee))
}

/// Paragraphs (separated by a blank line) as trimmed byte ranges.
fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, _) in text.match_indices("\n\n") {
        push_trimmed(text, start..at, &mut out);
        start = at + 2;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let part = &text[range.clone()];
    let start = range.start + (part.len() - part.trim_start().len());
    let end = range.start + part.trim_end().len();
    if start < end {
        out.push(start..end);
    }
}

/// Whether a paragraph announces a conversation with someone it names.
fn announces(paragraph: &str) -> bool {
    let lower = paragraph.to_lowercase();
    [
        "interview",
        " tells ",
        " talks to ",
        " talks with ",
        " speaks to ",
        " speaks with ",
    ]
    .iter()
    .any(|w| lower.contains(w))
}
