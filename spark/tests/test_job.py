"""The Spark job gives the records `dateline ingest` gives, row for row.

Each test runs `spark/dateline_job.py` with spark-submit on `local[2]` or on a
standalone cluster of two one-core workers on 127.0.0.1, and `dateline ingest` plus
`dateline export --format parquet` on the same input, and compares the five tables
normalised (spark/compare.py). Inputs: the fictional examples, and the real corpora
in ../shared (GUM Wikinews, Wikinews, the first Wikipedia current-events items) with
a file of bad lines, an id conflict and copies of our own.

Needs pyspark and the dateline package in this Python, Java 17, and the `dateline`
binary (DATELINE_BIN, else target/release or target/debug). Skips without them, or
without ../shared; fails instead when CI is set.
"""

import gzip
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "spark"))
import compare  # noqa: E402

# Spark tests are slow; each job is bounded.
JOB_TIMEOUT = 900


def need(condition, why):
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)


def binary():
    given = os.environ.get("DATELINE_BIN")
    candidates = [given] if given else [ROOT / "target/release/dateline", ROOT / "target/debug/dateline"]
    found = next((pathlib.Path(c) for c in candidates if c and pathlib.Path(c).exists()), None)
    need(found is not None, "no dateline binary: cargo build --release, or set DATELINE_BIN")
    return str(found)


def spark_submit():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        need(False, "pyspark is not installed in this Python")
    need(shutil.which("java") is not None, "no java on PATH (Spark needs Java 17)")
    path = pathlib.Path(sys.executable).parent / "spark-submit"
    need(path.exists(), f"no spark-submit beside {sys.executable}")
    return str(path)


def env():
    return dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable,
                PYSPARK_DRIVER_PYTHON=sys.executable)


def run_job(master, source, out, *extra):
    done = subprocess.run(
        [spark_submit(), "--master", master, str(ROOT / "spark/dateline_job.py"),
         "--input", str(source), "--output", str(out), *extra],
        env=env(), capture_output=True, text=True, timeout=JOB_TIMEOUT)
    assert done.returncode == 0, done.stderr[-4000:]
    # spark-submit relays the Python driver's stderr on its stdout.
    return done.stdout + done.stderr


def ingest_export(source, work, *extra):
    db = work / "ingest.db"
    done = subprocess.run([binary(), "ingest", str(source), "--db", str(db), "--quiet", *extra],
                          capture_output=True, text=True, timeout=JOB_TIMEOUT)
    # Exit 1: some records rejected, as the real corpora have.
    assert done.returncode in (0, 1), done.stderr
    subprocess.run([binary(), "export", "--format", "parquet", "--out", str(work / "export"),
                    "--db", str(db)], check=True, capture_output=True, timeout=JOB_TIMEOUT)
    return work / "export", done.stderr


def assert_same(export, out):
    problems = compare.differences(export, out)
    assert not problems, "\n".join(problems)


# Our own lines (fictional): bad records, an id given twice with other text, the same
# record twice, and near copies whose best match is not the first one seen.
BAD_LINES = [
    '{"id": "fx-1", "date": "2031-02-30", "text": "The council of Veldmark met."}',
    "not json at all",
    '{"id": "fx-2", "text": "No date here."}',
    '{"id": "fx-3", "date": "2031-03-01", "text": ""}',
]
WIRE = ("The harbour authority of the fictional city of Orlenport said on Monday that the "
        "northern quay would stay closed until the inspectors of the Veldmark shipping board "
        "had finished their survey of the damaged cranes and the flooded warehouses. ")
GOOD_LINES = [
    {"id": "fx-10", "date": "2031-03-02", "text": WIRE * 3},
    {"id": "fx-10", "date": "2031-03-02", "text": WIRE * 3},
    {"id": "fx-10", "date": "2031-03-02", "text": "Another text under an id already given."},
    {"id": "fx-11", "date": "2031-03-04", "text": WIRE * 3 + "A spokesman declined to comment."},
    {"id": "fx-12", "date": "2031-03-01", "text": WIRE * 2 + "Reporting by a fictional wire."},
]


