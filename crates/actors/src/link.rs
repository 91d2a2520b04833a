//! One article's mentions → actors.
//!
//! Two passes over the document's tokens. The first finds everything that *names*
//! an actor: dictionary names, the recogniser's person and organisation names, seats
//! standing for governments, and demonym + role phrases; it also collects each
//! person's titles ("president", "minister") and the code they give. The second
//! links what does not name its actor — bare surnames, "the president", he/she — to
//! an antecedent found by the first, and only when exactly one fits.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::rc::Rc;

use dateline_core::{Actor, ActorCode, Document, Entity, Mention};
use jiff::civil::Date;

use crate::dictionary::{Dictionary, Kind, NameMatch};
use crate::key::{name_key, slug};

/// The actor layer of one article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Linked {
    /// Every mention, in text order: the recogniser's entities (linked where an actor
    /// is known) plus the references this layer adds (pronouns, titles, groups).
    pub mentions: Vec<Mention>,
    /// The actors the mentions link to, in order of first mention.
    pub actors: Vec<Actor>,
}

/// Prepositions after which a place name is a place, not an actor.
const LOCATIVE: [&str; 17] = [
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

const FEMALE_TITLES: [&str; 8] = [
    "queen", "princess", "duchess", "empress", "mother", "wife", "sister", "daughter",
];
const MALE_TITLES: [&str; 8] = [
    "king", "prince", "duke", "emperor", "father", "husband", "brother", "son",
];
const MALE: [&str; 4] = ["he", "him", "his", "himself"];
const FEMALE: [&str; 4] = ["she", "her", "hers", "herself"];

/// How many sentences back a pronoun may look for its antecedent.
const PRONOUN_REACH: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Male,
    Female,
}

struct LocalActor {
    id: String,
    name: String,
    kind: Kind,
    aliases: BTreeSet<String>,
    /// Dictionary roles, when the dictionary knows the actor.
    roles: Vec<ActorCode>,
    /// The code a title or apposition in this article gave.
    seen_code: Option<String>,
    /// Heads of the titles this article gave the actor ("president").
    titles: BTreeSet<String>,
    /// Name key of the last word of the actor's full name, for bare surnames.
    surname: Option<String>,
    /// An organisation's short names, lower-case: its acronym and, for "X of Y", Y
    /// ("usi", "scientology").
    short_names: Vec<String>,
    gender: Option<Gender>,
}

struct Found {
    tokens: Range<usize>,
    label: &'static str,
    actor: Option<usize>,
    code: Option<String>,
    resolved_from: Option<&'static str>,
}

struct Linker<'a> {
    document: &'a Document,
    dictionary: &'a Dictionary,
    date: Date,
    lower: Vec<String>,
    actors: Vec<LocalActor>,
    by_id: HashMap<String, usize>,
    found: Vec<Found>,
    /// Tokens already part of a found mention.
    taken: Vec<bool>,
    /// Sentence index of every token.
    sentence_of: Vec<usize>,
    /// The recogniser's entities, with labels corrected by their head word.
    entities: Vec<Entity>,
    /// Tokens inside quotation marks.
    in_quote: Vec<bool>,
    /// Role words ("foreign minister"), matched once per sentence: first token →
    /// (end, agent).
    agents: Rc<HashMap<usize, (usize, u32)>>,
}

/// Links the mentions of `document` (which must carry the language layers) to actors,
/// with codes as of the article's date.
pub fn link(document: &Document, dictionary: &Dictionary) -> Linked {
    let text = document.text();
    let lower: Vec<String> = document
        .tokens
        .iter()
        .map(|t| text[t.start..t.end].to_lowercase())
        .collect();
    let mut sentence_of = vec![0; document.tokens.len()];
    for (index, sentence) in document.sentences.iter().enumerate() {
        for slot in &mut sentence_of[sentence.clone()] {
            *slot = index;
        }
    }
    let entities = document
        .entities
        .iter()
        .filter_map(|e| cleaned_entity(e, document, &lower))
        .collect();
    let in_quote = quoted_tokens(document);
    let mut agents = HashMap::new();
    for sentence in &document.sentences {
        for (range, agent) in dictionary.match_agents(&lower[sentence.clone()]) {
            agents.insert(
                range.start + sentence.start,
                (range.end + sentence.start, agent),
            );
        }
    }
    let mut linker = Linker {
        document,
        dictionary,
        entities,
        in_quote,
        agents: Rc::new(agents),
        date: document.article.date,
        taken: vec![false; lower.len()],
        lower,
        actors: Vec::new(),
        by_id: HashMap::new(),
        found: Vec::new(),
        sentence_of,
    };
    linker.add_titled_names();
    for sentence in &document.sentences {
        linker.name_pass(sentence.clone());
    }
    linker.entity_pass();
    linker.reference_pass();
    linker.finish()
}

impl<'a> Linker<'a> {
    /// Names right after a title that the recogniser missed ("Foreign Minister Sabine
    /// Drost"): a run of capitalised proper nouns after a role word is a person.
    fn add_titled_names(&mut self) {
        let mut added = Vec::new();
        for (&agent_start, &(start, _)) in self.agents.iter() {
            let sentence = &self.document.sentences[self.sentence_of[agent_start]];
            {
                let mut end = start;
                while end < sentence.end
                    && end - start < 4
                    && self.xpos(end) == "NNP"
                    && self.capitalised(end)
                {
                    end += 1;
                }
                let overlaps = |e: &Entity| e.tokens.start < end && start < e.tokens.end;
                let named = self.dictionary.match_names(&self.lower[start..end]);
                if end > start
                    && named.is_empty()
                    && !self.entities.iter().any(overlaps)
                    && !added.iter().any(overlaps)
                {
                    added.push(Entity {
                        tokens: start..end,
                        label: "PER".into(),
                    });
                }
            }
        }
        self.entities.extend(added);
        self.entities.sort_by_key(|e| e.tokens.start);
    }

