#!/bin/sh
# A sanitizer build's library needs libasan, which this test forbids.
[ "${EXECLOG_SANITIZERS:-}" != yes ] || { echo "SKIP: sanitizer build"; exit 77; }
# The library must export the exec-family wrappers and nothing else, and
# need nothing but libc at load time: it is mapped into every process.
lib=${EXECLOG_LIB:-src/.libs/libexeclog.so}
[ -f "$lib" ] || { echo "no library at $lib"; exit 99; }
status=0

expected="execl execle execlp execv execve execveat execvp execvpe fexecve popen posix_spawn posix_spawnp system"
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' |
           grep -v -x -E '_init|_fini' | sort | tr '\n' ' ')
if [ "$exported" != "$expected " ]; then
    echo "exports differ:"
    echo "  expected: $expected"
    echo "  got:      $exported"
    status=1
fi

# What the library takes from libc is what the exec path needs: the
# environment (PATH for execvp, the program's environ), errno, and dlsym
# for posix_spawn, system and popen (getenv is not among them: a lazily
# bound call saves kilobytes of vector registers on the caller's stack).  Anything else is compile-side code
# that came back (snprintf, strerror, ...), or a string function that
# src/strings.c should have, each a lazy binding that costs every process
# that execs about 700 instructions.
allowed="__environ __errno_location dlsym environ"
imports=$(nm -D --undefined-only "$lib" | awk '{print $2}' | sed 's/@.*//' |
          sort | tr '\n' ' ')
if [ "$imports" != "$allowed " ]; then
    echo "imports differ from the exec path's allow-list:"
    echo "  allowed: $allowed"
    echo "  got:     $imports"
    status=1
fi

needed=$(readelf -d "$lib" | awk '/\(NEEDED\)/ {print $5}' | tr -d '[]' | tr '\n' ' ')
if [ "$needed" != "libc.so.6 " ]; then
    echo "NEEDED entries are '$needed', expected only libc.so.6"
    status=1
fi

# Eager binding would make every process resolve all our imports at start.
if readelf -d "$lib" | grep -q -E '\(BIND_NOW\)|FLAGS.*NOW'; then
    echo "library is linked with -z now"
    status=1
fi
# What ld.so does for the library in every process at start-up, kept to
# what the code needs (bench/RESULTS.md has the costs): symbol lookups
# (GLOB_DAT) for environ and for dlsym, which the wrappers call before the
# call they wrap and so must not bind lazily on a signal handler's small
# stack; not the compiler's crtbegin imports; one glibc version; no .bss
# page to clear.
lookups=$(readelf -rW "$lib" | awk '$3 ~ /^R_(X86_64|AARCH64|386)_GLOB_DAT$/ {print $5}' |
          sed 's/@.*//' | sort | tr '\n' ' ')
if [ "$lookups" != "dlsym environ " ]; then
    echo "load-time symbol lookups are '$lookups', expected dlsym environ"
    status=1
fi
# No call through the PLT but __errno_location's, which preload.c makes
# only after a wrapper's last system call: a lazy binding between a
# wrapper's entry and the system call is what crashed execvp on a small
# stack.  Binding it at load instead would cost every process a lookup.
plt=$(readelf -rW "$lib" | awk '$3 ~ /JUMP_SLOT/ {print $5}' | sed 's/@.*//' | tr '\n' ' ')
if [ "$plt" != "__errno_location " ]; then
    echo "lazily bound calls (PLT): '$plt', expected only __errno_location"
    status=1
fi
versions=$(readelf -V "$lib" | awk '/Name: GLIBC_/ {print $3}' | tr '\n' ' ')
# The library's architecture, not the machine's: a cross build's i386
# library is tested on amd64.
case $(readelf -h "$lib" | sed -n 's/^ *Machine: *//p') in
*X86-64) base="GLIBC_2.2.5 " ;;
*80386) base="GLIBC_2.0 " ;;
AArch64) base="GLIBC_2.17 " ;;
*) base=$versions ;;
esac
if [ "$versions" != "$base" ]; then
    echo "glibc versions needed: '$versions', expected '$base'"
    status=1
fi
if readelf -SW "$lib" | grep -q ' \.bss '; then
    echo "the library has a .bss section (a static without an initializer?)"
    status=1
fi
[ $status -eq 0 ] && echo "exports: $exported; imports: $imports; needed: $needed; lookups: $lookups; versions: $versions"
exit $status
