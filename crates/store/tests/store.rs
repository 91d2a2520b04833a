//! Behaviour of the store: idempotent writes, duplicate groups, search and as-of.

use dateline_core::{Article, content_id};
use dateline_store::{AddOutcome, ArticleSearch, DateWindow, SearchQuery, Store};
use jiff::civil::{Date, date};
use proptest::prelude::*;

const WIRE: &str = "The foreign ministry of the fictional Republic of Tarnland said on Monday \
    that it would send a delegation to the lakeside talks, provided that the border posts \
    were withdrawn. A spokesman added that the offer would lapse at the end of the month. \
    Officials in the neighbouring kingdom did not respond to requests for comment.";

fn article(id: Option<&str>, day: Date, text: &str) -> Article {
    Article {
        id: id.map_or_else(|| content_id(text), str::to_string),
        date: day,
        title: Some("Lakeside talks".into()),
        text: text.into(),
        source: Some("Fictional Wire".into()),
        url: None,
        lang: "en".into(),
        dup_of: None,
        meta: None,
    }
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db")).unwrap();
    (dir, store)
}

#[test]
fn re_adding_the_same_article_is_a_no_op() {
    let (_dir, mut store) = open();
    let a = article(None, date(2031, 3, 2), WIRE);
    let mut w = store.writer().unwrap();
    assert_eq!(w.add(&a).unwrap(), AddOutcome::New);
    assert_eq!(w.add(&a).unwrap(), AddOutcome::AlreadyStored);
    w.finish().unwrap();
    assert_eq!(store.counts().unwrap().articles, 1);
    assert_eq!(store.article(&a.id).unwrap().unwrap(), a);
}

#[test]
fn same_id_with_other_text_is_a_conflict_and_keeps_the_stored_one() {
    let (_dir, mut store) = open();
    let mut w = store.writer().unwrap();
    w.add(&article(Some("x1"), date(2031, 3, 2), WIRE)).unwrap();
    assert_eq!(
        w.add(&article(Some("x1"), date(2031, 3, 2), "Other words."))
            .unwrap(),
        AddOutcome::IdConflict
    );
    w.finish().unwrap();
    assert_eq!(store.article("x1").unwrap().unwrap().text, WIRE);
}

#[test]
fn syndicated_copy_points_at_the_original() {
    let (_dir, mut store) = open();
    let copy_text = format!("{WIRE} This story was distributed by a fictional wire service.");
    let mut w = store.writer().unwrap();
    w.add(&article(Some("wire"), date(2031, 3, 2), WIRE))
        .unwrap();
    let outcome = w
        .add(&article(Some("copy"), date(2031, 3, 3), &copy_text))
        .unwrap();
    assert_eq!(
        outcome,
        AddOutcome::Duplicate {
            of: "wire".into(),
            exact: false
        }
    );
    let exact = w
        .add(&article(
            Some("exact"),
            date(2031, 3, 3),
            &WIRE.to_uppercase(),
        ))
        .unwrap();
    assert_eq!(
        exact,
        AddOutcome::Duplicate {
            of: "wire".into(),
            exact: true
        }
    );
    w.finish().unwrap();
    assert_eq!(
        store.article("copy").unwrap().unwrap().dup_of.as_deref(),
        Some("wire")
    );
    assert_eq!(store.article("wire").unwrap().unwrap().dup_of, None);
    assert_eq!(store.counts().unwrap().duplicates, 2);
}

#[test]
fn an_earlier_dated_copy_heads_the_group_whatever_the_arrival_order() {
    let (_dir, mut store) = open();
    let late = format!("{WIRE} Republished with permission.");
    let mut w = store.writer().unwrap();
    w.add(&article(Some("late"), date(2031, 3, 9), &late))
        .unwrap();
    w.add(&article(
        Some("later"),
        date(2031, 3, 10),
        &format!("{late} Footer."),
    ))
    .unwrap();
    w.add(&article(Some("first"), date(2031, 3, 2), WIRE))
        .unwrap();
    w.finish().unwrap();
    for id in ["late", "later"] {
        assert_eq!(
            store.article(id).unwrap().unwrap().dup_of.as_deref(),
            Some("first"),
            "{id}"
        );
    }
    assert_eq!(store.article("first").unwrap().unwrap().dup_of, None);
}

