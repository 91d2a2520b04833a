//! Part-of-speech tagging: an averaged perceptron over hashed features, predicting
//! UPOS and PTB XPOS jointly (one class per `UPOS|XPOS` pair seen in training).
//!
//! Why this model: a greedy averaged perceptron (Collins 2002, in the feature style
//! of Honnibal's "A good POS tagger in about 200 lines") trains in seconds, tags
//! millions of words a second on one core, needs no linear-algebra dependency, and is
//! deterministic. Joint classes keep UPOS and XPOS consistent with each other
//! (`IN` is `ADP` or `SCONJ`, never `VERB`). Frequent unambiguous words skip the model
//! through a tag dictionary.
//!
//! The model is a sparse map from feature hash to `(class, weight)` pairs; only pairs
//! that training ever updated exist, which keeps it small.
//!
//! Words the treebank never showed get their Brown-cluster paths as features (see
//! [`crate::clusters`]): the shipped model reads clusters learned from Reuters news,
//! so "condemns" is tagged like the verbs it clusters with, not by its "-s".

use std::collections::HashMap;
use std::io::{self, Write};

use rustc_hash::FxHashMap;

use crate::binary::{read_strs, read_u16_map, write_strs, write_u16_map};
use crate::clusters::{Clusters, PREFIXES, path_prefix};
use crate::conllu::Sentence;
use crate::perceptron::{
    FeatureHashes, Trainer, Weights, argmax_where, check_magic, prefix, read_str, read_u32,
    shuffle, suffix, write_str, write_u32,
};

/// A trained tagger.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagger {
    /// `UPOS|XPOS` class names, index = class id.
    classes: Vec<String>,
    weights: Weights,
    /// Lower-cased words that always get one class. (Fx maps: looked up for every
    /// word, and written sorted, so no output depends on the hasher.)
    tag_dictionary: FxHashMap<String, u16>,
    /// Lower-cased words seen at least twice → the classes they were seen with, as a
    /// compact string ("ambiguity class"): lets a feature say what the *next* word can
    /// be before it is tagged.
    ambiguity: FxHashMap<String, String>,
    /// Brown clusters of news words (empty for a model trained without them).
    clusters: Clusters,
}

/// A tag: universal and Penn Treebank parts of speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag<'a> {
    pub upos: &'a str,
    pub xpos: &'a str,
}

shipped_model!(Tagger, "pos.bin");

