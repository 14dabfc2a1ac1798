#!/bin/bash
# A sanitizer build's library drags libasan into foreign programs.
[ "${EXECLOG_SANITIZERS:-}" != yes ] || { echo "SKIP: sanitizer build"; exit 77; }
# A sandbox that forbids the library's pre-check system calls must not make
# it blind: the command is still logged, exactly once, and still runs.
set -euo pipefail
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
lib=${EXECLOG_LIB:-${builddir:-.}/src/.libs/libexeclog.so}
prog=${builddir:-.}/tests/seccomp-exec
[ -f "$lib" ] || { echo "no library at $lib"; exit 99; }
work=$(mktemp -d /tmp/execlog-seccomp.XXXXXX)
trap 'rm -rf "$work"' EXIT

status=0
"$srcdir/tests/sandbox.sh" --preload "$lib" --sink "$work/log" -- \
    "$prog" marker-seccomp || status=$?
[ $status -ne 77 ] || { echo "SKIP: the sandbox cannot run here (its reason is above)"; exit 77; }
[ $status -eq 0 ] || { echo "exec under seccomp failed: status $status"; exit 1; }
lines=$(grep -c ']: /bin/true marker-seccomp$' "$work/log" || true)
if [ "$lines" != 1 ]; then
    echo "expected 1 line for the exec under seccomp, got $lines:"
    cat "$work/log"
    exit 1
fi
echo "logged once under a seccomp filter denying statx and faccessat2"
