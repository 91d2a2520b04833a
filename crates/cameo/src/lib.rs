//! Readers for the CAMEO/Phoenix dictionary formats used by PETRARCH and its
//! successors: the actor dictionaries (countries, international, non-state), the
//! agents dictionary, and the verb dictionary ([`verbs`], its format in that module's
//! doc), and PETRARCH-2's coding ontology ([`pico`]: how a verb and the verb it
//! governs combine). Formats only — no matching, no tokenisation — so the language layer
//! (gazetteer features), the actor layer (codes and roles) and the event coder
//! (verbs and patterns) read the files one way. [`codes`] is what an event code means
//! (root, name, quad class, Goldstein value, PLOVER category): the table the coder
//! writes with and the read side (timelines, the API's parameter checks) reads with,
//! so neither needs the other.
//!
//! # Format, as we read it
//!
//! * `#` starts a comment; blank lines are skipped.
//! * Phrases join words with `_` (a space is accepted as well). A phrase whose last
//!   word has no trailing `_` may take inflections (`RUSSIAN` also matches
//!   "Russians"); [`Phrase::open_ended`] keeps that fact for the matcher.
//! * Actor entries: a primary phrase, optional `+alias` lines, and `[CODE restriction]`
//!   blocks inline or on indented lines below. Restrictions: `<d` (before d), `>d` (on
//!   or after d), `d1-d2` (d1 ≤ date < d2 — the end is exclusive, as PETRARCH-2's
//!   `check_date` implements it), or none. Dates are `YYMMDD` or `YYYYMMDD`; a
//!   two-digit year ≤ 30 is 20YY, otherwise 19YY.
//! * A code on an entry's primary line, without a date, is its fallback: it is tried
//!   after every other role (PETRARCH lists it first but resolves it last).
//! * [`ActorEntry::code_on`] walks the roles in file order and takes the first that
//!   covers the date.
//! * Agents: `PHRASE {PLURAL …} [~CODE]` (the code follows the actor's country:
//!   `~GOV`) or `[CODE~]` (it precedes it: `NGM~`); `{}` blocks generated plurals;
//!   `!NAME! = A, B, …` defines a substitution set used as `CONGRESS!PERSON!`.
//!
//! # Invariants
//!
//! * A malformed line never stops a read: it is reported as `(line, problem)` through
//!   the caller's callback and skipped, so one bad line costs one entry at most.
//! * Nothing is reordered: entries and roles keep file order, because resolution
//!   depends on it.

mod actors;
mod agents;
pub mod codes;
mod dates;
pub mod pico;
pub mod verbs;

pub use actors::{ActorEntry, Role, code_on, is_country_code, read_actors};
pub use agents::{Agent, AgentCode, read_agents};
pub use dates::parse_date;

/// A dictionary phrase as its words, upper-case as written (`VLADIMIR_V._PUTIN` →
/// `VLADIMIR`, `V.`, `PUTIN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub words: Vec<String>,
    /// The last word had no trailing `_`: it may be inflected in text.
    pub open_ended: bool,
}

impl Phrase {
    /// `None` for a phrase with no words.
    pub fn parse(raw: &str) -> Option<Phrase> {
        let raw = raw.trim();
        let open_ended = !raw.ends_with('_');
        let words: Vec<String> = raw
            .split(['_', ' ', '\t'])
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        (!words.is_empty()).then_some(Phrase { words, open_ended })
    }
}

/// The part of a line before its `#` comment.
fn strip_comment(line: &str) -> &str {
    line.split('#').next().unwrap_or("")
}
