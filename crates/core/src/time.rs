//! Relative time words resolved against an article's date: the rules behind
//! `Statement::said_on` (and, later, `Event::event_date`).
//!
//! An expression arrives as the head word of a phrase and the words that depend on
//! it in the parse ("last" → "week"; "3" → "March"), lower-cased, so the extractor
//! decides which phrase belongs to which verb and this module only does calendar
//! arithmetic. The rules, as the contract asks ("this week" as a range start):
//!
//! | text | day |
//! |---|---|
//! | today, tonight, this morning … | the article's date |
//! | yesterday, last night | the day before |
//! | Wednesday evening (morning, night …) | as Wednesday |
//! | tomorrow | the day after |
//! | (on) Tuesday, last Tuesday | the latest Tuesday on or before the article's date (the date itself when it is a Tuesday, unless "last") |
//! | next Tuesday | the first Tuesday after it |
//! | this / earlier this week | Monday of the article's week |
//! | last week · next week | Monday of the week before · after |
//! | this / last / next month | the 1st of that month |
//! | this / last / next year | 1 January of that year |
//! | March 3 (3 March) | that day in the year, of the nearest such date, that is closest to the article's date (within six months) |
//! | March 3, 2031 | that day |
//!
//! Anything else is `None`: an unknown phrase never moves a date.

use jiff::civil::Weekday;

use crate::{Date, Document};

/// The day that `head` (with its `dependents`) names, for an article of `article`.
pub fn day_named(head: &str, dependents: &[&str], article: Date) -> Option<Date> {
    let has = |word: &str| dependents.contains(&word);
    let days = |n: i64| article.checked_add(jiff::Span::new().days(n)).ok();
    match head {
        "today" | "tonight" => return Some(article),
        "yesterday" => return days(-1),
        "tomorrow" => return days(1),
        "night" if has("last") => return days(-1),
        "morning" | "afternoon" | "evening" | "night" => {
            if has("this") {
                return Some(article);
            }
            // "Wednesday evening" is Wednesday's.
            return dependents
                .iter()
                .find_map(|d| weekday(d).map(|_| day_named(d, &[], article)))
                .flatten();
        }
        _ => {}
    }
    if let Some(day) = weekday(head) {
        let back = i64::from(
            (article.weekday().to_monday_zero_offset() - day.to_monday_zero_offset()).rem_euclid(7),
        );
        return if has("next") {
            days(7 - back)
        } else if has("last") && back == 0 {
            days(-7)
        } else {
            days(-back)
        };
    }
    let shift = if has("last") {
        -1
    } else if has("next") {
        1
    } else if has("this") {
        0
    } else {
        return month_day(head, dependents, article);
    };
    match head {
        "week" => {
            let monday = i64::from(article.weekday().to_monday_zero_offset());
            days(7 * shift - monday)
        }
        "month" => article
            .first_of_month()
            .checked_add(jiff::Span::new().months(shift))
            .ok(),
        "year" => Date::new(article.year().checked_add(shift as i16)?, 1, 1).ok(),
        _ => None,
    }
}

/// The day a verb's own time phrase names ("said on Tuesday", "met last week",
/// "said in an interview on Wednesday evening"), searched two levels under the verb;
/// a participial or coordinated verb (", telling parliament") also looks at the verb
/// it hangs on. Never inside what was said or who said it (clausal complements,
/// subjects, other clauses), nor in tokens `skip` rejects (quotes).
pub fn day_of_verb(
    document: &Document,
    children: &[Vec<usize>],
    verb: usize,
    skip: impl Fn(usize) -> bool,
) -> Option<Date> {
    let tokens = &document.tokens;
    let text = document.text();
    let lower = |i: usize| text[tokens[i].start..tokens[i].end].to_lowercase();
    let mut verbs = vec![verb];
    if let Some(head) = tokens[verb].head
        && matches!(tokens[verb].deprel.as_str(), "advcl" | "xcomp" | "conj")
    {
        verbs.push(head);
    }
    let mut frontier: Vec<(usize, u8)> = verbs.iter().map(|&v| (v, 0)).collect();
    while let Some((node, depth)) = frontier.pop() {
        for &child in &children[node] {
            let relation = tokens[child].deprel.as_str();
            if matches!(relation, "ccomp" | "parataxis" | "advcl" | "acl" | "conj")
                || relation.starts_with("nsubj")
                || relation.starts_with("csubj")
                || skip(child)
            {
                continue;
            }
            let dependents: Vec<String> = children[child].iter().map(|&d| lower(d)).collect();
            let dependents: Vec<&str> = dependents.iter().map(String::as_str).collect();
            if let Some(day) = day_named(&lower(child), &dependents, document.article.date) {
                return Some(day);
            }
            if depth < 2 {
                frontier.push((child, depth + 1));
            }
        }
    }
    None
}

