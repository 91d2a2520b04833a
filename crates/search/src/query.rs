//! What a user types, parsed once: the index matches it and snippets mark it.

/// One searchable unit of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A word as typed (the index may split it: "U.S." is two tokens, matched as a phrase).
    Word(String),
    /// `"quoted words"`, matched in order.
    Phrase(String),
    /// `word*`: any word starting with it (at least [`MIN_PREFIX_CHARS`] letters; a
    /// shorter prefix would open thousands of posting lists and is taken as a word).
    Prefix(String),
}

/// The shortest prefix a `*` query expands.
pub const MIN_PREFIX_CHARS: usize = 3;

/// A parsed query: every group must match; a group matches when any of its clauses
/// does. `a b OR c` is `a AND (b OR c)`: `OR` joins its two neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserQuery {
    pub groups: Vec<Vec<Clause>>,
}

impl UserQuery {
    /// Parses anything a user may type; no input is a syntax error. `None` when the
    /// query has no letters or digits to search for.
    pub fn parse(user: &str) -> Option<UserQuery> {
        let mut groups: Vec<Vec<Clause>> = Vec::new();
        let mut join_next = false;
        let mut rest = user.trim();
        while !rest.is_empty() {
            let (term, tail, phrase) = if let Some(after) = rest.strip_prefix('"') {
                match after.find('"') {
                    Some(end) => (&after[..end], &after[end + 1..], true),
                    None => (after, "", true),
                }
            } else {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..end], &rest[end..], false)
            };
            rest = tail.trim_start();
            if !phrase && term == "OR" {
                join_next = !groups.is_empty();
                continue;
            }
            if !term.chars().any(char::is_alphanumeric) {
                continue;
            }
            let clause = match term.strip_suffix('*') {
                _ if phrase => Clause::Phrase(term.to_string()),
                Some(stem)
                    if stem.chars().all(char::is_alphanumeric)
                        && stem.chars().count() >= MIN_PREFIX_CHARS =>
                {
                    Clause::Prefix(stem.to_string())
                }
                _ => Clause::Word(term.to_string()),
            };
            match groups.last_mut() {
                Some(group) if join_next => group.push(clause),
                _ => groups.push(vec![clause]),
            }
            join_next = false;
        }
        (!groups.is_empty()).then_some(UserQuery { groups })
    }

    pub fn clauses(&self) -> impl Iterator<Item = &Clause> {
        self.groups.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> Clause {
        Clause::Word(w.into())
    }

    #[test]
    fn or_joins_its_neighbours_and_the_rest_is_anded() {
        let q = UserQuery::parse("island talks OR ferry").unwrap();
        assert_eq!(
            q.groups,
            vec![vec![word("island")], vec![word("talks"), word("ferry")]]
        );
        let q = UserQuery::parse(r#""border post" OR negotiat*"#).unwrap();
        assert_eq!(
            q.groups,
            vec![vec![
                Clause::Phrase("border post".into()),
                Clause::Prefix("negotiat".into())
            ]]
        );
    }

    #[test]
    fn query_syntax_in_user_input_is_only_text() {
        let q = UserQuery::parse("AND ( talks").unwrap();
        assert_eq!(q.groups, vec![vec![word("AND")], vec![word("talks")]]);
        let q = UserQuery::parse(r#"say "unbalanced"#).unwrap();
        assert_eq!(q.groups[1], vec![Clause::Phrase("unbalanced".into())]);
        let q = UserQuery::parse("OR OR talks OR").unwrap();
        assert_eq!(q.groups, vec![vec![word("talks")]]);
        assert_eq!(UserQuery::parse(" ( ) : * "), None);
        // A short prefix is a word, not thousands of terms.
        assert_eq!(
            UserQuery::parse("a*").unwrap().groups,
            vec![vec![word("a*")]]
        );
    }
}
