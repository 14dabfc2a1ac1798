#!/bin/bash
# Hostile contexts, with the library in a real /etc/ld.so.preload: the
# programs must run as they do without it, and every command must be
# logged or its loss counted.
#
# 1. An exec from a signal handler on an 8 KiB alternate stack, through a
#    PATH of 2,000 and 4,000 bytes (execvp once crashed there: its PATH
#    candidate and a lazy binder's frame were both on that stack).
# 2. Every descriptor in use (RLIMIT_NOFILE): the line still goes out
#    where the soft limit is below the hard one.
# 3. nobody runs a setuid-root program that execs: the line says that the
#    command runs as root, not only that nobody started it.
# 4. An address-space limit (RLIMIT_AS) just above the process's size,
#    so that the log's workspace cannot be mapped: the line still goes out.
# 5. Lines lost while the receiver is gone, each command a process of its
#    own: the next delivered line of that user reports how many.
# 6. RLIMIT_FSIZE of 0 while a lost line is counted: the count's file
#    cannot grow, and SIGXFSZ must not kill the program.
[ "${EXECLOG_SANITIZERS:-}" != yes ] || { echo "SKIP: sanitizer build"; exit 77; }
set -uo pipefail
. "$(dirname "$0")/harness.sh"
ALTSTACK=$builddir/tests/altstack
work_dir /tmp/execlog-hostile.XXXXXX 0

# Each try: ENTRY PATH_LENGTH DIR_LENGTH, on a stack of STACK bytes.
STACK=8192
tries=""
for entry in execvp execlp execvpe posix_spawnp system; do
    for path in "2000 64" "4000 64" "2000 2000" "4000 4000"; do
        tries+="$entry $path"$'\n'
    done
done
cat >"$WORK/altstack.sh" <<SCRIPT
while read -r entry length dir; do
    [ -n "\$entry" ] || continue
    result=\$("$ALTSTACK" "\$entry" "\$length" "\$dir" $STACK) &&
        result=ran
    echo "\$entry \$length \$dir: \$result"
done
SCRIPT
status=0
printf '%s' "$tries" | "$SANDBOX" --preload "$LIB" --sink "$WORK/log" -- \
    bash "$WORK/altstack.sh" >"$WORK/results" 2>&1 || status=$?
[ $status -eq 77 ] && { cat "$WORK/results"; exit 77; }
[ $status -eq 0 ] || fail "the altstack runs: sandbox status $status" "$(cat "$WORK/results")"
wanted=$(printf '%s' "$tries" | grep -c .)
ran=$(grep -c ': ran$' "$WORK/results")
if [ "$ran" = "$wanted" ]; then
    ok "$ran execs from a handler on a $STACK-byte alternate stack ran"
else
    fail "execs from a handler on a $STACK-byte stack: $ran of $wanted ran" \
        "$(grep -v ': ran$' "$WORK/results")"
fi
# Every one of them logged: "true" by a PATH search, or system's sh -c.
logged=$(grep -c -E ']: (true|sh -c true)$' "$WORK/log")
if [ "$logged" = "$wanted" ]; then
    ok "each logged once"
else
    fail "expected $wanted lines for them, got $logged" "$(cat "$WORK/log")"
fi

# 2. perl fills every descriptor below a soft limit of 64, then execs.
"$SANDBOX" --preload "$LIB" --sink "$WORK/nofile.log" -- bash -c '
    ulimit -S -n 64
    perl -e '\''my @held; while (open(my $f, "<", "/dev/null")) { push @held, $f }
                exec "/bin/true", "nofile-marker" or exit 3'\''
' >"$WORK/nofile.out" 2>&1 || fail "true under a full descriptor table: status $?" "$(cat "$WORK/nofile.out")"
if grep -q ']: /bin/true nofile-marker$' "$WORK/nofile.log"; then
    ok "logged with every descriptor below the soft limit in use"
else
    fail "not logged with every descriptor in use" "$(cat "$WORK/nofile.log")"
fi

# 3. A setuid-root copy of env, where nobody can reach it.
nobody_gid=$(id -g nobody 2>/dev/null) || nobody_gid=''
cp /usr/bin/env "$WORK/env-setuid" && chown root:root "$WORK/env-setuid" &&
    chmod 4755 "$WORK/env-setuid"
