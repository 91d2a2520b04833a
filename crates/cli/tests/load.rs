//! `dateline load`: a directory as the Spark job writes it — the articles of
//! `examples/jsonl` extracted the way a distributed run does (each article prepared
//! alone, the facts of all gathered into one `Knowledge`, each completed with it) —
//! gives the store an ingest of the same articles gives, without annotating
//! anything itself; a re-run does nothing; annotations made with other dictionaries
//! are not loaded and the articles are annotated here to the same records; a
//! directory that is not one stops before the store is touched.

mod common;

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use arrow_array::{ArrayRef, LargeStringArray, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use common::{dateline, examples, jsonl_line, paragraph, stored, write};
use dateline_actors::Dictionary;
use dateline_core::Article;
use dateline_core::knowledge::Knowledge;
use dateline_tables::{ARTICLE_COLUMNS, Cell, Column, Kind, ParquetTable};

/// One row of the annotations dataset: article_id, extraction, facts, asked.
type AnnotationRow = [String; 4];

/// The fictional dictionary the examples are annotated with, as the store builds it.
fn dictionary() -> &'static Dictionary {
    static DICTIONARY: OnceLock<Dictionary> = OnceLock::new();
    DICTIONARY.get_or_init(|| {
        let file = examples().join("dictionary/fictional.actors");
        dateline_actors::shipped().with_user_file(&file).unwrap().0
    })
}

fn actors_file() -> String {
    examples()
        .join("dictionary/fictional.actors")
        .to_str()
        .unwrap()
        .to_string()
}

/// Reads `path` as `dateline ingest` reads it.
fn read_articles(path: &Path) -> Vec<Article> {
    let mut articles = Vec::new();
    dateline_ingest::read_paths(
        &[path.to_path_buf()],
        &dateline_ingest::ReadOptions::default(),
        &mut |item| {
            articles.push(item.expect("the examples are valid").article);
            ControlFlow::Continue(())
        },
    );
    articles
}

/// The annotations of `articles` as a distributed run makes them: each article
/// prepared alone, the facts of all gathered, each completed with that knowledge.
fn annotate_as_a_job(articles: &[Article]) -> Vec<AnnotationRow> {
    let dictionaries = dateline_extract::Dictionaries::with_actors(dictionary());
    let prepared: Vec<_> = articles
        .iter()
        .map(|a| dateline_extract::prepare(a.clone(), dictionaries))
        .collect();
    let knowledge = Knowledge::new(prepared.iter().flat_map(|p| p.dated_facts()));
    prepared
        .into_iter()
        .map(|p| {
            let id = p.article().id.clone();
            let facts = serde_json::to_string(p.facts()).unwrap();
            let completed = p.complete(dictionaries, &knowledge);
            let asked: Vec<(String, i64)> = completed
                .asked
                .iter()
                .map(|(q, answer)| (q.key(), *answer))
                .collect();
            [
                id,
                serde_json::to_string(&completed.extraction).unwrap(),
                facts,
                serde_json::to_string(&asked).unwrap(),
            ]
        })
        .collect()
}

/// The examples' JSON Lines articles and their annotations, made once.
fn job() -> &'static (Vec<Article>, Vec<AnnotationRow>) {
    static JOB: OnceLock<(Vec<Article>, Vec<AnnotationRow>)> = OnceLock::new();
    JOB.get_or_init(|| {
        let articles = read_articles(&examples().join("jsonl"));
        let annotations = annotate_as_a_job(&articles);
        (articles, annotations)
    })
}

fn write_manifest(dir: &Path, format: u64, annotation_key: i64) {
    let manifest = serde_json::json!({
        "format": format,
        "pipeline_version": dateline_extract::PIPELINE_VERSION,
        "annotation_key": annotation_key,
    });
    std::fs::create_dir_all(dir).unwrap();
    write(dir, "_dateline.json", manifest.to_string());
}