#[test]
fn search_ranks_matches_and_respects_as_of() {
    let (_dir, mut store) = open();
    let mut w = store.writer().unwrap();
    w.add(&article(
        Some("a"),
        date(2031, 3, 2),
        "The ferry strike ended when the union accepted the offer.",
    ))
    .unwrap();
    w.add(&article(
        Some("b"),
        date(2031, 4, 2),
        "A second ferry strike began as talks on ferry wages failed.",
    ))
    .unwrap();
    w.add(&article(
        Some("c"),
        date(2031, 4, 3),
        "Farmers met the minister to discuss grain.",
    ))
    .unwrap();
    w.finish().unwrap();
    let query = |text: &str, as_of: Option<Date>| {
        SearchQuery::new(
            text,
            DateWindow {
                as_of,
                ..DateWindow::default()
            },
        )
    };
    let hits = store.search(&query("ferry strike", None)).unwrap();
    assert_eq!(
        hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        ["b", "a"]
    );
    assert!(hits[0].snippet.contains("«ferry»"), "{}", hits[0].snippet);
    let hits = store
        .search(&query("ferry", Some(date(2031, 4, 1))))
        .unwrap();
    assert_eq!(
        hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        ["a"]
    );
}

#[test]
fn reopening_applies_no_migration_twice_and_refuses_newer_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    drop(Store::open(&path).unwrap());
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Store::open(&path)
        .err()
        .expect("newer schema must be refused");
    assert!(err.to_string().contains("newer"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn no_user_query_makes_search_fail_except_an_empty_one(q in "\\PC{0,30}") {
        let (_dir, mut store) = open();
        let mut w = store.writer().unwrap();
        w.add(&article(Some("a"), date(2031, 3, 2), WIRE)).unwrap();
        w.finish().unwrap();
        let result = store.search(&SearchQuery::new(&q, DateWindow::default()));
        match result {
            Ok(_) => {}
            Err(dateline_store::StoreError::Query(_)) => prop_assert!(!q.chars().any(char::is_alphanumeric)),
            Err(e) => prop_assert!(false, "query {q:?} failed: {e}"),
        }
    }
}

/// A story of ~80 distinct words drawn from a seed, so different seeds share nothing.
fn story(seed: u64) -> String {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..80)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            format!("w{}", state % 100_000)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Whatever order copies arrive in, every group ends up pointing at its
    /// earliest-dated member, and ingesting everything again changes nothing.
    #[test]
    fn duplicate_groups_do_not_depend_on_arrival_order(order in Just((0..9usize).collect::<Vec<_>>()).prop_shuffle()) {
        let mut items = Vec::new();
        for group in 0..3u64 {
            let base = story(group + 1);
            for copy in 0..3u64 {
                let text = if copy == 0 { base.clone() } else { format!("{base} footer{copy} of outlet{copy}") };
                let day = date(2031, 3, 1 + (group * 3 + (2 - copy)) as i8);
                items.push(article(Some(&format!("g{group}c{copy}")), day, &text));
            }
        }
        let (_dir, mut store) = open();
        let mut w = store.writer().unwrap();
        for &i in &order {
            w.add(&items[i]).unwrap();
        }
        for item in &items {
            prop_assert_eq!(w.add(item).unwrap(), AddOutcome::AlreadyStored);
        }
        w.finish().unwrap();
        for group in 0..3 {
            // Copy 2 has the earliest date in each group.
            let head = format!("g{group}c2");
            prop_assert_eq!(store.article(&head).unwrap().unwrap().dup_of, None);
            for copy in 0..2 {
                let id = format!("g{group}c{copy}");
                prop_assert_eq!(store.article(&id).unwrap().unwrap().dup_of, Some(head.clone()), "{}", id);
            }
        }
        prop_assert_eq!(store.counts().unwrap().articles, 9);
    }
}