    fn word(&self, i: usize) -> &str {
        let t = &self.document.tokens[i];
        &self.document.text()[t.start..t.end]
    }

    fn xpos(&self, i: usize) -> &str {
        &self.document.tokens[i].xpos
    }

    fn capitalised(&self, i: usize) -> bool {
        self.word(i).chars().next().is_some_and(char::is_uppercase)
    }

    fn entity_at(&self, tokens: &Range<usize>) -> Option<&Entity> {
        self.entities
            .iter()
            .find(|e| e.tokens.start <= tokens.start && tokens.end <= e.tokens.end)
    }

    /// Is a person's name (a recognised person, or a dictionary person) at `i`?
    fn person_starts_at(&self, i: usize, names: &[NameMatch]) -> bool {
        let entity = self
            .entities
            .iter()
            .any(|e| e.tokens.start == i && e.label == "PER");
        entity
            || names.iter().any(|m| {
                m.tokens.start == i && self.dictionary.actor(m.name.actor).kind == Kind::Person
            })
    }

    /// The determiner of the noun phrase that starts with adjectives before `start`.
    fn determiner_before(&self, start: usize) -> Option<&str> {
        let mut i = start;
        while i > 0 {
            i -= 1;
            if self.sentence_of[i] != self.sentence_of[start] {
                return None;
            }
            match self.xpos(i) {
                "JJ" | "RB" | "CD" => continue,
                "DT" => return Some(self.lower[i].as_str()),
                _ => return None,
            }
        }
        None
    }

    /// After a preposition of place, possibly across a coordination ("in Marrowick
    /// and Strenholt").
    fn locative(&self, start: usize) -> bool {
        let mut i = start;
        while i > 0 {
            i -= 1;
            if self.sentence_of[i] != self.sentence_of[start] {
                return false;
            }
            match self.lower[i].as_str() {
                "the" | "and" | "or" | "," => continue,
                _ if self.capitalised(i) && self.xpos(i) == "NNP" => continue,
                word => return LOCATIVE.contains(&word),
            }
        }
        false
    }

    /// A name used as a modifier ("her Strenholt office", "the Strenholt daily").
    fn modifies_noun(&self, end: usize, sentence: &Range<usize>) -> bool {
        end < sentence.end
            && matches!(self.xpos(end), "NN" | "NNS" | "JJ")
            && !self.capitalised(end)
    }

    /// A dateline: a place opening its paragraph and followed by a dash or a comma
    /// ("MARROWICK — …", "CALLOWAY SOUND, May 22 (Northwind Wire) — …").
    fn dateline(&self, tokens: Range<usize>) -> bool {
        let text = self.document.text();
        let start = self.document.tokens[tokens.start].start;
        let opens = text[..start].trim_end_matches([' ', '\t']).ends_with('\n') || start == 0;
        let next = self.lower.get(tokens.end).map(String::as_str);
        opens && matches!(next, Some("—" | "–" | "-" | "," | "--"))
    }

    fn actor_for_dictionary(&mut self, index: u32) -> usize {
        let entry = self.dictionary.actor(index);
        if let Some(&local) = self.by_id.get(&entry.id) {
            return local;
        }
        let roles = entry
            .roles
            .iter()
            .map(|r| ActorCode {
                code: r.code.clone(),
                from: r.from,
                to: r.to,
            })
            .collect();
        self.add_actor(entry.id.clone(), entry.name.clone(), entry.kind, roles)
    }

    fn add_actor(&mut self, id: String, name: String, kind: Kind, roles: Vec<ActorCode>) -> usize {
        if let Some(&local) = self.by_id.get(&id) {
            return local;
        }
        let surname = (kind == Kind::Person)
            .then(|| name.split_whitespace().last().map(|w| name_key([w])))
            .flatten();
        let gender = if kind == Kind::Person {
            name.split_whitespace()
                .next()
                .filter(|_| name.split_whitespace().count() > 1)
                .and_then(gender_of_given_name)
        } else {
            None
        };
        let short_names = if kind == Kind::Organization {
            short_names(&name)
        } else {
            Vec::new()
        };
        self.actors.push(LocalActor {
            id: id.clone(),
            name,
            kind,
            aliases: BTreeSet::new(),
            roles,
            seen_code: None,
            titles: BTreeSet::new(),
            surname,
            short_names,
            gender,
        });
        self.by_id.insert(id, self.actors.len() - 1);
        self.actors.len() - 1
    }

    fn push(&mut self, found: Found) {
        for slot in &mut self.taken[found.tokens.clone()] {
            *slot = true;
        }
        if let (Some(actor), None) = (found.actor, found.resolved_from) {
            let (first, last) = (
                &self.document.tokens[found.tokens.start],
                &self.document.tokens[found.tokens.end - 1],
            );
            let alias = self.document.text()[first.start..last.end].to_string();
            self.actors[actor].aliases.insert(alias);
        }
        self.found.push(found);
    }