/// Writes `articles` to `path` with `columns`, as the export (and the job) does.
fn write_articles(path: &Path, columns: &[Column<Article>], articles: &[Article]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut table = ParquetTable::new(columns, file, 5).unwrap();
    for article in articles {
        table.push(article).unwrap();
    }
    table.finish().unwrap();
}

/// Writes annotation rows to `path` as large_utf8 columns that are not nullable: a
/// Spark writer's other choices than the export's.
fn write_annotations(path: &Path, rows: &[AnnotationRow]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let names = ["article_id", "extraction", "facts", "asked"];
    let schema = Arc::new(Schema::new(
        names
            .iter()
            .map(|n| Field::new(*n, DataType::LargeUtf8, false))
            .collect::<Vec<_>>(),
    ));
    let columns: Vec<ArrayRef> = (0..4)
        .map(|c| {
            Arc::new(LargeStringArray::from_iter_values(
                rows.iter().map(|r| r[c].as_str()),
            )) as ArrayRef
        })
        .collect();
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

/// A directory as the Spark job writes it, annotated under `annotation_key`: the
/// articles in two part files, the annotations in two others in reverse order (so
/// later articles are saved before the earlier ones they learned from), Spark's
/// `_SUCCESS` and `.crc` files beside them, and a dataset `load` does not read.
fn write_job(dir: &Path, annotation_key: i64) {
    let (articles, annotations) = job();
    let (first, second) = articles.split_at(articles.len() / 2);
    write_articles(
        &dir.join("articles/part-00000.parquet"),
        &ARTICLE_COLUMNS,
        first,
    );
    write_articles(
        &dir.join("articles/part-00001.parquet"),
        &ARTICLE_COLUMNS,
        second,
    );
    let reversed: Vec<AnnotationRow> = annotations.iter().rev().cloned().collect();
    let (late, early) = reversed.split_at(reversed.len() / 2);
    write_annotations(&dir.join("annotations/part-00000.parquet"), late);
    write_annotations(&dir.join("annotations/part-00001.parquet"), early);
    for dataset in ["articles", "annotations"] {
        write(&dir.join(dataset), "_SUCCESS", "");
        write(&dir.join(dataset), ".part-00000.parquet.crc", "not parquet");
    }
    std::fs::create_dir_all(dir.join("mentions")).unwrap();
    write(&dir.join("mentions"), "part-00000.parquet", "not read");
    write_manifest(dir, 1, annotation_key);
}

/// Every exported table as CSV, its rows parsed and sorted.
fn export(db: &Path, out: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let run = dateline(
        &["export", "--format", "csv", "--out", out.to_str().unwrap()],
        db,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    ["articles", "mentions", "actors", "statements", "events"]
        .iter()
        .map(|table| {
            let mut reader = csv::Reader::from_path(out.join(format!("{table}.csv"))).unwrap();
            let mut rows: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            rows.sort();
            (table.to_string(), rows)
        })
        .collect()
}

fn assert_same_tables(a: &[(String, Vec<Vec<String>>)], b: &[(String, Vec<Vec<String>>)]) {
    for ((table, one), (_, two)) in a.iter().zip(b) {
        assert!(!one.is_empty(), "{table} is empty");
        assert_eq!(one.len(), two.len(), "{table}");
        for (x, y) in one.iter().zip(two) {
            assert_eq!(x, y, "{table}");
        }
    }
}

fn load(dir: &Path, db: &Path) -> common::Run {
    dateline(
        &[
            "load",
            dir.to_str().unwrap(),
            "--actors",
            &actors_file(),
            "--quiet",
        ],
        db,
    )
}

/// The store an ingest of the same articles makes, exported.
fn ingested(tmp: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let db = tmp.join("ingested.db");
    let jsonl = examples().join("jsonl");
    let run = dateline(
        &[
            "ingest",
            jsonl.to_str().unwrap(),
            "--actors",
            &actors_file(),
            "--quiet",
        ],
        &db,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    export(&db, &tmp.join("ingested"))
}

#[test]
fn a_loaded_job_is_the_store_an_ingest_makes_and_a_rerun_does_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("job");
    write_job(&dir, dateline_pipeline::annotation_key(dictionary()));
    let db = tmp.path().join("loaded.db");

    let run = load(&dir, &db);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "articles read 16 · new 16 · duplicate 0 (0 near, 0 already stored) · rejected 0 · annotations loaded 16 (0 already here, 0 skipped) · annotated here 0"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let loaded = export(&db, &tmp.path().join("loaded"));
    assert_same_tables(&loaded, &ingested(tmp.path()));

    let again = load(&dir, &db);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stderr.contains(
            "new 0 · duplicate 16 (0 near, 16 already stored) · rejected 0 · annotations loaded 0 (16 already here, 0 skipped) · annotated here 0"
        ),
        "{}",
        again.stderr
    );
    assert_same_tables(&export(&db, &tmp.path().join("again")), &loaded);
}

#[test]
fn annotations_made_with_other_dictionaries_are_made_again_here() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("job");
    let other_key = dateline_pipeline::annotation_key(dateline_actors::shipped());
    write_job(&dir, other_key);
    let db = tmp.path().join("loaded.db");

    let run = load(&dir, &db);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("was annotated with other dictionaries"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("annotations loaded 0 (0 already here, 0 skipped) · annotated here 16"),
        "{}",
        run.stderr
    );
    assert_same_tables(
        &export(&db, &tmp.path().join("loaded")),
        &ingested(tmp.path()),
    );
}

