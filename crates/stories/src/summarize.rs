//! Dated timeline summaries, extractive, in the manner of news-tls's DATEWISE
//! (Gholipour Ghalandari & Ifrim, ACL 2020): first choose the key dates, then, per
//! date, the sentences that best say what happened on it.
//!
//! * **Dates** are scored by how much the collection talks about them: articles
//!   published on the day, and sentences of other days' articles that name the day
//!   ("on Tuesday", "March 3", "yesterday", resolved against the article's date by
//!   `dateline_core::time`). A day named by later articles is one people looked back
//!   on, which is what a timeline keeps.
//! * **Sentences** of a date are those that name it, and the leading sentences of
//!   articles published on it that name no other day. They are ranked by cosine to
//!   their centroid (what most of them say), kept only if unlike those already
//!   chosen; a sentence with a query keyword comes first.
//! * Weights come from the collection itself: a summary of the articles dated up to
//!   D reads nothing dated later.

use dateline_core::Date;
use dateline_core::time::{day_named, month, weekday};
use dateline_nlp::sentences;
use dateline_text::{ByteSpan, tokenize};
use rustc_hash::FxHashMap;

use crate::terms::{DocumentFrequencies, TermWeights, Vector, dot, term_counts};

/// An article to summarise.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub date: Date,
    pub text: &'a str,
}

/// What to summarise and how much.
#[derive(Debug, Clone, Default)]
pub struct SummaryRequest {
    /// How many dates (at most).
    pub dates: usize,
    /// How many sentences per date (at most).
    pub sentences: usize,
    /// Query terms: sentences holding one rank first (lower-case matching).
    pub keywords: Vec<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// A sentence chosen for a date: which article, and where in its text (bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub article: usize,
    pub span: ByteSpan,
}

/// One date of a summary.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedSummary {
    pub date: Date,
    pub picks: Vec<Pick>,
}

/// How many leading sentences of an article can speak for its publication day.
const LEAD_SENTENCES: usize = 5;
/// Sentences shorter or longer than this (in words) are not chosen.
const MIN_WORDS: usize = 5;
const MAX_WORDS: usize = 60;
/// A sentence this like one already chosen for the date is a repeat.
const REDUNDANT: f32 = 0.5;
/// What one sentence naming a day counts, against 1 for an article published on it.
const MENTION_WEIGHT: f32 = 0.5;

struct Sentence {
    article: usize,
    span: ByteSpan,
    /// Position among its article's sentences.
    index: usize,
    words: usize,
    /// Days the sentence names other than its article's own date.
    names: Vec<Date>,
    has_keyword: bool,
}

/// Picks up to `request.dates` dates and up to `request.sentences` sentences each.
/// Dates come out in calendar order.
pub fn summarize(sources: &[Source], request: &SummaryRequest) -> Vec<DatedSummary> {
    let within = |d: Date| request.from.is_none_or(|f| d >= f) && request.to.is_none_or(|t| d <= t);
    let keywords: Vec<String> = request.keywords.iter().map(|k| k.to_lowercase()).collect();
    let mut sentences = Vec::new();
    for (article, source) in sources.iter().enumerate() {
        if !within(source.date) {
            continue;
        }
        let tokens = tokenize(source.text);
        for (index, range) in sentences::shipped()
            .split(source.text, &tokens)
            .into_iter()
            .enumerate()
        {
            let words = &tokens[range];
            let (Some(first), Some(last)) = (words.first(), words.last()) else {
                continue;
            };
            let span = ByteSpan::new(first.start, last.end);
            let lower = span.of(source.text).to_lowercase();
            let names = named_days(source.text, words, source.date)
                .into_iter()
                .filter(|&d| d != source.date && within(d))
                .collect();
            sentences.push(Sentence {
                article,
                span,
                index,
                words: words.len(),
                names,
                has_keyword: keywords.iter().any(|k| lower.contains(k.as_str())),
            });
        }
    }
    let mut scores: FxHashMap<Date, f32> = FxHashMap::default();
    for source in sources.iter().filter(|s| within(s.date)) {
        *scores.entry(source.date).or_default() += 1.0;
    }
    for sentence in &sentences {
        for &day in &sentence.names {
            *scores.entry(day).or_default() += MENTION_WEIGHT;
        }
    }
    let mut dates: Vec<(Date, f32)> = scores.into_iter().collect();
    dates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    dates.truncate(request.dates);
    let mut dates: Vec<Date> = dates.into_iter().map(|(d, _)| d).collect();
    dates.sort();

    let counts: Vec<Vector> = sentences
        .iter()
        .map(|s| term_counts(s.span.of(sources[s.article].text), TermWeights::PLAIN))
        .collect();
    let mut frequencies = DocumentFrequencies::default();
    counts.iter().for_each(|c| frequencies.add(c));
    dates
        .into_iter()
        .map(|date| {
            let candidates: Vec<usize> = (0..sentences.len())
                .filter(|&i| {
                    let s = &sentences[i];
                    let on_day = sources[s.article].date == date
                        && s.index < LEAD_SENTENCES
                        && s.names.is_empty();
                    (on_day || s.names.contains(&date))
                        && (MIN_WORDS..=MAX_WORDS).contains(&s.words)
                })
                .collect();
            let vectors: Vec<Vector> = candidates
                .iter()
                .map(|&i| frequencies.weigh(&counts[i]))
                .collect();
            let centroid = centroid(&vectors);
            let mut ranked: Vec<(bool, f32, usize)> = candidates
                .iter()
                .zip(&vectors)
                .enumerate()
                .map(|(at, (&i, v))| (sentences[i].has_keyword, dot(v, &centroid), at))
                .collect();
            ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
            let mut chosen: Vec<usize> = Vec::new();
            for (_, _, at) in ranked {
                if chosen.len() == request.sentences {
                    break;
                }
                if chosen
                    .iter()
                    .all(|&c| dot(&vectors[c], &vectors[at]) < REDUNDANT)
                {
                    chosen.push(at);
                }
            }
            let picks = chosen
                .into_iter()
                .map(|at| {
                    let s = &sentences[candidates[at]];
                    Pick {
                        article: s.article,
                        span: s.span,
                    }
                })
                .collect();
            DatedSummary { date, picks }
        })
        .filter(|summary| !summary.picks.is_empty())
        .collect()
}

