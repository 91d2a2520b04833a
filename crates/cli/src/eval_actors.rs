//! `dateline eval actors`: actor linking against our own gold.
//!
//! Gold names its actors by a canonical name of the annotator's choosing, not by our
//! ids, so the gold never depends on the system it scores. Scoring:
//!
//! 1. Each gold mention is paired with the unpaired predicted mention (one that links
//!    an actor) that overlaps it most; boundaries are the recogniser's business and
//!    are scored by `eval ner`.
//! 2. Our actor ids are mapped one-to-one onto gold actors, greedily by how many
//!    paired mentions they share (CEAF-style), so linking everything to one actor
//!    cannot score well.
//! 3. A pair is correct when its predicted actor maps to its gold actor. Precision is
//!    correct pairs over every linked prediction in the gold's articles; recall is
//!    correct pairs over gold mentions.
//!
//! Also reported: recall by gold kind (name, title, pronoun, metonymy, group), the
//! accuracy of the CAMEO code on correct pairs whose gold has one (our code cut to
//! the gold's six letters: country + one role), and a baseline scored the same way:
//! what a typical NER script does — every recognised name is its own actor, keyed by
//! its exact text, and no reference (pronoun, title) is linked.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use std::ops::ControlFlow;
use std::path::PathBuf;

use anyhow::Context;
use dateline_core::{Extraction, Mention};
use dateline_ingest::Item;
use serde::Deserialize;
use serde_json::json;

use crate::eval::GoldArticles;
use crate::eval::{Counts, round};

#[derive(Debug, Deserialize)]
struct GoldMention {
    article: String,
    start: usize,
    end: usize,
    actor: String,
    code: Option<String>,
    kind: String,
}

pub fn eval_actors(args: &GoldArticles) -> anyhow::Result<serde_json::Value> {
    let mut gold: BTreeMap<String, Vec<GoldMention>> =
        read_gold(&args.gold, "gold mention", |m: &GoldMention| {
            m.article.clone()
        })?;
    args.split.apply("actors", &args.gold, &mut gold)?;
    let predicted: HashMap<String, Vec<Mention>> = extract_articles(gold.keys(), args)?
        .into_iter()
        .map(|(id, extraction)| (id, extraction.mentions))
        .collect();

    let ours = score(&gold, &predicted);
    // The usual script: every recognised name is its own actor, by its exact text.
    let naive: HashMap<String, Vec<Mention>> = predicted
        .iter()
        .map(|(id, mentions)| {
            let named = mentions
                .iter()
                .filter(|m| {
                    m.resolved_from.is_none() && m.label != dateline_core::MentionLabel::Misc
                })
                .map(|m| Mention {
                    actor_id: Some(m.span.text.to_lowercase()),
                    ..m.clone()
                })
                .collect();
            (id.clone(), named)
        })
        .collect();
    let baseline = score(&gold, &naive);
    let gold_total: usize = gold.values().map(Vec::len).sum();
    eprintln!(
        "actors: {} articles, {gold_total} gold mentions, {} linked predictions",
        gold.len(),
        ours.linking.tp + ours.linking.fp
    );
    for (kind, (right, all)) in &ours.by_kind {
        eprintln!(
            "  recall on {kind:<9} {right:>5} / {all:<5} {:.3}",
            *right as f64 / (*all).max(1) as f64
        );
    }
    let kinds: serde_json::Map<String, serde_json::Value> = ours
        .by_kind
        .iter()
        .map(|(k, (right, all))| {
            (
                k.to_string(),
                json!(round(*right as f64 / (*all).max(1) as f64)),
            )
        })
        .collect();
    Ok(ours.linking.report(json!({
        "articles": gold.len(),
        "recall_by_kind": kinds,
        "code_accuracy": round(ours.code_right as f64 / ours.coded.max(1) as f64),
        "coded_pairs": ours.coded,
        "mention_detection": ours.detected.report(json!({})),
        "baseline_exact_text": baseline.linking.report(json!({})),
    })))
}

