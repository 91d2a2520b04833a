//! Name lists as features: which words of a sentence are part of a known country,
//! actor, international organisation, non-state group or role word.
//!
//! Built from the Phoenix/CAMEO actor and agent dictionaries (MIT licence, Open Event
//! Data Alliance; see `data/models/LICENSES.md`). Only the names and the kind of
//! entry are kept — not codes or dates, which the actor layer (issue #5) reads from
//! the dictionaries themselves. Names are tokenised with our tokenizer and lower-cased,
//! so they match sentence words the way the recogniser sees them.

use std::io::{self, Write};
use std::path::Path;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::perceptron::{read_str, read_u32, write_str, write_u32};

/// Kinds of entry, by the dictionary (and code) they come from.
pub const KINDS: [&str; 5] = ["COUNTRY", "ACTOR", "IGO", "NONSTATE", "AGENT"];
/// Index of `COUNTRY` in [`KINDS`]: names under a bare country code — countries,
/// their cities and regions, and demonyms ("Russian").
pub const COUNTRY: u8 = 0;

/// Longest name, in words, that is kept.
const MAX_WORDS: usize = 6;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gazetteer {
    /// Lower-cased words joined by single spaces → kind index. Fx, not SipHash: it is
    /// looked up for every word, and no order depends on the hasher (written sorted).
    names: FxHashMap<String, u8>,
    /// Hashes of the first words of every name of several ("united", "united states"
    /// for "united states of america"): a match grows only while its words may begin
    /// a name, so most words cost two look-ups, not six. (A hash that collides only
    /// lets a match grow one word further, as it did before; hashes keep the set at
    /// half a megabyte where strings took three.)
    prefixes: FxHashSet<u64>,
}

impl Gazetteer {
    /// Reads the Phoenix dictionaries in `dir`. A line that cannot be read is skipped
    /// and reported as `file:line: problem` in the returned list.
    pub fn from_dictionaries(dir: &Path) -> io::Result<(Gazetteer, Vec<String>)> {
        let mut gazetteer = Gazetteer::default();
        let mut problems = Vec::new();
        for (file, kind_of) in [
            (
                "Phoenix.Countries.actors.txt",
                (|code: &str| if code.len() == 3 { 0 } else { 1 }) as fn(&str) -> u8,
            ),
            ("Phoenix.International.actors.txt", |_| 2),
            ("Phoenix.MilNonState.actors.txt", |_| 3),
            ("Phoenix.agents.txt", |_| 4),
        ] {
            let path = dir.join(file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            gazetteer.add_file(&text, kind_of, |line, problem| {
                problems.push(format!("{file}:{line}: {problem}"))
            });
        }
        Ok((gazetteer, problems))
    }

    /// Adds one dictionary: a primary name, `+alias` lines, `[CODE …]` on the same
    /// line or on indented lines below (codes after an entry's names belong to it);
    /// `#` starts a comment.
    fn add_file(
        &mut self,
        text: &str,
        kind_of: fn(&str) -> u8,
        mut problem: impl FnMut(usize, &str),
    ) {
        let mut pending: Vec<String> = Vec::new();
        let mut kind: Option<u8> = None;
        let flush = |gazetteer: &mut Gazetteer, pending: &mut Vec<String>, kind: Option<u8>| {
            if let Some(kind) = kind {
                for name in pending.drain(..) {
                    gazetteer.add_prefixes(&name);
                    gazetteer.names.entry(name).or_insert(kind);
                }
            }
            pending.clear();
        };
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() || line.starts_with('!') {
                continue;
            }
            let (phrase, code) = match line.find('[') {
                Some(at) => {
                    let code = line[at + 1..]
                        .split([']', ' '])
                        .next()
                        .unwrap_or("")
                        .trim_start_matches('~');
                    (line[..at].trim(), Some(code))
                }
                None => (line, None),
            };
            let is_alias = phrase.starts_with('+');
            if !is_alias && !phrase.is_empty() {
                flush(self, &mut pending, kind);
                kind = None;
            }
            // An entry's kind is the most specific one any of its codes gives:
            // Ukraine is a country although its first, dated code is a Soviet
            // republic's (USRUKR).
            if let Some(code) = code {
                if code.is_empty() {
                    problem(n + 1, "empty code");
                } else {
                    let k = kind_of(code);
                    kind = Some(kind.map_or(k, |old: u8| old.min(k)));
                }
            }
            let phrase = phrase.trim_start_matches('+');
            if phrase.is_empty() {
                continue;
            }
            if phrase.contains('!') {
                continue; // agent macros (FARM!PERSON!) are not names
            }
            match normalise_name(phrase) {
                Some(name) => pending.push(name),
                None => problem(n + 1, "name too long or empty; skipped"),
            }
        }
        flush(self, &mut pending, kind);
    }

