//! The full-text index over a store's articles: ranked hits in a date window,
//! filtered by outlet and by whether an article is a copy, and snippets.
//!
//! # Design
//!
//! * **Derived, never the source of truth.** The SQLite store owns the articles; this
//!   index holds only what ranking and filtering need (the words of title and text,
//!   the article's row id, day, outlet, copy flag) and no text, so it can be thrown
//!   away and rebuilt from the store at any time. Each commit carries a
//!   [`Checkpoint`]: which store it belongs to and how far into the store's change
//!   log it has applied, which is how the store catches it up after a crash.
//! * **A seam with two sides.** [`SearchIndex`] is the reader side (search, checkpoint,
//!   counts) and hands out an [`IndexWriter`] (put, clear, commit). [`TantivyIndex`]
//!   is the engine: block-max WAND top-k, so a word found in most articles costs about
//!   what a rare one does, where SQLite FTS5 scored every match.
//! * **One query language.** [`UserQuery`] parses anything a user types (no syntax
//!   errors, no operators leaking to the engine) and drives both matching and
//!   [`snippet`] marking. Titles weigh twice the body, as they did under FTS5.
//! * **Filters inside the index.** The day (`YYYYMMDD`) and the copy flag are fast
//!   fields and the outlet an untokenised term, so a date window, an as-of day or
//!   "no copies" narrows the candidates before ranking instead of after.
//!
//! # Invariants
//!
//! * An article is in the index at most once: a writer replaces by row id.
//! * A commit is atomic (tantivy swaps its meta file), and its checkpoint names
//!   exactly the changes it contains; a crash leaves the previous commit.
//! * One writer at a time, across processes (a lock file); readers never wait.

mod query;
mod snippet;

use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::directory::error::LockError;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, RegexQuery,
    TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, TantivyError, Term};

pub use query::{Clause, MIN_PREFIX_CHARS, UserQuery};
pub use snippet::{SNIPPET_SCAN_CHARS, snippet};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Engine(#[from] TantivyError),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index at {path}: {message}")]
    Open { path: String, message: String },
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// How far an index has caught up with its store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The store's identity (a random id it keeps), so an index left beside a new
    /// store of the same name is never taken for its own.
    pub store: String,
    /// The last entry of the store's change log the index holds.
    pub seq: i64,
    /// The highest article row id the index holds: rows above it are new, so putting
    /// them needs no delete.
    pub max_rowid: i64,
}

impl Checkpoint {
    const VERSION: &str = "dateline-search-1";

    fn encode(&self) -> String {
        format!(
            "{} {} {} {}",
            Self::VERSION,
            self.store,
            self.seq,
            self.max_rowid
        )
    }

    fn decode(payload: &str) -> Option<Checkpoint> {
        let mut parts = payload.split(' ');
        if parts.next()? != Self::VERSION {
            return None;
        }
        let checkpoint = Checkpoint {
            store: parts.next()?.to_string(),
            seq: parts.next()?.parse().ok()?,
            max_rowid: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(checkpoint)
    }
}

/// An article as the index sees it.
#[derive(Debug, Clone, Copy)]
pub struct IndexedArticle<'a> {
    pub rowid: i64,
    /// `YYYYMMDD`, so numeric order is date order.
    pub day: i64,
    pub title: Option<&'a str>,
    pub text: &'a str,
    pub source: Option<&'a str>,
    /// Marked as a copy of an earlier article.
    pub copy: bool,
}

/// What narrows a search besides its words; the default narrows nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Inclusive `YYYYMMDD` bounds (`None`: unbounded on that side).
    pub from_day: Option<i64>,
    pub to_day: Option<i64>,
    /// Only this outlet (exactly as stored).
    pub source: Option<String>,
    /// Leave out articles marked as copies.
    pub originals_only: bool,
}

impl Filter {
    fn is_open(&self) -> bool {
        *self == Filter::default()
    }
}

/// One ranked hit: the store's row id and the BM25 score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    pub rowid: i64,
    pub score: f32,
}

