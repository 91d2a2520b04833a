//! The as-of guarantee, as a property: over random corpora, every answer a store of
//! the whole corpus gives "as of D" equals the answer of a store that only ever saw
//! the articles published by D. Statements, events, the actor registry (names,
//! aliases, codes, counts), name resolution, annotated articles, search hits and
//! timelines (with stance, shifts and outlet counts) are compared.
//!
//! Articles are annotated as an ingest does (`dateline_pipeline::annotate_pending`),
//! each with what the articles dated on or before it said, and the whole store is
//! ingested in several runs in a shuffled order, so later-dated articles are often
//! annotated before earlier ones arrive. A second property: any ingest order and
//! any split into runs give the same records.
//!
//! One deliberate exception: search *ranking* uses BM25, whose term statistics
//! cover the whole index, so only the set of hits and their snippets are compared,
//! not their order or scores.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dateline_actors::Dictionary;
use dateline_core::{Article, Date};
use dateline_query::{TimelineRequest, annotated_article, resolve_actor, timeline};
use dateline_store::{ArticleSearch, DateWindow, EventQuery, SearchQuery, StatementQuery, Store};
use proptest::prelude::*;
use serde_json::{Value, json};

fn dictionary() -> &'static Dictionary {
    static DICTIONARY: OnceLock<Dictionary> = OnceLock::new();
    DICTIONARY.get_or_init(|| {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/dictionary/fictional.actors");
        dateline_actors::shipped().with_user_file(&file).unwrap().0
    })
}

/// Sentences about the fictional countries of `examples/`; `{a}` and `{b}` are
/// countries, `{p}` a person, `{q}` another, `{ps}` the person's surname alone.
const SENTENCES: [&str; 15] = [
    "{ps} said {a} would answer within a week.",
    "Defence Minister {p} of {a} inspected the fleet.",
    "{p} criticised {b} for the blockade.",
    "{p}, the foreign minister of {a}, said on Tuesday that there would be no talks with {b}.",
    "“We are ready to sit down with {b} on condition that the guards leave,” {p} said.",
    "{a} accused {b} of staging the clash near the border.",
    "Troops from {a} attacked positions held by {b} on the island.",
    "{p} met {q} in Calloway Sound on Monday to discuss a ceasefire.",
    "{a} agreed to resume negotiations with {b} next week.",
    "“There will be no talks,” {p} told reporters in Marrowick.",
    "{b} rejected the proposal from {a} to open talks.",
    "{p} said {a} would not negotiate about its own territory.",
    "The government of {a} demanded that {b} withdraw its forces.",
    "{q}, a spokesman for {b}, said the talks were going well.",
    "{a} and {b} signed a fishing agreement on Friday.",
];
const COUNTRIES: [&str; 3] = ["Veldora", "Haldmere", "Brisalia"];
const PEOPLE: [&str; 5] = [
    "Ilse Varnaby",
    "Tomas Quillon",
    "Ilena Marsk",
    "Oren Taskell",
    "Mirela Hauke",
];
const OUTLETS: [&str; 3] = ["The Harbour Ledger", "The Calloway Gazette", "Tidepost"];

/// One generated article: day (0–19 after the first), outlet, sentences as
/// (template, countries, people); or, with `copy_of`, a near-copy of an earlier one
/// published by another outlet on its own day.
#[derive(Debug, Clone)]
struct Spec {
    day: u8,
    outlet: usize,
    sentences: Vec<(usize, usize, usize, usize, usize)>,
    copy_of: Option<usize>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0u8..20,
        0..OUTLETS.len(),
        prop::collection::vec(
            (
                0..SENTENCES.len(),
                0..3usize,
                1..3usize,
                0..5usize,
                1..5usize,
            ),
            1..5,
        ),
        prop::option::weighted(0.2, 0usize..8),
    )
        .prop_map(|(day, outlet, sentences, copy_of)| Spec {
            day,
            outlet,
            sentences,
            copy_of,
        })
}

fn articles(specs: &[Spec]) -> Vec<Article> {
    let first: Date = "2031-03-01".parse().unwrap();
    let mut out: Vec<Article> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let text = match spec.copy_of.filter(|&c| c < out.len()) {
            Some(c) => format!("{}\nCopied with thanks.", out[c].text),
            None => spec
                .sentences
                .iter()
                .map(|&(t, a, b, p, q)| {
                    SENTENCES[t]
                        .replace("{a}", COUNTRIES[a])
                        .replace("{b}", COUNTRIES[(a + b) % 3])
                        .replace("{ps}", PEOPLE[p].rsplit(' ').next().unwrap())
                        .replace("{p}", PEOPLE[p])
                        .replace("{q}", PEOPLE[(p + q) % 5])
                })
                .collect::<Vec<_>>()
                .join(" "),
        };
        out.push(Article {
            id: format!("a{i}"),
            date: first
                .checked_add(jiff::Span::new().days(spec.day as i64))
                .unwrap(),
            title: Some(format!("Report {i}")),
            text,
            source: Some(OUTLETS[spec.outlet].to_string()),
            url: None,
            lang: "en".into(),
            dup_of: None,
            meta: None,
        });
    }
    out
}

/// A store of `articles`, stored in the order given in `runs` ingests (each stores
/// its share, then annotates what is pending, as `dateline ingest` does).
fn store_of(dir: &Path, name: &str, articles: &[&Article], runs: usize) -> Store {
    let mut store = Store::open(&dir.join(name)).unwrap();
    let per_run = articles.len().div_ceil(runs.max(1)).max(1);
    for run in articles.chunks(per_run) {
        let mut writer = store.writer().unwrap();
        for a in run {
            writer.add(a).unwrap();
        }
        writer.finish().unwrap();
        dateline_pipeline::annotate_pending(&mut store, dictionary(), |_| {}).unwrap();
    }
    store
}

