//! The compiled actor dictionary: every name of every CAMEO/Phoenix actor (and of our
//! own and the user's supplements) as a lower-cased token sequence, ready for
//! leftmost-longest matching over a document's tokens, plus the agents (role words).

use std::collections::HashSet;
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

use dateline_cameo::{ActorEntry, AgentCode, Phrase, Role, read_actors, read_agents};
use dateline_nlp::binary::{check_magic, read_str, read_u32, write_str, write_u32};
use jiff::civil::Date;
use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use dateline_core::key::{name_key, slug};

/// CAMEO's region codes: an actor holding one is a group of countries ("the West").
const REGIONS: [&str; 4] = ["WST", "EUR", "AFR", "ASA"];

/// Longest name or agent phrase, in tokens, that is kept.
const MAX_WORDS: usize = 8;
const MAGIC: &[u8; 8] = b"DLACT001";

/// What kind of thing an actor is (`Actor::kind` of the contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Person,
    Organization,
    Country,
    Group,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organization => "organization",
            Kind::Country => "country",
            Kind::Group => "group",
        }
    }

    fn from_u8(b: u8) -> Option<Kind> {
        [Kind::Person, Kind::Organization, Kind::Country, Kind::Group]
            .get(b as usize)
            .copied()
    }
}

/// Which file an entry came from; it decides the kind when the codes don't.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `Phoenix.Countries.actors.txt` or a user file in the same format.
    Countries,
    /// `Phoenix.International.actors.txt`: IGOs and their officers.
    International,
    /// `Phoenix.MilNonState.actors.txt`: armed groups, parties, movements.
    NonState,
}

/// An actor the dictionary knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictActor {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub roles: Vec<Role>,
}

impl DictActor {
    pub fn code_on(&self, date: Date) -> Option<&str> {
        dateline_cameo::code_on(&self.roles, date)
    }
}

/// What one name stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRef {
    pub actor: u32,
    /// A place (a city, a seat of government): it stands for its actor only outside
    /// a locative phrase — "Moscow said" is Russia, "talks in Moscow" is a place.
    pub place: bool,
    /// The code this name gives regardless of the date ("the Kremlin" → `RUSGOV`).
    pub code: Option<String>,
}

/// A role word or phrase ("foreign minister", "rebels").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRef {
    pub code: AgentCode,
    /// The phrase's last word, lower-case ("minister"): what a later "the minister"
    /// refers back through.
    pub head: String,
}

/// Maps are Fx-hashed: their keys come from the dictionaries, not from the text, and
/// a lookup of untrusted text costs one probe sequence whatever it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dictionary {
    actors: Vec<DictActor>,
    names: HashMap<String, NameRef>,
    agents: HashMap<String, u32>,
    agent_refs: Vec<AgentRef>,
    /// Every proper prefix of a name or agent key: matching stops extending a
    /// candidate as soon as it is not one.
    prefixes: FxHashSet<String>,
    /// Primary country entry for each 3-letter code, for seats and titles.
    countries: HashMap<String, u32>,
    /// First other entry whose first code is this one (`IGOEUREEC` → the EU), for
    /// seats of organisations ("Brussels").
    organizations: HashMap<String, u32>,
    slugs: HashSet<String>,
    /// Identifies the dictionaries this was built from, so a store can tell whether
    /// its annotations came from the same ones.
    fingerprint: u64,
}

/// Where a name match is: token range and what it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMatch<'d> {
    pub tokens: Range<usize>,
    pub name: &'d NameRef,
}

