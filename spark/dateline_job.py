"""dateline on a Spark cluster: the records `dateline ingest` would store, as Parquet.

    spark-submit spark/dateline_job.py --input PATH --output DIR [--format jsonl|parquet]
                                       [--actors FILE ...] [--partitions N]

Reads JSON Lines or Parquet articles from any path Spark reads, and writes under DIR
one Parquet dataset per table of `dateline export --format parquet` (`articles`,
`mentions`, `actors`, `statements`, `events`), plus `rejects` (every record that could
not be read, with its file, line and reason: a bad record never fails the job),
`annotations` and `_dateline.json` (what `dateline load DIR` brings into a store).

The stages, and why each is where it is:

1. **read** (executors, `mapInArrow`): each line goes through `dateline.read`, the
   JSON Lines reader of `dateline ingest` (same cleaning, ids, validation, messages),
   which also gives the content hash and MinHash signature the store's duplicate
   decision reads. Lines are numbered per file from per-block counts, so a reject
   names its line as the CLI would.
2. **ids** (shuffle by id): the first record of an id in input order (file path by
   path components, then line) is kept; a later one with the same text is dropped,
   one with other text is rejected, as the store does.
3. **duplicates** (shuffle by LSH band key): the store's rule applied to the whole set
   at once (`dateline_dedupe::MatchKey`): each article's match is its best earlier
   article (by date, then id) at or above the threshold, exact copies first, then
   similarity, then the earliest; its group head is the match's head (pointer
   jumping). A function of the set, so it equals what any ingest order gives.
4. **extract** (executors, one barrier stage with a task per slot): each task
   prepares its articles once (`dateline.prepare`: language and actor layers from
   the article alone), the tasks exchange what their articles say about the people
   they name (`allGather`: the cross-article step), and each completes its articles
   with every fact dated on or before each one, so the records equal a store's that
   held every article. The tables come back as Arrow IPC and are written with the
   export's schema.
5. **registry** (shuffle by actor): the `actors` table, aggregated from the mentions
   the way the store computes it over an unbounded window.
"""

import argparse
import array
import json
import os
import sys


def python_with_dateline():
    """spark-submit runs `python3` from PATH unless PYSPARK_PYTHON says otherwise; when
    that Python lacks the package, run again with the Python of the environment
    spark-submit came from (SPARK_HOME is its site-packages/pyspark) — the same
    process, so the JVM's gateway stays connected."""
    try:
        import dateline  # noqa: F401
        import pyarrow  # noqa: F401
        return
    except ImportError:
        pass
    home = os.environ.get("SPARK_HOME", "")
    candidate = os.path.join(home, "..", "..", "..", "..", "bin", "python")
    if home and os.path.exists(candidate) and not os.environ.get("DATELINE_JOB_REEXEC"):
        os.environ["DATELINE_JOB_REEXEC"] = "1"
        os.execv(candidate, [candidate, *sys.argv])
    sys.exit(f"dateline_job: {sys.executable} has no `dateline` or `pyarrow` package: "
             "pip install ./python pyarrow into the Python spark-submit runs, or set "
             "PYSPARK_PYTHON to one that has them")


python_with_dateline()
# Executors run the driver's Python unless told otherwise.
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

import dateline  # noqa: E402
import pyarrow as pa  # noqa: E402
from pyspark import SparkFiles  # noqa: E402
from pyspark.sql import SparkSession, Window  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql.pandas.types import from_arrow_schema  # noqa: E402

TABLES = ("articles", "mentions", "statements", "events", "annotations", "registry")
THRESHOLD = 0.8  # dateline_dedupe::THRESHOLD
SIGNATURE_LEN = 128  # dateline_dedupe::SIGNATURE_LEN


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--input", required=True, help="file, directory or glob Spark can read")
    p.add_argument("--output", required=True, help="directory to write (replaced)")
    p.add_argument("--format", choices=["jsonl", "parquet"], default=None,
                   help="input format (default: parquet if PATH ends in .parquet, else jsonl)")
    p.add_argument("--actors", nargs="*", default=[],
                   help="Phoenix-format actor files added to the shipped dictionary")
    p.add_argument("--partitions", type=int, default=None,
                   help="extraction tasks, run at once (default and at most: the cluster's cores)")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.add_argument("--master", default=None, help="Spark master when not given to spark-submit")
    return p.parse_args(argv)


# --- 1. read ---------------------------------------------------------------------------

