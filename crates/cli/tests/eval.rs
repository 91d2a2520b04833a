//! `dateline eval tokens|sentences` end to end on a small treebank of our own.

mod common;

use common::*;
use std::path::Path;

const TREEBANK: &str = "# newdoc id = fiction-1
# sent_id = f1
# text = Envoys didn't meet.
1\tEnvoys\tenvoy\tNOUN\tNNS\t_\t4\tnsubj\t_\t_
2-3\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_
2\tdid\tdo\tAUX\tVBD\t_\t4\taux\t_\t_
3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_
4\tmeet\tmeet\tVERB\tVB\t_\t0\troot\t_\t_
5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_

# sent_id = f2
# text = Talks resumed.
1\tTalks\ttalk\tNOUN\tNNS\t_\t2\tnsubj\t_\t_
2\tresumed\tresume\tVERB\tVBD\t_\t0\troot\t_\t_
3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

";

fn last_json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout.lines().last().expect("a last line")).expect("last line is JSON")
}

#[test]
fn token_and_sentence_scores_end_with_a_json_line() {
    let dir = tempfile::tempdir().unwrap();
    let gold = write(dir.path(), "tiny.conllu", TREEBANK);
    let db = dir.path().join("unused.db");
    let tokens = dateline(&["eval", "tokens", "--gold", gold.to_str().unwrap()], &db);
    assert_eq!(tokens.code, 0, "{}", tokens.stderr);
    let report = last_json(&tokens.stdout);
    // Note the gold splits "didn't" as did + n't; so does the tokenizer.
    assert_eq!(
        (
            report["tp"].as_u64(),
            report["fp"].as_u64(),
            report["fn"].as_u64()
        ),
        (Some(8), Some(0), Some(0))
    );
    assert_eq!(report["f1"], 1.0);
    let sentences = dateline(
        &["eval", "sentences", "--gold", gold.to_str().unwrap()],
        &db,
    );
    let report = last_json(&sentences.stdout);
    assert_eq!(report["f1"], 1.0, "{report}");
    assert_eq!(report["documents"], 1);
}

#[test]
fn pos_scores_the_shipped_tagger_and_a_given_model_file() {
    let dir = tempfile::tempdir().unwrap();
    let gold = write(dir.path(), "tiny.conllu", TREEBANK);
    let db = dir.path().join("unused.db");
    let run = dateline(&["eval", "pos", "--gold", gold.to_str().unwrap()], &db);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = last_json(&run.stdout);
    assert_eq!(report["words"], 8);
    assert!(report["accuracy"].as_f64().unwrap() >= 0.75, "{report}");
    let bad_model = write(dir.path(), "model.bin", "not a model");
    let run = dateline(
        &[
            "eval",
            "pos",
            "--gold",
            gold.to_str().unwrap(),
            "--model",
            bad_model.to_str().unwrap(),
        ],
        &db,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("not a dateline tagger model"),
        "{}",
        run.stderr
    );
}

