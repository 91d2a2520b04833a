//! Stories and timeline summaries over a store, as of a day.
//!
//! Stories are read from the assignments the pipeline stores after annotation
//! (`dateline_pipeline::update_stories`): each article's story was chosen from the
//! articles dated before it, so the stories as of D are the assignments of the
//! articles dated up to D, with the merges those articles made — later news cannot
//! change them. An article still waiting for annotation is in no story yet.

use std::collections::{BTreeMap, HashMap, HashSet};

use dateline_core::{Date, Event, Statement};
use dateline_store::{DateWindow, Store, StoreError, StoryMember};
use dateline_stories::{Source, SummaryRequest, summarize};
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
    /// At most this many stories (the most recently active).
    pub limit: Option<usize>,
}

const TITLE_WORDS: usize = 14;
const TOP_ACTORS: usize = 5;

/// Every story as of `request.as_of`, the most recently active first.
pub fn stories(store: &Store, request: &StoriesRequest) -> Result<Vec<Story>, StoreError> {
    let matching = match request.query.as_deref() {
        Some(query) => Some(matching_articles(store, query, request.as_of)?),
        None => None,
    };
    stories_where(store, request, |list| {
        matching
            .as_ref()
            .is_none_or(|ids| list.iter().any(|m| ids.contains(&m.id)))
    })
}

/// The stories as of `request.as_of` whose members pass `keep` (its `query` is
/// not read here); actors are counted for the stories kept only.
fn stories_where(
    store: &Store,
    request: &StoriesRequest,
    keep: impl Fn(&[&StoryMember]) -> bool,
) -> Result<Vec<Story>, StoreError> {
    let members = store.story_members(request.as_of)?;
    // Merges only ever fold a story into an older one, once: following them ends.
    let mut merged_into: HashMap<u32, u32> = HashMap::new();
    for (from, into) in store.story_merges(request.as_of)? {
        merged_into.insert(from, into);
    }
    let root = |mut story: u32| {
        while let Some(&into) = merged_into.get(&story) {
            story = into;
        }
        story
    };
    let mut grouped: BTreeMap<u32, Vec<&StoryMember>> = BTreeMap::new();
    for member in &members {
        grouped.entry(root(member.story)).or_default().push(member);
    }
    let founders: HashMap<u32, &StoryMember> = members
        .iter()
        .filter(|m| m.founded)
        .map(|m| (m.story, m))
        .collect();
    let mut stories: Vec<(u32, Vec<&StoryMember>)> =
        grouped.into_iter().filter(|(_, list)| keep(list)).collect();
    stories.sort_by(|a, b| {
        let (a, b) = (&a.1, &b.1);
        b[b.len() - 1]
            .date
            .cmp(&a[a.len() - 1].date)
            .then(b.len().cmp(&a.len()))
            .then(a[0].id.cmp(&b[0].id))
    });
    stories.truncate(request.limit.unwrap_or(usize::MAX));
    stories
        .into_iter()
        .map(|(story, list)| {
            let founder = founders.get(&story).copied().unwrap_or(list[0]);
            let mut counts: HashMap<String, usize> = HashMap::new();
            for member in &list {
                for actor in store.linked_actors(member.rowid)? {
                    *counts.entry(actor).or_default() += 1;
                }
            }
            let mut actors: Vec<(String, usize)> = counts.into_iter().collect();
            actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            actors.truncate(TOP_ACTORS);
            Ok(Story {
                id: founder.id.clone(),
                title: headline(founder.title.as_deref(), &founder.opening),
                first_date: list[0].date,
                last_date: list[list.len() - 1].date,
                articles: list.len(),
                actors,
                members: if request.members {
                    list.iter().map(|m| m.id.clone()).collect()
                } else {
                    Vec::new()
                },
            })
        })
        .collect()
}

/// Ids of the articles up to `as_of` whose title or text holds every word of
/// `query` (lower-cased substrings, as `summarize --query` filters).
fn matching_articles(
    store: &Store,
    query: &str,
    as_of: Option<Date>,
) -> Result<HashSet<String>, StoreError> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let window = DateWindow {
        as_of,
        ..DateWindow::default()
    };
    let mut ids = HashSet::new();
    store.for_each_article(&window, |article| {
        let lower = format!(
            "{}\n{}",
            article.title.as_deref().unwrap_or(""),
            article.text
        )
        .to_lowercase();
        if words.iter().all(|w| lower.contains(w.as_str())) {
            ids.insert(article.id);
        }
        Ok(())
    })?;
    Ok(ids)
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
        limit: None,
    };
    Ok(
        stories_where(store, &request, |list| list.iter().any(|m| m.id == id))?
            .into_iter()
            .next(),
    )
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
