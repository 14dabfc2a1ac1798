/* The empty preload library: what any library listed in /etc/ld.so.preload
 * costs a process before it does anything (open, map, relocate, unmap at
 * exit).  bench/run.sh builds it like libexeclog.so (-shared -fPIC, lazy
 * binding) and measures execlog over it.
 *
 * Built with -DBENCH_ONE_IMPORT it calls one libc function: the floor of
 * any logger, which needs libc (a DT_NEEDED entry, one symbol version to
 * check, one lazy PLT slot). */
#ifdef BENCH_ONE_IMPORT
#include <unistd.h>

__attribute__((visibility("hidden"))) long bench_one_import(void)
{
    return syscall(0);
}
#else
/* ISO C wants one declaration. */
typedef int bench_empty_library;
#endif
