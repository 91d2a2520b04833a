//! Lemmas: a lookup of words seen in training, then suffix rules by part of speech.
//!
//! Training collects, for every `(lower-cased form, UPOS)`, its most frequent lemma,
//! and for every `(UPOS, last 1–4 letters)` the most frequent *edit* that turns a form
//! into its lemma (cut k letters, append a string: `studies → study` is "cut 3, add
//! y"). An unseen word takes the edit of its longest known suffix. Proper nouns and
//! numbers keep their form. Deterministic, a few hundred kilobytes, millions of words
//! a second.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use rustc_hash::FxHashMap;

use crate::conllu::Sentence;
use crate::perceptron::{check_magic, prefix, read_str, read_u32, suffix, write_str, write_u32};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lemmatizer {
    /// `form\tUPOS` → lemma. (Fx maps: looked up for every word, and written
    /// sorted, so no output depends on the hasher.)
    known: FxHashMap<String, String>,
    /// `UPOS\tsuffix` → (letters to cut, string to append).
    rules: FxHashMap<String, (u8, String)>,
}

const MAGIC: &[u8; 8] = b"DLLEM\x00\x00\x01";
const MAX_SUFFIX: usize = 4;

shipped_model!(Lemmatizer, "lemmas.bin");

impl Lemmatizer {
    /// The lemma of `form` with part of speech `upos`.
    pub fn lemma(&self, form: &str, upos: &str) -> String {
        if matches!(upos, "PROPN" | "NUM" | "PUNCT" | "SYM" | "X") {
            return form.to_string();
        }
        let lower = form.to_lowercase();
        // One buffer for every key looked up.
        let mut key = String::with_capacity(lower.len() + upos.len() + MAX_SUFFIX * 4 + 1);
        key.push_str(&lower);
        key.push('\t');
        key.push_str(upos);
        if let Some(lemma) = self.known.get(&key) {
            return lemma.clone();
        }
        let n_chars = lower.chars().count();
        for n in (1..=MAX_SUFFIX.min(n_chars)).rev() {
            key.clear();
            key.push_str(upos);
            key.push('\t');
            key.push_str(suffix(&lower, n));
            if let Some((cut, add)) = self.rules.get(&key) {
                let keep = n_chars.saturating_sub(*cut as usize);
                if keep == 0 {
                    break;
                }
                return prefix(&lower, keep).to_string() + add;
            }
        }
        lower
    }

    /// Learns from a treebank's forms, UPOS tags and lemmas.
    pub fn train(train: &[Sentence]) -> Lemmatizer {
        let mut known: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
        let mut rules: HashMap<String, BTreeMap<(u8, String), usize>> = HashMap::new();
        for word in train.iter().flat_map(|s| &s.words) {
            if word.lemma == "_" {
                continue;
            }
            let lower = word.form.to_lowercase();
            // Known words keep the treebank's lemma as written ("I"); suffix edits are
            // learned in lower case, since they apply to unseen lower-cased forms.
            *known
                .entry(format!("{lower}\t{}", word.upos))
                .or_default()
                .entry(word.lemma.clone())
                .or_default() += 1;
            let edit = edit(&lower, &word.lemma.to_lowercase());
            let chars: Vec<char> = lower.chars().collect();
            for n in 1..=MAX_SUFFIX.min(chars.len()) {
                let suffix: String = chars[chars.len() - n..].iter().collect();
                *rules
                    .entry(format!("{}\t{suffix}", word.upos))
                    .or_default()
                    .entry(edit.clone())
                    .or_default() += 1;
            }
        }
        Lemmatizer {
            known: known
                .into_iter()
                .filter_map(|(k, c)| most_frequent(&c).map(|l| (k, l)))
                .collect(),
            rules: rules
                .into_iter()
                .filter_map(|(k, c)| most_frequent(&c).map(|e| (k, e)))
                .collect(),
        }
    }

    /// Lemma accuracy on gold words with their gold UPOS, or with `upos` given.
    pub fn accuracy(&self, gold: &[Sentence], upos: impl Fn(&Sentence) -> Vec<String>) -> f64 {
        let (mut right, mut total) = (0usize, 0usize);
        for sentence in gold {
            for (word, tag) in sentence.words.iter().zip(upos(sentence)) {
                right += usize::from(self.lemma(&word.form, &tag) == word.lemma);
                total += 1;
            }
        }
        right as f64 / total.max(1) as f64
    }