READ_SCHEMA = (
    "path array<string>, file string, line long, id string, date string, article string, "
    "content_hash long, minhash array<int>, bands array<long>, reason string"
)


def input_lines(spark, args):
    """(file, block, mid, value): one row per input record, `value` a JSON line."""
    fmt = args.format or ("parquet" if args.input.rstrip("/").endswith(".parquet") else "jsonl")
    reader = spark.read.option("recursiveFileLookup", "true")
    if fmt == "parquet":
        df = reader.parquet(args.input)
        value = F.to_json(F.struct(*[F.col(c) for c in df.columns]))
        # Parquet rows are numbered within their file: the row index is the line.
        return df.select(
            F.col("_metadata.file_path").alias("file"),
            F.lit(0).cast("long").alias("block"),
            F.col("_metadata.row_index").alias("mid"),
            value.alias("value"),
        )
    if os.path.isdir(args.input):
        # The files `dateline ingest` reads as JSON Lines in a directory (Spark
        # decompresses .gz by its extension).
        reader = reader.option("pathGlobFilter", "*.{jsonl,ndjson,jsonl.gz,ndjson.gz}")
    df = reader.text(args.input)
    return df.select(
        F.col("_metadata.file_path").alias("file"),
        F.col("_metadata.file_block_start").alias("block"),
        F.monotonically_increasing_id().alias("mid"),
        F.col("value"),
    )


def line_numbers(lines):
    """Per (file, block): the line number of its first record and its first `mid`.

    A text split holds the lines that start in it, in order, with consecutive ids;
    counting each block's lines numbers every line of a file exactly."""
    blocks = (lines.groupBy("file", "block")
              .agg(F.count("*").alias("n"), F.min("mid").alias("first_mid"))
              .collect())
    out = {}
    by_file = {}
    for b in blocks:
        by_file.setdefault(b["file"], []).append(b)
    for file, bs in by_file.items():
        line = 1
        for b in sorted(bs, key=lambda b: b["block"]):
            out[(file, b["block"])] = (line, b["first_mid"])
            line += b["n"]
    return out


def local_path(uri):
    """A file URI (`file:/a/b`, `file:///a/b`) as the path the CLI would print;
    any other URI as it is."""
    from urllib.parse import unquote, urlparse
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def one_pool_per_task():
    """The package's thread pool sized to the task's cores (`spark.task.cpus`), not to
    the host's: Spark already runs one task per core. Set before the pool's first use
    in this Python worker."""
    from pyspark import TaskContext
    context = TaskContext.get()
    os.environ.setdefault("RAYON_NUM_THREADS", str(context.cpus() if context else 1))


def read_partition(numbering):
    def run(batches):
        one_pool_per_task()
        for batch in batches:
            by_file = {}
            for row in batch.to_pylist():
                first_line, first_mid = numbering.value[(row["file"], row["block"])]
                row["line"] = first_line + (row["mid"] - first_mid)
                by_file.setdefault(row["file"], []).append(row)
            out = []
            # One call per file, so a reject names the file and line as `dateline ingest`.
            for file, rows in by_file.items():
                path = local_path(file)
                got = dateline.read([r["value"] for r in rows], origin=path,
                                    lines=[r["line"] for r in rows])
                results = {a.pop("index"): a for a in got["articles"]}
                reasons = {r["index"]: r["reason"] for r in got["rejected"]}
                for i, row in enumerate(rows):
                    if i not in results and i not in reasons:
                        continue  # a blank line, skipped as the CLI skips it
                    record = {"path": path.split("/"), "file": path, "line": row["line"],
                              "id": None, "date": None, "article": None, "content_hash": None,
                              "minhash": None, "bands": None, "reason": reasons.get(i)}
                    a = results.get(i)
                    if a is not None:
                        # The signature's u32 bins as int32: only equality is compared.
                        minhash = array.array("i", a.pop("minhash")).tolist()
                        record.update(content_hash=a.pop("content_hash"),
                                      minhash=minhash, bands=a.pop("bands"),
                                      id=a["id"], date=a["date"], article=json.dumps(a))
                    out.append(record)
            yield pa.RecordBatch.from_pylist(out, schema=READ_ARROW)
    return run


READ_ARROW = pa.schema([
    ("path", pa.list_(pa.string())), ("file", pa.string()), ("line", pa.int64()),
    ("id", pa.string()), ("date", pa.string()), ("article", pa.string()),
    ("content_hash", pa.int64()), ("minhash", pa.list_(pa.int32())), ("bands", pa.list_(pa.int64())),
    ("reason", pa.string()),
])


