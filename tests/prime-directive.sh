#!/bin/bash
# A sanitizer build's library drags libasan into foreign programs.
[ "${EXECLOG_SANITIZERS:-}" != yes ] || { echo "SKIP: sanitizer build"; exit 77; }
# The prime directive: libexeclog.so must never change what the host program
# sees.  Every tests/probe subcommand runs twice, once plain and once with the
# library in a real /etc/ld.so.preload (tests/sandbox.sh), and the two reports
# must be identical byte for byte: same return values, same errno, same fds in
# the exec'd program, no crash, no hang.  With the sandbox's log sink we also
# check what was logged: one line per successful exec, none for execs that
# cannot start, and tests/nomalloc proves the exec path does not allocate.
#
# Environment: builddir (default .), top_srcdir (default $srcdir or .),
# EXECLOG_LIB (default $builddir/src/.libs/libexeclog.so),
# PRIME_DIRECTIVE_TIMEOUT (seconds per command, default 300),
# PRIME_DIRECTIVE_KEEP=1 keeps the work directory.
#
# Exit: 0 pass, 1 fail, 77 skip (no library).
set -u

. "$(dirname "$0")/harness.sh"
PROBE=$builddir/tests/probe
NOMALLOC=$builddir/tests/nomalloc
TMO=${PRIME_DIRECTIVE_TIMEOUT:-300}
STRESS_N=2000
ENTRIES=(execve execv execvp execvpe execl execle execlp fexecve execveat
    posix_spawn posix_spawnp system popen)

[ -f "$LIB" ] || skip "no library at $LIB (build it first, or set EXECLOG_LIB)"
for p in "$PROBE" "$NOMALLOC"; do
    if [ ! -x "$p" ]; then
        echo "FAIL: $p is not built (it is a check_PROGRAM: run 'make check')"
        exit 1
    fi
done

work_dir "${TMPDIR:-/tmp}/prime-directive.XXXXXX" "${PRIME_DIRECTIVE_KEEP:-0}"

if grep -qs '[^[:space:]]' /etc/ld.so.preload || [ -n "${LD_PRELOAD:-}" ]; then
    note "a preload is active on this host (/etc/ld.so.preload or LD_PRELOAD): the 'plain' runs are not quite plain"
fi

# ---- how the library gets in: the sandbox, or LD_PRELOAD as a fallback ----
mode=sandbox
if [ ! -f "$SANDBOX" ]; then
    mode=preload
    why="$SANDBOX does not exist"
else
    rc=0
    timeout -k 10 "$TMO" bash "$SANDBOX" --preload "$LIB" --sink "$WORK/selftest.sink" \
        -- /bin/true >"$WORK/selftest.out" 2>&1 || rc=$?
    case $rc in
        0) ;;
        77)
            mode=preload
            why=$(tail -n 1 "$WORK/selftest.out")
            ;;
        *)
            fail "tests/sandbox.sh cannot run /bin/true (status $rc); its output:" \
                "$(cat "$WORK/selftest.out")"
            exit 1
            ;;
    esac
fi
if [ "$mode" = preload ]; then
    note "no sandbox ($why): falling back to LD_PRELOAD=$LIB."
    note "The reports are still compared, but nothing is logged (no private /dev/log), so the"
    note "checks of the log lines are SKIPPED and nomalloc cannot prove the logging path ran."
fi

# run_plain LABEL ARGS...: probe without the library -> $WORK/LABEL.plain{,.err,.rc}
run_plain() {
    local label=$1 rc=0
    shift
    env -u LD_PRELOAD timeout -k 10 "$TMO" "$@" \
        >"$WORK/$label.plain" 2>"$WORK/$label.plain.err" || rc=$?
    echo "$rc" >"$WORK/$label.plain.rc"
}

# run_lib LABEL [SANDBOX-OPTIONS...] -- ARGS...: with the library
# -> $WORK/LABEL.lib{,.err,.rc}, log lines in $WORK/LABEL.sink
run_lib() {
    local label=$1 rc=0
    shift
    local -a opts=()
    while [ "$1" != -- ]; do
        opts+=("$1")
        shift
    done
    shift
    : >"$WORK/$label.sink"
    if [ "$mode" = sandbox ]; then
        timeout -k 10 "$TMO" bash "$SANDBOX" --preload "$LIB" --sink "$WORK/$label.sink" \
            "${opts[@]}" -- "$@" >"$WORK/$label.lib" 2>"$WORK/$label.lib.err" || rc=$?
    else
        timeout -k 10 "$TMO" env LD_PRELOAD="$LIB" "$@" \
            >"$WORK/$label.lib" 2>"$WORK/$label.lib.err" || rc=$?
    fi
    echo "$rc" >"$WORK/$label.lib.rc"
}

