/*
 * probe -- exercise every exec entry point and print a deterministic report.
 *
 * The report printed on stdout must be byte-for-byte identical whether or not
 * libexeclog.so is preloaded: it contains no pids, no addresses, no temporary
 * paths.  Diagnostics that are allowed to differ (pids for cross-checking the
 * log lines, error details) go to stderr.
 *
 * Subcommands:
 *   probe entry NAME MARKER   run "/bin/true MARKER" through entry point NAME
 *                             (MARKER goes unquoted into the system/popen
 *                             command: keep it to [A-Za-z0-9_.-])
 *   probe errors              failure cases of every entry point
 *   probe fds                 fds seen by the exec'd program, per entry point
 *   probe listfds [OUTFD]     (helper) print this process's open fds
 *   probe vfork [MARKER]      exec from a vfork child
 *   probe signal [MARKER]     exec from a signal handler (also mid-malloc)
 *   probe thread [MARKER]     exec from / fork in non-main threads
 *   probe stress N            N fork+execve from 8 threads, 2 threads failing
 *   probe args                NULL argv, empty argv, huge argv/envp
 *   probe closedfds           exec with fds 0, 1, 2 closed
 *   probe deletedcwd          exec with a deleted working directory
 *
 * Exit status: 0 when the report could be produced (the report itself says
 * what happened, including HUNG children), 2 on usage or setup errors.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define HANG_MS 10000 /* a child that has not exited after this is HUNG */
#define SNAP_FDS 1024 /* fds compared before/after a call */

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static const char *progname = "probe";
static char self_path[PATH_MAX]; /* absolute path of this executable */
static char self_dir[PATH_MAX];
static const char *self_base;

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
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

static const char *ename(int e)
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
static const char *wstatus(int st)
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

static void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait for pid for at most ms milliseconds.  Returns 0 with *status set, or 1
 * if the child hung (it is then killed with SIGKILL and reaped), -1 on error.
 */
static int wait_timeout(pid_t pid, long ms, int *status)
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
static const char *wait_str(pid_t pid)
{
    int st = 0;
    int r = wait_timeout(pid, HANG_MS, &st);
    if (r == 1)
        return "HUNG";
    if (r == -1)
        return "waitpid-failed";
    return wstatus(st);
}

static void flushall(void)
{
    fflush(stdout);
    fflush(stderr);
}

static pid_t xfork(void)
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
static void place_fd(int fd, int target, int cloexec)
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

static void close_from(int lowfd)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) == 0)
        return;
#endif
    for (int fd = lowfd; fd < 65536; fd++)
        close(fd);
}

static void redirect_null(int fd, int flags)
{
    int n = open("/dev/null", flags);
    if (n >= 0 && n != fd) {
        dup2(n, fd);
        close(n);
    }
}

static void write_file(const char *path, const char *content, size_t len, mode_t mode)
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

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        die("out of memory");
    return p;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
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

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n, sz);
    if (!p)
        die("out of memory");
    return p;
}

/* Remove a directory tree we created (no symlink following). */
static void rm_rf(const char *path)
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

static char *make_tmpdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    char *t = xasprintf("%s/execlog-probe-%s-XXXXXX", base, tag);
    if (!mkdtemp(t))
        die("mkdtemp %s: %s", t, strerror(errno));
    return t;
}

/* ------------------------------------------------------------------ */
/* entry points                                                        */

enum ent {
    E_EXECVE,
    E_EXECV,
    E_EXECVP,
    E_EXECVPE,
    E_EXECL,
    E_EXECLE,
    E_EXECLP,
    E_FEXECVE,
    E_EXECVEAT,
    E_POSIX_SPAWN,
    E_POSIX_SPAWNP,
    E_SYSTEM,
    E_POPEN,
    E_COUNT
};

static const char *const ent_names[E_COUNT] = {
    "execve", "execv",   "execvp",      "execvpe",      "execl",  "execle", "execlp",
    "fexecve", "execveat", "posix_spawn", "posix_spawnp", "system", "popen",
};

static int ent_lookup(const char *name)
{
    for (int i = 0; i < E_COUNT; i++)
        if (!strcmp(name, ent_names[i]))
            return i;
    return -1;
}

static int is_exec_family(int e)
{
    return e <= E_EXECVEAT;
}

static int searches_path(int e)
{
    return e == E_EXECVP || e == E_EXECVPE || e == E_EXECLP || e == E_POSIX_SPAWNP;
}

/* execl, execle, execlp with up to 5 arguments taken from argv (non-empty). */
static int call_execl(int e, const char *path, char *const argv[], char *const envp[])
{
    const char *a[6] = { 0 };
    size_t n = 0;
    while (argv[n]) {
        if (n >= 5) {
            errno = E2BIG;
            return -1;
        }
        a[n] = argv[n];
        n++;
    }
    if (n == 0)
        die("internal: execl* needs at least argv[0]");
    if (e == E_EXECLE) {
        switch (n) {
        case 1: return execle(path, a[0], (char *)NULL, envp);
        case 2: return execle(path, a[0], a[1], (char *)NULL, envp);
        case 3: return execle(path, a[0], a[1], a[2], (char *)NULL, envp);
        case 4: return execle(path, a[0], a[1], a[2], a[3], (char *)NULL, envp);
        default: return execle(path, a[0], a[1], a[2], a[3], a[4], (char *)NULL, envp);
        }
    }
    if (e == E_EXECLP)
        return execlp(path, a[0], a[1], a[2], a[3], a[4], (char *)NULL);
    return execl(path, a[0], a[1], a[2], a[3], a[4], (char *)NULL);
}

/* Call one exec-family entry point.  Returns only on failure. */
static int call_exec(int e, const char *path, char *const argv[], char *const envp[], int fd,
                     int flags)
{
    switch (e) {
    case E_EXECVE: return execve(path, argv, envp);
    case E_EXECV: return execv(path, argv);
    case E_EXECVP: return execvp(path, argv);
    case E_EXECVPE: return execvpe(path, argv, envp);
    case E_EXECL:
    case E_EXECLE:
    case E_EXECLP: return call_execl(e, path, argv, envp);
    case E_FEXECVE: return fexecve(fd, argv, envp);
    case E_EXECVEAT: return execveat(fd, path, argv, envp, flags);
    default: break;
    }
    errno = ENOSYS;
    return -1;
}

/* ------------------------------------------------------------------ */
/* fd snapshots                                                        */

struct fdsnap {
    int v[SNAP_FDS];
};

static void fd_snapshot(struct fdsnap *s)
{
    for (int fd = 0; fd < SNAP_FDS; fd++) {
        int fdfl = fcntl(fd, F_GETFD);
        if (fdfl == -1) {
            s->v[fd] = -1;
            continue;
        }
        int fl = fcntl(fd, F_GETFL);
        s->v[fd] = (fdfl & FD_CLOEXEC) | ((fl & (O_ACCMODE | O_APPEND | O_NONBLOCK)) << 1);
    }
}

/* "same" or a description of what changed: "+5 -3 ~4". */
static void fd_diff(const struct fdsnap *a, const struct fdsnap *b, char *out, size_t outsz)
{
    size_t len = 0;
    out[0] = 0;
    for (int fd = 0; fd < SNAP_FDS && len + 16 < outsz; fd++) {
        if (a->v[fd] == b->v[fd])
            continue;
        char c = a->v[fd] == -1 ? '+' : b->v[fd] == -1 ? '-' : '~';
        len += (size_t)snprintf(out + len, outsz - len, "%s%c%d", len ? "," : "", c, fd);
    }
    if (!len)
        snprintf(out, outsz, "same");
}

/* ------------------------------------------------------------------ */
/* probe listfds [OUTFD]                                               */

