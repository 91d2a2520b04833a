//! Tokens in the UD English (EWT) convention.

use crate::ByteSpan;

/// Splits `text` into tokens. See the crate docs for the conventions.
pub fn tokenize(text: &str) -> Vec<ByteSpan> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                split_chunk(text, s, i, &mut out);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        split_chunk(text, s, text.len(), &mut out);
    }
    out
}

/// Characters that are a token of their own when they open a chunk.
const OPENERS: &[char] = &[
    '"', '“', '‘', '\'', '(', '[', '{', '«', '<', '„', '¿', '¡', '*',
];
/// Characters that are a token of their own when they close a chunk.
const CLOSERS: &[char] = &[
    '"', '”', '’', '\'', ')', ']', '}', '»', '>', ',', ';', ':', '!', '?', '*',
];

/// Emoticons are one token, whatever punctuation they are made of.
const EMOTICONS: &[&str] = &[
    ":)", ":(", ":-)", ":-(", ";)", ";-)", ":D", ":-D", ":P", ":p", ":/", ":-/", "<3", ":o", ":O",
];

/// Splits one whitespace-free chunk `text[start..end]`.
fn split_chunk(text: &str, mut start: usize, mut end: usize, out: &mut Vec<ByteSpan>) {
    let chunk = &text[start..end];
    let first = chunk.chars().next().unwrap_or(' ');
    // Emoticons, and rules made of one repeated mark (`***`, `----`), are one token.
    if EMOTICONS.contains(&chunk) || (!first.is_alphanumeric() && chunk.chars().all(|c| c == first))
    {
        out.push(ByteSpan::new(start, end));
        return;
    }
    // Leading punctuation, one token each ('90s keeps its apostrophe).
    loop {
        let core = &text[start..end];
        let Some(c) = core.chars().next() else { return };
        let is_year_apostrophe = matches!(c, '\'' | '’')
            && core[c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit());
        if OPENERS.contains(&c) && core.len() > c.len_utf8() && !is_year_apostrophe {
            // A run of the same mark (`<<`, `**`) is one token.
            let run = core.len() - core.trim_start_matches(c).len();
            out.push(ByteSpan::new(start, start + run));
            start += run;
        } else if let Some(dash) = leading_dash(core) {
            out.push(ByteSpan::new(start, start + dash));
            start += dash;
        } else {
            break;
        }
    }
    // Trailing punctuation, collected in reverse and emitted after the core.
    let mut trailing = Vec::new();
    loop {
        let core = &text[start..end];
        if core.is_empty() {
            break;
        }
        let last = core.chars().next_back().unwrap_or(' ');
        // Runs of terminal marks (`!!`, `?!`, `..`, `...`) and of one closer (`>>`,
        // `**`) are one token.
        let terminal_run = core.len() - core.trim_end_matches(['!', '?']).len();
        let dot_run = core.len() - core.trim_end_matches('.').len();
        let same_run = || core.len() - core.trim_end_matches(last).len();
        let cut = if terminal_run > 0 && terminal_run < core.len() {
            Some(terminal_run)
        } else if dot_run >= 2 && dot_run < core.len() {
            Some(dot_run)
        } else if last == '…' && core.len() > last.len_utf8() {
            Some(last.len_utf8())
        } else if CLOSERS.contains(&last) && core.len() > last.len_utf8() {
            Some(
                if matches!(last, '>' | '*' | ')') && same_run() < core.len() {
                    same_run()
                } else {
                    last.len_utf8()
                },
            )
        } else if last == '.' && core.len() > 1 && dot_run < core.len() && !is_abbreviation(core) {
            Some(1)
        } else {
            None
        };
        match cut {
            Some(n) => {
                trailing.push(ByteSpan::new(end - n, end));
                end -= n;
            }
            None => break,
        }
    }
    split_core(text, start, end, out);
    out.extend(trailing.into_iter().rev());
}

/// A dash (`--`, `—`, `–`) that opens a chunk longer than itself.
fn leading_dash(core: &str) -> Option<usize> {
    ["--", "—", "–"]
        .iter()
        .find(|d| core.starts_with(**d) && core.len() > d.len())
        .map(|d| d.len())
}

