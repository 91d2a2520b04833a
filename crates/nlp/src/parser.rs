//! Dependency parsing (UD relations): an arc-standard transition parser scored by the
//! shared averaged perceptron, with features in the style of Zhang & Nivre (2011) over
//! the stack, the buffer, part-of-speech tags and attached children, searched with a
//! small beam.
//!
//! Why this design: transition parsing is linear in sentence length and fast enough
//! to parse every sentence of every article; the averaged perceptron keeps the whole
//! language layer on one small, deterministic learner. A beam of [`BEAM`] hypotheses,
//! trained globally with early update (Collins & Roark 2004), added 1.2 points of LAS
//! over the greedy parser at a quarter of its speed (docs/EVALUATION.md). The model
//! and its search go together: a globally trained model is poor when decoded greedily
//! and vice versa. Training follows the static oracle; in the rare non-projective
//! training trees (which arc-standard cannot build) crossing arcs are lifted first,
//! and counted. Tags in training come from taggers that did not see the sentence
//! ([`Tagger::train_folds`]), so the parser learns how far to trust them.
//!
//! Invariant: parsing is linear in the sentence for any input — past
//! [`LONGEST_BEAM_SENTENCE`] words the search is greedy and in place.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::binary::{read_strs, write_strs};
use crate::conllu::Sentence;
use crate::perceptron::{Trainer, Weights, argmax_where, check_magic, shuffle};
use crate::tagger::Tagger;

/// A trained parser. Classes: 0 = shift, `1 + l` = left-arc with label `l`,
/// `1 + L + l` = right-arc with label `l`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parser {
    labels: Vec<String>,
    weights: Weights,
}

/// One word's attachment: head index (1-based; 0 = root) and relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arc {
    pub head: usize,
    pub label: String,
}

const MAGIC: &[u8; 8] = b"DLDEP\x00\x00\x01";

shipped_model!(Parser, "deps.bin");

#[derive(Clone, Copy, PartialEq, Eq)]
enum Move {
    Shift,
    Left(usize),
    Right(usize),
}

/// What the parser knows about one node (word, or 0 = the root) of a configuration.
/// Plain data in one array, so copying a configuration for the beam is one memcpy.
#[derive(Clone, Copy)]
struct Node {
    /// `NO_HEAD` until attached.
    head: u32,
    /// Label id; meaningful once attached.
    label: u16,
    left_count: u8,
    right_count: u8,
    /// Leftmost and rightmost attached child (0 = none).
    leftmost: u32,
    rightmost: u32,
    /// The child attached before the current leftmost / rightmost one: arc-standard
    /// attaches left children inside-out and right children left to right, so it is
    /// the second closest to the edge.
    second_leftmost: u32,
    second_rightmost: u32,
    /// Which labels the left and right children carry (bit `label % 64`): a node that
    /// already has a subject should not get a second one.
    left_labels: u64,
    right_labels: u64,
}

const NO_HEAD: u32 = u32::MAX;

/// Parser configuration. Words are 1..=n; 0 is the root.
#[derive(Clone)]
struct State {
    stack: Vec<usize>,
    next: usize,
    n: usize,
    nodes: Vec<Node>,
}

impl State {
    fn new(n: usize) -> Self {
        let node = Node {
            head: NO_HEAD,
            label: 0,
            left_count: 0,
            right_count: 0,
            leftmost: 0,
            rightmost: 0,
            second_leftmost: 0,
            second_rightmost: 0,
            left_labels: 0,
            right_labels: 0,
        };
        Self {
            stack: vec![0],
            next: 1,
            n,
            nodes: vec![node; n + 1],
        }
    }

    /// The head of word `i`, once attached.
    fn head(&self, i: usize) -> Option<usize> {
        let head = self.nodes[i].head;
        (head != NO_HEAD).then_some(head as usize)
    }

    fn done(&self) -> bool {
        self.next > self.n && self.stack.len() == 1
    }

    fn s(&self, k: usize) -> Option<usize> {
        self.stack.len().checked_sub(k + 1).map(|i| self.stack[i])
    }

