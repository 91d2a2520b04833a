//! The extraction pipeline: one article in, its annotation layers and records out.
//!
//! # Design
//!
//! Following spaCy's `Doc`, an article becomes a [`Document`] that owns its text once;
//! each pipeline component reads the layers before it and adds one layer:
//!
//! 1. [`annotate_language`]: tokens, sentences, part-of-speech tags, lemmas,
//!    dependencies, named entities (models from `dateline-nlp`, compiled into the
//!    binary), and the place-name refinement: a `LOC` that is a country, city or region
//!    in the CAMEO dictionaries becomes `GPE`, and a demonym ("Russian") outside any
//!    entity becomes a `NORP` entity;
//! 2. actors (`dateline-actors`, into `Document::mentions`/`actors`): every entity
//!    becomes a `Mention`, linked to an actor where one is known, plus the
//!    references that do not name their actor (surnames, titles, pronouns, seats of
//!    government, demonym + role groups);
//! 3. statements (`dateline-statements`): quotes and reported speech with their
//!    speakers (through the actor layer's mentions), cues, outlets and days;
//! 4. events (`dateline-events`): CAMEO-coded events over the parse, with the
//!    statements that report them.
//!
//! One article plus what was known that day: [`prepare`] runs 1–2 from the article
//! alone and yields its facts (what it says about the people it names);
//! [`Prepared::complete`] redoes 2 where a [`Knowledge`] (the facts of articles
//! dated on or before it) answers one of its questions, then runs 3–4. Facts never
//! depend on knowledge, so records depend only on the set of articles.
//!
//! # Invariants
//!
//! * Pure: text in, records out. No store, no clock, no network, no global state
//!   beyond the read-only shipped models, so `dateline extract` can run as a
//!   stateless Spark worker and give the same output for the same input (and the
//!   same knowledge) anywhere.
//! * Every span a record carries is made by `Document::span`/`span_of_bytes` and so
//!   equals the article text at its code-point offsets.

use dateline_actors::Dictionary;
use dateline_core::knowledge::{DatedFact, Knowledge, KnowledgeAsOf, PersonFact, Question};
use dateline_core::{Article, Document, Entity, Extraction, Token};
use dateline_nlp::gazetteer::{COUNTRY, Gazetteer};
use dateline_nlp::{lemmatizer, ner, parser, sentences, tagger, tokenize};
use rayon::prelude::*;

/// The version of what [`extract`] produces. A store remembers what annotated each
/// article (this, and the dictionaries' fingerprint) and annotates again on the next
/// ingest when either differs; bump it whenever a change alters the records for the
/// same input, including a retrained shipped model (`data/models/events.json`,
/// `data/models/event-layer.bin`). 5: the coding ontology and the learned event layer;
/// 6: the place table, implied police, coordination inside names, the clustered
/// tagger and the models retrained on it.
pub const PIPELINE_VERSION: i64 = 6;

/// What the extractors look names and verbs up in.
#[derive(Clone, Copy)]
pub struct Dictionaries<'a> {
    pub actors: &'a Dictionary,
    pub events: &'a dateline_events::EventModel,
}

impl Dictionaries<'static> {
    /// The shipped actor dictionary and event model.
    pub fn shipped() -> Self {
        Dictionaries::with_actors(dateline_actors::shipped())
    }
}

impl<'a> Dictionaries<'a> {
    /// These actors (the shipped ones plus a user's files) and the shipped event
    /// model.
    pub fn with_actors(actors: &'a Dictionary) -> Self {
        Dictionaries {
            actors,
            events: dateline_events::shipped(),
        }
    }
}

/// Runs every pipeline component over `article`, with the shipped dictionaries.
pub fn extract(article: Article) -> Extraction {
    extract_with(article, Dictionaries::shipped())
}

/// [`extract`] with other dictionaries (the shipped ones plus a user's files), from
/// the article alone: what earlier articles said is not consulted (see
/// [`extract_corpus`] and [`Prepared`] for that). The models are English; an article
/// detected as another language gets no annotations rather than wrong ones (`und`,
/// undetermined, is tried as English).
pub fn extract_with(article: Article, dictionaries: Dictionaries) -> Extraction {
    prepare(article, dictionaries)
        .complete(dictionaries, &Knowledge::default())
        .extraction
}

