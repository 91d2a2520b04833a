//! `dateline train`: reproduces a shipped model from data.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use dateline_nlp::clusters::Clusters;
use dateline_nlp::conllu::{Document, Sentence, documents, read_conllu};
use dateline_nlp::gazetteer::Gazetteer;
use dateline_nlp::iob2::{TaggedSentence, read_iob2};
use dateline_nlp::lemmatizer::Lemmatizer;
use dateline_nlp::ner::Recognizer;
use dateline_nlp::parser::Parser;
use dateline_nlp::sentences::SentenceModel;
use dateline_nlp::tagger::Tagger;
use dateline_nlp::{ByteSpan, tokenize};

/// Where every model's data comes from and goes to.
#[derive(clap::Args)]
pub struct TrainData {
    /// Training data: a CoNLL-U treebank (pos, lemmas, deps) or an IOB2 file (ner).
    #[arg(long)]
    train: PathBuf,
    /// Development data in the same format, scored after every pass.
    #[arg(long)]
    dev: PathBuf,
    /// Where to write the model (the shipped ones are in data/models/).
    #[arg(long)]
    out: PathBuf,
}

/// Word clusters whose paths become features of the tagger or the recogniser.
#[derive(clap::Args)]
pub struct ClusterArgs {
    /// Brown clusters (`PATH<TAB>WORD<TAB>FREQ`, optionally gzip'd); the shipped models
    /// read ../shared/data/pretrained/brown-clusters-news/rcv1-turian-c1000-freq1.txt.gz.
    /// Without it, no cluster features.
    #[arg(long)]
    clusters: Option<PathBuf>,
    /// Words seen fewer times than this in the clustering corpus are left out.
    #[arg(long, default_value_t = 5)]
    min_cluster_freq: u64,
    /// Word vectors in GloVe's text format (optionally gzip'd), cut into cluster paths
    /// by bisecting 2-means instead of reading Brown clusters; the shipped recogniser
    /// reads ../shared/data/pretrained/glove-6b-50d/glove.6B.50d.txt.gz.
    #[arg(long, conflicts_with = "clusters")]
    glove: Option<PathBuf>,
    /// How many of the vector file's words (its most frequent) are kept.
    #[arg(long, default_value_t = 100_000)]
    glove_words: usize,
    /// A part with fewer than twice this many words is not split again.
    #[arg(long, default_value_t = 24)]
    glove_leaf: usize,
}

impl ClusterArgs {
    fn read(&self) -> anyhow::Result<Clusters> {
        if let Some(path) = &self.glove {
            let clusters = Clusters::from_embeddings(
                open_maybe_gzip(path)?,
                self.glove_words,
                self.glove_leaf,
                &path.display().to_string(),
            )
            .map_err(anyhow::Error::msg)?;
            eprintln!(
                "clusters: {} words of {} cut into {} paths",
                clusters.len(),
                path.display(),
                clusters.classes()
            );
            return Ok(clusters);
        }
        let Some(path) = &self.clusters else {
            return Ok(Clusters::default());
        };
        let clusters = read_clusters(path, self.min_cluster_freq)?;
        eprintln!(
            "clusters: {} words seen at least {} times in {}",
            clusters.len(),
            self.min_cluster_freq,
            path.display()
        );
        Ok(clusters)
    }
}