impl Tagger {
    /// Tags one sentence's words.
    pub fn tag<S: AsRef<str>>(&self, words: &[S]) -> Vec<Tag<'_>> {
        let context = Context::new(words, &self.ambiguity, &self.clusters);
        let mut classes: Vec<u16> = Vec::with_capacity(words.len());
        let mut features = Vec::with_capacity(40);
        let mut scores = vec![0f32; self.classes.len()];
        for i in 0..words.len() {
            let class = match self.tag_dictionary.get(&context.normal[i]) {
                Some(&class) => class,
                None => {
                    context.features(i, &classes, &self.classes, &mut features);
                    self.weights.score(&features, &mut scores);
                    let verb_form = looks_inflected(context.raw[i]);
                    argmax_where(&scores, |c| !(verb_form && self.is_proper(c)))
                }
            };
            classes.push(class);
        }
        classes.iter().map(|&c| self.tag_of(c)).collect()
    }

    fn is_proper(&self, class: usize) -> bool {
        self.classes[class].ends_with("|NNP") || self.classes[class].ends_with("|NNPS")
    }

    fn tag_of(&self, class: u16) -> Tag<'_> {
        let name = &self.classes[class as usize];
        let (upos, xpos) = name.split_once('|').unwrap_or((name, name));
        Tag { upos, xpos }
    }

    /// Trains on `train` for `iterations` passes (sentence order shuffled with a
    /// fixed seed, so the same data gives the same model), reporting the accuracy
    /// on `dev` after each pass through `progress` (not called when `dev` is empty).
    pub fn train(
        train: &[Sentence],
        dev: &[Sentence],
        iterations: usize,
        clusters: &Clusters,
        mut progress: impl FnMut(usize, f64),
    ) -> Tagger {
        let mut class_ids: HashMap<String, u16> = HashMap::new();
        let mut classes: Vec<String> = Vec::new();
        for word in train.iter().flat_map(|s| &s.words) {
            let name = format!("{}|{}", word.upos, word.xpos);
            if !class_ids.contains_key(&name) {
                class_ids.insert(name.clone(), classes.len() as u16);
                classes.push(name);
            }
        }
        let counts = class_counts(train, &class_ids);
        let tag_dictionary = build_tag_dictionary(&counts);
        let ambiguity = build_ambiguity_classes(&counts);
        let mut model = Trainer::new();
        let mut order: Vec<usize> = (0..train.len()).collect();
        let mut rng = 0x5eed_u64;
        let mut features = Vec::with_capacity(32);
        let mut scores = vec![0f32; classes.len()];
        for iteration in 0..iterations {
            for sentence in order.iter().map(|&i| &train[i]) {
                let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
                let context = Context::new(&forms, &ambiguity, clusters);
                let mut history: Vec<u16> = Vec::with_capacity(forms.len());
                for (i, word) in sentence.words.iter().enumerate() {
                    let truth = class_ids[&format!("{}|{}", word.upos, word.xpos)];
                    let guess = match tag_dictionary.get(&context.normal[i]) {
                        Some(&class) => class,
                        None => {
                            context.features(i, &history, &classes, &mut features);
                            model.score(&features, &mut scores);
                            let guess = argmax_where(&scores, |_| true);
                            model.update(truth, guess, &features);
                            guess
                        }
                    };
                    history.push(guess);
                }
            }
            shuffle(&mut order, &mut rng);
            // Averaging the whole model costs a pass's worth of time; fold taggers
            // (no dev) skip it.
            if !dev.is_empty() {
                let snapshot = Tagger {
                    classes: classes.clone(),
                    weights: model.averaged(),
                    tag_dictionary: tag_dictionary.clone(),
                    ambiguity: ambiguity.clone(),
                    clusters: clusters.clone(),
                };
                progress(iteration + 1, snapshot.accuracy(dev).0);
            }
        }
        Tagger {
            classes,
            weights: model.averaged(),
            tag_dictionary,
            ambiguity,
            clusters: clusters.clone(),
        }
    }

    /// The word clusters the tagger reads (the fold taggers of the parser's training
    /// read the same).
    pub fn clusters(&self) -> &Clusters {
        &self.clusters
    }

    /// Taggers for "jackknifing": `folds` of them, fold `f` trained on every sentence
    /// whose index modulo `folds` is not `f`, so each sentence has a tagger that never
    /// saw it. The parser trains on their tags because the shipped tagger's tags of its
    /// own training data are almost perfect, and a model trained on perfect tags trusts
    /// them more than it should at run time (+0.5 LAS on dev). Folds train on threads
    /// of their own; each is deterministic, so the result is too.
    pub fn train_folds(
        train: &[Sentence],
        folds: usize,
        iterations: usize,
        clusters: &Clusters,
    ) -> Vec<Tagger> {
        let folds = folds.max(2);
        let train_fold = |fold: usize| {
            let rest: Vec<Sentence> = train
                .iter()
                .enumerate()
                .filter(|(k, _)| k % folds != fold)
                .map(|(_, s)| s.clone())
                .collect();
            Tagger::train(&rest, &[], iterations, clusters, |_, _| {})
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut taggers: Vec<Option<Tagger>> = vec![None; folds];
        for batch in (0..folds).collect::<Vec<_>>().chunks(threads) {
            std::thread::scope(|scope| {
                let handles: Vec<_> = batch
                    .iter()
                    .map(|&fold| (fold, scope.spawn(move || train_fold(fold))))
                    .collect();
                for (fold, handle) in handles {
                    taggers[fold] = Some(handle.join().expect("a fold's training thread"));
                }
            });
        }
        taggers.into_iter().flatten().collect()
    }

    /// The PTB tags of every sentence of `train` from [`Tagger::train_folds`]: sentence
    /// `k` tagged by fold `k % folds`, the one tagger that did not train on it.
    pub fn jackknifed_xpos(
        train: &[Sentence],
        folds: usize,
        iterations: usize,
        clusters: &Clusters,
    ) -> Vec<Vec<String>> {
        let taggers = Tagger::train_folds(train, folds, iterations, clusters);
        train
            .iter()
            .enumerate()
            .map(|(k, sentence)| {
                let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
                let tagger = &taggers[k % taggers.len()];
                tagger
                    .tag(&forms)
                    .iter()
                    .map(|t| t.xpos.to_string())
                    .collect()
            })
            .collect()
    }

    /// `(UPOS accuracy, XPOS accuracy)` on gold-tokenised sentences.
    pub fn accuracy(&self, gold: &[Sentence]) -> (f64, f64) {
        let (mut upos, mut xpos, mut total) = (0usize, 0usize, 0usize);
        for sentence in gold {
            let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
            for (tag, word) in self.tag(&forms).iter().zip(&sentence.words) {
                upos += usize::from(tag.upos == word.upos);
                xpos += usize::from(tag.xpos == word.xpos);
                total += 1;
            }
        }
        let total = total.max(1) as f64;
        (upos as f64 / total, xpos as f64 / total)
    }

    /// Writes the model in a compact, deterministic binary form: features sorted by
    /// hash, weights as f32, entries below `min_weight` dropped.
    pub fn save(&self, out: &mut impl Write, min_weight: f32) -> io::Result<()> {
        out.write_all(MAGIC)?;
        write_strs(out, &self.classes)?;
        write_u16_map(out, &self.tag_dictionary)?;
        let mut ambiguity: Vec<(&String, &String)> = self.ambiguity.iter().collect();
        ambiguity.sort();
        write_u32(out, ambiguity.len() as u32)?;
        for (word, classes) in ambiguity {
            write_str(out, word)?;
            write_str(out, classes)?;
        }
        self.clusters.save(out)?;
        self.weights.write(out, min_weight)?;
        Ok(())
    }

    /// Reads a model written by [`Tagger::save`].
    pub fn load(bytes: &[u8]) -> Result<Tagger, String> {
        let mut r = bytes;
        check_magic(&mut r, MAGIC, "tagger")?;
        let truncated = |_| "truncated tagger model".to_string();
        let classes = read_strs(&mut r).map_err(truncated)?;
        let n_classes = classes.len();
        let tag_dictionary: FxHashMap<String, u16> = read_u16_map(&mut r)
            .map_err(truncated)?
            .into_iter()
            .collect();
        let n_ambiguous = read_u32(&mut r).map_err(truncated)? as usize;
        let mut ambiguity = FxHashMap::with_capacity_and_hasher(n_ambiguous, Default::default());
        for _ in 0..n_ambiguous {
            let word = read_str(&mut r).map_err(truncated)?;
            ambiguity.insert(word, read_str(&mut r).map_err(truncated)?);
        }
        let clusters = Clusters::load(&mut r).map_err(truncated)?;
        let weights = Weights::read(&mut r, n_classes)?;
        Ok(Tagger {
            classes,
            weights,
            tag_dictionary,
            ambiguity,
            clusters,
        })
    }
}

