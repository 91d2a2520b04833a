//! Single-pass story clustering: each article, in (date, id) order, joins the active
//! story whose centroid it is most like, or starts a new one.

use dateline_core::Date;
use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

use crate::terms::{DocumentFrequencies, TermWeights, Vector, term_counts};

/// What an article brings to clustering.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub id: &'a str,
    pub date: Date,
    /// Title and text, as one string (the title, when there is one, first).
    pub text: &'a str,
    /// Ids of the actors the article's mentions link to, and their countries
    /// ([`actor_terms`]).
    pub actors: &'a [String],
}

/// The choices of a clustering run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoryConfig {
    pub terms: TermWeights,
    /// The count each linked actor adds as a term of its own (0: actors not used).
    pub actor_weight: f32,
    /// The least cosine between an article and a story's centroid for it to join.
    pub threshold: f32,
    /// A story that no article joined for this many days is closed (0: never).
    pub active_days: i32,
    /// A centroid keeps this many of its heaviest terms (0: all). Long-running
    /// stories otherwise collect every word ever written about them and drift.
    pub centroid_terms: usize,
    /// An article this similar to two stories joins them into one (the older keeps
    /// its name); 0: stories never merge. A story told in two threads that later
    /// meet is one story from then on.
    pub merge_threshold: f32,
}

impl StoryConfig {
    /// The classic TF-IDF single-pass clusterer (Allan et al., topic detection and
    /// tracking): plain words, whole centroids, no time limit. Its threshold is the
    /// best on the dev headings (`dateline eval stories --split dev --tune`).
    pub const BASELINE: StoryConfig = StoryConfig {
        terms: TermWeights::PLAIN,
        actor_weight: 0.0,
        threshold: 0.20,
        active_days: 0,
        centroid_terms: 0,
        merge_threshold: 0.0,
    };

    /// Ours: names and name pairs weigh more, linked actors and their countries are
    /// terms, centroids keep their heaviest terms, stories close after a quiet spell,
    /// and an article that joins one story merges the others it is close to.
    /// Chosen on the dev headings (`dateline eval stories --split dev --tune`).
    pub const DEFAULT: StoryConfig = StoryConfig {
        terms: TermWeights {
            name: 2.0,
            name_pair: 2.0,
        },
        actor_weight: 2.0,
        threshold: 0.30,
        active_days: 120,
        centroid_terms: 30,
        merge_threshold: 0.15,
    };
}

/// How many of the most overlapping stories get an exact cosine.
const EXACT_CANDIDATES: usize = 24;
/// A term held by more active stories than this finds no candidates.
const MAX_POSTINGS: usize = 64;
/// Postings are pruned after every this many articles.
const PRUNE_EVERY: u32 = 2048;

struct StoryState {
    centroid: FxHashMap<u64, f32>,
    norm2: f32,
    last_day: i32,
    /// The story this one was merged into.
    merged_into: Option<usize>,
}

/// The state of one single pass. Feed it articles in (date, id) order: an article's
/// story then depends only on the articles before it, so the stories as of a day are
/// the same whatever arrives later.
pub struct Clusterer {
    config: StoryConfig,
    frequencies: DocumentFrequencies,
    stories: Vec<StoryState>,
    /// Term → the stories whose centroid holds (or held) it.
    postings: FxHashMap<u64, Vec<u32>>,
    /// Per story, the current article's weight on the words it holds (scratch,
    /// zero between articles).
    overlap: Vec<f32>,
    added: u32,
    /// Merges since the caller last took them: (story merged, story it went into).
    merges: Vec<(usize, usize)>,
}

impl Clusterer {
    pub fn new(config: StoryConfig) -> Self {
        Clusterer {
            config,
            frequencies: DocumentFrequencies::default(),
            stories: Vec::new(),
            postings: FxHashMap::default(),
            overlap: Vec::new(),
            added: 0,
            merges: Vec::new(),
        }
    }

