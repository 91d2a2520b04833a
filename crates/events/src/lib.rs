//! Events: who did what to whom, coded in CAMEO over our own dependency parse.
//!
//! # Design
//!
//! * **The dictionary decides the code, the parse decides the actors.** A verb found
//!   in the CAMEO verb dictionary (by lemma, with its particles for multi-word
//!   verbs) opens its block; the block's patterns are matched, in order, over the
//!   words of the verb's own phrase (its subtree without subjects, other clauses or
//!   coordinated verbs) and over the sentence before the verb; the most specific
//!   matching pattern (most words; of equals, the later in the file, which the
//!   dictionaries use to override) gives the code, else the verb's own code, else
//!   the block's. `---` means no event. A verb and its complement ("wants to
//!   attack") are one event: the head's when its pattern read the complement, else
//!   the complement's, recoded where PETRARCH-2's ontology combines the two
//!   ("pledged to aid" is 033; a refusal, "ruled out talking", is a 12x by what is
//!   refused, not a negated talk).
//! * **When the parse fails** (it often makes "Veldora attacked Haldmere" a noun
//!   phrase), the nearest coded actor before the verb, and after it, with no other
//!   verb between, stand in for subject and object.
//! * **Source** is the subject (in the passive, the `by` agent); **target** is the
//!   actor a pattern's `+` slot took, else the object, else the first actor in a
//!   prepositional phrase of the verb. Coordinated actors ("Arnor and Gondor") give
//!   one event each. A relative pronoun stands for the noun its clause modifies, and
//!   a participle modifying a noun has that noun as doer (or, passive, done-to). An
//!   actor is a mention the actor layer coded; failing that, a phrase the country of
//!   its modifiers tells ("Israeli aircraft": the actor layer rightly leaves "Russian
//!   oil" uncoded, but a doer is an actor), or a role of the state or of those who
//!   fight it ("police", "rebels") of the country the text around it names. An
//!   uncoded name is no actor, so an event needs a coded source. A place is an
//!   actor only as the target of a visit or of force ("arrived in Gondor",
//!   "shelled …", "the shelling of Homs").
//! * **Qualifiers**: `negated` for "not", "never"; `hypothetical` for could, may,
//!   might, would, should, an "if" clause and "willing/ready/expected to". Events
//!   stay in the output with their flags: a reader decides what "did not attack"
//!   means for them. A question ("Is Veldora delaying the talks?") reports nothing
//!   and gives no event.
//! * **What the dictionary leaves open, a learned layer codes** (`learned`, trained on
//!   the real-news gold): a verb or event noun in a sentence naming an actor, with a
//!   source from the parse, gets the root the proposer gives it when that beats "no
//!   event" by the threshold chosen on dev. Only with the shipped verb dictionary.
//! * **Reported events**: an event inside a statement's content is that statement's
//!   claim (`reported_by`).
//!
//! # Invariants
//!
//! Pure (document in, records out). Each verb looks at its own phrase and sentence;
//! only a role with no country looks further, at the mentions before it. Ids are stable for the same text. Every event has a
//! coded source; an empty learned layer leaves the dictionary coder's output as is.

mod coder;
mod learned;

use std::collections::BTreeMap;

use dateline_cameo::pico::{Ontology, read_ontology};
use dateline_cameo::verbs::VerbDictionary;
use serde::{Deserialize, Serialize};

pub use coder::Lookups;
pub use dateline_cameo::codes::{
    goldstein, parse_code, parse_root, quad_class, read_plover, root, root_name,
};
pub use learned::{CLASSES, Candidates, Layer, Open, code_key};

/// What the coder knows: the verb dictionary, the CAMEO→PLOVER table and the
/// coding ontology that combines a verb with the verb it governs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventModel {
    pub verbs: VerbDictionary,
    pub plover: BTreeMap<String, String>,
    #[serde(default)]
    pub ontology: Ontology,
    /// Whether the shipped learned layer applies: it was trained over this verb
    /// dictionary's proposals, so a model with another one goes without it.
    #[serde(skip, default = "learned_layer_applies")]
    pub learned: bool,
}

