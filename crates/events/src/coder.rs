//! The coder: verbs of a parsed document into events (see the crate doc).

use dateline_cameo::AgentCode;
use dateline_cameo::verbs::{CodePair, Item, Pattern, Verb};
use dateline_core::{Document, Event, EventActor, Mention, MentionLabel, Span, Statement};

use crate::EventModel;
use dateline_cameo::codes;

/// Relations whose subtree is not part of the verb's own phrase.
const OTHER_CLAUSES: &[&str] = &[
    "nsubj",
    "nsubj:pass",
    "csubj",
    "ccomp",
    "advcl",
    "parataxis",
    "conj",
    "cc",
    "punct",
    "acl:relcl",
    "discourse",
    "vocative",
    "dislocated",
    "reparandum",
];

/// Prepositions that aim force or a visit at a place.
const PLACE_PREPOSITIONS: &[&str] = &["at", "on", "in", "into", "to", "toward", "towards"];

/// Nouns that name a kind of place whose name is beside them ("the town of Rafah",
/// "Idlib province").
const PLACE_NOUNS: &[&str] = &[
    "town",
    "city",
    "village",
    "province",
    "region",
    "district",
    "capital",
    "camp",
    "governorate",
    "state",
    "port",
    "area",
    "outskirts",
    "suburb",
    "suburbs",
];

/// Codes whose target may be a place: visits (042–044) and force (15–20).
fn aims_at_place(code: &str) -> bool {
    matches!(code.get(..3), Some("042" | "043" | "044"))
        || code
            .get(..2)
            .and_then(|r| r.parse::<u8>().ok())
            .is_some_and(|r| (15..=20).contains(&r))
}

/// Words that negate a verb.
const NEGATIONS: &[&str] = &["not", "n't", "never", "no"];

/// Verbs whose infinitive did not happen ("refused to meet").
const REFUSALS: &[&str] = &["refuse", "decline", "fail"];

/// Modal words that make an event possible rather than done.
const HYPOTHETICAL: &[&str] = &["could", "may", "might", "would", "should", "can"];

/// Words whose infinitive is ready or expected, not done ("willing to talk").
const READINESS: &[&str] = &[
    "willing", "ready", "prepared", "open", "eager", "keen", "likely", "expect", "due",
];

/// How many coordinated actors one side may expand into ("a list of 200 countries"
/// stays bounded).
const MAX_COMPOUND: usize = 12;

/// The roles a bare common noun may stand for as an actor: bodies of a state and
/// the groups that fight or oppose it ("police", "troops", "rebels"), not people
/// at large ("people", "students", "workers"), whom news names in passing.
const ACTING_ROLES: &[&str] = &[
    "COP", "GOV", "INS", "JUD", "LEG", "MIL", "OPP", "REB", "SEP", "SPY", "UAF",
];

/// Words that open a relative clause as its subject or object.
const RELATIVE_PRONOUNS: &[&str] = &["that", "which", "who", "whom"];

/// The events of a document whose mentions the actor layer linked and coded, each
/// with the token of its verb.
///
/// Also says which tokens the coding settled: those whose events are kept, and the
/// heads whose meaning a complement's code now carries ("ruled" in "ruled out
/// talking", a 12x), which are no longer open to the learned proposer. A head whose
/// complement kept its own code ("offered" in "offered to mediate") stays open: what
/// it adds is not coded yet.
pub(crate) fn coded_events(
    coder: &Coder,
    statements: &[Statement],
) -> (Vec<(usize, Event)>, Vec<bool>) {
    let (document, model) = (coder.document, coder.model);
    let mut out = Vec::new();
    let mut coded: Vec<Option<Coded>> = vec![None; document.tokens.len()];
    for (verb, slot) in coded.iter_mut().enumerate() {
        let first = out.len();
        if let Some(from_pattern) = coder.code_verb(verb, statements, &mut out) {
            *slot = Some(Coded {
                events: first..out.len(),
                from_pattern,
            });
        }
    }
    // "wants to attack", "agreed to lift the sanctions": a verb and its
    // complement are one event. The head's when one of its patterns read the
    // complement ("want … attack" is a threat), else the complement's.
    let mut dropped = vec![false; out.len()];
    let mut combined_heads = Vec::new();
    for (verb, c) in coded.iter().enumerate() {
        let token = &document.tokens[verb];
        let (Some(c), Some(head)) = (c, token.head) else {
            continue;
        };
        if !is_complement(document, verb) {
            continue;
        }
        let head_pattern = coded[head].as_ref().is_some_and(|h| h.from_pattern);
        if coder.refuses(head) && !head_pattern {
            // "ruled out talks", "refused to withdraw": the refusal is the event, a
            // 12x by what is refused, not a negated talk (unless a pattern of the
            // refusal read the complement: that code stands, below).
            for i in c.events.clone() {
                if let Some(code) = model.ontology.combine(REJECT, &out[i].code) {
                    recode(&mut out[i], code, model);
                    out[i].negated = false;
                    combined_heads.push(head);
                }
            }
            for i in coded[head].iter().flat_map(|h| h.events.clone()) {
                dropped[i] = true;
            }
            continue;
        }
        let Some(h) = &coded[head] else {
            continue;
        };
        if h.from_pattern {
            for i in c.events.clone() {
                dropped[i] = true;
            }
            continue;
        }
        // "pledged to provide aid" is an intent to aid (033) where the ontology
        // combines the two; else the governed verb's code stands.
        let head_code = out[h.events.start].code.clone();
        for i in c.events.clone() {
            if let Some(code) = model.ontology.combine(&head_code, &out[i].code) {
                recode(&mut out[i], code, model);
                combined_heads.push(head);
            }
        }
        for i in h.events.clone() {
            dropped[i] = true;
        }
    }
    let mut settled = vec![false; document.tokens.len()];
    for head in combined_heads {
        settled[head] = true;
    }
    let mut verb_of = Vec::with_capacity(out.len());
    for (verb, c) in coded.iter().enumerate() {
        if let Some(c) = c {
            verb_of.extend(c.events.clone().map(|_| verb));
        }
    }
    let events: Vec<(usize, Event)> = out
        .into_iter()
        .zip(verb_of)
        .zip(dropped)
        .filter(|(_, dropped)| !dropped)
        .map(|((event, verb), _)| (verb, event))
        .collect();
    for (verb, _) in &events {
        settled[*verb] = true;
    }
    (events, settled)
}

