//! The learned half of event coding, trained on the real-news event gold's train split
//! (`dateline train event-layer`, `data/models/event-layer.bin`, reproduced byte for
//! byte in CI): a **proposer** that codes the root of a verb or event noun the
//! dictionary left open ("signed the deal", "said it condemned", "clashes between …"),
//! where the parse gives it a source.
//!
//! A proposal takes the code its lemma most often has under that root in the train
//! gold ("signed" under 05: 057), else the root's own ("050").
//!
//! It decides against a threshold chosen on the dev split when the layer was trained
//! (the mean over the gold files of the F1 of every dev gold event, as `dateline eval
//! events` counts it), saved with the weights. An empty layer proposes nothing: the
//! dictionary coder alone. Only the shipped verb dictionary gets the layer: its
//! features name that dictionary's blocks.
//!
//! Why no filter over the coder's own events: one was trained (yes/no over the
//! event's shape), and its dev-chosen threshold moved from run to run and lost right
//! events on every other set (docs/EVALUATION.md, issue #21).
//!
//! Features describe the token's place in the parse, with its lemma, its object's and
//! its clause's but no other words, so the layer generalises across stories.

use std::collections::BTreeMap;
use std::io::{self, Write};

use dateline_core::{Document, Event, EventActor};
use dateline_nlp::classifier::{Chooser, feature};

use crate::EventModel;

/// A token the coder gave no event, with what the proposer decides on.
#[derive(Debug, Clone)]
pub struct Open {
    pub token: usize,
    /// Its first code point in the text.
    pub start: usize,
    /// Whether the parse gives it a source: only then can a proposal be an event.
    pub has_source: bool,
    /// Its lemma, lower-cased: which code of the root it takes.
    pub lemma: String,
    pub features: Vec<u64>,
}

/// What the coder coded and left open in one document.
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    pub coded: Vec<Event>,
    pub open: Vec<Open>,
}

/// Roots are classes 1–20 of the proposer; class 0 is "no event".
pub const CLASSES: u16 = 21;

/// The trained proposer with its threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub proposer: Chooser,
    /// A root is proposed when its score beats "no event" by more than this.
    pub propose_above: f32,
    /// The code a lemma takes under a root (`"sign 05"` → `"057"`), the commonest in
    /// the training gold; a pair not listed takes the root's own code (`"050"`).
    pub codes: BTreeMap<String, String>,
}

impl Default for Layer {
    fn default() -> Self {
        Layer {
            proposer: Chooser::default(),
            propose_above: f32::INFINITY,
            codes: BTreeMap::new(),
        }
    }
}

/// The key of [`Layer::codes`].
pub fn code_key(lemma: &str, root: u16) -> String {
    format!("{lemma} {root:02}")
}

const MAGIC: &[u8; 8] = b"DLEVLAY\x03";

impl Layer {
    /// The proposer's best root for an open token's features and by how much it
    /// beats "no event".
    pub fn best_root(&self, features: &[u64]) -> Option<(u16, f32)> {
        let scores = self.proposer.scores(features);
        let none = *scores.first()?;
        let (root, best) =
            scores
                .iter()
                .enumerate()
                .skip(1)
                .fold(
                    (0, f32::NEG_INFINITY),
                    |b, (i, &s)| if s > b.1 { (i, s) } else { b },
                );
        Some((root as u16, best - none))
    }

    /// The code proposed for `open`, if any: its lemma's under the root, else the
    /// root's own ("190").
    pub fn proposes(&self, open: &Open) -> Option<String> {
        let (root, margin) = self.best_root(&open.features)?;
        (open.has_source && margin > self.propose_above).then(|| {
            self.codes
                .get(&code_key(&open.lemma, root))
                .cloned()
                .unwrap_or_else(|| format!("{root:02}0"))
        })
    }

    /// The threshold, the codes (a count, then `key\tcode\n` lines) and the weights.
    pub fn save(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(MAGIC)?;
        out.write_all(&self.propose_above.to_le_bytes())?;
        let codes: String = self
            .codes
            .iter()
            .map(|(key, code)| format!("{key}\t{code}\n"))
            .collect();
        out.write_all(&(codes.len() as u32).to_le_bytes())?;
        out.write_all(codes.as_bytes())?;
        self.proposer.save(out)
    }

    /// Reads what [`Layer::save`] wrote.
    pub fn load(bytes: &[u8]) -> Result<Layer, String> {
        let truncated = || "truncated event layer".to_string();
        let rest = bytes.strip_prefix(MAGIC).ok_or("not an event layer")?;
        let (propose, rest) = rest.split_first_chunk::<4>().ok_or_else(truncated)?;
        let (len, rest) = rest.split_first_chunk::<4>().ok_or_else(truncated)?;
        let len = u32::from_le_bytes(*len) as usize;
        let codes = std::str::from_utf8(rest.get(..len).ok_or_else(truncated)?)
            .map_err(|_| "event layer codes are not UTF-8".to_string())?;
        let codes = codes
            .lines()
            .map(|line| {
                let (key, code) = line.split_once('\t').ok_or_else(truncated)?;
                Ok((key.to_string(), code.to_string()))
            })
            .collect::<Result<_, String>>()?;
        Ok(Layer {
            proposer: Chooser::load(&rest[len..])?,
            propose_above: f32::from_le_bytes(*propose),
            codes,
        })
    }
}

