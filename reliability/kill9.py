#!/usr/bin/env python3
"""SIGKILL `dateline ingest` at random points, resume it, and compare with a clean run.

    DATELINE_BIN=/tmp/rel/dateline python3 reliability/kill9.py --trials 20 --articles 5000
    python3 reliability/kill9.py --quick          # 3 trials, 500 articles (CI)

Exit status: 0 when every trial ends with a store that passes `dateline check` and
whose export equals the reference's; 1 otherwise. See README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import log  # noqa: E402
import storediff  # noqa: E402


def ingest_args(corpus: Path, actors: Path, db: Path) -> list[str]:
    return [common.binary(), "ingest", str(corpus), "--db", str(db), "--quiet",
            "--actors", str(actors)]


def run_ingest(corpus, actors, db, timeout=3600) -> tuple[int, str, float]:
    t0 = time.monotonic()
    r = subprocess.run(ingest_args(corpus, actors, db), capture_output=True, text=True,
                       timeout=timeout)
    return r.returncode, r.stdout + r.stderr, time.monotonic() - t0


def killed_run(corpus, actors, db, delay: float) -> dict:
    """Starts an ingest, SIGKILLs it after `delay` seconds if it is still running."""
    proc = subprocess.Popen(ingest_args(corpus, actors, db), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    try:
        proc.wait(timeout=delay)
        landed = False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        landed = True
    err = proc.stderr.read()
    proc.stderr.close()
    return {"delay": round(delay, 3), "landed": landed, "ran": round(time.monotonic() - t0, 3),
            "rc": proc.returncode, "stderr": err.strip()[-500:]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1, help="corpus and kill-time seed")
    ap.add_argument("--quick", action="store_true", help="3 trials on 500 articles")
    ap.add_argument("--double-kill", type=float, default=0.3,
                    help="probability that a trial kills twice before resuming (0.3)")
    ap.add_argument("--early", type=float, default=0.0,
                    help="probability that a kill is drawn from [0, --early-window] instead "
                         "(the storing stage is ~1%% of a run, so uniform kills rarely hit it)")
    ap.add_argument("--early-window", type=float, default=2.0, help="seconds (2.0)")
    ap.add_argument("--workdir", type=Path, help="keep everything here (default: a temp dir)")
    ap.add_argument("--no-deep", action="store_true",
                    help="skip the comparison of internal SQLite tables (storediff.py)")
    ap.add_argument("--report", type=Path, help="write the JSON report here")
    a = ap.parse_args()
    if a.quick:
        a.trials, a.articles = 3, 500
    try:
        os.nice(10)  # everything below, children included, runs niced: shared machine
    except OSError:
        pass

    work = a.workdir or Path(tempfile.mkdtemp(prefix="dateline-kill9-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = common.write_jsonl(work / "corpus.jsonl", common.generate_corpus(a.articles, a.seed))
    actors = work / "corpus.actors"
    actors.write_text(common.actor_dictionary(a.seed))
    log(f"kill9: {a.articles} articles, {a.trials} trials, seed {a.seed}, work dir {work}")

    ref_db = work / "ref.db"
    common.remove_store(ref_db)
    rc, out, clean_s = run_ingest(corpus, actors, ref_db)
    if rc != 0:
        log(f"reference ingest failed ({rc}):\n{out}")
        return 1
    ok, out = common.check(ref_db)
    if not ok:
        log(f"reference store fails check:\n{out}")
        return 1
    ref = common.export_tables(ref_db, work / "ref-export")
    ref_deep = None if a.no_deep else storediff.snapshot(ref_db)
    log(f"reference: clean ingest {clean_s:.1f}s; export {common.digest(ref)}")

    totals = {"trials": 0, "kills": 0, "kills_mid_run": 0, "kills_after_finish": 0,
              "corrupt": 0, "resume_failed": 0, "lost": 0, "duplicated": 0,
              "mismatched": 0, "internal_mismatched": 0, "failed_trials": 0}
    trials = []
    t_start = time.monotonic()
    for t in range(a.trials):
        rng = random.Random(a.seed * 1_000_003 + t)
        db = work / f"trial-{t}.db"
        common.remove_store(db)
        n_kills = 2 if rng.random() < a.double_kill else 1
        trial = {"trial": t, "kills": [], "problems": []}
        for k in range(n_kills):
            if a.early > 0 and rng.random() < a.early:
                delay = rng.uniform(0, a.early_window)  # start-up and the storing stage
            else:
                delay = rng.uniform(0, clean_s)
            kill = killed_run(corpus, actors, db, delay)
            totals["kills"] += 1
            totals["kills_mid_run" if kill["landed"] else "kills_after_finish"] += 1
            if not kill["landed"] and kill["rc"] != 0:
                trial["problems"].append(f"run {k} finished with {kill['rc']}: {kill['stderr']}")
            if "panicked" in kill["stderr"]:
                trial["problems"].append(f"panic in run {k}: {kill['stderr']}")
            if db.exists():
                ok, out = common.check(db)
                kill["check_after"] = ok
                if not ok:
                    totals["corrupt"] += 1
                    trial["problems"].append(f"check failed right after kill {k}: {out[-800:]}")
            trial["kills"].append(kill)
        rc, out, resume_s = run_ingest(corpus, actors, db)
        trial["resume"] = {"rc": rc, "seconds": round(resume_s, 2), "output": out.strip()[-400:]}
        if rc != 0:
            totals["resume_failed"] += 1
            trial["problems"].append(f"resume exited {rc}: {out.strip()[-800:]}")
        ok, out = common.check(db)
        trial["check"] = ok
        if not ok:
            totals["corrupt"] += 1
            trial["problems"].append(f"check failed after resume: {out[-800:]}")
        try:
            got = common.export_tables(db, work / f"trial-{t}-export")
            diff = common.compare_tables(ref, got)
        except RuntimeError as e:
            diff = {"lost": 0, "duplicated": 0, "mismatched": 1, "tables": {},
                    "examples": [str(e)]}
        trial["diff"] = diff
        for key in ("lost", "duplicated", "mismatched"):
            totals[key] += diff[key]
        if diff["lost"] or diff["duplicated"] or diff["mismatched"]:
            trial["problems"].append(f"export differs from reference: {diff['tables']} "
                                     f"e.g. {diff['examples'][:3]}")
        if ref_deep is not None:
            deep = storediff.compare(ref_deep, storediff.snapshot(db))
            trial["internal"] = deep
            if deep:
                totals["internal_mismatched"] += sum(v["missing"] + v["extra"]
                                                     for v in deep.values())
                trial["problems"].append(f"internal tables differ: {deep}")
        totals["trials"] += 1
        if trial["problems"]:
            totals["failed_trials"] += 1
        trials.append(trial)
        kills_txt = ", ".join(f"{k['delay']:.1f}s{'*' if k['landed'] else ''}"
                              for k in trial["kills"])
        log(f"trial {t + 1}/{a.trials}: kills at {kills_txt} (* = landed mid-run); "
            f"resume {resume_s:.1f}s rc={rc}; check {'ok' if ok else 'FAILED'}; "
            f"{'OK' if not trial['problems'] else 'FAIL: ' + '; '.join(trial['problems'])[:600]}")
        # keep the disk small: drop passing trials' stores and exports
        if not trial["problems"]:
            common.remove_store(db)
            for p in (work / f"trial-{t}-export").glob("*"):
                p.unlink()
            (work / f"trial-{t}-export").rmdir()

    summary = {"articles": a.articles, "seed": a.seed, "clean_ingest_s": round(clean_s, 2),
               "elapsed_s": round(time.monotonic() - t_start, 1), **totals,
               "reference": common.digest(ref), "work": str(work)}
    report = {"summary": summary, "trials": trials}
    (a.report or work / "kill9-report.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(summary, indent=1))
    failed = totals["failed_trials"] > 0
    print("kill9: FAIL" if failed else "kill9: PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
