#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "event.h"
#include "sys.h"
#include "textbuf.h"

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
    return ev->pid != 0 ? ev->pid : self_pid(ev);
}

pid_t event_ppid(struct exec_event *ev)
{
    /* A spawned child's parent is us. */
    return ev->pid != 0 ? self_pid(ev) : sys_getppid();
}

uid_t event_uid(struct exec_event *ev)
{
    if (!ev->uid_known) {
        ev->uid = sys_getuid();
        ev->uid_known = true;
    }
    return ev->uid;
}

size_t event_argc(const struct exec_event *ev)
{
    size_t n = 0;

    if (ev->argv != NULL)
        while (ev->argv[n] != NULL)
            n++;
    return n;
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

static int parse_uint(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;

    if (len == 0 || len > 10)
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -EINVAL;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* A /proc file holding one unsigned number, such as loginuid. */
static int read_proc_u32(const char *path, uint32_t *out)
{
    char buf[16];
    uint64_t v;
    ssize_t n;
    int fd, r;

    fd = sys_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return fd;
    n = sys_read(fd, buf, sizeof(buf));
    r = n < 0 ? (int)n : 0;
    sys_close(fd);
    if (r < 0)
        return r;
    while (n > 0 && buf[n - 1] == '\n')
        n--;
    r = parse_uint(buf, (size_t)n, &v);
    if (r < 0)
        return r;
    if (v > UINT32_MAX)
        return -ERANGE;
    *out = (uint32_t)v;
    return 0;
}

int event_loginuid(uid_t *uid)
{
    uint32_t v;
    int r = read_proc_u32("/proc/self/loginuid", &v);

    if (r < 0)
        return r;
    if (v == (uint32_t)-1)
        return -ESRCH;
    *uid = (uid_t)v;
    return 0;
}

/* The session is inherited across fork and exec and changes only with the
 * login uid, so a spawned child's is ours. */
int event_sessionid(uint32_t *id)
{
    uint32_t v;
    int r = read_proc_u32("/proc/self/sessionid", &v);

    if (r < 0)
        return r;
    if (v == (uint32_t)-1)
        return -ESRCH;
    *id = v;
    return 0;
}

void proc_path(char path[PROC_PATH_SIZE], const char *prefix, uint64_t id,
               const char *suffix)
{
    size_t n = strlen(prefix);

    memcpy(path, prefix, n);
    n += format_u64(path + n, id);
    memcpy(path + n, suffix, strlen(suffix) + 1);
}

int proc_stat_read(pid_t pid, pid_t *ppid, char *comm, size_t cap)
{
    char path[PROC_PATH_SIZE], buf[512];
    const char *open_paren, *close_paren, *p;
    size_t name_len;
    ssize_t got;
    int fd, sign = 1;
    long v = 0;

    proc_path(path, "/proc/", (uint64_t)pid, "/stat");
    fd = sys_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return fd;
    got = sys_read(fd, buf, sizeof(buf) - 1);
    sys_close(fd);
    if (got <= 0)
        return got < 0 ? (int)got : -EIO;
    buf[got] = '\0';
    /* "pid (comm) state ppid ...": comm may hold ')' and spaces, so the
     * last ')' ends it. */
    open_paren = strchr(buf, '(');
    close_paren = strrchr(buf, ')');
    if (open_paren == NULL || close_paren == NULL || close_paren < open_paren ||
        close_paren[1] != ' ' || close_paren[2] == '\0' || close_paren[3] != ' ')
        return -EIO;
    name_len = (size_t)(close_paren - open_paren - 1);
    if (name_len >= cap)
        name_len = cap - 1;
    memcpy(comm, open_paren + 1, name_len);
    comm[name_len] = '\0';
    p = close_paren + 4;
    if (*p == '-') {
        sign = -1;
        p++;
    }
    if (*p < '0' || *p > '9')
        return -EIO;
    while (*p >= '0' && *p <= '9')
        v = v * 10 + (*p++ - '0');
    *ppid = (pid_t)(sign * v);
    return 0;
}

int passwd_entry(const char *line, size_t len, size_t *name_len,
                 uint32_t *uid)
{
    const char *c1 = memchr(line, ':', len), *c2, *c3;
    uint64_t v;

    if (c1 == NULL || c1 == line)
        return -ENOENT;
    c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line));
    if (c2 == NULL)
        return -ENOENT;
    c3 = memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - line));
    if (c3 == NULL || parse_uint(c2 + 1, (size_t)(c3 - c2 - 1), &v) < 0 ||
        v > UINT32_MAX)
        return -ENOENT;
    *name_len = (size_t)(c1 - line);
    *uid = (uint32_t)v;
    return 0;
}

