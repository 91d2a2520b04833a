#!/usr/bin/env python3
"""Score system timelines against gold timelines with tilse's alignment-based ROUGE.

Reproduces the evaluation protocol of news-tls (Ghalandari & Ifrim, ACL 2020,
experiments/evaluate.py::evaluate): for every gold timeline, the system
timeline is scored with

    tilse.evaluation.rouge.TimelineRougeEvaluator(
        measures=["rouge_1", "rouge_2"], rouge_computation="original"
    ).evaluate_align_date_content_costs_many_to_one(system, GroundTruth([gold]))

(AR-1 / AR-2, Martschat & Markert 2017/2018), plus date selection P/R/F1
(exact day match of the two date sets).  See benches/tilse/README.md.

Layout:
    DATASET/<topic>/timelines.jsonl   gold, one timeline per line
    OUT/<topic>/timelines.jsonl       system, one timeline per gold timeline, same order
Each line is a JSON list of ["YYYY-MM-DD", ["sentence", ...]] pairs.

Usage:
    python3 benches/tilse/score.py --dataset DIR --out OUT [--json] [--jobs N]

Run it with the venv made by benches/tilse/setup.sh (tilse 0.2.1 + Perl ROUGE-1.5.5).
"""

import argparse
import datetime
import json
import os
import re
import sys

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIMELINES_FILE = "timelines.jsonl"


class InputError(Exception):
    pass


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------

def parse_date(value, where):
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise InputError(f"{where}: bad date {value!r} (expected \"YYYY-MM-DD\")")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as e:
        raise InputError(f"{where}: bad date {value!r} ({e})") from None


def parse_timeline(obj, where):
    """JSON list of [date, [sentences]] -> {datetime.date: [str]}."""
    if not isinstance(obj, list):
        raise InputError(f"{where}: a timeline must be a JSON list of [date, [sentences]] pairs")
    out = {}
    for k, item in enumerate(obj):
        iw = f"{where}, entry {k}"
        if not (isinstance(item, list) and len(item) == 2):
            raise InputError(f"{iw}: expected a [date, [sentences]] pair, got {json.dumps(item)[:80]}")
        date = parse_date(item[0], iw)
        sents = item[1]
        if not (isinstance(sents, list) and all(isinstance(s, str) for s in sents)):
            raise InputError(f"{iw}: sentences must be a JSON list of strings")
        if date in out:
            raise InputError(f"{iw}: duplicate date {item[0]} in one timeline")
        out[date] = list(sents)
    return out


def read_timelines(path, label):
    if not os.path.isfile(path):
        raise InputError(f"{label}: missing file {path}")
    timelines = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{where}: invalid JSON ({e})") from None
            timelines.append(parse_timeline(obj, where))
    return timelines


def load_pairs(dataset, out):
    """Return [(topic, index, gold_tl, sys_tl)] in topic order, then file order."""
    if not os.path.isdir(dataset):
        raise InputError(f"--dataset {dataset}: not a directory")
    if not os.path.isdir(out):
        raise InputError(f"--out {out}: not a directory")
    topics = sorted(t for t in os.listdir(dataset)
                    if os.path.isfile(os.path.join(dataset, t, TIMELINES_FILE)))
    if not topics:
        raise InputError(f"--dataset {dataset}: no <topic>/{TIMELINES_FILE} found")
    extra = sorted(t for t in os.listdir(out)
                   if os.path.isfile(os.path.join(out, t, TIMELINES_FILE)) and t not in topics)
    if extra:
        print(f"warning: topics in --out but not in --dataset are ignored: {', '.join(extra)}",
              file=sys.stderr)
    pairs = []
    for topic in topics:
        gold = read_timelines(os.path.join(dataset, topic, TIMELINES_FILE), f"gold topic {topic}")
        sys_path = os.path.join(out, topic, TIMELINES_FILE)
        if not os.path.isfile(sys_path):
            raise InputError(f"missing topic in --out: {topic} (expected {sys_path})")
        system = read_timelines(sys_path, f"system topic {topic}")
        if len(system) != len(gold):
            raise InputError(f"topic {topic}: {len(gold)} gold timeline(s) but {len(system)} "
                             f"system timeline(s) in {sys_path} (need one per gold timeline, same order)")
        for i, (g, s) in enumerate(zip(gold, system)):
            if not g:
                raise InputError(f"topic {topic}: gold timeline {i} has no dates")
            pairs.append((topic, i, g, s))
    return pairs


# --------------------------------------------------------------------------
# scoring
# --------------------------------------------------------------------------

_EVALUATOR = None
_ROUGE_MODE = "original"


def _evaluator():
    global _EVALUATOR
    if _EVALUATOR is None:
        from tilse.evaluation import rouge
        _EVALUATOR = rouge.TimelineRougeEvaluator(
            measures=["rouge_1", "rouge_2"], rouge_computation=_ROUGE_MODE)
    return _EVALUATOR


def _init_worker(mode):
    global _ROUGE_MODE, _EVALUATOR
    _ROUGE_MODE, _EVALUATOR = mode, None


def _prf(p, r, f):
    return {"precision": float(p), "recall": float(r), "f_score": float(f)}


def date_scores(sys_dates, gold_dates):
    # Same as news-tls evaluate_dates / tilse.evaluation.dates.evaluate_dates,
    # except that an empty system timeline scores 0 instead of dividing by zero.
    shared = len(sys_dates & gold_dates)
    p = shared / len(sys_dates) if sys_dates else 0.0
    r = shared / len(gold_dates) if gold_dates else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return _prf(p, r, f)


