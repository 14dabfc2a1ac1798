#!/bin/bash
# The same secrets hidden in every output: the text line, JSON, ECS and
# journald's fields (MESSAGE, EXECLOG_CMDLINE, EXECLOG_ARGV_N), and
# %{env:NAME} for a secret-named variable, with the library in a real
# /etc/ld.so.preload and a real systemd-journald.  The commands are a
# shell string (what cron and system() run) and an argv after wrappers.
set -euo pipefail

. "$(dirname "$0")/harness.sh"
[ -f "$LIB" ] && [ -x "$CLI" ] || { echo "build the library and execlog first"; exit 99; }
need_etc_cache
work_dir /tmp/execlog-redact-outputs.XXXXXX 0

# Each secret appears once in the commands and must appear nowhere.
secrets=(Sh-Str1ng-Pw Hdr-B3arer-T0k Url-Pa55 Env-Pg-Pa55 Wrap-T0ken-9)
cat > "$WORK/run.sh" <<SH
set -eu
reload() { printf '%s\n' "\$@" > /etc/execlog.ini; chmod 644 /etc/execlog.ini; $CLI reload >/dev/null; }
commands() {
    /bin/sh -c "/bin/true --password=${secrets[0]} db; /bin/true -H 'Authorization: Bearer ${secrets[1]}' https://u:${secrets[2]}@h/\$1"
    PGPASSWORD=${secrets[3]} /usr/bin/env /usr/bin/nice -n 5 /bin/true --token ${secrets[4]} tag-\$1
}
reload 'output = journald' 'message_format = "%{cmdline} pg:%{env:PGPASSWORD}"'
commands journald
reload 'output = journald' 'output_format = json'
commands json
reload 'output = journald' 'output_format = ecs'
commands ecs
SH
rc=0
"$SANDBOX" --preload "$LIB" --journald "$WORK/journal" -- bash "$WORK/run.sh" \
    > "$WORK/run.out" 2>&1 || rc=$?
[ $rc -ne 77 ] || skip_sandbox "$WORK/run.out"
[ $rc -eq 0 ] || { cat "$WORK/run.out"; fail "the commands failed ($rc)"; exit 1; }
# journald's own _CMDLINE is read from /proc by journald itself, after
# the exec may have happened: outside execlog's reach (README, Limits).
journalctl -D "$WORK/journal" -o export 2>/dev/null | grep -av '^_CMDLINE=' \
    > "$WORK/journal.txt" || true
for tag in journald json ecs; do
    n=$(grep -ac "tag-$tag" "$WORK/journal.txt" || true)
    [ "$n" -ge 2 ] || fail "$tag: the command's entry is missing ($n lines)"
done
grep -aq 'pg:\*\*\*' "$WORK/journal.txt" ||
    fail "%{env:PGPASSWORD} is not shown as ***"
for s in "${secrets[@]}"; do
    if grep -aq -- "$s" "$WORK/journal.txt"; then
        fail "secret $s reached the journal" "$(grep -a -- "$s" "$WORK/journal.txt" | head -5)"
    else
        ok "secret $s hidden in text, JSON, ECS and journald fields"
    fi
done
grep -aq '^EXECLOG_ARGV_5=--token' "$WORK/journal.txt" ||
    fail "EXECLOG_ARGV_5 should be the --token option, shown"
[ "$failures" -eq 0 ]