/// Every article of a corpus, each with what the articles dated on or before it
/// said about the people it names ([`Knowledge`]), as a store that held them all
/// would annotate them. Articles are annotated on all cores; the output is in input
/// order.
pub fn extract_corpus(articles: Vec<Article>, dictionaries: Dictionaries) -> Vec<Extraction> {
    let prepared: Vec<Prepared> = articles
        .into_par_iter()
        .map(|a| prepare(a, dictionaries))
        .collect();
    let knowledge = Knowledge::new(prepared.iter().flat_map(Prepared::dated_facts));
    prepared
        .into_par_iter()
        .map(|p| p.complete(dictionaries, &knowledge).extraction)
        .collect()
}

/// An article with its language layers and the actor layer from the article alone:
/// the first of the two steps of annotation. Its [`facts`](Prepared::facts) are what
/// later articles learn from; [`complete`](Prepared::complete) adds what earlier
/// ones said and the remaining layers.
pub struct Prepared {
    /// With its actor layer from the article alone.
    document: Document,
    /// What the article alone says about the people it names; `None` for a
    /// language we do not model.
    facts: Option<Vec<PersonFact>>,
    asked: Vec<(Question, i64)>,
}

/// The language layers and the actor layer of `article`, from the article alone.
pub fn prepare(article: Article, dictionaries: Dictionaries) -> Prepared {
    let mut document = Document::new(article);
    if !matches!(document.article.lang.as_str(), "en" | "und") {
        return Prepared {
            document,
            facts: None,
            asked: Vec::new(),
        };
    }
    annotate_language(&mut document);
    let nothing = KnowledgeAsOf::nothing(document.article.date);
    let facts = annotate_actors(&mut document, dictionaries, &nothing);
    Prepared {
        asked: nothing.asked(),
        document,
        facts: Some(facts),
    }
}

/// Adds the actor layer (mentions and actors) with `knowledge`; returns what the
/// article alone says about the people it names.
fn annotate_actors(
    document: &mut Document,
    dictionaries: Dictionaries,
    knowledge: &KnowledgeAsOf,
) -> Vec<PersonFact> {
    let linked = dateline_actors::link(document, dictionaries.actors, knowledge);
    document.mentions = linked.mentions;
    document.actors = linked.actors;
    linked.facts
}

/// A finished annotation, with the questions it asked the knowledge and a hash of
/// each answer (a store re-annotates the article when an answer changes).
pub struct Completed {
    pub extraction: Extraction,
    pub asked: Vec<(Question, i64)>,
}

impl Prepared {
    pub fn article(&self) -> &Article {
        &self.document.article
    }

    /// What this article alone says about the people it names.
    pub fn facts(&self) -> &[PersonFact] {
        self.facts.as_deref().unwrap_or_default()
    }

    pub fn dated_facts(&self) -> impl Iterator<Item = DatedFact> + '_ {
        let date = self.document.article.date;
        self.facts().iter().map(move |fact| DatedFact {
            date,
            fact: fact.clone(),
        })
    }

    /// The questions the article alone asked of the knowledge: what a store must look
    /// up before [`complete`](Prepared::complete).
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.asked.iter().map(|(q, _)| q)
    }

    /// The remaining layers, with `knowledge` as of the article's date: the actor
    /// layer again where the knowledge answers one of the article's questions, then
    /// statements and events.
    pub fn complete(self, dictionaries: Dictionaries, knowledge: &Knowledge) -> Completed {
        let Prepared {
            mut document,
            facts,
            asked,
        } = self;
        if facts.is_none() {
            return Completed {
                extraction: Extraction {
                    article: document.article,
                    mentions: Vec::new(),
                    actors: Vec::new(),
                    statements: Vec::new(),
                    events: Vec::new(),
                },
                asked,
            };
        };
        let date = document.article.date;
        // `asked` holds the answers of no knowledge.
        let unanswered = asked
            .iter()
            .all(|(q, h)| knowledge.answer_hash(q, date) == *h);
        // Knowledge that answers none of the article's questions changes nothing: the
        // actor layer from the article alone stands.
        let asked = if unanswered {
            asked
        } else {
            let as_of = knowledge.as_of(date);
            annotate_actors(&mut document, dictionaries, &as_of);
            as_of.asked()
        };
        Completed {
            extraction: annotate_records(document, dictionaries),
            asked,
        }
    }
}

