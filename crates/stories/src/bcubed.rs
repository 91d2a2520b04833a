//! BCubed precision and recall (Bagga & Baldwin 1998; Amigó et al. 2009): per item,
//! how much of its predicted cluster shares its gold class, and how much of its gold
//! class it shares a cluster with; averaged over items.

use std::collections::HashMap;
use std::hash::Hash;

/// BCubed scores of a clustering against gold classes.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BCubed {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Scores `predicted[i]` against `gold[i]` (any labels; equal label = same cluster).
pub fn bcubed<P: Hash + Eq, G: Hash + Eq>(predicted: &[P], gold: &[G]) -> BCubed {
    assert_eq!(
        predicted.len(),
        gold.len(),
        "one predicted cluster per gold item"
    );
    if predicted.is_empty() {
        return BCubed {
            precision: 0.0,
            recall: 0.0,
            f1: 0.0,
        };
    }
    let mut cluster_size: HashMap<&P, usize> = HashMap::new();
    let mut class_size: HashMap<&G, usize> = HashMap::new();
    let mut both: HashMap<(&P, &G), usize> = HashMap::new();
    for (p, g) in predicted.iter().zip(gold) {
        *cluster_size.entry(p).or_default() += 1;
        *class_size.entry(g).or_default() += 1;
        *both.entry((p, g)).or_default() += 1;
    }
    let (mut precision, mut recall) = (0.0, 0.0);
    for (p, g) in predicted.iter().zip(gold) {
        let shared = both[&(p, g)] as f64;
        precision += shared / cluster_size[p] as f64;
        recall += shared / class_size[g] as f64;
    }
    let n = predicted.len() as f64;
    let (precision, recall) = (precision / n, recall / n);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    BCubed {
        precision,
        recall,
        f1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_all_in_one_and_all_apart() {
        let gold = ["x", "x", "y", "y"];
        assert_eq!(bcubed(&[1, 1, 2, 2], &gold).f1, 1.0);
        let one = bcubed(&[0, 0, 0, 0], &gold);
        assert_eq!((one.precision, one.recall), (0.5, 1.0));
        let apart = bcubed(&[1, 2, 3, 4], &gold);
        assert_eq!((apart.precision, apart.recall), (1.0, 0.5));
    }
}
