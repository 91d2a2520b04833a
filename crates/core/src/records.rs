//! Records of `SPEC.md` §3. Layers that later extractors add (mentions, statements,
//! events) get their types here when the extractor that fills them lands.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Date;

/// One dated news article as stored: the cleaned text every span points into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The id the input gave, or [`crate::content_id`] of the text.
    pub id: String,
    /// Publication date (the publisher's calendar date).
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Cleaned main text: boilerplate removed, paragraphs separated by a blank line.
    pub text: String,
    /// The outlet that published the article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// ISO 639-1 language code (`en`).
    pub lang: String,
    /// Id of the earlier article this one is a (near-)duplicate of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dup_of: Option<String>,
    /// Input fields the contract does not name, kept as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Map<String, Value>>,
}

impl Article {
    /// An article with only what every article has: id, date and text. The
    /// language is `und` (undetermined, which the pipeline tries as English); the
    /// other fields are empty.
    pub fn new(id: impl Into<String>, date: Date, text: impl Into<String>) -> Article {
        Article {
            id: id.into(),
            date,
            title: None,
            text: text.into(),
            source: None,
            url: None,
            lang: "und".into(),
            dup_of: None,
            meta: None,
        }
    }
}

/// A half-open range `[start, end)` of code points into an article's text, with the
/// text it covers (so a reader never has to re-slice to check it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A name in an article: a person, organisation or place (`PER`, `ORG`, `LOC`; the
/// contract also reserves `GPE`, `NORP`, `MISC`), linked to an actor once the actor
/// layer resolves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub article_id: String,
    pub span: Span,
    pub label: MentionLabel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    /// The actor's CAMEO code on the article date, as the dictionary or the text
    /// (a title, an apposition) gives it. An extension of the contract's `Mention`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// How a mention that does not name its actor was linked. An extension of the
    /// contract's `Mention`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_from: Option<ResolvedFrom>,
}

/// What a mention names; in JSON, the contract's upper-case label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MentionLabel {
    /// A person.
    Per,
    /// An organisation.
    Org,
    /// A country, city or region (a geopolitical entity).
    Gpe,
    /// A nationality or group ("Russian", "Afghans").
    Norp,
    /// A place that is not a polity (a river, a mountain).
    Loc,
    /// Any other name.
    Misc,
}

impl MentionLabel {
    pub const ALL: [MentionLabel; 6] = [
        MentionLabel::Per,
        MentionLabel::Org,
        MentionLabel::Gpe,
        MentionLabel::Norp,
        MentionLabel::Loc,
        MentionLabel::Misc,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MentionLabel::Per => "PER",
            MentionLabel::Org => "ORG",
            MentionLabel::Gpe => "GPE",
            MentionLabel::Norp => "NORP",
            MentionLabel::Loc => "LOC",
            MentionLabel::Misc => "MISC",
        }
    }

    /// The label named `text`; any other name (a recogniser's own label) is `Misc`.
    pub fn parse(text: &str) -> Option<MentionLabel> {
        MentionLabel::ALL.into_iter().find(|l| l.as_str() == text)
    }
}

/// How a mention that does not name its actor was linked to it; in JSON, the
/// snake-case name (`surname`, `known_surname`, `short_name`, `title`, `pronoun`,
/// `metonymy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolvedFrom {
    /// A bare surname of someone the article names in full.
    Surname,
    /// A bare surname of the one person earlier articles named so.
    KnownSurname,
    /// An organisation's acronym or short name.
    ShortName,
    /// "the president": the person the article gave that title.
    Title,
    /// he, she, his, her.
    Pronoun,
    /// A capital or seat standing for its government ("the Kremlin").
    Metonymy,
}

impl ResolvedFrom {
    pub const ALL: [ResolvedFrom; 6] = [
        ResolvedFrom::Surname,
        ResolvedFrom::KnownSurname,
        ResolvedFrom::ShortName,
        ResolvedFrom::Title,
        ResolvedFrom::Pronoun,
        ResolvedFrom::Metonymy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResolvedFrom::Surname => "surname",
            ResolvedFrom::KnownSurname => "known_surname",
            ResolvedFrom::ShortName => "short_name",
            ResolvedFrom::Title => "title",
            ResolvedFrom::Pronoun => "pronoun",
            ResolvedFrom::Metonymy => "metonymy",
        }
    }

    pub fn parse(text: &str) -> Option<ResolvedFrom> {
        ResolvedFrom::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Whether the mention's words are still a name of the actor (a surname, a short
    /// name), so that they count among its aliases.
    pub fn is_name(self) -> bool {
        matches!(
            self,
            ResolvedFrom::Surname | ResolvedFrom::KnownSurname | ResolvedFrom::ShortName
        )
    }
}

