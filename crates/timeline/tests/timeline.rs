//! Stance, shifts and corroboration over hand-made records.

use std::collections::HashMap;

use dateline_core::{Date, Event, EventActor, Span, Speaker, Statement};
use dateline_timeline::{ArticleInfo, Record, build, event_stance};

fn day(d: &str) -> Date {
    d.parse().unwrap()
}

fn span(text: &str) -> Span {
    Span {
        start: 0,
        end: text.chars().count(),
        text: text.to_string(),
    }
}

fn side(id: &str) -> EventActor {
    EventActor {
        actor_id: Some(id.to_string()),
        code: id.to_uppercase(),
        span: span(id),
    }
}

fn event(article: &str, n: usize, code: &str, date: &str, source: &str, target: &str) -> Event {
    Event {
        id: format!("{article}:{n}"),
        article_id: article.to_string(),
        date: day(date),
        event_date: day(date),
        code: code.to_string(),
        root: code[..2].to_string(),
        quad_class: 1,
        goldstein: if code.starts_with('1') { -4.0 } else { 4.0 },
        plover: None,
        source: side(source),
        target: Some(side(target)),
        negated: false,
        hypothetical: false,
        conditions: Vec::new(),
        reported_by: None,
        evidence: span("verb"),
        confidence: 1.0,
    }
}

fn statement(article: &str, date: &str, speaker: &str, words: &str) -> Statement {
    Statement {
        id: format!("{article}:s"),
        article_id: article.to_string(),
        date: day(date),
        said_on: None,
        kind: "direct".into(),
        speaker: Speaker {
            span: None,
            name: speaker.to_string(),
            actor_id: Some(speaker.to_lowercase()),
            resolved_from: None,
            anonymous: false,
            description: None,
        },
        cue: span("said"),
        content: span(words),
        via: None,
        about: Vec::new(),
        evidence: span(words),
    }
}

fn articles(list: &[(&str, &str, &str, Option<&str>)]) -> HashMap<String, ArticleInfo> {
    list.iter()
        .map(|(id, date, source, dup_of)| {
            (
                id.to_string(),
                ArticleInfo {
                    id: id.to_string(),
                    date: day(date),
                    title: None,
                    source: Some(source.to_string()),
                    dup_of: dup_of.map(str::to_string),
                },
            )
        })
        .collect()
}

#[test]
fn a_refusal_then_an_offer_on_conditions_is_a_shift() {
    let refuse = event("a1", 0, "125", "2031-03-01", "vld", "hld");
    let mut offer = event("a2", 0, "036", "2031-03-09", "vld", "hld");
    offer.conditions = vec![span("if the blockade ends")];
    let known = articles(&[
        ("a1", "2031-03-01", "Ledger", None),
        ("a2", "2031-03-09", "Courier", None),
    ]);
    // Given out of order: the timeline orders by when things happened.
    let t = build(
        vec![Record::Event(offer), Record::Event(refuse)],
        &known,
        Some("negotiation"),
    );
    let stances: Vec<(i8, bool)> = t
        .entries
        .iter()
        .map(|e| {
            let s = e.stance.as_ref().unwrap();
            (s.polarity, s.shift)
        })
        .collect();
    assert_eq!(stances, vec![(-1, false), (0, true)]);
    assert_eq!(t.stances.len(), 2);
    assert_eq!(t.stances[1].conditions[0].text, "if the blockade ends");
}

#[test]
fn the_same_polarity_again_is_no_shift_and_counterparts_are_separate() {
    let known = articles(&[
        ("a1", "2031-03-01", "Ledger", None),
        ("a2", "2031-03-02", "Ledger", None),
        ("a3", "2031-03-03", "Ledger", None),
    ]);
    let t = build(
        vec![
            Record::Event(event("a1", 0, "036", "2031-03-01", "vld", "hld")),
            Record::Event(event("a2", 0, "046", "2031-03-02", "vld", "hld")),
            Record::Event(event("a3", 0, "125", "2031-03-03", "vld", "arn")),
        ],
        &known,
        Some("negotiation"),
    );
    assert!(t.entries.iter().all(|e| !e.stance.as_ref().unwrap().shift));
}

