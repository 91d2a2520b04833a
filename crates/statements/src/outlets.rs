//! Outlets: who relayed the words (`Statement::via`), which is not who published
//! the article.
//!
//! Found on the surface first, where a parse cannot mislead: the words right after
//! an addressing verb ("told the Harbour Ledger", "told Sky News any process …") or
//! after "to" ("remarked to The Brooklyn Paper"), and phrases in the attribution's
//! sentence ("in an interview with X", "in remarks to X", "quoted by X"); then the
//! parse's object of an addressing verb when its mention carries a media code.
//!
//! A name is an outlet when it carries a word newsrooms name themselves with
//! ([`cues::MEDIA_WORDS`]), or it is the article's own publisher: "told the
//! Storhall" is a parliament. "The outlet", "the paper" and a bare media word ("the
//! Courier") refer back to the latest outlet named before them, else to the
//! publisher when its name has that word; with nothing named before, "the outlet"
//! stays unknown.

use dateline_core::Via;

use crate::{Context, cues, is_quote_mark};

/// Words that refer back to an outlet already named ("told the outlet").
const REFERRING_WORDS: &[&str] = &[
    "outlet",
    "paper",
    "newspaper",
    "broadcaster",
    "station",
    "network",
    "channel",
    "agency",
    "daily",
    "magazine",
    "website",
];

/// Phrases whose next words name the outlet, anywhere in the attribution's
/// sentence ("In remarks to the Harbour Ledger, she said …").
const RELAY_PHRASES: &[(&str, &str)] = &[
    ("interview", "with"),
    ("interview", "to"),
    ("remarks", "to"),
    ("comments", "to"),
    ("statement", "to"),
    ("reply", "to"),
    ("quoted", "by"),
    ("interviewed", "by"),
    ("reported", "by"),
    ("speaking", "to"),
    ("speaking", "with"),
    ("speaking", "on"),
    ("spoke", "to"),
    ("spoke", "on"),
    ("e-mail", "to"),
    ("email", "to"),
    ("letter", "to"),
];

/// Prepositions that name the outlet right after a cue when the outlet is a known
/// one ("wrote on Twitter", "said on Fox News", "condolences via Twitter"): "said on
/// Tuesday" names a day, so only a name the dictionaries code as media counts.
const RELAY_PREPOSITIONS: &[&str] = &["on", "via", "in"];

/// How far back (in tokens) a referring word looks for the outlet it means.
const LOOK_BACK: usize = 4000;

/// Longest outlet name, in tokens ("Strenholt Evening Courier").
const MAX_NAME: usize = 5;