static size_t describe_fd(int fd, char *buf, size_t sz)
{
    if (fd <= 2)
        return (size_t)snprintf(buf, sz, " %d", fd);
    struct stat st;
    const char *kind = "?";
    if (fstat(fd, &st) == 0) {
        if (S_ISCHR(st.st_mode))
            kind = "chr";
        else if (S_ISFIFO(st.st_mode))
            kind = "fifo";
        else if (S_ISSOCK(st.st_mode))
            kind = "sock";
        else if (S_ISREG(st.st_mode))
            kind = "reg";
        else if (S_ISDIR(st.st_mode))
            kind = "dir";
        else if (S_ISBLK(st.st_mode))
            kind = "blk";
        else
            kind = "other";
    }
    int fl = fcntl(fd, F_GETFL);
    const char *acc = (fl & O_ACCMODE) == O_RDONLY ? "r" : (fl & O_ACCMODE) == O_WRONLY ? "w" : "rw";
    return (size_t)snprintf(buf, sz, " %d:%s:%s%s%s", fd, kind, acc, (fl & O_APPEND) ? "+append" : "",
                            (fl & O_NONBLOCK) ? "+nonblock" : "");
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmd_listfds(int outfd)
{
    int fds[4096];
    size_t n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        int self = dirfd(d);
        struct dirent *de;
        while ((de = readdir(d)) && n < 4096) {
            if (de->d_name[0] == '.')
                continue;
            int fd = atoi(de->d_name);
            if (fd != self)
                fds[n++] = fd;
        }
        closedir(d);
        qsort(fds, n, sizeof fds[0], cmp_int);
    } else {
        /* no /proc (sandbox --no-proc): probe every possible fd */
        struct rlimit rl;
        long max = 65536;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
            (long)rl.rlim_cur < max)
            max = (long)rl.rlim_cur;
        for (int fd = 0; fd < max && n < 4096; fd++)
            if (fcntl(fd, F_GETFD) != -1)
                fds[n++] = fd;
    }
    char buf[65536];
    size_t len = (size_t)snprintf(buf, sizeof buf, "fds:");
    for (size_t i = 0; i < n && len + 64 < sizeof buf; i++)
        len += describe_fd(fds[i], buf + len, sizeof buf - len);
    buf[len++] = '\n';
    for (size_t off = 0; off < len;) {
        ssize_t w = write(outfd, buf + off, len - off);
        if (w <= 0) {
            if (w == -1 && errno == EINTR)
                continue;
            return 1;
        }
        off += (size_t)w;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* generic "run one call in a fork child and report" machinery         */

struct call {
    int e;
    const char *path; /* path, file name, or shell command */
    char *const *argv;
    char *const *envp;
    int fd;    /* fexecve fd / execveat dirfd */
    int flags; /* execveat flags */
    const posix_spawn_file_actions_t *fa;
    const posix_spawnattr_t *attr;
    const char *mode;  /* popen mode */
    int keep_stdio;    /* do not redirect the child's stdout/stderr */
};

struct result {
    int kind;       /* 1: the call returned */
    long ret;       /* return value (posix_spawn: error number) */
    int err;        /* errno after the call */
    int child_st;   /* posix_spawn: spawned child's status; popen: pclose status */
    int child_hung; /* posix_spawn: spawned child hung */
    char fds[200];  /* fd table change across the call */
};

/* Make the call in the current process, fill *r.  Exec success never returns. */
static void perform(const struct call *c, struct result *r)
{
    struct fdsnap before, after;
    memset(r, 0, sizeof *r);
    r->kind = 1;
    r->child_st = -1;
    fd_snapshot(&before);
    errno = 0;
    if (is_exec_family(c->e)) {
        r->ret = call_exec(c->e, c->path, c->argv, c->envp, c->fd, c->flags);
        r->err = errno;
    } else if (c->e == E_POSIX_SPAWN || c->e == E_POSIX_SPAWNP) {
        pid_t pid = -1;
        if (c->e == E_POSIX_SPAWN)
            r->ret = posix_spawn(&pid, c->path, c->fa, c->attr, c->argv, c->envp);
        else
            r->ret = posix_spawnp(&pid, c->path, c->fa, c->attr, c->argv, c->envp);
        r->err = errno;
        if (r->ret == 0) {
            int st = 0;
            r->child_hung = wait_timeout(pid, HANG_MS, &st) == 1;
            r->child_st = st;
        }
    } else if (c->e == E_SYSTEM) {
        r->ret = system(c->path);
        r->err = errno;
    } else if (c->e == E_POPEN) {
        FILE *f = popen(c->path, c->mode);
        r->err = errno;
        r->ret = f ? 1 : 0;
        if (f) {
            char buf[4096];
            while (fread(buf, 1, sizeof buf, f) > 0)
                ;
            r->child_st = pclose(f);
        }
    }
    fd_snapshot(&after);
    fd_diff(&before, &after, r->fds, sizeof r->fds);
}

static void format_result(const struct call *c, const struct result *r, char *out, size_t sz)
{
    if (is_exec_family(c->e))
        snprintf(out, sz, "ret=%ld errno=%s fds=%s", r->ret, ename(r->err), r->fds);
    else if (c->e == E_POSIX_SPAWN || c->e == E_POSIX_SPAWNP)
        snprintf(out, sz, "ret=%s errno=%s child=%s fds=%s", ename((int)r->ret), ename(r->err),
                 r->ret ? "-" : r->child_hung ? "HUNG" : wstatus(r->child_st), r->fds);
    else if (c->e == E_SYSTEM)
        snprintf(out, sz, "status=%s errno=%s fds=%s", c->path ? wstatus((int)r->ret) : (r->ret ? "nonzero" : "0"),
                 ename(r->err), r->fds);
    else if (r->ret)
        snprintf(out, sz, "ret=stream pclose=%s errno=%s fds=%s", wstatus(r->child_st), ename(r->err), r->fds);
    else
        snprintf(out, sz, "ret=NULL errno=%s fds=%s", ename(r->err), r->fds);
}

/*
 * Run the call in a fork child whose result travels back over a close-on-exec
 * pipe: if the child execs, the pipe just closes and we report the exit status
 * of whatever was exec'd.  Writes the description into out.
 */
static void run_isolated(const struct call *c, char *out, size_t sz)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) == -1)
        die("pipe2: %s", strerror(errno));
    pid_t pid = xfork();
    if (pid == 0) {
        close(p[0]);
        if (!c->keep_stdio) {
            redirect_null(0, O_RDONLY);
            redirect_null(1, O_WRONLY);
            redirect_null(2, O_WRONLY);
        }
        struct result r;
        perform(c, &r);
        ssize_t w = write(p[1], &r, sizeof r);
        _exit(w == (ssize_t)sizeof r ? 0 : 3);
    }
    close(p[1]);
    struct result r;
    size_t got = 0;
    long long deadline = now_ms() + HANG_MS;
    while (got < sizeof r) {
        struct pollfd pfd = { p[0], POLLIN, 0 };
        long long left = deadline - now_ms();
        if (left <= 0)
            break;
        int pr = poll(&pfd, 1, (int)left);
        if (pr == -1 && errno == EINTR)
            continue;
        if (pr <= 0)
            break;
        ssize_t n = read(p[0], (char *)&r + got, sizeof r - got);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(p[0]);
    int st = 0;
    int w = wait_timeout(pid, HANG_MS, &st);
    if (got == sizeof r) {
        format_result(c, &r, out, sz);
        if (w == 1)
            snprintf(out + strlen(out), sz - strlen(out), " HUNG-after-report");
    } else if (w == 1) {
        snprintf(out, sz, "HUNG");
    } else if (got) {
        snprintf(out, sz, "short-report %s", wstatus(st));
    } else {
        snprintf(out, sz, "exec'd %s", wstatus(st));
    }
}

/* ------------------------------------------------------------------ */
/* probe entry NAME MARKER                                             */

