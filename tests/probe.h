/*
 * probe.h -- what the parts of tests/probe share (see tests/probe.c for the
 * subcommands and the rule that the report on stdout is the same with and
 * without the library).
 *
 *   probe-util.c     die, errno names, fork and wait with a deadline, fd
 *                    placement, temporary files, finding this executable
 *   probe-call.c     the entry-point table, one call to any of them, fd
 *                    snapshots, and running one call in a fork child
 *   probe-entry.c    probe entry
 *   probe-errors.c   probe errors
 *   probe-fds.c      probe listfds, fds, closedfds
 *   probe-args.c     probe args, deletedcwd
 *   probe-vfork.c    probe vfork
 *   probe-signal.c   probe signal
 *   probe-thread.c   probe thread
 *   probe-stress.c   probe stress
 *   probe.c          usage and dispatch
 *
 * Every part includes only this header of the probe's, so no two parts
 * depend on each other except through what is declared here.
 */
#ifndef EXECLOG_PROBE_H
#define EXECLOG_PROBE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <limits.h>
#include <spawn.h>
#include <stddef.h>
#include <sys/types.h>

extern char **environ;

#define HANG_MS 10000 /* a child that has not exited after this is HUNG */
#define SNAP_FDS 1024 /* fds compared before/after a call */

/* ------------------------------------------------------------------ */
/* probe-util.c: small helpers                                         */

extern const char *progname;
extern char self_path[PATH_MAX]; /* absolute path of this executable */
extern char self_dir[PATH_MAX];
extern const char *self_base;

__attribute__((format(printf, 1, 2), noreturn)) void die(const char *fmt, ...);
const char *ename(int e);
const char *wstatus(int st);
void sleep_us(long us);
long long now_ms(void);
int wait_timeout(pid_t pid, long ms, int *status);
const char *wait_str(pid_t pid);
void flushall(void);
pid_t xfork(void);
void place_fd(int fd, int target, int cloexec);
void close_from(int lowfd);
void redirect_null(int fd, int flags);
void write_file(const char *path, const char *content, size_t len, mode_t mode);
char *xstrdup(const char *s);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);
void *xcalloc(size_t n, size_t sz);
void rm_rf(const char *path);
char *make_tmpdir(const char *tag);
void find_self(const char *argv0);

/* ------------------------------------------------------------------ */
/* probe-call.c: entry points                                          */

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

extern const char *const ent_names[E_COUNT];
int ent_lookup(const char *name);
int is_exec_family(int e);
int searches_path(int e);
int call_exec(int e, const char *path, char *const argv[], char *const envp[], int fd,
              int flags);

/* probe-call.c: fd snapshots */

struct fdsnap {
    int v[SNAP_FDS];
};

void fd_snapshot(struct fdsnap *s);
void fd_diff(const struct fdsnap *a, const struct fdsnap *b, char *out, size_t outsz);

/* probe-call.c: generic "run one call in a fork child and report" machinery */

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

void perform(const struct call *c, struct result *r);
void format_result(const struct call *c, const struct result *r, char *out, size_t sz);
void run_isolated(const struct call *c, char *out, size_t sz);

/* ------------------------------------------------------------------ */
/* probe-signal.c: the exec that fails in the signal cases, also the   */
/* failing exec loop of probe thread                                   */

extern char *const sig_argv_bad[];

/* ------------------------------------------------------------------ */
/* the subcommands                                                     */

int cmd_entry(const char *name, const char *marker); /* probe-entry.c */
int cmd_errors(void);                                /* probe-errors.c */
int cmd_listfds(int outfd);                          /* probe-fds.c */
int cmd_fds(void);
int cmd_closedfds(void);
int cmd_args(void);                                  /* probe-args.c */
int cmd_deletedcwd(void);
int cmd_vfork(const char *marker);                   /* probe-vfork.c */
int cmd_signal(const char *marker);                  /* probe-signal.c */
int cmd_thread(const char *marker);                  /* probe-thread.c */
int cmd_stress(long n);                              /* probe-stress.c */

#endif
