//! A reader for IOB2 entity files (Universal NER): `ID FORM TAG - ANNOTATOR` lines,
//! `# sent_id` / `# text` comments, blank lines between sentences.

use std::io::BufRead;

/// One sentence with its entity tags (`O`, `B-PER`, `I-PER`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaggedSentence {
    pub id: Option<String>,
    pub words: Vec<String>,
    pub tags: Vec<String>,
}

/// Reads every sentence; a malformed line is an error naming its line number.
pub fn read_iob2(reader: impl BufRead) -> Result<Vec<TaggedSentence>, String> {
    let mut sentences = Vec::new();
    let mut current = TaggedSentence::default();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("line {}: {e}", n + 1))?;
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            if !current.words.is_empty() {
                sentences.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(id) = comment.trim().strip_prefix("sent_id =") {
                current.id = Some(id.trim().to_string());
            }
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 3 {
            return Err(format!(
                "line {}: expected at least 3 tab-separated fields, found {}",
                n + 1,
                fields.len()
            ));
        }
        let tag = fields[2];
        if !(tag == "O" || tag.starts_with("B-") || tag.starts_with("I-")) {
            return Err(format!("line {}: {tag:?} is not an IOB2 tag", n + 1));
        }
        current.words.push(fields[1].to_string());
        current.tags.push(tag.to_string());
    }
    if !current.words.is_empty() {
        sentences.push(current);
    }
    Ok(sentences)
}

/// Entities of an IOB2 tag sequence as `(first word, end word exclusive, label)`. An
/// `I-` tag that does not continue an entity of its label starts one (the usual
/// lenient reading, as conlleval does).
pub fn entities(tags: &[impl AsRef<str>]) -> Vec<(usize, usize, String)> {
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let tag = tag.as_ref();
        let (kind, label) = match tag.split_once('-') {
            Some((k, l)) => (k, l),
            None => ("O", ""),
        };
        let continues = kind == "I" && open.as_ref().is_some_and(|(_, l)| l == label);
        if !continues {
            if let Some((start, l)) = open.take() {
                out.push((start, i, l));
            }
            if kind == "B" || kind == "I" {
                open = Some((i, label.to_string()));
            }
        }
    }
    if let Some((start, l)) = open {
        out.push((start, tags.len(), l));
    }
    out
}

