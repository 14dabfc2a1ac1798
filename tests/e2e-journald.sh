#!/bin/bash
# End to end: libexeclog in a real /etc/ld.so.preload, a real systemd-journald
# behind /dev/log, real programs starting programs in the usual ways (shell
# pipelines, sh -c, env, xargs, find -exec, make -j, python subprocess).
# Every command must appear in the journal exactly once, with the right uid
# and cwd, and the programs must behave exactly as without the library.
#
# Environment: EXECLOG_LIB (default $builddir/src/.libs/libexeclog.so,
# builddir defaulting to .). Exit: 0 pass, 1 fail, 77 skip, 99 sandbox error.
set -euo pipefail

prog=e2e-journald
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
skip() { printf '%s: SKIP: %s\n' "$prog" "$*" >&2; exit 77; }

builddir=${builddir:-.}
lib=${EXECLOG_LIB:-$builddir/src/.libs/libexeclog.so}
[ -f "$lib" ] || skip "library not built: $lib (set EXECLOG_LIB)"
lib=$(realpath -e -- "$lib")
for tool in python3 make find xargs env journalctl; do
    command -v "$tool" >/dev/null || skip "$tool not found"
done

work=$(mktemp -d /tmp/execlog-e2e.XXXXXX)
trap 'rm -rf -- "$work"' EXIT
# A cwd made for this test, so a wrong cwd: field cannot match by accident.
cwd=$(cd -P -- "$work" && pwd)/cwd
tree=$cwd/tree
mkdir -p "$tree/sub"
: >"$tree/sub/somefile"

# Recipes: one simple command (make runs it directly) and one with a
# redirection (make runs it through /bin/sh -c, which runs /bin/echo).
mk=$work/Makefile
printf '%s\n' \
    '.PHONY: all one two' \
    'all: one two' \
    'one:' \
    '	/bin/echo marker-make-one' \
    'two:' \
    '	/bin/echo marker-make-two >/dev/null' >"$mk"

cat >"$work/commands.sh" <<'EOF'
# Runs inside the sandbox, with the library preloaded.
set -u -o pipefail
failed=0
trap 'echo "commands.sh: failed ($?): $BASH_COMMAND" >&2; failed=1' ERR
cd "$1"
tree=$2 mk=$3
# Under `make check` the outer make's jobserver and flags would leak in.
unset MAKEFLAGS MFLAGS MAKELEVEL
echo a | tr a b_marker_pipe
( /bin/echo marker-subshell )
v=$(/bin/echo marker-cmdsubst)
echo "$v"
sh -c 'true marker-sh'
env true marker-env
printf '%s\n' x | xargs echo marker-xargs
find "$tree" -name somefile -exec echo marker-find {} \;
make -j2 -f "$mk" >make.out
python3 -c 'import subprocess; subprocess.run(["/bin/echo", "marker-py", "two words"])'
/bin/true 'marker spaced arg'
basename marker-path
bash -c '/bin/true marker-bash-c'
/bin/echo $'marker-newline\nsecond'
exit "$failed"
EOF

# What the commands print: the library must not change what programs see.
cat >"$work/stdout.expected" <<EOF
b
marker-subshell
marker-cmdsubst
marker-xargs x
marker-find $tree/sub/somefile
marker-py two words
marker-path
marker-newline
second
EOF

rc=0
"$here/sandbox.sh" --preload "$lib" --journald "$work/journal" -- \
    bash "$work/commands.sh" "$cwd" "$tree" "$mk" >"$work/stdout" || rc=$?
case $rc in
    0) ;;
    77) skip "the sandbox cannot run here (its reason is above)" ;;
    99) echo "$prog: ERROR: sandbox failed" >&2; exit 99 ;;
esac

status=0
if [ "$rc" != 0 ]; then
    echo "$prog: FAIL: commands failed under the library (exit $rc)" >&2
    status=1
fi
if ! diff -u "$work/stdout.expected" "$work/stdout" >&2; then
    echo "$prog: FAIL: program output differs under the library (diff above)" >&2
    status=1
fi

journalctl -D "$work/journal" -o json -t execlog --no-pager >"$work/journal.json"

python3 - "$work/journal.json" "$cwd" "$tree" "$mk" <<'EOF' || status=1
import itertools, json, re, sys

path, cwd, tree, mk = sys.argv[1:]

