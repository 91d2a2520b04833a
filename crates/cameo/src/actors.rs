use jiff::civil::Date;

use crate::{Phrase, parse_date, strip_comment};

/// One actor of a Phoenix actor dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorEntry {
    /// 1-based line of the primary phrase.
    pub line: usize,
    /// The primary phrase first, then the `+` aliases in file order.
    pub names: Vec<Phrase>,
    /// In resolution order (file order, an undated primary-line code last).
    pub roles: Vec<Role>,
}

/// A CAMEO code, valid on `from ≤ date < to` (either end open when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub code: String,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Role {
    pub fn covers(&self, date: Date) -> bool {
        self.from.is_none_or(|from| from <= date) && self.to.is_none_or(|to| date < to)
    }
}

impl ActorEntry {
    /// The code of the first role that covers `date`, as PETRARCH-2 resolves it.
    pub fn code_on(&self, date: Date) -> Option<&str> {
        code_on(&self.roles, date)
    }
}

/// The code of the first of `roles` that covers `date`.
pub fn code_on(roles: &[Role], date: Date) -> Option<&str> {
    roles
        .iter()
        .find(|role| role.covers(date))
        .map(|role| role.code.as_str())
}

/// Reads an actor dictionary. Malformed lines go to `problem(line, what)` and are
/// skipped; so do entries with no name.
pub fn read_actors(text: &str, mut problem: impl FnMut(usize, String)) -> Vec<ActorEntry> {
    let mut entries: Vec<ActorEntry> = Vec::new();
    // The undated code of the current entry's primary line, appended when it closes.
    let mut fallback: Option<Role> = None;
    let close = |entries: &mut Vec<ActorEntry>, fallback: &mut Option<Role>| {
        if let (Some(entry), Some(role)) = (entries.last_mut(), fallback.take()) {
            entry.roles.push(role);
        }
    };
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = strip_comment(raw);
        if content.trim().is_empty() {
            continue;
        }
        let indented = content.starts_with([' ', '\t']);
        let content = content.trim();
        let (phrase, blocks) = match content.find('[') {
            Some(at) => (content[..at].trim(), &content[at..]),
            None => (content, ""),
        };
        let roles = match parse_blocks(blocks) {
            Ok(roles) => roles,
            Err(what) => {
                problem(line, what);
                continue;
            }
        };
        if phrase.is_empty() {
            match entries.last_mut() {
                Some(entry) if indented || !roles.is_empty() => entry.roles.extend(roles),
                _ => problem(line, "code block with no entry before it".into()),
            }
        } else if let Some(alias) = phrase.strip_prefix('+') {
            let Some(entry) = entries.last_mut() else {
                problem(line, "alias with no entry before it".into());
                continue;
            };
            match Phrase::parse(alias) {
                Some(alias) => entry.names.push(alias),
                None => problem(line, "empty alias".into()),
            }
            entry.roles.extend(roles);
        } else {
            close(&mut entries, &mut fallback);
            let Some(name) = Phrase::parse(phrase) else {
                problem(line, "empty name".into());
                continue;
            };
            let (undated, dated): (Vec<Role>, Vec<Role>) = roles
                .into_iter()
                .partition(|r| r.from.is_none() && r.to.is_none());
            fallback = undated.into_iter().next();
            entries.push(ActorEntry {
                line,
                names: vec![name],
                roles: dated,
            });
        }
    }
    close(&mut entries, &mut fallback);
    entries
}

/// `[CODE]`, `[CODE <d]`, `[CODE >d]`, `[CODE d1-d2]`, several in a row.
fn parse_blocks(mut blocks: &str) -> Result<Vec<Role>, String> {
    let mut roles = Vec::new();
    loop {
        blocks = blocks.trim_start();
        if blocks.is_empty() {
            return Ok(roles);
        }
        let Some(rest) = blocks.strip_prefix('[') else {
            return Err(format!("text after a code block: {:?}", clip(blocks)));
        };
        let Some(end) = rest.find(']') else {
            return Err("unclosed '['".into());
        };
        let mut parts = rest[..end].split_whitespace();
        let code = parts.next().ok_or("empty code")?;
        if !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(format!("bad code {:?}", clip(code)));
        }
        // Some entries space the restriction out ("> 140608"); the words are one.
        let restriction: String = parts.collect();
        let (from, to) = if restriction.is_empty() {
            (None, None)
        } else {
            parse_restriction(&restriction)
                .ok_or_else(|| format!("bad date restriction {:?}", clip(&restriction)))?
        };
        roles.push(Role {
            code: code.to_string(),
            from,
            to,
        });
        blocks = &rest[end + 1..];
    }
}

fn parse_restriction(r: &str) -> Option<(Option<Date>, Option<Date>)> {
    if let Some(d) = r.strip_prefix('<') {
        Some((None, Some(parse_date(d)?)))
    } else if let Some(d) = r.strip_prefix('>') {
        Some((Some(parse_date(d)?), None))
    } else {
        let (a, b) = r.split_once('-')?;
        Some((Some(parse_date(a)?), Some(parse_date(b)?)))
    }
}