if [ "$(id -u)" != 0 ] || [ -z "$nobody_gid" ] ||
    [ "$(setpriv --reuid=nobody --regid="$nobody_gid" --clear-groups -- \
        "$WORK/env-setuid" id -u 2>/dev/null)" != 0 ]; then
    note "setuid case skipped: needs root, user nobody and a mount that honours setuid bits"
else
    "$SANDBOX" --preload "$LIB" --sink "$WORK/setuid.log" -- \
        setpriv --reuid=nobody --regid="$nobody_gid" --clear-groups -- \
        "$WORK/env-setuid" /bin/true setuid-marker >"$WORK/setuid.out" 2>&1 ||
        fail "the setuid program: status $?" "$(cat "$WORK/setuid.out")"
    if grep -q 'uid:65534 username:nobody euid:0 eusername:root .*]: /bin/true setuid-marker$' "$WORK/setuid.log"; then
        ok "a setuid-root exec by nobody says euid:0 eusername:root"
    else
        fail "the setuid-root exec does not say who it runs as" "$(cat "$WORK/setuid.log")"
    fi
fi

# 4. 64 KiB over the process's size: the workspace needs about 940.
"$SANDBOX" --preload "$LIB" --sink "$WORK/as.log" -- \
    "$builddir/tests/rlimit-exec" 64 /bin/true as-marker >"$WORK/as.out" 2>&1 ||
    fail "true under RLIMIT_AS: status $?" "$(cat "$WORK/as.out")"
if grep -q ']: /bin/true as-marker$' "$WORK/as.log"; then
    ok "logged under an address-space limit 64 KiB above the process's size"
else
    fail "not logged under RLIMIT_AS" "$(cat "$WORK/as.log")"
fi

# 5. Commands of shell loops while /dev/log is moved away, as root and as
#    nobody, after nobody squatted root's counter file (root's processes
#    take it back).  Lost for root: 30 trues, the setpriv that starts
#    nobody's loop and the mv that brings /dev/log back (its line goes out
#    first): 32.  For nobody: its bash and 5 trues: 6.
cat >"$WORK/loss.sh" <<SCRIPT
as_nobody() { setpriv --reuid=nobody --regid=$nobody_gid --clear-groups -- "\$@"; }
mkdir -p /run/execlog/lost && chmod 1733 /run/execlog/lost
as_nobody touch /run/execlog/lost/0
mv /dev/log /dev/log.away
for ((i = 0; i < 30; i++)); do /bin/true loss-marker; done
as_nobody bash -c 'for ((i = 0; i < 5; i++)); do /bin/true loss-marker; done'
mv /dev/log.away /dev/log
/bin/true after-loss
as_nobody /bin/true after-loss-nobody
SCRIPT
"$SANDBOX" --preload "$LIB" --sink "$WORK/loss.log" -- bash "$WORK/loss.sh" \
    >"$WORK/loss.out" 2>&1 || fail "the loss loops: status $?" "$(cat "$WORK/loss.out")"
if grep -q 'execlog: 32 earlier line(s) of uid 0 could not be delivered' "$WORK/loss.log" &&
    grep -q 'execlog: 6 earlier line(s) of uid 65534 could not be delivered' "$WORK/loss.log" &&
    ! grep -q 'loss-marker' "$WORK/loss.log" &&
    grep -q ']: /bin/true after-loss-nobody$' "$WORK/loss.log"; then
    ok "lines lost by 38 processes of two users reported with each user's next line"
else
    fail "the lost lines were not reported as 32 for root and 6 for nobody" "$(cat "$WORK/loss.log")"
fi

# 6. The counter file would need 8 bytes; the program may write none.
cat >"$WORK/fsize.sh" <<'SCRIPT'
mkdir -p /run/execlog/lost && chmod 1733 /run/execlog/lost
rm /dev/log
# The first line lost (this very exec) must create the counter's file.
(ulimit -f 0; /bin/true fsize-marker)
echo "status=$?"
SCRIPT
"$SANDBOX" --preload "$LIB" --sink "$WORK/fsize.log" -- bash "$WORK/fsize.sh" \
    >"$WORK/fsize.out" 2>&1
if grep -qx 'status=0' "$WORK/fsize.out"; then
    ok "a program with RLIMIT_FSIZE 0 runs when its lost line cannot be counted in a file"
else
    fail "a program with RLIMIT_FSIZE 0 did not run as without the library" "$(cat "$WORK/fsize.out")"
fi

[ "$failures" -eq 0 ]
