//! `dateline train event-layer`: the learned event layer (`dateline_events::Layer`)
//! from the real-news event gold.
//!
//! Every article of the chosen split part is run up to the event candidates
//! (`dateline_extract::event_candidates`). A coded event is right when a gold event
//! of its article has its verb where the event's verb starts and the same root, as
//! `eval events` pairs them; an open token's class is the root of a gold event whose
//! verb it starts inside, unless a coded event already found that one. The proposer
//! (21 classes) is trained on those labels; then its threshold is chosen on the dev
//! part for the mean over the gold files of the F1 of every dev gold event, as `eval
//! events` counts it, and saved with the weights. The run prints that F1 beside the
//! dictionary coder's alone.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use dateline_events::{CLASSES, Candidates, Layer, code_key};
use dateline_nlp::classifier::Chooser;

use crate::eval::round;
use crate::eval_actors::{gold_articles, read_gold};
use crate::eval_events::{GoldEvent, verb_start};
use crate::eval_split::SplitArgs;

#[derive(clap::Args)]
pub struct EventLayerTraining {
    /// Gold events with offsets (gold/events/wikinews.jsonl,
    /// gold/events/current-events.jsonl); repeatable.
    #[arg(long, required = true)]
    gold: Vec<PathBuf>,
    /// The articles the gold annotates; repeatable.
    #[arg(long, required = true)]
    articles: Vec<PathBuf>,
    /// The part of the split to train on (train); thresholds are chosen on dev.
    #[command(flatten)]
    split: SplitArgs,
    /// Shuffled passes over the examples.
    #[arg(long, default_value_t = 10)]
    passes: usize,
    /// Where to write the layer (the shipped one is data/models/event-layer.bin).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    input: crate::InputArgs,
}

/// One split part's examples, labelled against its gold.
struct Labelled {
    /// Whether each coded event is a gold event.
    coded: Vec<bool>,
    /// Open tokens with a source: features and their gold class (0: none).
    open: Vec<(Vec<u64>, u16)>,
    /// For each open token of a gold event: its code key and the gold code.
    codes: Vec<(String, String)>,
    /// Gold events in the part.
    gold: usize,
}

pub fn train(args: &EventLayerTraining) -> anyhow::Result<()> {
    let started = Instant::now();
    anyhow::ensure!(
        args.split.split.as_deref() == Some("train"),
        "train on the train part of the split: --split train"
    );
    let train = merged(labelled_each(args, &args.split)?);
    let proposed = train.open.iter().filter(|(_, c)| *c != 0).count();
    eprintln!(
        "training on {} open tokens ({proposed} gold events; the coder found {} of {}), {} passes",
        train.open.len(),
        train.coded.iter().filter(|yes| **yes).count(),
        train.gold,
        args.passes
    );
    let proposer = Chooser::train(&train.open, CLASSES, args.passes);
    let dev = labelled_each(
        args,
        &SplitArgs {
            split: Some("dev".into()),
            ..args.split.clone()
        },
    )?;
    let mut layer = Layer {
        proposer,
        codes: commonest_codes(&train.codes),
        ..Layer::default()
    };
    let dev: Vec<Scored> = dev.iter().map(|part| Scored::new(part, &layer)).collect();
    let coder_alone = mean_f1(&dev, f32::INFINITY);
    let (best, propose_above) = choose_threshold(&dev);
    layer.propose_above = propose_above;
    let mut bytes = Vec::new();
    layer.save(&mut bytes)?;
    crate::train::write_model(
        &args.out,
        &bytes,
        started,
        &format!(
            "dev, mean over the gold files of the F1 of every gold event: {} with the layer \
             (propose above {propose_above:.2}), {} the coder alone",
            round(best),
            round(coder_alone),
        ),
    )?;
    Ok(())
}

/// The commonest gold code of each key (of equals, the smallest code).
fn commonest_codes(seen: &[(String, String)]) -> BTreeMap<String, String> {
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (key, code) in seen {
        *counts.entry(key).or_default().entry(code).or_default() += 1;
    }
    counts
        .into_iter()
        .filter_map(|(key, codes)| {
            let best = codes
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
            Some((key.to_string(), best.0.to_string()))
        })
        .collect()
}

/// One part's decisions as the layer's margins, computed once for every threshold.
struct Scored {
    /// Right and wrong coded events.
    coded: (usize, usize),
    /// Each open token's best root, by how much it beats "no event", and its class.
    open: Vec<(u16, f32, u16)>,
    gold: usize,
}

impl Scored {
    fn new(part: &Labelled, layer: &Layer) -> Scored {
        Scored {
            coded: (
                part.coded.iter().filter(|yes| **yes).count(),
                part.coded.iter().filter(|yes| !**yes).count(),
            ),
            open: part
                .open
                .iter()
                .map(|(features, class)| {
                    let (root, margin) =
                        layer.best_root(features).unwrap_or((0, f32::NEG_INFINITY));
                    (root, margin, *class)
                })
                .collect(),
            gold: part.gold,
        }
    }

