//! `dateline eval events`: events against three kinds of gold.
//!
//! * **PETRARCH records** (`../shared/data/petrarch2-gold/normalized/*.jsonl`): each
//!   record is one sentence with a date and its expected (source, target, code)
//!   triples; a `noevents` record expects none, so every event there is a false
//!   positive; records with an `error` or `evaluate: false` are skipped, as the peer
//!   was scored. An event counts when it is asserted and has a target: negated and
//!   hypothetical events are left out, as PETRARCH does not code them, and so are
//!   events with no target, as PETRARCH-2 (`require_dyad`, its default) drops them.
//!   Matching is on multisets of triples per record: exact, and on the root code.
//!   `---` stands for a missing target. `--peer` scores PETRARCH-2's own output on
//!   the same records.
//! * **PLOVER gold** (a `.json` array): see [`eval_plover`].
//! * **Our hand check** (`gold/events/`, with `--articles`): see [`eval_hand_check`].

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::Context;
use dateline_core::Article;
use serde::Deserialize;
use serde_json::json;

use crate::eval::{Counts, round};

#[derive(clap::Args)]
pub struct EventGold {
    /// Gold records, JSON Lines (`id, date, category, text, expected, noevents, error,
    /// evaluate`).
    #[arg(long, required = true)]
    pub gold: Vec<PathBuf>,
    /// A folder with the record set's own dictionaries (`*actors*.txt`,
    /// `*agents*.txt`, `*verbs*.txt`, as in `validation-dicts/petr2_02`): its actors
    /// and agents are added to the shipped ones and its verbs replace the shipped
    /// verb dictionary. Without it, the shipped dictionaries.
    #[arg(long)]
    pub dictionaries: Option<PathBuf>,
    /// The peer's per-record output (`peer_outputs/petrarch2/*.json`, `results`
    /// with `text` and `predicted`): both are then also scored on the records the
    /// peer coded, matched by text.
    #[arg(long)]
    pub peer: Option<PathBuf>,
    /// Print each record that is not exactly right to stderr.
    #[arg(long)]
    pub show_errors: bool,
    /// The articles an offset gold annotates (`gold/events/`: `verb` spans into
    /// stored texts); with it, the gold is read as such.
    #[arg(long)]
    pub articles: Vec<PathBuf>,
    /// With an offset gold: score these saved `dateline extract` lines (ours, or a
    /// peer's in the same shape, `benches/petrarch2/`) instead of extracting the
    /// articles now.
    #[arg(long, conflicts_with = "articles")]
    pub predictions: Option<PathBuf>,
    #[command(flatten)]
    pub input: crate::InputArgs,
    #[command(flatten)]
    pub split: crate::eval_split::SplitArgs,
}

