/* The exported exec-family wrappers: the only symbols libexeclog.so exports.
 *
 * glibc's execvp, execl*, posix_spawn*, system and popen reach the kernel
 * through internal calls that a preloaded library cannot see, so each entry
 * point gets its own wrapper, and each command is logged exactly once.
 *
 * The exec family ends in the system call itself: no symbol lookup, no
 * allocation, nothing that is not async-signal-safe, so these wrappers work
 * in vfork children, in fork children of threaded programs and in signal
 * handlers.  Only posix_spawn*, system and popen, which are not
 * async-signal-safe in libc either, look up libc's implementation with
 * dlsym(RTLD_NEXT), at first use. */
#include "config.h"

/* glibc declares path and argv of the exec family nonnull, and GCC then
 * deletes our NULL checks; but programs do pass NULL, and glibc's own
 * answer (EINVAL, EFAULT) is what they must get. */
#define __nonnull(params)

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pipeline.h"
#include "real.h"
#include "sys.h"

#define EXPORT __attribute__((visibility("default")))

/* glibc's defaults for PATH searches: confstr(_CS_PATH) and _PATH_BSHELL. */
#define DEFAULT_PATH "/bin:/usr/bin"
#define SHELL_PATH "/bin/sh"

extern char **environ;

/* Whether an exec of this file would get past the kernel's lookup and
 * permission checks.  A command that cannot start is not logged, so a
 * failed exec never looks like one that ran. */
static bool looks_runnable(int dirfd, const char *path, int flags,
                           bool path_search)
{
    int at = flags & (AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW), r;
    mode_t mode;

    if (path == NULL || (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)))
        return false;
    /* A seccomp filter that forbids statx or faccessat2 (ENOSYS, EPERM)
     * tells us nothing about the file: then log rather than go blind. */
    r = sys_file_mode(dirfd, path, at, &mode);
    if (r < 0)
        return r == -ENOSYS || r == -EPERM;
    if (!S_ISREG(mode))
        return false;
    /* Executable by everyone (nearly every program): the kernel will let
     * us run it, unless its mount is noexec; that rare failure is then
     * logged as one, after the line.  Else ask the kernel, with the
     * effective ids it checks, which also sees noexec; so for a candidate
     * of a PATH search too, whose failure moves on to the next one. */
    if ((mode & 0111) == 0111 && !path_search)
        return true;
#ifdef SYS_faccessat2
    r = (int)sys_call(SYS_faccessat2, dirfd, path, X_OK, AT_EACCESS | at);
    if (r < 0 && r != -ENOSYS && r != -EPERM)
        return false;
#endif
    return true;
}

/* The caller's own system call, as seccomp filters and audit rules expect
 * to see it.  Not inlined: the benchmark's callgrind runs dump a fork
 * child's profile right before it, since an exec that succeeds takes the
 * profile with it. */
__attribute__((noinline))
static int kernel_exec(const struct exec_call *ev, int dirfd,
                       const char *path, char *const argv[], int flags)
{
    long r;

    if (dirfd == AT_FDCWD && flags == 0 && !ev->via_execveat)
        r = sys_call(SYS_execve, path, argv, ev->envp);
    else
        r = sys_call(SYS_execveat, dirfd, path, argv, ev->envp, flags);
    /* Returns only on failure: the error, which the caller's errno gets
     * once the wrapper is done (see finish). */
    return (int)-r;
}

/* Logs the event before the first attempt that can succeed. */
static void log_if_runnable(struct exec_call *ev, int dirfd,
                            const char *path, int flags, bool *logged)
{
    if (!*logged && looks_runnable(dirfd, path, flags, false)) {
        pipeline_log(ev, 0);
        *logged = true;
    }
}

/* One exec attempt, logged first if it can succeed.  Returns only on
 * failure, with the error. */
static int attempt(struct exec_call *ev, int dirfd, const char *path,
                   char *const argv[], int flags, bool *logged)
{
    log_if_runnable(ev, dirfd, path, flags, logged);
    return kernel_exec(ev, dirfd, path, argv, flags);
}

/* An exec that returns has failed with exec_errno: if it was logged, say
 * so.  errno is written here, after the last system call, and nowhere
 * before it: __errno_location is bound lazily, and the binder's frame
 * (kilobytes of vector registers on some CPUs) must not land on a small
 * stack under a PATH search's buffer.  0: no exec was tried, errno stays
 * as it was (glibc's execvp does the same). */
