//! The actor layer end to end: real tokens, tags, parse and entities, then linking.
//! Fictional people come from a small user dictionary in the Phoenix format (the
//! countries only, as `examples/dictionary/fictional.actors` has them); real ones from
//! the shipped dictionary.

use dateline_actors::Dictionary;
use dateline_core::ResolvedFrom;
use dateline_core::{Article, Extraction, Mention};

const FICTION: &str = "VELDORA_ [VLD]\n+VELDORAN\nHALDMERE_ [HLD]\n+HALDISH_\n# dateline: seats\nMARROWICK_ [VLDGOV]\nSTRENHOLT_ [HLDGOV]\n";

fn dictionary() -> Dictionary {
    let (dictionary, problems) = dateline_actors::shipped().with_user_text(FICTION, "fiction");
    assert!(problems.is_empty(), "{problems:?}");
    dictionary
}

fn extract(id: &str, date: &str, text: &str) -> Extraction {
    let article = Article::new(id, date.parse().unwrap(), text);
    dateline_extract::extract_with(
        article,
        dateline_extract::Dictionaries::with_actors(&dictionary()),
    )
}

fn mention<'e>(extraction: &'e Extraction, text: &str, nth: usize) -> &'e Mention {
    extraction
        .mentions
        .iter()
        .filter(|m| m.span.text == text)
        .nth(nth)
        .unwrap_or_else(|| panic!("no mention #{nth} {text:?} in {:#?}", extraction.mentions))
}

#[test]
fn a_person_is_coded_by_the_office_held_on_the_article_date() {
    let text = "Volodymyr Zelenskiy spoke in Kyiv on Monday.";
    let before = extract("a", "2018-06-01", text);
    let after = extract("b", "2022-06-01", text);
    let (b, a) = (
        mention(&before, "Volodymyr Zelenskiy", 0),
        mention(&after, "Volodymyr Zelenskiy", 0),
    );
    assert_eq!(b.actor_id, a.actor_id);
    assert_eq!(b.code.as_deref(), Some("UKRELI"));
    assert_eq!(a.code.as_deref(), Some("UKRGOV"));
}

#[test]
fn a_country_code_changes_with_the_date() {
    let text = "Ukraine signed the treaty.";
    let soviet = extract("a", "1990-06-01", text);
    let independent = extract("b", "2000-06-01", text);
    assert_eq!(
        mention(&soviet, "Ukraine", 0).code.as_deref(),
        Some("USRUKR")
    );
    assert_eq!(
        mention(&independent, "Ukraine", 0).code.as_deref(),
        Some("UKR")
    );
}

#[test]
fn spelling_variants_share_one_actor_across_articles() {
    let ids: Vec<Option<String>> = [
        ("a", "Volodymyr Zelenskyy met reporters."),
        ("b", "Volodymyr Zelensky met reporters."),
        ("c", "President Volodymyr Zelenskiy met reporters."),
    ]
    .iter()
    .map(|(id, text)| {
        let e = extract(id, "2022-06-01", text);
        e.mentions
            .iter()
            .find(|m| m.label == dateline_core::MentionLabel::Per)
            .and_then(|m| m.actor_id.clone())
    })
    .collect();
    assert!(ids[0].is_some());
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    // People no dictionary knows merge by name key.
    let unseen: Vec<Option<String>> = ["Matvei Orlenko", "Matwei Orlenko", "Matvey Orlenko"]
        .iter()
        .map(|name| {
            let e = extract(
                "d",
                "2031-04-22",
                &format!("{name} said the talks would resume."),
            );
            mention(&e, name, 0).actor_id.clone()
        })
        .collect();
    assert!(unseen[0].is_some());
    assert!(unseen.iter().all(|id| *id == unseen[0]), "{unseen:?}");
}

#[test]
fn namesakes_stay_apart_and_a_bare_surname_takes_the_one_in_the_article() {
    let haldish = extract(
        "a",
        "2031-03-02",
        "Haldish Foreign Minister Sabine Drost rejected the claim. Drost said the patrol had been lawful.",
    );
    let veldoran = extract(
        "b",
        "2031-03-02",
        "Colonel Lukas Drost commands the Veldoran garrison. Drost said his men had fired warning shots.",
    );
    let sabine = mention(&haldish, "Sabine Drost", 0);
    let lukas = mention(&veldoran, "Lukas Drost", 0);
    assert_ne!(sabine.actor_id, lukas.actor_id);
    let bare_h = mention(&haldish, "Drost", 0);
    let bare_v = mention(&veldoran, "Drost", 0);
    assert_eq!(bare_h.actor_id, sabine.actor_id);
    assert_eq!(bare_h.resolved_from, Some(ResolvedFrom::Surname));
    assert_eq!(bare_v.actor_id, lukas.actor_id);
}