#[derive(Debug, Deserialize)]
struct Record {
    id: String,
    date: String,
    #[serde(default)]
    category: Option<String>,
    text: String,
    #[serde(default)]
    expected: Vec<Expected>,
    #[serde(default)]
    noevents: bool,
    #[serde(default)]
    error: Option<serde_json::Value>,
    #[serde(default = "yes")]
    evaluate: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
struct Expected {
    source: String,
    target: String,
    code: String,
}

pub fn eval_events(args: &EventGold) -> anyhow::Result<serde_json::Value> {
    let (actors, events) = dictionaries(args.dictionaries.as_deref())?;
    let dictionaries = dateline_extract::Dictionaries {
        actors: &actors,
        events: &events,
    };
    if let [path] = args.gold.as_slice()
        && path.extension().is_some_and(|e| e == "json")
    {
        return eval_plover(path, dictionaries, args.show_errors);
    }
    if !args.articles.is_empty() || args.predictions.is_some() {
        return eval_hand_check(args);
    }
    let (mut exact, mut by_root) = (Counts::default(), Counts::default());
    let mut by_category: BTreeMap<String, Counts> = BTreeMap::new();
    let (mut records, mut skipped, mut right) = (0usize, 0usize, 0usize);
    let peer = args.peer.as_deref().map(read_peer).transpose()?;
    let (mut peer_counts, mut ours_on_peer, mut peer_records) =
        (Counts::default(), Counts::default(), 0usize);
    for path in &args.gold {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let record: Record = serde_json::from_str(&line)
                .with_context(|| format!("{}:{}: not a gold record", path.display(), n + 1))?;
            if record.error.as_ref().is_some_and(|e| !e.is_null()) || !record.evaluate {
                skipped += 1;
                continue;
            }
            let date = parse_compact_date(&record.date)
                .with_context(|| format!("{}:{}: date {:?}", path.display(), n + 1, record.date))?;
            let article = Article::new(&record.id, date, &record.text);
            let extraction = dateline_extract::extract_with(article, dictionaries);
            let predicted: Vec<[String; 3]> = extraction
                .events
                .iter()
                .filter(|e| !e.negated && !e.hypothetical && e.target.is_some())
                .map(|e| {
                    [
                        e.source.code.clone(),
                        e.target.as_ref().map_or("---".into(), |t| t.code.clone()),
                        e.code.clone(),
                    ]
                })
                .collect();
            let gold: Vec<[String; 3]> = if record.noevents {
                Vec::new()
            } else {
                record
                    .expected
                    .iter()
                    .map(|e| [e.source.clone(), e.target.clone(), e.code.clone()])
                    .collect()
            };
            let this = multiset_counts(&predicted, &gold, |t| t.clone());
            if let Some(theirs) = peer.as_ref().and_then(|p| p.get(record.text.trim())) {
                peer_counts.add_counts(multiset_counts(theirs, &gold, |t| t.clone()));
                ours_on_peer.add_counts(this);
                peer_records += 1;
            }
            let root = |t: &[String; 3]| {
                [
                    t[0].clone(),
                    t[1].clone(),
                    t[2].get(..2).unwrap_or("").to_string(),
                ]
            };
            exact.add_counts(this);
            by_root.add_counts(multiset_counts(&predicted, &gold, root));
            by_category
                .entry(record.category.clone().unwrap_or_else(|| "-".into()))
                .or_default()
                .add_counts(this);
            records += 1;
            if this.fp == 0 && this.fn_ == 0 {
                right += 1;
            } else if args.show_errors {
                eprintln!(
                    "{}: expected {gold:?}, coded {predicted:?}\n    {}",
                    record.id, record.text
                );
            }
        }
    }
    eprintln!("events: {records} records scored, {skipped} skipped, {right} exactly right");
    let categories: serde_json::Map<String, serde_json::Value> = by_category
        .iter()
        .map(|(c, counts)| (c.clone(), counts.report(json!({}))))
        .collect();
    let side_by_side = peer.is_some().then(|| {
        json!({
            "records": peer_records,
            "peer": peer_counts.report(json!({})),
            "ours": ours_on_peer.report(json!({})),
        })
    });
    Ok(exact.report(json!({
        "on_peer_records": side_by_side,
        "records": records,
        "skipped": skipped,
        "records_exactly_right": right,
        "record_accuracy": round(right as f64 / records.max(1) as f64),
        "root": by_root.report(json!({})),
        "by_category": categories,
    })))
}