const MAGIC: &[u8; 8] = b"DLPOS\x00\x00\x02";

/// How often each (normalised) word was seen with each class.
type ClassCounts = HashMap<String, HashMap<u16, usize>>;

fn class_counts(train: &[Sentence], class_ids: &HashMap<String, u16>) -> ClassCounts {
    let mut counts: ClassCounts = HashMap::new();
    for word in train.iter().flat_map(|s| &s.words) {
        let class = class_ids[&format!("{}|{}", word.upos, word.xpos)];
        *counts
            .entry(normalise(&word.form))
            .or_default()
            .entry(class)
            .or_default() += 1;
    }
    counts
}

/// Words seen ≥ 20 times with one class ≥ 97% of the time.
fn build_tag_dictionary(counts: &ClassCounts) -> FxHashMap<String, u16> {
    counts
        .iter()
        .filter_map(|(word, by_class)| {
            let total: usize = by_class.values().sum();
            let (&class, &n) = by_class
                .iter()
                .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))?;
            (total >= 20 && n as f64 / total as f64 >= 0.97).then(|| (word.clone(), class))
        })
        .collect()
}

/// Words seen at least twice → their classes (each seen ≥ 5% of the time), as a
/// sorted, comma-joined list of class ids.
fn build_ambiguity_classes(counts: &ClassCounts) -> FxHashMap<String, String> {
    counts
        .iter()
        .filter_map(|(word, by_class)| {
            let total: usize = by_class.values().sum();
            let mut classes: Vec<u16> = by_class
                .iter()
                .filter(|(_, n)| **n * 20 >= total)
                .map(|(c, _)| *c)
                .collect();
            classes.sort_unstable();
            let joined = classes
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(",");
            (total >= 2).then(|| (word.clone(), joined))
        })
        .collect()
}

