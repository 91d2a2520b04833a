//! `--split PART`: score the real-news gold on one part of its fixed split.
//!
//! `gold/split.json` (written once by `gold/tools/select_gold.py`) names, per corpus,
//! the layers annotated over it and the article ids of `train`, `dev` and `test`.
//! `gold/annotated.json` (written by `gold/tools/assemble.py`) names, per gold file,
//! the articles it annotates completely, including those where the annotator found
//! nothing. A part's articles are those of the split that the given gold files cover;
//! one with no gold line is kept with an empty gold list, so whatever is predicted
//! there is a false positive. Without `--split`, the gold is scored as given (its
//! articles only).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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
    /// Which articles each gold file covers, by the file's `layer/name` (its folder
    /// and file name).
    #[arg(long, default_value = "gold/annotated.json")]
    pub annotated_file: PathBuf,
}

#[derive(Deserialize)]
struct AnnotatedFile {
    files: BTreeMap<String, Vec<String>>,
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
    /// Restricts `gold` (read from `files`, by article id) to the chosen part, for
    /// `layer`: the corpora that annotate `layer` and share an article with the gold
    /// contribute their part's ids that the files cover; other gold articles are
    /// dropped.
    pub fn apply<T>(
        &self,
        layer: &str,
        files: &[PathBuf],
        gold: &mut BTreeMap<String, Vec<T>>,
    ) -> anyhow::Result<()> {
        let Some(part) = &self.split else {
            return Ok(());
        };
        let file: SplitFile = read_json(&self.split_file, "split file")?;
        let annotated: AnnotatedFile = read_json(&self.annotated_file, "coverage file")?;
        let mut covered: BTreeSet<&String> = BTreeSet::new();
        for path in files {
            let key = key_of(path);
            let ids = annotated
                .files
                .iter()
                .find(|(k, _)| key_of(Path::new(k)) == key);
            let Some((_, ids)) = ids else {
                anyhow::bail!(
                    "{}: no entry for {key}, so which articles it covers is unknown",
                    self.annotated_file.display()
                );
            };
            covered.extend(ids);
        }
        let mut keep: BTreeSet<&String> = BTreeSet::new();
        for corpus in file.corpora.values() {
            if !corpus.layers.iter().any(|l| l == layer) {
                continue;
            }
            let all = || corpus.train.iter().chain(&corpus.dev).chain(&corpus.test);
            if !all().any(|id| gold.contains_key(id)) {
                continue;
            }
            let ids = match part.as_str() {
                "train" => &corpus.train,
                "dev" => &corpus.dev,
                _ => &corpus.test,
            };
            keep.extend(ids.iter().filter(|id| covered.contains(id)));
        }
        anyhow::ensure!(
            !keep.is_empty(),
            "{}: no corpus annotates {layer} over the gold's articles in {part}",
            self.split_file.display()
        );
        gold.retain(|id, _| keep.contains(id));
        for id in keep {
            gold.entry(id.clone()).or_default();
        }
        Ok(())
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}: not a {what}", path.display()))
}

/// `layer/name` of a gold file: its folder's name and its own.
fn key_of(path: &Path) -> String {
    let name = |p: Option<&Path>| {
        p.and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    format!("{}/{}", name(path.parent()), name(Some(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(dir: &Path, part: &str) -> SplitArgs {
        let split_file = dir.join("split.json");
        std::fs::write(
            &split_file,
            r#"{"corpora": {"news": {"layers": ["statements"], "train": ["a"], "dev": ["b"], "test": ["c", "d", "e"]},
                            "items": {"layers": ["events"], "train": ["x"], "dev": [], "test": ["y"]}}}"#,
        )
        .unwrap();
        let annotated_file = dir.join("annotated.json");
        std::fs::write(
            &annotated_file,
            r#"{"files": {"gold/statements/news.jsonl": ["a", "b", "c", "d"]}}"#,
        )
        .unwrap();
        SplitArgs {
            split: Some(part.into()),
            split_file,
            annotated_file,
        }
    }

    fn gold_files() -> Vec<PathBuf> {
        vec![PathBuf::from("/elsewhere/statements/news.jsonl")]
    }

    #[test]
    fn a_part_keeps_its_articles_and_adds_the_empty_ones() {
        let dir = tempfile::tempdir().unwrap();
        let mut gold: BTreeMap<String, Vec<u8>> =
            [("a".to_string(), vec![1]), ("c".to_string(), vec![2])].into();
        split(dir.path(), "test")
            .apply("statements", &gold_files(), &mut gold)
            .unwrap();
        // "e" is in the test part but not annotated yet: left out, not counted empty.
        assert_eq!(gold, [("c".into(), vec![2]), ("d".into(), vec![])].into());
    }

    #[test]
    fn a_layer_no_corpus_annotates_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut gold: BTreeMap<String, Vec<u8>> = [("a".to_string(), vec![1])].into();
        let error = split(dir.path(), "dev")
            .apply("actors", &gold_files(), &mut gold)
            .unwrap_err();
        assert!(error.to_string().contains("no corpus annotates actors"));
    }

    #[test]
    fn a_gold_file_with_unknown_coverage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut gold: BTreeMap<String, Vec<u8>> = [("a".to_string(), vec![1])].into();
        let files = [PathBuf::from("gold/statements/other.jsonl")];
        let error = split(dir.path(), "test")
            .apply("statements", &files, &mut gold)
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("no entry for statements/other.jsonl")
        );
    }
}
