"""Spark against `dateline extract`, on one machine, in one run.

    python spark/bench.py [--articles 20000] [--input FILE.jsonl[.gz]] [--bin PATH]

Takes the first N records of the input (default: the Wikipedia current-events items in
../shared) and measures, one after another on this machine:

1. `dateline extract` pinned to one core (the baseline per-core throughput);
2. the machine's own ceiling: two `dateline extract`s on the two halves, each pinned
   to its own core, at once (what two cores give a process that shares nothing);
3. the Python package's `dateline.extract` on one core;
4. the Spark job on a standalone cluster on 127.0.0.1 with one worker of one core,
   then with two workers of one core: the whole job, and its extraction stage (the
   barrier tasks: prepare, exchange facts, complete) from the job's progress lines.

Prints a Markdown table of times and the ratios docs/BENCHMARKS.md reports. Run it
with the Python that has pyspark and dateline; nothing else should load the machine.
"""

import argparse
import gzip
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_INPUT = ROOT.parent / "shared/data/news-wikipedia-current-events/cep_2002-2026.jsonl.gz"


def head(source, n, target):
    opener = gzip.open if str(source).endswith(".gz") else open
    with opener(source, "rt") as f, open(target, "w") as out:
        for i, line in enumerate(f):
            if i == n:
                break
            out.write(line)


def timed(command, ok=(0, 1), **kwargs):
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode not in ok:
        sys.exit(f"{command[0]} failed: {(done.stdout + done.stderr)[-3000:]}")
    return time.monotonic() - start, done.stdout + done.stderr


def spark_job(master, source, out, env):
    spark_submit = str(pathlib.Path(sys.executable).parent / "spark-submit")
    seconds, log = timed([spark_submit, "--master", master, str(ROOT / "spark/dateline_job.py"),
                          "--input", str(source), "--output", str(out)], ok=(0,), env=env)
    stamps = dict((m.group(2), float(m.group(1))) for m in re.finditer(
        r"dateline \[\s*([\d.]+)s\] (\d+ articles|extracted)", log))
    begin = next((v for k, v in stamps.items() if k.endswith("articles")), None)
    stage = stamps.get("extracted", 0) - begin if begin is not None else float("nan")
    return seconds, stage


def cluster(state, workers, env):
    script = str(ROOT / "spark/cluster.sh")
    started = subprocess.run([script, "start", str(state), str(workers), "1"], env=env,
                             capture_output=True, text=True, timeout=120)
    if started.returncode != 0:
        sys.exit(started.stderr)
    return started.stdout.strip(), lambda: subprocess.run([script, "stop", str(state)], env=env)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=20000)
    p.add_argument("--input", default=str(DEFAULT_INPUT))
    p.add_argument("--bin", default=str(ROOT / "target/release/dateline"))
    args = p.parse_args()
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable,
               PYSPARK_DRIVER_PYTHON=sys.executable)
    work = pathlib.Path(tempfile.mkdtemp(prefix="dateline-spark-bench-"))
    try:
        data = work / "in"
        data.mkdir()
        source = data / "articles.jsonl"
        head(args.input, args.articles, source)
        lines = source.read_text().splitlines(keepends=True)
        half = len(lines) // 2
        (work / "a.jsonl").write_text("".join(lines[:half]))
        (work / "b.jsonl").write_text("".join(lines[half:]))
        n = len(lines)

        one, _ = timed(["taskset", "-c", "0", args.bin, "extract", str(source)])
        start = time.monotonic()
        halves = [subprocess.Popen(["taskset", "-c", str(i), args.bin, "extract", str(work / f)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                  for i, f in enumerate(("a.jsonl", "b.jsonl"))]
        for h in halves:
            h.wait()
        two = time.monotonic() - start
        # Records loaded as dicts first (a notebook has them already); the time covers
        # the call, models loaded on first use included, as the binary's covers its.
        _, said = timed(["taskset", "-c", "0", sys.executable, "-c",
                         "import json, sys, time, dateline\n"
                         "records = [json.loads(l) for l in open(sys.argv[1])]\n"
                         "start = time.monotonic(); dateline.extract(records)\n"
                         "print(time.monotonic() - start)", str(source)],
                        env=dict(env, RAYON_NUM_THREADS="1"))
        python = float(said.split()[0])

        results = {}
        for workers in (1, 2):
            url, stop = cluster(work / f"cluster{workers}", workers, env)
            try:
                results[workers] = spark_job(url, data, work / f"out{workers}", env)
            finally:
                stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    (job1, stage1), (job2, stage2) = results[1], results[2]
    print(f"| {n} current-events items, this machine ({os.cpu_count()} cores) | seconds | articles/s |")
    print("|---|---|---|")
    for name, s in [("`dateline extract`, 1 core", one),
                    ("2 × `dateline extract` on halves, 1 core each (the machine's ceiling)", two),
                    ("`dateline.extract` (Python), 1 core", python),
                    ("Spark standalone, 1 worker × 1 core: whole job", job1),
                    ("… its extraction stage", stage1),
                    ("Spark standalone, 2 workers × 1 core: whole job", job2),
                    ("… its extraction stage", stage2)]:
        print(f"| {name} | {s:.1f} | {n / s:,.0f} |")
    print()
    print(f"- machine ceiling, 2 cores vs 1: {one / two:.2f}×")
    print(f"- Spark, 2 workers vs 1: whole job {job1 / job2:.2f}×, extraction stage "
          f"{stage1 / stage2:.2f}×")
    print(f"- per-core throughput inside Spark (extraction stage, 1 worker) vs "
          f"`dateline extract`: {one / stage1:.0%}; whole job: {one / job1:.0%}")
    print(f"- Python package vs binary, 1 core: {one / python:.0%}")


if __name__ == "__main__":
    main()
