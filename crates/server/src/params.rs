//! Query strings checked against the route table: every bad parameter is a 400
//! with a JSON body naming it, before the store is touched.

use std::collections::HashMap;

use dateline_core::Date;
use dateline_store::{Cursor, DateWindow};

use crate::ApiError;
use crate::routes::{Kind, Route};

/// Longest free-text parameter, in characters.
pub const MAX_TEXT: usize = 500;
/// Largest page.
pub const MAX_LIMIT: usize = 500;
/// Page size when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 50;

/// Refuses NUL and other control characters: no parameter has a use for them, and
/// SQLite would cut a string at a NUL.
pub fn printable(value: &str) -> Result<(), String> {
    match value.chars().find(|c| c.is_control()) {
        Some(c) => Err(format!(
            "control character U+{:04X} is not allowed",
            c as u32
        )),
        None => Ok(()),
    }
}

/// A query string that passed its route's checks.
#[derive(Debug, Default)]
pub struct Params {
    values: HashMap<&'static str, String>,
}

impl Params {
    /// Checks `pairs` against `route`: known names only, each at most once, values
    /// of the right kind, required ones present.
    pub fn parse(route: &Route, pairs: Vec<(String, String)>) -> Result<Params, ApiError> {
        let mut values = HashMap::new();
        for (name, value) in pairs {
            let Some(param) = route.params.iter().find(|p| p.name == name) else {
                let known: Vec<&str> = route.params.iter().map(|p| p.name).collect();
                return Err(ApiError::bad(
                    &name,
                    if known.is_empty() {
                        format!("{} takes no parameters", route.path)
                    } else {
                        format!(
                            "unknown parameter; {} takes {}",
                            route.path,
                            known.join(", ")
                        )
                    },
                ));
            };
            if values.contains_key(param.name) {
                return Err(ApiError::bad(param.name, "given more than once".into()));
            }
            printable(&value)
                .and_then(|()| check(param.kind, &value))
                .map_err(|message| ApiError::bad(param.name, message))?;
            values.insert(param.name, value);
        }
        for param in route.params.iter().filter(|p| p.required) {
            if !values.contains_key(param.name) {
                return Err(ApiError::bad(param.name, "required".into()));
            }
        }
        let params = Params { values };
        let window = params.window();
        if let (Some(from), Some(to)) = (window.from, window.to)
            && from > to
        {
            return Err(ApiError::bad("from", format!("{from} is after to={to}")));
        }
        Ok(params)
    }

    pub fn text(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }

    /// The date window of `from`, `to` and `as_of`.
    pub fn window(&self) -> DateWindow {
        let date = |name| self.values.get(name).and_then(|v| v.parse::<Date>().ok());
        DateWindow {
            from: date("from"),
            to: date("to"),
            as_of: date("as_of"),
        }
    }

    pub fn limit(&self) -> usize {
        self.values
            .get("limit")
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_LIMIT)
    }

    /// A [`Kind::Limit`] parameter other than `limit`, `default` when absent.
    pub fn count(&self, name: &str, default: usize) -> usize {
        self.values
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    /// A [`Kind::Flag`] parameter, `default` when absent.
    pub fn flag(&self, name: &str, default: bool) -> bool {
        self.values.get(name).map_or(default, |v| v == "true")
    }

    pub fn cursor(&self) -> Option<Cursor> {
        self.values
            .get("cursor")
            .and_then(|c| Cursor::decode(c).ok())
    }
}

/// Whether `value` is a valid `kind`; the message says what was expected.
fn check(kind: Kind, value: &str) -> Result<(), String> {
    match kind {
        Kind::Date => value
            .parse::<Date>()
            .map(drop)
            .map_err(|_| format!("{value:?} is not a date in the form YYYY-MM-DD")),
        Kind::Text => {
            if value.trim().is_empty() {
                Err("empty".into())
            } else if value.chars().count() > MAX_TEXT {
                Err(format!("longer than {MAX_TEXT} characters"))
            } else {
                Ok(())
            }
        }
        Kind::Code => dateline_cameo::codes::parse_code(value).map(drop),
        Kind::Root => dateline_cameo::codes::parse_root(value).map(drop),
        Kind::StatementKind => match value {
            "direct" | "indirect" | "mixed" => Ok(()),
            _ => Err(format!("{value:?} is not direct, indirect or mixed")),
        },
        Kind::Topic => {
            if dateline_query::TOPICS.contains(&value) {
                Ok(())
            } else {
                Err(format!(
                    "{value:?} is not a topic; topics are {}",
                    dateline_query::TOPICS.join(", ")
                ))
            }
        }
        Kind::Limit => match value.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(()),
            _ => Err(format!("{value:?} is not a number from 1 to {MAX_LIMIT}")),
        },
        Kind::Cursor => Cursor::decode(value).map(drop).map_err(|e| e.to_string()),
        Kind::Flag => match value {
            "true" | "false" => Ok(()),
            _ => Err(format!("{value:?} is neither true nor false")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::{EVENTS, HEALTH, SEARCH};

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn good_parameters_pass() {
        let p = Params::parse(
            &EVENTS,
            pairs(&[("code", "036"), ("as_of", "2031-03-01"), ("limit", "5")]),
        )
        .unwrap();
        assert_eq!(p.limit(), 5);
        assert_eq!(p.window().as_of, Some("2031-03-01".parse().unwrap()));
    }

    #[test]
    fn every_bad_parameter_names_itself() {
        for (route, list, name) in [
            (&EVENTS, vec![("code", "36x")], "code"),
            (&EVENTS, vec![("root", "21")], "root"),
            (&EVENTS, vec![("limit", "0")], "limit"),
            (&EVENTS, vec![("limit", "501")], "limit"),
            (&EVENTS, vec![("cursor", "zz")], "cursor"),
            (&EVENTS, vec![("as_of", "2031-02-30")], "as_of"),
            (
                &EVENTS,
                vec![("from", "2031-03-02"), ("to", "2031-03-01")],
                "from",
            ),
            (&EVENTS, vec![("colour", "red")], "colour"),
            (&EVENTS, vec![("code", "036"), ("code", "037")], "code"),
            (&SEARCH, vec![], "q"),
            (&SEARCH, vec![("q", "  ")], "q"),
            (&HEALTH, vec![("x", "1")], "x"),
        ] {
            let err = Params::parse(route, pairs(&list)).unwrap_err();
            assert_eq!(err.parameter.as_deref(), Some(name), "{list:?}: {err:?}");
            assert_eq!(err.status, axum::http::StatusCode::BAD_REQUEST);
        }
    }
}
