//! The statement layer end to end, on fictional text: quotes and reported speech,
//! their speakers through the actor layer, and what is not a statement.

use dateline_core::ResolvedFrom;
use dateline_core::{Article, Extraction, Statement};

const FICTION: &str = "VELDORA_ [VLD]\n+VELDORAN\nHALDMERE_ [HLD]\n+HALDISH_\n";

fn extract(date: &str, text: &str) -> Extraction {
    let (dictionary, _) = dateline_actors::shipped().with_user_text(FICTION, "fiction");
    dateline_extract::extract_with(
        Article::new("a", date.parse().unwrap(), text),
        dateline_extract::Dictionaries::with_actors(&dictionary),
    )
}

fn find<'e>(e: &'e Extraction, content_starts: &str) -> &'e Statement {
    e.statements
        .iter()
        .find(|s| s.content.text.starts_with(content_starts))
        .unwrap_or_else(|| panic!("no statement {content_starts:?} in {:#?}", e.statements))
}

#[test]
fn quotes_take_the_speaker_of_their_attribution() {
    let e = extract(
        "2031-03-04",
        "Haldish Foreign Minister Sabine Drost rejected the claim on Monday. \
         “The patrol was in our own waters and it will stay there,” Drost said on Tuesday.\n\n\
         “We will not be lectured by Marrowick,” she added.",
    );
    let first = find(&e, "The patrol");
    assert_eq!(first.kind, "direct");
    assert_eq!(first.speaker.name, "Sabine Drost");
    assert_eq!(first.speaker.resolved_from, Some(ResolvedFrom::Surname));
    assert_eq!(first.cue.text, "said");
    assert_eq!(
        first.said_on,
        Some("2031-03-04".parse().unwrap()),
        "Tuesday = the article's day"
    );
    let second = find(&e, "We will not");
    assert_eq!(second.speaker.actor_id, first.speaker.actor_id);
    assert_eq!(second.speaker.resolved_from, Some(ResolvedFrom::Pronoun));
}

#[test]
fn reported_speech_and_according_to() {
    let e = extract(
        "2031-03-06",
        "Oswin Fairlocke said the offer of talks had no preconditions. \
         According to Oswin Fairlocke, the guards would stay until the spring.",
    );
    let said = find(&e, "the offer of talks");
    assert_eq!(said.kind, "indirect");
    assert_eq!(said.speaker.name, "Oswin Fairlocke");
    let according = find(&e, "the guards would stay");
    assert_eq!(according.cue.text, "According");
    assert_eq!(according.speaker.actor_id, said.speaker.actor_id);
}

#[test]
fn an_unnamed_official_is_anonymous_and_nobody_is_invented() {
    let e = extract(
        "2031-03-06",
        "An unnamed Veldoran official said the locks would stay closed for a week. \
         He said nothing else. “We are ready,” someone shouted from the back.",
    );
    let official = find(&e, "the locks");
    assert!(official.speaker.anonymous);
    assert_eq!(
        official.speaker.description.as_deref(),
        Some("An unnamed Veldoran official")
    );
    // "He" has no named antecedent, "someone" is nobody: no speaker, no statement.
    assert!(
        e.statements
            .iter()
            .all(|s| !s.content.text.starts_with("We are ready"))
    );
}

/// The real-news guide (gold/GUIDE.md) counts a label someone gave ("called the plan
/// “a disaster”") as a mixed statement, and the model trained on it keeps them; a
/// name in quotation marks that nobody said is no statement.
#[test]
fn labels_are_mixed_statements_and_scare_quotes_are_not_statements() {
    // Whether a label is worth a statement is the model's call, learned from real
    // news (where "described … as" mostly is not, and "called" mostly is); a label
    // kept is `mixed`, never `direct`, and a name in quotation marks is nothing.
    let e = extract(
        "2031-03-13",
        "Veldora called the drills “theatre”. Ilena Marsk called the plan “a trap for \
         the unwary and the tired”. The ship “Merle” sailed at dawn.",
    );
    let plan = find(&e, "the plan");
    assert_eq!(
        (plan.kind.as_str(), plan.speaker.name.as_str()),
        ("mixed", "Ilena Marsk")
    );
    assert!(
        e.statements.iter().all(|s| s.kind == "mixed"),
        "{:#?}",
        e.statements
    );
    assert!(
        !e.statements
            .iter()
            .any(|s| s.content.text.contains("Merle")),
        "{:#?}",
        e.statements
    );
}

