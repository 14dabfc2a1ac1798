#!/bin/bash
# Hostile input, with the real library in a real /etc/ld.so.preload
# (tests/sandbox.sh):
#
#   1. A setuid-root program run by nobody (AT_SECURE=1) logs the same line,
#      makes the same system calls and touches no path or address taken
#      from its environment, whether the environment is empty or sets every
#      name the library's binary mentions (and the usual suspects) to a
#      path of its own.  The library has no getenv but the PATH search of
#      execvp/execlp/posix_spawnp, which glibc does just the same; the
#      program here calls execve, so nothing may differ.  A difference in
#      the message, in the sequence of system calls (strace -u runs the
#      program setuid), or a probe path in any system call argument, is a
#      variable the library read.
#   2. A cache (the library, and `execlog show`) or an ini (`execlog
#      check`) that is owned by another user, writable by group or others,
#      a symbolic link, a directory or a FIFO is refused with a clear
#      reason; the library then logs with the built-in defaults, says why,
#      and never hangs (a FIFO must not block an exec).
#   3. `execlog reload` compiles the same cache whatever its own
#      environment (libconfuse expands ${NAME} in double-quoted values,
#      which may span lines).
#   4. Arguments from a hostile caller: control bytes, escape sequences,
#      bidi controls, invalid UTF-8 never reach the log raw, and a 128 KiB
#      argument gives a bounded line with a cut marker while the exec
#      succeeds.
#   A file output (output = file:PATH) on a FIFO must not hang an exec
#   either; that it refuses symbolic links is tested in outputs.sh.
#
# Environment: builddir, top_srcdir, EXECLOG_LIB (as make check sets them);
# SECURITY_KEEP=1 keeps the work directory.
# Exit: 0 pass, 1 fail, 77 skip (not root, no sandbox).
set -u

. "$(dirname "$0")/harness.sh"
TMO=60

[ -f "$LIB" ] || skip "no library at $LIB"
for p in "$SIGEXEC" "$CLI"; do
    [ -x "$p" ] || { echo "FAIL: $p is not built"; exit 1; }
done
[ "$(id -u)" = 0 ] || skip "needs root (setuid copies, chown, the sandbox)"

setuid_dir=''
# shellcheck disable=SC2317  # called by harness_cleanup at exit
cleanup_extra() { [ -z "$setuid_dir" ] || rm -rf "$setuid_dir"; }
work_dir "${TMPDIR:-/tmp}/execlog-security.XXXXXX" "${SECURITY_KEEP:-0}"

# in_sandbox NAME SINK CMD...: CMD with the library preloaded, the log in
# SINK; stdout/stderr to $WORK/NAME.{out,err}.  Returns CMD's status.
in_sandbox() {
    local name=$1 sink=$2 rc=0
    shift 2
    timeout -k 10 "$TMO" bash "$SANDBOX" --preload "$LIB" --sink "$sink" -- "$@" \
        >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
    [ $rc -ne 77 ] || skip_sandbox "$WORK/$name.err"
    return $rc
}

# The lines of a sink with the parts that differ from run to run (pids,
# session) replaced, so that two runs compare.
normalise() {
    sed -E 's/execlog\[[0-9]+\]/execlog[PID]/; s/ (pid|ppid|sid):[0-9]+/ \1:N/g' "$1"
}

# ---- 1. setuid program, hostile environment ------------------------------
sanitized=0
if readelf -d "$LIB" | grep -q -E 'NEEDED.*lib(a|ub)san'; then
    sanitized=1
fi
nobody_gid=$(id -g nobody 2>/dev/null)
if [ "$sanitized" = 1 ]; then
    note "setuid environment test skipped: this library is built with sanitizers, whose runtime reads its own environment (ASAN_OPTIONS, ...)"
elif [ -z "$nobody_gid" ] || ! command -v setpriv >/dev/null || ! command -v strace >/dev/null; then
    note "setuid environment test skipped: needs user nobody, setpriv and strace"
