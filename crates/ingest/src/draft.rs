//! The format-neutral record every reader produces, and its conversion to an article.

use std::path::Path;

use dateline_core::{Article, Date, content_id};
use serde_json::{Map, Value};

use crate::{Location, Read, ReadOptions, RecordError, clean::clean_text};

/// An article as a reader found it: fields may be missing and the text is raw.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub id: Option<String>,
    pub date: Option<Date>,
    pub title: Option<String>,
    pub text: String,
    pub source: Option<String>,
    pub url: Option<String>,
    pub lang: Option<String>,
    pub meta: Map<String, Value>,
}

impl Draft {
    /// Cleans the text, fills defaults and checks what the contract requires: a
    /// non-empty text and a date.
    pub fn finish(
        self,
        opts: &ReadOptions,
        path: &Path,
        location: Location,
    ) -> Result<Read, RecordError> {
        let error = |message: &str| RecordError::new(path, location.clone(), message);
        let text = clean_text(&self.text);
        if text.is_empty() {
            return Err(error(if self.text.trim().is_empty() {
                "empty text"
            } else {
                "no text left after removing boilerplate"
            }));
        }
        let date = self.date.or(opts.default_date).ok_or_else(|| {
            error("missing date: give a `date` (or `published`) field, or pass --date")
        })?;
        let lang = nonempty(self.lang).unwrap_or_else(|| detect_language(&text));
        let title = self
            .title
            .map(|t| clean_text(&t).replace('\n', " "))
            .filter(|t| !t.is_empty());
        let article = Article {
            id: self.id.unwrap_or_else(|| content_id(&text)),
            date,
            title,
            text,
            source: nonempty(self.source).or_else(|| opts.default_source.clone()),
            url: nonempty(self.url),
            lang,
            dup_of: None,
            meta: (!self.meta.is_empty()).then_some(self.meta),
        };
        Ok(Read {
            article,
            path: path.to_path_buf(),
            location,
        })
    }
}

/// ISO 639-1 code of the text's language. English, by far the commonest input, is
/// recognised by its function words in the first 60 words (microseconds); anything
/// else goes to a trigram detector over the first 400 characters (about a hundred
/// microseconds). `und` when the detector is unsure: guessing English for text it
/// cannot read would send it through English models.
fn detect_language(text: &str) -> String {
    if looks_english(text) {
        return "en".to_string();
    }
    let head: String = text.chars().take(400).collect();
    let Some(info) = whatlang::detect(&head).filter(|i| i.is_reliable()) else {
        return "und".to_string();
    };
    use whatlang::Lang::*;
    let code = match info.lang() {
        Eng => "en",
        Fra => "fr",
        Deu => "de",
        Spa => "es",
        Ita => "it",
        Por => "pt",
        Nld => "nl",
        Rus => "ru",
        Ukr => "uk",
        Pol => "pl",
        Ces => "cs",
        Ron => "ro",
        Hun => "hu",
        Swe => "sv",
        Dan => "da",
        Nob => "nb",
        Fin => "fi",
        Tur => "tr",
        Ell => "el",
        Bul => "bg",
        Srp => "sr",
        Hrv => "hr",
        Ara => "ar",
        Heb => "he",
        Pes => "fa",
        Hin => "hi",
        Ben => "bn",
        Urd => "ur",
        Cmn => "zh",
        Jpn => "ja",
        Kor => "ko",
        Vie => "vi",
        Tha => "th",
        Ind => "id",
        Kat => "ka",
        Aze => "az",
        other => return other.code().to_string(),
    };
    code.to_string()
}

/// At least one word in eight among the first 60 is an English function word.
fn looks_english(text: &str) -> bool {
    const FUNCTION_WORDS: &[&str] = &[
        "the", "of", "and", "to", "a", "in", "is", "that", "for", "on", "was", "with", "he", "she",
        "it", "as", "at", "by", "from", "said", "his", "her", "they", "be", "has", "have", "were",
        "are", "an", "this", "will", "not", "but", "who", "would",
    ];
    let words = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(60);
    let (mut total, mut hits) = (0usize, 0usize);
    for word in words {
        total += 1;
        hits += usize::from(FUNCTION_WORDS.iter().any(|f| f.eq_ignore_ascii_case(word)));
    }
    total >= 8 && hits * 8 >= total
}

fn nonempty(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl Draft {
    /// A draft from named fields, as JSONL objects and CSV rows give them (`SPEC.md`
    /// §2): `text` is required; `date` or `published` is an ISO date; `source` and
    /// `outlet` are synonyms; every other field is kept in `meta`.
    pub fn from_fields(fields: Map<String, Value>) -> Result<Draft, String> {
        let mut draft = Draft::default();
        let mut text = None;
        for (key, value) in fields {
            match key.as_str() {
                "text" => match value {
                    Value::String(s) => text = Some(s),
                    other => return Err(format!("`text` must be a string, not {}", kind(&other))),
                },
                "date" | "published" => {
                    if draft.date.is_some() || value.is_null() {
                        continue;
                    }
                    let Value::String(s) = &value else {
                        return Err(format!(
                            "`{key}` must be a date string, not {}",
                            kind(&value)
                        ));
                    };
                    if s.trim().is_empty() {
                        continue;
                    }
                    draft.date = Some(
                        crate::parse_date(s)
                            .ok_or_else(|| format!("unparseable date in `{key}`: {s:?}"))?,
                    );
                }
                "id" => draft.id = scalar(&value).filter(|s| !s.is_empty()),
                "title" => draft.title = scalar(&value),
                "url" => draft.url = scalar(&value),
                "source" | "outlet" => {
                    draft.source = draft.source.take().or_else(|| scalar(&value));
                }
                "lang" => draft.lang = scalar(&value),
                _ => {
                    draft.meta.insert(key, value);
                }
            }
        }
        draft.text = text.ok_or("missing required field `text`")?;
        Ok(draft)
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_language_of_unlabelled_text() {
        let english =
            "The delegations met on the island on Tuesday and agreed to meet again next week.";
        let french = "Les délégations se sont réunies mardi sur l'île et ont convenu de se revoir la semaine prochaine.";
        assert_eq!(detect_language(english), "en");
        assert_eq!(detect_language(french), "fr");
        assert_eq!(detect_language("12 34"), "und");
    }
}
