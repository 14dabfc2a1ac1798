#!/bin/bash
# The central pipeline of the README's "Shipping to a central store", end to
# end with real daemons on loopback: execlog's JSON on a host's /dev/log;
# the host rsyslog (etc/rsyslog/60-execlog-relp.conf); RELP over TLS with
# certificate name checks both ways; the central rsyslog
# (etc/rsyslog/central-execlog-pgsql.conf); PostgreSQL 15 with
# etc/postgresql/execlog-schema.sql.  The shipped files are used as they
# are, with only ports, paths and the password put in.
#
# Checks: the README's query "which login users ran curl as root in the
# last hour" (etc/postgresql/execlog-queries.sql) gives exactly the users
# who did; with the central rsyslog stopped while commands run, every event
# arrives once it is back, none twice; a --password=SECRET never reaches
# the database; a client whose certificate names another domain is
# refused.
#
# Everything runs in the preload sandbox (tests/sandbox.sh): a private
# PostgreSQL cluster (initdb, pg_ctl) and three rsyslogd in a temporary
# directory, on loopback ports of their own, stopped on every way out.
# Needs root, rsyslog-relp, rsyslog-pgsql, postgresql-15, gnutls-bin and
# curl; skips, saying which is missing, otherwise.
set -euo pipefail

. "$(dirname "$0")/harness.sh"
[ -f "$LIB" ] && [ -x "$CLI" ] || { echo "build the library and execlog first"; exit 99; }
[ "$(id -u)" -eq 0 ] || skip "must run as root (the sandbox, a PostgreSQL cluster run as postgres)"
pgbin=/usr/lib/postgresql/15/bin
rsmod=$(dirname "$(find /usr/lib -name omrelp.so -path '*rsyslog*' 2>/dev/null | head -n 1)")
for need in rsyslogd certtool curl setpriv python3 "$pgbin/initdb" "$pgbin/pg_ctl" "$pgbin/psql"; do
    command -v "$need" >/dev/null || skip "$need not installed (apt-get install rsyslog gnutls-bin curl util-linux python3 postgresql-15)"
done
for mod in omrelp imrelp ompgsql; do
    [ -f "$rsmod/$mod.so" ] || skip "rsyslog module $mod not installed (apt-get install rsyslog-relp rsyslog-pgsql)"
done
id postgres >/dev/null 2>&1 || skip "no postgres account (apt-get install postgresql-15)"
[ -e /proc/self/loginuid ] || skip "no /proc/self/loginuid (a kernel without audit): no login users to ask about"
need_etc_cache
work_dir /tmp/execlog-central.XXXXXX 0