else
    # The setuid copy must be where nobody can reach it, on a mount that
    # honours setuid bits: the first candidate where it sees AT_SECURE=1.
    copy=''
    for dir in "$WORK" "$builddir/tests" /var/tmp; do
        d=$(mktemp -d "$dir/setuid.XXXXXX" 2>/dev/null) || continue
        setuid_dir=$d
        chmod 755 "$d"
        cp "$SIGEXEC" "$d/sigexec-setuid" && chown root:root "$d/sigexec-setuid" &&
            chmod 4755 "$d/sigexec-setuid"
        if setpriv --reuid=nobody --regid="$nobody_gid" --clear-groups -- \
            "$d/sigexec-setuid" secure probe 2>/dev/null | grep -q '^at-secure=1 ruid=65534 euid=0$'; then
            copy=$d/sigexec-setuid
            break
        fi
        rm -rf "$d"
        setuid_dir=
    done
    if [ -z "$copy" ]; then
        note "setuid environment test skipped: no directory where nobody can run a setuid-root copy (nosuid mounts?)"
    else
        # Every upper-case name in the library's binary, and the usual
        # suspects, each set to a path of its own.  Not LD_*, MALLOC_* or
        # GLIBC_TUNABLES: those are the loader's and libc's business (and
        # AT_SECURE makes glibc drop the unsafe ones before main).
        mapfile -t names < <({
            strings -a "$LIB" | grep -oE '\b[A-Z][A-Z0-9_]{2,}\b'
            printf '%s\n' EXECLOG EXECLOG_CACHE EXECLOG_CONFIG EXECLOG_INI \
                EXECLOG_OUTPUT EXECLOG_FORMAT EXECLOG_DEBUG EXECLOG_DISABLE \
                EXECLOG_SOCKET SYSLOG_SOCKET LOG_SOCKET HOME PWD TMPDIR TZ \
                LANG LC_ALL LANGUAGE LOGNAME USER HOSTNAME SHELL PATH NOTIFY_SOCKET
        } | grep -v -E '^(LD_|MALLOC_|GLIBC_TUNABLES)' | sort -u)
        hostile=(PATH=/tmp/execlog-envprobe/PATH)
        for n in "${names[@]}"; do hostile+=("$n=/tmp/execlog-envprobe/$n"); done
        clean=(PATH=/usr/bin:/bin)
        # By absolute path: env would look them up on the hostile PATH.
        setpriv=$(command -v setpriv) strace=$(command -v strace)

        # Logged lines: setpriv execs the copy as nobody; the copy, setuid
        # root, execs /bin/true.
        for kind in clean hostile; do
            declare -n envv=$kind
            in_sandbox "setuid-$kind" "$WORK/setuid-$kind.sink" \
                env -i "${envv[@]}" "$setpriv" --reuid=nobody --regid="$nobody_gid" \
                --clear-groups -- "$copy" secure execlog-secure || true
            unset -n envv
            grep -F ' /bin/true execlog-secure' "$WORK/setuid-$kind.sink" >"$WORK/setuid-$kind.line"
        done
        if ! grep -qx 'at-secure=1 ruid=65534 euid=0' "$WORK/setuid-clean.out" ||
            ! grep -qx 'at-secure=1 ruid=65534 euid=0' "$WORK/setuid-hostile.out"; then
            fail "setuid: the copy did not run with AT_SECURE=1 as nobody: $(cat "$WORK/setuid-clean.out" "$WORK/setuid-hostile.out")"
        elif [ "$(wc -l <"$WORK/setuid-clean.line")" != 1 ] ||
            [ "$(wc -l <"$WORK/setuid-hostile.line")" != 1 ]; then
            fail "setuid: want one line for the exec in each run: $(cat "$WORK/setuid-clean.line" "$WORK/setuid-hostile.line")"
        elif ! grep -q ' uid:65534 ' "$WORK/setuid-clean.line"; then
            fail "setuid: the line does not name the real uid: $(cat "$WORK/setuid-clean.line")"
        elif [ "$(normalise "$WORK/setuid-clean.line")" != "$(normalise "$WORK/setuid-hostile.line")" ]; then
            fail "setuid: the line depends on the environment:" \
                "$(cat "$WORK/setuid-clean.line")" "$(cat "$WORK/setuid-hostile.line")"
        else
            ok "setuid (AT_SECURE=1): the same line with an empty and a hostile environment (${#hostile[@]} variables)"
        fi

        # System calls of the setuid process up to its exec of /bin/true:
        # the loader's and the library's (the copy itself only prints).
        for kind in clean hostile; do
            declare -n envv=$kind
            in_sandbox "strace-$kind" "$WORK/strace-$kind.sink" \
                env -i "${envv[@]}" "$strace" -qq -u nobody -s 512 -o "$WORK/strace-$kind.raw" \
                -- "$copy" secure execlog-secure || true
            unset -n envv
            awk '/^execve\("\/bin\/true"/ { exit } { print }' "$WORK/strace-$kind.raw" \
                >"$WORK/strace-$kind.txt"
            sed -E 's/^([a-z_0-9]+)\(.*/\1/; s/^(\+\+\+|---).*/\1/' "$WORK/strace-$kind.txt" \
                >"$WORK/strace-$kind.calls"
        done
        if ! grep -q 'execlog-secure' "$WORK/strace-clean.sink"; then
            fail "strace: the traced setuid program was not logged (strace -u as root should keep it setuid): $(head -c 300 "$WORK/strace-clean.err")"
        elif grep -q 'execlog-envprobe' "$WORK/strace-hostile.txt"; then
            fail "strace: a system call of the setuid process uses a value from its environment:" \
                "$(grep 'execlog-envprobe' "$WORK/strace-hostile.txt" | head -n 5)"
        elif ! cmp -s "$WORK/strace-clean.calls" "$WORK/strace-hostile.calls"; then
            fail "strace: the setuid process makes other system calls in a hostile environment:" \
                "$(diff "$WORK/strace-clean.calls" "$WORK/strace-hostile.calls" | head -n 10)"
        else
            ok "setuid (AT_SECURE=1): the same $(wc -l <"$WORK/strace-clean.calls") system calls before the exec, none with a value from the environment"
        fi
    fi
