#!/bin/bash
# Check a redaction corpus the way measure.sh does before it runs anything,
# without a build, root or the sandbox:
#
#   tests/redact/check-corpus.sh [SECRETS HARMLESS]
#
# (default: secrets.txt and harmless.txt next to this script). The checks
# are measure.sh's own: the code between "problems=0" and the "problem(s)
# in the corpus" test is taken from it verbatim, so the two cannot drift
# apart. Exit 0 when every line passes, 99 otherwise (as measure.sh).
set -euo pipefail
prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
secrets=${1:-$here/secrets.txt} harmless=${2:-$here/harmless.txt}
broken() { echo "$prog: ERROR: $*" >&2; exit 99; }
if ! [ -r "$secrets" ] || ! [ -r "$harmless" ]; then broken "cannot read $secrets or $harmless"; fi
checks=$(sed -n '/^problems=0$/,/problem(s) in the corpus"$/p' "$here/measure.sh")
[ -n "$checks" ] || broken "cannot find the corpus checks in measure.sh"
WORK=$(mktemp -d /tmp/execlog-corpus.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
eval "$checks"
printf '%s: %d secret lines (%d exposed as an argv by a simple command), %d harmless lines: ok\n' "$prog" \
    "$(grep -c '^s' "$WORK/meta")" "$(awk -F '\t' '$2 == "s" && $5 == 1' "$WORK/meta" | wc -l)" \
    "$(grep -c '^h' "$WORK/meta" || true)"
