#!/bin/bash
# Outputs and delivery with real receivers: journald's native protocol and
# JSON events read back with journalctl, a file, and the delivery rules
# (a burst at the kernel's default queue length, a stopped receiver, none).
set -euo pipefail

. "$(dirname "$0")/harness.sh"
[ -f "$LIB" ] && [ -x "$CLI" ] || { echo "build the library and execlog first"; exit 99; }
need_etc_cache
work_dir /tmp/execlog-outputs.XXXXXX 0
sandbox() { "$top_srcdir/tests/sandbox.sh" --preload "$LIB" "$@"; }

# 1. journald: native fields, JSON, a large entry through a memfd.
cat > "$WORK/journal.sh" <<SH
set -eu
reload() { printf '%s\n' "\$@" > /etc/execlog.ini; chmod 644 /etc/execlog.ini; $CLI reload >/dev/null; }
reload 'output = journald'
cd /tmp && /bin/true 'two words' tag && cd /
/bin/true \$(head -c 300000 /dev/zero | tr '\0' x | fold -w 1000) big-entry
reload 'output_format = json'
/bin/true "\$(printf 'a\nb')" 'q"uote' tag-json
reload 'output = journald' 'output_format = json'
/bin/true 'both' tag-both
reload 'output = journald' 'syslog_ident = audit-exec' 'syslog_facility = local3' 'syslog_level = notice'
/bin/true tag-ident-journald
reload 'syslog_ident = audit-exec' 'syslog_facility = local3' 'syslog_level = notice'
/bin/true tag-ident-devlog
SH
rc=0
sandbox --journald "$WORK/journal" -- bash "$WORK/journal.sh" > "$WORK/journal.out" 2>&1 || rc=$?
[ $rc -ne 77 ] || skip_sandbox "$WORK/journal.out"
[ $rc -eq 0 ] || { cat "$WORK/journal.out"; fail "journald run failed ($rc)"; }
journalctl -D "$WORK/journal" -o json --output-fields=MESSAGE,SYSLOG_IDENTIFIER,PRIORITY,SYSLOG_FACILITY,EXECLOG_UID,EXECLOG_CWD,EXECLOG_ARGV_0,EXECLOG_ARGV_1,EXECLOG_ARGV_2,EXECLOG_ARGV_255,EXECLOG_ARGV_256,EXECLOG_ARGV_CUT,EXECLOG_ARGC,EXECLOG_EXE,MESSAGE_ID \
    > "$WORK/journal.json" 2>/dev/null || true
journalctl -D "$WORK/journal" EXECLOG_UID=0 -o json > "$WORK/uid0.json" 2>/dev/null || true
python3 - "$WORK/journal.json" "$WORK/uid0.json" <<'PY' || failures=$((failures + 1))
import json, sys
entries = [json.loads(l) for l in open(sys.argv[1])]
uid0 = [json.loads(l) for l in open(sys.argv[2])]
bad = 0
def check(ok, what):
    global bad
    if not ok:
        bad += 1
        print("FAIL:", what)
def value(e, k):
    v = e.get(k)
    return bytes(v).decode("utf-8", "replace") if isinstance(v, list) else v

native = [e for e in uid0 if value(e, "EXECLOG_ARGV_2") == "tag"]
check(len(native) == 1, f"journalctl EXECLOG_UID=0 has {len(native)} entries for tag, expected 1")
if native:
    e = native[0]
    check(value(e, "EXECLOG_ARGV_1") == "two words", f"EXECLOG_ARGV_1 = {value(e, 'EXECLOG_ARGV_1')!r}")
    check(value(e, "EXECLOG_CWD") == "/tmp", "EXECLOG_CWD")
    check(value(e, "EXECLOG_EXE") == "/bin/true", "EXECLOG_EXE")
    check(value(e, "SYSLOG_IDENTIFIER") == "execlog", "SYSLOG_IDENTIFIER")
    check(value(e, "PRIORITY") == "6" and value(e, "SYSLOG_FACILITY") == "10", "priority/facility")
    check(value(e, "MESSAGE").endswith("]: /bin/true 'two words' tag"), "MESSAGE text")
big = [e for e in entries if value(e, "EXECLOG_ARGV_CUT")]
check(len(big) == 1, f"{len(big)} large entries (memfd), expected 1")
if big:
    e = big[0]
    check(value(e, "EXECLOG_ARGV_255") == "x" * 1000, "EXECLOG_ARGV_255 of the large entry")
    check(value(e, "EXECLOG_ARGV_256") is None, "argv past 256 fields must be cut")
    check(value(e, "EXECLOG_ARGV_CUT") == str(302 - 256), f"EXECLOG_ARGV_CUT = {value(e, 'EXECLOG_ARGV_CUT')}")
objs = []
for e in entries:
    m = value(e, "MESSAGE") or ""
    if m.startswith("{"):
        objs.append(json.loads(m))
j = [o for o in objs if o.get("argv", [None])[-1] == "tag-json"]
check(len(j) == 1, f"{len(j)} JSON events for tag-json, expected 1")
if j:
    o = j[0]
    check(o["argv"] == ["/bin/true", "a\nb", 'q"uote', "tag-json"], f"argv {o['argv']!r}")
    check(o["uid"] == 0 and o["exec_call"] == "execve", "uid/exec_call")
    check(o["cmdline"] == "/bin/true $'a\\nb' 'q\"uote' tag-json", f"cmdline {o['cmdline']!r}")