/// The plain rejection, which the ontology combines with what is rejected.
const REJECT: &str = "120";

/// Gives `event` another code, and what follows from it.
fn recode(event: &mut Event, code: String, model: &EventModel) {
    let Some(root) = codes::root(&code) else {
        return;
    };
    event.root = root.to_string();
    event.quad_class = dateline_cameo::codes::quad_class(root);
    event.goldstein = dateline_cameo::codes::goldstein(root);
    event.plover = dateline_cameo::codes::plover(&model.plover, &code);
    event.code = code;
}

/// Who acts on whom, with which code: each source on each target. A compound subject
/// with no object acts on itself in pairs ("Gondor and Osgiliath postponed their
/// meeting"). A code pair `[a:b]` also gives the reverse event, as the dictionaries
/// mean it ("arrived in Gondor": 042 to Gondor, 043 from it).
fn dyads<'e>(
    sources: &'e [EventActor],
    targets: &'e [EventActor],
    pair: &CodePair,
    passive: bool,
) -> Vec<(&'e EventActor, Option<&'e EventActor>, String)> {
    let Some(code) = pair.for_voice(passive) else {
        return Vec::new();
    };
    let reverse = pair
        .for_voice(!passive)
        .filter(|r| pair.active != pair.passive && codes::root(r).is_some());
    let mut out = Vec::new();
    if targets.is_empty() && sources.len() > 1 {
        for a in sources {
            for b in sources.iter().filter(|b| b.code != a.code) {
                out.push((a, Some(b), code.to_string()));
            }
        }
    } else if targets.is_empty() {
        out.extend(sources.iter().map(|s| (s, None, code.to_string())));
    } else {
        // An actor acting on itself is not a dyad.
        for s in sources {
            for t in targets.iter().filter(|t| t.code != s.code) {
                out.push((s, Some(t), code.to_string()));
                if let Some(reverse) = reverse {
                    out.push((t, Some(s), reverse.to_string()));
                }
            }
        }
    }
    out
}

/// What the coder asks the actor dictionary, given lower-case words.
#[derive(Clone, Copy)]
pub struct Lookups<'a> {
    /// The role a phrase names ("security adviser" → `~GOV`).
    pub agent: &'a dyn Fn(&[String]) -> Option<AgentCode>,
    /// The country a place stands in ("seoul" → `KOR`).
    pub place: &'a dyn Fn(&[String]) -> Option<String>,
}

/// Whether token `i` is a verb: tagged as one, or a present-tense headline verb the
/// tagger took for a plural noun while the parse gave it a subject and an object
/// ("Taiwan demands an apology", "A suicide bomber kills 13 recruits").
pub(crate) fn is_verb(document: &Document, i: usize) -> bool {
    let token = &document.tokens[i];
    let has = |relation: &str| {
        document.children[i]
            .iter()
            .any(|&c| document.tokens[c].deprel == relation)
    };
    token.xpos.starts_with("VB") || token.xpos == "NNS" && has("nsubj") && has("obj")
}

/// A verb's infinitive complement: "agreed to meet", and "offered to mediate", which
/// the parser often makes an adverbial clause with "to".
fn is_complement(document: &Document, verb: usize) -> bool {
    let token = &document.tokens[verb];
    let text = document.text();
    token.deprel == "xcomp"
        || token.deprel == "advcl"
            && document.tokens[..verb].iter().rev().take(2).any(|t| {
                t.head == Some(verb) && t.deprel == "mark" && &text[t.start..t.end] == "to"
            })
}

/// The events one verb gave, and whether a pattern (not the verb alone) coded them.
#[derive(Clone)]
struct Coded {
    events: std::ops::Range<usize>,
    from_pattern: bool,
}

pub(crate) struct Coder<'a> {
    document: &'a Document,
    lookups: Lookups<'a>,
    mentions: &'a [Mention],
    model: &'a EventModel,
    /// The coded mention on each token.
    mention_of: Vec<Option<usize>>,
    /// Each mention's code: its own, else the one the article gives its actor
    /// ("she" is coded as the president the article named).
    code_of: Vec<Option<String>>,
    children: &'a [Vec<usize>],
    sentence_of: &'a [usize],
    lower: &'a [String],
    /// Tokens inside a person's name, which are never read as a place.
    in_person: Vec<bool>,
    /// Per sentence: the first country it names, and the last one named before it
    /// (see [`Coder::implied_country`]). Computed once, so that a long article with
    /// many roles stays linear.
    sentence_country: Vec<Option<String>>,
    country_before: Vec<Option<String>>,
}

/// Where a pattern matched: the tokens its slots took.
struct Match<'p> {
    pattern: &'p Pattern,
    source: Option<usize>,
    target: Option<usize>,
}

impl<'a> Coder<'a> {
    pub(crate) fn new(document: &'a Document, model: &'a EventModel, lookups: Lookups<'a>) -> Self {
        let (mentions, actors) = (document.mentions.as_slice(), &document.actors);
        let date = document.article.date;
        // Looked up once per actor, not once per mention: an article may have many.
        let codes: std::collections::HashMap<&str, &str> = actors
            .iter()
            .filter_map(|a| {
                let code = a
                    .codes
                    .iter()
                    .find(|c| c.from.is_none_or(|f| f <= date) && c.to.is_none_or(|t| date < t))?;
                Some((a.id.as_str(), code.code.as_str()))
            })
            .collect();
        let actor_code = |id: &str| codes.get(id).map(|c| c.to_string());
        let code_of: Vec<Option<String>> = mentions
            .iter()
            .map(|m| {
                m.code
                    .clone()
                    .or_else(|| m.actor_id.as_deref().and_then(actor_code))
            })
            .collect();
        let mut mention_of = vec![None; document.tokens.len()];
        for (m, mention) in mentions.iter().enumerate() {
            if code_of[m].is_some() {
                for slot in &mut mention_of[document.tokens_within(&mention.span)] {
                    *slot = Some(m);
                }
            }
        }
        let mut in_person = vec![false; document.tokens.len()];
        for mention in mentions.iter().filter(|m| m.label == MentionLabel::Per) {
            for slot in &mut in_person[document.tokens_within(&mention.span)] {
                *slot = true;
            }
        }
        let lower = &document.lower;
        let sentences = document.sentences.len();
        let (mut sentence_country, mut last_in) = (vec![None; sentences], vec![None; sentences]);
        for (m, mention) in mentions.iter().enumerate() {
            let tokens = document.tokens_within(&mention.span);
            let Some(&sentence) = document.sentence_of.get(tokens.start) else {
                continue;
            };
            // An uncoded place name stands for its country here.
            let code = code_of[m].clone().or_else(|| {
                matches!(mention.label, MentionLabel::Gpe | MentionLabel::Loc)
                    .then(|| (lookups.place)(&lower[tokens.clone()]))
                    .flatten()
            });
            let Some(country) = code
                .as_deref()
                .and_then(|c| c.get(..3))
                .filter(|c| dateline_cameo::is_country_code(c))
            else {
                continue;
            };
            if sentence_country[sentence].is_none() {
                sentence_country[sentence] = Some(country.to_string());
            }
            last_in[sentence] = Some(country.to_string());
        }
        let mut country_before = Vec::with_capacity(sentences);
        let mut running: Option<String> = None;
        for last in last_in {
            country_before.push(running.clone());
            running = last.or(running);
        }
        Coder {
            document,
            lookups,
            code_of,
            mentions,
            in_person,
            sentence_country,
            country_before,
            model,
            mention_of,
            children: &document.children,
            sentence_of: &document.sentence_of,
            lower: &document.lower,
        }
    }