    fn valid(&self, m: Move) -> bool {
        let depth = self.stack.len();
        match m {
            Move::Shift => self.next <= self.n,
            Move::Left(_) => depth >= 3, // s1 must not be the root
            Move::Right(_) => depth >= 3 || (depth == 2 && self.next > self.n),
        }
    }

    fn apply(&mut self, m: Move) {
        match m {
            Move::Shift => {
                self.stack.push(self.next);
                self.next += 1;
            }
            Move::Left(label) => {
                let head = self.stack.pop().unwrap_or(0);
                let dependent = self.stack.pop().unwrap_or(0);
                self.attach(head, dependent, label);
                self.stack.push(head);
            }
            Move::Right(label) => {
                let dependent = self.stack.pop().unwrap_or(0);
                let head = *self.stack.last().unwrap_or(&0);
                self.attach(head, dependent, label);
            }
        }
    }

    fn attach(&mut self, head: usize, dependent: usize, label: usize) {
        self.nodes[dependent].head = head as u32;
        self.nodes[dependent].label = label as u16;
        let bit = 1u64 << (label % 64);
        let (d, node) = (dependent as u32, &mut self.nodes[head]);
        if dependent < head {
            node.left_count = node.left_count.saturating_add(1);
            node.left_labels |= bit;
            if node.leftmost == 0 || d < node.leftmost {
                node.second_leftmost = node.leftmost;
                node.leftmost = d;
            }
        } else {
            node.right_count = node.right_count.saturating_add(1);
            node.right_labels |= bit;
            if d > node.rightmost {
                node.second_rightmost = node.rightmost;
                node.rightmost = d;
            }
        }
    }
}

impl Parser {
    fn class_of(&self, m: Move) -> u16 {
        match m {
            Move::Shift => 0,
            Move::Left(l) => 1 + l as u16,
            Move::Right(l) => 1 + (self.labels.len() + l) as u16,
        }
    }

    fn move_of(n_labels: usize, class: usize) -> Move {
        if class == 0 {
            Move::Shift
        } else if class <= n_labels {
            Move::Left(class - 1)
        } else {
            Move::Right(class - 1 - n_labels)
        }
    }

    /// Parses one sentence given its words and PTB tags, keeping the [`BEAM`] best
    /// partial parses at each step — greedily past [`LONGEST_BEAM_SENTENCE`] words.
    pub fn parse<S: AsRef<str>>(&self, words: &[S], xpos: &[&str]) -> Vec<Arc> {
        let width = if words.len() > LONGEST_BEAM_SENTENCE {
            1
        } else {
            BEAM
        };
        self.parse_with_beam(words, xpos, width)
    }

    /// [`Parser::parse`] with a beam of `width` (1 = greedy).
    pub fn parse_with_beam<S: AsRef<str>>(
        &self,
        words: &[S],
        xpos: &[&str],
        width: usize,
    ) -> Vec<Arc> {
        let context = Context::new(words, xpos);
        let mut search = Search::new(words.len(), self.labels.len(), width);
        while !search.done() {
            search.step(&context, None, |f, s| self.weights.score(f, s));
        }
        let state = &search.beam[0].state;
        (1..=words.len())
            .map(|i| {
                let head = state.head(i).unwrap_or(0);
                let label = self
                    .labels
                    .get(state.nodes[i].label as usize)
                    .filter(|_| state.head(i).is_some())
                    .cloned()
                    .unwrap_or_else(|| "dep".to_string());
                Arc { head, label }
            })
            .collect()
    }