static int finish(struct exec_call *ev, bool logged, int exec_errno)
{
    if (logged)
        pipeline_log(ev, exec_errno);
    if (exec_errno != 0)
        errno = exec_errno;
    return -1;
}

static int exec_at(struct exec_call *ev, int dirfd, const char *path,
                   int flags)
{
    bool logged = false;
    int exec_errno = attempt(ev, dirfd, path, ev->argv, flags, &logged);

    return finish(ev, logged, exec_errno);
}

/* As glibc does for execvp: a file the kernel cannot run (ENOEXEC) is
 * taken for a shell script without #! and handed to /bin/sh. */
__attribute__((noinline))
static int run_as_script(struct exec_call *ev, const char *file)
{
    size_t argc = argv_count(ev->argv);
    char *script_argv[argc > 1 ? argc + 2 : 3];

    script_argv[0] = (char *)SHELL_PATH;
    script_argv[1] = (char *)file;
    if (argc > 1)
        memcpy(script_argv + 2, ev->argv + 1, argc * sizeof(char *));
    else
        script_argv[2] = NULL;
    return kernel_exec(ev, AT_FDCWD, SHELL_PATH, script_argv, 0);
}

/* The file, or, if the kernel cannot run it, the file as a script.  The
 * file was checked before its line went out, which covers the shell.
 * Inlined: one frame less under a PATH search's candidate buffer. */
static inline __attribute__((always_inline)) int
exec_or_script(struct exec_call *ev, const char *file)
{
    int exec_errno = kernel_exec(ev, AT_FDCWD, file, ev->argv, 0);

    return exec_errno == ENOEXEC ? run_as_script(ev, file) : exec_errno;
}

static bool search_candidate_runnable(const char *candidate)
{
    return looks_runnable(AT_FDCWD, candidate, 0, true);
}

/* The candidates, tried as glibc's execvpe tries them, with the buffer on
 * the stack as glibc has it, but sized to the longest entry rather than
 * the whole list; nothing is logged from here, so the stack needs no more
 * than glibc's own execvp.  Returns the error to report, 0 if no
 * candidate was tried.
 * Not inlined: its frame, the buffer with it, is gone before a failure
 * is logged. */
__attribute__((noinline))
static int try_candidates(struct exec_call *ev, const char *path,
                          size_t path_len, size_t file_len)
{
    char candidate[path_longest_entry(path, path_len) + file_len + 1];
    bool got_eacces = false;
    int exec_errno = 0;

    while (path_candidate(&path, path_len, ev->filename, file_len,
                          candidate)) {
        exec_errno = exec_or_script(ev, candidate);
        switch (exec_errno) {
        case EACCES:
            got_eacces = true;
            break;
        case ENOENT:
        case ESTALE:
        case ENOTDIR:
        case ENODEV:
        case ETIMEDOUT:
            break;
        default:
            return exec_errno;
        }
    }
    return got_eacces ? EACCES : exec_errno;
}

/* glibc's execvpe, step for step, so that the same directories are tried
 * in the same order and the same errno comes back.  The line is sent
 * first, for the first candidate that looks runnable (built in the
 * log's workspace, not on the caller's stack, which may be a signal
 * handler's small one), then the candidates are tried. */
