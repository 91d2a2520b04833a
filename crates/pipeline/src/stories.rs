//! Keeping the store's stories current: after annotation, the articles not yet in a
//! story go through the clusterer, continuing from its stored state (taken at the
//! start of the last day clustered) when they are all dated on or after that day,
//! else in one pass from the first article.
//!
//! Articles are clustered in (date, id) order and only once annotated (their linked
//! actors are terms), so the pass stops at the first article still waiting for
//! annotation and continues from there next time.

use dateline_core::{Article, Date};
use dateline_store::{Store, StoriesUpdate, StoryAssignment, StoryCheckpoint};
use dateline_stories::{Clusterer, Item, StoryConfig, actor_terms_of};

use crate::Result;

/// The settings stories are clustered with.
pub const STORY_CONFIG: StoryConfig = StoryConfig::DEFAULT;

/// Passes tried before giving up when annotations keep changing under the pass
/// (whoever changes them updates the stories after).
const ATTEMPTS: usize = 3;

/// Places the articles not yet in a story; returns how many it placed (the
/// articles of the day the pass resumed on count again).
pub fn update_stories(store: &mut Store) -> Result<u64> {
    let config_name = format!("{STORY_CONFIG:?}");
    for _ in 0..ATTEMPTS {
        let generation = store.annotation_generation()?;
        let Some(first) = store.first_unclustered_day()? else {
            return Ok(0);
        };
        // Continue from the stored state when every unplaced article is dated on or
        // after the day it was taken at; else one pass from the first article.
        let resumed = store
            .story_checkpoint()?
            .filter(|cp| cp.config == config_name && first >= cp.through_day)
            .and_then(|cp| Some((Clusterer::decode(STORY_CONFIG, &cp.state)?, cp.through_day)));
        let (mut clusterer, from_day) = match resumed {
            Some((clusterer, day)) => (clusterer, Some(day)),
            None => (Clusterer::new(STORY_CONFIG), None),
        };
        let Some(last_day) = store.last_clusterable_day(from_day)? else {
            return Ok(0);
        };
        let mut members = Vec::new();
        let mut merges = Vec::new();
        let mut at_last_day: Option<Vec<u8>> = None;
        let mut last_placed: Option<Date> = None;
        let mut failed = None;
        store.for_each_article_from(from_day, |rowid, article, annotated| {
            if !annotated || article.date > last_day {
                return false;
            }
            if article.date == last_day && at_last_day.is_none() {
                at_last_day = Some(clusterer.encode());
            }
            let terms = match store.actor_links(rowid) {
                Ok(links) => actor_terms_of(
                    links
                        .iter()
                        .map(|(actor, code)| (actor.as_deref(), code.as_deref())),
                ),
                Err(e) => {
                    failed = Some(e);
                    return false;
                }
            };
            let stories_before = clusterer.stories();
            let story = clusterer.add(&Item {
                id: &article.id,
                date: article.date,
                text: &clustered_text(&article),
                actors: &terms,
            });
            merges.extend(
                clusterer
                    .take_merges()
                    .into_iter()
                    .map(|(from, into)| (from as u32, into as u32, rowid)),
            );
            members.push(StoryAssignment {
                rowid,
                story: story as u32,
                founded: story == stories_before,
            });
            last_placed = Some(article.date);
            true
        })?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        let Some(last_placed) = last_placed else {
            return Ok(0);
        };
        // Normally the state at the start of the last day; when the pass stopped
        // earlier (an article stored meanwhile, waiting for annotation), the state
        // after the last day it placed.
        let checkpoint = match at_last_day {
            Some(state) if last_placed == last_day => StoryCheckpoint {
                config: config_name.clone(),
                through_day: last_day,
                state,
            },
            _ => StoryCheckpoint {
                config: config_name.clone(),
                through_day: next_day(last_placed),
                state: clusterer.encode(),
            },
        };
        let update = StoriesUpdate {
            from_day,
            members,
            merges,
            checkpoint,
            generation,
        };
        if store.save_stories(&update)? {
            return Ok(update.members.len() as u64);
        }
    }
    Ok(0)
}

fn next_day(day: Date) -> Date {
    day.tomorrow().unwrap_or(day)
}

/// What the clusterer reads of an article: its title, then its text.
fn clustered_text(article: &Article) -> String {
    match &article.title {
        Some(title) => format!("{title}\n\n{}", article.text),
        None => article.text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, date: &str, text: &str) -> Article {
        Article::new(id, date.parse().unwrap(), text)
    }

    fn add(store: &mut Store, articles: &[Article]) -> crate::Annotated {
        let mut writer = store.writer().unwrap();
        for a in articles {
            writer.add(a).unwrap();
        }
        writer.finish().unwrap();
        crate::annotate_pending(store, dateline_actors::shipped(), |_| {}).unwrap()
    }

    fn assignments(store: &Store) -> Vec<(String, u32)> {
        store
            .story_members(None)
            .unwrap()
            .into_iter()
            .map(|m| (m.id, m.story))
            .collect()
    }

    fn corpus() -> Vec<Article> {
        let floods = "Floods along the Orlen river displace thousands in Veldmark.";
        let vote = "The Hesselwyn parliament votes on a new speaker.";
        (0..12)
            .map(|i| {
                let date = format!("2031-03-{:02}", 1 + i / 3);
                let text = if i % 2 == 0 { floods } else { vote };
                article(&format!("m{i:02}"), &date, &format!("{text} Report {i}."))
            })
            .collect()
    }

    #[test]
    fn an_article_of_the_last_day_continues_the_pass_and_an_earlier_one_restarts_it() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = corpus();
        let mut whole = Store::open(&dir.path().join("whole.db")).unwrap();
        add(&mut whole, &corpus);
        let mut parts = Store::open(&dir.path().join("parts.db")).unwrap();
        // Days 1–4 but the first article of day 4 and one of day 2.
        let (late_same_day, late_earlier) = (&corpus[9], &corpus[4]);
        let first: Vec<Article> = corpus
            .iter()
            .filter(|a| a.id != late_same_day.id && a.id != late_earlier.id)
            .cloned()
            .collect();
        assert_eq!(add(&mut parts, &first).clustered, 10);
        // Its id sorts before the day's others: only that day is placed again.
        let placed = add(&mut parts, std::slice::from_ref(late_same_day)).clustered;
        assert_eq!(
            placed, 3,
            "the last day's articles, not a pass from the start"
        );
        // Dated before the state's day: one pass from the first article.
        let placed = add(&mut parts, std::slice::from_ref(late_earlier)).clustered;
        assert_eq!(placed, 12);
        assert_eq!(assignments(&parts), assignments(&whole));
        assert_eq!(add(&mut parts, &[]).clustered, 0);
    }
}