# compare LABEL WHAT: plain and library reports must be identical.
compare() {
    local label=$1 what=$2 prc lrc
    prc=$(cat "$WORK/$label.plain.rc")
    lrc=$(cat "$WORK/$label.lib.rc")
    if [ "$prc" = 124 ] || [ "$lrc" = 124 ]; then
        fail "$what: timed out after ${TMO}s ($([ "$prc" = 124 ] && echo plain || echo 'with the library'))" \
            "stderr: $(tail -n 5 "$WORK/$label.lib.err")"
        return 1
    fi
    if [ "$prc" != 0 ]; then
        fail "$what: the probe itself fails WITHOUT the library (status $prc): a test problem, not a library one" \
            "$(tail -n 5 "$WORK/$label.plain.err")"
        return 1
    fi
    if grep -q HUNG "$WORK/$label.plain"; then
        fail "$what: a child hung even WITHOUT the library; the report is meaningless" \
            "$(grep HUNG "$WORK/$label.plain" | head -n 5)"
        return 1
    fi
    if [ "$lrc" != "$prc" ] || ! cmp -s "$WORK/$label.plain" "$WORK/$label.lib"; then
        local -a lines=("status without the library $prc, with it $lrc" "diff -u plain with-library:")
        mapfile -t -O 2 lines < <(diff -u "$WORK/$label.plain" "$WORK/$label.lib" | tail -n +3 | head -n 40)
        if grep -q HUNG "$WORK/$label.lib"; then
            lines+=("HUNG means a child did not finish within 10 s and was killed: the library deadlocked"
                "(a lock, malloc or stdio in the exec path is not async-signal-safe / fork-safe).")
        fi
        if [ "$lrc" -ge 128 ] 2>/dev/null; then
            lines+=("the probe was killed by signal $((lrc - 128)) with the library loaded")
        fi
        if [ -s "$WORK/$label.lib.err" ]; then
            lines+=("stderr with the library (last lines):" "$(tail -n 5 "$WORK/$label.lib.err")")
        fi
        if [ "$mode" = sandbox ]; then
            # Is it the library or the sandbox? Run in the sandbox without it.
            local src=0
            timeout -k 10 "$TMO" bash "$SANDBOX" -- "${last_cmd[@]}" \
                >"$WORK/$label.nolib" 2>/dev/null || src=$?
            if [ "$src" = "$prc" ] && cmp -s "$WORK/$label.plain" "$WORK/$label.nolib"; then
                lines+=("the sandbox WITHOUT the library gives the plain report, so the library makes the difference")
            else
                lines+=("the sandbox WITHOUT the library ALSO differs (status $src): suspect the sandbox, see $WORK/$label.nolib")
            fi
        fi
        fail "$what: the program sees something different with the library" "${lines[@]}"
        return 1
    fi
    return 0
}

# both LABEL WHAT [SANDBOX-OPTIONS...] -- PROBE-ARGS...
both() {
    local label=$1 what=$2
    shift 2
    local -a sandbox_and_probe=("$@")
    while [ "$1" != -- ]; do
        shift
    done
    shift
    last_cmd=("$@")
    run_plain "$label" "$@"
    run_lib "$label" "${sandbox_and_probe[@]}"
    compare "$label" "$what"
}

# The command line of a log line: what follows the bracketed fields.
cmdline_of() {
    local rest=${1#*filename:}
    printf '%s\n' "${rest#*]: }"
}

# ---- 1. every entry point: same result, exactly the expected log lines ----
for name in "${ENTRIES[@]}"; do
    m="pd$$-$name-end"
    label=entry-$name
    if ! both "$label" "probe entry $name" -- "$PROBE" entry "$name" "$m"; then
        continue
    fi
    if [ "$mode" != sandbox ]; then
        ok "probe entry $name (report only)"
        continue
    fi
    sink=$WORK/$label.sink
    mapfile -t got < <(grep -F -- "$m" "$sink" | grep -v -F -- "entry $name $m")
    case $name in
        execvp | execvpe | execlp | posix_spawnp) want=("true $m") ;;
        system | popen) want=("sh -c '/bin/true $m'" "/bin/true $m") ;;
        *) want=("/bin/true $m") ;;
    esac
    problems=()
    if [ "${#got[@]}" -ne "${#want[@]}" ]; then
        problems+=("expected ${#want[@]} line(s) with the marker, got ${#got[@]}")
    fi
    for w in "${want[@]}"; do
        n=0
        for line in "${got[@]}"; do
            c=$(cmdline_of "$line")
            if [ "$c" = "$w" ] || { [ "${w#sh -c }" != "$w" ] && [[ $c =~ ^(/bin/)?sh\ -c\ (--\ )?\'/bin/true\ $m\'$ ]]; }; then
                n=$((n + 1))
            fi
        done
        [ "$n" -eq 1 ] || problems+=("expected exactly one line with command line [$w], found $n")
    done
    for line in "${got[@]}"; do
        case $line in
            *"exec failed"*) problems+=("a successful exec was reported as failed: $line") ;;
        esac
    done
    # The pid fields: the exec'd process (fork child or spawned child).
    pids=$(grep -o 'child-pid=[0-9]*' "$WORK/$label.lib.err" | head -n 1)
    ppid=$(grep -o 'probe-pid=[0-9]*' "$WORK/$label.lib.err" | head -n 1)
    if [ -n "$pids" ] && [ "${#got[@]}" -eq 1 ]; then
        case ${got[0]} in
            *" pid:${pids#child-pid=} "*) ;;
            *) problems+=("the line should say pid:${pids#child-pid=} (the exec'd child)") ;;
        esac
        case ${got[0]} in
            *" ppid:${ppid#probe-pid=} "*) ;;
            *) problems+=("the line should say ppid:${ppid#probe-pid=} (the probe)") ;;
        esac
    fi
    if [ "${#problems[@]}" -ne 0 ]; then
        fail "probe entry $name: wrong log lines" "${problems[@]}" "log lines with the marker:" "${got[@]}"
    else
        ok "probe entry $name (report identical, ${#want[@]} log line(s) as expected)"
    fi
