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

use dateline_core::{
    Actor, ActorCode, CodeOrigin, Document, Entity, Mention, MentionLabel, ResolvedFrom,
};
use jiff::civil::Date;

use crate::dictionary::{Dictionary, Kind, NameMatch};
use dateline_core::key::name_key;

mod names;
mod references;
mod words;

use words::{LOCATIVE, cleaned_entity, gender_of_given_name, quoted_tokens, short_names};

/// The actor layer of one article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Linked {
    /// Every mention, in text order: the recogniser's entities (linked where an actor
    /// is known) plus the references this layer adds (pronouns, titles, groups).
    pub mentions: Vec<Mention>,
    /// The actors the mentions link to, in order of first mention.
    pub actors: Vec<Actor>,
    /// What this article alone says about the people it names in full that the
    /// dictionaries do not know: the facts later articles learn from.
    pub facts: Vec<PersonFact>,
}

use dateline_core::knowledge::{Gender, KnowledgeAsOf, Known, PersonFact};

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
    /// What earlier articles said of a person the dictionaries do not know; never
    /// folded into the fields above, which are what this article says.
    known: Option<Known>,
    /// Linked through knowledge alone (a bare surname): not named in this article.
    from_knowledge: bool,
}

struct Found {
    tokens: Range<usize>,
    label: &'static str,
    actor: Option<usize>,
    code: Option<String>,
    resolved_from: Option<ResolvedFrom>,
}

struct Linker<'a> {
    document: &'a Document,
    dictionary: &'a Dictionary,
    knowledge: &'a KnowledgeAsOf<'a>,
    date: Date,
    lower: &'a [String],
    actors: Vec<LocalActor>,
    by_id: HashMap<String, usize>,
    found: Vec<Found>,
    /// Tokens already part of a found mention.
    taken: Vec<bool>,
    /// Sentence index of every token.
    sentence_of: &'a [usize],
    /// The recogniser's entities, with labels corrected by their head word.
    entities: Vec<Entity>,
    /// Tokens inside quotation marks.
    in_quote: Vec<bool>,
    /// Role words ("foreign minister"), matched once per sentence: first token →
    /// (end, agent).
    agents: Rc<HashMap<usize, (usize, u32)>>,
}

