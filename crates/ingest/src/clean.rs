//! Text cleaning shared by every format: whitespace normalisation and boilerplate.
//!
//! The stored text keeps the article's line and paragraph structure (a later sentence
//! splitter relies on it) but nothing a reader would skip: advertisement markers,
//! "Also Read" teasers, share and subscribe prompts, and lines that are only a byline.
//! Rules work on whole lines, so they can never cut a sentence in half.

/// Cleans `raw`: normalises newlines and spaces, drops boilerplate lines, and keeps at
/// most one blank line between paragraphs. The result has no leading or trailing
/// whitespace.
pub fn clean_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut blank_pending = false;
    for line in raw.split('\n') {
        let line = collapse_spaces(line);
        if line.is_empty() {
            blank_pending = !out.is_empty();
            continue;
        }
        if is_boilerplate(&line) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_pending { "\n\n" } else { "\n" });
        }
        blank_pending = false;
        out.push_str(&line);
    }
    out
}

/// Trims a line and collapses runs of spaces, tabs and invisible spaces to one space.
fn collapse_spaces(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for word in line
        .split(|c: char| c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Lines that are whole boilerplate, compared case-insensitively.
const BOILERPLATE_LINES: &[&str] = &[
    "advertisement",
    "advertisements",
    "advert",
    "ad",
    "sponsored",
    "sponsored content",
    "skip advertisement",
    "story continues below advertisement",
    "article continues below advertisement",
    "continue reading",
    "continue reading below",
    "scroll to continue with content",
    "share",
    "share this",
    "share this article",
    "share this story",
    "tweet",
    "print",
    "email",
    "comments",
];

/// Openings of teasers for other stories; they count only when a separator or the
/// end of the line follows ("Also Read: …", "READ MORE | …").
const TEASER_PREFIXES: &[&str] = &[
    "also read",
    "read also",
    "read more",
    "more on this story",
    "related",
    "related stories",
    "related articles",
    "recommended",
    "see also",
    "watch",
    "watch video",
];

/// Teaser openings that may run straight into the other story's headline.
const HEADLINE_TEASER_PREFIXES: &[&str] = &[
    "also read",
    "read also",
    "read more",
    "more on this story",
    "related",
    "see also",
];

/// Openings of prompts to the reader.
const PROMPT_PREFIXES: &[&str] = &[
    "click here",
    "subscribe to",
    "subscribe now",
    "subscribe for",
    "sign up for our",
    "sign up to our",
    "sign up to receive",
    "follow us on",
    "share this article",
    "share on facebook",
    "share on twitter",
    "share on x",
    "get our newsletter",
    "download our app",
    "get the app",
];

/// Whether a (collapsed, non-empty) line is boilerplate.
pub fn is_boilerplate(line: &str) -> bool {
    let lower = line.to_lowercase();
    let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
    if BOILERPLATE_LINES.contains(&bare) {
        return true;
    }
    // Teasers and prompts are short; a long line that happens to start the same way
    // ("Read more closely, the statement ...") is reporting.
    if line.chars().count() > 160 {
        return false;
    }
    let teaser = TEASER_PREFIXES.iter().any(|p| {
        lower.starts_with(p)
            && lower[p.len()..]
                .trim_start()
                .chars()
                .next()
                .is_none_or(|c| matches!(c, ':' | '|' | '-' | '–' | '—' | '»' | '>' | '/'))
    });
    // "Also Read More airstrikes reported in the west": a headline run straight on,
    // capitalised and with no full stop, where a sentence would go on in lower case
    // or end with one.
    let headline_teaser = HEADLINE_TEASER_PREFIXES.iter().any(|p| {
        lower.starts_with(p)
            && line[p.len()..].starts_with(' ')
            && line[p.len()..]
                .trim_start()
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
            && !line
                .trim_end()
                .ends_with(['.', '!', '?', '"', '\u{201d}', '\''])
    });
    let prompt = PROMPT_PREFIXES.iter().any(|p| {
        bare.starts_with(p)
            && bare[p.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    });
    teaser || headline_teaser || prompt || is_byline(line)
}

/// "By Mira Castellane", "By A. Lund and B. Okafor", "By Jane Roe, Staff Reporter": the
/// word "By" followed only by capitalised name words and joiners, with no full stop at
/// the end. "By Tuesday the troops had left." has lower-case words and is kept.
fn is_byline(line: &str) -> bool {
    let Some(rest) = line
        .strip_prefix("By ")
        .or_else(|| line.strip_prefix("BY "))
    else {
        return false;
    };
    if rest.ends_with('.') && !rest.ends_with(" Jr.") || rest.chars().count() > 80 {
        return false;
    }
    let words: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    (1..=8).contains(&words.len())
        && words.iter().all(|w| {
            matches!(*w, "and" | "&" | "in" | "for" | "|")
                || w.chars().next().is_some_and(char::is_uppercase)
        })
        && words
            .iter()
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count()
            >= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_advertisement_teaser_prompt_and_byline_lines() {
        let raw = "By Mira Castellane\n\nThe envoy arrived on Monday.\nAdvertisement\n\
            Also Read: Harbour fees rise again\n\n\nShe said talks would resume.\n\
            Also Read More drones sighted over the northern ferry lanes\n\
            Related Stories Veldora recalls its envoy\n\
            Subscribe to our newsletter for daily updates\nShare this article";
        assert_eq!(
            clean_text(raw),
            "The envoy arrived on Monday.\n\nShe said talks would resume."
        );
    }

    #[test]
    fn keeps_sentences_that_only_resemble_boilerplate() {
        for line in [
            "By Tuesday, the troops had left the island.",
            "Read more closely, the statement leaves room for talks on the island and for a wider settlement of the dispute later in the year, officials said.",
            "Advertisements for the referendum were banned.",
            "Subscribers to the state broadcaster saw the address.",
            "Related Haldish firms were fined on Monday.",
            "Also read out in the chamber was the envoy's letter",
        ] {
            assert!(!is_boilerplate(line), "{line}");
        }
    }

    #[test]
    fn recognises_bylines_with_several_authors() {
        assert!(is_byline("By Tomas Ferrane and Ilse Morrow"));
        assert!(is_byline("By Jane Roe, Staff Reporter"));
        assert!(!is_byline("By then the ministers had gone home"));
    }

    #[test]
    fn normalises_whitespace_and_paragraphs() {
        assert_eq!(clean_text("  a \t b \r\n\r\n\r\n c  "), "a b\n\nc");
        assert_eq!(clean_text("one\ntwo\n\n\nthree"), "one\ntwo\n\nthree");
        assert_eq!(clean_text(" \n\n "), "");
    }
}
