//! `dateline eval quotes`: statements against our own gold (`gold/statements/`).
//!
//! A predicted statement matches a gold one when their contents overlap by at least
//! half of the shorter (boundaries of reported clauses are a matter of taste; which
//! words were attributed to whom is not), one-to-one, largest overlap first. Gold
//! names speakers by canonical names, so our speakers (actor ids, or names when no
//! actor is linked) are mapped one-to-one onto gold names by how many matched
//! statements they share, as `eval actors` maps actors. Anonymous matches anonymous.
//!
//! Printed: (a) direct quote spans, (b) direct quotes with the right speaker, (c) all
//! statements with the right speaker (the headline `precision`/`recall`/`f1`), the
//! precision of speakers on matched statements, and (d) the outlet (`via`); then
//! how often matched statements have the right kind and `said_on` (overall, and
//! where the text gives a day).

use std::collections::BTreeMap;

use dateline_core::Statement;
use serde::Deserialize;
use serde_json::json;

use crate::eval::GoldArticles;
use crate::eval::{Counts, round};
use crate::eval_actors::{extract_articles, one_to_one, overlap, read_gold};

#[derive(Debug, Deserialize)]
pub(crate) struct GoldStatement {
    pub(crate) article: String,
    kind: String,
    pub(crate) content: [usize; 2],
    pub(crate) speaker: GoldSpeaker,
    via: Option<String>,
    /// The day the text gives; `None` when it gives none (then the article's date).
    said_on: Option<dateline_core::Date>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct GoldSpeaker {
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) anonymous: bool,
}

/// How much a predicted content shares with a gold one, when they count as the same
/// statement: overlapping by at least half of the shorter.
pub(crate) fn shared_content(gold: [usize; 2], ours: &dateline_core::Span) -> Option<usize> {
    let shared = overlap(gold[0]..gold[1], ours.start..ours.end);
    let shorter = (gold[1] - gold[0]).min(ours.end - ours.start);
    (shared > 0 && 2 * shared >= shorter).then_some(shared)
}

pub fn eval_quotes(args: &GoldArticles) -> anyhow::Result<serde_json::Value> {
    let mut gold: BTreeMap<String, Vec<GoldStatement>> =
        read_gold(&args.gold, "gold statement", |s: &GoldStatement| {
            s.article.clone()
        })?;
    args.split.apply("statements", &args.gold, &mut gold)?;
    let predicted = extract_articles(gold.keys(), args)?;

    // Pairs by content overlap.
    let mut pairs: Vec<(&GoldStatement, &Statement)> = Vec::new();
    let mut all_predicted: Vec<&Statement> = Vec::new();
    for (id, statements) in &gold {
        let ours: Vec<&Statement> = predicted[id].statements.iter().collect();
        all_predicted.extend(&ours);
        let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
        for (g, gs) in statements.iter().enumerate() {
            for (p, ps) in ours.iter().enumerate() {
                if let Some(shared) = shared_content(gs.content, &ps.content) {
                    candidates.push((shared, g, p));
                }
            }
        }
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let (mut used_g, mut used_p) = (vec![false; statements.len()], vec![false; ours.len()]);
        for (_, g, p) in candidates {
            if !used_g[g] && !used_p[p] {
                used_g[g] = true;
                used_p[p] = true;
                pairs.push((&statements[g], ours[p]));
            }
        }
    }
    let speaker_key = |s: &Statement| -> String {
        s.speaker
            .actor_id
            .clone()
            .unwrap_or_else(|| s.speaker.name.to_lowercase())
    };
    let keys: Vec<String> = pairs.iter().map(|(_, p)| speaker_key(p)).collect();
    let map = one_to_one(
        pairs
            .iter()
            .zip(&keys)
            .filter(|((g, p), _)| !g.speaker.anonymous && !p.speaker.anonymous)
            .filter_map(|((g, _), key)| Some((key.as_str(), g.speaker.name.as_deref()?))),
    );
    let right_speaker = |(g, p): &(&GoldStatement, &Statement), key: &String| {
        if g.speaker.anonymous || p.speaker.anonymous {
            return g.speaker.anonymous && p.speaker.anonymous;
        }
        g.speaker
            .name
            .as_deref()
            .is_some_and(|name| map.get(key.as_str()) == Some(&name))
    };

    let gold_all: usize = gold.values().map(Vec::len).sum();
    let gold_direct = gold
        .values()
        .flatten()
        .filter(|g| g.kind == "direct")
        .count();
    let ours_direct = all_predicted.iter().filter(|p| p.kind == "direct").count();
    let (mut direct_span, mut direct_speaker, mut all_speaker) = (0, 0, 0);
    for (pair, key) in pairs.iter().zip(&keys) {
        let right = right_speaker(pair, key);
        let direct = pair.0.kind == "direct" && pair.1.kind == "direct";
        direct_span += usize::from(direct);
        direct_speaker += usize::from(direct && right);
        all_speaker += usize::from(right);
    }
    let counts = |tp: usize, predicted: usize, gold: usize| Counts {
        tp,
        fp: predicted - tp,
        fn_: gold - tp,
    };
    let names_match = |a: &str, b: &str| {
        let norm = |s: &str| s.to_lowercase().trim_start_matches("the ").to_string();
        norm(a) == norm(b)
    };
    let via_right = pairs
        .iter()
        .filter(|(g, p)| match (&g.via, &p.via) {
            (Some(g), Some(p)) => names_match(g, &p.name),
            _ => false,
        })
        .count();
    let gold_via = gold.values().flatten().filter(|g| g.via.is_some()).count();
    let ours_via = all_predicted.iter().filter(|p| p.via.is_some()).count();
    let kinds_right = pairs.iter().filter(|(g, p)| g.kind == p.kind).count();
    let days_right = pairs
        .iter()
        .filter(|(g, p)| p.said_on == Some(g.said_on.unwrap_or(p.date)))
        .count();
    let dated = pairs.iter().filter(|(g, _)| g.said_on.is_some()).count();
    let dated_right = pairs
        .iter()
        .filter(|(g, p)| g.said_on.is_some() && p.said_on == g.said_on)
        .count();
    eprintln!(
        "quotes: {} articles, {gold_all} gold statements ({gold_direct} direct), {} predicted ({ours_direct} direct), {} matched",
        gold.len(),
        all_predicted.len(),
        pairs.len()
    );
    let headline = counts(all_speaker, all_predicted.len(), gold_all);
    Ok(headline.report(json!({
        "articles": gold.len(),
        "direct_span": counts(direct_span, ours_direct, gold_direct).report(json!({})),
        "direct_speaker": counts(direct_speaker, ours_direct, gold_direct).report(json!({})),
        "all_speaker": headline.report(json!({})),
        "speaker_precision": round(all_speaker as f64 / pairs.len().max(1) as f64),
        "kind_accuracy": round(kinds_right as f64 / pairs.len().max(1) as f64),
        "said_on_accuracy": round(days_right as f64 / pairs.len().max(1) as f64),
        "said_on_given": json!({"matched": dated, "right": dated_right}),
        "via": counts(via_right, ours_via, gold_via).report(json!({})),
    })))
}