/// Links the mentions of `document` (which must carry the language layers) to actors,
/// with codes as of the article's date, consulting what earlier articles said
/// (`knowledge`, as of the article's date) for people this article names without
/// saying who they are.
pub fn link<'a>(
    document: &'a Document,
    dictionary: &'a Dictionary,
    knowledge: &'a KnowledgeAsOf<'a>,
) -> Linked {
    let lower = &document.lower;
    let sentence_of = &document.sentence_of;
    let entities = document
        .entities
        .iter()
        .filter_map(|e| cleaned_entity(e, document, lower))
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
        knowledge,
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
        let mut added: Vec<Entity> = Vec::new();
        let mut widened: Vec<(Range<usize>, Range<usize>)> = Vec::new();
        // In text order, so overlapping candidates resolve the same way every run.
        let mut titles: Vec<(usize, usize)> =
            self.agents.iter().map(|(&s, &(e, _))| (s, e)).collect();
        titles.sort_unstable();
        for (agent_start, start) in titles {
            let sentence = &self.document.sentences[self.sentence_of[agent_start]];
            let mut end = start;
            while end < sentence.end
                && end - start < 4
                && self.xpos(end) == "NNP"
                && self.capitalised(end)
                // A headline running into its dateline: "… Aner Shalev Wednesday, …".
                && dateline_core::time::weekday(&self.lower[end]).is_none()
            {
                end += 1;
            }
            if end == start
                || !self
                    .dictionary
                    .match_names(&self.lower[start..end])
                    .is_empty()
            {
                continue;
            }
            let overlaps = |e: &Entity| e.tokens.start < end && start < e.tokens.end;
            let overlapping: Vec<&Entity> = self.entities.iter().filter(|e| overlaps(e)).collect();
            match overlapping.as_slice() {
                [] if !added.iter().any(overlaps) => added.push(Entity {
                    tokens: start..end,
                    label: "PER".into(),
                }),
                // The recogniser kept only part of the name ("Teodor [Vasko]").
                [part]
                    if part.label == "PER"
                        && start <= part.tokens.start
                        && part.tokens.end <= end =>
                {
                    widened.push((part.tokens.clone(), start..end));
                }
                _ => {}
            }
        }
        for (from, to) in widened {
            if let Some(entity) = self.entities.iter_mut().find(|e| e.tokens == from) {
                entity.tokens = to;
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

    /// A name used as a modifier ("her Strenholt office", "the Strenholt daily",
    /// "US officials"): a common noun or adjective follows, and the parse makes the
    /// name its modifier, not the subject of a verb it mistook for a noun ("Taiwan
    /// demands …") nor a phrase of a word before it ("by North Korea last month").
    fn modifies_noun(&self, end: usize, sentence: &Range<usize>) -> bool {
        end < sentence.end
            && matches!(self.xpos(end), "NN" | "NNS" | "JJ")
            && !self.capitalised(end)
            && {
                let last = &self.document.tokens[end - 1];
                last.head.is_none_or(|h| {
                    h >= end
                        && matches!(
                            last.deprel.as_str(),
                            "compound" | "amod" | "nmod" | "nmod:poss" | "nmod:desc" | "flat" | ""
                        )
                })
            }
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
                origin: CodeOrigin::Dictionary,
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
        let known = (kind == Kind::Person && roles.is_empty())
            .then(|| self.knowledge.person(&id))
            .flatten();
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
            known,
            from_knowledge: false,
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

    fn code_of(&self, actor: usize) -> Option<String> {
        let local = &self.actors[actor];
        local
            .roles
            .iter()
            .find(|r| r.from.is_none_or(|f| f <= self.date) && r.to.is_none_or(|t| self.date < t))
            .map(|r| r.code.clone())
            .or_else(|| local.seen_code.clone())
            .or_else(|| local.known.as_ref().and_then(|k| k.code.clone()))
    }

    /// The gender this article gives, else the one earlier articles gave.
    fn gender_of(&self, actor: usize) -> Option<Gender> {
        let local = &self.actors[actor];
        local.gender.or(local.known.as_ref().and_then(|k| k.gender))
    }

    /// A title this article or an earlier one gave.
    fn has_title(&self, actor: usize, head: &str) -> bool {
        let local = &self.actors[actor];
        local.titles.contains(head)
            || local
                .known
                .as_ref()
                .is_some_and(|k| k.titles.contains(head))
    }

    /// What this article alone says about the people it names in full that the
    /// dictionaries do not know.
    fn facts(&self) -> Vec<PersonFact> {
        let mut facts: Vec<PersonFact> = self
            .actors
            .iter()
            .filter(|a| a.kind == Kind::Person && a.roles.is_empty() && !a.from_knowledge)
            .filter_map(|a| {
                Some(PersonFact {
                    actor_id: a.id.clone(),
                    name: a.name.clone(),
                    surname: a.surname.clone()?,
                    code: a.seen_code.clone(),
                    gender: a.gender,
                    titles: a.titles.iter().cloned().collect(),
                })
            })
            .collect();
        facts.sort();
        facts
    }

    fn finish(mut self) -> Linked {
        let facts = self.facts();
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
                // The first pass only ever labels with the contract's names.
                label: MentionLabel::parse(f.label).unwrap_or(MentionLabel::Misc),
                actor_id: f.actor.map(|a| self.actors[a].id.clone()),
                code,
                resolved_from: f.resolved_from,
            });
        }
        let tomorrow = self.date.tomorrow().ok();
        let actors = self
            .actors
            .into_iter()
            .map(|a| {
                let codes = if a.roles.is_empty() {
                    let seen = a.seen_code.map(|code| (code, CodeOrigin::Text));
                    let known = a.known.and_then(|k| k.code);
                    seen.or_else(|| known.map(|code| (code, CodeOrigin::EarlierArticle)))
                        .map(|(code, origin)| ActorCode {
                            code,
                            from: Some(self.date),
                            to: tomorrow,
                            origin,
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
        Linked {
            mentions,
            actors,
            facts,
        }
    }
}