struct Scores {
    linking: Counts,
    detected: Counts,
    by_kind: BTreeMap<String, (usize, usize)>,
    coded: usize,
    code_right: usize,
}

fn score(
    gold: &BTreeMap<String, Vec<GoldMention>>,
    predicted: &HashMap<String, Vec<Mention>>,
) -> Scores {
    // 1. Pairs by greatest overlap.
    let mut pairs: Vec<(&GoldMention, &Mention)> = Vec::new();
    let mut linked_predictions = 0usize;
    let mut detected = Counts::default();
    for (id, gold_mentions) in gold {
        let linked: Vec<&Mention> = predicted[id]
            .iter()
            .filter(|m| m.actor_id.is_some())
            .collect();
        linked_predictions += linked.len();
        let mut used = vec![false; linked.len()];
        for g in gold_mentions {
            let best = linked
                .iter()
                .enumerate()
                .filter(|(i, _)| !used[*i])
                .map(|(i, p)| (i, overlap(g.start..g.end, p.span.start..p.span.end)))
                .filter(|(_, o)| *o > 0)
                .max_by_key(|(i, o)| (*o, std::cmp::Reverse(*i)));
            if let Some((i, _)) = best {
                used[i] = true;
                pairs.push((g, linked[i]));
            }
        }
        detected.tp += used.iter().filter(|&&u| u).count();
        detected.fp += used.iter().filter(|&&u| !u).count();
    }
    let gold_total: usize = gold.values().map(Vec::len).sum();
    detected.fn_ = gold_total - detected.tp;

    // 2. One-to-one map of predicted ids onto gold actors, largest overlaps first.
    let map = one_to_one(
        pairs
            .iter()
            .map(|(g, p)| (p.actor_id.as_deref().unwrap_or(""), g.actor.as_str())),
    );

    // 3. Scores.
    let mut correct = 0usize;
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for mentions in gold.values() {
        for g in mentions {
            by_kind.entry(g.kind.clone()).or_default().1 += 1;
        }
    }
    let (mut coded, mut code_right) = (0usize, 0usize);
    for (g, p) in &pairs {
        if map.get(p.actor_id.as_deref().unwrap_or("")) != Some(&g.actor.as_str()) {
            continue;
        }
        correct += 1;
        by_kind.entry(g.kind.clone()).or_default().0 += 1;
        if let Some(code) = &g.code {
            coded += 1;
            let ours = p.code.as_deref().unwrap_or("");
            code_right += usize::from(&ours[..ours.len().min(6)] == code);
        }
    }
    Scores {
        linking: Counts {
            tp: correct,
            fp: linked_predictions - correct,
            fn_: gold_total - correct,
        },
        detected,
        by_kind,
        coded,
        code_right,
    }
}

/// Gold JSON Lines from every file, grouped by article (`article_of`). A line that is
/// not a `what` is an error with its file and line.
pub(crate) fn read_gold<T: serde::de::DeserializeOwned>(
    files: &[PathBuf],
    what: &str,
    article_of: impl Fn(&T) -> String,
) -> anyhow::Result<BTreeMap<String, Vec<T>>> {
    let mut gold: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for path in files {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open gold file {}", path.display()))?;
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.with_context(|| format!("{}:{}", path.display(), n + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            let record: T = serde_json::from_str(&line)
                .with_context(|| format!("{}:{}: not a {what}", path.display(), n + 1))?;
            gold.entry(article_of(&record)).or_default().push(record);
        }
    }
    Ok(gold)
}

/// The extractions of the articles whose id is in `ids` (the first copy of each):
/// read from `--predictions`, or extracted from `--articles` with the dictionaries
/// the input options name, together, as a store holding those articles annotates
/// them (each with what the others dated on or before it said). Every id must be
/// found.
pub(crate) fn extract_articles<'a>(
    ids: impl Iterator<Item = &'a String>,
    args: &GoldArticles,
) -> anyhow::Result<HashMap<String, Extraction>> {
    let wanted: HashSet<&String> = ids.collect();
    let Some(path) = &args.predictions else {
        let dictionary = args.input.dictionary()?;
        let articles = gold_articles(&wanted, &args.articles, &args.input, |article| article)?;
        let mut articles: Vec<dateline_core::Article> = articles.into_values().collect();
        articles.sort_by(|a, b| a.id.cmp(&b.id));
        let extracted = dateline_extract::extract_corpus(
            articles,
            dateline_extract::Dictionaries::with_actors(&dictionary),
        );
        return Ok(extracted
            .into_iter()
            .map(|e| (e.article.id.clone(), e))
            .collect());
    };
    let mut out: HashMap<String, Extraction> = HashMap::new();
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    for (number, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let extraction: Extraction = serde_json::from_str(&line).with_context(|| {
            format!(
                "{}:{}: not a `dateline extract` line",
                path.display(),
                number + 1
            )
        })?;
        if wanted.contains(&extraction.article.id) {
            out.entry(extraction.article.id.clone())
                .or_insert(extraction);
        }
    }
    ensure_found(&wanted, &out, &[])?;
    Ok(out)
}