fi

# ---- 2. unsafe cache and ini files -----------------------------------------
printf '%s\n' 'message_format = "SECURITY-TEST %{cmdline}"' >"$WORK/good.ini"
chmod 644 "$WORK/good.ini"
if ! "$CLI" --cache "$WORK/good.cache" reload "$WORK/good.ini" >/dev/null; then
    fail "cannot compile a cache for the tests"
fi

# unsafe_file KIND PATH GOOD: makes PATH (a copy of GOOD) unsafe.
unsafe_file() {
    local kind=$1 path=$2 good=$3
    rm -rf "$path"
    case $kind in
        owner) cp "$good" "$path"; chown nobody "$path"; chmod 644 "$path" ;;
        group) cp "$good" "$path"; chmod 664 "$path" ;;
        others) cp "$good" "$path"; chmod 646 "$path" ;;
        symlink) ln -s "$good" "$path" ;;
        directory) mkdir "$path" ;;
    esac
}
declare -A why=(
    [owner]="it is not owned by root"
    [group]="it is writable by group or others"
    [others]="it is writable by group or others"
    [symlink]="it is a symbolic link"
    [directory]="it is not a regular file"
)

for kind in owner group others symlink directory; do
    # execlog check on the ini.
    unsafe_file "$kind" "$WORK/$kind.ini" "$WORK/good.ini"
    rc=0
    timeout 10 "$CLI" check "$WORK/$kind.ini" >"$WORK/check-$kind.out" 2>&1 || rc=$?
    case $kind in
        symlink) want="(a symbolic link is not followed)" ;;
        directory) want="must be a regular file" ;;
        *) want="must be a regular file owned by root and not writable by group or others" ;;
    esac
    if [ $rc -eq 1 ] && grep -qF "$WORK/$kind.ini: " "$WORK/check-$kind.out" &&
        grep -qF "$want" "$WORK/check-$kind.out"; then
        ok "ini ($kind): execlog check refuses it: $(head -n 1 "$WORK/check-$kind.out")"
    else
        fail "ini ($kind): execlog check exit $rc, want 1 and '$want': $(cat "$WORK/check-$kind.out")"
    fi
    # execlog show on the cache.
    unsafe_file "$kind" "$WORK/$kind.cache" "$WORK/good.cache"
    rc=0
    timeout 10 "$CLI" --cache "$WORK/$kind.cache" show >"$WORK/show-$kind.out" 2>"$WORK/show-$kind.err" || rc=$?
    if [ $rc -eq 1 ] && grep -qxF "$WORK/$kind.cache: not used: ${why[$kind]}" "$WORK/show-$kind.err" &&
        ! grep -q SECURITY-TEST "$WORK/show-$kind.out"; then
        ok "cache ($kind): execlog show refuses it: ${why[$kind]}"
    else
        fail "cache ($kind): execlog show exit $rc, want 1 and '${why[$kind]}': $(cat "$WORK/show-$kind.err")"
    fi