@pytest.fixture(scope="session")
def real_news(tmp_path_factory):
    need(SHARED.is_dir(), f"{SHARED} not found")
    d = tmp_path_factory.mktemp("real")
    shutil.copy(SHARED / "news-gum-wikinews/gum_wikinews.jsonl", d / "gum.jsonl")
    shutil.copy(SHARED / "news-wikinews-small/wikinews_small.jsonl", d / "wikinews.jsonl")
    with gzip.open(SHARED / "news-wikipedia-current-events/cep_2002-2026.jsonl.gz", "rt") as f, \
            open(d / "current-events.jsonl", "w") as out:
        for i, line in enumerate(f):
            if i == 2000:
                break
            out.write(line)
    with open(d / "z-ours.jsonl", "w") as out:
        for line in BAD_LINES:
            out.write(line + "\n")
        for record in GOOD_LINES:
            out.write(json.dumps(record) + "\n")
        out.write("\n")  # a blank line: skipped by ingest, so by the job
    return d


def test_examples_with_their_actor_file_on_local_2_equal_ingest_and_load_back(tmp_path):
    source = ROOT / "examples/jsonl"
    actors = ("--actors", str(ROOT / "examples/dictionary/fictional.actors"))
    export, _ = ingest_export(source, tmp_path, *actors)
    out = tmp_path / "spark"
    run_job("local[2]", source, out, *actors)
    assert_same(export, out)
    # `dateline load` brings the directory into a store that exports the same, with
    # the job's annotations kept (made with the same dictionaries).
    db = tmp_path / "loaded.db"
    loaded = subprocess.run([binary(), "load", str(out), "--db", str(db), *actors],
                            check=True, capture_output=True, text=True, timeout=JOB_TIMEOUT)
    assert "annotations loaded 16" in loaded.stderr and "annotated here 0" in loaded.stderr, \
        loaded.stderr
    subprocess.run([binary(), "export", "--format", "parquet", "--out", str(tmp_path / "loaded"),
                    "--db", str(db)], check=True, capture_output=True, timeout=JOB_TIMEOUT)
    for name in compare.TABLES:
        import pyarrow.parquet as pq
        a = pq.read_table(export / f"{name}.parquet")
        b = pq.read_table(tmp_path / "loaded" / f"{name}.parquet")
        assert compare.rows(a, a.column_names) == compare.rows(b, a.column_names), name


def test_real_news_on_local_2_equal_ingest_with_rejects_named(tmp_path, real_news):
    export, log = ingest_export(real_news, tmp_path)
    out = tmp_path / "spark"
    run_job("local[2]", real_news, out)
    assert_same(export, out)
    import pyarrow.dataset as ds
    rejects = ds.dataset(out / "rejects", format="parquet").to_table().to_pylist()
    ours = str(real_news / "z-ours.jsonl")
    named = sorted((r["line"], r["reason"].split(": ", 1)[0]) for r in rejects if r["file"] == ours)
    # The four bad lines and the id given again with other text, each by its line.
    assert named == [(i, f"{ours}:{i}") for i in (1, 2, 3, 4, 7)], named
    # As many rejects as ingest reported.
    total = sum(int(line.split()[1]) for line in log.splitlines() if line.startswith("  rejected "))
    if total:
        assert len(rejects) == total


def test_parquet_input_equals_ingest_of_the_same_records(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    source = ROOT / "examples/jsonl/articles.jsonl"
    records = [json.loads(line) for line in source.read_text().splitlines() if line.strip()]
    # Every field any record has becomes a column (from_pylist reads the first row only).
    table = pa.Table.from_batches([pa.RecordBatch.from_struct_array(pa.array(records))])
    pq.write_table(table, tmp_path / "articles.parquet")
    export, _ = ingest_export(source, tmp_path)
    out = tmp_path / "spark"
    run_job("local[2]", tmp_path / "articles.parquet", out)
    assert_same(export, out)


@pytest.fixture
def cluster(tmp_path):
    spark_submit()
    state = tmp_path / "cluster"
    script = str(ROOT / "spark/cluster.sh")
    started = subprocess.run([script, "start", str(state), "2", "1"], env=env(),
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([script, "stop", str(state)], env=env(), timeout=60)


def test_real_news_on_a_standalone_cluster_of_two_workers_equal_ingest(tmp_path, real_news,
                                                                        cluster):
    export, _ = ingest_export(real_news, tmp_path)
    out = tmp_path / "spark"
    log = run_job(cluster, real_news, out)
    progress = [line for line in log.splitlines() if line.startswith("dateline [")]
    assert any("extracted on 2 slots" in line for line in progress), progress
    assert_same(export, out)
