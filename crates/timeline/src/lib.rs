//! Timelines, stance and corroboration: what a reader of the record wants to see
//! about one actor or one pair, derived from statements and events.
//!
//! # Design
//!
//! * **Pure and derived at query time.** Input is the statements and events a
//!   query admitted (already bounded by its date window) plus what is known of their
//!   articles; output is a [`Timeline`]. Nothing here is stored, so a stance, a shift
//!   or a count of outlets can only rest on records the window let through: the
//!   as-of guarantee holds for derived data by construction.
//! * **Stance from codes, not from words.** A [`Stance`] comes from an event whose
//!   CAMEO code says where its source stands on a topic ([`TOPICS`]): for
//!   `negotiation`, intent to cooperate or to meet (03x) and consultations (04x) are
//!   +1, demands (10x) are 0 (a position with terms attached), rejections (12x) −1;
//!   an offer with conditions attached is 0 and a negated offer −1. `relations` is the sign of the Goldstein
//!   value. Statements reach stance two ways: through the events coded from them
//!   (an event's `reported_by` joins the evidence), and, for `negotiation`, from
//!   their own words ([`statement_stance`]: a negation before a word for talks is a
//!   refusal, terms make it conditional, "ready to" is an offer).
//! * **Shifts** are changes of polarity between consecutive stances of one actor on
//!   one topic, in the order things happened. Stances toward two different named
//!   counterparts are not compared (open to one, refusing another is no shift); a
//!   stance with no named counterpart compares with the one before it.
//! * **Corroboration** counts independent outlets: reports of the same event (same
//!   actors, code, day and negation) or the same statement (same speaker, same
//!   opening words) are one [`Entry`]; near-duplicate articles (one `dup_of` group)
//!   count once, under the outlet of the group's first report.
//!
//! # Invariants
//!
//! * Entries are in the order things happened (the day the text gives, then the
//!   article date, originals before copies, article id and position), and each is
//!   the earliest report of its group.
//! * The first stance of an actor on a topic is never a shift.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use dateline_core::{Date, Event, Span, Stance, Statement};
use serde::Serialize;

/// The topics stance is derived for.
pub const TOPICS: [&str; 2] = ["negotiation", "relations"];

/// What the timeline needs to know about an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleInfo {
    pub id: String,
    pub date: Date,
    pub title: Option<String>,
    /// The outlet that published it.
    pub source: Option<String>,
    /// The first copy of its near-duplicate group, if it is a copy.
    pub dup_of: Option<String>,
}

/// A statement or an event, as a query returned it.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Statement(Statement),
    Event(Event),
}

/// An actor as the timeline names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub id: String,
    pub name: String,
}

/// One dated line of a timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// When it happened or was said, as the text gives it (else the article date).
    pub date: Date,
    pub article_date: Date,
    pub article_id: String,
    pub title: Option<String>,
    pub source: Option<String>,
    /// `statement` or `event`.
    pub kind: &'static str,
    /// The statement's or the event's id.
    pub id: String,
    /// One line for a reader: who, what, to whom.
    pub summary: String,
    pub evidence: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goldstein: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quad_class: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hypothetical: Option<bool>,
    pub conditions: Vec<Span>,
    /// Independent outlets that reported it.
    pub outlets: usize,
    /// Every article that reported it, this entry's first.
    pub reports: Vec<String>,
    /// Where the event puts its source, when its code bears on a topic.
    pub stance: Option<EntryStance>,
}

/// The stance an entry expresses, and whether it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryStance {
    pub topic: &'static str,
    pub actor_id: String,
    pub target_actor_id: Option<String>,
    pub polarity: i8,
    /// The previous stance of the same actor on the topic toward the same
    /// counterpart had another polarity.
    pub shift: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<i8>,
}

/// A timeline: its entries in order and the stances they carry.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Timeline {
    pub entries: Vec<Entry>,
    pub stances: Vec<Stance>,
}

