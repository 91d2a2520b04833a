//! The document that annotation layers point into.

use std::ops::Range;

use crate::{Actor, Article, Mention, Span};

/// An article, the index that converts code-point offsets to byte offsets, and the
/// annotation layers the pipeline adds (spaCy's `Doc`, in Rust).
///
/// Layers hold byte offsets (what Rust slices with) or indices into earlier layers;
/// records leave the pipeline as [`Span`]s made by [`Document::span`] or
/// [`Document::span_of_bytes`], so every span is checked against the text here. The
/// views every later component reads (`lower`, `sentence_of`, `children`) are
/// computed once, by [`Document::index_tokens`], when the language layer is done.
///
/// Only the first [`MAX_ANNOTATED_BYTES`] of a longer text are annotated: [`Document::text`]
/// is that prefix (cut at a paragraph break when one is near), so every layer and span
/// lies inside it and stays valid in the full text the article keeps.
#[derive(Debug, Clone)]
pub struct Document {
    pub article: Article,
    /// Length in bytes of the annotated prefix of the text.
    annotated: usize,
    /// Byte offset of every code point of the annotated text, plus its length at the
    /// end; empty when that text is ASCII, where the two offsets coincide.
    byte_offsets: Vec<usize>,
    /// Tokens in text order (language layer).
    pub tokens: Vec<Token>,
    /// Sentences as ranges of token indices, covering every token once.
    pub sentences: Vec<Range<usize>>,
    /// Named entities as ranges of token indices.
    pub entities: Vec<Entity>,
    /// Each token's text, lower-cased ([`Document::index_tokens`]).
    pub lower: Vec<String>,
    /// Each token's sentence index ([`Document::index_tokens`]).
    pub sentence_of: Vec<usize>,
    /// Each token's dependents in the parse, in text order
    /// ([`Document::index_tokens`]).
    pub children: Vec<Vec<usize>>,
    /// The actor layer: every mention in text order, linked to its actor where one is
    /// known.
    pub mentions: Vec<Mention>,
    /// The actors the mentions link to, in order of first mention.
    pub actors: Vec<Actor>,
}

/// One token: its bytes in the text and its part-of-speech tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// Universal POS tag (`PROPN`), empty until the tagger has run.
    pub upos: String,
    /// Penn Treebank tag (`NNP`), empty until the tagger has run.
    pub xpos: String,
    /// Dictionary form (`say` for "said"), empty until the lemmatizer has run.
    pub lemma: String,
    /// Index (into `Document::tokens`) of this token's syntactic head; `None` for the
    /// root of its sentence or before the parser has run.
    pub head: Option<usize>,
    /// UD relation to the head (`nsubj`, `obj`, `root`), empty before the parser.
    pub deprel: String,
}

/// A named entity over tokens `[tokens.start, tokens.end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub tokens: Range<usize>,
    pub label: String,
}

/// Longest text annotated, in bytes: a hundred times a long news article. Annotation
/// is linear, but at about 8 s a megabyte a 30 MB record would hold a run (and every
/// POST behind it) for minutes; the whole text is still stored and searchable.
pub const MAX_ANNOTATED_BYTES: usize = 1 << 20;

/// Where annotation of `text` stops: its end, or for a longer text the last paragraph
/// break in the final quarter before the limit, else the last character boundary.
fn annotated_len(text: &str) -> usize {
    if text.len() <= MAX_ANNOTATED_BYTES {
        return text.len();
    }
    let mut limit = MAX_ANNOTATED_BYTES;
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let window = &text[MAX_ANNOTATED_BYTES / 4 * 3..limit];
    match window.rfind("\n\n") {
        Some(at) => MAX_ANNOTATED_BYTES / 4 * 3 + at,
        None => limit,
    }
}

impl Document {
    pub fn new(article: Article) -> Self {
        let annotated = annotated_len(&article.text);
        let text = &article.text[..annotated];
        let byte_offsets = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        Self {
            article,
            annotated,
            byte_offsets,
            tokens: Vec::new(),
            sentences: Vec::new(),
            entities: Vec::new(),
            lower: Vec::new(),
            sentence_of: Vec::new(),
            children: Vec::new(),
            mentions: Vec::new(),
            actors: Vec::new(),
        }
    }

    /// Computes the views of the tokens later components read (`lower`,
    /// `sentence_of`, `children`); call it whenever `tokens` or `sentences` change.
    pub fn index_tokens(&mut self) {
        let text = &self.article.text;
        self.lower = self
            .tokens
            .iter()
            .map(|t| text[t.start..t.end].to_lowercase())
            .collect();
        self.sentence_of = vec![0; self.tokens.len()];
        for (index, sentence) in self.sentences.iter().enumerate() {
            for slot in &mut self.sentence_of[sentence.clone()] {
                *slot = index;
            }
        }
        self.children = vec![Vec::new(); self.tokens.len()];
        for (i, t) in self.tokens.iter().enumerate() {
            if let Some(h) = t.head {
                self.children[h].push(i);
            }
        }
    }

