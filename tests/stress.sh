#!/bin/bash
# Stress, with the library in a real /etc/ld.so.preload (tests/sandbox.sh)
# and every run under a timeout, so a hang fails fast instead of stalling
# make check:
#   1. 8 threads x 250 fork+exec while 4 threads are inside the hook all
#      along (execs that are logged, fail with ENOEXEC and are logged again):
#      0 hung children, exactly 2,000 worker lines, exactly 2 lines per
#      hammer call;
#   2. exec from a SIGALRM handler that interrupts the hook, a failing exec
#      or malloc, 100 times each: every child execs, each exec logged once;
#   3. 10,000 execs from 8 parallel workers into a real systemd-journald:
#      exactly 10,000 entries in `journalctl -D DIR -t execlog`.
#
# When this build reads /etc/execlog.cache.N (configure --sysconfdir=/etc),
# each run has a cache there (the sandbox's /etc is a copy), so that every
# exec also goes through the cache state shared by the threads, and with
# send_timeout_ms = 5000: under load (a sanitizer build, make -j) a
# receiver may fall more than the default 100 ms behind, and the line is
# then dropped by design; the counts here are about lines lost otherwise.
#
# Environment: builddir, top_srcdir, EXECLOG_LIB (as make check sets them);
# STRESS_TIMEOUT (seconds per run, default 300); STRESS_KEEP=1 keeps the
# work directory.  Exit: 0 pass, 1 fail, 77 skip (no root, no sandbox).
set -u

. "$(dirname "$0")/harness.sh"
TMO=${STRESS_TIMEOUT:-300}

[ -f "$LIB" ] || skip "no library at $LIB"
[ -x "$SIGEXEC" ] || { echo "FAIL: $SIGEXEC is not built"; exit 1; }
[ "$(id -u)" = 0 ] || skip "the sandbox needs root"

# In the build tree, not /tmp: the hammers' file must be executable, and
# /tmp may be mounted noexec.
work_dir "$builddir/tests/stress-work.XXXXXX" "${STRESS_KEEP:-0}"

# The cache each run installs as /etc/execlog.cache.N, if this build reads it;
# its format proves that it was used.
cache='' lead=' '
if [ "$CACHE_PATH" = "$ETC_CACHE" ]; then
    printf '%s\n' 'send_timeout_ms = 5000' \
        'message_format = "[stress] %{cmdline}"' >"$WORK/stress.ini"
    chmod 644 "$WORK/stress.ini"
    if "$CLI" --cache "$WORK/stress.cache" reload "$WORK/stress.ini" >/dev/null; then
        cache=$WORK/stress.cache lead='\[stress\] '
    else
        fail "cannot compile $WORK/stress.ini"
    fi
else
    note "this build does not read $ETC_CACHE: the runs use the built-in defaults (100 ms send timeout)"
fi