#[test]
fn odd_quote_marks_cost_one_quote_not_the_article() {
    let e = extract(
        "2031-03-13",
        "Ilena Marsk said: “There will be no talks, none at all.\n\n\
         The locks reopened on Friday, officials said.\n\n\
         “We have waited long enough for an answer,” Sabine Drost said.",
    );
    assert!(
        e.statements
            .iter()
            .any(|s| s.content.text.starts_with("There will be no talks"))
    );
    let drost = find(&e, "We have waited");
    assert_eq!(drost.speaker.name, "Sabine Drost");
}

#[test]
fn hostile_text_is_handled_in_bounded_time() {
    for text in [
        "“".repeat(20_000),
        "\"said\" ".repeat(5_000),
        format!("{} said.", "word ".repeat(20_000)),
        "Мы сказали «нет» — 我们说不 — \"no\" she said".repeat(200),
    ] {
        let e = extract("2031-03-13", &text);
        let chars: Vec<char> = text.chars().collect();
        for s in &e.statements {
            assert_eq!(
                s.content.text,
                chars[s.content.start..s.content.end]
                    .iter()
                    .collect::<String>()
            );
        }
    }
}

#[test]
fn interview_answers_are_the_interviewees_words() {
    let e = extract(
        "2031-05-01",
        "An interview with Matvei Orlenko, the foreign minister of Veldora\n\n\
         Orlenko spoke to us in his office on Tuesday.\n\n\
         What will you ask the envoy first?\n\n\
         I will ask him what he has not yet told anyone, because that is where the deal is.\n\n\
         And the guards?\n\n\
         The guards will leave when the observers arrive, not a day sooner.",
    );
    let answers: Vec<&Statement> = e
        .statements
        .iter()
        .filter(|s| s.cue.text.is_empty())
        .collect();
    assert_eq!(answers.len(), 2, "{:#?}", e.statements);
    assert!(
        answers
            .iter()
            .all(|s| s.speaker.name == "Matvei Orlenko" && s.kind == "direct")
    );
    assert!(answers[1].content.text.starts_with("The guards will leave"));
}

#[test]
fn the_outlet_that_relayed_the_words_is_the_via() {
    let e = extract(
        "2031-04-23",
        "Matvei Orlenko told the Harbour Ledger that the talks would resume soon. \
         Radio Kestrel reported that Teodor Vasko welcomed the outcome. \
         Sabine Drost told Matvei Orlenko that the guards would stay on the island. \
         \"The crossing stays closed until spring,\" Radio Kestrel reported.",
    );
    let told = find(&e, "the talks would resume");
    assert_eq!(
        told.via.as_ref().map(|v| v.name.as_str()),
        Some("Harbour Ledger")
    );
    // An outlet's own claim: the outlet is the speaker, and relays nothing
    // (gold/GUIDE.md) ...
    let reported = find(&e, "Teodor Vasko welcomed");
    assert_eq!(reported.speaker.name, "Radio Kestrel");
    assert!(reported.via.is_none());
    // ... while words before its reporting verb are relayed (SPEC §3).
    let relayed = find(&e, "The crossing stays closed");
    assert_eq!(
        relayed.via.as_ref().map(|v| v.name.as_str()),
        Some("Radio Kestrel")
    );
    // Telling a person is not relaying through an outlet.
    assert!(find(&e, "the guards would stay").via.is_none());
}

#[test]
fn the_speaker_is_the_subject_not_its_possessor_or_modifier() {
    let e = extract(
        "2031-03-06",
        "President Ilena Marsk left for Strenholt. Her spokesman, Jonas Kerrow, said \
         the visit would last two days. Veldoran Defence Minister Ruta Benning accused \
         Haldmere of moving tanks and said Veldora would complain. According to a Haldish \
         official, the tanks were on exercise.",
    );
    assert_eq!(find(&e, "the visit").speaker.name, "Jonas Kerrow");
    assert_eq!(find(&e, "Veldora would").speaker.name, "Ruta Benning");
    let official = find(&e, "the tanks were");
    assert!(official.speaker.anonymous, "{:?}", official.speaker);
    assert_eq!(
        official.speaker.description.as_deref(),
        Some("a Haldish official")
    );
}

