#!/bin/bash
# repeat_window with the library in a real /etc/ld.so.preload and a real
# reload: identical commands are counted, not logged, and every one of
# them is in a line: the first one's, or a "repeated N times" summary.
#   - a shell loop (fork and exec: each command logs from its own child);
#   - an agent that posix_spawns the same command, from one thread and
#     from four at once;
#   - a window that ends while the agent goes on;
#   - the summary in JSON ("repeated": N) and in journald
#     (EXECLOG_REPEATED), through a real systemd-journald.
[ "${EXECLOG_SANITIZERS:-}" != yes ] || { echo "SKIP: sanitizer build"; exit 77; }
set -uo pipefail
. "$(dirname "$0")/harness.sh"
need_etc_cache
command -v python3 >/dev/null || { echo "SKIP: needs python3 for posix_spawn"; exit 77; }
work_dir /tmp/execlog-repeats.XXXXXX 0

cat >"$WORK/steps.sh" <<SH
set -eu
printf 'repeat_window = 60\n' >/etc/execlog.ini
chmod 644 /etc/execlog.ini
"$CLI" reload >/dev/null
for ((i = 0; i < 1500; i++)); do /bin/true repeat-loop; done
python3 -c '
import os
for i in range(1200):
    os.waitpid(os.posix_spawn("/bin/true", ["true", "repeat-spawn"], os.environ), 0)
'
python3 -c '
import os, threading
def spawn():
    for i in range(300):
        os.waitpid(os.posix_spawn("/bin/true", ["true", "repeat-threads"], os.environ), 0)
threads = [threading.Thread(target=spawn) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
'
# A window of 3 s: a burst of 100 spawns stays inside it even on a
# loaded machine (1 s was too short for one at a load average of 12).
printf 'repeat_window = 3\n' >/etc/execlog.ini
"$CLI" reload >/dev/null
python3 -c '
import os, time
for burst in range(3):
    for i in range(100):
        os.waitpid(os.posix_spawn("/bin/true", ["true", "repeat-window"], os.environ), 0)
    time.sleep(3.3)
'
/bin/true repeat-end
SH
status=0
"$SANDBOX" --preload "$LIB" --sink "$WORK/log" -- bash "$WORK/steps.sh" \
    >"$WORK/out" 2>&1 || status=$?
[ $status -eq 77 ] && { cat "$WORK/out"; exit 77; }
[ $status -eq 0 ] || fail "the steps: status $status" "$(cat "$WORK/out")"

# MARKER RUNS MAX-LINES: the lines for MARKER, and the runs they account
# for (1 for a plain line, N + 0 for "repeated N times").
check_marker() {
    local marker=$1 runs=$2 max=$3 lines counted
    lines=$(grep -c "]: .*true $marker\$" "$WORK/log")
    counted=$(grep "]: .*true $marker\$" "$WORK/log" |
        sed -n 's/.*: repeated \([0-9]*\) times in [0-9]* s: .*/\1/p' |
        awk '{ n += $1 } END { print n + 0 }')
    plain=$((lines - $(grep -c "]: repeated [0-9]* times in .*true $marker\$" "$WORK/log")))
    if [ $((plain + counted)) -eq "$runs" ] && [ "$lines" -le "$max" ]; then
        ok "$marker: $runs commands in $lines lines ($plain logged, $counted counted)"
    else
        fail "$marker: $runs commands, but $lines lines account for $((plain + counted))" \
            "$(grep "true $marker\$" "$WORK/log" | head -20)"
    fi
}
check_marker repeat-loop 1500 2
check_marker repeat-spawn 1200 2
# Four threads share the record; one that finds it busy logs its line.
check_marker repeat-threads 1200 40
# Three bursts a window apart: each one's first line and its count.
check_marker repeat-window 300 6
grep -q ']: /bin/true repeat-end$' "$WORK/log" || fail "the last command is not logged"

# JSON to the sink, then journald's native protocol into a real journald:
# 40 identical commands, then another that brings the summary out.
cat >"$WORK/formats.sh" <<SH
set -eu
printf '%s\n' 'repeat_window = 60' "output_format = \$1" "output = \$2" >/etc/execlog.ini
chmod 644 /etc/execlog.ini
"$CLI" reload >/dev/null
for ((i = 0; i < 40; i++)); do /bin/true repeat-\$1; done
/bin/true repeat-\$1-end
SH
"$SANDBOX" --preload "$LIB" --sink "$WORK/json.log" -- \
    bash "$WORK/formats.sh" json devlog >"$WORK/json.out" 2>&1 ||
    fail "the JSON steps: status $?" "$(cat "$WORK/json.out")"
if grep -q '{"repeated":39,"repeated_seconds":[0-9]*,"message":.*"argv":\["/bin/true","repeat-json"\]}$' "$WORK/json.log" &&
    [ "$(grep -c '"repeat-json"\]' "$WORK/json.log")" = 2 ]; then
    ok "JSON: 40 commands in 2 objects, the second with \"repeated\":39"
else
    fail "JSON: no \"repeated\":39 object for 40 commands" "$(grep repeat-json "$WORK/json.log")"
fi
status=0
"$SANDBOX" --preload "$LIB" --journald "$WORK/journal" -- \
    bash "$WORK/formats.sh" text journald >"$WORK/journald.out" 2>&1 || status=$?
if [ $status -eq 77 ]; then
    note "journald case skipped: $(tail -n 1 "$WORK/journald.out")"
elif [ $status -ne 0 ]; then
    fail "the journald steps: status $status" "$(cat "$WORK/journald.out")"
else
    entries=$(journalctl -D "$WORK/journal" -t execlog -o cat EXECLOG_REPEATED=39 2>/dev/null)
    if grep -q '^repeated 39 times in [0-9]* s: .*]: /bin/true repeat-text$' <<<"$entries"; then
        ok "journald: the summary has EXECLOG_REPEATED=39"
    else
        fail "journald: no entry with EXECLOG_REPEATED=39" \
            "$(journalctl -D "$WORK/journal" -t execlog -o cat 2>&1 | grep repeat | head)"
    fi
fi
[ "$failures" -eq 0 ]
