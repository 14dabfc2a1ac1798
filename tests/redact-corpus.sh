#!/bin/bash
# The redaction corpus as a regression test: tests/redact/measure.sh on
# the development corpus (secrets.txt, harmless.txt) and on the two
# held-out ones (holdout-*.txt, holdout2-*.txt), each with the number of
# leaks measured when the rules were last changed as its ceiling, and no
# harmless line altered.  A change that lets one more secret through, or
# hides one harmless word, fails here.  Needs root (tests/sandbox.sh); skips with 77
# otherwise.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
measure=$here/redact/measure.sh
rc=0

run() { # secrets harmless max-leaks
    local st=0

    "$measure" --secrets "$here/redact/$1" --harmless "$here/redact/$2" \
        --max-leaks "$3" || st=$?
    case $st in
    0) ;;
    77) exit 77 ;;
    *) rc=1 ;;
    esac
}

run secrets.txt harmless.txt 4
run holdout-secrets.txt holdout-harmless.txt 10
run holdout2-secrets.txt holdout2-harmless.txt 6
exit "$rc"
