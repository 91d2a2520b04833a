//! Quotation marks → quoted spans, recovering locally from odd marks.
//!
//! One pass over the text, paragraph by paragraph (a blank line ends one):
//! * `“` opens and `”` closes; a second `“` while one is open closes the first
//!   just before it (the writer forgot a mark: we lose one quote, not the article).
//! * A straight `"` opens after a space, a line start or an opening bracket and
//!   closes otherwise; single marks (`‘’'`) only nest, they never open a top-level
//!   quote, because apostrophes look the same.
//! * A quote still open at the end of a paragraph continues into the next one if
//!   that paragraph starts with an opening mark (the news convention for a quote over
//!   several paragraphs); otherwise it ends with the paragraph.
//!
//! Linear in the text, whatever the marks.

/// A quoted span: byte offsets of its content, without the marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    pub start: usize,
    pub end: usize,
    /// The quote had no closing mark in its paragraph.
    pub unclosed: bool,
}

pub fn find_quotes(text: &str) -> Vec<Quote> {
    let mut quotes: Vec<Quote> = Vec::new();
    let mut open: Option<usize> = None;
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next_start = chars.peek().map_or(text.len(), |&(i, _)| i);
        // A paragraph break: "\n" followed by optional spaces and another "\n".
        if c == '\n'
            && text[next_start..]
                .trim_start_matches([' ', '\t', '\r'])
                .starts_with('\n')
        {
            if let Some(start) = open {
                let rest = text[next_start..].trim_start();
                let continues = rest.starts_with(['“', '"']);
                if !continues {
                    push(&mut quotes, text, start, at, true);
                    open = None;
                } else {
                    // Skip the opening mark of the next paragraph: the quote goes on.
                    let skip = text.len() - rest.len();
                    while chars.peek().is_some_and(|&(i, _)| i <= skip) {
                        chars.next();
                    }
                    previous = Some(' ');
                    continue;
                }
            }
            previous = Some('\n');
            continue;
        }
        match c {
            '“' => {
                if let Some(start) = open {
                    push(&mut quotes, text, start, at, true);
                }
                open = Some(next_start);
            }
            '”' => {
                if let Some(start) = open.take() {
                    push(&mut quotes, text, start, at, false);
                }
            }
            '"' => match open {
                Some(start) => {
                    push(&mut quotes, text, start, at, false);
                    open = None;
                }
                None => {
                    let opens = previous.is_none_or(|p| p.is_whitespace() || "([{—–-/".contains(p));
                    let followed = text[next_start..]
                        .chars()
                        .next()
                        .is_some_and(|n| !n.is_whitespace());
                    if opens && followed {
                        open = Some(next_start);
                    }
                }
            },
            _ => {}
        }
        previous = Some(c);
    }
    if let Some(start) = open {
        push(&mut quotes, text, start, text.len(), true);
    }
    quotes
}

fn push(quotes: &mut Vec<Quote>, text: &str, start: usize, end: usize, unclosed: bool) {
    let content = &text[start..end];
    let trimmed_start = start + (content.len() - content.trim_start().len());
    let trimmed_end = start + content.trim_end().len();
    if trimmed_start < trimmed_end {
        quotes.push(Quote {
            start: trimmed_start,
            end: trimmed_end,
            unclosed,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn contents(text: &str) -> Vec<&str> {
        find_quotes(text)
            .iter()
            .map(|q| &text[q.start..q.end])
            .collect()
    }

    #[test]
    fn curly_straight_and_nested() {
        assert_eq!(
            contents("He said “we will ‘never’ go,” and left."),
            ["we will ‘never’ go,"]
        );
        assert_eq!(
            contents("\"No talks,\" she said. \"None.\""),
            ["No talks,", "None."]
        );
        assert_eq!(
            contents("It's the 'best' plan, he's sure."),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn a_quote_over_paragraphs_is_one_and_odd_marks_recover_locally() {
        let text =
            "“First part.\n\n“Second part,” she said.\n\nThen “a stray mark.\n\nNext “ok” here.";
        assert_eq!(
            contents(text),
            ["First part.\n\n“Second part,", "a stray mark.", "ok"]
        );
        let quotes = find_quotes(text);
        assert!(!quotes[0].unclosed && quotes[1].unclosed && !quotes[2].unclosed);
        assert_eq!(contents("“one “two” three"), ["one", "two"]);
    }

    proptest! {
        #[test]
        fn any_text_gives_ordered_in_bounds_quotes(text in "[a-z “”\"‘’'\n.,]{0,300}") {
            let quotes = find_quotes(&text);
            let mut last = 0;
            for q in &quotes {
                prop_assert!(q.start < q.end && q.end <= text.len() && q.start >= last);
                prop_assert!(text.is_char_boundary(q.start) && text.is_char_boundary(q.end));
                last = q.end;
            }
        }
    }
}
