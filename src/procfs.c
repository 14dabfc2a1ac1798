#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procfs.h"
#include "sys.h"
#include "textbuf.h"

int parse_decimal(const char *s, size_t len, uint64_t *out)
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
    r = parse_decimal(buf, (size_t)n, &v);
    if (r < 0)
        return r;
    if (v > UINT32_MAX)
        return -ERANGE;
    *out = (uint32_t)v;
    return 0;
}

/* The audit ids of /proc/self say "none" with (uint32_t)-1: -ESRCH. */
static int read_audit_id(const char *path, uint32_t *id)
{
    int r = read_proc_u32(path, id);

    return r < 0 ? r : *id == (uint32_t)-1 ? -ESRCH : 0;
}

int proc_loginuid(uid_t *uid)
{
    uint32_t v;
    int r = read_audit_id("/proc/self/loginuid", &v);

    if (r == 0)
        *uid = (uid_t)v;
    return r;
}

/* The session is inherited across fork and exec and changes only with the
 * login uid, so a spawned child's is ours. */
int proc_sessionid(uint32_t *id)
{
    return read_audit_id("/proc/self/sessionid", id);
}

void proc_path(char path[PROC_PATH_SIZE], const char *prefix, uint64_t id,
               const char *suffix)
{
    size_t n = strlen(prefix);

    memcpy(path, prefix, n);
    n += format_u64(path + n, id);
    memcpy(path + n, suffix, strlen(suffix) + 1);
}

/* /proc/PID/stat (pid 0: /proc/self/stat) into buf: its text from the
 * state letter on ("S ppid pgrp session tty_nr ..."), and in *open and
 * *close the parentheses around comm, which may hold ')' and spaces, so
 * the last ')' ends it. */
static const char *stat_fields(pid_t pid, char *buf, size_t size,
                               const char **open, const char **close)
{
    char path[PROC_PATH_SIZE];
    ssize_t got;
    int fd;

    if (pid == 0)
        memcpy(path, "/proc/self/stat", sizeof("/proc/self/stat"));
    else
        proc_path(path, "/proc/", (uint64_t)pid, "/stat");
    fd = sys_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return NULL;
    got = sys_read(fd, buf, size - 1);
    sys_close(fd);
    if (got <= 0)
        return NULL;
    buf[got] = '\0';
    *open = strchr(buf, '(');
    if (*open == NULL)
        return NULL;
    /* comm is at most 15 bytes: its ')' is the last within 16 of '(',
     * found without scanning the rest of the line. */
    *close = NULL;
    for (const char *c = *open + 1; c <= *open + 16 && *c != '\0'; c++)
        if (*c == ')')
            *close = c;
    if (*close == NULL || (*close)[1] != ' ' || (*close)[2] == '\0' ||
        (*close)[3] != ' ')
        return NULL;
    return *close + 2;
}

/* The numbers after the state letter at the indices in want (ascending;
 * 0: ppid, 3: tty_nr, 18: starttime) into out, in one pass. */
static int stat_numbers(const char *fields, const int *want, uint64_t *out,
                        int count)
{
    const char *p = fields + 2;

    for (int index = 0, w = 0;; index++) {
        if (index == want[w]) {
            /* tty_nr is printed signed: a minor above 2^19 sets its top
             * bit. */
            bool negative = *p == '-';
            uint64_t v = 0;

            p += negative;
            if (*p < '0' || *p > '9')
                return -EIO;
            while (*p >= '0' && *p <= '9')
                v = v * 10 + (uint64_t)(*p++ - '0');
            out[w] = negative ? -v : v;
            if (++w == count)
                return 0;
        }
        p = strchr(p, ' ');
        if (p == NULL)
            return -EIO;
        p++;
    }
}