# run NAME SANDBOX-OPTIONS -- CMD...: CMD in the sandbox with the library
# (and the cache), stdout to $WORK/NAME.out; returns CMD's status (124/137:
# timed out).
run() {
    local name=$1 rc=0 start=$SECONDS
    local -a opts=()
    shift
    while [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    timeout -k 10 "$TMO" bash "$SANDBOX" --preload "$LIB" "${opts[@]}" -- \
        bash -c '[ -z "$1" ] || install -m 0644 -o root -g root "$1" "$2" || exit 99
                 shift 2; exec "$@"' _ "$cache" "$ETC_CACHE" "$@" \
        >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
    printf '      (%s: %d s)\n' "$name" $((SECONDS - start))
    [ $rc -ne 77 ] || skip_sandbox "$WORK/$name.err"
    return $rc
}

# value KEY FILE: the N of "KEY=N" in FILE.
value() { grep -o -E "(^| )$1=[0-9]+" "$2" | head -n 1 | cut -d= -f2; }

# count FILE REGEX: matching lines.
count() { grep -c -E -- "$2" "$1" || true; }

# ---- 1. threads forking while others are inside the hook -----------------
rc=0
run storm --sink "$WORK/storm.sink" -- \
    "$SIGEXEC" storm 8 250 4 execlog-storm "$WORK" || rc=$?
if [ $rc -ne 0 ]; then
    fail "storm: sigexec exited with $rc (124/137: timed out after ${TMO}s): $(tail -n 3 "$WORK/storm.err")"
else
    out=$WORK/storm.out sink=$WORK/storm.sink
    forks=$(value forks "$out") hung=$(value hung "$out")
    failed=$(value failed "$out") calls=$(value hammer-calls "$out")
    bad_errno=$(value hammer-unexpected-errno "$out")
    w=$(count "$sink" "$lead/bin/true execlog-storm-w\$")
    h_ok=$(grep -F 'execlog-storm-h' "$sink" | grep -v -c -F 'exec failed (ENOEXEC)' || true)
    h_fail=$(grep -F 'execlog-storm-h' "$sink" | grep -c -F 'exec failed (ENOEXEC)' || true)
    if [ "$forks" = 2000 ] && [ "$hung" = 0 ] && [ "$failed" = 0 ]; then
        ok "storm: 2000 fork+exec from 8 threads, 0 hung, 0 failed"
    else
        fail "storm: forks=$forks hung=$hung failed=$failed (want 2000, 0, 0)"
    fi
    if [ "$w" = 2000 ]; then
        ok "storm: 2000 worker lines"
    elif [ -z "$cache" ]; then
        # As for journald below: at the default 100 ms send timeout a
        # loaded receiver may fall behind, and the line is then dropped by
        # design; only the run with a cache counts exactly.
        note "storm: $w worker lines for 2000 execs at the default 100 ms send timeout; the exact count is checked where the cache applies"
    else
        fail "storm: $w worker lines for 2000 execs"
    fi
    if [ "${calls:-0}" -gt 0 ] && [ "$bad_errno" = 0 ] &&
        [ "$h_ok" = "$calls" ] && [ "$h_fail" = "$calls" ]; then
        ok "storm: $calls hammer calls inside the hook, each logged twice (ran, then failed)"
    else
        fail "storm: $calls hammer calls (unexpected errno: $bad_errno), $h_ok lines and $h_fail 'exec failed' lines"
    fi
fi

# ---- 2. exec from a SIGALRM handler, whatever it interrupts --------------
N=100
rc=0
run alarm --sink "$WORK/alarm.sink" -- \
    "$SIGEXEC" alarm $N execlog-alarm "$WORK" || rc=$?
if [ $rc -ne 0 ]; then
    fail "alarm: sigexec exited with $rc (124/137: timed out after ${TMO}s): $(tail -n 3 "$WORK/alarm.err")"
else
    for kind in hooking failing allocating; do
        line=$(grep "^alarm-$kind:" "$WORK/alarm.out")
        if [ "$line" != "alarm-$kind: ok=$N hung=0 failed=0" ]; then
            fail "alarm: $line (want ok=$N hung=0 failed=0)"
            continue
        fi
        # Each child's handler exec, logged exactly once.
        bad=$(grep -o -E "$lead/bin/true execlog-alarm-$kind-[0-9]+\$" "$WORK/alarm.sink" |
            sort | uniq -c | awk -v n=$N '$1 != 1 { bad++ } END { print bad + 0 + (NR != n) }')
        if [ "$bad" = 0 ]; then
            ok "alarm: exec from SIGALRM while $kind: $N children, each logged once"
        else
            fail "alarm ($kind): not every handler exec was logged exactly once ($(grep -c "execlog-alarm-$kind-" "$WORK/alarm.sink") lines for $N)"
        fi
    done
fi

# ---- 3. 10,000 execs into a real journald --------------------------------
rc=0
run journald --journald "$WORK/journal" -- \
    "$SIGEXEC" storm 8 1250 0 execlog-journald "$WORK" || rc=$?
if [ $rc -ne 0 ]; then
    fail "journald: sigexec exited with $rc (124/137: timed out after ${TMO}s): $(tail -n 3 "$WORK/journald.err")"
elif ! grep -qx 'forks=10000 hung=0 failed=0' "$WORK/journald.out"; then
    fail "journald: $(head -n 1 "$WORK/journald.out") (want forks=10000 hung=0 failed=0)"
else
    timeout 120 journalctl -D "$WORK/journal" -t execlog -o cat \
        >"$WORK/journal.txt" 2>"$WORK/journalctl.err"
    if [ -n "$cache" ]; then
        n=$(count "$WORK/journal.txt" '^\[stress\] /bin/true execlog-journald-w$')
    else
        n=$(count "$WORK/journal.txt" ']: /bin/true execlog-journald-w$')
    fi
    if [ "$n" = 10000 ]; then
        ok "journald: 10000 execs from 8 workers, 10000 entries"
    elif [ -z "$cache" ]; then
        # Without the cache the send timeout is the default 100 ms: under
        # load (make distcheck runs beside other builds) a line that waits
        # longer is dropped by design, so only the run with a cache counts.
        note "journald: $n entries for 10000 execs at the default 100 ms send timeout; the exact count is checked where the cache applies"
    else
        fail "journald: $n entries for 10000 execs (journalctl: $(head -c 200 "$WORK/journalctl.err"))"
    fi
fi

[ $failures -eq 0 ] && echo "stress: all checks passed"
[ $failures -eq 0 ]