    /// The weighted unit vector of an article (after counting it in the frequencies).
    fn vector(&mut self, item: &Item) -> Vector {
        let mut counts = term_counts(item.text, self.config.terms);
        if self.config.actor_weight > 0.0 {
            for actor in item.actors {
                let term = xxh3_64(format!("actor:{actor}").as_bytes());
                match counts.binary_search_by_key(&term, |&(t, _)| t) {
                    Ok(at) => counts[at].1 += self.config.actor_weight,
                    Err(at) => counts.insert(at, (term, self.config.actor_weight)),
                }
            }
        }
        self.frequencies.add(&counts);
        self.frequencies.weigh(&counts)
    }

    /// Adds an article; returns the index of its story (a new story's index is the
    /// number of stories before it).
    pub fn add(&mut self, item: &Item) -> usize {
        let vector = self.vector(item);
        let day = day_number(item.date);
        self.added += 1;
        // First a cheap overlap (the article's weight on the words a story holds),
        // then the exact cosine for the stories that overlap most.
        let mut touched: Vec<usize> = Vec::new();
        for &(term, weight) in &vector {
            let Some(stories) = self.postings.get(&term) else {
                continue;
            };
            // A word in many active stories tells none apart (and would make each
            // article look at every story); the article's rarer words find them.
            if stories.len() > MAX_POSTINGS {
                continue;
            }
            for &story in stories {
                let story = story as usize;
                if self.overlap[story] == 0.0 {
                    let state = &self.stories[story];
                    if self.config.active_days > 0 && day - state.last_day > self.config.active_days
                    {
                        continue;
                    }
                    touched.push(story);
                }
                self.overlap[story] += weight;
            }
        }
        let mut ranked: Vec<(f32, usize)> = touched.iter().map(|&s| (self.overlap[s], s)).collect();
        touched.iter().for_each(|&s| self.overlap[s] = 0.0);
        ranked.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.truncate(EXACT_CANDIDATES);
        let mut scored: Vec<(usize, f32)> = ranked
            .into_iter()
            .map(|(_, story)| (story, similarity(&vector, &self.stories[story])))
            .collect();
        scored.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let story = match scored.first() {
            Some(&(best, score)) if score >= self.config.threshold => {
                let merge = self.config.merge_threshold;
                let mut joined: Vec<usize> = scored
                    .iter()
                    .filter(|&&(s, score)| s == best || (merge > 0.0 && score >= merge))
                    .map(|&(s, _)| s)
                    .collect();
                joined.sort_unstable();
                let survivor = joined[0];
                for &other in &joined[1..] {
                    self.merge(other, survivor);
                }
                survivor
            }
            _ => {
                self.stories.push(StoryState {
                    centroid: FxHashMap::default(),
                    norm2: 0.0,
                    last_day: day,
                    merged_into: None,
                });
                self.overlap.push(0.0);
                self.stories.len() - 1
            }
        };
        self.join(story, &vector, day);
        if self.added % PRUNE_EVERY == 0 {
            self.prune(day);
        }
        story
    }

    /// Drops from the postings the stories closed by `day` (articles come in date
    /// order, so a closed story never reopens) and terms a centroid no longer holds.
    fn prune(&mut self, day: i32) {
        let active_days = self.config.active_days;
        // A closed story is never a candidate again: its centroid can go, which
        // keeps memory (and the stored state) to the stories still open.
        if active_days > 0 {
            for state in &mut self.stories {
                if day - state.last_day > active_days && !state.centroid.is_empty() {
                    state.centroid = FxHashMap::default();
                }
            }
        }
        let stories = &self.stories;
        self.postings.retain(|term, list| {
            list.retain(|&story| {
                let state = &stories[story as usize];
                (active_days == 0 || day - state.last_day <= active_days)
                    && state.centroid.contains_key(term)
            });
            !list.is_empty()
        });
    }

    /// Folds story `from` into the older story `into`.
    fn merge(&mut self, from: usize, into: usize) {
        let centroid: Vector = std::mem::take(&mut self.stories[from].centroid)
            .into_iter()
            .collect();
        let last_day = self.stories[from].last_day;
        self.stories[from].merged_into = Some(into);
        self.merges.push((from, into));
        self.stories[from].norm2 = 0.0;
        let mut centroid = centroid;
        centroid.sort_unstable_by_key(|&(t, _)| t);
        self.join(into, &centroid, last_day);
    }