#[test]
fn titles_give_codes_and_later_references_resolve() {
    let e = extract(
        "a",
        "2031-03-17",
        "Haldish Prime Minister Oswin Fairlocke said on Monday that Haldmere was open to talks. \
         The prime minister told reporters that the guards would stay. \
         He said the offer had no preconditions.",
    );
    let fairlocke = mention(&e, "Oswin Fairlocke", 0);
    assert_eq!(fairlocke.code.as_deref(), Some("HLDGOV"));
    let title = mention(&e, "prime minister", 0);
    assert_eq!(title.actor_id, fairlocke.actor_id);
    assert_eq!(title.resolved_from, Some(ResolvedFrom::Title));
    let he = mention(&e, "He", 0);
    assert_eq!(he.actor_id, fairlocke.actor_id);
    assert_eq!(he.resolved_from, Some(ResolvedFrom::Pronoun));
    assert_eq!(mention(&e, "Haldmere", 0).code.as_deref(), Some("HLD"));
}

#[test]
fn an_apposition_codes_a_new_person() {
    let e = extract(
        "a",
        "2031-03-04",
        "Jonas Kerrow, the Veldoran presidential spokesman, declined to comment.",
    );
    assert_eq!(
        mention(&e, "Jonas Kerrow", 0).code.as_deref(),
        Some("VLDGOV")
    );
}

#[test]
fn seats_stand_for_governments_but_not_as_places() {
    let e = extract(
        "a",
        "2022-10-13",
        "The Kremlin said it was open to talks. Moscow rejected the plan, officials in Moscow said.",
    );
    let kremlin = mention(&e, "Kremlin", 0);
    assert_eq!(kremlin.code.as_deref(), Some("RUSGOV"));
    assert_eq!(kremlin.resolved_from, Some(ResolvedFrom::Metonymy));
    assert_eq!(mention(&e, "Moscow", 0).actor_id, kremlin.actor_id);
    assert_eq!(
        mention(&e, "Moscow", 1).actor_id,
        None,
        "in Moscow is a place"
    );
    let old = extract("c", "2014-03-01", "Kiev accused Moscow of provocations.");
    let new = extract("d", "2023-03-01", "Kyiv accused Moscow of provocations.");
    assert_eq!(
        mention(&old, "Kiev", 0).actor_id,
        mention(&new, "Kyiv", 0).actor_id
    );
    assert_eq!(mention(&new, "Kyiv", 0).code.as_deref(), Some("UKRGOV"));
    let fiction = extract("b", "2031-03-04", "Strenholt rejected the offer.");
    assert_eq!(
        mention(&fiction, "Strenholt", 0).code.as_deref(),
        Some("HLDGOV")
    );
}

#[test]
fn demonyms_with_a_role_are_the_country_acting() {
    let e = extract(
        "a",
        "2022-10-13",
        "Russian forces shelled the city, Ukrainian officials said.",
    );
    let forces = mention(&e, "Russian forces", 0);
    assert_eq!(forces.code.as_deref(), Some("RUSMIL"));
    let officials = mention(&e, "Ukrainian officials", 0);
    assert_eq!(officials.code.as_deref(), Some("UKRGOV"));
    assert!(
        e.actors
            .iter()
            .any(|a| Some(&a.id) == forces.actor_id.as_ref() && a.kind == "country")
    );
}

#[test]
fn an_unsure_pronoun_stays_unlinked() {
    let e = extract(
        "a",
        "2031-03-04",
        "Ilena Marsk met Oswin Fairlocke and Sabine Drost on Monday. She said nothing.",
    );
    // Three people in the sentence before, none of them its only subject candidate
    // of that gender: unknown is better than wrong.
    let she = e.mentions.iter().find(|m| m.span.text == "She");
    assert!(
        she.is_none_or(
            |m| m.actor_id.as_deref() == mention(&e, "Ilena Marsk", 0).actor_id.as_deref()
        )
    );
}

