#!/bin/bash
# A real rsyslogd takes execlog's datagrams from a private /dev/log and
# files them under authpriv; with output_format = json it forwards the
# events over TCP, with the example configuration shipped in etc/rsyslog/,
# to a second rsyslogd on 127.0.0.1 standing in for the central store.
set -euo pipefail

. "$(dirname "$0")/harness.sh"
[ -f "$LIB" ] && [ -x "$CLI" ] || { echo "build the library and execlog first"; exit 99; }
command -v rsyslogd >/dev/null || skip "rsyslogd not installed"
need_etc_cache
work_dir /tmp/execlog-rsyslog.XXXXXX 0
port=$((20000 + RANDOM % 20000))

sed -e 's/logs\.example\.org/127.0.0.1/' -e "s/port=\"10514\"/port=\"$port\"/" \
    "$top_srcdir/etc/rsyslog/60-execlog-forward.conf" > "$WORK/forward.conf"
sed -e "s/port=\"10514\"/port=\"$port\" address=\"127.0.0.1\"/" \
    -e "s|/var/log/execlog/events.jsonl|$WORK/central.jsonl|" \
    "$top_srcdir/etc/rsyslog/central-execlog.conf" > "$WORK/central-rules.conf"
printf '%s\n' 'global(workDirectory="/run/rs-central")' \
    "\$IncludeConfig $WORK/central-rules.conf" > "$WORK/central.conf"
printf '%s\n' 'global(workDirectory="/run/rs-host")' \
    'module(load="imuxsock" SysSock.Name="/dev/log")' \
    "authpriv.* action(type=\"omfile\" file=\"$WORK/auth.log\")" \
    "\$IncludeConfig $WORK/forward.conf" > "$WORK/host.conf"

cat > "$WORK/run.sh" <<SH
set -eu
mkdir -p /run/rs-central /run/rs-host
rm -f /dev/log
# The daemons are this script's children in the host's process space:
# stopped on every way out, so that none is left running.
daemons=''
stop_daemons() { [ -z "\$daemons" ] || kill \$daemons 2>/dev/null || true; wait; }
trap stop_daemons EXIT
rsyslogd -n -f $WORK/central.conf -i /run/rs-central.pid &
daemons="\$daemons \$!"
rsyslogd -n -f $WORK/host.conf -i /run/rs-host.pid &
daemons="\$daemons \$!"
for i in \$(seq 100); do [ -S /dev/log ] && break; sleep 0.05; done
[ -S /dev/log ] || { echo "FAIL rsyslogd made no /dev/log"; exit 1; }
install -m 644 /dev/null /etc/execlog.ini
$CLI reload >/dev/null
/bin/true 'two words' marker-text
printf '%s\n' 'output_format = json' > /etc/execlog.ini
$CLI reload >/dev/null
/bin/true "\$(printf 'a\tb')" marker-json
for i in \$(seq 100); do grep -q marker-json $WORK/central.jsonl 2>/dev/null && break; sleep 0.1; done
SH

rc=0
"$top_srcdir/tests/sandbox.sh" --preload "$LIB" -- bash "$WORK/run.sh" > "$WORK/out" 2>&1 || rc=$?
[ $rc -ne 77 ] || skip_sandbox "$WORK/out"
[ $rc -eq 0 ] || fail "run failed ($rc): $(cat "$WORK/out")"
grep -q "execlog\[[0-9]*\]: \[login:.*\]: /bin/true 'two words' marker-text\$" "$WORK/auth.log" 2>/dev/null ||
    fail "rsyslogd did not file the text line under authpriv: $(cat "$WORK/auth.log" 2>/dev/null)"
python3 - "$WORK/central.jsonl" <<'PY' || failures=$((failures + 1))
import json, sys
try:
    lines = open(sys.argv[1]).read().splitlines()
except FileNotFoundError:
    lines = []
events = [e for e in (json.loads(l) for l in lines if l.startswith("{"))
          if e["argv"][-1:] == ["marker-json"]]
if len(events) != 1:
    print(f"FAIL: central store has {len(events)} marker-json events: {lines}")
    sys.exit(1)
if events[0]["argv"] != ["/bin/true", "a\tb", "marker-json"]:
    print(f"FAIL: forwarded argv {events[0]['argv']!r}")
    sys.exit(1)
PY
[ $failures -eq 0 ] && echo "rsyslog: filed under authpriv, JSON forwarded over TCP intact"
exit $((failures > 0))
