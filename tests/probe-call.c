/* probe: the exec entry points, and one call to any of them made and reported. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* entry points                                                        */

const char *const ent_names[E_COUNT] = {
    "execve", "execv",   "execvp",      "execvpe",      "execl",  "execle", "execlp",
    "fexecve", "execveat", "posix_spawn", "posix_spawnp", "system", "popen",
};

int ent_lookup(const char *name)
{
    for (int i = 0; i < E_COUNT; i++)
        if (!strcmp(name, ent_names[i]))
            return i;
    return -1;
}

int is_exec_family(int e)
{
    return e <= E_EXECVEAT;
}

int searches_path(int e)
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
int call_exec(int e, const char *path, char *const argv[], char *const envp[], int fd,
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

void fd_snapshot(struct fdsnap *s)
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
void fd_diff(const struct fdsnap *a, const struct fdsnap *b, char *out, size_t outsz)
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
/* generic "run one call in a fork child and report" machinery         */

/* Make the call in the current process, fill *r.  Exec success never returns. */
void perform(const struct call *c, struct result *r)
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

void format_result(const struct call *c, const struct result *r, char *out, size_t sz)
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
void run_isolated(const struct call *c, char *out, size_t sz)
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