/// A text `edits` words away from a 120-word base: variants of one base resemble each
/// other to different degrees, so chains (A like B, B like C, A not like C) occur.
fn variant(base: u8, edits: &[(u8, u8)]) -> String {
    let mut words: Vec<String> = (0..120).map(|i| format!("w{base}x{i}")).collect();
    for &(at, with) in edits {
        words[at as usize] = format!("edit{with}");
    }
    words.join(" ")
}

/// The duplicate rule applied to a whole set at once, as the Spark job applies it:
/// in (date, id) order, each article's match is its best earlier article at or above
/// the threshold (exact first, then similarity, then earliest); its head is the
/// match's head.
fn groups_at_once(articles: &[Article]) -> Vec<(String, Option<String>)> {
    use dateline_dedupe::{MatchKey, Signature, THRESHOLD};
    let mut sorted: Vec<&Article> = articles.iter().collect();
    sorted.sort_by_key(|a| (a.date, a.id.clone()));
    let dates: Vec<String> = sorted.iter().map(|a| a.date.to_string()).collect();
    let signatures: Vec<Signature> = sorted.iter().map(|a| Signature::of_text(&a.text)).collect();
    let hashes: Vec<i64> = sorted
        .iter()
        .map(|a| dateline_core::content_hash(&a.text))
        .collect();
    let mut head: Vec<usize> = (0..sorted.len()).collect();
    for i in 0..sorted.len() {
        let best = (0..i)
            .filter(|&j| {
                signatures[i].similarity(&signatures[j]) >= THRESHOLD || hashes[i] == hashes[j]
            })
            .max_by(|&a, &b| {
                let key = |j: usize| MatchKey {
                    exact: hashes[j] == hashes[i],
                    similarity: signatures[i].similarity(&signatures[j]),
                    date: &dates[j],
                    id: &sorted[j].id,
                };
                key(a).preference(&key(b))
            });
        if let Some(j) = best {
            head[i] = head[j];
        }
    }
    let mut out: Vec<(String, Option<String>)> = (0..sorted.len())
        .map(|i| {
            let h = head[i];
            (sorted[i].id.clone(), (h != i).then(|| sorted[h].id.clone()))
        })
        .collect();
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever order copies arrive in, the store forms the groups the rule applied to
    /// the whole set forms, and it does not depend on the arrival order.
    #[test]
    fn chains_of_near_copies_group_as_the_rule_says_in_any_order(
        specs in proptest::collection::vec(
            (0u8..2, proptest::collection::vec((0u8..120, 0u8..3), 0..6), 1i8..4),
            2..9,
        ),
        order in proptest::collection::vec(any::<u32>(), 9),
    ) {
        let articles: Vec<Article> = specs
            .iter()
            .enumerate()
            .map(|(i, (base, edits, day))| {
                article(Some(&format!("a{i}")), date(2031, 3, *day), &variant(*base, edits))
            })
            .collect();
        let mut shuffled: Vec<&Article> = articles.iter().collect();
        shuffled.sort_by_key(|a| order[a.id[1..].parse::<usize>().unwrap()]);
        let (_dir, mut store) = open();
        let mut w = store.writer().unwrap();
        for a in &shuffled {
            w.add(a).unwrap();
        }
        w.finish().unwrap();
        let mut stored: Vec<(String, Option<String>)> = articles
            .iter()
            .map(|a| (a.id.clone(), store.article(&a.id).unwrap().unwrap().dup_of))
            .collect();
        stored.sort();
        prop_assert_eq!(stored, groups_at_once(&articles));
    }
}

#[test]
fn stores_opened_at_once_on_a_new_file_all_open_and_all_write() {
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
        let writers: Vec<_> = (0..4)
            .map(|i| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let mut store = Store::open(&path)
                        .unwrap_or_else(|e| panic!("round {round}, opener {i}: {e}"));
                    let mut writer = store.writer().unwrap();
                    let text = format!("Dispatch {i} of round {round} from the fictional coast.");
                    writer.add(&article(None, date(2031, 3, 1), &text)).unwrap();
                    writer.finish().unwrap();
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        assert_eq!(Store::open(&path).unwrap().counts().unwrap().articles, 4);
    }
}

