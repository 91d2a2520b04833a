use std::collections::HashMap;

use crate::{Phrase, strip_comment};

/// One agent: a role word or phrase and the code it adds to an actor's country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub line: usize,
    pub phrase: Phrase,
    /// Explicit plural forms from `{…}`; `Some(empty)` for `{}` (no plural at all),
    /// `None` when plurals are to be generated.
    pub plurals: Option<Vec<Phrase>>,
    pub code: AgentCode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentCode {
    /// `[~GOV]`: after the country (`RUS` + `GOV`).
    Suffix(String),
    /// `[NGM~]`: before it.
    Prefix(String),
}

impl AgentCode {
    /// The actor code for an agent of `country` (`None`: the agent alone).
    pub fn apply(&self, country: Option<&str>) -> String {
        let country = country.unwrap_or("");
        match self {
            AgentCode::Suffix(code) => format!("{country}{code}"),
            AgentCode::Prefix(code) => format!("{code}{country}"),
        }
    }

    pub fn block(&self) -> &str {
        match self {
            AgentCode::Suffix(code) | AgentCode::Prefix(code) => code,
        }
    }
}

/// Reads the agents dictionary, expanding `!NAME!` substitution sets into one agent
/// per member. Malformed lines go to `problem(line, what)` and are skipped.
pub fn read_agents(text: &str, mut problem: impl FnMut(usize, String)) -> Vec<Agent> {
    let mut sets: HashMap<String, Vec<String>> = HashMap::new();
    let mut agents = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = strip_comment(raw).trim();
        if content.is_empty() {
            continue;
        }
        // `!NAME! = A, B` defines a set; `!NAME! WORDS [~CODE]` is an agent using one.
        if let Some((name, members)) = content.split_once('=').filter(|_| content.starts_with('!'))
        {
            let members = members
                .split(',')
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty())
                .collect();
            sets.insert(name.trim().to_string(), members);
            continue;
        }
        match parse_agent(content, line, &sets) {
            Ok(mut expanded) => agents.append(&mut expanded),
            Err(what) => problem(line, what),
        }
    }
    agents
}

fn parse_agent(
    content: &str,
    line: usize,
    sets: &HashMap<String, Vec<String>>,
) -> Result<Vec<Agent>, String> {
    let open = content.rfind('[').ok_or("no [code]")?;
    let close = content[open..].find(']').ok_or("unclosed '['")? + open;
    let raw_code = content[open + 1..close].trim();
    let code = if let Some(code) = raw_code.strip_prefix('~') {
        AgentCode::Suffix(code.to_string())
    } else if let Some(code) = raw_code.strip_suffix('~') {
        AgentCode::Prefix(code.to_string())
    } else {
        return Err(format!("code {raw_code:?} has no '~'"));
    };
    if code.block().is_empty() || !code.block().bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!("bad code {raw_code:?}"));
    }
    let head = content[..open].trim();
    let (phrase, plurals) = match head.find('{') {
        Some(at) => {
            let end = head[at..].find('}').ok_or("unclosed '{'")? + at;
            let plurals = head[at + 1..end]
                .split_whitespace()
                .filter_map(Phrase::parse)
                .collect();
            (head[..at].trim(), Some(plurals))
        }
        None => (head, None),
    };
    let mut out = Vec::new();
    for phrase in expand_sets(phrase, sets)? {
        let phrase = Phrase::parse(&phrase).ok_or("empty phrase")?;
        out.push(Agent {
            line,
            phrase,
            plurals: plurals.clone(),
            code: code.clone(),
        });
    }
    Ok(out)
}

/// `CONGRESS!PERSON!` → `CONGRESSMAN`, `CONGRESSMEN`, …
fn expand_sets(phrase: &str, sets: &HashMap<String, Vec<String>>) -> Result<Vec<String>, String> {
    let Some(start) = phrase.find('!') else {
        return Ok(vec![phrase.to_string()]);
    };
    let end = phrase[start + 1..]
        .find('!')
        .map(|e| e + start + 2)
        .ok_or("unclosed '!' set")?;
    let members = sets
        .get(&phrase[start..end])
        .ok_or_else(|| format!("unknown set {}", &phrase[start..end]))?;
    let mut out = Vec::new();
    for member in members {
        let expanded = format!("{}{}{}", &phrase[..start], member, &phrase[end..]);
        out.extend(expand_sets(&expanded, sets)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_plurals_and_sets() {
        let text = "!PERSON! = MAN, WOMAN\n!PERSON!_OF_LETTERS [~EDU]\nPRESIDENT [~GOV]\nHUMAN_RIGHTS_ACTIVISTS [NGM~]\nSPOKES!PERSON!  [~MED]\nAMBASSADOR_TO {} [~GOV]\nPOLICE {POLICEMEN POLICE_OFFICERS} [~COP]\nBROKEN [GOV]\nDEFENCE_MINIST [~GOVMIL]\n";
        let mut problems = Vec::new();
        let agents = read_agents(text, |l, w| problems.push((l, w)));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 8);
        let words: Vec<String> = agents.iter().map(|a| a.phrase.words.join(" ")).collect();
        assert_eq!(
            words,
            [
                "MAN OF LETTERS",
                "WOMAN OF LETTERS",
                "PRESIDENT",
                "HUMAN RIGHTS ACTIVISTS",
                "SPOKESMAN",
                "SPOKESWOMAN",
                "AMBASSADOR TO",
                "POLICE",
                "DEFENCE MINIST"
            ]
        );
        assert_eq!(agents[2].code.apply(Some("RUS")), "RUSGOV");
        assert_eq!(agents[3].code.apply(Some("RUS")), "NGMRUS");
        assert_eq!(agents[6].plurals, Some(vec![]));
        assert_eq!(agents[7].plurals.as_ref().unwrap().len(), 2);
        assert!(agents[8].phrase.open_ended);
    }
}
