//! The extraction layer in the store: pending work, replacement, an actor registry
//! that respects the as-of window, and annotations made elsewhere re-checked against
//! the facts stored. Extractions here are built by hand (the
//! store does not depend on the pipeline), shaped as `dateline-extract` makes them.

use dateline_core::knowledge::{DatedFact, Gender, Knowledge, PersonFact, Question};
use dateline_core::{
    Actor, ActorCode, Article, CodeOrigin, Extraction, Mention, MentionLabel, ResolvedFrom, Span,
};
use dateline_store::{Annotation, DateWindow, Store};
use jiff::civil::{Date, date};

fn article(id: &str, day: Date, text: &str) -> Article {
    Article::new(id, day, text)
}

/// `names`: (text, actor id, code, resolved_from) in order of appearance.
fn extraction(article: &Article, names: &[(&str, &str, Option<&str>, Option<&str>)]) -> Extraction {
    let mut mentions = Vec::new();
    let mut actors: Vec<Actor> = Vec::new();
    let mut from = 0;
    for (text, id, code, resolved) in names {
        let byte = from + article.text[from..].find(text).expect("name in text");
        let start = article.text[..byte].chars().count();
        from = byte + text.len();
        mentions.push(Mention {
            article_id: article.id.clone(),
            span: Span {
                start,
                end: start + text.chars().count(),
                text: text.to_string(),
            },
            label: MentionLabel::Per,
            actor_id: Some(id.to_string()),
            code: code.map(str::to_string),
            resolved_from: resolved.map(|r| ResolvedFrom::parse(r).expect("a known resolved_from")),
        });
        if !actors.iter().any(|a| a.id == *id) {
            actors.push(Actor {
                id: id.to_string(),
                name: text.to_string(),
                kind: "person".into(),
                aliases: vec![text.to_string()],
                codes: code
                    .map(|c| ActorCode {
                        code: c.to_string(),
                        from: Some(article.date),
                        to: article.date.tomorrow().ok(),
                        origin: CodeOrigin::Text,
                    })
                    .into_iter()
                    .collect(),
            });
        }
    }
    Extraction {
        article: article.clone(),
        mentions,
        actors,
        statements: vec![],
        events: vec![],
    }
}

fn as_of(day: Date) -> DateWindow {
    DateWindow {
        as_of: Some(day),
        ..DateWindow::default()
    }
}

/// Two articles about one fictional politician: in opposition in March, a minister
/// from April under a new spelling.
fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    let march = article(
        "march",
        date(2031, 3, 1),
        "Opposition leader Matvei Orlenko spoke. Orlenko left.",
    );
    let april = article(
        "april",
        date(2031, 4, 22),
        "Foreign Minister Matwei Orlenko spoke.",
    );
    let mut writer = store.writer().unwrap();
    writer.add(&march).unwrap();
    writer.add(&april).unwrap();
    writer.finish().unwrap();
    assert_eq!(store.count_pending_extraction(1).unwrap(), 2);
    let pending = store.pending_extraction(1, 10).unwrap();
    let rowid = |id: &str| pending.iter().find(|(_, a)| a.id == id).unwrap().0;
    let batch = vec![
        (
            rowid("march"),
            extraction(
                &march,
                &[
                    ("Matvei Orlenko", "matvy-orlenko", Some("VLDOPP"), None),
                    ("Orlenko", "matvy-orlenko", Some("VLDOPP"), Some("surname")),
                ],
            ),
        ),
        (
            rowid("april"),
            extraction(
                &april,
                &[("Matwei Orlenko", "matvy-orlenko", Some("VLDGOV"), None)],
            ),
        ),
    ];
    store.save_extractions(1, &batch).unwrap();
    (dir, store)
}

#[test]
fn annotated_articles_are_no_longer_pending_until_the_pipeline_changes() {
    let (_dir, store) = store();
    assert_eq!(store.count_pending_extraction(1).unwrap(), 0);
    assert_eq!(store.count_pending_extraction(2).unwrap(), 2);
}

