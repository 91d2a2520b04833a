//! Experiment: can a small neural sequence labeller, trained by us on one CPU core,
//! beat the shipped averaged-perceptron entity recogniser (`ner.rs`)?
//!
//! Model: a BiLSTM over per-word inputs that concatenate learned embeddings of the
//! lower-cased word, its 1–3 character prefixes and suffixes, its shape (`Xx`, `d`),
//! its PTB tag from the shipped tagger and its gazetteer match (`B-COUNTRY`, …), and
//! optionally a character CNN (`--char-cnn N`); a linear layer gives per-word IOB2
//! scores, read as a per-word softmax or as a linear-chain CRF (`--crf`), decoded by
//! Viterbi so that `I-X` only follows `B-X`/`I-X`. Trained with Adam, dropout, word
//! dropout and gradient clipping, optionally with a moving average of the weights
//! (`--average 0.999`), learning-rate decay (`--lr-decay 0.9`) and several seeds
//! averaged (`--ensemble K`). Single thread, fixed seed: the same arguments give the
//! same numbers. The epoch and a penalty on `O` are picked on dev; test files are
//! only scored, each beside the shipped perceptron. `--grad-check` compares the
//! backpropagated gradients with finite differences.
//!
//! `--glove PATH` (GloVe text format, gzip'd or plain) widens the word table: it keeps
//! every training word (seen at least twice) and adds the first `--glove-words N`
//! GloVe words (default 100,000; each read in the same normal form, the most frequent
//! spelling winning); the table then has GloVe's width, rows of words GloVe has start
//! from their vectors (rescaled to the spread of the other tables), the rest start
//! random. A test word never seen in training but known to GloVe reads its GloVe
//! row. The rows are fine-tuned, or with `--glove-frozen` kept as read (the training
//! words GloVe lacks still learn). Adam and the weight average visit only the rows
//! that have had a gradient, so an untouched 100k-row table costs nothing per step.
//!
//! ```text
//! CARGO_TARGET_DIR=/tmp/neural-target taskset -c 1 cargo run --release -p dateline-nlp \
//!   --example neural_ner -- --train T --dev D --test X [--test Y …] --dictionaries DIR \
//!   [--epochs N] [--hidden H] [--crf] [--average 0.999] [--lr-decay 0.9] \
//!   [--word-dropout P] [--ensemble K] [--glove glove.6B.50d.txt.gz [--glove-words N]
//!   [--glove-frozen]] [--out model.bin]
//! ```

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use dateline_nlp::gazetteer::{Gazetteer, KINDS};
use dateline_nlp::iob2::{TaggedSentence, entities, read_iob2};
use dateline_nlp::ner::{EntityCounts, f1, short_shape};
use dateline_nlp::tagger::Tagger;

// ---------------------------------------------------------------------------------
// Options

struct Options {
    train: PathBuf,
    dev: PathBuf,
    tests: Vec<PathBuf>,
    dictionaries: PathBuf,
    out: Option<PathBuf>,
    epochs: usize,
    hidden: usize,
    /// Filters of the character CNN (0: none).
    char_filters: usize,
    crf: bool,
    batch: usize,
    learning_rate: f32,
    /// The learning rate is multiplied by this after every epoch.
    learning_rate_decay: f32,
    /// Decay of the moving average of the weights that is evaluated (0: none).
    average: f32,
    input_dropout: f32,
    output_dropout: f32,
    word_dropout: f32,
    seed: u64,
    grad_check: bool,
    /// Models trained with seeds `seed`, `seed + 1`, … whose scores are averaged.
    ensemble: usize,
    /// Pretrained word vectors (GloVe text format, optionally gzip'd).
    glove: Option<PathBuf>,
    /// How many of the (most frequent) GloVe words join the word vocabulary.
    glove_words: usize,
    /// Rows read from GloVe are not trained.
    glove_frozen: bool,
}

fn parse_options() -> Result<Options, String> {
    let mut o = Options {
        train: PathBuf::new(),
        dev: PathBuf::new(),
        tests: Vec::new(),
        dictionaries: PathBuf::new(),
        out: None,
        epochs: 10,
        hidden: 64,
        char_filters: 0,
        crf: false,
        batch: 8,
        learning_rate: 2e-3,
        learning_rate_decay: 1.0,
        average: 0.0,
        input_dropout: 0.5,
        output_dropout: 0.5,
        word_dropout: 0.1,
        seed: 0x5eed_1e57,
        grad_check: false,
        ensemble: 1,
        glove: None,
        glove_words: 100_000,
        glove_frozen: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<f64>().map_err(|e| format!("{v}: {e}"));
        match flag.as_str() {
            "--train" => o.train = value()?.into(),
            "--dev" => o.dev = value()?.into(),
            "--test" => o.tests.push(value()?.into()),
            "--dictionaries" => o.dictionaries = value()?.into(),
            "--out" => o.out = Some(value()?.into()),
            "--epochs" => o.epochs = number(value()?)? as usize,
            "--hidden" => o.hidden = number(value()?)? as usize,
            "--char-cnn" => o.char_filters = number(value()?)? as usize,
            "--batch" => o.batch = number(value()?)? as usize,
            "--lr" => o.learning_rate = number(value()?)? as f32,
            "--input-dropout" => o.input_dropout = number(value()?)? as f32,
            "--output-dropout" => o.output_dropout = number(value()?)? as f32,
            "--word-dropout" => o.word_dropout = number(value()?)? as f32,
            "--seed" => o.seed = number(value()?)? as u64,
            "--lr-decay" => o.learning_rate_decay = number(value()?)? as f32,
            "--average" => o.average = number(value()?)? as f32,
            "--ensemble" => o.ensemble = (number(value()?)? as usize).max(1),
            "--glove" => o.glove = Some(value()?.into()),
            "--glove-words" => o.glove_words = number(value()?)? as usize,
            "--glove-frozen" => o.glove_frozen = true,
            "--crf" => o.crf = true,
            "--grad-check" => o.grad_check = true,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if o.train.as_os_str().is_empty() || o.dictionaries.as_os_str().is_empty() {
        return Err("--train and --dictionaries are required".into());
    }
    if !o.grad_check && o.dev.as_os_str().is_empty() {
        return Err("--dev is required".into());
    }
    Ok(o)
}

// ---------------------------------------------------------------------------------
// Deterministic randomness

/// xorshift64*: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    /// xorshift never leaves zero, so seed 0 is mapped to another fixed state.
    fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }

    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    fn uniform(&mut self, scale: f32) -> f32 {
        (2.0 * self.unit() - 1.0) * scale
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, (self.next_u64() % (i as u64 + 1)) as usize);
        }
    }
}

// ---------------------------------------------------------------------------------
// Input features: every word is ten ids, one per embedding table

const FIELDS: usize = 10;
const FIELD_NAMES: [&str; FIELDS] = [
    "word",
    "prefix1",
    "prefix2",
    "prefix3",
    "suffix1",
    "suffix2",
    "suffix3",
    "shape",
    "pos",
    "gazetteer",
];
/// Embedding widths; the word's becomes GloVe's width with `--glove`.
const FIELD_DIMS: [usize; FIELDS] = [64, 12, 12, 12, 12, 12, 12, 8, 16, 8];
/// Keys seen fewer times in training share the unknown id: a row trained on one
/// example is noise, and the unknown row must see training too.
const MIN_COUNTS: [usize; FIELDS] = [2, 2, 2, 2, 2, 2, 2, 2, 1, 1];
const WORD: usize = 0;
/// Longer words are cut for the character CNN (URLs would otherwise dominate its cost).
const MAX_WORD_CHARS: usize = 20;
/// Size of a character embedding.
const CHAR_DIM: usize = 16;

