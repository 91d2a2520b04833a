//! Interview transcripts: question, answer, question, answer. In a piece that says
//! it is an interview and names one person in its opening paragraph, each paragraph
//! after a question (a paragraph ending in "?") up to the next question is that
//! person's answer: a direct statement without quotation marks and without a cue.

use std::ops::Range;

use dateline_core::Mention;

/// Fewest questions that make a transcript (one "?" paragraph is just a question).
const MIN_QUESTIONS: usize = 2;

/// The answer paragraphs (byte ranges) of a transcript, and the mention that names
/// the interviewee; nothing when the text is not one.
pub fn answers<'m>(
    text: &str,
    byte_of_char: impl Fn(usize) -> Option<usize>,
    mentions: &'m [Mention],
) -> Option<(Vec<Range<usize>>, &'m Mention)> {
    let paragraphs = paragraphs(text);
    let opening = paragraphs.first()?.clone();
    if !text[opening.clone()].to_lowercase().contains("interview") {
        return None;
    }
    // The one person the opening names.
    let mut people = mentions.iter().filter(|m| {
        m.label == "PER"
            && m.actor_id.is_some()
            && m.resolved_from.is_none()
            && byte_of_char(m.span.start).is_some_and(|b| opening.contains(&b))
    });
    let interviewee = people.next()?;
    if people.any(|m| m.actor_id != interviewee.actor_id) {
        return None;
    }
    let is_question = |p: &Range<usize>| text[p.clone()].trim_end().ends_with('?');
    if paragraphs.iter().filter(|p| is_question(p)).count() < MIN_QUESTIONS {
        return None;
    }
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