    /// Dictionary names in one sentence, with the titles and groups built on them.
    fn name_pass(&mut self, sentence: Range<usize>) {
        let names: Vec<NameMatch> = self
            .dictionary
            .match_names(&self.lower[sentence.clone()])
            .into_iter()
            .map(|m| {
                // Some dictionary names include "the" ("THE_US", "the Kremlin");
                // a mention is the name without it.
                let mut start = m.tokens.start + sentence.start;
                let end = m.tokens.end + sentence.start;
                if end - start > 1 && self.lower[start] == "the" {
                    start += 1;
                }
                NameMatch {
                    tokens: start..end,
                    name: m.name,
                }
            })
            .filter(|m| self.plausible_name(m))
            .collect();
        let agents = Rc::clone(&self.agents);
        for m in &names {
            if self.taken[m.tokens.start] {
                continue;
            }
            let entry = self.dictionary.actor(m.name.actor);
            if entry.kind != Kind::Country {
                let mut span = match self.entity_at(&m.tokens) {
                    Some(e) if matches!(e.label.as_str(), "PER" | "ORG") => e.tokens.clone(),
                    _ => m.tokens.clone(),
                };
                if entry.kind == Kind::Person {
                    let name_start = self.skip_title(span.clone(), &agents);
                    self.countries_in_title(span.start..name_start);
                    span.start = name_start;
                }
                let actor = self.actor_for_dictionary(m.name.actor);
                if self.entity_at(&m.tokens).is_some_and(|e| e.label == "PER") {
                    self.actors[actor].kind = Kind::Person;
                }
                let code = m
                    .name
                    .code
                    .clone()
                    .or_else(|| entry.code_on(self.date).map(str::to_string));
                let label = if self.actors[actor].kind == Kind::Person {
                    "PER"
                } else {
                    "ORG"
                };
                self.note_title_before(actor, span.start, &agents);
                self.push(Found {
                    tokens: span,
                    label,
                    actor: Some(actor),
                    code,
                    resolved_from: None,
                });
                continue;
            }
            // Part of a longer name ("Brisalian Diplomatic Academy", "University of
            // Calloway Sound"): that name is the actor, made in the entity pass.
            // Part of a person's name ("Valeska Paris") likewise.
            if self.entity_at(&m.tokens).is_some_and(|e| {
                e.tokens != m.tokens
                    && (matches!(e.label.as_str(), "ORG" | "LOC" | "MISC")
                        || e.label == "PER" && e.tokens.end == m.tokens.end)
            }) {
                continue;
            }
            // "Paris" after "Valeska Paris" is her surname, not France.
            if m.tokens.len() == 1 && self.surname_in_article(&self.lower[m.tokens.start]) {
                continue;
            }
            let country_code = m
                .name
                .code
                .clone()
                .or_else(|| entry.code_on(self.date).map(str::to_string));
            // A demonym, or a country name used as one ("Veldoran presidential
            // spokesman", "US officials"): the next word is a noun or adjective.
            let modifies = m.tokens.end < sentence.end
                && matches!(self.xpos(m.tokens.end), "JJ" | "NN" | "NNS")
                && !self.capitalised(m.tokens.end);
            let demonym = modifies
                || matches!(self.xpos(m.tokens.end - 1), "JJ" | "NNS" | "NNPS")
                || m.tokens.len() == 1 && is_demonym(&self.lower[m.tokens.start]);
            let mut next = m.tokens.end;
            if next < sentence.end && matches!(self.lower[next].as_str(), "'s" | "’s" | "'") {
                next += 1;
            }
            // The role word may follow a modifier or two ("Veldoran border official",
            // "Veldoran river authority").
            let agent = (next..(next + 3).min(sentence.end))
                .take_while(|&i| {
                    i == next || matches!(self.xpos(i - 1), "JJ" | "NN") && !self.capitalised(i - 1)
                })
                .find_map(|i| agents.get(&i).copied());
            let country = self.actor_for_dictionary(m.name.actor);
            if let Some((agent_end, agent)) = agent {
                let titled_person = agent_end < sentence.end
                    && (self.person_starts_at(agent_end, &names)
                        || self
                            .entity_at(&(agent_end..agent_end + 1))
                            .is_some_and(|e| e.label == "PER"));
                // "a Veldoran official" is someone of the country's; "the Veldoran
                // president" is a particular person.
                let indefinite = self
                    .determiner_before(m.tokens.start)
                    .is_some_and(|d| d == "a" || d == "an");
                let singular = !indefinite
                    && matches!(self.xpos(agent_end - 1), "NN" | "NNP")
                    && !COLLECTIVE.contains(&self.dictionary.agent(agent).head.as_str());
                if !titled_person && !singular {
                    // "Russian forces", "Haldmere's officials": the country acting
                    // through a group.
                    let code = self
                        .dictionary
                        .agent(agent)
                        .code
                        .apply(country_code.as_deref().map(|c| &c[..c.len().min(3)]));
                    let label = if demonym { "NORP" } else { "GPE" };
                    self.push(Found {
                        tokens: m.tokens.start..agent_end,
                        label,
                        actor: Some(country),
                        code: Some(code),
                        resolved_from: None,
                    });
                    continue;
                }
                // A title ("Russian President …", "the Veldoran president"): the
                // person, or the reference, is handled where it is; the demonym
                // stays as an unlinked mention that still tells the title's country.
                if demonym {
                    self.push(Found {
                        tokens: m.tokens.clone(),
                        label: "NORP",
                        actor: None,
                        code: country_code,
                        resolved_from: None,
                    });
                    continue;
                }
            }
            if m.name.place {
                // A seat stands for its government wherever it is not a place
                // ("talks in Moscow"); any other city or region only as the subject
                // of a verb ("Kharkiv demanded …"; "Mecca's Grand Mosque" is a place).
                let acting = if m.name.code.is_some() {
                    !self.locative(m.tokens.start)
                        && !self.modifies_noun(m.tokens.end, &sentence)
                        && !self.dateline(m.tokens.clone())
                        && !(m.tokens.start > sentence.start
                            && self.xpos(m.tokens.start - 1) == "JJ")
                } else {
                    self.document.tokens[m.tokens.end - 1]
                        .deprel
                        .starts_with("nsubj")
                };
                if !acting {
                    self.push(Found {
                        tokens: m.tokens.clone(),
                        label: "GPE",
                        actor: None,
                        code: None,
                        resolved_from: None,
                    });
                } else {
                    let from = m.name.code.is_some().then_some("metonymy");
                    self.push(Found {
                        tokens: m.tokens.clone(),
                        label: "GPE",
                        actor: Some(country),
                        code: country_code,
                        resolved_from: from,
                    });
                }
            } else if demonym {
                // "Afghans" are people of the country; "Russian oil" is not an actor.
                let people = matches!(self.xpos(m.tokens.end - 1), "NNS" | "NNPS") && !modifies;
                let actor = people.then_some(country);
                let code = if people { country_code } else { None };
                self.push(Found {
                    tokens: m.tokens.clone(),
                    label: "NORP",
                    actor,
                    code,
                    resolved_from: None,
                });
            } else {
                self.push(Found {
                    tokens: m.tokens.clone(),
                    label: "GPE",
                    actor: Some(country),
                    code: country_code,
                    resolved_from: None,
                });
            }
        }
    }

