#!/usr/bin/env bash
# Score the invented fixture and compare with fixture/expected.json.
# Usage: benches/tilse/check_fixture.sh VENV    (VENV made by benches/tilse/setup.sh)
set -euo pipefail
VENV="${1:?usage: $0 VENV}"
HERE="$(cd "$(dirname "$0")" && pwd)"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
for s in identical partial disjoint; do
  "$VENV/bin/python" "$HERE/score.py" --dataset "$HERE/fixture/gold" --out "$HERE/fixture/sys_$s" --json > "$TMP/$s.json"
done
"$VENV/bin/python" - "$HERE/fixture/expected.json" "$TMP" <<'PY'
import json, sys
expected = json.load(open(sys.argv[1]))
bad = 0
for name, exp in expected["systems"].items():
    got = json.load(open(f"{sys.argv[2]}/{name}.json"))
    for key in ("ar1_f", "ar2_f", "date_f1"):
        ok = abs(got[key] - exp[key]) <= 1e-6
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {name:<9} {key:<8} got {got[key]:.6f} expected {exp[key]:.6f}")
    for k in ("ar1", "ar2", "date"):
        g, e = got["newstls_average"][k]["f_score"], exp["newstls_average"][k]
        ok = abs(g - e) <= 1e-6
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {name:<9} newstls_{k:<4} got {g:.6f} expected {e:.6f}")
print(f"fixture: {'FAILED' if bad else 'all scores match'}")
sys.exit(1 if bad else 0)
PY