    /// The story an article's story ended up in, after any merges.
    pub fn root(&self, mut story: usize) -> usize {
        while let Some(into) = self.stories[story].merged_into {
            story = into;
        }
        story
    }

    fn join(&mut self, story: usize, vector: &[(u64, f32)], day: i32) {
        let state = &mut self.stories[story];
        state.last_day = state.last_day.max(day);
        for &(term, weight) in vector {
            let entry = state.centroid.entry(term).or_insert_with(|| {
                self.postings.entry(term).or_default().push(story as u32);
                0.0
            });
            state.norm2 += 2.0 * *entry * weight + weight * weight;
            *entry += weight;
        }
        let keep = self.config.centroid_terms;
        if keep > 0 && state.centroid.len() > 2 * keep {
            let mut terms: Vec<(u64, f32)> = state.centroid.drain().collect();
            terms.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            terms.truncate(keep);
            state.norm2 = terms.iter().map(|(_, w)| w * w).sum();
            state.centroid.extend(terms);
        }
    }

    pub fn stories(&self) -> usize {
        self.stories.len()
    }

    /// The merges made since the last call: (story merged, story it went into), in
    /// the order made. A store records them with the article that made them, so that
    /// a story as of a day shows only the merges made by then.
    pub fn take_merges(&mut self) -> Vec<(usize, usize)> {
        std::mem::take(&mut self.merges)
    }

    /// The whole state as bytes, for a store to continue the pass later exactly
    /// where it stopped (the same stories as one uninterrupted pass, bit for bit:
    /// every map and list is kept, floats included). Maps are written in key order,
    /// so the same state gives the same bytes whatever history built it (no choice
    /// of the clusterer depends on a map's iteration order).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Encoder(Vec::new());
        out.u32(STATE_VERSION);
        out.u32(self.added);
        self.frequencies.encode(&mut out);
        out.u32(self.stories.len() as u32);
        for story in &self.stories {
            out.u32(story.centroid.len() as u32);
            for (term, weight) in sorted(&story.centroid) {
                out.u64(term);
                out.f32(weight);
            }
            out.f32(story.norm2);
            out.u32(story.last_day as u32);
            out.u32(story.merged_into.map_or(u32::MAX, |s| s as u32));
        }
        out.u32(self.postings.len() as u32);
        let mut postings: Vec<(&u64, &Vec<u32>)> = self.postings.iter().collect();
        postings.sort_unstable_by_key(|&(&term, _)| term);
        for (&term, list) in postings {
            out.u64(term);
            out.u32(list.len() as u32);
            list.iter().for_each(|&s| out.u32(s));
        }
        out.0
    }

    /// A clusterer continuing from [`Clusterer::encode`]'s bytes; `None` when they
    /// are not a state this version wrote.
    pub fn decode(config: StoryConfig, bytes: &[u8]) -> Option<Clusterer> {
        let mut input = Decoder(bytes);
        if input.u32()? != STATE_VERSION {
            return None;
        }
        let added = input.u32()?;
        let frequencies = DocumentFrequencies::decode(&mut input)?;
        let count = input.u32()? as usize;
        let mut stories = Vec::with_capacity(count.min(bytes.len() / 12));
        for _ in 0..count {
            let terms = input.u32()? as usize;
            let mut centroid = FxHashMap::default();
            centroid.reserve(terms.min(input.0.len() / 12));
            for _ in 0..terms {
                centroid.insert(input.u64()?, input.f32()?);
            }
            let norm2 = input.f32()?;
            let last_day = input.u32()? as i32;
            let merged_into = match input.u32()? {
                u32::MAX => None,
                s if (s as usize) < count => Some(s as usize),
                _ => return None,
            };
            stories.push(StoryState {
                centroid,
                norm2,
                last_day,
                merged_into,
            });
        }
        let terms = input.u32()? as usize;
        let mut postings = FxHashMap::default();
        for _ in 0..terms {
            let term = input.u64()?;
            let n = input.u32()? as usize;
            let mut list = Vec::with_capacity(n.min(input.0.len() / 4));
            for _ in 0..n {
                let story = input.u32()?;
                if story as usize >= count {
                    return None;
                }
                list.push(story);
            }
            postings.insert(term, list);
        }
        if !input.0.is_empty() {
            return None;
        }
        Some(Clusterer {
            config,
            frequencies,
            overlap: vec![0.0; stories.len()],
            stories,
            postings,
            added,
            merges: Vec::new(),
        })
    }
}

