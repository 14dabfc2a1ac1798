#!/bin/bash
# The execlog command on its own: what check accepts and refuses (each
# error with FILE:LINE), reload/show round trip, explain, exit codes.
set -euo pipefail
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cli=${builddir:-.}/src/execlog
[ -x "$cli" ] || { echo "no $cli"; exit 99; }
[ "$(id -u)" = 0 ] || { echo "SKIP: the ini must be owned by root"; exit 77; }

work=$(mktemp -d /tmp/execlog-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$cli" check "$srcdir/etc/execlog.ini" >/dev/null || no "shipped ini rejected"

# refuses NAME LINE EXPECTED-TEXT INI-LINES...
refuses() {
    local name=$1 line=$2 text=$3 ini=$work/$1.ini rc=0
    shift 3
    printf '%s\n' "$@" > "$ini"
    chmod 644 "$ini"
    "$cli" check "$ini" > "$work/out" 2>&1 || rc=$?
    [ $rc -eq 1 ] || no "$name: exit $rc, expected 1"
    grep -qF "$ini:$line: " "$work/out" || no "$name: no '$ini:$line:' in: $(cat "$work/out")"
    grep -qF "$text" "$work/out" || no "$name: no '$text' in: $(cat "$work/out")"
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
printf '%s\n' 'output = file:/var/log//x.log // a comment' > "$work/slashes.ini"
chmod 644 "$work/slashes.ini"
"$cli" --cache "$work/slashes.cache" reload "$work/slashes.ini" >/dev/null 2>&1 ||
    no "slashes: refused"
"$cli" --cache "$work/slashes.cache" show 2>&1 | grep -qx 'output = "file:/var/log//x.log"' ||
    no "slashes: $("$cli" --cache "$work/slashes.cache" show 2>&1 | grep output)"

# An ini that others may write is refused like an unsafe cache.
printf 'syslog_ident = x\n' > "$work/loose.ini"
chmod 664 "$work/loose.ini"
"$cli" check "$work/loose.ini" > "$work/out" 2>&1 && no "group-writable ini accepted"
grep -q "not writable by group or others" "$work/out" || no "no reason for the loose ini"

# reload into a private cache, show it back.
printf '%s\n' 'message_format = "M %{uid} \"q\" %{cmdline}"' \
    'filter_chain = "exclude_comm:ls;only_uid:root"' 'syslog_level = LOG_NOTICE' > "$work/good.ini"
chmod 644 "$work/good.ini"
"$cli" --cache "$work/cache" reload "$work/good.ini" >/dev/null || no "reload failed"
"$cli" --cache "$work/cache" show > "$work/show" || no "show failed"
grep -qxF 'message_format = "M %{uid} \"q\" %{cmdline}"' "$work/show" || no "show: $(cat "$work/show")"
grep -qxF 'filter_chain = "exclude_comm:ls;only_uid:root"' "$work/show" || no "show filter"
grep -qxF 'syslog_level = notice' "$work/show" || no "show level"
# What show prints is a valid ini that compiles to the same cache.
cp "$work/show" "$work/again.ini"; chmod 644 "$work/again.ini"
"$cli" --cache "$work/cache2" reload "$work/again.ini" >/dev/null || no "show output does not reload"
cmp -s <(tail -c +329 "$work/cache") <(tail -c +329 "$work/cache2") || no "show does not round-trip"

# explain with that cache.
rc=0; "$cli" --cache "$work/cache" explain -- ls -l > "$work/out" || rc=$?
[ $rc -eq 3 ] && grep -q "dropped by filter exclude_comm" "$work/out" || no "explain ls: rc=$rc $(cat "$work/out")"
"$cli" --cache "$work/cache" explain -- /bin/echo 'two words' > "$work/out" || no "explain echo failed"
grep -qxF "M 0 \"q\" /bin/echo 'two words'" "$work/out" || no "explain echo: $(cat "$work/out")"

# A refused reload leaves the cache alone.
cp "$work/cache" "$work/cache.before"
"$cli" --cache "$work/cache" reload "$work/unknown-key.ini" >/dev/null 2>&1 && no "bad reload succeeded"
cmp -s "$work/cache" "$work/cache.before" || no "a refused reload changed the cache"

# Usage and exit codes.
"$cli" --version | grep -q '^execlog ' || no "--version"
"$cli" --help | grep -q 'explain' || no "--help"
rc=0; "$cli" frobnicate >/dev/null 2>&1 || rc=$?; [ $rc -eq 2 ] || no "unknown command: exit $rc"

[ $fail -eq 0 ] && echo "cli: all checks passed"
exit $fail
