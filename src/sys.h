/* System calls the exec hook makes directly rather than through libc.
 *
 * glibc's open, read, close, connect, sendmsg and poll are cancellation
 * points, and execve is not: a thread with a pending cancel request that
 * calls execve must exec, not die inside our hook.  Going around libc
 * also keeps another preloaded library that wraps those functions out of the
 * exec path. */
#ifndef EXECLOG_SYS_H
#define EXECLOG_SYS_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* System calls made inline, not through libc's syscall(): a call into
 * libc costs its first use in every process a lazy symbol binding (about
 * 700 instructions each), and most processes exec once.  Returns what the
 * kernel returns: the result, or -errno.  errno itself is never written:
 * the log path leaves the caller's errno alone without saving it, and
 * never binds __errno_location (another 700 instructions). */
#if defined(__x86_64__)
static inline long sys_raw(long n, long a, long b, long c, long d, long e,
                           long f)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
                       "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#elif defined(__aarch64__)
static inline long sys_raw(long n, long a, long b, long c, long d, long e,
                           long f)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;

    __asm__ volatile("svc 0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return x0;
}
#elif defined(__i386__)
/* The i386 library (libexeclog:i386 beside amd64's): int $0x80, the
 * system call gate that needs no vDSO lookup.  The sixth argument goes in
 * %ebp, which gcc does not hand out as an operand: it is pushed first
 * (read before %esp moves), then loaded into %ebp, saved around the call
 * (musl's way). */
static inline long sys_raw(long n, long a, long b, long c, long d, long e,
                           long f)
{
    long ret;

    __asm__ volatile("pushl %7\n\t"
                     "pushl %%ebp\n\t"
                     "movl 4(%%esp), %%ebp\n\t"
                     "int $0x80\n\t"
                     "popl %%ebp\n\t"
                     "addl $4, %%esp"
                     : "=a"(ret)
                     : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), "g"(f)
                     : "memory");
    return ret;
}
#else
static inline long sys_raw(long n, long a, long b, long c, long d, long e,
                           long f)
{
    /* libc's syscall() writes errno, which the log path must leave as
     * the caller had it. */
    int saved = errno;
    long r = syscall(n, a, b, c, d, e, f);

    if (r == -1)
        r = -errno;
    errno = saved;
    return r;
}
#endif

/* mmap with its arguments in registers: on 32-bit ABIs (i386) SYS_mmap is
 * the old call that reads them from memory, and mmap2 is this one (the
 * offset in pages; every mapping here starts at 0). */
#ifdef SYS_mmap2
#define SYS_MMAP SYS_mmap2
#else
#define SYS_MMAP SYS_mmap
#endif

#define SYS_PAD6(a, b, c, d, e, f, ...) \
    (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f)
/* sys_call(SYS_x, args...): at least one argument, up to six. */
#define sys_call(n, ...) \
    sys_raw((n), SYS_PAD6(__VA_ARGS__, 0, 0, 0, 0, 0, 0))

static inline int sys_open(const char *path, int flags)
{
    return (int)sys_call(SYS_openat, AT_FDCWD, path, flags, 0);
}

static inline int sys_open_mode(const char *path, int flags, mode_t mode)
{
    return (int)sys_call(SYS_openat, AT_FDCWD, path, flags, mode);
}

static inline ssize_t sys_writev(int fd, const struct iovec *iov, int n)
{
    return (ssize_t)sys_call(SYS_writev, fd, iov, n);
}

static inline ssize_t sys_read(int fd, void *buf, size_t n)
{
    return (ssize_t)sys_call(SYS_read, fd, buf, n);
}

static inline int sys_close(int fd)
{
    return (int)sys_call(SYS_close, fd);
}

static inline int sys_connect(int fd, const struct sockaddr *addr,
                              socklen_t len)
{
    return (int)sys_call(SYS_connect, fd, addr, len);
}

static inline ssize_t sys_sendmsg(int fd, const struct msghdr *mh, int flags)
{
    return (ssize_t)sys_call(SYS_sendmsg, fd, mh, flags);
}

static inline int sys_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    struct timespec ts = { .tv_sec = timeout_ms / 1000,
                           .tv_nsec = (long)(timeout_ms % 1000) * 1000000 };

    return (int)sys_call(SYS_ppoll, fds, n, &ts, NULL, (size_t)_NSIG / 8);
}

