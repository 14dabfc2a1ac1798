#!/bin/bash
# The execlog command on its own: what check accepts and refuses (each
# error with FILE:LINE), reload/show round trip, explain, exit codes.
set -euo pipefail
. "$(dirname "$0")/harness.sh"
[ -x "$CLI" ] || { echo "no $CLI"; exit 99; }
[ "$(id -u)" = 0 ] || skip "the ini must be owned by root, and this is not root"
work_dir /tmp/execlog-cli.XXXXXX 0

"$CLI" check "$top_srcdir/etc/execlog.ini" >/dev/null || fail "shipped ini rejected"

# refuses NAME LINE EXPECTED-TEXT INI-LINES...
refuses() {
    local name=$1 line=$2 text=$3 ini=$WORK/$1.ini rc=0
    shift 3
    printf '%s\n' "$@" > "$ini"
    chmod 644 "$ini"
    "$CLI" check "$ini" > "$WORK/out" 2>&1 || rc=$?
    [ $rc -eq 1 ] || fail "$name: exit $rc, expected 1"
    grep -qF "$ini:$line: " "$WORK/out" || fail "$name: no '$ini:$line:' in: $(cat "$WORK/out")"
    grep -qF "$text" "$WORK/out" || fail "$name: no '$text' in: $(cat "$WORK/out")"
}
refuses unknown-key 2 "no such option 'colour'" '# comment' 'colour = red'
refuses unquoted-comma 1 "quote values that contain ','" 'filter_chain = exclude_uid:0,1'
refuses unknown-filter 1 "unknown filter 'exclude_usr'" 'filter_chain = "exclude_usr:0"'
refuses unknown-placeholder 3 "unknown placeholder %{nosuch}" '' '' 'message_format = "x %{nosuch}"'
refuses missing-brace 1 "missing '}'" 'message_format = "x %{uid"'
refuses unknown-user 1 "unknown user 'no-such-user-here'" 'filter_chain = "only_uid:no-such-user-here"'
refuses bad-facility 1 "unknown value 'local9'" 'syslog_facility = local9'
refuses bad-number 1 "out of range" 'max_message_length = 10'
refuses bad-redact 1 "unknown redact rule 'valeu'" 'redact = "defaults;valeu:--x"'
refuses bad-output 1 "unknown output 'pigeon'" 'output = pigeon'
refuses output-no-path 1 "needs an absolute path" 'output = file'
refuses bad-format 1 "unknown format 'xml'" 'output_format = xml'
# What libconfuse would take silently: a key twice (last wins), the rest
# of the file after an open string or comment, ${NAME} from the
# environment; and line numbers past comments, which it miscounts.
refuses set-twice 3 "syslog_ident: set twice (first on line 1)" 'syslog_ident = a' '' 'syslog_ident = b'
refuses open-string 2 'unterminated "..." string' '' 'syslog_ident = "abc' 'colour = red'
refuses open-comment 1 'unterminated /* comment' '/*/ note' 'colour = red'
refuses env-outside-quotes 1 'outside quotes would be expanded' 'syslog_ident = ${USER}'
refuses after-comments 6 "no such option 'colour'" '// one' '/* two' 'three */ # four' '#' '' 'colour = red'
refuses empty-quotes-after-value 1 'syntax error' "syslog_ident = abc''"
refuses stray-star 1 "'*' outside quotes" 'syslog_ident = abc*'
# Inside an unquoted word, libconfuse reads '/' as itself: '//' there is
# no comment.
printf '%s\n' 'output = file:/var/log//x.log // a comment' > "$WORK/slashes.ini"
chmod 644 "$WORK/slashes.ini"
"$CLI" --cache "$WORK/slashes.cache" reload "$WORK/slashes.ini" >/dev/null 2>&1 ||
    fail "slashes: refused"