/// Named entities from GUM's entity layer, as UNER-style IOB2 tags over the treebank's
/// words: a mention (`Entity=(3-organization-…` … `3)` in MISC) of a person,
/// organisation or place counts when its head word is a proper noun, and its span is
/// cut
/// to the run of proper nouns around the head, without titles (UNER leaves out "the"
/// and "President"); nested mentions inside a counted one are not counted.
/// GUM annotates every mention, not names, so this is an approximation of UNER's
/// guidelines, good for a news-domain figure, not for training.
pub fn gum_named_entities(sentence: &crate::conllu::Sentence) -> TaggedSentence {
    let words = &sentence.words;
    let mut mentions: Vec<(usize, usize, &'static str)> = Vec::new(); // [start, end]
    let mut open: Vec<(String, usize, Option<&'static str>)> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(value) = word
            .misc
            .split('|')
            .find_map(|field| field.strip_prefix("Entity="))
        else {
            continue;
        };
        let mut rest = value;
        while let Some(c) = rest.chars().next() {
            if c == '(' {
                let body_end = rest[1..].find(['(', ')']).map_or(rest.len(), |k| k + 1);
                let body = &rest[1..body_end];
                let mut parts = body.split('-');
                let id = parts.next().unwrap_or("").to_string();
                let label = match parts.next() {
                    Some("person") => Some("PER"),
                    Some("organization") => Some("ORG"),
                    Some("place") => Some("LOC"),
                    _ => None,
                };
                if rest[body_end..].starts_with(')') {
                    if let Some(label) = label {
                        mentions.push((i, i, label));
                    }
                    rest = &rest[body_end + 1..];
                } else {
                    open.push((id, i, label));
                    rest = &rest[body_end..];
                }
            } else {
                let close = rest.find(')').unwrap_or(rest.len());
                let id = &rest[..close];
                if let Some(k) = open.iter().rposition(|(open_id, _, _)| open_id == id) {
                    let (_, start, label) = open.remove(k);
                    if let Some(label) = label {
                        mentions.push((start, i, label));
                    }
                }
                rest = rest.get(close + 1..).unwrap_or("");
            }
        }
    }
    // Longest first, so a name is counted before the names nested in it.
    mentions.sort_by_key(|&(start, end, _)| (std::cmp::Reverse(end - start), start));
    let mut tags = vec!["O".to_string(); words.len()];
    for (start, end, label) in mentions {
        let inside = |k: usize| (start..=end).contains(&(words[k].head.wrapping_sub(1)));
        let Some(head) = (start..=end).find(|&k| !inside(k)) else {
            continue;
        };
        // Plural proper nouns naming people are groups ("Muslims", "Afghans"): UNER
        // leaves nationalities and religions out.
        if words[head].upos != "PROPN" || label == "PER" && words[head].xpos == "NNPS" {
            continue;
        }
        // The name is the run of proper nouns around the head, joined by "of", "the",
        // "and", hyphens…; words before it ("Facebook creator", "a") are not part of
        // it, nor is a title ("U.S. President Donald Trump" → "Donald Trump").
        let joins = |k: usize| {
            matches!(
                words[k].form.to_lowercase().as_str(),
                "of" | "the" | "and" | "&" | "-" | "de" | "'s" | "’s"
            )
        };
        // GUM tags some words of names by their own class ("United" ADJ, "Daughters"
        // NOUN): a capitalised word counts too.
        let name_word = |k: usize| {
            let capitalised = words[k].form.chars().next().is_some_and(char::is_uppercase);
            let class = words[k].upos.as_str();
            !is_title(&words[k].form)
                && (class == "PROPN"
                    || capitalised && matches!(class, "ADJ" | "NOUN" | "VERB" | "NUM"))
        };
        let mut first = head;
        while first > start
            && (name_word(first - 1)
                || joins(first - 1) && first >= start + 2 && name_word(first - 2))
        {
            first -= 1;
        }
        let mut last = head;
        while last < end
            && (name_word(last + 1) || joins(last + 1) && last + 2 <= end && name_word(last + 2))
        {
            last += 1;
        }
        if !name_word(head) || first > last {
            continue;
        }
        if tags[first..=last].iter().any(|t| t != "O") {
            continue;
        }
        for (k, tag) in tags[first..=last].iter_mut().enumerate() {
            *tag = format!("{}-{label}", if k == 0 { 'B' } else { 'I' });
        }
    }
    TaggedSentence {
        id: sentence.id.clone(),
        words: words.iter().map(|w| w.form.clone()).collect(),
        tags,
    }
}

/// Titles that GUM tags as proper nouns before a name ("President", "Ambassador").
fn is_title(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "president"
            | "vice"
            | "prime"
            | "minister"
            | "ambassador"
            | "general"
            | "gen."
            | "secretary"
            | "senator"
            | "sen."
            | "governor"
            | "gov."
            | "mayor"
            | "king"
            | "queen"
            | "prince"
            | "princess"
            | "chancellor"
            | "chairman"
            | "director"
            | "spokesman"
            | "spokeswoman"
            | "judge"
            | "justice"
            | "pope"
            | "rep."
            | "dr."
            | "mr."
            | "mrs."
            | "ms."
            | "sir"
            | "lord"
            | "captain"
            | "colonel"
            | "major"
            | "lieutenant"
            | "sergeant"
            | "admiral"
            | "commander"
            | "chief"
            | "professor"
            | "prof."
            | "saint"
            | "st."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sentences_and_their_entities() {
        let text = "# sent_id = x1\n1\tEnvoy\tO\t-\t-\n2\tCorentin\tB-PER\t-\ta\n3\tAshby\tI-PER\t-\ta\n\
                    4\tin\tO\t-\t-\n5\tMarrowick\tB-LOC\t-\ta\n\n";
        let sentences = read_iob2(text.as_bytes()).unwrap();
        assert_eq!(sentences.len(), 1);
        assert_eq!(sentences[0].id.as_deref(), Some("x1"));
        assert_eq!(
            entities(&sentences[0].tags),
            [(1, 3, "PER".into()), (4, 5, "LOC".into())]
        );
    }

    #[test]
    fn stray_inside_tags_start_an_entity_and_bad_tags_are_errors() {
        assert_eq!(
            entities(&["I-ORG", "I-ORG", "O", "I-LOC"]),
            [(0, 2, "ORG".into()), (3, 4, "LOC".into())]
        );
        assert!(
            read_iob2("1\tx\tX-PER\n".as_bytes())
                .unwrap_err()
                .starts_with("line 1:")
        );
    }

    #[test]
    fn gum_mentions_become_names_when_headed_by_a_proper_noun() {
        let rows = [
            ("the", "DET", 2, "Entity=(1-organization-new-x-coref-UN"),
            ("UN", "PROPN", 3, "Entity=1)"),
            ("praised", "VERB", 0, "_"),
            ("a", "DET", 5, "Entity=(2-person-new-x-coref"),
            ("doctor", "NOUN", 3, "Entity=2)"),
            ("in", "ADP", 8, "_"),
            ("New", "PROPN", 8, "Entity=(3-place-new-x-coref-New_York"),
            ("York", "PROPN", 3, "Entity=3)(4-time-new-x-sgl)"),
        ];
        let mut text = String::from("# sent_id = g1\n");
        for (k, (form, upos, head, misc)) in rows.iter().enumerate() {
            text.push_str(&format!(
                "{}\t{form}\t{form}\t{upos}\t_\t_\t{head}\tdep\t_\t{misc}\n",
                k + 1
            ));
        }
        text.push('\n');
        let treebank = crate::conllu::read_conllu(text.as_bytes()).unwrap();
        let tagged = gum_named_entities(&treebank[0]);
        assert_eq!(
            tagged.tags,
            ["O", "B-ORG", "O", "O", "O", "O", "B-LOC", "I-LOC"],
            "\"the\" is left out; a doctor is not a name; time is not a kind we score"
        );
    }
}
