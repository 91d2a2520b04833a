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
//!
//! Paths can also be cut from word vectors ([`Clusters::from_embeddings`], GloVe):
//! the words are split in two again and again (bisecting 2-means, started from the
//! principal direction, so the result is the same on every run), and each split adds
//! one bit. The paths then read like Brown's (a prefix is a coarser class), so the
//! models' features stay the same; what changes is what the classes know. GloVe was
//! trained on 6B words of Wikipedia and newswire, and a given name sits among given
//! names and surnames there, where RCV1's Brown clusters put some beside common
//! nouns ("Sabine" with "chief", docs/EVALUATION.md).

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
            clusters.insert(&mut path_ids, word, path, source)?;
        }
        Ok(clusters)
    }

    /// Paths cut from word vectors: the first `max_words` lines of a GloVe text file
    /// (`WORD V1 … Vn`, most frequent first), split by bisecting 2-means on unit
    /// vectors until a cluster holds fewer than `2 × min_leaf` words (or 24 bits).
    /// `source` names the input in errors.
    pub fn from_embeddings(
        input: impl BufRead,
        max_words: usize,
        min_leaf: usize,
        source: &str,
    ) -> Result<Self, String> {
        let mut words: Vec<String> = Vec::new();
        let mut vectors: Vec<f32> = Vec::new();
        let mut dims = 0;
        for (n, line) in input.lines().enumerate() {
            if words.len() >= max_words {
                break;
            }
            let line = line.map_err(|e| format!("{source}:{}: {e}", n + 1))?;
            let mut fields = line.split(' ');
            let word = fields.next().unwrap_or_default();
            let start = vectors.len();
            for field in fields {
                let value: f32 = field
                    .parse()
                    .map_err(|_| format!("{source}:{}: {field:?} is not a number", n + 1))?;
                vectors.push(value);
            }
            let found = vectors.len() - start;
            if dims == 0 {
                dims = found;
            }
            if word.is_empty() || found == 0 || found != dims {
                return Err(format!(
                    "{source}:{}: expected a word and {} numbers, found {found}",
                    n + 1,
                    dims.max(1)
                ));
            }
            let norm = vectors[start..].iter().map(|v| v * v).sum::<f32>().sqrt();
            if norm > 0.0 {
                vectors[start..].iter_mut().for_each(|v| *v /= norm);
            }
            words.push(word.to_string());
        }
        if words.is_empty() {
            return Err(format!("{source}: no word vectors"));
        }
        let paths = bisect(&vectors, dims, min_leaf.max(1));
        let mut clusters = Clusters::default();
        let mut path_ids: FxHashMap<String, u16> = FxHashMap::default();
        for (word, path) in words.iter().zip(&paths) {
            clusters.insert(&mut path_ids, word, path, source)?;
        }
        Ok(clusters)
    }

    /// Gives `word` the path `path` (unless it has one), interning the path.
    fn insert(
        &mut self,
        path_ids: &mut FxHashMap<String, u16>,
        word: &str,
        path: &str,
        source: &str,
    ) -> Result<(), String> {
        let next = self.paths.len();
        let id = *path_ids.entry(path.to_string()).or_insert_with(|| {
            self.paths.push(path.to_string());
            next as u16
        });
        if self.paths.len() > usize::from(u16::MAX) {
            return Err(format!("{source}: more than {} clusters", u16::MAX));
        }
        self.of_word.entry(word.to_string()).or_insert(id);
        Ok(())
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

    /// How many distinct paths (classes) there are.
    pub fn classes(&self) -> usize {
        self.paths.len()
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

/// Each row's bit-string path (rows of `dims` values, unit length) in a tree made by
/// splitting in two until a part has fewer than `2 × min_leaf` rows.
fn bisect(vectors: &[f32], dims: usize, min_leaf: usize) -> Vec<String> {
    const MAX_BITS: usize = 24;
    let rows = vectors.len() / dims;
    let row = |i: u32| &vectors[i as usize * dims..(i as usize + 1) * dims];
    let mut paths = vec![String::new(); rows];
    // Depth first, with an explicit stack: (rows of the part, its path).
    let mut stack: Vec<(Vec<u32>, String)> = vec![((0..rows as u32).collect(), String::new())];
    while let Some((part, path)) = stack.pop() {
        let halves = (part.len() >= 2 * min_leaf && path.len() < MAX_BITS)
            .then(|| split_in_two(&part, dims, row))
            .flatten();
        match halves {
            Some((zero, one)) => {
                stack.push((one, format!("{path}1")));
                stack.push((zero, format!("{path}0")));
            }
            None => {
                let leaf = if path.is_empty() {
                    "0".to_string()
                } else {
                    path
                };
                for &i in &part {
                    paths[i as usize] = leaf.clone();
                }
            }
        }
    }
    paths
}

/// 2-means over `part`, started by the sign of each row along the part's principal
/// direction (power iteration from a fixed vector: no randomness). `None` when every
/// row falls on one side.
fn split_in_two<'v>(
    part: &[u32],
    dims: usize,
    row: impl Fn(u32) -> &'v [f32],
) -> Option<(Vec<u32>, Vec<u32>)> {
    let mut mean = vec![0f64; dims];
    for &i in part {
        mean.iter_mut()
            .zip(row(i))
            .for_each(|(m, v)| *m += f64::from(*v));
    }
    mean.iter_mut().for_each(|m| *m /= part.len() as f64);
    let centred = |i: u32, d: usize| f64::from(row(i)[d]) - mean[d];
    let mut direction = vec![1.0 / (dims as f64).sqrt(); dims];
    for _ in 0..20 {
        let mut next = vec![0f64; dims];
        for &i in part {
            let along: f64 = (0..dims).map(|d| centred(i, d) * direction[d]).sum();
            next.iter_mut()
                .enumerate()
                .for_each(|(d, n)| *n += along * centred(i, d));
        }
        let norm = next.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm == 0.0 {
            return None;
        }
        direction = next.into_iter().map(|v| v / norm).collect();
    }
    let mut side: Vec<bool> = part
        .iter()
        .map(|&i| (0..dims).map(|d| centred(i, d) * direction[d]).sum::<f64>() > 0.0)
        .collect();
    for _ in 0..8 {
        let mut centroids = [vec![0f64; dims], vec![0f64; dims]];
        let mut counts = [0usize; 2];
        for (&i, &s) in part.iter().zip(&side) {
            counts[usize::from(s)] += 1;
            centroids[usize::from(s)]
                .iter_mut()
                .zip(row(i))
                .for_each(|(c, v)| *c += f64::from(*v));
        }
        if counts.contains(&0) {
            return None;
        }
        for (c, n) in centroids.iter_mut().zip(counts) {
            c.iter_mut().for_each(|v| *v /= n as f64);
        }
        let distance = |i: u32, c: &[f64]| -> f64 {
            row(i)
                .iter()
                .zip(c)
                .map(|(v, c)| (f64::from(*v) - c).powi(2))
                .sum()
        };
        let next: Vec<bool> = part
            .iter()
            .map(|&i| distance(i, &centroids[1]) < distance(i, &centroids[0]))
            .collect();
        if next == side {
            break;
        }
        side = next;
    }
    let (mut zero, mut one) = (Vec::new(), Vec::new());
    for (&i, &s) in part.iter().zip(&side) {
        if s { one.push(i) } else { zero.push(i) }
    }
    (!zero.is_empty() && !one.is_empty()).then_some((zero, one))
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
    fn vectors_split_into_paths_that_group_near_words() {
        let glove = "north 1 0.1 0\nsouth 0.9 0.2 0\nbread 0 0 1\nrice 0.1 0 0.9\n\
                     east 1 0 0.1\nmilk 0 0.1 1\n";
        let clusters = Clusters::from_embeddings(glove.as_bytes(), 100, 1, "g").unwrap();
        assert_eq!(clusters.len(), 6);
        let top = |w: &str| clusters.path(w).unwrap()[..1].to_string();
        assert_eq!(top("north"), top("South"));
        assert_eq!(top("north"), top("east"));
        assert_eq!(top("bread"), top("rice"));
        assert_ne!(top("north"), top("milk"));
        let again = Clusters::from_embeddings(glove.as_bytes(), 100, 1, "g").unwrap();
        assert_eq!(again, clusters, "the same vectors give the same paths");
        let first_two = Clusters::from_embeddings(glove.as_bytes(), 2, 1, "g").unwrap();
        assert_eq!(first_two.len(), 2);
        let err = Clusters::from_embeddings("a 1 2\nb 1\n".as_bytes(), 10, 1, "g.txt").unwrap_err();
        assert!(err.starts_with("g.txt:2:"), "{err}");
    }

    #[test]
    fn a_bad_line_names_its_place() {
        let err =
            Clusters::read_brown("0110\tVeldora\t40\n01x\tGondor\t2\n".as_bytes(), 1, "c.txt")
                .unwrap_err();
        assert!(err.starts_with("c.txt:2:"), "{err}");
    }
}