    /// Codes one verb into `out`; `Some(from_pattern)` when it gave events.
    fn code_verb(
        &self,
        verb: usize,
        statements: &[Statement],
        out: &mut Vec<Event>,
    ) -> Option<bool> {
        let before_count = out.len();
        let token = &self.document.tokens[verb];
        if !is_verb(self.document, verb) {
            return None;
        }
        let lemma = token.lemma.to_lowercase();
        let entry = self
            .model
            .verbs
            .verbs_of(&lemma)
            .iter()
            .find(|v| self.has_particles(verb, v))?;
        let block = &self.model.verbs.blocks[entry.block];
        let passive = self.is_passive(verb);
        let sentence = self.document.sentences[self.sentence_of[verb]].clone();
        if self.in_question(verb, sentence.end) {
            return None;
        }
        let after = self.phrase_after(verb);
        let before: Vec<usize> = (sentence.start..verb).collect();
        let best = block
            .patterns
            .iter()
            .filter_map(|p| self.match_pattern(p, &before, &after))
            .fold(None::<Match>, |best, m| match best {
                Some(b) if b.pattern.weight() > m.pattern.weight() => Some(b),
                _ => Some(m),
            });
        let pair = best
            .as_ref()
            .map(|m| &m.pattern.code)
            .or(entry.code.as_ref())
            .unwrap_or(&block.code);
        let code = pair.for_voice(passive)?;
        codes::root(code)?;

        // Who acted, and on whom.
        let (subject, object) = self.roles(verb, passive);
        let sources = match best.as_ref().and_then(|m| m.source) {
            Some(slot) => self.actors_at(slot),
            None => subject
                .or_else(|| (!passive).then(|| self.actor_before(verb)).flatten())
                .map(|s| self.actors_at(s))
                .unwrap_or_default(),
        };
        let targets = match (best.as_ref().and_then(|m| m.target), object) {
            (Some(slot), _) => self.actors_at(slot),
            (None, Some(object)) => self.actors_at(object),
            (None, None) => {
                let found = self.object_actors(verb);
                match self.actor_after(verb) {
                    Some(t) if found.is_empty() && !passive => self.actors_at(t),
                    _ if found.is_empty() && aims_at_place(code) => {
                        self.place_target(verb).into_iter().collect()
                    }
                    _ => found,
                }
            }
        };
        let sources = if sources.is_empty() && passive && codes::root(code) == Some("17") {
            self.implied_police(verb, &targets).into_iter().collect()
        } else {
            sources
        };
        if sources.is_empty() {
            return None;
        }
        let confidence = if best.is_some() { 0.9 } else { 0.7 };
        let pattern = best.as_ref().map(|m| m.pattern);
        self.emit(
            verb,
            statements,
            (pair, passive, pattern),
            (&sources, &targets),
            confidence,
            out,
        );
        let coded = out.len() > before_count;
        coded.then_some(best.is_some())
    }

    /// Pushes the events of `verb` coded `pair` between `sources` and `targets`, with
    /// their qualifiers, dates and evidence.
    fn emit(
        &self,
        verb: usize,
        statements: &[Statement],
        (pair, passive, pattern): (&CodePair, bool, Option<&Pattern>),
        (sources, targets): (&[EventActor], &[EventActor]),
        confidence: f32,
        out: &mut Vec<Event>,
    ) -> Option<()> {
        let code = pair.for_voice(passive)?;
        let sentence = self.document.sentences[self.sentence_of[verb]].clone();
        let negated = self.negated(verb, pattern, code);
        let hypothetical = self.hypothetical(verb);
        let conditions = self.conditions(verb);
        let evidence = self.span_of(sentence.start, sentence.end)?;
        let verb_span = self.span_of(verb, verb + 1)?;
        let reported_by = statements
            .iter()
            .find(|s| s.content.start <= verb_span.start && verb_span.end <= s.content.end)
            .map(|s| s.id.clone());
        let event_date =
            dateline_core::time::day_of_verb(self.document, self.children, verb, |_| false)
                .or_else(|| self.day_after(verb))
                .unwrap_or(self.document.article.date);
        let article = &self.document.article;
        if targets.is_empty() && sources.len() < 2 && codes::root(code) == Some("01") {
            // A statement aimed at no one is the statements layer's record, not an
            // event.
            return None;
        }
        let dyads = dyads(sources, targets, pair, passive);
        for (source, target, code) in dyads {
            let Some(root) = codes::root(&code) else {
                continue;
            };
            let n = out.len();
            out.push(Event {
                id: format!("{}:{}:{}", article.id, verb_span.start, n),
                article_id: article.id.clone(),
                date: article.date,
                event_date,
                root: root.to_string(),
                quad_class: dateline_cameo::codes::quad_class(root),
                goldstein: dateline_cameo::codes::goldstein(root),
                plover: dateline_cameo::codes::plover(&self.model.plover, &code),
                code,
                source: source.clone(),
                target: target.cloned(),
                negated,
                hypothetical,
                conditions: conditions.clone(),
                reported_by: reported_by.clone(),
                evidence: evidence.clone(),
                confidence,
            });
        }
        Some(())
    }

