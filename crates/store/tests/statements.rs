//! Statements in the store: every filter of `dateline statements`, the as-of window,
//! and replacement on re-annotation. Records are built by hand, shaped as
//! `dateline-extract` makes them.

use dateline_core::{
    Actor, Article, Extraction, Mention, MentionLabel, Span, Speaker, Statement, Via,
};
use dateline_store::{ActorFilter, DateWindow, StatementQuery, Store};
use jiff::civil::{Date, date};

fn span(text: &str, part: &str) -> Span {
    let byte = text.find(part).expect("part in text");
    let start = text[..byte].chars().count();
    Span {
        start,
        end: start + part.chars().count(),
        text: part.to_string(),
    }
}

/// `speaker`: (name as written, actor id, its code that day); `about`: actor ids.
fn said(
    article: &Article,
    speaker: (&str, Option<&str>),
    content: &str,
    kind: &str,
    via: Option<&str>,
    about: &[&str],
) -> Statement {
    let content = span(&article.text, content);
    Statement {
        id: format!("{}:{}", article.id, content.start),
        article_id: article.id.clone(),
        date: article.date,
        said_on: Some(article.date),
        kind: kind.into(),
        speaker: Speaker {
            span: Some(span(&article.text, speaker.0)),
            name: speaker.0.into(),
            actor_id: speaker.1.map(str::to_string),
            resolved_from: None,
            anonymous: false,
            description: None,
        },
        cue: span(&article.text, "said"),
        evidence: content.clone(),
        content,
        via: via.map(|name| Via {
            name: name.into(),
            actor_id: None,
        }),
        about: about.iter().map(|a| a.to_string()).collect(),
    }
}

fn mention(article: &Article, text: &str, actor: &str, code: &str) -> Mention {
    Mention {
        article_id: article.id.clone(),
        span: span(&article.text, text),
        label: MentionLabel::Per,
        actor_id: Some(actor.into()),
        code: Some(code.into()),
        resolved_from: None,
    }
}

fn extraction(article: &Article, mentions: Vec<Mention>, statements: Vec<Statement>) -> Extraction {
    let actors = mentions
        .iter()
        .map(|m| Actor {
            id: m.actor_id.clone().unwrap(),
            name: m.span.text.clone(),
            kind: "person".into(),
            aliases: vec![],
            codes: vec![],
        })
        .collect();
    Extraction {
        article: article.clone(),
        mentions,
        actors,
        statements,
        events: vec![],
    }
}

const MARCH: &str = "Ilena Marsk said \"there will be no talks\" about Haldmere. A fisherman said the nets were empty, The Harbour Ledger reported.";
const APRIL: &str = "Ilena Marsk said Veldora was open to talks with Haldmere.";

fn articles() -> (Article, Article) {
    (
        Article::new("march", date(2031, 3, 4), MARCH),
        Article::new("april", date(2031, 4, 20), APRIL),
    )
}

/// Marsk speaks in March (a quote about Haldmere; a fisherman is relayed by the
/// Ledger) and in April (reported, about Haldmere).
fn store() -> (tempfile::TempDir, Store, Vec<(i64, Extraction)>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    let (march, april) = articles();
    let mut writer = store.writer().unwrap();
    writer.add(&march).unwrap();
    writer.add(&april).unwrap();
    writer.finish().unwrap();
    let pending = store.pending_extraction(1, 10).unwrap();
    let rowid = |id: &str| pending.iter().find(|(_, a)| a.id == id).unwrap().0;
    let batch = vec![
        (
            rowid("march"),
            extraction(
                &march,
                vec![
                    mention(&march, "Ilena Marsk", "ilena-marsk", "VLDGOV"),
                    mention(&march, "Haldmere", "haldmere", "HLD"),
                ],
                vec![
                    said(
                        &march,
                        ("Ilena Marsk", Some("ilena-marsk")),
                        "there will be no talks",
                        "direct",
                        None,
                        &["haldmere"],
                    ),
                    said(
                        &march,
                        ("A fisherman", None),
                        "the nets were empty",
                        "indirect",
                        Some("The Harbour Ledger"),
                        &[],
                    ),
                ],
            ),
        ),
        (
            rowid("april"),
            extraction(
                &april,
                vec![
                    mention(&april, "Ilena Marsk", "ilena-marsk", "VLDGOV"),
                    mention(&april, "Haldmere", "haldmere", "HLD"),
                ],
                vec![said(
                    &april,
                    ("Ilena Marsk", Some("ilena-marsk")),
                    "Veldora was open to talks with Haldmere",
                    "indirect",
                    None,
                    &["haldmere", "veldora"],
                )],
            ),
        ),
    ];
    store.save_extractions(1, &batch).unwrap();
    (dir, store, batch)
}