    /// Where a person's name starts inside a dictionary phrase that carries a title
    /// ("Russian President Vladimir Putin" → "Vladimir Putin"); the title stays
    /// outside the mention and is noted as the person's title.
    fn skip_title(&self, span: Range<usize>, agents: &HashMap<usize, (usize, u32)>) -> usize {
        let mut start = span.start;
        loop {
            if let Some(&(end, _)) = agents.get(&start).filter(|(end, _)| *end < span.end) {
                start = end;
                continue;
            }
            // A country before a title: "Russian President …", "US President …",
            // "Ukraine's President …".
            let country = self.country_at(start, span.end).map(|(end, _)| end);
            if let Some(mut after) = country {
                if after < span.end && matches!(self.lower[after].as_str(), "'s" | "’s") {
                    after += 1;
                }
                if agents.get(&after).is_some_and(|&(end, _)| end < span.end) {
                    start = after;
                    continue;
                }
            }
            if is_honorific(&self.lower[start]) && start + 1 < span.end {
                start += 1;
                continue;
            }
            return start;
        }
    }

    /// A country's name or demonym starting exactly at `i` and ending by `limit`,
    /// longest first: `(end, actor)`.
    fn country_at(&self, i: usize, limit: usize) -> Option<(usize, u32)> {
        (1..=3.min(limit.saturating_sub(i))).rev().find_map(|len| {
            let names = self.dictionary.match_names(&self.lower[i..i + len]);
            let m = names.first()?;
            (m.tokens == (0..len) && self.dictionary.actor(m.name.actor).kind == Kind::Country)
                .then_some((i + len, m.name.actor))
        })
    }

    /// Countries inside a title the dictionary wrote into a person's name ("US" in
    /// "US President Barack Obama"): a country's name is a mention of it; a
    /// demonym only says whose title it is.
    fn countries_in_title(&mut self, title: Range<usize>) {
        let mut i = title.start;
        while i < title.end {
            let Some((end, index)) = self.country_at(i, title.end) else {
                i += 1;
                continue;
            };
            let code = self
                .dictionary
                .actor(index)
                .code_on(self.date)
                .map(str::to_string);
            let demonym = end - i == 1 && is_demonym(&self.lower[i]);
            let actor = (!demonym).then(|| self.actor_for_dictionary(index));
            let label = if demonym { "NORP" } else { "GPE" };
            self.push(Found {
                tokens: i..end,
                label,
                actor,
                code,
                resolved_from: None,
            });
            i = end;
        }
    }

    /// Whether a person the recogniser found in this article, named in full, has
    /// this (lower-case) word as the last word of their name.
    fn surname_in_article(&self, word: &str) -> bool {
        self.entities.iter().any(|e| {
            e.label == "PER" && e.tokens.len() >= 2 && self.lower[e.tokens.end - 1] == word
        })
    }

    /// Dictionary phrases are upper-case and match any case; in running text a name
    /// must look like one, so "us" is not the United States and "may" not a person.
    fn plausible_name(&self, m: &NameMatch) -> bool {
        if m.tokens.len() > 1 {
            // "Western countries", "Foreign Ministry": one capital is enough.
            return self.capitalised(m.tokens.start) || self.capitalised(m.tokens.end - 1);
        }
        if !self.capitalised(m.tokens.start) {
            return false;
        }
        let country = self.dictionary.actor(m.name.actor).kind == Kind::Country;
        match self.xpos(m.tokens.start) {
            "NNP" | "NNPS" => true,
            "JJ" | "NNS" => country,
            _ => false,
        }
    }

    /// Records a title written just before a person's name ("Foreign Minister",
    /// "Haldmere's President", "Kremlin spokesman") and the code it gives.
    fn note_title_before(
        &mut self,
        actor: usize,
        start: usize,
        agents: &HashMap<usize, (usize, u32)>,
    ) {
        let Some((&agent_start, &(_, agent))) = agents.iter().find(|(_, (end, _))| *end == start)
        else {
            return;
        };
        self.note_title(actor, agent);
        let country = self.country_before(agent_start);
        self.note_code(actor, agent, country);
    }

    /// The country code named just before `i` ("Russian", "Haldmere's", "Kremlin").
    fn country_before(&self, i: usize) -> Option<String> {
        let mut j = i;
        if j > 0 && matches!(self.lower[j - 1].as_str(), "'s" | "’s" | "'") {
            j -= 1;
        }
        let found = self
            .found
            .iter()
            .rev()
            .find(|f| f.tokens.end == j && f.code.is_some())?;
        found.code.as_deref().map(owner_code)
    }

    fn note_code(&mut self, actor: usize, agent: u32, country: Option<String>) {
        let local = &mut self.actors[actor];
        if !local.roles.is_empty() {
            return; // the dictionary knows better than one title
        }
        let agent = self.dictionary.agent(agent);
        // A spokesperson speaks for the government whose seat is named ("Kremlin
        // spokesman"); the agents dictionary would make them media.
        let block = if agent.head.starts_with("spokes") {
            "GOV"
        } else {
            agent.code.block()
        };
        // An officer of an international organisation holds its code ("Concord
        // envoy" → IGOCNS), not the organisation's code plus a role.
        if let Some(org) = country.as_deref().filter(|c| c.len() > 3) {
            local.seen_code = Some(org.to_string());
        } else if let Some(country) = country {
            local.seen_code = Some(match &agent.code {
                dateline_cameo::AgentCode::Prefix(_) => format!("{block}{country}"),
                dateline_cameo::AgentCode::Suffix(_) => format!("{country}{block}"),
            });
        }
    }

