#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syslog.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "datasources.h"
#include "fields.h"
#include "outputs.h"
#include "sys.h"
#include "textbuf.h"

typedef int output_fn(const struct output_config *oc,
                      const struct output_message *m);

static output_fn devlog_send, journald_send, file_send, stdout_send,
    stderr_send, devnull_send;

/* OPTIONAL_PATH_ARG: journald:PATH, a journald namespace's socket
 * (/run/systemd/journal.NAMESPACE/socket), so that execlog's entries can
 * be kept, and shipped, apart from the rest of the journal. */
enum output_arg { NO_ARG, PATH_ARG, OPTIONAL_PATH_ARG };

/* Names and paths are arrays, not pointers: each pointer in a table costs
 * every process a relocation at load time. */
struct output {
    char name[12];
    output_fn *send;
    enum output_arg arg;
    char default_path[32];
};

/* devlog and socket differ only in where the path comes from. */
static const struct output outputs[] = {
    { "devlog", devlog_send, NO_ARG, "/dev/log" },
    { "socket", devlog_send, PATH_ARG, "" },
    { "devnull", devnull_send, NO_ARG, "" },
    { "journald", journald_send, OPTIONAL_PATH_ARG,
      "/run/systemd/journal/socket" },
    { "file", file_send, PATH_ARG, "" },
    { "stdout", stdout_send, NO_ARG, "" },
    { "stderr", stderr_send, NO_ARG, "" },
};

#define OUTPUT_COUNT (sizeof(outputs) / sizeof(outputs[0]))

int output_select(struct output_config *oc, const char *name, const char *arg)
{
    for (size_t i = 0; i < OUTPUT_COUNT; i++) {
        const struct output *o = &outputs[i];

        if (strcmp(o->name, name) != 0)
            continue;
        if ((o->arg == NO_ARG && arg != NULL) ||
            (o->arg == PATH_ARG && arg == NULL))
            return -EINVAL;
        if (arg != NULL && (arg[0] != '/' || strlen(arg) >= sizeof(oc->path)))
            return -EINVAL;
        if (arg == NULL)
            arg = o->default_path;
        oc->output = (uint16_t)i;
        /* arg may be oc->path itself. */
        memmove(oc->path, arg, strlen(arg) + 1);
        memset(oc->path + strlen(oc->path), 0,
               sizeof(oc->path) - strlen(oc->path));
        return 0;
    }
    return -ENOENT;
}

bool output_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

bool output_carries_fields(const struct output_config *oc)
{
    return oc->output < OUTPUT_COUNT &&
           outputs[oc->output].send == journald_send;
}

int output_config_validate(const struct output_config *oc)
{
    if (oc->output >= OUTPUT_COUNT || oc->facility > 23 || oc->level > 7 ||
        oc->send_timeout_ms > 10000 ||
        memchr(oc->path, '\0', sizeof(oc->path)) == NULL ||
        memchr(oc->ident, '\0', sizeof(oc->ident)) == NULL ||
        oc->ident[0] == '\0')
        return -EINVAL;
    for (const char *c = oc->ident; *c != '\0'; c++)
        if (!output_ident_char(*c))
            return -EINVAL;
    return 0;
}

const char *output_names(void)
{
    return "devlog, journald, journald:PATH, socket:PATH, file:PATH, "
           "stdout, stderr, devnull";
}

/* With every descriptor in use (EMFILE), any user could keep a command
 * out of the log, a setuid one included.  Where the soft limit is below
 * the hard one, it is raised for the one descriptor a send needs and put
 * back at once (a descriptor stays valid above the limit).  One thread at
 * a time: two raising and restoring in turn could leave it raised. */
static unsigned fd_room_busy = 0;

struct fd_room {
    struct sys_rlimit saved;
};

__attribute__((noinline, cold))
static bool fd_room_raise(struct fd_room *room)
{
    struct sys_rlimit raised;

    if (__atomic_exchange_n(&fd_room_busy, 1, __ATOMIC_ACQUIRE))
        return false;
    if (sys_prlimit(RLIMIT_NOFILE, NULL, &room->saved) == 0 &&
        room->saved.cur < room->saved.max) {
        raised = (struct sys_rlimit){ room->saved.cur + 1, room->saved.max };
        if (sys_prlimit(RLIMIT_NOFILE, &raised, NULL) == 0)
            return true;
    }
    __atomic_store_n(&fd_room_busy, 0, __ATOMIC_RELEASE);
    return false;
}

