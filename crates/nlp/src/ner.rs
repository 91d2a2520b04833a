//! Named entities (PER, ORG, LOC): a greedy averaged-perceptron sequence labeller over
//! IOB2 tags, with the part-of-speech tags of the shipped tagger among its features.
//!
//! Decoding is left to right and never emits an `I-X` that does not continue an `X`,
//! so every output is a well-formed entity sequence.
//!
//! Word-class features come from word vectors: the shipped model is trained with
//! `train ner --glove` (GloVe 6B, cut into Brown-like paths by
//! [`Clusters::from_embeddings`]), which carries what 6B words of Wikipedia and
//! newswire know about names the 12.5k training sentences never showed. Brown
//! clusters (`--clusters`) raised dev F1 as much but lost rare given names, which RCV1
//! puts beside common nouns ("Sabine" with "chief"; docs/EVALUATION.md).

use std::io::{self, Write};

use crate::binary::{read_strs, write_strs};
use crate::clusters::{Clusters, PREFIXES, path_prefix};
use crate::gazetteer::{Gazetteer, KINDS};
use crate::iob2::{TaggedSentence, entities};
use crate::perceptron::{
    FeatureHashes, Trainer, Weights, argmax_where, check_magic, prefix, shuffle, suffix,
};
use crate::tagger::Tagger;

/// A trained entity recogniser.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognizer {
    /// IOB2 tags, index = class id.
    classes: Vec<String>,
    weights: Weights,
    /// Known names; part of the model, so features mean the same at run time.
    gazetteer: Gazetteer,
    /// Word-class paths (from GloVe vectors or Brown clusters), likewise part of the
    /// model (empty for a model trained without them).
    clusters: Clusters,
}

/// An entity over words `[start, end)` of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

const MAGIC: &[u8; 8] = b"DLNER\x00\x00\x03";

shipped_model!(Recognizer, "ner.bin");

impl Recognizer {
    /// Finds the entities of one sentence's words, tagging them with `tagger` first.
    pub fn recognise<S: AsRef<str>>(&self, words: &[S], tagger: &Tagger) -> Vec<Entity> {
        let xpos: Vec<&str> = tagger.tag(words).into_iter().map(|t| t.xpos).collect();
        self.recognise_tagged(words, &xpos)
    }

    /// Like [`Recognizer::recognise`], for words already tagged (PTB `xpos` tags).
    pub fn recognise_tagged<S: AsRef<str>>(&self, words: &[S], xpos: &[&str]) -> Vec<Entity> {
        let context = Context::new(words, xpos, &self.gazetteer, &self.clusters);
        let mut history: Vec<u16> = Vec::with_capacity(words.len());
        let mut features = Vec::with_capacity(48);
        let mut scores = vec![0f32; self.classes.len()];
        for i in 0..words.len() {
            context.features(i, &history, &self.classes, &mut features);
            self.weights.score(&features, &mut scores);
            let previous = history.last().map(|&c| self.classes[c as usize].as_str());
            history.push(argmax_where(&scores, |c| {
                allowed(previous, &self.classes[c])
            }));
        }
        let tags: Vec<&str> = history
            .iter()
            .map(|&c| self.classes[c as usize].as_str())
            .collect();
        entities(&tags)
            .into_iter()
            .map(|(start, mut end, label)| {
                // A headline runs into its dateline ("… Hugh McGuire Sunday, May 28"):
                // no name ends in a weekday, but the model, seeing capitals, runs on.
                if end - start > 1 && is_weekday(words[end - 1].as_ref()) {
                    end -= 1;
                }
                Entity { start, end, label }
            })
            .collect()
    }