/// A word as features see it: lower case, digits folded to `0`.
fn normalise(word: &str) -> String {
    word.chars()
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// `Xxxx`, `xxxx`, `XX`, `0000`, `x.x.`: the word's shape, runs longer than 4 cut,
/// written over `out`.
fn shape(word: &str, out: &mut String) {
    out.clear();
    let mut last = ' ';
    let mut run = 0;
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
        if s == last {
            run += 1;
            if run >= 4 {
                continue;
            }
        } else {
            run = 0;
            last = s;
        }
        out.push(s);
    }
}

/// Per-sentence precomputed word views.
/// A lower-case word ending in "-ed" ("commented", "tweeted"): never a proper noun,
/// though after a name ("Philip Hammond commented, …") an unseen one looked like
/// the name's last word to the model, which took the speech verb with it. In EWT
/// no lower-case proper noun ends so.
fn looks_inflected(raw: &str) -> bool {
    raw.len() >= 5 && raw.ends_with("ed") && raw.chars().all(|c| c.is_ascii_lowercase())
}

struct Context<'a, 'w> {
    normal: Vec<String>,
    raw: Vec<&'w str>,
    ambiguity: Vec<&'a str>,
    /// Each word's cluster path ("" when it has none); `None` for a model without.
    cluster: Option<Vec<&'a str>>,
}

impl<'a, 'w> Context<'a, 'w> {
    fn new<S: AsRef<str>>(
        words: &'w [S],
        ambiguity: &'a FxHashMap<String, String>,
        clusters: &'a Clusters,
    ) -> Self {
        let normal: Vec<String> = words.iter().map(|w| normalise(w.as_ref())).collect();
        Self {
            cluster: clusters.paths_of(words),
            ambiguity: normal
                .iter()
                .map(|w| ambiguity.get(w).map_or("?", String::as_str))
                .collect(),
            normal,
            raw: words.iter().map(AsRef::as_ref).collect(),
        }
    }

    fn ambiguity_of(&self, i: isize) -> &str {
        if i < 0 {
            "-START-"
        } else {
            self.ambiguity.get(i as usize).copied().unwrap_or("-END-")
        }
    }

    fn word(&self, i: isize) -> &str {
        if i < 0 {
            "-START-"
        } else {
            self.normal.get(i as usize).map_or("-END-", String::as_str)
        }
    }