static int cmd_entry(const char *name, const char *marker)
{
    int e = ent_lookup(name);
    if (e < 0)
        die("unknown entry point '%s'", name);
    const char *path = searches_path(e) ? "true" : "/bin/true";
    char *argv[] = { (char *)path, (char *)marker, NULL };
    char *cmd = xasprintf("/bin/true %s", marker);

    if (is_exec_family(e)) {
        int fd = AT_FDCWD;
        if (e == E_FEXECVE) {
            fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                die("open /bin/true: %s", strerror(errno));
        }
        pid_t pid = xfork();
        if (pid == 0) {
            call_exec(e, path, argv, environ, fd, 0);
            int err = errno;
            fprintf(stderr, "%s: %s failed: %s\n", progname, name, strerror(err));
            _exit(127);
        }
        if (fd >= 0)
            close(fd);
        fprintf(stderr, "probe-pid=%d child-pid=%d\n", (int)getpid(), (int)pid);
        printf("entry %s: %s\n", name, wait_str(pid));
    } else if (e == E_POSIX_SPAWN || e == E_POSIX_SPAWNP) {
        pid_t pid = -1;
        flushall();
        errno = EDOM; /* sentinel: must survive a successful call */
        int r = e == E_POSIX_SPAWN ? posix_spawn(&pid, path, NULL, NULL, argv, environ)
                                   : posix_spawnp(&pid, path, NULL, NULL, argv, environ);
        int err = errno;
        if (r == 0)
            fprintf(stderr, "probe-pid=%d child-pid=%d\n", (int)getpid(), (int)pid);
        printf("entry %s: ret=%s errno=%s child=%s\n", name, ename(r), ename(err),
               r == 0 ? wait_str(pid) : "-");
    } else if (e == E_SYSTEM) {
        flushall();
        fprintf(stderr, "probe-pid=%d\n", (int)getpid());
        errno = EDOM;
        int st = system(cmd);
        int err = errno;
        printf("entry system: status=%s errno=%s\n", wstatus(st), ename(err));
    } else {
        flushall();
        fprintf(stderr, "probe-pid=%d\n", (int)getpid());
        errno = EDOM;
        FILE *f = popen(cmd, "r");
        int err = errno;
        if (!f) {
            printf("entry popen: ret=NULL errno=%s\n", ename(err));
        } else {
            char buf[256];
            size_t total = 0, n;
            while ((n = fread(buf, 1, sizeof buf, f)) > 0)
                total += n;
            errno = EDOM;
            int st = pclose(f);
            int err2 = errno;
            printf("entry popen: ret=stream errno=%s output=%zu pclose=%s errno=%s\n", ename(err), total,
                   wstatus(st), ename(err2));
        }
    }
    free(cmd);
    return 0;
}

/* ------------------------------------------------------------------ */
/* probe errors                                                        */

/*
 * How a failing case may show up in the log (prime-directive.sh greps the
 * sink for these words, which appear in the path or in argv[1]):
 *   nolog-  fails the kernel's lookup or permission checks: never logged
 *   late-   passes those checks and fails later (bad #! interpreter, ...):
 *           a logger cannot know in advance, may log it and its failure
 *   ok-     may succeed
 */
static const char *const kind_word[] = { "ok", "nolog", "late" };

struct target {
    const char *name;
    char *path;
    int kind; /* index into kind_word */
};

static void report_case(const struct call *c, const char *casename)
{
    char out[512];
    run_isolated(c, out, sizeof out);
    printf("%s %s -> %s\n", ent_names[c->e], casename, out);
    fflush(stdout);
}