/// Strings to ids; id 0 is "unknown".
struct Vocab {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Vocab {
    /// Keys seen at least `min_count` times, numbered in order of first appearance
    /// (so the numbering, like everything else here, is deterministic).
    fn build(keys: impl Iterator<Item = String>, min_count: usize) -> Vocab {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut order = Vec::new();
        for key in keys {
            let count = counts.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                0
            });
            *count += 1;
        }
        let mut names = vec!["<unk>".to_string()];
        names.extend(order.into_iter().filter(|k| counts[k] >= min_count));
        let ids = names
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        Vocab { ids, names }
    }

    fn id(&self, key: &str) -> u32 {
        self.ids.get(key).copied().unwrap_or(0)
    }

    /// Adds the keys not yet known, in the order given.
    fn extend<'k>(&mut self, keys: impl Iterator<Item = &'k str>) {
        for key in keys {
            if !self.ids.contains_key(key) {
                self.ids.insert(key.to_string(), self.names.len() as u32);
                self.names.push(key.to_string());
            }
        }
    }

    fn len(&self) -> usize {
        self.names.len()
    }
}

/// Lower case with every digit as `0`: "1999" and "2004" are the same word to us.
fn normal_form(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .collect()
}

/// The ten keys of every word of a sentence.
fn sentence_keys(words: &[String], xpos: &[&str], gazetteer: &Gazetteer) -> Vec<[String; FIELDS]> {
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let known = gazetteer.tag(&lower);
    words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let normal: Vec<char> = normal_form(word).chars().collect();
            let n = normal.len();
            let prefix = |k: usize| normal[..k.min(n)].iter().collect::<String>();
            let suffix = |k: usize| normal[n - k.min(n)..].iter().collect::<String>();
            let gazetteer_key = known[i].map_or(String::new(), |(begins, kind)| {
                format!(
                    "{}-{}",
                    if begins { 'B' } else { 'I' },
                    KINDS[kind as usize]
                )
            });
            [
                normal.iter().collect(),
                prefix(1),
                prefix(2),
                prefix(3),
                suffix(1),
                suffix(2),
                suffix(3),
                short_shape(word),
                xpos[i].to_string(),
                gazetteer_key,
            ]
        })
        .collect()
}

type WordIds = [u32; FIELDS];

/// A sentence ready for the network: ids per word and gold class per word.
struct Encoded {
    ids: Vec<WordIds>,
    /// Character ids of every word, for the character CNN.
    chars: Vec<Vec<u32>>,
    gold: Vec<usize>,
}

struct Featurizer {
    vocabs: Vec<Vocab>,
    chars: Vocab,
    gazetteer: Gazetteer,
}

impl Featurizer {
    fn build(train: &[TaggedSentence], train_pos: &[Vec<&str>], gazetteer: Gazetteer) -> Self {
        let keys: Vec<[String; FIELDS]> = train
            .iter()
            .zip(train_pos)
            .flat_map(|(s, pos)| sentence_keys(&s.words, pos, &gazetteer))
            .collect();
        let vocabs = (0..FIELDS)
            .map(|f| Vocab::build(keys.iter().map(|k| k[f].clone()), MIN_COUNTS[f]))
            .collect();
        let chars = Vocab::build(
            train
                .iter()
                .flat_map(|s| &s.words)
                .flat_map(|w| w.chars().map(String::from)),
            2,
        );
        Featurizer {
            vocabs,
            chars,
            gazetteer,
        }
    }

    /// A sentence for the network; `gold` is left empty.
    fn encode(&self, words: &[String], xpos: &[&str]) -> Encoded {
        let chars = words
            .iter()
            .map(|w| {
                let chars = w.chars().take(MAX_WORD_CHARS);
                chars
                    .map(|c| self.chars.id(c.encode_utf8(&mut [0; 4])))
                    .collect()
            })
            .collect();
        Encoded {
            ids: self.ids(words, xpos),
            chars,
            gold: Vec::new(),
        }
    }

    fn ids(&self, words: &[String], xpos: &[&str]) -> Vec<WordIds> {
        sentence_keys(words, xpos, &self.gazetteer)
            .iter()
            .map(|keys| std::array::from_fn(|f| self.vocabs[f].id(&keys[f])))
            .collect()
    }
}

// ---------------------------------------------------------------------------------
// Pretrained word vectors

/// The first words of a GloVe file (most frequent first) in our normal form, the
/// first (most frequent) spelling of each form kept, and their vectors.
struct Glove {
    dim: usize,
    words: Vec<String>,
    /// `[words][dim]`.
    vectors: Vec<f32>,
}

