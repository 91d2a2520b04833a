//! Word lists and small text rules the linker consults: role words that name
//! bodies, head words of organisations and places, demonyms, honorifics, given-name
//! genders, quotation marks. Facts about English and news style, kept apart from the
//! linking logic.

use std::collections::HashMap;

use dateline_core::{Document, Entity};

use super::Gender;

/// Prepositions after which a place name is a place, not an actor.
pub(super) const LOCATIVE: [&str; 17] = [
    "in",
    "at",
    "near",
    "from",
    "to",
    "into",
    "across",
    "outside",
    "inside",
    "around",
    "through",
    "toward",
    "towards",
    "throughout",
    "via",
    "within",
    "between",
];

pub(super) const FEMALE_TITLES: [&str; 8] = [
    "queen", "princess", "duchess", "empress", "mother", "wife", "sister", "daughter",
];
pub(super) const MALE_TITLES: [&str; 8] = [
    "king", "prince", "duke", "emperor", "father", "husband", "brother", "son",
];
pub(super) const MALE: [&str; 4] = ["he", "him", "his", "himself"];
pub(super) const FEMALE: [&str; 4] = ["she", "her", "hers", "herself"];

/// How many sentences back a pronoun may look for its antecedent.
pub(super) const PRONOUN_REACH: usize = 2;
/// How many sentences inside quotes a pronoun's look-back may skip over on top.
pub(super) const MAX_QUOTED_SENTENCES: usize = 8;

/// Last words that make a "person" the recogniser found an organisation or a place
/// ("Radio Kestrel", "Kettle Isle").
pub(super) const ORGANIZATION_HEADS: &[&str] = &[
    "academy",
    "agency",
    "army",
    "assembly",
    "association",
    "authority",
    "bank",
    "brigade",
    "broadcasting",
    "bureau",
    "center",
    "centre",
    "channel",
    "church",
    "club",
    "college",
    "commission",
    "committee",
    "company",
    "corporation",
    "council",
    "court",
    "courier",
    "daily",
    "department",
    "federation",
    "force",
    "forces",
    "foundation",
    "fund",
    "gazette",
    "group",
    "guard",
    "herald",
    "hospital",
    "institute",
    "journal",
    "league",
    "ledger",
    "magazine",
    "ministry",
    "museum",
    "navy",
    "network",
    "news",
    "office",
    "organisation",
    "organization",
    "parliament",
    "party",
    "police",
    "post",
    "press",
    "radio",
    "regiment",
    "school",
    "service",
    "society",
    "team",
    "telegraph",
    "times",
    "tribune",
    "union",
    "university",
    "wire",
];
pub(super) const PLACE_HEADS: &[&str] = &[
    "airport",
    "avenue",
    "bay",
    "bridge",
    "canal",
    "coast",
    "county",
    "district",
    "forest",
    "gulf",
    "harbor",
    "harbour",
    "hill",
    "hills",
    "island",
    "islands",
    "isle",
    "lake",
    "mountain",
    "mountains",
    "park",
    "peninsula",
    "plain",
    "port",
    "province",
    "region",
    "river",
    "road",
    "sea",
    "sound",
    "square",
    "station",
    "strait",
    "street",
    "valley",
];

/// Role words that name a body, not a person: singular, yet "Haldmere's navy" is
/// the country acting, not a title.
pub(super) const COLLECTIVE: &[&str] = &[
    "administration",
    "alliance",
    "army",
    "assembly",
    "authorities",
    "authority",
    "battalion",
    "bloc",
    "brigade",
    "cabinet",
    "coalition",
    "committee",
    "congress",
    "council",
    "court",
    "delegation",
    "embassy",
    "fleet",
    "force",
    "forces",
    "garrison",
    "government",
    "guard",
    "intelligence",
    "junta",
    "leadership",
    "legislature",
    "military",
    "ministry",
    "movement",
    "navy",
    "opposition",
    "parliament",
    "party",
    "police",
    "presidency",
    "regime",
    "regiment",
    "senate",
    "side",
    "team",
];

/// First words of organisation names ("Radio Kestrel", "University of …").
pub(super) const ORGANIZATION_FIRSTS: &[&str] = &[
    "bank",
    "college",
    "council",
    "department",
    "federation",
    "institute",
    "league",
    "ministry",
    "museum",
    "party",
    "radio",
    "university",
];
/// Lower-case words a name may contain ("Bank of England", "Leonardo da Vinci").
pub(super) const NAME_JOINERS: &[&str] = &[
    "of", "the", "for", "and", "de", "da", "del", "der", "la", "le", "van", "von", "al", "bin",
    "ibn",
];