#[test]
fn hostile_text_does_not_panic() {
    for text in [
        "PRESIDENT ".repeat(5_000),
        "Russia, ".repeat(2_000),
        "a".repeat(100_000),
        "\"“He said” she ‘said’\" ".repeat(500),
    ] {
        let e = extract("x", "2022-01-01", &text);
        let chars: Vec<char> = text.chars().collect();
        for m in &e.mentions {
            assert_eq!(
                m.span.text,
                chars[m.span.start..m.span.end].iter().collect::<String>()
            );
        }
    }
}

#[test]
fn a_titled_name_in_a_list_is_not_the_previous_persons_apposition() {
    let e = extract(
        "l",
        "2031-06-15",
        "The agreement was signed, watched by Veldoran President Ilena Marsk, Haldish \
         Prime Minister Oswin Fairlocke, and the envoy.",
    );
    assert_eq!(
        mention(&e, "Ilena Marsk", 0).code.as_deref(),
        Some("VLDGOV")
    );
    assert_eq!(
        mention(&e, "Oswin Fairlocke", 0).code.as_deref(),
        Some("HLDGOV")
    );
}

/// A corpus run as a store would annotate it: each article with what the articles
/// dated on or before it said.
fn extract_corpus(articles: &[(&str, &str, &str)]) -> Vec<Extraction> {
    let articles = articles
        .iter()
        .map(|(id, date, text)| Article::new(*id, date.parse().unwrap(), *text))
        .collect();
    dateline_extract::extract_corpus(
        articles,
        dateline_extract::Dictionaries::with_actors(&dictionary()),
    )
}

#[test]
fn a_person_coded_in_an_earlier_article_keeps_the_code_later_and_never_before() {
    let titled = "Veldoran Foreign Minister Sabine Drost arrived in Strenholt on Monday.";
    let untitled = "Sabine Drost met the delegation. Drost said she would stay a week.";
    let corpus = extract_corpus(&[
        ("before", "2031-03-01", untitled),
        ("titled", "2031-03-02", titled),
        ("after", "2031-03-05", untitled),
    ]);
    let code = |e: &Extraction| mention(e, "Sabine Drost", 0).code.clone();
    assert_eq!(code(&corpus[1]).as_deref(), Some("VLDGOV"));
    assert_eq!(
        code(&corpus[2]).as_deref(),
        Some("VLDGOV"),
        "learned from the earlier article"
    );
    assert_eq!(
        code(&corpus[0]),
        None,
        "nothing learned from a later article"
    );
    // The article alone, as `extract` sees it, knows nothing of the title.
    assert_eq!(code(&extract("after", "2031-03-05", untitled)), None);
}

#[test]
fn a_bare_surname_is_the_one_person_earlier_articles_named_so() {
    let corpus = extract_corpus(&[
        (
            "named",
            "2031-03-02",
            "Veldoran Foreign Minister Sabine Drost arrived in Strenholt on Monday.",
        ),
        ("surname", "2031-03-04", "Drost left Strenholt on Thursday."),
        (
            "too early",
            "2031-03-01",
            "Drost left Strenholt on Thursday.",
        ),
    ]);
    let drost = mention(&corpus[1], "Drost", 0);
    assert_eq!(drost.actor_id.as_deref(), Some("sabine-drost"));
    assert_eq!(drost.code.as_deref(), Some("VLDGOV"));
    assert_eq!(drost.resolved_from, Some(ResolvedFrom::KnownSurname));
    assert!(
        corpus[2]
            .mentions
            .iter()
            .all(|m| m.actor_id.as_deref() != Some("sabine-drost")),
        "nothing learned from a later article: {:#?}",
        corpus[2].mentions
    );
}

/// `extract --conllu` places every token in the stored text, in code points, so a
/// tool reading the parse (a peer coder fed our trees) can point back at the text.
#[test]
fn conllu_token_ranges_slice_the_stored_text() {
    let text = "Ärzte in Tromsø said Köln's mayor met the envoy.\n\nIt rained.";
    let article = Article::new("ranges", "2030-01-02".parse().unwrap(), text);
    let stored: Vec<char> = text.chars().collect();
    let conllu = dateline_extract::conllu(article);
    let mut tokens = 0;
    for line in conllu
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let range = fields[9]
            .split('|')
            .find_map(|m| m.strip_prefix("TokenRange="))
            .unwrap_or_else(|| panic!("no TokenRange in {line:?}"));
        let (start, end) = range.split_once(':').unwrap();
        let (start, end): (usize, usize) = (start.parse().unwrap(), end.parse().unwrap());
        assert_eq!(stored[start..end].iter().collect::<String>(), fields[1]);
        tokens += 1;
    }
    assert!(tokens >= 12, "{conllu}");
}