/// Someone or something that acts in the news: a person, organisation, country or
/// group, with every name it was seen under and its date-bounded CAMEO codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub name: String,
    /// `person`, `organization`, `country`, `group` or `unknown`.
    pub kind: String,
    pub aliases: Vec<String>,
    pub codes: Vec<ActorCode>,
}

impl Actor {
    /// The roles the dictionary gives the actor: undated facts about it, where a code
    /// an article gave lives on that article's mentions, which carry the date. What
    /// the actor registry keeps per actor.
    pub fn dictionary_codes(&self) -> Vec<&ActorCode> {
        self.codes
            .iter()
            .filter(|c| c.origin.is_dictionary())
            .collect()
    }
}

/// A CAMEO code held `from` (inclusive) `to` (exclusive); an open end is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorCode {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Date>,
    /// Where the code comes from; absent in JSON for a dictionary role. An extension
    /// of the contract's `codes`.
    #[serde(default, skip_serializing_if = "CodeOrigin::is_dictionary")]
    pub origin: CodeOrigin,
}

/// Where an actor's code comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeOrigin {
    /// A role in the actor dictionaries, dated by them.
    #[default]
    Dictionary,
    /// A title or apposition in the articles, dated by the articles that gave it.
    Text,
    /// What earlier-dated articles said (`knowledge`), for an article that gave none.
    EarlierArticle,
}

impl CodeOrigin {
    pub fn is_dictionary(&self) -> bool {
        *self == CodeOrigin::Dictionary
    }
}

/// Words attributed to someone in an article: a quote, reported speech, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// `{article_id}:{content start}`, stable for the same article text.
    pub id: String,
    pub article_id: String,
    /// The article's date.
    pub date: Date,
    /// The day the text says the words were said on, when it says one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub said_on: Option<Date>,
    /// `direct` (in quotation marks), `indirect` (reported) or `mixed` (reported with
    /// a quoted fragment).
    pub kind: String,
    pub speaker: Speaker,
    /// The attribution's verb or phrase ("said", "according to"); for a quote that
    /// continues an earlier one without its own, the earlier one's.
    pub cue: Span,
    /// The words: inside the quotation marks, or the reported clause.
    pub content: Span,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Via>,
    /// Actors the content mentions.
    pub about: Vec<String>,
    /// The sentence or sentences that carry the statement and its attribution.
    pub evidence: Span,
}

/// Who a statement is attributed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// Where the attribution names or refers to the speaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    /// How the span refers to the speaker when it does not name them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_from: Option<ResolvedFrom>,
    pub anonymous: bool,
    /// For an anonymous source, how the text describes it ("an unnamed official").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The outlet that relayed a statement ("told the Harbour Ledger").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Via {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
}

/// Who did what to whom: one CAMEO-coded event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `{article_id}:{verb start}:{n}`, stable for the same article text.
    pub id: String,
    pub article_id: String,
    /// The article's date.
    pub date: Date,
    /// The day the text gives for the event, else the article's date.
    pub event_date: Date,
    /// CAMEO event code with its leading zeros ("036", "0311").
    pub code: String,
    /// Its first two digits ("03").
    pub root: String,
    /// 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material
    /// conflict.
    pub quad_class: u8,
    pub goldstein: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plover: Option<String>,
    pub source: EventActor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<EventActor>,
    /// "did not", "refused to" (where the code is not already a refusal).
    pub negated: bool,
    /// Could, may, would, if: said as possible, not done.
    pub hypothetical: bool,
    /// Spans that condition it ("if there are specific, good ideas").
    #[serde(default)]
    pub conditions: Vec<Span>,
    /// The statement that reports it, when the event is someone's claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_by: Option<String>,
    /// The verb and its phrase, in its sentence.
    pub evidence: Span,
    /// How sure the coder is, 0–1.
    pub confidence: f32,
}

/// One side of an event: the actor, its CAMEO code on the day, and the words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventActor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    pub code: String,
    pub span: Span,
}

/// Where an actor stands on a topic toward a counterpart, as one piece of evidence
/// shows it. Derived at query time from the statements and events of the window
/// (see `dateline-timeline`), never stored, so it cannot outlive what it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stance {
    pub actor_id: String,
    /// `negotiation` or `relations`.
    pub topic: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_actor_id: Option<String>,
    /// −1 against (refuses), 0 conditional or undecided, +1 for (open to it).
    pub polarity: i8,
    /// When the evidence says it happened.
    pub date: Date,
    /// Ids of the events and statements it rests on.
    pub evidence: Vec<String>,
    #[serde(default)]
    pub conditions: Vec<Span>,
}

/// What `dateline extract` prints for one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub article: Article,
    pub mentions: Vec<Mention>,
    /// The actors the mentions link to, as this article shows them: names seen here,
    /// codes from the dictionaries or from the article's own titles.
    #[serde(default)]
    pub actors: Vec<Actor>,
    pub statements: Vec<Statement>,
    #[serde(default)]
    pub events: Vec<Event>,
}