impl Dictionary {
    /// Reads the Phoenix dictionaries in `dir` (the four files PETRARCH-2 ships),
    /// then our own supplement (`data/actors/supplement.txt`, compiled in). Problems
    /// come back as `file:line: what`.
    pub fn from_phoenix_dir(dir: &Path) -> io::Result<(Dictionary, Vec<String>)> {
        let mut dictionary = Dictionary::default();
        let mut problems = Vec::new();
        let read = |file: &str| {
            let path = dir.join(file);
            std::fs::read_to_string(&path).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "{}: {e} (point --dictionaries at the folder with the Phoenix files, \
                         e.g. ../shared/data/cameo-dictionaries)",
                        path.display()
                    ),
                )
            })
        };
        for (file, source) in [
            ("Phoenix.Countries.actors.txt", Source::Countries),
            ("Phoenix.International.actors.txt", Source::International),
            ("Phoenix.MilNonState.actors.txt", Source::NonState),
        ] {
            let text = read(file)?;
            dictionary.add_actors(&text, source, false, &mut |line, what| {
                problems.push(format!("{file}:{line}: {what}"))
            });
        }
        let text = read("Phoenix.agents.txt")?;
        dictionary.add_agents(&text, &mut |line, what| {
            problems.push(format!("Phoenix.agents.txt:{line}: {what}"))
        });
        dictionary.add_agents(
            include_str!("../../../data/actors/agents-supplement.txt"),
            &mut |line, what| problems.push(format!("agents-supplement.txt:{line}: {what}")),
        );
        // Ours goes last and wins: modern spellings and seats of government.
        dictionary.add_actors(
            include_str!("../../../data/actors/supplement.txt"),
            Source::Countries,
            true,
            &mut |line, what| problems.push(format!("supplement.txt:{line}: {what}")),
        );
        Ok((dictionary, problems))
    }

    /// This dictionary with a user's actor file (Phoenix format) added on top: its
    /// names win over the ones already known. Problems come back as `file:line: what`.
    pub fn with_user_file(&self, path: &Path) -> io::Result<(Dictionary, Vec<String>)> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("actor dictionary {}: {e}", path.display()),
            )
        })?;
        Ok(self.with_user_text(&text, &path.display().to_string()))
    }

    /// [`Dictionary::with_user_file`] for text already read; `name` labels problems.
    pub fn with_user_text(&self, text: &str, name: &str) -> (Dictionary, Vec<String>) {
        let mut dictionary = self.clone();
        dictionary.fingerprint = xxh3_64_with_seed(text.as_bytes(), self.fingerprint);
        let mut problems = Vec::new();
        dictionary.add_actors(text, Source::Countries, true, &mut |line, what| {
            problems.push(format!("{name}:{line}: {what}"))
        });
        (dictionary, problems)
    }

    /// Adds an actor file. A `# dateline: seats` comment line makes the entries after
    /// it places that stand for a government (capitals, "the Kremlin"): they link to
    /// the country of their code's first three letters; `# dateline: actors` ends that.
    pub fn add_actors(
        &mut self,
        text: &str,
        source: Source,
        override_names: bool,
        problem: &mut dyn FnMut(usize, String),
    ) {
        let seat_sections = seat_sections(text);
        for entry in read_actors(text, &mut *problem) {
            let is_seat = seat_sections
                .iter()
                .any(|range| range.contains(&entry.line));
            if is_seat {
                self.add_seat(&entry, problem);
            } else {
                self.add_entry(&entry, source, override_names);
            }
        }
    }

    fn add_entry(&mut self, entry: &ActorEntry, source: Source, override_names: bool) {
        let is_country_code =
            |code: &str| code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase());
        let dated = entry
            .roles
            .iter()
            .any(|r| r.from.is_some() || r.to.is_some());
        let kind = if entry
            .roles
            .iter()
            .any(|r| REGIONS.contains(&r.code.as_str()))
        {
            Kind::Group
        } else if source == Source::Countries
            && entry.roles.iter().any(|r| is_country_code(&r.code))
        {
            Kind::Country
        } else if dated {
            Kind::Person
        } else if source == Source::NonState {
            Kind::Group
        } else {
            Kind::Organization
        };
        let name = display_name(&entry.names[0]);
        let index = self.actors.len() as u32;
        let id = self.unique_slug(&name, kind, entry.roles.first().map(|r| r.code.as_str()));
        if kind != Kind::Country
            && kind != Kind::Person
            && let Some(role) = entry.roles.first()
        {
            self.organizations.entry(role.code.clone()).or_insert(index);
        }
        if kind == Kind::Country {
            // The country a code stands for today: an entry holding it without end
            // (Russian Federation) beats one that held it once (Russian SFSR).
            for role in &entry.roles {
                if is_country_code(&role.code) {
                    let current = role.to.is_none();
                    let known = self.countries.get(&role.code).map(|&i| {
                        let roles = match self.actors.get(i as usize) {
                            Some(known) => &known.roles,
                            None => &entry.roles, // this entry, seen under an earlier role
                        };
                        roles.iter().any(|r| r.code == role.code && r.to.is_none())
                    });
                    if known.is_none() || (current && known == Some(false)) {
                        self.countries.insert(role.code.clone(), index);
                    }
                }
            }
        }
        let primary = first_letters(&entry.names[0]);
        for phrase in &entry.names {
            // A country's other names that look nothing like it are its cities and
            // regions; they are places, not the country acting.
            let place = kind == Kind::Country && !looks_like_country_name(phrase, &primary);
            let name_ref = NameRef {
                actor: index,
                place,
                code: None,
            };
            for key in phrase_keys(phrase, &["", "s"]) {
                self.insert_name(key, name_ref.clone(), override_names);
            }
        }
        self.actors.push(DictActor {
            id,
            name,
            kind,
            roles: entry.roles.clone(),
        });
    }

    fn add_seat(&mut self, entry: &ActorEntry, problem: &mut dyn FnMut(usize, String)) {
        let Some(code) = entry.roles.first().map(|r| r.code.clone()) else {
            problem(entry.line, "a seat needs a code such as [RUSGOV]".into());
            return;
        };
        let owner = (code.get(..3).and_then(|c| self.countries.get(c)))
            .or_else(|| self.organizations.get(&code));
        let Some(&country) = owner else {
            problem(
                entry.line,
                format!("no country or organisation has the code {code}"),
            );
            return;
        };
        for phrase in &entry.names {
            // "the Kremlin", "the White House": the article is part of some entries'
            // names, so the seat must be found with it too.
            let keys = phrase_keys(phrase, &[""]);
            let with_article: Vec<String> = keys.iter().map(|k| format!("the {k}")).collect();
            for key in keys.into_iter().chain(with_article) {
                let name_ref = NameRef {
                    actor: country,
                    place: true,
                    code: Some(code.clone()),
                };
                // A seat is more specific than the city alias its country may list.
                self.insert_name(key, name_ref, true);
            }
        }
    }

    /// Adds the agents dictionary.
    pub fn add_agents(&mut self, text: &str, problem: &mut dyn FnMut(usize, String)) {
        for agent in read_agents(text, problem) {
            let index = self.agent_refs.len() as u32;
            let head = agent
                .phrase
                .words
                .last()
                .map(|w| w.to_lowercase())
                .unwrap_or_default();
            self.agent_refs.push(AgentRef {
                code: agent.code.clone(),
                head,
            });
            let suffixes: &[&str] = if agent.phrase.open_ended {
                &["", "s", "es", "er", "ers", "ry", "ries"]
            } else {
                &[""]
            };
            let mut keys = phrase_keys(&agent.phrase, suffixes);
            match &agent.plurals {
                Some(plurals) => {
                    for plural in plurals {
                        keys.extend(phrase_keys(plural, &[""]));
                    }
                }
                None => {
                    if let Some(key) = keys.first() {
                        keys.push(plural(key));
                    }
                }
            }
            for key in keys {
                if key.split(' ').count() > MAX_WORDS {
                    continue;
                }
                self.add_prefixes(&key);
                self.agents.entry(key).or_insert(index);
            }
        }
    }

    fn insert_name(&mut self, key: String, name: NameRef, override_names: bool) {
        if key.split(' ').count() > MAX_WORDS {
            return;
        }
        self.add_prefixes(&key);
        if override_names {
            self.names.insert(key, name);
        } else {
            self.names.entry(key).or_insert(name);
        }
    }

    fn add_prefixes(&mut self, key: &str) {
        for (at, _) in key.match_indices(' ') {
            self.prefixes.insert(key[..at].to_string());
        }
    }

    fn unique_slug(&mut self, name: &str, kind: Kind, code: Option<&str>) -> String {
        let base = if kind == Kind::Person {
            name_key(name.split_whitespace())
        } else {
            slug(name.split_whitespace())
        };
        let base = if base.is_empty() {
            "actor".to_string()
        } else {
            base
        };
        let mut slug = base.clone();
        let mut n = 1;
        while self.slugs.contains(&slug) {
            n += 1;
            slug = match code {
                Some(code) if n == 2 => format!("{base}-{}", code.to_lowercase()),
                _ => format!("{base}-{n}"),
            };
        }
        self.slugs.insert(slug.clone());
        slug
    }

    pub fn actor(&self, index: u32) -> &DictActor {
        &self.actors[index as usize]
    }

    pub fn agent(&self, index: u32) -> &AgentRef {
        &self.agent_refs[index as usize]
    }

    /// The primary entry of a country code (`RUS` → the Russian Federation).
    pub fn country(&self, code: &str) -> Option<u32> {
        self.countries.get(code.get(..3)?).copied()
    }

    /// Changes whenever the dictionaries behind this one change (the shipped bytes,
    /// each user file and their order).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    pub fn actor_count(&self) -> usize {
        self.actors.len()
    }

    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// Leftmost-longest, non-overlapping matches of names over lower-cased tokens.
    pub fn match_names<'d>(&'d self, lower: &[String]) -> Vec<NameMatch<'d>> {
        longest_matches(&self.names, &self.prefixes, lower)
            .into_iter()
            .map(|(tokens, name)| NameMatch { tokens, name })
            .collect()
    }

    /// Leftmost-longest, non-overlapping matches of agents over lower-cased tokens.
    pub fn match_agents(&self, lower: &[String]) -> Vec<(Range<usize>, u32)> {
        longest_matches(&self.agents, &self.prefixes, lower)
            .into_iter()
            .map(|(tokens, &agent)| (tokens, agent))
            .collect()
    }

    /// The agent whose phrase is exactly `lower` words, if any.
    pub fn agent_of(&self, lower: &[String]) -> Option<u32> {
        self.agents.get(&lower.join(" ")).copied()
    }

    /// Sorted where order is free, so the same dictionaries give the same bytes.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(MAGIC)?;
        write_u32(out, self.actors.len() as u32)?;
        for actor in &self.actors {
            write_str(out, &actor.id)?;
            write_str(out, &actor.name)?;
            out.write_all(&[actor.kind as u8])?;
            write_u32(out, actor.roles.len() as u32)?;
            for role in &actor.roles {
                write_str(out, &role.code)?;
                write_str(out, &role.from.map(|d| d.to_string()).unwrap_or_default())?;
                write_str(out, &role.to.map(|d| d.to_string()).unwrap_or_default())?;
            }
        }
        let mut names: Vec<(&String, &NameRef)> = self.names.iter().collect();
        names.sort_by(|a, b| a.0.cmp(b.0));
        write_u32(out, names.len() as u32)?;
        for (key, name) in names {
            write_str(out, key)?;
            write_u32(out, name.actor)?;
            out.write_all(&[name.place as u8])?;
            write_str(out, name.code.as_deref().unwrap_or(""))?;
        }
        write_u32(out, self.agent_refs.len() as u32)?;
        for agent in &self.agent_refs {
            let (side, block) = match &agent.code {
                AgentCode::Suffix(block) => (0u8, block),
                AgentCode::Prefix(block) => (1u8, block),
            };
            out.write_all(&[side])?;
            write_str(out, block)?;
            write_str(out, &agent.head)?;
        }
        let mut agents: Vec<(&String, &u32)> = self.agents.iter().collect();
        agents.sort();
        write_u32(out, agents.len() as u32)?;
        for (key, index) in agents {
            write_str(out, key)?;
            write_u32(out, *index)?;
        }
        for map in [&self.countries, &self.organizations] {
            let mut entries: Vec<(&String, &u32)> = map.iter().collect();
            entries.sort();
            write_u32(out, entries.len() as u32)?;
            for (code, index) in entries {
                write_str(out, code)?;
                write_u32(out, *index)?;
            }
        }
        Ok(())
    }

    pub fn load(bytes: &[u8]) -> Result<Dictionary, String> {
        let r = &mut &bytes[..];
        check_magic(r, MAGIC, "actor dictionary")?;
        let bad = |what: &str| format!("actor dictionary: {what}");
        let t = |_| bad("truncated");
        let byte = |r: &mut &[u8]| -> Result<u8, String> {
            let (&b, rest) = r.split_first().ok_or_else(|| bad("truncated"))?;
            *r = rest;
            Ok(b)
        };
        let date = |s: String| -> Result<Option<Date>, String> {
            if s.is_empty() {
                Ok(None)
            } else {
                s.parse().map(Some).map_err(|_| bad("bad date"))
            }
        };
        let mut d = Dictionary {
            fingerprint: xxh3_64(bytes),
            ..Dictionary::default()
        };
        for _ in 0..read_u32(r).map_err(t)? {
            let id = read_str(r).map_err(t)?;
            let name = read_str(r).map_err(t)?;
            let kind = Kind::from_u8(byte(r)?).ok_or_else(|| bad("bad kind"))?;
            let mut roles = Vec::new();
            for _ in 0..read_u32(r).map_err(t)? {
                roles.push(Role {
                    code: read_str(r).map_err(t)?,
                    from: date(read_str(r).map_err(t)?)?,
                    to: date(read_str(r).map_err(t)?)?,
                });
            }
            d.slugs.insert(id.clone());
            d.actors.push(DictActor {
                id,
                name,
                kind,
                roles,
            });
        }
        let n = read_u32(r).map_err(t)? as usize;
        d.names.reserve(n);
        for _ in 0..n {
            let key = read_str(r).map_err(t)?;
            let actor = read_u32(r).map_err(t)?;
            if actor as usize >= d.actors.len() {
                return Err(bad("name of an unknown actor"));
            }
            let place = byte(r)? == 1;
            let code = read_str(r).map_err(t)?;
            d.add_prefixes(&key);
            d.names.insert(
                key,
                NameRef {
                    actor,
                    place,
                    code: (!code.is_empty()).then_some(code),
                },
            );
        }
        for _ in 0..read_u32(r).map_err(t)? {
            let side = byte(r)?;
            let block = read_str(r).map_err(t)?;
            let head = read_str(r).map_err(t)?;
            let code = match side {
                0 => AgentCode::Suffix(block),
                1 => AgentCode::Prefix(block),
                _ => return Err(bad("bad agent side")),
            };
            d.agent_refs.push(AgentRef { code, head });
        }
        for _ in 0..read_u32(r).map_err(t)? {
            let key = read_str(r).map_err(t)?;
            let index = read_u32(r).map_err(t)?;
            if index as usize >= d.agent_refs.len() {
                return Err(bad("unknown agent"));
            }
            d.add_prefixes(&key);
            d.agents.insert(key, index);
        }
        for map in [&mut d.countries, &mut d.organizations] {
            for _ in 0..read_u32(r).map_err(t)? {
                let code = read_str(r).map_err(t)?;
                map.insert(code, read_u32(r).map_err(t)?);
            }
        }
        if !r.is_empty() {
            return Err(bad("trailing bytes"));
        }
        Ok(d)
    }
}