# Each expected command: a label and the cmdlines that count as it (or a
# function saying whether a cmdline counts). The library single-quotes
# arguments with spaces; whether it also quotes ';' and '{}' is its choice,
# so find accepts both spellings; how it escapes a newline is checked by its
# unit tests, here only that the entry is there and on one line.
find_cmds = [
    f"find {tree} -name somefile -exec echo marker-find {b} {s}"
    for b, s in itertools.product(["{}", "'{}'"], [";", "';'", "\\;"])
]
expected = [
    ("pipe", ["tr a b_marker_pipe"]),
    ("subshell", ["/bin/echo marker-subshell"]),
    ("command substitution", ["/bin/echo marker-cmdsubst"]),
    ("sh -c", ["sh -c 'true marker-sh'"]),
    ("env", ["env true marker-env"]),
    ("env's execvp", ["true marker-env"]),
    ("xargs", ["xargs echo marker-xargs"]),
    ("xargs' child", ["echo marker-xargs x"]),
    ("find", find_cmds),
    ("find -exec child", [f"echo marker-find {tree}/sub/somefile"]),
    ("make", [f"make -j2 -f {mk}"]),
    ("make recipe (direct)", ["/bin/echo marker-make-one"]),
    ("make recipe (via sh)", ["/bin/sh -c '/bin/echo marker-make-two >/dev/null'"]),
    ("sh run by make", ["/bin/echo marker-make-two"]),
    ("python", ["python3 -c 'import subprocess; subprocess.run("
                "[\"/bin/echo\", \"marker-py\", \"two words\"])'"]),
    ("python subprocess", ["/bin/echo marker-py 'two words'"]),
    ("argument with spaces", ["/bin/true 'marker spaced arg'"]),
    ("PATH lookup", ["basename marker-path"]),
    ("bash -c", ["bash -c '/bin/true marker-bash-c'"]),
    ("bash -c exec", ["/bin/true marker-bash-c"]),
    ("argument with a newline",
     lambda c: c.startswith("/bin/echo ") and "marker-newline" in c
     and "second" in c),
]

HEADER = re.compile(
    r"\[login:(?P<login>.*?) uid:(?P<uid>\S*) username:(?P<username>.*?)"
    r" pid:(?P<pid>\S*) ppid:(?P<ppid>\S*) sid:(?P<sid>.*?) tty:(?P<tty>.*?)"
    r" cwd:(?P<cwd>.*?) filename:(?P<filename>.*?)\]: (?P<cmdline>.*)",
    re.S)

problems = []
entries = []
with open(path, encoding="utf-8") as f:
    for line in f:
        e = json.loads(line)
        msg = e.get("MESSAGE", "")
        # journalctl gives non-UTF-8 or binary fields as arrays of bytes.
        if isinstance(msg, list):
            msg = bytes(msg).decode("utf-8", "backslashreplace")
        if "\n" in msg or "\r" in msg:
            problems.append(f"raw newline in MESSAGE: {msg!r}")
        # journald cuts MESSAGE at a NUL; only SYSLOG_RAW (stored when the
        # datagram cannot be rebuilt from the fields) would still show it.
        raw = e.get("SYSLOG_RAW")
        if isinstance(raw, list) and 0 in raw:
            problems.append(f"NUL byte in the datagram: {bytes(raw)!r}")
        if e.get("PRIORITY") != "6" or e.get("SYSLOG_FACILITY") != "10":
            problems.append(
                f"expected <86> (authpriv.info), got PRIORITY={e.get('PRIORITY')}"
                f" SYSLOG_FACILITY={e.get('SYSLOG_FACILITY')}: {msg!r}")
        m = HEADER.fullmatch(msg)
        if not m:
            problems.append(f"MESSAGE not in the default format: {msg!r}")
        entries.append((msg, m))

print(f"{len(entries)} execlog entries in the journal", file=sys.stderr)
if not entries:
    problems.append("no execlog entries at all: is the library logging to /dev/log?")

for label, accepted in expected:
    if callable(accepted):
        match = accepted
        want = f"{label} (see the test)"
        example = "marker-newline"
    else:
        match = accepted.__contains__
        want = repr(accepted[0]) if len(accepted) == 1 else f"one of {accepted}"
        example = accepted[0]
    hits = [(msg, m) for msg, m in entries if m and match(m["cmdline"])]
    if len(hits) != 1:
        marker = next((w.strip("'") for w in example.split()
                       if "marker" in w), example)
        near = [msg for msg, _ in entries if marker in msg]
        problems.append(
            f"{label}: expected exactly one entry with cmdline {want}, found "
            f"{len(hits)}" + "".join(f"\n    entry: {msg}" for msg, _ in hits)
            + ("".join(f"\n    entry mentioning {marker!r}: {n}" for n in near)
               if not hits else ""))
        continue
    msg, m = hits[0]
    if m["uid"] != "0":
        problems.append(f"{label}: expected uid:0, got uid:{m['uid']}: {msg}")
    if m["cwd"] != cwd:
        problems.append(f"{label}: expected cwd:{cwd}, got cwd:{m['cwd']}: {msg}")

if problems:
    print("e2e-journald: FAIL:", file=sys.stderr)
    for p in problems:
        print("  - " + p, file=sys.stderr)
    print("all execlog entries:", file=sys.stderr)
    for msg, _ in entries:
        print("    " + (msg if msg.isprintable() else repr(msg)), file=sys.stderr)
    sys.exit(1)
print(f"e2e-journald: {len(expected)} commands logged exactly once", file=sys.stderr)
EOF

exit "$status"
