#!/bin/bash
# The events a central store joins, from the real library in a preload
# sandbox: bash runs sh, which runs true, and each line's parent_exec_id
# is the exec_id on its parent's line; every line has its time, host and
# boot; no field says "(none)"; output_format = ecs gives the same chain
# as process.entity_id and process.parent.entity_id.
set -euo pipefail

. "$(dirname "$0")/harness.sh"
[ -f "$LIB" ] && [ -x "$CLI" ] || { echo "build the library and execlog first"; exit 99; }
command -v python3 >/dev/null || skip "python3 not installed"
need_etc_cache
work_dir /tmp/execlog-events.XXXXXX 0

# One log file per format; sh forks true (a command before ':'), bash
# forks sh the same way, and sh then execs true a second time without a
# fork: a process's programs in turn share its exec id.
cat > "$WORK/run.sh" <<SH
set -eu
for format in json ecs; do
    printf '%s\n' "output_format = \$format" "output = file:$WORK/\$format.log" \
        >/etc/execlog.ini
    $CLI reload >/dev/null
    bash -c 'sh -c "/bin/true chain-\$0; exec /bin/true exec-\$0"; :' "\$format"
done
SH

rc=0
"$SANDBOX" --preload "$LIB" -- bash "$WORK/run.sh" > "$WORK/out" 2>&1 || rc=$?
[ $rc -ne 77 ] || skip_sandbox "$WORK/out"
[ $rc -eq 0 ] || fail "run failed ($rc): $(cat "$WORK/out")"
boot_id=$(cat /proc/sys/kernel/random/boot_id)

python3 - "$WORK" "$boot_id" "$(hostname)" <<'PY' || failures=$((failures + 1))
import json, re, sys

work, boot_id, hostname = sys.argv[1:]
bad = []

def events(fmt):
    out = []
    for line in open(f"{work}/{fmt}.log"):
        body = line.split("]: ", 1)[1]
        out.append(json.loads(body))
    return out

def check(what, cond):
    if not cond:
        bad.append(what)

# json: the chain bash -> sh -> true, and the exec that does not fork.
ev = events("json")
by = {}
for e in ev:
    check(f"json: (none) in {e}", "(none)" not in json.dumps(
        {k: v for k, v in e.items() if k != "message"}))
    for key in ("time", "hostname", "boot_id", "exec_id", "parent_exec_id",
                "parent_comm", "parent_exe", "euid", "egid", "cgroup"):
        check(f"json: {key} missing in {e['argv']}", key in e)
    check(f"json: time {e.get('time')}", re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", e.get("time", "")))
    check(f"json: hostname {e.get('hostname')}", e.get("hostname") == hostname)
    check(f"json: boot_id {e.get('boot_id')}", e.get("boot_id") == boot_id)
    check(f"json: exec_id {e.get('exec_id')}", re.fullmatch(
        boot_id.replace("-", "") + "-" + str(e["pid"]) + r"-\d+",
        e.get("exec_id", "")))
    check(f"json: interactive {e.get('interactive')}",
          e.get("interactive") is False)
    by[e["argv"][0] + " " + e["argv"][-1]] = e
bash = by.get("bash json")
sh = by.get("sh /bin/true chain-json; exec /bin/true exec-json")
true, exec_true = by.get("/bin/true chain-json"), by.get("/bin/true exec-json")
if None in (bash, sh, true, exec_true):
    bad.append(f"json: lines missing: {sorted(by)}")
else:
    check("json: sh's parent is bash", sh["parent_exec_id"] == bash["exec_id"])
    check("json: true's parent is sh", true["parent_exec_id"] == sh["exec_id"])
    check("json: ids differ", len({bash["exec_id"], sh["exec_id"],
                                   true["exec_id"]}) == 3)
    check("json: exec without fork keeps the id",
          exec_true["exec_id"] == sh["exec_id"])
    check("json: parent's program", sh["parent_comm"] == "bash" and
          sh["parent_exe"].endswith("/bash"))

# ecs: the fields issue 16 lists, and the same chain.
ev = events("ecs")
by = {}
for e in ev:
    p, u, h = e["process"], e["user"], e["host"]
    check(f"ecs: event {e.get('event')}", e.get("event") == {
        "kind": "event", "category": ["process"], "type": ["start"],
        "action": "exec"})
    check("ecs: @timestamp", re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", e.get("@timestamp", "")))
    for key in ("executable", "args", "command_line", "working_directory",
                "pid", "entity_id", "interactive", "tty"):
        check(f"ecs: process.{key}", key in p)
    check("ecs: process.parent", {"pid", "entity_id"} <= set(p["parent"]))
    check("ecs: user", {"id", "name", "effective", "audit"} <= set(u) and
          {"id", "name"} <= set(u["effective"]) and "id" in u["audit"])
    check("ecs: user.id is a string", u["id"] == "0")
    check("ecs: host", h.get("hostname") == hostname and
          h.get("boot", {}).get("id") == boot_id)
    check("ecs: (none)", "(none)" not in json.dumps(
        {k: v for k, v in e.items() if k != "message"}))
    by[p["args"][0] + " " + p["args"][-1]] = p
bash = by.get("bash ecs")
sh = by.get("sh /bin/true chain-ecs; exec /bin/true exec-ecs")
true = by.get("/bin/true chain-ecs")
if None in (bash, sh, true):
    bad.append(f"ecs: lines missing: {sorted(by)}")
else:
    check("ecs: sh's parent is bash",
          sh["parent"]["entity_id"] == bash["entity_id"])
    check("ecs: true's parent is sh",
          true["parent"]["entity_id"] == sh["entity_id"])
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
[ $failures -eq 0 ] && ok "exec ids chain bash, sh, true in JSON and ECS; time, host, boot on every line"
exit $((failures > 0))
