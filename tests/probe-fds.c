/* probe listfds, fds, closedfds: the descriptors around an exec. */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

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

int cmd_listfds(int outfd)
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
/* probe fds                                                           */

int cmd_fds(void)
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
/* probe closedfds                                                     */

/* Makes one line of report into out. */
typedef void closed_fn(const void *arg, char *out, size_t sz);

/*
 * Run fn(arg) in a fork child with fds 0, 1 and 2 closed; its line comes back
 * over a close-on-exec pipe (moved to fd 20 or above first) and is printed as
 * "LABEL-with-0-1-2-closed: STATUS LINE".
 */
static void report_with_012_closed(const char *label, closed_fn *fn, const void *arg)
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
        char out[600];
        fn(arg, out, sizeof out - 1);
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
    printf("%s-with-0-1-2-closed: %s %s", label, st, n > 0 ? buf : "(no report)\n");
}

/* A failing execve of argv: errno, the fd table's change, which of 0-2 are open. */
static void failing_execve(const void *arg, char *out, size_t sz)
{
    char *const *argv = arg;
    struct fdsnap before, after;
    fd_snapshot(&before);
    execve(argv[0], argv, environ);
    int err = errno;
    fd_snapshot(&after);
    char diff[200];
    fd_diff(&before, &after, diff, sizeof diff);
    snprintf(out, sz, "errno=%s fds=%s open012=%d%d%d", ename(err), diff, fcntl(0, F_GETFD) != -1,
             fcntl(1, F_GETFD) != -1, fcntl(2, F_GETFD) != -1);
}

/* The call (a struct call) made here, reported as probe errors reports it. */
static void perform_call(const void *arg, char *out, size_t sz)
{
    struct result r;
    perform(arg, &r);
    format_result(arg, &r, out, sz);
}

int cmd_closedfds(void)
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
    report_with_012_closed("failing-execve", failing_execve, a_bad);
    /* 4. posix_spawn, system and popen with 0,1,2 closed: the parent's fd table must not change */
    for (int e = E_POSIX_SPAWN; e <= E_POPEN; e++) {
        struct call c = { .e = e, .path = e == E_POSIX_SPAWNP ? "true" : e >= E_SYSTEM ? cmd : "/bin/true",
                          .argv = a_true, .envp = environ, .mode = "r" };
        report_with_012_closed(ent_names[e], perform_call, &c);
    }
    free(cmd);
    return 0;
}