    /// "did not attack", "refused to meet"; but not when the pattern that gave the
    /// code already reads the negation ("- NOT * … [050]" codes the denial itself),
    /// nor "refused" when the code is itself a refusal.
    fn negated(&self, verb: usize, pattern: Option<&Pattern>, code: &str) -> bool {
        let pattern_negates = pattern.is_some_and(|p| {
            p.before.iter().any(|item| match item {
                Item::Words(alternatives) => alternatives
                    .iter()
                    .flatten()
                    .any(|w| NEGATIONS.contains(&w.as_str())),
                _ => false,
            })
        });
        let token = &self.document.tokens[verb];
        let refused = token.head.is_some_and(|h| {
            is_complement(self.document, verb)
                && REFUSALS.contains(&self.document.tokens[h].lemma.to_lowercase().as_str())
        });
        !pattern_negates
            && (self.children[verb].iter().any(|&c| {
                self.document.tokens[c].deprel == "neg"
                    || NEGATIONS.contains(&self.lower[c].as_str())
            }) || refused && !code.starts_with("12"))
    }

    /// Could, may, would, should, can; an "if" on the verb or its clause; "willing
    /// to", "ready to", "expected to" (a stance or a forecast, not an act).
    fn hypothetical(&self, verb: usize) -> bool {
        let token = &self.document.tokens[verb];
        let readiness = token.deprel == "xcomp"
            && token.head.is_some_and(|h| {
                READINESS.contains(&self.document.tokens[h].lemma.to_lowercase().as_str())
            });
        readiness
            || self.children[verb].iter().any(|&c| {
                let relation = self.document.tokens[c].deprel.as_str();
                relation == "aux" && HYPOTHETICAL.contains(&self.lower[c].as_str())
                    || relation == "mark" && self.lower[c] == "if"
            })
            || self.in_if_clause(verb)
    }

    /// The place force was used against or a visit went to ("fired two shells at
    /// Seoul", "shelled Aleppo", "arrived in Gondor", "a raid on the town of
    /// Rafah"): the country it stands in, by the actor dictionary's places or the
    /// place table's towns; a proper noun only. Places are not actors
    /// elsewhere ("talks in Moscow" are not Russia's), only as the target of these.
    fn place_target(&self, verb: usize) -> Option<EventActor> {
        // (phrase head, whether it is the object: "shelled Aleppo" needs no "at").
        let mut phrases: Vec<(usize, bool)> = Vec::new();
        // "launched an air raid on …" parsed with "raid" a verb the first governs.
        let complements = self.children[verb]
            .iter()
            .copied()
            .filter(|&c| is_complement(self.document, c));
        for c in std::iter::once(verb)
            .chain(complements)
            .flat_map(|v| self.children[v].iter().copied())
        {
            match self.document.tokens[c].deprel.as_str() {
                "obl" => phrases.push((c, false)),
                "obj" => {
                    phrases.push((c, true));
                    phrases.extend(
                        self.children[c]
                            .iter()
                            .filter(|&&g| self.document.tokens[g].deprel == "nmod")
                            .map(|&g| (g, false)),
                    );
                }
                _ => {}
            }
        }
        phrases.into_iter().find_map(|(head, object)| {
            if !object {
                let preposition = self.children[head]
                    .iter()
                    .find(|&&k| self.document.tokens[k].deprel == "case")?;
                if !PLACE_PREPOSITIONS.contains(&self.lower[*preposition].as_str()) {
                    return None;
                }
            }
            // "on the town of Rafah", "in Idlib province": the name, not the kind.
            let head = if PLACE_NOUNS.contains(&self.lower[head].as_str()) {
                self.children[head].iter().copied().find(|&k| {
                    self.document.tokens[k].xpos.starts_with("NNP")
                        && matches!(
                            self.document.tokens[k].deprel.as_str(),
                            "nmod" | "compound" | "appos" | "flat"
                        )
                })?
            } else {
                head
            };
            if !self.document.tokens[head].xpos.starts_with("NNP") {
                return None;
            }
            let mut start = head;
            while start > 0
                && self.document.tokens[start - 1].xpos.starts_with("NNP")
                && self.document.tokens[start - 1].head == Some(head)
            {
                start -= 1;
            }
            self.place_actor(start..head + 1)
        })
    }

    /// The country the place named by `tokens` stands in, as an actor on that span.
    fn place_actor(&self, tokens: std::ops::Range<usize>) -> Option<EventActor> {
        Some(EventActor {
            actor_id: None,
            code: (self.lookups.place)(&self.lower[tokens.clone()])?,
            span: self.span_of(tokens.start, tokens.end)?,
        })
    }

    /// Who did a coercion told in the passive with no agent ("opposition leader X
    /// and several others are arrested"): the police of the country it happened in
    /// ("… is captured in the United States"), else of the country of whom it was
    /// done to. News names the arrested, and leaves the arresting force implied.
    fn implied_police(&self, verb: usize, targets: &[EventActor]) -> Option<EventActor> {
        let place = self.children[verb].iter().find_map(|&c| {
            let in_phrase = self.document.tokens[c].deprel == "obl"
                && self.children[c].iter().any(|&k| self.lower[k] == "in");
            if !in_phrase {
                return None;
            }
            let actor = self.actors_at(c).into_iter().next();
            actor.or_else(|| self.place_actor(c..c + 1))
        });
        let country = place
            .as_ref()
            .or(targets.first())
            .and_then(|a| a.code.get(..3))
            .filter(|c| dateline_cameo::is_country_code(c))?;
        Some(EventActor {
            actor_id: None,
            code: format!("{country}COP"),
            span: self.span_of(verb, verb + 1)?,
        })
    }

    /// Whether each sentence names a coded actor: only there can a verb be an event.
    pub(crate) fn sentences_with_actors(&self) -> Vec<bool> {
        let mut out = vec![false; self.document.sentences.len()];
        for (i, m) in self.mention_of.iter().enumerate() {
            if m.is_some() {
                out[self.sentence_of[i]] = true;
            }
        }
        out
    }

