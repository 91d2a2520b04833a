//! The averaged perceptron shared by the tagger and the entity recogniser: sparse
//! weights keyed by feature hash, lazy averaging during training, and a compact
//! deterministic binary form.

use std::collections::HashMap;
use std::io::{self, Read, Write};

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Trained weights: feature hash → `(class, weight)` for the classes training ever
/// touched with that feature.
///
/// Why this layout: scoring was 64% of `dateline extract` in a profile, and nearly
/// all of it was waiting for memory: a feature's map bucket, then its own heap `Vec`
/// of entries (`FxHashMap<u64, Vec<(u16, f32)>>`). Here one open-addressing table
/// (linear probing, at most three quarters full, 16-byte slots) holds each feature's
/// key and where its entries are, and the entries of all features lie back to back
/// in two arrays: weights, and class ids in one byte each when the model has at most
/// 256 classes (all shipped models do), so an entry takes 5 bytes where it took 8.
///
/// [`Weights::score`] works in passes over an instance's features: touch each
/// feature's slot, find each feature's entries, touch them once per cache line, and
/// only then add. The touches wait on nothing, so the misses of all features overlap
/// instead of coming one after another. What each step measured (one core, parser
/// on the EWT test set): the flat table alone, no faster; the passes, ≈ 1.8×;
/// 6-byte entries, +10–20%; 1-byte classes, +15%; touching slots first, +5–10%.
/// Memory is what counts. Dense per-feature rows (SIMD adds over all classes)
/// measured no faster: a feature found carries about a third of the ~100 classes,
/// so rows mean more memory to read for fewer additions. Altogether, with the
/// allocation-free features of the tagger and the recogniser (`dateline eval`, EWT
/// test, median of 5): parser 93k → 202k words/s, tagger 380k → 787k, recogniser
/// with its tagging 205k → 328k; `dateline extract` twice as fast.
///
/// Sums are unchanged bit for bit: every class still receives its weights in feature
/// order. The layout is a function of the contents (features in hash order, each
/// feature's entries in class order), so equal weights compare equal.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Weights {
    /// Power-of-two length (or empty); an empty slot has `len` 0.
    slots: Vec<Slot>,
    /// The entries of every feature, features in hash order, each in class order.
    classes: Classes,
    weights: Vec<f32>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Slot {
    key: u64,
    /// The feature's entries: `classes[start..start + len]` and the same in `weights`.
    start: u32,
    len: u32,
}

/// Class ids in one byte each when they all fit.
#[derive(Debug, Clone, PartialEq)]
enum Classes {
    Narrow(Vec<u8>),
    Wide(Vec<u16>),
}

impl Default for Classes {
    fn default() -> Self {
        Classes::Narrow(Vec::new())
    }
}

impl Weights {
    /// Adds the features' weights into `scores` (one slot per class).
    pub(crate) fn score(&self, features: &[u64], scores: &mut [f32]) {
        match &self.classes {
            Classes::Narrow(classes) => self.score_with(classes, features, scores),
            Classes::Wide(classes) => self.score_with(classes, features, scores),
        }
    }

    fn score_with<C: Copy>(&self, classes: &[C], features: &[u64], scores: &mut [f32])
    where
        usize: From<C>,
    {
        scores.iter_mut().for_each(|s| *s = 0.0);
        for chunk in features.chunks(64) {
            // Each pass issues its loads without waiting on any: the values touched
            // are thrown away, but the cache lines are there when needed.
            if !self.slots.is_empty() {
                let mask = self.slots.len() - 1;
                let mut touched = 0u64;
                for &f in chunk {
                    touched ^= self.slots[home(f, mask)].key;
                }
                std::hint::black_box(touched);
            }
            let mut found = [(0usize, 0usize); 64];
            for (place, &f) in found.iter_mut().zip(chunk) {
                *place = self.find(f);
            }
            let found = &found[..chunk.len()];
            let mut touched = 0u32;
            for &(start, len) in found {
                for k in (start..start + len).step_by(16) {
                    touched ^= self.weights[k].to_bits() ^ usize::from(classes[k]) as u32;
                }
            }
            std::hint::black_box(touched);
            for &(start, len) in found {
                let classes = &classes[start..start + len];
                let weights = &self.weights[start..start + len];
                for (&class, &weight) in classes.iter().zip(weights) {
                    scores[usize::from(class)] += weight;
                }
            }
        }
    }

