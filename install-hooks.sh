#!/bin/sh
# install-hooks.sh: enable, disable or check the execlog hook in
# /etc/ld.so.preload.  Runs as it is from a checkout (sh ./install-hooks.sh
# status); `make install` installs it as $(sbindir)/execlog-install-hooks
# with the configured paths written into the lines marked "configured".
#
# Every dynamically linked program on the host reads /etc/ld.so.preload
# when it starts: a wrong entry prints an error in each of them, and a
# broken library there can take the host down.  So this script changes the
# file only after proving the library loads and runs programs in a trial
# process, writes it atomically (temporary file in /etc, fsync, rename),
# touches no other entry or comment, and checks the result once more with a
# fresh process (and puts the old file back if that fails).
set -eu

prog=${0##*/}
# The defaults are the paths of the README's ./configure --prefix=/usr
# --sysconfdir=/etc, so that a checkout's copy acts on that installation.
version='(checkout)'                  # configured
default_lib='/usr/lib/libexeclog.so'  # configured
execlog='/usr/sbin/execlog'           # configured
unit_dir='/usr/share/execlog'         # configured
ini='/etc/execlog.ini'                # configured
preload=/etc/ld.so.preload
systemd_dir=/etc/systemd/system
units='execlog-reload.path execlog-reload.service'

# Run as root: nothing from the caller's environment chooses our programs
# or changes how they parse text.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C
export PATH LC_ALL
umask 022

usage() {
    cat <<EOF
Usage: $prog [OPTION...] enable [LIBRARY]
       $prog [OPTION...] disable
       $prog [OPTION...] status
       $prog --help | --version

Lists the execlog library in $preload, so that every dynamically
linked program started afterwards logs the commands it runs.

  enable [LIBRARY]  (root) check that LIBRARY (default $default_lib)
                    is an ELF shared object for this machine that only root
                    can change, run a trial process with it preloaded, run
                    \`execlog check\` and \`execlog reload\`, install the
                    path unit (below), then add LIBRARY to $preload.
                    If a step fails, $preload is not touched.
                    LIBRARY may name the loader's \$LIB, as in
                    /usr/\$LIB/execlog/libexeclog.so: each program then
                    loads the library of its own architecture (the checks
                    are made on this machine's, $(lib_dir_or_unknown)).
                    Refused if another libexeclog.so is listed.  A second
                    enable leaves the file as it is.
  disable           (root) remove every entry named libexeclog.so from
                    $preload (other entries and comments stay), and
                    the file itself if only blank lines are left; remove the
                    path unit.  Running programs keep the library until they
                    exit.  Disabling twice is fine.
  status            print one line; exit 0 if the hook is listed, a new
                    process loads it and the cache is valid and up to date,
                    3 if it is not listed, 1 on any problem.

Options:
  --execlog PATH    the execlog command (default $execlog)
  --unit-dir DIR    where execlog-reload.path and .service are
                    (default $unit_dir)
  --no-path-unit    enable: do not install the systemd path unit

Where systemd runs, enable installs execlog-reload.path and
execlog-reload.service in $systemd_dir: they run \`execlog reload\`
whenever $ini changes.  Elsewhere, run execlog reload after
each edit.

$preload is replaced atomically (temporary file, fsync, rename)
and keeps its mode and owner; a new one is 0644 root:root.

Exit status: 0 done, 1 refused or failed, 2 usage error, 3 (status) not
enabled.
EOF
}

say() { printf '%s: %s\n' "$prog" "$*"; }
warn() { printf '%s: warning: %s\n' "$prog" "$*" >&2; }
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
usage_error() {
    printf '%s: %s\nTry: %s --help\n' "$prog" "$*" "$prog" >&2
    exit 2
}

# Temporary files: one work directory, and at most one file being prepared
# in /etc (or /etc/systemd/system) at a time.
work='' etc_tmp=''
cleanup() {
    if [ -n "$etc_tmp" ]; then rm -f -- "$etc_tmp"; fi
    if [ -n "$work" ]; then rm -rf -- "$work"; fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

make_work() {
    [ -n "$work" ] || work=$(mktemp -d -t execlog-install-hooks.XXXXXX)
}

require_root() {
    [ "$(id -u)" = 0 ] || die "$1: must be run as root"
}

# One editor of $preload at a time: the lock is on /etc itself, since the
# file is replaced, not rewritten.  fd 9 is not passed to the trial.
lock_etc() {
    command -v flock >/dev/null 2>&1 || return 0
    exec 9</etc
    flock -w 60 9 || die "another $prog is running (no lock on /etc after 60 s)"
}

check_preload_file() {
    if [ -L "$preload" ]; then
        die "$preload is a symbolic link: not replacing it; edit it by hand"
    fi
    if [ -e "$preload" ] && [ ! -f "$preload" ]; then
        die "$preload is not a regular file: edit it by hand"
    fi
}

# The entries of $preload, one per line, read the way ld.so reads them:
# '#' starts a comment, entries are separated by spaces, tabs, newlines or
# ':'.
entries() {
    if [ -f "$preload" ]; then
        awk '{
            sub(/#.*/, "")
            gsub(/[:\t]/, " ")
            n = split($0, w, " ")
            for (i = 1; i <= n; i++) print w[i]
        }' "$preload"
    fi
}

# The entries that are an execlog library (file name libexeclog.so), the
# rule `execlog status` uses too.
execlog_entries() {
    entries | grep -E '(^|/)libexeclog\.so$' || true
}

# elf_info FILE: sets elf_class (1 32-bit, 2 64-bit), elf_data (1 little,
# 2 big endian), elf_type (3 shared object) and elf_machine (e_machine)
# from the ELF header; returns 1 if FILE does not start with one.
elf_info() {
    # shellcheck disable=SC2046  # one word per byte, on purpose
    set -- $(od -An -v -t u1 -N 20 -- "$1" 2>/dev/null)
    [ $# -eq 20 ] || return 1
    [ "$1 $2 $3 $4" = "127 69 76 70" ] || return 1
    elf_class=$5 elf_data=$6
    case $elf_data in
        1) elf_type=$((${17} + 256 * ${18})) elf_machine=$((${19} + 256 * ${20})) ;;
        2) elf_type=$((${17} * 256 + ${18})) elf_machine=$((${19} * 256 + ${20})) ;;
        *) return 1 ;;
    esac
}

# Human name of an ELF class and machine, for messages.
elf_name() {
    case $2 in
        3) en=i386 ;; 8) en=MIPS ;; 20) en=PowerPC ;; 21) en=PowerPC64 ;;
        22) en=s390 ;; 40) en=ARM ;; 62) en=x86-64 ;; 183) en=AArch64 ;;
        243) en=RISC-V ;; 258) en=LoongArch ;; *) en="machine $2" ;;
    esac
    case $1 in 1) en="32-bit $en" ;; 2) en="64-bit $en" ;; esac
    printf '%s\n' "$en"
}

# What the loader makes of \$LIB in this machine's programs
# (lib/x86_64-linux-gnu on Debian amd64), asked of the loader itself:
# LD_DEBUG=libs prints the search path that LD_LIBRARY_PATH expands to.
lib_dir() {
    # shellcheck disable=SC2016  # $LIB is for the loader, not the shell
    LD_DEBUG=libs LD_LIBRARY_PATH='/execlog-lib-probe/$LIB' /bin/true 2>&1 \
        >/dev/null </dev/null |
        sed -n 's|.*[=:]/execlog-lib-probe/\([^:[:space:]]*\)[[:space:]]*(LD_LIBRARY_PATH).*|\1|p' |
        head -n 1
}

lib_dir_or_unknown() {
    ld=$(lib_dir)
    printf '%s\n' "${ld:-unknown here}"
}

# expand_lib PATH: PATH with \$LIB replaced as the loader replaces it for
# this machine's programs; fails if the loader does not say.
expand_lib() {
    # shellcheck disable=SC2016  # $LIB is for the loader, not the shell
    case $1 in
        *'$LIB'*)
            el_dir=$(lib_dir)
            [ -n "$el_dir" ] || return 1
            printf '%s\n' "$1" | sed "s|\\\$LIB|$el_dir|g" ;;
        *) printf '%s\n' "$1" ;;
    esac
}

# check_tree PATH: PATH and every directory above it belong to root and
# are not writable by group or others (a directory may be if it is
# sticky, like /tmp): whoever can replace the library runs code in every
# process of the host, root's included.
check_tree() {
    ct_path=$1
    while :; do
        # shellcheck disable=SC2046  # owner and mode, two words
        set -- $(stat -L -c '%u %a' -- "$ct_path")
        [ $# -eq 2 ] || die "$ct_path: cannot stat"
        [ "$1" = 0 ] || die "$ct_path belongs to uid $1, not root: refusing to let it run code in every process"
        if [ $((0$2 & 022)) -ne 0 ]; then
            if [ ! -d "$ct_path" ] || [ $((0$2 & 01000)) -eq 0 ]; then
                die "$ct_path is writable by group or others (mode $2): refusing to let it run code in every process"
            fi
        fi
        [ "$ct_path" != / ] || break
        ct_path=$(dirname -- "$ct_path")
    done
}

# probe [LIBRARY]: start a process (LIBRARY preloaded, if given, on top of
# $preload) that runs /bin/true, then execs cat to read its own memory
# map.  Sets probe_error and returns 1 unless both succeed, nothing at all
# is written to stderr (a loader error, or anything the library would
# print) and the new program maps probe_want (a library's real path, or
# */libexeclog.so).
probe() {
    make_work
    probe_error='' pr_rc=0
    # LD_PRELOAD only when a library is given.
    timeout -k 5 30 env -i PATH=/usr/bin:/bin ${1+"LD_PRELOAD=$1"} \
        /bin/sh -c '/bin/true && exec /bin/cat /proc/self/maps' \
        </dev/null >"$work/maps" 2>"$work/stderr" 9<&- || pr_rc=$?
    if [ -s "$work/stderr" ]; then
        probe_error="it printed: $(head -n 3 -- "$work/stderr" | tr '\n' ' ')"
    elif [ $pr_rc -eq 124 ] || [ $pr_rc -eq 137 ]; then
        probe_error="it did not finish within 30 s"
    elif [ $pr_rc -ne 0 ]; then
        probe_error="it exited with status $pr_rc"
    elif ! awk -v want="$probe_want" '
            NF >= 6 && ($6 == want || (want == "*/libexeclog.so" && $6 ~ /\/libexeclog\.so$/)) { found = 1 }
            END { exit !found }' "$work/maps"; then
        probe_error="the new program did not map $probe_want"
    fi
    [ -z "$probe_error" ]
}

# replace_file TARGET NEW: make NEW's bytes TARGET's content atomically,
# keeping TARGET's mode and owner (0644 root:root for a new file): a
# temporary file in the same directory, fsync'd, renamed over TARGET, then
# the directory fsync'd.
replace_file() {
    rf_mode=644 rf_owner=0:0 rf_dir=$(dirname -- "$1")
    if [ -e "$1" ]; then
        rf_mode=$(stat -c %a -- "$1")
        rf_owner=$(stat -c %u:%g -- "$1")
    fi
    etc_tmp=$(mktemp -- "$rf_dir/.${1##*/}.XXXXXX")
    cat -- "$2" >"$etc_tmp"
    chown -- "$rf_owner" "$etc_tmp"
    chmod -- "$rf_mode" "$etc_tmp"
    sync -- "$etc_tmp"
    mv -f -- "$etc_tmp" "$1"
    etc_tmp=''
    sync -- "$rf_dir" || warn "could not fsync $rf_dir"
}

remove_file() {
    rm -f -- "$1"
    sync -- "$(dirname -- "$1")" || warn "could not fsync $(dirname -- "$1")"
}

systemd_running() {
    command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]
}

install_path_unit() {
    if [ "$with_unit" = 0 ]; then
        say "path unit: not installed (--no-path-unit); run execlog reload after each edit of $ini"
        return 0
    fi
    if ! systemd_running; then
        say "path unit: skipped, systemd is not running here; run execlog reload after each edit of $ini"
        return 0
    fi
    for u in $units; do
        [ -f "$unit_dir/$u" ] || die "$unit_dir/$u: not found (give --unit-dir, or --no-path-unit); $preload is unchanged"
    done
    iu_changed=0
    mkdir -p -- "$systemd_dir"
    for u in $units; do
        if ! cmp -s -- "$unit_dir/$u" "$systemd_dir/$u"; then
            replace_file "$systemd_dir/$u" "$unit_dir/$u"
            iu_changed=1
        fi
    done
    if [ $iu_changed = 1 ]; then
        systemctl daemon-reload || die "systemctl daemon-reload failed; $preload is unchanged"
    fi
    systemctl enable --now --quiet execlog-reload.path ||
        die "could not enable execlog-reload.path; $preload is unchanged"
    say "path unit: execlog-reload.path enabled: execlog reload runs whenever $ini changes"
}

remove_path_unit() {
    ru_present=0
    for u in $units; do
        if [ -e "$systemd_dir/$u" ]; then ru_present=1; fi
    done
    [ $ru_present = 1 ] || return 0
    if ! systemd_running; then
        say "path unit: skipped, systemd is not running here; $systemd_dir/execlog-reload.* left in place"
        return 0
    fi
    systemctl disable --now --quiet execlog-reload.path ||
        warn "systemctl disable execlog-reload.path failed"
    for u in $units; do remove_file "$systemd_dir/$u"; done
    systemctl daemon-reload || warn "systemctl daemon-reload failed"
    say "path unit: execlog-reload.path disabled and removed"
}

cmd_enable() {
    lib=$1
    require_root enable

    # The path as it will be listed: absolute and normalised (no symbolic
    # link resolved), made only of characters ld.so.preload cannot split.
    case $lib in
        '') usage_error "enable: empty LIBRARY" ;;
        /*) ;;
        *) lib=$(pwd -P)/$lib ;;
    esac
    lib=$(realpath -m -s -- "$lib")
    # \$LIB is the one expansion allowed: the loader's own.
    # shellcheck disable=SC2016  # $LIB is for the loader, not the shell
    case $(printf '%s\n' "$lib" | sed 's|\$LIB||g') in
        *[!A-Za-z0-9._/+,=@~-]*)
            die "$lib: refusing a path with spaces, ':', '#', '\$' (but for \$LIB) or other special characters: ld.so splits and cuts entries there" ;;
    esac
    # The checks below are made on the file that this machine's programs
    # load; the entry keeps \$LIB.
    file=$(expand_lib "$lib") ||
        die "$lib: cannot tell what the loader makes of \$LIB here; $preload is unchanged"
    if [ "$file" = "$lib" ]; then shown=$lib; else shown="$lib ($file here)"; fi

    [ -e "$file" ] || die "$shown: no such file; $preload is unchanged"
    [ -f "$file" ] || die "$shown: not a regular file; $preload is unchanged"
    [ -r "$file" ] || die "$shown: not readable; $preload is unchanged"
    elf_info "$file" || die "$shown: not an ELF file; $preload is unchanged"
    lib_class=$elf_class lib_data=$elf_data lib_type=$elf_type lib_machine=$elf_machine
    [ "$lib_type" = 3 ] || die "$shown: not an ELF shared object (e_type $lib_type); $preload is unchanged"
    elf_info /bin/sh || die "/bin/sh: cannot read its ELF header to learn this machine's architecture"
    if [ "$lib_class $lib_data $lib_machine" != "$elf_class $elf_data $elf_machine" ]; then
        die "$shown: built for $(elf_name "$lib_class" "$lib_machine"), this machine runs $(elf_name "$elf_class" "$elf_machine"); $preload is unchanged"
    fi
    [ "${lib##*/}" = libexeclog.so ] ||
        die "$lib: the file must be named libexeclog.so (disable and execlog status find the entry by that name); $preload is unchanged"
    check_tree "$file"
    check_tree "$(readlink -f -- "$file")"

    lock_etc
    check_preload_file
    others=$(execlog_entries | grep -vxF -- "$lib" || true)
    if [ -n "$others" ]; then
        die "$preload already lists $(printf '%s' "$others" | tr '\n' ' '| sed 's/ $//'): refusing to list a second execlog library; run $prog disable first"
    fi

    probe_want=$(readlink -f -- "$file")
    probe "$lib" || die "$shown: trial process failed: $probe_error; $preload is unchanged"
    say "$shown: $(elf_name "$lib_class" "$lib_machine") shared object; a trial process with it preloaded ran /bin/true and cat"

    [ -x "$execlog" ] || die "$execlog: not found (install execlog, or give --execlog PATH); $preload is unchanged"
    "$execlog" check || die "execlog check failed: fix the configuration, then enable again; $preload is unchanged"
    "$execlog" reload || die "execlog reload failed; $preload is unchanged"

    install_path_unit

    if entries | grep -qxF -- "$lib"; then
        say "$lib is already listed in $preload: unchanged"
        return 0
    fi
    make_work
    rm -f -- "$work/old" "$work/new"
    if [ -f "$preload" ]; then
        cat -- "$preload" >"$work/old"
        cat -- "$work/old" >"$work/new"
        # A last line without its newline would run into ours.
        if [ -n "$(tail -c 1 -- "$work/new")" ]; then echo >>"$work/new"; fi
    fi
    printf '%s\n' "$lib" >>"$work/new"
    replace_file "$preload" "$work/new"

    # The same proof, now without LD_PRELOAD: a new process, as any
    # program on the host will start from now on.
    if ! probe; then
        if [ -f "$work/old" ]; then
            replace_file "$preload" "$work/old"
        else
            remove_file "$preload"
        fi
        die "with $lib in $preload a new process failed: $probe_error; the previous $preload is back"
    fi
    say "$lib added to $preload: programs started from now on log the commands they run (journalctl -t execlog); programs already running, this shell included, do not"
}

cmd_disable() {
    require_root disable
    lock_etc
    check_preload_file
    ours=$(execlog_entries)
    if [ -z "$ours" ]; then
        say "no libexeclog.so in $preload: nothing to remove"
    else
        make_work
        # Drop the execlog entries.  A line that held only them (and maybe
        # a comment) goes; other entries on the same line stay, with the
        # line's comment.
        awk '{
            code = $0; comment = ""
            p = index($0, "#")
            if (p > 0) { code = substr($0, 1, p - 1); comment = substr($0, p) }
            gsub(/[:\t]/, " ", code)
            n = split(code, w, " ")
            hit = 0; keep = ""
            for (i = 1; i <= n; i++) {
                if (w[i] ~ /(^|\/)libexeclog\.so$/) hit = 1
                else keep = keep (keep == "" ? "" : " ") w[i]
            }
            if (!hit) print
            else if (keep != "") print keep (comment == "" ? "" : " " comment)
        }' "$preload" >"$work/new"
        removed=$(printf '%s' "$ours" | tr '\n' ' ')
        if grep -q '[^[:space:]]' "$work/new"; then
            replace_file "$preload" "$work/new"
            say "removed ${removed% } from $preload; running programs keep it until they exit"
        else
            remove_file "$preload"
            say "removed ${removed% } and $preload, which held nothing else; running programs keep it until they exit"
        fi
    fi
    remove_path_unit
}

cmd_status() {
    if [ -e "$preload" ] && [ ! -r "$preload" ]; then
        echo "problem: cannot read $preload"
        return 1
    fi
    listed=$(execlog_entries)
    if [ -z "$listed" ]; then
        echo "not enabled: no libexeclog.so in $preload"
        return 3
    fi
    if [ "$(printf '%s\n' "$listed" | wc -l)" -gt 1 ]; then
        echo "problem: $preload lists several execlog libraries: $(printf '%s' "$listed" | tr '\n' ' ')"
        return 1
    fi
    case $listed in
        /*) probe_want=$(expand_lib "$listed") &&
                probe_want=$(readlink -f -- "$probe_want") ||
                probe_want='*/libexeclog.so' ;;
        *) probe_want='*/libexeclog.so' ;;
    esac
    if ! probe; then
        echo "problem: $listed is listed in $preload, but $probe_error"
        return 1
    fi
    make_work
    st_rc=0
    "$execlog" status >"$work/status" 2>&1 || st_rc=$?
    # execlog's verdict on the cache, a sentence that names it.
    cache=$(sed -n 's/^cache: //p' "$work/status" | head -n 1)
    case $st_rc in
        0 | 3) ;;
        1)
            echo "problem: $listed is enabled and loaded; $cache"
            return 1 ;;
        *)
            echo "problem: $listed is enabled and loaded, but $execlog status failed (exit $st_rc)"
            return 1 ;;
    esac
    echo "enabled: $listed is listed in $preload and loaded by new processes; $cache"
}

# ---- command line
command='' library=$default_lib have_library=0 with_unit=1
operand() {
    if [ -z "$command" ]; then
        command=$1
    elif [ "$command" = enable ] && [ $have_library = 0 ]; then
        library=$1 have_library=1
    else
        usage_error "unexpected argument: $1"
    fi
}
while [ $# -gt 0 ]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --version) echo "$prog (execlog) $version"; exit 0 ;;
        --execlog)
            [ $# -ge 2 ] || usage_error "--execlog needs a PATH"
            execlog=$2; shift 2; continue ;;
        --execlog=*) execlog=${1#--execlog=} ;;
        --unit-dir)
            [ $# -ge 2 ] || usage_error "--unit-dir needs a DIR"
            unit_dir=$2; shift 2; continue ;;
        --unit-dir=*) unit_dir=${1#--unit-dir=} ;;
        --no-path-unit) with_unit=0 ;;
        --) shift; break ;;
        -*) usage_error "unknown option: $1" ;;
        *)
            operand "$1" ;;
    esac
    shift
done
while [ $# -gt 0 ]; do
    operand "$1"
    shift
done

case $command in
    enable) cmd_enable "$library" ;;
    disable) cmd_disable ;;
    status) st=0; cmd_status || st=$?; exit "$st" ;;
    '') usage_error "which command? enable, disable or status" ;;
    *) usage_error "unknown command: $command" ;;
esac
