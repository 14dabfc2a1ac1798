#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "event.h"
#include "sys.h"
#include "textbuf.h"

void event_start(struct exec_event *ev, const struct exec_call *call,
                 const char *exe, char *work, char *cgroup_cache)
{
    memset(ev, 0, offsetof(struct exec_event, name));
    ev->call = *call;
    ev->exe = exe;
    ev->work = work;
    ev->cgroup_cache = cgroup_cache;
}

static pid_t self_pid(struct exec_event *ev)
{
    if (!ev->pid_known) {
        ev->self = sys_getpid();
        ev->pid_known = true;
    }
    return ev->self;
}

pid_t event_pid(struct exec_event *ev)
{
    return ev->call.pid != 0 ? ev->call.pid : self_pid(ev);
}

pid_t event_ppid(struct exec_event *ev)
{
    /* A spawned child's parent is us. */
    if (ev->call.pid != 0)
        return self_pid(ev);
    if (!ev->ppid_known) {
        ev->ppid = sys_getppid();
        ev->ppid_known = true;
    }
    return ev->ppid;
}

uid_t event_uid(struct exec_event *ev)
{
    if (!ev->uid_known) {
        uid_t saved;

        /* Both at once: the default line shows the effective uid where
         * it differs (%{setuid}). */
        if (sys_getresuid(&ev->uid, &ev->euid, &saved) < 0) {
            ev->uid = sys_getuid();
            ev->euid = sys_geteuid();
        }
        ev->uid_known = true;
    }
    return ev->uid;
}

uid_t event_euid(struct exec_event *ev)
{
    event_uid(ev);
    return ev->euid;
}

size_t argv_count(char *const *argv)
{
    size_t n = 0;

    if (argv != NULL)
        while (argv[n] != NULL)
            n++;
    return n;
}

size_t event_argc(const struct exec_event *ev)
{
    return argv_count(ev->call.argv);
}

int event_cwd(struct exec_event *ev, const char **out)
{
    /* The raw system call: glibc's getcwd() falls back to opendir() and
     * malloc() for paths the kernel cannot return. */
    long n = sys_call(SYS_getcwd, ev->work, EVENT_PATH_SIZE);

    if (n < 0)
        return (int)n;
    /* A cwd outside our root comes back as "(unreachable)/...". */
    if (n < 2 || ev->work[0] != '/')
        return -ENOENT;
    *out = ev->work;
    return (int)n - 1;
}

int event_tty(struct exec_event *ev, const char **out)
{
    static const char link[] = "/proc/self/fd/0";
    ssize_t n;

    if (!sys_isatty(STDIN_FILENO))
        return -ENOTTY;
    n = sys_readlink(link, ev->work, EVENT_PATH_SIZE - 1);
    if (n < 0)
        return (int)n;
    ev->work[n] = '\0';
    *out = ev->work;
    return (int)n;
}

/* From the cache's table when /etc/passwd is the file it was made from
 * (checked once per event), else -ESTALE. */
static int table_user_name(struct exec_event *ev, uid_t uid)
{
    const char *name;
    int n;

    if (ev->users == NULL || ev->users->count == 0)
        return -ESTALE;
    if (!ev->passwd_checked) {
        ev->passwd_current = user_table_current(ev->users, PASSWD_PATH);
        ev->passwd_checked = true;
    }
    if (!ev->passwd_current)
        return -ESTALE;
    n = user_table_find(ev->users, uid, &name);
    if (n >= 0)
        memcpy(ev->name, name, (size_t)n + 1);
    return n;
}

int event_user_name(struct exec_event *ev, uid_t uid, const char **name)
{
    if (!ev->name_known || ev->named_uid != uid) {
        ev->name_length = table_user_name(ev, uid);
        if (ev->name_length == -ESTALE)
            ev->name_length = user_name(uid, ev->name, sizeof(ev->name),
                                        ev->work + EVENT_PATH_SIZE,
                                        EVENT_IO_SIZE);
        ev->named_uid = uid;
        ev->name_known = true;
    }
    *name = ev->name;
    return ev->name_length;
}