    /// Whether token `i`, given no event by the dictionary, could still be one the
    /// learned proposer codes: a verb (not an auxiliary or copula), or a noun the verb
    /// dictionary knows ("clashes", "arrests"), in a sentence that names an actor,
    /// outside names and questions.
    pub(crate) fn is_open(&self, i: usize, actor_sentences: &[bool]) -> bool {
        let token = &self.document.tokens[i];
        let sentence = self.sentence_of[i];
        // An auxiliary or a copula carries no act of its own ("was" in "was attacked").
        let kind_fits =
            is_verb(self.document, i) && !token.deprel.starts_with("aux") && token.deprel != "cop"
                || token.xpos.starts_with("NN")
                    && !self
                        .model
                        .verbs
                        .verbs_of(&token.lemma.to_lowercase())
                        .is_empty();
        kind_fits
            && actor_sentences[sentence]
            && self.mention_of[i].is_none()
            && !self.in_question(i, self.document.sentences[sentence].end)
    }

    /// Who would act and on whom at open token `i`, as `(sources, targets)`: for a
    /// verb, its subject (or the actor before it) and its object (or the actor after
    /// it); for a noun, its possessor or modifier ("Veldora's attack", "Haldish
    /// strikes") and the actor in its own phrase ("attack on Veldora").
    pub(crate) fn open_dyad(&self, i: usize) -> (Vec<EventActor>, Vec<EventActor>) {
        if is_verb(self.document, i) {
            let passive = self.is_passive(i);
            let (subject, object) = self.roles(i, passive);
            let subject = subject.or_else(|| (!passive).then(|| self.actor_before(i)).flatten());
            let sources = subject.map(|s| self.actors_at(s)).unwrap_or_default();
            let targets = match object {
                Some(o) => self.actors_at(o),
                None => {
                    let found = self.object_actors(i);
                    match self.actor_after(i) {
                        Some(t) if found.is_empty() && !passive => self.actors_at(t),
                        _ => found,
                    }
                }
            };
            return (sources, targets);
        }
        let mut sources = Vec::new();
        let mut targets = Vec::new();
        for &c in &self.children[i] {
            let case = self.children[c]
                .iter()
                .find(|&&k| self.document.tokens[k].deprel == "case")
                .map(|&k| self.lower[k].as_str());
            match self.document.tokens[c].deprel.as_str() {
                // "the shelling of Homs by Syrian forces": the doer, after "by".
                "nmod" if case == Some("by") => sources = self.actors_at(c),
                "nmod:poss" | "amod" | "compound" if sources.is_empty() => {
                    sources = self.actors_at(c);
                }
                "nmod" if targets.is_empty() => {
                    targets = self.actors_at(c);
                    // "of Homs", "on Aleppo": a place stands for its country.
                    if targets.is_empty() && matches!(case, Some("of" | "on" | "against")) {
                        let mut start = c;
                        while start > i + 1
                            && self.document.tokens[start - 1].xpos.starts_with("NNP")
                        {
                            start -= 1;
                        }
                        targets.extend(self.place_actor(start..c + 1));
                    }
                }
                _ => {}
            }
        }
        if sources.is_empty() {
            sources = self
                .actor_before(i)
                .map(|s| self.actors_at(s))
                .unwrap_or_default();
        }
        (sources, targets)
    }

    /// The events of open token `i` coded `code` by the learned proposer.
    pub(crate) fn propose(
        &self,
        i: usize,
        code: &str,
        statements: &[Statement],
        out: &mut Vec<Event>,
    ) {
        let (sources, targets) = self.open_dyad(i);
        if sources.is_empty() {
            return;
        }
        let pair = CodePair {
            active: Some(code.to_string()),
            passive: Some(code.to_string()),
        };
        self.emit(
            i,
            statements,
            (&pair, false, None),
            (&sources, &targets),
            0.5,
            out,
        );
    }

    /// "Is Veldora delaying the talks?": a question asks, it does not report. The verb
    /// is in one when the first full stop, exclamation or question mark after it is a
    /// question mark.
    fn in_question(&self, verb: usize, sentence_end: usize) -> bool {
        let text = self.document.text();
        self.document.tokens[verb + 1..sentence_end]
            .iter()
            .map(|t| &text[t.start..t.end])
            .find(|t| matches!(*t, "." | "!" | "?"))
            == Some("?")
    }

    /// A verb of refusal: one of the dictionary's REFUSE block ("rule out", "reject",
    /// "deny"), or "refuse" and "decline" themselves.
    fn refuses(&self, verb: usize) -> bool {
        let token = &self.document.tokens[verb];
        let lemma = token.lemma.to_lowercase();
        is_verb(self.document, verb)
            && (matches!(lemma.as_str(), "refuse" | "decline")
                || self.model.verbs.verbs_of(&lemma).iter().any(|v| {
                    self.model.verbs.blocks[v.block].name == "REFUSE" && self.has_particles(verb, v)
                }))
    }

    /// A multi-word verb's particles ("bring … out") follow it closely or hang on it.
    fn has_particles(&self, verb: usize, entry: &Verb) -> bool {
        entry.words[1..].iter().all(|particle| {
            let near =
                (verb + 1..(verb + 4).min(self.lower.len())).any(|i| &self.lower[i] == particle);
            near || self.children[verb]
                .iter()
                .any(|&c| &self.lower[c] == particle)
        })
    }

    /// The verb's own phrase after it: its subtree without subjects, other clauses
    /// and coordinated verbs, in text order.
    fn phrase_after(&self, verb: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.children[verb].clone();
        while let Some(node) = stack.pop() {
            let relation = self.document.tokens[node].deprel.as_str();
            if OTHER_CLAUSES.contains(&relation) {
                continue;
            }
            if node > verb {
                out.push(node);
            }
            stack.extend(&self.children[node]);
        }
        out.sort_unstable();
        out
    }

