#!/bin/bash
# How many secrets of tests/redact/secrets.txt reach the log, and how many
# lines of tests/redact/harmless.txt the redaction alters, with the real
# library in a real /etc/ld.so.preload (tests/sandbox.sh).
#
#   tests/redact/measure.sh [--max-leaks N] [--redact SPEC] [--verbose]
#                           [--keep] [--results FILE] [--self-test]
#                           [--secrets FILE] [--harmless FILE]
#
#   --max-leaks N   exit 0 when at most N secrets leak (default 2) and no
#                   harmless line changes; 1 otherwise
#   --redact SPEC   measure `redact = "SPEC"` instead of the built-in
#                   default (e.g. "defaults;value:--token")
#   --verbose       list every leaked secret and altered line with its log
#   --keep          keep the work directory (logs, stubs, driver)
#   --results FILE  also write one line per corpus line, tab-separated:
#                   FILE:LINE, category, then for the argv and the sh -c
#                   run: leaked, caught or n/a (secrets), altered or same
#                   (harmless); for diffing two runs
#   --self-test     check the harness itself on two lines: --password=X as
#                   an argv is caught today, redis-cli -a X leaks
#
# Environment: builddir (default: the current directory, so run it from
# the build tree), top_srcdir (default: two levels above this script).
# Needs the build's src/.libs/libexeclog.so, src/execlog and tests/logsink
# (`make tests/logsink`), and a build whose cache is /etc/execlog.cache.N.
# Lines that start with a shell builtin (export, cd, ...) count as shell
# syntax. A line is checked before it runs: no program named by a path
# (it would run for real), no redirection to an absolute path (it would
# write on the host); a secret must be in its line, at least 4
# characters, without quotes, backslashes or non-ASCII (the log would
# show it escaped), and no part of a word such as "password" (the
# redacted line would still contain it).
#
# Each corpus line runs twice per configuration, every program in it being
# a stub (a symbolic link to one sh script that exits 0, in a directory
# that is the whole PATH; only sh, bash and dash are the real shells), so
# nothing real runs and nothing touches the network:
#   argv   as a shell gives it to execve: a simple command is split by bash
#          itself (eval of an array assignment, no globbing) and exec'd as
#          that argv; a line with shell syntax (operators, redirections,
#          leading assignments, $(...)) is run by bash as typed, so the log
#          holds whatever bash execs;
#   sh -c  `sh -c LINE`, as cron, system() and popen() run it: the log holds
#          the sh -c line and what sh execs.
# Both run once with `redact = "none"` (the baseline) and once with the
# candidate rules; every logged line carries the corpus line and mode
# through %{env:EXECLOG_CORPUS_ID}.  A secret leaks in a mode when its
# exact text is in any line logged for it; a harmless line is altered when
# its logged lines (as a sorted set) differ from the baseline's.
#
# Exit: 0 within the limits, 1 over them, 77 when the sandbox cannot run
# here (not root, no mount namespace, cache not under /etc), 99 for a
# broken corpus or harness (a secret missing from the baseline log, a line
# that logged nothing, a missing build).
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
builddir=$(cd "${builddir:-.}" && pwd)
export builddir top_srcdir

max_leaks=2 spec='' verbose=0 keep=0 results='' selftest=0
secrets=$here/secrets.txt harmless=$here/harmless.txt
while [ $# -gt 0 ]; do
    case $1 in
        --max-leaks) max_leaks=$2; shift 2 ;;
        --redact) spec=$2; shift 2 ;;
        --verbose | -v) verbose=1; shift ;;
        --keep) keep=1; shift ;;
        --results) results=$(realpath -m -- "$2"); shift 2 ;;
        --self-test) selftest=1; shift ;;
        --secrets) secrets=$2; shift 2 ;;
        --harmless) harmless=$2; shift 2 ;;
        -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "$prog: unknown option $1" >&2; exit 99 ;;
    esac