done

# FIFOs: opening one for reading blocks until a writer comes.
mkfifo -m 644 "$WORK/fifo.ini" "$WORK/fifo.cache"
rc=0
timeout 5 "$CLI" check "$WORK/fifo.ini" >"$WORK/check-fifo.out" 2>&1 || rc=$?
if [ $rc -eq 1 ] && grep -qF "must be a regular file" "$WORK/check-fifo.out"; then
    ok "ini (fifo): execlog check refuses it"
else
    fail "ini (fifo): execlog check exit $rc (124: hung on the FIFO), want 1: $(cat "$WORK/check-fifo.out")"
fi
rc=0
timeout 5 "$CLI" --cache "$WORK/fifo.cache" show >/dev/null 2>"$WORK/show-fifo.err" || rc=$?
if [ $rc -eq 1 ] && grep -qF "not used: it is not a regular file" "$WORK/show-fifo.err"; then
    ok "cache (fifo): execlog show refuses it"
else
    fail "cache (fifo): execlog show exit $rc (124: hung on the FIFO), want 1: $(cat "$WORK/show-fifo.err")"
fi

# The library itself, on /etc/execlog.cache.N in the sandbox.
if [ "$CACHE_PATH" != "$ETC_CACHE" ]; then
    note "library cache tests skipped: this build reads $CACHE_PATH, and the sandbox stands in for /etc only (configure --sysconfdir=/etc)"
else
    # Runs inside the sandbox.  Every exec reads the cache, so /bin/true
    # SEC-KIND shows whether the cache was used.  The FIFO comes last: an
    # exec that opens it blocks, so it runs in the background, watched by
    # shell builtins only, and is released by opening the FIFO for writing.
    cat >"$WORK/cache-cases.sh" <<'CASES'
set -u
good=$1 work=$2 cache=$3
mkfifo "$work/nap"
nap() { read -r -t "$1" _ <>"$work/nap" || true; }
install -m 644 -o root -g root "$good" "$cache"
/bin/true sec-good
for kind in owner group others symlink directory; do
    rm -rf "$cache"
    case $kind in
        owner) install -m 644 -o nobody "$good" "$cache" ;;
        group) install -m 664 -o root "$good" "$cache" ;;
        others) install -m 646 -o root "$good" "$cache" ;;
        symlink) ln -s "$good" "$cache" ;;
        directory) mkdir "$cache" ;;
    esac
    /bin/true "sec-$kind"
done
rm -rf "$cache"
mkfifo -m 644 "$cache"
/bin/true sec-fifo &
pid=$!
for ((i = 0; i < 50; i++)); do
    [ -d "/proc/$pid" ] || break
    nap 0.1
done
if [ -d "/proc/$pid" ]; then
    echo "fifo: HUNG"
    exec 3<>"$cache"