#[test]
fn negation_turns_an_offer_into_a_refusal() {
    let mut e = event("a1", 0, "036", "2031-03-01", "vld", "hld");
    assert_eq!(event_stance(&e, "negotiation"), Some(1));
    e.negated = true;
    assert_eq!(event_stance(&e, "negotiation"), Some(-1));
    let threat = event("a1", 1, "138", "2031-03-01", "vld", "hld");
    assert_eq!(event_stance(&threat, "negotiation"), None);
    let demand = event("a1", 2, "1056", "2031-03-01", "vld", "hld");
    assert_eq!(event_stance(&demand, "negotiation"), Some(0));
    let veto = event("a1", 3, "129", "2031-03-01", "vld", "hld");
    assert_eq!(event_stance(&veto, "negotiation"), Some(-1));
    assert_eq!(event_stance(&threat, "relations"), Some(-1));
}

#[test]
fn copies_and_one_outlet_count_once() {
    // Three reports of one event: a wire story, its near-duplicate in another
    // outlet, and an independent report; and the first outlet again.
    let known = articles(&[
        ("wire", "2031-03-01", "Wire", None),
        ("copy", "2031-03-01", "Gazette", Some("wire")),
        ("own", "2031-03-02", "Courier", None),
        ("again", "2031-03-02", "Wire", None),
    ]);
    let records = ["wire", "copy", "own", "again"]
        .iter()
        .map(|a| Record::Event(event(a, 0, "036", "2031-03-01", "vld", "hld")))
        .collect();
    let t = build(records, &known, None);
    assert_eq!(t.entries.len(), 1, "{:#?}", t.entries);
    assert_eq!(t.entries[0].article_id, "wire");
    assert_eq!(t.entries[0].outlets, 2);
    assert_eq!(t.entries[0].reports.len(), 4);
}

#[test]
fn statements_are_on_topic_by_their_words_and_grouped_by_speaker_and_opening() {
    let known = articles(&[
        ("a1", "2031-03-01", "Ledger", None),
        ("a2", "2031-03-01", "Courier", None),
        ("a3", "2031-03-01", "Courier", None),
    ]);
    let t = build(
        vec![
            Record::Statement(statement(
                "a1",
                "2031-03-01",
                "Marsk",
                "We are ready for talks.",
            )),
            Record::Statement(statement(
                "a2",
                "2031-03-01",
                "Marsk",
                "We are ready for talks",
            )),
            Record::Statement(statement(
                "a3",
                "2031-03-01",
                "Marsk",
                "The harvest was good.",
            )),
        ],
        &known,
        Some("negotiation"),
    );
    assert_eq!(t.entries.len(), 1);
    assert_eq!(t.entries[0].outlets, 2);
    assert!(t.entries[0].summary.starts_with("Marsk: “We are ready"));
}

#[test]
fn a_record_of_an_unknown_article_is_left_out() {
    let t = build(
        vec![Record::Event(event(
            "ghost",
            0,
            "036",
            "2031-03-01",
            "vld",
            "hld",
        ))],
        &HashMap::new(),
        None,
    );
    assert!(t.entries.is_empty() && t.stances.is_empty());
}

#[test]
fn statements_carry_stance_from_their_words() {
    use dateline_timeline::statement_stance;
    let said = |words: &str| {
        statement_stance(
            &statement("a1", "2031-03-01", "Marsk", words),
            "negotiation",
        )
    };
    assert_eq!(said("There will be no talks."), Some(-1));
    assert_eq!(said("We won't negotiate with them."), Some(-1));
    assert_eq!(
        said("We will sit down with them on condition that the guards leave."),
        Some(0)
    );
    assert_eq!(said("We are ready to resume talks."), Some(1));
    assert_eq!(said("The talks were held in a hotel."), None);
    assert_eq!(said("The harvest was good."), None);
    let marsk = |date: &str, article: &str, words: &str| {
        let mut s = statement(article, date, "Marsk", words);
        s.id = format!("{article}:0");
        Record::Statement(s)
    };
    let known = articles(&[
        ("a1", "2031-03-01", "Ledger", None),
        ("a2", "2031-03-27", "Ledger", None),
    ]);
    let t = build(
        vec![
            marsk("2031-03-01", "a1", "There will be no talks."),
            marsk(
                "2031-03-27",
                "a2",
                "We will sit down with them on condition that the guards leave.",
            ),
        ],
        &known,
        Some("negotiation"),
    );
    let last = t.entries[1].stance.as_ref().unwrap();
    assert_eq!(
        (last.previous, last.polarity, last.shift),
        (Some(-1), 0, true)
    );
}
