/* The one call of the library into libc before a call it wraps: dlsym, for
 * libc's posix_spawn, system and popen.
 *
 * Compiled on its own with -fno-plt (Makefile.am), so that dlsym is bound
 * when the library loads, through the GOT, never by the lazy binder,
 * whose frame (kilobytes of vector registers on some CPUs) would come on
 * top of whatever stack the caller runs on, a signal handler's small one
 * included.  The rest of the library keeps lazy binding: its one other
 * import, __errno_location, is called only after a wrapper's last system
 * call, and binding it at load would cost every process a lookup. */
#include "config.h"

#include <dlfcn.h>
#include <stddef.h>

#include "real.h"

/* glibc 2.34 moved dlsym into libc as dlsym@GLIBC_2.34 and kept the same
 * function as dlsym@GLIBC_2.2.5.  Binding the old name keeps GLIBC_2.34
 * out of the library's version needs, which every process that loads it
 * checks at start-up (about 260 instructions per version). */
#if defined(__x86_64__) && defined(__GLIBC__)
__asm__(".symver dlsym, dlsym@GLIBC_2.2.5");
#elif defined(__i386__) && defined(__GLIBC__)
__asm__(".symver dlsym, dlsym@GLIBC_2.0");
#endif

/* The race between two first uses is harmless: both store the same
 * address. */
void *real_function(void **slot, const char *name)
{
    void *fn = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

    if (fn == NULL) {
        fn = dlsym(RTLD_NEXT, name);
        __atomic_store_n(slot, fn, __ATOMIC_RELEASE);
    }
    return fn;
}