/* The file type only; statx has the same layout on every architecture. */
static inline int sys_file_mode(int dirfd, const char *path, int flags,
                                mode_t *mode)
{
    struct statx stx;
    long r = sys_call(SYS_statx, dirfd, path, flags, STATX_TYPE | STATX_MODE,
                      &stx);

    if (r < 0)
        return (int)r;
    *mode = stx.stx_mode;
    return 0;
}

static inline int sys_isatty(int fd)
{
    /* Room for any architecture's kernel termios. */
    char termios_buf[128];

    return sys_call(SYS_ioctl, fd, TCGETS, termios_buf) == 0;
}

static inline ssize_t sys_readlink(const char *path, char *buf, size_t n)
{
    return (ssize_t)sys_call(SYS_readlinkat, AT_FDCWD, path, buf, n);
}

static inline pid_t sys_gettid(void)
{
    return (pid_t)sys_call(SYS_gettid, 0);
}

static inline int sys_uname(struct utsname *u)
{
    return (int)sys_call(SYS_uname, u);
}

/* The kernel's clock, not clock_gettime(): a preloaded time faker such as
 * libfaketime wraps that one, with code that need not be async-signal-safe,
 * and would put its fiction in the audit trail.  The 64-bit variant where
 * there is one, so that 32-bit hosts get past 2038 whatever their time_t. */
static inline int sys_clock_realtime(int64_t *sec, long *nsec)
{
#ifdef SYS_clock_gettime64
    struct { int64_t tv_sec; int64_t tv_nsec; } ts;
    long r = sys_call(SYS_clock_gettime64, CLOCK_REALTIME, &ts);
#else
    struct timespec ts;
    long r = sys_call(SYS_clock_gettime, CLOCK_REALTIME, &ts);
#endif

    if (r < 0)
        return (int)r;
    *sec = (int64_t)ts.tv_sec;
    *nsec = (long)ts.tv_nsec;
    return 0;
}

/* Process facts, without a libc call each. */
static inline pid_t sys_getpid(void) { return (pid_t)sys_call(SYS_getpid, 0); }
static inline pid_t sys_getppid(void) { return (pid_t)sys_call(SYS_getppid, 0); }
static inline pid_t sys_getsid(pid_t pid) { return (pid_t)sys_call(SYS_getsid, pid); }
static inline uid_t sys_getuid(void) { return (uid_t)sys_call(SYS_getuid, 0); }
static inline uid_t sys_geteuid(void) { return (uid_t)sys_call(SYS_geteuid, 0); }
static inline gid_t sys_getgid(void) { return (gid_t)sys_call(SYS_getgid, 0); }
static inline gid_t sys_getegid(void) { return (gid_t)sys_call(SYS_getegid, 0); }

static inline int sys_getresuid(uid_t *ruid, uid_t *euid, uid_t *suid)
{
    return (int)sys_call(SYS_getresuid, ruid, euid, suid);
}

static inline int sys_socket(int domain, int type, int protocol)
{
    return (int)sys_call(SYS_socket, domain, type, protocol);
}

/* prlimit64's own layout, 64-bit on every architecture. */
struct sys_rlimit {
    uint64_t cur, max;
};

#define SYS_RLIM_INFINITY (~(uint64_t)0)

/* The soft and hard limits of resource for this process; new NULL reads
 * them only. */
static inline int sys_prlimit(int resource, const struct sys_rlimit *new_limit,
                              struct sys_rlimit *old_limit)
{
    return (int)sys_call(SYS_prlimit64, 0, resource, new_limit, old_limit);
}

/* Whether this process may make a file size bytes long: past its
 * RLIMIT_FSIZE, the kernel sends SIGXFSZ, which kills it. */
static inline bool sys_may_grow_file_to(uint64_t size)
{
    struct sys_rlimit limit;

    return sys_prlimit(RLIMIT_FSIZE, NULL, &limit) < 0 ||
           limit.cur == SYS_RLIM_INFINITY || size <= limit.cur;
}

static inline int sys_comm(char name[16])
{
    return (int)sys_call(SYS_prctl, PR_GET_NAME, name);
}

static inline void *sys_mmap_anonymous(size_t size)
{
    long r = sys_call(SYS_MMAP, 0, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    return r < 0 && r > -4096 ? MAP_FAILED : (void *)r;
}

static inline int sys_munmap(void *addr, size_t size)
{
    return (int)sys_call(SYS_munmap, addr, size);
}

/* -1 when the clock cannot be read (a seccomp filter may refuse the
 * system call, where programs use the vDSO). */
static inline long long sys_monotonic_ms(void)
{
    struct timespec ts = { 0, 0 };

    if (sys_call(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) < 0)
        return -1;
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
