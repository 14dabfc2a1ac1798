#!/bin/bash
# The journald route of the README's "Shipping to a central store": execlog
# writes into a journald namespace (output = journald:PATH), whose journal
# systemd-journal-upload -D ships alone, over HTTPS with certificates
# checked by name, to systemd-journal-remote.  Checks that the remote
# journal has each command with its fields, the exec id chain among them,
# and no entry of another program.
#
# Runs in the preload sandbox (tests/sandbox.sh), with its own namespace
# journald, journal-remote and journal-upload, stopped on every way out.
# Needs root, systemd-journal-remote and gnutls-bin; skips otherwise.
set -euo pipefail

. "$(dirname "$0")/harness.sh"
[ -f "$LIB" ] && [ -x "$CLI" ] || { echo "build the library and execlog first"; exit 99; }
[ "$(id -u)" -eq 0 ] || skip "must run as root (the sandbox)"
sd=/lib/systemd
for need in "$sd/systemd-journald" "$sd/systemd-journal-remote" "$sd/systemd-journal-upload" \
    certtool journalctl python3; do
    command -v "$need" >/dev/null ||
        skip "$need not installed (apt-get install systemd systemd-journal-remote gnutls-bin python3)"
done
need_etc_cache
work_dir /tmp/execlog-upload.XXXXXX 0
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
make_certs "$WORK/tls" remote:logs.example.org host:bigserver01.example.org
mkdir "$WORK/remote"

cat >"$WORK/run.sh" <<SH
set -euo pipefail
W=$WORK
daemons=''
stop_all() { [ -z "\$daemons" ] || kill \$daemons 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop_all EXIT
echo "127.0.0.1 logs.example.org" >>/etc/hosts

# The namespace, as systemd-journald@execlog would run it (volatile here).
mkdir -p /etc/systemd
printf '%s\n' '[Journal]' Storage=volatile RateLimitIntervalSec=0 ReadKMsg=no \
    ForwardToSyslog=no >/etc/systemd/journald@execlog.conf
setsid $sd/systemd-journald execlog </dev/null >/dev/null 2>\$W/journald.err &
daemons="\$daemons \$!"
# Debian 12's journal-remote is built without GnuTLS: no --trust, so it
# cannot check the uploader's certificate; the uploader checks the
# server's, name included.
$sd/systemd-journal-remote --listen-https=127.0.0.1:$port --output=\$W/remote/ \
    --key=\$W/tls/remote-key.pem --cert=\$W/tls/remote-cert.pem 2>\$W/remote.err &
daemons="\$daemons \$!"
for i in \$(seq 100); do
    [ -S /run/systemd/journal.execlog/socket ] && grep -q ":\$(printf '%04X' $port) " /proc/net/tcp && break
    sleep 0.05
done
printf '%s\n' 'output = journald:/run/systemd/journal.execlog/socket' >/etc/execlog.ini
$CLI reload >/dev/null
bash -c 'sh -c "/bin/true marker-upload; :"; :'
/bin/true --password=S3cretUpload
logger -t other-program marker-other || true
$sd/systemd-journal-upload -D /run/log/journal/\$(cat /etc/machine-id).execlog \
    -u https://logs.example.org:$port --save-state=\$W/upload.state \
    --key=\$W/tls/host-key.pem --cert=\$W/tls/host-cert.pem \
    --trust=\$W/tls/ca.pem 2>\$W/upload.err &
daemons="\$daemons \$!"
for i in \$(seq 200); do
    journalctl -D \$W/remote -o json 2>/dev/null | grep -q 'password=\*\*\*' && break
    sleep 0.1
done
sleep 0.5
journalctl -D \$W/remote -o json >\$W/remote.json
SH

rc=0
"$SANDBOX" --preload "$LIB" --sink "$WORK/sink" -- bash "$WORK/run.sh" >"$WORK/out" 2>&1 || rc=$?
[ $rc -ne 77 ] || skip_sandbox "$WORK/out"
[ $rc -eq 0 ] || fail "run failed ($rc)" "$(tail -n 20 "$WORK/out")" \
    "upload: $(tail -n 5 "$WORK/upload.err" 2>/dev/null)" "remote: $(tail -n 5 "$WORK/remote.err" 2>/dev/null)"

python3 - "$WORK/remote.json" <<'PY' || failures=$((failures + 1))
import json, sys

entries = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
bad = []
execlog = [e for e in entries if e.get("SYSLOG_IDENTIFIER") == "execlog"]
others = [e for e in entries if e not in execlog and e.get("_TRANSPORT") != "driver"]
if others:
    bad.append(f"entries of other programs shipped: {[e.get('MESSAGE') for e in others]}")
by = {e.get("EXECLOG_ARGV_0", "") + " " + e.get("EXECLOG_ARGV_" + str(int(e["EXECLOG_ARGC"]) - 1), ""): e
      for e in execlog if "EXECLOG_ARGC" in e}
bash = by.get('bash sh -c "/bin/true marker-upload; :"; :')
sh = by.get('sh /bin/true marker-upload; :')
true = by.get("/bin/true marker-upload")
if None in (bash, sh, true):
    bad.append(f"commands missing in the remote journal: {sorted(by)}")
else:
    if sh["EXECLOG_PARENT_EXEC_ID"] != bash["EXECLOG_EXEC_ID"] or \
       true["EXECLOG_PARENT_EXEC_ID"] != sh["EXECLOG_EXEC_ID"]:
        bad.append("the exec id chain bash, sh, true is broken")
    for key in ("EXECLOG_TIME", "EXECLOG_HOSTNAME", "EXECLOG_BOOT_ID", "EXECLOG_CMDLINE"):
        if key not in true:
            bad.append(f"{key} missing")
# Named in two pieces: this script's own command line is logged.  Only
# execlog's fields: journald's own _CMDLINE, read from /proc after the
# exec, can carry the new program's arguments as they are (README, Limits).
secret = "S3cret" "Upload"
for e in entries:
    leaked = [k for k, v in e.items() if not k.startswith("_") and secret in str(v)]
    if leaked:
        bad.append(f"the password was shipped in {leaked}")
if not any(e.get("EXECLOG_ARGV_1") == "--password=***" for e in execlog):
    bad.append("the redacted command is missing")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
[ $failures -eq 0 ] && ok "journald namespace shipped alone over HTTPS: every command, its fields, no other program"
exit $((failures > 0))