/// Splits the core of a chunk (its outer punctuation already removed).
fn split_core(text: &str, mut start: usize, mut end: usize, out: &mut Vec<ByteSpan>) {
    // A loop, not recursion over separators: a chunk of a million hyphenated parts
    // must neither overflow the stack nor be rescanned from its start at every part.
    let mut percent = None;
    while start < end {
        let core = &text[start..end];
        if is_atomic(core) {
            out.push(ByteSpan::new(start, end));
            break;
        }
        // Currency before a number, percent after: "$50" → $ 50, "5%" → 5 %.
        if let Some(c) = core.chars().next()
            && matches!(c, '$' | '£' | '€' | '¥' | '#')
            && core.len() > c.len_utf8()
            && core[c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit())
        {
            out.push(ByteSpan::new(start, start + c.len_utf8()));
            start += c.len_utf8();
            continue;
        }
        if percent.is_none() && core.len() > 1 && core.ends_with('%') {
            percent = Some(ByteSpan::new(end - 1, end));
            end -= 1;
            continue;
        }
        // Inner separators: dashes always, slashes and hyphens between letters. The
        // part before the first separator has none, so its own split is shallow.
        if let Some((at, len)) = inner_split(core) {
            split_word(text, start, start + at, out);
            out.push(ByteSpan::new(start + at, start + at + len));
            start += at + len;
            continue;
        }
        split_word(text, start, end, out);
        break;
    }
    out.extend(percent);
}

/// A separator-free part: a word, perhaps with a clitic (`do|n't`).
fn split_word(text: &str, start: usize, end: usize, out: &mut Vec<ByteSpan>) {
    if start >= end {
        return;
    }
    match clitic_split(&text[start..end]) {
        Some(at) => {
            out.push(ByteSpan::new(start, start + at));
            out.push(ByteSpan::new(start + at, end));
        }
        None => out.push(ByteSpan::new(start, end)),
    }
}

/// URLs, e-mail addresses, hashtags, @handles and numbers stay one token.
fn is_atomic(core: &str) -> bool {
    // Only the head of the text is examined for URL and e-mail shapes, so the check
    // costs the same on a 30 MB chunk as on a word.
    let head: String = core
        .chars()
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with("http://") || head.starts_with("https://") || head.starts_with("www.") {
        return true;
    }
    let at = core
        .char_indices()
        .take(100)
        .find(|&(_, c)| c == '@')
        .map(|(i, _)| i);
    if let Some(at) = at {
        let domain = &core[at + 1..];
        if at > 0 && domain.contains('.') && !domain.ends_with('.') {
            return true;
        }
        if at == 0 && core.len() > 1 {
            return core[1..].chars().all(|c| c.is_alphanumeric() || c == '_');
        }
    }
    if core.starts_with('#')
        && core.len() > 1
        && core[1..].chars().all(|c| c.is_alphanumeric() || c == '_')
    {
        return core[1..].chars().any(char::is_alphabetic);
    }
    // Numbers with grouping, decimals, times, dates and phone numbers: 1,000.50,
    // 3:30, 10/13/2022, 713-853-3989.
    core.starts_with(|c: char| c.is_ascii_digit())
        && core.ends_with(|c: char| c.is_ascii_digit())
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | ':' | '/' | '-'))
}

/// Prefixes that UD EWT keeps attached to the word after their hyphen.
const HYPHEN_PREFIXES: &[&str] = &[
    "e", "anti", "non", "pre", "co", "post", "mid", "multi", "pro", "semi", "ex",
];

/// The first inner separator of `core` to split on: `(byte offset, length)`.
fn inner_split(core: &str) -> Option<(usize, usize)> {
    let mut before: Option<char> = None;
    let mut chars = core.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let after = chars.peek().map(|&(_, a)| a);
        let first = i == 0;
        match c {
            '—' | '–' | '…' if !first => return Some((i, c.len_utf8())),
            '.' if !first
                && core[i..].starts_with("..")
                && before.is_some_and(char::is_alphanumeric) =>
            {
                let run = core[i..].len() - core[i..].trim_start_matches('.').len();
                return Some((i, run));
            }
            '-' if after == Some('-') && !first => {
                let run = core[i..].len() - core[i..].trim_start_matches('-').len();
                return Some((i, run));
            }
            '/' | '-'
                if before.is_some_and(char::is_alphabetic)
                    && after.is_some_and(char::is_alphanumeric) =>
            {
                let exempt = c == '-'
                    && HYPHEN_PREFIXES
                        .iter()
                        .any(|p| core[..i].eq_ignore_ascii_case(p));
                if !exempt {
                    return Some((i, 1));
                }
            }
            _ => {}
        }
        before = Some(c);
    }
    None
}

/// Where a clitic starts: `do|n't`, `ca|n't`, `Elena|'s`, `they|'re`, `can|not`,
/// `gon|na`.
fn clitic_split(core: &str) -> Option<usize> {
    let lower = core.to_lowercase();
    for suffix in ["n't", "n’t"] {
        if lower.ends_with(suffix) && core.len() > suffix.len() {
            return Some(core.len() - suffix.len());
        }
    }
    for suffix in [
        "'s", "’s", "'re", "’re", "'ve", "’ve", "'ll", "’ll", "'m", "’m", "'d", "’d",
    ] {
        if lower.ends_with(suffix) && core.len() > suffix.len() {
            let stem = &core[..core.len() - suffix.len()];
            if stem.chars().next_back().is_some_and(char::is_alphanumeric) {
                return Some(stem.len());
            }
        }
    }
    match lower.as_str() {
        "cannot" => Some(3),
        "gonna" | "wanna" | "gotta" => Some(3),
        _ => None,
    }
}