both = [o for o in objs if o.get("argv", [None])[-1] == "tag-both"]
check(len(both) == 1, "JSON through journald")
for tag in ("tag-ident-journald", "tag-ident-devlog"):
    found = [e for e in entries if (value(e, "MESSAGE") or "").endswith(" " + tag)]
    check(len(found) == 1, f"{tag}: {len(found)} entries")
    for e in found:
        check(value(e, "SYSLOG_IDENTIFIER") == "audit-exec", f"{tag}: identifier {value(e, 'SYSLOG_IDENTIFIER')}")
        check(value(e, "PRIORITY") == "5" and value(e, "SYSLOG_FACILITY") == "19",
              f"{tag}: priority {value(e, 'PRIORITY')} facility {value(e, 'SYSLOG_FACILITY')}")
sys.exit(1 if bad else 0)
PY

# 2. file output, and a symbolic link refused.
cat > "$WORK/file.sh" <<SH
set -eu
mkdir -p /run/logs
printf '%s\n' 'output = file:/run/logs/execlog.log' > /etc/execlog.ini
chmod 644 /etc/execlog.ini
$CLI reload >/dev/null
/bin/true marker-file-1
/bin/true marker-file-2
stat -c %a /run/logs/execlog.log > $WORK/file.mode
cp /run/logs/execlog.log $WORK/file.log
ln -s /run/logs/target /run/logs/link
printf '%s\n' 'output = file:/run/logs/link' > /etc/execlog.ini
$CLI reload >/dev/null
/bin/true marker-symlink
[ -e /run/logs/target ] && echo "FAIL symlink followed" || true
SH
sandbox --sink "$WORK/file.sink" -- bash "$WORK/file.sh" > "$WORK/file.out" 2>&1 || fail "file run failed: $(cat "$WORK/file.out")"
grep FAIL "$WORK/file.out" && failures=$((failures + 1))
[ "$(cat "$WORK/file.mode" 2>/dev/null)" = 600 ] || fail "file mode $(cat "$WORK/file.mode" 2>/dev/null)"
[ "$(grep -c 'execlog\[[0-9]*\]: .*/bin/true marker-file-[12]$' "$WORK/file.log")" = 2 ] ||
    fail "file lines: $(cat "$WORK/file.log")"
grep -q '^20[0-9-]*T[0-9:]*Z execlog\[' "$WORK/file.log" || fail "file lines carry no UTC timestamp"

# 3. Delivery into a healthy receiver at queue length 10: 4 x 500 execs.
qlen=$(cat /proc/sys/net/unix/max_dgram_qlen)
cat > "$WORK/burst.sh" <<'SH'
for w in 1 2 3 4; do
    ( for i in $(seq 500); do /bin/true "burst-$w-$i"; done ) &
done
wait
SH
sandbox --sink "$WORK/burst.sink" -- bash "$WORK/burst.sh" || fail "burst run failed"
n=$(grep -c ': /bin/true burst-[0-9]*-[0-9]*$' "$WORK/burst.sink" || true)
[ "$n" = 2000 ] || fail "burst: $n lines of 2000 at max_dgram_qlen=$qlen"

# 4. A stopped receiver costs each exec at most the timeout; none, nothing.
cat > "$WORK/stopped.sh" <<'SH'
set -eu
kill -STOP "$(cat /run/execlog-test/log.sock.ready)"
start=$(date +%s%N)
for i in $(seq 30); do /bin/true "stopped-$i"; done
echo "stopped_ms=$(( ($(date +%s%N) - start) / 1000000 ))"
kill -CONT "$(cat /run/execlog-test/log.sock.ready)"
# One process that spawns while the receiver is stopped, then once more:
# its next line that gets through says how many it lost.
python3 - <<'PY'
import os, signal
sink = int(open("/run/execlog-test/log.sock.ready").read())
os.kill(sink, signal.SIGSTOP)
for i in range(15):
    os.waitpid(os.posix_spawn("/bin/true", ["true", "lost-%d" % i], os.environ), 0)
os.kill(sink, signal.SIGCONT)
os.waitpid(os.posix_spawn("/bin/true", ["true", "after-loss"], os.environ), 0)
PY
rm /dev/log
start=$(date +%s%N)
for i in $(seq 30); do /bin/true "none-$i"; done
echo "none_ms=$(( ($(date +%s%N) - start) / 1000000 ))"
SH
sandbox --sink "$WORK/stopped.sink" -- bash "$WORK/stopped.sh" > "$WORK/stopped.out" 2>&1 ||
    fail "stopped run failed: $(cat "$WORK/stopped.out")"
stopped=$(sed -n 's/^stopped_ms=//p' "$WORK/stopped.out")
none=$(sed -n 's/^none_ms=//p' "$WORK/stopped.out")
# 30 execs: at most 100 ms of waiting each, plus the execs themselves.
[ -n "$stopped" ] && [ "$stopped" -lt 6000 ] || fail "30 execs against a stopped receiver took ${stopped:-?} ms"
[ -n "$none" ] && [ "$none" -lt 3000 ] || fail "30 execs with no receiver took ${none:-?} ms"
grep -q 'execlog: [0-9]* earlier line(s) of this process could not be delivered (ETIMEDOUT)' "$WORK/stopped.sink" ||
    fail "no line reports the lines lost while the receiver was stopped"
grep -q ': true after-loss$' "$WORK/stopped.sink" || fail "the line after the loss is missing"
echo "stopped receiver: 30 execs in $stopped ms; no receiver: 30 execs in $none ms"

[ $failures -eq 0 ] && echo "outputs: all checks passed"
exit $((failures > 0))