impl Context<'_> {
    /// The outlet a cue verb's words were addressed to.
    pub(crate) fn via(&self, cue: usize) -> Option<Via> {
        let lemma = self.lemma[cue];
        let addressing = cues::ADDRESSING_VERBS.contains(&lemma);
        if addressing && let Some(via) = self.outlet_at(cue + 1) {
            return Some(via);
        }
        if self.lower.get(cue + 1).is_some_and(|w| w == "to")
            && let Some(via) = self.outlet_at(cue + 2)
        {
            return Some(via);
        }
        if let Some(via) = self
            .lower
            .get(cue + 1)
            .filter(|w| RELAY_PREPOSITIONS.contains(&w.as_str()))
            .and_then(|_| self.outlet_at(cue + 2))
            .filter(|via| via.actor_id.is_some())
        {
            return Some(via);
        }
        if !addressing {
            return None;
        }
        // An object further on that the recogniser knows as a news organisation.
        let object = self.children[cue]
            .iter()
            .copied()
            .find(|&c| matches!(self.document.tokens[c].deprel.as_str(), "obj" | "iobj"))?;
        let mention = &self.mentions[self.mention_of[object]?];
        mention
            .code
            .as_deref()
            .is_some_and(is_media_code)
            .then(|| Via {
                name: self.display_name(mention).to_string(),
                actor_id: mention.actor_id.clone(),
            })
    }

    /// "…, in an interview with Radio Kestrel, …", "was quoted by the Tidewater
    /// Post as saying …": an outlet phrase in the cue's sentence.
    pub(crate) fn relayed_in_sentence(&self, cue: usize) -> Option<Via> {
        let sentence = self.document.sentences[self.sentence_of[cue]].clone();
        sentence
            .clone()
            .filter(|&i| i + 2 < sentence.end)
            .filter(|&i| {
                RELAY_PHRASES
                    .iter()
                    .any(|(a, b)| self.lower[i] == *a && self.lower[i + 1] == *b)
            })
            .find_map(|i| self.outlet_at(i + 2))
            .or_else(|| {
                // "wrote Trump on Twitter", "said on Fox News": a known outlet after
                // a relaying preposition anywhere in the sentence.
                sentence
                    .clone()
                    .filter(|&i| i + 1 < sentence.end)
                    .filter(|&i| RELAY_PREPOSITIONS.contains(&self.lower[i].as_str()))
                    .filter_map(|i| self.outlet_at(i + 1))
                    .find(|via| via.actor_id.is_some())
            })
    }

    /// The outlet named (or referred to) by the words at `i`.
    fn outlet_at(&self, mut i: usize) -> Option<Via> {
        let definite = self.lower.get(i).is_some_and(|w| w == "the");
        if definite {
            i += 1;
        }
        if i >= self.lower.len() || self.quote_of[i].is_some() {
            return None;
        }
        if definite && REFERRING_WORDS.contains(&self.lower[i].as_str()) {
            return self.outlet_before(i, None);
        }
        let text = self.document.text();
        let tokens = &self.document.tokens;
        let capitalised = |j: usize| {
            self.quote_of[j].is_none()
                && !is_quote_mark(&self.lower[j])
                && text[tokens[j].start..tokens[j].end].starts_with(|c: char| c.is_uppercase())
        };
        let end = (i..(i + MAX_NAME).min(tokens.len()))
            .take_while(|&j| capitalised(j))
            .last()?
            + 1;
        if end - i == 1
            && definite
            && cues::MEDIA_WORDS.contains(&self.lower[i].as_str())
            && let Some(earlier) = self.outlet_before(i, Some(&self.lower[i]))
        {
            return Some(earlier); // "the Courier": the one named before
        }
        let span = self
            .document
            .span_of_bytes(tokens[i].start, tokens[end - 1].end)?;
        // A name the dictionaries code as media ("TASS", "Twitter") is an outlet
        // whatever its words.
        let media = self.mention_of[i]
            .map(|m| &self.mentions[m])
            .filter(|m| m.span.start == span.start && m.code.as_deref().is_some_and(is_media_code));
        if let Some(mention) = media {
            return Some(Via {
                name: mention.span.text.clone(),
                actor_id: mention.actor_id.clone(),
            });
        }
        if !self.is_outlet(&span.text) {
            return None;
        }
        let actor_id = self.mention_of[i]
            .map(|m| &self.mentions[m])
            .filter(|m| m.span == span)
            .and_then(|m| m.actor_id.clone());
        Some(Via {
            name: span.text,
            actor_id,
        })
    }

    /// The latest outlet named before token `at` (one whose name has `word`, when
    /// given), else the publisher when `word` is in its name.
    fn outlet_before(&self, at: usize, word: Option<&str>) -> Option<Via> {
        let tokens = &self.document.tokens;
        let text = self.document.text();
        let capitalised =
            |j: usize| text[tokens[j].start..tokens[j].end].starts_with(|c: char| c.is_uppercase());
        let mut latest = None;
        let mut j = at.saturating_sub(LOOK_BACK);
        while j < at {
            if !capitalised(j) {
                j += 1;
                continue;
            }
            let end = (j..at.min(j + MAX_NAME))
                .take_while(|&k| capitalised(k))
                .last()
                .map_or(j + 1, |k| k + 1);
            if let Some(span) = self
                .document
                .span_of_bytes(tokens[j].start, tokens[end - 1].end)
            {
                let lower = span.text.to_lowercase();
                let has_word = word.is_none_or(|w| lower.split_whitespace().any(|x| x == w));
                if end - j > 1 && has_word && self.is_outlet(&span.text) {
                    latest = Some(span.text);
                }
            }
            j = end;
        }
        let name = latest.or_else(|| {
            let publisher = self.publisher()?;
            let lower = publisher.to_lowercase();
            word.filter(|w| lower.split_whitespace().any(|x| x == *w))?;
            Some(publisher.to_string())
        })?;
        Some(Via {
            name,
            actor_id: None,
        })
    }

    /// The article's outlet, without a feed's section ("The Meridian Times: Tamsel
    /// mediation").
    fn publisher(&self) -> Option<&str> {
        let source = self.document.article.source.as_deref()?;
        Some(source.split(':').next().unwrap_or(source).trim())
    }

    /// Whether a name is a news outlet's: it has a word newsrooms name themselves
    /// with, or it is this article's publisher.
    pub(crate) fn is_outlet(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        let publisher = self.publisher().map(str::to_lowercase);
        lower
            .split_whitespace()
            .any(|w| cues::MEDIA_WORDS.contains(&w))
            || publisher
                .is_some_and(|s| s.trim_start_matches("the ") == lower.trim_start_matches("the "))
    }
}

/// A CAMEO code of news media: `MED` as the agent, alone or after a country
/// (`RUSMED`), not a ministry of information (`GOVMED`).
pub(crate) fn is_media_code(code: &str) -> bool {
    code.ends_with("MED") && !code.ends_with("GOVMED")
}
