#!/usr/bin/env python3
"""Score floors: fail when a headline figure drops more than 0.01 below gold/floors.json.

    floors.py FLOORS.json SCORES.tsv

SCORES.tsv has one `name<TAB>json` line per evaluation run (the JSON object that every
`dateline eval` prints last). FLOORS.json maps each name to the figures it must keep,
by dotted path into that object: {"ewt-test pos": {"f1": 0.9539}}. A floor whose
evaluation did not run is a failure too, so a dropped evaluation cannot pass silently.
Raising a floor is a one-line change in the commit that earns it.
"""
import json
import sys

TOLERANCE = 0.01


def lookup(report, path):
    for key in path.split("."):
        if not isinstance(report, dict) or key not in report:
            return None
        report = report[key]
    return report


def main(floors_path, scores_path):
    floors = json.load(open(floors_path, encoding="utf-8"))
    scores = {}
    for line in open(scores_path, encoding="utf-8"):
        if line.strip():
            name, _, report = line.rstrip("\n").partition("\t")
            scores[name] = json.loads(report)
    failures = 0
    print(f"{'evaluation':<40} {'figure':<22} {'floor':>7} {'now':>7}")
    for name, figures in floors.items():
        for path, floor in figures.items():
            value = lookup(scores[name], path) if name in scores else None
            if value is None:
                verdict = "MISSING"
            elif value < floor - TOLERANCE:
                verdict = "DROPPED"
            else:
                verdict = "ok" if value <= floor + TOLERANCE else "ok (raise the floor?)"
            failures += verdict in ("MISSING", "DROPPED")
            shown = "-" if value is None else f"{value:.4f}"
            print(f"{name:<40} {path:<22} {floor:>7.4f} {shown:>7}  {verdict}")
    for name in sorted(set(scores) - set(floors)):
        print(f"{name:<40} (no floor recorded)")
    if failures:
        print(f"{failures} figure(s) below their floor by more than {TOLERANCE} or missing",
              file=sys.stderr)
        return 1
    print("every figure holds its floor")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