"$CLI" --cache "$WORK/slashes.cache" show 2>&1 | grep -qx 'output = "file:/var/log//x.log"' ||
    fail "slashes: $("$CLI" --cache "$WORK/slashes.cache" show 2>&1 | grep output)"

# An ini that others may write is refused like an unsafe cache.
printf 'syslog_ident = x\n' > "$WORK/loose.ini"
chmod 664 "$WORK/loose.ini"
"$CLI" check "$WORK/loose.ini" > "$WORK/out" 2>&1 && fail "group-writable ini accepted"
grep -q "not writable by group or others" "$WORK/out" || fail "no reason for the loose ini"

# reload into a private cache, show it back.
printf '%s\n' 'message_format = "M %{uid} \"q\" %{cmdline}"' \
    'filter_chain = "exclude_comm:ls;only_uid:root"' 'syslog_level = LOG_NOTICE' > "$WORK/good.ini"
chmod 644 "$WORK/good.ini"
"$CLI" --cache "$WORK/cache" reload "$WORK/good.ini" >/dev/null || fail "reload failed"
"$CLI" --cache "$WORK/cache" show > "$WORK/show" || fail "show failed"
grep -qxF 'message_format = "M %{uid} \"q\" %{cmdline}"' "$WORK/show" || fail "show: $(cat "$WORK/show")"
grep -qxF 'filter_chain = "exclude_comm:ls;only_uid:root"' "$WORK/show" || fail "show filter"
grep -qxF 'syslog_level = notice' "$WORK/show" || fail "show level"
# What show prints is a valid ini that compiles to the same cache.  The
# cache's header records the ini it came from (path, inode, size, mtime),
# so both are compiled from one file, rewritten in place, padded with a
# comment to one size and given one mtime: then the whole files compare,
# with no knowledge of the header's layout.
pad=$(($(cat "$WORK/good.ini" "$WORK/show" | wc -c) + 2))
: > "$WORK/one.ini"; chmod 644 "$WORK/one.ini"
compile_as_one() {  # compile_as_one INI CACHE
    { cat "$1"; printf '#%*s\n' $((pad - $(wc -c < "$1") - 2)) ''; } > "$WORK/one.ini"
    touch -d @1000000000 "$WORK/one.ini"
    "$CLI" --cache "$2" reload "$WORK/one.ini" >/dev/null || fail "$1 does not reload: $(cat "$1")"
}
compile_as_one "$WORK/good.ini" "$WORK/cache1"
compile_as_one "$WORK/show" "$WORK/cache2"
cmp -s "$WORK/cache1" "$WORK/cache2" || fail "show does not round-trip"

# explain with that cache.
rc=0; "$CLI" --cache "$WORK/cache" explain -- ls -l > "$WORK/out" || rc=$?
[ $rc -eq 3 ] && grep -q "dropped by filter exclude_comm" "$WORK/out" || fail "explain ls: rc=$rc $(cat "$WORK/out")"
"$CLI" --cache "$WORK/cache" explain -- /bin/echo 'two words' > "$WORK/out" || fail "explain echo failed"
grep -qxF "M 0 \"q\" /bin/echo 'two words'" "$WORK/out" || fail "explain echo: $(cat "$WORK/out")"

# A refused reload leaves the cache alone.
cp "$WORK/cache" "$WORK/cache.before"
"$CLI" --cache "$WORK/cache" reload "$WORK/unknown-key.ini" >/dev/null 2>&1 && fail "bad reload succeeded"
cmp -s "$WORK/cache" "$WORK/cache.before" || fail "a refused reload changed the cache"

# Usage and exit codes.
"$CLI" --version | grep -q '^execlog ' || fail "--version"
"$CLI" --help | grep -q 'explain' || fail "--help"
rc=0; "$CLI" frobnicate >/dev/null 2>&1 || rc=$?; [ $rc -eq 2 ] || fail "unknown command: exit $rc"

[ $failures -eq 0 ] && echo "cli: all checks passed"
exit $((failures > 0))
