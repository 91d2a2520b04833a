#!/usr/bin/env bash
# Load test of `dateline serve` on loopback: a 100k-article store (the synthetic
# corpus of `dateline bench`, plus the annotated examples so statements, events and
# timelines have rows), then wrk with 64 connections for a bounded time over a mix
# of API routes. Prints wrk's report and one RESULT line.
#
#   benches/load_test.sh [WORK_DIR] [SECONDS] [CONNECTIONS]
#
# LOAD_MIX=nosearch leaves the searches out of the mix (to see the rest of the API
# apart from ranking).
# Needs wrk (Debian: apt-get install wrk). Loopback only; stops the server on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-bench-out}
seconds=${2:-60}
connections=${3:-64}
port=${LOAD_PORT:-18731}
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 1; }
cargo build -q --release
bin=target/release/dateline
mkdir -p "$work"
db="$work/load-100000.db"
if [ ! -f "$db" ]; then
  # The bench writes the synthetic corpus (and times its own ingest of it).
  [ -f "$work/corpus-v2-100000.jsonl" ] ||
    "$bin" bench --sizes 100000 --queries 10 --peer /nonexistent --work "$work" >/dev/null
  # Examples first, annotated; then the corpus stored without annotation (an
  # annotating ingest annotates everything pending, which is not what is measured).
  "$bin" ingest examples --actors examples/dictionary/fictional.actors --db "$db.part" --quiet
  "$bin" ingest "$work/corpus-v2-100000.jsonl" --no-extract --db "$db.part" --quiet
  # The search index lives beside the file and moves with it.
  mv "$db.part-search" "$db-search"
  mv "$db.part" "$db"
fi

# The request mix: 200 searches (9 in 10 requests; 20 hits, as the UI asks), listings, filters, one article,
# actors and timelines, with and without as_of.
paths="$work/load-paths.txt"
python3 - "$work/corpus-v2-100000.jsonl" > "$paths" <<'PY'
import collections, json, random, sys
random.seed(7)
# Query words as `dateline bench` draws them: word types of ranks 10–2000 by
# frequency, uniformly, one or two per query, and in one query of six a first word
# among the ten commonest (found in most articles).
counts = collections.Counter()
with open(sys.argv[1]) as f:
    for i, line in enumerate(f):
        if i >= 2000:
            break
        counts.update(w for w in json.loads(line)["text"].split() if w.isalpha())
ranked = [w for w, _ in counts.most_common(2000)]
words, commonest = ranked[10:], ranked[:10]
for i in range(200):
    # One search in six starts with one of the ten commonest words (in most articles).
    terms = random.sample(words, random.randint(1, 2))
    if i % 6 == 5:
        terms[0] = random.choice(commonest)
    print("/api/search?limit=20&q=" + "%20".join(terms))
listings = ["/api/articles?limit=50", "/api/statements?limit=50", "/api/events?limit=50",
            "/api/events?source=VLD&limit=20", "/api/statements?speaker=Ilena%20Marsk",
            "/api/actors?limit=20", "/api/actors/ilena-marsk",
            "/api/timeline?actor=Ilena%20Marsk&topic=negotiation",
            "/api/timeline?actor=VLD&with=HLD", "/api/articles/hl-2031-03-01-island-clash",
            "/api/health"]
for p in listings:
    print(p)
    if "health" not in p:
        print(p + ("&" if "?" in p else "?") + "as_of=2031-04-15")
PY

"$bin" serve --db "$db" --addr "127.0.0.1:$port" 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break
  sleep 0.2
done
echo "store: $(curl -s "http://127.0.0.1:$port/api/health")"
# Any path that does not answer 200 would count as an error below; check first.
while read -r p; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$p")
  [ "$code" = 200 ] || { echo "GET $p answered $code" >&2; exit 1; }
done < <(sort -u "$paths" | grep -v search | head -50)
if [ "${LOAD_MIX:-all}" = nosearch ]; then
  grep -v '^/api/search' "$paths" > "$paths.nosearch"
  paths="$paths.nosearch"
fi
LOAD_PATHS="$paths" wrk -t2 -c"$connections" -d"${seconds}s" --latency --timeout 10s \
  -s benches/load_mix.lua "http://127.0.0.1:$port/"