    /// Trains on `train` with `train_xpos` as its PTB tags (predicted ones, see
    /// [`Tagger::train_folds`]), `iterations` shuffled passes; `progress` gets
    /// `(pass, dev UAS, dev LAS)` with `tagger`'s tags on `dev`. Returns the parser and
    /// how many arcs were lifted (see `projective_heads`).
    pub fn train(
        train: &[Sentence],
        train_xpos: &[Vec<String>],
        dev: &[Sentence],
        tagger: &Tagger,
        iterations: usize,
        mut progress: impl FnMut(usize, f64, f64),
    ) -> (Parser, usize) {
        let mut labels: Vec<String> = train
            .iter()
            .flat_map(|s| s.words.iter().map(|w| w.deprel.clone()))
            .collect();
        labels.sort();
        labels.dedup();
        let label_id = |l: &str| labels.binary_search_by(|x| x.as_str().cmp(l)).unwrap_or(0);
        let gold_trees: Vec<(Vec<usize>, usize)> = train.iter().map(projective_heads).collect();
        let lifted = gold_trees.iter().map(|(_, n)| n).sum();
        let tags: Vec<Vec<&str>> = train_xpos
            .iter()
            .map(|s| s.iter().map(String::as_str).collect())
            .collect();
        let mut parser = Parser {
            labels: labels.clone(),
            weights: Weights::default(),
        };
        let n_labels = labels.len();
        let mut model = Trainer::new();
        let mut order: Vec<usize> = (0..train.len()).collect();
        let mut rng = 0xde95_u64;
        let mut features = Vec::with_capacity(64);
        for iteration in 0..iterations {
            for &k in &order {
                let sentence = &train[k];
                let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
                let gold_labels: Vec<usize> = std::iter::once(0)
                    .chain(sentence.words.iter().map(|w| label_id(&w.deprel)))
                    .collect();
                let Some(gold) = gold_moves(&parser, forms.len(), &gold_trees[k].0, &gold_labels)
                else {
                    continue;
                };
                let context = Context::new(&forms, &tags[k]);
                train_sentence(&mut model, &context, &gold, n_labels, BEAM, &mut features);
            }
            shuffle(&mut order, &mut rng);
            parser.weights = model.averaged();
            let (uas, las) = parser.attachment_scores(dev, tagger);
            progress(iteration + 1, uas, las);
        }
        parser.weights = model.averaged();
        (parser, lifted)
    }

    /// `(UAS, LAS)` on gold-tokenised sentences, with `tagger`'s tags.
    pub fn attachment_scores(&self, gold: &[Sentence], tagger: &Tagger) -> (f64, f64) {
        let (mut heads, mut both, mut total) = (0usize, 0usize, 0usize);
        for sentence in gold {
            let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
            let xpos: Vec<&str> = tagger.tag(&forms).into_iter().map(|t| t.xpos).collect();
            for (arc, word) in self.parse(&forms, &xpos).iter().zip(&sentence.words) {
                let head_ok = arc.head == word.head;
                heads += usize::from(head_ok);
                both += usize::from(head_ok && arc.label == word.deprel);
                total += 1;
            }
        }
        let total = total.max(1) as f64;
        (heads as f64 / total, both as f64 / total)
    }

    pub fn save(&self, out: &mut impl std::io::Write, min_weight: f32) -> std::io::Result<()> {
        out.write_all(MAGIC)?;
        write_strs(out, &self.labels)?;
        self.weights.write(out, min_weight)
    }

    pub fn load(bytes: &[u8]) -> Result<Parser, String> {
        let mut r = bytes;
        check_magic(&mut r, MAGIC, "parser")?;
        let truncated = |_| "truncated parser model".to_string();
        let labels = read_strs(&mut r).map_err(truncated)?;
        let n = labels.len();
        let weights = Weights::read(&mut r, 1 + 2 * n)?;
        Ok(Parser { labels, weights })
    }
}

/// Partial parses kept at each step. Beam search with a globally trained model
/// recovers from an early mistake that greedy parsing must live with.
const BEAM: usize = 4;

/// Copying a hypothesis costs time linear in the sentence, so a beam is quadratic;
/// longer "sentences" (run-on lists, text with no full stops) parse greedily, which
/// keeps every input linear. Real sentences are far shorter: the longest in EWT
/// train has 159 words.
const LONGEST_BEAM_SENTENCE: usize = 250;

/// One partial parse: its configuration, the sum of its moves' scores, its moves,
/// and (in training) whether every move so far was the gold one.
#[derive(Clone)]
struct Hypothesis {
    state: State,
    score: f32,
    moves: Vec<u16>,
    gold: bool,
}