__attribute__((noinline, cold))
static void fd_room_restore(struct fd_room *room)
{
    struct sys_rlimit now;

    /* Only our raise is undone: a limit the program set meanwhile (from
     * another thread) stays. */
    if (sys_prlimit(RLIMIT_NOFILE, NULL, &now) == 0 &&
        now.cur == room->saved.cur + 1) {
        now.cur = room->saved.cur;
        sys_prlimit(RLIMIT_NOFILE, &now, NULL);
    }
    __atomic_store_n(&fd_room_busy, 0, __ATOMIC_RELEASE);
}

/* The descriptor that open_call returns, or when that is -EMFILE, what
 * the same call returns with room made for one more. */
#define WITH_FD_ROOM(open_call)                                              \
    ({                                                                       \
        int fd_ = (open_call);                                               \
        struct fd_room room_;                                                \
        if (fd_ == -EMFILE && fd_room_raise(&room_)) {                       \
            fd_ = (open_call);                                               \
            fd_room_restore(&room_);                                         \
        }                                                                    \
        fd_;                                                                 \
    })

/* An unconnected datagram socket and the address of path, or a negative
 * errno. */
static inline __attribute__((always_inline)) int
open_datagram(const char *path, struct sockaddr_un *addr)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    memcpy(addr->sun_path, path, strnlen(path, sizeof(addr->sun_path)));
    return WITH_FD_ROOM(sys_socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
}

/* Sent to the address without connect(): one system call fewer per line.
 * No receiver costs no wait.  A full receive queue (a busy or stopped
 * syslog daemon) is waited for, but never longer than the timeout, the exec
 * must go on; for that wait the socket is connected, since poll() on an
 * unconnected one reports it writable at once. */
static int send_bounded(int fd, struct msghdr *mh, struct sockaddr_un *addr,
                        unsigned timeout_ms)
{
    long long deadline = 0, now;
    long r;

    mh->msg_name = addr;
    mh->msg_namelen = sizeof(*addr);
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };
        long long left;

        r = sys_sendmsg(fd, mh, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (r >= 0)
            return 0;
        if (r == -EINTR)
            continue;
        if (r != -EAGAIN)
            return (int)r;
        if (mh->msg_name != NULL) {
            r = sys_connect(fd, (struct sockaddr *)addr, sizeof(*addr));
            if (r < 0)
                return (int)r;
            mh->msg_name = NULL;
            mh->msg_namelen = 0;
        }
        /* The clock only when there is something to wait for; without
         * one, no wait at all: an exec must never hang on the log. */
        now = sys_monotonic_ms();
        if (now < 0)
            return -ETIMEDOUT;
        if (deadline == 0)
            deadline = now + timeout_ms;
        left = deadline - now;
        if (left <= 0)
            return -ETIMEDOUT;
        r = sys_poll(&pfd, 1, (int)left);
        if (r < 0 && r != -EINTR)
            return (int)r;
    }
}

/* "<PRI>ident[pid]: " as in RFC 3164, which journald and rsyslog both read;
 * no timestamp, the receiver stamps the line itself. */
static size_t syslog_header(char *buf, const struct output_config *oc, pid_t pid)
{
    size_t n = 0, ident = strnlen(oc->ident, OUTPUT_IDENT_MAX);

    buf[n++] = '<';
    n += format_u64(buf + n, (uint64_t)oc->facility * 8 + oc->level);
    buf[n++] = '>';
    memcpy(buf + n, oc->ident, ident);
    n += ident;
    buf[n++] = '[';
    n += format_u64(buf + n, (uint64_t)pid);
    memcpy(buf + n, "]: ", 3);
    return n + 3;
}

static int devlog_send(const struct output_config *oc,
                       const struct output_message *m)
{
    char header[8 + OUTPUT_IDENT_MAX + 24];
    struct iovec iov[2] = {
        { .iov_base = header, .iov_len = syslog_header(header, oc, m->pid) },
        { .iov_base = (void *)m->text, .iov_len = m->len },
    };
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
    struct sockaddr_un addr;
    int fd = open_datagram(oc->path, &addr), r;

    if (fd < 0)
        return fd;
    r = send_bounded(fd, &mh, &addr, oc->send_timeout_ms);
    sys_close(fd);
    return r;
}

