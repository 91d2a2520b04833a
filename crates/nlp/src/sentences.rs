//! Sentence ends, learned: where the punctuation rules of `dateline-text` do not
//! settle it.
//!
//! # Design
//!
//! * **The rules vote, the model corrects, in one place.** A gap after a full stop
//!   (or a bracket closing after one) and before a lower-case word is a decision of a
//!   yes/no [`Classifier`] whose prior is the rules' answer
//!   ([`dateline_text::rule_ends`]), so an empty model splits exactly as the rules do.
//!   The rules never end a sentence there, and web text often does ("… today. they
//!   said", "Sure. wikiHow is …"). Everywhere else the rules decide: a model
//!   let loose on every gap learned the treebank's web habits (a list item "1." is no
//!   end, "a.m." may be one) and moved 99 sentence ends in 396 Wikinews articles,
//!   most of them wrong, while GUM lost half a point (docs/EVALUATION.md).
//! * **Features are the words around the gap**: the stop, a closing bracket, the
//!   word before the stop and its shape, the next two words, the spacing, and whether
//!   the lower-case next word is written capitalised elsewhere in the same text (after
//!   Kiss & Strunk's orthographic evidence) or the text writes "i" for "I". No tags:
//!   sentences come before the tagger.
//! * **Trained on documents, not sentences.** Treebank sentences are joined back into
//!   their documents the way dateline stores text ([`crate::conllu::documents`]), so
//!   the model sees real gaps, paragraph breaks included.
//!
//! # Invariants
//!
//! * A paragraph break (a blank line) always ends a sentence, and so does the last
//!   token; the result covers every token once, in order, no sentence longer than
//!   [`dateline_text::MAX_SENTENCE_TOKENS`].
//! * Deterministic: the same text gives the same sentences; `dateline train
//!   sentences` gives the same model bytes.

use std::io::{self, Write};
use std::ops::Range;

use dateline_text::{ByteSpan, line_breaks_between, opens_dateline, rule_ends, sentences_ending};
use rustc_hash::FxHashSet;

use crate::classifier::{Classifier, Example, feature};
use crate::conllu::Document;
use crate::tokenize;

/// How strongly the rules' answer counts before the learned weights.
const RULE_PRIOR: f32 = 1.0;

/// Learned sentence ends over the rules' (see the module comment).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentenceModel {
    classifier: Classifier,
}

shipped_model!(SentenceModel, "sentences.bin");

impl SentenceModel {
    /// Splits `tokens` (of `text`) into sentences: ranges of token indices that cover
    /// every token exactly once, in order.
    pub fn split(&self, text: &str, tokens: &[ByteSpan]) -> Vec<Range<usize>> {
        sentences_ending(text, tokens, &self.ends(text, tokens))
    }

    /// `ends[i]` is set when a sentence ends after token `i`.
    pub fn ends(&self, text: &str, tokens: &[ByteSpan]) -> Vec<bool> {
        let rules = rule_ends(text, tokens);
        let context = Context::new(text, tokens);
        let mut features = Vec::with_capacity(32);
        (0..tokens.len())
            .map(|i| match context.forced(i, rules[i]) {
                Some(end) => end,
                None => {
                    features.clear();
                    context.features(i, &mut features);
                    self.classifier.margin(&features, prior(rules[i])) > 0.0
                }
            })
            .collect()
    }

    /// Learns from `documents` (their texts and gold sentences) over `passes`
    /// shuffled passes.
    pub fn train(documents: &[Document], passes: usize) -> SentenceModel {
        let mut examples = Vec::new();
        for document in documents {
            let text = document.text.as_str();
            let tokens = tokenize(text);
            let gold: FxHashSet<usize> = document.sentences.iter().map(|s| s.end).collect();
            let rules = rule_ends(text, &tokens);
            let context = Context::new(text, &tokens);
            for i in 0..tokens.len() {
                if context.forced(i, rules[i]).is_some() {
                    continue;
                }
                let mut features = Vec::with_capacity(32);
                context.features(i, &mut features);
                examples.push(Example {
                    features,
                    prior: prior(rules[i]),
                    yes: gold.contains(&tokens[i].end),
                });
            }
        }
        SentenceModel {
            classifier: Classifier::train(&examples, passes),
        }
    }

    pub fn save(&self, out: &mut impl Write) -> io::Result<()> {
        self.classifier.save(out)
    }