    /// Where feature `f`'s entries are: `(start, len)`, `len` 0 when it has none.
    fn find(&self, f: u64) -> (usize, usize) {
        if self.slots.is_empty() {
            return (0, 0);
        }
        let mask = self.slots.len() - 1;
        let mut i = home(f, mask);
        loop {
            let slot = self.slots[i];
            if slot.len == 0 || slot.key == f {
                return (slot.start as usize, slot.len as usize);
            }
            i = (i + 1) & mask;
        }
    }

    /// Every feature with its entries, in hash order.
    fn features(&self) -> impl Iterator<Item = (u64, impl Iterator<Item = (u16, f32)>)> {
        let mut slots: Vec<&Slot> = self.slots.iter().filter(|s| s.len != 0).collect();
        slots.sort_by_key(|s| s.key);
        slots.into_iter().map(|s| {
            let range = s.start as usize..(s.start + s.len) as usize;
            let classes: Vec<u16> = match &self.classes {
                Classes::Narrow(c) => c[range.clone()].iter().map(|&c| u16::from(c)).collect(),
                Classes::Wide(c) => c[range.clone()].to_vec(),
            };
            (
                s.key,
                classes.into_iter().zip(self.weights[range].iter().copied()),
            )
        })
    }

    /// Writes features sorted by hash (deterministic bytes), dropping weights whose
    /// magnitude is below `min_weight`.
    pub(crate) fn write(&self, out: &mut impl Write, min_weight: f32) -> io::Result<()> {
        let features: Vec<(u64, Vec<(u16, f32)>)> = self
            .features()
            .map(|(f, entries)| {
                let kept = entries.filter(|(_, w)| w.abs() >= min_weight).collect();
                (f, kept)
            })
            .filter(|(_, e): &(u64, Vec<_>)| !e.is_empty())
            .collect();
        write_u32(out, features.len() as u32)?;
        for (feature, entries) in features {
            out.write_all(&feature.to_le_bytes())?;
            out.write_all(&[entries.len() as u8])?;
            for (class, weight) in entries {
                out.write_all(&class.to_le_bytes())?;
                out.write_all(&weight.to_le_bytes())?;
            }
        }
        Ok(())
    }

    /// Reads what [`Weights::write`] wrote, refusing class ids `>= n_classes`.
    pub(crate) fn read(r: &mut &[u8], n_classes: usize) -> Result<Weights, String> {
        let truncated = |_| "truncated model".to_string();
        let n_features = read_u32(r).map_err(truncated)? as usize;
        // Each feature takes 9 bytes and each entry 6: room enough from the start.
        let n_entries = r.len().saturating_sub(9 * n_features) / 6;
        let mut built = Builder::with_capacity(n_features, n_entries);
        for _ in 0..n_features {
            let mut f = [0u8; 8];
            r.read_exact(&mut f).map_err(truncated)?;
            let mut n = [0u8; 1];
            r.read_exact(&mut n).map_err(truncated)?;
            for _ in 0..n[0] {
                let class = read_u16(r).map_err(truncated)?;
                let mut w = [0u8; 4];
                r.read_exact(&mut w).map_err(truncated)?;
                if class as usize >= n_classes {
                    return Err(format!("class {class} out of range in model"));
                }
                built.entry(class, f32::from_le_bytes(w));
            }
            built.feature(u64::from_le_bytes(f));
        }
        Ok(built.finish())
    }
}