/// A recogniser entity as the actor layer uses it: a person, organisation or place
/// name cut where its capitalised words end ("Brisalian Diplomatic Academy on
/// Tuesday" → the academy, "Haldmere of lying" → Haldmere), and relabelled by its head word when the recogniser took an outlet or a
/// place for a person.
pub(super) fn cleaned_entity(
    entity: &Entity,
    document: &Document,
    lower: &[String],
) -> Option<Entity> {
    let mut tokens = entity.tokens.clone();
    if matches!(entity.label.as_str(), "PER" | "ORG" | "LOC") {
        let text = document.text();
        // Name words start with a capital or a digit ("Fan Expo 2016"); "'s", commas
        // and lower-case words end a name.
        let capitalised = |i: usize| {
            let t = &document.tokens[i];
            text[t.start..t.end]
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        };
        if let Some(cut) = (tokens.start + 1..tokens.end)
            .find(|&i| !capitalised(i) && !NAME_JOINERS.contains(&lower[i].as_str()))
        {
            tokens.end = cut;
        }
        while tokens.len() > 1 && NAME_JOINERS.contains(&lower[tokens.end - 1].as_str()) {
            tokens.end -= 1;
        }
    }
    if tokens.is_empty() {
        return None;
    }
    let mut label = entity.label.as_str();
    if tokens.len() >= 2 && matches!(label, "PER" | "ORG") {
        let (first, head) = (lower[tokens.start].as_str(), lower[tokens.end - 1].as_str());
        if PLACE_HEADS.contains(&head) {
            label = "LOC";
        } else if label == "PER"
            && (ORGANIZATION_HEADS.contains(&head) || ORGANIZATION_FIRSTS.contains(&first))
        {
            label = "ORG";
        }
    }
    Some(Entity {
        tokens,
        label: label.to_string(),
    })
}

/// Which tokens are inside quotation marks, by the one quote scanner
/// (`dateline_core::quotes`): its quotes' byte ranges, walked beside the tokens.
pub(super) fn quoted_tokens(document: &Document) -> Vec<bool> {
    let quotes = dateline_core::quotes::find_quotes(document.text());
    let mut q = 0;
    document
        .tokens
        .iter()
        .map(|token| {
            while q < quotes.len() && quotes[q].end <= token.start {
                q += 1;
            }
            q < quotes.len() && quotes[q].start <= token.start && token.end <= quotes[q].end
        })
        .collect()
}

/// "University of Southern Indiana" → `usi`, `indiana`; "Church of Scientology" →
/// `cos`, `scientology`. Acronyms of fewer than three letters are too ambiguous.
pub(super) fn short_names(name: &str) -> Vec<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut out = Vec::new();
    let acronym: String = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_lowercase)
        .collect();
    if acronym.chars().count() >= 3 {
        out.push(acronym);
    }
    if let [.., of, last] = words.as_slice()
        && of.eq_ignore_ascii_case("of")
        && words.len() >= 3
    {
        out.push(last.to_lowercase());
    }
    out
}

/// The part of an actor code that owns a title: the country (`RUSGOV` → `RUS`), or
/// the whole code of an international, non-governmental or multinational body.
pub(super) fn owner_code(code: &str) -> String {
    if ["IGO", "NGO", "MNC"].iter().any(|p| code.starts_with(p)) {
        code.to_string()
    } else {
        code[..code.len().min(3)].to_string()
    }
}

/// "Haldish", "Russian", "Chinese", "Israeli": a people's adjective, not the
/// country's name. "Iran" and "Pakistan" end the same way, so names ending in `-an`
/// need a vowel before it or one of the adjective endings.
pub(super) fn is_demonym(word: &str) -> bool {
    const IRREGULAR: [&str; 14] = [
        "french",
        "dutch",
        "swiss",
        "greek",
        "thai",
        "british",
        "irish",
        "welsh",
        "scottish",
        "saudi",
        "israeli",
        "iraqi",
        "pakistani",
        "somali",
    ];
    IRREGULAR.contains(&word)
        || ["ian", "ish", "ese", "ean", "can", "ran"]
            .iter()
            .any(|end| word.ends_with(end) && word.len() > end.len() + 3)
}

/// Gender of a given name from `data/actors/given-names.txt`.
pub(super) fn gender_of_given_name(name: &str) -> Option<Gender> {
    static NAMES: std::sync::OnceLock<HashMap<String, Gender>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let mut names = HashMap::new();
        for line in include_str!("../../../../data/actors/given-names.txt").lines() {
            let (gender, list) = match line.split_once(':') {
                Some(("F", list)) => (Gender::Female, list),
                Some(("M", list)) => (Gender::Male, list),
                _ => continue,
            };
            for name in list.split_whitespace() {
                names.insert(name.to_lowercase(), gender);
            }
        }
        names
    });
    names.get(&name.to_lowercase()).copied()
}

pub(super) fn is_honorific(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.'),
        "mr" | "mrs" | "ms" | "miss" | "dr" | "sir" | "lord" | "dame" | "lady" | "madam"
    )
}
