//! Stories and timeline summaries over a store, as of a day.
//!
//! Stories are clustered at query time from every article dated up to the as-of day,
//! in (date, id) order ([`dateline_stories::Clusterer`]): an article's story depends
//! only on articles dated before it, so later news cannot change a story as of D.
//! Articles stream through the clusterer; only their ids, dates, titles and story
//! stay in memory. Cost: one pass over the window's texts per request (about 30 s per
//! 100k full articles on one core); keeping the assignments in the store is the next step.

use std::collections::{BTreeMap, HashMap};

use dateline_core::{Date, Event, Statement};
use dateline_store::{DateWindow, Store, StoreError};
use dateline_stories::{
    Clusterer, Item, Source, StoryConfig, SummaryRequest, actor_terms, summarize,
};
use serde::Serialize;

/// One story as of a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Story {
    /// The id of its first article: no later article can change it.
    pub id: String,
    /// The headline of its first article (or its opening words).
    pub title: String,
    pub first_date: Date,
    pub last_date: Date,
    pub articles: usize,
    /// The actors its articles mention most, with how many articles mention each.
    pub actors: Vec<(String, usize)>,
    /// Ids of its articles, by date then id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
}

/// What `stories` asks.
#[derive(Debug, Clone, Default)]
pub struct StoriesRequest {
    pub as_of: Option<Date>,
    /// Only stories with an article whose title or text holds every word of this.
    pub query: Option<String>,
    /// Keep each story's article ids.
    pub members: bool,
}

struct Member {
    id: String,
    date: Date,
    story: usize,
    matches: bool,
}

const TITLE_WORDS: usize = 14;
const TOP_ACTORS: usize = 5;