/// Statements and events over the actor layer.
fn annotate_records(document: Document, dictionaries: Dictionaries) -> Extraction {
    let statements = dateline_statements::statements(&document);
    let events = with_lookups(dictionaries, document.article.date, |lookups| {
        dateline_events::events(&document, &statements, dictionaries.events, lookups)
    });
    Extraction {
        article: document.article,
        mentions: document.mentions,
        actors: document.actors,
        statements,
        events,
    }
}

/// Runs `f` with what the event coder asks the actor dictionary on `date`.
fn with_lookups<R>(
    dictionaries: Dictionaries,
    date: dateline_core::Date,
    f: impl FnOnce(dateline_events::Lookups) -> R,
) -> R {
    let actors = dictionaries.actors;
    let agent = |words: &[String]| actors.agent_of(words).map(|a| actors.agent(a).code.clone());
    let dictionary_place = |words: &[String]| {
        let found = actors.match_names(words);
        let whole = found.iter().find(|m| {
            m.tokens == (0..words.len())
                && (m.name.place
                    || actors.actor(m.name.actor).kind == dateline_actors::Kind::Country)
        })?;
        let code = whole.name.code.clone().or_else(|| {
            actors
                .actor(whole.name.actor)
                .code_on(date)
                .map(str::to_string)
        })?;
        Some(code.get(..3).unwrap_or(&code).to_string())
    };
    // Places the dictionary knows, else the towns of the place table.
    let place = |words: &[String]| {
        dictionary_place(words).or_else(|| {
            dateline_actors::places::Places::shipped()
                .country_of(words)
                .map(str::to_string)
        })
    };
    f(dateline_events::Lookups {
        agent: &agent,
        place: &place,
    })
}

/// The event candidates of `article` and the tokens the coder left open, before the
/// shipped learned layer decides: what `dateline train event-layer` learns from.
/// Empty for a language we do not model.
pub fn event_candidates(
    article: Article,
    dictionaries: Dictionaries,
) -> dateline_events::Candidates {
    let mut document = Document::new(article);
    if !matches!(document.article.lang.as_str(), "en" | "und") {
        return dateline_events::Candidates::default();
    }
    annotate_language(&mut document);
    let nothing = KnowledgeAsOf::nothing(document.article.date);
    annotate_actors(&mut document, dictionaries, &nothing);
    let statements = dateline_statements::statements(&document);
    with_lookups(dictionaries, document.article.date, |lookups| {
        dateline_events::candidates(&document, &statements, dictionaries.events, lookups)
    })
}

/// The statement candidates of `article`, before the shipped model chooses among them:
/// what `dateline train statements` learns from. Empty for a language we do not model.
pub fn statement_candidates(
    article: Article,
    dictionaries: Dictionaries,
) -> Vec<dateline_statements::Candidate> {
    let mut document = Document::new(article);
    if !matches!(document.article.lang.as_str(), "en" | "und") {
        return Vec::new();
    }
    annotate_language(&mut document);
    let nothing = KnowledgeAsOf::nothing(document.article.date);
    annotate_actors(&mut document, dictionaries, &nothing);
    dateline_statements::candidates(&document)
}

