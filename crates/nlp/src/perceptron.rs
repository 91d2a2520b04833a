//! The averaged perceptron shared by the tagger and the entity recogniser: sparse
//! weights keyed by feature hash, lazy averaging during training, and a compact
//! deterministic binary form.

use std::collections::HashMap;
use std::io::{self, Read, Write};

use rustc_hash::FxHashMap;

/// Trained weights: feature hash → `(class, weight)` for the classes training ever
/// touched with that feature. Keys are already hashes, so a cheap multiplicative
/// hasher (Fx) replaces SipHash: lookups here are most of the time every model
/// spends, and nothing untrusted chooses the keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Weights(FxHashMap<u64, Vec<(u16, f32)>>);

impl Weights {
    /// Adds the features' weights into `scores` (one slot per class).
    pub(crate) fn score(&self, features: &[u64], scores: &mut [f32]) {
        scores.iter_mut().for_each(|s| *s = 0.0);
        for f in features {
            if let Some(entries) = self.0.get(f) {
                for &(class, weight) in entries {
                    scores[class as usize] += weight;
                }
            }
        }
    }

    /// Writes features sorted by hash (deterministic bytes), dropping weights whose
    /// magnitude is below `min_weight`.
    pub(crate) fn write(&self, out: &mut impl Write, min_weight: f32) -> io::Result<()> {
        let mut features: Vec<(u64, Vec<(u16, f32)>)> = self
            .0
            .iter()
            .map(|(f, e)| {
                (
                    *f,
                    e.iter()
                        .copied()
                        .filter(|(_, w)| w.abs() >= min_weight)
                        .collect::<Vec<_>>(),
                )
            })
            .filter(|(_, e)| !e.is_empty())
            .collect();
        features.sort_by_key(|(f, _)| *f);
        write_u32(out, features.len() as u32)?;
        for (feature, mut entries) in features {
            entries.sort_by_key(|(c, _)| *c);
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
        let mut weights = FxHashMap::with_capacity_and_hasher(n_features, Default::default());
        for _ in 0..n_features {
            let mut f = [0u8; 8];
            r.read_exact(&mut f).map_err(truncated)?;
            let mut n = [0u8; 1];
            r.read_exact(&mut n).map_err(truncated)?;
            let mut entries = Vec::with_capacity(n[0] as usize);
            for _ in 0..n[0] {
                let class = read_u16(r).map_err(truncated)?;
                let mut w = [0u8; 4];
                r.read_exact(&mut w).map_err(truncated)?;
                if class as usize >= n_classes {
                    return Err(format!("class {class} out of range in model"));
                }
                entries.push((class, f32::from_le_bytes(w)));
            }
            weights.insert(u64::from_le_bytes(f), entries);
        }
        Ok(Weights(weights))
    }
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
        self.instances += 1;
        if truth == guess {
            return;
        }
        let now = self.instances;
        for &f in features {
            let entries = self.weights.entry(f).or_default();
            for (class, delta) in [(truth, 1.0f32), (guess, -1.0)] {
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
    }

    /// The averaged weights (the trainer keeps training afterwards if asked).
    pub(crate) fn averaged(&self) -> Weights {
        let now = f64::from(self.instances.max(1));
        Weights(
            self.weights
                .iter()
                .map(|(&f, entries)| {
                    let averaged = entries
                        .iter()
                        .map(|&(class, weight, total, stamp)| {
                            let total = total + (now - f64::from(stamp)) * f64::from(weight);
                            (class, (total / now) as f32)
                        })
                        .filter(|(_, w)| *w != 0.0)
                        .collect();
                    (f, averaged)
                })
                .collect(),
        )
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