/// Everything a user can ask, as JSON, through `window`.
fn answers(store: &Store, window: DateWindow) -> Value {
    let statements = store
        .statements(&StatementQuery {
            window,
            ..Default::default()
        })
        .unwrap();
    let events = store
        .events(&EventQuery {
            window,
            ..Default::default()
        })
        .unwrap();
    let actors = store.actors(None, &window, 1000).unwrap();
    let mut details = Vec::new();
    let mut timelines = Vec::new();
    let mut resolved = Vec::new();
    for a in &actors {
        let detail = store.actor(&a.id, &window).unwrap().unwrap();
        for alias in &detail.aliases {
            resolved.push(json!([
                alias,
                resolve_actor(store, alias, &window).unwrap()
            ]));
        }
        details.push(serde_json::to_value(&detail).unwrap());
        for topic in [None, Some("negotiation")] {
            let request = TimelineRequest {
                actor: a.id.clone(),
                with: None,
                topic: topic.map(str::to_string),
                window,
            };
            timelines.push(serde_json::to_value(timeline(store, &request).unwrap()).unwrap());
        }
    }
    let mut article_ids: BTreeSet<String> = BTreeSet::new();
    store
        .for_each_article(&window, |a| {
            article_ids.insert(a.id);
            Ok(())
        })
        .unwrap();
    let annotated: Vec<Value> = (0..20)
        .map(|i| {
            serde_json::to_value(annotated_article(store, &format!("a{i}"), &window).unwrap())
                .unwrap()
        })
        .collect();
    let hits: Vec<BTreeSet<(String, String)>> =
        ["talks", "Veldora", "border OR island", "\"no talks\""]
            .iter()
            .map(|q| {
                store
                    .search(&SearchQuery {
                        limit: 100,
                        ..SearchQuery::new(q, window)
                    })
                    .unwrap()
                    .into_iter()
                    .map(|h| (h.id, h.snippet))
                    .collect()
            })
            .collect();
    // Stories: membership and titles; summaries of each story and of a query.
    let as_of = window.as_of;
    let stories = dateline_query::stories(
        store,
        &dateline_query::StoriesRequest {
            as_of,
            query: None,
            members: true,
            limit: None,
        },
    )
    .unwrap();
    // Every article of the window is in a story (the pipeline clustered them all).
    let in_stories: usize = stories.iter().map(|s| s.articles).sum();
    assert_eq!(in_stories, article_ids.len());
    let summaries: Vec<Value> = stories
        .iter()
        .map(|s| dateline_query::SummaryOf::Story(s.id.clone()))
        .chain([dateline_query::SummaryOf::Query("talks".into())])
        .map(|of| {
            let request = dateline_query::SummarizeRequest {
                of,
                window,
                dates: 3,
                sentences: 2,
            };
            serde_json::to_value(dateline_query::summarize_story(store, &request).unwrap()).unwrap()
        })
        .collect();
    json!({
        "stories": stories,
        "summaries": summaries,
        "articles": article_ids,
        "statements": statements,
        "events": events,
        "actors": actors,
        "details": details,
        "resolved": resolved,
        "timelines": timelines,
        "annotated": annotated,
        "hits": hits,
    })
}

fn scratch() -> PathBuf {
    tempfile::tempdir().unwrap().keep()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn as_of_answers_equal_those_of_a_store_that_never_saw_later_news(
        specs in prop::collection::vec(spec(), 2..9),
        day in 0u8..21,
        order in any::<prop::sample::Index>(),
        runs in 1usize..4,
    ) {
        let articles = articles(&specs);
        let as_of: Date = "2031-03-01".parse::<Date>().unwrap()
            .checked_add(jiff::Span::new().days(day as i64)).unwrap();
        // The whole corpus, stored in a shuffled order (rotated by `order`).
        let mut everything: Vec<&Article> = articles.iter().collect();
        let shift = order.index(everything.len());
        everything.rotate_left(shift);
        let published: Vec<&Article> = everything.iter().copied().filter(|a| a.date <= as_of).collect();
        let dir = scratch();
        let full = store_of(&dir, "full.db", &everything, runs);
        let then = store_of(&dir, "then.db", &published, 1);
        let window = DateWindow { as_of: Some(as_of), ..DateWindow::default() };
        let seen_then = answers(&then, DateWindow::default());
        let seen_later = answers(&full, window);
        std::fs::remove_dir_all(&dir).ok();
        prop_assert_eq!(seen_later, seen_then);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 50, ..ProptestConfig::default() })]

    #[test]
    fn any_ingest_order_gives_the_same_records(
        specs in prop::collection::vec(spec(), 2..9),
        shuffle in prop::collection::vec(any::<prop::sample::Index>(), 8),
        runs in 2usize..5,
    ) {
        let articles = articles(&specs);
        let in_order: Vec<&Article> = articles.iter().collect();
        let mut shuffled = in_order.clone();
        for (i, pick) in shuffle.iter().enumerate().take(shuffled.len()) {
            let j = pick.index(shuffled.len());
            shuffled.swap(i, j);
        }
        let dir = scratch();
        let one_run = store_of(&dir, "in-order.db", &in_order, 1);
        let many_runs = store_of(&dir, "shuffled.db", &shuffled, runs);
        let (a, b) = (
            answers(&one_run, DateWindow::default()),
            answers(&many_runs, DateWindow::default()),
        );
        std::fs::remove_dir_all(&dir).ok();
        prop_assert_eq!(a, b);
    }
}