/// A map's entries in key order.
pub(crate) fn sorted<V: Copy>(map: &FxHashMap<u64, V>) -> Vec<(u64, V)> {
    let mut entries: Vec<(u64, V)> = map.iter().map(|(&k, &v)| (k, v)).collect();
    entries.sort_unstable_by_key(|&(k, _)| k);
    entries
}

/// Bumped whenever [`Clusterer::encode`]'s layout changes.
const STATE_VERSION: u32 = 1;

/// Little-endian writes of a state.
pub(crate) struct Encoder(pub(crate) Vec<u8>);

impl Encoder {
    pub(crate) fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn f32(&mut self, v: f32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
}

/// Little-endian reads of a state; `None` past its end.
pub(crate) struct Decoder<'a>(pub(crate) &'a [u8]);

impl Decoder<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }
    pub(crate) fn f32(&mut self) -> Option<f32> {
        self.take().map(f32::from_le_bytes)
    }
}

fn similarity(vector: &[(u64, f32)], story: &StoryState) -> f32 {
    if story.norm2 <= 0.0 {
        return 0.0;
    }
    let dot: f32 = vector
        .iter()
        .filter_map(|(term, weight)| story.centroid.get(term).map(|c| c * weight))
        .sum();
    dot / story.norm2.sqrt()
}

/// What clustering reads of an article's actor layer ([`Item::actors`]): the actors
/// its mentions link to and the countries of their codes (the first three letters of
/// a CAMEO code: "Aleppo", "the Syrian army" and "Assad" all say SYR).
pub fn actor_terms(mentions: &[dateline_core::Mention]) -> Vec<String> {
    actor_terms_of(
        mentions
            .iter()
            .map(|m| (m.actor_id.as_deref(), m.code.as_deref())),
    )
}

/// [`actor_terms`] from (actor id, code) pairs, as a store reads them.
pub fn actor_terms_of<'a>(
    links: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> Vec<String> {
    let mut terms = std::collections::BTreeSet::new();
    for (actor, code) in links {
        if let Some(actor) = actor {
            terms.insert(actor.to_string());
        }
        if let Some(country) = code.and_then(|c| c.get(..3)) {
            terms.insert(format!("country:{country}"));
        }
    }
    terms.into_iter().collect()
}

/// Days since 1970-01-01.
pub(crate) fn day_number(date: Date) -> i32 {
    let epoch = jiff::civil::date(1970, 1, 1);
    date.since(epoch).map(|span| span.get_days()).unwrap_or(0)
}