fi
wait "$pid"
echo "fifo: exit $?"
CASES
    rc=0
    in_sandbox cache-cases "$WORK/cache-cases.sink" bash "$WORK/cache-cases.sh" \
        "$WORK/good.cache" "$WORK" "$ETC_CACHE" || rc=$?
    sink=$WORK/cache-cases.sink
    # line_for KIND: the line logged for /bin/true sec-KIND.
    line_for() { grep -E " /bin/true sec-$1\$" "$sink"; }
    if [ $rc -ne 0 ]; then
        fail "library: the cache cases exited with $rc (124: timed out): $(tail -n 3 "$WORK/cache-cases.err")"
    elif ! line_for good | grep -q 'SECURITY-TEST /bin/true sec-good$'; then
        fail "library: a safe cache is not used: $(line_for good)"
    else
        ok "library: a root-owned 0644 cache is used"
    fi
    for kind in owner group others symlink directory fifo; do
        line=$(line_for "$kind")
        pid=$(printf '%s\n' "$line" | sed -n 's/^<[0-9]*>execlog\[\([0-9]*\)\]: .*/\1/p' | head -n 1)
        reason=${why[$kind]:-it is not a regular file}
        if [ "$kind" = fifo ] && grep -q 'fifo: HUNG' "$WORK/cache-cases.out"; then
            fail "library: with a FIFO as $ETC_CACHE every exec blocks in open() (the prime directive: no hang)"
        elif [ -z "$line" ] || printf '%s\n' "$line" | grep -q SECURITY-TEST; then
            fail "library ($kind): want the exec logged with the built-in format: '$line'"
        elif ! grep -qxF "<86>execlog[$pid]: execlog: $ETC_CACHE not used: $reason; built-in defaults apply" "$sink"; then
            fail "library ($kind): no line from pid $pid saying '$reason': $(grep -F "execlog[$pid]" "$sink")"
        else
            ok "library ($kind): not used, built-in defaults, and the log says: $reason"
        fi
    done
fi

# The file output (output = file:PATH) on a FIFO: the line must not wait
# for a reader that never comes.  (outputs.sh tests that it refuses a
# symbolic link.)
if [ "$CACHE_PATH" = "$ETC_CACHE" ]; then
    cat >"$WORK/fifo-output.sh" <<'FIFO'
set -u
work=$1 cli=$2
mkfifo "$work/nap2" "$work/out.fifo"
nap() { read -r -t "$1" _ <>"$work/nap2" || true; }
printf 'output = file:%s\n' "$work/out.fifo" >/etc/execlog.ini
chmod 644 /etc/execlog.ini
"$cli" reload >/dev/null || { echo "reload failed"; exit 1; }
/bin/true sec-fifo-output &
pid=$!
for ((i = 0; i < 50; i++)); do
    [ -d "/proc/$pid" ] || break
    nap 0.1
done
if [ -d "/proc/$pid" ]; then
    echo "fifo-output: HUNG"
    exec 3<>"$work/out.fifo"
fi
wait "$pid"
echo "fifo-output: exit $?"
FIFO
    rc=0
    in_sandbox fifo-output "$WORK/fifo-output.sink" bash "$WORK/fifo-output.sh" "$WORK" "$CLI" || rc=$?
    if [ $rc -ne 0 ]; then
        fail "library (file output on a FIFO): the script exited with $rc: $(tail -n 3 "$WORK/fifo-output.out" "$WORK/fifo-output.err")"
    elif grep -q 'fifo-output: HUNG' "$WORK/fifo-output.out"; then
        fail "library (file output on a FIFO): every exec blocks in open() until a reader comes (the prime directive: no hang)"
    elif ! grep -qx 'fifo-output: exit 0' "$WORK/fifo-output.out"; then
        fail "library (file output on a FIFO): $(cat "$WORK/fifo-output.out")"
    else
        ok "library (file output on a FIFO): the exec does not wait for a reader"
    fi
fi