    /// Reads what [`SentenceModel::save`] wrote.
    pub fn load(bytes: &[u8]) -> Result<SentenceModel, String> {
        Ok(SentenceModel {
            classifier: Classifier::load(bytes)?,
        })
    }
}

fn prior(rule: bool) -> f32 {
    if rule { RULE_PRIOR } else { -RULE_PRIOR }
}

/// What the decisions of one text share: its tokens, the words it capitalises
/// (lower-cased), and whether it writes "i" for "I" (a chat or e-mail habit).
struct Context<'t> {
    text: &'t str,
    tokens: &'t [ByteSpan],
    capitalised: FxHashSet<String>,
    lower_case_i: bool,
}

impl<'t> Context<'t> {
    fn new(text: &'t str, tokens: &'t [ByteSpan]) -> Self {
        let words = || tokens.iter().map(|t| t.of(text));
        Context {
            text,
            tokens,
            capitalised: words()
                .filter(|w| w.starts_with(char::is_uppercase))
                .map(str::to_lowercase)
                .collect(),
            lower_case_i: words().any(|w| w == "i"),
        }
    }

    /// The decisions no model makes. The last token, a paragraph break and a
    /// dateline end a sentence. The model decides one case only: a full stop (or a
    /// bracket closing after one) before a word in lower case ("… today. they said
    /// it was"), which the rules never end; not after a letter or dotted word ("E.
    /// coli"), not after "!" or "?", which in news close titles ("Yahoo!", "Why?") far
    /// more often than sentences, and not after a closing quote, where news goes on
    /// with its attribution (`… shoulder." said Mr. Bao`). Elsewhere
    /// the rules' answer stands: on abbreviations, numbers and capitals the treebank's
    /// web text teaches habits that are wrong for news ("1. Results" lists, "a.m."),
    /// and its documents have no single line breaks to learn from.
    fn forced(&self, i: usize, rule: bool) -> Option<bool> {
        let Some(&next) = self.tokens.get(i + 1) else {
            return Some(true);
        };
        if line_breaks_between(self.text, self.tokens[i], next) >= 2
            || opens_dateline(self.text, self.tokens, i + 1)
        {
            return Some(true);
        }
        let left = self.word(i);
        let full_stop_at = if left == "." {
            Some(i)
        } else if matches!(left, ")" | "]") && i > 0 && self.word(i - 1) == "." {
            Some(i - 1)
        } else {
            None
        };
        let after_stop = full_stop_at.is_some_and(|stop| !self.ends_abbreviation(stop));
        let lower_next = self.word(i + 1).starts_with(char::is_lowercase);
        if after_stop && lower_next {
            None
        } else {
            Some(rule)
        }
    }

    /// Whether the full stop at `stop` is glued to a letter or a dotted word
    /// ("E. coli", "Ph.D. candidate"), which the tokenizer split off.
    fn ends_abbreviation(&self, stop: usize) -> bool {
        stop > 0 && self.tokens[stop - 1].end == self.tokens[stop].start && {
            let word = self.word(stop - 1);
            word.contains('.') || word.chars().count() == 1
        }
    }

    fn word(&self, i: usize) -> &'t str {
        self.tokens.get(i).map_or("<none>", |t| t.of(self.text))
    }

    /// Features of the gap after token `i`: a stop (and maybe a closer) before a word
    /// in lower case.
    fn features(&self, i: usize, out: &mut Vec<u64>) {
        let (left, right) = (self.word(i), self.word(i + 1));
        let closer = left != ".";
        let stop = if closer { self.word(i - 1) } else { left };
        let stop_at = if closer { i - 1 } else { i };
        let before = if stop_at == 0 {
            "<start>"
        } else {
            self.word(stop_at - 1)
        };
        let right_lower = right.to_lowercase();
        let spaced = self.tokens[i].end < self.tokens[i + 1].start;
        let seen_capitalised = self.capitalised.contains(right_lower.as_str());
        let mut add = |template: &str, value: &str| out.push(feature(template, value));
        add("bias", "");
        add("stop", stop);
        add("closer", if closer { left } else { "" });
        add("before", &before.to_lowercase());
        add("before shape", &shape(before));
        add("right", &right_lower);
        add("right shape", &shape(right));
        add("after", &self.word(i + 2).to_lowercase());
        add("spaced", if spaced { "yes" } else { "no" });
        add(
            "seen capitalised",
            if seen_capitalised { "yes" } else { "no" },
        );
        add(
            "stop seen capitalised",
            &format!("{stop} {seen_capitalised}"),
        );
        add("lower-case i", if self.lower_case_i { "yes" } else { "no" });
        add(
            "before right",
            &format!("{} {right_lower}", before.to_lowercase()),
        );
    }
}