/// Collects features as they come (any order) and lays them out as [`Weights`].
struct Builder {
    /// `(feature, start, len)` into `classes` and `weights`, in the order given.
    index: Vec<(u64, usize, usize)>,
    classes: Vec<u16>,
    weights: Vec<f32>,
}

impl Builder {
    fn with_capacity(features: usize, entries: usize) -> Self {
        Self {
            index: Vec::with_capacity(features),
            classes: Vec::with_capacity(entries),
            weights: Vec::with_capacity(entries),
        }
    }

    /// One entry of the feature being collected.
    fn entry(&mut self, class: u16, weight: f32) {
        self.classes.push(class);
        self.weights.push(weight);
    }

    /// Ends a feature: `key` gets the entries added since the previous feature.
    fn feature(&mut self, key: u64) {
        let start = self.index.last().map_or(0, |&(_, start, len)| start + len);
        self.index.push((key, start, self.classes.len() - start));
    }

    fn finish(self) -> Weights {
        let Builder {
            mut index,
            classes,
            weights,
        } = self;
        // What inserting into a map in the given order leaves: the last entries of a
        // repeated feature (stable sort, then keep the later of equal keys).
        index.sort_by_key(|&(key, _, _)| key);
        index.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                *earlier = *later;
            }
            same
        });
        index.retain(|&(_, _, len)| len > 0);
        if index.is_empty() {
            return Weights::default();
        }
        let mut out = Weights {
            // At most three quarters full, and never full: a search stops at a gap.
            slots: vec![Slot::default(); (index.len() * 4 / 3 + 1).next_power_of_two()],
            classes: Classes::default(),
            weights: Vec::with_capacity(weights.len()),
        };
        let mut wide: Vec<u16> = Vec::with_capacity(classes.len());
        let mask = out.slots.len() - 1;
        let mut entries: Vec<(u16, f32)> = Vec::new();
        for (key, start, len) in index {
            entries.clear();
            entries.extend(
                classes[start..start + len]
                    .iter()
                    .copied()
                    .zip(weights[start..start + len].iter().copied()),
            );
            // Stable: a class listed twice keeps its order, so its sum does too.
            entries.sort_by_key(|&(class, _)| class);
            let mut i = home(key, mask);
            while out.slots[i].len != 0 {
                i = (i + 1) & mask;
            }
            out.slots[i] = Slot {
                key,
                start: u32::try_from(out.weights.len()).expect("fewer than 2^32 weights"),
                len: len as u32,
            };
            wide.extend(entries.iter().map(|&(class, _)| class));
            out.weights
                .extend(entries.iter().map(|&(_, weight)| weight));
        }
        out.classes = match wide.iter().map(|&c| u8::try_from(c)).collect() {
            Ok(narrow) => Classes::Narrow(narrow),
            Err(_) => Classes::Wide(wide),
        };
        out
    }
}