done
case $max_leaks in '' | *[!0-9]*) echo "$prog: --max-leaks needs a number" >&2; exit 99 ;; esac
case $spec in *\"*) echo "$prog: --redact SPEC must not contain '\"'" >&2; exit 99 ;; esac

skip() { echo "$prog: SKIP: $*" >&2; exit 77; }
broken() { echo "$prog: ERROR: $*" >&2; exit 99; }

# The harness measured on two lines whose fate today is known: the
# built-in rules mask --password=VALUE in an argv and know nothing of
# redis-cli -a. (Through sh -c both leak: no rule looks inside the string.)
if [ "$selftest" = 1 ]; then
    t=$(mktemp -d /tmp/execlog-redact-selftest.XXXXXX)
    trap 'rm -rf "$t"' EXIT
    printf '# self-test\nopt\tSelfTest-Eq1\tmysql --password=SelfTest-Eq1 shop\ndb\tSelfTest-Rd2\tredis-cli -a SelfTest-Rd2 ping\n' >"$t/s.txt"
    printf 'no-value\tmysql -p shop\n' >"$t/h.txt"
    st=0
    "$0" --secrets "$t/s.txt" --harmless "$t/h.txt" --results "$t/r.tsv" --max-leaks 99 >"$t/out" 2>&1 || st=$?
    [ "$st" = 77 ] && { cat "$t/out" >&2; exit 77; }
    [ "$st" = 0 ] || { cat "$t/out" >&2; broken "self-test: measure.sh exited $st"; }
    want=$(printf 's.txt:2\ts\topt\tcaught\tleaked\ns.txt:3\ts\tdb\tleaked\tleaked\nh.txt:1\th\tno-value\tsame\tsame')
    got=$(cat "$t/r.tsv")
    if [ "$got" != "$want" ]; then
        printf 'expected:\n%s\ngot:\n%s\n' "$want" "$got" >&2
        broken "self-test failed"
    fi
    echo "self-test: ok (--password=X caught as argv, redis-cli -a X leaked, mysql -p shop unchanged)"
    exit 0
fi

LIB=$builddir/src/.libs/libexeclog.so
CLI=$builddir/src/execlog
LOGSINK=$builddir/tests/logsink
SANDBOX=$top_srcdir/tests/sandbox.sh
[ -f "$LIB" ] || broken "no $LIB: run this from the build tree (or set builddir)"
[ -x "$CLI" ] || broken "no $CLI"
[ -x "$LOGSINK" ] || broken "no $LOGSINK: make tests/logsink"
export LOGSINK
if ! [ -r "$secrets" ] || ! [ -r "$harmless" ]; then broken "cannot read $secrets or $harmless"; fi

[ "$(id -u)" -eq 0 ] || skip "must run as root (the sandbox needs a mount namespace)"
cache=$("$CLI" --help 2>/dev/null | sed -n 's/.*use PATH instead of \(.*\)$/\1/p') || true
case $cache in /etc/execlog.cache.*) ;; *) false ;; esac ||
    skip "built with a cache outside /etc (configure --sysconfdir=/etc); the sandbox stands in for /etc only"

WORK=$(mktemp -d /tmp/execlog-redact.XXXXXX)
chmod 755 "$WORK"
# shellcheck disable=SC2317  # only called from the EXIT trap
cleanup() { if [ "$keep" = 1 ]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

# ---- read and check the corpus: WORK/meta is
#      ID <TAB> kind <TAB> category <TAB> secret <TAB> simple, WORK/lines is
#      ID <TAB> simple <TAB> command line.
problems=0
problem() { echo "$prog: corpus: $*" >&2; problems=$((problems + 1)); }
# Words a secret must not hide in: were the secret one of them, the
# redacted line would still contain it.
vocab='password passwd pwd pass passphrase secret token apikey api-key api_key access-key accesskey private-key credential credentials auth authorization bearer basic cookie user username login root admin'

# classify LINE: 1 when bash reads it as one simple command of words only.
classify() {
    local l=$1
    # shellcheck disable=SC2016  # the literal text $( and a backquote
    case $l in
        *'$('* | *'`'*) echo 0; return ;;
    esac
    [[ $l =~ ^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*= ]] && { echo 0; return; }
    # Builtins that exist only in the shell: no program gets this argv.
    [[ $l =~ ^[[:space:]]*(export|unset|set|cd|source|\.|eval|readonly|declare|local|alias)[[:space:]] ]] && { echo 0; return; }
    if bash -n -c "__w=( $l )" 2>/dev/null; then echo 1; else echo 0; fi
}