static int devnull_send(const struct output_config *oc,
                        const struct output_message *m)
{
    return 0;
}

/* "2026-11-22T13:25:07Z ident[pid]: line\n" in one writev, so lines from
 * parallel writers never interleave in an O_APPEND file. */
static int write_line(int fd, const struct output_config *oc,
                      const struct output_message *m)
{
    char stamp[48], header[8 + OUTPUT_IDENT_MAX + 24];
    struct exec_event now = { .call.fd = -1 };
    struct textbuf tb;
    size_t h = syslog_header(header, oc, m->pid);

    textbuf_init(&tb, stamp, sizeof(stamp) - 1);
    datasource_put_datetime(m->ev != NULL ? m->ev : &now, &tb);
    textbuf_putc(&tb, ' ');
    {
        /* The header without its "<PRI>". */
        const char *tag = (const char *)memchr(header, '>', h) + 1;
        struct iovec iov[4] = {
            { .iov_base = tb.data, .iov_len = tb.len },
            { .iov_base = (void *)tag, .iov_len = h - (size_t)(tag - header) },
            { .iov_base = (void *)m->text, .iov_len = m->len },
            { .iov_base = (void *)"\n", .iov_len = 1 },
        };

        ssize_t n = sys_writev(fd, iov, 4);

        return n < 0 ? (int)n : 0;
    }
}

/* What write_line adds to a message: time stamp, tag, pid, newline. */
#define FILE_LINE_OVERHEAD 128

static int file_send(const struct output_config *oc,
                     const struct output_message *m)
{
    /* O_NONBLOCK: a FIFO made at the path by anyone who can write its
     * directory must not stop every exec on the host. */
    int fd = WITH_FD_ROOM(sys_open_mode(oc->path,
                                        O_WRONLY | O_APPEND | O_CREAT |
                                            O_NOFOLLOW | O_CLOEXEC |
                                            O_NOCTTY | O_NONBLOCK,
                                        0600)),
        r;

    struct statx stx;

    if (fd < 0)
        return fd;
    /* Only a regular file (a FIFO whose reader goes away would send
     * SIGPIPE), and never past the program's RLIMIT_FSIZE (SIGXFSZ would
     * kill it): the line is then undelivered, and counted. */
    r = (int)sys_call(SYS_statx, fd, "", AT_EMPTY_PATH,
                      STATX_TYPE | STATX_SIZE, &stx);
    if (r == 0 && !S_ISREG(stx.stx_mode))
        r = -EINVAL;
    if (r == 0 && !sys_may_grow_file_to(stx.stx_size + m->len +
                                        FILE_LINE_OVERHEAD))
        r = -EFBIG;
    if (r == 0)
        r = write_line(fd, oc, m);
    sys_close(fd);
    return r;
}

static int stdout_send(const struct output_config *oc,
                       const struct output_message *m)
{
    return write_line(STDOUT_FILENO, oc, m);
}

static int stderr_send(const struct output_config *oc,
                       const struct output_message *m)
{
    return write_line(STDERR_FILENO, oc, m);
}

/* journald's native protocol, every field in the binary form
 * (KEY\n, 64-bit little-endian length, value, \n), which carries newlines
 * and any byte. */
static void put_field(struct textbuf *out, const char *key, const char *prefix,
                      const char *value, size_t len)
{
    unsigned char size[8];
    struct textbuf_mark mark = textbuf_mark(out);

    for (int i = 0; i < 8; i++)
        size[i] = (unsigned char)((uint64_t)len >> (8 * i));
    textbuf_puts(out, prefix);
    textbuf_puts(out, key);
    textbuf_putc(out, '\n');
    textbuf_put(out, (const char *)size, sizeof(size));
    textbuf_put(out, value, len);
    textbuf_putc(out, '\n');
    /* Whole fields only: a cut one would corrupt the entry. */
    if (textbuf_overflowed_since(out, mark))
        textbuf_rollback(out, mark);
}

static void put_number_field(struct textbuf *out, const char *key, uint64_t v)
{
    char digits[24];

    put_field(out, key, "", digits, format_u64(digits, v));
}

