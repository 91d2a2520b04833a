//! Near-duplicate detection: MinHash signatures over word shingles, banded for LSH.
//!
//! Syndicated wire copy reaches us many times with a new headline, a trimmed sentence
//! or an outlet footer. Later stages count outlets that corroborate a statement, so a
//! copy must be recognised as one and not counted twice.
//!
//! # Design
//!
//! * Shingles are 5 consecutive normalised words (case, punctuation and quote style
//!   ignored), hashed with XXH3. A text shorter than 5 words is one shingle.
//! * [`SIGNATURE_LEN`] = 128 minima from seeded hash permutations; the fraction of
//!   equal positions in two signatures estimates the Jaccard similarity of their
//!   shingle sets (standard error ≈ 0.04 at 128).
//! * LSH: [`BANDS`] bands of [`ROWS`] rows. Two texts share at least one band key with
//!   probability `1 - (1 - s^ROWS)^BANDS`: ≈ 0.98 at s = 0.8, ≈ 0.09 at s = 0.4. A shared
//!   key only nominates a candidate; [`is_near_duplicate`] decides on the full
//!   signatures, so the threshold is [`THRESHOLD`], not the banding curve.
//!
//! # Invariants
//!
//! Pure and deterministic: the same text gives the same signature and keys on every
//! machine (seeds are constants, XXH3 is specified), so keys can be stored and compared
//! across runs.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Number of MinHash values in a signature.
pub const SIGNATURE_LEN: usize = 128;
/// Number of LSH bands.
pub const BANDS: usize = 16;
/// Signature values per band.
pub const ROWS: usize = SIGNATURE_LEN / BANDS;
/// Estimated Jaccard similarity from which two articles are near-duplicates.
pub const THRESHOLD: f64 = 0.8;
const SHINGLE_WORDS: usize = 5;

/// A MinHash signature. Stored as little-endian `u32`s ([`Signature::to_bytes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u32; SIGNATURE_LEN]);

impl Signature {
    /// Signature of `text`'s word 5-shingles.
    pub fn of_text(text: &str) -> Self {
        // Hash each word once; a shingle's hash combines its words' hashes, so no
        // shingle string is ever built.
        let words: Vec<u64> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(word_hash)
            .collect();
        let mut mins = [u32::MAX; SIGNATURE_LEN];
        let windows = words.len().saturating_sub(SHINGLE_WORDS) + 1;
        for start in 0..windows {
            let base = words
                .iter()
                .skip(start)
                .take(SHINGLE_WORDS)
                .fold(0x0053_4849_4e47_4c45_u64, |acc, &w| {
                    (acc.rotate_left(13) ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                });
            // Cheap permutations of one hash: a·h + b with odd multipliers is a
            // universal family, good enough for MinHash.
            for (min, &(a, b)) in mins.iter_mut().zip(PERMUTATIONS.iter()) {
                let h = (base.wrapping_mul(a).wrapping_add(b) >> 32) as u32;
                *min = (*min).min(h);
            }
        }
        Signature(mins)
    }

    /// Estimated Jaccard similarity: the fraction of positions where both agree.
    pub fn similarity(&self, other: &Signature) -> f64 {
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f64 / SIGNATURE_LEN as f64
    }

    /// One 63-bit key per band (non-negative, so it fits SQLite's INTEGER as is).
    pub fn band_keys(&self) -> [i64; BANDS] {
        let mut keys = [0i64; BANDS];
        for (band, key) in keys.iter_mut().enumerate() {
            let rows = &self.0[band * ROWS..(band + 1) * ROWS];
            let mut bytes = [0u8; ROWS * 4];
            for (i, value) in rows.iter().enumerate() {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&value.to_le_bytes());
            }
            // The band number seeds the hash so equal rows in different bands differ.
            *key = (xxh3_64_with_seed(&bytes, band as u64) >> 1) as i64;
        }
        keys
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// Inverse of [`Signature::to_bytes`]; `None` for a blob of the wrong length.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != SIGNATURE_LEN * 4 {
            return None;
        }
        let mut values = [0u32; SIGNATURE_LEN];
        for (value, chunk) in values.iter_mut().zip(bytes.chunks_exact(4)) {
            *value = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        Some(Signature(values))
    }
}

/// Case-insensitive hash of one word.
fn word_hash(word: &str) -> u64 {
    if word.is_ascii() {
        let mut buf = [0u8; 64];
        if word.len() <= buf.len() {
            for (b, c) in buf.iter_mut().zip(word.bytes()) {
                *b = c.to_ascii_lowercase();
            }
            return xxh3_64(&buf[..word.len()]);
        }
    }
    xxh3_64(word.to_lowercase().as_bytes())
}

/// Whether two signatures are similar enough to call the articles copies.
pub fn is_near_duplicate(a: &Signature, b: &Signature) -> bool {
    a.similarity(b) >= THRESHOLD
}

/// `(a, b)` pairs for the hash family, from a fixed splitmix64 stream.
const PERMUTATIONS: [(u64, u64); SIGNATURE_LEN] = {
    let mut out = [(0u64, 0u64); SIGNATURE_LEN];
    let mut state: u64 = 0x6461_7465_6c69_6e65; // "dateline"
    let mut i = 0;
    while i < SIGNATURE_LEN {
        let mut pair = [0u64; 2];
        let mut j = 0;
        while j < 2 {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            pair[j] = z ^ (z >> 31);
            j += 1;
        }
        out[i] = (pair[0] | 1, pair[1]);
        i += 1;
    }
    out
};

#[cfg(test)]
mod tests {
    use super::*;

    const WIRE: &str = "The foreign ministry of the fictional Republic of Tarnland said on \
        Monday that it would send a delegation to the lakeside talks, provided that the \
        border posts were withdrawn. A spokesman added that the offer would lapse at the \
        end of the month. Officials in the neighbouring kingdom did not respond to \
        requests for comment, and the mediator declined to set a date for a first round.";

    #[test]
    fn syndicated_copy_with_footer_is_a_near_duplicate() {
        let copy = format!("{WIRE} This story was distributed by a wire service.");
        let (a, b) = (Signature::of_text(WIRE), Signature::of_text(&copy));
        assert!(is_near_duplicate(&a, &b), "similarity {}", a.similarity(&b));
        let shared = a
            .band_keys()
            .iter()
            .zip(b.band_keys())
            .filter(|(x, y)| **x == *y)
            .count();
        assert!(shared > 0, "a copy must share at least one LSH band");
    }

    #[test]
    fn different_story_is_not_a_near_duplicate() {
        let other = "Farmers in the fictional valley of Osk protested against grain \
            prices on Tuesday, blocking the main road for six hours before police \
            negotiated a settlement with the union leaders late in the evening.";
        let (a, b) = (Signature::of_text(WIRE), Signature::of_text(other));
        assert!(!is_near_duplicate(&a, &b));
        assert!(a.similarity(&b) < 0.2);
    }

    #[test]
    fn signature_round_trips_through_bytes() {
        let s = Signature::of_text(WIRE);
        assert_eq!(Signature::from_bytes(&s.to_bytes()), Some(s));
        assert_eq!(Signature::from_bytes(&[1, 2, 3]), None);
    }

    #[test]
    fn short_and_empty_texts_do_not_panic() {
        assert_eq!(Signature::of_text("").0.len(), SIGNATURE_LEN);
        let a = Signature::of_text("Talks");
        assert!(is_near_duplicate(&a, &Signature::of_text("talks!")));
    }
}
