#!/bin/bash
# The Debian packages as an operator meets them, on a throwaway Debian 12
# amd64 host (CI's machine, or a fresh.sh root): the README's packages
# command builds and installs both architectures' packages; then
#   - /etc/ld.so.preload holds our $LIB entry and the site's, mode 0644;
#   - a 64-bit and a 32-bit command reach a real systemd-journald, through
#     the cache that `execlog reload` compiled, with nothing on stderr;
#   - a reinstall, and an upgrade to a version with another cache format,
#     never leave the entry or the library missing, even for a moment, and
#     no process logs an error line or falls back to the defaults (a
#     process started before the upgrade included);
#   - remove disables, purge removes the cache and the ini, and the site's
#     entry stays, mode 0644; preseeding execlog/enable false installs
#     without enabling.
#
# It installs packages and edits the real /etc/ld.so.preload, so it runs
# only where EXECLOG_THROWAWAY_HOST=yes says the machine is disposable
# (.ci/run sets it; make check never runs this).  Exit 0 pass, 1 fail,
# 77 skipped (the reason printed), 99 could not test.
# shellcheck disable=SC2015,SC2016,SC2317  # [ ] && [ ] || fail; $LIB is literal; cleanup runs at exit
set -uo pipefail
prog=packages
skip() { echo "$prog: SKIP: $*"; exit 77; }
error() { echo "$prog: ERROR: $*" >&2; exit 99; }
failures=0
fail() { failures=$((failures + 1)); echo "$prog: FAIL: $*"; }
ok() { echo "$prog: ok: $*"; }
say() { echo "$prog: --- $*"; }

[ "${EXECLOG_THROWAWAY_HOST:-}" = yes ] ||
    skip "installs packages and edits /etc/ld.so.preload: set EXECLOG_THROWAWAY_HOST=yes on a disposable Debian 12 host"
[ "$(id -u)" = 0 ] || skip "must run as root"
[ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] || skip "needs Debian amd64 (dpkg)"
grep -q '^VERSION_ID="12"' /etc/os-release || skip "needs Debian 12"

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || error "no $top"
export DEBIAN_FRONTEND=noninteractive
entry='/usr/$LIB/execlog/libexeclog.so'
lib64=/usr/lib/x86_64-linux-gnu/execlog/libexeclog.so
lib32=/usr/lib/i386-linux-gnu/execlog/libexeclog.so
work=$(mktemp -d /tmp/execlog-packages.XXXXXX)
chmod 755 "$work"
journald_pid=''
cleanup() {
    [ -z "$journald_pid" ] || kill "$journald_pid" 2>/dev/null
    rm -rf "$work" /run/systemd/journald.conf.d/execlog-packages-test.conf
}
trap cleanup EXIT

# ---- the site's own preload entry, there before execlog ------------------
say "a site library listed in /etc/ld.so.preload first"
apt-get update -qq >/dev/null && apt-get install -y -qq gcc libc6-dev >/dev/null ||
    error "cannot install gcc to build the site's library"
# Through $LIB too, so that it is no error in a 32-bit program either:
# its i386 build comes once the packages command installed the cross
# compiler, before any 32-bit program runs.
site='/usr/local/$LIB/site-preload.so'
echo 'int site_preload_marker;' >"$work/site.c"
mkdir -p /usr/local/lib/x86_64-linux-gnu /usr/local/lib/i386-linux-gnu
gcc -shared -fPIC -o /usr/local/lib/x86_64-linux-gnu/site-preload.so "$work/site.c" ||
    error "cannot build the site's library"
printf '# the site'"'"'s own entry\n%s\n' "$site" >/etc/ld.so.preload
chmod 644 /etc/ld.so.preload