/// `article` as a JSON Lines input line gives it: its fields, with those of `meta`
/// beside them.
fn input_line(article: &Article) -> String {
    let mut value = serde_json::to_value(article).unwrap();
    let fields = value.as_object_mut().unwrap();
    if let Some(serde_json::Value::Object(meta)) = fields.remove("meta") {
        fields.extend(meta);
    }
    value.to_string()
}

fn ingest(paths: &[&Path], db: &Path) {
    let mut args = vec!["ingest".to_string()];
    args.extend(paths.iter().map(|p| p.to_str().unwrap().to_string()));
    args.extend(["--actors".into(), actors_file(), "--quiet".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = dateline(&args, db);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_store_that_had_articles_ends_as_one_ingest_of_all_of_them() {
    // The store holds the later-dated half, annotated here. The job saw only the
    // earlier half and a copy of one of the store's articles, dated last: it
    // annotated the copy without what the store's articles say, and gave it no
    // dup_of.
    let tmp = tempfile::tempdir().unwrap();
    let (articles, _) = job();
    let (early, late) = articles.split_at(articles.len() / 2);
    let db = tmp.path().join("loaded.db");
    let late_lines: Vec<String> = late.iter().map(input_line).collect();
    let late_file = write(tmp.path(), "late.jsonl", late_lines.join("\n"));
    ingest(&[&late_file], &db);

    let mut copy = late[0].clone();
    copy.id = "copy-of-a-stored-article".into();
    copy.date = late[late.len() - 1].date;
    let mut seen = early.to_vec();
    seen.push(copy.clone());
    let dir = tmp.path().join("job");
    write_articles(
        &dir.join("articles/part-00000.parquet"),
        &ARTICLE_COLUMNS,
        &seen,
    );
    let mut annotations = annotate_as_a_job(&seen);
    annotations.reverse();
    write_annotations(&dir.join("annotations/part-00000.parquet"), &annotations);
    write_manifest(&dir, 1, dateline_pipeline::annotation_key(dictionary()));

    let run = load(&dir, &db);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "annotations loaded {} (0 already here, 0 skipped)",
            seen.len()
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("warning: 1 articles are grouped"),
        "{}",
        run.stderr
    );

    let once = tmp.path().join("once.db");
    let copy_file = write(tmp.path(), "copy.jsonl", input_line(&copy));
    ingest(&[&examples().join("jsonl"), &copy_file], &once);
    assert_same_tables(
        &export(&db, &tmp.path().join("loaded")),
        &export(&once, &tmp.path().join("once")),
    );
}

#[test]
fn a_directory_that_is_not_a_job_stops_before_the_store_is_touched() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kept.db");
    let input = write(
        tmp.path(),
        "one.jsonl",
        jsonl_line("kept", "2031-03-03", &paragraph(1)),
    );
    let run = dateline(&["ingest", input.to_str().unwrap(), "--quiet"], &db);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (articles, _) = job();
    let key = dateline_pipeline::annotation_key(dictionary());

    let missing = tmp.path().join("nowhere");
    let run = load(&missing, &db);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no such directory"), "{}", run.stderr);

    let no_manifest = tmp.path().join("no-manifest");
    write_articles(
        &no_manifest.join("articles/part-00000.parquet"),
        &ARTICLE_COLUMNS,
        &articles[..2],
    );
    let run = load(&no_manifest, &db);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("no-manifest/_dateline.json: missing"),
        "{}",
        run.stderr
    );

    let newer = tmp.path().join("newer");
    write_articles(
        &newer.join("articles/part-00000.parquet"),
        &ARTICLE_COLUMNS,
        &articles[..2],
    );
    write_manifest(&newer, 2, key);
    let run = load(&newer, &db);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("format 2 is not one"), "{}", run.stderr);

    let no_text = tmp.path().join("no-text");
    write_articles(
        &no_text.join("articles/part-00000.parquet"),
        &ARTICLE_COLUMNS,
        &articles[..2],
    );
    write_articles(
        &no_text.join("articles/part-00001.parquet"),
        &ARTICLE_COLUMNS[..8],
        &articles[2..4],
    );
    write_manifest(&no_text, 1, key);
    let run = load(&no_text, &db);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("articles/part-00001.parquet: no column `text`"),
        "{}",
        run.stderr
    );

    let no_articles = tmp.path().join("no-articles");
    write_manifest(&no_articles, 1, key);
    let run = load(&no_articles, &db);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("no-articles/articles: missing"),
        "{}",
        run.stderr
    );

    assert_eq!(stored(&db), 1, "the store kept its article and gained none");
}