static int cmd_errors(void)
{
    close_from(3); /* like many daemons; also makes fd numbers deterministic */
    char *T = make_tmpdir("errors");
    char *p;

    /* fixture: content NULL makes a directory, link non-NULL a symlink */
    static const char truncated_elf[64] = "\177ELF\2\1\1";
    static const struct {
        const char *name, *content, *link;
        size_t len;
        mode_t mode;
    } fixture[] = {
        { "nolog-noexec", "#!/bin/sh\nexit 0\n", NULL, 17, 0644 },
        { "nolog-dir", NULL, NULL, 0, 0755 },
        { "nolog-file", "x\n", NULL, 2, 0755 },
        { "emptydir", NULL, NULL, 0, 0755 },
        { "pathdir", NULL, NULL, 0, 0755 },
        { "pathdir/nolog-cmd", "#!/bin/sh\nexit 0\n", NULL, 17, 0644 },
        { "late-noshebang", "exit 3\n", NULL, 7, 0755 },
        { "late-badinterp", "#!/nonexistent/interp\n", NULL, 22, 0755 },
        { "late-truncelf", truncated_elf, NULL, sizeof truncated_elf, 0755 },
        { "script-exit4", "#!/bin/sh\nexit 4\n", NULL, 17, 0755 },
        { "nolog-loop", NULL, "nolog-loop", 0, 0 },
        { "link-to-true", NULL, "/bin/true", 0, 0 },
    };
    for (size_t i = 0; i < sizeof fixture / sizeof fixture[0]; i++) {
        p = xasprintf("%s/%s", T, fixture[i].name);
        if (fixture[i].link != NULL) {
            if (symlink(fixture[i].link, p) == -1)
                die("symlink: %s", strerror(errno));
        } else if (fixture[i].content == NULL) {
            mkdir(p, fixture[i].mode);
        } else {
            write_file(p, fixture[i].content, fixture[i].len, fixture[i].mode);
        }
        free(p);
    }

    char *pathenv = xasprintf("%s/emptydir:%s/pathdir:/usr/bin:/bin", T, T);
    setenv("PATH", pathenv, 1);
    free(pathenv);

    char longname[400];
    memset(longname, 'x', sizeof longname);
    memcpy(longname, "nolog-", 6);
    longname[300] = 0;
    size_t lplen = strlen(T) + 6000;
    char *longpath = xcalloc(1, lplen + 32);
    strcpy(longpath, T);
    while (strlen(longpath) < lplen)
        strcat(longpath, "/.");
    strcat(longpath, "/nolog-missing");

    struct target targets[] = {
        { "missing", xasprintf("%s/nolog-missing", T), 1 },
        { "missing-rel", xstrdup("nolog-missing-cmd"), 1 },
        { "path-eacces", xstrdup("nolog-cmd"), 1 },
        { "noexec", xasprintf("%s/nolog-noexec", T), 1 },
        { "dir", xasprintf("%s/nolog-dir", T), 1 },
        { "notdir", xasprintf("%s/nolog-file/x", T), 1 },
        { "loop", xasprintf("%s/nolog-loop", T), 1 },
        { "badinterp", xasprintf("%s/late-badinterp", T), 2 },
        { "noshebang", xasprintf("%s/late-noshebang", T), 2 },
        { "truncelf", xasprintf("%s/late-truncelf", T), 2 },
        { "script", xasprintf("%s/script-exit4", T), 0 },
        { "longname", xasprintf("%s/%s", T, longname), 1 },
        { "longpath", longpath, 1 },
        { "empty", xstrdup(""), 1 },
    };
    const size_t ntargets = sizeof targets / sizeof targets[0];
    static const int path_ents[] = { E_EXECVE, E_EXECV, E_EXECVP, E_EXECVPE,     E_EXECL,
                                     E_EXECLE, E_EXECLP, E_EXECVEAT, E_POSIX_SPAWN, E_POSIX_SPAWNP,
                                     E_SYSTEM, E_POPEN };

    for (size_t ei = 0; ei < sizeof path_ents / sizeof path_ents[0]; ei++) {
        int e = path_ents[ei];
        for (size_t ti = 0; ti < ntargets; ti++) {
            char arg1[64];
            snprintf(arg1, sizeof arg1, "%s-%s", kind_word[targets[ti].kind], targets[ti].name);
            char *argv[] = { targets[ti].path, arg1, NULL };
            struct call c = { .e = e, .path = targets[ti].path, .argv = argv, .envp = environ,
                              .fd = AT_FDCWD, .mode = "r" };
            report_case(&c, targets[ti].name);
        }
    }

    /* fexecve */
    {
        struct {
            const char *name;
            const char *file; /* relative to T, NULL: special */
            int oflags;
            int fd;           /* used when file == NULL */
            int nullargv, nullenvp;
            int kind; /* index into kind_word */
        } fx[] = {
            { "badfd", NULL, 0, 999, 0, 0, 1 },
            { "negfd", NULL, 0, -1, 0, 0, 1 },
            { "nullargv", "script-exit4", O_RDONLY, 0, 1, 0, 1 },
            { "nullenvp", "script-exit4", O_RDONLY, 0, 0, 1, 1 },
            { "dirfd", "nolog-dir", O_RDONLY | O_DIRECTORY, 0, 0, 0, 1 },
            { "noexec", "nolog-noexec", O_RDONLY, 0, 0, 0, 1 },
            { "badinterp", "late-badinterp", O_RDONLY, 0, 0, 0, 2 },
            { "noshebang", "late-noshebang", O_RDONLY, 0, 0, 0, 2 },
            { "truncelf", "late-truncelf", O_RDONLY, 0, 0, 0, 2 },
            { "script-cloexec", "script-exit4", O_RDONLY | O_CLOEXEC, 0, 0, 0, 2 },
            { "script", "script-exit4", O_RDONLY, 0, 0, 0, 0 },
            { "opath", "link-to-true", O_PATH | O_CLOEXEC, 0, 0, 0, 0 },
            { "cloexec-true", "link-to-true", O_RDONLY | O_CLOEXEC, 0, 0, 0, 0 },
        };
        for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++) {
            int fd = fx[i].fd;
            if (fx[i].file) {
                char *fp = xasprintf("%s/%s", T, fx[i].file);
                fd = open(fp, fx[i].oflags);
                if (fd < 0)
                    die("open %s: %s", fp, strerror(errno));
                free(fp);
                /* keep the fd number deterministic */
                place_fd(fd, 50, fx[i].oflags & O_CLOEXEC);
                fd = 50;
            }
            char arg1[64];
            snprintf(arg1, sizeof arg1, "%s-fexecve-%s", kind_word[fx[i].kind], fx[i].name);
            char *argv[] = { (char *)"fexecve-target", arg1, NULL };
            struct call c = { .e = E_FEXECVE, .argv = fx[i].nullargv ? NULL : argv,
                              .envp = fx[i].nullenvp ? NULL : environ, .fd = fd };
            report_case(&c, fx[i].name);
            if (fx[i].file)
                close(fd);
        }
    }

    /* execveat specials */
    {
        int dfd = open(T, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        char *fp = xasprintf("%s/nolog-file", T);
        int ffd = open(fp, O_RDONLY | O_CLOEXEC);
        free(fp);
        fp = xasprintf("%s/link-to-true", T);
        if (dfd < 0 || ffd < 0)
            die("open fixture: %s", strerror(errno));
        place_fd(dfd, 51, 1);
        place_fd(ffd, 52, 1);
        struct {
            const char *name;
            int fd;
            const char *path;
            int flags;
        } ax[] = {
            { "badfd-rel", 999, "nolog-missing", 0 },
            { "badfd-emptypath", 999, "", AT_EMPTY_PATH },
            { "badflags", AT_FDCWD, "/bin/true", 0x4 },
            { "nofollow", AT_FDCWD, fp, AT_SYMLINK_NOFOLLOW },
            { "dirfd-missing", 51, "nolog-missing", 0 },
            { "dirfd-script", 51, "script-exit4", 0 },
            { "dirfd-loop", 51, "nolog-loop", 0 },
            { "filefd-rel", 52, "x", 0 },
            { "emptypath-noflag", AT_FDCWD, "", 0 },
            { "emptypath-dirfd", 51, "", AT_EMPTY_PATH },
        };
        for (size_t i = 0; i < sizeof ax / sizeof ax[0]; i++) {
            char arg1[64];
            /* with a cloexec dirfd, the kernel cannot hand a script to its interpreter */
            snprintf(arg1, sizeof arg1, "%s-execveat-%s", strcmp(ax[i].name, "dirfd-script") ? "nolog" : "late",
                     ax[i].name);
            char *argv[] = { (char *)"execveat-target", arg1, NULL };
            struct call c = { .e = E_EXECVEAT, .path = ax[i].path, .argv = argv, .envp = environ,
                              .fd = ax[i].fd, .flags = ax[i].flags };
            report_case(&c, ax[i].name);
        }
        free(fp);
        close(51);
        close(52);
    }

    /* posix_spawn specials: file actions and attributes that fail */
    {
        char *missing = xasprintf("%s/nolog-missing/x", T);
        char *argv[] = { (char *)"/bin/true", (char *)"nolog-spawn-fa", NULL };
        for (int pe = E_POSIX_SPAWN; pe <= E_POSIX_SPAWNP; pe++) {
            posix_spawn_file_actions_t fa;
            posix_spawnattr_t at;

            posix_spawn_file_actions_init(&fa);
            posix_spawn_file_actions_addopen(&fa, 5, missing, O_RDONLY, 0);
            struct call c = { .e = pe, .path = "/bin/true", .argv = argv, .envp = environ, .fa = &fa };
            report_case(&c, "fa-open-missing");
            posix_spawn_file_actions_destroy(&fa);

            posix_spawn_file_actions_init(&fa);
            posix_spawn_file_actions_adddup2(&fa, 900, 5);
            report_case(&c, "fa-dup2-closed");
            posix_spawn_file_actions_destroy(&fa);

            posix_spawn_file_actions_init(&fa);
            posix_spawn_file_actions_addclose(&fa, 900);
            char *argv4[] = { (char *)"/bin/true", (char *)"ok-spawn-fa-close-closed", NULL };
            c.argv = argv4;
            report_case(&c, "fa-close-closed");
            posix_spawn_file_actions_destroy(&fa);

            posix_spawnattr_init(&at);
            posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSCHEDULER);
            posix_spawnattr_setschedpolicy(&at, SCHED_FIFO);
            struct sched_param sp = { .sched_priority = 0 };
            posix_spawnattr_setschedparam(&at, &sp);
            char *argv2[] = { (char *)"/bin/true", (char *)"nolog-spawn-badsched", NULL };
            struct call c2 = { .e = pe, .path = "/bin/true", .argv = argv2, .envp = environ, .attr = &at };
            report_case(&c2, "attr-badsched");
            posix_spawnattr_destroy(&at);

            posix_spawnattr_init(&at);
            posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                              POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_RESETIDS);
            sigset_t ss;
            sigemptyset(&ss);
            sigaddset(&ss, SIGUSR1);
            posix_spawnattr_setsigmask(&at, &ss);
            posix_spawnattr_setsigdefault(&at, &ss);
            char *argv3[] = { (char *)"/bin/true", (char *)"ok-spawn-attrs", NULL };
            c2.argv = argv3;
            report_case(&c2, "attr-ok");
            posix_spawnattr_destroy(&at);

        }
        free(missing);
    }

    /* system / popen specials */
    {
        struct call c = { .e = E_SYSTEM, .path = NULL };
        report_case(&c, "null");
        c.path = "exit 3";
        report_case(&c, "exit3");
        c.path = "kill -USR1 $$";
        report_case(&c, "killed");
        /* an invalid mode starts nothing: "nospawn-" must not appear in the log */
        struct call pc = { .e = E_POPEN, .path = "exit 5 # nospawn-badmode", .mode = "x" };
        report_case(&pc, "badmode");
        pc.mode = "rw";
        report_case(&pc, "badmode-rw");
        pc.path = "exit 5";
        pc.mode = "w";
        report_case(&pc, "exit5-w");
        pc.mode = "re";
        report_case(&pc, "exit5-re");
    }

    for (size_t ti = 0; ti < ntargets; ti++)
        free(targets[ti].path);
    rm_rf(T);
    free(T);
    return 0;
}

/* ------------------------------------------------------------------ */
/* probe fds                                                           */