    /// Feature hashes for word `i`, given the classes already chosen for words `..i`.
    fn features(&self, i: usize, history: &[u16], classes: &[String], out: &mut Vec<u64>) {
        let mut f = FeatureHashes::new(out);
        let i_ = i as isize;
        let word = self.word(i_);
        let raw = self.raw[i];
        let prev_class = |k: usize| -> &str {
            i.checked_sub(k)
                .map_or("-START-", |j| classes[history[j] as usize].as_str())
        };
        let mut shaped = String::new();
        f.add(0, "bias");
        f.add(1, word);
        f.add(2, suffix(word, 3));
        f.add(3, suffix(word, 2));
        f.add(4, suffix(word, 1));
        f.add(5, prefix(word, 1));
        f.add(6, prefix(word, 3));
        shape(raw, &mut shaped);
        f.add(7, &shaped);
        f.add(8, self.word(i_ - 1));
        f.add(9, self.word(i_ + 1));
        f.add(10, self.word(i_ - 2));
        f.add(11, self.word(i_ + 2));
        f.add(12, suffix(self.word(i_ - 1), 3));
        f.add(13, suffix(self.word(i_ + 1), 3));
        f.add(14, prev_class(1));
        f.add(15, prev_class(2));
        f.add_joined(16, &[prev_class(1), prev_class(2)]);
        f.add_joined(17, &[prev_class(1), word]);
        f.add_joined(18, &[word, self.word(i_ + 1)]);
        f.add_joined(19, &[self.word(i_ - 1), word]);
        if i == 0 {
            f.add(
                20,
                if raw.starts_with(char::is_uppercase) {
                    "first-cap"
                } else {
                    "first"
                },
            );
        }
        if raw.contains('-') {
            f.add(21, "hyphen");
        }
        f.add(22, self.ambiguity_of(i_));
        f.add(23, self.ambiguity_of(i_ + 1));
        f.add(24, self.ambiguity_of(i_ + 2));
        f.add_joined(25, &[prev_class(1), self.ambiguity_of(i_ + 1)]);
        f.add(26, suffix(word, 4));
        shape(self.raw.get(i + 1).copied().unwrap_or("-END-"), &mut shaped);
        f.add(27, &shaped);
        let Some(paths) = &self.cluster else {
            return;
        };
        let cluster = |k: isize, n: usize| path_prefix(paths, k, n, "-");
        if !paths[i].is_empty() {
            for (t, n) in PREFIXES.into_iter().enumerate() {
                f.add(28 + t as u64, cluster(i_, n));
            }
        }
        f.add(32, cluster(i_ + 1, 6));
        f.add(33, cluster(i_ + 1, 20));
        f.add(34, cluster(i_ - 1, 6));
        f.add_joined(35, &[prev_class(1), cluster(i_, 10)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu::read_conllu;

    /// A tiny treebank of our own: enough to check that training learns and that a
    /// saved model loads back identical.
    fn treebank() -> Vec<Sentence> {
        let rows = [
            ("The", "DET", "DT"),
            ("envoy", "NOUN", "NN"),
            ("met", "VERB", "VBD"),
            ("the", "DET", "DT"),
            ("minister", "NOUN", "NN"),
            (".", "PUNCT", "."),
        ];
        let mut text = String::new();
        for k in 0..30 {
            text.push_str(&format!("# sent_id = s{k}\n"));
            for (i, (form, upos, xpos)) in rows.iter().enumerate() {
                text.push_str(&format!(
                    "{}\t{form}\t_\t{upos}\t{xpos}\t_\t0\tdep\t_\t_\n",
                    i + 1
                ));
            }
            text.push('\n');
        }
        read_conllu(text.as_bytes()).unwrap()
    }

    #[test]
    fn learns_a_tiny_treebank_and_round_trips_through_bytes() {
        let gold = treebank();
        let mut dev_scores = Vec::new();
        let tagger = Tagger::train(&gold, &gold, 3, &Clusters::default(), |_, acc| {
            dev_scores.push(acc)
        });
        assert_eq!(dev_scores.len(), 3);
        assert_eq!(tagger.accuracy(&gold), (1.0, 1.0));
        let mut bytes = Vec::new();
        tagger.save(&mut bytes, 0.0).unwrap();
        let loaded = Tagger::load(&bytes).unwrap();
        assert_eq!(
            loaded.tag(&["The", "envoy", "met"]),
            tagger.tag(&["The", "envoy", "met"])
        );
        assert_eq!(
            loaded.tag(&["The", "envoy"])[1],
            Tag {
                upos: "NOUN",
                xpos: "NN"
            }
        );
    }

    #[test]
    fn training_is_deterministic() {
        let gold = treebank();
        let save = |t: &Tagger| {
            let mut b = Vec::new();
            t.save(&mut b, 0.0).unwrap();
            b
        };
        let a = Tagger::train(&gold, &gold, 2, &Clusters::default(), |_, _| {});
        let b = Tagger::train(&gold, &gold, 2, &Clusters::default(), |_, _| {});
        assert_eq!(save(&a), save(&b));
    }

    #[test]
    fn clusters_tag_unseen_words_like_the_words_they_cluster_with() {
        // One-word sentences of made-up words, few enough that none goes to the tag
        // dictionary: only a cluster can tell two unseen words apart.
        let mut text = String::new();
        for k in 0..3 {
            for (word, upos, xpos) in [
                ("zorb", "NOUN", "NN"),
                ("plim", "VERB", "VBD"),
                ("quil", "NOUN", "NN"),
                ("vask", "VERB", "VBD"),
            ] {
                text.push_str(&format!(
                    "# sent_id = {word}{k}\n1\t{word}\t_\t{upos}\t{xpos}\t_\t0\troot\t_\t_\n\n"
                ));
            }
        }
        let sentences = read_conllu(text.as_bytes()).unwrap();
        let clusters = Clusters::read_brown(
            "0110\tzorb\t9\n0110\tquil\t9\n0110\tgart\t9\n1011\tplim\t9\n1011\tvask\t9\n1011\tmune\t9\n"
                .as_bytes(),
            1,
            "test clusters",
        )
        .unwrap();
        let tagger = Tagger::train(&sentences, &[], 5, &clusters, |_, _| {});
        let mut bytes = Vec::new();
        tagger.save(&mut bytes, 0.0).unwrap();
        let loaded = Tagger::load(&bytes).unwrap();
        assert_eq!(loaded.clusters(), &clusters);
        assert_eq!(loaded.tag(&["gart"])[0].xpos, "NN");
        assert_eq!(loaded.tag(&["mune"])[0].xpos, "VBD");
    }

    #[test]
    fn corrupt_models_are_refused() {
        assert!(Tagger::load(b"nonsense").is_err());
        let mut bytes = Vec::new();
        Tagger::train(&treebank(), &[], 1, &Clusters::default(), |_, _| {})
            .save(&mut bytes, 0.0)
            .unwrap();
        assert!(Tagger::load(&bytes[..bytes.len() - 3]).is_err());
    }

    #[test]
    fn shipped_model_loads_and_tags_a_sentence() {
        let tags = shipped().tag(&["The", "minister", "rejected", "the", "offer", "."]);
        let upos: Vec<&str> = tags.iter().map(|t| t.upos).collect();
        assert_eq!(upos, ["DET", "NOUN", "VERB", "DET", "NOUN", "PUNCT"]);
        assert_eq!(tags[2].xpos, "VBD");
    }

    #[test]
    fn shapes_fold_case_and_digits() {
        let shaped = |word: &str| {
            let mut out = String::from("stale");
            shape(word, &mut out);
            out
        };
        assert_eq!(shaped("Veldora"), "Xxxxx");
        assert_eq!(shaped("U.S."), "X.X.");
        assert_eq!(shaped("2031"), "dddd");
    }
}