/// The language layers of `article` as CoNLL-U (one block a sentence), entities in
/// MISC as `NER=B-PER`/`I-PER` and each token's code points as `TokenRange=start:end`:
/// what the extractors read, for a user who wants to see
/// why a statement or event was (not) found.
pub fn conllu(article: Article) -> String {
    use std::fmt::Write;
    let mut document = Document::new(article);
    annotate_language(&mut document);
    let mut entity = vec![String::new(); document.tokens.len()];
    for e in &document.entities {
        for (k, i) in e.tokens.clone().enumerate() {
            entity[i] = format!("NER={}-{}", if k == 0 { "B" } else { "I" }, e.label);
        }
    }
    let text = document.text();
    let mut out = format!("# newdoc id = {}\n", document.article.id);
    for (n, sentence) in document.sentences.iter().enumerate() {
        let (Some(first), Some(last)) = (
            document.tokens.get(sentence.start),
            document.tokens.get(sentence.end.saturating_sub(1)),
        ) else {
            continue;
        };
        // Newlines inside a sentence would end the comment line.
        let words = text[first.start..last.end].replace(['\n', '\r'], " ");
        let _ = writeln!(out, "# sent_id = {}\n# text = {words}", n + 1);
        for i in sentence.clone() {
            let t = &document.tokens[i];
            let head = t.head.map_or(0, |h| h + 1 - sentence.start);
            // UDPipe's name for a token's place in the text, here in code points of
            // the stored text, as every offset in the records is.
            let range = format!(
                "TokenRange={}:{}",
                document.char_offset(t.start).unwrap_or(0),
                document.char_offset(t.end).unwrap_or(0)
            );
            let misc = if entity[i].is_empty() {
                range
            } else {
                format!("{}|{range}", entity[i])
            };
            let field = |s: &str| {
                if s.is_empty() {
                    "_".to_string()
                } else {
                    s.to_string()
                }
            };
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t_\t{head}\t{}\t_\t{misc}",
                i + 1 - sentence.start,
                &text[t.start..t.end],
                field(&t.lemma),
                field(&t.upos),
                field(&t.xpos),
                field(&t.deprel),
            );
        }
        out.push('\n');
    }
    out
}

/// Adds the language layers: tokens, sentences, tags, lemmas, dependencies and
/// entities.
pub fn annotate_language(document: &mut Document) {
    let text = document.text();
    let spans = tokenize(text);
    let sentences = sentences::shipped().split(text, &spans);
    let (tagger, recognizer, parser) = (tagger::shipped(), ner::shipped(), parser::shipped());
    let mut tokens: Vec<Token> = Vec::with_capacity(spans.len());
    let mut entities: Vec<Entity> = Vec::new();
    for sentence in &sentences {
        let words: Vec<&str> = spans[sentence.clone()].iter().map(|s| s.of(text)).collect();
        let tags = tagger.tag(&words);
        let xpos: Vec<&str> = tags.iter().map(|t| t.xpos).collect();
        for found in recognizer.recognise_tagged(&words, &xpos) {
            entities.push(Entity {
                tokens: sentence.start + found.start..sentence.start + found.end,
                label: found.label,
            });
        }
        let arcs = parser.parse(&words, &xpos);
        for ((span, tag), arc) in spans[sentence.clone()].iter().zip(&tags).zip(arcs) {
            tokens.push(Token {
                start: span.start,
                end: span.end,
                upos: tag.upos.to_string(),
                xpos: tag.xpos.to_string(),
                lemma: lemmatizer::shipped().lemma(span.of(text), tag.upos),
                // Arc heads are 1-based within the sentence, 0 = root.
                head: (arc.head > 0).then(|| sentence.start + arc.head - 1),
                deprel: arc.label,
            });
        }
    }
    document.tokens = tokens;
    document.sentences = sentences;
    document.entities = entities;
    document.index_tokens();
    label_places(document, recognizer.gazetteer());
}