static int exec_search(struct exec_call *ev)
{
    const char *file = ev->filename, *path;
    bool logged = false;
    size_t file_len, path_len;
    int exec_errno;

    if (*file == '\0') {
        errno = ENOENT;
        return -1;
    }
    if (strchr(file, '/') != NULL) {
        log_if_runnable(ev, AT_FDCWD, file, 0, &logged);
        return finish(ev, logged, exec_or_script(ev, file));
    }
    file_len = strnlen(file, NAME_MAX) + 1;
    if (env_lookup(environ, "PATH", 4, &path) < 0) {
        path = DEFAULT_PATH;
        path_len = sizeof(DEFAULT_PATH);
    } else {
        path_len = strnlen(path, PATH_MAX - 1) + 1;
    }
    if (file_len - 1 > NAME_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    logged = pipeline_log_search(ev, path, path_len, file_len,
                                 search_candidate_runnable,
                                 0) != PIPELINE_NO_CANDIDATE;
    exec_errno = try_candidates(ev, path, path_len, file_len);
    if (logged)
        pipeline_log_search(ev, path, path_len, file_len,
                            search_candidate_runnable, exec_errno);
    if (exec_errno != 0)
        errno = exec_errno;
    return -1;
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
    struct exec_call ev = { .entry = ENTRY_EXECVE, .filename = path,
                             .fd = -1, .argv = argv, .envp = envp };

    return exec_at(&ev, AT_FDCWD, path, 0);
}

EXPORT int execv(const char *path, char *const argv[])
{
    struct exec_call ev = { .entry = ENTRY_EXECV, .filename = path,
                             .fd = -1, .argv = argv, .envp = environ };

    return exec_at(&ev, AT_FDCWD, path, 0);
}

EXPORT int execveat(int dirfd, const char *path, char *const argv[],
                    char *const envp[], int flags)
{
    struct exec_call ev = { .entry = ENTRY_EXECVEAT, .filename = path,
                             .fd = -1, .argv = argv, .envp = envp,
                             .via_execveat = true };

    if (path != NULL && *path == '\0' && (flags & AT_EMPTY_PATH)) {
        ev.filename = NULL;
        ev.fd = dirfd;
    }
    return exec_at(&ev, dirfd, path, flags);
}

/* Where execveat is missing or filtered, glibc runs /proc/self/fd/N, and
 * reports ENOSYS when /proc is not mounted. */
static int exec_through_proc(struct exec_call *ev, bool *logged)
{
    char path[PROC_PATH_SIZE];
    mode_t mode;
    int exec_errno;

    proc_path(path, "/proc/self/fd/", (uint64_t)ev->fd, "");
    ev->via_execveat = false;
    exec_errno = attempt(ev, AT_FDCWD, path, ev->argv, 0, logged);
    if (sys_file_mode(AT_FDCWD, "/proc/self/fd", 0, &mode) == -ENOENT)
        exec_errno = ENOSYS;
    return exec_errno;
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
    struct exec_call ev = { .entry = ENTRY_FEXECVE, .fd = fd,
                             .argv = argv, .envp = envp,
                             .via_execveat = true };

    bool logged = false;
    int exec_errno;

    /* glibc checks these before any system call. */
    if (fd < 0 || argv == NULL || envp == NULL) {
        errno = EINVAL;
        return -1;
    }
    exec_errno = attempt(&ev, fd, "", argv, AT_EMPTY_PATH, &logged);
    if (exec_errno == ENOSYS)
        exec_errno = exec_through_proc(&ev, &logged);
    return finish(&ev, logged, exec_errno);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
    struct exec_call ev = { .entry = ENTRY_EXECVPE, .filename = file,
                             .fd = -1, .argv = argv, .envp = envp };

    return exec_search(&ev);
}

EXPORT int execvp(const char *file, char *const argv[])
{
    struct exec_call ev = { .entry = ENTRY_EXECVP, .filename = file,
                             .fd = -1, .argv = argv, .envp = environ };

    return exec_search(&ev);
}

/* The execl* functions take the argument list on the stack, as glibc does:
 * no allocation, since they may run in a vfork child. */
static size_t count_varargs(const char *arg, va_list ap)
{
    size_t argc = 0;

    if (arg != NULL)
        for (argc = 1; va_arg(ap, const char *) != NULL; argc++)
            ;
    return argc;
}

/* Fills argv[0..argc] and consumes the list up to its terminating NULL. */
static void collect_varargs(char **argv, const char *arg, size_t argc,
                            va_list ap)
{
    argv[0] = (char *)arg;
    for (size_t i = 1; i <= argc; i++)
        argv[i] = va_arg(ap, char *);
}

#define WITH_VARARG_ARGV(argv, arg, ap)                                     \
    size_t argv##_count;                                                    \
    va_start(ap, arg);                                                      \
    argv##_count = count_varargs(arg, ap);                                  \
    va_end(ap);                                                             \
    char *argv[argv##_count + 1];                                           \
    va_start(ap, arg);                                                      \
    collect_varargs(argv, arg, argv##_count, ap)

EXPORT int execl(const char *path, const char *arg, ...)
{
    va_list ap;
    WITH_VARARG_ARGV(argv, arg, ap);
    va_end(ap);
    struct exec_call ev = { .entry = ENTRY_EXECL, .filename = path,
                             .fd = -1, .argv = argv, .envp = environ };

    return exec_at(&ev, AT_FDCWD, path, 0);
}

EXPORT int execle(const char *path, const char *arg, ...)
{
    va_list ap;
    WITH_VARARG_ARGV(argv, arg, ap);
    char *const *envp = va_arg(ap, char *const *);
    va_end(ap);
    struct exec_call ev = { .entry = ENTRY_EXECLE, .filename = path,
                             .fd = -1, .argv = argv, .envp = envp };

    return exec_at(&ev, AT_FDCWD, path, 0);
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
    va_list ap;
    WITH_VARARG_ARGV(argv, arg, ap);
    va_end(ap);
    struct exec_call ev = { .entry = ENTRY_EXECLP, .filename = file,
                             .fd = -1, .argv = argv, .envp = environ };

    return exec_search(&ev);
}

typedef int spawn_fn(pid_t *, const char *, const posix_spawn_file_actions_t *,
                     const posix_spawnattr_t *, char *const[], char *const[]);

/* libc reports a failed exec of the child as the return value, so the line
 * is sent after the fact, with the child's pid. */
static int spawn(enum entry_id call, void **slot, pid_t *pid, const char *path,
                 const posix_spawn_file_actions_t *actions,
                 const posix_spawnattr_t *attr, char *const argv[],
                 char *const envp[])
{
    spawn_fn *real =
        (spawn_fn *)real_function(slot, entry_points[call].name);
    pid_t child;
    int r;

    if (real == NULL)
        return ENOSYS;
    r = real(&child, path, actions, attr, argv, envp);
    if (r == 0) {
        struct exec_call ev = { .entry = call, .filename = path,
                                 .fd = -1, .argv = argv, .envp = envp,
                                 .pid = child };

        /* First, as without us: a SIGCHLD handler may look for it. */
        if (pid != NULL)
            *pid = child;
        pipeline_log(&ev, 0);
    }
    return r;
}

/* Initialized, so that they go to .data: see pipeline.c's loaded. */
static void *real_posix_spawn = NULL, *real_posix_spawnp = NULL,
            *real_system = NULL, *real_popen = NULL;

EXPORT int posix_spawn(pid_t *pid, const char *path,
                       const posix_spawn_file_actions_t *actions,
                       const posix_spawnattr_t *attr, char *const argv[],
                       char *const envp[])
{
    return spawn(ENTRY_POSIX_SPAWN, &real_posix_spawn, pid, path, actions, attr,
                 argv, envp);
}

EXPORT int posix_spawnp(pid_t *pid, const char *file,
                        const posix_spawn_file_actions_t *actions,
                        const posix_spawnattr_t *attr, char *const argv[],
                        char *const envp[])
{
    return spawn(ENTRY_POSIX_SPAWNP, &real_posix_spawnp, pid, file, actions, attr,
                 argv, envp);
}

/* system() and popen() block or hide the child's pid, so their line goes
 * out before the shell starts, from the caller, as the argv libc gives the
 * shell; a start that fails is followed by an "exec failed" line. */
static void log_shell(struct exec_call *ev, enum entry_id call,
                      const char *command, char **argv)
{
    argv[0] = (char *)"sh";
    argv[1] = (char *)"-c";
    argv[2] = (char *)command;
    argv[3] = NULL;
    *ev = (struct exec_call){ .entry = call, .filename = SHELL_PATH,
                               .fd = -1, .argv = argv, .envp = environ };
    pipeline_log(ev, 0);
}

EXPORT int system(const char *command)
{
    int (*real)(const char *) =
        (int (*)(const char *))real_function(&real_system, entry_points[ENTRY_SYSTEM].name);
    struct exec_call ev;
    char *argv[4];
    int r;

    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    /* system(NULL) only asks whether a shell exists. */
    if (command == NULL)
        return real(command);
    log_shell(&ev, ENTRY_SYSTEM, command, argv);
    r = real(command);
    if (r == -1)
        pipeline_log(&ev, errno);
    return r;
}

/* glibc refuses other modes with EINVAL before starting anything, and a
 * shell that never starts must not be logged. */
static bool popen_mode_valid(const char *mode)
{
    bool read = false, write = false;

    if (mode == NULL)
        return false;
    for (; *mode != '\0'; mode++) {
        if (*mode == 'r')
            read = true;
        else if (*mode == 'w')
            write = true;
        else if (*mode != 'e')
            return false;
    }
    return read != write;
}

EXPORT FILE *popen(const char *command, const char *mode)
{
    FILE *(*real)(const char *, const char *) =
        (FILE * (*)(const char *, const char *))
            real_function(&real_popen, entry_points[ENTRY_POPEN].name);
    struct exec_call ev;
    char *argv[4];
    FILE *f;

    if (real == NULL) {
        errno = ENOSYS;
        return NULL;
    }
    if (command == NULL || !popen_mode_valid(mode))
        return real(command, mode);
    log_shell(&ev, ENTRY_POPEN, command, argv);
    f = real(command, mode);
    if (f == NULL)
        pipeline_log(&ev, errno);
    return f;
}
