#!/bin/bash
# A sanitizer build's library drags libasan into foreign programs.
[ "${EXECLOG_SANITIZERS:-}" != yes ] || { echo "SKIP: sanitizer build"; exit 77; }
# install-hooks.sh (installed as execlog-install-hooks) against a real
# /etc/ld.so.preload: enable, disable and status, each case in its own
# private mount namespace with an overlay on /etc (tests/sandbox.sh), so
# the host's /etc is never written.
#
# Environment (set by `make check`; defaults for a manual run from the
# build directory): top_srcdir, builddir, EXECLOG_LIB.
# Exit: 0 pass, 1 fail, 77 skip, 99 error.
set -euo pipefail

prog=install-hooks
skip() { printf '%s: SKIP: %s\n' "$prog" "$*"; exit 77; }
error() { printf '%s: ERROR: %s\n' "$prog" "$*"; exit 99; }

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
srcdir=$(cd "$srcdir" && pwd)
build=$(cd "${builddir:-.}" && pwd)
built_lib=${EXECLOG_LIB:-$build/src/.libs/libexeclog.so}
cli=$build/src/execlog
[ -f "$built_lib" ] || error "library not built: $built_lib"
[ -x "$cli" ] || error "execlog not built: $cli"
[ "$(id -u)" = 0 ] || skip "must run as root (mount namespaces, /etc/ld.so.preload)"
# enable runs `execlog reload`, which writes the cache at the path compiled
# into execlog; only /etc is a throwaway copy in the sandbox.
# Its name carries the cache format's version (/etc/execlog.cache.N).
cache=$("$cli" --help | sed -n 's/.*use PATH instead of //p')
case $cache in
    /etc/execlog.cache.*) ;;
    *) skip "built with a cache outside /etc (configure --sysconfdir=/etc)" ;;
esac

work=$(mktemp -d /tmp/execlog-install-hooks.XXXXXX)
trap 'rm -rf -- "$work"' EXIT
# Every process in a sandbox whose ld.so.preload lists the library loads it,
# nobody's too, and nobody runs the script and execlog: all of them are
# copied here, readable by all, since the build tree may be where nobody
# cannot go (a clone in /root, mode 0700).
chmod 755 "$work"
mkdir -p "$work/bin" "$work/units" "$work/lib" "$work/old" "$work/state" \
    "$work/bad/text" "$work/bad/short" "$work/bad/arch" "$work/bad/dir/libexeclog.so" \
    "$work/bad/name" "$work/bad/loose"

# The script as `make` configures it; the checkout's when this tree has
# not generated it (a manual run).  make changes only the lines marked
# "configured", and the checkout's runs as it is.
script=$srcdir/install-hooks.sh
if [ -f "$build/execlog-install-hooks" ]; then
    script=$build/execlog-install-hooks
    if ! diff <(grep -v '# configured$' "$srcdir/install-hooks.sh") \
        <(grep -v '# configured$' "$script") >"$work/configured.diff"; then
        echo "FAIL: make changed more than the lines marked configured:"
        cat "$work/configured.diff"
        exit 1
    fi
fi
install -m 755 "$script" "$work/bin/execlog-install-hooks"
sh "$srcdir/install-hooks.sh" --help >"$work/help" ||
    { echo "FAIL: sh install-hooks.sh --help from the checkout failed"; exit 1; }
grep -q 'enable \[LIBRARY\]' "$work/help" ||
    { echo "FAIL: install-hooks.sh --help:"; cat "$work/help"; exit 1; }
install -m 755 "$cli" "$work/bin/execlog"
cli=$work/bin/execlog
# The units as make generates them, with this build's paths.
for u in execlog-reload.path execlog-reload.service; do
    if [ -f "$build/$u" ]; then
        cp "$build/$u" "$work/units/"
    else
        sed -e 's|@sbindir[@]|/usr/sbin|g' -e 's|@sysconfdir[@]|/etc|g' \
            "$srcdir/etc/$u" >"$work/units/$u"
    fi
done