/* tty_nr's encoding of a device number (the kernel's new_encode_dev). */
static uint32_t encode_dev(uint32_t major, uint32_t minor)
{
    return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static bool on_terminal(int fd, uint32_t tty)
{
    struct statx stx;

    return sys_call(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_TYPE, &stx) == 0 &&
           S_ISCHR(stx.stx_mode) &&
           encode_dev(stx.stx_rdev_major, stx.stx_rdev_minor) == tty;
}

pid_t event_stat_pid(struct exec_event *ev, bool parent)
{
    /* A spawned child is the runner and we are its parent. */
    if (ev->call.pid != 0)
        return parent ? 0 : ev->call.pid;
    return parent ? event_ppid(ev) : 0;
}

int event_stat(struct exec_event *ev, bool parent, const struct proc_stat **st)
{
    if (!ev->stat_known[parent]) {
        pid_t pid = event_stat_pid(ev, parent);

        /* 0 is the parent of a process whose parent is outside our pid
         * namespace: no stat to read. */
        ev->stat_error[parent] = parent && pid == 0 && ev->call.pid == 0
                                     ? -ESRCH
                                     : proc_stat_of(pid, &ev->stat[parent]);
        ev->stat_known[parent] = true;
    }
    *st = &ev->stat[parent];
    return ev->stat_error[parent];
}

int event_tty_nr(struct exec_event *ev, uint32_t *tty_nr)
{
    const struct proc_stat *st;
    int r = event_stat(ev, ev->call.pid != 0, &st);

    if (r == 0)
        *tty_nr = st->tty_nr;
    return r;
}

int event_interactive(struct exec_event *ev)
{
    uint32_t tty = 0;
    int r = event_tty_nr(ev, &tty);

    if (r < 0)
        return r;
    return tty != 0 && on_terminal(STDIN_FILENO, tty) &&
           on_terminal(STDERR_FILENO, tty);
}

int event_time(struct exec_event *ev, int64_t *sec, long *nsec)
{
    if (!ev->time_known) {
        int r = sys_clock_realtime(&ev->time_sec, &ev->time_nsec);

        if (r < 0)
            return r;
        ev->time_known = true;
    }
    *sec = ev->time_sec;
    *nsec = ev->time_nsec;
    return 0;
}

const struct entry_point entry_points[ENTRY_COUNT] = {
    [ENTRY_EXECVE] = { "execve", 0 },
    [ENTRY_EXECV] = { "execv", 0 },
    [ENTRY_EXECVP] = { "execvp", ENTRY_SEARCHES_PATH },
    [ENTRY_EXECVPE] = { "execvpe", ENTRY_SEARCHES_PATH },
    [ENTRY_EXECL] = { "execl", 0 },
    [ENTRY_EXECLE] = { "execle", 0 },
    [ENTRY_EXECLP] = { "execlp", ENTRY_SEARCHES_PATH },
    [ENTRY_FEXECVE] = { "fexecve", 0 },
    [ENTRY_EXECVEAT] = { "execveat", 0 },
    [ENTRY_POSIX_SPAWN] = { "posix_spawn", 0 },
    [ENTRY_POSIX_SPAWNP] = { "posix_spawnp", ENTRY_SEARCHES_PATH },
    [ENTRY_SYSTEM] = { "system", 0 },
    [ENTRY_POPEN] = { "popen", 0 },
};

size_t path_longest_entry(const char *path, size_t path_len)
{
    size_t longest = 0;

    for (const char *p = path, *end;; p = end + 1) {
        end = strchrnul(p, ':');
        if ((size_t)(end - p) < path_len && (size_t)(end - p) > longest)
            longest = (size_t)(end - p);
        if (*end == '\0')
            return longest;
    }
}

bool path_candidate(const char **pos, size_t path_len, const char *file,
                    size_t file_len, char *buf)
{
    const char *p = *pos, *end;

    if (p == NULL)
        return false;
    /* Like glibc, an over-long entry is skipped without moving past its
     * ':', which then reads as an empty entry. */
    while ((size_t)((end = strchrnul(p, ':')) - p) >= path_len) {
        if (*end == '\0') {
            *pos = NULL;
            return false;
        }
        p = end;
    }
    /* An empty entry means the current directory: no '/' then. */
    memcpy(buf, p, (size_t)(end - p));
    buf[end - p] = '/';
    memcpy(buf + (end - p) + (p < end), file, file_len);
    *pos = *end == '\0' ? NULL : end + 1;
    return true;
}

/* readlink of /proc/PID/exe (what a spawned child runs) or
 * /proc/self/fd/N (what fexecve runs), into ev->work. */
static int proc_link(struct exec_event *ev, const char *prefix, uint64_t id,
                     const char *suffix, const char **out)
{
    char link[PROC_PATH_SIZE];
    ssize_t got;

    proc_path(link, prefix, id, suffix);
    got = sys_readlink(link, ev->work, EVENT_WORK_SIZE - 1);
    if (got < 0)
        return (int)got;
    ev->work[got] = '\0';
    *out = ev->work;
    return (int)got;
}

int event_exe(struct exec_event *ev, const char **out)
{
    const char *file = ev->call.filename, *cwd;
    size_t file_len;
    int n;

    if (ev->exe != NULL) {
        *out = ev->exe;
        return (int)strlen(ev->exe);
    }
    /* posix_spawn returns once the child has exec'd: ask the kernel. */
    if (ev->call.pid != 0)
        return proc_link(ev, "/proc/", (uint64_t)ev->call.pid, "/exe", out);
    if (file == NULL)
        return ev->call.fd < 0 ? -EBADF
                          : proc_link(ev, "/proc/self/fd/", (uint64_t)ev->call.fd,
                                      "", out);
    if (file[0] == '/') {
        *out = file;
        return (int)strlen(file);
    }
    /* execveat resolves a relative path against a dirfd we are not told. */
    if (file[0] == '\0' || ev->call.via_execveat ||
        ((entry_points[ev->call.entry].flags & ENTRY_SEARCHES_PATH) &&
         strchr(file, '/') == NULL))
        return -ENOENT;
    /* "./x" is the same file as "x"; ".." is left alone, since undoing it
     * by hand is wrong across symbolic links. */
    while (file[0] == '.' && file[1] == '/') {
        file += 2;
        while (file[0] == '/')
            file++;
    }
    n = event_cwd(ev, &cwd);
    if (n < 0)
        return n;
    file_len = strlen(file);
    /* cwd is at most PATH_MAX and a path the kernel accepts is shorter, so
     * only a call bound to fail with ENAMETOOLONG gets here. */
    if (file_len + 2 > EVENT_WORK_SIZE - (size_t)n)
        return -ENAMETOOLONG;
    if (n > 1)
        ev->work[n++] = '/';
    memcpy(ev->work + n, file, file_len + 1);
    *out = ev->work;
    return n + (int)file_len;
}

int event_parent_comm(struct exec_event *ev, char *comm, size_t cap)
{
    const struct proc_stat *st;
    int r;

    if (cap < sizeof(st->comm))
        return -ENOBUFS;
    /* A spawned child's parent is us: prctl needs no /proc. */
    if (ev->call.pid != 0) {
        r = sys_comm(comm);
        comm[15] = '\0';
        return r;
    }
    r = event_stat(ev, true, &st);
    if (r == 0)
        memcpy(comm, st->comm, sizeof(st->comm));
    return r;
}

int event_hostname(struct exec_event *ev, const char **out)
{
    struct utsname u;
    size_t n;
    ssize_t got;
    int fd, r;

    if (sys_uname(&u) == 0) {
        n = strnlen(u.nodename, sizeof(u.nodename));
        memcpy(ev->work, u.nodename, n);
    } else {
        /* A seccomp filter may refuse uname; procfs says the same. */
        fd = sys_open("/proc/sys/kernel/hostname",
                      O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            return fd;
        got = sys_read(fd, ev->work, EVENT_PATH_SIZE - 1);
        r = got < 0 ? (int)got : 0;
        sys_close(fd);
        if (r < 0)
            return r;
        n = (size_t)got;
        while (n > 0 && ev->work[n - 1] == '\n')
            n--;
    }
    if (n == 0)
        return -ENOENT;
    ev->work[n] = '\0';
    *out = ev->work;
    return (int)n;
}

int event_env(const struct exec_event *ev, const char *name, size_t len,
              const char **value)
{
    return env_lookup(ev->call.envp, name, len, value);
}

int env_lookup(char *const *envp, const char *name, size_t len,
               const char **value)
{
    if (envp == NULL)
        return -ENOENT;
    /* The first entry wins, as in getenv() of the program. */
    for (char *const *e = envp; *e != NULL; e++)
        if (strncmp(*e, name, len) == 0 && (*e)[len] == '=') {
            *value = *e + len + 1;
            return (int)strlen(*value);
        }
    return -ENOENT;
}

int event_loginuid(struct exec_event *ev, uid_t *uid)
{
    if (!ev->loginuid_known) {
        ev->loginuid_error = proc_loginuid(&ev->loginuid);
        ev->loginuid_known = true;
    }
    *uid = ev->loginuid;
    return ev->loginuid_error;
}

int event_cgroup(struct exec_event *ev, const char **out)
{
    char path[PROC_PATH_SIZE];
    char *buf = ev->cgroup_cache != NULL ? ev->cgroup_cache : ev->work;
    int r = -ENOENT;

    if (ev->cgroup_length != 0) {
        *out = ev->cgroup_cache;
        return ev->cgroup_length;
    }
    /* A spawned child can have been placed elsewhere (CLONE_INTO_CGROUP);
     * once it is gone, it was ours. */
    if (ev->call.pid != 0) {
        proc_path(path, "/proc/", (uint64_t)ev->call.pid, "/cgroup");
        r = cgroup_path_from(path, buf, EVENT_PATH_SIZE,
                             ev->work + EVENT_PATH_SIZE, EVENT_IO_SIZE);
    }
    if (r < 0)
        r = cgroup_path_from("/proc/self/cgroup", buf, EVENT_PATH_SIZE,
                             ev->work + EVENT_PATH_SIZE, EVENT_IO_SIZE);
    if (r > 0 && ev->cgroup_cache != NULL)
        ev->cgroup_length = r;
    if (r >= 0)
        *out = buf;
    return r;
}
