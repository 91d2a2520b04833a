//! Publication dates from the many ways inputs write them.

use dateline_core::Date;
use jiff::fmt::temporal::Pieces;

/// Parses an ISO 8601 date or date-time, or an RFC 2822 date-time (feeds, mail
/// headers), into the publisher's calendar date.
///
/// A date-time keeps the date *as written in its own offset*: an article stamped
/// `2031-03-05T00:30:00+03:00` was published on 5 March where it was written, and
/// its "yesterday" means 4 March, whatever the UTC date.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(pieces) = Pieces::parse(text) {
        return Some(pieces.date());
    }
    // A space instead of `T` ("2031-03-05 14:20:00") is common in CSV exports.
    if let Some((day, _)) = text.split_once(' ')
        && let Ok(date) = day.parse::<Date>()
    {
        return Some(date);
    }
    if let Ok(zoned) = jiff::fmt::rfc2822::parse(text) {
        return Some(zoned.date());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn reads_iso_dates_and_date_times_in_their_own_offset() {
        assert_eq!(parse_date("2031-03-05"), Some(date(2031, 3, 5)));
        assert_eq!(
            parse_date("2031-03-05T00:30:00+03:00"),
            Some(date(2031, 3, 5))
        );
        assert_eq!(parse_date("2031-03-05T23:59:59Z"), Some(date(2031, 3, 5)));
        assert_eq!(parse_date("2031-03-05 14:20:00"), Some(date(2031, 3, 5)));
    }

    #[test]
    fn reads_rfc_2822_feed_dates() {
        assert_eq!(
            parse_date("Wed, 05 Mar 2031 09:00:00 +0000"),
            Some(date(2031, 3, 5))
        );
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for text in ["", "yesterday", "2031-13-01", "05/03/2031"] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }
}