# --- 2. ids ----------------------------------------------------------------------------

def resolve_ids(good):
    """The first record of each id in input order; later ones with the same text are
    dropped, with other text rejected (the store keeps what it stored first). Only
    the ids given more than once are ranked, so whole rows are shuffled only for
    them."""
    repeated = good.groupBy("id").count().where("count > 1").select("id")
    single = good.join(F.broadcast(repeated), "id", "left_anti")
    order = Window.partitionBy("id").orderBy("path", "line")
    ranked = (good.join(F.broadcast(repeated), "id")
              .withColumn("rank", F.row_number().over(order))
              .withColumn("first_hash", F.first("content_hash").over(order)))
    kept = single.unionByName(ranked.filter("rank = 1").drop("rank", "first_hash"))
    conflicts = ranked.filter("rank > 1 AND content_hash <> first_hash").select(
        "file", "line",
        F.concat(F.col("file"), F.lit(":"), F.col("line").cast("string"),
                 F.lit(": id "), F.regexp_replace(F.to_json(F.array("id")), r"^\[|\]$", ""),
                 F.lit(" is already stored with different text; kept the stored article")
                 ).alias("reason"))
    return kept, conflicts


# --- 3. duplicates ---------------------------------------------------------------------

def similarity(a, b):
    """dateline_dedupe::Signature::similarity: the fraction of bins that agree."""
    agree = F.aggregate(F.zip_with(a, b, lambda x, y: F.when(x == y, 1).otherwise(0)),
                        F.lit(0), lambda total, x: total + x)
    return agree / F.lit(float(SIGNATURE_LEN))


def duplicate_heads(kept):
    """(id, dup_of) for every copy: the store's rule applied to the whole set."""
    sig = kept.select("id", "date", "content_hash", "minhash", F.explode("bands").alias("band"))
    a, b = sig.alias("a"), sig.alias("b")
    earlier = (F.col("a.date") < F.col("b.date")) | (
        (F.col("a.date") == F.col("b.date")) & (F.col("a.id") < F.col("b.id")))
    pairs = (a.join(b, F.col("a.band") == F.col("b.band")).where(earlier)
             .select(F.col("b.id").alias("id"), F.col("a.id").alias("via"),
                     F.col("a.date").alias("via_date"),
                     (F.col("a.content_hash") == F.col("b.content_hash")).alias("exact"),
                     F.col("a.minhash").alias("ma"), F.col("b.minhash").alias("mb"))
             .dropDuplicates(["id", "via"]))
    matches = (pairs.withColumn("similarity", similarity(F.col("ma"), F.col("mb")))
               .where((F.col("similarity") >= THRESHOLD) | F.col("exact")))
    best = Window.partitionBy("id").orderBy(
        F.col("exact").desc(), F.col("similarity").desc(), F.col("via_date"), F.col("via"))
    via = (matches.withColumn("rank", F.row_number().over(best)).where("rank = 1")
           .select("id", F.col("via").alias("head")))
    # Pointer jumping: replace each head by its own head until none has one.
    while True:
        via = via.localCheckpoint()
        step = via.alias("x").join(via.alias("y"), F.col("x.head") == F.col("y.id"), "left")
        if step.where(F.col("y.head").isNotNull()).limit(1).count() == 0:
            return via.withColumnRenamed("head", "dup_of")
        via = step.select(F.col("x.id").alias("id"),
                          F.coalesce(F.col("y.head"), F.col("x.head")).alias("head"))


# --- 4, 5. facts and extraction --------------------------------------------------------

def actor_paths(names):
    return [SparkFiles.get(n) for n in names]


def extract_partition(actor_names):
    """Barrier tasks: each prepares its articles (language and actor layers, once),
    all exchange what their articles say about people, then each completes its
    articles with every fact dated on or before each one."""
    def run(batches):
        from pyspark import BarrierTaskContext
        context = BarrierTaskContext.get()
        one_pool_per_task()
        records = []
        for batch in batches:
            for row in batch.to_pylist():
                article = json.loads(row["article"])
                if row["dup_of"]:
                    article["dup_of"] = row["dup_of"]
                records.append(article)
        paths = actor_paths(actor_names)
        # Prepared in chunks and completed chunk by chunk, so that only one chunk's
        # records are out at a time and no Arrow message outgrows an executor's heap.
        chunks = [dateline.prepare(records[i:i + CHUNK], actors=paths, cleaned=True)
                  for i in range(0, len(records), CHUNK)]
        del records
        everyone = context.allGather(join_json_arrays(c.facts_json() for c in chunks))
        facts = join_json_arrays(everyone)
        while chunks:
            tables = chunks.pop(0).complete(facts=facts, annotations=True)
            for name in TABLES:
                for batch in tables[name].to_batches(max_chunksize=CHUNK):
                    sink = pa.BufferOutputStream()
                    with pa.ipc.new_stream(sink, batch.schema) as writer:
                        writer.write_batch(batch)
                    yield pa.RecordBatch.from_pylist(
                        [{"table": name, "ipc": sink.getvalue().to_pybytes()}], schema=EXTRACTED)
    return run