# Libraries: ours, another execlog copy, and broken ones.
cp "$built_lib" "$work/lib/libexeclog.so"
cp "$built_lib" "$work/old/libexeclog.so"
echo 'not a library' >"$work/bad/x.so"
echo 'not a library' >"$work/bad/text/libexeclog.so"
# A valid ELF header, but the segments are cut off: only the loader notices.
head -c 4096 "$built_lib" >"$work/bad/short/libexeclog.so"
# Another architecture: e_machine (bytes 18-19) of the host's, changed.
cp "$built_lib" "$work/bad/arch/libexeclog.so"
read -r m0 m1 < <(od -An -t u1 -j 18 -N 2 /bin/sh)
if [ "$m0 $m1" = "183 0" ]; then arch='\076\000'; else arch='\267\000'; fi
# shellcheck disable=SC2059  # octal escapes on purpose
printf "$arch" | dd of="$work/bad/arch/libexeclog.so" bs=1 seek=18 conv=notrunc status=none
cp "$built_lib" "$work/bad/name/libother.so"
cp "$built_lib" "$work/bad/loose/libexeclog.so"
chmod 666 "$work/bad/loose/libexeclog.so"

# Another preload library for the file to keep: zlib from libc's directory,
# else a trivial one built here.
other=''
libc=$(awk '$6 ~ /\/libc\.so\.6$/ { print $6; exit }' /proc/self/maps)
if [ -n "$libc" ] && [ -f "${libc%/*}/libz.so.1" ]; then
    other=${libc%/*}/libz.so.1
elif command -v cc >/dev/null; then
    echo 'int execlog_test_other;' >"$work/other.c"
    cc -shared -fPIC -o "$work/libother.so" "$work/other.c" && other=$work/libother.so
fi
[ -n "$other" ] || skip "no other shared library to list (no libz.so.1 next to libc, no cc)"

# The cases, run one per sandbox.
cat >"$work/cases.sh" <<'EOF'
set -uo pipefail
w=$IHT_WORK srcdir=$IHT_SRCDIR build=$IHT_BUILD cli=$IHT_CLI other=$IHT_OTHER cache=$IHT_CACHE case=$1
script=$w/bin/execlog-install-hooks
lib=$w/lib/libexeclog.so
P=/etc/ld.so.preload
state=$w/state/$case
mkdir -p "$state"
failed=0
no() { echo "FAIL [$case]: $*"; failed=1; }

# ih ARGS...: run the script; stdout in $out, stderr in $err, status in $rc.
ih() {
    rc=0
    sh "$script" --execlog "$cli" --unit-dir "$w/units" "$@" >"$state/out" 2>"$state/err" || rc=$?
    out=$(<"$state/out") err=$(<"$state/err")
}
# expect RC WHAT: the last ih exited with RC.
expect() {
    [ "$rc" = "$1" ] || no "$2: exit $rc, expected $1; stdout: $out; stderr: $err"
}
# A here-string, not printf | grep -q: grep -q exits at the first match,
# and printf's next write then fails the pipeline under pipefail.
says() {
    grep -qF -- "$1" <<<"$out"$'\n'"$err" || no "$2: no '$1' in: $out $err"
}
content() {  # content EXPECTED WHAT: the file holds exactly EXPECTED
    printf '%s' "$1" >"$state/expected"
    cmp -s "$P" "$state/expected" || no "$2: $P is $(cat -A "$P" 2>&1 | tr '\n' ' ')"
}
unchanged() {  # unchanged WHAT: the file is byte for byte $state/orig
    if [ -e "$state/orig" ]; then
        cmp -s "$P" "$state/orig" || no "$1: $P changed: $(cat -A "$P" 2>&1 | tr '\n' ' ')"
    else
        [ ! -e "$P" ] || no "$1: $P created: $(cat -A "$P" | tr '\n' ' ')"
    fi
    no_temp "$1"
}
no_temp() {
    ! compgen -G '/etc/.ld.so.preload.*' >/dev/null ||
        no "$1: temporary file left: $(compgen -G '/etc/.ld.so.preload.*')"
}
absent() { [ ! -e "$P" ] || no "$1: $P still there: $(cat -A "$P" | tr '\n' ' ')"; no_temp "$1"; }
# orig FORMAT ARGS...: write the file (printf) and keep a copy.
# shellcheck disable=SC2059
orig() { printf "$@" >"$P"; cp -p "$P" "$state/orig"; }
mapped() {  # mapped PATH WHAT: a new process maps PATH
    awk -v p="$1" '$6 == p { f = 1 } END { exit !f }' /proc/self/maps ||
        no "$2: a new process does not map $1"
}

# Every case starts from the shipped ini, no cache and no ld.so.preload.
install -m 644 -o root -g root "$srcdir/etc/execlog.ini" /etc/execlog.ini
rm -f "$cache" "$P"
[ ! -d /run/systemd/system ] || no "the sandbox's /run has systemd in it"

case_no_file() {
    ih enable "$lib"; expect 0 "enable"
    content "$lib"$'\n' "enable"
    [ "$(stat -c '%a %u %g' "$P")" = "644 0 0" ] || no "new file: $(stat -c '%a %u %g' "$P")"
    no_temp "enable"
    says "path unit: skipped" "no systemd"
    ! compgen -G '/etc/systemd/system/execlog-reload.*' >/dev/null || no "units installed without systemd"
    [ -f "$cache" ] || no "enable did not run execlog reload"
    mapped "$lib" "after enable"
    ih status; expect 0 "status"
    ih disable; expect 0 "disable"; absent "disable"
    ih disable; expect 0 "second disable"; absent "second disable"
    says "nothing to remove" "second disable"
    ih status; expect 3 "status after disable"
}

case_empty_file() {
    orig ''
    ih enable "$lib"; expect 0 "enable"
    content "$lib"$'\n' "enable"
    ih disable; expect 0 "disable"; absent "disable"
}

case_no_final_newline() {
    orig '%s' "$other"
    ih enable "$lib"; expect 0 "enable"
    content "$other"$'\n'"$lib"$'\n' "enable"
    ih disable; expect 0 "disable"
    content "$other"$'\n' "disable"
}

# The issue's own check: a comment and another preload library stay.
case_comments_and_other() {
    orig '# keep this comment\n%s\n\n' "$other"
    ih enable "$lib"; expect 0 "enable"
    content "# keep this comment"$'\n'"$other"$'\n\n'"$lib"$'\n' "enable"
    [ "$(grep -cxF "$lib" "$P")" = 1 ] || no "enable: not listed once"
    cp -p "$P" "$state/after1"
    before=$(stat -c '%i %Y %Z' "$P")
    ih enable "$lib"; expect 0 "second enable"
    says "already listed" "second enable"
    cmp -s "$P" "$state/after1" || no "second enable changed the file"
    [ "$(stat -c '%i %Y %Z' "$P")" = "$before" ] || no "second enable rewrote the file"
    ih status; expect 0 "status"
    [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || no "status: not one line: $out"
    mapped "$lib" "enabled"
    mapped "$(readlink -f "$other")" "enabled (the other entry)"
    ih disable; expect 0 "disable"
    unchanged "disable"
    ih status; expect 3 "status after disable"
    ih disable; expect 0 "second disable"
    unchanged "second disable"
}

case_mode_owner() {
    orig '%s\n' "$other"
    chmod 640 "$P"; chown 0:4 "$P"
    ih enable "$lib"; expect 0 "enable"
    [ "$(stat -c '%a %u %g' "$P")" = "640 0 4" ] || no "enable: mode/owner now $(stat -c '%a %u %g' "$P")"
    ih disable; expect 0 "disable"
    [ "$(stat -c '%a %u %g' "$P")" = "640 0 4" ] || no "disable: mode/owner now $(stat -c '%a %u %g' "$P")"
}

# ld.so also splits entries at ':' and cuts comments anywhere on a line.
case_shared_line() {
    orig '%s:%s # both\n' "$other" "$lib"
    ih status; expect 0 "status"
    ih enable "$lib"; expect 0 "enable"
    unchanged "enable when listed"
    ih disable; expect 0 "disable"
    content "$other # both"$'\n' "disable"
    orig '#%s\n' "$lib"
    ih status; expect 3 "status with the entry commented out"
    ih disable; expect 0 "disable with the entry commented out"; unchanged "commented out"
}

case_path_forms() {
    (cd "$w/lib" && sh "$script" --execlog "$cli" enable ./libexeclog.so >/dev/null 2>&1) ||
        no "enable ./libexeclog.so failed"
    content "$lib"$'\n' "relative path made absolute"
    ih enable "$w/lib/../lib//libexeclog.so"; expect 0 "enable with .. and //"
    content "$lib"$'\n' "path normalised"
}

# An entry through the loader's $LIB, as the Debian packages list it: the
# file checked and mapped is the one of this machine's architecture.
case_lib_token() {
    local dir entry
    # shellcheck disable=SC2016  # $LIB is for the loader
    dir=$(LD_DEBUG=libs LD_LIBRARY_PATH="$w/"'$LIB' /bin/true 2>&1 >/dev/null |
        sed -n "s|.*[=:]$w/\([^:[:space:]]*\)[[:space:]]*(LD_LIBRARY_PATH).*|\1|p" | head -n 1)
    [ -n "$dir" ] || { no "the loader does not say what \$LIB is"; return; }
    mkdir -p "$w/$dir"
    cp -p "$lib" "$w/$dir/libexeclog.so"
    entry="$w/\$LIB/libexeclog.so"
    orig '# site\n%s\n' "$other"
    ih enable "$entry"; expect 0 "enable through \$LIB"
    content "# site"$'\n'"$other"$'\n'"$entry"$'\n' "the entry keeps \$LIB"
    says "$w/$dir/libexeclog.so here" "enable names the file it checked"
    mapped "$w/$dir/libexeclog.so" "after enable through \$LIB"
    ih status; expect 0 "status of a \$LIB entry"
    says "enabled: $entry is listed" "status of a \$LIB entry"
    ih enable "$entry"; expect 0 "second enable"; says "already listed" "second enable"
    ih disable; expect 0 "disable"; unchanged "disable of a \$LIB entry"
    ih enable "$w/\$ORIGIN/libexeclog.so"; expect 1 "\$ORIGIN"; unchanged "\$ORIGIN refused"
    rm -f "$w/$dir/libexeclog.so"
    ih enable "$entry"; expect 1 "\$LIB without the file"; unchanged "missing \$LIB file"
}

case_broken_library() {
    orig '# c\n%s' "$other"
    bad() {  # bad LIBRARY MESSAGE
        ih enable "$1"; expect 1 "enable $1"
        says "$2" "enable $1"
        unchanged "enable $1"
    }
    bad /etc/passwd "not an ELF file"
    bad "$w/bad/x.so" "not an ELF file"
    bad "$w/bad/text/libexeclog.so" "not an ELF file"
    bad "$w/bad/short/libexeclog.so" "trial process failed"
    bad "$w/bad/arch/libexeclog.so" "built for 64-bit"
    bad "$w/bad/dir/libexeclog.so" "not a regular file"
    bad "$w/bad/name/libother.so" "must be named libexeclog.so"
    bad "$w/bad/loose/libexeclog.so" "writable by group or others"
    bad "$w/lib/lib exec.so" "special characters"
    [ ! -e "$cache" ] || no "a refused enable ran execlog reload"
}

case_missing_library() {
    ih enable "$w/gone/libexeclog.so"; expect 1 "enable missing, no file"
    says "no such file" "enable missing"
    absent "enable missing, no file"
    orig '# c\n%s\n' "$other"
    ih enable "$w/gone/libexeclog.so"; expect 1 "enable missing"
    unchanged "enable missing"
}

case_invalid_ini() {
    orig '%s\n' "$other"
    printf 'colour = red\n' >/etc/execlog.ini
    ih enable "$lib"; expect 1 "enable with an invalid ini"
    says "execlog check failed" "invalid ini"
    unchanged "invalid ini"
}

case_other_execlog() {
    orig '# old install\n%s\n' "$w/old/libexeclog.so"
    ih enable "$lib"; expect 1 "enable with another execlog listed"
    says "$w/old/libexeclog.so" "names the other entry"
    unchanged "another execlog listed"
    ih status; expect 0 "status of the other entry"
    ih disable; expect 0 "disable removes any libexeclog.so"
    content "# old install"$'\n' "disable keeps the comment"
}

case_symlink() {
    printf '%s\n' "$other" >/etc/preload-target
    ln -s preload-target "$P"
    ih enable "$lib"; expect 1 "enable through a symlink"
    [ -L "$P" ] || no "the symlink was replaced"
    ih disable; expect 1 "disable through a symlink"
}

case_not_root() {
    orig '# c\n%s\n' "$other"
    asnobody() {
        rc=0
        setpriv --reuid=65534 --regid=65534 --clear-groups \
            sh "$script" --execlog "$cli" "$@" >"$state/out" 2>"$state/err" || rc=$?
        out=$(<"$state/out") err=$(<"$state/err")
    }
    asnobody enable "$lib"; expect 1 "enable as nobody"
    says "must be run as root" "enable as nobody"
    unchanged "enable as nobody"
    asnobody status; expect 3 "status as nobody, not listed"
    ih enable "$lib"; expect 0 "enable as root"
    cp -p "$P" "$state/orig"
    asnobody disable; expect 1 "disable as nobody"
    says "must be run as root" "disable as nobody"
    unchanged "disable as nobody"
    asnobody status; expect 0 "status as nobody, enabled"
}

case_status() {
    ih status; expect 3 "not listed"
    [ "$out" = "not enabled: no libexeclog.so in $P" ] || no "status line: $out"
    ih enable "$lib"; expect 0 "enable"
    ih status; expect 0 "enabled"
    [ "$out" = "enabled: $lib is listed in $P and loaded by new processes; $cache is valid and up to date with /etc/execlog.ini" ] ||
        no "status line: $out"
    echo '# edited' >>/etc/execlog.ini
    ih status; expect 1 "ini newer than the cache"
    [ "$out" = "problem: $lib is enabled and loaded; $cache is valid, but /etc/execlog.ini changed since the last reload (run execlog reload)" ] ||
        no "status line, ini newer than the cache: $out"
    "$cli" reload >/dev/null
    ih status; expect 0 "after reload"
    chmod 666 "$cache"
    ih status; expect 1 "cache writable by others"
    case $out in "problem: $lib is enabled and loaded; $cache is not used ("*"): built-in defaults apply") ;;
        *) no "status line, cache writable by others: $out" ;; esac
    chmod 644 "$cache"
    # Listed, but not loadable: from here on every process prints a loader
    # error, so only stdout is looked at.
    printf '%s\n' "$w/gone/libexeclog.so" >"$P"
    ih status; expect 1 "listed, missing"
    case $out in "problem: $w/gone/libexeclog.so is listed"*) ;; *) no "status line: $out" ;; esac
    # (Not the truncated library: listed, it crashes every program, this
    # script's shell included.)
    printf '%s\n' "$w/bad/text/libexeclog.so" >"$P"
    ih status; expect 1 "listed, not an ELF file"
    printf '%s\n%s\n' "$lib" "$w/old/libexeclog.so" >"$P"
    ih status; expect 1 "two execlog entries"
    rm -f "$P"
}

# With systemd "running" (a stand-in systemctl and /run/systemd/system,
# inside this namespace only), enable installs and enables the path unit.
case_systemd() {
    real=$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v systemctl) ||
        { echo "SKIP [$case]: no systemctl to stand in for"; return 0; }
    printf '#!/bin/sh\necho "$*" >>%s/systemctl.log\n' "$state" >"$state/systemctl"
    chmod 755 "$state/systemctl"
    mount --bind "$state/systemctl" "$real"
    mkdir -p /run/systemd/system
    ih --no-path-unit enable "$lib"; expect 0 "enable --no-path-unit"
    ! compgen -G '/etc/systemd/system/execlog-reload.*' >/dev/null || no "--no-path-unit installed units"
    ih disable; expect 0 "disable"
    : >"$state/systemctl.log"
    ih enable "$lib"; expect 0 "enable"
    for u in execlog-reload.path execlog-reload.service; do
        cmp -s "$w/units/$u" "/etc/systemd/system/$u" || no "$u not installed"
        [ "$(stat -c %a "/etc/systemd/system/$u")" = 644 ] || no "$u mode"
    done
    grep -qx 'daemon-reload' "$state/systemctl.log" || no "no daemon-reload: $(cat "$state/systemctl.log")"
    grep -qx 'enable --now --quiet execlog-reload.path' "$state/systemctl.log" || no "path unit not enabled"
    says "execlog-reload.path enabled" "enable"
    grep -q '^PathChanged=/etc/execlog.ini$' /etc/systemd/system/execlog-reload.path || no "PathChanged"
    grep -q '^ExecStart=/.*/execlog reload$' /etc/systemd/system/execlog-reload.service || no "ExecStart"
    : >"$state/systemctl.log"
    ih enable "$lib"; expect 0 "second enable"
    ! grep -qx 'daemon-reload' "$state/systemctl.log" || no "second enable: daemon-reload for unchanged units"
    ih disable; expect 0 "disable"
    ! compgen -G '/etc/systemd/system/execlog-reload.*' >/dev/null || no "units left after disable"
    grep -qx 'disable --now --quiet execlog-reload.path' "$state/systemctl.log" || no "path unit not disabled"
    absent "disable"
    umount "$real"
}

