#!/usr/bin/env bash
# Create a Python venv with tilse 0.2.1 (alignment-based timeline ROUGE) so that
# benches/tilse/score.py can run.  Usage: benches/tilse/setup.sh VENV
#
# Needs: python3 (>= 3.8; tested 3.11), perl with XML::Parser and DB_File
# (Debian: perl + libxml-parser-perl).  Fetches only from PyPI; nothing is
# fetched at scoring time (no nltk data is used).
set -euo pipefail

VENV="${1:?usage: $0 VENV}"
PYTHON="${PYTHON:-python3}"

# Pinned versions (tested on CPython 3.11).
PINS=(
  "numpy==1.26.4"
  "scipy==1.11.4"
  "nltk==3.9.1"
  "click==8.1.7"
  "joblib==1.4.2"
  "regex==2024.11.6"
  "tqdm==4.67.1"
)
TILSE="tilse==0.2.1"

# --- system prerequisites for ROUGE-1.5.5 (Perl) ---------------------------
command -v perl >/dev/null || { echo "setup: perl not found (apt-get install perl)" >&2; exit 1; }
if ! perl -MXML::Parser -MDB_File -e1 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing libxml-parser-perl (needed by ROUGE-1.5.5's bundled XML::DOM)" >&2
    apt-get install -y -q libxml-parser-perl >&2 || { apt-get update -q >&2 && apt-get install -y -q libxml-parser-perl >&2; }
  else
    echo "setup: perl modules XML::Parser and DB_File are required (Debian: apt-get install libxml-parser-perl)" >&2
    exit 1
  fi
fi

# --- venv + packages --------------------------------------------------------
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "${PINS[@]}"
# tilse declares heavy deps (spacy, textacy, numba, scikit-learn, ...) that the
# evaluation path does not import: install it without them.
"$VENV/bin/pip" install -q --disable-pip-version-check --no-deps "$TILSE"

SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
ROUGE_HOME="$SITE/pyrouge/tools/ROUGE-1.5.5"
[ -f "$ROUGE_HOME/ROUGE-1.5.5.pl" ] || { echo "setup: ROUGE-1.5.5.pl not found under $ROUGE_HOME" >&2; exit 1; }

# --- patches ----------------------------------------------------------------
# No source patch is needed on Python 3.11 (see README).  Guard only: pyrouge
# executes the Perl script directly, so make sure it keeps its exec bit (the
# 0.2.1 wheel already installs it 0755).
chmod +x "$ROUGE_HOME/ROUGE-1.5.5.pl"


# --- smoke test: run the real Perl ROUGE once --------------------------------
"$VENV/bin/python" - <<'PY'
import datetime
from tilse.data.timelines import Timeline, GroundTruth
from tilse.evaluation import rouge
d = datetime.date(2020, 1, 1)
ref = GroundTruth([Timeline({d: ["the quick brown fox jumps over the lazy dog ."]})])
pred = Timeline({d: ["the quick brown fox jumps over the lazy dog ."]})
ev = rouge.TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"], rouge_computation="original")
s = ev.evaluate_align_date_content_costs_many_to_one(pred, ref)
assert abs(s["rouge_1"]["f_score"] - 1.0) < 1e-9, s
assert abs(s["rouge_2"]["f_score"] - 1.0) < 1e-9, s
print("setup: tilse + ROUGE-1.5.5 smoke test OK", s["rouge_1"]["f_score"], s["rouge_2"]["f_score"])
PY
echo "setup: done; run: $VENV/bin/python benches/tilse/score.py --dataset DIR --out OUT"