int proc_stat_of(pid_t pid, struct proc_stat *st)
{
    char buf[512];
    const char *open, *close, *fields = stat_fields(pid, buf, sizeof(buf),
                                                    &open, &close);
    static const int want[3] = { 0, 3, 18 };
    uint64_t v[3];
    size_t name_len;

    if (fields == NULL || stat_numbers(fields, want, v, 3) < 0)
        return -EIO;
    name_len = (size_t)(close - open - 1);
    if (name_len >= sizeof(st->comm))
        name_len = sizeof(st->comm) - 1;
    memcpy(st->comm, open + 1, name_len);
    st->comm[name_len] = '\0';
    st->ppid = (pid_t)v[0];
    st->tty_nr = (uint32_t)v[1];
    st->start_time = v[2];
    return 0;
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

/* /proc/PID/status is about 1.5 KB; a little room for new lines. */
#define PROC_STATUS_READ_LIMIT (16u << 10)

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

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);

    return len > n && memcmp(s + len - n, suffix, n) == 0;
}

int cgroup_systemd_unit(const char *path, size_t len, const char **unit)
{
    /* The outermost unit: below it, a unit with Delegate= (a user's
     * manager, user@1000.service/app.slice/...) lets its owner make
     * cgroups of any name, so a deeper "unit" could be anyone's; only
     * systemd itself, as root, makes the outermost. */
    for (size_t start = 0; start < len;) {
        size_t end = start;

        while (end < len && path[end] != '/')
            end++;
        if (ends_with(path + start, end - start, ".service") ||
            ends_with(path + start, end - start, ".scope")) {
            *unit = path + start;
            return (int)(end - start);
        }
        start = end + 1;
    }
    return -ENOENT;
}

struct uid_query {
    uid_t uid;
    int found;          /* 1: all four agree, -EPERM: they differ */
};

static int status_uid_line(const char *line, size_t len, void *ctx)
{
    struct uid_query *q = ctx;
    uint64_t ids[4] = { 0, 0, 0, 0 };
    size_t start = 4, n = 0;

    if (len < 4 || memcmp(line, "Uid:", 4) != 0)
        return 0;
    /* "Uid:\treal\teffective\tsaved\tfilesystem" */
    while (n < 4 && start < len) {
        size_t end;

        while (start < len && (line[start] == '\t' || line[start] == ' '))
            start++;
        end = start;
        while (end < len && line[end] != '\t' && line[end] != ' ')
            end++;
        if (parse_decimal(line + start, end - start, &ids[n]) < 0)
            break;
        n++;
        start = end;
    }
    q->found = n == 4 && ids[0] == ids[1] && ids[1] == ids[2] &&
                       ids[2] == ids[3]
                   ? 1
                   : -EPERM;
    q->uid = (uid_t)ids[0];
    return 1;
}

int proc_status_uid(pid_t pid, uid_t *uid, char *io, size_t io_size)
{
    char path[PROC_PATH_SIZE];
    struct uid_query q = { 0, -ENOENT };
    int fd, r;

    proc_path(path, "/proc/", (uint64_t)pid, "/status");
    fd = sys_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return fd;
    r = scan_lines(fd, io, io_size, PROC_STATUS_READ_LIMIT, status_uid_line,
                   &q);
    sys_close(fd);
    if (r < 0)
        return r;
    if (q.found < 0)
        return q.found;
    *uid = q.uid;
    return 0;
}

/* The inode numbers of the initial namespaces (the kernel's
 * PROC_USER_INIT_INO and PROC_CGROUP_INIT_INO). */
#define INITIAL_USER_NS_INO 0xEFFFFFFDu
#define INITIAL_CGROUP_NS_INO 0xEFFFFFFBu

static bool ns_is(const char *link, uint64_t ino)
{
    struct statx stx;

    return sys_call(SYS_statx, AT_FDCWD, link, 0, STATX_INO, &stx) == 0 &&
           stx.stx_ino == ino;
}

bool proc_host_ids(void)
{
    return ns_is("/proc/self/ns/user", INITIAL_USER_NS_INO);
}

bool proc_host_cgroups(void)
{
    return ns_is("/proc/self/ns/cgroup", INITIAL_CGROUP_NS_INO);
}