/// A feature's first slot. Keys are hashes already; Fibonacci hashing (the middle
/// bits of a multiplication) still spreads keys that differ only in high bits.
fn home(f: u64, mask: usize) -> usize {
    (f.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
}

/// Training-time weights with the running sums that averaging needs.
pub(crate) struct Trainer {
    /// feature → (class, weight, accumulated weight × time, last update)
    weights: HashMap<u64, Vec<(u16, f32, f64, u32)>>,
    instances: u32,
}

impl Trainer {
    pub(crate) fn new() -> Self {
        Self {
            weights: HashMap::new(),
            instances: 0,
        }
    }

    pub(crate) fn score(&self, features: &[u64], scores: &mut [f32]) {
        scores.iter_mut().for_each(|s| *s = 0.0);
        for f in features {
            if let Some(entries) = self.weights.get(f) {
                for &(class, weight, _, _) in entries {
                    scores[class as usize] += weight;
                }
            }
        }
    }

    /// One training instance: moves weight from `guess` to `truth` when they differ.
    pub(crate) fn update(&mut self, truth: u16, guess: u16, features: &[u64]) {
        self.next_instance();
        if truth != guess {
            self.add(truth, features, 1.0);
            self.add(guess, features, -1.0);
        }
    }

    /// Counts one training instance (averaging weighs weights by how many instances
    /// they lasted). Structured updates call this once per sentence, then [`Trainer::add`].
    pub(crate) fn next_instance(&mut self) {
        self.instances += 1;
    }

    /// Adds `delta` to the weight of `class` for each of `features`.
    pub(crate) fn add(&mut self, class: u16, features: &[u64], delta: f32) {
        let now = self.instances;
        for &f in features {
            let entries = self.weights.entry(f).or_default();
            match entries.iter_mut().find(|e| e.0 == class) {
                Some(e) => {
                    e.2 += f64::from(now - e.3) * f64::from(e.1);
                    e.3 = now;
                    e.1 += delta;
                }
                None => entries.push((class, delta, 0.0, now)),
            }
        }
    }

    /// The averaged weights (the trainer keeps training afterwards if asked).
    pub(crate) fn averaged(&self) -> Weights {
        let now = f64::from(self.instances.max(1));
        let mut built = Builder::with_capacity(self.weights.len(), 0);
        for (&f, entries) in &self.weights {
            for &(class, weight, total, stamp) in entries {
                let total = total + (now - f64::from(stamp)) * f64::from(weight);
                let averaged = (total / now) as f32;
                if averaged != 0.0 {
                    built.entry(class, averaged);
                }
            }
            built.feature(f);
        }
        built.finish()
    }
}

/// Builds one instance's feature hashes without allocating for each: a value is
/// hashed straight from its bytes, and a value joined from parts is assembled in one
/// reused buffer, giving the same hash its `format!`ted string would.
pub(crate) struct FeatureHashes<'a> {
    out: &'a mut Vec<u64>,
    joined: String,
}

impl<'a> FeatureHashes<'a> {
    /// Starts over: `out` is cleared.
    pub(crate) fn new(out: &'a mut Vec<u64>) -> Self {
        out.clear();
        Self {
            out,
            joined: String::with_capacity(64),
        }
    }

    /// The feature `value` of template `template`.
    pub(crate) fn add(&mut self, template: u64, value: &str) {
        self.out.push(xxh3_64_with_seed(value.as_bytes(), template));
    }

    /// The feature `parts` joined by `+`.
    pub(crate) fn add_joined(&mut self, template: u64, parts: &[&str]) {
        self.joined.clear();
        for (k, part) in parts.iter().enumerate() {
            if k > 0 {
                self.joined.push('+');
            }
            self.joined.push_str(part);
        }
        self.out
            .push(xxh3_64_with_seed(self.joined.as_bytes(), template));
    }
}

/// The first `n` characters of `word`.
pub(crate) fn prefix(word: &str, n: usize) -> &str {
    word.char_indices()
        .nth(n)
        .map_or(word, |(at, _)| &word[..at])
}

/// The last `n` characters of `word`.
pub(crate) fn suffix(word: &str, n: usize) -> &str {
    match n.checked_sub(1) {
        None => "",
        Some(k) => word
            .char_indices()
            .rev()
            .nth(k)
            .map_or(word, |(at, _)| &word[at..]),
    }
}

/// Index of the highest score among the classes `allowed` admits (ties: lowest id).
pub(crate) fn argmax_where(scores: &[f32], allowed: impl Fn(usize) -> bool) -> u16 {
    let mut best: Option<usize> = None;
    for (i, &s) in scores.iter().enumerate() {
        if allowed(i) && best.is_none_or(|b| s > scores[b]) {
            best = Some(i);
        }
    }
    best.unwrap_or(0) as u16
}

/// Fisher–Yates with splitmix64: the same order on every platform.
pub(crate) fn shuffle(order: &mut [usize], state: &mut u64) {
    for i in (1..order.len()).rev() {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        order.swap(i, (z % (i as u64 + 1)) as usize);
    }
}