# Stops what the sandbox may have left running if it was killed before its
# own trap ran: the daemons write their pids here.
cleanup_extra() {
    local f
    for f in "$WORK"/*.pid; do
        [ -f "$f" ] && kill "$(head -n 1 "$f")" 2>/dev/null || true
    done
    [ ! -f "$WORK/pg/data/postmaster.pid" ] ||
        setpriv --reuid=postgres --regid=postgres --clear-groups \
            "$pgbin/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
}

# Three free loopback ports: RELP, PostgreSQL, and one nobody listens on.
read -r relp_port pg_port <<<"$(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')"
password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')

# ---- certificates: one CA; the central named logs.example.org, the host
# bigserver01.example.org, an intruder intruder.example.net.
tls=$WORK/tls
make_certs "$tls" central:logs.example.org host:bigserver01.example.org \
    intruder:intruder.example.net

# ---- configurations: the shipped files with ports, paths and password.
sed -e 's/target="logs\.example\.org"/target="127.0.0.1"/' \
    -e "s/port=\"2514\"/port=\"$relp_port\"/" \
    -e "s|/etc/rsyslog.d/tls/|$tls/|" \
    "$top_srcdir/etc/rsyslog/60-execlog-relp.conf" >"$WORK/host-rules.conf"
sed -e "s/port=\"2514\"/port=\"$relp_port\" address=\"127.0.0.1\"/" \
    -e "s/serverport=\"5432\"/serverport=\"$pg_port\"/" \
    -e "s/pass=\"change-me\"/pass=\"$password\"/" \
    -e "s|/etc/rsyslog.d/tls/|$tls/|" \
    "$top_srcdir/etc/rsyslog/central-execlog-pgsql.conf" >"$WORK/central-rules.conf"
grep -q "port=\"$relp_port\"" "$WORK/host-rules.conf" &&
    grep -q "serverport=\"$pg_port\"" "$WORK/central-rules.conf" &&
    grep -q "pass=\"$password\"" "$WORK/central-rules.conf" ||
    { echo "the shipped rsyslog configurations no longer have the expected settings"; exit 99; }
# The intruder: the host's configuration with another certificate, fed
# from a socket of its own.
sed -e "s|$tls/host-|$tls/intruder-|" -e 's/execlog-relp/execlog-intruder/' \
    "$WORK/host-rules.conf" >"$WORK/intruder-rules.conf"
for d in host central intruder; do mkdir -p "$WORK/$d-work"; done
printf '%s\n' "global(maxMessageSize=\"256k\" workDirectory=\"$WORK/central-work\")" \
    "\$IncludeConfig $WORK/central-rules.conf" >"$WORK/central.conf"
printf '%s\n' "global(maxMessageSize=\"256k\" workDirectory=\"$WORK/host-work\")" \
    'module(load="imuxsock" SysSock.Name="/dev/log" SysSock.RateLimit.Interval="0")' \
    "\$IncludeConfig $WORK/host-rules.conf" >"$WORK/host.conf"
printf '%s\n' "global(maxMessageSize=\"256k\" workDirectory=\"$WORK/intruder-work\")" \
    'module(load="imuxsock" SysSock.Use="off")' \
    "input(type=\"imuxsock\" Socket=\"$WORK/intruder.sock\")" \
    "\$IncludeConfig $WORK/intruder-rules.conf" >"$WORK/intruder.conf"
cp "$top_srcdir/etc/postgresql/execlog-schema.sql" "$top_srcdir/etc/postgresql/execlog-queries.sql" "$WORK/"
# The example query, as shipped: the first statement of the file.
awk '/^SELECT/ { on = 1 } on { print } on && /;$/ { exit }' \
    "$WORK/execlog-queries.sql" >"$WORK/curl-as-root.sql"
grep -q "curl" "$WORK/curl-as-root.sql" || { echo "no curl query in execlog-queries.sql"; exit 99; }

cat >"$WORK/run.sh" <<SH
set -euo pipefail
W=$WORK
as_postgres() { setpriv --reuid=postgres --regid=postgres --clear-groups "\$@"; }
sql() { as_postgres $pgbin/psql -X -q -h \$W/pgsock -p $pg_port -d execlog -v ON_ERROR_STOP=1 -At "\$@"; }
central=''
daemons=''
stop_all() {
    [ -z "\$daemons\$central" ] || kill \$daemons \$central 2>/dev/null || true
    wait 2>/dev/null || true
    as_postgres $pgbin/pg_ctl -D \$W/pg/data -m immediate stop >/dev/null 2>&1 || true
}
trap stop_all EXIT
start_central() {
    rsyslogd -n -f \$W/central.conf -i \$W/central.pid 2>>\$W/central.err &
    central=\$!
}
# wait_for SECONDS SQL EXPECTED: until the query gives EXPECTED.
wait_for() {
    local i got=''
    for i in \$(seq \$((\$1 * 5))); do
        got=\$(sql -c "\$2") && [ "\$got" = "\$3" ] && return 0
        sleep 0.2
    done
    echo "FAIL after \$1 s: \$2 gave '\$got', expected '\$3'"
    return 1
}
marker_count() { echo "SELECT count(*) FROM execlog_events WHERE event->'argv' ? '\$1'"; }

# Users in the sandbox's /etc/passwd, uids no host account has.
for u in alice:64001 bob:64002 carol:64003 dave:64004; do
    printf '%s:x:%s:%s::/nonexistent:/usr/sbin/nologin\n' \${u%:*} \${u#*:} \${u#*:} >>/etc/passwd
done

# PostgreSQL 15: a private cluster, TCP on loopback with a password.
install -d -o postgres -m 700 \$W/pg \$W/pgsock
as_postgres $pgbin/initdb -D \$W/pg/data -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >\$W/pg/initdb.log
as_postgres $pgbin/pg_ctl -D \$W/pg/data -l \$W/pg/server.log -w \
    -o "-p $pg_port -k \$W/pgsock -c listen_addresses=127.0.0.1" start >/dev/null
as_postgres $pgbin/psql -X -q -h \$W/pgsock -p $pg_port -d postgres -c 'CREATE DATABASE execlog'
sql -f \$W/execlog-schema.sql
sql -c "ALTER ROLE rsyslog PASSWORD '$password'"

start_central
rsyslogd -n -f \$W/host.conf -i \$W/host.pid 2>>\$W/host.err &
daemons="\$daemons \$!"
rsyslogd -n -f \$W/intruder.conf -i \$W/intruder.pid 2>>\$W/intruder.err &
daemons="\$daemons \$!"
for i in \$(seq 100); do [ -S /dev/log ] && [ -S \$W/intruder.sock ] && break; sleep 0.05; done
[ -S /dev/log ] || { echo "FAIL rsyslogd made no /dev/log"; exit 1; }
printf '%s\n' 'output_format = json' >/etc/execlog.ini
$CLI reload >/dev/null
/bin/true marker-ready
wait_for 60 "\$(marker_count marker-ready)" 1

# Who ran curl as root: alice and bob did (login uid set as a login
# would), carol ran it as herself, dave ran something else as root; and
# mallory did two hours ago.
curl_as() { # LOGINUID [setpriv ARGS...]
    local id=\$1
    shift
    sh -c 'echo "\$0" >/proc/self/loginuid && exec "\$@"' "\$id" "\$@" \
        curl -s -o /dev/null --max-time 2 http://127.0.0.1:1/marker-curl || true
}
curl_as 64001
curl_as 64002
curl_as 64002
curl_as 64003 setpriv --reuid=64003 --regid=64003 --clear-groups
sh -c 'echo 64004 >/proc/self/loginuid && exec /bin/true marker-dave'
sql -c "SELECT execlog_insert('oldhost', '{\"time\": \"' || to_char((now() - interval '2 hours') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || '\", \"login\": \"mallory\", \"euid\": 0, \"exe\": \"/usr/bin/curl\", \"argv\": [\"curl\"]}')"
wait_for 60 "SELECT count(*) FROM execlog_events WHERE event->'argv' ? 'marker-dave' OR (event->>'exe' LIKE '%/curl' AND event->'argv' ? 'http://127.0.0.1:1/marker-curl')" 5
answer=\$(sql -F ' ' -f \$W/curl-as-root.sql | tr '\n' ';')
[ "\$answer" = 'alice 1;bob 2;' ] || echo "FAIL the curl query answered '\$answer', expected 'alice 1;bob 2;'"

# Nothing lost while the central is down: 60 commands run while it is
# stopped and started again; each is stored exactly once.
(for i in \$(seq 60); do /bin/true marker-down "\$i"; sleep 0.05; done) &
loop=\$!
sleep 0.5
kill \$central
wait \$central || true
central=''
sleep 1.5
got=\$(sql -c "\$(marker_count marker-down)")
[ "\$got" -lt 60 ] || echo "FAIL all commands were stored before the central rsyslog stopped"
start_central
wait \$loop
wait_for 120 "\$(marker_count marker-down)" 60
wait_for 10 "SELECT count(DISTINCT event->>'argv') FROM execlog_events WHERE event->'argv' ? 'marker-down'" 60

# Redaction holds end to end.
/bin/true --password=S3cretEndToEnd marker-redact
wait_for 60 "\$(marker_count marker-redact)" 1
wait_for 5 "SELECT event->'argv'->>1 FROM execlog_events WHERE event->'argv' ? 'marker-redact'" '--password=***'
# The query's own command line is logged too: it names the secret in
# two pieces.
secret="'%S3cret' || 'EndToEnd%'"
got=\$(sql -c "SELECT (SELECT count(*) FROM execlog_events WHERE event::text LIKE \$secret) + (SELECT count(*) FROM execlog_rejected WHERE message LIKE \$secret)")
[ "\$got" = 0 ] || echo "FAIL the password reached the database \$got time(s)"

# The intruder's certificate is from the same CA but names another
# domain: the central refuses it, while the host still gets through.
logger -u \$W/intruder.sock -t execlog '{"argv": ["marker-intruder"]}'
sleep 3
/bin/true marker-after-intruder
wait_for 60 "\$(marker_count marker-after-intruder)" 1
got=\$(sql -c "\$(marker_count marker-intruder)")
[ "\$got" = 0 ] || echo "FAIL the central took \$got event(s) from a client named intruder.example.net"
echo "rows: \$(sql -c 'SELECT count(*) FROM execlog_events')"
got=\$(sql -c "SELECT count(*) - count(DISTINCT (event->>'exec_id', event->>'time')) FROM execlog_events")
[ "\$got" = 0 ] || echo "FAIL \$got event(s) stored twice"
grep -q 'omrelp.*error' \$W/intruder.err || echo "FAIL the intruder's rsyslogd reports no refused connection"
echo "rejected (not JSON): \$(sql -c 'SELECT message FROM execlog_rejected')"
SH

rc=0
"$SANDBOX" --preload "$LIB" -- bash "$WORK/run.sh" >"$WORK/out" 2>&1 || rc=$?
[ $rc -ne 77 ] || skip_sandbox "$WORK/out"
cat "$WORK/out"
[ $rc -eq 0 ] || fail "run failed ($rc)" "$(tail -n 20 "$WORK/out")" \
    "central: $(tail -n 5 "$WORK/central.err" 2>/dev/null)" "host: $(tail -n 5 "$WORK/host.err" 2>/dev/null)"
if grep -q '^FAIL' "$WORK/out"; then
    failures=$((failures + 1))
fi
[ $failures -eq 0 ] && ok "central store: curl-as-root query right, none lost across a central restart, secret redacted, intruder refused"
exit $((failures > 0))
