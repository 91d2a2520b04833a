//! What was known about people on a given day, from the articles dated on or before
//! it.
//!
//! An article often names a person without saying who they are ("Ilena Marsk said
//! …"), though an earlier article gave their title ("President Ilena Marsk"), or
//! names them by surname alone. The actor layer asks a [`KnowledgeAsOf`] (the
//! knowledge as of the article's date) what earlier articles said.
//!
//! # Design
//!
//! * **Facts are what one article says by itself.** A [`PersonFact`] is computed from
//!   its article alone, never from knowledge, so facts do not depend on each other
//!   and the knowledge of a day is a pure function of the set of articles dated on or
//!   before it: any ingest order gives the same answers.
//! * **Only people the dictionaries do not know.** A dictionary person has dated
//!   roles already; what earlier articles add is the code, gender and titles of the
//!   people the dictionaries never listed.
//! * **Answers are hashed where they are asked.** [`KnowledgeAsOf`] records each
//!   question an article asked ([`Question`]) and a hash of the answer, so when a late
//!   article adds facts, the store re-annotates only the later articles whose answer
//!   changes.
//!
//! # Invariants
//!
//! * An answer as of day D reads only facts dated on or before D.
//! * Answers are independent of the order facts were added in (ties are broken on
//!   the facts' content, never on arrival).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::Date;

/// A person's gender as the text gives it (an honorific, a gendered title, a
/// given name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    pub fn parse(s: &str) -> Option<Gender> {
        match s {
            "male" => Some(Gender::Male),
            "female" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// What one article, by itself, says about a person the dictionaries do not know:
/// that they exist under this name, and the code, gender and titles it gives them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PersonFact {
    /// The person's id (a name key, `core::key::name_key`).
    pub actor_id: String,
    /// The name as the article wrote it in full.
    pub name: String,
    /// Name key of the last word of the name, for a later bare surname.
    pub surname: String,
    /// The CAMEO code a title or apposition gave.
    pub code: Option<String>,
    pub gender: Option<Gender>,
    /// Heads of the titles given ("president"), sorted.
    pub titles: Vec<String>,
}

/// A fact with the date of the article that states it; in JSON, the fact's fields
/// and `date` side by side.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DatedFact {
    pub date: Date,
    #[serde(flatten)]
    pub fact: PersonFact,
}

/// What an article can ask the knowledge.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Question {
    /// Who is the person with this id?
    Person(String),
    /// Who is the one known person with this surname key?
    Surname(String),
}

impl Question {
    /// The question as one string (`p:<id>`, `s:<surname>`), as the store keeps it.
    pub fn key(&self) -> String {
        match self {
            Question::Person(id) => format!("p:{id}"),
            Question::Surname(surname) => format!("s:{surname}"),
        }
    }

    /// The question a [`key`](Question::key) names; `None` for a string no key is
    /// (a distributed run hands questions over as their keys).
    pub fn from_key(key: &str) -> Option<Question> {
        if let Some(id) = key.strip_prefix("p:") {
            Some(Question::Person(id.to_string()))
        } else {
            key.strip_prefix("s:")
                .map(|surname| Question::Surname(surname.to_string()))
        }
    }

    /// The questions a fact bears on.
    pub fn about(fact: &PersonFact) -> [Question; 2] {
        [
            Question::Person(fact.actor_id.clone()),
            Question::Surname(fact.surname.clone()),
        ]
    }
}

/// What was known about one person on a day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Known {
    pub actor_id: String,
    /// The name the person was first given in full.
    pub name: String,
    /// The latest code given.
    pub code: Option<String>,
    /// The latest gender given.
    pub gender: Option<Gender>,
    /// Every title given.
    pub titles: BTreeSet<String>,
}

/// How far back a bare surname reaches: a surname is a person named in an article of
/// the last two years, not someone of that name a decade ago.
pub const SURNAME_REACH_DAYS: i32 = 730;

/// Facts from many articles, indexed for questions as of any day.
#[derive(Debug, Clone, Default)]
pub struct Knowledge {
    /// Sorted by date, then content: the order questions are answered in.
    facts: Vec<DatedFact>,
    by_person: HashMap<String, Vec<usize>>,
    by_surname: HashMap<String, Vec<usize>>,
}