#[test]
fn re_annotating_replaces_the_mentions() {
    let (_dir, mut store) = store();
    let pending = store.pending_extraction(2, 10).unwrap();
    let (rowid, march) = pending.into_iter().find(|(_, a)| a.id == "march").unwrap();
    let again = extraction(
        &march,
        &[("Matvei Orlenko", "matvy-orlenko", Some("VLDOPP"), None)],
    );
    store.save_extractions(2, &[(rowid, again)]).unwrap();
    let detail = store
        .actor("matvy-orlenko", &DateWindow::default())
        .unwrap()
        .unwrap();
    assert_eq!(
        detail.summary.mentions, 2,
        "one left in March, one in April"
    );
}

#[test]
fn as_of_hides_later_names_codes_and_counts() {
    let (_dir, store) = store();
    let march = store
        .actor("matvy-orlenko", &as_of(date(2031, 3, 31)))
        .unwrap()
        .unwrap();
    assert_eq!(march.summary.mentions, 2);
    assert_eq!(march.aliases, ["Matvei Orlenko", "Orlenko"]);
    assert!(
        !march.aliases.iter().any(|a| a.contains("Matwei")),
        "spelling from April"
    );
    let codes: Vec<&str> = march
        .summary
        .codes
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(codes, ["VLDOPP"], "the ministry is April's news");
    assert_eq!(march.summary.last_seen, date(2031, 3, 1));

    let june = store
        .actor("matvy-orlenko", &DateWindow::default())
        .unwrap()
        .unwrap();
    assert_eq!(june.summary.mentions, 3);
    let codes: Vec<(&str, Option<Date>, Option<Date>)> = june
        .summary
        .codes
        .iter()
        .map(|c| (c.code.as_str(), c.from, c.to))
        .collect();
    assert_eq!(
        codes,
        [
            ("VLDOPP", Some(date(2031, 3, 1)), Some(date(2031, 3, 2))),
            ("VLDGOV", Some(date(2031, 4, 22)), Some(date(2031, 4, 23))),
        ]
    );
    assert!(
        store
            .actor("matvy-orlenko", &as_of(date(2031, 2, 28)))
            .unwrap()
            .is_none()
    );
}

#[test]
fn actors_are_found_by_alias_code_and_part_of_a_name() {
    let (_dir, store) = store();
    let all = DateWindow::default();
    assert_eq!(
        store
            .resolve_actor("matwei orlenko", &all)
            .unwrap()
            .as_deref(),
        Some("matvy-orlenko")
    );
    assert_eq!(
        store.resolve_actor("Orlenko", &all).unwrap().as_deref(),
        Some("matvy-orlenko")
    );
    assert_eq!(
        store
            .resolve_actor("Matwei Orlenko", &as_of(date(2031, 3, 31)))
            .unwrap(),
        None
    );
    assert_eq!(store.actors(Some("VLDG"), &all, 10).unwrap().len(), 1);
    assert_eq!(
        store
            .actors(Some("VLDG"), &as_of(date(2031, 3, 31)), 10)
            .unwrap()
            .len(),
        0
    );
    assert_eq!(store.actors(Some("orlen"), &all, 10).unwrap().len(), 1);
    assert_eq!(
        store.actors(Some("100%"), &all, 10).unwrap().len(),
        0,
        "LIKE wildcards are literal"
    );
    assert_eq!(store.actors(None, &all, 10).unwrap()[0].articles, 2);
}

/// What an article in March says about Ilena Marsk: her code, or her gender.
fn fact(code: Option<&str>, gender: Option<Gender>) -> PersonFact {
    PersonFact {
        actor_id: "ilena-marsk".into(),
        name: "Ilena Marsk".into(),
        surname: "marsk".into(),
        code: code.map(str::to_string),
        gender,
        titles: Vec::new(),
    }
}