/// A word's shape: capitals `X`, small letters `x`, digits `d`, other characters as
/// themselves, runs cut to two and the whole to six ("Mr." → "Xx.", "2015" → "dd").
fn shape(word: &str) -> String {
    let mut out = String::new();
    let (mut last, mut run) = ('\0', 0);
    for c in word.chars() {
        let class = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        run = if class == last { run + 1 } else { 1 };
        last = class;
        if run <= 2 {
            out.push(class);
        }
        if out.chars().count() >= 6 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu::{documents, read_conllu};

    fn sentences(model: &SentenceModel, text: &str) -> Vec<String> {
        let tokens = tokenize(text);
        model
            .split(text, &tokens)
            .into_iter()
            .map(|r| text[tokens[r.start].start..tokens[r.end - 1].end].to_string())
            .collect()
    }

    #[test]
    fn an_empty_model_splits_as_the_rules_do() {
        let text = "Gen. Drost met Mr. Ashby. they spoke\n\nlater. In the U.S. The talks";
        let tokens = tokenize(text);
        assert_eq!(
            SentenceModel::default().split(text, &tokens),
            dateline_text::split_sentences(text, &tokens)
        );
    }

    #[test]
    fn training_learns_lower_case_openings_the_rules_miss() {
        let mut conllu = String::new();
        for (n, doc) in [
            "we met. then we left.",
            "it rained. then it stopped.",
            "i slept. then i woke.",
        ]
        .iter()
        .enumerate()
        {
            conllu.push_str(&format!("# newdoc id = d{n}\n"));
            for sentence in doc.split_inclusive(". ") {
                let sentence = sentence.trim();
                conllu.push_str(&format!("# text = {sentence}\n"));
                for (k, word) in sentence.trim_end_matches('.').split(' ').enumerate() {
                    conllu.push_str(&format!("{}\t{word}\t_\t_\t_\t_\t0\t_\t_\t_\n", k + 1));
                }
                conllu.push_str("\n");
            }
        }
        let documents = documents(&read_conllu(conllu.as_bytes()).unwrap());
        assert_eq!(documents.len(), 3);
        let model = SentenceModel::train(&documents, 5);
        assert_eq!(
            sentences(&SentenceModel::default(), "they ate. then they went."),
            ["they ate. then they went."]
        );
        assert_eq!(
            sentences(&model, "they ate. then they went."),
            ["they ate.", "then they went."]
        );
        let mut bytes = Vec::new();
        model.save(&mut bytes).unwrap();
        assert_eq!(SentenceModel::load(&bytes).unwrap(), model);
    }

    #[test]
    fn the_shipped_model_ends_a_sentence_before_a_lower_case_opening_but_not_an_abbreviation() {
        let model = shipped();
        assert_eq!(
            sentences(
                model,
                "i mailed the kestrel forms today. they said it was fine."
            ),
            [
                "i mailed the kestrel forms today.",
                "they said it was fine."
            ]
        );
        assert_eq!(
            sentences(model, "Cases of E. coli rose. A Ph.D. candidate said so."),
            ["Cases of E. coli rose.", "A Ph.D. candidate said so."]
        );
    }

    #[test]
    fn paragraph_breaks_and_the_cap_always_hold() {
        let text = format!(
            "{}\n\nnext {}",
            "and so on ".repeat(300),
            "word ".repeat(10)
        );
        let tokens = tokenize(&text);
        let ranges = shipped().split(&text, &tokens);
        let mut next = 0;
        for range in &ranges {
            assert_eq!(range.start, next);
            assert!(range.len() <= dateline_text::MAX_SENTENCE_TOKENS);
            next = range.end;
        }
        assert_eq!(next, tokens.len());
        assert!(ranges.iter().any(|r| r.start == 900), "{ranges:?}");
    }

    #[test]
    fn shapes_cut_runs_and_length() {
        assert_eq!(shape("Mr."), "Xx.");
        assert_eq!(shape("2015"), "dd");
        assert_eq!(shape("Washington-based"), "Xxx-xx");
    }
}