#[test]
fn a_quote_the_cue_runs_into_is_a_fragment_of_reported_speech() {
    let e = extract(
        "2031-03-06",
        "Sabine Drost urged both governments to “read the report, not the headlines about it”. \
         Drost said last week: “We will read every page of it.”",
    );
    let urged = find(&e, "both governments");
    assert_eq!(urged.kind, "mixed");
    assert_eq!(urged.cue.text, "urged");
    let said = find(&e, "We will read");
    assert_eq!(said.kind, "direct");
    assert_eq!(
        said.said_on,
        Some("2031-02-24".parse().unwrap()),
        "last week = its Monday"
    );
}

#[test]
fn a_quote_after_its_attribution_and_a_pronoun_after_a_long_quote_keep_the_speaker() {
    let e = extract(
        "2031-03-06",
        "In Pellory the cuts came on top of the lock closure. “First no fish, then no \
         barges, now no light,” said Ilse Varnaby, who runs a guesthouse near the quay. \
         “Soon they will close the sky.”\n\n\
         Matvei Orlenko called the text good. “Nobody gets the island. Nobody loses it. \
         The herons keep it,” he told reporters.",
    );
    assert_eq!(find(&e, "First no fish").speaker.name, "Ilse Varnaby");
    assert_eq!(find(&e, "Soon they").speaker.name, "Ilse Varnaby");
    let herons = find(&e, "Nobody gets");
    assert_eq!(herons.speaker.name, "Matvei Orlenko");
    assert_eq!(herons.speaker.resolved_from, Some(ResolvedFrom::Pronoun));
}

#[test]
fn the_outlet_referred_back_to_is_the_one_named_before() {
    let e = extract(
        "2031-03-06",
        "Edvard Nyle told the Tidewater Post, the Strenholt daily, that the drills were \
         routine. He told the outlet that they would continue.\n\n\
         In remarks to the Harbour Ledger, Ruta Benning said the guards would stay. \
         Sabine Drost was quoted by Radio Kestrel as saying that talks were possible.",
    );
    let via = |start: &str| find(&e, start).via.as_ref().map(|v| v.name.clone());
    assert_eq!(via("the drills").as_deref(), Some("Tidewater Post"));
    assert_eq!(
        via("they would continue").as_deref(),
        Some("Tidewater Post")
    );
    assert_eq!(
        via("the guards would stay").as_deref(),
        Some("Harbour Ledger")
    );
    assert_eq!(via("talks were possible").as_deref(), Some("Radio Kestrel"));
}

fn candidates(text: &str) -> Vec<dateline_statements::Candidate> {
    let (dictionary, _) = dateline_actors::shipped().with_user_text(FICTION, "fiction");
    dateline_extract::statement_candidates(
        Article::new("a", "2031-03-06".parse().unwrap(), text),
        dateline_extract::Dictionaries::with_actors(&dictionary),
    )
}

#[test]
fn a_report_before_its_cue_and_a_bare_noun_source_are_doubted_candidates() {
    let found = candidates(
        "The locks will stay closed until the spring, the report said. \
         Police said the harbour gate had been damaged overnight.",
    );
    let before = found
        .iter()
        .find(|c| c.statement.content.text == "The locks will stay closed until the spring")
        .expect("a candidate for the report before its cue");
    assert_eq!(before.statement.cue.text, "said");
    assert!(before.statement.speaker.anonymous);
    assert!(before.prior < 0.0, "a bare-noun source is a guess");
    assert!(before.learned);
    let police = found
        .iter()
        .find(|c| c.statement.content.text.starts_with("the harbour gate"))
        .expect("a candidate for the police");
    assert!(police.prior < 0.0 && police.learned);
}