static int cmd_fds(void)
{
    /* a fixed fd layout, independent of whatever the caller passed us */
    close_from(3);
    redirect_null(0, O_RDONLY);
    place_fd(open("/dev/null", O_RDONLY), 3, 0);
    place_fd(open("/dev/null", O_WRONLY | O_APPEND), 4, 0);
    place_fd(open("/dev/null", O_RDONLY), 7, 1);
    int pp[2];
    if (pipe(pp) == -1)
        die("pipe: %s", strerror(errno));
    place_fd(pp[0], 10, 0);
    place_fd(pp[1], 11, 1);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
        die("socketpair: %s", strerror(errno));
    place_fd(sv[0], 12, 0);
    place_fd(sv[1], 13, 1);
    if (pipe2(pp, O_NONBLOCK) == -1)
        die("pipe2: %s", strerror(errno));
    place_fd(pp[0], 20, 0);
    place_fd(pp[1], 21, 1);
    place_fd(open("/dev/zero", O_RDONLY), 100, 0);
    place_fd(open("/dev/zero", O_RDONLY), 101, 1);

    /* PATH lookups find this very program first */
    char *pathenv = xasprintf("%s:/usr/bin:/bin", self_dir);
    setenv("PATH", pathenv, 1);
    free(pathenv);

    char *const argv_abs[] = { self_path, (char *)"listfds", NULL };
    char *const argv_rel[] = { (char *)self_base, (char *)"listfds", NULL };
    char *cmd = xasprintf("'%s' listfds", self_path);

    for (int e = 0; e < E_COUNT; e++) {
        struct fdsnap before, after;
        char diff[200];
        printf("%s: ", ent_names[e]);
        flushall();
        fd_snapshot(&before);
        if (is_exec_family(e)) {
            int fd = AT_FDCWD;
            if (e == E_FEXECVE) {
                fd = open(self_path, O_RDONLY | O_CLOEXEC);
                place_fd(fd, 30, 1);
                fd = 30;
            }
            pid_t pid = xfork();
            if (pid == 0) {
                call_exec(e, searches_path(e) ? self_base : self_path,
                          searches_path(e) ? argv_rel : argv_abs, environ, fd, 0);
                _exit(127);
            }
            if (e == E_FEXECVE)
                close(30);
            const char *st = wait_str(pid);
            fd_snapshot(&after);
            fd_diff(&before, &after, diff, sizeof diff);
            printf("%s parent-fds=%s\n", st, diff);
        } else if (e == E_POSIX_SPAWN || e == E_POSIX_SPAWNP) {
            pid_t pid;
            int r = e == E_POSIX_SPAWN ? posix_spawn(&pid, self_path, NULL, NULL, argv_abs, environ)
                                       : posix_spawnp(&pid, self_base, NULL, NULL, argv_rel, environ);
            const char *st = r == 0 ? wait_str(pid) : ename(r);
            fd_snapshot(&after);
            fd_diff(&before, &after, diff, sizeof diff);
            printf("%s parent-fds=%s\n", st, diff);
        } else if (e == E_SYSTEM) {
            int st = system(cmd);
            fd_snapshot(&after);
            fd_diff(&before, &after, diff, sizeof diff);
            printf("%s parent-fds=%s\n", wstatus(st), diff);
        } else {
            FILE *f = popen(cmd, "r");
            if (!f) {
                printf("popen failed: %s\n", ename(errno));
                continue;
            }
            char buf[8192];
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            buf[n] = 0;
            int st = pclose(f);
            fd_snapshot(&after);
            fd_diff(&before, &after, diff, sizeof diff);
            fputs(buf, stdout);
            printf("%s parent-fds=%s\n", wstatus(st), diff);
        }
        fflush(stdout);
    }

    /* posix_spawn with file actions must still apply them */
    {
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, 3, 30);
        posix_spawn_file_actions_addclose(&fa, 100);
        posix_spawn_file_actions_addopen(&fa, 40, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, 11, 41); /* cloexec source: dup2 clears it */
        for (int e = E_POSIX_SPAWN; e <= E_POSIX_SPAWNP; e++) {
            printf("%s+file_actions: ", ent_names[e]);
            flushall();
            pid_t pid;
            int r = e == E_POSIX_SPAWN ? posix_spawn(&pid, self_path, &fa, NULL, argv_abs, environ)
                                       : posix_spawnp(&pid, self_base, &fa, NULL, argv_rel, environ);
            printf("%s\n", r == 0 ? wait_str(pid) : ename(r));
            fflush(stdout);
        }
        posix_spawn_file_actions_destroy(&fa);
    }
    free(cmd);
    return 0;
}

/* ------------------------------------------------------------------ */
/* probe vfork                                                         */

static volatile int vfork_errno;

static pid_t __attribute__((noinline)) vfork_exec(int use_execvp, const char *path, char *const argv[])
{
    pid_t pid = vfork();
    if (pid == 0) {
        if (use_execvp)
            execvp(path, argv);
        else
            execve(path, argv, environ);
        vfork_errno = errno;
        _exit(127);
    }
    return pid;
}

/* Number of mappings of this process, -1 without /proc. */
static long count_maps(void)
{
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f)
        return -1;
    long n = 0;
    int ch;
    while ((ch = getc(f)) != EOF)
        n += ch == '\n';
    fclose(f);
    return n;
}

static int cmd_vfork(const char *marker)
{
    char *const a_abs[] = { (char *)"/bin/true", (char *)marker, NULL };
    char *const a_rel[] = { (char *)"true", (char *)marker, NULL };
    char *const a_bad[] = { (char *)"/nonexistent/execlog-probe", (char *)"nolog-vfork", NULL };
    struct {
        const char *name;
        int vp;
        const char *path;
        char *const *argv;
    } cases[] = {
        { "vfork-execve", 0, "/bin/true", a_abs },
        { "vfork-execvp", 1, "true", a_rel },
        { "vfork-execve-missing", 0, "/nonexistent/execlog-probe", a_bad },
        { "vfork-execvp-missing", 1, "nolog-execlog-probe-missing", a_bad },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        flushall();
        vfork_errno = 0;
        pid_t pid = vfork_exec(cases[i].vp, cases[i].path, cases[i].argv);
        if (pid < 0)
            die("vfork: %s", strerror(errno));
        const char *st = wait_str(pid);
        printf("%s: %s child-errno=%s\n", cases[i].name, st, ename(vfork_errno));
    }
    /* A vfork child shares our memory: whatever the exec path maps and does
     * not unmap before the exec stays behind in the parent. */
    char *const a_leak[] = { (char *)"/bin/true", (char *)"execlog-vfork-loop", NULL };
    long before = -1, after = -1;
    int bad = 0;
    for (int i = 0; i < 105; i++) {
        if (i == 5)
            before = count_maps();
        flushall();
        pid_t pid = vfork_exec(0, a_leak[0], a_leak);
        int st = 0;
        if (pid < 0 || wait_timeout(pid, HANG_MS, &st) != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad++;
        if (i == 104)
            after = count_maps();
    }
    if (before < 0 || after < 0)
        printf("vfork-execve x100: failures=%d mappings-growth=unknown (no /proc)\n", bad);
    else
        printf("vfork-execve x100: failures=%d mappings-growth=%ld\n", bad, after - before);
    return 0;
}

/* ------------------------------------------------------------------ */
/* probe signal                                                        */

static char *sig_argv_ok[3];
static char *const sig_argv_bad[] = { (char *)"/nonexistent/execlog-probe", (char *)"nolog-signal", NULL };
static volatile sig_atomic_t sig_count;
static volatile sig_atomic_t sig_fails_wanted;
static volatile sig_atomic_t sig_bad_errno;

static void exec_handler(int sig)
{
    (void)sig;
    int saved = errno;
    if (++sig_count <= sig_fails_wanted) {
        execve(sig_argv_bad[0], sig_argv_bad, environ);
        if (errno != ENOENT)
            sig_bad_errno = errno;
    } else {
        if (sig_bad_errno)
            _exit(100);
        execve(sig_argv_ok[0], sig_argv_ok, environ);
        _exit(126);
    }
    errno = saved;
}

enum sig_busy { BUSY_NONE, BUSY_MALLOC, BUSY_EXEC, BUSY_STDIO };

static void signal_child(enum sig_busy busy, int fails)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = exec_handler;
    sigemptyset(&sa.sa_mask);
    sig_fails_wanted = fails;
    if (busy == BUSY_NONE) {
        sigaction(SIGUSR1, &sa, NULL);
        raise(SIGUSR1);
        _exit(125);
    }
    sigaction(SIGALRM, &sa, NULL);
    FILE *devnull = fopen("/dev/null", "we");
    struct itimerval it = { { 0, 300 }, { 0, 300 } };
    setitimer(ITIMER_REAL, &it, NULL);
    unsigned long i = 0;
    void *keep[16] = { 0 };
    for (;;) {
        i++;
        switch (busy) {
        case BUSY_MALLOC: {
            size_t k = i % 16;
            free(keep[k]);
            keep[k] = malloc(16 + (i * 7919) % 4000);
            if (i % 3 == 0)
                keep[k] = realloc(keep[k], 5000 + i % 100000);
            break;
        }
        case BUSY_EXEC:
            execve(sig_argv_bad[0], sig_argv_bad, environ);
            break;
        case BUSY_STDIO:
            fprintf(devnull, "%lu %s %f\n", i, "busy", (double)i / 3.0);
            fflush(devnull);
            break;
        default: break;
        }
    }
}