    pub fn save(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(MAGIC)?;
        let mut known: Vec<(&String, &String)> = self.known.iter().collect();
        known.sort();
        write_u32(out, known.len() as u32)?;
        for (key, lemma) in known {
            write_str(out, key)?;
            write_str(out, lemma)?;
        }
        let mut rules: Vec<(&String, &(u8, String))> = self.rules.iter().collect();
        rules.sort();
        write_u32(out, rules.len() as u32)?;
        for (key, (cut, add)) in rules {
            write_str(out, key)?;
            out.write_all(&[*cut])?;
            write_str(out, add)?;
        }
        Ok(())
    }

    pub fn load(bytes: &[u8]) -> Result<Lemmatizer, String> {
        let mut r = bytes;
        check_magic(&mut r, MAGIC, "lemma")?;
        let truncated = |_| "truncated lemma model".to_string();
        let n = read_u32(&mut r).map_err(truncated)? as usize;
        let mut known = FxHashMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let key = read_str(&mut r).map_err(truncated)?;
            known.insert(key, read_str(&mut r).map_err(truncated)?);
        }
        let n = read_u32(&mut r).map_err(truncated)? as usize;
        let mut rules = FxHashMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let key = read_str(&mut r).map_err(truncated)?;
            let mut cut = [0u8; 1];
            io::Read::read_exact(&mut r, &mut cut).map_err(truncated)?;
            rules.insert(key, (cut[0], read_str(&mut r).map_err(truncated)?));
        }
        Ok(Lemmatizer { known, rules })
    }
}

/// The most frequent key; ties go to the smallest key, so the choice never depends on
/// hash order.
fn most_frequent<K: Ord + Clone>(counts: &BTreeMap<K, usize>) -> Option<K> {
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(k, _)| k.clone())
}

/// The edit that turns `form` into `lemma`: letters to cut from the end of `form`,
/// then the string to append.
fn edit(form: &str, lemma: &str) -> (u8, String) {
    let f: Vec<char> = form.chars().collect();
    let l: Vec<char> = lemma.chars().collect();
    let common = f.iter().zip(&l).take_while(|(a, b)| a == b).count();
    (
        (f.len() - common).min(255) as u8,
        l[common..].iter().collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu::read_conllu;

    fn treebank() -> Vec<Sentence> {
        let rows = [
            ("Envoys", "envoy", "NOUN"),
            ("studied", "study", "VERB"),
            ("the", "the", "DET"),
            ("studies", "study", "NOUN"),
            ("and", "and", "CCONJ"),
            ("carried", "carry", "VERB"),
            ("flags", "flag", "NOUN"),
            ("Marrowick", "Marrowick", "PROPN"),
        ];
        let mut text = String::new();
        for (i, (form, lemma, upos)) in rows.iter().enumerate() {
            text.push_str(&format!(
                "{}\t{form}\t{lemma}\t{upos}\t_\t_\t0\tdep\t_\t_\n",
                i + 1
            ));
        }
        read_conllu(format!("{text}\n").as_bytes()).unwrap()
    }

    #[test]
    fn looks_up_known_words_and_generalises_suffixes() {
        let lemmatizer = Lemmatizer::train(&treebank());
        assert_eq!(lemmatizer.lemma("Envoys", "NOUN"), "envoy");
        assert_eq!(
            lemmatizer.lemma("married", "VERB"),
            "marry",
            "an unseen -ied verb"
        );
        assert_eq!(lemmatizer.lemma("ferries", "NOUN"), "ferry");
        assert_eq!(lemmatizer.lemma("Strenholt", "PROPN"), "Strenholt");
        let mut bytes = Vec::new();
        lemmatizer.save(&mut bytes).unwrap();
        assert_eq!(Lemmatizer::load(&bytes).unwrap(), lemmatizer);
    }

    #[test]
    fn edits_cut_and_append() {
        assert_eq!(edit("studies", "study"), (3, "y".into()));
        assert_eq!(edit("went", "go"), (4, "go".into()));
        assert_eq!(edit("flag", "flag"), (0, String::new()));
    }

    #[test]
    fn shipped_model_lemmatises_news_words() {
        let l = shipped();
        assert_eq!(l.lemma("talks", "NOUN"), "talk");
        assert_eq!(l.lemma("said", "VERB"), "say");
        assert_eq!(l.lemma("negotiations", "NOUN"), "negotiation");
        assert_eq!(l.lemma("was", "AUX"), "be");
    }
}