/// The reader side of an index, and where writers come from.
pub trait SearchIndex: Send + Sync {
    /// The best hits after skipping `offset`, best first.
    fn search(
        &self,
        query: &UserQuery,
        filter: &Filter,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Ranked>>;
    /// The checkpoint of the last commit (`None`: never committed, or by an
    /// incompatible version).
    fn checkpoint(&self) -> Result<Option<Checkpoint>>;
    /// Articles in the index, as of the last commit this process has seen.
    fn article_count(&self) -> u64;
    /// A writer, or `None` when another one holds the index (in this process or
    /// another) for longer than `wait`.
    fn writer(&self, wait: std::time::Duration) -> Result<Option<Box<dyn IndexWriter + '_>>>;
    /// A writer for a rebuild of many articles: as [`SearchIndex::writer`], but it
    /// may use every core and more memory.
    fn bulk_writer(&self, wait: std::time::Duration) -> Result<Option<Box<dyn IndexWriter + '_>>> {
        self.writer(wait)
    }
}

/// The writer side: changes are invisible until [`IndexWriter::commit`], and a writer
/// dropped without committing leaves the index as it was.
pub trait IndexWriter {
    /// Adds `article`, replacing the one with its row id when `replace`.
    fn put(&mut self, article: &IndexedArticle<'_>, replace: bool) -> Result<()>;
    /// Removes every article (a rebuild starts with it).
    fn clear(&mut self) -> Result<()>;
    /// Makes the changes so far visible, recording how far they go. Segment merges
    /// it starts run in the background while the writer lives.
    fn commit(&mut self, checkpoint: &Checkpoint) -> Result<()>;
    /// Waits for the merges in flight and lets the next writer in. (Dropping a writer
    /// instead abandons its merges; committed changes stay either way.)
    fn finish(self: Box<Self>) -> Result<()>;
    /// Merges every segment into one (after a bulk load: faster queries), then
    /// finishes.
    fn optimize(self: Box<Self>) -> Result<()>;
}

/// The fields of the index.
#[derive(Clone, Copy)]
struct Fields {
    rowid: Field,
    day: Field,
    title: Field,
    text: Field,
    source: Field,
    copy: Field,
}

const TOKENIZER: &str = "dateline";
/// Words longer than this are not indexed (hashes, base64 runs).
const MAX_WORD_BYTES: usize = 40;
/// Memory a writer buffers per thread before it writes a segment. Tantivy wants at
/// least 15 MB per thread; one thread keeps an ingest's memory flat.
const WRITER_BUDGET: usize = 64 << 20;
/// Indexing threads of a rebuild at most (the reading of the store is one more).
const MAX_BULK_THREADS: usize = 4;

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        rowid: builder.add_i64_field("rowid", INDEXED | FAST),
        day: builder.add_i64_field("day", INDEXED | FAST),
        title: builder.add_text_field("title", words.clone()),
        text: builder.add_text_field("text", words),
        source: builder.add_text_field("source", STRING),
        copy: builder.add_u64_field("copy", INDEXED | FAST),
    };
    (builder.build(), fields)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The index in a directory (or in memory), with one reader that follows commits.
pub struct TantivyIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Writers of this process take turns here, so they wait for each other instead
    /// of failing on the lock file.
    writing: Mutex<()>,
}

impl TantivyIndex {
    /// Opens the index in `dir`, creating it (and the directory) if needed. An index
    /// with another schema, or one that cannot be read, is replaced by an empty one:
    /// the store rebuilds it.
    pub fn open(dir: &Path) -> Result<TantivyIndex> {
        let (schema, _) = schema();
        std::fs::create_dir_all(dir)?;
        let open = |dir: &Path| -> Result<Index> {
            let directory = MmapDirectory::open(dir).map_err(|e| SearchError::Open {
                path: dir.display().to_string(),
                message: e.to_string(),
            })?;
            Ok(Index::open_or_create(directory, schema.clone())?)
        };
        let index = match open(dir) {
            Ok(index) => index,
            Err(SearchError::Engine(_)) => {
                // Another schema, or files a crash or a person damaged: start over.
                for entry in std::fs::read_dir(dir)? {
                    let path = entry?.path();
                    if path.is_file() {
                        std::fs::remove_file(&path)?;
                    }
                }
                open(dir)?
            }
            Err(e) => return Err(e),
        };
        TantivyIndex::with_index(index, ReloadPolicy::OnCommitWithDelay)
    }

    /// An index in memory (tests).
    pub fn in_memory() -> Result<TantivyIndex> {
        let (schema, _) = schema();
        TantivyIndex::with_index(Index::create_in_ram(schema), ReloadPolicy::Manual)
    }

    fn with_index(index: Index, policy: ReloadPolicy) -> Result<TantivyIndex> {
        index.tokenizers().register(TOKENIZER, analyzer());
        let (_, fields) = schema();
        let reader = index.reader_builder().reload_policy(policy).try_into()?;
        Ok(TantivyIndex {
            index,
            reader,
            fields,
            writing: Mutex::new(()),
        })
    }

