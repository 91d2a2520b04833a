//! A yes/no decision learned from real data, for components outside the language
//! layer: the same averaged perceptron, hashed features and deterministic model bytes
//! as the tagger and the recogniser, behind a small public API.
//!
//! A rule can vote: each instance carries a `prior` that is added to the "yes" score
//! before the learned weights, in training as in use. So an untrained (empty) model
//! decides exactly as the rule does, and training only learns where real data says the
//! rule is wrong: rules stay the fallback and become a feature.

use std::io::{self, Write};

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::perceptron::{Trainer, Weights, check_magic, shuffle};

const MAGIC: &[u8; 8] = b"DLYESNO\x01";

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
}