/// Titles, month names and other words written with a full stop that belongs to them.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt",
    "cmdr", "adm", "maj", "st", "jr", "sr", "inc", "ltd", "co", "corp", "bros", "vs", "etc", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "nos",
    "mt", "ft", "rev", "hon", "pres", "dept", "univ", "approx", "est", "fig", "vol", "pp", "al",
    "cf", "ave", "blvd", "rd",
];

/// `Mr.`, `Jan.`, `U.S.`, `a.m.`, `e.g.`, `J.` — the full stop is part of the token.
fn is_abbreviation(core: &str) -> bool {
    let Some(word) = core.strip_suffix('.') else {
        return false;
    };
    if word.is_empty() {
        return false;
    }
    if ABBREVIATIONS.iter().any(|a| word.eq_ignore_ascii_case(a)) {
        return true;
    }
    // Single letters and dotted initialisms: J. / U.S. / a.m. / e.g.
    word.split('.')
        .all(|part| part.chars().count() == 1 && part.chars().all(char::is_alphabetic))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|s| s.of(text)).collect()
    }

    #[test]
    fn splits_punctuation_and_keeps_abbreviations() {
        assert_eq!(
            words("Mr. Vasko met U.S. envoys in Jan. and left."),
            [
                "Mr.", "Vasko", "met", "U.S.", "envoys", "in", "Jan.", "and", "left", "."
            ]
        );
        assert_eq!(
            words("(see p. 4), he said."),
            ["(", "see", "p.", "4", ")", ",", "he", "said", "."]
        );
    }

    #[test]
    fn splits_clitics_like_ud() {
        assert_eq!(
            words("Don't say Marsk's plan can't work"),
            [
                "Do", "n't", "say", "Marsk", "'s", "plan", "ca", "n't", "work"
            ]
        );
        assert_eq!(
            words("They’re sure we cannot wait"),
            ["They", "’re", "sure", "we", "can", "not", "wait"]
        );
    }

    #[test]
    fn quotes_and_dashes_are_their_own_tokens() {
        assert_eq!(
            words("“We will not talk,” she said—firmly... Really?"),
            [
                "“", "We", "will", "not", "talk", ",", "”", "she", "said", "—", "firmly", "...",
                "Really", "?"
            ]
        );
    }

    #[test]
    fn an_elision_in_brackets_keeps_its_dots_together() {
        assert_eq!(
            words("already [...] including (...)."),
            [
                "already",
                "[",
                "...",
                "]",
                "including",
                "(",
                "...",
                ")",
                "."
            ]
        );
    }

    #[test]
    fn keeps_numbers_urls_emails_and_hashtags_whole() {
        assert_eq!(
            words(
                "Pay $1,000.50 (5%) by 10/13/2031 at https://example.org/a?b=c, mail ed@example.org #Talks2031."
            ),
            [
                "Pay",
                "$",
                "1,000.50",
                "(",
                "5",
                "%",
                ")",
                "by",
                "10/13/2031",
                "at",
                "https://example.org/a?b=c",
                ",",
                "mail",
                "ed@example.org",
                "#Talks2031",
                "."
            ]
        );
    }

    #[test]
    fn hyphens_split_except_after_prefixes() {
        assert_eq!(
            words("a long-term, non-binding e-mail"),
            ["a", "long", "-", "term", ",", "non-binding", "e-mail"]
        );
        assert_eq!(words("call 713-853-3989"), ["call", "713-853-3989"]);
    }

    #[test]
    fn long_chunks_neither_overflow_nor_rescan() {
        // Separators by the hundred thousand in one whitespace-free chunk: recursion
        // per separator overflowed the stack, rescanning per separator was quadratic.
        for chunk in [
            "a-b".repeat(100_000),
            "x/".repeat(100_000) + "y",
            "z".to_string() + &",".repeat(200_000),
        ] {
            let tokens = tokenize(&chunk);
            assert!(tokens.len() > 100_000);
            assert_eq!(tokens.last().map(|t| t.end), Some(chunk.len()));
        }
    }

    #[test]
    fn tokens_never_overlap_or_hold_whitespace() {
        let text = "  “Quoted—text…” (and) more.\n\nNext line ’s";
        let tokens = tokenize(text);
        for pair in tokens.windows(2) {
            assert!(pair[0].end <= pair[1].start);
        }
        for t in &tokens {
            assert!(
                t.start < t.end && !t.of(text).contains(char::is_whitespace),
                "{t:?}"
            );
        }
    }
}
