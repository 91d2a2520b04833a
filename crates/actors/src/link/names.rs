//! The first pass: everything that names an actor — dictionary names (with the
//! titles, groups and seats built on them), then the recogniser's names no
//! dictionary knows, with the titles and appositions that code them.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use super::words::*;
use super::{Found, Gender, Linker};
use crate::dictionary::{Kind, NameMatch};
use dateline_core::key::{name_key, slug};
use dateline_core::{Entity, ResolvedFrom};

impl<'a> Linker<'a> {
    /// Dictionary names in one sentence, with the titles and groups built on them.
    pub(super) fn name_pass(&mut self, sentence: Range<usize>) {
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
            // A country and a role word the recogniser took as one organisation
            // ("Pakistan Army", "Iranian Navy") is the country acting through it, below.
            let country_body = |e: &Entity| {
                e.tokens.start == m.tokens.start
                    && agents
                        .get(&m.tokens.end)
                        .is_some_and(|&(end, _)| end == e.tokens.end)
            };
            if self.entity_at(&m.tokens).is_some_and(|e| {
                e.tokens != m.tokens
                    && (matches!(e.label.as_str(), "ORG" | "LOC" | "MISC") && !country_body(e)
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
            let modifies = self.modifies_noun(m.tokens.end, &sentence);
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
            // "soldiers from Gondor", "the government of Haldmere", "lawmakers in
            // Arnor", "a court in Guyana": a group or body of the country, named
            // before it. (A seat after "in" is a place; only countries here.)
            if !m.name.place
                && m.tokens.start >= 2
                && matches!(
                    self.lower[m.tokens.start - 1].as_str(),
                    "of" | "from" | "in"
                )
                && let Some((&agent_start, &(_, agent))) = agents
                    .iter()
                    .find(|(s, (e, _))| *e == m.tokens.start - 1 && !self.taken[**s])
                // "the US commander in Iraq" is the US's: a country named before
                // the role word owns it.
                && !names.iter().any(|n| {
                    n.tokens.end == agent_start
                        && self.dictionary.actor(n.name.actor).kind == Kind::Country
                })
            {
                let code = self
                    .dictionary
                    .agent(agent)
                    .code
                    .apply(country_code.as_deref().map(|c| &c[..c.len().min(3)]));
                self.push(Found {
                    tokens: agent_start..m.tokens.end,
                    label: "ORG",
                    actor: Some(country),
                    code: Some(code),
                    resolved_from: None,
                });
                continue;
            }
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
                        && (m.tokens.start == sentence.start
                            || self.xpos(m.tokens.start - 1) != "JJ")
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
                    let from = m.name.code.is_some().then_some(ResolvedFrom::Metonymy);
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
    pub(super) fn skip_title(
        &self,
        span: Range<usize>,
        agents: &HashMap<usize, (usize, u32)>,
    ) -> usize {
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
    pub(super) fn country_at(&self, i: usize, limit: usize) -> Option<(usize, u32)> {
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
    pub(super) fn countries_in_title(&mut self, title: Range<usize>) {
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
    pub(super) fn surname_in_article(&self, word: &str) -> bool {
        self.entities.iter().any(|e| {
            e.label == "PER" && e.tokens.len() >= 2 && self.lower[e.tokens.end - 1] == word
        })
    }

    /// Dictionary phrases are upper-case and match any case; in running text a name
    /// must look like one, so "us" is not the United States and "may" not a person.
    pub(super) fn plausible_name(&self, m: &NameMatch) -> bool {
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
    pub(super) fn note_title_before(
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
    pub(super) fn country_before(&self, i: usize) -> Option<String> {
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

    pub(super) fn note_code(&mut self, actor: usize, agent: u32, country: Option<String>) {
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
    pub(super) fn entity_pass(&mut self) {
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

            // A title the recogniser took into the name ("President Ilena Marsk",
            // "Haldish Energy Minister Rolf Tammerin", "Dr. Ilena Marsk").
            let start = self.skip_title(entity.tokens.clone(), &agents);
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
    pub(super) fn country_inside(&self, range: Range<usize>) -> Option<String> {
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
    pub(super) fn note_title(&mut self, actor: usize, agent: u32) {
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

    pub(super) fn note_honorific(&mut self, actor: usize, name_start: usize) {
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
    pub(super) fn note_apposition(
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
        // "…, Haldish Prime Minister Oswin Fairlocke, …": a title with its own name
        // starts the next person of a list, it does not describe this one.
        let title_end = agents
            .get(&agent_start)
            .map_or(agent_start + 1, |&(e, _)| e);
        if title_end < end && self.capitalised(title_end) && self.xpos(title_end) == "NNP" {
            return;
        }
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
                resolved_from: Some(ResolvedFrom::Title),
            });
        }
    }
}