    /// The span of bytes `[start, end)`, in code points; `None` unless both ends are
    /// character boundaries in range.
    pub fn span_of_bytes(&self, start: usize, end: usize) -> Option<Span> {
        self.span(self.char_offset(start)?, self.char_offset(end)?)
    }

    /// The annotated text: the article's, or its first [`MAX_ANNOTATED_BYTES`].
    pub fn text(&self) -> &str {
        &self.article.text[..self.annotated]
    }

    /// Whether the article is longer than what was annotated.
    pub fn is_cut(&self) -> bool {
        self.annotated < self.article.text.len()
    }

    /// Length of the annotated text in code points.
    pub fn len_chars(&self) -> usize {
        if self.byte_offsets.is_empty() {
            self.annotated
        } else {
            self.byte_offsets.len() - 1
        }
    }

    /// Byte offset of code point `char_offset` (which may equal the length).
    pub fn byte_offset(&self, char_offset: usize) -> Option<usize> {
        if self.byte_offsets.is_empty() {
            (char_offset <= self.annotated).then_some(char_offset)
        } else {
            self.byte_offsets.get(char_offset).copied()
        }
    }

    /// Code-point offset of byte `byte_offset`, which must fall on a char boundary.
    pub fn char_offset(&self, byte_offset: usize) -> Option<usize> {
        if self.byte_offsets.is_empty() {
            (byte_offset <= self.annotated).then_some(byte_offset)
        } else {
            self.byte_offsets.binary_search(&byte_offset).ok()
        }
    }

    /// The tokens wholly inside a span of code points (empty when the span is out of
    /// range).
    pub fn tokens_within(&self, span: &Span) -> Range<usize> {
        let (Some(start), Some(end)) = (self.byte_offset(span.start), self.byte_offset(span.end))
        else {
            return 0..0;
        };
        let first = self.tokens.partition_point(|t| t.start < start);
        let last = first
            + self.tokens[first..]
                .iter()
                .take_while(|t| t.end <= end)
                .count();
        first..last
    }

    /// The span of code points `[start, end)`, or `None` when it is empty-reversed or
    /// out of range.
    pub fn span(&self, start: usize, end: usize) -> Option<Span> {
        if start > end {
            return None;
        }
        let (from, to) = (self.byte_offset(start)?, self.byte_offset(end)?);
        Some(Span {
            start,
            end,
            text: self.article.text[from..to].to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_past_the_limit_is_annotated_up_to_a_paragraph_break_before_it() {
        let paragraph = "Ä talk went on.\n\n"; // 18 bytes, 17 code points
        let count = MAX_ANNOTATED_BYTES / paragraph.len() + 10;
        let date = jiff::civil::date(2031, 3, 1);
        let document = Document::new(Article::new("long", date, paragraph.repeat(count)));
        assert!(document.is_cut());
        let cut = document.text().len();
        assert!(cut <= MAX_ANNOTATED_BYTES && cut > MAX_ANNOTATED_BYTES / 2);
        assert!(document.article.text[cut..].starts_with("\n\n"));
        // Spans reach the end of the annotated text and no further.
        let chars = document.len_chars();
        assert_eq!(chars, document.text().chars().count());
        assert!(document.span(chars - 3, chars).is_some());
        assert!(document.span(chars, chars + 1).is_none());
        let short = Document::new(Article::new("short", date, paragraph));
        assert!(!short.is_cut());
    }
    use proptest::prelude::*;

    fn doc(text: &str) -> Document {
        Document::new(Article::new("t", jiff::civil::date(2031, 3, 4), text))
    }

    #[test]
    fn spans_count_code_points_not_bytes() {
        let d = doc("“Kyiv” – he said");
        let span = d.span(1, 5).expect("in range");
        assert_eq!(span.text, "Kyiv");
        assert_eq!(d.len_chars(), 16);
    }

    #[test]
    fn out_of_range_span_is_refused() {
        let d = doc("abc");
        assert!(d.span(2, 4).is_none());
        assert!(d.span(2, 1).is_none());
    }

    proptest! {
        #[test]
        fn span_text_matches_python_slicing(text in "\\PC{0,40}", a in 0usize..50, b in 0usize..50) {
            let d = doc(&text);
            let chars: Vec<char> = text.chars().collect();
            match d.span(a, b) {
                Some(s) => {
                    let expected: String = chars[a..b].iter().collect();
                    prop_assert_eq!(s.text, expected);
                    prop_assert_eq!(d.char_offset(d.byte_offset(a).unwrap()), Some(a));
                }
                None => prop_assert!(a > b || b > chars.len()),
            }
        }
    }
}
