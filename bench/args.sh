#!/bin/bash
# What the hook costs per argument and per byte: quoting and redaction of
# argv, measured with callgrind on one posix_spawn (the hook runs in the
# parent) of argvs of 1, 100, 1,000 and 10,000 arguments, one of 1 MiB,
# and a sh -c string full of secrets.
#
#   bench/args.sh BUILDDIR
#
# Runs in tests/sandbox.sh (root, a private mount namespace): the cache is
# the shipped etc/execlog.ini compiled into the sandbox's /etc, /dev/log a
# live logsink.  Prints a Markdown table: per shape, the instructions of
# one hook (the slope between 1 and 3 spawns with LD_PRELOAD, less the
# same slope without), and per byte of argument past the first shape.
set -Eeuo pipefail

prog=${0##*/}
fail() { printf '%s: ERROR: %s\n' "$prog" "$*" >&2; exit 99; }
skip() { printf '%s: SKIP: %s\n' "$prog" "$*" >&2; exit 77; }

if [ "${1-}" = --inside ]; then
    lib=$2 loop=$3 execlog=$4 ini=$5
    "$execlog" reload "$ini" >/dev/null
    ir() { # preload? TIMES COUNT LENGTH [WORD]
        local pre=$1 out
        shift
        out=$(mktemp)
        if [ "$pre" = yes ]; then
            LD_PRELOAD=$lib valgrind --tool=callgrind --callgrind-out-file="$out" \
                "$loop" "$@" >/dev/null 2>&1 || fail "argspawn $*"
        else
            valgrind --tool=callgrind --callgrind-out-file="$out" \
                "$loop" "$@" >/dev/null 2>&1 || fail "argspawn $*"
        fi
        awk '/^summary:/ { print $2 }' "$out"
        rm -f "$out"
    }
    secrets="mysql -uroot -pS3cr3t db; curl -H 'Authorization: Bearer t0k3n' https://u:pw@h/x"
    printf '| argv | bytes of arguments | hook instructions | per byte after the first row |\n|---|---:|---:|---:|\n'
    base=
    while read -r label count length word; do
        hook=$(( ( $(ir yes 3 "$count" "$length" ${word:+"$word"}) -
                   $(ir yes 1 "$count" "$length" ${word:+"$word"}) -
                   $(ir no 3 "$count" "$length" ${word:+"$word"}) +
                   $(ir no 1 "$count" "$length" ${word:+"$word"}) ) / 2 ))
        if [ -n "$word" ]; then
            bytes=$(( count * (${#word} + 1) ))
        else
            bytes=$(( count * (length + 1) ))
        fi
        if [ -z "$base" ]; then
            base=$hook base_bytes=$bytes per=-
        else
            per=$(awk -v h="$hook" -v b="$base" -v n="$bytes" -v m="$base_bytes" \
                'BEGIN { printf "%.1f", (h - b) / (n - m) }')
        fi
        printf '| %s | %d | %d | %s |\n' "$label" "$bytes" "$hook" "$per"
    done <<EOF2
1×8 1 8
100×8 100 8
1,000×8 1000 8
10,000×8 10000 8
100×80 100 80
10×800 10 800
1×1MiB 1 1048576
100×secrets80 100 0 $secrets
EOF2
    exit 0
fi

builddir=$(realpath -e -- "${1:?usage: $prog BUILDDIR}")
srcdir=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || skip "needs root for tests/sandbox.sh"
command -v valgrind >/dev/null || skip "needs valgrind"
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
"${CC:-cc}" -O2 -o "$work/argspawn" "$srcdir/bench/argspawn.c"
cp "$builddir/src/.libs/libexeclog.so" "$work/"
chmod 755 "$work"
LOGSINK=$builddir/tests/logsink "$srcdir/tests/sandbox.sh" --sink "$work/sink.log" -- \
    bash "$0" --inside "$work/libexeclog.so" "$work/argspawn" \
    "$builddir/src/execlog" "$srcdir/etc/execlog.ini"