# Articles per prepared chunk and rows per Arrow message out of a barrier task.
CHUNK = 1000


def join_json_arrays(arrays):
    """One JSON array of the items of several (JSON text, as `facts_json` gives)."""
    return "[" + ",".join(a[1:-1] for a in arrays if a.strip() != "[]") + "]"


EXTRACTED = pa.schema([("table", pa.string()), ("ipc", pa.binary())])


def decode():
    def run(batches):
        for batch in batches:
            for blob in batch.column("ipc").to_pylist():
                for part in pa.ipc.open_stream(blob):
                    yield part
    return run


def table_schemas():
    """Each table's Arrow schema, as the package writes it."""
    return {name: table.schema for name, table in dateline.extract_tables(
        [], annotations=True).items()}


# --- the actor registry ----------------------------------------------------------------

def naming():
    """Mentions whose text names their actor (the store's `names_its_actor!`)."""
    return F.col("resolved_from").isNull() | F.col("resolved_from").isin(
        "surname", "known_surname", "short_name")


def actor_registry(mentions, articles, registry):
    """The `actors` table as `dateline export` computes it over an unbounded window
    (crates/store/src/annotations.rs: `Store::actor`): one row per actor with
    mentions; its name, kind and dictionary codes from the articles that named it
    (the least row, as the store keeps it), codes the text gave it when the
    dictionary gave none, aliases most used first, counts and first and last dates."""
    m = mentions.join(articles.select(F.col("id").alias("article_id"), "date"), "article_id")
    m = m.where(F.col("actor_id").isNotNull()).withColumnRenamed("actor_id", "id")
    counts = m.groupBy("id").agg(
        F.count("*").alias("mentions"), F.countDistinct("article_id").alias("articles"),
        F.min("date").alias("first_seen"), F.max("date").alias("last_seen"))
    named = (registry.groupBy("id")
             .agg(F.min(F.struct("name", "kind", "dictionary_codes")).alias("row"))
             .select("id", "row.name", "row.kind", "row.dictionary_codes"))

    alias_counts = (m.where(naming()).groupBy("id", "text").agg(F.count("*").alias("n")))
    aliases = alias_counts.groupBy("id").agg(
        F.transform(F.sort_array(F.collect_list(F.struct(
            (-F.col("n")).alias("order"), F.col("text"),
            F.least(F.size(F.split(F.trim("text"), r"\s+")), F.lit(2)).alias("words"),
            F.col("n")))), lambda a: a).alias("ranked"))
    aliases = aliases.select(
        "id", F.transform("ranked", lambda a: a["text"]).alias("aliases"),
        # The most telling alias: two words or more first, then the most used, then the last text.
        F.array_max(F.transform("ranked", lambda a: F.struct(a["words"], a["n"], a["text"])))
        ["text"].alias("best_alias"))

    learned = (m.where(F.col("code").isNotNull()).groupBy("id", "code")
               .agg(F.min("date").alias("first"), F.max("date").alias("last"))
               .groupBy("id").agg(F.sort_array(F.collect_list(F.struct(
                   "first", "code", "last"))).alias("spans"))
               .select("id", F.to_json(F.transform("spans", lambda c: F.struct(
                   c["code"].alias("code"),
                   F.date_format(c["first"], "yyyy-MM-dd").alias("from"),
                   F.date_format(F.date_add(c["last"], 1), "yyyy-MM-dd").alias("to"),
                   F.lit("text").alias("origin")))).alias("learned_codes")))

    r = (counts.join(named, "id", "left").join(aliases, "id", "left")
         .join(learned, "id", "left"))
    is_learned = F.col("dictionary_codes") == "[]"
    name = (F.when(~is_learned, F.col("name"))
            .when(F.array_contains(F.coalesce("aliases", F.array().cast("array<string>")),
                                   F.col("name")), F.col("name"))
            .otherwise(F.coalesce("best_alias", "name")))
    codes = F.when(is_learned, F.coalesce("learned_codes", F.lit("[]"))).otherwise(
        F.col("dictionary_codes"))
    return r.select(
        "id", name.alias("name"), "kind", codes.alias("codes"),
        F.coalesce("aliases", F.array().cast("array<string>")).alias("aliases"),
        "mentions", "articles", "first_seen", "last_seen")


