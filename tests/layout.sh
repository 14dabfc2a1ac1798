#!/bin/sh
# The shape of src/ that keeps it readable whole: no two modules that
# depend on each other (a module is foo.c with foo.h), and no file over
# 600 lines.
src=${top_srcdir:-.}/src
[ -d "$src" ] || { echo "no src/ at $src"; exit 99; }
status=0

# One "includer included" pair per #include "x.h" between two modules;
# tsort reports any loop among them.
edges=$(for f in "$src"/*.c "$src"/*.h; do
    from=$(basename "$f"); from=${from%.*}
    sed -n 's/^#include "\([a-z_-]*\)\.h"$/\1/p' "$f" |
        while read -r to; do
            [ "$to" = "$from" ] || [ "$to" = config ] || echo "$from $to"
        done
done)
[ -n "$edges" ] || { echo "no #include found under $src"; exit 99; }
loops=$(echo "$edges" | tsort 2>&1 >/dev/null)
if [ -n "$loops" ]; then
    echo "modules of src/ that depend on each other:"
    echo "$loops"
    status=1
fi

for f in "$src"/*.c "$src"/*.h; do
    # src/builtin.c is gen-builtin's output (bytes of struct config), not
    # a file anyone reads; in an in-tree build it is next to the sources.
    [ "${f##*/}" != builtin.c ] || continue
    n=$(wc -l <"$f")
    if [ "$n" -gt 600 ]; then
        echo "$f: $n lines, more than 600"
        status=1
    fi
done
[ $status -eq 0 ] && echo "src/: $(echo "$edges" | wc -l) include edges, no loop, no file over 600 lines"
exit $status