# make uninstall with the hook enabled disables it before it removes
# anything: no entry left, no loader error.  Installed under a prefix in
# $w, since the sandbox stands in for /etc only.
case_uninstall() {
    command -v make >/dev/null || { echo "SKIP [$case]: no make"; return 0; }
    local p=$w/prefix
    # Not the jobserver of the make check that runs this test.
    unset MAKEFLAGS MFLAGS MAKELEVEL
    mk() {
        make -C "$build" prefix="$p" "$@" >"$state/make.out" 2>&1 ||
            no "make $*: $(tail -n 5 "$state/make.out")"
    }
    orig '# c\n%s\n' "$other"
    mk install
    ih --execlog "$p/sbin/execlog" enable "$p/lib/libexeclog.so"; expect 0 "enable"
    mapped "$p/lib/libexeclog.so" "after enable"
    mk -j2 uninstall
    grep -q "disabling it first" "$state/make.out" || no "uninstall did not say it disables the hook"
    unchanged "uninstall"
    err=$(/bin/true 2>&1) || no "/bin/true failed after uninstall"
    [ -z "$err" ] || no "/bin/true after uninstall printed: $err"
    [ ! -e "$p/lib/libexeclog.so" ] || no "uninstall left the library"
    # Nothing listed: uninstall leaves the file alone.
    mk install
    mk uninstall
    grep -q "disabling" "$state/make.out" && no "uninstall disabled a hook that was not enabled"
    unchanged "uninstall, not enabled"
}

case_usage() {
    ih --help; expect 0 "--help"
    says "enable [LIBRARY]" "--help"
    ih frobnicate; expect 2 "unknown command"
    ih; expect 2 "no command"
    ih enable "$lib" extra; expect 2 "extra argument"
    ih --bogus status; expect 2 "unknown option"
    absent "usage errors"
}

"case_${case//-/_}"
[ $failed = 0 ] && echo "ok $case"
exit $failed
EOF

export IHT_WORK=$work IHT_SRCDIR=$srcdir IHT_BUILD=$build IHT_CLI=$cli IHT_OTHER=$other IHT_CACHE=$cache
fail=0
for c in no-file empty-file no-final-newline comments-and-other mode-owner \
    shared-line path-forms lib-token broken-library missing-library invalid-ini \
    other-execlog symlink not-root status systemd uninstall usage; do
    rc=0
    "$srcdir/tests/sandbox.sh" -- /bin/bash "$work/cases.sh" "$c" || rc=$?
    case $rc in
        0) ;;
        77) skip "the sandbox cannot run here" ;;
        1) fail=1 ;;
        *) error "case $c: sandbox exit $rc" ;;
    esac
done
[ $fail = 0 ] && echo "$prog: all cases passed"
exit $fail
