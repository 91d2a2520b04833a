//! `dateline eval`: scores against gold files. The last line printed is one JSON
//! object with `precision`, `recall`, `f1` and the counts (SPEC §4).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use dateline_nlp::conllu::{Sentence, documents, read_conllu, word_spans};
use dateline_nlp::iob2::{TaggedSentence, entities};
use dateline_nlp::ner::{Recognizer, f1};
use dateline_nlp::parser::Parser;
use dateline_nlp::tagger::Tagger;
use dateline_nlp::{ByteSpan, tokenize};
use serde_json::json;

#[derive(clap::Subcommand)]
pub enum EvalKind {
    /// Token boundaries against the words of a CoNLL-U treebank (file or directory).
    Tokens {
        #[arg(long)]
        gold: PathBuf,
    },
    /// Sentence boundaries against a CoNLL-U treebank's documents (file or directory).
    Sentences {
        #[arg(long)]
        gold: PathBuf,
    },
    /// Named entities (exact span and label) on the gold file's own words: an IOB2
    /// file (Universal NER), or GUM CoNLL-U files (a directory or one `.conllu`) whose
    /// person, organisation and place mentions headed by a proper noun count as names.
    Ner {
        #[arg(long)]
        gold: PathBuf,
        /// A model file to score instead of the shipped one.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Dependency attachments (UAS, LAS) on the treebank's own words, with the shipped
    /// tagger's tags.
    Deps {
        #[arg(long)]
        gold: PathBuf,
        /// A model file to score instead of the shipped one.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Lemmas on the treebank's own words, with the shipped tagger's UPOS.
    Lemmas {
        #[arg(long)]
        gold: PathBuf,
    },
    /// Part-of-speech tags (UPOS and XPOS) on the treebank's own words.
    Pos {
        #[arg(long)]
        gold: PathBuf,
        /// A model file to score instead of the shipped one.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Statements: quotes and reported speech with their speakers and outlets,
    /// against gold JSON Lines (see gold/statements/README.md).
    Quotes(GoldArticles),
    /// Events: (source, target, CAMEO code) per sentence against the PETRARCH gold
    /// records (`../shared/data/petrarch2-gold/normalized/*.jsonl`).
    Events(crate::eval_events::EventGold),
    /// Actor linking: which actor each mention is, against gold JSON Lines of
    /// `{article, start, end, actor, code, kind}` (see gold/actors/README.md).
    Actors(GoldArticles),
    /// Story grouping against the headings of Wikipedia's current-events items
    /// (BCubed), beside a TF-IDF single-pass baseline.
    Stories(crate::eval_stories::StoryCheck),
    /// Timeline summaries in the news-tls layout and protocol (date F1 here; the
    /// alignment ROUGE from `benches/tilse/score.py` over `--out`).
    Timelines(crate::eval_timelines::TimelineDataset),
}

/// Gold over articles: the annotations, and the articles they point into.
#[derive(clap::Args)]
pub struct GoldArticles {
    /// Gold files (repeatable).
    #[arg(long, required = true)]
    pub gold: Vec<PathBuf>,
    /// The articles the gold annotates (any input format; files or folders).
    #[arg(long, required_unless_present = "predictions")]
    pub articles: Vec<PathBuf>,
    /// Score these saved `dateline extract` lines (ours, or a peer's in the same
    /// shape) instead of extracting the articles now.
    #[arg(long, conflicts_with = "articles")]
    pub predictions: Option<PathBuf>,
    #[command(flatten)]
    pub input: crate::InputArgs,
    #[command(flatten)]
    pub split: crate::eval_split::SplitArgs,
}

/// True positives, false positives and false negatives of a span comparison.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Counts {
    pub(crate) tp: usize,
    pub(crate) fp: usize,
    pub(crate) fn_: usize,
}

impl Counts {
    pub(crate) fn add_counts(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }

    fn add(&mut self, predicted: &[ByteSpan], gold: &[ByteSpan]) {
        let gold_set: HashSet<&ByteSpan> = gold.iter().collect();
        let hits = predicted.iter().filter(|p| gold_set.contains(p)).count();
        self.tp += hits;
        self.fp += predicted.len() - hits;
        self.fn_ += gold.len() - hits;
    }

    pub(crate) fn report(&self, extra: serde_json::Value) -> serde_json::Value {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(self.tp, self.tp + self.fp);
        let recall = ratio(self.tp, self.tp + self.fn_);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        let mut out = json!({
            "precision": round(precision), "recall": round(recall), "f1": round(f1),
            "tp": self.tp, "fp": self.fp, "fn": self.fn_,
        });
        if let (Some(map), serde_json::Value::Object(more)) = (out.as_object_mut(), extra) {
            map.extend(more);
        }
        out
    }
}

/// Time spent in the component under test only (not reading or scoring), like
/// spaCy's `evaluate` speed figure. Words are whitespace-separated words for
/// sentence splitting, gold words for tokenisation.
#[derive(Default)]
struct Throughput {
    words: usize,
    seconds: f64,
}

impl Throughput {
    fn time<T>(&mut self, words: usize, work: impl FnOnce() -> T) -> T {
        let started = std::time::Instant::now();
        let out = work();
        self.seconds += started.elapsed().as_secs_f64();
        self.words += words;
        out
    }

    fn rate(&self) -> u64 {
        if self.seconds == 0.0 {
            0
        } else {
            (self.words as f64 / self.seconds) as u64
        }
    }
}

pub(crate) fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

pub fn run(kind: &EvalKind) -> anyhow::Result<ExitCode> {
    let report = match kind {
        EvalKind::Tokens { gold } => eval_tokens(&read_treebank(gold)?),
        EvalKind::Sentences { gold } => eval_sentences(&read_treebank(gold)?),
        EvalKind::Pos { gold, model } => {
            let loaded = model
                .as_deref()
                .map(|p| load_model(p, Tagger::load))
                .transpose()?;
            let tagger = loaded
                .as_ref()
                .unwrap_or_else(|| dateline_nlp::tagger::shipped());
            eval_pos(tagger, &read_treebank(gold)?)
        }
        EvalKind::Lemmas { gold } => {
            let sentences = read_treebank(gold)?;
            let lemmatizer = dateline_nlp::lemmatizer::shipped();
            let words: usize = sentences.iter().map(|s| s.words.len()).sum();
            let predicted = lemmatizer.accuracy(&sentences, crate::train::predicted_upos);
            let with_gold = lemmatizer.accuracy(&sentences, |s| {
                s.words.iter().map(|w| w.upos.clone()).collect()
            });
            eprintln!(
                "lemmas: {words} words; accuracy with predicted UPOS, and with gold UPOS beside it"
            );
            json!({
                "accuracy": round(predicted), "precision": round(predicted), "recall": round(predicted),
                "f1": round(predicted), "accuracy_gold_upos": round(with_gold), "words": words,
            })
        }
        EvalKind::Deps { gold, model } => {
            let loaded = model
                .as_deref()
                .map(|p| load_model(p, Parser::load))
                .transpose()?;
            let parser = loaded
                .as_ref()
                .unwrap_or_else(|| dateline_nlp::parser::shipped());
            eval_deps(parser, &read_treebank(gold)?)
        }
        EvalKind::Quotes(args) => crate::eval_quotes::eval_quotes(args)?,
        EvalKind::Events(args) => crate::eval_events::eval_events(args)?,
        EvalKind::Actors(args) => crate::eval_actors::eval_actors(args)?,
        EvalKind::Stories(check) => crate::eval_stories::eval_stories(check)?,
        EvalKind::Timelines(dataset) => crate::eval_timelines::eval_timelines(dataset)?,
        EvalKind::Ner { gold, model } => {
            let loaded = model
                .as_deref()
                .map(|p| load_model(p, Recognizer::load))
                .transpose()?;
            let recognizer = loaded
                .as_ref()
                .unwrap_or_else(|| dateline_nlp::ner::shipped());
            let treebank = gold.is_dir() || gold.extension().is_some_and(|e| e == "conllu");
            let sentences = if treebank {
                read_treebank(gold)?
                    .iter()
                    .map(dateline_nlp::iob2::gum_named_entities)
                    .collect()
            } else {
                crate::train::read_entities(gold)?
            };
            eval_ner(recognizer, &sentences)
        }
    };
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// A model file given with `--model`.
fn load_model<M>(path: &Path, load: fn(&[u8]) -> Result<M, String>) -> anyhow::Result<M> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    load(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Every `.conllu` file under `path`, in name order; each file starts a document.
fn read_treebank(path: &Path) -> anyhow::Result<Vec<Sentence>> {
    let mut files = Vec::new();
    if path.is_dir() {
        for entry in
            std::fs::read_dir(path).with_context(|| format!("cannot read {}", path.display()))?
        {
            let p = entry?.path();
            if p.extension().is_some_and(|e| e == "conllu") {
                files.push(p);
            }
        }
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    if files.is_empty() {
        bail!("no .conllu files at {}", path.display());
    }
    let mut sentences = Vec::new();
    for file in files {
        let reader = std::io::BufReader::new(
            std::fs::File::open(&file)
                .with_context(|| format!("cannot open {}", file.display()))?,
        );
        let mut these =
            read_conllu(reader).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        if let Some(first) = these.first_mut() {
            first.new_doc = true;
            first.new_par = true;
        }
        sentences.extend(these);
    }
    Ok(sentences)
}

fn eval_tokens(sentences: &[Sentence]) -> serde_json::Value {
    let mut counts = Counts::default();
    let mut skipped = 0;
    let mut timer = Throughput::default();
    for sentence in sentences {
        let (Some(text), Some(gold)) = (sentence.text.as_deref(), word_spans(sentence)) else {
            skipped += 1;
            continue;
        };
        let predicted = timer.time(gold.len(), || tokenize(text));
        counts.add(&predicted, &gold);
    }
    eprintln!(
        "tokens: {} sentences scored, {skipped} skipped (their words do not spell their text)",
        sentences.len() - skipped
    );
    counts.report(json!({
        "sentences": sentences.len() - skipped, "skipped": skipped, "words_per_second": timer.rate(),
    }))
}

/// Attachment scores over every word (punctuation included), with predicted tags.
/// Precision = recall = F1 = LAS, since every word gets exactly one head and label.
fn eval_deps(parser: &Parser, sentences: &[Sentence]) -> serde_json::Value {
    let tagger = dateline_nlp::tagger::shipped();
    let (mut words, mut heads, mut both, mut universal) = (0usize, 0usize, 0usize, 0usize);
    let mut timer = Throughput::default();
    for sentence in sentences {
        let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
        let xpos: Vec<&str> = tagger.tag(&forms).into_iter().map(|t| t.xpos).collect();
        let arcs = timer.time(forms.len(), || parser.parse(&forms, &xpos));
        for (arc, word) in arcs.iter().zip(&sentence.words) {
            let head_ok = arc.head == word.head;
            let base = |l: &str| l.split(':').next().unwrap_or("").to_string();
            heads += usize::from(head_ok);
            both += usize::from(head_ok && arc.label == word.deprel);
            universal += usize::from(head_ok && base(&arc.label) == base(&word.deprel));
        }
        words += forms.len();
    }
    let ratio = |n: usize| round(n as f64 / words.max(1) as f64);
    eprintln!(
        "deps: {words} words in {} sentences, predicted tags",
        sentences.len()
    );
    json!({
        "uas": ratio(heads), "las": ratio(both), "las_universal": ratio(universal),
        "precision": ratio(both), "recall": ratio(both), "f1": ratio(both),
        "words": words, "words_per_second": timer.rate(),
    })
}

/// Exact-match entity scores, overall and per label (`PER`, `ORG`, `LOC`).
fn eval_ner(recognizer: &Recognizer, sentences: &[TaggedSentence]) -> serde_json::Value {
    let tagger = dateline_nlp::tagger::shipped();
    let mut counts = dateline_nlp::ner::EntityCounts::default();
    let mut timer = Throughput::default();
    for sentence in sentences {
        let found = timer.time(sentence.words.len(), || {
            recognizer.recognise(&sentence.words, tagger)
        });
        let predicted: Vec<(usize, usize, String)> = found
            .into_iter()
            .map(|e| (e.start, e.end, e.label))
            .collect();
        counts.add(&predicted, &entities(&sentence.tags));
    }
    let (tp, fp, fn_) = counts.totals();
    let mut by_label = serde_json::Map::new();
    for (label, &(t, p, n)) in &counts.by_label {
        by_label.insert(label.clone(), json!(round(f1((t, p, n)))));
        eprintln!("  {label}: tp {t}, fp {p}, fn {n}, F1 {:.4}", f1((t, p, n)));
    }
    let report = Counts { tp, fp, fn_ }.report(json!({
        "sentences": sentences.len(), "f1_by_label": by_label, "words_per_second": timer.rate(),
    }));
    eprintln!(
        "ner: {} sentences (speed includes POS tagging)",
        sentences.len()
    );
    report
}

/// With gold words, every word gets one tag, so precision = recall = F1 = accuracy
/// (UPOS); XPOS accuracy is reported beside it.
fn eval_pos(tagger: &Tagger, sentences: &[Sentence]) -> serde_json::Value {
    let (mut words, mut upos, mut xpos) = (0usize, 0usize, 0usize);
    let mut timer = Throughput::default();
    for sentence in sentences {
        let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
        let tags = timer.time(forms.len(), || tagger.tag(&forms));
        for (tag, word) in tags.iter().zip(&sentence.words) {
            upos += usize::from(tag.upos == word.upos);
            xpos += usize::from(tag.xpos == word.xpos);
        }
        words += forms.len();
    }
    let accuracy = upos as f64 / words.max(1) as f64;
    eprintln!("pos: {words} words in {} sentences", sentences.len());
    json!({
        "accuracy": round(accuracy), "precision": round(accuracy), "recall": round(accuracy), "f1": round(accuracy),
        "xpos_accuracy": round(xpos as f64 / words.max(1) as f64),
        "words": words, "correct": upos, "words_per_second": timer.rate(),
    })
}

/// Sentence ends of the shipped model over documents rebuilt from the treebank
/// ([`documents`]), with the rules' own score beside it.
fn eval_sentences(sentences: &[Sentence]) -> serde_json::Value {
    let documents = documents(sentences);
    let model = dateline_nlp::sentences::shipped();
    let (mut counts, mut rules) = (Counts::default(), Counts::default());
    let mut timer = Throughput::default();
    for document in &documents {
        let text = document.text.as_str();
        let tokens = tokenize(text);
        let covering = |ranges: Vec<std::ops::Range<usize>>| -> Vec<ByteSpan> {
            ranges
                .into_iter()
                .map(|r| ByteSpan::new(tokens[r.start].start, tokens[r.end - 1].end))
                .collect()
        };
        let words = text.split_whitespace().count();
        let predicted = timer.time(words, || covering(model.split(text, &tokens)));
        counts.add(&predicted, &document.sentences);
        rules.add(
            &covering(dateline_nlp::split_sentences(text, &tokens)),
            &document.sentences,
        );
    }
    eprintln!(
        "sentences: {} documents rebuilt from their sentence texts",
        documents.len()
    );
    let rate = timer.rate();
    let rules = rules.report(json!({}));
    counts.report(json!({
        "documents": documents.len(), "words_per_second": rate,
        "rules_only": { "precision": rules["precision"], "recall": rules["recall"], "f1": rules["f1"] },
    }))
}
