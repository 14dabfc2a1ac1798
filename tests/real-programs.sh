#!/bin/bash
# A sanitizer build's library drags libasan into foreign programs.
[ "${EXECLOG_SANITIZERS:-}" != yes ] || { echo "SKIP: sanitizer build"; exit 77; }
# Programs nobody here wrote, run with the library in a real
# /etc/ld.so.preload: every exec that strace sees succeed must be logged
# exactly once, and nothing else may be logged for the traced processes.
set -euo pipefail

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
lib=${EXECLOG_LIB:-${builddir:-.}/src/.libs/libexeclog.so}
[ -f "$lib" ] || { echo "no library at $lib"; exit 99; }
for tool in strace make python3 perl gcc git; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done

work=$(mktemp -d /tmp/execlog-real.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

cat > "$work/Makefile" <<'MK'
all: one two
one: ; @echo marker-make-one >/dev/null
two: ; @/bin/true marker-make-two
MK
printf 'int main(void) { return 0; }\n' > "$work/hello.c"
cat > "$work/workload.sh" <<'SH'
cd "$1"
echo a | tr a b >/dev/null
( /bin/true marker-subshell )
sh -c '/bin/true marker-sh; exec /bin/true marker-exec'
env /bin/true marker-env
make -s -j2 -f Makefile
python3 -c 'import subprocess; subprocess.run(["true", "marker-py"])'
python3 -c 'import os; os.waitpid(os.posix_spawn("/bin/true", ["true", "marker-spawn"], os.environ), 0)'
python3 -c 'import os; os.waitpid(os.posix_spawnp("true", ["true", "marker-spawnp"], os.environ), 0)'
perl -e 'system("/bin/true", "marker-perl") == 0 or die'
gcc -c hello.c -o hello.o
git init -q repo
git -C repo -c alias.m='!/bin/true marker-git' m
find . -name hello.c -exec /bin/true marker-find {} \;
SH

sink="$work/log" trace="$work/trace"
status=0
"$srcdir/tests/sandbox.sh" --preload "$lib" --sink "$sink" -- \
    strace -f -qq -e trace=execve,execveat -o "$trace" \
    bash "$work/workload.sh" "$work" || status=$?
[ $status -ne 77 ] || { echo "SKIP: the sandbox cannot run here (its reason is above)"; exit 77; }
[ $status -eq 0 ] || { echo "workload failed with status $status"; exit 1; }

python3 - "$trace" "$sink" <<'PY'
import collections, re, sys

trace_path, sink_path = sys.argv[1:]
traced = set()
execs = collections.Counter()          # pid -> successful execs
first = {}
for line in open(trace_path, errors="replace"):
    m = re.match(r"(\d+) +(.*)", line)
    if not m:
        continue
    pid, rest = int(m.group(1)), m.group(2)
    traced.add(pid)
    if ("execve(" in rest or "execveat(" in rest or "resumed>" in rest) \
            and re.search(r"\) += 0$", rest.rstrip()):
        execs[pid] += 1
        first.setdefault(pid, rest[:120])

logged = collections.Counter()
lines = collections.defaultdict(list)
for line in open(sink_path, errors="replace"):
    m = re.search(r" pid:(\d+) ", line)
    if m and int(m.group(1)) in traced:
        pid = int(m.group(1))
        logged[pid] += 1
        lines[pid].append(line.rstrip()[:200])

# strace's own exec of the workload happens before the trace starts.
bad = 0
for pid in sorted(set(execs) | set(logged)):
    if execs[pid] != logged[pid]:
        bad += 1
        print(f"pid {pid}: {execs[pid]} successful exec(s) in strace, "
              f"{logged[pid]} line(s) in the log")
        print("   strace:", first.get(pid, "-"))
        for l in lines[pid]:
            print("   log:   ", l)
total = sum(execs.values())
print(f"{total} successful execs traced, {sum(logged.values())} logged, "
      f"{bad} mismatch(es)")
for marker in ["marker-subshell", "marker-sh", "marker-exec", "marker-env",
               "marker-make-two", "marker-py", "marker-spawn",
               "marker-spawnp", "marker-perl", "marker-git", "marker-find"]:
    n = sum(1 for l in open(sink_path, errors="replace")
            if re.match(r"(/bin/|/usr/bin/)?true " + marker + r"( |$)",
                        l.split(" filename:", 1)[-1].split("]: ", 1)[-1]))
    if n != 1:
        bad += 1
        print(f"{marker}: {n} lines, expected 1")
if total < 20:
    bad += 1
    print("too few execs traced: the workload did not run")
sys.exit(1 if bad else 0)
PY