    /// The tokens `text` is indexed as.
    fn tokens(&self, text: &str) -> Vec<String> {
        let mut analyzer = analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    /// `clause` in one field: a term, a phrase, or a prefix.
    fn field_query(&self, clause: &Clause, field: Field) -> Option<Box<dyn Query>> {
        let text = match clause {
            Clause::Prefix(stem) => {
                let stem = self.tokens(stem).into_iter().next()?;
                // The stem is letters and digits only (the parser made sure), so
                // it needs no escaping in the pattern.
                return RegexQuery::from_pattern(&format!("{stem}.*"), field)
                    .ok()
                    .map(|q| Box::new(q) as Box<dyn Query>);
            }
            Clause::Word(text) | Clause::Phrase(text) => text,
        };
        let terms: Vec<Term> = self
            .tokens(text)
            .iter()
            .map(|t| Term::from_field_text(field, t))
            .collect();
        match terms.len() {
            0 => None,
            1 => Some(Box::new(TermQuery::new(
                terms[0].clone(),
                IndexRecordOption::WithFreqs,
            ))),
            _ => Some(Box::new(PhraseQuery::new(terms))),
        }
    }

    /// `clause` in the title (weighing double) or the text.
    fn clause_query(&self, clause: &Clause) -> Option<Box<dyn Query>> {
        let title = self.field_query(clause, self.fields.title)?;
        let text = self.field_query(clause, self.fields.text)?;
        Some(Box::new(BooleanQuery::new(vec![
            (Occur::Should, Box::new(BoostQuery::new(title, 2.0))),
            (Occur::Should, text),
        ])))
    }

    fn query(&self, query: &UserQuery, filter: &Filter) -> Option<Box<dyn Query>> {
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &query.groups {
            let mut clauses: Vec<Box<dyn Query>> =
                group.iter().filter_map(|c| self.clause_query(c)).collect();
            match clauses.len() {
                0 => {}
                1 => must.push((Occur::Must, clauses.pop()?)),
                _ => must.push((
                    Occur::Must,
                    Box::new(BooleanQuery::new(
                        clauses.into_iter().map(|c| (Occur::Should, c)).collect(),
                    )),
                )),
            }
        }
        if must.is_empty() {
            return None;
        }
        // Filters score nothing (a constant 0), so they leave the ranking alone.
        let unscored = |q: Box<dyn Query>| Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>;
        if filter.from_day.is_some() || filter.to_day.is_some() {
            let bound = |day: Option<i64>| {
                day.map_or(Bound::Unbounded, |d| {
                    Bound::Included(Term::from_field_i64(self.fields.day, d))
                })
            };
            let days = RangeQuery::new(bound(filter.from_day), bound(filter.to_day));
            must.push((Occur::Must, unscored(Box::new(days))));
        }
        if let Some(source) = &filter.source {
            let term = Term::from_field_text(self.fields.source, source);
            must.push((
                Occur::Must,
                unscored(Box::new(TermQuery::new(term, IndexRecordOption::Basic))),
            ));
        }
        if filter.originals_only {
            let term = Term::from_field_u64(self.fields.copy, 1);
            must.push((
                Occur::MustNot,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        if must.len() == 1 && must[0].0 == Occur::Must {
            return must.pop().map(|(_, q)| q);
        }
        Some(Box::new(BooleanQuery::new(must)))
    }
}

/// The fast fields of the segments a search touches, each opened once.
struct FastColumns<'s> {
    searcher: &'s tantivy::Searcher,
    segments: Vec<Option<SegmentColumns>>,
}

struct SegmentColumns {
    rowid: tantivy::columnar::Column<i64>,
    day: tantivy::columnar::Column<i64>,
    copy: tantivy::columnar::Column<u64>,
}

impl<'s> FastColumns<'s> {
    fn new(searcher: &'s tantivy::Searcher) -> Self {
        FastColumns {
            searcher,
            segments: Vec::new(),
        }
    }

    fn of(&mut self, segment: u32) -> Result<&SegmentColumns> {
        let at = segment as usize;
        if self.segments.len() <= at {
            self.segments.resize_with(at + 1, || None);
        }
        if self.segments[at].is_none() {
            let fast = self.searcher.segment_reader(segment).fast_fields();
            self.segments[at] = Some(SegmentColumns {
                rowid: fast.i64("rowid")?,
                day: fast.i64("day")?,
                copy: fast.u64("copy")?,
            });
        }
        Ok(self.segments[at].as_ref().expect("just filled"))
    }

    /// Whether the article at `address` passes the day and copy parts of `filter`.
    fn passes(&mut self, address: tantivy::DocAddress, filter: &Filter) -> Result<bool> {
        let columns = self.of(address.segment_ord)?;
        let day = columns.day.first(address.doc_id).unwrap_or(0);
        let in_window = filter.from_day.is_none_or(|from| day >= from)
            && filter.to_day.is_none_or(|to| day <= to);
        let copy = columns.copy.first(address.doc_id) == Some(1);
        Ok(in_window && !(filter.originals_only && copy))
    }

    /// The store's row ids of `hits`, in their order.
    fn ranked(
        &mut self,
        hits: impl IntoIterator<Item = (f32, tantivy::DocAddress)>,
    ) -> Result<Vec<Ranked>> {
        let mut out = Vec::new();
        for (score, address) in hits {
            let columns = self.of(address.segment_ord)?;
            if let Some(rowid) = columns.rowid.first(address.doc_id) {
                out.push(Ranked { rowid, score });
            }
        }
        Ok(out)
    }
}

impl SearchIndex for TantivyIndex {
    fn search(
        &self,
        query: &UserQuery,
        filter: &Filter,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Ranked>> {
        let Some(words) = self.query(query, &Filter::default()) else {
            return Ok(Vec::new());
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let mut columns = FastColumns::new(&searcher);
        let wanted = offset.saturating_add(limit);
        // A filter inside the query turns the ranking into an intersection, which
        // scores every article a common word is in (7 ms at 100k, for each as-of
        // search). So first the best hits for the words alone, with top-k pruning,
        // filtered afterwards: when enough of them pass (or that was every match),
        // they are exactly the best filtered hits. Otherwise the filtered query.
        if !filter.is_open() && filter.source.is_none() {
            let probe = wanted.saturating_mul(4).max(64);
            let top = searcher.search(&words, &TopDocs::with_limit(probe).order_by_score())?;
            let every_match = top.len() < probe;
            let mut passing = Vec::new();
            for (score, address) in top {
                if columns.passes(address, filter)? {
                    passing.push((score, address));
                }
            }
            if passing.len() >= wanted || every_match {
                let page = passing.into_iter().skip(offset).take(limit);
                return columns.ranked(page);
            }
        }
        let query = match filter.is_open() {
            true => words,
            false => self
                .query(query, filter)
                .expect("a query with words stays one with filters"),
        };
        let top = searcher.search(
            &query,
            &TopDocs::with_limit(limit)
                .and_offset(offset)
                .order_by_score(),
        )?;
        columns.ranked(top)
    }

    fn checkpoint(&self) -> Result<Option<Checkpoint>> {
        let metas = self.index.load_metas()?;
        Ok(metas.payload.as_deref().and_then(Checkpoint::decode))
    }

    fn article_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn writer(&self, wait: std::time::Duration) -> Result<Option<Box<dyn IndexWriter + '_>>> {
        self.writer_with_threads(wait, 1)
    }

    fn bulk_writer(&self, wait: std::time::Duration) -> Result<Option<Box<dyn IndexWriter + '_>>> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.writer_with_threads(wait, cores.min(MAX_BULK_THREADS))
    }
}

impl TantivyIndex {
    /// A writer with `threads` indexing threads, each with [`WRITER_BUDGET`].
    fn writer_with_threads(
        &self,
        wait: std::time::Duration,
        threads: usize,
    ) -> Result<Option<Box<dyn IndexWriter + '_>>> {
        let started = std::time::Instant::now();
        let turn = loop {
            match self.writing.try_lock() {
                Ok(turn) => break turn,
                Err(std::sync::TryLockError::Poisoned(p)) => break p.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(std::sync::TryLockError::WouldBlock) => return Ok(None),
            }
        };
        loop {
            match self
                .index
                .writer_with_num_threads::<TantivyDocument>(threads, threads * WRITER_BUDGET)
            {
                Ok(writer) => {
                    return Ok(Some(Box::new(TantivyWriter {
                        owner: self,
                        writer,
                        _turn: turn,
                    })));
                }
                Err(TantivyError::LockFailure(LockError::LockBusy, _))
                    if started.elapsed() < wait =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(TantivyError::LockFailure(LockError::LockBusy, _)) => return Ok(None),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

struct TantivyWriter<'a> {
    owner: &'a TantivyIndex,
    writer: tantivy::IndexWriter<TantivyDocument>,
    _turn: std::sync::MutexGuard<'a, ()>,
}

impl IndexWriter for TantivyWriter<'_> {
    fn put(&mut self, article: &IndexedArticle<'_>, replace: bool) -> Result<()> {
        let f = self.owner.fields;
        if replace {
            self.writer
                .delete_term(Term::from_field_i64(f.rowid, article.rowid));
        }
        let mut doc = TantivyDocument::new();
        doc.add_i64(f.rowid, article.rowid);
        doc.add_i64(f.day, article.day);
        if let Some(title) = article.title {
            doc.add_text(f.title, title);
        }
        doc.add_text(f.text, article.text);
        if let Some(source) = article.source {
            doc.add_text(f.source, source);
        }
        doc.add_u64(f.copy, u64::from(article.copy));
        self.writer.add_document(doc)?;
        Ok(())
    }

    fn clear(&mut self) -> Result<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    fn commit(&mut self, checkpoint: &Checkpoint) -> Result<()> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&checkpoint.encode());
        prepared.commit()?;
        // This process sees its own commit at once; others within the reload delay.
        self.owner.reader.reload()?;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.writer.wait_merging_threads()?;
        self.owner.reader.reload()?;
        Ok(())
    }

    fn optimize(mut self: Box<Self>) -> Result<()> {
        let segments = self.owner.index.searchable_segment_ids()?;
        if segments.len() > 1 {
            self.writer.merge(&segments).wait()?;
        }
        self.writer.wait_merging_threads()?;
        self.owner.reader.reload()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(
        rowid: i64,
        day: i64,
        title: &'static str,
        text: &'static str,
    ) -> IndexedArticle<'static> {
        IndexedArticle {
            rowid,
            day,
            title: Some(title),
            text,
            source: Some("Harbour Post"),
            copy: false,
        }
    }

    fn ids(index: &TantivyIndex, q: &str, filter: &Filter) -> Vec<i64> {
        let query = UserQuery::parse(q).unwrap();
        index
            .search(&query, filter, 10, 0)
            .unwrap()
            .iter()
            .map(|r| r.rowid)
            .collect()
    }

    #[test]
    fn ranks_filters_replaces_and_checkpoints() {
        let index = TantivyIndex::in_memory().unwrap();
        let mut writer = index.writer(std::time::Duration::ZERO).unwrap().unwrap();
        writer
            .put(
                &article(1, 20310301, "Ferry talks resume", "The island council met."),
                false,
            )
            .unwrap();
        writer
            .put(
                &article(
                    2,
                    20310305,
                    "Harbour",
                    "Talks on the ferry went on; U.S. envoys came.",
                ),
                false,
            )
            .unwrap();
        writer
            .put(
                &article(3, 20310310, "Weather", "Rain over the island."),
                false,
            )
            .unwrap();
        let checkpoint = Checkpoint {
            store: "s1".into(),
            seq: 3,
            max_rowid: 3,
        };
        writer.commit(&checkpoint).unwrap();
        writer.finish().unwrap();
        assert_eq!(index.checkpoint().unwrap(), Some(checkpoint));
        assert_eq!(index.article_count(), 3);
        // The title weighs double: the headline match ranks first.
        assert_eq!(ids(&index, "ferry talks", &Filter::default()), vec![1, 2]);
        assert_eq!(ids(&index, "island OR envoys", &Filter::default()).len(), 3);
        assert_eq!(ids(&index, "\"u.s. envoys\"", &Filter::default()), vec![2]);
        assert_eq!(ids(&index, "isla*", &Filter::default()).len(), 2);
        let to_march_5 = Filter {
            to_day: Some(20310305),
            ..Filter::default()
        };
        assert_eq!(ids(&index, "island", &to_march_5), vec![1]);
        let other_outlet = Filter {
            source: Some("Other".into()),
            ..Filter::default()
        };
        assert!(ids(&index, "island", &other_outlet).is_empty());
        // Replacing by row id: article 3 becomes a copy and leaves "originals only".
        let mut writer = index.writer(std::time::Duration::ZERO).unwrap().unwrap();
        writer
            .put(
                &IndexedArticle {
                    copy: true,
                    ..article(3, 20310310, "Weather", "Rain over the island.")
                },
                true,
            )
            .unwrap();
        writer
            .commit(&Checkpoint {
                store: "s1".into(),
                seq: 4,
                max_rowid: 3,
            })
            .unwrap();
        writer.finish().unwrap();
        assert_eq!(index.article_count(), 3);
        let originals = Filter {
            originals_only: true,
            ..Filter::default()
        };
        assert_eq!(ids(&index, "island", &originals), vec![1]);
        // A writer dropped without a commit changes nothing.
        let mut writer = index.writer(std::time::Duration::ZERO).unwrap().unwrap();
        writer.clear().unwrap();
        drop(writer);
        assert_eq!(ids(&index, "island", &Filter::default()).len(), 2);
    }

    #[test]
    fn one_writer_at_a_time_and_the_index_reopens_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        {
            let index = TantivyIndex::open(dir.path()).unwrap();
            assert_eq!(index.checkpoint().unwrap(), None);
            let writer = index.writer(std::time::Duration::ZERO).unwrap();
            assert!(writer.is_some());
            assert!(
                index
                    .writer(std::time::Duration::from_millis(30))
                    .unwrap()
                    .is_none()
            );
            let mut writer = writer.unwrap();
            writer
                .put(&article(7, 20310301, "Ferry", "talks"), false)
                .unwrap();
            writer
                .commit(&Checkpoint {
                    store: "s".into(),
                    seq: 1,
                    max_rowid: 7,
                })
                .unwrap();
        }
        let index = TantivyIndex::open(dir.path()).unwrap();
        assert_eq!(index.checkpoint().unwrap().unwrap().max_rowid, 7);
        assert_eq!(ids(&index, "talks", &Filter::default()), vec![7]);
    }

    /// Filtered searches answer with the best filtered hits, page by page, whether the
    /// filter is applied after a pruned search (wide windows) or inside the query
    /// (narrow ones).
    #[test]
    fn filtered_pages_are_the_best_filtered_hits_either_way() {
        let index = TantivyIndex::in_memory().unwrap();
        let mut writer = index.writer(std::time::Duration::ZERO).unwrap().unwrap();
        let texts: Vec<String> = (0..400)
            .map(|i| {
                let filler: Vec<String> = (0..i % 97).map(|j| format!("w{j}")).collect();
                format!("{} {}", "alpha ".repeat(1 + i % 5), filler.join(" "))
            })
            .collect();
        for (i, text) in texts.iter().enumerate() {
            let article = IndexedArticle {
                rowid: i as i64,
                day: 20300101 + (i as i64 % 28),
                title: None,
                text,
                source: None,
                copy: i % 3 == 0,
            };
            writer.put(&article, false).unwrap();
        }
        writer
            .commit(&Checkpoint {
                store: "s".into(),
                seq: 1,
                max_rowid: 399,
            })
            .unwrap();
        writer.finish().unwrap();
        let query = UserQuery::parse("alpha").unwrap();
        let all = index.search(&query, &Filter::default(), 1000, 0).unwrap();
        assert_eq!(all.len(), 400);
        let day = |rowid: i64| 20300101 + rowid % 28;
        for (from, to, originals_only) in
            [(1, 27, false), (1, 27, true), (5, 5, false), (3, 9, true)]
        {
            let filter = Filter {
                from_day: Some(20300100 + from),
                to_day: Some(20300100 + to),
                source: None,
                originals_only,
            };
            let expected: Vec<i64> = all
                .iter()
                .map(|r| r.rowid)
                .filter(|&r| (filter.from_day.unwrap()..=filter.to_day.unwrap()).contains(&day(r)))
                .filter(|&r| !(originals_only && r % 3 == 0))
                .collect();
            for (offset, limit) in [(0, 10), (10, 10), (0, 100), (40, 20)] {
                let got: Vec<i64> = index
                    .search(&query, &filter, limit, offset)
                    .unwrap()
                    .iter()
                    .map(|r| r.rowid)
                    .collect();
                let want: Vec<i64> = expected.iter().copied().skip(offset).take(limit).collect();
                assert_eq!(
                    got, want,
                    "window {from}–{to}, originals {originals_only}, page {offset}+{limit}"
                );
            }
        }
    }

    #[test]
    fn checkpoints_round_trip_and_foreign_payloads_are_none() {
        let c = Checkpoint {
            store: "ab12".into(),
            seq: 9,
            max_rowid: 40,
        };
        assert_eq!(Checkpoint::decode(&c.encode()), Some(c));
        assert_eq!(Checkpoint::decode("something else"), None);
        assert_eq!(Checkpoint::decode("dateline-search-1 a 1 2 3"), None);
    }
}
