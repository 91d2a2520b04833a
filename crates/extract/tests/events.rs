//! The event coder end to end on fictional text, with the shipped CAMEO verb
//! dictionary: codes and their meaning, actors from the parse, voice, compounds,
//! qualifiers, reported events, dates, and hostile input.

use dateline_core::{Article, Event, Extraction};

const FICTION: &str = "VELDORA_ [VLD]\n+VELDORAN\nHALDMERE_ [HLD]\n+HALDISH_\nBRISALIA_ [BRS]\n+BRISALIAN_\n\
     NORTH_OSGILIA_ [NOS]\n";

fn extract(text: &str) -> Extraction {
    let (dictionary, _) = dateline_actors::shipped().with_user_text(FICTION, "fiction");
    // 2031-03-06 is a Thursday.
    let article = Article::new("e", "2031-03-06".parse().unwrap(), text);
    dateline_extract::extract_with(
        article,
        dateline_extract::Dictionaries::with_actors(&dictionary),
    )
}

fn dyads(e: &Extraction) -> Vec<(String, String, String)> {
    e.events
        .iter()
        .map(|v| {
            (
                v.source.code.clone(),
                v.target.as_ref().map_or("---".into(), |t| t.code.clone()),
                v.code.clone(),
            )
        })
        .collect()
}

/// Each event's (source, target) codes, in order.
fn actor_pairs(e: &Extraction) -> Vec<(String, String)> {
    dyads(e).into_iter().map(|(s, t, _)| (s, t)).collect()
}

fn only(e: &Extraction) -> &Event {
    assert_eq!(e.events.len(), 1, "{:#?}", dyads(e));
    &e.events[0]
}

fn dyad(s: &str, t: &str, c: &str) -> (String, String, String) {
    (s.into(), t.into(), c.into())
}

#[test]
fn an_attack_is_coded_with_its_meaning() {
    let e = extract("Veldora attacked Haldmere on Tuesday.");
    let event = only(&e);
    assert_eq!(dyads(&e), [dyad("VLD", "HLD", "190")]);
    assert_eq!(event.root, "19");
    assert_eq!(event.quad_class, 4);
    assert_eq!(event.goldstein, -10.0);
    assert_eq!(event.plover.as_deref(), Some("ASSAULT"));
    assert_eq!(event.event_date.to_string(), "2031-03-04");
    assert!(!event.negated && !event.hypothetical);
    assert!(event.evidence.text.starts_with("Veldora attacked"));
}

#[test]
fn the_passive_agent_is_the_source() {
    let e = extract("Haldmere was attacked by Veldora.");
    assert_eq!(dyads(&e), [dyad("VLD", "HLD", "190")]);
}

#[test]
fn negation_and_possibility_are_flagged() {
    assert!(only(&extract("Veldora did not attack Haldmere.")).negated);
    assert!(only(&extract("Veldora could attack Haldmere.")).hypothetical);
}

#[test]
fn coordinated_actors_give_one_event_each() {
    let e = extract("Veldora and Brisalia accused Haldmere of lying.");
    let mut got = dyads(&e);
    got.sort();
    assert_eq!(got, [dyad("BRS", "HLD", "112"), dyad("VLD", "HLD", "112")]);
}

#[test]
fn an_event_inside_a_statement_is_its_claim() {
    let e = extract("Veldora said Haldmere had attacked Brisalia.");
    let attack = e
        .events
        .iter()
        .find(|v| v.code == "190")
        .expect("the attack");
    let statement = e.statements.first().expect("the statement");
    assert_eq!(attack.reported_by.as_deref(), Some(statement.id.as_str()));
}

#[test]
fn hostile_input_is_bounded() {
    let countries = (0..200)
        .map(|i| if i % 2 == 0 { "Veldora" } else { "Haldmere" })
        .collect::<Vec<_>>()
        .join(", ");
    let started = std::time::Instant::now();
    let e = extract(&format!("{countries} attacked Brisalia."));
    assert!(e.events.len() <= 24, "{} events", e.events.len());
    let long = "Veldora attacked Haldmere and ".repeat(100);
    let _ = extract(&long);
    let _ = extract("no verb here at all just words and Veldora");
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn conditions_are_kept_with_the_act() {
    let e = extract(
        "Veldora offered talks to Haldmere if there are specific, good ideas. \
         Haldmere agreed to meet Veldora as long as the guards stay on the island.",
    );
    let conditions: Vec<Vec<String>> = e
        .events
        .iter()
        .map(|v| v.conditions.iter().map(|c| c.text.clone()).collect())
        .collect();
    assert!(
        conditions.contains(&vec!["if there are specific, good ideas".to_string()]),
        "{conditions:?}"
    );
    assert!(
        conditions.contains(&vec![
            "as long as the guards stay on the island".to_string()
        ]),
        "{conditions:?}"
    );
}

#[test]
fn a_refusal_is_a_rejection_of_what_is_refused() {
    // Not a negated talk: a 12x, by what was refused.
    for text in [
        "Veldora has ruled out talking to Haldmere's president.",
        "Veldora refused to negotiate with Haldmere.",
    ] {
        let e = extract(text);
        let event = only(&e);
        assert_eq!(event.root, "12", "{text}: {:#?}", dyads(&e));
        assert!(!event.negated, "{text}");
        assert_eq!(event.source.code, "VLD");
    }
}

#[test]
fn a_question_is_no_event_and_readiness_is_not_an_act() {
    assert!(
        extract("Is Veldora delaying the talks with Haldmere?")
            .events
            .is_empty()
    );
    assert!(only(&extract("Veldora is willing to negotiate with Haldmere.")).hypothetical);
}

#[test]
fn a_town_no_actor_dictionary_lists_is_a_target_by_its_country() {
    // Zaria and Kaduna are in the place table (GeoNames), not in the actor
    // dictionaries; "Veldora" is.
    let e = extract("Veldora shelled Zaria. Veldora launched an air raid on the town of Kaduna.");
    assert_eq!(
        actor_pairs(&e),
        vec![("VLD".to_string(), "NGA".to_string()); 2],
        "{:#?}",
        dyads(&e)
    );
}

#[test]
fn countries_coordinated_inside_a_phrase_act_on_each_other() {
    // "North Osgilia" is headed by "Osgilia", which "Haldmere" is coordinated with.
    let e = extract("Teams from North Osgilia and Haldmere met on Tuesday.");
    let mut got = actor_pairs(&e);
    got.sort();
    assert_eq!(
        got,
        [
            ("HLD".to_string(), "NOS".to_string()),
            ("NOS".to_string(), "HLD".to_string())
        ],
        "{:#?}",
        dyads(&e)
    );
}

#[test]
fn an_arrest_with_no_agent_is_the_polices_of_where_it_happened() {
    let e = extract("Haldmere's opposition leader was arrested on Tuesday.");
    let arrest = e
        .events
        .iter()
        .find(|v| v.root == "17")
        .expect("the arrest");
    assert_eq!(arrest.source.code, "HLDCOP", "{:#?}", dyads(&e));
    assert_eq!(
        arrest.target.as_ref().map(|t| t.code.as_str()),
        Some("HLDOPP")
    );
    let e = extract("Haldmere's opposition leader was arrested in Veldora.");
    let arrest = e
        .events
        .iter()
        .find(|v| v.root == "17")
        .expect("the arrest");
    assert_eq!(arrest.source.code, "VLDCOP", "{:#?}", dyads(&e));
}