/// Relabels entities with the gazetteer's country-level names (countries, their
/// cities and regions, demonyms). A name used as an adjective or plural ("Russian
/// forces", "Afghans") is `NORP`; as a proper noun ("Kharkiv") it is `GPE`. This holds
/// whether the recogniser found the span as `LOC`, found it with another label (it
/// has no `GPE`/`NORP` of its own, and web-text training makes it call unknown cities
/// people), or missed it; only spans that exactly match a name are touched, so
/// "Jordan Peele" stays a person.
fn label_places(document: &mut Document, gazetteer: &Gazetteer) {
    let mut added: Vec<Entity> = Vec::new();
    for sentence in &document.sentences {
        for (a, b, kind) in gazetteer.matches(&document.lower[sentence.clone()]) {
            if kind != COUNTRY {
                continue;
            }
            let span = sentence.start + a..sentence.start + b;
            let label = match document.tokens[span.end - 1].xpos.as_str() {
                "JJ" | "NNPS" | "NNS" => "NORP",
                "NNP" => "GPE",
                _ => continue,
            };
            let overlapping = |e: &Entity| e.tokens.start < span.end && span.start < e.tokens.end;
            if let Some(entity) = document.entities.iter_mut().find(|e| e.tokens == span) {
                entity.label = label.into();
            } else if !document.entities.iter().any(overlapping) {
                added.push(Entity {
                    tokens: span,
                    label: label.into(),
                });
            }
        }
    }
    document.entities.extend(added);
    document.entities.sort_by_key(|e| e.tokens.start);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn article(text: &str) -> Article {
        Article {
            lang: "en".into(),
            ..Article::new("fiction-1", jiff::civil::date(2031, 3, 4), text)
        }
    }

    #[test]
    fn finds_people_and_places_with_honest_spans() {
        let text = "President Ilena Marsk flew to Paris on Monday. “We will not talk,” she said in London.";
        let extraction = extract(article(text));
        let found: Vec<(&str, &str)> = extraction
            .mentions
            .iter()
            .map(|m| (m.span.text.as_str(), m.label.as_str()))
            .collect();
        assert!(found.contains(&("Ilena Marsk", "PER")), "{found:?}");
        assert!(found.contains(&("Paris", "GPE")), "{found:?}");
        assert!(found.contains(&("London", "GPE")), "{found:?}");
        let chars: Vec<char> = text.chars().collect();
        for m in &extraction.mentions {
            assert_eq!(
                m.span.text,
                chars[m.span.start..m.span.end].iter().collect::<String>()
            );
            assert_eq!(m.article_id, "fiction-1");
        }
    }

    #[test]
    fn country_names_become_gpe_and_demonyms_norp() {
        let text = "Russian forces shelled Kharkiv on Monday, the Ukrainian army said.";
        let found: Vec<(String, String)> = extract(article(text))
            .mentions
            .into_iter()
            .map(|m| (m.span.text, m.label.as_str().to_string()))
            .collect();
        // With a role word the demonym is the country acting (the actor layer
        // widens the mention over the role).
        assert!(
            found.contains(&("Russian forces".into(), "NORP".into())),
            "{found:?}"
        );
        assert!(
            found.contains(&("Ukrainian army".into(), "NORP".into())),
            "{found:?}"
        );
        assert!(
            found.contains(&("Kharkiv".into(), "GPE".into())),
            "{found:?}"
        );
    }

    #[test]
    fn other_languages_get_no_english_annotations() {
        let mut other = article(
            "Die Gespräche in Marrowick wurden am Dienstag fortgesetzt, sagte der Minister.",
        );
        other.lang = "de".into();
        assert!(extract(other).mentions.is_empty());
    }

    #[test]
    fn every_token_is_tagged_and_in_one_sentence() {
        let mut document = Document::new(article(
            "Talks resumed. The envoy left\n\nMarrowick, March 4",
        ));
        annotate_language(&mut document);
        assert!(
            document
                .tokens
                .iter()
                .all(|t| !t.upos.is_empty() && !t.xpos.is_empty() && !t.lemma.is_empty())
        );
        assert_eq!(
            document.sentences.iter().map(|r| r.len()).sum::<usize>(),
            document.tokens.len()
        );
        assert_eq!(document.sentences.len(), 3);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn spans_are_honest_on_any_text(text in "\\PC{0,200}") {
            let chars: Vec<char> = text.chars().collect();
            for m in extract(article(&text)).mentions {
                prop_assert_eq!(m.span.text, chars[m.span.start..m.span.end].iter().collect::<String>());
            }
        }
    }
}