    /// Trains on `train` (tagged with `tagger` for the POS features), `iterations`
    /// passes in a fixed shuffled order; `progress` gets the dev F1 after each pass.
    pub fn train(
        train: &[TaggedSentence],
        dev: &[TaggedSentence],
        tagger: &Tagger,
        gazetteer: Gazetteer,
        clusters: Clusters,
        iterations: usize,
        mut progress: impl FnMut(usize, f64),
    ) -> Recognizer {
        let mut classes: Vec<String> = vec!["O".to_string()];
        for tag in train.iter().flat_map(|s| &s.tags) {
            if !classes.contains(tag) {
                classes.push(tag.clone());
            }
        }
        classes[1..].sort();
        let pos: Vec<Vec<&str>> = train
            .iter()
            .map(|s| tagger.tag(&s.words).into_iter().map(|t| t.xpos).collect())
            .collect();
        let mut model = Trainer::new();
        let mut order: Vec<usize> = (0..train.len()).collect();
        let mut rng = 0x00e1_717e_u64;
        let mut features = Vec::with_capacity(48);
        let mut scores = vec![0f32; classes.len()];
        for iteration in 0..iterations {
            for &k in &order {
                let sentence = &train[k];
                let context = Context::new(&sentence.words, &pos[k], &gazetteer, &clusters);
                let mut history: Vec<u16> = Vec::with_capacity(sentence.words.len());
                for (i, tag) in sentence.tags.iter().enumerate() {
                    let truth = classes.iter().position(|c| c == tag).unwrap_or(0) as u16;
                    context.features(i, &history, &classes, &mut features);
                    model.score(&features, &mut scores);
                    let previous = history.last().map(|&c| classes[c as usize].as_str());
                    let guess = argmax_where(&scores, |c| allowed(previous, &classes[c]));
                    model.update(truth, guess, &features);
                    history.push(guess);
                }
            }
            shuffle(&mut order, &mut rng);
            let snapshot = Recognizer {
                classes: classes.clone(),
                weights: model.averaged(),
                gazetteer: gazetteer.clone(),
                clusters: clusters.clone(),
            };
            progress(iteration + 1, snapshot.score(dev, tagger).f1());
        }
        Recognizer {
            classes,
            weights: model.averaged(),
            gazetteer,
            clusters,
        }
    }

    /// Exact-match entity counts against gold sentences.
    pub fn score(&self, gold: &[TaggedSentence], tagger: &Tagger) -> EntityCounts {
        let mut counts = EntityCounts::default();
        for sentence in gold {
            let predicted: Vec<(usize, usize, String)> = self
                .recognise(&sentence.words, tagger)
                .into_iter()
                .map(|e| (e.start, e.end, e.label))
                .collect();
            counts.add(&predicted, &entities(&sentence.tags));
        }
        counts
    }

    /// The names the model was trained with as features.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// Writes the model; weights below `min_weight` are dropped.
    pub fn save(&self, out: &mut impl Write, min_weight: f32) -> io::Result<()> {
        out.write_all(MAGIC)?;
        write_strs(out, &self.classes)?;
        self.weights.write(out, min_weight)?;
        self.gazetteer.write(out)?;
        self.clusters.save(out)
    }

    /// Reads a model written by [`Recognizer::save`].
    pub fn load(bytes: &[u8]) -> Result<Recognizer, String> {
        let mut r = bytes;
        check_magic(&mut r, MAGIC, "entity recogniser")?;
        let truncated = |_| "truncated entity recogniser model".to_string();
        let classes = read_strs(&mut r).map_err(truncated)?;
        let n = classes.len();
        let weights = Weights::read(&mut r, n)?;
        let gazetteer = Gazetteer::read(&mut r)?;
        let clusters = Clusters::load(&mut r).map_err(truncated)?;
        Ok(Recognizer {
            classes,
            weights,
            gazetteer,
            clusters,
        })
    }
}

/// Exact-match counts, overall and per label.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityCounts {
    pub by_label: std::collections::BTreeMap<String, (usize, usize, usize)>, // tp, fp, fn
}