/// Reads the first `limit` lines of a GloVe text file (`word v1 … vd`), gzip'd if its
/// name ends in `.gz`.
fn read_glove(path: &Path, limit: usize) -> Result<Glove, String> {
    use std::io::BufRead;
    let error = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(|e| error(&e))?;
    let reader: Box<dyn BufRead> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(std::io::BufReader::new(flate2::read::GzDecoder::new(file)))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    let mut glove = Glove {
        dim: 0,
        words: Vec::new(),
        vectors: Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    for (number, line) in reader.lines().take(limit).enumerate() {
        let line = line.map_err(|e| error(&e))?;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.trim_end().split(' ').collect();
        if glove.dim == 0 {
            glove.dim = fields.len() - 1;
        }
        if fields.len() <= glove.dim {
            return Err(error(&format!("line {}: too few values", number + 1)));
        }
        // A word with spaces in it keeps them: the values are the last `dim` fields.
        let split = fields.len() - glove.dim;
        let word = normal_form(&fields[..split].join(" "));
        let values = fields[split..]
            .iter()
            .map(|v| v.parse::<f32>())
            .collect::<Result<Vec<f32>, _>>()
            .map_err(|e| error(&format!("line {}: {e}", number + 1)))?;
        if seen.insert(word.clone()) {
            glove.words.push(word);
            glove.vectors.extend(values);
        }
    }
    if glove.words.is_empty() || glove.dim == 0 {
        return Err(error(&"no vectors"));
    }
    Ok(glove)
}

/// Initial word rows from GloVe for a word vocabulary: per row, the GloVe vector
/// scaled so that its values have the spread of a randomly initialised row
/// (root-mean-square `1/√dim`), or `None` for a word GloVe lacks.
fn glove_rows(glove: &Glove, vocab: &Vocab) -> Vec<Option<Vec<f32>>> {
    let d = glove.dim;
    let mean_square =
        glove.vectors.iter().map(|v| f64::from(v * v)).sum::<f64>() / glove.vectors.len() as f64;
    let scale = (1.0 / (d as f64 * mean_square).sqrt()) as f32;
    let rows: HashMap<&str, usize> = glove
        .words
        .iter()
        .enumerate()
        .map(|(i, w)| (w.as_str(), i))
        .collect();
    vocab
        .names
        .iter()
        .enumerate()
        .map(|(id, name)| {
            let row = rows.get(name.as_str()).filter(|_| id > 0)?;
            let vector = &glove.vectors[row * d..(row + 1) * d];
            Some(vector.iter().map(|v| v * scale).collect())
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// Classes and the IOB2 constraint

/// A transition score that no path can afford; finite so that sums stay numbers.
const FORBIDDEN: f32 = -1.0e4;

fn classes_of(train: &[TaggedSentence]) -> Vec<String> {
    let mut classes = vec!["O".to_string()];
    for tag in train.iter().flat_map(|s| &s.tags) {
        if !classes.contains(tag) {
            classes.push(tag.clone());
        }
    }
    classes[1..].sort();
    classes
}

/// `I-X` only continues `B-X` or `I-X`; `previous` is `None` at the sentence start.
fn allowed(previous: Option<&str>, class: &str) -> bool {
    match class.strip_prefix("I-") {
        None => true,
        Some(label) => previous.is_some_and(|p| p.len() > 2 && &p[2..] == label),
    }
}

/// Gold class ids, with a stray `I-X` read as `B-X` (as `entities` reads it), so the
/// gold path is always a path the decoder may take.
fn gold_classes(tags: &[String], classes: &[String]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(tags.len());
    for tag in tags {
        let previous = out.last().map(|&c| classes[c].as_str());
        let tag = if allowed(previous, tag) {
            tag.clone()
        } else {
            tag.replacen("I-", "B-", 1)
        };
        out.push(classes.iter().position(|c| *c == tag).unwrap_or(0));
    }
    out
}

// ---------------------------------------------------------------------------------
// Small dense kernels, written so the compiler vectorises them

/// `y += a * x`.
fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// Dot product with eight partial sums (one sum would be a serial dependency chain).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut partial = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for ((p, x), y) in partial.iter_mut().zip(x).zip(y) {
            *p += x * y;
        }
    }
    partial.iter().sum::<f32>() + tail
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn log_sum_exp(xs: impl Iterator<Item = f32> + Clone) -> f32 {
    let max = xs.clone().fold(f32::NEG_INFINITY, f32::max);
    max + xs.map(|x| (x - max).exp()).sum::<f32>().ln()
}

// ---------------------------------------------------------------------------------
// Parameters and Adam

/// Weights with their gradient and Adam moments.
struct Tensor {
    w: Vec<f32>,
    g: Vec<f32>,
    m: Vec<f32>,
    v: Vec<f32>,
    /// For a large embedding table most of whose rows never see a gradient.
    rows: Option<Rows>,
}

/// The rows of an embedding table that have had a gradient. A row that never had one
/// has zero Adam moments, so Adam would leave it as it is, and its average equals it:
/// visiting only these rows changes nothing (but for rounding in the average) and
/// saves the cost of the rest.
struct Rows {
    width: usize,
    /// Ascending, so that sums run in the same order as over the whole table.
    active: Vec<usize>,
    is_active: Vec<bool>,
    /// Rows that take no gradient (pretrained rows kept as read).
    frozen: Vec<bool>,
}

impl Tensor {
    fn uniform(len: usize, scale: f32, rng: &mut Rng) -> Tensor {
        let w = (0..len).map(|_| rng.uniform(scale)).collect();
        Tensor::from(w)
    }

    fn from(w: Vec<f32>) -> Tensor {
        let n = w.len();
        Tensor {
            w,
            g: vec![0.0; n],
            m: vec![0.0; n],
            v: vec![0.0; n],
            rows: None,
        }
    }

    /// Tracks the rows of `width` values that get a gradient; `frozen` rows never do.
    fn track_rows(&mut self, width: usize, frozen: Vec<bool>) {
        let count = self.w.len() / width;
        assert_eq!(frozen.len(), count);
        self.rows = Some(Rows {
            width,
            active: Vec::new(),
            is_active: vec![false; count],
            frozen,
        });
    }

    /// The gradient of row `row` (of `width` values) to add to, or `None` if the row
    /// is frozen.
    fn row_gradient(&mut self, row: usize, width: usize) -> Option<&mut [f32]> {
        if let Some(rows) = &mut self.rows {
            if rows.frozen[row] {
                return None;
            }
            if !rows.is_active[row] {
                rows.is_active[row] = true;
                let at = rows.active.partition_point(|&r| r < row);
                rows.active.insert(at, row);
            }
        }
        Some(&mut self.g[row * width..(row + 1) * width])
    }

    /// The index ranges that can change: the whole tensor, or its active rows.
    fn spans(&self) -> Vec<std::ops::Range<usize>> {
        match &self.rows {
            None => vec![0..self.w.len()],
            Some(rows) => rows
                .active
                .iter()
                .map(|&r| r * rows.width..(r + 1) * rows.width)
                .collect(),
        }
    }
}

struct Adam {
    learning_rate: f32,
    steps: i32,
}

impl Adam {
    const BETA1: f32 = 0.9;
    const BETA2: f32 = 0.999;
    const EPSILON: f32 = 1e-8;
    /// Gradients are summed over a batch and rescaled to at most this norm: one
    /// long sentence with a confident mistake must not throw the weights away.
    const CLIP_NORM: f32 = 5.0;

    fn step(&mut self, tensors: &mut [&mut Tensor]) {
        let spans: Vec<_> = tensors.iter().map(|t| t.spans()).collect();
        let norm = tensors
            .iter()
            .zip(&spans)
            .flat_map(|(t, spans)| spans.iter().flat_map(|span| &t.g[span.clone()]))
            .map(|g| g * g)
            .sum::<f32>()
            .sqrt();
        let scale = if norm > Self::CLIP_NORM {
            Self::CLIP_NORM / norm
        } else {
            1.0
        };
        self.steps += 1;
        let correct1 = 1.0 - Self::BETA1.powi(self.steps);
        let correct2 = 1.0 - Self::BETA2.powi(self.steps);
        let rate = self.learning_rate * correct2.sqrt() / correct1;
        for (t, spans) in tensors.iter_mut().zip(spans) {
            let Tensor { w, g, m, v, .. } = &mut **t;
            for span in spans {
                let (w, g) = (&mut w[span.clone()], &mut g[span.clone()]);
                let (m, v) = (&mut m[span.clone()], &mut v[span]);
                for (((w, g), m), v) in w.iter_mut().zip(g.iter_mut()).zip(m.iter_mut()).zip(v) {
                    let grad = *g * scale;
                    *m = Self::BETA1 * *m + (1.0 - Self::BETA1) * grad;
                    *v = Self::BETA2 * *v + (1.0 - Self::BETA2) * grad * grad;
                    *w -= rate * *m / (v.sqrt() + Self::EPSILON);
                    *g = 0.0;
                }
            }
        }
    }
}

/// An exponential moving average of the weights (Polyak averaging): training with
/// dropout and small batches jitters the weights, and their average scores better
/// and steadier than the last step, as the averaged perceptron does.
struct Averaged {
    decay: f32,
    steps: usize,
    weights: Vec<Vec<f32>>,
}

impl Averaged {
    fn update(&mut self, model: &mut Model) {
        self.steps += 1;
        // Early on, a shorter memory, so the average is not stuck at the initial weights.
        let decay = self
            .decay
            .min((1 + self.steps) as f32 / (10 + self.steps) as f32);
        for (average, t) in self.weights.iter_mut().zip(model.tensors()) {
            for span in t.spans() {
                for (a, w) in average[span.clone()].iter_mut().zip(&t.w[span]) {
                    *a = decay * *a + (1.0 - decay) * w;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// The LSTM

/// One direction. `w` is `[input][4·hidden]` and `u` is `[hidden][4·hidden]` (rows per
/// input unit, so the forward pass is a run of `axpy`s); gate order i, f, g, o.
struct Lstm {
    input: usize,
    hidden: usize,
    w: Tensor,
    u: Tensor,
    b: Tensor,
}

/// What the backward pass needs from the forward pass, per time step.
struct LstmTrace {
    /// Gate activations, `[len][4·hidden]`.
    gates: Vec<f32>,
    c: Vec<f32>,
    tanh_c: Vec<f32>,
    h: Vec<f32>,
}

impl Lstm {
    fn new(input: usize, hidden: usize, rng: &mut Rng) -> Lstm {
        let scale = 1.0 / (hidden as f32).sqrt();
        let mut b = vec![0.0; 4 * hidden];
        // Forget-gate bias 1: remember by default until training says otherwise.
        b[hidden..2 * hidden].fill(1.0);
        Lstm {
            input,
            hidden,
            w: Tensor::uniform(input * 4 * hidden, scale, rng),
            u: Tensor::uniform(hidden * 4 * hidden, scale, rng),
            b: Tensor::from(b),
        }
    }

    fn forward(&self, x: &[f32]) -> LstmTrace {
        let (n, n4) = (self.hidden, 4 * self.hidden);
        let len = x.len() / self.input;
        let mut trace = LstmTrace {
            gates: vec![0.0; len * n4],
            c: vec![0.0; len * n],
            tanh_c: vec![0.0; len * n],
            h: vec![0.0; len * n],
        };
        let mut z = vec![0.0; n4];
        for t in 0..len {
            z.copy_from_slice(&self.b.w);
            for (j, &xj) in x[t * self.input..(t + 1) * self.input].iter().enumerate() {
                if xj != 0.0 {
                    axpy(xj, &self.w.w[j * n4..(j + 1) * n4], &mut z);
                }
            }
            if t > 0 {
                for k in 0..n {
                    let hk = trace.h[(t - 1) * n + k];
                    axpy(hk, &self.u.w[k * n4..(k + 1) * n4], &mut z);
                }
            }
            let gates = &mut trace.gates[t * n4..(t + 1) * n4];
            for k in 0..n {
                let (i, f) = (sigmoid(z[k]), sigmoid(z[n + k]));
                let (g, o) = (z[2 * n + k].tanh(), sigmoid(z[3 * n + k]));
                let c_prev = if t > 0 { trace.c[(t - 1) * n + k] } else { 0.0 };
                let c = f * c_prev + i * g;
                (gates[k], gates[n + k], gates[2 * n + k], gates[3 * n + k]) = (i, f, g, o);
                trace.c[t * n + k] = c;
                trace.tanh_c[t * n + k] = c.tanh();
                trace.h[t * n + k] = o * c.tanh();
            }
        }
        trace
    }

    /// Adds the gradients for `dh` (loss gradient w.r.t. each `h`) and returns the
    /// gradient w.r.t. the inputs.
    fn backward(&mut self, x: &[f32], trace: &LstmTrace, dh: &[f32]) -> Vec<f32> {
        let (n, n4, input) = (self.hidden, 4 * self.hidden, self.input);
        let len = x.len() / input;
        let mut dx = vec![0.0; x.len()];
        let mut dh_next = vec![0.0; n];
        let mut dc_next = vec![0.0; n];
        let mut dz = vec![0.0; n4];
        for t in (0..len).rev() {
            let gates = &trace.gates[t * n4..(t + 1) * n4];
            for k in 0..n {
                let (i, f, g, o) = (gates[k], gates[n + k], gates[2 * n + k], gates[3 * n + k]);
                let tanh_c = trace.tanh_c[t * n + k];
                let c_prev = if t > 0 { trace.c[(t - 1) * n + k] } else { 0.0 };
                let dh_k = dh[t * n + k] + dh_next[k];
                let dc = dh_k * o * (1.0 - tanh_c * tanh_c) + dc_next[k];
                dz[k] = dc * g * i * (1.0 - i);
                dz[n + k] = dc * c_prev * f * (1.0 - f);
                dz[2 * n + k] = dc * i * (1.0 - g * g);
                dz[3 * n + k] = dh_k * tanh_c * o * (1.0 - o);
                dc_next[k] = dc * f;
            }
            axpy(1.0, &dz, &mut self.b.g);
            for j in 0..input {
                let xj = x[t * input + j];
                axpy(xj, &dz, &mut self.w.g[j * n4..(j + 1) * n4]);
                dx[t * input + j] = dot(&self.w.w[j * n4..(j + 1) * n4], &dz);
            }
            if t > 0 {
                let h_prev = &trace.h[(t - 1) * n..t * n];
                for (k, (dh_k, &h_k)) in dh_next.iter_mut().zip(h_prev).enumerate() {
                    axpy(h_k, &dz, &mut self.u.g[k * n4..(k + 1) * n4]);
                    *dh_k = dot(&self.u.w[k * n4..(k + 1) * n4], &dz);
                }
            }
        }
        dx
    }
}

/// Reverses the rows (of `width` values) of a `[len][width]` matrix.
fn reverse_rows(m: &[f32], width: usize) -> Vec<f32> {
    m.chunks_exact(width).rev().flatten().copied().collect()
}

// ---------------------------------------------------------------------------------
// The character CNN

/// Width-3 convolution over a word's character embeddings, max-pooled over positions,
/// then tanh (Ma & Hovy 2016): sees the spelling of words the vocabulary lacks.
struct CharCnn {
    /// `[chars + 1][dim]`; the last row pads both ends of a word.
    embed: Tensor,
    /// `[3·dim][filters]`.
    w: Tensor,
    b: Tensor,
    dim: usize,
    filters: usize,
}

const CHAR_WIDTH: usize = 3;

impl CharCnn {
    fn new(chars: usize, dim: usize, filters: usize, rng: &mut Rng) -> CharCnn {
        CharCnn {
            embed: Tensor::uniform((chars + 1) * dim, (3.0 / dim as f32).sqrt(), rng),
            w: Tensor::uniform(
                CHAR_WIDTH * dim * filters,
                (6.0 / (CHAR_WIDTH * dim + filters) as f32).sqrt(),
                rng,
            ),
            b: Tensor::from(vec![0.0; filters]),
            dim,
            filters,
        }
    }

    fn padded(&self, chars: &[u32]) -> Vec<usize> {
        let pad = self.embed.w.len() / self.dim - 1;
        let mut out = vec![pad];
        out.extend(chars.iter().map(|&c| c as usize));
        out.push(pad);
        out
    }

    /// The features of one word, and for each filter the window it was taken from.
    fn forward(&self, chars: &[u32]) -> (Vec<f32>, Vec<usize>) {
        let (d, f) = (self.dim, self.filters);
        let padded = self.padded(chars);
        let mut best = vec![f32::NEG_INFINITY; f];
        let mut at = vec![0; f];
        let mut z = vec![0.0; f];
        for (k, window) in padded.windows(CHAR_WIDTH).enumerate() {
            z.copy_from_slice(&self.b.w);
            for (offset, &c) in window.iter().enumerate() {
                for (e, &value) in self.embed.w[c * d..(c + 1) * d].iter().enumerate() {
                    let row = (offset * d + e) * f;
                    axpy(value, &self.w.w[row..row + f], &mut z);
                }
            }
            for j in 0..f {
                if z[j] > best[j] {
                    (best[j], at[j]) = (z[j], k);
                }
            }
        }
        (best.iter().map(|b| b.tanh()).collect(), at)
    }

    fn backward(&mut self, chars: &[u32], output: &[f32], at: &[usize], d_output: &[f32]) {
        let (d, f) = (self.dim, self.filters);
        let padded = self.padded(chars);
        for j in 0..f {
            let dz = d_output[j] * (1.0 - output[j] * output[j]);
            self.b.g[j] += dz;
            for (offset, &c) in padded[at[j]..at[j] + CHAR_WIDTH].iter().enumerate() {
                for e in 0..d {
                    let weight = (offset * d + e) * f + j;
                    self.w.g[weight] += self.embed.w[c * d + e] * dz;
                    self.embed.g[c * d + e] += self.w.w[weight] * dz;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// The whole network

struct Dropout {
    input: f32,
    output: f32,
    word: f32,
}

const NO_DROPOUT: Dropout = Dropout {
    input: 0.0,
    output: 0.0,
    word: 0.0,
};

struct Model {
    classes: Vec<String>,
    crf: bool,
    /// Width of each embedding table.
    dims: [usize; FIELDS],
    embeddings: Vec<Tensor>,
    chars: Option<CharCnn>,
    forward: Lstm,
    backward: Lstm,
    /// `[2·hidden][classes]`.
    out_w: Tensor,
    out_b: Tensor,
    /// `[classes + 1][classes]`, row `classes` = sentence start (learned with `--crf`).
    transitions: Tensor,
    /// Same shape: may class `j` follow row `i`?
    allowed: Vec<bool>,
}

/// Everything the forward pass computed for one sentence.
struct Pass {
    ids: Vec<WordIds>,
    /// Character CNN outputs `[len][filters]` and the windows their maxima came from.
    char_features: Vec<f32>,
    char_windows: Vec<Vec<usize>>,
    x: Vec<f32>,
    x_mask: Vec<f32>,
    forward: LstmTrace,
    x_reversed: Vec<f32>,
    backward: LstmTrace,
    hcat: Vec<f32>,
    h_mask: Vec<f32>,
    emissions: Vec<f32>,
}

fn dropout_mask(len: usize, p: f32, rng: &mut Rng) -> Vec<f32> {
    if p == 0.0 {
        return vec![1.0; len];
    }
    let keep = 1.0 / (1.0 - p);
    (0..len)
        .map(|_| if rng.unit() < p { 0.0 } else { keep })
        .collect()
}

impl Model {
    fn new(
        vocab_sizes: &[usize],
        dims: [usize; FIELDS],
        char_cnn: Option<(usize, usize)>,
        classes: Vec<String>,
        hidden: usize,
        crf: bool,
        rng: &mut Rng,
    ) -> Model {
        let embeddings = vocab_sizes
            .iter()
            .zip(dims)
            .map(|(&size, dim)| Tensor::uniform(size * dim, (3.0 / dim as f32).sqrt(), rng))
            .collect();
        let chars = char_cnn.map(|(chars, filters)| CharCnn::new(chars, CHAR_DIM, filters, rng));
        let input = dims.iter().sum::<usize>() + chars.as_ref().map_or(0, |c| c.filters);
        let c = classes.len();
        let mut allowed_table = Vec::with_capacity((c + 1) * c);
        for row in 0..=c {
            let previous = classes.get(row).map(String::as_str);
            allowed_table.extend(classes.iter().map(|class| allowed(previous, class)));
        }
        Model {
            embeddings,
            chars,
            forward: Lstm::new(input, hidden, rng),
            backward: Lstm::new(input, hidden, rng),
            out_w: Tensor::uniform(2 * hidden * c, (6.0 / (2 * hidden + c) as f32).sqrt(), rng),
            out_b: Tensor::from(vec![0.0; c]),
            transitions: Tensor::from(vec![0.0; (c + 1) * c]),
            allowed: allowed_table,
            classes,
            crf,
            dims,
        }
    }

    fn tensors(&mut self) -> Vec<&mut Tensor> {
        let mut out: Vec<&mut Tensor> = self.embeddings.iter_mut().collect();
        if let Some(cnn) = &mut self.chars {
            out.extend([&mut cnn.embed, &mut cnn.w, &mut cnn.b]);
        }
        for lstm in [&mut self.forward, &mut self.backward] {
            out.extend([&mut lstm.w, &mut lstm.u, &mut lstm.b]);
        }
        out.extend([&mut self.out_w, &mut self.out_b]);
        if self.crf {
            out.push(&mut self.transitions);
        }
        out
    }

    fn parameter_count(&mut self) -> usize {
        self.tensors().iter().map(|t| t.w.len()).sum()
    }

    fn weights(&mut self) -> Vec<Vec<f32>> {
        self.tensors().iter().map(|t| t.w.clone()).collect()
    }

    fn set_weights(&mut self, weights: &[Vec<f32>]) {
        for (t, w) in self.tensors().into_iter().zip(weights) {
            t.w.copy_from_slice(w);
        }
    }

    /// Transition scores with forbidden transitions at [`FORBIDDEN`].
    fn transition_scores(&self) -> Vec<f32> {
        self.transitions
            .w
            .iter()
            .zip(&self.allowed)
            .map(|(&s, &ok)| if ok { s } else { FORBIDDEN })
            .collect()
    }

    fn run(&self, sentence: &Encoded, dropout: &Dropout, rng: &mut Rng) -> Pass {
        let input = self.forward.input;
        let (hidden, c) = (self.forward.hidden, self.classes.len());
        let ids: Vec<WordIds> = sentence
            .ids
            .iter()
            .map(|&word| {
                let mut word = word;
                if dropout.word > 0.0 && rng.unit() < dropout.word {
                    word[WORD] = 0;
                }
                word
            })
            .collect();
        let mut x = Vec::with_capacity(ids.len() * input);
        let mut char_features = Vec::new();
        let mut char_windows = Vec::new();
        for (word, chars) in ids.iter().zip(&sentence.chars) {
            for (f, &id) in word.iter().enumerate() {
                let d = self.dims[f];
                x.extend_from_slice(&self.embeddings[f].w[id as usize * d..(id as usize + 1) * d]);
            }
            if let Some(cnn) = &self.chars {
                let (features, windows) = cnn.forward(chars);
                x.extend_from_slice(&features);
                char_features.extend(features);
                char_windows.push(windows);
            }
        }
        let x_mask = dropout_mask(x.len(), dropout.input, rng);
        x.iter_mut().zip(&x_mask).for_each(|(x, m)| *x *= m);
        let forward = self.forward.forward(&x);
        let x_reversed = reverse_rows(&x, input);
        let backward = self.backward.forward(&x_reversed);
        let len = ids.len();
        let mut hcat = Vec::with_capacity(len * 2 * hidden);
        for t in 0..len {
            hcat.extend_from_slice(&forward.h[t * hidden..(t + 1) * hidden]);
            let r = len - 1 - t;
            hcat.extend_from_slice(&backward.h[r * hidden..(r + 1) * hidden]);
        }
        let h_mask = dropout_mask(hcat.len(), dropout.output, rng);
        hcat.iter_mut().zip(&h_mask).for_each(|(h, m)| *h *= m);
        let mut emissions = Vec::with_capacity(len * c);
        for h in hcat.chunks_exact(2 * hidden) {
            let mut e = self.out_b.w.clone();
            for (k, &hk) in h.iter().enumerate() {
                axpy(hk, &self.out_w.w[k * c..(k + 1) * c], &mut e);
            }
            emissions.extend(e);
        }
        Pass {
            ids,
            char_features,
            char_windows,
            x,
            x_mask,
            forward,
            x_reversed,
            backward,
            hcat,
            h_mask,
            emissions,
        }
    }

    /// Adds the gradients of the loss, given its gradient w.r.t. the emissions.
    fn backpropagate(&mut self, sentence: &Encoded, pass: &Pass, d_emissions: &[f32]) {
        let (input, hidden, c) = (self.forward.input, self.forward.hidden, self.classes.len());
        let len = pass.ids.len();
        let mut d_hcat = vec![0.0; pass.hcat.len()];
        for t in 0..len {
            let de = &d_emissions[t * c..(t + 1) * c];
            axpy(1.0, de, &mut self.out_b.g);
            for k in 0..2 * hidden {
                let at = t * 2 * hidden + k;
                axpy(pass.hcat[at], de, &mut self.out_w.g[k * c..(k + 1) * c]);
                d_hcat[at] = dot(&self.out_w.w[k * c..(k + 1) * c], de) * pass.h_mask[at];
            }
        }
        let mut dh_forward = Vec::with_capacity(len * hidden);
        let mut dh_backward = vec![0.0; len * hidden];
        for t in 0..len {
            let row = &d_hcat[t * 2 * hidden..(t + 1) * 2 * hidden];
            dh_forward.extend_from_slice(&row[..hidden]);
            let r = len - 1 - t;
            dh_backward[r * hidden..(r + 1) * hidden].copy_from_slice(&row[hidden..]);
        }
        let mut dx = self.forward.backward(&pass.x, &pass.forward, &dh_forward);
        let dx_reversed = self
            .backward
            .backward(&pass.x_reversed, &pass.backward, &dh_backward);
        axpy(1.0, &reverse_rows(&dx_reversed, input), &mut dx);
        dx.iter_mut().zip(&pass.x_mask).for_each(|(d, m)| *d *= m);
        for (t, word) in pass.ids.iter().enumerate() {
            let mut at = t * input;
            for (f, &id) in word.iter().enumerate() {
                let d = self.dims[f];
                if let Some(row) = self.embeddings[f].row_gradient(id as usize, d) {
                    axpy(1.0, &dx[at..at + d], row);
                }
                at += d;
            }
            if let Some(cnn) = &mut self.chars {
                let f = cnn.filters;
                let output = &pass.char_features[t * f..(t + 1) * f];
                let chars = &sentence.chars[t];
                cnn.backward(chars, output, &pass.char_windows[t], &dx[at..at + f]);
            }
        }
    }

    /// Loss of one sentence and its gradient w.r.t. the emissions (CRF gradients of
    /// the transitions are added directly).
    fn loss(&mut self, emissions: &[f32], gold: &[usize]) -> (f32, Vec<f32>) {
        if self.crf {
            let scores = self.transition_scores();
            let (loss, de, dt) = crf_loss(emissions, gold, &scores, self.classes.len());
            axpy(1.0, &dt, &mut self.transitions.g);
            (loss, de)
        } else {
            softmax_loss(emissions, gold, self.classes.len())
        }
    }

    /// Per-word scores for decoding: CRF emissions, or log-probabilities.
    fn decoding_scores(&self, sentence: &Encoded) -> Vec<f32> {
        let pass = self.run(sentence, &NO_DROPOUT, &mut Rng(1));
        if self.crf {
            pass.emissions
        } else {
            let c = self.classes.len();
            let rows = pass.emissions.chunks_exact(c);
            rows.flat_map(log_softmax).collect()
        }
    }
}

/// Best classes for a sentence under the mean scores of the models (all trained with
/// the same classes; one model is an ensemble of one), with `o_penalty` taken from the
/// score of `O` at every word.
fn predict(models: &[Model], sentence: &Encoded, o_penalty: f32) -> Vec<usize> {
    let share = 1.0 / models.len() as f32;
    let mut emissions = vec![0.0; sentence.ids.len() * models[0].classes.len()];
    let mut transitions = vec![0.0; models[0].allowed.len()];
    for model in models {
        axpy(share, &model.decoding_scores(sentence), &mut emissions);
        axpy(share, &model.transition_scores(), &mut transitions);
    }
    let c = models[0].classes.len();
    emissions
        .iter_mut()
        .step_by(c)
        .for_each(|o| *o -= o_penalty);
    viterbi(&emissions, &transitions, models[0].classes.len())
}

fn log_softmax(scores: &[f32]) -> Vec<f32> {
    let z = log_sum_exp(scores.iter().copied());
    scores.iter().map(|s| s - z).collect()
}

/// Per-word cross-entropy.
fn softmax_loss(emissions: &[f32], gold: &[usize], c: usize) -> (f32, Vec<f32>) {
    let mut loss = 0.0;
    let mut de = Vec::with_capacity(emissions.len());
    for (e, &y) in emissions.chunks_exact(c).zip(gold) {
        let logp = log_softmax(e);
        loss -= logp[y];
        de.extend(
            logp.iter()
                .enumerate()
                .map(|(j, lp)| lp.exp() - f32::from(j == y)),
        );
    }
    (loss, de)
}

/// Linear-chain CRF negative log-likelihood by the forward–backward algorithm;
/// returns the loss and its gradients w.r.t. emissions and transitions.
fn crf_loss(
    emissions: &[f32],
    gold: &[usize],
    trans: &[f32],
    c: usize,
) -> (f32, Vec<f32>, Vec<f32>) {
    let len = gold.len();
    let start = c * c;
    let e = |t: usize, j: usize| emissions[t * c + j];
    let mut alpha = vec![0.0; len * c];
    for j in 0..c {
        alpha[j] = trans[start + j] + e(0, j);
    }
    for t in 1..len {
        for j in 0..c {
            let prev = &alpha[(t - 1) * c..t * c];
            alpha[t * c + j] = log_sum_exp((0..c).map(|i| prev[i] + trans[i * c + j])) + e(t, j);
        }
    }
    let mut beta = vec![0.0; len * c];
    for t in (0..len - 1).rev() {
        for i in 0..c {
            let next = &beta[(t + 1) * c..(t + 2) * c];
            beta[t * c + i] = log_sum_exp((0..c).map(|j| trans[i * c + j] + e(t + 1, j) + next[j]));
        }
    }
    let log_z = log_sum_exp(alpha[(len - 1) * c..].iter().copied());
    let mut gold_score = trans[start + gold[0]];
    for t in 0..len {
        gold_score += e(t, gold[t]);
        if t > 0 {
            gold_score += trans[gold[t - 1] * c + gold[t]];
        }
    }
    let mut de = vec![0.0; len * c];
    let mut dt = vec![0.0; trans.len()];
    for t in 0..len {
        for j in 0..c {
            let p = (alpha[t * c + j] + beta[t * c + j] - log_z).exp();
            de[t * c + j] = p - f32::from(j == gold[t]);
            if t == 0 {
                dt[start + j] += p;
            } else {
                for i in 0..c {
                    let pair =
                        alpha[(t - 1) * c + i] + trans[i * c + j] + e(t, j) + beta[t * c + j];
                    dt[i * c + j] += (pair - log_z).exp();
                }
            }
        }
        let from = if t == 0 { start } else { gold[t - 1] * c };
        dt[from + gold[t]] -= 1.0;
    }
    (log_z - gold_score, de, dt)
}

/// Best class sequence under per-word scores plus transition scores.
fn viterbi(emissions: &[f32], trans: &[f32], c: usize) -> Vec<usize> {
    let len = emissions.len() / c;
    let start = c * c;
    let mut best: Vec<f32> = (0..c).map(|j| trans[start + j] + emissions[j]).collect();
    let mut back = vec![0usize; len * c];
    for t in 1..len {
        let mut next = vec![0.0; c];
        for j in 0..c {
            let (i, s) = (0..c)
                .map(|i| (i, best[i] + trans[i * c + j]))
                .fold((0, f32::NEG_INFINITY), |a, b| if b.1 > a.1 { b } else { a });
            next[j] = s + emissions[t * c + j];
            back[t * c + j] = i;
        }
        best = next;
    }
    let mut path = vec![0; len];
    path[len - 1] = (0..c).fold(0, |a, j| if best[j] > best[a] { j } else { a });
    for t in (1..len).rev() {
        path[t - 1] = back[t * c + path[t]];
    }
    path
}

// ---------------------------------------------------------------------------------
// Training and scoring

fn train_batch(
    model: &mut Model,
    data: &[Encoded],
    batch: &[usize],
    dropout: &Dropout,
    rng: &mut Rng,
) -> f32 {
    let mut total = 0.0;
    for &k in batch {
        let pass = model.run(&data[k], dropout, rng);
        let (loss, de) = model.loss(&pass.emissions, &data[k].gold);
        model.backpropagate(&data[k], &pass, &de);
        total += loss;
    }
    total
}

fn score(
    models: &[Model],
    data: &[Encoded],
    gold: &[TaggedSentence],
    o_penalty: f32,
) -> EntityCounts {
    let mut counts = EntityCounts::default();
    for (encoded, sentence) in data.iter().zip(gold) {
        let tags: Vec<&str> = predict(models, encoded, o_penalty)
            .into_iter()
            .map(|c| models[0].classes[c].as_str())
            .collect();
        counts.add(&entities(&tags), &entities(&sentence.tags));
    }
    counts
}

/// The penalty on `O` that gives the best dev F1. The models' precision is well above
/// their recall, and entity F1 rewards trading some of it back; tuned on dev only.
fn tune_o_penalty(models: &[Model], dev: &Split) -> f32 {
    let mut best = (f64::NEG_INFINITY, 0.0);
    for penalty in [0.0, 0.5, 1.0, 1.5, 2.0, 3.0] {
        let f1 = score(models, &dev.encoded, &dev.sentences, penalty).f1();
        println!("O penalty {penalty}: dev F1 {f1:.4}");
        if f1 > best.0 {
            best = (f1, penalty);
        }
    }
    println!("using O penalty {}", best.1);
    best.1
}

/// A data set read, POS-tagged and encoded.
struct Split {
    name: String,
    sentences: Vec<TaggedSentence>,
    encoded: Vec<Encoded>,
}

fn read(path: &Path) -> Result<Vec<TaggedSentence>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    read_iob2(std::io::BufReader::new(file)).map_err(|e| format!("{}: {e}", path.display()))
}

fn pos_tags<'t>(sentences: &[TaggedSentence], tagger: &'t Tagger) -> Vec<Vec<&'t str>> {
    sentences
        .iter()
        .map(|s| tagger.tag(&s.words).into_iter().map(|t| t.xpos).collect())
        .collect()
}

fn encode(
    sentences: &[TaggedSentence],
    pos: &[Vec<&str>],
    featurizer: &Featurizer,
    classes: &[String],
) -> Vec<Encoded> {
    sentences
        .iter()
        .zip(pos)
        .map(|(s, pos)| Encoded {
            gold: gold_classes(&s.tags, classes),
            ..featurizer.encode(&s.words, pos)
        })
        .collect()
}

fn print_counts(what: &str, counts: &EntityCounts) {
    let prf = |(tp, fp, fn_): (usize, usize, usize)| {
        let p = tp as f64 / (tp + fp).max(1) as f64;
        let r = tp as f64 / (tp + fn_).max(1) as f64;
        format!("P {p:.4} R {r:.4} F1 {:.4}", f1((tp, fp, fn_)))
    };
    println!("  {what}: {}", prf(counts.totals()));
    for (label, &c) in &counts.by_label {
        println!(
            "    {label}: {}  (tp {}, fp {}, fn {})",
            prf(c),
            c.0,
            c.1,
            c.2
        );
    }
}

/// Compares backpropagated gradients with central differences on a few sentences.
fn grad_check(model: &mut Model, data: &[Encoded]) {
    let sample = &data[..3];
    let total_loss = |model: &mut Model| -> f64 {
        sample
            .iter()
            .map(|s| {
                let pass = model.run(s, &NO_DROPOUT, &mut Rng(1));
                f64::from(model.loss(&pass.emissions, &s.gold).0)
            })
            .sum()
    };
    train_batch(model, sample, &[0, 1, 2], &NO_DROPOUT, &mut Rng(1));
    let analytic: Vec<Vec<f32>> = model.tensors().iter().map(|t| t.g.clone()).collect();
    let mut rng = Rng(7);
    for (index, gradient) in analytic.iter().enumerate() {
        let mut worst: f64 = 0.0;
        // Entries with a gradient (embedding rows of words in the sample) and a few others.
        let mut picks: Vec<usize> = (0..gradient.len())
            .filter(|&i| gradient[i] != 0.0)
            .take(6)
            .collect();
        picks.extend((0..3).map(|_| (rng.next_u64() % gradient.len() as u64) as usize));
        for i in picks {
            let epsilon = 1e-2;
            let original = model.tensors()[index].w[i];
            model.tensors()[index].w[i] = original + epsilon;
            let plus = total_loss(model);
            model.tensors()[index].w[i] = original - epsilon;
            let minus = total_loss(model);
            model.tensors()[index].w[i] = original;
            let numeric = (plus - minus) / (2.0 * f64::from(epsilon));
            let a = f64::from(gradient[i]);
            worst = worst.max((numeric - a).abs() / (numeric.abs() + a.abs()).max(1e-2));
        }
        println!("grad check tensor {index}: worst relative error {worst:.2e}");
    }
}

/// Writes class names, vocabularies and all weights as little-endian f32.
fn save(models: &mut [Model], featurizer: &Featurizer, path: &Path) -> std::io::Result<u64> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    out.write_all(b"DLNNER\x00\x01")?;
    let write_strs = |out: &mut std::io::BufWriter<std::fs::File>, strs: &[String]| {
        out.write_all(&(strs.len() as u32).to_le_bytes())?;
        for s in strs {
            out.write_all(&(s.len() as u32).to_le_bytes())?;
            out.write_all(s.as_bytes())?;
        }
        Ok::<(), std::io::Error>(())
    };
    write_strs(&mut out, &models[0].classes)?;
    for vocab in &featurizer.vocabs {
        write_strs(&mut out, &vocab.names)?;
    }
    out.write_all(&(models.len() as u32).to_le_bytes())?;
    for model in models {
        out.write_all(&(model.forward.hidden as u32).to_le_bytes())?;
        for t in model.tensors() {
            for w in &t.w {
                out.write_all(&w.to_le_bytes())?;
            }
        }
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn main() {
    let options = match parse_options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("neural_ner: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&options) {
        eprintln!("neural_ner: {e}");
        std::process::exit(1);
    }
}

fn run(options: &Options) -> Result<(), String> {
    let started = Instant::now();
    let tagger = dateline_nlp::tagger::shipped();
    let (gazetteer, _problems) =
        Gazetteer::from_dictionaries(&options.dictionaries).map_err(|e| e.to_string())?;
    let train = read(&options.train)?;
    let classes = classes_of(&train);
    let train_pos = pos_tags(&train, tagger);
    let mut featurizer = Featurizer::build(&train, &train_pos, gazetteer);
    let mut dims = FIELD_DIMS;
    let mut word_init = None;
    if let Some(path) = &options.glove {
        let glove = read_glove(path, options.glove_words)?;
        let vocab = &mut featurizer.vocabs[WORD];
        let trained = vocab.len();
        vocab.extend(glove.words.iter().map(String::as_str));
        let rows = glove_rows(&glove, vocab);
        let known = rows[..trained].iter().filter(|r| r.is_some()).count();
        println!(
            "GloVe: {} words × {} read ({} distinct forms); {known} of {} training words \
             known; word table {} rows; {}",
            options.glove_words,
            glove.dim,
            glove.words.len(),
            trained - 1,
            vocab.len(),
            if options.glove_frozen {
                "GloVe rows frozen"
            } else {
                "all rows fine-tuned"
            }
        );
        dims[WORD] = glove.dim;
        word_init = Some(rows);
    }
    let train_encoded = encode(&train, &train_pos, &featurizer, &classes);
    let mut rng = Rng::new(options.seed);
    let sizes: Vec<usize> = featurizer.vocabs.iter().map(Vocab::len).collect();
    let chars = featurizer.chars.len();
    let char_cnn = (options.char_filters > 0).then_some((chars, options.char_filters));
    for (f, size) in sizes.iter().enumerate() {
        println!("table {:<9} {size:>6} rows × {}", FIELD_NAMES[f], dims[f]);
    }
    if options.grad_check {
        let cnn = Some((chars, 4));
        let mut model = Model::new(&sizes, dims, cnn, classes.clone(), 5, true, &mut rng);
        grad_check(&mut model, &train_encoded);
        let mut model = Model::new(&sizes, dims, cnn, classes, 5, false, &mut rng);
        grad_check(&mut model, &train_encoded);
        return Ok(());
    }
    let load = |path: &Path| -> Result<Split, String> {
        let sentences = read(path)?;
        let pos = pos_tags(&sentences, tagger);
        let encoded = encode(&sentences, &pos, &featurizer, &classes);
        Ok(Split {
            name: path.display().to_string(),
            sentences,
            encoded,
        })
    };
    let dev = load(&options.dev)?;
    let tests: Vec<Split> = options
        .tests
        .iter()
        .map(|p| load(p))
        .collect::<Result<_, _>>()?;
    let shape = Shape {
        vocab_sizes: sizes,
        dims,
        char_cnn,
        classes,
        word_init,
    };
    println!(
        "{} train sentences, {} classes; prepared in {:.1}s",
        train.len(),
        shape.classes.len(),
        started.elapsed().as_secs_f64()
    );
    let training = Instant::now();
    let models: Vec<Model> = (0..options.ensemble as u64)
        .map(|k| train_model(options, &shape, &train_encoded, &dev, options.seed + k))
        .collect();
    let training_seconds = training.elapsed().as_secs_f64();
    println!(
        "training: {training_seconds:.1}s for {} model(s) of {} epochs",
        models.len(),
        options.epochs
    );

    let o_penalty = tune_o_penalty(&models, &dev);
    let baseline = dateline_nlp::ner::shipped();
    for split in std::iter::once(&dev).chain(&tests) {
        println!("{}: {} sentences", split.name, split.sentences.len());
        let counts = score(&models, &split.encoded, &split.sentences, o_penalty);
        print_counts("BiLSTM", &counts);
        print_counts("perceptron", &baseline.score(&split.sentences, tagger));
    }
    report_speed(&models, o_penalty, &featurizer, tagger, &tests);
    let mut models = models;
    let parameters: usize = models.iter_mut().map(Model::parameter_count).sum();
    println!(
        "parameters: {parameters} ({} bytes as f32, {} as f16)",
        parameters * 4,
        parameters * 2
    );
    if let Some(path) = &options.out {
        let bytes = save(&mut models, &featurizer, path).map_err(|e| e.to_string())?;
        println!("saved {} ({bytes} bytes with vocabularies)", path.display());
    }
    Ok(())
}

/// Words per second on this core: POS tagging, then features + network + Viterbi.
fn report_speed(
    models: &[Model],
    o_penalty: f32,
    featurizer: &Featurizer,
    tagger: &Tagger,
    tests: &[Split],
) {
    let sentences: Vec<&TaggedSentence> = tests.iter().flat_map(|s| &s.sentences).collect();
    let words: usize = sentences.iter().map(|s| s.words.len()).sum();
    if words == 0 {
        return;
    }
    let timer = Instant::now();
    let pos: Vec<Vec<&str>> = sentences
        .iter()
        .map(|s| tagger.tag(&s.words).into_iter().map(|t| t.xpos).collect())
        .collect();
    let pos_seconds = timer.elapsed().as_secs_f64();
    let timer = Instant::now();
    let mut found = 0;
    for (s, pos) in sentences.iter().zip(&pos) {
        found += predict(models, &featurizer.encode(&s.words, pos), o_penalty).len();
    }
    let network_seconds = timer.elapsed().as_secs_f64();
    assert_eq!(found, words);
    println!(
        "speed over {words} test words: {:.0} words/s excluding POS tagging (features + gazetteer + \
         BiLSTM + Viterbi), POS tagging alone {:.0} words/s, both {:.0} words/s",
        words as f64 / network_seconds,
        words as f64 / pos_seconds,
        words as f64 / (network_seconds + pos_seconds)
    );
}

/// What every model of a run shares: table sizes and classes.
struct Shape {
    vocab_sizes: Vec<usize>,
    dims: [usize; FIELDS],
    char_cnn: Option<(usize, usize)>,
    classes: Vec<String>,
    /// Pretrained initial rows of the word table, per word id (with `--glove`).
    word_init: Option<Vec<Option<Vec<f32>>>>,
}

/// Trains one model, printing progress, and returns it with the weights of its best
/// epoch on dev.
fn train_model(
    options: &Options,
    shape: &Shape,
    train: &[Encoded],
    dev: &Split,
    seed: u64,
) -> Model {
    let mut rng = Rng::new(seed);
    let mut model = Model::new(
        &shape.vocab_sizes,
        shape.dims,
        shape.char_cnn,
        shape.classes.clone(),
        options.hidden,
        options.crf,
        &mut rng,
    );
    if let Some(rows) = &shape.word_init {
        let d = shape.dims[WORD];
        let table = &mut model.embeddings[WORD];
        for (id, row) in rows.iter().enumerate() {
            if let Some(row) = row {
                table.w[id * d..(id + 1) * d].copy_from_slice(row);
            }
        }
        let frozen = rows
            .iter()
            .map(|r| options.glove_frozen && r.is_some())
            .collect();
        table.track_rows(d, frozen);
    }
    println!(
        "model seed {seed:#x}: hidden {} per direction, {}, {} parameters",
        options.hidden,
        if options.crf { "CRF" } else { "softmax" },
        model.parameter_count(),
    );
    let dropout = Dropout {
        input: options.input_dropout,
        output: options.output_dropout,
        word: options.word_dropout,
    };
    let mut adam = Adam {
        learning_rate: options.learning_rate,
        steps: 0,
    };
    let training = Instant::now();
    let words = train.iter().map(|s| s.gold.len()).sum::<usize>() as f32;
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut best = (0.0, 0, model.weights());
    let mut averaged = Averaged {
        decay: options.average,
        steps: 0,
        weights: model.weights(),
    };
    for epoch in 1..=options.epochs {
        let epoch_started = Instant::now();
        rng.shuffle(&mut order);
        let mut loss = 0.0;
        for batch in order.chunks(options.batch) {
            loss += train_batch(&mut model, train, batch, &dropout, &mut rng);
            adam.step(&mut model.tensors());
            if options.average > 0.0 {
                averaged.update(&mut model);
            }
        }
        let train_seconds = epoch_started.elapsed().as_secs_f64();
        adam.learning_rate *= options.learning_rate_decay;
        let current = model.weights();
        if options.average > 0.0 {
            model.set_weights(&averaged.weights);
        }
        let dev_f1 = score(
            std::slice::from_ref(&model),
            &dev.encoded,
            &dev.sentences,
            0.0,
        )
        .f1();
        if dev_f1 > best.0 {
            best = (dev_f1, epoch, model.weights());
        }
        model.set_weights(&current);
        println!(
            "epoch {epoch:>2}: train loss {:.4}/word, dev F1 {dev_f1:.4}, {train_seconds:.1}s train + {:.1}s dev",
            loss / words,
            epoch_started.elapsed().as_secs_f64() - train_seconds
        );
    }
    model.set_weights(&best.2);
    println!(
        "model seed {seed:#x}: {:.1}s; keeping epoch {} (dev F1 {:.4})",
        training.elapsed().as_secs_f64(),
        best.1,
        best.0
    );
    model
}