/// The PLOVER gold records (`plover-gold/PLOVER_GSR_CAMEO.json`): one sentence,
/// one PLOVER event with its source actors. A record is found when one of our
/// asserted events has its category (and, for `with_source`, a source whose country
/// is one of the gold sources'); every other category we give it is a false
/// positive. The gold predates two renamings in PLOVER (FIGHT into ASSAULT,
/// DISAPPROVE to ACCUSE, DEMAND to REQUEST), which are applied to it.
fn eval_plover(
    path: &Path,
    dictionaries: dateline_extract::Dictionaries,
    show_errors: bool,
) -> anyhow::Result<serde_json::Value> {
    #[derive(Deserialize)]
    struct PloverRecord {
        id: String,
        event: String,
        #[serde(default)]
        text: String,
        #[serde(default)]
        date: Option<String>,
        #[serde(default)]
        source: Vec<PloverActor>,
    }
    #[derive(Deserialize)]
    struct PloverActor {
        #[serde(default)]
        code: String,
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let records: Vec<PloverRecord> = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a JSON array of PLOVER records", path.display()))?;
    let renamed = |event: &str| match event {
        "FIGHT" => "ASSAULT".to_string(),
        "DISAPPROVE" => "ACCUSE".to_string(),
        "DEMAND" => "REQUEST".to_string(),
        other => other.to_string(),
    };
    let (mut category, mut with_source) = (Counts::default(), Counts::default());
    let mut by_event: BTreeMap<String, Counts> = BTreeMap::new();
    let mut scored = 0;
    for record in records
        .iter()
        .filter(|r| r.event != "DOCUMENT" && !r.text.is_empty())
    {
        let date = record
            .date
            .as_deref()
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| jiff::civil::date(2000, 1, 1));
        let article = Article::new(&record.id, date, &record.text);
        let extraction = dateline_extract::extract_with(article, dictionaries);
        let asserted: Vec<&dateline_core::Event> = extraction
            .events
            .iter()
            .filter(|e| !e.negated && !e.hypothetical)
            .collect();
        let mut ours: Vec<String> = asserted.iter().filter_map(|e| e.plover.clone()).collect();
        ours.sort();
        ours.dedup();
        let gold = renamed(&record.event);
        let found = ours.contains(&gold);
        let sourced = asserted.iter().any(|e| {
            e.plover.as_deref() == Some(gold.as_str())
                && record
                    .source
                    .iter()
                    .any(|s| s.code.len() >= 3 && e.source.code.get(..3) == s.code.get(..3))
        });
        let counts = Counts {
            tp: usize::from(found),
            fp: ours.len() - usize::from(found),
            fn_: usize::from(!found),
        };
        category.add_counts(counts);
        by_event.entry(gold.clone()).or_default().add_counts(counts);
        with_source.add_counts(Counts {
            tp: usize::from(sourced),
            fp: ours.len() - usize::from(sourced),
            fn_: usize::from(!sourced),
        });
        scored += 1;
        if show_errors && !(found && ours.len() == 1) {
            eprintln!(
                "{}: expected {gold}, coded {ours:?}\n    {}",
                record.id, record.text
            );
        }
    }
    eprintln!("events (PLOVER): {scored} records scored");
    let events: serde_json::Map<String, serde_json::Value> = by_event
        .iter()
        .map(|(e, c)| (e.clone(), c.report(json!({}))))
        .collect();
    Ok(category.report(json!({
        "records": scored,
        "with_source": with_source.report(json!({})),
        "by_event": events,
    })))
}