static int match_passwd_line(const char *line, size_t len, uid_t uid,
                             char *name, size_t cap)
{
    size_t name_len;
    uint32_t found;

    if (passwd_entry(line, len, &name_len, &found) < 0 || found != uid ||
        name_len >= cap)
        return -ENOENT;
    memcpy(name, line, name_len);
    name[name_len] = '\0';
    return (int)name_len;
}

int scan_lines(int fd, char *io, size_t io_size, size_t read_limit,
               line_fn *fn, void *ctx)
{
    size_t have = 0, total = 0;
    int skipping = 0;   /* inside a line too long for the buffer */

    for (;;) {
        ssize_t n = sys_read(fd, io + have, io_size - have);
        size_t start = 0;

        if (n < 0) {
            if (n == -EINTR)
                continue;
            return (int)n;
        }
        have += (size_t)n;
        total += (size_t)n;
        for (;;) {
            char *nl = memchr(io + start, '\n', have - start);
            size_t end = nl != NULL ? (size_t)(nl - io) : have;
            int r;

            if (nl == NULL && n != 0)
                break;      /* incomplete line: read more first */
            if (!skipping && (r = fn(io + start, end - start, ctx)) != 0)
                return r;
            skipping = 0;
            if (nl == NULL)
                return 0;   /* end of file */
            start = end + 1;
        }
        if (start == 0 && have == io_size) {
            /* No sane entry is this long: drop it up to its newline. */
            skipping = 1;
            start = have;
        }
        memmove(io, io + start, have - start);
        have -= start;
        if (total >= read_limit)
            return -EFBIG;
    }
}

struct passwd_query {
    uid_t uid;
    char *name;
    size_t cap;
};

static int passwd_line(const char *line, size_t len, void *ctx)
{
    struct passwd_query *q = ctx;

    return match_passwd_line(line, len, q->uid, q->name, q->cap) >= 0;
}

static int scan_passwd(int fd, uid_t uid, char *name, size_t cap,
                       char *io, size_t io_size)
{
    struct passwd_query q = { uid, name, cap };
    int r = scan_lines(fd, io, io_size, PASSWD_READ_LIMIT, passwd_line, &q);

    if (r < 0)
        return r;
    return r == 0 ? -ENOENT : (int)strlen(name);
}

