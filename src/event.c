#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "event.h"
#include "sys.h"
#include "textbuf.h"

pid_t event_pid(const struct exec_event *ev)
{
    return ev->pid != 0 ? ev->pid : getpid();
}

pid_t event_ppid(const struct exec_event *ev)
{
    /* A spawned child's parent is us. */
    return ev->pid != 0 ? getpid() : getppid();
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
    long n = syscall(SYS_getcwd, ev->work, EVENT_PATH_SIZE);

    if (n < 0)
        return -errno;
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
    n = readlink(link, ev->work, EVENT_PATH_SIZE - 1);
    if (n < 0)
        return -errno;
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

int event_loginuid(uid_t *uid)
{
    char buf[16];
    uint64_t v;
    ssize_t n;
    int fd, r;

    fd = sys_open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    n = sys_read(fd, buf, sizeof(buf));
    r = n < 0 ? -errno : 0;
    sys_close(fd);
    if (r < 0)
        return r;
    while (n > 0 && buf[n - 1] == '\n')
        n--;
    r = parse_uint(buf, (size_t)n, &v);
    if (r < 0)
        return r;
    if (v == (uint32_t)-1)
        return -ESRCH;
    *uid = (uid_t)v;
    return 0;
}

int proc_stat_read(pid_t pid, pid_t *ppid, char *comm, size_t cap)
{
    char path[32] = "/proc/", buf[512];
    const char *open_paren, *close_paren, *p;
    size_t n = strlen(path), name_len;
    ssize_t got;
    int fd, sign = 1;
    long v = 0;

    n += format_u64(path + n, (uint64_t)pid);
    memcpy(path + n, "/stat", 6);
    fd = sys_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    got = sys_read(fd, buf, sizeof(buf) - 1);
    sys_close(fd);
    if (got <= 0)
        return got < 0 ? -errno : -EIO;
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

/* A passwd line is "name:password:uid:...". */
static int match_passwd_line(const char *line, size_t len, uid_t uid,
                             char *name, size_t cap)
{
    const char *c1 = memchr(line, ':', len), *c2, *c3;
    uint64_t v;

    if (c1 == NULL)
        return -ENOENT;
    c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line));
    if (c2 == NULL)
        return -ENOENT;
    c3 = memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - line));
    if (c3 == NULL || parse_uint(c2 + 1, (size_t)(c3 - c2 - 1), &v) < 0 ||
        v != uid)
        return -ENOENT;
    if ((size_t)(c1 - line) >= cap || c1 == line)
        return -ENOENT;
    memcpy(name, line, (size_t)(c1 - line));
    name[c1 - line] = '\0';
    return (int)(c1 - line);
}

/* Hosts with huge passwd files exist; past this much we print the number
 * rather than make every exec read megabytes. */
#define PASSWD_READ_LIMIT (4u << 20)

static int scan_passwd(int fd, uid_t uid, char *name, size_t cap,
                       char *io, size_t io_size)
{
    size_t have = 0, total = 0;
    int skipping = 0;   /* inside a line too long for the buffer */

    for (;;) {
        ssize_t n = sys_read(fd, io + have, io_size - have);
        size_t start = 0;

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        have += (size_t)n;
        total += (size_t)n;
        for (;;) {
            char *nl = memchr(io + start, '\n', have - start);
            size_t end = nl != NULL ? (size_t)(nl - io) : have;

            if (nl == NULL && n != 0)
                break;      /* incomplete line: read more first */
            if (!skipping &&
                match_passwd_line(io + start, end - start, uid, name, cap) >= 0)
                return (int)strlen(name);
            skipping = 0;
            if (nl == NULL)
                return -ENOENT;     /* end of file */
            start = end + 1;
        }
        if (start == 0 && have == io_size) {
            /* No sane entry is this long: drop it up to its newline. */
            skipping = 1;
            start = have;
        }
        memmove(io, io + start, have - start);
        have -= start;
        if (total >= PASSWD_READ_LIMIT)
            return -EFBIG;
    }
}

int user_name_from(const char *passwd_path, uid_t uid, char *name, size_t cap,
                   char *io, size_t io_size)
{
    int fd = sys_open(passwd_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    int r;

    if (fd < 0)
        return -errno;
    r = scan_passwd(fd, uid, name, cap, io, io_size);
    sys_close(fd);
    return r;
}

int user_name(uid_t uid, char *name, size_t cap, char *io, size_t io_size)
{
    return user_name_from("/etc/passwd", uid, name, cap, io, io_size);
}