#[test]
fn bad_rows_are_reported_and_the_rest_is_loaded() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("job");
    let article = |id: &str, seed: usize| {
        let mut a = Article::new(id, "2031-03-03".parse().unwrap(), paragraph(seed));
        a.lang = "en".into();
        a
    };
    let good = [article("good-1", 1), article("good-2", 2)];
    let bad_meta = article("bad-meta", 3);
    let mut columns = ARTICLE_COLUMNS;
    columns[7] = Column {
        name: "meta",
        kind: Kind::Text,
        cell: |a| match a.id.as_str() {
            "bad-meta" => Cell::text("{not json"),
            _ => Cell::Null,
        },
    };
    write_articles(
        &dir.join("articles/part-00000.parquet"),
        &columns,
        &[good[0].clone(), bad_meta, good[1].clone()],
    );
    let mut annotations = annotate_as_a_job(&good);
    annotations[1][1] = "{\"not\": \"an extraction\"}".into();
    annotations.insert(
        0,
        [
            "ghost".into(),
            annotations[0][1].clone(),
            "[]".into(),
            "[]".into(),
        ],
    );
    write_annotations(&dir.join("annotations/part-00000.parquet"), &annotations);
    write_manifest(&dir, 1, dateline_pipeline::annotation_key(dictionary()));
    let db = tmp.path().join("loaded.db");

    let run = load(&dir, &db);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for expected in [
        "articles/part-00000.parquet: record 2: meta is not JSON",
        "annotations/part-00000.parquet: record 1: no article \"ghost\" was stored",
        "annotations/part-00000.parquet: record 3: extraction is not an Extraction",
        "rejected 1 · annotations loaded 1 (0 already here, 2 skipped) · annotated here 1",
    ] {
        assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
    }
    assert_eq!(stored(&db), 2);
}
