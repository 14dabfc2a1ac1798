#!/bin/bash
# The configuration end to end, as an operator uses it: /etc/execlog.ini,
# `execlog reload`, then real commands under the library in a real
# /etc/ld.so.preload (private mount namespace, overlay on /etc).
set -euo pipefail

. "$(dirname "$0")/harness.sh"
[ -f "$LIB" ] && [ -x "$CLI" ] || { echo "build the library and execlog first"; exit 99; }
need_etc_cache
work_dir /tmp/execlog-config.XXXXXX 0
mkdir "$WORK/bin"
for prog in mysql curl sshpass cronjob ls; do
    cp /bin/true "$WORK/bin/$prog"
done
cp /bin/bash "$WORK/bin/cronjob"

cat > "$WORK/steps.sh" <<SH
set -u
cli=$CLI
bin=$WORK/bin
ini=/etc/execlog.ini
say() { echo "== \$*" >&2; }
put_ini() { printf '%s\n' "\$@" > \$ini; chmod 644 \$ini; }

say shipped ini
install -m 644 "$top_srcdir/etc/execlog.ini" \$ini
\$cli check \$ini >&2 || echo "FAIL shipped ini rejected"

say defaults: redaction on, each secret hidden
\$cli reload >&2
\$bin/mysql -pS3cret marker-mysql
\$bin/mysql --password=S3cret marker-mysql-long
\$bin/curl -u bob:S3cret https://example.invalid/marker-curl
\$bin/curl https://alice:S3cret@example.invalid/marker-url
\$bin/sshpass -p S3cret marker-sshpass

say message_format renders exactly
put_ini 'message_format = "FMT uid=%{uid} cwd=%{cwd} argc=%{argc} :: %{cmdline}"'
\$cli reload >&2
cd /tmp && /bin/true marker-format two && cd /

say a reload changes what this running bash logs next
put_ini 'message_format = "SECOND %{cmdline}"'
\$cli reload >&2
/bin/true marker-after-reload

say an invalid ini keeps the previous rules
put_ini 'message_format = "THIRD %{nosuch}"'
\$cli reload >&2 && echo "FAIL invalid ini reloaded"
/bin/true marker-after-bad-reload

say filters
# exclude_comm names ls and true: the system's /bin/true is dropped, the
# copy named ls in the work directory, which root alone cannot change, is
# logged.
for chain in exclude_comm:ls,true exclude_uid:0 exclude_uid:root only_uid:0 \
             only_uid:65534 exclude_spawns_of:cronjob; do
    put_ini "filter_chain = \"\$chain\"" 'message_format = "F %{cmdline}"'
    \$cli reload >&2
    \$bin/ls marker-filter-\$chain-ls
    /bin/true marker-filter-\$chain-true
    # Trailing ':' so no shell execs its last command in place: the whole
    # subtree stays below the process named cronjob.
    \$bin/cronjob -c "/bin/true marker-filter-\$chain-cron; sh -c '/bin/true marker-filter-\$chain-deep; :'; :"
    \$cli explain -- /bin/ls x > $WORK/explain-\$chain.out 2>&1 || echo "rc=\$?" >> $WORK/explain-\$chain.out
done

say a tampered cache is refused once per process, defaults apply
put_ini 'message_format = "TAMPER %{cmdline}"'
\$cli reload >&2
printf 'X' | dd of=$ETC_CACHE bs=1 seek=600 conv=notrunc status=none
/bin/true marker-tampered
\$cli status > $WORK/status-tampered.out 2>&1 || true

say a group-writable cache is refused
\$cli reload >&2
chmod g+w $ETC_CACHE
/bin/true marker-groupwritable
\$cli show > $WORK/show-groupwritable.out 2>&1 || true
chmod g-w $ETC_CACHE
/bin/true marker-restored

say user names from the cache while /etc/passwd is the file reload read
put_ini 'message_format = "NAMES %{username} %{cmdline}"'
\$cli reload >&2
\$cli status > $WORK/status-names.out 2>&1 || true
# strace does not show its own child before the exec: trace env's exec.
# Not a shell's: bash reads /etc/passwd itself when HOME or SHELL is unset.
strace -f -e trace=openat -o $WORK/strace-names.out env /bin/true marker-names-cached
say and from the file itself once it changed
sed -i 's/^root:/toor:/' /etc/passwd
/bin/true marker-names-renamed
\$cli status > $WORK/status-names-changed.out 2>&1 || true
sed -i 's/^toor:/root:/' /etc/passwd

say a program on a noexec mount: logged, then its failure; a PATH search passes it by
mkdir $WORK/nx && mount -t tmpfs -o noexec,mode=755 tmpfs $WORK/nx
cp /bin/true $WORK/nx/true && chmod 755 $WORK/nx/true
put_ini 'message_format = "NX %{exe} %{cmdline}"'
\$cli reload >&2
$WORK/nx/true marker-noexec-direct
PATH=$WORK/nx:/usr/bin:/bin env true marker-noexec-search
umount $WORK/nx
SH

status=0
"$top_srcdir/tests/sandbox.sh" --preload "$LIB" --sink "$WORK/log" -- \
    bash "$WORK/steps.sh" > "$WORK/out" 2>&1 || status=$?