impl Knowledge {
    pub fn new(facts: impl IntoIterator<Item = DatedFact>) -> Knowledge {
        let mut facts: Vec<DatedFact> = facts.into_iter().collect();
        facts.sort();
        let mut by_person: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_surname: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in facts.iter().enumerate() {
            by_person
                .entry(f.fact.actor_id.clone())
                .or_default()
                .push(i);
            if !f.fact.surname.is_empty() {
                by_surname
                    .entry(f.fact.surname.clone())
                    .or_default()
                    .push(i);
            }
        }
        Knowledge {
            facts,
            by_person,
            by_surname,
        }
    }

    /// The knowledge as of `date`, recording what is asked.
    pub fn as_of(&self, date: Date) -> KnowledgeAsOf<'_> {
        KnowledgeAsOf {
            knowledge: self,
            date,
            asked: RefCell::new(BTreeMap::new()),
        }
    }

    /// What was known on `date` about the person `id`.
    pub fn person(&self, id: &str, date: Date) -> Option<Known> {
        let facts: Vec<&DatedFact> = self
            .by_person
            .get(id)?
            .iter()
            .map(|&i| &self.facts[i])
            .filter(|f| f.date <= date)
            .collect();
        let first = facts.first()?;
        let name = facts
            .iter()
            .filter(|f| f.date == first.date)
            .map(|f| f.fact.name.as_str())
            .min()?
            .to_string();
        Some(Known {
            actor_id: id.to_string(),
            name,
            code: latest(&facts, |f| f.code.clone()),
            gender: latest(&facts, |f| f.gender),
            titles: facts
                .iter()
                .flat_map(|f| f.fact.titles.iter().cloned())
                .collect(),
        })
    }

    /// The ids of the people with this surname named in the [`SURNAME_REACH_DAYS`]
    /// up to `date`.
    pub fn surname(&self, surname: &str, date: Date) -> BTreeSet<String> {
        let since = date
            .checked_sub(jiff::Span::new().days(SURNAME_REACH_DAYS))
            .unwrap_or(Date::MIN);
        self.by_surname
            .get(surname)
            .into_iter()
            .flatten()
            .map(|&i| &self.facts[i])
            .filter(|f| since <= f.date && f.date <= date)
            .map(|f| f.fact.actor_id.clone())
            .collect()
    }

    /// The hash of the answer to `question` on `date`: equal hashes, equal answers.
    pub fn answer_hash(&self, question: &Question, date: Date) -> i64 {
        let answer = match question {
            Question::Person(id) => match self.person(id, date) {
                None => String::new(),
                Some(k) => format!(
                    "{}\u{1f}{}\u{1f}{}\u{1f}{}",
                    k.name,
                    k.code.unwrap_or_default(),
                    k.gender.map_or("", Gender::as_str),
                    k.titles.into_iter().collect::<Vec<_>>().join(",")
                ),
            },
            Question::Surname(s) => self
                .surname(s, date)
                .into_iter()
                .collect::<Vec<_>>()
                .join("\u{1f}"),
        };
        crate::content_hash(&answer)
    }
}

/// The value the latest facts give, the commonest on that day, ties to the smallest.
fn latest<T: Ord + Clone>(
    facts: &[&DatedFact],
    value: impl Fn(&PersonFact) -> Option<T>,
) -> Option<T> {
    let day = facts.iter().rev().find(|f| value(&f.fact).is_some())?.date;
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for f in facts.iter().filter(|f| f.date == day) {
        if let Some(v) = value(&f.fact) {
            *counts.entry(v).or_default() += 1;
        }
    }
    // max_by_key keeps the last of equal maxima; iterate largest value first so the
    // smallest wins a tie.
    counts
        .into_iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map(|(v, _)| v)
}

/// The knowledge as of one article's date, recording each question the article asks
/// and a hash of the answer it got (see [`KnowledgeAsOf::asked`]).
#[derive(Debug)]
pub struct KnowledgeAsOf<'a> {
    knowledge: &'a Knowledge,
    date: Date,
    asked: RefCell<BTreeMap<Question, i64>>,
}

/// No knowledge: what an article alone says.
static NOTHING: std::sync::LazyLock<Knowledge> = std::sync::LazyLock::new(Knowledge::default);

impl KnowledgeAsOf<'static> {
    /// Knowing nothing beyond the article (still recording what it asks).
    pub fn nothing(date: Date) -> Self {
        NOTHING.as_of(date)
    }
}

