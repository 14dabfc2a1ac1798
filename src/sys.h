/* System calls the exec hook makes directly rather than through libc.
 *
 * glibc's open, read, close, connect, sendmsg and poll are cancellation
 * points, and execve is not: a thread with a pending cancel request that
 * calls execve must exec, not die inside our hook.  Going through syscall()
 * also keeps another preloaded library that wraps those functions out of the
 * exec path. */
#ifndef EXECLOG_SYS_H
#define EXECLOG_SYS_H

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static inline int sys_open(const char *path, int flags)
{
    return (int)syscall(SYS_openat, AT_FDCWD, path, flags, 0);
}

static inline int sys_open_mode(const char *path, int flags, mode_t mode)
{
    return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

static inline ssize_t sys_writev(int fd, const struct iovec *iov, int n)
{
    return (ssize_t)syscall(SYS_writev, fd, iov, n);
}

static inline ssize_t sys_read(int fd, void *buf, size_t n)
{
    return (ssize_t)syscall(SYS_read, fd, buf, n);
}

static inline int sys_close(int fd)
{
    return (int)syscall(SYS_close, fd);
}

static inline int sys_connect(int fd, const struct sockaddr *addr,
                              socklen_t len)
{
    return (int)syscall(SYS_connect, fd, addr, len);
}

static inline ssize_t sys_sendmsg(int fd, const struct msghdr *mh, int flags)
{
    return (ssize_t)syscall(SYS_sendmsg, fd, mh, flags);
}

static inline int sys_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    struct timespec ts = { .tv_sec = timeout_ms / 1000,
                           .tv_nsec = (long)(timeout_ms % 1000) * 1000000 };

    return (int)syscall(SYS_ppoll, fds, n, &ts, NULL, (size_t)_NSIG / 8);
}

/* The file type only; statx has the same layout on every architecture. */
static inline int sys_file_mode(int dirfd, const char *path, int flags,
                                mode_t *mode)
{
    struct statx stx;

    if (syscall(SYS_statx, dirfd, path, flags, STATX_TYPE | STATX_MODE,
                &stx) < 0)
        return -1;
    *mode = stx.stx_mode;
    return 0;
}

static inline int sys_isatty(int fd)
{
    /* Room for any architecture's kernel termios. */
    char termios_buf[128];

    return syscall(SYS_ioctl, fd, TCGETS, termios_buf) == 0;
}

static inline ssize_t sys_readlink(const char *path, char *buf, size_t n)
{
    return (ssize_t)syscall(SYS_readlinkat, AT_FDCWD, path, buf, n);
}

static inline pid_t sys_gettid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

static inline int sys_uname(struct utsname *u)
{
    return (int)syscall(SYS_uname, u);
}

/* The kernel's clock, not clock_gettime(): a preloaded time faker such as
 * libfaketime wraps that one, with code that need not be async-signal-safe,
 * and would put its fiction in the audit trail.  The 64-bit variant where
 * there is one, so that 32-bit hosts get past 2038 whatever their time_t. */
static inline int sys_clock_realtime(int64_t *sec, long *nsec)
{
#ifdef SYS_clock_gettime64
    struct { int64_t tv_sec; int64_t tv_nsec; } ts;

    if (syscall(SYS_clock_gettime64, CLOCK_REALTIME, &ts) < 0)
        return -1;
#else
    struct timespec ts;

    if (syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts) < 0)
        return -1;
#endif
    *sec = (int64_t)ts.tv_sec;
    *nsec = (long)ts.tv_nsec;
    return 0;
}

#endif
