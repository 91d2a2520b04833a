//! `--split PART`: score the real-news gold on one part of its fixed split.
//!
//! `gold/split.json` (written once by `gold/tools/select_gold.py`) names, per corpus,
//! the layers annotated over it and the article ids of `train`, `dev` and `test`.
//! Every article of a part is annotated for the corpus's layers, including those
//! where the annotator found nothing; so a split article with no gold line is kept
//! with an empty gold list, and whatever is predicted there is a false positive.
//! Without `--split`, the gold is scored as given (its articles only), as before.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::Context;
use serde::Deserialize;

#[derive(clap::Args, Clone, Debug, Default)]
pub struct SplitArgs {
    /// Score only this part of the split (train, dev or test), counting the part's
    /// articles that have no gold line as annotated with none.
    #[arg(long, value_parser = ["train", "dev", "test"])]
    pub split: Option<String>,
    /// The split file.
    #[arg(long, default_value = "gold/split.json")]
    pub split_file: PathBuf,
}

#[derive(Deserialize)]
struct SplitFile {
    corpora: BTreeMap<String, Corpus>,
}

#[derive(Deserialize)]
struct Corpus {
    layers: Vec<String>,
    train: Vec<String>,
    dev: Vec<String>,
    test: Vec<String>,
}

impl SplitArgs {
    /// Restricts `gold` (by article id) to the chosen part, for `layer`: the corpora
    /// that annotate `layer` and share an article with the gold contribute their
    /// part's ids; gold articles outside the part are dropped.
    pub fn apply<T>(&self, layer: &str, gold: &mut BTreeMap<String, Vec<T>>) -> anyhow::Result<()> {
        let Some(part) = &self.split else {
            return Ok(());
        };
        let path = &self.split_file;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read split file {}", path.display()))?;
        let file: SplitFile = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a split file", path.display()))?;
        let mut keep: BTreeSet<&String> = BTreeSet::new();
        for corpus in file.corpora.values() {
            if !corpus.layers.iter().any(|l| l == layer) {
                continue;
            }
            let all = || corpus.train.iter().chain(&corpus.dev).chain(&corpus.test);
            if !all().any(|id| gold.contains_key(id)) {
                continue;
            }
            keep.extend(match part.as_str() {
                "train" => &corpus.train,
                "dev" => &corpus.dev,
                _ => &corpus.test,
            });
        }
        anyhow::ensure!(
            !keep.is_empty(),
            "{}: no corpus annotates {layer} over the gold's articles",
            path.display()
        );
        gold.retain(|id, _| keep.contains(id));
        for id in keep {
            gold.entry(id.clone()).or_default();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_file(dir: &std::path::Path) -> PathBuf {
        let path = dir.join("split.json");
        std::fs::write(
            &path,
            r#"{"corpora": {"news": {"layers": ["statements"], "train": ["a"], "dev": ["b"], "test": ["c", "d"]},
                            "items": {"layers": ["events"], "train": ["x"], "dev": [], "test": ["y"]}}}"#,
        )
        .unwrap();
        path
    }

    #[test]
    fn a_part_keeps_its_articles_and_adds_the_empty_ones() {
        let dir = tempfile::tempdir().unwrap();
        let args = SplitArgs {
            split: Some("test".into()),
            split_file: split_file(dir.path()),
        };
        let mut gold: BTreeMap<String, Vec<u8>> =
            [("a".to_string(), vec![1]), ("c".to_string(), vec![2])].into();
        args.apply("statements", &mut gold).unwrap();
        assert_eq!(gold, [("c".into(), vec![2]), ("d".into(), vec![])].into());
    }

    #[test]
    fn a_layer_no_corpus_annotates_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let args = SplitArgs {
            split: Some("dev".into()),
            split_file: split_file(dir.path()),
        };
        let mut gold: BTreeMap<String, Vec<u8>> = [("a".to_string(), vec![1])].into();
        assert!(args.apply("actors", &mut gold).is_err());
    }
}
