//! Stored text on a terminal: what the human-readable listings print passes through
//! [`shown`], so an article's title or a quote cannot carry escape sequences (screen
//! clearing, clipboard writes, fake prompts) to the person reading. `--json` output
//! needs no such care: JSON escapes control characters.

use std::borrow::Cow;

/// `text` with control characters (C0 but tab and newline, DEL, C1) and the
/// bidirectional overrides that can reorder what is displayed replaced by `�`.
pub fn shown(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if unsafe_char(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// At most `width` characters of [`shown`] text, with `…` where it was cut.
pub fn truncate(text: &str, width: usize) -> String {
    let text = shown(text);
    if text.chars().count() <= width {
        text.into_owned()
    } else {
        let cut: String = text.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_overrides_do_not_reach_the_terminal() {
        let title = "Talks\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J resume \u{9b}31m \u{202e}txet";
        let safe = shown(title);
        assert!(
            !safe.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{safe}"
        );
        assert!(safe.starts_with("Talks\u{FFFD}]52;c;"));
        assert!(matches!(shown("plain\ttext\n"), Cow::Borrowed(_)));
        assert_eq!(truncate("ab\u{1b}cdef", 4), "ab\u{FFFD}…");
    }
}