    /// Matches a pattern's items in order over the tokens before and after the verb.
    fn match_pattern<'p>(
        &self,
        pattern: &'p Pattern,
        before: &[usize],
        after: &[usize],
    ) -> Option<Match<'p>> {
        let mut found = Match {
            pattern,
            source: None,
            target: None,
        };
        self.match_items(&pattern.before, before, &mut found)?;
        self.match_items(&pattern.after, after, &mut found)?;
        Some(found)
    }

    fn match_items(&self, items: &[Item], tokens: &[usize], found: &mut Match) -> Option<()> {
        let mut at = 0;
        for item in items {
            match item {
                Item::Words(alternatives) => {
                    let (start, len) = (at..tokens.len()).find_map(|i| {
                        alternatives
                            .iter()
                            .find(|words| self.words_at(tokens, i, words))
                            .map(|words| (i, words.len()))
                    })?;
                    at = start + len;
                }
                Item::Source | Item::Target => {
                    let i = (at..tokens.len()).find(|&i| self.mention_of[tokens[i]].is_some())?;
                    if matches!(item, Item::Source) {
                        found.source = Some(tokens[i]);
                    } else {
                        found.target = Some(tokens[i]);
                    }
                    let m = self.mention_of[tokens[i]];
                    at = (i..tokens.len())
                        .find(|&j| self.mention_of[tokens[j]] != m)
                        .unwrap_or(tokens.len());
                }
                Item::Compound => {}
            }
        }
        Some(())
    }

    /// Whether `words` stand at `tokens[i..]`, by form or lemma.
    fn words_at(&self, tokens: &[usize], i: usize, words: &[String]) -> bool {
        i + words.len() <= tokens.len()
            && words.iter().enumerate().all(|(k, w)| {
                let t = tokens[i + k];
                self.lower[t] == *w || self.document.tokens[t].lemma.eq_ignore_ascii_case(w)
            })
    }

    fn child_with(&self, verb: usize, relations: &[&str]) -> Option<usize> {
        self.children[verb]
            .iter()
            .copied()
            .find(|&c| relations.contains(&self.document.tokens[c].deprel.as_str()))
    }

    /// A verb told in the passive: with a passive auxiliary or subject, or a past
    /// participle modifying a noun ("an island bombarded by North Korea").
    fn is_passive(&self, verb: usize) -> bool {
        let token = &self.document.tokens[verb];
        self.children[verb].iter().any(|&c| {
            matches!(
                self.document.tokens[c].deprel.as_str(),
                "aux:pass" | "nsubj:pass"
            )
        }) || token.xpos == "VBN"
            && token.deprel == "acl"
            && self.child_with(verb, &["nsubj"]).is_none()
    }

    /// Who acted at `verb` and, for a passive, on whom (the active object is found
    /// with the verb's phrase). A relative pronoun stands for the noun its clause
    /// modifies ("a Su-24 that had infiltrated its air space", "the party of Aung San
    /// Suu Kyi who boycotted …"), and a participle modifying a noun has that noun
    /// as its doer ("a video of him threatening a journalist") or, in the passive,
    /// as its done-to ("an island bombarded by North Korea").
    fn roles(&self, verb: usize, passive: bool) -> (Option<usize>, Option<usize>) {
        let token = &self.document.tokens[verb];
        let modified = token
            .head
            .filter(|_| token.deprel == "acl" || token.deprel == "acl:relcl");
        let antecedent = |slot: Option<usize>| match (slot, modified) {
            (Some(s), Some(noun)) if RELATIVE_PRONOUNS.contains(&self.lower[s].as_str()) => {
                Some(noun)
            }
            (None, Some(noun)) if token.deprel == "acl" => Some(noun),
            _ => slot,
        };
        if passive {
            let patient = self.child_with(verb, &["nsubj:pass"]);
            (self.agent(verb), antecedent(patient))
        } else {
            (antecedent(self.subject(verb)), None)
        }
    }

    /// The active subject, or the one a controlling or coordinated verb shares
    /// ("Arnor agreed to restore ties": Arnor restores).
    fn subject(&self, verb: usize) -> Option<usize> {
        let mut v = verb;
        for _ in 0..4 {
            if let Some(s) = self.child_with(v, &["nsubj"]) {
                return Some(s);
            }
            let t = &self.document.tokens[v];
            match t.head {
                Some(h) if t.deprel == "conj" || is_complement(self.document, v) => v = h,
                _ => return None,
            }
        }
        None
    }

    /// When the parse gives the verb no subject (it often makes "Veldora attacked
    /// Haldmere" a noun phrase), the nearest actor before it with no other verb
    /// between them.
    fn actor_before(&self, verb: usize) -> Option<usize> {
        let sentence = &self.document.sentences[self.sentence_of[verb]];
        (sentence.start..verb)
            .rev()
            .take_while(|&i| !self.is_clause_break(i))
            .find(|&i| self.mention_of[i].is_some())
    }

    /// Likewise the nearest actor after the verb, before the next verb.
    fn actor_after(&self, verb: usize) -> Option<usize> {
        let sentence = &self.document.sentences[self.sentence_of[verb]];
        (verb + 1..sentence.end)
            .take_while(|&i| !self.is_clause_break(i))
            .find(|&i| self.mention_of[i].is_some())
    }

    /// A day named in the words right after the verb ("attacked Haldmere on
    /// Tuesday"), for a parse that hung the phrase elsewhere.
    fn day_after(&self, verb: usize) -> Option<dateline_core::Date> {
        let sentence = &self.document.sentences[self.sentence_of[verb]];
        (verb + 1..sentence.end)
            .take_while(|&i| !self.is_clause_break(i))
            .take(12)
            .find_map(|i| {
                let before: Vec<&str> = (i.saturating_sub(2).max(verb + 1)..i)
                    .map(|j| self.lower[j].as_str())
                    .collect();
                dateline_core::time::day_named(&self.lower[i], &before, self.document.article.date)
            })
    }

    /// A full verb, or punctuation that ends a clause.
    fn is_clause_break(&self, i: usize) -> bool {
        let t = &self.document.tokens[i];
        (t.xpos.starts_with("VB") && !t.deprel.starts_with("aux") && t.deprel != "cop")
            || matches!(self.lower[i].as_str(), ";" | ":" | "that" | "which" | "who")
    }

    /// The `by` phrase of a passive verb.
    fn agent(&self, verb: usize) -> Option<usize> {
        self.child_with(verb, &["obl:agent"]).or_else(|| {
            self.children[verb].iter().copied().find(|&c| {
                self.document.tokens[c].deprel == "obl"
                    && self.children[c].iter().any(|&k| self.lower[k] == "by")
            })
        })
    }

    /// The object's actors, else those of the first prepositional phrase that has one.
    fn object_actors(&self, verb: usize) -> Vec<EventActor> {
        for relations in [&["obj", "iobj"][..], &["obl", "obl:tmod", "nmod"][..]] {
            for &c in &self.children[verb] {
                if relations.contains(&self.document.tokens[c].deprel.as_str()) {
                    let actors = self.actors_at(c);
                    if !actors.is_empty() {
                        return actors;
                    }
                }
            }
        }
        // "restore ties with Gondor", "talks with Gondor": one level further down.
        for &c in &self.children[verb] {
            if self.document.tokens[c].deprel == "obj" || is_complement(self.document, c) {
                for &g in &self.children[c] {
                    if matches!(
                        self.document.tokens[g].deprel.as_str(),
                        "nmod" | "obl" | "obj"
                    ) {
                        let actors = self.actors_at(g);
                        if !actors.is_empty() {
                            return actors;
                        }
                    }
                }
            }
        }
        Vec::new()
    }

    /// The actors a phrase stands for: the coded mention on its head, else the first
    /// in its own words (not in its clauses), each with the phrases coordinated with
    /// it ("ties between Gondor and Osgiliath").
    fn actors_at(&self, head: usize) -> Vec<EventActor> {
        let mut out: Vec<EventActor> = Vec::new();
        self.collect_actors(head, 0, &mut out);
        out
    }

    fn collect_actors(&self, head: usize, depth: usize, out: &mut Vec<EventActor>) {
        if depth > 2 || out.len() >= MAX_COMPOUND {
            return;
        }
        let mut heads = vec![head];
        let mut k = 0;
        while k < heads.len() && heads.len() < MAX_COMPOUND {
            for &c in &self.children[heads[k]] {
                if self.document.tokens[c].deprel == "conj" && heads.len() < MAX_COMPOUND {
                    heads.push(c);
                }
            }
            k += 1;
        }
        for h in heads {
            match self.mention_of[h] {
                // "Veldora Prime Minister Romendacil" parsed as one flat name headed
                // by the country: the role in it says who acts.
                Some(_) if let Some(actor) = self.flat_role(h) => {
                    if !out.iter().any(|a| a.code == actor.code) {
                        out.push(actor);
                    }
                }
                Some(m) => self.push_actor(m, out),
                None => {
                    let Some(t) = self.first_coded_in_phrase(h) else {
                        if let Some(actor) = self.modifier_country(h).or_else(|| self.role_actor(h))
                            && !out.iter().any(|a| a.code == actor.code)
                        {
                            out.push(actor);
                        }
                        continue;
                    };
                    // "Iraq's national security adviser", "the US commander": the
                    // role the head names, of the country the phrase names.
                    if let Some(actor) = self.role_of_country(h, t) {
                        if !out.iter().any(|a| a.code == actor.code) {
                            out.push(actor);
                        }
                    } else {
                        // From the name's own head: "the governments of the United
                        // States and South Korea" coordinate "States" and "Korea",
                        // not "United".
                        self.collect_actors(self.mention_head(t), depth + 1, out);
                    }
                }
            }
        }
    }

    /// A phrase no coded mention names, told by the country its modifiers name:
    /// "Israeli aircraft", "Russian natural gas supplier Gazprom", "two United States
    /// drone missiles". The actor layer leaves such a demonym uncoded, as "Russian
    /// oil" is no actor; as the doer or done-to of an act the phrase is the country's,
    /// with the role its head names where the agent dictionary knows it. A person's
    /// name is never read as a place ("Ali Gomaa").
    fn modifier_country(&self, head: usize) -> Option<EventActor> {
        let in_person = |t: usize| self.in_person[t];
        if in_person(head) {
            return None;
        }
        let mut modifiers = Vec::new();
        let mut stack = vec![head];
        while let Some(node) = stack.pop() {
            for &c in &self.children[node] {
                if c < head
                    && matches!(
                        self.document.tokens[c].deprel.as_str(),
                        "amod" | "compound" | "nmod:poss" | "nmod:desc" | "flat"
                    )
                {
                    modifiers.push(c);
                    stack.push(c);
                }
            }
        }
        modifiers.sort_unstable();
        let capitalised = |t: usize| {
            let token = &self.document.tokens[t];
            self.document.text()[token.start..token.end]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        };
        let (start, end, country) = modifiers.iter().find_map(|&first| {
            if !capitalised(first) || in_person(first) {
                return None;
            }
            let run_end = (first..head)
                .take_while(|&t| modifiers.contains(&t) && capitalised(t))
                .last()?
                + 1;
            (first + 1..=run_end).rev().find_map(|end| {
                let code = (self.lookups.place)(&self.lower[first..end])?;
                Some((first, end, code))
            })
        })?;
        let agents = self.lookups.agent;
        let agent = (end..=head).find_map(|from| agents(&self.lower[from..=head]));
        Some(EventActor {
            actor_id: None,
            code: agent.map_or_else(|| country.clone(), |a| a.apply(Some(&country))),
            span: self.span_of(start, head + 1)?,
        })
    }

    /// A phrase that names only a role ("police", "the security forces", "protesters"):
    /// the role, of the country the text around it is about (see
    /// [`Coder::implied_country`]), or the role alone where none is named.
    fn role_actor(&self, head: usize) -> Option<EventActor> {
        let token = &self.document.tokens[head];
        if !matches!(token.xpos.as_str(), "NN" | "NNS") {
            return None;
        }
        let sentence_start = self.document.sentences[self.sentence_of[head]].start;
        let agents = self.lookups.agent;
        let (start, agent) = (head.saturating_sub(2).max(sentence_start)..=head)
            .find_map(|start| Some((start, agents(&self.lower[start..=head])?)))
            .filter(|(_, agent)| ACTING_ROLES.contains(&agent.block()))?;
        let country = self.implied_country(head);
        Some(EventActor {
            actor_id: None,
            code: agent.apply(country.as_deref()),
            span: self.span_of(start, head + 1)?,
        })
    }

    /// The country a role with no country of its own belongs to: the first country
    /// (or place of a country) its sentence names, else the nearest the article named
    /// before it. Short news items name the country once ("Police suspect al Shabaab
    /// sympathizers" follows "… in Garissa").
    fn implied_country(&self, token: usize) -> Option<String> {
        let sentence = self.sentence_of[token];
        self.sentence_country[sentence]
            .clone()
            .or_else(|| self.country_before[sentence].clone())
    }

    /// The token of the mention at `token` whose head lies outside the mention.
    fn mention_head(&self, token: usize) -> usize {
        let Some(m) = self.mention_of[token] else {
            return token;
        };
        let within = self.document.tokens_within(&self.mentions[m].span);
        within
            .clone()
            .find(|&i| {
                self.document.tokens[i]
                    .head
                    .is_none_or(|h| !within.contains(&h))
            })
            .unwrap_or(token)
    }

    /// A role in the flat name a country heads ("Veldora Prime Minister …").
    fn flat_role(&self, head: usize) -> Option<EventActor> {
        let last = self.children[head]
            .iter()
            .copied()
            .filter(|&c| {
                c > head && matches!(self.document.tokens[c].deprel.as_str(), "flat" | "compound")
            })
            .max()?;
        self.role_of_country(last, head)
    }

    /// The actor for a role word at `head` (with up to two words before it) whose
    /// phrase names a country at `country_token`.
    fn role_of_country(&self, head: usize, country_token: usize) -> Option<EventActor> {
        let agents = self.lookups.agent;
        let mention = &self.mentions[self.mention_of[country_token]?];
        let country = self.code_of[self.mention_of[country_token]?]
            .as_deref()
            .filter(|c| c.len() == 3)?;
        // The role ends at the head ("the US commander"), or precedes a name the
        // dictionaries do not know ("Bree Prime Minister Romendacil").
        let agent = (country_token + 1..=head).rev().take(4).find_map(|end| {
            (end.saturating_sub(2).max(country_token + 1)..=end)
                .find_map(|start| agents(&self.lower[start..=end]))
        })?;
        let span = self.span_of(country_token.min(head), head + 1)?;
        Some(EventActor {
            actor_id: mention.actor_id.clone(),
            code: agent.apply(Some(country)),
            span,
        })
    }

    fn push_actor(&self, m: usize, out: &mut Vec<EventActor>) {
        let mention = &self.mentions[m];
        if let Some(code) = &self.code_of[m]
            && !out.iter().any(|a| &a.code == code)
        {
            out.push(EventActor {
                actor_id: mention.actor_id.clone(),
                code: code.clone(),
                span: mention.span.clone(),
            });
        }
    }

    /// The first token with a coded mention among a phrase's modifiers ("Dagolath's
    /// first Deputy Prime Minister Telemar"), not crossing into clauses, appositions
    /// or coordinated phrases.
    fn first_coded_in_phrase(&self, head: usize) -> Option<usize> {
        let mut stack = vec![head];
        let mut seen = Vec::new();
        while let Some(node) = stack.pop() {
            seen.push(node);
            for &c in &self.children[node] {
                let relation = self.document.tokens[c].deprel.as_str();
                if relation != "conj" && !relation.starts_with("acl") && relation != "appos" {
                    stack.push(c);
                }
            }
        }
        seen.sort_unstable();
        seen.into_iter().find(|&t| self.mention_of[t].is_some())
    }

    /// The clauses that condition the verb: "if there are specific, good ideas",
    /// "as long as the guards stay", "provided that …", "unless …", "on condition
    /// that …", "only for negotiations relating to …".
    fn conditions(&self, verb: usize) -> Vec<Span> {
        // The conditions of a verb and its complement are one ("agreed to meet …
        // as long as …").
        let token = &self.document.tokens[verb];
        let mut verbs = vec![verb];
        if is_complement(self.document, verb)
            && let Some(head) = token.head
        {
            verbs.push(head);
        }
        verbs.extend(
            self.children[verb]
                .iter()
                .filter(|&&c| is_complement(self.document, c)),
        );
        let mut out: Vec<Span> = Vec::new();
        for &c in verbs.iter().flat_map(|&v| &self.children[v]) {
            let relation = self.document.tokens[c].deprel.as_str();
            let subtree = self.subtree(c);
            let first = subtree.start;
            let words = |n: usize| -> Vec<&str> {
                (first..(first + n).min(subtree.end))
                    .map(|i| self.lower[i].as_str())
                    .collect()
            };
            let conditional = match relation {
                "advcl" => {
                    let opening = words(3);
                    matches!(
                        opening.first(),
                        Some(&("if" | "unless" | "provided" | "providing"))
                    ) || opening.starts_with(&["as", "long", "as"])
                        || opening.starts_with(&["only", "if"])
                }
                "obl" | "advmod" => {
                    let opening = words(3);
                    opening.starts_with(&["on", "condition"])
                        || opening.starts_with(&["as", "long", "as"])
                        || opening.starts_with(&["only", "for"])
                        || opening.starts_with(&["only", "on"])
                }
                _ => false,
            };
            // "only for …" is parsed with "only" outside the phrase as often as in.
            let only_before = first > 0
                && self.lower[first - 1] == "only"
                && matches!(relation, "obl" | "nmod")
                && matches!(self.lower[first].as_str(), "for" | "on" | "if");
            if !(conditional || only_before) {
                continue;
            }
            // "on condition that the troops leave": the clause the parse hung
            // elsewhere still belongs to the condition.
            let mut end = subtree.end;
            // "… negotiations relating to the island": a participle right after.
            if end < self.lower.len()
                && matches!(self.document.tokens[end].xpos.as_str(), "VBG" | "VBN")
            {
                end = end.max(self.subtree(end).end);
            }
            if end < self.lower.len()
                && matches!(self.lower[end].as_str(), "that" | "of")
                && let Some(clause) = self.document.tokens[end].head
            {
                end = end.max(self.subtree(clause).end);
            }
            let start = if only_before { first - 1 } else { first };
            if let Some(span) = self.span_of(start, end)
                && !out.contains(&span)
            {
                out.push(span);
            }
        }
        out
    }

    /// The tokens a head dominates, as one range (projective parses).
    fn subtree(&self, head: usize) -> std::ops::Range<usize> {
        let (mut start, mut end) = (head, head + 1);
        let mut stack = vec![head];
        while let Some(node) = stack.pop() {
            start = start.min(node);
            end = end.max(node + 1);
            stack.extend(&self.children[node]);
        }
        // Trailing punctuation belongs to the sentence, not the clause.
        while end > start + 1 && matches!(self.lower[end - 1].as_str(), "," | "." | ";") {
            end -= 1;
        }
        start..end
    }

    /// Inside the clause of an "if" ("if Gondor attacks, …").
    fn in_if_clause(&self, verb: usize) -> bool {
        let t = &self.document.tokens[verb];
        t.deprel == "advcl" && self.children[verb].iter().any(|&c| self.lower[c] == "if")
    }

    fn span_of(&self, first: usize, end: usize) -> Option<Span> {
        let tokens = &self.document.tokens;
        self.document
            .span_of_bytes(tokens[first].start, tokens[end - 1].end)
    }
}
