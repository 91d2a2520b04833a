#!/usr/bin/env bash
# Fuzz smoke test (what CI calls): installs cargo-fuzz if missing, seeds the corpora,
# builds every target, runs each for FUZZ_SECONDS (default 30) seconds, one at a time
# and niced, and fails on any crash, timeout or OOM, printing the target and the
# artifact. Prints each target's executions and the total.
#
#   bash fuzz/smoke.sh                      # every target, 30 s each
#   FUZZ_SECONDS=300 bash fuzz/smoke.sh extract tokenize   # some targets, longer
#
# Needs the nightly toolchain (`cargo +nightly`). Builds into fuzz/target (override
# with CARGO_TARGET_DIR); logs go to fuzz/logs/<target>/ (libFuzzer's fuzz-0.log).
set -uo pipefail

FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$FUZZ_DIR/target}"
ALL_TARGETS=(ingest_jsonl ingest_table ingest_html ingest_warc ingest_warc_gz ingest_feed
    ingest_seed tokenize quotes extract)
if [[ $# -gt 0 ]]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

die() { echo "smoke: $*" >&2; exit 2; }

cargo +nightly --version > /dev/null 2>&1 || die "the nightly toolchain is missing (cargo +nightly)"
if ! cargo fuzz --version > /dev/null 2>&1; then
    echo "smoke: installing cargo-fuzz"
    nice -n 19 cargo install cargo-fuzz --locked || die "cargo install cargo-fuzz failed"
fi

bash "$FUZZ_DIR/seed-corpus.sh" || die "seeding the corpora failed"

# No sanitizer: the code under test is safe Rust, and ASan would halve the executions.
# Debug assertions and overflow checks are on (cargo fuzz's default).
echo "smoke: building fuzz targets"
nice -n 19 cargo +nightly fuzz build --fuzz-dir "$FUZZ_DIR" -s none || die "build failed"
BIN="$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release"

failed=0
total=0
report=()
for target in "${TARGETS[@]}"; do
    [[ -x "$BIN/$target" ]] || die "no such fuzz target: $target"
    logdir="$FUZZ_DIR/logs/$target"
    mkdir -p "$logdir" "$FUZZ_DIR/artifacts/$target" "$FUZZ_DIR/corpus/$target"
    rm -f "$logdir"/fuzz-*.log
    echo "smoke: fuzzing $target for ${FUZZ_SECONDS}s"
    # -jobs=1 -workers=1: exactly one fuzzing process; libFuzzer writes its output to
    # fuzz-0.log in the working directory, hence the cd.
    (cd "$logdir" && nice -n 19 "$BIN/$target" \
        -artifact_prefix="$FUZZ_DIR/artifacts/$target/" \
        -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
        -jobs=1 -workers=1 -print_final_stats=1 \
        "$FUZZ_DIR/corpus/$target" > "$logdir/run.log" 2>&1)
    rc=$?
    log="$logdir/fuzz-0.log"
    [[ -f "$log" ]] || log="$logdir/run.log"
    execs="$(grep -a 'stat::number_of_executed_units' "$log" | tail -n 1 | awk '{print $2}')"
    if [[ -z "$execs" ]]; then
        # No final stats (killed hard): the last status line's counter.
        execs="$(grep -aoE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')"
    fi
    execs="${execs:-0}"
    total=$((total + execs))
    artifacts="$(grep -aoE 'Test unit written to .*' "$log" | sed 's/^Test unit written to //' | sort -u)"
    kind="$(grep -aoE 'ERROR: libFuzzer: [a-z -]+' "$log" | head -n 1 | sed 's/ERROR: libFuzzer: //')"
    if [[ $rc -ne 0 || -n "$artifacts" ]]; then
        failed=1
        status="FAILED (${kind:-exit code $rc})"
        echo "smoke: $target FAILED: ${kind:-exit code $rc}" >&2
        grep -a -m 1 -A 3 "panicked at" "$log" >&2 || true
        for a in $artifacts; do
            echo "smoke:   artifact: $a" >&2
            echo "smoke:   reproduce: cargo +nightly fuzz run --fuzz-dir fuzz -s none $target $a" >&2
        done
        echo "smoke:   log: $log" >&2
    else
        status=ok
    fi
    report+=("$(printf '%-16s %6ss %14s  %s' "$target" "$FUZZ_SECONDS" "$execs" "$status")")
done

echo
printf '%-16s %7s %14s  %s\n' target time executions status
printf '%s\n' "${report[@]}"
printf '%-16s %7s %14s\n' total "" "$total"
if [[ $failed -ne 0 ]]; then
    echo "smoke: FAILED: a fuzz target crashed, timed out or ran out of memory" >&2
    exit 1
fi
echo "smoke: ok"
