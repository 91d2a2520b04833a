//! The second pass: what does not name its actor — bare surnames and short names,
//! titles ("the foreign minister") and he/she pronouns — linked to one compatible
//! antecedent the first pass found, or left alone.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use super::words::*;
use super::{Found, Gender, Linker};
use crate::dictionary::Kind;
use dateline_core::ResolvedFrom;
use dateline_core::key::{name_key, slug};

impl<'a> Linker<'a> {
    /// Surnames, titles and pronouns.
    pub(super) fn reference_pass(&mut self) {
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
                found.resolved_from = Some(ResolvedFrom::Surname);
            } else if let Some(actor) = self.by_short_name(at) {
                // The recogniser took an organisation's short name for a person.
                let found = &mut self.found[index];
                found.actor = Some(actor);
                found.label = "ORG";
                found.resolved_from = Some(ResolvedFrom::ShortName);
            } else if let Some(actor) = self.by_known_surname(at) {
                let found = &mut self.found[index];
                found.actor = Some(actor);
                found.resolved_from = Some(ResolvedFrom::KnownSurname);
            }
        }
        // One-word organisations: the surname of someone named in full (the recogniser
        // reads "Thursday, Drost raised …" as a body), a short name of one named in
        // full, else themselves ("NASA", "Google").
        for index in 0..self.found.len() {
            let found = &self.found[index];
            if found.actor.is_some() || found.label != "ORG" || found.tokens.len() != 1 {
                continue;
            }
            let at = found.tokens.start;
            if let Some(actor) = self.by_surname(at) {
                let found = &mut self.found[index];
                found.actor = Some(actor);
                found.label = "PER";
                found.resolved_from = Some(ResolvedFrom::Surname);
                continue;
            }
            let (actor, resolved_from) = match self.by_short_name(at) {
                Some(actor) => (actor, Some(ResolvedFrom::ShortName)),
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
                    resolved_from: Some(ResolvedFrom::Surname),
                });
            } else if let Some(actor) = self.by_short_name(i) {
                self.push(Found {
                    tokens: i..i + 1,
                    label: "ORG",
                    actor: Some(actor),
                    code: None,
                    resolved_from: Some(ResolvedFrom::ShortName),
                });
            } else if self.xpos(i) == "NNP"
                && dateline_core::time::month(&self.lower[i]).is_none()
                && dateline_core::time::weekday(&self.lower[i]).is_none()
                && let Some(actor) = self.by_known_surname(i)
            {
                self.push(Found {
                    tokens: i..i + 1,
                    label: "PER",
                    actor: Some(actor),
                    code: None,
                    resolved_from: Some(ResolvedFrom::KnownSurname),
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
                        resolved_from: Some(ResolvedFrom::Pronoun),
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
    pub(super) fn by_surname(&self, i: usize) -> Option<usize> {
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

    /// The one person an earlier article named in full whose surname this word is,
    /// when this article names no one by it.
    pub(super) fn by_known_surname(&mut self, i: usize) -> Option<usize> {
        let key = name_key([self.word(i)]);
        if key.is_empty() {
            return None;
        }
        let known = self.knowledge.surname(&key)?;
        let actor = self.add_actor(
            known.actor_id.clone(),
            known.name.clone(),
            Kind::Person,
            Vec::new(),
        );
        let local = &mut self.actors[actor];
        if local.known.is_none() {
            local.known = Some(known);
        }
        local.from_knowledge = local.aliases.is_empty();
        Some(actor)
    }

    /// The one organisation named in this article whose acronym or short name this
    /// word is ("Scientology" after "the Church of Scientology").
    pub(super) fn by_short_name(&self, i: usize) -> Option<usize> {
        let word = &self.lower[i];
        let mut matching =
            (0..self.actors.len()).filter(|&a| self.actors[a].short_names.contains(word));
        let actor = matching.next()?;
        matching.next().is_none().then_some(actor)
    }

    /// "the president", "the foreign minister", "the Veldoran president": the person
    /// most recently mentioned who was given that title in this article.
    pub(super) fn title_reference(
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
            .filter(|&a| self.actors[a].kind == Kind::Person && self.has_title(a, head))
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
            resolved_from: Some(ResolvedFrom::Title),
        })
    }

    pub(super) fn group_title(&self, range: &Range<usize>) -> bool {
        self.found
            .iter()
            .any(|f| f.tokens.end == range.end && f.label == "NORP" && f.tokens.start < range.start)
    }

    /// The nearest person before a pronoun: in its own sentence, else up to
    /// [`PRONOUN_REACH`] sentences back. Within the nearest sentence that has one, a
    /// single person (or a single subject) is taken; two equal candidates leave the
    /// pronoun unlinked.
    pub(super) fn pronoun_antecedent(
        &self,
        i: usize,
        gender: Gender,
        added: &[Found],
    ) -> Option<usize> {
        let here = self.sentence_of[i];
        // Sentences wholly inside a quote do not count against the reach: after
        // "Orlenko said. “…three sentences…,” he added", "he" is still Orlenko. The
        // look-back stays bounded all the same.
        let mut narrative = 0;
        for back in 0..=PRONOUN_REACH + MAX_QUOTED_SENTENCES {
            let sentence = here.checked_sub(back)?;
            let range = self.document.sentences[sentence].clone();
            let quoted = range.clone().filter(|&t| self.in_quote[t]).count() * 2 > range.len();
            if !quoted {
                narrative += 1;
                if narrative > PRONOUN_REACH + 1 {
                    return None;
                }
            }
            // People named in the sentence, linked or not: an unlinked name still
            // stands between the pronoun and anyone further back.
            let person = |f: &&Found| match f.actor {
                Some(a) => {
                    self.actors[a].kind == Kind::Person
                        && self.gender_of(a).is_none_or(|g| g == gender)
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
    pub(super) fn clause_mates(&self, pronoun: usize, candidate: &Found) -> bool {
        let tokens = &self.document.tokens;
        let p = &tokens[pronoun];
        let c = &tokens[candidate.tokens.end - 1];
        let object = matches!(p.deprel.as_str(), "obj" | "iobj")
            || p.deprel.starts_with("obl") && !self.lower[pronoun].ends_with("self");
        object && c.deprel.starts_with("nsubj") && c.head.is_some() && c.head == p.head
    }
}
