#!/bin/bash
# Runs libFuzzer targets for a bounded time each (make fuzz, and CI).
#
#   run.sh [--time SECONDS] [--jobs N] [--corpus DIR] [--work DIR] TARGET...
#
# TARGET is a fuzz binary tests/fuzz/fuzz-NAME.  Each run starts from the
# committed seeds (--corpus DIR/NAME, read only) and from what earlier runs
# found (--work DIR/NAME, where new inputs go).  A crash, a leak, a timeout
# or a violated property leaves the input in DIR/NAME-crashes/ and fails
# the run; replay it with tests/fuzz/replay-NAME FILE (any build) or
# tests/fuzz/fuzz-NAME FILE.  Exit: 0 when every target ran clean.
set -euo pipefail

time=60 jobs=1 corpus='' work=tests/fuzz/work
while [ $# -gt 0 ]; do
    case $1 in
        --time) time=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --corpus) corpus=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --) shift; break ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || { echo "usage: run.sh [--time S] [--jobs N] [--corpus DIR] [--work DIR] TARGET..." >&2; exit 2; }

run_one() {
    local target=$1 name log rc=0
    name=${target##*/}
    name=${name#fuzz-}
    mkdir -p "$work/$name" "$work/$name-crashes"
    log=$work/$name.log
    local -a dirs=("$work/$name")
    [ -z "$corpus" ] || [ ! -d "$corpus/$name" ] || dirs+=("$corpus/$name")
    # -timeout: one input taking 10 s is a hang.  -max_len: the targets
    # ignore inputs past 64 KiB anyway (the cache target needs ~10 KiB).
    # The outer timeout catches a fuzzer that does not stop by itself.
    timeout -k 10 $((time + 120)) "$target" \
        -max_total_time="$time" -timeout=10 -rss_limit_mb=2048 \
        -max_len=20000 -print_final_stats=1 \
        -artifact_prefix="$work/$name-crashes/" "${dirs[@]}" \
        >"$log" 2>&1 || rc=$?
    local stats
    stats=$(grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$log" | tail -n 2 | tr '\n' ' ')
    if [ $rc -eq 0 ]; then
        printf 'fuzz-%s: clean, %s s; %s; corpus %s inputs\n' "$name" "$time" \
            "$stats" "$(find "$work/$name" -type f | wc -l)"
    else
        printf 'fuzz-%s: FAILED (status %s); last lines of %s:\n' "$name" "$rc" "$log"
        tail -n 40 "$log" | sed 's/^/    /'
        ls -1 "$work/$name-crashes/" | sed "s|^|    input: $work/$name-crashes/|"
    fi
    return $rc
}

status=0
pids=()
mkdir -p "$work"
for target in "$@"; do
    [ -x "$target" ] || { echo "run.sh: $target is not built" >&2; exit 2; }
    while [ "${#pids[@]}" -ge "$jobs" ]; do
        # Wait for the oldest run, keep its status.
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}")
    done
    # Each run reports in one piece, so that parallel reports do not mix.
    { rc=0; run_one "$target" >"$work/${target##*/}.report" 2>&1 || rc=$?
      cat "$work/${target##*/}.report"; exit $rc; } &
    pids+=($!)
done
for pid in "${pids[@]}"; do
    wait "$pid" || status=1
done
exit $status