/// At most 40 characters of untrusted text, for an error message.
fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const SAMPLE: &str = "# header\nVLADIMIR_PUTIN_  # note\n+PUTIN_\n+PRESIDENT_VLADIMIR_PUTIN_\n\t[RUSELI 700101-990809]\n\t[RUSGOV 991231-080507]\n\t[RUSGOV 990809-000507]\n\t[RUSGOV >080508]\n\t[RUSELI]\n\nUKRAINE_\n+KYIV_\n\t[USRUKR <910824]\n\t[UKR]\nATTILIO_RUFFINI_\t[IGOEUREEC 800101-800630] # inline\nRUSSIAN_FEDERATION_  [RUS]\n+RUSSIAN\n\t[RUSX 200101-210101]\nBROKEN_ [RUS 2001]\nUFFE_ELLEMANN_JENSEN_ [IGOEUREEC 820701-821231][IGOEUREEC 870701-871231]\n";

    fn read(text: &str) -> (Vec<ActorEntry>, Vec<(usize, String)>) {
        let mut problems = Vec::new();
        let entries = read_actors(text, |line, what| problems.push((line, what)));
        (entries, problems)
    }

    #[test]
    fn first_covering_role_wins_with_exclusive_ends() {
        let (entries, problems) = read(SAMPLE);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 19);
        let putin = &entries[0];
        assert_eq!(putin.names.len(), 3);
        assert_eq!(putin.names[1].words, ["PUTIN"]);
        assert_eq!(putin.code_on(date(1985, 1, 1)), Some("RUSELI"));
        // 1999-08-09 is the exclusive end of the elite role and the start of the
        // government one.
        assert_eq!(putin.code_on(date(1999, 8, 8)), Some("RUSELI"));
        assert_eq!(putin.code_on(date(1999, 8, 9)), Some("RUSGOV"));
        assert_eq!(putin.code_on(date(2008, 5, 7)), Some("RUSELI"));
        assert_eq!(putin.code_on(date(2008, 5, 8)), Some("RUSGOV"));
        assert_eq!(putin.code_on(date(1960, 1, 1)), Some("RUSELI"));
    }

    #[test]
    fn a_country_code_changes_with_the_date() {
        let (entries, _) = read(SAMPLE);
        let ukraine = &entries[1];
        assert_eq!(ukraine.code_on(date(1990, 1, 1)), Some("USRUKR"));
        assert_eq!(ukraine.code_on(date(1991, 8, 24)), Some("UKR"));
        assert_eq!(ukraine.names[1].words, ["KYIV"]);
    }

    #[test]
    fn an_undated_primary_code_is_the_fallback() {
        let (entries, _) = read(SAMPLE);
        let russia = &entries[3];
        assert!(russia.names[1].open_ended && !russia.names[0].open_ended);
        assert_eq!(russia.code_on(date(2020, 6, 1)), Some("RUSX"));
        assert_eq!(russia.code_on(date(2022, 6, 1)), Some("RUS"));
        let ruffini = &entries[2];
        assert_eq!(ruffini.code_on(date(1980, 3, 1)), Some("IGOEUREEC"));
        assert_eq!(ruffini.code_on(date(1981, 3, 1)), None);
        let uffe = entries.last().unwrap();
        assert_eq!(uffe.roles.len(), 2);
        assert_eq!(uffe.code_on(date(1987, 8, 1)), Some("IGOEUREEC"));
    }
}

/// Codes that open with one of these name a kind of actor, not a country.
const NON_STATE_PREFIXES: [&str; 5] = ["IGO", "NGO", "MNC", "IMG", "UIS"];

/// CAMEO's role codes, which stand alone when no country is known (`[MED]` for a
/// pan-national outlet, `COP` for "police" in no named country).
const ROLES: [&str; 27] = [
    "AGR", "BUS", "COP", "CRM", "CVL", "DEV", "EDU", "ELI", "ENV", "GOV", "HLH", "HRI", "INS",
    "JUD", "LAB", "LEG", "MED", "MIL", "OPP", "PPL", "PTY", "RAD", "REB", "REF", "SEP", "SPY",
    "UAF",
];

/// Whether a three-letter code names a country (`UGA`), as opposed to an
/// international, non-governmental or multinational body, a militant group, an
/// unidentified state actor or a role with no country.
pub fn is_country_code(code: &str) -> bool {
    code.len() == 3
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && !NON_STATE_PREFIXES.contains(&code)
        && !ROLES.contains(&code)
}

#[cfg(test)]
mod country_code_tests {
    use super::is_country_code;

    #[test]
    fn countries_are_three_capitals_that_open_no_other_kind() {
        assert!(is_country_code("UGA"));
        assert!(!is_country_code("IGO"));
        assert!(!is_country_code("MED"));
        assert!(!is_country_code("UGACOP"));
        assert!(!is_country_code("uga"));
    }
}
