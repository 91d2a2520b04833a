//! The words a text is about, as hashed, weighted terms.
//!
//! A term is a lower-cased word of two or more letters that is not a function word,
//! with a plural `s` dropped; words written with a capital inside a sentence (names)
//! weigh more, and each run of two capitalised words ("Boko Haram", "Gaza Strip") adds
//! one more term for the pair. Terms are 64-bit hashes: stories keep millions of term
//! weights and never need the words back.

use crate::cluster::{Decoder, Encoder};
use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

/// A sparse vector: (term, weight), sorted by term, each term once.
pub type Vector = Vec<(u64, f32)>;

/// How a text's words become raw term counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TermWeights {
    /// The count a capitalised word inside a sentence adds (a plain word adds 1).
    pub name: f32,
    /// The count of the term for a pair of adjacent capitalised words (0: none).
    pub name_pair: f32,
}

impl TermWeights {
    /// Plain bag of words: every kept word counts 1, no pairs (the baseline's terms).
    pub const PLAIN: TermWeights = TermWeights {
        name: 1.0,
        name_pair: 0.0,
    };
}

/// Raw term counts of `text`, sorted by term.
pub fn term_counts(text: &str, weights: TermWeights) -> Vector {
    let mut counts: FxHashMap<u64, f32> = FxHashMap::default();
    let mut sentence_start = true;
    let mut previous_name: Option<String> = None;
    let mut word = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if !c.is_alphanumeric() {
            if matches!(c, '.' | '!' | '?' | ':' | '\n') {
                sentence_start = true;
                previous_name = None;
            } else if !c.is_whitespace() && !matches!(c, '\'' | '’' | '-') {
                previous_name = None;
            }
            continue;
        }
        word.clear();
        word.push(c);
        while let Some(&(_, next)) = chars.peek() {
            if next.is_alphanumeric() {
                word.push(next);
                chars.next();
            } else {
                break;
            }
        }
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        let is_name = capitalised && !sentence_start;
        sentence_start = false;
        let lower = word.to_lowercase();
        let Some(stem) = keep(&lower) else {
            previous_name = None;
            continue;
        };
        let hash = xxh3_64(stem.as_bytes());
        *counts.entry(hash).or_default() += if is_name { weights.name } else { 1.0 };
        if capitalised {
            if let Some(previous) = previous_name.take()
                && weights.name_pair > 0.0
            {
                let pair = format!("{previous} {stem}");
                *counts.entry(xxh3_64(pair.as_bytes())).or_default() += weights.name_pair;
            }
            previous_name = Some(stem.to_string());
        } else {
            previous_name = None;
        }
    }
    let mut vector: Vector = counts.into_iter().collect();
    vector.sort_unstable_by_key(|&(term, _)| term);
    vector
}

/// The term a lower-cased word stands for, or `None` for a word that says nothing
/// about what a text is about.
fn keep(word: &str) -> Option<&str> {
    if word.len() < 2 || word.bytes().all(|b| b.is_ascii_digit()) || is_stop_word(word) {
        return None;
    }
    // A plural and its singular are one term ("protests", "protest"); "ss", "us" and
    // "is" endings are not plurals.
    let stem = match word.strip_suffix('s') {
        Some(stem)
            if stem.len() >= 3
                && !stem.ends_with('s')
                && !stem.ends_with('u')
                && !stem.ends_with('i') =>
        {
            stem
        }
        _ => word,
    };
    Some(stem)
}

fn is_stop_word(word: &str) -> bool {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| STOP_WORDS.iter().copied().collect())
        .contains(word)
}

/// Function words and the verbs of reporting that every news text uses.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "against",
    "all",
    "also",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "during",
    "each",
    "for",
    "from",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "his",
    "how",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "more",
    "most",
    "new",
    "no",
    "not",
    "of",
    "on",
    "one",
    "or",
    "other",
    "our",
    "out",
    "over",
    "said",
    "say",
    "says",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "two",
    "under",
    "up",
    "us",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "will",
    "with",
    "would",
    "you",
    "your",
    "according",
    "announce",
    "announces",
    "announced",
    "report",
    "reports",
    "reported",
    "least",
    "amid",
    "since",
    "until",
    "near",
    "three",
    "four",
    "five",
    "first",
    "last",
    "year",
    "years",
    "day",
    "days",
    "week",
    "month",
    "months",
    "people",
    "state",
    "states",
    "officials",
    "official",
    "news",
    "today",
    "yesterday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "mr",
    "ms",
    "just",
    "only",
    "made",
    "make",
    "makes",
    "take",
    "takes",
    "took",
    "off",
    "still",
    "now",
    "because",
    "per",
    "cent",
    "percent",
    "many",
    "several",
    "number",
];

