/* probe: small helpers shared by the subcommands (see probe.h). */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

const char *progname = "probe";
char self_path[PATH_MAX]; /* absolute path of this executable */
char self_dir[PATH_MAX];
const char *self_base;

void die(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

#define ERRNAME(x) { x, #x }
static const struct {
    int num;
    const char *name;
} errtab[] = {
    ERRNAME(EPERM),   ERRNAME(ENOENT),       ERRNAME(ESRCH),   ERRNAME(EINTR),
    ERRNAME(EIO),     ERRNAME(ENXIO),        ERRNAME(E2BIG),   ERRNAME(ENOEXEC),
    ERRNAME(EBADF),   ERRNAME(ECHILD),       ERRNAME(EAGAIN),  ERRNAME(ENOMEM),
    ERRNAME(EACCES),  ERRNAME(EFAULT),       ERRNAME(EBUSY),   ERRNAME(EEXIST),
    ERRNAME(EXDEV),   ERRNAME(ENODEV),       ERRNAME(ENOTDIR), ERRNAME(EISDIR),
    ERRNAME(EINVAL),  ERRNAME(ENFILE),       ERRNAME(EMFILE),  ERRNAME(ENOTTY),
    ERRNAME(ETXTBSY), ERRNAME(EFBIG),        ERRNAME(ENOSPC),  ERRNAME(ESPIPE),
    ERRNAME(EROFS),   ERRNAME(EMLINK),       ERRNAME(EPIPE),   ERRNAME(EDOM),
    ERRNAME(ERANGE),  ERRNAME(ENAMETOOLONG), ERRNAME(ENOSYS),  ERRNAME(ELOOP),
    ERRNAME(ELIBBAD), ERRNAME(ELIBACC),      ERRNAME(ENOTSUP), ERRNAME(ENOTSOCK),
    ERRNAME(ECONNREFUSED), ERRNAME(EMSGSIZE), ERRNAME(ENOBUFS), ERRNAME(EDESTADDRREQ),
    ERRNAME(EPROTOTYPE), ERRNAME(EAFNOSUPPORT), ERRNAME(ENOTCONN), ERRNAME(EOVERFLOW),
};

const char *ename(int e)
{
    static char buf[32];
    if (e == 0)
        return "0";
    for (size_t i = 0; i < sizeof errtab / sizeof errtab[0]; i++)
        if (errtab[i].num == e)
            return errtab[i].name;
    snprintf(buf, sizeof buf, "E#%d", e);
    return buf;
}

/* Decode a wait status into a static buffer ("exit=N" / "signal=N"). */
const char *wstatus(int st)
{
    static char buf[4][32];
    static int slot;
    char *b = buf[slot++ & 3];
    if (st == -1)
        snprintf(b, 32, "-1");
    else if (WIFEXITED(st))
        snprintf(b, 32, "exit=%d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(b, 32, "signal=%d", WTERMSIG(st));
    else
        snprintf(b, 32, "status=0x%x", (unsigned)st);
    return b;
}

void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait for pid for at most ms milliseconds.  Returns 0 with *status set, or 1
 * if the child hung (it is then killed with SIGKILL and reaped), -1 on error.
 */
int wait_timeout(pid_t pid, long ms, int *status)
{
    long long deadline = now_ms() + ms;
    long delay = 50;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 0;
        if (r == -1 && errno != EINTR)
            return -1;
        if (now_ms() > deadline) {
            kill(pid, SIGKILL);
            while (waitpid(pid, status, 0) == -1 && errno == EINTR)
                ;
            return 1;
        }
        sleep_us(delay);
        if (delay < 10000)
            delay *= 2;
    }
}

/* Wait and return a printable result: "exit=0", "HUNG", ... */
const char *wait_str(pid_t pid)
{
    int st = 0;
    int r = wait_timeout(pid, HANG_MS, &st);
    if (r == 1)
        return "HUNG";
    if (r == -1)
        return "waitpid-failed";
    return wstatus(st);
}

void flushall(void)
{
    fflush(stdout);
    fflush(stderr);
}

pid_t xfork(void)
{
    flushall();
    pid_t pid;
    for (int tries = 0; (pid = fork()) == -1 && errno == EAGAIN && tries < 100; tries++)
        sleep_us(10000);
    if (pid == -1)
        die("fork: %s", strerror(errno));
    return pid;
}

/* Move fd to exactly `target` (closing the original); cloexec as requested. */
void place_fd(int fd, int target, int cloexec)
{
    if (fd < 0)
        die("open for fd %d: %s", target, strerror(errno));
    if (fd != target) {
        if (dup3(fd, target, cloexec ? O_CLOEXEC : 0) == -1)
            die("dup3 %d->%d: %s", fd, target, strerror(errno));
        close(fd);
    } else {
        int fl = fcntl(fd, F_GETFD);
        fcntl(fd, F_SETFD, cloexec ? (fl | FD_CLOEXEC) : (fl & ~FD_CLOEXEC));
    }
}

void close_from(int lowfd)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) == 0)
        return;
#endif
    for (int fd = lowfd; fd < 65536; fd++)
        close(fd);
}

void redirect_null(int fd, int flags)
{
    int n = open("/dev/null", flags);
    if (n >= 0 && n != fd) {
        dup2(n, fd);
        close(n);
    }
}

void write_file(const char *path, const char *content, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        die("create %s: %s", path, strerror(errno));
    if (write(fd, content, len) != (ssize_t)len)
        die("write %s: %s", path, strerror(errno));
    close(fd);
    if (chmod(path, mode) == -1)
        die("chmod %s: %s", path, strerror(errno));
}

char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        die("out of memory");
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;
    va_start(ap, fmt);
    int r = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (r < 0)
        die("out of memory");
    return p;
}

void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n, sz);
    if (!p)
        die("out of memory");
    return p;
}

/* Remove a directory tree we created (no symlink following). */
void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == -1)
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0700);
        DIR *d = opendir(path);
        if (d) {
            struct dirent *de;
            while ((de = readdir(d))) {
                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                    continue;
                char *sub = xasprintf("%s/%s", path, de->d_name);
                rm_rf(sub);
                free(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

char *make_tmpdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    char *t = xasprintf("%s/execlog-probe-%s-XXXXXX", base, tag);
    if (!mkdtemp(t))
        die("mkdtemp %s: %s", t, strerror(errno));
    return t;
}

void find_self(const char *argv0)
{
    char buf[PATH_MAX];
    if (strchr(argv0, '/') && realpath(argv0, buf)) {
        /* ok */
    } else {
        ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
        if (n <= 0)
            die("cannot find my own executable (run me with a path)");
        buf[n] = 0;
    }
    snprintf(self_path, sizeof self_path, "%s", buf);
    snprintf(self_dir, sizeof self_dir, "%s", buf);
    char *slash = strrchr(self_dir, '/');
    if (slash == self_dir)
        slash[1] = 0;
    else if (slash)
        *slash = 0;
    self_base = strrchr(self_path, '/') + 1;
}