# ---- 3. reload does not depend on its environment ----------------------------
# libconfuse expands ${NAME} in double-quoted values, which may span lines
# (message_format refuses a newline; a comm in filter_chain may hold one).
printf '%s\n' 'message_format = "${HOME} %{cmdline}"' >"$WORK/env1.ini"
printf '%s\n' 'filter_chain = "exclude_comm:x' '${HOME}"' >"$WORK/env2.ini"
for ini in env1 env2; do
    chmod 644 "$WORK/$ini.ini"
    rc1=0 rc2=0
    env HOME=/home/one "$CLI" --cache "$WORK/$ini-one.cache" reload "$WORK/$ini.ini" >"$WORK/$ini.out" 2>&1 || rc1=$?
    env HOME=/home/two "$CLI" --cache "$WORK/$ini-two.cache" reload "$WORK/$ini.ini" >/dev/null 2>&1 || rc2=$?
    if [ $rc1 -ne 0 ] || [ $rc2 -ne 0 ]; then
        fail "reload ($ini): exit $rc1 with one environment, $rc2 with another (0 expected): $(cat "$WORK/$ini.out")"
    elif ! cmp -s "$WORK/$ini-one.cache" "$WORK/$ini-two.cache"; then
        fail "reload ($ini): the compiled cache depends on the environment of execlog reload (\${HOME} in a double-quoted value is expanded): $("$CLI" --cache "$WORK/$ini-one.cache" show | grep -A1 '^message_format\|^filter_chain')"
    else
        ok "reload ($ini): the same result whatever its environment"
    fi
done

# ---- 4. hostile arguments ---------------------------------------------------
cat >"$WORK/args.sh" <<'ARGS'
/bin/true sec-ctl $'a\nb' $'c\rd' $'\e[2J\e[31mred' $'\x7f' $'\x01\x02' \
    $'nb\xc2\xa0sp' $'bidi\xe2\x80\xaeevil' $'\xff\xfe' $'\t' 'sec-end'
echo "ctl: $?"
printf -v big '%*s' 131071 ''
/bin/true sec-big "${big// /a}"
echo "big: $?"
ARGS
rc=0
in_sandbox args "$WORK/args.sink" bash "$WORK/args.sh" || rc=$?
sink=$WORK/args.sink
if [ $rc -ne 0 ] || ! grep -qx 'ctl: 0' "$WORK/args.out" || ! grep -qx 'big: 0' "$WORK/args.out"; then
    fail "arguments: the execs did not succeed (status $rc): $(cat "$WORK/args.out" "$WORK/args.err" | head -n 5)"
else
    ctl=$(grep -c 'sec-ctl' "$sink")
    if [ "$ctl" != 1 ] || ! grep 'sec-ctl' "$sink" | grep -q "sec-end\$"; then
        fail "arguments: want the control-byte exec as one whole line, got $ctl: $(grep -a -A1 'sec-ctl' "$sink" | head -c 400)"
    elif grep 'sec-ctl' "$sink" | LC_ALL=C grep -q '[[:cntrl:]]'; then
        fail "arguments: a control byte reached the log raw: $(grep 'sec-ctl' "$sink" | od -c | head -n 5)"
    elif grep 'sec-ctl' "$sink" | grep -q -F -e $'\xc2\xa0' -e $'\xe2\x80\xae' -e $'\xff'; then
        fail "arguments: a no-break space, bidi control or invalid byte reached the log raw"
    else
        ok "arguments: control bytes, escape sequences, bidi and invalid UTF-8 arrive escaped, in one line"
    fi
    line=$(grep 'sec-big' "$sink")
    if [ -z "$line" ] || [ ${#line} -gt 17000 ] || ! printf '%s' "$line" | grep -q 'bytes cut)'; then
        fail "arguments: a 128 KiB argument gives a line of ${#line} bytes (want at most 16 KiB and a cut marker)"
    else
        ok "arguments: a 128 KiB argument: the exec succeeds, the line is ${#line} bytes with a cut marker"
    fi
fi

[ $failures -eq 0 ] && echo "security: all checks passed"
[ $failures -eq 0 ]