/// Dot product of two vectors, each sorted by term (their cosine when both are unit
/// vectors).
pub fn dot(a: &[(u64, f32)], b: &[(u64, f32)]) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Scales a vector to unit length (a zero vector stays zero).
pub fn normalise(vector: &mut Vector) {
    let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|(_, w)| *w /= norm);
    }
}

/// Document frequencies that grow one document at a time: the inverse document
/// frequency of a term only ever reflects the documents added so far, which is what
/// keeps a weighting as of a day free of later news.
#[derive(Debug, Default, Clone)]
pub struct DocumentFrequencies {
    documents: u32,
    counts: FxHashMap<u64, u32>,
}

impl DocumentFrequencies {
    pub fn add(&mut self, counts: &[(u64, f32)]) {
        self.documents += 1;
        for &(term, _) in counts {
            *self.counts.entry(term).or_default() += 1;
        }
    }

    pub(crate) fn encode(&self, out: &mut Encoder) {
        out.u32(self.documents);
        out.u32(self.counts.len() as u32);
        for (term, n) in crate::cluster::sorted(&self.counts) {
            out.u64(term);
            out.u32(n);
        }
    }

    pub(crate) fn decode(input: &mut Decoder) -> Option<DocumentFrequencies> {
        let documents = input.u32()?;
        let n = input.u32()? as usize;
        let mut counts = FxHashMap::default();
        counts.reserve(n.min(input.0.len() / 12));
        for _ in 0..n {
            counts.insert(input.u64()?, input.u32()?);
        }
        Some(DocumentFrequencies { documents, counts })
    }

    /// Smoothed inverse document frequency, ln((N + 1) / (df + 1)) + 1.
    pub fn idf(&self, term: u64) -> f32 {
        let df = self.counts.get(&term).copied().unwrap_or(0) as f32;
        ((self.documents as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// Sublinear TF-IDF of raw counts, scaled to unit length.
    pub fn weigh(&self, counts: &[(u64, f32)]) -> Vector {
        let mut vector: Vector = counts
            .iter()
            .map(|&(term, count)| (term, (1.0 + count.ln()) * self.idf(term)))
            .collect();
        normalise(&mut vector);
        vector
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> usize {
        term_counts(text, TermWeights::PLAIN).len()
    }

    #[test]
    fn function_words_numbers_and_plurals_do_not_make_terms() {
        assert_eq!(words("The 2011 protests and the protest"), 1);
        assert_eq!(words("of the and"), 0);
        // "crisis" and "status" keep their s.
        let crisis = term_counts("crisis", TermWeights::PLAIN);
        let crisi = term_counts("crisi", TermWeights::PLAIN);
        assert_ne!(crisis[0].0, crisi[0].0);
    }

    #[test]
    fn names_inside_a_sentence_weigh_more_and_pairs_add_a_term() {
        let weights = TermWeights {
            name: 2.0,
            name_pair: 1.0,
        };
        let counts = term_counts("Rebels of Boko Haram attack. Boko villages", weights);
        // rebel, boko, haram, "boko haram", attack, village.
        assert_eq!(counts.len(), 6);
        let boko = counts
            .iter()
            .find(|(t, _)| *t == xxh3_64(b"boko"))
            .unwrap()
            .1;
        // Once inside a sentence (2), once starting one (1).
        assert_eq!(boko, 3.0);
    }

    #[test]
    fn cosine_of_a_unit_vector_with_itself_is_one() {
        let mut df = DocumentFrequencies::default();
        let counts = term_counts("Floods hit the coast of Mozambique", TermWeights::PLAIN);
        df.add(&counts);
        let vector = df.weigh(&counts);
        assert!((dot(&vector, &vector) - 1.0).abs() < 1e-5);
    }
}
