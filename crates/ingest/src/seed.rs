//! The `seed` format: ` date 2031-03-04 Headline` then the text, one article a file.

use std::path::Path;

use crate::{Draft, Location, RecordError, parse_date};

/// Parses a seed file. The rest of the date line, or else the first line, is the
/// headline when a blank line follows it and it is short; otherwise everything after
/// the date is text.
pub fn parse_seed(path: &Path, text: &str) -> Result<Draft, RecordError> {
    let (date_text, rest) = split_header(text).ok_or_else(|| {
        RecordError::new(
            path,
            Location::Line(1),
            "not a seed file: the first word must be `date` followed by an ISO date",
        )
    })?;
    let date = parse_date(date_text).ok_or_else(|| {
        RecordError::new(
            path,
            Location::Line(1),
            format!("unparseable date {date_text:?}"),
        )
    })?;
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = rest
        .strip_prefix('\n')
        .map_or(rest, |r| r.trim_start_matches('\n'));
    let (title, body) = match rest.split_once('\n') {
        Some((first, body))
            if body.trim_start_matches([' ', '\t', '\r']).starts_with('\n')
                && first.split_whitespace().count() <= 30 =>
        {
            (Some(first.trim().to_string()), body)
        }
        _ => (None, rest),
    };
    Ok(Draft {
        date: Some(date),
        title: title.filter(|t| !t.is_empty()),
        text: body.to_string(),
        ..Draft::default()
    })
}

/// Splits ` date D rest...` into `(D, rest)`.
fn split_header(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start_matches('\u{FEFF}').trim_start();
    let after = text.strip_prefix("date")?;
    if !after.starts_with([' ', '\t']) {
        return None;
    }
    let after = after.trim_start_matches([' ', '\t']);
    let end = after.find(char::is_whitespace).unwrap_or(after.len());
    let date = &after[..end];
    // Only the shape is checked here; parse_seed reports a bad date with its line.
    let shaped = date.len() >= 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-';
    shaped.then(|| (date, &after[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_on_the_date_line_becomes_the_title() {
        let text = " date 2031-03-06 Island talks collapse\n\nThe talks ended.\nNo date was set.\n";
        let draft = parse_seed(Path::new("a.txt"), text).unwrap();
        assert_eq!(draft.title.as_deref(), Some("Island talks collapse"));
        assert_eq!(draft.date, Some(jiff::civil::date(2031, 3, 6)));
        assert_eq!(draft.text.trim(), "The talks ended.\nNo date was set.");
    }

    #[test]
    fn headline_on_its_own_line_after_the_date() {
        let text = "date 2031-03-06\nIsland talks collapse\n\nThe talks ended.";
        let draft = parse_seed(Path::new("a.txt"), text).unwrap();
        assert_eq!(draft.title.as_deref(), Some("Island talks collapse"));
        assert_eq!(draft.text.trim(), "The talks ended.");
    }

    #[test]
    fn text_without_headline_is_all_body() {
        let draft = parse_seed(Path::new("a.txt"), "date 2031-03-06 The talks ended.").unwrap();
        assert_eq!(draft.title, None);
        assert_eq!(draft.text.trim(), "The talks ended.");
    }

    #[test]
    fn bad_dates_and_other_text_files_are_refused_with_line_one() {
        let err = parse_seed(Path::new("a.txt"), "date 2031-02-30 Text").unwrap_err();
        assert_eq!(err.location, Location::Line(1));
        assert!(err.message.contains("2031-02-30"));
        assert!(parse_seed(Path::new("a.txt"), "Dear diary").is_err());
        assert!(parse_seed(Path::new("a.txt"), "dated 2031-01-01 Text").is_err());
    }
}
