//! Keeping the store's stories current: after annotation, the articles not yet in a
//! story go through the clusterer, continuing from its stored state when they all
//! come after the last article clustered, else in one pass from the first article.
//!
//! Articles are clustered in (date, id) order and only once annotated (their linked
//! actors are terms), so the pass stops at the first article still waiting for
//! annotation and continues from there next time.

use dateline_core::{Article, Date};
use dateline_store::{StoriesUpdate, Store, StoryAssignment, StoryCheckpoint};
use dateline_stories::{Clusterer, Item, StoryConfig, actor_terms};

use crate::Result;

/// The settings stories are clustered with.
pub const STORY_CONFIG: StoryConfig = StoryConfig::DEFAULT;

/// Passes tried before giving up when annotations keep changing under the pass
/// (whoever changes them updates the stories after).
const ATTEMPTS: usize = 3;

/// Places the articles not yet in a story; returns how many it placed.
pub fn update_stories(store: &mut Store) -> Result<u64> {
    let config_name = format!("{STORY_CONFIG:?}");
    for _ in 0..ATTEMPTS {
        let generation = store.annotation_generation()?;
        let Some(first) = store.first_unclustered()? else {
            return Ok(0);
        };
        let resumed = store
            .story_checkpoint()?
            .filter(|cp| cp.config == config_name && first > cp.through)
            .and_then(|cp| Some((Clusterer::decode(STORY_CONFIG, &cp.state)?, cp.through)));
        let restart = resumed.is_none();
        let (mut clusterer, after) = match resumed {
            Some((clusterer, through)) => (clusterer, Some(through)),
            None => (Clusterer::new(STORY_CONFIG), None),
        };
        let mut actors = store.mentions_after(after.as_ref())?;
        let mut members = Vec::new();
        let mut merges = Vec::new();
        let mut through: Option<(Date, String)> = None;
        store.for_each_article_after(after.as_ref(), |rowid, article, annotated| {
            if !annotated {
                return false;
            }
            let terms = actors.remove(&rowid).map_or_else(Vec::new, |m| actor_terms(&m));
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
            through = Some((article.date, article.id));
            true
        })?;
        let Some(through) = through else {
            return Ok(0);
        };
        let update = StoriesUpdate {
            restart,
            members,
            merges,
            checkpoint: StoryCheckpoint {
                config: config_name.clone(),
                through,
                state: clusterer.encode(),
            },
            generation,
        };
        if store.save_stories(&update)? {
            return Ok(update.members.len() as u64);
        }
    }
    Ok(0)
}

/// What the clusterer reads of an article: its title, then its text.
fn clustered_text(article: &Article) -> String {
    match &article.title {
        Some(title) => format!("{title}\n\n{}", article.text),
        None => article.text.clone(),
    }
}