/// A beam search over arc-standard moves. Every complete parse of n words takes
/// exactly 2n moves, so all hypotheses finish on the same step.
struct Search {
    beam: Vec<Hypothesis>,
    n_labels: usize,
    width: usize,
    features: Vec<u64>,
    scores: Vec<f32>,
    candidates: Vec<(f32, usize, u16)>,
    /// The beam before last, kept for its allocations.
    spare: Vec<Hypothesis>,
    /// Set when no hypothesis had a valid move. Arc-standard always has one until a
    /// parse is complete, so this only guards the search loop against running forever.
    stuck: bool,
}

impl Search {
    fn new(n: usize, n_labels: usize, width: usize) -> Self {
        Self {
            beam: vec![Hypothesis {
                state: State::new(n),
                score: 0.0,
                moves: Vec::with_capacity(2 * n),
                gold: true,
            }],
            n_labels,
            width: width.max(1),
            features: Vec::with_capacity(64),
            scores: vec![0.0; 1 + 2 * n_labels],
            candidates: Vec::new(),
            spare: Vec::new(),
            stuck: false,
        }
    }

    fn done(&self) -> bool {
        self.stuck || self.beam.iter().all(|h| h.state.done())
    }

    /// Extends every hypothesis by each valid move and keeps the `width` best;
    /// `gold` (the gold move of this step, in training) marks the gold hypothesis.
    /// Ties break by hypothesis then move order, so search is deterministic.
    fn step(
        &mut self,
        context: &Context,
        gold: Option<u16>,
        mut score: impl FnMut(&[u64], &mut [f32]),
    ) {
        if self.width == 1 {
            return self.step_greedy(context, gold, score);
        }
        self.candidates.clear();
        for (h, hypothesis) in self.beam.iter().enumerate() {
            if hypothesis.state.done() {
                continue;
            }
            context.features(&hypothesis.state, &mut self.features);
            score(&self.features, &mut self.scores);
            for (class, &s) in self.scores.iter().enumerate() {
                if hypothesis
                    .state
                    .valid(Parser::move_of(self.n_labels, class))
                {
                    self.candidates
                        .push((hypothesis.score + s, h, class as u16));
                }
            }
        }
        if self.candidates.is_empty() {
            self.stuck = true;
            return;
        }
        let by_score = |a: &(f32, usize, u16), b: &(f32, usize, u16)| {
            b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
        };
        let keep = self.width.min(self.candidates.len());
        if keep < self.candidates.len() {
            self.candidates.select_nth_unstable_by(keep - 1, by_score);
            self.candidates.truncate(keep);
        }
        self.candidates.sort_unstable_by(by_score);
        // The next beam is built in last step's vector, reusing its allocations.
        let mut next = std::mem::take(&mut self.spare);
        next.truncate(self.candidates.len());
        for (i, &(total, h, class)) in self.candidates.iter().enumerate() {
            let parent = &self.beam[h];
            if i == next.len() {
                next.push(parent.clone());
            } else {
                next[i].state.clone_from(&parent.state);
                next[i].moves.clone_from(&parent.moves);
            }
            let child = &mut next[i];
            child
                .state
                .apply(Parser::move_of(self.n_labels, class as usize));
            child.moves.push(class);
            child.score = total;
            child.gold = parent.gold && gold == Some(class);
        }
        self.spare = std::mem::replace(&mut self.beam, next);
    }
}

impl Search {
    /// A beam of one, extended in place: copying the hypothesis each step, as the
    /// beam does, would make long sentences quadratic.
    fn step_greedy(
        &mut self,
        context: &Context,
        gold: Option<u16>,
        mut score: impl FnMut(&[u64], &mut [f32]),
    ) {
        let hypothesis = &mut self.beam[0];
        if hypothesis.state.done() {
            return;
        }
        context.features(&hypothesis.state, &mut self.features);
        score(&self.features, &mut self.scores);
        let n_labels = self.n_labels;
        let valid = |c: usize| hypothesis.state.valid(Parser::move_of(n_labels, c));
        let class = argmax_where(&self.scores, valid);
        if !valid(class as usize) {
            self.stuck = true;
            return;
        }
        hypothesis.score += self.scores[class as usize];
        hypothesis
            .state
            .apply(Parser::move_of(n_labels, class as usize));
        hypothesis.moves.push(class);
        hypothesis.gold &= gold == Some(class);
    }
}