static int cmd_signal(const char *marker)
{
    sig_argv_ok[0] = (char *)"/bin/true";
    sig_argv_ok[1] = (char *)marker;
    sig_argv_ok[2] = NULL;
    struct {
        const char *name;
        enum sig_busy busy;
        int fails;
    } cases[] = {
        { "handler-exec", BUSY_NONE, 0 },
        { "handler-exec-after-failures", BUSY_NONE, 0 },
        { "handler-exec-during-malloc", BUSY_MALLOC, 300 },
        { "handler-exec-during-failing-exec", BUSY_EXEC, 300 },
        { "handler-exec-during-stdio", BUSY_STDIO, 300 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pid_t pid = xfork();
        if (pid == 0) {
            if (i == 1) {
                /* the handler first fails one exec, then succeeds */
                struct sigaction sa;
                memset(&sa, 0, sizeof sa);
                sa.sa_handler = exec_handler;
                sig_fails_wanted = 1;
                sigaction(SIGUSR1, &sa, NULL);
                raise(SIGUSR1);
                raise(SIGUSR1);
                _exit(125);
            }
            signal_child(cases[i].busy, cases[i].fails);
            _exit(124);
        }
        printf("%s: %s\n", cases[i].name, wait_str(pid));
        fflush(stdout);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* probe thread                                                        */

static char *thr_argv[3];
static char *thr_argv_conc[4]; /* the concurrent case: marker + "concurrent" */
static pthread_barrier_t thr_barrier;

static void *thread_fork_exec(void *arg)
{
    const char **res = arg;
    pid_t pid = fork();
    if (pid == 0) {
        execve(thr_argv[0], thr_argv, environ);
        _exit(127);
    }
    *res = pid < 0 ? "fork-failed" : wait_str(pid);
    return NULL;
}

static void *thread_exec(void *arg)
{
    (void)arg;
    execve(thr_argv[0], thr_argv, environ);
    _exit(127);
}

static void *thread_exec_delayed(void *arg)
{
    (void)arg;
    sleep_us(20000);
    execve(thr_argv[0], thr_argv, environ);
    _exit(127);
}

static void *thread_exec_barrier(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&thr_barrier);
    execve(thr_argv_conc[0], thr_argv_conc, environ);
    _exit(127);
}

static void *thread_fail_loop(void *arg)
{
    (void)arg;
    for (;;)
        execve(sig_argv_bad[0], sig_argv_bad, environ);
    return NULL;
}

static int cmd_thread(const char *marker)
{
    thr_argv[0] = (char *)"/bin/true";
    thr_argv[1] = (char *)marker;
    thr_argv[2] = NULL;
    thr_argv_conc[0] = (char *)"/bin/true";
    thr_argv_conc[1] = (char *)marker;
    thr_argv_conc[2] = (char *)"concurrent";
    thr_argv_conc[3] = NULL;
    pthread_t t;

    /* a non-main thread forks, the child execs */
    {
        const char *res = "?";
        flushall();
        if (pthread_create(&t, NULL, thread_fork_exec, &res))
            die("pthread_create failed");
        pthread_join(t, NULL);
        printf("thread-fork-exec: %s\n", res);
    }
    /* a non-main thread of a child execs: replaces the whole process */
    {
        pid_t pid = xfork();
        if (pid == 0) {
            if (pthread_create(&t, NULL, thread_exec, NULL))
                _exit(120);
            pthread_join(t, NULL);
            _exit(121);
        }
        printf("thread-exec-in-child: %s\n", wait_str(pid));
    }
    /* four threads exec at the same moment */
    {
        pid_t pid = xfork();
        if (pid == 0) {
            pthread_t ts[4];
            pthread_barrier_init(&thr_barrier, NULL, 4);
            for (int i = 0; i < 4; i++)
                if (pthread_create(&ts[i], NULL, thread_exec_barrier, NULL))
                    _exit(120);
            pthread_join(ts[0], NULL);
            _exit(121);
        }
        printf("four-threads-exec-concurrently: %s\n", wait_str(pid));
    }
    /* one thread sits in a failing exec loop while another execs */
    {
        pid_t pid = xfork();
        if (pid == 0) {
            pthread_t ts[2];
            for (int i = 0; i < 2; i++)
                if (pthread_create(&ts[i], NULL, thread_fail_loop, NULL))
                    _exit(120);
            sleep_us(20000);
            execve(thr_argv[0], thr_argv, environ);
            _exit(127);
        }
        printf("exec-while-threads-fail-exec: %s\n", wait_str(pid));
    }
    /* main thread exits via pthread_exit while another thread execs */
    {
        pid_t pid = xfork();
        if (pid == 0) {
            if (pthread_create(&t, NULL, thread_exec_delayed, NULL))
                _exit(120);
            pthread_exit(NULL);
        }
        printf("exec-after-main-thread-exit: %s\n", wait_str(pid));
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* probe stress N                                                      */

#define STRESS_WORKERS 8
#define STRESS_FAILERS 2
#define STRESS_MAX_HUNG 3 /* give up after this many: each costs HANG_MS */

static atomic_long st_forks, st_hung, st_bad, st_forkfail, st_failerr, st_failcalls, st_progress;
static atomic_int st_stop, st_abort;
static char *const st_argv[] = { (char *)"/bin/true", (char *)"execlog-stress", NULL };
static char *const st_bad_argv[] = { (char *)"/nonexistent/nolog-stress", (char *)"nolog-stress", NULL };

static void *stress_worker(void *arg)
{
    long n = (long)(intptr_t)arg;
    for (long i = 0; i < n && !atomic_load(&st_abort); i++) {
        pid_t pid;
        int tries = 0;
        while ((pid = fork()) == -1 && errno == EAGAIN && tries++ < 200)
            sleep_us(10000);
        if (pid == -1) {
            atomic_fetch_add(&st_forkfail, 1);
            continue;
        }
        if (pid == 0) {
            execve(st_argv[0], st_argv, environ);
            _exit(127);
        }
        int st = 0;
        int w = wait_timeout(pid, HANG_MS, &st);
        if (w == 1) {
            if (atomic_fetch_add(&st_hung, 1) + 1 >= STRESS_MAX_HUNG)
                atomic_store(&st_abort, 1);
            fprintf(stderr, "probe: stress child %d HUNG, killed\n", (int)pid);
        } else if (w != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            atomic_fetch_add(&st_bad, 1);
        }
        atomic_fetch_add(&st_forks, 1);
        atomic_fetch_add(&st_progress, 1);
    }
    return NULL;
}

static void *stress_failer(void *arg)
{
    (void)arg;
    while (!atomic_load(&st_stop)) {
        execve(st_bad_argv[0], st_bad_argv, environ);
        if (errno != ENOENT)
            atomic_fetch_add(&st_failerr, 1);
        atomic_fetch_add(&st_failcalls, 1);
        atomic_fetch_add(&st_progress, 1);
    }
    return NULL;
}

static int cmd_stress(long n)
{
    if (n < 0)
        die("stress: N must be >= 0");
    pthread_t w[STRESS_WORKERS], f[STRESS_FAILERS];
    flushall();
    for (int i = 0; i < STRESS_FAILERS; i++)
        if (pthread_create(&f[i], NULL, stress_failer, NULL))
            die("pthread_create failed");
    for (int i = 0; i < STRESS_WORKERS; i++) {
        long share = n / STRESS_WORKERS + (i < n % STRESS_WORKERS ? 1 : 0);
        if (pthread_create(&w[i], NULL, stress_worker, (void *)(intptr_t)share))
            die("pthread_create failed");
    }
    /* watchdog for the parent itself: no progress for 30 s means deadlock */
    long last = -1;
    long long last_change = now_ms();
    while (atomic_load(&st_forks) + atomic_load(&st_forkfail) < n && !atomic_load(&st_abort)) {
        sleep_us(100000);
        long p = atomic_load(&st_progress);
        if (p != last) {
            last = p;
            last_change = now_ms();
        } else if (now_ms() - last_change > 30000) {
            printf("HUNG (parent made no progress for 30 s)\n");
            printf("forks=%ld hung=%ld\n", atomic_load(&st_forks), atomic_load(&st_hung) + 1);
            fflush(stdout);
            _exit(1);
        }
    }
    for (int i = 0; i < STRESS_WORKERS; i++)
        pthread_join(w[i], NULL);
    atomic_store(&st_stop, 1);
    for (int i = 0; i < STRESS_FAILERS; i++)
        pthread_join(f[i], NULL);
    fprintf(stderr, "probe: stress failing execve calls: %ld\n", atomic_load(&st_failcalls));
    if (atomic_load(&st_abort))
        printf("HUNG: gave up after %d hung children\n", STRESS_MAX_HUNG);
    printf("fork-failures=%ld\n", atomic_load(&st_forkfail));
    printf("exit-nonzero=%ld\n", atomic_load(&st_bad));
    printf("failing-exec-unexpected-errno=%ld\n", atomic_load(&st_failerr));
    printf("forks=%ld hung=%ld\n", atomic_load(&st_forks), atomic_load(&st_hung));
    return 0;
}

/* ------------------------------------------------------------------ */
/* probe args                                                          */

static char *repeat_char(char ch, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        die("out of memory");
    memset(s, ch, n);
    s[n] = 0;
    return s;
}

static int cmd_args(void)
{
    const size_t maxarg = 32 * 4096; /* MAX_ARG_STRLEN, including the NUL */
    char *big_ok = repeat_char('a', maxarg - 1);
    char *big_bad = repeat_char('b', maxarg);
    char *const a_null_argv_empty[] = { NULL };
    char *const a_plain[] = { (char *)"/bin/true", (char *)"execlog-args", NULL };
    char *const a_quote[] = { (char *)"/bin/true", (char *)"execlog-quote", (char *)"two words", NULL };
    char *const a_special[] = { (char *)"/bin/true", (char *)"execlog-special", (char *)"",
                                (char *)"it's", (char *)"$HOME", (char *)"a\nb", (char *)"tab\there",
                                (char *)"\xff\xfe", (char *)"back\\slash", (char *)"\"dq\"",
                                (char *)"-", (char *)"*", NULL };
    char *const a_big_ok[] = { (char *)"/bin/true", big_ok, NULL };
    char *const a_big_bad[] = { (char *)"/bin/true", big_bad, NULL };

    const size_t nmany = 100000;
    char **a_many = xcalloc(nmany + 2, sizeof *a_many);
    a_many[0] = (char *)"/bin/true";
    for (size_t i = 1; i <= nmany; i++)
        a_many[i] = (char *)"x";
    char **a_many_rel = xcalloc(nmany + 2, sizeof *a_many_rel);
    memcpy(a_many_rel, a_many, (nmany + 2) * sizeof *a_many);
    a_many_rel[0] = (char *)"true";

    char **a_total_ok = xcalloc(16, sizeof *a_total_ok);
    a_total_ok[0] = (char *)"/bin/true";
    for (int i = 1; i <= 14; i++)
        a_total_ok[i] = big_ok;
    char **a_total_bad = xcalloc(24, sizeof *a_total_bad);
    a_total_bad[0] = (char *)"/bin/true";
    for (int i = 1; i <= 20; i++)
        a_total_bad[i] = big_ok;

    const size_t nenv = 50000;
    char **manyenv = xcalloc(nenv + 1, sizeof *manyenv);
    for (size_t i = 0; i < nenv; i++)
        manyenv[i] = xasprintf("EXECLOG_PROBE_%zu=x", i);
    char *const e_weird[] = { (char *)"NOEQUALS", (char *)"=novalue", (char *)"PATH", (char *)"A=1", NULL };

    struct {
        const char *name;
        int e;
        const char *path;
        char *const *argv;
        char *const *envp;
    } cases[] = {
        { "execve-null-argv", E_EXECVE, "/bin/true", NULL, environ },
        { "execve-empty-argv", E_EXECVE, "/bin/true", a_null_argv_empty, environ },
        { "execv-null-argv", E_EXECV, "/bin/true", NULL, environ },
        { "execvp-null-argv", E_EXECVP, "true", NULL, environ },
        { "execvp-empty-argv", E_EXECVP, "true", a_null_argv_empty, environ },
        { "fexecve-empty-argv", E_FEXECVE, NULL, a_null_argv_empty, environ },
        { "execveat-null-argv", E_EXECVEAT, "/bin/true", NULL, environ },
        { "execve-null-envp", E_EXECVE, "/bin/true", a_plain, NULL },
        { "execve-empty-envp", E_EXECVE, "/bin/true", a_plain, a_null_argv_empty },
        { "execve-weird-envp", E_EXECVE, "/bin/true", a_plain, e_weird },
        { "execvpe-weird-envp", E_EXECVPE, "true", a_plain, e_weird },
        { "execve-quote", E_EXECVE, "/bin/true", a_quote, environ },
        { "execve-special-chars", E_EXECVE, "/bin/true", a_special, environ },
        { "execve-arg-128KiB-minus-1", E_EXECVE, "/bin/true", a_big_ok, environ },
        { "execve-arg-128KiB", E_EXECVE, "/bin/true", a_big_bad, environ },
        { "execvp-arg-128KiB-minus-1", E_EXECVP, "true", a_big_ok, environ },
        { "execve-100000-args", E_EXECVE, "/bin/true", a_many, environ },
        { "execvp-100000-args", E_EXECVP, "true", a_many_rel, environ },
        { "execve-1.8MiB-total", E_EXECVE, "/bin/true", a_total_ok, environ },
        { "execve-2.6MiB-total", E_EXECVE, "/bin/true", a_total_bad, environ },
        { "execve-50000-env", E_EXECVE, "/bin/true", a_plain, manyenv },
        { "posix_spawn-100000-args", E_POSIX_SPAWN, "/bin/true", a_many, environ },
        { "posix_spawn-arg-128KiB", E_POSIX_SPAWN, "/bin/true", a_big_bad, environ },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int fd = AT_FDCWD;
        if (cases[i].e == E_FEXECVE) {
            fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
            place_fd(fd, 50, 1);
            fd = 50;
        }
        struct call c = { .e = cases[i].e, .path = cases[i].path, .argv = cases[i].argv,
                          .envp = cases[i].envp, .fd = fd };
        char out[512];
        run_isolated(&c, out, sizeof out);
        printf("%s: %s\n", cases[i].name, out);
        fflush(stdout);
        if (cases[i].e == E_FEXECVE)
            close(50);
    }
    for (size_t i = 0; i < nenv; i++)
        free(manyenv[i]);
    free(manyenv);
    free(a_many);
    free(a_many_rel);
    free(a_total_ok);
    free(a_total_bad);
    free(big_ok);
    free(big_bad);
    return 0;
}

/* ------------------------------------------------------------------ */
/* probe closedfds                                                     */

static int cmd_closedfds(void)
{
    char *const a_true[] = { (char *)"/bin/true", (char *)"execlog-closedfds", NULL };
    char *const a_bad[] = { (char *)"/nonexistent/execlog-probe", (char *)"nolog-closedfds", NULL };
    char *const a_list[] = { self_path, (char *)"listfds", (char *)"5", NULL };
    char *cmd = xasprintf("/bin/true execlog-closedfds-system");

    /* 1. execve with 0,1,2 closed */
    {
        pid_t pid = xfork();
        if (pid == 0) {
            close(0);
            close(1);
            close(2);
            execve(a_true[0], a_true, environ);
            _exit(127);
        }
        printf("execve-with-0-1-2-closed: %s\n", wait_str(pid));
    }
    /* 2. the exec'd program sees exactly the fds we left (0,1,2 closed) */
    {
        int p[2];
        if (pipe(p) == -1)
            die("pipe: %s", strerror(errno));
        pid_t pid = xfork();
        if (pid == 0) {
            if (p[1] != 5)
                dup2(p[1], 5); /* clears close-on-exec */
            for (int fd = 0; fd < 5; fd++)
                close(fd);
            close_from(6);
            execve(a_list[0], a_list, environ);
            _exit(127);
        }
        close(p[1]);
        char buf[8192];
        size_t got = 0;
        ssize_t n;
        while (got < sizeof buf - 1 && (n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0)
            got += (size_t)n;
        buf[got] = 0;
        close(p[0]);
        const char *st = wait_str(pid);
        printf("listfds-with-0-1-2-closed: %s %s", st, got ? buf : "(no output)\n");
    }
    /* 3. a failing exec must leave 0,1,2 closed and errno intact */
    {
        int p[2];
        if (pipe2(p, O_CLOEXEC) == -1)
            die("pipe2: %s", strerror(errno));
        pid_t pid = xfork();
        if (pid == 0) {
            int wfd = fcntl(p[1], F_DUPFD_CLOEXEC, 20);
            close(0);
            close(1);
            close(2);
            struct fdsnap before, after;
            fd_snapshot(&before);
            execve(a_bad[0], a_bad, environ);
            int err = errno;
            fd_snapshot(&after);
            char out[300];
            char diff[200];
            fd_diff(&before, &after, diff, sizeof diff);
            int len = snprintf(out, sizeof out, "errno=%s fds=%s open012=%d%d%d\n", ename(err), diff,
                               fcntl(0, F_GETFD) != -1, fcntl(1, F_GETFD) != -1, fcntl(2, F_GETFD) != -1);
            if (write(wfd, out, (size_t)len) != len)
                _exit(3);
            _exit(0);
        }
        close(p[1]);
        char buf[512];
        ssize_t n = read(p[0], buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        close(p[0]);
        const char *st = wait_str(pid);
        printf("failing-execve-with-0-1-2-closed: %s %s", st, n > 0 ? buf : "(no report)\n");
    }
    /* 4. posix_spawn, system and popen with 0,1,2 closed: the parent's fd table must not change */
    for (int e = E_POSIX_SPAWN; e <= E_POPEN; e++) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) == -1)
            die("pipe2: %s", strerror(errno));
        pid_t pid = xfork();
        if (pid == 0) {
            int wfd = fcntl(p[1], F_DUPFD_CLOEXEC, 20);
            close(0);
            close(1);
            close(2);
            struct call c = { .e = e, .path = e == E_POSIX_SPAWNP ? "true" : e >= E_SYSTEM ? cmd : "/bin/true",
                              .argv = a_true, .envp = environ, .mode = "r" };
            struct result r;
            perform(&c, &r);
            char out[600];
            format_result(&c, &r, out, sizeof out);
            size_t len = strlen(out);
            out[len++] = '\n';
            if (write(wfd, out, len) != (ssize_t)len)
                _exit(3);
            _exit(0);
        }
        close(p[1]);
        char buf[700];
        ssize_t n = read(p[0], buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        close(p[0]);
        const char *st = wait_str(pid);
        printf("%s-with-0-1-2-closed: %s %s", ent_names[e], st, n > 0 ? buf : "(no report)\n");
    }
    free(cmd);
    return 0;
}

/* ------------------------------------------------------------------ */
/* probe deletedcwd                                                    */

static int cmd_deletedcwd(void)
{
    char *const a_abs[] = { (char *)"/bin/true", (char *)"execlog-deletedcwd", NULL };
    char *const a_rel[] = { (char *)"true", (char *)"execlog-deletedcwd", NULL };
    char *T = make_tmpdir("cwd");
    if (chdir(T) == -1)
        die("chdir: %s", strerror(errno));
    if (rmdir(T) == -1)
        die("rmdir: %s", strerror(errno));
    setenv("PATH", ".:/usr/bin:/bin", 1);
    struct {
        const char *name;
        int e;
        const char *path;
        char *const *argv;
    } cases[] = {
        { "execve-abs", E_EXECVE, "/bin/true", a_abs },
        { "execve-rel-missing", E_EXECVE, "true", a_rel },
        { "execvp-dot-first-in-PATH", E_EXECVP, "true", a_rel },
        { "execl-abs", E_EXECL, "/bin/true", a_abs },
        { "posix_spawn-abs", E_POSIX_SPAWN, "/bin/true", a_abs },
        { "posix_spawnp", E_POSIX_SPAWNP, "true", a_rel },
        { "system", E_SYSTEM, "/bin/true execlog-deletedcwd", NULL },
        { "popen", E_POPEN, "/bin/true execlog-deletedcwd", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct call c = { .e = cases[i].e, .path = cases[i].path, .argv = cases[i].argv,
                          .envp = environ, .fd = AT_FDCWD, .mode = "r" };
        char out[512];
        run_isolated(&c, out, sizeof out);
        printf("deletedcwd %s: %s\n", cases[i].name, out);
        fflush(stdout);
    }
    free(T);
    return 0;
}

/* ------------------------------------------------------------------ */

static void usage(void)
{
    fprintf(stderr,
            "usage: %s entry NAME MARKER | errors | fds | listfds [OUTFD] | vfork [MARKER] |\n"
            "       signal [MARKER] | thread [MARKER] | stress N | args | closedfds | deletedcwd\n"
            "entry points:",
            progname);
    for (int i = 0; i < E_COUNT; i++)
        fprintf(stderr, " %s", ent_names[i]);
    fputc('\n', stderr);
    exit(2);
}

static void find_self(const char *argv0)
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

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *sub = argv[1];
    if (!strcmp(sub, "listfds"))
        return cmd_listfds(argc > 2 ? atoi(argv[2]) : 1);

    find_self(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);

    if (!strcmp(sub, "entry") && argc == 4)
        return cmd_entry(argv[2], argv[3]);
    if (!strcmp(sub, "errors") && argc == 2)
        return cmd_errors();
    if (!strcmp(sub, "fds") && argc == 2)
        return cmd_fds();
    if (!strcmp(sub, "vfork") && argc <= 3)
        return cmd_vfork(argc > 2 ? argv[2] : "execlog-vfork");
    if (!strcmp(sub, "signal") && argc <= 3)
        return cmd_signal(argc > 2 ? argv[2] : "execlog-signal");
    if (!strcmp(sub, "thread") && argc <= 3)
        return cmd_thread(argc > 2 ? argv[2] : "execlog-thread");
    if (!strcmp(sub, "stress") && argc == 3)
        return cmd_stress(strtol(argv[2], NULL, 10));
    if (!strcmp(sub, "args") && argc == 2)
        return cmd_args();
    if (!strcmp(sub, "closedfds") && argc == 2)
        return cmd_closedfds();
    if (!strcmp(sub, "deletedcwd") && argc == 2)
        return cmd_deletedcwd();
    usage();
}
