//! `dateline train statements`: the yes/no attribution model from the real-news gold.
//!
//! Every article of the chosen split part is run up to the statement candidates
//! (`dateline_extract::statement_candidates`); a candidate is a statement when a gold
//! statement's content matches it (as `eval quotes` pairs them) and the speakers agree
//! (both anonymous, or names that agree loosely: equal, same last word, or one within
//! the other — our names are registry names, the gold's the annotators'). The model
//! is trained on those labels (`dateline_nlp::classifier`), on the candidates it
//! decides (`Candidate::learned`); the dev part is then
//! scored against the same labels, beside the rules alone, so a run says what the
//! learning bought.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use dateline_nlp::classifier::{Classifier, Example};
use dateline_statements::Candidate;

use crate::eval::{Counts, round};
use crate::eval_actors::{gold_articles, read_gold};
use crate::eval_quotes::{GoldStatement, shared_content};
use crate::eval_split::SplitArgs;

#[derive(clap::Args)]
pub struct StatementsTraining {
    /// Gold statements (gold/statements/wikinews.jsonl); repeatable.
    #[arg(long, required = true)]
    gold: Vec<PathBuf>,
    /// The articles the gold annotates.
    #[arg(long, required = true)]
    articles: Vec<PathBuf>,
    /// The part of the split to train on (train); dev is scored after.
    #[command(flatten)]
    split: SplitArgs,
    /// Shuffled passes over the candidates.
    #[arg(long, default_value_t = 10)]
    passes: usize,
    /// Where to write the model (the shipped one is data/models/statements.bin).
    #[arg(long)]
    out: PathBuf,
    /// Also write the training part's candidates, one JSON object a line (article,
    /// content, speaker, cue, prior, label), for error analysis.
    #[arg(long)]
    candidates: Option<PathBuf>,
    #[command(flatten)]
    input: crate::InputArgs,
}

pub fn train(args: &StatementsTraining) -> anyhow::Result<()> {
    let started = Instant::now();
    anyhow::ensure!(
        args.split.split.as_deref() == Some("train"),
        "train on the train part of the split: --split train"
    );
    let examples = labelled(args, &args.split, args.candidates.as_deref())?;
    let positives = examples.iter().filter(|e| e.yes).count();
    eprintln!(
        "training on {} candidates ({positives} statements), {} passes",
        examples.len(),
        args.passes
    );
    let model = Classifier::train(&examples, args.passes);
    let dev = labelled(
        args,
        &SplitArgs {
            split: Some("dev".into()),
            ..args.split.clone()
        },
        None,
    )?;
    let score = |keep: &dyn Fn(&Example) -> bool| {
        let mut counts = Counts::default();
        for e in &dev {
            match (keep(e), e.yes) {
                (true, true) => counts.tp += 1,
                (true, false) => counts.fp += 1,
                (false, true) => counts.fn_ += 1,
                (false, false) => {}
            }
        }
        counts.report(serde_json::json!({}))
    };
    let learned = score(&|e| model.margin(&e.features, e.prior) > 0.0);
    let rules = score(&|e| e.prior > 0.0);
    let mut bytes = Vec::new();
    model.save(&mut bytes)?;
    let f1 = |r: &serde_json::Value| round(r["f1"].as_f64().unwrap_or(0.0));
    crate::train::write_model(
        &args.out,
        &bytes,
        started,
        &format!(
            "dev candidates kept right F1 {} (rules alone {})",
            f1(&learned),
            f1(&rules)
        ),
    )?;
    Ok(())
}

/// The candidates of the split part's articles, labelled against the gold (and
/// written to `dump`, if given).
fn labelled(
    args: &StatementsTraining,
    split: &SplitArgs,
    dump: Option<&std::path::Path>,
) -> anyhow::Result<Vec<Example>> {
    let mut gold: BTreeMap<String, Vec<GoldStatement>> =
        read_gold(&args.gold, "gold statement", |s: &GoldStatement| {
            s.article.clone()
        })?;
    split.apply("statements", &args.gold, &mut gold)?;
    let dictionary = args.input.dictionary()?;
    let wanted: HashSet<&String> = gold.keys().collect();
    let candidates = gold_articles(&wanted, &args.articles, &args.input, |article| {
        dateline_extract::statement_candidates(
            article,
            dateline_extract::Dictionaries::with_actors(&dictionary),
        )
    })?;
    // Article order (the gold's, sorted) keeps training deterministic.
    let mut examples = Vec::new();
    let mut lines = String::new();
    for (id, statements) in &gold {
        for c in &candidates[id] {
            let yes = is_statement(c, statements);
            if dump.is_some() {
                let s = &c.statement;
                let line = serde_json::json!({
                    "article": id, "content": [s.content.start, s.content.end],
                    "text": s.content.text, "speaker": s.speaker.name, "cue": s.cue.text,
                    "kind": s.kind, "prior": c.prior, "label": yes,
                });
                lines.push_str(&format!("{line}\n"));
            }
            if c.learned {
                examples.push(Example {
                    features: c.features.clone(),
                    prior: c.prior,
                    yes,
                });
            }
        }
    }
    if let Some(path) = dump {
        std::fs::write(path, lines).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(examples)
}

fn is_statement(candidate: &Candidate, gold: &[GoldStatement]) -> bool {
    let ours = &candidate.statement;
    gold.iter().any(|g| {
        shared_content(g.content, &ours.content).is_some()
            && if g.speaker.anonymous || ours.speaker.anonymous {
                g.speaker.anonymous && ours.speaker.anonymous
            } else {
                g.speaker
                    .name
                    .as_deref()
                    .is_some_and(|name| names_agree(name, &ours.speaker.name))
            }
    })
}

fn names_agree(a: &str, b: &str) -> bool {
    // Each word as the actor layer keys it: lower-case, diacritics folded
    // ("Erdogan" and "Erdoğan" are one name).
    let norm = |s: &str| {
        s.split_whitespace()
            .map(|w| dateline_actors::name_key([w]))
            .filter(|w| !w.is_empty() && w != "the")
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (a, b) = (norm(a), norm(b));
    let last = |s: &str| s.split_whitespace().last().map(str::to_string);
    a == b || a.contains(&b) || b.contains(&a) || last(&a).is_some_and(|l| Some(l) == last(&b))
}

#[cfg(test)]
mod tests {
    use super::names_agree;

    #[test]
    fn registry_and_gold_names_agree_loosely() {
        assert!(names_agree("Donald Trump", "Trump"));
        assert!(names_agree("The Guardian", "guardian"));
        assert!(names_agree("Vladimir Putin", "Vladimir V. Putin"));
        assert!(names_agree("Recep Tayyip Erdogan", "Recep Tayyip Erdoğan"));
        assert!(!names_agree("Joe Biden", "Donald Trump"));
    }
}