/// The gold move sequence of a projective tree, from the static oracle; `None` when
/// the oracle gets stuck (a tree arc-standard cannot build).
fn gold_moves(parser: &Parser, n: usize, heads: &[usize], labels: &[usize]) -> Option<Vec<u16>> {
    let mut state = State::new(n);
    let mut moves = Vec::with_capacity(2 * n);
    while !state.done() {
        let m = oracle(&state, heads, labels)?;
        moves.push(parser.class_of(m));
        state.apply(m);
    }
    Some(moves)
}

/// One sentence of beam training with early update (Collins & Roark 2004): search
/// until the gold parse falls out of the beam (or to the end, if the best parse is
/// not the gold one), then move weight from the best hypothesis's moves to the gold
/// moves over the same prefix.
fn train_sentence(
    model: &mut Trainer,
    context: &Context,
    gold: &[u16],
    n_labels: usize,
    width: usize,
    features: &mut Vec<u64>,
) {
    model.next_instance();
    let n = gold.len() / 2;
    let mut search = Search::new(n, n_labels, width);
    for (t, &gold_move) in gold.iter().enumerate() {
        search.step(context, Some(gold_move), |f, s| model.score(f, s));
        let fell_out = !search.beam.iter().any(|h| h.gold);
        if fell_out || t + 1 == gold.len() {
            let best = &search.beam[0];
            if !best.gold {
                let prefix = &gold[..=t];
                update_sequence(model, context, n, n_labels, prefix, 1.0, features);
                update_sequence(model, context, n, n_labels, &best.moves, -1.0, features);
            }
            return;
        }
    }
}

/// Adds `delta` to every (feature, move) pair along `moves` replayed from the start.
fn update_sequence(
    model: &mut Trainer,
    context: &Context,
    n: usize,
    n_labels: usize,
    moves: &[u16],
    delta: f32,
    features: &mut Vec<u64>,
) {
    let mut state = State::new(n);
    for &class in moves {
        context.features(&state, features);
        model.add(class, features, delta);
        state.apply(Parser::move_of(n_labels, class as usize));
    }
}

/// The static arc-standard oracle: left-arc when s1's head is s0, right-arc when s0's
/// head is s1 and s0 has all its dependents, else shift.
fn oracle(state: &State, heads: &[usize], labels: &[usize]) -> Option<Move> {
    if let (Some(s0), Some(s1)) = (state.s(0), state.s(1)) {
        if s1 != 0 && heads[s1] == s0 {
            return Some(Move::Left(labels[s1]));
        }
        let complete = (1..heads.len())
            .filter(|&d| heads[d] == s0)
            .all(|d| state.head(d).is_some());
        if heads[s0] == s1 && complete && state.valid(Move::Right(0)) {
            return Some(Move::Right(labels[s0]));
        }
    }
    state.valid(Move::Shift).then_some(Move::Shift)
}

/// Heads (index 0 = the root) with every crossing arc lifted to the head's head until
/// no two arcs cross, shortest arc first (Nivre & Nilsson 2005, without encoding the
/// lift in the label): arc-standard can only build projective trees, and a lifted
/// tree teaches more than a skipped sentence. Also returns how many arcs were lifted.
fn projective_heads(sentence: &Sentence) -> (Vec<usize>, usize) {
    let mut heads: Vec<usize> = std::iter::once(0)
        .chain(sentence.words.iter().map(|w| w.head))
        .collect();
    let n = heads.len();
    let span = |heads: &[usize], d: usize| (heads[d].min(d), heads[d].max(d));
    let mut lifted = 0;
    // Each lift moves a dependent strictly up a finite tree, so this ends; the bound
    // guards against a malformed treebank with a cycle.
    for _ in 0..n * n {
        let crossing = (1..n)
            // Never lift to the root: arc-standard gives it one child.
            .filter(|&d| heads[d] != 0 && heads[d] < n && heads[heads[d]] != 0)
            .filter(|&d| {
                let (a, b) = span(&heads, d);
                (1..n).any(|e| {
                    let (c, f) = span(&heads, e);
                    a < c && c < b && b < f || c < a && a < f && f < b
                })
            })
            .min_by_key(|&d| {
                let (a, b) = span(&heads, d);
                (b - a, d)
            });
        let Some(d) = crossing else { break };
        heads[d] = heads[heads[d]];
        lifted += 1;
    }
    (heads, lifted)
}