#[test]
fn a_quote_the_rules_attribute_is_theirs_and_a_doubted_clause_never_takes_it() {
    let found = candidates(
        "Haldish Foreign Minister Sabine Drost spoke on Monday. \
         “The patrol stays where it is,” Drost said.",
    );
    let quote = found
        .iter()
        .find(|c| c.statement.content.text == "The patrol stays where it is,")
        .expect("the quote");
    assert_eq!(quote.statement.kind, "direct");
    assert!(quote.prior > 0.0 && !quote.learned);
    // Whatever the model decides about the rest, the quote is kept.
    let e = extract(
        "2031-03-06",
        "Haldish Foreign Minister Sabine Drost spoke on Monday. \
         “The patrol stays where it is,” Drost said.",
    );
    assert_eq!(find(&e, "The patrol").speaker.name, "Sabine Drost");
}

#[test]
fn quoted_as_saying_and_telling_an_outlet_keep_the_speaker() {
    let e = extract(
        "2031-03-06",
        "Haldish Foreign Minister Sabine Drost spoke on Monday.\n\n\
         “The patrol has not moved, the patrol stays, and it stays for as long as we need it,” \
         Drost was quoted as saying. “But we remain open to talks on the island.”\n\n\
         Thursday, Drost raised the issue again by telling the Tidewater Post: “We will not \
         chase anyone down.”",
    );
    let quoted = find(&e, "The patrol has not moved");
    assert_eq!(quoted.speaker.name, "Sabine Drost");
    assert_eq!(quoted.cue.text, "saying");
    // The next quotation continues her words.
    assert_eq!(find(&e, "But we remain open").speaker.name, "Sabine Drost");
    // "telling the Tidewater Post": the outlet is addressed, not the speaker.
    assert_eq!(find(&e, "We will not").speaker.name, "Sabine Drost");
}

#[test]
fn a_titled_apposition_speaks_not_the_body_in_its_title() {
    let e = extract(
        "2031-03-06",
        "A United Nations spokeswoman, Henrike Vael, said: “The ferry will sail on \
         Monday whatever the weather.”\n\n\
         “Nobody has asked us to stop the patrols,” said Veldoran Defence Ministry spokesman \
         Jonas Kerrow.",
    );
    assert_eq!(find(&e, "The ferry will sail").speaker.name, "Henrike Vael");
    assert_eq!(find(&e, "Nobody has asked").speaker.name, "Jonas Kerrow");
}

/// Every span a statement carries equals the text at its offsets.
fn assert_spans_honest(text: &str, e: &Extraction) {
    let chars: Vec<char> = text.chars().collect();
    let at = |s: &dateline_core::Span| chars[s.start..s.end].iter().collect::<String>();
    for s in &e.statements {
        for span in [
            Some(&s.content),
            Some(&s.cue),
            Some(&s.evidence),
            s.speaker.span.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            assert_eq!(span.text, at(span), "{s:#?}");
        }
    }
}

#[test]
fn hostile_quotation_marks_cost_nothing_but_their_quotes() {
    for text in [
        // 10⁵ quotation marks, and nothing else.
        "“".repeat(50_000) + &"”".repeat(50_000),
        // Unbalanced, nested and straight marks mixed, over paragraphs.
        "\"Talks “will ‘resume\" soon’, Drost said.\n\n".repeat(2_000),
        // A quote opened in every sentence and never closed.
        "“We will stay, Drost said. ".repeat(3_000),
    ] {
        let e = extract("2031-03-13", &text);
        assert_spans_honest(&text, &e);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    #[test]
    fn statement_spans_are_honest_on_any_mix_of_marks_names_and_cues(
        words in proptest::collection::vec(proptest::sample::select(vec![
            "“", "”", "\"", "‘", "’", "'", ",", ".", ":", "\n\n", "said", "told", "added",
            "according", "to", "that", "he", "she", "Drost", "Sabine", "Veldora", "the",
            "minister", "officials", "talks", "would", "resume", "Radio", "Kestrel", "reported",
            "é", "🙂", "spokeswoman", "a",
        ]), 0..120)
    ) {
        let text = words.join(" ");
        let e = extract("2031-03-13", &text);
        assert_spans_honest(&text, &e);
    }
}
