//! Places: the world's towns and cities and the country each stands in, so that
//! "fired rockets at Kharkiv" has a target even though no actor dictionary lists
//! Kharkiv.
//!
//! A place is never an actor here. The event coder asks only where a phrase already
//! says "a place" (the object of "at", "on", "into" after an attack or a visit), so a
//! city that shares its name with a person or a word ("Bolton", "Of") cannot turn a
//! subject into a country.
//!
//! The table is compiled from GeoNames (`dateline train places`, see
//! `data/models/LICENSES.md`): every town of 15,000 people or more under its name,
//! and a large one under its Latin-script alternate names too ("Kharkov"). A name two
//! countries share is kept only when one country's towns of that name outnumber the
//! other's five to one in people; names the actor dictionary already knows are left to
//! it.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

/// Lower-cased names (words joined by single spaces) → 3-letter country codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    country_of: FxHashMap<String, String>,
}

/// One town as a gazetteer lists it.
pub struct Town {
    pub name: String,
    pub alternate_names: Vec<String>,
    /// The country's code in the actor dictionary (`UKR`), if it has one.
    pub country: Option<String>,
    pub population: u64,
}

/// Towns this size or larger have their alternate names listed too.
const ALTERNATES_FROM_POPULATION: u64 = 200_000;

/// How many times more people one country's towns of a name must have than any other
/// country's for the name to be kept.
const DOMINANCE: u64 = 5;

impl Places {
    /// The shipped table, compiled in from `data/models/places.tsv`.
    pub fn shipped() -> &'static Places {
        static PLACES: std::sync::OnceLock<Places> = std::sync::OnceLock::new();
        PLACES.get_or_init(|| {
            // Part of this build, and a test reads it: a failure is a broken build.
            Places::parse(include_str!("../../../data/models/places.tsv"))
                .expect("the shipped place table parses")
        })
    }

    /// Reads `name<TAB>CODE` lines.
    pub fn parse(text: &str) -> Result<Places, String> {
        let mut country_of = FxHashMap::default();
        for (n, line) in text.lines().enumerate() {
            let (name, code) = line
                .split_once('\t')
                .ok_or_else(|| format!("places.tsv:{}: expected NAME<TAB>CODE", n + 1))?;
            country_of.insert(name.to_string(), code.to_string());
        }
        Ok(Places { country_of })
    }

    /// The table from a gazetteer's towns; `known` says whether the actor dictionary
    /// already has a name (lower-cased, words joined by spaces).
    pub fn from_towns(towns: &[Town], known: impl Fn(&str) -> bool) -> Places {
        // name → country → people in towns of that name.
        let mut people: BTreeMap<String, BTreeMap<&str, u64>> = BTreeMap::new();
        for town in towns {
            let Some(country) = town.country.as_deref() else {
                continue;
            };
            let alternates = (town.population >= ALTERNATES_FROM_POPULATION)
                .then_some(&town.alternate_names[..])
                .unwrap_or_default();
            let mut names: Vec<String> = std::iter::once(&town.name)
                .chain(alternates)
                .filter(|n| looks_like_a_name(n))
                .map(|n| key(n))
                .collect();
            names.sort();
            names.dedup();
            for name in names {
                *people.entry(name).or_default().entry(country).or_default() += town.population;
            }
        }
        let mut country_of = FxHashMap::default();
        for (name, by_country) in people {
            let mut counts: Vec<(u64, &str)> = by_country.iter().map(|(c, n)| (*n, *c)).collect();
            counts.sort_by(|a, b| b.cmp(a));
            let dominant = counts
                .get(1)
                .is_none_or(|second| counts[0].0 >= DOMINANCE * second.0);
            if dominant && !known(&name) {
                country_of.insert(name, counts[0].1.to_string());
            }
        }
        Places { country_of }
    }

    /// `name<TAB>CODE` lines, sorted.
    pub fn to_tsv(&self) -> String {
        let mut rows: Vec<(&String, &String)> = self.country_of.iter().collect();
        rows.sort();
        rows.iter().map(|(n, c)| format!("{n}\t{c}\n")).collect()
    }

    /// The country of the place these lower-cased words name.
    pub fn country_of(&self, lower: &[String]) -> Option<&str> {
        self.country_of.get(&lower.join(" ")).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.country_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.country_of.is_empty()
    }
}

/// Latin letters, spaces, hyphens and apostrophes, starting with a capital, at most
/// four words: what a news text would write (not transliteration keys such as
/// "aisakaladesa").
fn looks_like_a_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_uppercase())
        && name.split_whitespace().count() <= 4
        && name.chars().all(|c| {
            c.is_alphabetic() && (c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c))
                || matches!(c, ' ' | '-' | '\'' | '.')
        })
}

/// The key a name is stored under: lower case, single spaces.
fn key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town(name: &str, alternates: &[&str], country: &str, population: u64) -> Town {
        Town {
            name: name.into(),
            alternate_names: alternates.iter().map(|a| a.to_string()).collect(),
            country: Some(country.into()),
            population,
        }
    }

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn a_shared_name_goes_to_the_country_that_dominates_it_or_to_none() {
        let towns = [
            town("Harrowgate", &[], "VLD", 900_000),
            town("Harrowgate", &[], "GND", 20_000),
            town("Millbrook", &[], "VLD", 40_000),
            town("Millbrook", &[], "GND", 30_000),
            town("Osgil Ford", &["Osgilford", "osgilforda"], "GND", 300_000),
            town("Amon Hen", &["Amon-Hen"], "GND", 16_000),
        ];
        let places = Places::from_towns(&towns, |n| n == "gondor");
        assert_eq!(places.country_of(&words("harrowgate")), Some("VLD"));
        assert_eq!(
            places.country_of(&words("millbrook")),
            None,
            "no country dominates"
        );
        assert_eq!(places.country_of(&words("osgil ford")), Some("GND"));
        assert_eq!(places.country_of(&words("osgilford")), Some("GND"));
        assert_eq!(
            places.country_of(&words("osgilforda")),
            None,
            "not a written name"
        );
        assert_eq!(
            places.country_of(&words("amon-hen")),
            None,
            "a small town's alternates are not read"
        );
    }

    #[test]
    fn names_the_dictionary_knows_are_left_to_it() {
        let towns = [town("Gondor", &[], "GND", 50_000)];
        assert!(Places::from_towns(&towns, |n| n == "gondor").is_empty());
    }

    #[test]
    fn the_table_round_trips_and_the_shipped_one_parses() {
        let towns = [town("Harrowgate", &[], "VLD", 900_000)];
        let places = Places::from_towns(&towns, |_| false);
        assert_eq!(Places::parse(&places.to_tsv()).unwrap(), places);
        assert!(Places::shipped().len() > 10_000);
    }
}
