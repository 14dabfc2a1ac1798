#!/bin/bash
# Run a command in a private mount namespace where /etc, /dev and /run are
# throwaway copies, so integration tests can put the library in a real
# /etc/ld.so.preload and point /dev/log at a receiver of their choice
# without touching the host.
#
#   sandbox.sh [--preload LIB] [--sink FILE | --journald DIR] [--no-proc] \
#              -- CMD [ARGS...]
#
#   --preload LIB   /etc/ld.so.preload (in the copy) lists exactly LIB (a
#                   copy of it in the sandbox's /run, which every user can
#                   map)
#   --sink FILE     /dev/log -> tests/logsink; FILE gets one line per datagram
#                   (truncated first). logsink is $LOGSINK, else
#                   $builddir/tests/logsink, else next to this script, else
#                   ./tests/logsink.
#   --journald DIR  /dev/log -> a private systemd-journald (volatile storage,
#                   no rate limit); its journal files end up in DIR (created,
#                   must be empty) for `journalctl -D DIR`.
#   --no-proc       an empty tmpfs hides /proc while CMD runs
#
# Exit status: CMD's; 77 (automake SKIP) when this host cannot provide the
# sandbox (not root, no mount namespaces, no overlayfs, no journald); 99
# (automake ERROR) for usage errors and sandbox failures.
#
# Only the commands CMD starts see the preload: this script and its helpers
# are started before ld.so.preload is written, and the file is emptied as
# soon as CMD returns, so a log holds CMD's commands and nothing else
# (CMD itself is started by a shell without the library, so CMD's own exec
# is not logged either).
#
# Everything the namespace writes lives in a tmpfs mounted over a fresh
# directory in /tmp; the host only ever sees that directory, empty, and it is
# removed at exit. Nothing is written to the host's /etc, /dev or /run.
set -Eeuo pipefail

prog=${0##*/}
script=${BASH_SOURCE[0]}

skip() { printf '%s: SKIP: %s\n' "$prog" "$*" >&2; exit 77; }
fail() { printf '%s: ERROR: %s\n' "$prog" "$*" >&2; exit 99; }
usage() {
    [ $# -eq 0 ] || printf '%s: %s\n' "$prog" "$*" >&2
    printf 'usage: %s [--preload LIB] [--sink FILE | --journald DIR] [--no-proc] -- CMD [ARGS...]\n' \
        "$prog" >&2
    exit 99
}
# Any unexpected failure before CMD runs is the sandbox's fault, not CMD's.
trap 'fail "unexpected failure (status $?) at line $LINENO: $BASH_COMMAND"' ERR

preload='' sink='' jdir='' noproc=0
while [ $# -gt 0 ]; do
    case $1 in
        --preload) [ $# -ge 2 ] || usage "--preload needs LIB"; preload=$2; shift 2 ;;
        --sink) [ $# -ge 2 ] || usage "--sink needs FILE"; sink=$2; shift 2 ;;
        --journald) [ $# -ge 2 ] || usage "--journald needs DIR"; jdir=$2; shift 2 ;;
        --no-proc) noproc=1; shift ;;
        --) shift; break ;;
        -h | --help) usage ;;
        *) usage "unknown option: $1" ;;
    esac