/// The hashed features of open token `i` with the dyad the parse gives it.
pub(crate) fn open_features(
    document: &Document,
    model: &EventModel,
    i: usize,
    (sources, targets): (&[EventActor], &[EventActor]),
) -> Vec<u64> {
    let tokens = &document.tokens;
    let token = &tokens[i];
    let lower = |t: usize| tokens[t].lemma.to_lowercase();
    let lemma = lower(i);
    let kind = if crate::coder::is_verb(document, i) {
        "verb"
    } else {
        "noun"
    };
    let head_lemma = token.head.map_or("-".to_string(), lower);
    let blocks = |lemma: &str| -> Vec<&str> {
        let mut names: Vec<&str> = model
            .verbs
            .verbs_of(lemma)
            .iter()
            .map(|v| model.verbs.blocks[v.block].name.as_str())
            .collect();
        names.dedup();
        names.truncate(3);
        names
    };
    let own_blocks = blocks(&lemma);
    let role = |a: Option<&EventActor>| {
        a.map_or("none".to_string(), |a| {
            a.code.get(3..6).unwrap_or("-").to_string()
        })
    };
    let target_kind = match (sources.first(), targets.first()) {
        (_, None) => "none",
        (Some(s), Some(t)) if s.code.get(..3) == t.code.get(..3) => "same-country",
        _ => "other-country",
    };
    let place = match document.sentence_of[i] {
        0 => "first",
        1 => "second",
        2..=4 => "early",
        _ => "later",
    };
    let mut out = vec![
        feature("bias", ""),
        feature("lemma", &lemma),
        feature("kind", kind),
        feature("xpos", &token.xpos),
        feature("deprel", &token.deprel),
        feature("lemma+deprel", &format!("{lemma}+{}", token.deprel)),
        feature("head", &head_lemma),
        feature("head+deprel", &format!("{head_lemma}+{}", token.deprel)),
        feature("source-role", &role(sources.first())),
        feature("target", target_kind),
        feature("lemma+target", &format!("{lemma}+{target_kind}")),
        feature("place", place),
    ];
    if own_blocks.is_empty() {
        out.push(feature("block", "-"));
    }
    for block in &own_blocks {
        out.push(feature("block", block));
        out.push(feature("block+target", &format!("{block}+{target_kind}")));
    }
    for &c in &document.children[i] {
        let relation = tokens[c].deprel.as_str();
        let child = lower(c);
        match relation {
            "obj" | "iobj" => {
                out.push(feature("obj", &format!("{lemma}+{child}")));
                for block in &own_blocks {
                    out.push(feature("block+obj", &format!("{block}+{child}")));
                }
            }
            "ccomp" | "xcomp" | "advcl" => {
                out.push(feature("clause", &child));
                out.push(feature("lemma+clause", &format!("{lemma}+{child}")));
                for block in blocks(&child) {
                    out.push(feature("clause-block", block));
                }
            }
            "obl" | "nmod" => {
                let case = document.children[c]
                    .iter()
                    .find(|&&g| tokens[g].deprel == "case")
                    .map_or("-".to_string(), |&g| lower(g));
                out.push(feature("prep", &format!("{lemma}+{case}")));
            }
            "aux" | "advmod" if matches!(child.as_str(), "not" | "never" | "will" | "would") => {
                out.push(feature("qualifier", &child));
            }
            "amod" | "compound" | "nmod:poss" => {
                out.push(feature("modifier", relation));
            }
            _ => {}
        }
    }
    out
}

/// The shipped layer, compiled in (`data/models/event-layer.bin`).
pub fn shipped() -> &'static Layer {
    static MODEL: std::sync::OnceLock<Layer> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        // Part of this build and loaded by a test: a failure is a broken build.
        Layer::load(include_bytes!("../../../data/models/event-layer.bin"))
            .expect("the shipped model event-layer.bin loads")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(features: Vec<u64>) -> Open {
        Open {
            token: 0,
            start: 0,
            has_source: true,
            lemma: "sign".into(),
            features,
        }
    }

    #[test]
    fn an_empty_layer_is_the_coder_alone() {
        let empty = Layer::default();
        assert!(
            empty
                .proposes(&open(vec![feature("lemma", "sign")]))
                .is_none()
        );
        let mut bytes = Vec::new();
        empty.save(&mut bytes).unwrap();
        assert_eq!(Layer::load(&bytes).unwrap(), empty);
    }

    #[test]
    fn a_trained_layer_proposes_past_its_threshold_and_round_trips() {
        let sign = vec![feature("lemma", "sign"), feature("bias", "")];
        let walk = vec![feature("lemma", "walk"), feature("bias", "")];
        let proposer = Chooser::train(&[(sign.clone(), 5), (walk.clone(), 0)], CLASSES, 5);
        let mut layer = Layer {
            proposer,
            propose_above: 0.0,
            codes: BTreeMap::new(),
        };
        assert_eq!(layer.proposes(&open(sign.clone())).as_deref(), Some("050"));
        layer.codes.insert(code_key("sign", 5), "057".into());
        assert_eq!(layer.proposes(&open(sign.clone())).as_deref(), Some("057"));
        assert!(layer.proposes(&open(walk)).is_none());
        let without_source = Open {
            has_source: false,
            ..open(sign.clone())
        };
        assert!(layer.proposes(&without_source).is_none());
        let mut bytes = Vec::new();
        layer.save(&mut bytes).unwrap();
        assert_eq!(Layer::load(&bytes).unwrap(), layer);
        layer.propose_above = f32::INFINITY;
        assert!(layer.proposes(&open(sign)).is_none());
        assert!(Layer::load(&bytes[..bytes.len() - 3]).is_err());
        assert!(Layer::load(b"DLEVLAY").is_err());
    }

    #[test]
    fn the_shipped_layer_loads() {
        let _ = shipped();
    }
}
