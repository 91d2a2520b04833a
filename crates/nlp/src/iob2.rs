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
}
