//! PETRARCH-2's internal coding ontology (PICO, `PETR.Internal.Coding.Ontology.txt`):
//! each CAMEO code as a sum of hexadecimal parts (the kind of act, yielding, the
//! domain, the topic), so that a verb and the verb it governs combine by addition:
//! "pledged to [provide aid]" is intend `0x3000` + aid `0x0040` = `0x3040`, which is
//! CAMEO 033, "express intent to provide material aid".
//!
//! # Format, as we read it
//!
//! `CODE:VALUE#comment`, where VALUE is a sum of signed hexadecimal terms
//! (`-0xFFFF+0x2040+0x300`). Some lines carry further `#`-separated values after the
//! first (`0x1007f#0xFFFF+0x0080#0x7000#Disapprove`); the first is the code's value.
//! Blank lines and `#` lines are skipped; an unreadable line is reported and skipped.
//!
//! # How we combine (our rule, written down because PETRARCH-2's is in its code)
//!
//! * A rejection (a negative value, the 12x family) takes what is rejected: refusing
//!   to negotiate (`0xB010`) is `-0xFFFF + 0x0010`, CAMEO 125. When the exact sum is
//!   not a code, the rejected act is generalised digit by digit from the right
//!   (`0x02C2` → `0x02C0` → `0x0200`, "refuse to yield", 124), down to plain 120.
//! * Otherwise the sum must be a code itself; if it is not, there is no combination
//!   and the caller keeps the governed verb's own code.
//! * Where two codes share a value, the one earlier in the file is its reading.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// CAMEO codes and their PICO values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ontology {
    /// Code → value.
    values: BTreeMap<String, i64>,
    /// Value → code, the first in the file.
    codes: BTreeMap<i64, String>,
}

impl Ontology {
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The code a verb governing another becomes: `head` ("refuse" as 120, "pledge"
    /// as 030) over `governed` ("negotiate" as 046). `None` when the pair has no code
    /// of its own.
    pub fn combine(&self, head: &str, governed: &str) -> Option<String> {
        let (h, g) = (*self.values.get(head)?, *self.values.get(governed)?);
        if h < 0 {
            // Generalise what is rejected one hex digit at a time, then drop it.
            return [0x0FFF, 0x0FF0, 0x0F00, 0]
                .into_iter()
                .find_map(|mask| self.codes.get(&(h + (g & mask))))
                .cloned();
        }
        self.codes.get(&(h + g)).cloned()
    }
}

/// Reads the ontology file; problems come back as `(line, what)`.
pub fn read_ontology(text: &str, mut problem: impl FnMut(usize, String)) -> Ontology {
    let mut ontology = Ontology::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((code, rest)) = line.split_once(':') else {
            problem(i + 1, format!("no `code:` in {line:?}"));
            continue;
        };
        let code = code.trim();
        let value = rest.split('#').next().unwrap_or("");
        match (code.bytes().all(|b| b.is_ascii_digit()), sum(value)) {
            (true, Some(value)) if !code.is_empty() => {
                ontology.values.insert(code.to_string(), value);
                ontology
                    .codes
                    .entry(value)
                    .or_insert_with(|| code.to_string());
            }
            _ => problem(i + 1, format!("unreadable entry {line:?}")),
        }
    }
    ontology
}

/// `-0xFFFF+0x2040+0x300` → its value; `None` if any term is not hexadecimal.
fn sum(expression: &str) -> Option<i64> {
    let expression: String = expression.split_whitespace().collect();
    if expression.is_empty() {
        return None;
    }
    let mut total = 0i64;
    let mut rest = expression.as_str();
    while !rest.is_empty() {
        let sign = match rest.as_bytes()[0] {
            b'-' => -1,
            _ => 1,
        };
        rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
        let end = rest.find(['+', '-']).unwrap_or(rest.len());
        let term = rest[..end].strip_prefix("0x")?;
        total += sign * i64::from_str_radix(term, 16).ok()?;
        rest = &rest[end..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Values of the ontology file (facts about CAMEO codes); comments our own.
    const SAMPLE: &str = "\
# a comment
010:0x1000#say
030:0x3000#intend
033:0x3040
046:0xB010
070:0x0040#aid
0874:0x02C2
080:0x0200 # yield

120:-0xFFFF#reject
124:-0xFFFF+0x0200
125:-0xFFFF + 0x0010
110:0x1007f#0xFFFF+0x0080#0x7000#a value, its sum, another
bad line
";

    fn sample() -> (Ontology, Vec<usize>) {
        let mut problems = Vec::new();
        let ontology = read_ontology(SAMPLE, |line, _| problems.push(line));
        (ontology, problems)
    }

    #[test]
    fn reads_sums_and_first_values_and_reports_bad_lines() {
        let (ontology, problems) = sample();
        assert_eq!(problems, [14]);
        assert_eq!(ontology.values["125"], -0xFFFF + 0x10);
        assert_eq!(ontology.values["110"], 0x1007f);
        assert_eq!(ontology.len(), 11);
    }

    #[test]
    fn intent_adds_and_a_rejection_takes_what_it_rejects() {
        let (ontology, _) = sample();
        assert_eq!(ontology.combine("030", "070").as_deref(), Some("033"));
        assert_eq!(ontology.combine("120", "046").as_deref(), Some("125"));
        // Refusing to withdraw troops: generalised to refusing to yield.
        assert_eq!(ontology.combine("120", "0874").as_deref(), Some("124"));
        // Refusing to speak: plain rejection.
        assert_eq!(ontology.combine("120", "010").as_deref(), Some("120"));
        // Intent to make a statement is no code: no combination.
        assert_eq!(ontology.combine("030", "010"), None);
        assert_eq!(ontology.combine("999", "010"), None);
    }
}
