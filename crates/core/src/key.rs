//! Name keys: the spelling-independent form of a name that actor ids are made from,
//! so that transliteration variants of one name get one id in every article without
//! a shared registry (Zelenskyy / Zelenskiy / Zelensky; Matvei / Matvey / Matwei).
//!
//! It lives in `core` because both sides need it: the actor layer keys the names it
//! reads, and the read side (query, server) keys the name a user types the same way.
//!
//! Only people get keys: organisations, countries and groups have one official
//! spelling, and their ids are plain [`slug`]s.
//!
//! The rules are deliberately few, each a common variation in romanised
//! Slavic and Germanic names: diacritics fold to ASCII, `w`→`v`, `ph`→`f`, and a
//! word-final `y`, `i`, `iy`, `yy`, `ij`, `ii`, `ei`, `ey` or `yi` becomes `y` (only on words of more than three letters, so `Li` and `Ly` stay
//! apart). Different first names stay different ids, so namesakes who share a
//! surname are never merged by the key.

/// `"Volodymyr Zelenskiy"` → `"volodymyr-zelensky"`. Empty when no letter or digit
/// is left.
pub fn name_key<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    join(words, |word| {
        let folded = folded(word, true).replace('w', "v").replace("ph", "f");
        if folded.chars().count() > 3 {
            for ending in ["iy", "yy", "ij", "ii", "ei", "ey", "yi", "i", "y"] {
                if let Some(stem) = folded.strip_suffix(ending)
                    && stem.chars().count() >= 3
                {
                    return format!("{stem}y");
                }
            }
        }
        folded.trim_matches('-').to_string()
    })
}

/// The id of anything but a person: its words lower-cased, folded to ASCII and
/// joined by `-` ("The West" → `the-west`). Organisations and places have one
/// official spelling, so no transliteration rules apply.
pub fn slug<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    join(words, |word| folded(word, false))
}

/// Each word through `key`, the non-empty results joined by `-`.
fn join<'a>(words: impl IntoIterator<Item = &'a str>, key: impl Fn(&str) -> String) -> String {
    let keys: Vec<String> = words
        .into_iter()
        .map(key)
        .filter(|k| !k.is_empty())
        .collect();
    keys.join("-")
}

/// Lower-case, diacritics folded, only letters and digits (and hyphens if asked).
fn folded(word: &str, keep_hyphens: bool) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        match fold(c) {
            Some(ascii) => out.push_str(ascii),
            None if c.is_alphanumeric() => out.push(c),
            None if c == '-' && keep_hyphens => out.push('-'),
            None => {}
        }
    }
    out
}

/// Latin letters with diacritics, folded to ASCII.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => "i",
        'ł' | 'ľ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        '\'' | '’' | '.' => "",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> String {
        name_key(name.split_whitespace())
    }

    #[test]
    fn transliteration_variants_share_a_key() {
        for group in [
            [
                "Volodymyr Zelenskyy",
                "Volodymyr Zelenskiy",
                "Volodymyr Zelensky",
            ],
            ["Matvei Orlenko", "Matvey Orlenko", "Matwei Orlenko"],
            ["Dmitry Peskov", "Dmitri Peskov", "Dmitriy Peskov"],
            ["Sergei Lavrov", "Sergey Lavrov", "SERGEI LAVROV"],
            [
                "François Hollande",
                "Francois Hollande",
                "Francois  Hollande",
            ],
        ] {
            assert_eq!(key(group[0]), key(group[1]), "{group:?}");
            assert_eq!(key(group[0]), key(group[2]), "{group:?}");
        }
        assert_eq!(key("Volodymyr Zelenskyy"), "volodymyr-zelensky");
    }

    #[test]
    fn namesakes_and_short_names_stay_apart() {
        assert_ne!(key("Lukas Drost"), key("Sabine Drost"));
        assert_ne!(key("Hedda Orlenko"), key("Matvei Orlenko"));
        assert_ne!(key("Li Peng"), key("Ly Peng"));
        assert_ne!(key("Joe Biden"), key("Hunter Biden"));
        assert_eq!(key("O'Brien"), "obrien");
        assert_eq!(key("--"), "");
    }

    #[test]
    fn slugs_keep_the_spelling() {
        assert_eq!(slug("The West".split(' ')), "the-west");
        assert_eq!(
            slug("Church of Scientology's".split(' ')),
            "church-of-scientologys"
        );
        assert_eq!(slug(["Élysée", "Palace"]), "elysee-palace");
    }
}