/// Mixes a template id and component hashes into one feature hash. Integer mixing
/// instead of formatting strings keeps feature extraction allocation-free, which made
/// the parser several times faster.
fn mix(template: u64, parts: &[u64]) -> u64 {
    let mut h = template.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for &p in parts {
        h = (h ^ p).wrapping_mul(0xBF58_476D_1CE4_E5B9).rotate_left(29);
    }
    h ^ (h >> 31)
}

fn hash(text: &str) -> u64 {
    xxh3_64_with_seed(text.as_bytes(), 0)
}

/// Sentinels for absent nodes and the root.
const NONE: u64 = 0x6e6f_6e65;
const ROOT: u64 = 0x726f_6f74;

struct Context {
    words: Vec<u64>,
    tags: Vec<u64>,
}

impl Context {
    fn new<S: AsRef<str>>(words: &[S], tags: &[&str]) -> Self {
        Self {
            words: words
                .iter()
                .map(|w| hash(&w.as_ref().to_lowercase()))
                .collect(),
            tags: tags.iter().map(|t| hash(t)).collect(),
        }
    }

    fn word(&self, i: Option<usize>) -> u64 {
        match i {
            None => NONE,
            Some(0) => ROOT,
            Some(i) => self.words.get(i - 1).copied().unwrap_or(NONE),
        }
    }

    fn tag(&self, i: Option<usize>) -> u64 {
        match i {
            None => NONE,
            Some(0) => ROOT,
            Some(i) => self.tags.get(i - 1).copied().unwrap_or(NONE),
        }
    }