/// Every story as of `request.as_of`, the most recently active first.
pub fn stories(store: &Store, request: &StoriesRequest) -> Result<Vec<Story>, StoreError> {
    let window = DateWindow {
        as_of: request.as_of,
        ..DateWindow::default()
    };
    let mut actors_of: HashMap<String, Vec<String>> = HashMap::new();
    let mut linked: HashMap<String, Vec<String>> = HashMap::new();
    let mut pending: Vec<dateline_core::Mention> = Vec::new();
    store.for_each_mention(&window, |mention| {
        if pending
            .last()
            .is_some_and(|m| m.article_id != mention.article_id)
        {
            flush(&mut pending, &mut actors_of, &mut linked);
        }
        pending.push(mention);
        Ok(())
    })?;
    flush(&mut pending, &mut actors_of, &mut linked);
    let words: Vec<String> = request
        .query
        .as_deref()
        .map(|q| q.split_whitespace().map(str::to_lowercase).collect())
        .unwrap_or_default();
    let mut clusterer = Clusterer::new(StoryConfig::DEFAULT);
    let mut members: Vec<Member> = Vec::new();
    let mut titles: Vec<String> = Vec::new();
    let no_actors = Vec::new();
    store.for_each_article(&window, |article| {
        let text = match &article.title {
            Some(title) => format!("{title}\n\n{}", article.text),
            None => article.text.clone(),
        };
        let actors = actors_of.get(&article.id).unwrap_or(&no_actors);
        let story = clusterer.add(&Item {
            id: &article.id,
            date: article.date,
            text: &text,
            actors,
        });
        if story == titles.len() {
            titles.push(headline(article.title.as_deref(), &article.text));
        }
        let matches = !words.is_empty() && {
            let lower = text.to_lowercase();
            words.iter().all(|w| lower.contains(w.as_str()))
        };
        members.push(Member {
            id: article.id,
            date: article.date,
            story,
            matches,
        });
        Ok(())
    })?;
    // Stories merge as later articles join them: each article's story is where its
    // story ended up as of the window's end.
    for member in &mut members {
        member.story = clusterer.root(member.story);
    }
    let mut grouped: BTreeMap<usize, Vec<&Member>> = BTreeMap::new();
    for member in &members {
        grouped.entry(member.story).or_default().push(member);
    }
    let mut stories: Vec<Story> = grouped
        .into_iter()
        .filter(|(_, list)| words.is_empty() || list.iter().any(|m| m.matches))
        .map(|(story, list)| {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for member in &list {
                for actor in linked.get(&member.id).into_iter().flatten() {
                    *counts.entry(actor).or_default() += 1;
                }
            }
            let mut actors: Vec<(String, usize)> = counts
                .into_iter()
                .map(|(a, n)| (a.to_string(), n))
                .collect();
            actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            actors.truncate(TOP_ACTORS);
            Story {
                id: list[0].id.clone(),
                title: titles[story].clone(),
                first_date: list[0].date,
                last_date: list[list.len() - 1].date,
                articles: list.len(),
                actors,
                members: if request.members {
                    list.iter().map(|m| m.id.clone()).collect()
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    stories.sort_by(|a, b| {
        b.last_date
            .cmp(&a.last_date)
            .then(b.articles.cmp(&a.articles))
            .then(a.id.cmp(&b.id))
    });
    Ok(stories)
}

/// The clustering terms and the linked actor ids of one article's mentions.
fn flush(
    pending: &mut Vec<dateline_core::Mention>,
    actors_of: &mut HashMap<String, Vec<String>>,
    linked: &mut HashMap<String, Vec<String>>,
) {
    let Some(first) = pending.first() else { return };
    let article = first.article_id.clone();
    let terms = actor_terms(pending);
    linked.insert(
        article.clone(),
        terms
            .iter()
            .filter(|t| !t.starts_with("country:"))
            .cloned()
            .collect(),
    );
    actors_of.insert(article, terms);
    pending.clear();
}

fn headline(title: Option<&str>, text: &str) -> String {
    match title {
        Some(title) if !title.trim().is_empty() => title.trim().to_string(),
        _ => {
            let words: Vec<&str> = text.split_whitespace().collect();
            let mut line = words[..words.len().min(TITLE_WORDS)].join(" ");
            if words.len() > TITLE_WORDS {
                line.push('…');
            }
            line
        }
    }
}

/// The story `id` as of `as_of`, with its article ids.
pub fn story(store: &Store, id: &str, as_of: Option<Date>) -> Result<Option<Story>, StoreError> {
    let request = StoriesRequest {
        as_of,
        query: None,
        members: true,
    };
    Ok(stories(store, &request)?
        .into_iter()
        .find(|s| s.id == id || s.members.iter().any(|m| m == id)))
}

/// Which articles a summary reads.
#[derive(Debug, Clone)]
pub enum SummaryOf {
    /// A story's articles (by the story's id or any of its articles' ids).
    Story(String),
    /// Articles whose title or text holds every word of the query.
    Query(String),
    /// These articles (a story already looked up: its `members`).
    Articles(Vec<String>),
}

/// What `summarize` asks.
#[derive(Debug, Clone)]
pub struct SummarizeRequest {
    pub of: SummaryOf,
    pub window: DateWindow,
    pub dates: usize,
    pub sentences: usize,
}

/// A sentence of a summary, with where it is and what was extracted from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummarySentence {
    pub text: String,
    pub article: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Code points into the article's text.
    pub start: usize,
    pub end: usize,
    /// Ids of the statements and events whose evidence lies in the sentence.
    pub statements: Vec<String>,
    pub events: Vec<String>,
}

/// One date of a summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryDate {
    pub date: Date,
    pub sentences: Vec<SummarySentence>,
}

/// A dated timeline summary of a story or a query, within the window. `None` when
/// the story is unknown as of the window's end.
pub fn summarize_story(
    store: &Store,
    request: &SummarizeRequest,
) -> Result<Option<Vec<SummaryDate>>, StoreError> {
    let window = request.window;
    let (ids, keywords): (Option<Vec<String>>, Vec<String>) = match &request.of {
        SummaryOf::Articles(ids) => (Some(ids.clone()), Vec::new()),
        SummaryOf::Story(id) => match story(store, id, window.last_day())? {
            Some(story) => (Some(story.members), Vec::new()),
            None => return Ok(None),
        },
        SummaryOf::Query(query) => (
            None,
            query.split_whitespace().map(str::to_lowercase).collect(),
        ),
    };
    let wanted: Option<std::collections::HashSet<String>> =
        ids.map(|ids| ids.into_iter().collect());
    let mut articles: Vec<dateline_core::Article> = Vec::new();
    store.for_each_article(&window, |article| {
        let keep = match &wanted {
            Some(ids) => ids.contains(&article.id),
            None => {
                let lower = format!(
                    "{}\n{}",
                    article.title.as_deref().unwrap_or(""),
                    article.text
                )
                .to_lowercase();
                keywords.iter().all(|k| lower.contains(k.as_str()))
            }
        };
        if keep {
            articles.push(article);
        }
        Ok(())
    })?;
    let sources: Vec<Source> = articles
        .iter()
        .map(|a| Source {
            date: a.date,
            text: &a.text,
        })
        .collect();
    let summary = summarize(
        &sources,
        &SummaryRequest {
            dates: request.dates,
            sentences: request.sentences,
            keywords,
            from: window.from,
            // Articles are bounded by the window already; a day they name after its
            // end ("talks next Tuesday") was known by then and may be a key date.
            to: None,
        },
    );
    let mut out = Vec::new();
    for dated in summary {
        let mut sentences = Vec::new();
        for pick in dated.picks {
            let article = &articles[pick.article];
            let start = article.text[..pick.span.start].chars().count();
            let end = start + pick.span.of(&article.text).chars().count();
            let annotated = crate::annotated_article(store, &article.id, &window)?;
            let inside = |s: usize, e: usize| s >= start && e <= end;
            let (statements, events) = match annotated {
                Some(a) => (
                    ids_inside(
                        &a.statements,
                        |s: &Statement| inside(s.evidence.start, s.evidence.end),
                        |s| &s.id,
                    ),
                    ids_inside(
                        &a.events,
                        |e: &Event| inside(e.evidence.start, e.evidence.end),
                        |e| &e.id,
                    ),
                ),
                None => (Vec::new(), Vec::new()),
            };
            sentences.push(SummarySentence {
                text: pick.span.of(&article.text).to_string(),
                article: article.id.clone(),
                source: article.source.clone(),
                title: article.title.clone(),
                start,
                end,
                statements,
                events,
            });
        }
        out.push(SummaryDate {
            date: dated.date,
            sentences,
        });
    }
    Ok(Some(out))
}

fn ids_inside<T>(
    records: &[T],
    inside: impl Fn(&T) -> bool,
    id: impl Fn(&T) -> &String,
) -> Vec<String> {
    records
        .iter()
        .filter(|r| inside(r))
        .map(|r| id(r).clone())
        .collect()
}
