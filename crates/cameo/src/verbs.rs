//! The CAMEO verb dictionary, in PETRARCH-2's format (`CAMEO.2.0.txt`).
//!
//! ```text
//! &TREATY                      a synonym set: `+member` lines follow
//! +PACT
//! --- AGREE [050] ---          a verb block and its default code
//! AGREE                        a verb of the block (code: the block's)
//! +BRING_OUT {+BROUGHT_OUT}    a multi-word verb: its first word is the verb
//! DISMISS [110]                a verb with its own code
//! - * (TO &TREATY) [057]       a pattern: words before the verb, `*`, words after
//! - $ * (WITH +) [042:043]     `$` source, `+` target, `[active:passive]`
//! ```
//!
//! Patterns keep their words in order as [`Item`]s: a word or an underscore-joined
//! phrase, the members of a synonym set, and the slots. Noun phrases `{…}` and
//! prepositional phrases `(…)` are flattened into their words: the coder matches
//! words in order over the verb's phrase, so the brackets add nothing it uses.
//! `[---]` is "no event". Transformations (`~ …`) are not read: they combine verbs
//! the coder handles on the parse. Malformed lines are reported as `line: what` and
//! skipped.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::strip_comment;

/// A CAMEO event code pair: the code for an active verb and for a passive one.
/// `None` is `---`, no event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CodePair {
    pub active: Option<String>,
    pub passive: Option<String>,
}

impl CodePair {
    /// `050`, `042:043`, `---`; `None` for anything else.
    fn parse(raw: &str) -> Option<CodePair> {
        let code = |s: &str| -> Option<Option<String>> {
            let s = s.trim();
            // `[:173]`: no code for the active voice.
            if s == "---" || s.is_empty() {
                return Some(None);
            }
            (matches!(s.len(), 2..=4) && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| Some(s.to_string()))
        };
        match raw.split_once(':') {
            Some((a, p)) => Some(CodePair {
                active: code(a)?,
                passive: code(p)?,
            }),
            None => {
                let c = code(raw)?;
                Some(CodePair {
                    active: c.clone(),
                    passive: c,
                })
            }
        }
    }

    /// The code for a verb in this voice.
    pub fn for_voice(&self, passive: bool) -> Option<&str> {
        if passive {
            self.passive.as_deref()
        } else {
            self.active.as_deref()
        }
    }
}

/// One element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Item {
    /// Any of these word sequences (lower-case), in the text in this order.
    Words(Vec<Vec<String>>),
    /// Where the source actor stands (`$`).
    Source,
    /// Where the target actor stands (`+`).
    Target,
    /// `%`: the source is a compound that acts on itself ("agreed with each other").
    Compound,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pattern {
    /// Items before the verb, in text order.
    pub before: Vec<Item>,
    /// Items after the verb, in text order.
    pub after: Vec<Item>,
    pub code: CodePair,
    /// The line in the dictionary, for messages and for `explain`.
    pub line: usize,
}