[ $status -ne 77 ] || skip_sandbox "$WORK/out"
log=$WORK/log
count() { grep -c -e "$1" "$log" || true; }
expect_lines() {  # PATTERN N WHAT
    local n
    n=$(count "$1")
    [ "$n" = "$2" ] || fail "$3: $n lines match '$1', expected $2"
}

grep FAIL "$WORK/out" && failures=$((failures + 1))

# Redaction keeps the event and hides the secret.
grep -q S3cret "$log" && fail "a secret reached the log: $(grep S3cret "$log")"
expect_lines "mysql '-p\*\*\*' marker-mysql$" 1 "mysql -p"
expect_lines "mysql '--password=\*\*\*' marker-mysql-long$" 1 "--password="
expect_lines "curl -u 'bob:\*\*\*' https://example.invalid/marker-curl$" 1 "curl -u"
expect_lines "curl 'https://alice:\*\*\*@example.invalid/marker-url'$" 1 "URL credentials"
expect_lines "sshpass -p '\*\*\*' marker-sshpass$" 1 "sshpass -p"

# message_format renders exactly.
expect_lines "^<86>execlog\[[0-9]*\]: FMT uid=0 cwd=/tmp argc=3 :: /bin/true marker-format two$" 1 "message_format"
expect_lines "]: SECOND /bin/true marker-after-reload$" 1 "reload in a running bash"
expect_lines "]: SECOND /bin/true marker-after-bad-reload$" 1 "invalid ini keeps previous rules"
expect_lines "THIRD" 0 "invalid format never in force"

# Filters: which markers got through.
check_filter() {  # CHAIN LOGGED-SUFFIXES...
    local chain=$1 kind
    shift
    for kind in ls true cron deep; do
        local want=0
        case " $* " in *" $kind "*) want=1 ;; esac
        expect_lines "F .*marker-filter-$chain-$kind\$" "$want" "$chain ($kind)"
    done
}
check_filter exclude_comm:ls,true ls
check_filter exclude_uid:0
check_filter exclude_uid:root
check_filter only_uid:0 ls true cron deep
check_filter only_uid:65534
check_filter exclude_spawns_of:cronjob ls true
grep -q "dropped by filter exclude_comm" "$WORK/explain-exclude_comm:ls,true.out" ||
    fail "explain does not name exclude_comm: $(cat "$WORK/explain-exclude_comm:ls,true.out")"
grep -q "rc=3" "$WORK/explain-exclude_comm:ls,true.out" || fail "explain of a dropped command must exit 3"
grep -q "F /bin/ls x" "$WORK/explain-only_uid:0.out" ||
    fail "explain does not print the line: $(cat "$WORK/explain-only_uid:0.out")"

# Tampered and unsafe caches: defaults, and the reason said.
expect_lines "filename:/bin/true\]: /bin/true marker-tampered$" 1 "tampered cache: defaults"
grep -q "execlog.cache.[0-9]* not used: its checksum does not match" "$log" ||
    fail "no error line for the tampered cache"
grep -q "checksum does not match" "$WORK/status-tampered.out" ||
    fail "status does not report the tampered cache"
expect_lines "filename:/bin/true\]: /bin/true marker-groupwritable$" 1 "group-writable cache: defaults"
grep -q "not used: it is writable by group or others" "$log" ||
    fail "no error line for the group-writable cache"
grep -q "writable by group or others" "$WORK/show-groupwritable.out" ||
    fail "show does not report the group-writable cache"
expect_lines "TAMPER /bin/true marker-restored$" 1 "cache in force again"

# User names: from the cache's copy (no open of /etc/passwd in the hook)
# while the file is unchanged, from the file once it changed.
expect_lines "NAMES root /bin/true marker-names-cached$" 1 "name from the cache"
grep -q "$ETC_CACHE" "$WORK/strace-names.out" ||
    fail "strace did not see the hook: $(cat "$WORK/strace-names.out")"
grep -q '"/etc/passwd"' "$WORK/strace-names.out" &&
    fail "the hook read /etc/passwd although the cache holds its names"
expect_lines "NAMES toor /bin/true marker-names-renamed$" 1 "name after /etc/passwd changed"
grep -q "user names: [0-9]* of /etc/passwd (all) in the cache$" "$WORK/status-names.out" ||
    fail "status does not report the names: $(cat "$WORK/status-names.out")"
grep -q "the file changed since" "$WORK/status-names-changed.out" ||
    fail "status does not report a changed /etc/passwd: $(cat "$WORK/status-names-changed.out")"

# The check before an exec trusts the mode of a file executable by all,
# except for a PATH candidate, whose failure would move on to the next.
expect_lines "^<86>execlog\[[0-9]*\]: NX $WORK/nx/true $WORK/nx/true marker-noexec-direct$" 1 "noexec: the attempt"
expect_lines "exec failed (EACCES): NX $WORK/nx/true $WORK/nx/true marker-noexec-direct$" 1 "noexec: its failure"
expect_lines "NX /usr/bin/true true marker-noexec-search$" 1 "noexec: the search logs what ran"
expect_lines "NX $WORK/nx/true true marker-noexec-search$" 0 "noexec: the search logs no candidate it passed"

if [ $failures -ne 0 ]; then
    echo "--- steps output"; cat "$WORK/out"
    echo "--- log"; cat "$log"
    exit 1
fi
echo "configuration: all checks passed"
