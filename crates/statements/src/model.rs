//! The learned half of attribution: candidate features and the shipped yes/no model.
//!
//! `data/models/statements.bin` is trained on the real-news gold's train split
//! (`dateline train statements`, reproduced byte for byte in CI). Features describe a
//! candidate's shape, never its words beyond the cue, the first word of its content and
//! the head of an unnamed source, so the model generalises across stories.

use dateline_core::{ResolvedFrom, Statement};
use dateline_nlp::classifier::{Classifier, feature};

/// A statement the rules propose, with what the model decides it on.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub statement: Statement,
    /// Hashed features ([`features`]).
    pub features: Vec<u64>,
    /// The rules' vote: +1 keep, −1 drop.
    pub prior: f32,
    /// Whether the model decides; when not, the rules' vote is final (and the
    /// candidate is not learned from).
    pub learned: bool,
}

impl Candidate {
    /// Whether `model` (or, where it does not decide, the rules) keeps this candidate.
    pub fn kept_by(&self, model: &Classifier) -> bool {
        if self.learned {
            model.margin(&self.features, self.prior) > 0.0
        } else {
            self.prior > 0.0
        }
    }
}

/// What a candidate looks like, for [`features`].
pub(crate) struct Shape<'a> {
    /// The rule that found it: quote-after, quote-before, continuation, embedded,
    /// reported, reported-before, according-to, interview.
    pub origin: &'a str,
    /// Why the rules doubt it: label, short, weak-cue.
    pub doubt: Option<&'a str>,
    /// The speaker is a guess (a bare noun, a lone proper noun, an open he/she).
    pub guessed: bool,
    /// The cue's lemma, tag and relation.
    pub cue: &'a str,
    pub cue_xpos: &'a str,
    pub cue_deprel: &'a str,
    pub statement: &'a Statement,
    /// The content's first word, lower-cased.
    pub first_word: &'a str,
    /// Tokens in the content.
    pub words: usize,
}

/// The hashed features of a candidate.
pub(crate) fn features(shape: &Shape) -> Vec<u64> {
    let s = shape.statement;
    let speaker = if shape.guessed {
        if s.speaker.anonymous {
            "guess-anonymous"
        } else if s.speaker.resolved_from.is_some() {
            "guess-pronoun"
        } else {
            "guess-named"
        }
    } else if s.speaker.span.is_none() {
        "carried"
    } else if s.speaker.anonymous {
        "anonymous"
    } else if let Some(from) = s.speaker.resolved_from {
        match from {
            ResolvedFrom::Pronoun => "resolved-pronoun",
            ResolvedFrom::Surname | ResolvedFrom::KnownSurname => "resolved-surname",
            ResolvedFrom::Title => "resolved-title",
            ResolvedFrom::ShortName | ResolvedFrom::Metonymy => "resolved-other",
        }
    } else if s.speaker.actor_id.is_some() {
        "linked"
    } else {
        "unlinked"
    };
    let head = s
        .speaker
        .span
        .as_ref()
        .and_then(|span| span.text.split_whitespace().last())
        .map(str::to_lowercase)
        .unwrap_or_default();
    let size = match shape.words {
        0..=3 => "1-3",
        4..=7 => "4-7",
        8..=15 => "8-15",
        16..=40 => "16-40",
        _ => "41+",
    };
    let question = s.content.text.trim_end().ends_with('?');
    let mut out = vec![
        feature("bias", ""),
        feature("origin", shape.origin),
        feature("doubt", shape.doubt.unwrap_or("-")),
        feature("speaker", speaker),
        feature("kind", &s.kind),
        feature("cue", shape.cue),
        feature("cue-xpos", shape.cue_xpos),
        feature("cue-deprel", shape.cue_deprel),
        feature("size", size),
        feature("first", shape.first_word),
        feature("question", if question { "y" } else { "n" }),
        feature("via", if s.via.is_some() { "y" } else { "n" }),
        feature("origin+cue", &format!("{}+{}", shape.origin, shape.cue)),
        feature("origin+speaker", &format!("{}+{speaker}", shape.origin)),
        feature("cue+speaker", &format!("{}+{speaker}", shape.cue)),
        feature("origin+size", &format!("{}+{size}", shape.origin)),
        feature(
            "doubt+cue",
            &format!("{}+{}", shape.doubt.unwrap_or("-"), shape.cue),
        ),
    ];
    if s.speaker.anonymous || shape.guessed {
        out.push(feature("source-head", &head));
        out.push(feature("source-head+cue", &format!("{head}+{}", shape.cue)));
    }
    out
}

/// The shipped model, compiled in (`data/models/statements.bin`).
pub fn shipped() -> &'static Classifier {
    static MODEL: std::sync::OnceLock<Classifier> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        // Part of this build and loaded by a test: a failure is a broken build.
        Classifier::load(include_bytes!("../../../data/models/statements.bin"))
            .expect("the shipped model statements.bin loads")
    })
}