lint() {  # FILE:N LINE
    local where=$1 l=$2
    # Nothing real may run, and nothing may be written outside the work
    # directory: no absolute or ./ program paths, no redirection to a path.
    if [[ $l =~ (^|[\;\&\|\(\`]|\$\(|-c[[:space:]]+[\'\"])[[:space:]]*(\.{0,2}/[^[:space:]]*) ]]; then
        problem "$where: a program named by path would run for real: ${BASH_REMATCH[2]}"
    fi
    if [[ $l =~ \>[\>\|]?[[:space:]]*(/[^[:space:]]*) ]] && [ "${BASH_REMATCH[1]}" != /dev/null ]; then
        problem "$where: redirection to ${BASH_REMATCH[1]} would write on the host"
    fi
}

: >"$WORK/meta"
: >"$WORK/lines"
read_corpus() {  # FILE KIND
    local file=$1 kind=$2 n=0 raw cat secret cmd rest simple w lw
    while IFS= read -r raw || [ -n "$raw" ]; do
        n=$((n + 1))
        case $raw in '' | '#'*) continue ;; esac
        if [ "$kind" = s ]; then
            IFS=$'\t' read -r cat secret cmd <<<"$raw"
        else
            IFS=$'\t' read -r cat cmd <<<"$raw"
            secret=-
        fi
        if [ -z "$cat" ] || [ -z "$cmd" ] || [ -z "$secret" ]; then
            problem "${file##*/}:$n: expected ${kind/s/CATEGORY<TAB>SECRET<TAB>COMMAND}${kind/h/CATEGORY<TAB>COMMAND}"
            continue
        fi
        [ "$kind" = h ] && secret=-
        lint "${file##*/}:$n" "$cmd"
        if [ "$kind" = s ]; then
            case $cmd in *"$secret"*) ;; *) problem "${file##*/}:$n: secret '$secret' is not in the line" ;; esac
            [ ${#secret} -ge 4 ] || problem "${file##*/}:$n: secret '$secret' shorter than 4 characters"
            case $secret in *[!\ -~]* | *\'* | *\\*)
                problem "${file##*/}:$n: secret '$secret' has a quote, backslash or non-ASCII character (the log would show it escaped)" ;;
            esac
            for w in $vocab; do
                lw=${secret,,}
                case $w in *"$lw"*) problem "${file##*/}:$n: secret '$secret' is part of the word '$w': choose another value" ;; esac
            done
        fi
        simple=$(classify "$cmd")
        printf '%s%d\t%s\t%s\t%s\t%s\n' "$kind" "$n" "$kind" "$cat" "$secret" "$simple" >>"$WORK/meta"
        printf '%s%d\t%s\t%s\n' "$kind" "$n" "$simple" "$cmd" >>"$WORK/lines"
    done <"$file"
}
read_corpus "$secrets" s
read_corpus "$harmless" h
[ "$problems" -eq 0 ] || broken "$problems problem(s) in the corpus"

# ---- stubs: every word that could name a program, except the shells.
mkdir "$WORK/stub" "$WORK/run"
# A script, not a copy of /bin/true: a coreutils built as one binary would
# run the program its argv[0] names.
printf '#!/bin/sh\nexit 0\n' >"$WORK/true"
chmod 755 "$WORK/true"
tr -s ' \t;|&()`"'\''{}<>$' '\n' <"$WORK/lines" | LC_ALL=C grep -E '^[A-Za-z0-9][A-Za-z0-9._+-]*$' |
    LC_ALL=C sort -u | while IFS= read -r w; do
    case $w in sh | bash | dash) continue ;; esac
    ln -s "$WORK/true" "$WORK/stub/$w"
done
for sh in sh bash dash; do
    real=$(command -v "$sh") || continue
    ln -sf "$real" "$WORK/stub/$sh"
done
chmod -R a+rX "$WORK"

# ---- inside the sandbox: each configuration, each line, both modes.
cat >"$WORK/driver.sh" <<'EOF'
set -u
work=$1 cli=$2 spec=$3
stub=$work/stub
put_ini() { printf '%s\n' "$@" >/etc/execlog.ini; chmod 644 /etc/execlog.ini; }
fmt='message_format = "@@%{env:EXECLOG_CORPUS_ID}@@ %{cmdline}"'
run_all() {
    local cfg=$1 id simple line
    while IFS=$'\t' read -r -u 3 id simple line; do
        if [ "$simple" = 1 ]; then
            ( set -f; eval "__w=( $line )"; [ ${#__w[@]} -gt 0 ] || exit 0
              export EXECLOG_CORPUS_ID=$cfg:$id:a PATH=$stub; exec "${__w[@]}" )
        else
            ( export EXECLOG_CORPUS_ID=$cfg:$id:a PATH=$stub; eval "$line" )
        fi
        ( export EXECLOG_CORPUS_ID=$cfg:$id:b PATH=$stub; exec -a sh /bin/sh -c "$line" )
    done 3<"$work/lines" </dev/null
}
cd "$work/run" || exit 99
put_ini "$fmt" 'redact = "none"'
$cli reload >&2 || { echo "reload (none) failed" >&2; exit 99; }
run_all none >>"$work/out" 2>&1
if [ -n "$spec" ]; then put_ini "$fmt" "redact = \"$spec\""; else put_ini "$fmt"; fi
$cli reload >&2 || { echo "reload (candidate) failed" >&2; exit 99; }
run_all cand >>"$work/out" 2>&1
exit 0
EOF

rc=0
timeout 900 "$SANDBOX" --preload "$LIB" --sink "$WORK/log" -- \
    bash "$WORK/driver.sh" "$WORK" "$CLI" "$spec" 2>"$WORK/sandbox.err" || rc=$?
case $rc in
    0) ;;
    77) skip "sandbox: $(tail -n 1 "$WORK/sandbox.err")" ;;
    *) cat "$WORK/sandbox.err" >&2; broken "sandbox run failed (status $rc)" ;;
esac

# ---- the log as CFG <TAB> ID <TAB> MODE <TAB> CMDLINE, sorted.
LC_ALL=C awk '
    { i = index($0, "@@"); if (!i) next
      rest = substr($0, i + 2); j = index(rest, "@@"); if (!j) next
      id = substr(rest, 1, j - 1); cmd = substr(rest, j + 3)
      n = split(id, p, ":"); if (n != 3) next
      printf "%s\t%s\t%s\t%s\n", p[1], p[2], p[3], cmd }' "$WORK/log" |
    LC_ALL=C sort >"$WORK/parsed"

LC_ALL=C awk -F '\t' -v max="$max_leaks" -v verbose="$verbose" -v results="$results" \
    -v sfile="${secrets##*/}" -v hfile="${harmless##*/}" -v spec="${spec:-defaults (built in)}" '
FILENAME == ARGV[1] {
    id = $1; kind[id] = $2; cat[id] = $3; secret[id] = $4; simple[id] = $5
    order[++nids] = id
    if (!(($2, $3) in seen)) { seen[$2, $3] = 1; cats[$2, ++ncat[$2]] = $3 }
    next
}
{
    k = $1 SUBSEP $2 SUBSEP $3
    if (k in logged) logged[k] = logged[k] "\n" $4; else logged[k] = $4
}
function num(id) { return substr(id, 2) + 0 }
function show(s) { gsub(/\n/, "\n        ", s); return s }
END {
    bad = 0
    for (i = 1; i <= nids; i++) {
        id = order[i]; where = (kind[id] == "s" ? sfile : hfile) ":" num(id)
        if (!(("none", id, "b") in logged) || !(("cand", id, "b") in logged)) {
            printf "ERROR %s: nothing logged for sh -c\n", where; bad++; continue
        }
        if (simple[id] && (!(("none", id, "a") in logged) || !(("cand", id, "a") in logged))) {
            printf "ERROR %s: nothing logged for the argv\n", where; bad++; continue
        }
        if (kind[id] == "s") {
            exp_a = index(logged["none", id, "a"], secret[id]) > 0
            exp_b = index(logged["none", id, "b"], secret[id]) > 0
            if (!exp_b) { printf "ERROR %s: secret not in the baseline sh -c log: %s\n", where, show(logged["none", id, "b"]); bad++; continue }
            la = exp_a && index(logged["cand", id, "a"], secret[id]) > 0
            lb = index(logged["cand", id, "b"], secret[id]) > 0
            if (results != "") printf "%s\ts\t%s\t%s\t%s\n", where, cat[id], exp_a ? (la ? "leaked" : "caught") : "n/a", lb ? "leaked" : "caught" > results
            c = cat[id]
            sn[c]++; tn++
            if (exp_a) { sea[c]++; tea++ }
            if (la) { sla[c]++; tla++ }
            if (lb) { slb[c]++; tlb++ }
            if (la || lb) {
                sl[c]++; tl++
                if (verbose) printf "LEAK %s [%s] %s%s%s\n        %s\n", where, c, la ? "argv" : "", la && lb ? "+" : "", lb ? "sh-c" : "", show((la ? logged["cand", id, "a"] : "") (la && lb ? "\n" : "") (lb ? logged["cand", id, "b"] : ""))
            } else if (verbose > 1) printf "ok   %s [%s]\n", where, c
        } else {
            aa = logged["none", id, "a"] != logged["cand", id, "a"]
            ab = logged["none", id, "b"] != logged["cand", id, "b"]
            if (results != "") printf "%s\th\t%s\t%s\t%s\n", where, cat[id], aa ? "altered" : "same", ab ? "altered" : "same" > results
            c = cat[id]
            hn[c]++; thn++
            if (aa) { hla[c]++; thla++ }
            if (ab) { hlb[c]++; thlb++ }
            if (aa || ab) {
                hl[c]++; thl++
                if (verbose) printf "ALTERED %s [%s]\n  none: %s\n  cand: %s\n", where, c, show(logged["none", id, aa ? "a" : "b"]), show(logged["cand", id, aa ? "a" : "b"])
            }
        }
    }
    if (bad) { printf "%d corpus line(s) not measured: fix the corpus or the harness\n", bad; exit 99 }

    printf "\nredact = %s\n\n", spec
    printf "%-14s %6s %8s %14s %8s\n", "secrets", "lines", "leaked", "argv (of)", "sh -c"
    for (i = 1; i <= ncat["s"]; i++) {
        c = cats["s", i]
        printf "%-14s %6d %8d %8d (%3d) %8d\n", c, sn[c], sl[c], sla[c], sea[c], slb[c]
    }
    printf "%-14s %6d %8d %8d (%3d) %8d\n\n", "total", tn, tl, tla, tea, tlb
    printf "%-14s %6s %8s %14s %8s\n", "harmless", "lines", "altered", "argv", "sh -c"
    for (i = 1; i <= ncat["h"]; i++) {
        c = cats["h", i]
        printf "%-14s %6d %8d %14d %8d\n", c, hn[c], hl[c], hla[c], hlb[c]
    }
    printf "%-14s %6d %8d %14d %8d\n\n", "total", thn, thl, thla, thlb
    ok = (tl <= max && thl == 0)
    printf "%s: %d of %d secrets leaked (at most %d allowed), %d of %d harmless lines altered\n", ok ? "PASS" : "FAIL", tl, tn, max, thl, thn
    exit ok ? 0 : 1
}' "$WORK/meta" "$WORK/parsed" || rc=$?
exit "${rc:-0}"