pub(crate) use crate::binary::{check_magic, read_str, read_u16, read_u32, write_str, write_u32};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The layout this module replaced: a map from feature to its entries, scored
    /// feature by feature. Scores must come out the same to the bit.
    fn score_as_a_map(features: &[(u64, Vec<(u16, f32)>)], query: &[u64], n: usize) -> Vec<f32> {
        let map: HashMap<u64, &Vec<(u16, f32)>> = features.iter().map(|(f, e)| (*f, e)).collect();
        let mut scores = vec![0f32; n];
        for f in query {
            for &(class, weight) in map.get(f).into_iter().flat_map(|e| e.iter()) {
                scores[class as usize] += weight;
            }
        }
        scores
    }

    fn build(features: &[(u64, Vec<(u16, f32)>)]) -> Weights {
        let mut built = Builder::with_capacity(0, 0);
        for (f, entries) in features {
            for &(class, weight) in entries {
                built.entry(class, weight);
            }
            built.feature(*f);
        }
        built.finish()
    }

    #[test]
    fn tiny_tables_answer_for_absent_features() {
        for n in 0..4u64 {
            let features: Vec<_> = (0..n).map(|f| (f, vec![(1, 0.5)])).collect();
            let weights = build(&features);
            let mut scores = [0f32; 2];
            weights.score(&[99, 0], &mut scores);
            assert_eq!(scores, [0.0, if n > 0 { 0.5 } else { 0.0 }]);
        }
    }

    #[test]
    fn prefixes_and_suffixes_count_characters() {
        assert_eq!(prefix("élan", 2), "él");
        assert_eq!(prefix("ab", 5), "ab");
        assert_eq!(suffix("naïve", 3), "ïve");
        assert_eq!(suffix("ab", 5), "ab");
        assert_eq!(suffix("ab", 0), "");
        assert_eq!(prefix("ab", 0), "");
    }

    proptest! {
        #[test]
        fn scores_and_bytes_are_those_of_a_map(
            raw in prop::collection::vec(
                (0u64..64, prop::collection::vec((0u16..300, -4.0f32..4.0), 0..6)),
                0..40,
            ),
            query in prop::collection::vec(0u64..80, 0..50),
            narrow in any::<bool>(),
        ) {
            // Distinct classes within a feature, as training makes them; one-byte or
            // two-byte class ids.
            let n_classes = if narrow { 200 } else { 300 };
            let features: Vec<(u64, Vec<(u16, f32)>)> = raw
                .into_iter()
                .map(|(f, entries)| {
                    let mut seen = std::collections::HashSet::new();
                    let entries = entries
                        .into_iter()
                        .map(|(c, w)| (c % n_classes as u16, w))
                        .filter(|(c, w)| *w != 0.0 && seen.insert(*c))
                        .collect();
                    (f.wrapping_mul(0x2545_F491_4F6C_DD1D), entries)
                })
                .collect();
            // A map keeps the last entries of a repeated feature.
            let mut last: HashMap<u64, Vec<(u16, f32)>> = HashMap::new();
            for (f, e) in &features {
                last.insert(*f, e.clone());
            }
            let unique: Vec<_> = last.into_iter().collect();
            let query: Vec<u64> = query.iter().map(|q| q.wrapping_mul(0x2545_F491_4F6C_DD1D)).collect();
            let weights = build(&features);
            let mut scores = vec![0f32; n_classes];
            weights.score(&query, &mut scores);
            let expected = score_as_a_map(&unique, &query, n_classes);
            prop_assert_eq!(
                scores.iter().map(|s| s.to_bits()).collect::<Vec<_>>(),
                expected.iter().map(|s| s.to_bits()).collect::<Vec<_>>()
            );
            let mut bytes = Vec::new();
            weights.write(&mut bytes, 0.0).unwrap();
            let read = Weights::read(&mut bytes.as_slice(), n_classes).unwrap();
            prop_assert_eq!(&read, &weights);
            let mut again = Vec::new();
            read.write(&mut again, 0.0).unwrap();
            prop_assert_eq!(bytes, again);
        }
    }
}