/// Our own gold over articles (`gold/events/`, see its README): each line an event
/// at a verb span. One of our events stands at a gold line when its verb (the start
/// its id records) lies in the line's verb span; pairs are made one-to-one in text
/// order. Printed: events found with the right root code (the headline), with the
/// right dyad too (source and target countries, no target matching no target), and
/// on those found, how often `negated` and `hypothetical` agree and how many gold
/// conditions our conditions overlap.
fn eval_hand_check(args: &EventGold) -> anyhow::Result<serde_json::Value> {
    let mut gold: BTreeMap<String, Vec<GoldEvent>> =
        crate::eval_actors::read_gold(&args.gold, "gold event", |e: &GoldEvent| e.article.clone())?;
    args.split.apply("events", &args.gold, &mut gold)?;
    let selection = crate::eval::GoldArticles {
        gold: args.gold.clone(),
        articles: args.articles.clone(),
        predictions: args.predictions.clone(),
        input: args.input.clone(),
        split: args.split.clone(),
    };
    let extracted = crate::eval_actors::extract_articles(gold.keys(), &selection)?;
    let country = |code: &str| code.get(..3).unwrap_or(code).to_string();
    let (mut found, mut dyad) = (Counts::default(), Counts::default());
    let (mut matched, mut negated_right, mut hypothetical_right) = (0usize, 0usize, 0usize);
    let (mut conditions_gold, mut conditions_found) = (0usize, 0usize);
    for (article, lines) in &gold {
        let mut ours: Vec<(usize, &dateline_core::Event)> = extracted[article]
            .events
            .iter()
            .filter_map(|e| Some((verb_start(e)?, e)))
            .collect();
        ours.sort_by_key(|(start, _)| *start);
        let mut used = vec![false; ours.len()];
        let (mut tp_found, mut tp_dyad) = (0, 0);
        let text = &extracted[article].article.text;
        let mut missed = Vec::new();
        for g in lines {
            let candidates = || {
                ours.iter()
                    .enumerate()
                    .filter(|(i, (start, e))| {
                        !used[*i]
                            && g.verb[0] <= *start
                            && *start < g.verb[1]
                            && e.root == g.code.get(..2).unwrap_or("")
                    })
                    .map(|(i, (_, e))| (i, *e))
            };
            let same_dyad = |e: &dateline_core::Event| {
                let source = g
                    .source
                    .code
                    .as_deref()
                    .is_none_or(|c| country(c) == country(&e.source.code));
                let target = match (&g.target, &e.target) {
                    (None, None) => true,
                    (Some(gt), Some(t)) => gt
                        .code
                        .as_deref()
                        .is_none_or(|c| country(c) == country(&t.code)),
                    _ => false,
                };
                source && target
            };
            // Prefer the candidate with the right dyad.
            let pick = candidates()
                .find(|(_, e)| same_dyad(e))
                .or_else(|| candidates().next());
            let Some((i, e)) = pick else {
                if args.show_errors {
                    missed.push(format!(
                        "missed {} {}→{} at «{}»",
                        g.code,
                        g.source.code.as_deref().unwrap_or("?"),
                        g.target
                            .as_ref()
                            .map_or("-", |t| t.code.as_deref().unwrap_or("?")),
                        chars(text, g.verb[0], g.verb[1])
                    ));
                }
                continue;
            };
            used[i] = true;
            tp_found += 1;
            tp_dyad += usize::from(same_dyad(e));
            matched += 1;
            negated_right += usize::from(e.negated == g.negated);
            hypothetical_right += usize::from(e.hypothetical == g.hypothetical);
            conditions_gold += g.conditions.len();
            conditions_found += g
                .conditions
                .iter()
                .filter(|c| e.conditions.iter().any(|o| o.start < c[1] && c[0] < o.end))
                .count();
        }
        if args.show_errors {
            for (_, e) in ours
                .iter()
                .enumerate()
                .filter(|(i, _)| !used[*i])
                .map(|(_, e)| e)
            {
                eprintln!(
                    "{article}: extra {} {}→{} at «{}» in «{}»",
                    e.code,
                    e.source.code,
                    e.target.as_ref().map_or("-", |t| t.code.as_str()),
                    e.id,
                    chars(text, e.evidence.start, e.evidence.end).replace('\n', " ")
                );
            }
            for m in &missed {
                eprintln!("{article}: {m}");
            }
        }
        found.add_counts(Counts {
            tp: tp_found,
            fp: ours.len() - tp_found,
            fn_: lines.len() - tp_found,
        });
        dyad.add_counts(Counts {
            tp: tp_dyad,
            fp: ours.len() - tp_dyad,
            fn_: lines.len() - tp_dyad,
        });
    }
    eprintln!(
        "events (hand check): {} articles, {} gold events, {} matched",
        gold.len(),
        gold.values().map(Vec::len).sum::<usize>(),
        matched
    );
    let share = |n: usize| round(n as f64 / matched.max(1) as f64);
    Ok(found.report(json!({
        "articles": gold.len(),
        "dyad": dyad.report(json!({})),
        "negated_agreement": share(negated_right),
        "hypothetical_agreement": share(hypothetical_right),
        "conditions": {"gold": conditions_gold, "overlapped": conditions_found},
    })))
}