impl KnowledgeAsOf<'_> {
    /// What was known about the person `id`.
    pub fn person(&self, id: &str) -> Option<Known> {
        let question = Question::Person(id.to_string());
        self.record(&question);
        self.knowledge.person(id, self.date)
    }

    /// The one person recently known by this surname key; none when no one or
    /// several people are.
    pub fn surname(&self, surname: &str) -> Option<Known> {
        let question = Question::Surname(surname.to_string());
        self.record(&question);
        let ids = self.knowledge.surname(surname, self.date);
        match ids.len() {
            1 => self.person(ids.first()?),
            _ => None,
        }
    }

    fn record(&self, question: &Question) {
        let mut asked = self.asked.borrow_mut();
        if !asked.contains_key(question) {
            let hash = self.knowledge.answer_hash(question, self.date);
            asked.insert(question.clone(), hash);
        }
    }

    /// Every question asked so far, with the hash of its answer.
    pub fn asked(&self) -> Vec<(Question, i64)> {
        self.asked
            .borrow()
            .iter()
            .map(|(q, h)| (q.clone(), *h))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(date: &str, id: &str, code: Option<&str>) -> DatedFact {
        DatedFact {
            date: date.parse().unwrap(),
            fact: PersonFact {
                actor_id: id.into(),
                name: id.replace('-', " "),
                surname: id.rsplit('-').next().unwrap().into(),
                code: code.map(str::to_string),
                gender: None,
                titles: Vec::new(),
            },
        }
    }

    #[test]
    fn a_question_comes_back_from_its_key() {
        for q in [
            Question::Person("ilena-marsk".into()),
            Question::Surname("marsk".into()),
            Question::Person(String::new()),
            Question::Surname("s:p:".into()),
        ] {
            assert_eq!(Question::from_key(&q.key()), Some(q));
        }
        for not_a_key in ["", "p", "x:marsk", "marsk", "P:marsk"] {
            assert_eq!(Question::from_key(not_a_key), None, "{not_a_key:?}");
        }
    }

    #[test]
    fn a_day_sees_only_facts_dated_on_or_before_it() {
        let k = Knowledge::new([
            fact("2031-03-01", "ilena-marsk", Some("VLDGOV")),
            fact("2031-05-01", "ilena-marsk", Some("VLDOPP")),
        ]);
        let code = |d: &str| {
            k.person("ilena-marsk", d.parse().unwrap())
                .and_then(|k| k.code)
        };
        assert_eq!(code("2031-02-28"), None);
        assert_eq!(code("2031-03-01").as_deref(), Some("VLDGOV"));
        assert_eq!(code("2031-04-30").as_deref(), Some("VLDGOV"));
        assert_eq!(code("2031-05-01").as_deref(), Some("VLDOPP"));
    }

    #[test]
    fn answers_do_not_depend_on_the_order_facts_came_in() {
        let facts = [
            fact("2031-03-01", "ilena-marsk", Some("VLDGOV")),
            fact("2031-03-01", "ilena-marsk", Some("VLDMIL")),
            fact("2031-03-01", "ilena-marsk", Some("VLDGOV")),
            fact("2031-03-02", "ivo-marsk", None),
        ];
        let date: Date = "2031-03-01".parse().unwrap();
        let forward = Knowledge::new(facts.clone());
        let backward = Knowledge::new(facts.iter().rev().cloned());
        for q in [
            Question::Person("ilena-marsk".into()),
            Question::Surname("marsk".into()),
        ] {
            assert_eq!(
                forward.answer_hash(&q, date),
                backward.answer_hash(&q, date)
            );
        }
        assert_eq!(
            forward.person("ilena-marsk", date).unwrap().code.as_deref(),
            Some("VLDGOV")
        );
    }

    #[test]
    fn a_surname_is_one_recent_person_or_nobody() {
        let k = Knowledge::new([
            fact("2031-03-01", "ilena-marsk", None),
            fact("2031-03-05", "ivo-marsk", None),
            fact("2020-01-01", "tomas-brandvold", None),
        ]);
        let on = |d: &str| k.as_of(d.parse().unwrap());
        let early = on("2031-03-02");
        assert_eq!(early.surname("marsk").unwrap().actor_id, "ilena-marsk");
        assert!(on("2031-03-05").surname("marsk").is_none(), "two Marsks");
        assert!(
            on("2031-03-05").surname("brandvold").is_none(),
            "too long ago"
        );
        let asked: Vec<String> = early.asked().iter().map(|(q, _)| q.key()).collect();
        assert_eq!(asked, ["p:ilena-marsk", "s:marsk"]);
    }
}
