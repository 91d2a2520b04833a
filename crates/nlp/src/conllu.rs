//! A reader for CoNLL-U treebanks (Universal Dependencies), for training and evaluation.

use std::io::BufRead;

/// One syntactic word of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub form: String,
    pub lemma: String,
    pub upos: String,
    pub xpos: String,
    /// Index of the head word (1-based; 0 is the root).
    pub head: usize,
    pub deprel: String,
    /// The MISC column (`_` when empty); GUM keeps its entity brackets here.
    pub misc: String,
}

/// One sentence with the metadata the evaluations need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sentence {
    pub id: Option<String>,
    /// The raw text (`# text =`).
    pub text: Option<String>,
    /// Set when a document starts here (`# newdoc`).
    pub new_doc: bool,
    /// Set when a paragraph starts here (`# newpar`).
    pub new_par: bool,
    pub words: Vec<Word>,
    /// Multiword tokens (`3-4 don't`): the word index range (1-based, inclusive) and
    /// the surface form.
    pub multiword: Vec<(usize, usize, String)>,
}

/// Reads every sentence; a malformed line is an error naming its line number.
pub fn read_conllu(reader: impl BufRead) -> Result<Vec<Sentence>, String> {
    let mut sentences = Vec::new();
    let mut current = Sentence::default();
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
            let comment = comment.trim();
            if let Some(text) = comment.strip_prefix("text =") {
                current.text = Some(text.trim().to_string());
            } else if let Some(id) = comment.strip_prefix("sent_id =") {
                current.id = Some(id.trim().to_string());
            } else if comment.starts_with("newdoc") {
                current.new_doc = true;
                current.new_par = true;
            } else if comment.starts_with("newpar") {
                current.new_par = true;
            }
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 10 {
            return Err(format!(
                "line {}: expected 10 tab-separated fields, found {}",
                n + 1,
                fields.len()
            ));
        }
        if let Some((a, b)) = fields[0].split_once('-') {
            let parse = |s: &str| {
                s.parse::<usize>()
                    .map_err(|_| format!("line {}: bad range {:?}", n + 1, fields[0]))
            };
            current
                .multiword
                .push((parse(a)?, parse(b)?, fields[1].to_string()));
            continue;
        }
        if fields[0].contains('.') {
            continue; // empty nodes of enhanced dependencies
        }
        current.words.push(Word {
            form: fields[1].to_string(),
            lemma: fields[2].to_string(),
            upos: fields[3].to_string(),
            xpos: fields[4].to_string(),
            head: fields[6].parse().unwrap_or(0),
            deprel: fields[7].to_string(),
            misc: fields[9].to_string(),
        });
    }
    if !current.words.is_empty() {
        sentences.push(current);
    }
    Ok(sentences)
}

/// A document rebuilt from its sentences' `# text` lines, as dateline stores text:
/// sentences apart by a space, paragraphs (`# newpar`) by a blank line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub text: String,
    /// Each sentence's bytes in `text`, in order.
    pub sentences: Vec<crate::ByteSpan>,
}

/// The documents (`# newdoc`) of a treebank, rebuilt from their sentence texts;
/// sentences without `# text` are left out.
pub fn documents(sentences: &[Sentence]) -> Vec<Document> {
    let mut documents: Vec<Document> = Vec::new();
    for sentence in sentences {
        let Some(text) = sentence.text.as_deref() else {
            continue;
        };
        let document = match documents.last_mut() {
            Some(document) if !sentence.new_doc => document,
            _ => {
                documents.push(Document::default());
                documents.last_mut().expect("just pushed")
            }
        };
        if !document.text.is_empty() {
            document
                .text
                .push_str(if sentence.new_par { "\n\n" } else { " " });
        }
        let start = document.text.len();
        document.text.push_str(text);
        document
            .sentences
            .push(crate::ByteSpan::new(start, document.text.len()));
    }
    documents
}

/// Byte spans of the sentence's words in its `# text`, found by matching each word's
/// form (or its multiword token's surface) left to right. `None` when the forms do
/// not spell the text (a handful of treebank sentences normalise their words).
pub fn word_spans(sentence: &Sentence) -> Option<Vec<crate::ByteSpan>> {
    let text = sentence.text.as_deref()?;
    let mut spans = Vec::with_capacity(sentence.words.len());
    let mut at = 0;
    let mut index = 1;
    while index <= sentence.words.len() {
        at += text[at..].len() - text[at..].trim_start().len();
        let word = &sentence.words[index - 1];
        if text[at..].starts_with(&word.form) {
            spans.push(crate::ByteSpan::new(at, at + word.form.len()));
            at += word.form.len();
            index += 1;
            continue;
        }
        // A multiword token whose words do not spell its surface: one span per word is
        // not recoverable, so the sentence cannot be aligned.
        let _ = sentence.multiword.iter().find(|(a, _, _)| *a == index)?;
        return None;
    }
    Some(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# newdoc id = d1\n# sent_id = s1\n# text = Don't go.\n\
1-2\tDon't\t_\t_\t_\t_\t_\t_\t_\t_\n\
1\tDo\tdo\tAUX\tVBP\t_\t3\taux\t_\t_\n\
2\tn't\tnot\tPART\tRB\t_\t3\tadvmod\t_\t_\n\
3\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\t_\n\
4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n\n";

    #[test]
    fn reads_words_metadata_and_multiword_tokens() {
        let sentences = read_conllu(SAMPLE.as_bytes()).unwrap();
        assert_eq!(sentences.len(), 1);
        let s = &sentences[0];
        assert!(s.new_doc && s.new_par);
        assert_eq!(s.id.as_deref(), Some("s1"));
        assert_eq!(s.words.len(), 4);
        assert_eq!(s.words[0].upos, "AUX");
        assert_eq!(s.words[2].head, 0);
        assert_eq!(s.multiword, [(1, 2, "Don't".to_string())]);
        let spans = word_spans(s).unwrap();
        let text = s.text.as_deref().unwrap();
        let forms: Vec<&str> = spans.iter().map(|sp| sp.of(text)).collect();
        assert_eq!(forms, ["Do", "n't", "go", "."]);
    }

    #[test]
    fn documents_are_rebuilt_with_paragraphs_apart() {
        let mut one = read_conllu(SAMPLE.as_bytes()).unwrap().remove(0);
        let mut sentences = vec![one.clone()];
        one.new_doc = false;
        one.new_par = false;
        sentences.push(one.clone());
        one.new_par = true;
        sentences.push(one.clone());
        one.new_doc = true;
        sentences.push(one);
        let documents = documents(&sentences);
        assert_eq!(documents.len(), 2);
        assert_eq!(documents[0].text, "Don't go. Don't go.\n\nDon't go.");
        let texts: Vec<&str> = documents[0]
            .sentences
            .iter()
            .map(|s| s.of(&documents[0].text))
            .collect();
        assert_eq!(texts, ["Don't go."; 3]);
        assert_eq!(documents[1].text, "Don't go.");
    }

    #[test]
    fn malformed_lines_name_their_line() {
        let err = read_conllu("1\tx\n".as_bytes()).unwrap_err();
        assert!(err.starts_with("line 1:"), "{err}");
    }
}