    /// The recogniser's names that no dictionary name covered.
    fn entity_pass(&mut self) {
        let entities = self.entities.clone();
        let agents = Rc::clone(&self.agents);
        for mut entity in entities {
            // A prefix the name pass took ("Haldish" in "Haldish Defence Minister
            // Edvard Nyle") leaves the rest; a name taken elsewhere is done.
            while !entity.tokens.is_empty() && self.taken[entity.tokens.start] {
                entity.tokens.start += 1;
            }
            if entity.tokens.is_empty() || self.taken[entity.tokens.clone()].iter().any(|&t| t) {
                continue;
            }
            let label: &'static str = match entity.label.as_str() {
                "PER" => "PER",
                "ORG" => "ORG",
                "GPE" => "GPE",
                "NORP" => "NORP",
                "LOC" => "LOC",
                _ => "MISC",
            };
            let sentence_index = self.sentence_of[entity.tokens.start];
            let sentence = self.document.sentences[sentence_index].clone();

            // A title the recogniser took into the name ("President Ilena Marsk").
            let mut start = entity.tokens.start;
            while let Some(&(end, _)) = agents.get(&start) {
                if end >= entity.tokens.end {
                    break;
                }
                start = end;
            }
            while start < entity.tokens.end && is_honorific(&self.lower[start]) {
                start += 1;
            }
            let tokens = start..entity.tokens.end;
            if tokens.is_empty() {
                continue;
            }
            // A name with a title is a person's, whatever the recogniser said
            // ("Colonel Lukas Drost" taken for an organisation).
            let titled = start > entity.tokens.start
                || agents.values().any(|&(end, _)| end == start)
                || start > 0 && is_honorific(&self.lower[start - 1]);
            let label = if titled && matches!(label, "ORG" | "MISC") && tokens.len() <= 3 {
                "PER"
            } else {
                label
            };
            let words: Vec<String> = tokens.clone().map(|i| self.word(i).to_string()).collect();
            let key = if label == "PER" {
                name_key(words.iter().map(String::as_str))
            } else {
                slug(words.iter().map(String::as_str))
            };
            // One-word names wait for the reference pass: a surname of someone
            // named in full, or an organisation's short name ("Scientology").
            let linkable = match label {
                "PER" | "ORG" => tokens.len() >= 2,
                _ => false,
            };
            if !linkable || key.is_empty() {
                // A bare surname waits for the reference pass.
                self.push(Found {
                    tokens,
                    label,
                    actor: None,
                    code: None,
                    resolved_from: None,
                });
                continue;
            }
            let kind = if label == "PER" {
                Kind::Person
            } else {
                Kind::Organization
            };
            let actor = self.add_actor(key, words.join(" "), kind, Vec::new());
            if label == "PER" {
                if start > entity.tokens.start || tokens.start > 0 {
                    self.note_honorific(actor, tokens.start);
                }
                // Title words inside the entity, or just before it.
                let title_start = agents
                    .iter()
                    .find(|(_, (end, _))| *end == tokens.start)
                    .map(|(s, _)| *s);
                if let Some(title_start) = title_start {
                    let agent = agents[&title_start].1;
                    self.note_title(actor, agent);
                    let country = self.country_before(title_start).or_else(|| {
                        self.country_inside(entity.tokens.start.min(title_start)..title_start)
                    });
                    self.note_code(actor, agent, country);
                }
                self.note_apposition(actor, tokens.end, sentence.end, &agents);
            }
            self.push(Found {
                tokens,
                label,
                actor: Some(actor),
                code: None,
                resolved_from: None,
            });
        }
        self.found.sort_by_key(|f| f.tokens.start);
    }

    /// A country named inside `range` by the dictionary (for titles the recogniser
    /// swallowed: "Veldoran President Ilena Marsk" as one entity).
    fn country_inside(&self, range: Range<usize>) -> Option<String> {
        let names = self.dictionary.match_names(&self.lower[range.clone()]);
        names.iter().find_map(|m| {
            let entry = self.dictionary.actor(m.name.actor);
            (entry.kind == Kind::Country).then(|| {
                let code = m
                    .name
                    .code
                    .as_deref()
                    .or_else(|| entry.code_on(self.date))?;
                Some(owner_code(code))
            })?
        })
    }

    /// A title of the actor's, for later "the minister"; a gendered one
    /// ("spokeswoman") also tells which pronouns may refer to them.
    fn note_title(&mut self, actor: usize, agent: u32) {
        let head = &self.dictionary.agent(agent).head;
        let gender = if head.contains("woman") || FEMALE_TITLES.contains(&head.as_str()) {
            Some(Gender::Female)
        } else if head.ends_with("man") || MALE_TITLES.contains(&head.as_str()) {
            Some(Gender::Male)
        } else {
            None
        };
        let local = &mut self.actors[actor];
        local.titles.insert(head.clone());
        if gender.is_some() {
            local.gender = gender;
        }
    }

    fn note_honorific(&mut self, actor: usize, name_start: usize) {
        if name_start == 0 {
            return;
        }
        let before = self.lower[name_start - 1].trim_end_matches('.');
        let gender = match before {
            "mr" | "sir" | "lord" => Some(Gender::Male),
            "mrs" | "ms" | "miss" | "madam" | "dame" | "lady" => Some(Gender::Female),
            _ => None,
        };
        if gender.is_some() {
            self.actors[actor].gender = gender;
        }
    }

    /// "X, the president of Y," / "X, Y's foreign minister,": a title and country in
    /// the comma-delimited phrase right after a name.
    fn note_apposition(
        &mut self,
        actor: usize,
        after: usize,
        sentence_end: usize,
        agents: &HashMap<usize, (usize, u32)>,
    ) {
        if after >= sentence_end || self.lower[after] != "," {
            return;
        }
        // The phrase ends at punctuation, a relative pronoun or a finite verb ("…,
        // the opposition leader who had spent March attacking the government").
        let mut end = after + 1;
        while end < sentence_end
            && end - after <= 10
            && !matches!(
                self.lower[end].as_str(),
                "," | ";" | "." | "(" | "\"" | "“" | "”" | "who" | "which" | "that" | "whose"
            )
            && !matches!(self.xpos(end), "VB" | "VBD" | "VBZ" | "VBP" | "MD")
        {
            end += 1;
        }
        let window = after + 1..end;
        // The head of the phrase is its last role word; one followed by "'s" is its
        // owner ("the president's spokesman").
        let Some((&agent_start, &(_, agent))) = agents
            .iter()
            .filter(|(s, (e, _))| window.contains(s) && *e <= end)
            .filter(|(_, (e, _))| {
                !matches!(self.lower.get(*e).map(String::as_str), Some("'s" | "’s"))
            })
            .max_by_key(|(s, _)| **s)
        else {
            return;
        };
        // Only a determiner, a country, an adjective or a possessive may come before
        // the title ("the Veldoran presidential spokesman").
        let lead_ok = (window.start..agent_start).all(|i| {
            matches!(self.lower[i].as_str(), "the" | "a" | "an" | "'s" | "’s")
                || self.capitalised(i)
                || self.xpos(i) == "JJ"
        });
        if !lead_ok {
            return;
        }
        self.note_title(actor, agent);
        let country = self.country_inside(window.clone());
        self.note_code(actor, agent, country);
        // "Orlenko, the opposition leader, …": the title refers to the person too,
        // when it is definite and nothing else has claimed its words.
        let agent_end = self
            .agents
            .get(&agent_start)
            .map_or(agent_start + 1, |&(end, _)| end);
        let mut start = agent_start;
        while start > window.start
            && matches!(self.xpos(start - 1), "JJ" | "VBG" | "VBN")
            && !self.capitalised(start - 1)
        {
            start -= 1;
        }
        let definite = start == window.start + 1 && self.lower[window.start] == "the";
        if definite && !self.taken[start..agent_end].iter().any(|&t| t) {
            self.push(Found {
                tokens: start..agent_end,
                label: "PER",
                actor: Some(actor),
                code: None,
                resolved_from: Some("title"),
            });
        }
    }

    /// Surnames, titles and pronouns.
    fn reference_pass(&mut self) {
        // Bare names the recogniser found: surnames of someone named in full.
        for index in 0..self.found.len() {
            let found = &self.found[index];
            if found.actor.is_some() || found.label != "PER" || found.tokens.len() != 1 {
                continue;
            }
            let at = found.tokens.start;
            if let Some(actor) = self.by_surname(at) {
                let found = &mut self.found[index];
                found.actor = Some(actor);
                found.resolved_from = Some("surname");
            } else if let Some(actor) = self.by_short_name(at) {
                // The recogniser took an organisation's short name for a person.
                let found = &mut self.found[index];
                found.actor = Some(actor);
                found.label = "ORG";
                found.resolved_from = Some("short_name");
            }
        }
        // One-word organisations: a short name of one named in full, else themselves
        // ("NASA", "Google").
        for index in 0..self.found.len() {
            let found = &self.found[index];
            if found.actor.is_some() || found.label != "ORG" || found.tokens.len() != 1 {
                continue;
            }
            let at = found.tokens.start;
            let (actor, resolved_from) = match self.by_short_name(at) {
                Some(actor) => (actor, Some("short_name")),
                None if self.capitalised(at) => {
                    let word = self.word(at).to_string();
                    let key = slug([word.as_str()]);
                    if key.is_empty() {
                        continue;
                    }
                    let actor = self.add_actor(key, word.clone(), Kind::Organization, Vec::new());
                    self.actors[actor].aliases.insert(word);
                    (actor, None)
                }
                None => continue,
            };
            let found = &mut self.found[index];
            found.actor = Some(actor);
            found.resolved_from = resolved_from;
        }
        // Surnames the recogniser missed.
        for i in 0..self.lower.len() {
            if self.taken[i] || !self.xpos(i).starts_with("NN") || !self.capitalised(i) {
                continue;
            }
            if let Some(actor) = self.by_surname(i) {
                self.push(Found {
                    tokens: i..i + 1,
                    label: "PER",
                    actor: Some(actor),
                    code: None,
                    resolved_from: Some("surname"),
                });
            } else if let Some(actor) = self.by_short_name(i) {
                self.push(Found {
                    tokens: i..i + 1,
                    label: "ORG",
                    actor: Some(actor),
                    code: None,
                    resolved_from: Some("short_name"),
                });
            }
        }
        self.found.sort_by_key(|f| f.tokens.start);
        // Titles and pronouns, in text order, so each can see the ones before it.
        let mut added = Vec::new();
        for sentence in self.document.sentences.clone() {
            let mut agents: Vec<(usize, usize, u32)> = sentence
                .clone()
                .filter_map(|i| self.agents.get(&i).map(|&(end, agent)| (i, end, agent)))
                .collect();
            agents.sort_unstable();
            for (start, end, agent) in agents {
                let range = start..end;
                if let Some(found) = self.title_reference(range, agent, &sentence) {
                    added.push(found);
                }
            }
            for i in sentence.clone() {
                // Inside a quote, "he" is rarely the speaker and the speaker is often
                // named only after the quote: leave it.
                if self.taken[i] || self.in_quote[i] {
                    continue;
                }
                let gender = if MALE.contains(&self.lower[i].as_str()) {
                    Gender::Male
                } else if FEMALE.contains(&self.lower[i].as_str()) {
                    Gender::Female
                } else {
                    continue;
                };
                if let Some(actor) = self.pronoun_antecedent(i, gender, &added) {
                    added.push(Found {
                        tokens: i..i + 1,
                        label: "PER",
                        actor: Some(actor),
                        code: None,
                        resolved_from: Some("pronoun"),
                    });
                }
            }
        }
        for found in added {
            self.push(found);
        }
        self.found.sort_by_key(|f| f.tokens.start);
    }

    /// The one person named in full in this article whose surname this word is:
    /// the latest before it, else the first after it (a headline names people by
    /// surname before the text gives their full names).
    fn by_surname(&self, i: usize) -> Option<usize> {
        let key = name_key([self.word(i)]);
        let candidates: Vec<usize> = (0..self.actors.len())
            .filter(|&a| {
                self.actors[a].kind == Kind::Person
                    && self.actors[a].surname.as_deref() == Some(key.as_str())
            })
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let named = |f: &Found| {
            f.resolved_from.is_none() && f.actor.is_some_and(|a| candidates.contains(&a))
        };
        // Of namesakes, the one the article has named most so far (the foreign
        // minister, not his wife mentioned once), then the latest.
        let mut before: HashMap<usize, (usize, usize)> = HashMap::new();
        for f in self.found.iter().filter(|f| f.tokens.end <= i && named(f)) {
            if let Some(actor) = f.actor {
                let entry = before.entry(actor).or_default();
                entry.0 += 1;
                entry.1 = entry.1.max(f.tokens.start);
            }
        }
        if let Some((&actor, _)) = before.iter().max_by_key(|(_, v)| **v) {
            return Some(actor);
        }
        self.found
            .iter()
            .find(|f| f.tokens.start > i && named(f))
            .and_then(|f| f.actor)
    }

    /// The one organisation named in this article whose acronym or short name this
    /// word is ("Scientology" after "the Church of Scientology").
    fn by_short_name(&self, i: usize) -> Option<usize> {
        let word = &self.lower[i];
        let mut matching =
            (0..self.actors.len()).filter(|&a| self.actors[a].short_names.contains(word));
        let actor = matching.next()?;
        matching.next().is_none().then_some(actor)
    }

    /// "the president", "the foreign minister", "the Veldoran president": the person
    /// most recently mentioned who was given that title in this article.
    fn title_reference(
        &self,
        range: Range<usize>,
        agent: u32,
        sentence: &Range<usize>,
    ) -> Option<Found> {
        if self.taken[range.clone()].iter().any(|&t| t) && !self.group_title(&range) {
            return None;
        }
        if self.xpos(range.end - 1) != "NN" && self.xpos(range.end - 1) != "NNP" {
            return None;
        }
        // Followed by a name, it is that name's title; by "of", a new description.
        if range.end < sentence.end {
            let next = &self.lower[range.end];
            if next == "of" || self.capitalised(range.end) && self.xpos(range.end) == "NNP" {
                return None;
            }
        }
        let mut start = range.start;
        // "the Veldoran president": the demonym mention found earlier.
        let demonym = self
            .found
            .iter()
            .find(|f| f.tokens.end == range.start && f.label == "NORP");
        if let Some(d) = demonym {
            start = d.tokens.start;
        }
        // "the new minister", "the former opposition leader".
        while start > sentence.start && self.xpos(start - 1) == "JJ" && !self.capitalised(start - 1)
        {
            start -= 1;
        }
        // A definite or possessive determiner makes it a particular person: "the
        // president", "her minister", "its envoy".
        if start == 0
            || !matches!(
                self.lower[start - 1].as_str(),
                "the" | "his" | "her" | "its" | "their" | "our"
            )
        {
            return None;
        }
        let head = &self.dictionary.agent(agent).head;
        let country = demonym.and_then(|d| d.code.as_deref()).map(owner_code);
        let candidates: Vec<usize> = (0..self.actors.len())
            .filter(|&a| {
                self.actors[a].kind == Kind::Person && self.actors[a].titles.contains(head)
            })
            .filter(|&a| {
                let code = self.code_of(a);
                match (&country, code) {
                    (Some(country), Some(code)) => code.starts_with(country.as_str()),
                    _ => true,
                }
            })
            .collect();
        let actor = self
            .found
            .iter()
            .rev()
            .filter(|f| f.tokens.end <= range.start)
            .find_map(|f| f.actor.filter(|a| candidates.contains(a)))?;
        Some(Found {
            tokens: start..range.end,
            label: "PER",
            actor: Some(actor),
            code: None,
            resolved_from: Some("title"),
        })
    }

    fn group_title(&self, range: &Range<usize>) -> bool {
        self.found
            .iter()
            .any(|f| f.tokens.end == range.end && f.label == "NORP" && f.tokens.start < range.start)
    }

    /// The nearest person before a pronoun: in its own sentence, else up to
    /// [`PRONOUN_REACH`] sentences back. Within the nearest sentence that has one, a
    /// single person (or a single subject) is taken; two equal candidates leave the
    /// pronoun unlinked.
    fn pronoun_antecedent(&self, i: usize, gender: Gender, added: &[Found]) -> Option<usize> {
        let here = self.sentence_of[i];
        for back in 0..=PRONOUN_REACH {
            let sentence = here.checked_sub(back)?;
            // People named in the sentence, linked or not: an unlinked name still
            // stands between the pronoun and anyone further back.
            let person = |f: &&Found| match f.actor {
                Some(a) => {
                    self.actors[a].kind == Kind::Person
                        && self.actors[a].gender.is_none_or(|g| g == gender)
                        && !self.clause_mates(i, f)
                }
                None => f.label == "PER" && f.resolved_from.is_none(),
            };
            let mentions: Vec<&Found> = self
                .found
                .iter()
                .chain(added)
                .filter(|f| self.sentence_of[f.tokens.start] == sentence && f.tokens.end <= i)
                // Someone named inside a quote is talked about, not the one the
                // narrative goes on with.
                .filter(|f| !self.in_quote[f.tokens.start])
                .filter(person)
                .collect();
            if mentions.is_empty() {
                continue;
            }
            // The subject of the sentence is the likeliest antecedent ("Drost said his
            // men …", "Benning met Drost. She said …"); failing one, a lone person.
            let subjects: BTreeSet<Option<usize>> = mentions
                .iter()
                .filter(|f| {
                    self.document.tokens[f.tokens.end - 1]
                        .deprel
                        .starts_with("nsubj")
                })
                .map(|f| f.actor)
                .collect();
            let distinct: BTreeSet<Option<usize>> = mentions.iter().map(|f| f.actor).collect();
            let pick = if subjects.is_empty() {
                distinct
            } else {
                subjects
            };
            return match pick.len() {
                1 => pick.into_iter().next().flatten(),
                _ => None,
            };
        }
        None
    }

    /// "Brandvold persuaded him": an object pronoun is not the subject of its own
    /// verb (that would be "himself").
    fn clause_mates(&self, pronoun: usize, candidate: &Found) -> bool {
        let tokens = &self.document.tokens;
        let p = &tokens[pronoun];
        let c = &tokens[candidate.tokens.end - 1];
        let object = matches!(p.deprel.as_str(), "obj" | "iobj")
            || p.deprel.starts_with("obl") && !self.lower[pronoun].ends_with("self");
        object && c.deprel.starts_with("nsubj") && c.head.is_some() && c.head == p.head
    }

    fn code_of(&self, actor: usize) -> Option<String> {
        let local = &self.actors[actor];
        local
            .roles
            .iter()
            .find(|r| r.from.is_none_or(|f| f <= self.date) && r.to.is_none_or(|t| self.date < t))
            .map(|r| r.code.clone())
            .or_else(|| local.seen_code.clone())
    }

    fn finish(mut self) -> Linked {
        let mut mentions = Vec::with_capacity(self.found.len());
        let found = std::mem::take(&mut self.found);
        for f in found {
            let first = &self.document.tokens[f.tokens.start];
            let last = &self.document.tokens[f.tokens.end - 1];
            let Some(span) = self.document.span_of_bytes(first.start, last.end) else {
                continue;
            };
            let code = f.code.or_else(|| f.actor.and_then(|a| self.code_of(a)));
            mentions.push(Mention {
                article_id: self.document.article.id.clone(),
                span,
                label: f.label.to_string(),
                actor_id: f.actor.map(|a| self.actors[a].id.clone()),
                code,
                resolved_from: f.resolved_from.map(str::to_string),
            });
        }
        let tomorrow = self.date.tomorrow().ok();
        let actors = self
            .actors
            .into_iter()
            .map(|a| {
                let codes = if a.roles.is_empty() {
                    a.seen_code
                        .map(|code| ActorCode {
                            code,
                            from: Some(self.date),
                            to: tomorrow,
                        })
                        .into_iter()
                        .collect()
                } else {
                    a.roles
                };
                Actor {
                    id: a.id,
                    name: a.name,
                    kind: a.kind.as_str().to_string(),
                    aliases: a.aliases.into_iter().collect(),
                    codes,
                }
            })
            .collect();
        Linked { mentions, actors }
    }
}

