//! What an event code means beyond itself: its root, quad class, Goldstein value and
//! PLOVER category.
//!
//! * **Quad class** by root, the convention of GDELT's CAMEO event-code list:
//!   01–05 verbal cooperation (1), 06–09 material cooperation (2), 10–14 verbal
//!   conflict (3), 15–20 material conflict (4). Sources disagree at the edges (see
//!   `../shared/research/event-coding.md` §5); this table is the one place to change.
//! * **Goldstein** value of the root category, from GDELT's CAMEO.goldsteinscale.txt
//!   (as quoted in the same notes). Finer codes carry their root's value until a
//!   per-code table with a named source is added.
//! * **PLOVER** from the CAMEO→PLOVER table of the PLOVER manual (draft 0.8, 2021;
//!   CC BY-SA 4.0), compiled into the model by `dateline train events`: the code's
//!   own entry, else its three-digit parent's, else its root's.

use std::collections::BTreeMap;

/// Goldstein value of each root, 01–20.
const GOLDSTEIN: [f32; 20] = [
    0.0, 3.0, 4.0, 1.0, 3.5, 6.0, 7.0, 5.0, -2.0, -5.0, -2.0, -4.0, -6.0, -6.5, -7.2, -4.0, -7.0,
    -9.0, -10.0, -10.0,
];

/// The root ("03") of a code ("0311"); `None` unless it is 01–20.
pub fn root(code: &str) -> Option<&str> {
    let root = code.get(..2)?;
    let n: u8 = root.parse().ok()?;
    (1..=20).contains(&n).then_some(root)
}

/// A user's CAMEO event code ("036"): two to four digits under a known root.
pub fn parse_code(text: &str) -> Result<String, String> {
    (matches!(text.len(), 2..=4)
        && text.bytes().all(|b| b.is_ascii_digit())
        && root(text).is_some())
    .then(|| text.to_string())
    .ok_or_else(|| format!("{text:?} is not a CAMEO event code (two to four digits, \"036\")"))
}

/// A user's CAMEO root ("03").
pub fn parse_root(text: &str) -> Result<String, String> {
    (text.len() == 2 && root(text).is_some())
        .then(|| text.to_string())
        .ok_or_else(|| format!("{text:?} is not a CAMEO root (01 to 20)"))
}

/// CAMEO root categories (CAMEO codebook 1.1b3, Gerner, Schrodt & Yilmaz 2012).
const ROOT_NAMES: [&str; 20] = [
    "make public statement",
    "appeal",
    "express intent to cooperate",
    "consult",
    "engage in diplomatic cooperation",
    "engage in material cooperation",
    "provide aid",
    "yield",
    "investigate",
    "demand",
    "disapprove",
    "reject",
    "threaten",
    "protest",
    "exhibit force posture",
    "reduce relations",
    "coerce",
    "assault",
    "fight",
    "use unconventional mass violence",
];

/// What a root means ("03" → "express intent to cooperate").
pub fn root_name(code: &str) -> Option<&'static str> {
    let n: usize = root(code)?.parse().ok()?;
    ROOT_NAMES.get(n - 1).copied()
}

pub fn quad_class(root: &str) -> u8 {
    match root.parse::<u8>().unwrap_or(0) {
        1..=5 => 1,
        6..=9 => 2,
        10..=14 => 3,
        _ => 4,
    }
}

pub fn goldstein(root: &str) -> f32 {
    let n = root.parse::<usize>().unwrap_or(1).clamp(1, 20);
    GOLDSTEIN[n - 1]
}

pub fn plover(table: &BTreeMap<String, String>, code: &str) -> Option<String> {
    [
        code,
        code.get(..3).unwrap_or(code),
        code.get(..2).unwrap_or(code),
    ]
    .into_iter()
    .find_map(|c| table.get(c))
    .cloned()
}

/// Reads the CAMEO→PLOVER table (`030: AGREE,  , diplomatic # …`): code → category.
pub fn read_plover(text: &str, mut problem: impl FnMut(usize, String)) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let Some((code, rest)) = line.split_once(':') else {
            problem(i + 1, format!("no `code:` in {line:?}"));
            continue;
        };
        let category = rest.split(',').next().unwrap_or("").trim();
        if code.trim().bytes().all(|b| b.is_ascii_digit()) && !category.is_empty() {
            out.insert(code.trim().to_string(), category.to_string());
        } else {
            problem(i + 1, format!("unreadable entry {line:?}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_quads_and_goldstein() {
        assert_eq!(root("0311"), Some("03"));
        assert_eq!(root("21"), None);
        assert_eq!(quad_class("03"), 1);
        assert_eq!(quad_class("07"), 2);
        assert_eq!(quad_class("11"), 3);
        assert_eq!(quad_class("19"), 4);
        assert_eq!(goldstein("19"), -10.0);
        assert_eq!(goldstein("04"), 1.0);
    }

    #[test]
    fn plover_falls_back_to_the_parent_code() {
        let table = read_plover("03: AGREE\n042: CONSULT, visit,\nnonsense\n", |_, _| {});
        assert_eq!(plover(&table, "0421").as_deref(), Some("CONSULT"));
        assert_eq!(plover(&table, "036").as_deref(), Some("AGREE"));
        assert_eq!(plover(&table, "19"), None);
    }
}