fn learned_layer_applies() -> bool {
    true
}

impl EventModel {
    /// Compiles the model from the text of a verb dictionary, the PLOVER table and
    /// the coding ontology; problems come back as `file:line: what`.
    pub fn compile(
        verbs: &str,
        plover: Option<&str>,
        ontology: Option<&str>,
    ) -> (EventModel, Vec<String>) {
        let mut problems = Vec::new();
        let verbs = dateline_cameo::verbs::read_verbs(verbs, |line, what| {
            problems.push(format!("verbs:{line}: {what}"))
        });
        let plover = plover.map_or_else(BTreeMap::new, |text| {
            read_plover(text, |line, what| {
                problems.push(format!("plover:{line}: {what}"))
            })
        });
        let ontology = ontology.map_or_else(Ontology::default, |text| {
            read_ontology(text, |line, what| {
                problems.push(format!("ontology:{line}: {what}"))
            })
        });
        (
            EventModel {
                verbs,
                plover,
                ontology,
                learned: true,
            },
            problems,
        )
    }

    /// The compiled form (`data/models/events.json`).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a model serialises")
    }

    pub fn load(bytes: &[u8]) -> Result<EventModel, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("event model: {e}"))
    }

    /// This model with another verb dictionary (the validation suites' own).
    pub fn with_verbs(&self, verbs: &str) -> (EventModel, Vec<String>) {
        let (mut model, problems) = EventModel::compile(verbs, None, None);
        model.plover = self.plover.clone();
        model.ontology = self.ontology.clone();
        model.learned = false;
        (model, problems)
    }
}

/// The events of a document whose mentions the actor layer linked and coded: the
/// coder's, and those the learned layer proposes where the dictionary had none.
pub fn events(
    document: &dateline_core::Document,
    statements: &[dateline_core::Statement],
    model: &EventModel,
    lookups: Lookups,
) -> Vec<dateline_core::Event> {
    let empty = Layer::default();
    let layer = if model.learned {
        learned::shipped()
    } else {
        &empty
    };
    let coder = coder::Coder::new(document, model, lookups);
    let found = candidates_of(&coder, document, statements, model, model.learned);
    let mut out = found.coded;
    for open in &found.open {
        if let Some(code) = layer.proposes(open) {
            coder.propose(open.token, &code, statements, &mut out);
        }
    }
    out
}

/// Every event the coder codes and every token it left open, with the features the
/// learned layer decides on: what `dateline train event-layer` learns from.
pub fn candidates(
    document: &dateline_core::Document,
    statements: &[dateline_core::Statement],
    model: &EventModel,
    lookups: Lookups,
) -> Candidates {
    let coder = coder::Coder::new(document, model, lookups);
    candidates_of(&coder, document, statements, model, true)
}

/// The coder's events and, when `with_open` (a layer will read them), the open
/// tokens with their features.
fn candidates_of(
    coder: &coder::Coder,
    document: &dateline_core::Document,
    statements: &[dateline_core::Statement],
    model: &EventModel,
    with_open: bool,
) -> Candidates {
    let (coded, settled) = coder::coded_events(coder, statements);
    let actor_sentences = coder.sentences_with_actors();
    let open = (0..document.tokens.len())
        .filter(|_| with_open)
        .filter(|&i| !settled[i] && coder.is_open(i, &actor_sentences))
        .filter_map(|i| {
            let (sources, targets) = coder.open_dyad(i);
            Some(Open {
                token: i,
                start: document.char_offset(document.tokens[i].start)?,
                has_source: !sources.is_empty(),
                lemma: document.tokens[i].lemma.to_lowercase(),
                features: learned::open_features(document, model, i, (&sources, &targets)),
            })
        })
        .collect();
    let coded = coded.into_iter().map(|(_, event)| event).collect();
    Candidates { coded, open }
}

/// The shipped model, compiled in; `dateline train events` rebuilds it.
pub fn shipped() -> &'static EventModel {
    static MODEL: std::sync::OnceLock<EventModel> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        EventModel::load(include_bytes!("../../../data/models/events.json"))
            .expect("the shipped event model loads")
    })
}