def score_pair(pair):
    topic, index, gold, system = pair
    from tilse.data.timelines import GroundTruth, Timeline
    gold_tl = Timeline(gold)
    sys_tl = Timeline(system)
    ground_truth = GroundTruth([gold_tl])
    if sys_tl.get_dates():
        res = _evaluator().evaluate_align_date_content_costs_many_to_one(sys_tl, ground_truth)
        ar1 = _prf(*(res["rouge_1"][k] for k in ("precision", "recall", "f_score")))
        ar2 = _prf(*(res["rouge_2"][k] for k in ("precision", "recall", "f_score")))
    else:
        # tilse raises on an empty system timeline (argmin of empty sequence); score it 0.
        ar1 = _prf(0, 0, 0)
        ar2 = _prf(0, 0, 0)
    dates = date_scores(sys_tl.get_dates(), ground_truth.get_dates())
    return {
        "topic": topic,
        "index": index,
        "gold_dates": len(gold_tl.get_dates()),
        "sys_dates": len(sys_tl.get_dates()),
        "ar1": ar1,
        "ar2": ar2,
        "date": dates,
    }


def averages(rows):
    n = len(rows)
    out = {}
    for key in ("ar1", "ar2", "date"):
        mean_f = sum(r[key]["f_score"] for r in rows) / n
        # news-tls get_average_results: average P and R over timelines, then F of those.
        p = sum(r[key]["precision"] for r in rows) / n
        r_ = sum(r[key]["recall"] for r in rows) / n
        f = 2 * p * r_ / (p + r_) if p + r_ else 0.0
        out[key] = {"mean_f": mean_f, "newstls": _prf(p, r_, f)}
    return out


def count_angle_brackets(pairs):
    n = 0
    for _, _, g, s in pairs:
        for tl in (g, s):
            n += sum(1 for sents in tl.values() for x in sents if "<" in x)
    return n


def main(argv=None):
    global _ROUGE_MODE
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", required=True, help="gold: DIR/<topic>/timelines.jsonl")
    ap.add_argument("--out", required=True, help="system: OUT/<topic>/timelines.jsonl")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    ap.add_argument("--jobs", type=int, default=1,
                    help="score timelines in N processes (each ROUGE call runs Perl; default 1)")
    ap.add_argument("--rouge", choices=["original", "reimpl"], default="original",
                    help="tilse rouge_computation: 'original' = ROUGE-1.5.5 Perl (news-tls, default); "
                         "'reimpl' = tilse's approximate Python reimplementation (faster, NOT comparable)")
    args = ap.parse_args(argv)
    _ROUGE_MODE = args.rouge

    try:
        pairs = load_pairs(args.dataset, args.out)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    try:
        import tilse.evaluation.rouge  # noqa: F401
    except ImportError as e:
        print(f"error: cannot import tilse ({e}); create a venv with benches/tilse/setup.sh VENV "
              f"and run this script with VENV/bin/python", file=sys.stderr)
        return 3

    n_lt = count_angle_brackets(pairs)
    if n_lt and args.rouge == "original":
        print(f"warning: {n_lt} sentence(s) contain '<'; ROUGE-1.5.5 reads its SEE/HTML input with "
              f"[^<]+ and drops the rest of such a sentence (same as news-tls)", file=sys.stderr)

    if args.jobs > 1 and len(pairs) > 1:
        import multiprocessing
        with multiprocessing.Pool(min(args.jobs, len(pairs)), initializer=_init_worker,
                                  initargs=(args.rouge,)) as pool:
            rows = pool.map(score_pair, pairs, chunksize=1)
    else:
        rows = [score_pair(p) for p in pairs]

    avg = averages(rows)
    if args.json:
        print(json.dumps({
            "timelines": len(rows),
            "ar1_f": avg["ar1"]["mean_f"],
            "ar2_f": avg["ar2"]["mean_f"],
            "date_f1": avg["date"]["mean_f"],
            "newstls_average": {k: avg[k]["newstls"] for k in ("ar1", "ar2", "date")},
            "rouge_computation": args.rouge,
            "per_timeline": rows,
        }, indent=1))
        return 0

    lab_mean = f"mean of per-timeline F ({len(rows)} timelines)"
    lab_news = "news-tls average (F of mean P, mean R)"
    lw = max(len("topic") + 17, max(len(r["topic"]) for r in rows) + 17, len(lab_mean), len(lab_news))
    tw = lw - 17
    hdr = f"{'topic':<{tw}}  {'idx':>3}  {'sys':>4}  {'gold':>4}  {'AR-1 F':>7}  {'AR-2 F':>7}  {'date F1':>7}"
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        print(f"{r['topic']:<{tw}}  {r['index']:>3}  {r['sys_dates']:>4}  {r['gold_dates']:>4}  "
              f"{r['ar1']['f_score']:>7.4f}  {r['ar2']['f_score']:>7.4f}  {r['date']['f_score']:>7.4f}")
    print("-" * len(hdr))
    print(f"{lab_mean:<{lw}}  {avg['ar1']['mean_f']:>7.4f}  {avg['ar2']['mean_f']:>7.4f}  "
          f"{avg['date']['mean_f']:>7.4f}")
    print(f"{lab_news:<{lw}}  {avg['ar1']['newstls']['f_score']:>7.4f}  "
          f"{avg['ar2']['newstls']['f_score']:>7.4f}  {avg['date']['newstls']['f_score']:>7.4f}")
    if args.rouge != "original":
        print(f"(rouge_computation={args.rouge}: not comparable to news-tls numbers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