/// Two articles stating facts about one person (1 and 5 March) and one asking about
/// her (10 March), stored, with their row ids in that order.
fn facts_and_a_question() -> (tempfile::TempDir, Store, Vec<(i64, Article)>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    let articles = [
        article("code", date(2031, 3, 1), "President Ilena Marsk spoke."),
        article("gender", date(2031, 3, 5), "Mrs Ilena Marsk spoke."),
        article("asks", date(2031, 3, 10), "Ilena Marsk spoke again."),
    ];
    let mut writer = store.writer().unwrap();
    for a in &articles {
        writer.add(a).unwrap();
    }
    writer.finish().unwrap();
    let stored = store.pending_extraction(1, 10).unwrap();
    (dir, store, stored)
}

/// The answer, on 10 March, to who Ilena Marsk is, given `facts` (dated 1 and 5 March).
fn answer(facts: &[(u8, PersonFact)]) -> (Question, i64) {
    let question = Question::Person("ilena-marsk".into());
    let knowledge = Knowledge::new(facts.iter().map(|(day, fact)| DatedFact {
        date: date(2031, 3, i8::try_from(*day).unwrap()),
        fact: fact.clone(),
    }));
    let hash = knowledge.answer_hash(&question, date(2031, 3, 10));
    (question, hash)
}

#[test]
fn annotations_saved_out_of_order_keep_their_mark_once_every_fact_is_stored() {
    // A distributed run annotated "asks" knowing both facts; loading saves it first,
    // and each earlier article's facts then look like a change to its answer.
    let (_dir, mut store, stored) = facts_and_a_question();
    let (code, gender) = (fact(Some("VLDGOV"), None), fact(None, Some(Gender::Female)));
    let asked = [answer(&[(1, code.clone()), (5, gender.clone())])];
    let [a, b, c] = [stored[0].0, stored[1].0, stored[2].0];
    let extractions: Vec<Extraction> = stored.iter().map(|(_, x)| extraction(x, &[])).collect();
    let save = |store: &mut Store, rowid: i64, n: usize, facts: &[PersonFact], asked| {
        let annotation = Annotation {
            rowid,
            extraction: &extractions[n],
            facts,
            asked,
        };
        store.save_annotations(1, &[annotation]).unwrap()
    };
    save(&mut store, c, 2, &[], &asked);
    assert_eq!(
        save(&mut store, a, 0, &[code], &[]),
        1,
        "asks loses its mark"
    );
    save(&mut store, b, 1, &[gender], &[]);
    assert_eq!(store.count_pending_extraction(1).unwrap(), 1);

    let rechecked = store.recheck_answers(1, &[c, a, b]).unwrap();
    assert_eq!((rechecked.holding, rechecked.stale), (3, 0));
    assert_eq!(store.count_pending_extraction(1).unwrap(), 0);
}

#[test]
fn an_annotation_made_without_facts_the_store_holds_is_made_again() {
    // The store knew her gender; a run that never saw that article annotated the
    // others knowing only her code. Saving them together clears nothing.
    let (_dir, mut store, stored) = facts_and_a_question();
    let (code, gender) = (fact(Some("VLDGOV"), None), fact(None, Some(Gender::Female)));
    let extractions: Vec<Extraction> = stored.iter().map(|(_, x)| extraction(x, &[])).collect();
    let gender_facts = [gender];
    store
        .save_annotations(
            1,
            &[Annotation {
                rowid: stored[1].0,
                extraction: &extractions[1],
                facts: &gender_facts,
                asked: &[],
            }],
        )
        .unwrap();
    let code_facts = [code.clone()];
    let asked = [answer(&[(1, code)])];
    let loaded = [
        Annotation {
            rowid: stored[0].0,
            extraction: &extractions[0],
            facts: &code_facts,
            asked: &[],
        },
        Annotation {
            rowid: stored[2].0,
            extraction: &extractions[2],
            facts: &[],
            asked: &asked,
        },
    ];
    assert_eq!(store.save_annotations(1, &loaded).unwrap(), 0);
    assert_eq!(store.count_pending_extraction(1).unwrap(), 0);

    let rechecked = store
        .recheck_answers(1, &[stored[0].0, stored[2].0])
        .unwrap();
    assert_eq!((rechecked.holding, rechecked.stale), (1, 1));
    let pending = store.pending_extraction(1, 10).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].1.id, "asks");
}