fn centroid(vectors: &[Vector]) -> Vector {
    let mut sum: FxHashMap<u64, f32> = FxHashMap::default();
    for vector in vectors {
        for &(term, weight) in vector {
            *sum.entry(term).or_default() += weight;
        }
    }
    let mut centroid: Vector = sum.into_iter().collect();
    centroid.sort_unstable_by_key(|&(t, _)| t);
    crate::terms::normalise(&mut centroid);
    centroid
}

/// A word that can be a day of the month.
fn day_of_month(word: Option<&str>) -> Option<&str> {
    word.filter(|w| w.len() <= 2 && w.parse::<u8>().is_ok_and(|n| (1..=31).contains(&n)))
}

/// The days a sentence's words name: "March 3(, 2031)", "3 March", "(on / last)
/// Tuesday", "yesterday", resolved against the article's date.
fn named_days(text: &str, words: &[ByteSpan], article: Date) -> Vec<Date> {
    let lower: Vec<String> = words.iter().map(|w| w.of(text).to_lowercase()).collect();
    let mut days = Vec::new();
    for (at, word) in lower.iter().enumerate() {
        let before = at.checked_sub(1).map(|b| lower[b].as_str());
        let after = lower.get(at + 1).map(String::as_str);
        let found = if month(word).is_some() {
            let year = match (lower.get(at + 2).map(String::as_str), lower.get(at + 3)) {
                (Some(","), Some(y)) if y.len() == 4 && y.parse::<u16>().is_ok() => {
                    Some(y.as_str())
                }
                _ => None,
            };
            match (day_of_month(after), day_of_month(before)) {
                (Some(day), _) => day_named(word, &[day, year.unwrap_or("")], article),
                (None, Some(day)) => day_named(word, &[day], article),
                _ => None,
            }
        } else if weekday(word).is_some() {
            day_named(word, &[before.unwrap_or("")], article)
        } else if word == "yesterday" {
            day_named(word, &[], article)
        } else {
            None
        };
        days.extend(found);
    }
    days.sort();
    days.dedup();
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn days_are_named_by_month_and_day_weekday_and_yesterday() {
        // 2031-03-06 is a Thursday.
        let text = "Talks began on March 3, 2031 and resumed on Tuesday, a day after 4 March; yesterday they ended.";
        let tokens = tokenize(text);
        let days = named_days(text, &tokens, date("2031-03-06"));
        assert_eq!(
            days,
            vec![date("2031-03-03"), date("2031-03-04"), date("2031-03-05")]
        );
    }

    #[test]
    fn the_most_reported_day_is_chosen_with_its_central_sentence() {
        let sources = [
            Source {
                date: date("2031-03-01"),
                text: "Floods hit the Orlen valley in Veldmark. Thousands of people leave their homes as the river rises.",
            },
            Source {
                date: date("2031-03-01"),
                text: "The Orlen river floods the valley towns of Veldmark after days of rain.",
            },
            Source {
                date: date("2031-03-04"),
                text: "Aid arrives in Veldmark three days after the Orlen floods of March 1 forced thousands from home.",
            },
            Source {
                date: date("2031-03-02"),
                text: "A football club in Hesselwyn signs a new coach for the season.",
            },
        ];
        let request = SummaryRequest {
            dates: 1,
            sentences: 1,
            ..Default::default()
        };
        let summary = summarize(&sources, &request);
        assert_eq!(summary.len(), 1);
        assert_eq!(summary[0].date, date("2031-03-01"));
        assert_eq!(summary[0].picks.len(), 1);
        // A keyword moves its sentence first.
        let request = SummaryRequest {
            keywords: vec!["aid".into()],
            ..request
        };
        let pick = &summarize(&sources, &request)[0].picks[0];
        assert_eq!(pick.article, 2);
    }

    #[test]
    fn nothing_outside_the_window_is_read() {
        let sources = [
            Source {
                date: date("2031-03-01"),
                text: "Floods hit the Orlen valley in Veldmark, forcing thousands out.",
            },
            Source {
                date: date("2031-04-01"),
                text: "Looking back, the floods of March 1 in Veldmark forced thousands out of their homes.",
            },
        ];
        let to = Some(date("2031-03-31"));
        let request = SummaryRequest {
            dates: 5,
            sentences: 2,
            to,
            ..Default::default()
        };
        let summary = summarize(&sources, &request);
        assert_eq!(summary.len(), 1);
        assert!(summary[0].picks.iter().all(|p| p.article == 0));
    }
}