/// "March 3", "3 March", "March 3, 2031".
fn month_day(head: &str, dependents: &[&str], article: Date) -> Option<Date> {
    let month = month(head)?;
    let mut day = None;
    let mut year = None;
    for word in dependents {
        let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        match digits.parse::<i16>() {
            Ok(n @ 1..=31) if digits.len() <= 2 => day = Some(n as i8),
            Ok(n @ 1000..=9999) if digits.len() == 4 => year = Some(n),
            _ => {}
        }
    }
    let day = day?;
    if let Some(year) = year {
        return Date::new(year, month, day).ok();
    }
    // The nearest of last year's, this year's and next year's dates.
    let distance = |d: &Date| {
        d.since(article)
            .map_or(i32::MAX, |span| span.get_days().abs())
    };
    (-1..=1)
        .filter_map(|offset| Date::new(article.year() + offset, month, day).ok())
        .min_by_key(distance)
        .filter(|d| distance(d) <= 183)
}

/// The weekday a lower-case word names.
pub fn weekday(word: &str) -> Option<Weekday> {
    Some(match word {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

/// The month (1–12) a lower-case word or abbreviation names.
pub fn month(word: &str) -> Option<i8> {
    let number = match word.trim_end_matches('.') {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    };
    Some(number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    // 2031-03-06 is a Thursday.
    const THURSDAY: Date = date(2031, 3, 6);

    #[test]
    fn weekdays_look_back_to_the_latest_one() {
        assert_eq!(day_named("tuesday", &[], THURSDAY), Some(date(2031, 3, 4)));
        assert_eq!(day_named("thursday", &[], THURSDAY), Some(THURSDAY));
        assert_eq!(
            day_named("thursday", &["last"], THURSDAY),
            Some(date(2031, 2, 27))
        );
        assert_eq!(day_named("friday", &[], THURSDAY), Some(date(2031, 2, 28)));
        assert_eq!(
            day_named("friday", &["next"], THURSDAY),
            Some(date(2031, 3, 7))
        );
    }

    #[test]
    fn weeks_months_and_years_start_their_range() {
        assert_eq!(
            day_named("week", &["this", "earlier"], THURSDAY),
            Some(date(2031, 3, 3))
        );
        assert_eq!(
            day_named("week", &["last"], THURSDAY),
            Some(date(2031, 2, 24))
        );
        assert_eq!(
            day_named("month", &["last"], THURSDAY),
            Some(date(2031, 2, 1))
        );
        assert_eq!(
            day_named("year", &["last"], THURSDAY),
            Some(date(2030, 1, 1))
        );
        assert_eq!(day_named("week", &[], THURSDAY), None);
    }

    #[test]
    fn days_around_the_article() {
        assert_eq!(
            day_named("yesterday", &[], THURSDAY),
            Some(date(2031, 3, 5))
        );
        assert_eq!(
            day_named("night", &["last"], THURSDAY),
            Some(date(2031, 3, 5))
        );
        assert_eq!(day_named("night", &[], THURSDAY), None);
        assert_eq!(
            day_named("evening", &["wednesday"], THURSDAY),
            Some(date(2031, 3, 5))
        );
    }

    #[test]
    fn month_and_day_take_the_nearest_year() {
        assert_eq!(day_named("march", &["3"], THURSDAY), Some(date(2031, 3, 3)));
        assert_eq!(
            day_named("december", &["30th"], THURSDAY),
            Some(date(2030, 12, 30))
        );
        assert_eq!(
            day_named("march", &["3", "2029"], THURSDAY),
            Some(date(2029, 3, 3))
        );
        assert_eq!(day_named("march", &[], THURSDAY), None);
        assert_eq!(day_named("february", &["30"], THURSDAY), None);
    }
}