impl Pattern {
    /// How many words the pattern asks for: more words, a more specific pattern.
    pub fn weight(&self) -> usize {
        self.before
            .iter()
            .chain(&self.after)
            .map(|i| match i {
                Item::Words(alternatives) => alternatives.iter().map(Vec::len).min().unwrap_or(0),
                _ => 1,
            })
            .sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerbBlock {
    pub name: String,
    pub code: CodePair,
    pub patterns: Vec<Pattern>,
}

/// A verb the dictionary knows, by its base form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verb {
    /// Lower-case; the verb, then any particles ("bring", "out").
    pub words: Vec<String>,
    pub block: usize,
    /// Its own code, else the block's.
    pub code: Option<CodePair>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerbDictionary {
    pub blocks: Vec<VerbBlock>,
    /// By the verb's first word (lower-case base form); ordered, so that a
    /// compiled dictionary is the same bytes every time.
    pub verbs: BTreeMap<String, Vec<Verb>>,
}

impl VerbDictionary {
    /// The verbs whose first word is `lemma`, multi-word ones first.
    pub fn verbs_of(&self, lemma: &str) -> &[Verb] {
        self.verbs.get(lemma).map_or(&[], Vec::as_slice)
    }

    /// How many patterns in all.
    pub fn pattern_count(&self) -> usize {
        self.blocks.iter().map(|b| b.patterns.len()).sum()
    }
}

/// Reads a verb dictionary; `problem(line, what)` hears about every line skipped.
pub fn read_verbs(text: &str, mut problem: impl FnMut(usize, String)) -> VerbDictionary {
    // Synonym sets first: patterns may use a set defined after them.
    let mut raw_sets: HashMap<String, Vec<String>> = HashMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = strip_comment(line).split(';').next().unwrap_or("").trim();
        if let Some(name) = line.strip_prefix('&') {
            current = Some(name.trim().to_uppercase());
            raw_sets
                .entry(current.clone().unwrap_or_default())
                .or_default();
        } else if let (Some(member), Some(set)) = (line.strip_prefix('+'), &current) {
            raw_sets
                .entry(set.clone())
                .or_default()
                .push(member.trim().to_string());
        } else if !line.is_empty() {
            // A set runs until the next line that is not a member; blank lines and
            // comments inside it do not end it.
            current = None;
        }
    }
    let mut sets: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    for name in raw_sets.keys() {
        let mut out = Vec::new();
        expand_set(name, &raw_sets, 0, &mut out);
        sets.insert(name.clone(), out);
    }

    let mut dictionary = VerbDictionary::default();
    let mut in_set = false;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        // Old entries end with `;initials date` comments.
        let line = strip_comment(raw).split(';').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('&') {
            in_set = true;
            continue;
        }
        if in_set && line.starts_with('+') {
            continue;
        }
        in_set = false;
        if line.starts_with('~') {
            continue; // a transformation; see the module doc
        }
        if let Some(header) = line.strip_prefix("---") {
            let Some((name, code)) = block_header(header) else {
                problem(number, format!("unreadable verb block header {line:?}"));
                continue;
            };
            dictionary.blocks.push(VerbBlock {
                name,
                code,
                patterns: Vec::new(),
            });
            continue;
        }
        let Some(block) = dictionary.blocks.len().checked_sub(1) else {
            problem(number, format!("{line:?} before any verb block"));
            continue;
        };
        if let Some(body) = line.strip_prefix('-') {
            match pattern(body, &sets, number) {
                Ok(p) => dictionary.blocks[block].patterns.push(p),
                Err(what) => problem(number, what),
            }
            continue;
        }
        match verb(line, block) {
            Ok(v) => {
                let first = v.words[0].clone();
                let entry = dictionary.verbs.entry(first).or_default();
                entry.push(v);
                entry.sort_by_key(|v| std::cmp::Reverse(v.words.len()));
            }
            Err(what) => problem(number, what),
        }
    }
    dictionary
}

fn expand_set(
    name: &str,
    raw: &HashMap<String, Vec<String>>,
    depth: usize,
    out: &mut Vec<Vec<String>>,
) {
    let Some(members) = raw.get(name) else {
        return;
    };
    for member in members {
        if let Some(inner) = member.strip_prefix('&') {
            if depth < 4 {
                expand_set(&inner.trim().to_uppercase(), raw, depth + 1, out);
            }
            continue;
        }
        let words = words_of(member);
        if !words.is_empty() {
            out.push(words);
        }
    }
}

/// `WRITTEN_AGREEMENT`, `(TO THE END)`, `{PEACE PLAN}` → lower-case words.
fn words_of(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == '_' || c.is_whitespace() || "(){}".contains(c))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// ` AGREE [050] ---` → ("AGREE", 050).
fn block_header(header: &str) -> Option<(String, CodePair)> {
    let header = header.trim().trim_end_matches('-').trim();
    let open = header.find('[')?;
    let close = header[open..].find(']')? + open;
    let name = header[..open].trim().to_string();
    let code = CodePair::parse(&header[open + 1..close])?;
    (!name.is_empty()).then_some((name, code))
}