#[test]
fn train_pos_writes_a_model_that_eval_can_score() {
    let dir = tempfile::tempdir().unwrap();
    let gold = write(dir.path(), "tiny.conllu", TREEBANK);
    let model = dir.path().join("pos.bin");
    let db = dir.path().join("unused.db");
    let (g, m) = (gold.to_str().unwrap(), model.to_str().unwrap());
    let run = dateline(
        &[
            "train",
            "pos",
            "--train",
            g,
            "--dev",
            g,
            "--out",
            m,
            "--iterations",
            "3",
        ],
        &db,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = last_json(&dateline(&["eval", "pos", "--gold", g, "--model", m], &db).stdout);
    assert_eq!(
        report["accuracy"], 1.0,
        "a model scored on its own training data: {report}"
    );
}

#[test]
fn deps_reports_uas_and_las_and_train_deps_reproduces_the_treebank() {
    let dir = tempfile::tempdir().unwrap();
    // Repeated so that training updates outweigh the pruning threshold of saved models.
    let gold = write(dir.path(), "tiny.conllu", TREEBANK.repeat(20));
    let db = dir.path().join("unused.db");
    let g = gold.to_str().unwrap();
    let shipped = last_json(&dateline(&["eval", "deps", "--gold", g], &db).stdout);
    assert!(shipped["uas"].as_f64().unwrap() >= 0.5, "{shipped}");
    assert_eq!(shipped["f1"], shipped["las"]);
    let model = dir.path().join("deps.bin");
    let m = model.to_str().unwrap();
    let run = dateline(
        &[
            "train",
            "deps",
            "--train",
            g,
            "--dev",
            g,
            "--out",
            m,
            "--iterations",
            "5",
        ],
        &db,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let trained = last_json(&dateline(&["eval", "deps", "--gold", g, "--model", m], &db).stdout);
    assert_eq!(
        (trained["uas"].as_f64(), trained["las"].as_f64()),
        (Some(1.0), Some(1.0)),
        "{trained}"
    );
}

#[test]
fn a_missing_or_malformed_gold_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let run = dateline(
        &[
            "eval",
            "tokens",
            "--gold",
            dir.path().join("none.conllu").to_str().unwrap(),
        ],
        &db,
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("none.conllu"), "{}", run.stderr);
    let bad = write(dir.path(), "bad.conllu", "1\tonly-two\n");
    let run = dateline(&["eval", "tokens", "--gold", bad.to_str().unwrap()], &db);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("bad.conllu: line 1"), "{}", run.stderr);
}

/// `eval events --predictions` scores saved `dateline extract` lines against an offset
/// gold as it scores a fresh extraction: ours as saved, and a peer's in the same shape
/// (`benches/petrarch2/`), here one that found nothing.
#[test]
fn event_predictions_are_scored_like_a_fresh_extraction() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let actors = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/dictionary/fictional.actors"
    );
    let article = write(
        dir.path(),
        "article.jsonl",
        jsonl_line("p1", "2031-03-02", "Veldora attacked Haldmere on Monday.") + "\n",
    );
    let extracted = dateline(
        &["extract", "--actors", actors, article.to_str().unwrap()],
        &db,
    );
    assert_eq!(extracted.code, 0, "{}", extracted.stderr);
    let ours = write(dir.path(), "ours.jsonl", &extracted.stdout);
    let line: serde_json::Value = serde_json::from_str(extracted.stdout.trim()).unwrap();
    let event = &line["events"][0];
    assert_eq!(event["root"], "19", "{line}");
    let start: usize = event["id"]
        .as_str()
        .unwrap()
        .rsplit(':')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let gold = serde_json::json!({
        "article": "p1", "verb": [start, start + "attacked".len()],
        "source": {"code": "VLD"}, "target": {"code": "HLD"}, "code": event["code"],
        "negated": false, "hypothetical": false,
    });
    let gold = write(dir.path(), "gold.jsonl", gold.to_string() + "\n");
    let score = |predictions: &Path| {
        let run = dateline(
            &[
                "eval",
                "events",
                "--gold",
                gold.to_str().unwrap(),
                "--predictions",
                predictions.to_str().unwrap(),
            ],
            &db,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        last_json(&run.stdout)
    };
    let report = score(&ours);
    assert_eq!(
        (report["tp"].as_u64(), report["fn"].as_u64()),
        (Some(1), Some(0)),
        "{report}"
    );
    assert_eq!(report["dyad"]["tp"].as_u64(), Some(1), "{report}");

    let mut nothing = line.clone();
    nothing["events"] = serde_json::json!([]);
    let peer = write(dir.path(), "peer.jsonl", nothing.to_string() + "\n");
    let report = score(&peer);
    assert_eq!(
        (report["tp"].as_u64(), report["fn"].as_u64()),
        (Some(0), Some(1)),
        "{report}"
    );

    // An article the gold annotates must be among the predictions.
    let elsewhere = write(dir.path(), "elsewhere.jsonl", "");
    let run = dateline(
        &[
            "eval",
            "events",
            "--gold",
            gold.to_str().unwrap(),
            "--predictions",
            elsewhere.to_str().unwrap(),
        ],
        &db,
    );
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("p1"), "{}", run.stderr);
}