/// Builds the timeline of `records`, keeping only those on `topic` when one is
/// given. `articles` must know every record's article; a record whose article it
/// does not know is left out (it cannot be dated or attributed).
pub fn build(
    records: Vec<Record>,
    articles: &HashMap<String, ArticleInfo>,
    topic: Option<&str>,
) -> Timeline {
    let mut dated: Vec<(Record, &ArticleInfo)> = records
        .into_iter()
        .filter(|r| topic.is_none_or(|t| on_topic(r, t)))
        .filter_map(|r| {
            let article = articles.get(article_id(&r))?;
            Some((r, article))
        })
        .collect();
    dated.sort_by(|(a, ia), (b, ib)| {
        (
            happened(a),
            ia.date,
            ia.dup_of.is_some(),
            ia.id.as_str(),
            start(a),
        )
            .cmp(&(
                happened(b),
                ib.date,
                ib.dup_of.is_some(),
                ib.id.as_str(),
                start(b),
            ))
    });
    dated.dedup_by(|(a, _), (b, _)| record_id(a) == record_id(b));

    // Corroboration: the earliest report of each group is the entry.
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    let mut members: Vec<Vec<&ArticleInfo>> = Vec::new();
    let mut firsts: Vec<(Record, &ArticleInfo)> = Vec::new();
    for (record, article) in dated {
        let key = report_key(&record);
        match groups.get(&key) {
            Some(&g) => members[g].push(article),
            None => {
                groups.insert(key, firsts.len());
                members.push(vec![article]);
                firsts.push((record, article));
            }
        }
    }

    let mut timeline = Timeline::default();
    // Stances so far per actor and topic: counterpart and polarity, in order.
    type Earlier = Vec<(Option<String>, i8)>;
    let mut history: HashMap<(String, &'static str), Earlier> = HashMap::new();
    for ((record, article), reports) in firsts.into_iter().zip(members) {
        let mut entry = entry(&record, article, &reports);
        for t in TOPICS {
            if topic.is_some_and(|wanted| wanted != t) {
                continue;
            }
            let Some(stance) = record_stance(&record, t) else {
                continue;
            };
            let earlier = history.entry((stance.actor_id.clone(), t)).or_default();
            let target = &stance.target_actor_id;
            let previous = earlier
                .iter()
                .rev()
                .find(|(other, _)| other.is_none() || target.is_none() || other == target)
                .map(|(_, p)| *p);
            earlier.push((target.clone(), stance.polarity));
            // The entry carries the most specific topic its record bears on.
            if entry.stance.is_none() {
                entry.stance = Some(EntryStance {
                    topic: t,
                    actor_id: stance.actor_id.clone(),
                    target_actor_id: stance.target_actor_id.clone(),
                    polarity: stance.polarity,
                    shift: previous.is_some_and(|p| p != stance.polarity),
                    previous,
                });
            }
            timeline.stances.push(stance);
        }
        timeline.entries.push(entry);
    }
    timeline
}

/// The stance a record shows on `topic`, if it shows one.
fn record_stance(record: &Record, topic: &str) -> Option<Stance> {
    match record {
        Record::Event(event) => {
            let polarity = event_stance(event, topic)?;
            let mut evidence = vec![event.id.clone()];
            evidence.extend(event.reported_by.clone());
            let actor_id = party_id(&event.source);
            // Bodies of one actor acting on each other ("Veldoran guards" and
            // Veldora) are no counterpart.
            let target_actor_id = event
                .target
                .as_ref()
                .map(party_id)
                .filter(|t| *t != actor_id);
            Some(Stance {
                actor_id,
                topic: topic.to_string(),
                target_actor_id,
                polarity,
                date: event.event_date,
                evidence,
                conditions: event.conditions.clone(),
            })
        }
        Record::Statement(s) => {
            let polarity = statement_stance(s, topic)?;
            Some(Stance {
                actor_id: speaker_id(s),
                topic: topic.to_string(),
                target_actor_id: s
                    .about
                    .iter()
                    .find(|a| Some(*a) != s.speaker.actor_id.as_ref())
                    .cloned(),
                polarity,
                date: s.said_on.unwrap_or(s.date),
                evidence: vec![s.id.clone()],
                conditions: Vec::new(),
            })
        }
    }
}

/// Where a statement's words put its speaker on negotiation: a negation close
/// before a word for talks is a refusal (−1), unless the words also set terms
/// ("on condition", "first they leave"), which makes it conditional (0); terms
/// alone are conditional too, and an offer ("ready to", "willing to") is +1. Words
/// that name talks without taking a side give no stance. Only `negotiation` is
/// read from words; `relations` needs an event.
pub fn statement_stance(statement: &Statement, topic: &str) -> Option<i8> {
    if topic != "negotiation" {
        return None;
    }
    let text = statement.content.text.to_lowercase().replace('’', "'");
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let talk_at: Vec<usize> = (0..words.len())
        .filter(|&i| {
            NEGOTIATION_WORDS.iter().any(|w| words[i].starts_with(w))
                || (matches!(words[i], "sit" | "sits" | "sat") && words.get(i + 1) == Some(&"down"))
        })
        .collect();
    if talk_at.is_empty() {
        return None;
    }
    let refusal = talk_at.iter().any(|&i| {
        words[i.saturating_sub(5)..i].iter().any(|w| {
            NEGATIONS.contains(w)
                || w.ends_with("n't")
                || w.starts_with("refus")
                || w.starts_with("reject")
        })
    });
    let terms = CONDITIONS.iter().any(|c| {
        let c: Vec<&str> = c.split(' ').collect();
        words.windows(c.len()).any(|w| w == c.as_slice())
    });
    let offer = OFFERS.iter().any(|o| {
        let o: Vec<&str> = o.split(' ').collect();
        words.windows(o.len()).any(|w| w == o.as_slice())
    });
    match (refusal, terms, offer) {
        (_, true, _) => Some(0),
        (true, false, _) => Some(-1),
        (false, false, true) => Some(1),
        _ => None,
    }
}

const NEGATIONS: [&str; 6] = ["no", "not", "never", "cannot", "nor", "without"];

/// Phrases that set terms for talks.
const CONDITIONS: [&str; 10] = [
    "on condition",
    "provided",
    "as long as",
    "only if",
    "only when",
    "if",
    "unless",
    "once",
    "first they",
    "until",
];

/// Phrases that offer talks.
const OFFERS: [&str; 9] = [
    "ready to",
    "willing to",
    "prepared to",
    "open to",
    "will sit down",
    "welcome",
    "agree to",
    "agreed to",
    "invite",
];

/// Where an event puts its source on `topic`, if its code bears on it.
pub fn event_stance(event: &Event, topic: &str) -> Option<i8> {
    match topic {
        "negotiation" => {
            // The reading of CAMEO for negotiations: intent to cooperate or
            // to meet (03x, 036) and consultations (04x) are offers, demands (10x)
            // set terms, rejections (12x) refuse.
            let offer = matches!(event.root.as_str(), "03" | "04");
            let demand = event.root == "10";
            let refusal = event.root == "12";
            if offer {
                Some(if event.negated {
                    -1
                } else if event.conditions.is_empty() {
                    1
                } else {
                    0
                })
            } else if demand {
                Some(0)
            } else if refusal {
                Some(if event.negated { 0 } else { -1 })
            } else {
                None
            }
        }
        "relations" => Some(if event.negated || event.goldstein == 0.0 {
            0
        } else if event.goldstein > 0.0 {
            1
        } else {
            -1
        }),
        _ => None,
    }
}

/// Whether a record bears on `topic`: an event by its code, a statement by its
/// words (talks, negotiations, a meeting …) for `negotiation`; everything bears on
/// `relations`. Unknown topics match nothing.
pub fn on_topic(record: &Record, topic: &str) -> bool {
    match (record, topic) {
        (_, "relations") => true,
        (Record::Event(e), t) => event_stance(e, t).is_some(),
        (Record::Statement(s), "negotiation") => {
            let words = s.content.text.to_lowercase();
            NEGOTIATION_WORDS.iter().any(|w| words.contains(w)) || words.contains("sit down")
        }
        _ => false,
    }
}

/// Word stems that put a statement on the negotiation topic.
const NEGOTIATION_WORDS: [&str; 9] = [
    "talk",
    "negotiat",
    "dialogue",
    "ceasefire",
    "truce",
    "summit",
    "mediat",
    "meet",
    "peace",
];

fn entry(record: &Record, article: &ArticleInfo, reports: &[&ArticleInfo]) -> Entry {
    let common = |kind, id: &str, summary, evidence: &Span| Entry {
        date: happened(record),
        article_date: article.date,
        article_id: article.id.clone(),
        title: article.title.clone(),
        source: article.source.clone(),
        kind,
        id: id.to_string(),
        summary,
        evidence: evidence.clone(),
        code: None,
        goldstein: None,
        quad_class: None,
        negated: None,
        hypothetical: None,
        conditions: Vec::new(),
        outlets: independent_outlets(reports),
        reports: reports.iter().map(|a| a.id.clone()).collect(),
        stance: None,
    };
    match record {
        Record::Statement(s) => common(
            "statement",
            &s.id,
            format!("{}: “{}”", s.speaker.name, clip(&s.content.text, 160)),
            &s.evidence,
        ),
        Record::Event(e) => {
            let what = dateline_cameo::codes::root_name(&e.root).unwrap_or("act");
            let mut summary = format!(
                "{} {}{} ({})",
                e.source.span.text,
                if e.negated { "did not " } else { "" },
                what,
                e.code
            );
            if let Some(target) = &e.target {
                summary.push_str(&format!(" → {}", target.span.text));
            }
            if e.hypothetical {
                summary.push_str(" [possible]");
            }
            Entry {
                code: Some(e.code.clone()),
                goldstein: Some(e.goldstein),
                quad_class: Some(e.quad_class),
                negated: Some(e.negated),
                hypothetical: Some(e.hypothetical),
                conditions: e.conditions.clone(),
                ..common("event", &e.id, summary, &e.evidence)
            }
        }
    }
}

/// Distinct outlets among the reports, near-duplicate copies counted once under
/// the outlet of their group's first report.
fn independent_outlets(reports: &[&ArticleInfo]) -> usize {
    let mut by_group: BTreeMap<&str, String> = BTreeMap::new();
    for a in reports {
        let group = a.dup_of.as_deref().unwrap_or(&a.id);
        by_group.entry(group).or_insert_with(|| {
            a.source
                .as_deref()
                .map_or_else(|| format!("article:{group}"), str::to_lowercase)
        });
    }
    by_group.into_values().collect::<BTreeSet<_>>().len()
}

/// Reports of the same thing share this key.
fn report_key(record: &Record) -> String {
    match record {
        Record::Event(e) => format!(
            "e|{}|{}|{}|{}|{}",
            party_id(&e.source),
            e.target.as_ref().map(party_id).unwrap_or_default(),
            e.code,
            e.event_date,
            e.negated
        ),
        Record::Statement(s) => {
            let speaker = speaker_id(s);
            let opening: Vec<String> = s
                .content
                .text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .take(10)
                .map(str::to_lowercase)
                .collect();
            format!("s|{speaker}|{}", opening.join(" "))
        }
    }
}

/// A speaker's actor id, or the name as said when no actor was linked.
fn speaker_id(s: &Statement) -> String {
    s.speaker
        .actor_id
        .clone()
        .unwrap_or_else(|| s.speaker.name.to_lowercase())
}

/// An event side's actor id, or its code when no actor was linked.
fn party_id(side: &dateline_core::EventActor) -> String {
    side.actor_id.clone().unwrap_or_else(|| side.code.clone())
}

fn happened(record: &Record) -> Date {
    match record {
        Record::Statement(s) => s.said_on.unwrap_or(s.date),
        Record::Event(e) => e.event_date,
    }
}

fn start(record: &Record) -> usize {
    match record {
        Record::Statement(s) => s.content.start,
        Record::Event(e) => e.evidence.start,
    }
}

fn article_id(record: &Record) -> &str {
    match record {
        Record::Statement(s) => &s.article_id,
        Record::Event(e) => &e.article_id,
    }
}

fn record_id(record: &Record) -> &str {
    match record {
        Record::Statement(s) => &s.id,
        Record::Event(e) => &e.id,
    }
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