def task_slots(sc):
    """How many tasks the cluster runs at once now (executors have registered by the
    time the input is read). `defaultParallelism` is not it: standalone says 2 for a
    single one-core executor, and a barrier stage wider than the slots never starts."""
    try:
        core = sc._jsc.sc()
        slots = core.maxNumConcurrentTasks(core.resourceProfileManager().defaultResourceProfile())
        if slots > 0:
            return slots
    except Exception:  # an API Spark keeps internal: fall back to the documented one
        pass
    return sc.defaultParallelism


class Progress:
    """One line per finished stage on stderr, with the time since the start."""

    def __init__(self, quiet):
        import time
        self.quiet, self.clock, self.start = quiet, time.monotonic, time.monotonic()

    def __call__(self, message):
        if not self.quiet:
            print(f"dateline [{self.clock() - self.start:6.1f}s] {message}", file=sys.stderr,
                  flush=True)


def write_text(sc, path, text):
    """A small file written through Hadoop's file systems, so any output Spark writes
    to (HDFS, S3, a local path) takes it."""
    jvm = sc._jvm
    target = jvm.org.apache.hadoop.fs.Path(path)
    fs = target.getFileSystem(sc._jsc.hadoopConfiguration())
    stream = fs.create(target, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def write_table(df, out, name):
    df.write.mode("overwrite").parquet(os.path.join(out, name))


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    builder = SparkSession.builder.appName("dateline").config("spark.ui.enabled", "false")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    if not sc.getConf().contains("spark.sql.shuffle.partitions"):
        # Spark's 200 is for clusters; tables here shuffle little.
        spark.conf.set("spark.sql.shuffle.partitions", str(max(4, 2 * sc.defaultParallelism)))
    for path in args.actors:
        sc.addFile(os.path.abspath(path))
    actor_names = [os.path.basename(p) for p in args.actors]
    out = args.output

    progress = Progress(args.quiet)
    lines = input_lines(spark, args)
    lines = lines.persist()
    numbering = sc.broadcast(line_numbers(lines))
    parsed = lines.mapInArrow(read_partition(numbering), READ_SCHEMA).persist()
    good = parsed.where("reason IS NULL")
    kept, conflicts = resolve_ids(good)
    kept = kept.persist()
    rejects = (parsed.where("reason IS NOT NULL").select("file", "line", "reason")
               .unionByName(conflicts).persist())
    write_table(rejects.orderBy("file", "line"), out, "rejects")
    progress(f"read {parsed.count()} records, {rejects.count()} rejected")

    heads = duplicate_heads(kept).persist()
    # Barrier tasks run all at once: one partition per slot.
    slots = args.partitions or task_slots(sc)
    articles = (kept.join(heads, "id", "left").select("id", "date", "article", "dup_of")
                .repartition(slots, "id").persist())
    progress(f"{articles.count()} articles, {heads.count()} of them copies of another")

    schemas = table_schemas()
    extracted = articles.mapInArrow(extract_partition(actor_names), "table string, ipc binary",
                                    barrier=True).persist()
    extracted.count()
    progress(f"extracted on {slots} slots")
    frames = {}
    for name in TABLES:
        frame = extracted.where(F.col("table") == name).mapInArrow(
            decode(), from_arrow_schema(schemas[name]))
        frames[name] = frame
        write_table(frame, out, name)
        progress(f"wrote {name}")
    written = {name: spark.read.parquet(os.path.join(out, name))
               for name in ("mentions", "articles", "registry")}
    write_table(actor_registry(written["mentions"], written["articles"], written["registry"]),
                out, "actors")
    progress("tables written")

    manifest = {"format": 1, "pipeline_version": dateline.PIPELINE_VERSION,
                "annotation_key": dateline.annotation_key(actors=args.actors)}
    write_text(sc, os.path.join(out, "_dateline.json"), json.dumps(manifest))
    counts = {"read": parsed.count(), "rejected": rejects.count(), "articles": articles.count(),
              "duplicates": heads.count()}
    progress(json.dumps(counts))
    spark.stop()
    return counts


if __name__ == "__main__":
    main()