/// `make` of each article in `paths` whose id is in `wanted` (its first copy), for
/// any per-article result: an extraction, statement candidates. Every id must be
/// found; records the reader rejects matter only if a wanted article was among them.
pub(crate) fn gold_articles<T>(
    wanted: &HashSet<&String>,
    paths: &[PathBuf],
    input: &crate::InputArgs,
    make: impl Fn(dateline_core::Article) -> T,
) -> anyhow::Result<HashMap<String, T>> {
    let mut out: HashMap<String, T> = HashMap::new();
    let mut unreadable: Vec<String> = Vec::new();
    dateline_ingest::read_paths(paths, &input.read_options(), &mut |item: Item| {
        match item {
            Ok(dateline_ingest::Read { article, .. })
                if wanted.contains(&article.id) && !out.contains_key(&article.id) =>
            {
                out.insert(article.id.clone(), make(article));
            }
            Ok(_) => {}
            // A record the reader rejects (a real corpus has some: no date, no text)
            // matters only if it was a gold article, which the check reports.
            Err(e) => unreadable.push(e.to_string()),
        }
        ControlFlow::Continue(())
    });
    ensure_found(wanted, &out, &unreadable)?;
    Ok(out)
}

fn ensure_found<T>(
    wanted: &HashSet<&String>,
    found: &HashMap<String, T>,
    unreadable: &[String],
) -> anyhow::Result<()> {
    let mut missing: Vec<&&String> = wanted
        .iter()
        .filter(|id| !found.contains_key(**id))
        .collect();
    missing.sort();
    if let Some(first) = missing.first() {
        let why = match unreadable.first() {
            Some(e) => format!(
                "; {} records could not be read (first: {e})",
                unreadable.len()
            ),
            None => String::new(),
        };
        anyhow::bail!(
            "{} gold articles are not in the inputs (first: {first}){why}",
            missing.len()
        );
    }
    Ok(())
}

/// Maps predicted identities onto gold ones one-to-one, greedily by how many pairs
/// they share (ties by name, so the result is deterministic): CEAF-style, so that
/// predicting one identity for everything cannot score.
pub(crate) fn one_to_one<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> HashMap<&'a str, &'a str> {
    let mut shared: HashMap<(&str, &str), usize> = HashMap::new();
    for pair in pairs {
        *shared.entry(pair).or_default() += 1;
    }
    let mut by_count: Vec<((&str, &str), usize)> = shared.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut map: HashMap<&str, &str> = HashMap::new();
    let mut taken: HashSet<&str> = HashSet::new();
    for ((ours, theirs), _) in by_count {
        if !map.contains_key(ours) && !taken.contains(theirs) {
            map.insert(ours, theirs);
            taken.insert(theirs);
        }
    }
    map
}

/// Characters two ranges share.
pub(crate) fn overlap(a: std::ops::Range<usize>, b: std::ops::Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}
