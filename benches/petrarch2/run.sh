#!/usr/bin/env bash
# PETRARCH-2 beside dateline on our real-news event gold (dev and test splits), both fed
# the same parses: ours, converted to Penn-Treebank trees. See README.md.
#
#   PETRARCH2_DIR=/path/to/petrarch2/petrarch2 PY2_SITE=/path/to/site \
#     benches/petrarch2/run.sh WORK_DIR          (from the repository root)
set -euo pipefail
work=${1:?usage: run.sh WORK_DIR}
: "${PETRARCH2_DIR:?set PETRARCH2_DIR to the petrarch2 package folder (where petrarch2.py is)}"
: "${PY2_SITE:?set PY2_SITE to the folder python-dateutil and six were installed into}"
here=$(cd "$(dirname "$0")" && pwd)
dictionaries=$(cd ../shared/data/cameo-dictionaries && pwd)
python2=${PYTHON2:-python2.7}
dateline=${DATELINE_BIN:-target/release/dateline}
mkdir -p "$work/input" "$work/trees" "$work/out"
export WIKINEWS
WIKINEWS=$(cd ../shared/data/news-wikinews-small && pwd)/wikinews_small.jsonl

# PETRARCH-2's own default configuration, pointed at the shared Phoenix dictionaries.
sed -e "s|^verbfile_name .*|verbfile_name    = $dictionaries/CAMEO.2.0.txt|" \
  -e "s|^actorfile_list .*|actorfile_list   = $dictionaries/Phoenix.Countries.actors.txt, $dictionaries/Phoenix.International.actors.txt, $dictionaries/Phoenix.MilNonState.actors.txt|" \
  -e "s|^agentfile_name .*|agentfile_name   = $dictionaries/Phoenix.agents.txt|" \
  -e "s|^discardfile_name .*|discardfile_name = $dictionaries/Phoenix.discards.txt|" \
  -e "s|^issuefile_name .*|issuefile_name   = $dictionaries/Phoenix.IssueCoding.txt|" \
  "$PETRARCH2_DIR/data/config/PETR_config.ini" >"$work/PETR_config.ini"

python3 "$here/select_split.py" "$work/input"
names="wikinews-dev wikinews-test current-events-dev current-events-test"
for name in $names; do
  "$dateline" extract --conllu "$work/input/$name.jsonl" >"$work/input/$name.conllu"
  "$dateline" extract "$work/input/$name.jsonl" >"$work/ours-$name.jsonl"
  python3 "$here/ud2ptb.py" "$work/input/$name.conllu" "$work/trees/$name.jsonl"
done
(cd "$work" && "$python2" "$here/run_peer.py" --trees trees --out out --config PETR_config.ini $names)
cat "$work/out/summary.txt"

for name in $names; do
  python3 "$here/peer_extractions.py" "$work/ours-$name.jsonl" "$work/out/$name.jsonl" >"$work/peer-$name.jsonl"
  corpus=${name%-*}
  split=${name##*-}
  for who in ours peer; do
    printf '%s %s %s: ' "$corpus" "$split" "$who"
    "$dateline" eval events --gold "gold/events/$corpus.jsonl" --predictions "$work/$who-$name.jsonl" \
      --split "$split" 2>/dev/null | tail -n 1 | python3 -c 'import json, sys
d = json.load(sys.stdin)
print("root P/R/F1 %.3f / %.3f / %.3f, dyad P/R/F1 %.3f / %.3f / %.3f" % (
    d["precision"], d["recall"], d["f1"], d["dyad"]["precision"], d["dyad"]["recall"], d["dyad"]["f1"]))'
  done
done