/// Clusters articles already in (date, id) order; the story of each, as the index of
/// its first article.
pub fn cluster(items: &[Item], config: StoryConfig) -> Vec<usize> {
    let mut clusterer = Clusterer::new(config);
    let mut first_of_story: Vec<usize> = Vec::new();
    let stories: Vec<usize> = items
        .iter()
        .enumerate()
        .map(|(at, item)| {
            let story = clusterer.add(item);
            if story == first_of_story.len() {
                first_of_story.push(at);
            }
            story
        })
        .collect();
    stories
        .into_iter()
        .map(|story| first_of_story[clusterer.root(story)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item<'a>(id: &'a str, date: &str, text: &'a str) -> Item<'a> {
        Item {
            id,
            date: date.parse().unwrap(),
            text,
            actors: &[],
        }
    }

    #[test]
    fn articles_about_one_thing_share_a_story_and_others_do_not() {
        let items = [
            item(
                "a",
                "2031-03-01",
                "Floods in Veldmark displace thousands along the Orlen river.",
            ),
            item(
                "b",
                "2031-03-02",
                "Hesselwyn parliament elects a new speaker after a long vote.",
            ),
            item(
                "c",
                "2031-03-03",
                "Orlen river floods in Veldmark reach the capital, thousands displaced.",
            ),
        ];
        let stories = cluster(&items, StoryConfig::DEFAULT);
        assert_eq!(stories, vec![0, 1, 0]);
    }

    #[test]
    fn a_story_quiet_for_longer_than_its_active_days_is_closed() {
        let items = [
            item(
                "a",
                "2031-01-01",
                "Floods in Veldmark displace thousands along the Orlen river.",
            ),
            item(
                "b",
                "2031-12-01",
                "Orlen river floods in Veldmark displace thousands again.",
            ),
        ];
        let config = StoryConfig {
            active_days: 30,
            ..StoryConfig::DEFAULT
        };
        assert_eq!(cluster(&items, config), vec![0, 1]);
        let config = StoryConfig {
            active_days: 0,
            ..StoryConfig::DEFAULT
        };
        assert_eq!(cluster(&items, config), vec![0, 0]);
    }

    #[test]
    fn an_article_close_to_two_stories_merges_them_under_the_older_name() {
        let items = [
            item(
                "a",
                "2031-03-01",
                "Floods in the Orlen valley of Veldmark displace thousands.",
            ),
            item(
                "b",
                "2031-03-02",
                "Engineers warn the Hesselwyn dam reservoir may collapse.",
            ),
            item(
                "c",
                "2031-03-03",
                "The Hesselwyn dam collapse sends floods down the Orlen valley of Veldmark; engineers warn of more.",
            ),
        ];
        let apart = StoryConfig {
            threshold: 0.2,
            merge_threshold: 0.0,
            ..StoryConfig::DEFAULT
        };
        assert_eq!(cluster(&items, apart)[..2], [0, 1]);
        let merging = StoryConfig {
            threshold: 0.2,
            merge_threshold: 0.2,
            ..StoryConfig::DEFAULT
        };
        assert_eq!(cluster(&items, merging), vec![0, 0, 0]);
    }

    /// Articles from a few overlapping vocabularies over a few months, so that
    /// stories start, grow, close and merge.
    fn corpus() -> Vec<(String, String, String)> {
        let words = [
            "flood",
            "river",
            "dam",
            "Orlen",
            "Veldmark",
            "vote",
            "speaker",
            "Hesselwyn",
            "parliament",
            "strike",
            "port",
            "wages",
            "union",
            "Marsk",
            "talks",
            "border",
        ];
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        (0..400)
            .map(|i| {
                let theme = next() % 4;
                let text: Vec<&str> = (0..8)
                    .map(|_| words[(theme * 4 + next() % 6) % words.len()])
                    .collect();
                let day = 1 + i / 3;
                let date = jiff::civil::date(2031, 1, 1) + jiff::Span::new().days(day as i64);
                (format!("a{i:03}"), date.to_string(), text.join(" "))
            })
            .collect()
    }

    #[test]
    fn a_pass_continued_from_its_encoded_state_matches_one_uninterrupted() {
        let corpus = corpus();
        let items: Vec<Item> = corpus.iter().map(|(id, d, t)| item(id, d, t)).collect();
        let run = |stops: &[usize]| {
            let mut clusterer = Clusterer::new(StoryConfig::DEFAULT);
            let mut out = Vec::new();
            for (at, item) in items.iter().enumerate() {
                if stops.contains(&at) {
                    let bytes = clusterer.encode();
                    clusterer = Clusterer::decode(StoryConfig::DEFAULT, &bytes).unwrap();
                }
                out.push((clusterer.add(item), clusterer.take_merges()));
            }
            (out, clusterer.encode())
        };
        let (whole, state) = run(&[]);
        assert!(
            whole.iter().any(|(_, merges)| !merges.is_empty()),
            "no merge made"
        );
        assert!(
            whole.iter().map(|(s, _)| s).max() > Some(&3),
            "too few stories"
        );
        let (continued, continued_state) = run(&[1, 57, 200, 399]);
        assert_eq!(whole, continued);
        assert_eq!(state, continued_state);
        for cut in [0, 4, state.len() / 2, state.len() - 1] {
            assert!(Clusterer::decode(StoryConfig::DEFAULT, &state[..cut]).is_none());
        }
    }
}
