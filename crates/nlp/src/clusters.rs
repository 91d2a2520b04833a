//! Brown word clusters: each word's path in a binary merge tree learned from a large
//! newswire corpus, whose prefixes are coarser and coarser word classes.
//!
//! Why: a tagger trained on 12.5k web-text sentences has never seen most words of
//! news ("condemns", "reaffirms", "commences"); from their suffix alone it calls
//! them plural nouns, and a present-tense headline loses its verb. Clusters learned
//! from 41M words of Reuters put such a word beside the verbs it behaves like, so a
//! feature of its cluster carries what the treebank could not teach (Koo et al. 2008;
//! Turian et al. 2010, whose RCV1 clustering the shipped tagger reads).
//!
//! Only words seen `min_freq` times in the clustering corpus are kept (the rare ones
//! add size, and their paths are unreliable). Lookup is by the word as written, then
//! lower-cased. Paths are interned: a model stores each of the 1000 paths once and a
//! `u16` per word.

use std::io::{self, BufRead, Write};

use rustc_hash::FxHashMap;

use crate::binary::{read_strs, read_u16_map, write_strs, write_u16_map};

/// Words → their cluster's bit-string path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clusters {
    paths: Vec<String>,
    of_word: FxHashMap<String, u16>,
}

/// The prefix lengths features read: coarse to fine, as Turian et al. and Ratinov &
/// Roth used them.
pub const PREFIXES: [usize; 4] = [4, 6, 10, 20];

impl Clusters {
    /// Reads the `PATH<TAB>WORD<TAB>FREQ` lines of a Brown clustering, keeping words
    /// seen at least `min_freq` times. `source` names the input in errors.
    pub fn read_brown(input: impl BufRead, min_freq: u64, source: &str) -> Result<Self, String> {
        let mut clusters = Clusters::default();
        let mut path_ids: FxHashMap<String, u16> = FxHashMap::default();
        for (n, line) in input.lines().enumerate() {
            let line = line.map_err(|e| format!("{source}:{}: {e}", n + 1))?;
            if line.is_empty() {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(path), Some(word), Some(freq)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(format!(
                    "{source}:{}: expected PATH<TAB>WORD<TAB>FREQ",
                    n + 1
                ));
            };
            if path.is_empty() || !path.bytes().all(|b| b == b'0' || b == b'1') {
                return Err(format!(
                    "{source}:{}: path {path:?} is not a bit string",
                    n + 1
                ));
            }
            let freq: u64 = freq
                .trim()
                .parse()
                .map_err(|_| format!("{source}:{}: frequency {freq:?} is not a number", n + 1))?;
            if freq < min_freq {
                continue;
            }
            let next = clusters.paths.len();
            let id = *path_ids.entry(path.to_string()).or_insert_with(|| {
                clusters.paths.push(path.to_string());
                next as u16
            });
            if clusters.paths.len() > usize::from(u16::MAX) {
                return Err(format!("{source}: more than {} clusters", u16::MAX));
            }
            clusters.of_word.entry(word.to_string()).or_insert(id);
        }
        Ok(clusters)
    }

    /// The path of `word` as written, else lower-cased.
    pub fn path(&self, word: &str) -> Option<&str> {
        let id = self.of_word.get(word).or_else(|| {
            word.chars()
                .any(char::is_uppercase)
                .then(|| self.of_word.get(&word.to_lowercase()))
                .flatten()
        })?;
        Some(&self.paths[usize::from(*id)])
    }

    pub fn len(&self) -> usize {
        self.of_word.len()
    }

    pub fn is_empty(&self) -> bool {
        self.of_word.is_empty()
    }

    /// Each word's path ("" when it has none), or `None` when there are no clusters
    /// at all: what a model's features read for one sentence.
    pub fn paths_of<'c, S: AsRef<str>>(&'c self, words: &[S]) -> Option<Vec<&'c str>> {
        (!self.is_empty()).then(|| {
            words
                .iter()
                .map(|w| self.path(w.as_ref()).unwrap_or(""))
                .collect()
        })
    }

    /// Writes the clusters deterministically (words sorted).
    pub fn save(&self, out: &mut impl Write) -> io::Result<()> {
        write_strs(out, &self.paths)?;
        write_u16_map(out, &self.of_word)
    }

    /// Reads what [`Clusters::save`] wrote.
    pub fn load(r: &mut &[u8]) -> io::Result<Self> {
        let paths = read_strs(r)?;
        let words = read_u16_map(r)?;
        if words.iter().any(|(_, id)| usize::from(*id) >= paths.len()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "cluster id out of range",
            ));
        }
        Ok(Clusters {
            paths,
            of_word: words.into_iter().collect(),
        })
    }
}

/// The first `n` bits of the path of word `j` of a sentence's `paths`, or `outside`
/// before its first word and after its last.
pub fn path_prefix<'p>(paths: &[&'p str], j: isize, n: usize, outside: &'p str) -> &'p str {
    usize::try_from(j)
        .ok()
        .and_then(|j| paths.get(j))
        .map_or(outside, |p| &p[..p.len().min(n)])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str =
        "0110\tVeldora\t40\n0110\tGondor\t2\n111101\tcondemns\t93\n111101\trebukes\t9\n";

    #[test]
    fn keeps_frequent_words_and_falls_back_to_lower_case() {
        let clusters = Clusters::read_brown(SAMPLE.as_bytes(), 5, "sample").unwrap();
        assert_eq!(clusters.len(), 3);
        assert_eq!(clusters.path("Veldora"), Some("0110"));
        assert_eq!(clusters.path("Gondor"), None, "below the frequency floor");
        assert_eq!(clusters.path("Condemns"), Some("111101"));
        assert_eq!(clusters.path("rebukes"), clusters.path("condemns"));
    }

    #[test]
    fn saves_and_loads_back_identical() {
        let clusters = Clusters::read_brown(SAMPLE.as_bytes(), 1, "sample").unwrap();
        let mut bytes = Vec::new();
        clusters.save(&mut bytes).unwrap();
        let loaded = Clusters::load(&mut bytes.as_slice()).unwrap();
        assert_eq!(loaded, clusters);
    }

    #[test]
    fn a_bad_line_names_its_place() {
        let err =
            Clusters::read_brown("0110\tVeldora\t40\n01x\tGondor\t2\n".as_bytes(), 1, "c.txt")
                .unwrap_err();
        assert!(err.starts_with("c.txt:2:"), "{err}");
    }
}