impl EntityCounts {
    pub fn add(&mut self, predicted: &[(usize, usize, String)], gold: &[(usize, usize, String)]) {
        for p in predicted {
            let entry = self.by_label.entry(p.2.clone()).or_default();
            if gold.contains(p) {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
        for g in gold.iter().filter(|g| !predicted.contains(g)) {
            self.by_label.entry(g.2.clone()).or_default().2 += 1;
        }
    }

    /// `(tp, fp, fn)` over all labels.
    pub fn totals(&self) -> (usize, usize, usize) {
        self.by_label
            .values()
            .fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
    }

    pub fn f1(&self) -> f64 {
        f1(self.totals())
    }
}

/// F1 of `(tp, fp, fn)`.
pub fn f1((tp, fp, fn_): (usize, usize, usize)) -> f64 {
    if tp == 0 {
        0.0
    } else {
        2.0 * tp as f64 / (2 * tp + fp + fn_) as f64
    }
}

/// `I-X` only continues `B-X` or `I-X`.
fn allowed(previous: Option<&str>, class: &str) -> bool {
    match class.strip_prefix("I-") {
        None => true,
        Some(label) => previous.is_some_and(|p| p.len() > 2 && &p[2..] == label),
    }
}

/// `Xx`, `x`, `X`, `d`, `X.X.`: case and digit pattern with repeats collapsed — the
/// recogniser's shape feature (public so experiments can use the same one).
pub fn short_shape(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        if !out.ends_with(s) {
            out.push(s);
        }
    }
    out
}

struct Context<'a> {
    raw: Vec<&'a str>,
    lower: Vec<String>,
    shape: Vec<String>,
    pos: &'a [&'a str],
    /// `B-COUNTRY`, `I-ACTOR`, … or `-` per word.
    known: Vec<String>,
    /// Each word's cluster path ("" when it has none); `None` for a model without.
    cluster: Option<Vec<&'a str>>,
}

impl<'a> Context<'a> {
    fn new<S: AsRef<str>>(
        words: &'a [S],
        pos: &'a [&'a str],
        gazetteer: &Gazetteer,
        clusters: &'a Clusters,
    ) -> Self {
        let raw: Vec<&str> = words.iter().map(AsRef::as_ref).collect();
        let cluster = clusters.paths_of(words);
        let lower: Vec<String> = raw.iter().map(|w| w.to_lowercase()).collect();
        let known = gazetteer
            .tag(&lower)
            .into_iter()
            .map(|m| {
                m.map_or_else(
                    || "-".to_string(),
                    |(begins, kind)| {
                        format!(
                            "{}-{}",
                            if begins { 'B' } else { 'I' },
                            KINDS[kind as usize]
                        )
                    },
                )
            })
            .collect();
        Self {
            shape: raw.iter().map(|w| short_shape(w)).collect(),
            lower,
            raw,
            pos,
            known,
            cluster,
        }
    }

    fn at<'s>(&'s self, column: &'s [String], i: isize) -> &'s str {
        if i < 0 {
            "<s>"
        } else {
            column.get(i as usize).map_or("</s>", String::as_str)
        }
    }

    fn pos_at(&self, i: isize) -> &str {
        if i < 0 {
            "<s>"
        } else {
            self.pos.get(i as usize).copied().unwrap_or("</s>")
        }
    }

    fn features(&self, i: usize, history: &[u16], classes: &[String], out: &mut Vec<u64>) {
        let mut f = FeatureHashes::new(out);
        let k = i as isize;
        let raw = self.raw[i];
        let lower = self.lower[i].as_str();
        let shape = self.shape[i].as_str();
        let known = self.known[i].as_str();
        let prev = |n: usize| {
            i.checked_sub(n)
                .map_or("<s>", |j| classes[history[j] as usize].as_str())
        };
        f.add(0, "bias");
        f.add(1, raw);
        f.add(2, lower);
        f.add(3, shape);
        for n in 1..=3 {
            f.add(3 + n as u64, prefix(lower, n));
        }
        for n in 1..=4 {
            f.add(6 + n as u64, suffix(lower, n));
        }
        f.add(11, self.at(&self.lower, k - 1));
        f.add(12, self.at(&self.lower, k + 1));
        f.add(13, self.at(&self.lower, k - 2));
        f.add(14, self.at(&self.lower, k + 2));
        f.add(15, self.at(&self.shape, k - 1));
        f.add(16, self.at(&self.shape, k + 1));
        f.add(17, self.pos_at(k));
        f.add(18, self.pos_at(k - 1));
        f.add(19, self.pos_at(k + 1));
        f.add_joined(20, &[self.pos_at(k), self.pos_at(k + 1)]);
        f.add_joined(21, &[self.pos_at(k - 1), self.pos_at(k)]);
        f.add(22, prev(1));
        f.add_joined(23, &[prev(1), prev(2)]);
        f.add_joined(24, &[prev(1), lower]);
        f.add_joined(25, &[prev(1), shape]);
        f.add_joined(26, &[self.at(&self.lower, k - 1), lower]);
        f.add_joined(27, &[lower, self.at(&self.lower, k + 1)]);
        let first = if i == 0 { "true" } else { "false" };
        f.add_joined(28, &[first, shape, self.pos_at(k)]);
        f.add_joined(29, &[self.pos_at(k), shape]);
        f.add(30, known);
        f.add(31, self.at(&self.known, k - 1));
        f.add(32, self.at(&self.known, k + 1));
        f.add_joined(33, &[known, shape]);
        f.add_joined(34, &[prev(1), known]);
        // Clusters learned from news place an unseen name beside the names it is used
        // like ("Kharkiv" with the cities, "Gazprom" with the companies).
        if let Some(cluster) = &self.cluster {
            let path = |j: isize, n: usize| path_prefix(cluster, j, n, "<s>");
            for (t, n) in PREFIXES.into_iter().enumerate() {
                f.add(35 + t as u64, path(k, n));
            }
            f.add(39, path(k - 1, 6));
            f.add(40, path(k + 1, 6));
            f.add_joined(41, &[prev(1), path(k, 10)]);
            f.add_joined(42, &[shape, path(k, 6)]);
        }
    }
}