fn ids(store: &Store, query: StatementQuery) -> Vec<String> {
    store
        .statements(&query)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect()
}

fn as_of(day: Date) -> DateWindow {
    DateWindow {
        as_of: Some(day),
        ..DateWindow::default()
    }
}

#[test]
fn statements_come_back_as_stored_in_date_order() {
    let (_dir, store, batch) = store();
    let stored = store.statements(&StatementQuery::default()).unwrap();
    let written: Vec<&Statement> = batch.iter().flat_map(|(_, e)| &e.statements).collect();
    assert_eq!(stored.iter().collect::<Vec<_>>(), written);
}

#[test]
fn each_filter_narrows_the_list() {
    let (_dir, store, _) = store();
    let marsk = || Some(ActorFilter::Actor("ilena-marsk".into()));
    let q = |f: fn(&mut StatementQuery)| {
        let mut query = StatementQuery::default();
        f(&mut query);
        query
    };
    assert_eq!(
        ids(
            &store,
            StatementQuery {
                speaker: marsk(),
                ..q(|_| ())
            }
        ),
        ["march:18", "april:17"]
    );
    assert_eq!(
        ids(
            &store,
            q(|q| q.speaker = Some(ActorFilter::CodePrefix("VLD".into())))
        ),
        ["march:18", "april:17"]
    );
    assert!(
        ids(
            &store,
            q(|q| q.speaker = Some(ActorFilter::CodePrefix("HLD".into())))
        )
        .is_empty()
    );
    // A speaker no actor stands for is still found by name, in any case.
    assert_eq!(
        ids(
            &store,
            q(|q| q.speaker = Some(ActorFilter::Name("a FISHERMAN".into())))
        ),
        ["march:75"]
    );
    assert_eq!(
        ids(
            &store,
            q(|q| q.about = Some(ActorFilter::Actor("haldmere".into())))
        ),
        ["march:18", "april:17"]
    );
    assert_eq!(
        ids(
            &store,
            q(|q| q.about = Some(ActorFilter::CodePrefix("HL".into())))
        ),
        ["march:18", "april:17"]
    );
    assert!(
        ids(
            &store,
            q(|q| q.about = Some(ActorFilter::Name("Haldmere".into())))
        )
        .is_empty()
    );
    assert_eq!(
        ids(&store, q(|q| q.via = Some("harbour ledger".into()))),
        ["march:75"]
    );
    assert_eq!(
        ids(&store, q(|q| q.via = Some("Ledger".into()))),
        ["march:75"]
    );
    assert!(
        ids(&store, q(|q| q.via = Some("%".into()))).is_empty(),
        "LIKE wildcards are literal"
    );
    assert_eq!(
        ids(&store, q(|q| q.kind = Some("direct".into()))),
        ["march:18"]
    );
    assert_eq!(ids(&store, q(|q| q.limit = Some(1))), ["march:18"]);
}

#[test]
fn as_of_admits_nothing_published_later() {
    let (_dir, store, _) = store();
    let query = StatementQuery {
        speaker: Some(ActorFilter::Actor("ilena-marsk".into())),
        window: as_of(date(2031, 3, 31)),
        ..StatementQuery::default()
    };
    assert_eq!(ids(&store, query), ["march:18"]);
    let before = StatementQuery {
        window: as_of(date(2031, 3, 3)),
        ..StatementQuery::default()
    };
    assert!(ids(&store, before).is_empty());
}

#[test]
fn re_annotating_replaces_statements_and_their_subjects() {
    let (_dir, mut store, batch) = store();
    let (rowid, mut april) = batch
        .into_iter()
        .find(|(_, e)| e.article.id == "april")
        .unwrap();
    april.statements[0].about = vec!["veldora".into()];
    store.save_extractions(2, &[(rowid, april)]).unwrap();
    assert_eq!(ids(&store, StatementQuery::default()).len(), 3, "no copies");
    let about_haldmere = StatementQuery {
        about: Some(ActorFilter::Actor("haldmere".into())),
        ..StatementQuery::default()
    };
    assert_eq!(ids(&store, about_haldmere), ["march:18"]);
}