    /// The F1 over every gold event of the part with this threshold, each proposal
    /// counted as one event (as `eval events` counts events at a verb).
    fn f1(&self, propose_above: f32) -> f64 {
        let (mut tp, mut fp) = self.coded;
        for &(root, margin, class) in &self.open {
            if margin > propose_above {
                if root == class { tp += 1 } else { fp += 1 }
            }
        }
        2.0 * tp as f64 / (2 * tp + fp + self.gold.saturating_sub(tp)).max(1) as f64
    }
}

/// The mean F1 over the parts (one a gold file): each genre of real news counts the
/// same, however many events its gold has.
fn mean_f1(parts: &[Scored], propose_above: f32) -> f64 {
    parts.iter().map(|p| p.f1(propose_above)).sum::<f64>() / parts.len().max(1) as f64
}

/// The threshold (of the quantiles of the margins the dev parts give) with the best
/// [`mean_f1`] on them: `(f1, propose_above)`.
fn choose_threshold(parts: &[Scored]) -> (f64, f32) {
    let mut margins: Vec<f32> = parts
        .iter()
        .flat_map(|p| p.open.iter().map(|o| o.1))
        .collect();
    margins.sort_by(f32::total_cmp);
    let mut candidates: Vec<f32> = (0..40)
        .filter_map(|q| margins.get(q * margins.len() / 40).map(|v| v - 1e-3))
        .collect();
    candidates.push(f32::INFINITY);
    candidates.dedup();
    let mut best = (f64::NEG_INFINITY, f32::INFINITY);
    for &p in &candidates {
        let score = mean_f1(parts, p);
        if score > best.0 {
            best = (score, p);
        }
    }
    best
}

/// [`labelled`] for each gold file.
fn labelled_each(args: &EventLayerTraining, split: &SplitArgs) -> anyhow::Result<Vec<Labelled>> {
    args.gold
        .iter()
        .map(|file| labelled(args, split, std::slice::from_ref(file)))
        .collect()
}

fn merged(parts: Vec<Labelled>) -> Labelled {
    let mut out = Labelled {
        coded: Vec::new(),
        open: Vec::new(),
        codes: Vec::new(),
        gold: 0,
    };
    for part in parts {
        out.coded.extend(part.coded);
        out.open.extend(part.open);
        out.codes.extend(part.codes);
        out.gold += part.gold;
    }
    out
}

/// The candidates of the split part's articles, labelled against its gold (`files`).
fn labelled(
    args: &EventLayerTraining,
    split: &SplitArgs,
    files: &[PathBuf],
) -> anyhow::Result<Labelled> {
    let mut gold: BTreeMap<String, Vec<GoldEvent>> =
        read_gold(files, "gold event", |e: &GoldEvent| e.article.clone())?;
    split.apply("events", files, &mut gold)?;
    let dictionary = args.input.dictionary()?;
    let wanted: HashSet<&String> = gold.keys().collect();
    let found = gold_articles(&wanted, &args.articles, &args.input, |article| {
        dateline_extract::event_candidates(
            article,
            dateline_extract::Dictionaries::with_actors(&dictionary),
        )
    })?;
    let mut out = Labelled {
        coded: Vec::new(),
        open: Vec::new(),
        codes: Vec::new(),
        gold: gold.values().map(Vec::len).sum(),
    };
    // Article order (the gold's, sorted) keeps training deterministic.
    for (id, events) in &gold {
        let Some(Candidates { coded, open }) = found.get(id) else {
            continue;
        };
        let root_of = |g: &GoldEvent| g.code.get(..2).and_then(|r| r.parse::<u16>().ok());
        let mut found = vec![false; events.len()];
        for event in coded {
            let start = verb_start(event);
            let hit = events.iter().position(|g| {
                start.is_some_and(|s| g.verb[0] <= s && s < g.verb[1])
                    && g.code.get(..2) == Some(event.root.as_str())
            });
            if let Some(k) = hit {
                found[k] = true;
            }
            out.coded.push(hit.is_some());
        }
        // The first open token inside a gold verb that nothing found stands for it
        // ("took" in "took a parting shot"); the others are no event.
        for o in open.iter().filter(|o| o.has_source) {
            let hit = (0..events.len()).find(|&k| {
                !found[k] && events[k].verb[0] <= o.start && o.start < events[k].verb[1]
            });
            let class = hit
                .and_then(|k| root_of(&events[k]))
                .filter(|&r| r < CLASSES)
                .unwrap_or(0);
            if let Some(k) = hit {
                found[k] = true;
                if class != 0 {
                    out.codes
                        .push((code_key(&o.lemma, class), events[k].code.clone()));
                }
            }
            out.open.push((o.features.clone(), class));
        }
    }
    Ok(out)
}