fn is_weekday(word: &str) -> bool {
    matches!(
        word,
        "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday" | "Sunday"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(words: &[&str], tags: &[&str]) -> TaggedSentence {
        TaggedSentence {
            id: None,
            words: words.iter().map(|w| w.to_string()).collect(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn learns_entities_and_round_trips_through_bytes() {
        let train: Vec<TaggedSentence> = (0..20)
            .flat_map(|_| {
                [
                    sentence(
                        &["Envoy", "Corentin", "Ashby", "visited", "Marrowick", "."],
                        &["O", "B-PER", "I-PER", "O", "B-LOC", "O"],
                    ),
                    sentence(
                        &["The", "Concord", "met", "in", "Strenholt", "."],
                        &["O", "B-ORG", "O", "O", "B-LOC", "O"],
                    ),
                ]
            })
            .collect();
        let tagger = crate::tagger::shipped();
        let clusters = Clusters::read_brown(
            "0110\tMarrowick\t9\n0110\tStrenholt\t9\n".as_bytes(),
            1,
            "test",
        )
        .unwrap();
        let model = Recognizer::train(
            &train,
            &train,
            tagger,
            Gazetteer::default(),
            clusters.clone(),
            4,
            |_, _| {},
        );
        assert_eq!(model.score(&train, tagger).f1(), 1.0);
        let mut bytes = Vec::new();
        model.save(&mut bytes, 0.0).unwrap();
        let loaded = Recognizer::load(&bytes).unwrap();
        assert_eq!(loaded.clusters, clusters);
        let found = loaded.recognise(
            &["Envoy", "Corentin", "Ashby", "visited", "Marrowick", "."],
            tagger,
        );
        assert_eq!(
            found[0],
            Entity {
                start: 1,
                end: 3,
                label: "PER".into()
            }
        );
        assert!(Recognizer::load(&bytes[..bytes.len() - 2]).is_err());
    }

    #[test]
    fn inside_tags_only_continue_their_own_label() {
        assert!(allowed(Some("B-PER"), "I-PER"));
        assert!(!allowed(Some("B-ORG"), "I-PER"));
        assert!(!allowed(None, "I-LOC"));
        assert!(allowed(Some("O"), "B-LOC"));
    }

    #[test]
    fn shipped_model_finds_people_and_places() {
        let words = [
            "President",
            "Ilena",
            "Marsk",
            "flew",
            "to",
            "Paris",
            "on",
            "Monday",
            ".",
        ];
        let found = shipped().recognise(&words, crate::tagger::shipped());
        assert!(
            found.contains(&Entity {
                start: 1,
                end: 3,
                label: "PER".into()
            }),
            "{found:?}"
        );
        assert!(
            found.contains(&Entity {
                start: 5,
                end: 6,
                label: "LOC".into()
            }),
            "{found:?}"
        );
    }
}