/// Last words that make a "person" the recogniser found an organisation or a place
/// ("Radio Kestrel", "Kettle Isle").
const ORGANIZATION_HEADS: &[&str] = &[
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
const PLACE_HEADS: &[&str] = &[
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
const COLLECTIVE: &[&str] = &[
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
const ORGANIZATION_FIRSTS: &[&str] = &[
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
const NAME_JOINERS: &[&str] = &[
    "of", "the", "for", "and", "de", "da", "del", "der", "la", "le", "van", "von", "al", "bin",
    "ibn",
];

/// A recogniser entity as the actor layer uses it: a person or organisation name cut
/// where its capitalised words end ("Brisalian Diplomatic Academy on Tuesday" → the
/// academy), and relabelled by its head word when the recogniser took an outlet or a
/// place for a person.
fn cleaned_entity(entity: &Entity, document: &Document, lower: &[String]) -> Option<Entity> {
    let mut tokens = entity.tokens.clone();
    if matches!(entity.label.as_str(), "PER" | "ORG") {
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

/// Which tokens are inside quotation marks: curly marks open and close, a straight
/// mark toggles, and a paragraph break ends any quote (an unclosed mark never spills
/// into the rest of the article).
fn quoted_tokens(document: &Document) -> Vec<bool> {
    let text = document.text();
    let mut out = Vec::with_capacity(document.tokens.len());
    let mut open = false;
    let mut previous_end = 0;
    for token in &document.tokens {
        if text[previous_end..token.start].contains("\n\n") {
            open = false;
        }
        previous_end = token.end;
        match &text[token.start..token.end] {
            "“" => {
                open = true;
                out.push(false);
            }
            "”" => {
                open = false;
                out.push(false);
            }
            "\"" => {
                open = !open;
                out.push(false);
            }
            _ => out.push(open),
        }
    }
    out
}

/// "University of Southern Indiana" → `usi`, `indiana`; "Church of Scientology" →
/// `cos`, `scientology`. Acronyms of fewer than three letters are too ambiguous.
fn short_names(name: &str) -> Vec<String> {
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
    if let [.., of, last] = words.as_slice() {
        if of.eq_ignore_ascii_case("of") && words.len() >= 3 {
            out.push(last.to_lowercase());
        }
    }
    out
}

/// The part of an actor code that owns a title: the country (`RUSGOV` → `RUS`), or
/// the whole code of an international, non-governmental or multinational body.
fn owner_code(code: &str) -> String {
    if ["IGO", "NGO", "MNC"].iter().any(|p| code.starts_with(p)) {
        code.to_string()
    } else {
        code[..code.len().min(3)].to_string()
    }
}

/// "Haldish", "Russian", "Chinese", "Israeli": a people's adjective, not the
/// country's name. "Iran" and "Pakistan" end the same way, so names ending in `-an`
/// need a vowel before it or one of the adjective endings.
fn is_demonym(word: &str) -> bool {
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
fn gender_of_given_name(name: &str) -> Option<Gender> {
    static NAMES: std::sync::OnceLock<HashMap<String, Gender>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let mut names = HashMap::new();
        for line in include_str!("../../../data/actors/given-names.txt").lines() {
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

fn is_honorific(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.'),
        "mr" | "mrs" | "ms" | "miss" | "dr" | "sir" | "lord" | "dame" | "lady" | "madam"
    )
}
