#!/bin/bash
# The smallest alternate signal stack on which each entry point runs a
# program from a handler, without and with the library (LD_PRELOAD), for
# PATH lengths from 100 to 4,000 bytes: made of 64-byte directories, or
# of one directory as long as the whole PATH.  The probe is built twice:
# as programs usually are (its own first call of the entry point goes
# through ld.so's lazy binder, whose frame is then on the same stack), and
# with -z now (only the entry point's own needs).
#
#   bench/altstack.sh BUILDDIR     prints a Markdown table
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: altstack.sh BUILDDIR}" && pwd)
lib=$build/src/.libs/libexeclog.so
work=$(mktemp -d /tmp/execlog-altstack.XXXXXX)
trap 'rm -rf "$work"' EXIT
${CC:-cc} -O2 -o "$work/lazy" "$src/tests/altstack.c"
${CC:-cc} -O2 -Wl,-z,now -o "$work/now" "$src/tests/altstack.c"

echo "| entry | PATH bytes | directories | lazy: without | lazy: with | -z now: without | -z now: with |"
echo "|---|---:|---|---:|---:|---:|---:|"
for entry in execve execl execvp execlp execvpe posix_spawnp system; do
    for length in 100 1000 2000 3000 4000; do
        for dir in 64 "$length"; do
            row="| $entry | $length | $([ "$dir" = 64 ] && echo "64 bytes each" || echo one) |"
            for probe in lazy now; do
                row+=" $("$work/$probe" --min "$entry" "$length" "$dir") |"
                row+=" $(LD_PRELOAD=$lib "$work/$probe" --min "$entry" "$length" "$dir") |"
            done
            echo "$row"
            # execve and execl search nothing: one length says it all.
            case $entry in execve | execl) break 2 ;; esac
        done
    done
done