/// One line of an offset gold (`gold/events/*.jsonl`).
#[derive(Deserialize)]
pub(crate) struct GoldEvent {
    pub article: String,
    /// Code points into the stored text.
    pub verb: [usize; 2],
    pub source: GoldActor,
    pub target: Option<GoldActor>,
    pub code: String,
    pub negated: bool,
    pub hypothetical: bool,
    #[serde(default)]
    pub conditions: Vec<[usize; 2]>,
}

#[derive(Deserialize)]
pub(crate) struct GoldActor {
    pub code: Option<String>,
}

/// Where an event's verb starts (code points), from its id.
pub(crate) fn verb_start(event: &dateline_core::Event) -> Option<usize> {
    event.id.rsplit(':').nth(1)?.parse().ok()
}

/// The characters `[start, end)` of `text`, counted as the gold counts them (code points).
fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// The peer's predictions by sentence text.
fn read_peer(path: &Path) -> anyhow::Result<BTreeMap<String, Vec<[String; 3]>>> {
    #[derive(Deserialize)]
    struct Output {
        results: Vec<Result>,
    }
    #[derive(Deserialize)]
    struct Result {
        text: String,
        #[serde(default)]
        predicted: Vec<[String; 3]>,
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let output: Output = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a peer output (`results`)", path.display()))?;
    Ok(output
        .results
        .into_iter()
        .map(|r| (r.text.trim().to_string(), r.predicted))
        .collect())
}

/// True positives etc. of two multisets, compared by `key`.
fn multiset_counts<K: Ord>(
    predicted: &[[String; 3]],
    gold: &[[String; 3]],
    key: impl Fn(&[String; 3]) -> K,
) -> Counts {
    let mut left: BTreeMap<K, usize> = BTreeMap::new();
    for g in gold {
        *left.entry(key(g)).or_default() += 1;
    }
    let mut tp = 0;
    for p in predicted {
        if let Some(n) = left.get_mut(&key(p))
            && *n > 0
        {
            *n -= 1;
            tp += 1;
        }
    }
    Counts {
        tp,
        fp: predicted.len() - tp,
        fn_: gold.len() - tp,
    }
}

/// `19950101`, or `121108` as the dictionaries write two-digit years.
fn parse_compact_date(text: &str) -> anyhow::Result<dateline_core::Date> {
    dateline_cameo::parse_date(text).context("not YYYYMMDD or YYMMDD")
}

/// The shipped dictionaries, or those plus a record set's own.
fn dictionaries(
    dir: Option<&Path>,
) -> anyhow::Result<(dateline_actors::Dictionary, dateline_events::EventModel)> {
    let mut actors = dateline_actors::shipped().clone();
    let mut events = dateline_events::shipped().clone();
    let Some(dir) = dir else {
        return Ok((actors, events));
    };
    let mut found = 0;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let read = || {
            std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
        };
        let mut problems = Vec::new();
        if name.contains("actors") {
            let (extended, p) = actors.with_user_text(&read()?, &name);
            actors = extended;
            problems = p;
        } else if name.contains("agents") {
            actors.add_agents(&read()?, &mut |line, what| {
                problems.push(format!("{name}:{line}: {what}"))
            });
        } else if name.contains("verbs") {
            let (model, p) = events.with_verbs(&read()?);
            events = model;
            problems = p;
        } else {
            continue;
        }
        found += 1;
        if !problems.is_empty() {
            eprintln!(
                "{name}: {} lines skipped (first: {})",
                problems.len(),
                problems[0]
            );
        }
    }
    anyhow::ensure!(
        found > 0,
        "{} has no *actors*, *agents* or *verbs* files",
        dir.display()
    );
    Ok((actors, events))
}