static void journal_visit(void *ctx, const struct field_key *key,
                          const char *value, size_t len, bool numeric)
{
    char argv_field[32] = "ARGV_";

    if (key->name != NULL) {
        put_field(ctx, key->field, "EXECLOG_", value, len);
        return;
    }
    format_u64(argv_field + 5, key->argv_index);
    put_field(ctx, argv_field, "EXECLOG_", value, len);
}

/* Sends the payload as a sealed memfd, as journald expects for entries
 * too large for a datagram. */
static int send_memfd(int sock, struct sockaddr_un *addr, const char *data,
                      size_t len, unsigned timeout_ms)
{
    char control[CMSG_SPACE(sizeof(int))] = { 0 };
    struct msghdr mh = { .msg_name = addr, .msg_namelen = sizeof(*addr),
                         .msg_control = control,
                         .msg_controllen = sizeof(control) };
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&mh);
    int fd = WITH_FD_ROOM((int)sys_call(SYS_memfd_create, "execlog",
                                        MFD_CLOEXEC | MFD_ALLOW_SEALING)),
        r = 0;

    if (fd < 0)
        return fd;
    while (r == 0 && len > 0) {
        ssize_t n = (ssize_t)sys_call(SYS_write, fd, data, len);

        if (n < 0 && n != -EINTR)
            r = (int)n;
        if (n > 0) {
            data += n;
            len -= (size_t)n;
        }
    }
    if (r == 0)
        r = (int)sys_call(SYS_fcntl, fd, F_ADD_SEALS,
                          F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
                              F_SEAL_SEAL);
    if (r == 0) {
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
        /* Bounded like any line: a stalled journald must not hold the
         * exec. */
        r = send_bounded(sock, &mh, addr, timeout_ms);
    }
    sys_close(fd);
    return r;
}

size_t output_value_size(size_t scratch_size)
{
    return scratch_size == OUTPUT_SCRATCH_SIZE ? OUTPUT_VALUE_SIZE
                                               : scratch_size / 4;
}

/* Fixed, so that `journalctl MESSAGE_ID=...` finds every execlog entry. */
#define EXECLOG_MESSAGE_ID "7b1c9f3e5a2d4c8e9f0a1b2c3d4e5f60"

static int journald_send(const struct output_config *oc,
                         const struct output_message *m)
{
    size_t value_size = output_value_size(m->scratch_size);
    char *value = m->scratch, *payload = m->scratch + value_size;
    struct textbuf out;
    struct iovec iov;
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    struct sockaddr_un addr;
    int fd, r;

    textbuf_init(&out, payload, m->scratch_size - value_size);
    put_field(&out, "MESSAGE", "", m->text, m->len);
    put_field(&out, "MESSAGE_ID", "", EXECLOG_MESSAGE_ID,
              strlen(EXECLOG_MESSAGE_ID));
    put_field(&out, "SYSLOG_IDENTIFIER", "", oc->ident, strlen(oc->ident));
    put_number_field(&out, "SYSLOG_FACILITY", oc->facility);
    put_number_field(&out, "PRIORITY", oc->level);
    put_number_field(&out, "SYSLOG_PID", (uint64_t)m->pid);
    if (m->ev != NULL) {
        size_t cut = fields_visit(m->ev, value, value_size,
                                  journal_visit, &out);

        if (cut != 0)
            put_number_field(&out, "EXECLOG_ARGV_CUT", cut);
    }
    if (m->repeated != 0)
        put_number_field(&out, "EXECLOG_REPEATED", m->repeated);
    fd = open_datagram(oc->path, &addr);
    if (fd < 0)
        return fd;
    iov.iov_base = out.data;
    iov.iov_len = out.len;
    r = send_bounded(fd, &mh, &addr, oc->send_timeout_ms);
    if (r == -EMSGSIZE || r == -ENOBUFS)
        r = send_memfd(fd, &addr, out.data, out.len, oc->send_timeout_ms);
    sys_close(fd);
    return r;
}

int output_send(const struct output_config *oc, const struct output_message *m)
{
    if (oc->output >= OUTPUT_COUNT)
        return -EINVAL;
    return outputs[oc->output].send(oc, m);
}
