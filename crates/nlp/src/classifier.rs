//! Decisions learned from real data, for components outside the language layer: yes
//! or no ([`Classifier`]) and one of a few classes ([`Chooser`]), with the same
//! averaged perceptron, hashed features and deterministic model bytes as the tagger
//! and the recogniser, behind a small public API.
//!
//! A rule can vote: each instance carries a `prior` that is added to the "yes" score
//! before the learned weights, in training as in use. So an untrained (empty) model
//! decides exactly as the rule does, and training only learns where real data says the
//! rule is wrong: rules stay the fallback and become a feature.

use std::io::{self, Write};

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::perceptron::{Trainer, Weights, check_magic, shuffle};

const MAGIC: &[u8; 8] = b"DLYESNO\x01";
const CHOOSER_MAGIC: &[u8; 8] = b"DLCHOOS\x01";

/// One training example: its features, the rule's vote and the truth.
#[derive(Debug, Clone)]
pub struct Example {
    pub features: Vec<u64>,
    pub prior: f32,
    pub yes: bool,
}

/// Trained yes/no weights.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Classifier {
    weights: Weights,
}

/// The hash of feature `value` of a template named `template` (stable across builds).
pub fn feature(template: &str, value: &str) -> u64 {
    xxh3_64_with_seed(value.as_bytes(), xxh3_64_with_seed(template.as_bytes(), 0))
}

impl Classifier {
    /// Averaged-perceptron training over `passes` shuffled passes (fixed seed, so the
    /// same examples give the same bytes).
    pub fn train(examples: &[Example], passes: usize) -> Classifier {
        let mut trainer = Trainer::new();
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut state = 0x5EED_u64;
        let mut scores = [0.0f32; 2];
        for _ in 0..passes {
            shuffle(&mut order, &mut state);
            for &i in &order {
                let example = &examples[i];
                trainer.score(&example.features, &mut scores);
                let guess = u16::from(scores[1] - scores[0] + example.prior > 0.0);
                trainer.update(u16::from(example.yes), guess, &example.features);
            }
        }
        Classifier {
            weights: trainer.averaged(),
        }
    }

    /// The margin for "yes": positive means yes.
    pub fn margin(&self, features: &[u64], prior: f32) -> f32 {
        let mut scores = [0.0f32; 2];
        self.weights.score(features, &mut scores);
        scores[1] - scores[0] + prior
    }

    pub fn save(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(MAGIC)?;
        self.weights.write(out, 0.0)
    }

    /// Reads what [`Classifier::save`] wrote.
    pub fn load(bytes: &[u8]) -> Result<Classifier, String> {
        let mut r = bytes;
        check_magic(&mut r, MAGIC, "yes/no classifier")?;
        Ok(Classifier {
            weights: Weights::read(&mut r, 2)?,
        })
    }
}

/// Trained weights over `classes` classes; class 0 is "none of them" by convention
/// of the callers, which decide how sure the winner must be.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chooser {
    weights: Weights,
    classes: u16,
}

impl Chooser {
    /// Averaged-perceptron training over `passes` shuffled passes (fixed seed, so the
    /// same examples give the same bytes). Examples are features and the true class.
    pub fn train(examples: &[(Vec<u64>, u16)], classes: u16, passes: usize) -> Chooser {
        let mut trainer = Trainer::new();
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut state = 0x5EED_u64;
        let mut scores = vec![0.0f32; usize::from(classes)];
        for _ in 0..passes {
            shuffle(&mut order, &mut state);
            for &i in &order {
                let (features, truth) = &examples[i];
                trainer.score(features, &mut scores);
                let guess = argmax(&scores);
                trainer.update(*truth, guess, features);
            }
        }
        Chooser {
            weights: trainer.averaged(),
            classes,
        }
    }

    /// Every class's score; empty for an empty model.
    pub fn scores(&self, features: &[u64]) -> Vec<f32> {
        let mut scores = vec![0.0f32; usize::from(self.classes)];
        self.weights.score(features, &mut scores);
        scores
    }

    pub fn save(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(CHOOSER_MAGIC)?;
        out.write_all(&self.classes.to_le_bytes())?;
        self.weights.write(out, 0.0)
    }

    /// Reads what [`Chooser::save`] wrote.
    pub fn load(bytes: &[u8]) -> Result<Chooser, String> {
        let mut r = bytes;
        check_magic(&mut r, CHOOSER_MAGIC, "class chooser")?;
        let (classes, rest) = r
            .split_first_chunk::<2>()
            .ok_or("truncated class chooser")?;
        let classes = u16::from_le_bytes(*classes);
        let mut r = rest;
        Ok(Chooser {
            weights: Weights::read(&mut r, usize::from(classes))?,
            classes,
        })
    }
}

/// The first best class.
fn argmax(scores: &[f32]) -> u16 {
    let mut best = 0;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = i;
        }
    }
    best as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(words: &[&str], prior: f32, yes: bool) -> Example {
        Example {
            features: words.iter().map(|w| feature("word", w)).collect(),
            prior,
            yes,
        }
    }

    #[test]
    fn an_empty_model_follows_the_rule() {
        let empty = Classifier::default();
        assert!(empty.margin(&[feature("word", "said")], 0.5) > 0.0);
        assert!(empty.margin(&[feature("word", "said")], -0.5) < 0.0);
    }

    #[test]
    fn training_learns_where_the_rule_is_wrong_and_saves_byte_for_byte() {
        let examples = vec![
            example(&["said", "study"], -0.5, true),
            example(&["said", "he"], 0.5, true),
            example(&["said", "it"], 0.5, false),
            example(&["hoped", "he"], 0.5, false),
        ];
        let model = Classifier::train(&examples, 10);
        for e in &examples {
            assert_eq!(model.margin(&e.features, e.prior) > 0.0, e.yes);
        }
        let mut bytes = Vec::new();
        model.save(&mut bytes).unwrap();
        let again = Classifier::train(&examples, 10);
        let mut second = Vec::new();
        again.save(&mut second).unwrap();
        assert_eq!(bytes, second);
        assert_eq!(Classifier::load(&bytes).unwrap(), model);
    }

    #[test]
    fn a_chooser_learns_classes_and_saves_byte_for_byte() {
        let words = |w: &[&str]| w.iter().map(|w| feature("word", w)).collect::<Vec<_>>();
        let examples = vec![
            (words(&["signed", "deal"]), 1),
            (words(&["attacked", "town"]), 2),
            (words(&["walked", "town"]), 0),
            (words(&["signed", "book"]), 0),
        ];
        let model = Chooser::train(&examples, 3, 10);
        for (features, class) in &examples {
            assert_eq!(argmax(&model.scores(features)), *class);
        }
        let mut bytes = Vec::new();
        model.save(&mut bytes).unwrap();
        let mut again = Vec::new();
        Chooser::train(&examples, 3, 10).save(&mut again).unwrap();
        assert_eq!(bytes, again);
        assert_eq!(Chooser::load(&bytes).unwrap(), model);
    }
}