#[derive(clap::Subcommand)]
pub enum TrainKind {
    /// The part-of-speech tagger (UPOS + PTB XPOS).
    Pos {
        #[command(flatten)]
        data: TrainData,
        /// Passes over the training data.
        #[arg(long, default_value_t = 8)]
        iterations: usize,
        #[command(flatten)]
        clusters: ClusterArgs,
    },
    /// The dependency parser (UD relations), beam-trained; POS features come from
    /// taggers trained on folds of the training data (the shipped tagger on dev).
    Deps {
        #[command(flatten)]
        data: TrainData,
        /// Passes over the training data (dev LAS levels off from about 26).
        #[arg(long, default_value_t = 30)]
        iterations: usize,
    },
    /// The lemmatizer (lookup + suffix rules by UPOS), scored with the shipped tagger.
    Lemmas {
        #[command(flatten)]
        data: TrainData,
    },
    /// The sentence model: where the punctuation rules' sentence ends are wrong,
    /// learned from a treebank's documents (CoNLL-U with `# newdoc`, `# newpar` and
    /// `# text`).
    Sentences {
        #[command(flatten)]
        data: TrainData,
        /// Passes over the training data.
        #[arg(long, default_value_t = 10)]
        iterations: usize,
    },
    /// The named-entity recogniser (PER, ORG, LOC), from Universal NER IOB2 files.
    Ner {
        #[command(flatten)]
        data: TrainData,
        /// Phoenix/CAMEO dictionaries whose names become gazetteer features (the
        /// shipped model uses ../shared/data/cameo-dictionaries). Without it, none.
        #[arg(long)]
        dictionaries: Option<PathBuf>,
        /// Passes over the training data.
        #[arg(long, default_value_t = 10)]
        iterations: usize,
        #[command(flatten)]
        clusters: ClusterArgs,
    },
    /// The compiled actor dictionary: the Phoenix/CAMEO actor and agent files plus our
    /// supplement (data/actors/supplement.txt), in the form the matcher loads.
    Actors {
        /// The folder with the Phoenix files (../shared/data/cameo-dictionaries).
        #[arg(long)]
        dictionaries: PathBuf,
        /// Where to write it (the shipped one is data/models/actors.bin).
        #[arg(long)]
        out: PathBuf,
    },
    /// The statement model: which candidate quotes and reports are statements,
    /// learned from the real-news gold's train split (`--split train`).
    Statements(crate::train_statements::StatementsTraining),
    /// The learned event layer: which of the coder's events to keep and which open
    /// verbs to code, learned from the real-news event gold's train split (`--split
    /// train`).
    EventLayer(crate::train_event_layer::EventLayerTraining),
    /// The place table: towns and the countries they stand in, from GeoNames, for
    /// the event coder's place targets ("fired at Kharkiv").
    Places(crate::train_places::PlacesTraining),
    /// Compile the CAMEO verb dictionary, the CAMEO→PLOVER table and PETRARCH-2's
    /// coding ontology into the event coder's model.
    Events {
        /// The folder with CAMEO.2.0.txt and PETR.Internal.Coding.Ontology.txt
        /// (../shared/data/cameo-dictionaries).
        #[arg(long)]
        dictionaries: PathBuf,
        /// The CAMEO→PLOVER table (../shared/data/plover-gold/CAMEO2PLOVER-2021.txt).
        #[arg(long)]
        plover: PathBuf,
        /// Where to write it (the shipped one is data/models/events.json).
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(kind: &TrainKind) -> anyhow::Result<ExitCode> {
    match kind {
        TrainKind::Statements(args) => {
            crate::train_statements::train(args)?;
            Ok(ExitCode::SUCCESS)
        }
        TrainKind::EventLayer(args) => {
            crate::train_event_layer::train(args)?;
            Ok(ExitCode::SUCCESS)
        }
        TrainKind::Places(args) => {
            crate::train_places::train(args)?;
            Ok(ExitCode::SUCCESS)
        }
        TrainKind::Actors { dictionaries, out } => {
            let started = Instant::now();
            let (dictionary, problems) =
                dateline_actors::Dictionary::from_phoenix_dir(dictionaries)?;
            report_problems(&problems);
            let mut bytes = Vec::new();
            dictionary.write(&mut bytes)?;
            let summary = format!(
                "{} actors, {} names",
                dictionary.actor_count(),
                dictionary.name_count()
            );
            write_model(out, &bytes, started, &summary)?;
            Ok(ExitCode::SUCCESS)
        }
        TrainKind::Events {
            dictionaries,
            plover,
            out,
        } => {
            let started = Instant::now();
            let read = |path: &std::path::Path| {
                std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
            };
            let verbs = read(&dictionaries.join("CAMEO.2.0.txt"))?;
            let plover = read(plover)?;
            let ontology = read(&dictionaries.join("PETR.Internal.Coding.Ontology.txt"))?;
            let (model, problems) =
                dateline_events::EventModel::compile(&verbs, Some(&plover), Some(&ontology));
            report_problems(&problems);
            let summary = format!(
                "{} verb blocks, {} patterns, {} PLOVER codes, {} ontology codes",
                model.verbs.blocks.len(),
                model.verbs.pattern_count(),
                model.plover.len(),
                model.ontology.len()
            );
            write_model(out, model.to_json().as_bytes(), started, &summary)?;
            Ok(ExitCode::SUCCESS)
        }
        TrainKind::Lemmas {
            data: TrainData { train, dev, out },
        } => {
            let started = Instant::now();
            let (train, dev) = (read_treebank(train)?, read_treebank(dev)?);
            let lemmatizer = Lemmatizer::train(&train);
            let mut bytes = Vec::new();
            lemmatizer.save(&mut bytes)?;
            let accuracy = lemmatizer.accuracy(&dev, predicted_upos);
            write_model(
                out,
                &bytes,
                started,
                &format!("dev lemma accuracy {accuracy:.4} with predicted UPOS"),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        TrainKind::Deps {
            data: TrainData { train, dev, out },
            iterations,
        } => {
            let started = Instant::now();
            let (train, dev) = (read_treebank(train)?, read_treebank(dev)?);
            let tagger = dateline_nlp::tagger::shipped();
            eprintln!(
                "training the parser on {} sentences, {iterations} passes",
                train.len()
            );
            eprintln!("  tagging it with {TAG_FOLDS} jackknifed taggers");
            let train_xpos =
                Tagger::jackknifed_xpos(&train, TAG_FOLDS, TAG_PASSES, tagger.clusters());
            let (parser, lifted) = Parser::train(
                &train,
                &train_xpos,
                &dev,
                tagger,
                *iterations,
                |pass, uas, las| {
                    eprintln!("  pass {pass}: dev UAS {uas:.4}, LAS {las:.4}");
                },
            );
            eprintln!("  ({lifted} crossing arcs lifted to make training trees projective)");
            let mut bytes = Vec::new();
            parser.save(&mut bytes, MIN_WEIGHT)?;
            let (uas, las) = Parser::load(&bytes)
                .map_err(anyhow::Error::msg)?
                .attachment_scores(&dev, tagger);
            write_model(
                out,
                &bytes,
                started,
                &format!("dev UAS {uas:.4}, LAS {las:.4}"),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        TrainKind::Sentences {
            data: TrainData { train, dev, out },
            iterations,
        } => {
            let started = Instant::now();
            let train = documents(&read_treebank(train)?);
            let dev = documents(&read_treebank(dev)?);
            eprintln!(
                "training the sentence model on {} documents, {iterations} passes",
                train.len()
            );
            let model = SentenceModel::train(&train, *iterations);
            let mut bytes = Vec::new();
            model.save(&mut bytes)?;
            let rules = sentence_f1(&dev, |text, tokens| {
                dateline_nlp::split_sentences(text, tokens)
            });
            let learned = sentence_f1(&dev, |text, tokens| model.split(text, tokens));
            write_model(
                out,
                &bytes,
                started,
                &format!("dev sentence F1 {learned:.4} (rules alone {rules:.4})"),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        TrainKind::Pos {
            data: TrainData { train, dev, out },
            iterations,
            clusters,
        } => {
            let started = Instant::now();
            let (train, dev) = (read_treebank(train)?, read_treebank(dev)?);
            let clusters = clusters.read()?;
            eprintln!(
                "training the tagger on {} sentences, {iterations} passes",
                train.len()
            );
            let tagger = Tagger::train(&train, &dev, *iterations, &clusters, |pass, accuracy| {
                eprintln!("  pass {pass}: dev UPOS accuracy {accuracy:.4}");
            });
            let mut bytes = Vec::new();
            tagger.save(&mut bytes, MIN_WEIGHT)?;
            let (upos, xpos) = Tagger::load(&bytes)
                .map_err(anyhow::Error::msg)?
                .accuracy(&dev);
            write_model(
                out,
                &bytes,
                started,
                &format!("dev UPOS {upos:.4}, XPOS {xpos:.4}"),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        TrainKind::Ner {
            data: TrainData { train, dev, out },
            dictionaries,
            iterations,
            clusters,
        } => {
            let started = Instant::now();
            let (train, dev) = (read_entities(train)?, read_entities(dev)?);
            let tagger = dateline_nlp::tagger::shipped();
            let gazetteer = match dictionaries {
                Some(dir) => {
                    let (gazetteer, problems) = Gazetteer::from_dictionaries(dir)?;
                    report_problems(&problems);
                    eprintln!(
                        "gazetteer: {} names from {}",
                        gazetteer.len(),
                        dir.display()
                    );
                    gazetteer
                }
                None => Gazetteer::default(),
            };
            eprintln!(
                "training the entity recogniser on {} sentences, {iterations} passes",
                train.len()
            );
            let model = Recognizer::train(
                &train,
                &dev,
                tagger,
                gazetteer,
                clusters.read()?,
                *iterations,
                |pass, f1| {
                    eprintln!("  pass {pass}: dev entity F1 {f1:.4}");
                },
            );
            let mut bytes = Vec::new();
            model.save(&mut bytes, MIN_WEIGHT)?;
            let f1 = Recognizer::load(&bytes)
                .map_err(anyhow::Error::msg)?
                .score(&dev, tagger)
                .f1();
            write_model(out, &bytes, started, &format!("dev entity F1 {f1:.4}"))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A Brown clustering file, plain or gzip'd.
fn read_clusters(path: &Path, min_freq: u64) -> anyhow::Result<Clusters> {
    Clusters::read_brown(
        open_maybe_gzip(path)?,
        min_freq,
        &path.display().to_string(),
    )
    .map_err(anyhow::Error::msg)
}

/// A text file, gunzipped on the fly when its name ends in `.gz`.
fn open_maybe_gzip(path: &Path) -> anyhow::Result<Box<dyn std::io::BufRead>> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(if path.extension().is_some_and(|e| e == "gz") {
        Box::new(std::io::BufReader::new(flate2::read::GzDecoder::new(file)))
    } else {
        Box::new(std::io::BufReader::new(file))
    })
}

/// Dictionary lines that could not be read: the first three, then a count.
pub fn report_problems(problems: &[String]) {
    for problem in problems.iter().take(3) {
        eprintln!("  skipped {problem}");
    }
    if problems.len() > 3 {
        eprintln!(
            "  … and {} more dictionary lines skipped",
            problems.len() - 3
        );
    }
}

/// The shipped tagger's UPOS for a gold sentence's words.
pub fn predicted_upos(sentence: &Sentence) -> Vec<String> {
    let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
    dateline_nlp::tagger::shipped()
        .tag(&forms)
        .into_iter()
        .map(|t| t.upos.to_string())
        .collect()
}

/// Writes the model under a temporary name and renames it (a model file is never half
/// written), then reports its size, the time taken and the pruned model's dev score.
/// Exact-span F1 of `split`'s sentences against the documents' own.
fn sentence_f1(
    documents: &[Document],
    split: impl Fn(&str, &[ByteSpan]) -> Vec<std::ops::Range<usize>>,
) -> f64 {
    let (mut matched, mut predicted, mut gold) = (0, 0, 0);
    for document in documents {
        let text = document.text.as_str();
        let tokens = tokenize(text);
        let truth: std::collections::HashSet<&ByteSpan> = document.sentences.iter().collect();
        for range in split(text, &tokens) {
            let span = ByteSpan::new(tokens[range.start].start, tokens[range.end - 1].end);
            matched += usize::from(truth.contains(&span));
            predicted += 1;
        }
        gold += truth.len();
    }
    2.0 * matched as f64 / (predicted + gold).max(1) as f64
}

pub(crate) fn write_model(
    out: &Path,
    bytes: &[u8],
    started: Instant,
    dev_score: &str,
) -> anyhow::Result<()> {
    let partial = out.with_extension("partial");
    std::fs::write(&partial, bytes)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, out)?;
    eprintln!(
        "wrote {} ({:.1} MB) in {:.0}s; {dev_score} (saved model)",
        out.display(),
        bytes.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn read_entities(path: &Path) -> anyhow::Result<Vec<TaggedSentence>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    read_iob2(std::io::BufReader::new(file)).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Weights smaller than this are dropped when saving: they change almost no
/// decision and make up most of the file.
const MIN_WEIGHT: f32 = 0.05;
/// The parser trains on jackknifed tags: ten folds, each tagger trained with the
/// shipped tagger's number of passes.
const TAG_FOLDS: usize = 10;
const TAG_PASSES: usize = 8;

pub fn read_treebank(path: &Path) -> anyhow::Result<Vec<Sentence>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    read_conllu(std::io::BufReader::new(file))
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}