/// `+BRING_OUT {+BROUGHT_OUT}`, `DISMISS [110]`, `PERMIT {PERMITS …}`.
fn verb(line: &str, block: usize) -> Result<Verb, String> {
    let without_forms = match (line.find('{'), line.find('}')) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &line[..a], &line[b + 1..]),
        (None, None) => line.to_string(),
        _ => return Err(format!("unbalanced braces in verb {line:?}")),
    };
    let (phrase, code) = match without_forms.find('[') {
        Some(open) => {
            let close = without_forms[open..]
                .find(']')
                .ok_or_else(|| format!("unclosed code in verb {line:?}"))?
                + open;
            let code = CodePair::parse(&without_forms[open + 1..close])
                .ok_or_else(|| format!("bad code in verb {line:?}"))?;
            (without_forms[..open].to_string(), Some(code))
        }
        None => (without_forms, None),
    };
    let words = words_of(phrase.trim().trim_start_matches('+'));
    if words.is_empty()
        || !words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        })
    {
        return Err(format!("not a verb line: {line:?}"));
    }
    Ok(Verb { words, block, code })
}

/// ` * (TO &TREATY) [057]` → a pattern.
fn pattern(
    body: &str,
    sets: &HashMap<String, Vec<Vec<String>>>,
    line: usize,
) -> Result<Pattern, String> {
    let open = body
        .rfind('[')
        .ok_or_else(|| format!("pattern without a code: -{body}"))?;
    let close = body[open..]
        .find(']')
        .ok_or_else(|| format!("unclosed code in pattern -{body}"))?
        + open;
    let code = CodePair::parse(&body[open + 1..close])
        .ok_or_else(|| format!("bad code {:?} in pattern", &body[open + 1..close]))?;
    let words = &body[..open];
    let (before, after) = words
        .split_once('*')
        .ok_or_else(|| format!("pattern without the verb's place (*): -{body}"))?;
    let items = |side: &str| -> Result<Vec<Item>, String> {
        let mut out = Vec::new();
        for token in side.split(|c: char| c.is_whitespace() || "(){}".contains(c)) {
            match token {
                "" | "^" => {}
                "$" => out.push(Item::Source),
                "+" => out.push(Item::Target),
                "%" => out.push(Item::Compound),
                t if t.starts_with('&') => {
                    let set = sets
                        .get(&t[1..].to_uppercase())
                        .ok_or_else(|| format!("unknown synonym set {t}"))?;
                    out.push(Item::Words(set.clone()));
                }
                t => {
                    let t = t.trim_start_matches('+').trim_start_matches('$');
                    let words = words_of(t);
                    if !words.is_empty() {
                        out.push(Item::Words(vec![words]));
                    }
                }
            }
        }
        Ok(out)
    };
    Ok(Pattern {
        before: items(before)?,
        after: items(after)?,
        code,
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
&TREATY
+PACT
+WRITTEN_AGREEMENT

--- AGREE [050] ---
AGREE
+SIGN_UP {+SIGNED_UP}
- * (TO PEACE &TREATY) [037:037]  # a comment
- $ * (WITH +) [042:043]
- * NOTHING [---]
- * BROKEN
--- DISMISS [110] ---
DISMISS [111]
~ a (a b ATTACK) SAY = a b 015
";

    #[test]
    fn blocks_verbs_patterns_and_synonym_sets() {
        let mut problems = Vec::new();
        let d = read_verbs(SAMPLE, |line, what| problems.push((line, what)));
        assert_eq!(d.blocks.len(), 2);
        assert_eq!(d.blocks[0].patterns.len(), 3);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 11);
        let peace = &d.blocks[0].patterns[0];
        assert_eq!(peace.code.active.as_deref(), Some("037"));
        assert_eq!(
            peace.after,
            vec![
                Item::Words(vec![vec!["to".into()]]),
                Item::Words(vec![vec!["peace".into()]]),
                Item::Words(vec![
                    vec!["pact".into()],
                    vec!["written".into(), "agreement".into()]
                ]),
            ]
        );
        let with = &d.blocks[0].patterns[1];
        assert_eq!(with.before, vec![Item::Source]);
        assert_eq!(with.code.for_voice(true), Some("043"));
        assert_eq!(d.blocks[0].patterns[2].code.active, None);
        assert_eq!(d.verbs_of("sign")[0].words, ["sign", "up"]);
        assert_eq!(
            d.verbs_of("dismiss")[0]
                .code
                .as_ref()
                .unwrap()
                .active
                .as_deref(),
            Some("111")
        );
    }
}