    /// Notes the first words of a name being added.
    fn add_prefixes(&mut self, name: &str) {
        for (at, _) in name.match_indices(' ') {
            self.prefixes.insert(prefix_hash(&name[..at]));
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// For each word: `Some((begins, kind))` when it is inside the longest name that
    /// matches at or before it (leftmost-longest, non-overlapping).
    pub fn tag(&self, lower_words: &[String]) -> Vec<Option<(bool, u8)>> {
        let mut out = vec![None; lower_words.len()];
        let mut i = 0;
        let mut key = String::new();
        while i < lower_words.len() {
            let mut best = None;
            key.clear();
            for len in 1..=MAX_WORDS.min(lower_words.len() - i) {
                if len > 1 {
                    key.push(' ');
                }
                key.push_str(&lower_words[i + len - 1]);
                if let Some(&kind) = self.names.get(key.as_str()) {
                    best = Some((len, kind));
                }
                if !self.prefixes.contains(&prefix_hash(&key)) {
                    break;
                }
            }
            match best {
                Some((len, kind)) => {
                    for (k, slot) in out[i..i + len].iter_mut().enumerate() {
                        *slot = Some((k == 0, kind));
                    }
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }

    /// The matches of [`Gazetteer::tag`] as `(first word, end word, kind)`.
    pub fn matches(&self, lower_words: &[String]) -> Vec<(usize, usize, u8)> {
        let mut out: Vec<(usize, usize, u8)> = Vec::new();
        for (i, tag) in self.tag(lower_words).into_iter().enumerate() {
            match (tag, out.last_mut()) {
                (Some((false, _)), Some(last)) if last.1 == i => last.1 = i + 1,
                (Some((_, kind)), _) => out.push((i, i + 1, kind)),
                (None, _) => {}
            }
        }
        out
    }

    /// Sorted, so the same dictionaries give the same bytes.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let mut names: Vec<(&String, &u8)> = self.names.iter().collect();
        names.sort();
        write_u32(out, names.len() as u32)?;
        for (name, kind) in names {
            write_str(out, name)?;
            out.write_all(&[*kind])?;
        }
        Ok(())
    }

    pub fn read(r: &mut &[u8]) -> Result<Gazetteer, String> {
        let truncated = |_| "truncated gazetteer".to_string();
        let n = read_u32(r).map_err(truncated)? as usize;
        let mut gazetteer = Gazetteer {
            names: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            prefixes: FxHashSet::default(),
        };
        for _ in 0..n {
            let name = read_str(r).map_err(truncated)?;
            let mut kind = [0u8; 1];
            io::Read::read_exact(r, &mut kind).map_err(truncated)?;
            if kind[0] as usize >= KINDS.len() {
                return Err(format!("gazetteer kind {} out of range", kind[0]));
            }
            gazetteer.add_prefixes(&name);
            gazetteer.names.insert(name, kind[0]);
        }
        Ok(gazetteer)
    }
}

fn prefix_hash(words: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(words.as_bytes())
}

/// `MAZAR-I-SHARIF_` → `mazar - i - sharif`, as our tokenizer would split it.
fn normalise_name(phrase: &str) -> Option<String> {
    let spaced = phrase.replace('_', " ");
    let words: Vec<String> = crate::tokenize(&spaced)
        .iter()
        .map(|s| s.of(&spaced).to_lowercase())
        .collect();
    (!words.is_empty() && words.len() <= MAX_WORDS).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTRIES: &str = "# comment\nVELDORA_ [VEL]\n+VELDORAN_REPUBLIC_\n+MARROWICK_\n\nILENA_MARSK_ # note\n\t[VELGOV >310101]\n\t[VELELI]\nBROKEN [\nHALDMERE_\n+STRENHOLT_\n\t[OLDHAL <300101]\n\t[HAL >300101]\n";

    #[test]
    fn reads_names_aliases_and_kinds() {
        let mut g = Gazetteer::default();
        let mut problems = Vec::new();
        g.add_file(
            COUNTRIES,
            |code| if code.len() == 3 { 0 } else { 1 },
            |n, p| problems.push((n, p.to_string())),
        );
        assert_eq!(g.names.get("veldora"), Some(&0));
        assert_eq!(g.names.get("veldoran republic"), Some(&0));
        assert_eq!(g.names.get("marrowick"), Some(&0));
        assert_eq!(g.names.get("ilena marsk"), Some(&1));
        assert_eq!(
            g.names.get("strenholt"),
            Some(&0),
            "any bare country code makes a country"
        );
        assert_eq!(problems, [(9, "empty code".to_string())]);
    }

    #[test]
    fn tags_longest_matches() {
        let mut g = Gazetteer::default();
        g.add_file(
            COUNTRIES,
            |code| if code.len() == 3 { 0 } else { 1 },
            |_, _| {},
        );
        let words: Vec<String> = ["president", "ilena", "marsk", "of", "veldora"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            g.tag(&words),
            [
                None,
                Some((true, 1)),
                Some((false, 1)),
                None,
                Some((true, 0))
            ]
        );
        let mut bytes = Vec::new();
        g.write(&mut bytes).unwrap();
        assert_eq!(Gazetteer::read(&mut bytes.as_slice()).unwrap(), g);
    }
}