/// For each key length from 1 up, the longest match starting at each token; a match
/// is taken and matching resumes after it.
fn longest_matches<'m, V>(
    map: &'m HashMap<String, V>,
    prefixes: &FxHashSet<String>,
    lower: &[String],
) -> Vec<(Range<usize>, &'m V)> {
    let mut out = Vec::new();
    let mut key = String::new();
    let mut i = 0;
    while i < lower.len() {
        key.clear();
        let mut best = None;
        for end in i + 1..=(i + MAX_WORDS).min(lower.len()) {
            if end > i + 1 {
                key.push(' ');
            }
            key.push_str(&lower[end - 1]);
            if let Some(value) = map.get(key.as_str()) {
                best = Some((end, value));
            }
            if !prefixes.contains(key.as_str()) {
                break;
            }
        }
        match best {
            Some((end, value)) => {
                out.push((i..end, value));
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// The lookup keys of a phrase: its words as our tokenizer splits them, lower-cased,
/// with each suffix added to the last word.
fn phrase_keys(phrase: &Phrase, suffixes: &[&str]) -> Vec<String> {
    let spaced = phrase.words.join(" ");
    let words: Vec<String> = dateline_nlp::tokenize(&spaced)
        .iter()
        .map(|s| s.of(&spaced).to_lowercase())
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let base = words.join(" ");
    let suffixes = if phrase.open_ended {
        suffixes
    } else {
        &[""][..]
    };
    suffixes.iter().map(|s| format!("{base}{s}")).collect()
}

/// `"president"` → `"presidents"`, `"secretary"` → `"secretaries"`, `"boss"` → `"bosses"`.
fn plural(key: &str) -> String {
    if let Some(stem) = key.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    if key.ends_with(['s', 'x', 'z']) || key.ends_with("ch") || key.ends_with("sh") {
        return format!("{key}es");
    }
    format!("{key}s")
}

fn first_letters(phrase: &Phrase) -> String {
    letters(phrase).chars().take(4).collect()
}

/// A phrase's letters, lower-case, without a leading "the".
fn letters(phrase: &Phrase) -> String {
    let words = match phrase.words.first() {
        Some(first) if first.eq_ignore_ascii_case("the") && phrase.words.len() > 1 => {
            &phrase.words[1..]
        }
        _ => &phrase.words[..],
    };
    words.concat().to_lowercase()
}

/// "Russia", "Russian", "U.S." and "USA" name the country itself; "Moscow" and
/// "Kharkiv" are places in it.
fn looks_like_country_name(phrase: &Phrase, primary_first_letters: &str) -> bool {
    let letters = letters(phrase);
    let alphabetic = letters.chars().filter(|c| c.is_alphabetic()).count();
    letters.starts_with(primary_first_letters)
        || alphabetic <= 3
        || (letters.contains('.') && alphabetic <= 4)
}

/// `VLADIMIR_V._PUTIN_` → `Vladimir V. Putin`.
fn display_name(phrase: &Phrase) -> String {
    let mut out = String::new();
    for word in &phrase.words {
        if !out.is_empty() {
            out.push(' ');
        }
        let mut upper_next = true;
        for c in word.chars() {
            if upper_next {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            upper_next = matches!(c, '-' | '(' | '/');
        }
    }
    out
}

/// Line ranges (1-based, half-open) between `# dateline: seats` and
/// `# dateline: actors` (or the end of the file).
fn seat_sections(text: &str) -> Vec<Range<usize>> {
    let mut sections = Vec::new();
    let mut open: Option<usize> = None;
    for (index, line) in text.lines().enumerate() {
        let directive = line.trim().strip_prefix('#').map(str::trim);
        match directive {
            Some("dateline: seats") if open.is_none() => open = Some(index + 1),
            Some("dateline: actors") => {
                if let Some(start) = open.take() {
                    sections.push(start..index + 1);
                }
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        sections.push(start..usize::MAX);
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const COUNTRIES: &str = "VELDORA_ [VLD]\n+VELDORAN\n+MARROWICK_\nILENA_MARSK_\n+PRESIDENT_MARSK_\n\t[VLDOPP <20310301]\n\t[VLDGOV >20310301]\nBROKEN_ [VLD 2031]\n# dateline: seats\nMARROWICK_ [VLDGOV]\nNOWHERE_ [XYZGOV]\n";
    const AGENTS: &str =
        "!MINIST! = MINISTER, MINISTRY\nPRESIDENT [~GOV]\nFOREIGN_!MINIST! [~GOV]\nFORCES [~MIL]\n";

    fn dictionary() -> (Dictionary, Vec<(usize, String)>) {
        let mut d = Dictionary::default();
        let mut problems = Vec::new();
        d.add_agents(AGENTS, &mut |l, w| problems.push((l, w)));
        d.add_actors(COUNTRIES, Source::Countries, false, &mut |l, w| {
            problems.push((l, w))
        });
        (d, problems)
    }

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_lowercase).collect()
    }

    #[test]
    fn reads_kinds_seats_and_problems() {
        let (d, problems) = dictionary();
        let lines: Vec<usize> = problems.iter().map(|p| p.0).collect();
        assert_eq!(lines, [8, 11], "{problems:?}");
        let matches = d.match_names(&words("President Marsk met Veldorans in Marrowick"));
        let found: Vec<(Range<usize>, &str, bool, Option<&str>)> = matches
            .iter()
            .map(|m| {
                let actor = d.actor(m.name.actor);
                (
                    m.tokens.clone(),
                    actor.id.as_str(),
                    m.name.place,
                    m.name.code.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (0..2, "ilena-marsk", false, None),
                (3..4, "veldora", false, None),
                (5..6, "veldora", true, Some("VLDGOV")),
            ]
        );
        let marsk = d.actor(matches[0].name.actor);
        assert_eq!(marsk.kind, Kind::Person);
        assert_eq!(marsk.code_on(date(2031, 2, 28)), Some("VLDOPP"));
        assert_eq!(marsk.code_on(date(2031, 3, 1)), Some("VLDGOV"));
        assert_eq!(d.actor(matches[1].name.actor).kind, Kind::Country);
    }

    #[test]
    fn agents_match_inflections_and_sets() {
        let (d, _) = dictionary();
        let found: Vec<Range<usize>> = d
            .match_agents(&words(
                "the foreign ministry and foreign ministers and presidents",
            ))
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        assert_eq!(found, [1..3, 4..6, 7..8]);
    }

    #[test]
    fn user_names_win_and_the_binary_form_round_trips() {
        let (d, _) = dictionary();
        let (user, problems) =
            d.with_user_text("OTHER_MARSK_\n+PRESIDENT_MARSK_\n\t[VLDELI]\n", "mine");
        assert!(problems.is_empty());
        let m = &user.match_names(&words("President Marsk"))[0];
        assert_eq!(user.actor(m.name.actor).id, "other-marsk");
        let mut bytes = Vec::new();
        user.write(&mut bytes).unwrap();
        let loaded = Dictionary::load(&bytes).unwrap();
        let mut again = Vec::new();
        loaded.write(&mut again).unwrap();
        assert_eq!(bytes, again);
        assert!(Dictionary::load(&bytes[..bytes.len() - 1]).is_err());
        assert!(Dictionary::load(b"not a dictionary").is_err());
    }

    #[test]
    fn a_missing_folder_says_how_to_point_to_one() {
        let error = Dictionary::from_phoenix_dir(Path::new("/no/such/folder")).unwrap_err();
        assert!(error.to_string().contains("--dictionaries"), "{error}");
    }

    #[test]
    fn the_shipped_dictionary_loads() {
        let d = crate::shipped();
        assert!(d.actor_count() > 20_000);
        let m = &d.match_names(&words("Volodymyr Zelenskiy"))[0];
        let zelenskyy = d.actor(m.name.actor);
        assert_eq!(zelenskyy.code_on(date(2018, 1, 1)), Some("UKRELI"));
        assert_eq!(zelenskyy.code_on(date(2022, 3, 1)), Some("UKRGOV"));
    }

    #[test]
    fn matching_stays_linear_on_hostile_text() {
        let (d, _) = dictionary();
        let long: Vec<String> = std::iter::repeat_n("president".to_string(), 100_000).collect();
        assert_eq!(d.match_agents(&long).len(), 100_000);
        let caps = words(&"VELDORA ".repeat(50_000));
        assert_eq!(d.match_names(&caps).len(), 50_000);
    }
}