# ---- the README's packages command, as written there ----------------------
say "the README's packages command"
command=$(awk '/<!-- packages-command/ { found = 1; next }
               found && /^```sh/ { inside = 1; next }
               inside && /^```/ { exit }
               inside { print }' README.md)
[ -n "$command" ] || error "no packages command in README.md"
echo "+ $command"
start=$SECONDS
bash -euo pipefail -c "$command" >"$work/readme.out" 2>&1 || {
    tail -n 40 "$work/readme.out"
    error "the README's packages command failed"
}
ok "the README's packages command: $((SECONDS - start)) s"
i686-linux-gnu-gcc -shared -fPIC -o /usr/local/lib/i386-linux-gnu/site-preload.so "$work/site.c" ||
    error "cannot build the site's i386 library"
version=$(dpkg-parsechangelog -S Version)
for d in ../execlog_"$version"_amd64.deb ../libexeclog_"$version"_amd64.deb \
    ../libexeclog_"$version"_i386.deb; do
    echo "$prog: $(stat -c '%s bytes' "$d") $d"
done

# ---- a real journald ------------------------------------------------------
# The host's, where systemd runs; else one of our own (a fresh.sh root).
# Without its rate limit: every exec of the package builds is a line, and
# a burst past 10,000 in 30 s would drop the lines the checks look for.
mkdir -p /run/systemd/journald.conf.d
printf '[Journal]\nRateLimitBurst=0\n' >/run/systemd/journald.conf.d/execlog-packages-test.conf
if [ -S /run/systemd/journal/socket ] && [ -d /run/systemd/system ]; then
    systemctl restart systemd-journald || error "cannot restart journald"
else
    apt-get install -y -qq systemd >/dev/null || error "cannot install systemd"
    /lib/systemd/systemd-journald </dev/null >"$work/journald.out" 2>&1 &
    journald_pid=$!
    for _ in $(seq 100); do [ -S /run/systemd/journal/dev-log ] && break; sleep 0.1; done
    [ -S /run/systemd/journal/dev-log ] || error "journald did not start: $(cat "$work/journald.out")"
    [ -e /dev/log ] || ln -s /run/systemd/journal/dev-log /dev/log
fi
journal() { journalctl --no-pager -q -o cat SYSLOG_IDENTIFIER=execlog; }

# ---- installed and enabled ------------------------------------------------
check_preload() {  # check_preload WHEN: both entries, mode 0644
    grep -qxF "$site" /etc/ld.so.preload || fail "$1: the site's entry is gone"
    grep -qxF "$entry" /etc/ld.so.preload || fail "$1: no $entry in /etc/ld.so.preload"
    [ "$(stat -c '%a %u %g' /etc/ld.so.preload)" = "644 0 0" ] ||
        fail "$1: /etc/ld.so.preload is $(stat -c '%a %u %g' /etc/ld.so.preload)"
}
check_preload "after install"
[ -f "$lib64" ] && [ -f "$lib32" ] || fail "the loaded copies are missing: $(ls -l /usr/lib/*/execlog/ 2>&1)"
execlog-install-hooks status || fail "execlog-install-hooks status after install"

# The 32-bit program: built with the i386 cross compiler that the packages
# command installed; it runs a command itself, through the i386 library.
cat >"$work/run32.c" <<'EOF'
#include <unistd.h>
int main(int argc, char **argv)
{
    (void)argc;
    execv(argv[1], argv + 1);
    return 127;
}
EOF
i686-linux-gnu-gcc -o "$work/run32" "$work/run32.c" || error "cannot build a 32-bit program"
cat >"$work/run64.c" <<'EOF'
#include <unistd.h>
int main(int argc, char **argv)
{
    (void)argc;
    execv(argv[1], argv + 1);
    return 127;
}
EOF
gcc -o "$work/run64" "$work/run64.c" || error "cannot build a 64-bit program"

# The operator's configuration: a format of our own shows that each
# library read the cache, not its built-in defaults.
sed -i 's/^#* *message_format *=.*/message_format = "pkgtest %{cmdline}"/' /etc/execlog.ini
grep -q '^message_format = "pkgtest' /etc/execlog.ini ||
    echo 'message_format = "pkgtest %{cmdline}"' >>/etc/execlog.ini
execlog reload >/dev/null || fail "execlog reload of the edited ini"

# both WHEN: a 64-bit and a 32-bit command reach journald, through the
# cache, with nothing on stderr.
both() {
    local tag=${1// /-}-$RANDOM
    "$work/run64" /bin/true "m64-$tag" 2>"$work/err64" || fail "$1: the 64-bit program failed"
    "$work/run32" /bin/true "m32-$tag" 2>"$work/err32" || fail "$1: the 32-bit program failed"
    [ ! -s "$work/err64" ] || fail "$1: the 64-bit program printed: $(cat "$work/err64")"
    [ ! -s "$work/err32" ] || fail "$1: the 32-bit program printed: $(cat "$work/err32")"
    sleep 1
    for bits in 64 32; do
        if journal | grep -qxF "pkgtest /bin/true m$bits-$tag"; then
            ok "$1: the $bits-bit command reached journald through the cache"
        else
            fail "$1: no 'pkgtest /bin/true m$bits-$tag' in the journal: $(journal | tail -n 3 | tr '\n' ' ')"
        fi
    done
}
both "installed"
[ "$(od -An -t u1 -j 4 -N 1 "$work/run32" | tr -d ' ')" = 1 ] || fail "run32 is not a 32-bit program"

# ---- reinstall and upgrade under watch ------------------------------------
# watch: until $work/stop exists, reads /etc/ld.so.preload and checks both
# loaded copies, with shell builtins only (no exec, so no log lines),
# counting reads and misses; and a program started every 50 ms, whose
# stderr must stay empty.
watch_start() {
    rm -f "$work/stop" "$work/watch.count" "$work/watch.err"
    # shellcheck disable=SC2016  # the entry is matched literally
    bash -c 'n=0 miss=0
        while [ ! -e "$1/stop" ]; do
            n=$((n + 1)) found=0
            while read -r line; do
                [ "$line" = "$2" ] && found=1
            done </etc/ld.so.preload
            [ $found = 1 ] && [ -f "$3" ] && [ -f "$4" ] || miss=$((miss + 1))
        done
        echo "$n $miss" >"$1/watch.count"' _ "$work" "$entry" "$lib64" "$lib32" &
    watch_pid=$!
    bash -c 'while [ ! -e "$1/stop" ]; do "$1/run64" /bin/true watch64; "$1/run32" /bin/true watch32; sleep 0.05; done' \
        _ "$work" 2>"$work/watch.err" &
    watch2_pid=$!
}
watch_stop() {  # watch_stop WHAT
    local n miss
    touch "$work/stop"
    wait "$watch_pid" "$watch2_pid"
    read -r n miss <"$work/watch.count"
    echo "$prog: $1: $n reads of /etc/ld.so.preload, $miss without the entry or a library"
    [ "$n" -gt 100 ] || fail "$1: the watcher read the file only $n times"
    [ "$miss" = 0 ] || fail "$1: the entry or a library was missing $miss times"
    [ ! -s "$work/watch.err" ] || fail "$1: programs printed during it: $(sort "$work/watch.err" | uniq -c | head -n 5)"
}
# no_error_lines WHEN [SINCE]: no cache problem logged, and every line in
# the operator's format: a library that found no cache of its version
# would say nothing and log in the built-in format.  (A report of lines
# that could not be delivered is no fallback: man-db runs its children
# under a seccomp filter that refuses socket().)
no_error_lines() {
    local lines
    lines=$(journalctl --no-pager -q -o cat SYSLOG_IDENTIFIER=execlog ${2:+--since "$2"})
    if printf '%s\n' "$lines" | grep -E 'execlog: .*(not used|built-in defaults)'; then
        fail "$1: error lines in the journal (above)"
    elif printf '%s\n' "$lines" | grep -v -e '^pkgtest ' \
        -e '^execlog: [0-9]* earlier line(s) of uid [0-9]* could not be delivered$' | grep .; then
        fail "$1: lines in the built-in format (above)"
    else
        ok "$1: $(printf '%s\n' "$lines" | wc -l) lines, every one through the cache: no error line, no fallback to the defaults"
    fi
}

debs_of() {  # debs_of VERSION: the three packages of VERSION
    echo "$1/execlog_$2_amd64.deb $1/libexeclog_$2_amd64.deb $1/libexeclog_$2_i386.deb"
}

say "reinstall"
since=$(date '+%Y-%m-%d %H:%M:%S')
sleep 1
watch_start
# shellcheck disable=SC2046  # three file names
apt-get install -y -qq --reinstall $(debs_of "$(cd .. && pwd)" "$version") >"$work/reinstall.out" 2>&1 ||
    fail "reinstall: $(tail -n 5 "$work/reinstall.out")"
watch_stop "reinstall"
check_preload "after reinstall"
both "after reinstall"
no_error_lines "reinstall" "$since"

# The next version, with another cache format: the source copied, the
# cache version and the package version raised, both architectures built.
say "upgrade to a version with another cache format"
next=$work/next/execlog
mkdir -p "$next"
tar -C "$top" --exclude=.git -cf - . | tar -C "$next" -xf - || error "cannot copy the source"
cache_version=$(sed -n 's/^#define CACHE_VERSION \([0-9]*\).*/\1/p' src/cache.h)
next_cache=$((cache_version + 1))
next_version=$version+test1
sed -i "s/^#define CACHE_VERSION $cache_version\b/#define CACHE_VERSION $next_cache/" "$next/src/cache.h"
sed -i "1s/(.*)/($next_version)/" "$next/debian/changelog"
(cd "$next" && dpkg-buildpackage -b -us -uc && dpkg-buildpackage -a i386 -B -us -uc) \
    >"$work/next-build.out" 2>&1 || {
    tail -n 30 "$work/next-build.out"
    error "cannot build $next_version"
}
# A process that runs the old library through the whole upgrade.
bash -c 'while [ ! -e "$1/stop-old" ]; do /bin/true old-process; sleep 0.2; done' _ "$work" \
    2>"$work/old.err" &
old_pid=$!
journalctl --rotate >/dev/null 2>&1 || true
since=$(date '+%Y-%m-%d %H:%M:%S')
sleep 1
watch_start
# shellcheck disable=SC2046  # three file names
apt-get install -y -qq $(debs_of "$work/next" "$next_version") >"$work/upgrade.out" 2>&1 ||
    fail "upgrade: $(tail -n 5 "$work/upgrade.out")"
watch_stop "upgrade $version -> $next_version"
touch "$work/stop-old"
wait "$old_pid"
[ ! -s "$work/old.err" ] || fail "the process that ran through the upgrade printed: $(head -n 3 "$work/old.err")"
[ "$(dpkg-query -W -f '${Version}' execlog)" = "$next_version" ] || fail "execlog is not at $next_version"
[ -f "/etc/execlog.cache.$next_cache" ] || fail "no /etc/execlog.cache.$next_cache after the upgrade"
[ -f "/etc/execlog.cache.$cache_version" ] ||
    fail "/etc/execlog.cache.$cache_version, which processes of the old library read, is gone"
check_preload "after the upgrade"
both "after the upgrade"
no_error_lines "upgrade" "$since"
n=$(journal | grep -c '^pkgtest /bin/true old-process$')
echo "$prog: the process that ran through the upgrade logged $n lines through its cache"
[ "$n" -gt 0 ] || fail "the process that ran through the upgrade was not logged through its cache: $(journal | grep old-process | sort | uniq -c)"

# ---- remove, purge, preseed -----------------------------------------------
say "remove"
apt-get remove -y -qq execlog libexeclog libexeclog:i386 >"$work/remove.out" 2>&1 ||
    fail "remove: $(tail -n 5 "$work/remove.out")"
grep -qF 'libexeclog.so' /etc/ld.so.preload && fail "remove left our entry: $(cat /etc/ld.so.preload)"
grep -qxF "$site" /etc/ld.so.preload || fail "remove took the site's entry"
[ "$(stat -c '%a' /etc/ld.so.preload)" = 644 ] || fail "remove: mode $(stat -c '%a' /etc/ld.so.preload)"
[ ! -e "$lib64" ] && [ ! -e "$lib32" ] || fail "remove left a loaded copy: $(ls /usr/lib/*/execlog 2>&1)"
[ -f /etc/execlog.ini ] || fail "remove took the ini (a conffile stays until purge)"
"$work/run32" /bin/true after-remove 2>"$work/err32" && [ ! -s "$work/err32" ] ||
    fail "a 32-bit program after remove printed: $(cat "$work/err32")"

say "purge"
apt-get purge -y -qq execlog libexeclog libexeclog:i386 >"$work/purge.out" 2>&1 ||
    fail "purge: $(tail -n 5 "$work/purge.out")"
[ "$(cat /etc/ld.so.preload)" = "$(printf '# the site'"'"'s own entry\n%s' "$site")" ] ||
    fail "purge: /etc/ld.so.preload is not the site's again: $(cat -A /etc/ld.so.preload)"
[ "$(stat -c '%a %u %g' /etc/ld.so.preload)" = "644 0 0" ] ||
    fail "purge: /etc/ld.so.preload is $(stat -c '%a %u %g' /etc/ld.so.preload)"
leftovers=$(ls -d /etc/execlog* /usr/lib/*/execlog /run/execlog 2>/dev/null)
[ -z "$leftovers" ] || fail "purge left: $leftovers"
ok "purge: the site's entry alone, mode 0644, no cache, no ini"

say "preseeded execlog/enable false"
echo 'execlog execlog/enable boolean false' | debconf-set-selections
# shellcheck disable=SC2046  # three file names
apt-get install -y -qq $(debs_of "$(cd .. && pwd)" "$version") >"$work/preseed.out" 2>&1 ||
    fail "install with execlog/enable false: $(tail -n 5 "$work/preseed.out")"
grep -qF 'libexeclog.so' /etc/ld.so.preload && fail "execlog/enable false: enabled anyway"
[ -f "$lib64" ] && [ -f "$lib32" ] || fail "execlog/enable false: the libraries are not in place"
rc=0; execlog-install-hooks status >/dev/null || rc=$?
[ $rc = 3 ] || fail "execlog/enable false: status exit $rc, expected 3 (not enabled)"
apt-get purge -y -qq execlog libexeclog libexeclog:i386 >/dev/null 2>&1 || fail "second purge"

if [ $failures -eq 0 ]; then
    echo "$prog: PASS"
    exit 0
fi
echo "$prog: $failures failure(s)"
exit 1