/// A word of [`story`] `seed`.
fn story_word(seed: u64) -> String {
    story(seed).split(' ').next().unwrap().to_string()
}

/// A copy of a directory's files (the index is flat).
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

fn hit_ids(store: &Store, query: SearchQuery) -> Vec<String> {
    let mut ids: Vec<String> = store
        .search(&query)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    ids.sort();
    ids
}

fn everything(text: &str) -> SearchQuery {
    SearchQuery {
        limit: 100,
        ..SearchQuery::new(text, DateWindow::default())
    }
}

/// The index is derived: one left behind by a crash (its last commit before the
/// store's), deleted, or belonging to an earlier file of the same name is caught up
/// or rebuilt when the store opens, and the status says so.
#[test]
fn an_index_behind_missing_or_foreign_is_caught_up_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let index = dateline_store::index_dir(&db);
    let saved = dir.path().join("saved-index");
    let add = |store: &mut Store, ids: std::ops::Range<usize>| {
        let mut w = store.writer().unwrap();
        for i in ids {
            w.add(&article(
                Some(&format!("a{i}")),
                date(2031, 3, 1 + i as i8),
                &story(i as u64),
            ))
            .unwrap();
        }
        w.finish().unwrap();
    };
    let mut store = Store::open(&db).unwrap();
    add(&mut store, 0..3);
    drop(store);
    copy_dir(&index, &saved);
    let mut store = Store::open(&db).unwrap();
    add(&mut store, 3..6);
    assert_eq!(
        hit_ids(&store, everything("lakeside")).len(),
        6,
        "titles are indexed"
    );
    let all = hit_ids(&store, everything(&story_word(5)));
    assert_eq!(all, ["a5"]);
    drop(store);

    // A crash between the store's commit and the index's: the index is behind.
    copy_dir(&saved, &index);
    let store = Store::open(&db).unwrap();
    let status = store.search_index_status().unwrap();
    assert_eq!((status.indexed, status.articles, status.pending), (6, 6, 0));
    assert_eq!(hit_ids(&store, everything(&story_word(5))), ["a5"]);
    drop(store);

    // Deleted: rebuilt.
    std::fs::remove_dir_all(&index).unwrap();
    let store = Store::open(&db).unwrap();
    assert_eq!(store.search_index_status().unwrap().indexed, 6);
    assert_eq!(hit_ids(&store, everything(&story_word(4))), ["a4"]);
    drop(store);

    // A new store where an old one was, its index left behind: not taken for its own.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let mut store = Store::open(&db).unwrap();
    assert_eq!(store.search_index_status().unwrap().indexed, 0);
    assert!(hit_ids(&store, everything(&story_word(4))).is_empty());
    add(&mut store, 0..1);
    assert_eq!(hit_ids(&store, everything(&story_word(0))), ["a0"]);
}

/// An earlier copy arriving late makes the stored head a copy; the index's copy flag
/// follows, so "no copies" leaves it out.
#[test]
fn a_head_that_becomes_a_copy_leaves_searches_without_copies() {
    let (_dir, mut store) = open();
    let mut w = store.writer().unwrap();
    w.add(&article(Some("later"), date(2031, 3, 9), WIRE))
        .unwrap();
    w.finish().unwrap();
    let originals = |store: &Store| {
        hit_ids(
            store,
            SearchQuery {
                originals_only: true,
                ..everything("delegation")
            },
        )
    };
    assert_eq!(originals(&store), ["later"]);
    let mut w = store.writer().unwrap();
    w.add(&article(Some("earlier"), date(2031, 3, 2), WIRE))
        .unwrap();
    w.finish().unwrap();
    assert_eq!(originals(&store), ["earlier"]);
    assert_eq!(
        hit_ids(&store, everything("delegation")),
        ["earlier", "later"]
    );
    let other_outlet = SearchQuery {
        source: Some("Another Wire".into()),
        ..everything("delegation")
    };
    assert!(hit_ids(&store, other_outlet).is_empty());
}
