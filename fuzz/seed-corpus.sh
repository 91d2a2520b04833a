#!/usr/bin/env bash
# Builds fuzz/corpus/<target>/ for every fuzz target, at run time, from the project's
# own fictional examples (examples/) plus a few synthetic edge cases and, when it is
# there, a small slice of the shared real-news data (SHARED_DATA, default
# ../../shared/data beside the repo, else /work/shared/data). Real news text only ever
# lands in corpus/, which is gitignored: never commit it.
#
# Idempotent: seeds are (re)written under fixed names, so the inputs libFuzzer added
# to a corpus during earlier runs are kept.
set -euo pipefail

FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$FUZZ_DIR")"
EX="$ROOT/examples"
CORPUS="$FUZZ_DIR/corpus"
# How many shared-data articles to sample (0 to use none).
SHARED_ARTICLES="${SHARED_ARTICLES:-12}"
if [[ -z "${SHARED_DATA:-}" ]]; then
    for candidate in "$ROOT/../shared/data" /work/shared/data; do
        if [[ -d "$candidate" ]]; then SHARED_DATA="$candidate"; break; fi
    done
fi

TARGETS=(ingest_jsonl ingest_table ingest_html ingest_warc ingest_warc_gz ingest_feed
    ingest_seed tokenize quotes extract)
for t in "${TARGETS[@]}"; do mkdir -p "$CORPUS/$t"; done

# seed TARGET NAME: writes stdin to corpus/TARGET/seed-NAME.
seed() { cat > "$CORPUS/$1/seed-$2"; }
# prefixed TARGET NAME PREFIX FILE: PREFIX (printf format) then FILE.
prefixed() { { printf "$3"; cat "$4"; } | seed "$1" "$2"; }

# --- JSON Lines: each example line alone, the first three together, edge cases.
n=0
while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    printf '%s\n' "$line" | seed ingest_jsonl "example-$n"
done < "$EX/jsonl/articles.jsonl"
head -n 3 "$EX/jsonl/articles.jsonl" | seed ingest_jsonl example-head3
printf '{"text":"The envoy said \\"no\\".","date":"2031-03-04"}\n\n{"text":1}\n[]\n{"text":"x"' |
    seed ingest_jsonl synthetic-mixed
printf '{"id":7,"published":"Wed, 05 Mar 2031 09:00:00 +0000","outlet":"O","title":"A\\nB","text":"Advertisement\\n\\nBody text.\\r\\n"}\r\n' |
    seed ingest_jsonl synthetic-fields

# --- CSV/TSV: the first byte picks the delimiter (\t = TSV, else CSV).
prefixed ingest_table csv ',' "$EX/csv/articles.csv"
prefixed ingest_table tsv '\t' "$EX/csv/briefs.tsv"
{ printf ','; head -n 3 "$EX/csv/articles.csv"; } | seed ingest_table csv-head
printf ',text,date,title\n"multi\nline ""quoted""",2031-03-04,T\nshort row\n' | seed ingest_table synthetic

# --- HTML pages, seed files, feeds: whole example files.
for f in "$EX"/html/*.html; do seed ingest_html "$(basename "$f")" < "$f"; done
printf '<html><body><time datetime="2031-05-24">x</time><p>%s</p></body></html>' \
    "The ferry resumed service after the strike, officials in the port said on the day." |
    seed ingest_html synthetic-time
for f in "$EX"/seed/*.txt; do seed ingest_seed "$(basename "$f")" < "$f"; done
printf 'date 2031-02-30 Bad date\n\nText.' | seed ingest_seed synthetic-bad-date
for f in "$EX"/rss/*; do seed ingest_feed "$(basename "$f")" < "$f"; done

# --- WARC: the whole example crawl and each record alone (split on version lines).
seed ingest_warc crawl < "$EX/warc/crawl.warc"
records="$(mktemp -d)"
trap 'rm -rf "$records"' EXIT
awk -v dir="$records" '/^WARC\/1\.[01]\r?$/ { n++ } n { print > (dir "/record-" n) }' "$EX/warc/crawl.warc"
for r in "$records"/record-*; do seed ingest_warc "$(basename "$r")" < "$r"; done

# --- WARC.gz: [control, param] then the payload (see fuzz_targets/ingest_warc_gz.rs).
prefixed ingest_warc_gz raw-crawl '\x80\x00' "$EX/warc/crawl.warc.gz"
prefixed ingest_warc_gz crawl '\x00\x00' "$EX/warc/crawl.warc"
prefixed ingest_warc_gz crawl-two-members '\x01\x80' "$EX/warc/crawl.warc"
i=0
for r in "$records"/record-*; do
    i=$((i + 1))
    case $((i % 3)) in
        0) control='\x00\x00' ;;
        1) control='\x02\x05' ;;
        2) control='\x05\x40' ;;
    esac
    prefixed ingest_warc_gz "$(basename "$r")" "$control" "$r"
done

# --- Plain article text for the tokenizer, the quote scanner and extraction.
for f in "$EX"/seed/*.txt; do
    for t in tokenize quotes extract; do seed "$t" "$(basename "$f")" < "$f"; done
done
synthetic=(
    'Mr. Vasko met U.S. envoys in Jan. and left. "No talks," she said—firmly... Really?!'
    $'\u201cFirst part.\n\n\u201cSecond part,\u201d she said.\n\nThen \u201ca stray mark.\n\nNext \u201cok\u201d here.'
    "Don't pay \$1,000.50 (5%) by 10/13/2031 at https://example.org/a?b=c, mail ed@example.org #Talks2031."
    $'HESSELWYN \u2014 President Ilena Marsk said on Tuesday that Veldora would "not bargain", according to officials.'
)
i=0
for s in "${synthetic[@]}"; do
    i=$((i + 1))
    for t in tokenize quotes extract; do printf '%s' "$s" | seed "$t" "synthetic-$i"; done
done

# --- Optional: a few real articles from the shared data (corpus/ only, never committed).
if [[ -n "${SHARED_DATA:-}" && "$SHARED_ARTICLES" -gt 0 ]] && command -v python3 > /dev/null; then
    jsonl="$SHARED_DATA/news-wikinews-small/wikinews_small.jsonl"
    if [[ -f "$jsonl" ]]; then
        head -n "$SHARED_ARTICLES" "$jsonl" | python3 -c '
import json, os, sys
corpus = sys.argv[1]
for n, line in enumerate(sys.stdin, 1):
    text = json.loads(line)["text"][:6000]
    with open(os.path.join(corpus, "ingest_jsonl", f"seed-shared-{n}"), "w") as f:
        f.write(line)
    for target in ("tokenize", "quotes", "extract"):
        with open(os.path.join(corpus, target, f"seed-shared-{n}"), "w") as f:
            f.write(text)
' "$CORPUS"
    fi
fi

for t in "${TARGETS[@]}"; do
    printf '%-16s %4d inputs\n' "$t" "$(find "$CORPUS/$t" -type f | wc -l)"
done