    fn features(&self, state: &State, out: &mut Vec<u64>) {
        out.clear();
        let (s0, s1, s2) = (state.s(0), state.s(1), state.s(2));
        let buffer = |k: usize| (state.next + k <= state.n).then_some(state.next + k);
        let (b0, b1, b2) = (buffer(0), buffer(1), buffer(2));
        let child = |node: Option<usize>, which: fn(&Node) -> u32| {
            node.and_then(|n| {
                let c = which(&state.nodes[n]) as usize;
                (c != 0).then_some(c)
            })
        };
        // Label ids offset so they never collide with the sentinels.
        let label =
            |node: Option<usize>| node.map_or(NONE, |n| 1000 + u64::from(state.nodes[n].label));
        let (s0l, s0r, s1l, s1r) = (
            child(s0, |n| n.leftmost),
            child(s0, |n| n.rightmost),
            child(s1, |n| n.leftmost),
            child(s1, |n| n.rightmost),
        );
        let (w, t) = (|i| self.word(i), |i| self.tag(i));
        let distance = match (s0, s1) {
            (Some(a), Some(b)) => a.abs_diff(b).min(5) as u64,
            _ => NONE,
        };
        let valency = |node: Option<usize>| {
            node.map_or(NONE, |n| {
                let node = &state.nodes[n];
                2000 + u64::from(node.left_count) * 64 + u64::from(node.right_count)
            })
        };
        let (s0l2, s0r2, s1l2, s1r2) = (
            child(s0, |n| n.second_leftmost),
            child(s0, |n| n.second_rightmost),
            child(s1, |n| n.second_leftmost),
            child(s1, |n| n.second_rightmost),
        );
        let label_set = |node: Option<usize>, which: fn(&Node) -> u64| {
            node.map_or(NONE, |n| which(&state.nodes[n]))
        };
        let templates: [&[u64]; 54] = [
            &[],
            &[w(s0)],
            &[t(s0)],
            &[w(s0), t(s0)],
            &[w(s1)],
            &[t(s1)],
            &[w(s1), t(s1)],
            &[t(s2)],
            &[w(b0)],
            &[t(b0)],
            &[w(b0), t(b0)],
            &[w(b1)],
            &[t(b1)],
            &[t(b2)],
            &[t(s0), t(s1)],
            &[t(s0), t(s1), t(b0)],
            &[w(s0), w(s1)],
            &[w(s0), t(s0), t(s1)],
            &[t(s0), w(s1), t(s1)],
            &[t(s2), t(s1), t(s0)],
            &[t(s0), t(b0)],
            &[w(s0), w(b0)],
            &[t(s0), t(b0), t(b1)],
            &[t(s0l), label(s0l)],
            &[t(s0r), label(s0r)],
            &[t(s1l), label(s1l)],
            &[t(s1r), label(s1r)],
            &[t(s0), label(s0l), label(s0r)],
            &[t(s1), label(s1l), label(s1r)],
            &[distance, t(s0), t(s1)],
            &[distance, w(s0)],
            &[t(s0), valency(s0)],
            &[t(s1), valency(s1)],
            &[t(s1), t(s0), t(s0r)],
            &[t(s1), t(s1r), t(s0)],
            &[w(s0l), t(s0)],
            &[w(s0r), t(s0)],
            &[w(s1r), t(s1)],
            &[t(b0), t(b1), t(b2)],
            &[w(b0), t(s0)],
            &[w(s1), w(s0), t(b0)],
            &[label(s0l), label(s1r)],
            &[t(s0l2), label(s0l2)],
            &[t(s0r2), label(s0r2)],
            &[t(s1l2), label(s1l2)],
            &[t(s1r2), label(s1r2)],
            &[t(s0), t(s0l), t(s0l2)],
            &[t(s1), t(s1r), t(s1r2)],
            &[w(s0), label_set(s0, |n| n.left_labels)],
            &[t(s0), label_set(s0, |n| n.left_labels)],
            &[t(s1), label_set(s1, |n| n.left_labels)],
            &[t(s1), label_set(s1, |n| n.right_labels)],
            &[w(s0), t(s0), w(s1), t(s1)],
            &[distance, w(s1)],
        ];
        out.extend(
            templates
                .iter()
                .enumerate()
                .map(|(k, parts)| mix(k as u64, parts)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu::read_conllu;

    fn treebank() -> Vec<Sentence> {
        let rows = [
            ("The", "DT", 2, "det"),
            ("envoy", "NN", 3, "nsubj"),
            ("met", "VBD", 0, "root"),
            ("the", "DT", 5, "det"),
            ("minister", "NN", 3, "obj"),
            (".", ".", 3, "punct"),
        ];
        let mut text = String::new();
        for k in 0..20 {
            text.push_str(&format!("# sent_id = s{k}\n"));
            for (i, (form, xpos, head, rel)) in rows.iter().enumerate() {
                text.push_str(&format!(
                    "{}\t{form}\t_\tX\t{xpos}\t_\t{head}\t{rel}\t_\t_\n",
                    i + 1
                ));
            }
            text.push('\n');
        }
        read_conllu(text.as_bytes()).unwrap()
    }

    /// The shipped tagger's PTB tags for each sentence, as `Parser::train` takes them.
    fn shipped_tags(sentences: &[Sentence]) -> Vec<Vec<String>> {
        let tagger = crate::tagger::shipped();
        sentences
            .iter()
            .map(|s| {
                let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
                tagger
                    .tag(&forms)
                    .iter()
                    .map(|t| t.xpos.to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn learns_a_tiny_treebank_and_round_trips() {
        let gold = treebank();
        let tagger = crate::tagger::shipped();
        let xpos = shipped_tags(&gold);
        let (parser, lifted) = Parser::train(&gold, &xpos, &gold, tagger, 3, |_, _, _| {});
        assert_eq!(lifted, 0);
        assert_eq!(parser.attachment_scores(&gold, tagger), (1.0, 1.0));
        let mut bytes = Vec::new();
        parser.save(&mut bytes, 0.0).unwrap();
        let loaded = Parser::load(&bytes).unwrap();
        let mut again = Vec::new();
        loaded.save(&mut again, 0.0).unwrap();
        assert_eq!(bytes, again);
        assert_eq!(loaded.attachment_scores(&gold, tagger), (1.0, 1.0));
        assert!(Parser::load(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn every_word_gets_one_head_and_exactly_one_root() {
        let words = [
            "Talks", "resumed", "on", "Tuesday", "after", "the", "envoy", "left", ".",
        ];
        let tags = ["NNS", "VBD", "IN", "NNP", "IN", "DT", "NN", "VBD", "."];
        for width in [1, 2, BEAM, 16] {
            let arcs = shipped().parse_with_beam(&words, &tags, width);
            assert_eq!(arcs.len(), words.len());
            assert_eq!(arcs.iter().filter(|a| a.head == 0).count(), 1, "{width}");
            assert!(arcs.iter().all(|a| a.head <= words.len()));
        }
        let arcs = shipped().parse(&words, &tags);
        let simple = shipped().parse(
            &["The", "minister", "rejected", "the", "offer", "."],
            &["DT", "NN", "VBD", "DT", "NN", "."],
        );
        let heads: Vec<usize> = simple.iter().map(|a| a.head).collect();
        assert_eq!(heads, [2, 3, 0, 5, 3, 3], "{simple:?}");
        assert_eq!(simple[4].label, "obj");
        assert_eq!(
            arcs[0],
            Arc {
                head: 2,
                label: "nsubj".into()
            }
        );
    }

    #[test]
    fn beam_training_finds_the_gold_tree_at_every_width() {
        let gold = treebank();
        let tagger = crate::tagger::shipped();
        let xpos = shipped_tags(&gold);
        let forms: Vec<&str> = gold[0].words.iter().map(|w| w.form.as_str()).collect();
        let tags: Vec<&str> = xpos[0].iter().map(String::as_str).collect();
        // Untrained, ties go to shift and the lowest labels: greedy search cannot even
        // build the gold tree's first arc, so a beam of one must have been updated.
        let untrained = Parser {
            labels: vec![
                "det".into(),
                "nsubj".into(),
                "obj".into(),
                "punct".into(),
                "root".into(),
            ],
            weights: Weights::default(),
        };
        let heads = |p: &Parser, width| -> Vec<usize> {
            p.parse_with_beam(&forms, &tags, width)
                .iter()
                .map(|a| a.head)
                .collect()
        };
        assert_ne!(heads(&untrained, 1), [2, 3, 0, 5, 3, 3]);
        let (parser, _) = Parser::train(&gold, &xpos, &gold, tagger, 8, |_, _, _| {});
        for width in [1, BEAM] {
            assert_eq!(heads(&parser, width), [2, 3, 0, 5, 3, 3]);
        }
    }

    #[test]
    fn a_hundred_thousand_word_sentence_parses_in_linear_time() {
        // Quadratic work here (a beam copying 100k-node states) would not finish.
        let words: Vec<&str> = ["the", "talks", "resumed", ","].repeat(25_000);
        let tags: Vec<&str> = ["DT", "NNS", "VBD", ","].repeat(25_000);
        let arcs = shipped().parse(&words, &tags);
        assert_eq!(arcs.len(), 100_000);
        assert_eq!(arcs.iter().filter(|a| a.head == 0).count(), 1);
    }

    #[test]
    fn crossing_arcs_are_lifted_below_the_root() {
        let gold = treebank();
        assert_eq!(projective_heads(&gold[0]), (vec![0, 2, 3, 0, 5, 3, 3], 0));
        // Arcs 1←3 and 2←4 cross; 2 is lifted to 4's head, never 1 to the root.
        let text = "# sent_id = np\n1\ta\ta\tX\tX\t_\t3\tdep\t_\t_\n\
                    2\tb\tb\tX\tX\t_\t4\tdep\t_\t_\n\
                    3\tc\tc\tX\tX\t_\t0\troot\t_\t_\n\
                    4\td\td\tX\tX\t_\t3\tdep\t_\t_\n\n";
        let crossing = read_conllu(text.as_bytes()).unwrap();
        assert_eq!(projective_heads(&crossing[0]), (vec![0, 3, 3, 0, 3], 1));
    }
}