done

# ---- 2. without /proc the exec must still work, and say (unknown) ---------
if [ "$mode" = sandbox ]; then
    m="pd$$-noproc-end"
    if both noproc "probe entry execve without /proc" --no-proc -- "$PROBE" entry execve "$m"; then
        mapfile -t got < <(grep -F -- "/bin/true $m" "$WORK/noproc.sink")
        if [ "${#got[@]}" -ne 1 ]; then
            fail "probe entry execve without /proc: expected one log line, got ${#got[@]}" "${got[@]}"
        elif [[ ${got[0]} != *"(unknown)"* ]]; then
            fail "probe entry execve without /proc: the line should contain (unknown) for what /proc would tell" \
                "${got[0]}"
        else
            ok "probe entry execve without /proc (logged with (unknown))"
        fi
    fi
else
    note "SKIPPED: --no-proc needs the sandbox"
fi

# ---- 3. error paths: same ret/errno; failed starts leave no log line -------
if both errors "probe errors" -- "$PROBE" errors; then
    ok "probe errors (report identical)"
fi
if [ "$mode" = sandbox ]; then
    # "nolog-" is in the path or argv of every exec that fails in the kernel's
    # lookup or permission checks: it must not be logged, except as the text
    # of a "sh -c" command (system, popen), which does run.
    mapfile -t bad < <(grep -F 'nolog-' "$WORK/errors.sink" | while IFS= read -r line; do
        c=$(cmdline_of "$line")
        [[ $c =~ ^(/bin/)?sh\ -c\  ]] || printf '%s\n' "$line"
    done)
    mapfile -t bad2 < <(grep -F 'nospawn-' "$WORK/errors.sink")
    if [ "${#bad[@]}" -ne 0 ]; then
        fail "probe errors: ${#bad[@]} log line(s) for execs that cannot start (ENOENT, EACCES, ENOTDIR, ELOOP, EBADF, EINVAL, ...)" \
            "${bad[@]:0:20}"
    fi
    if [ "${#bad2[@]}" -ne 0 ]; then
        fail "probe errors: popen with an invalid mode starts nothing (EINVAL), yet it was logged" "${bad2[@]}"
    fi
    if [ "${#bad[@]}" -eq 0 ] && [ "${#bad2[@]}" -eq 0 ]; then
        ok "probe errors: no failed start logged"
    fi
    late=$(grep -c 'exec failed' "$WORK/errors.sink")
    note "probe errors: $late 'exec failed' line(s) for execs that failed after passing the lookup and permission checks (bad #! interpreter, ENOEXEC, ...)"
fi

# ---- 4. the rest: reports must be identical ------------------------------
for sub in fds vfork signal thread args closedfds deletedcwd; do
    if both "$sub" "probe $sub" -- "$PROBE" "$sub"; then
        ok "probe $sub (report identical)"
    fi
done
# count_cmdline SINK CMDLINE: how many lines log exactly this command line
count_cmdline() {
    local n=0 line
    while IFS= read -r line; do
        [ "$(cmdline_of "$line")" != "$2" ] || n=$((n + 1))
    done <"$1"
    echo "$n"
}
if [ "$mode" = sandbox ]; then
    for check in "vfork:/bin/true execlog-vfork:1" "vfork:true execlog-vfork:1" \
        "signal:/bin/true execlog-signal:5" "thread:/bin/true execlog-thread:4"; do
        IFS=: read -r sub cmd want <<<"$check"
        n=$(count_cmdline "$WORK/$sub.sink" "$cmd")
        [ "$n" = "$want" ] || fail "probe $sub: expected $want log line(s) with the command line [$cmd], got $n"
        n=$(grep -c -F 'nolog-' "$WORK/$sub.sink")
        [ "$n" = 0 ] || fail "probe $sub: $n log line(s) for execs that failed" \
            "$(grep -F 'nolog-' "$WORK/$sub.sink" | head -n 5)"
    done
    n=$(count_cmdline "$WORK/thread.sink" "/bin/true execlog-thread concurrent")
    if [ "$n" != 1 ]; then
        note "probe thread: four threads exec'ing at once (one exec replaces the process) gave $n log lines, not 1"
    fi
