//! Actors: who a name, a title or a pronoun in an article is, and what CAMEO code
//! that actor held on the article's date.
//!
//! # Design
//!
//! * [`Dictionary`]: the Phoenix/CAMEO actor and agent dictionaries (read by
//!   `dateline-cameo`) plus our supplement, compiled once into hash maps keyed by
//!   lower-cased token sequences. Matching is leftmost-longest over a document's
//!   tokens with a prefix set that stops a candidate as soon as no name continues
//!   it, so cost is linear in tokens whatever the text (all caps, no names, long
//!   names). The compiled form ships in `data/models/actors.bin`
//!   (`dateline train actors` rebuilds it); a user's own Phoenix-format file can be
//!   layered on top at run time.
//! * [`link`]: one article's mentions → actors. Dictionary names first; then names the
//!   recogniser found that no dictionary knows (a new actor, coded from its title or
//!   apposition: "Foreign Minister X", "X, Haldmere's president"); then seats and
//!   capitals standing for governments outside locative phrases; demonyms with a
//!   role word ("Russian forces" → `RUSMIL`); and last the references that do not name
//!   their actor: surnames, titles ("the president") and he/she pronouns, each
//!   linked only to a compatible, recent antecedent in the same article.
//! * [`key`]: spelling-independent name keys for people, plain slugs for everything
//!   else. Ids are made from them (from the dictionary entry's name, or the name the
//!   text gives), so the same person gets the same id in every article with no shared
//!   state — that is what lets `dateline extract` stay stateless and still agree with
//!   the store's registry.
//!
//! # Invariants
//!
//! * Unknown is better than wrong: a reference with no compatible antecedent, a bare
//!   surname nobody in the article carries, a pronoun with two equally likely
//!   antecedents — all stay unlinked.
//! * A code is the one that holds on the article date (first covering role, end
//!   exclusive) — a person is `UKRGOV` only while in office.
//! * Pure: no clock, no I/O beyond reading dictionary files when asked.

pub mod dictionary;
pub mod link;
pub mod places;

pub use dateline_core::key::name_key;
pub use dictionary::{Dictionary, Kind};
pub use link::{Linked, link};

/// The shipped dictionary, compiled in from `data/models/actors.bin`.
pub fn shipped() -> &'static Dictionary {
    static DICTIONARY: std::sync::OnceLock<Dictionary> = std::sync::OnceLock::new();
    DICTIONARY.get_or_init(|| {
        // The bytes are part of this build and a test loads them, so a failure here
        // is a broken build, not bad input.
        Dictionary::load(include_bytes!("../../../data/models/actors.bin"))
            .expect("the shipped actor dictionary loads")
    })
}
