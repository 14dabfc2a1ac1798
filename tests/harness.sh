# Shared by the integration scripts (prime-directive.sh, stress.sh,
# security.sh, config.sh, outputs.sh, rsyslog.sh, cli.sh, events.sh,
# central-store.sh, journal-upload.sh); sourced, not run.
#
# Gives: the build's paths as make check sets them (builddir, top_srcdir,
# EXECLOG_LIB), as LIB, CLI, SIGEXEC, SANDBOX; CACHE_PATH, the cache this
# build reads, and need_etc_cache; skip REASON and skip_sandbox OUTPUT;
# fail MESSAGE [DETAIL...], ok and note, with failures counting the fails;
# work_dir; and make_certs (certtool) for the tests that speak TLS.

abspath() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$PWD" "$1" ;; esac; }

builddir=$(abspath "${builddir:-.}")
top_srcdir=$(abspath "${top_srcdir:-${srcdir:-.}}")
export builddir # sandbox.sh finds tests/logsink through it
LIB=$(abspath "${EXECLOG_LIB:-$builddir/src/.libs/libexeclog.so}")
CLI=$builddir/src/execlog
SIGEXEC=$builddir/tests/sigexec
SANDBOX=$top_srcdir/tests/sandbox.sh
CACHE_PATH=$("$CLI" --help 2>/dev/null | sed -n 's/.*use PATH instead of \(.*\)$/\1/p') || true
# The cache a build with --sysconfdir=/etc reads; its name carries the
# cache format's version (src/cache.h).
ETC_CACHE=/etc/execlog.cache.${CACHE_PATH##*.}
failures=0

# skip REASON: automake's SKIP (exit 77), with the reason in the test's
# log, so that a skip never goes unexplained.
skip() {
    echo "SKIP: $*"
    exit 77
}

# skip_sandbox OUTPUT...: skip because sandbox.sh exited 77, giving the
# reason it printed into OUTPUT (where the caller sent its stderr).
skip_sandbox() {
    skip "the sandbox cannot run here: $(sed -n 's/^sandbox\.sh: SKIP: //p' "$@" | tail -n 1)"
}

# The library reads the cache at the path compiled into it, and the
# sandbox stands in for /etc only: a test that installs a cache skips on a
# build configured with another sysconfdir (as make distcheck's is).
need_etc_cache() {
    [ "$CACHE_PATH" = "$ETC_CACHE" ] ||
        skip "built with the cache ${CACHE_PATH:-(unknown)}, not $ETC_CACHE (configure --sysconfdir=/etc)"
}

fail() {
    failures=$((failures + 1))
    printf 'FAIL: %s\n' "$1"
    shift
    local l
    for l in "$@"; do printf '%s\n' "$l" | sed 's/^/      /'; done
}
ok() { printf 'ok:   %s\n' "$*"; }
note() { printf 'note: %s\n' "$*"; }

# work_dir TEMPLATE KEEP: WORK, a new directory (mktemp TEMPLATE, mode 755:
# the sandbox runs programs from it as nobody), removed at exit unless a
# check failed or KEEP is 1.  A cleanup_extra function, if the script has
# one, runs first.
work_dir() {
    WORK=$(mktemp -d "$1") || exit 1
    chmod 755 "$WORK"
    keep_work=$2
    trap harness_cleanup EXIT
}

# shellcheck disable=SC2317  # only called from the EXIT trap
harness_cleanup() {
    if declare -F cleanup_extra >/dev/null; then
        cleanup_extra
    fi
    if [ "$failures" -ne 0 ] || [ "$keep_work" = 1 ]; then
        echo "outputs and logs kept in $WORK"
    else
        rm -rf "$WORK"
    fi
}

# make_certs DIR ROLE:NAME...: a test CA (DIR/ca.pem) and for each ROLE a
# key and a certificate for NAME signed by it (DIR/ROLE-key.pem,
# DIR/ROLE-cert.pem), good for TLS servers and clients alike, for 2 days.
make_certs() {
    local dir=$1 who role name
    shift
    mkdir -p -m 700 "$dir"
    certtool --generate-privkey --outfile "$dir/ca-key.pem" 2>/dev/null
    printf '%s\n' 'cn = "execlog test CA"' ca cert_signing_key \
        'expiration_days = 2' >"$dir/ca.tmpl"
    certtool --generate-self-signed --load-privkey "$dir/ca-key.pem" \
        --template "$dir/ca.tmpl" --outfile "$dir/ca.pem" 2>/dev/null
    for who in "$@"; do
        role=${who%%:*} name=${who#*:}
        certtool --generate-privkey --outfile "$dir/$role-key.pem" 2>/dev/null
        printf '%s\n' "cn = \"$name\"" "dns_name = \"$name\"" tls_www_server \
            tls_www_client signing_key encryption_key 'expiration_days = 2' \
            >"$dir/$role.tmpl"
        certtool --generate-certificate --load-privkey "$dir/$role-key.pem" \
            --load-ca-certificate "$dir/ca.pem" --load-ca-privkey "$dir/ca-key.pem" \
            --template "$dir/$role.tmpl" --outfile "$dir/$role-cert.pem" 2>/dev/null
    done
}