done
[ $# -gt 0 ] || usage "missing CMD"
[ -z "$sink" ] || [ -z "$jdir" ] || usage "--sink and --journald exclude each other"

journald=${JOURNALD:-/lib/systemd/systemd-journald}

# Paths the namespace hides or replaces: outputs there would be lost.
check_visible() {
    case $2/ in
        /etc/* | /dev/* | /run/* | /proc/* | /sys/*) usage "$1 must not be under /etc, /dev, /run, /proc or /sys: $2" ;;
    esac
}

if [ "${_EXECLOG_SANDBOX_INNER:-}" != 1 ]; then
    # ---- outside: check the host, normalise arguments, enter a namespace.
    [ "$(id -u)" -eq 0 ] || skip "must run as root"
    command -v unshare >/dev/null || skip "unshare(1) not found"
    unshare -m --propagation private true 2>/dev/null ||
        skip "cannot create a mount namespace (unshare -m)"

    args=()
    if [ -n "$preload" ]; then
        lib=$(realpath -e -- "$preload" 2>/dev/null) || fail "--preload: no such file: $preload"
        if ! [ -f "$lib" ] || ! [ -r "$lib" ]; then
            fail "--preload: not a readable file: $lib"
        fi
        args+=(--preload "$lib")
    fi
    if [ -n "$sink" ]; then
        sink=$(realpath -m -- "$sink")
        check_visible --sink "$sink"
        logsink=''
        for c in "${LOGSINK:-}" "${builddir:+$builddir/tests/logsink}" \
            "$(dirname -- "$script")/logsink" ./tests/logsink; do
            if [ -n "$c" ] && [ -f "$c" ] && [ -x "$c" ]; then logsink=$c; break; fi
        done
        [ -n "$logsink" ] || fail "logsink not found (build it, or set LOGSINK or builddir)"
        export _EXECLOG_SANDBOX_LOGSINK
        _EXECLOG_SANDBOX_LOGSINK=$(realpath -e -- "$logsink")
        : >"$sink" || fail "cannot write $sink"
        args+=(--sink "$sink")
    fi
    if [ -n "$jdir" ]; then
        [ -x "$journald" ] || skip "systemd-journald not found at $journald (set JOURNALD)"
        command -v journalctl >/dev/null || skip "journalctl not found"
        jdir=$(realpath -m -- "$jdir")
        check_visible --journald "$jdir"
        mkdir -p -- "$jdir"
        [ -z "$(ls -A -- "$jdir")" ] || usage "--journald DIR must be empty: $jdir"
        args+=(--journald "$jdir")
    fi
    [ "$noproc" = 0 ] || args+=(--no-proc)

    export _EXECLOG_SANDBOX_INNER=1
    # exec keeps our pid, so signals and the exit status reach the caller
    # unchanged; --propagation private keeps every mount below out of the
    # host's namespace.
    exec unshare -m --propagation private -- "$BASH" "$script" "${args[@]}" -- "$@"
fi

# ---- inside the new mount namespace.
logsink=${_EXECLOG_SANDBOX_LOGSINK:-}
unset _EXECLOG_SANDBOX_INNER _EXECLOG_SANDBOX_LOGSINK

tmp='' etc_ready=0 preload_written=0 proc_hidden=0 sink_pid='' journald_pid=''
sock=/run/execlog-test/log.sock

# sleep(1) without a fork or exec: read(1) times out on a FIFO nobody writes.
nap() { read -r -t "$1" _ <>"$tmp/nap" || true; }

# kill -0 succeeds on a zombie, so look at the process state instead.
alive() {
    local stat
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# Is the topmost mount at $1 one of ours? Checked before anything is written
# below a mount point: a mount that silently did not happen would send those
# writes to the host (and "is it tmpfs/overlayfs" proves nothing on hosts
# whose /run is tmpfs or whose / is an overlay).
our_mount() {
    local line src='' f
    while IFS= read -r line; do
        read -r -a f <<<"${line%% - *}"
        [ "${f[4]}" = "$1" ] || continue
        read -r -a f <<<"${line#* - }"
        src=${f[1]}
    done </proc/self/mountinfo
    [ "$src" = execlog-sandbox ]
}

# SIGTERM, then SIGKILL after 5 s; always reaps. Polls rather than arming a
# timer subshell: a subshell signalled before it has reset the inherited
# traps runs this script's EXIT trap (a bash race seen in testing).
stop_child() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        alive "$pid" || break
        nap 0.05
    done
    if alive "$pid"; then
        printf '%s: warning: killing %s\n' "$prog" "$pid" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# Idempotent; runs on every exit path.
# shellcheck disable=SC2317  # only called from the EXIT trap
cleanup() {
    set +eE
    trap - ERR
    # Empty, not removed: truncation is a shell builtin, so the commands
    # below start without the library and do not log themselves.
    if [ "$preload_written" = 1 ] && [ "$etc_ready" = 1 ]; then
        : >/etc/ld.so.preload
        preload_written=0
    fi
    if [ "$proc_hidden" = 1 ]; then
        umount /proc && proc_hidden=0
    fi
    if [ -n "$sink_pid" ]; then
        stop_child "$sink_pid"
        sink_pid=''
    fi
    if [ -n "$journald_pid" ]; then
        stop_child "$journald_pid"
        journald_pid=''
    fi
    if [ -n "$tmp" ]; then
        # Lazy: the overlay on /etc still uses the tmpfs until the namespace
        # ends. The host directory below it was never written, so rmdir
        # is enough; nothing here ever needs rm -r.
        umount -l "$tmp" 2>/dev/null
        rmdir "$tmp" || printf '%s: warning: could not remove %s\n' "$prog" "$tmp" >&2
        tmp=''
    fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

setup_etc() {
    local -a subs=()
    local m
    # Bind mounts inside /etc (containers bind /etc/hosts, /etc/resolv.conf)
    # are hidden by the overlay; put them back on top, read-only.
    while read -r _ _ _ _ m _; do
        case $m in /etc/*) subs+=("$m") ;; esac
    done </proc/self/mountinfo
    if [ ${#subs[@]} -gt 0 ]; then
        mkdir "$tmp/etc"
        mount --rbind /etc "$tmp/etc"
    fi

    mount -t overlay execlog-sandbox \
        -o "lowerdir=/etc,upperdir=$tmp/upper,workdir=$tmp/work" /etc ||
        skip "cannot mount an overlay on /etc"
    our_mount /etc || fail "/etc is not the overlay"
    etc_ready=1

    for m in "${subs[@]}"; do
        case $m in
            *\\*) printf '%s: warning: not restoring mount %s\n' "$prog" "$m" >&2; continue ;;
        esac
        if [ ! -e "$m" ]; then
            if [ -d "$tmp/etc${m#/etc}" ]; then mkdir -p "$m"; else : >"$m"; fi
        fi
        mount --bind "$tmp/etc${m#/etc}" "$m"
        mount -o remount,bind,ro "$m"
    done
}

setup_dev() {
    local n
    mount --rbind /dev "$tmp/dev"
    mount -t tmpfs -o mode=755,nosuid execlog-sandbox /dev
    our_mount /dev || fail "/dev is not the sandbox's tmpfs"
    for n in null zero full random urandom tty; do
        [ -e "$tmp/dev/$n" ] || continue
        : >"/dev/$n"
        mount --bind "$tmp/dev/$n" "/dev/$n"
    done
    mkdir /dev/pts /dev/shm
    mount --rbind "$tmp/dev/pts" /dev/pts
    mount -t tmpfs -o mode=1777,nosuid,nodev execlog-sandbox /dev/shm
    ln -s /proc/self/fd /dev/fd
    ln -s /proc/self/fd/0 /dev/stdin
    ln -s /proc/self/fd/1 /dev/stdout
    ln -s /proc/self/fd/2 /dev/stderr
    ln -s pts/ptmx /dev/ptmx
}

# wait_for WHAT PID TEST...: poll TEST for up to 5 s while PID lives.
wait_for() {
    local what=$1 pid=$2 i
    shift 2
    for ((i = 0; i < 100; i++)); do
        "$@" && return 0
        alive "$pid" || return 1
        nap 0.05
    done
    printf '%s: timed out waiting for %s\n' "$prog" "$what" >&2
    return 1
}

start_sink() {
    mkdir -p "${sock%/*}"
    "$logsink" "$sock" "$sink" </dev/null &
    sink_pid=$!
    if ! wait_for "logsink" "$sink_pid" test -e "$sock.ready"; then
        stop_child "$sink_pid"
        sink_pid=''
        fail "logsink did not start"
    fi
    ln -s "$sock" /dev/log
}

start_journald() {
    [ "$etc_ready" = 1 ] || fail "refusing to write to /etc outside the overlay"
    mkdir -p /etc/systemd/journald.conf.d
    # zz- sorts last, so no other drop-in overrides these. ReadKMsg=no: the
    # kernel log is the host's, and /dev/kmsg does not exist here.
    cat >/etc/systemd/journald.conf.d/zz-execlog-sandbox.conf <<'EOF'
[Journal]
Storage=volatile
RateLimitIntervalSec=0
RateLimitBurst=0
ReadKMsg=no
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
MaxLevelStore=debug
EOF
    # Not socket-activated, journald binds /run/systemd/journal/{socket,
    # dev-log,stdout,io.systemd.journal} itself. It stops on SIGINT even when
    # started ignoring it, so it gets its own session: a Ctrl-C meant for CMD
    # must not lose the messages CMD sends afterwards. (setsid execs in
    # place here, so $! is journald's pid.)
    setsid "$journald" </dev/null >/dev/null 2>"$tmp/journald.log" &
    journald_pid=$!
    if ! wait_for "systemd-journald" "$journald_pid" \
        test -S /run/systemd/journal/dev-log -a -S /run/systemd/journal/socket; then
        stop_child "$journald_pid"
        journald_pid=''
        cat "$tmp/journald.log" >&2
        fail "systemd-journald did not start"
    fi
    ln -s /run/systemd/journal/dev-log /dev/log
}

setup() {
    # /run first, and with -n: mount(8) creates /run/mount (for its utab)
    # on every call unless told not to, and that must land in our tmpfs,
    # not in the host's /run.
    mount -n -t tmpfs -o mode=755,nosuid,nodev execlog-sandbox /run ||
        skip "cannot mount tmpfs"
    our_mount /run || fail "/run is not the sandbox's tmpfs"

    tmp=$(mktemp -d /tmp/execlog-sandbox.XXXXXX)
    mount -t tmpfs -o mode=700 execlog-sandbox "$tmp"
    our_mount "$tmp" || fail "$tmp is not the sandbox's tmpfs"
    mkdir "$tmp/upper" "$tmp/work" "$tmp/dev"
    mkfifo "$tmp/nap"

    setup_etc
    setup_dev

    if [ -n "$sink" ]; then start_sink; fi
    if [ -n "$jdir" ]; then start_journald; fi

    # Last, because the commands above need /proc (and must not load LIB).
    if [ "$noproc" = 1 ]; then
        mount -t tmpfs -o mode=555 execlog-sandbox-noproc /proc
        proc_hidden=1
    fi
}

# After CMD: make sure every message it sent is stored, then hand it over.
collect() {
    if [ "$preload_written" = 1 ]; then
        : >/etc/ld.so.preload
        preload_written=0
    fi
    if [ "$proc_hidden" = 1 ]; then
        umount /proc
        proc_hidden=0
    fi
    if [ -n "$sink_pid" ]; then
        alive "$sink_pid" || fail "logsink died while CMD ran"
        # logsink drains its queue on SIGTERM; the pause is for stragglers
        # CMD left running in the background.
        nap 0.1
        stop_child "$sink_pid"
        sink_pid=''
    fi
    if [ -n "$journald_pid" ]; then
        if ! alive "$journald_pid"; then
            cat "$tmp/journald.log" >&2
            fail "systemd-journald died while CMD ran"
        fi
        # --sync returns once journald has stored everything queued before
        # the call; stopping journald then closes the files cleanly (offline),
        # so they are copied in a consistent state.
        journalctl --sync || nap 0.5
        stop_child "$journald_pid"
        journald_pid=''
        [ -d /run/log/journal ] || fail "journald wrote no journal"
        cp -a /run/log/journal/. "$jdir"/
    fi
}

setup >&2

if [ -n "$preload" ]; then
    [ "$etc_ready" = 1 ] || fail "refusing to write /etc/ld.so.preload outside the overlay"
    # A copy in the sandbox's /run (mode 755): programs run as another user
    # (nobody, a setuid program's caller) must be able to map it wherever
    # the build tree is, a clone in /root (0700) included.
    mkdir -m 755 /run/execlog-sandbox-lib
    install -m 755 "$preload" /run/execlog-sandbox-lib/libexeclog.so
    printf '%s\n' /run/execlog-sandbox-lib/libexeclog.so >/etc/ld.so.preload
    preload_written=1
fi

trap - ERR
rc=0
# exec in a subshell: CMD is always a program found on PATH, never a shell
# builtin or function (`-- exec ...` or `-- exit` would skip the cleanup,
# and a builtin echo would not be an exec at all).
(trap - EXIT HUP INT TERM; exec "$@") || rc=$?
trap 'fail "unexpected failure (status $?) at line $LINENO: $BASH_COMMAND"' ERR

collect >&2
exit "$rc"