int user_name_from(const char *passwd_path, uid_t uid, char *name, size_t cap,
                   char *io, size_t io_size)
{
    int fd = sys_open(passwd_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    int r;

    if (fd < 0)
        return fd;
    r = scan_passwd(fd, uid, name, cap, io, io_size);
    sys_close(fd);
    return r;
}

int user_name(uid_t uid, char *name, size_t cap, char *io, size_t io_size)
{
    return user_name_from(PASSWD_PATH, uid, name, cap, io, io_size);
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

/* Entry points that look a bare name up on PATH: for them, cwd + name
 * would name a file the exec never considered. */
static bool searches_path(const char *call)
{
    static const char searching[][13] = { "execvp", "execvpe", "execlp",
                                          "posix_spawnp" };

    if (call == NULL)
        return false;
    for (size_t i = 0; i < sizeof(searching) / sizeof(searching[0]); i++)
        if (strcmp(call, searching[i]) == 0)
            return true;
    return false;
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
    const char *file = ev->filename, *cwd;
    size_t file_len;
    int n;

    if (ev->exe != NULL) {
        *out = ev->exe;
        return (int)strlen(ev->exe);
    }
    /* posix_spawn returns once the child has exec'd: ask the kernel. */
    if (ev->pid != 0)
        return proc_link(ev, "/proc/", (uint64_t)ev->pid, "/exe", out);
    if (file == NULL)
        return ev->fd < 0 ? -EBADF
                          : proc_link(ev, "/proc/self/fd/", (uint64_t)ev->fd,
                                      "", out);
    if (file[0] == '/') {
        *out = file;
        return (int)strlen(file);
    }
    /* execveat resolves a relative path against a dirfd we are not told. */
    if (file[0] == '\0' || ev->via_execveat ||
        (searches_path(ev->exec_call) && strchr(file, '/') == NULL))
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

int event_parent_comm(const struct exec_event *ev, char *comm, size_t cap)
{
    pid_t ppid;

    if (ev->pid != 0) {
        if (cap < 16)
            return -ENOBUFS;
        int r = sys_comm(comm);

        if (r < 0)
            return r;
        comm[15] = '\0';
        return 0;
    }
    return proc_stat_read(sys_getppid(), &ppid, comm, cap);
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
    if (ev->envp == NULL)
        return -ENOENT;
    /* The first entry wins, as in getenv() of the program. */
    for (char *const *e = ev->envp; *e != NULL; e++)
        if (strncmp(*e, name, len) == 0 && (*e)[len] == '=') {
            *value = *e + len + 1;
            return (int)strlen(*value);
        }
    return -ENOENT;
}

/* How much a line of /proc/PID/cgroup is worth: the v2 path, unless it is
 * the root while systemd's v1 hierarchy says more (a legacy host where
 * something mounted cgroup2 but nothing uses it). */
enum cgroup_rank { CG_NONE, CG_ROOT, CG_SYSTEMD, CG_V2 };

struct cgroup_query {
    char *path;
    size_t cap;
    size_t len;
    enum cgroup_rank rank;
};

static int cgroup_line(const char *line, size_t len, void *ctx)
{
    static const char systemd[] = "name=systemd";
    struct cgroup_query *q = ctx;
    const char *c1 = memchr(line, ':', len), *c2, *path;
    size_t path_len;
    enum cgroup_rank rank;
    bool v2;

    if (c1 == NULL)
        return 0;
    c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line));
    if (c2 == NULL)
        return 0;
    v2 = c1 == line + 1 && line[0] == '0' && c2 == c1 + 1;
    if (!v2 && !((size_t)(c2 - c1 - 1) == sizeof(systemd) - 1 &&
                 memcmp(c1 + 1, systemd, sizeof(systemd) - 1) == 0))
        return 0;
    path = c2 + 1;
    path_len = len - (size_t)(path - line);
    if (path_len == 0 || path_len >= q->cap)
        return 0;
    if (path_len == 1 && path[0] == '/')
        rank = CG_ROOT;
    else
        rank = v2 ? CG_V2 : CG_SYSTEMD;
    if (rank > q->rank) {
        memcpy(q->path, path, path_len);
        q->path[path_len] = '\0';
        q->len = path_len;
        q->rank = rank;
    }
    return rank == CG_V2;
}

/* Two or three lines on a v2 host, about fifteen on a v1 one. */
#define CGROUP_READ_LIMIT (64u << 10)

int cgroup_path_from(const char *proc_cgroup, char *path, size_t cap,
                     char *io, size_t io_size)
{
    struct cgroup_query q = { path, cap, 0, CG_NONE };
    int fd = sys_open(proc_cgroup, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    int r;

    if (fd < 0)
        return fd;
    r = scan_lines(fd, io, io_size, CGROUP_READ_LIMIT, cgroup_line, &q);
    sys_close(fd);
    if (r < 0)
        return r;
    return q.rank == CG_NONE ? -ENOENT : (int)q.len;
}

int event_cgroup(struct exec_event *ev, const char **out)
{
    char path[PROC_PATH_SIZE];
    int r = -ENOENT;

    /* A spawned child can have been placed elsewhere (CLONE_INTO_CGROUP);
     * once it is gone, it was ours. */
    if (ev->pid != 0) {
        proc_path(path, "/proc/", (uint64_t)ev->pid, "/cgroup");
        r = cgroup_path_from(path, ev->work, EVENT_PATH_SIZE,
                             ev->work + EVENT_PATH_SIZE, EVENT_IO_SIZE);
    }
    if (r < 0)
        r = cgroup_path_from("/proc/self/cgroup", ev->work, EVENT_PATH_SIZE,
                             ev->work + EVENT_PATH_SIZE, EVENT_IO_SIZE);
    if (r >= 0)
        *out = ev->work;
    return r;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);

    return len > n && memcmp(s + len - n, suffix, n) == 0;
}

int cgroup_systemd_unit(const char *path, size_t len, const char **unit)
{
    size_t end = len;

    /* Walk the components from the last: a unit's delegated subtree
     * (user@1000.service/app.slice/...) holds deeper units. */
    while (end > 0) {
        size_t start = end;

        while (start > 0 && path[start - 1] != '/')
            start--;
        if (ends_with(path + start, end - start, ".service") ||
            ends_with(path + start, end - start, ".scope")) {
            *unit = path + start;
            return (int)(end - start);
        }
        end = start > 0 ? start - 1 : 0;
    }
    return -ENOENT;
}