fi
if [ "$mode" = sandbox ] && [ -f "$WORK/args.lib" ]; then
    quoted="/bin/true execlog-quote 'two words'"
    found=0
    while IFS= read -r line; do
        [ "$(cmdline_of "$line")" != "$quoted" ] || found=1
    done < <(grep -F 'execlog-quote' "$WORK/args.sink")
    if [ "$found" = 0 ]; then
        fail "probe args: no log line with the command line [$quoted]" \
            "$(grep -F 'execlog-quote' "$WORK/args.sink")"
    fi
fi

# Without /proc the library takes other paths: the fds must not change either.
if [ "$mode" = sandbox ]; then
    for sub in fds closedfds; do
        if both "$sub-noproc" "probe $sub without /proc" --no-proc -- "$PROBE" "$sub"; then
            ok "probe $sub without /proc (report identical)"
        fi
    done
fi

# ---- 5. stress: no deadlock with threads forking while others exec --------
if both stress "probe stress $STRESS_N" -- "$PROBE" stress "$STRESS_N"; then
    ok "probe stress $STRESS_N (report identical)"
fi
for f in "$WORK/stress.plain" "$WORK/stress.lib"; do
    if ! grep -qx "forks=$STRESS_N hung=0" "$f"; then
        fail "probe stress $STRESS_N: expected 'forks=$STRESS_N hung=0' in $(basename "$f")" \
            "$(tail -n 3 "$f")" \
            "a hung child means the exec path of a fork child of a threaded program deadlocked"
    fi
done
if [ "$mode" = sandbox ]; then
    n=$(grep -F 'execlog-stress' "$WORK/stress.sink" | grep -v -c -F 'nolog-stress')
    if [ "$n" -gt "$STRESS_N" ]; then
        fail "probe stress: $n log lines for $STRESS_N execs: some exec was logged twice"
    elif [ "$n" -lt "$STRESS_N" ]; then
        note "probe stress: only $n of $STRESS_N execs reached the sink (datagrams dropped under load?)"
    fi
    n=$(grep -c -F 'nolog-stress' "$WORK/stress.sink")
    [ "$n" -eq 0 ] || fail "probe stress: $n failing execve(/nonexistent) calls were logged"
fi

# ---- 6. no allocation between an exec wrapper's entry and the exec --------
rc=0
env -u LD_PRELOAD timeout -k 10 "$TMO" "$NOMALLOC" >"$WORK/nomalloc.plain" 2>&1 || rc=$?
if [ "$rc" = 77 ]; then
    note "nomalloc SKIPPED: $(tail -n 1 "$WORK/nomalloc.plain")"
elif [ "$rc" != 0 ]; then
    fail "nomalloc fails WITHOUT the library (status $rc): the test itself is broken here" \
        "$(tail -n 5 "$WORK/nomalloc.plain")"
else
    rc=0
    if [ "$mode" = sandbox ]; then
        : >"$WORK/nomalloc.sink"
        timeout -k 10 "$TMO" bash "$SANDBOX" --preload "$LIB" --sink "$WORK/nomalloc.sink" \
            -- "$NOMALLOC" --sink "$WORK/nomalloc.sink" >"$WORK/nomalloc.lib" 2>&1 || rc=$?
    else
        timeout -k 10 "$TMO" env LD_PRELOAD="$LIB" "$NOMALLOC" >"$WORK/nomalloc.lib" 2>&1 || rc=$?
    fi
    if [ "$rc" != 0 ]; then
        mapfile -t lines < <(grep -E 'FAIL|HUNG' "$WORK/nomalloc.lib" | head -n 20)
        fail "nomalloc with the library (status $rc): the exec path allocates, hangs, or logged nothing" \
            "${lines[@]}"
    elif [ "$mode" = sandbox ]; then
        ok "nomalloc (no allocation in any exec wrapper, and the logging path ran)"
    else
        ok "nomalloc (no allocation in any exec wrapper; logging path NOT proven without the sandbox)"
    fi
fi

if [ "$failures" -ne 0 ]; then
    echo "prime-directive: $failures failure(s)"
    exit 1
fi
echo "prime-directive: all checks passed ($mode mode)"
exit 0
