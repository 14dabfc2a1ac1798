#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syslog.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "outputs.h"
#include "sys.h"
#include "textbuf.h"

static int devlog_send(const struct output_config *oc, pid_t pid,
                       const char *msg, size_t len);
static int devnull_send(const struct output_config *oc, pid_t pid,
                        const char *msg, size_t len);

struct output {
    const char *name;
    int (*send)(const struct output_config *oc, pid_t pid, const char *msg,
                size_t len);
    bool takes_path;
};

/* devlog and socket differ only in where the path comes from. */
static const struct output outputs[] = {
    { "devlog", devlog_send, false },
    { "socket", devlog_send, true },
    { "devnull", devnull_send, false },
};

#define OUTPUT_COUNT (sizeof(outputs) / sizeof(outputs[0]))

void output_config_defaults(struct output_config *oc)
{
    memset(oc, 0, sizeof(*oc));
    oc->output = (uint16_t)output_find("devlog");
    oc->facility = LOG_AUTHPRIV >> 3;
    oc->level = LOG_INFO;
    oc->send_timeout_ms = DEFAULT_SEND_TIMEOUT_MS;
    strcpy(oc->path, "/dev/log");
    strcpy(oc->ident, "execlog");
}

int output_config_validate(const struct output_config *oc)
{
    if (oc->output >= OUTPUT_COUNT || oc->facility > 23 || oc->level > 7 ||
        oc->send_timeout_ms > 10000 ||
        memchr(oc->path, '\0', sizeof(oc->path)) == NULL ||
        memchr(oc->ident, '\0', sizeof(oc->ident)) == NULL)
        return -EINVAL;
    for (const char *c = oc->ident; *c != '\0'; c++)
        if (!output_ident_char(*c))
            return -EINVAL;
    return 0;
}

bool output_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A full receive queue (a busy or stopped syslog daemon) is waited for, but
 * never longer than the timeout: the exec must go on. */
static int send_bounded(int fd, struct msghdr *mh, unsigned timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };
        long long left;

        if (sys_sendmsg(fd, mh, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
            return 0;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
            return -errno;
        left = deadline - now_ms();
        if (left <= 0)
            return -ETIMEDOUT;
        if (sys_poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
            return -errno;
    }
}

/* "<PRI>ident[pid]: " as in RFC 3164, which journald and rsyslog both read;
 * no timestamp, the receiver stamps the line itself. */
static size_t syslog_header(char *buf, const struct output_config *oc, pid_t pid)
{
    size_t n = 0;

    buf[n++] = '<';
    n += format_u64(buf + n, (uint64_t)oc->facility * 8 + oc->level);
    buf[n++] = '>';
    memcpy(buf + n, oc->ident, strnlen(oc->ident, OUTPUT_IDENT_MAX));
    n += strnlen(oc->ident, OUTPUT_IDENT_MAX);
    buf[n++] = '[';
    n += format_u64(buf + n, (uint64_t)pid);
    buf[n++] = ']';
    buf[n++] = ':';
    buf[n++] = ' ';
    return n;
}


static int devlog_send(const struct output_config *oc, pid_t pid,
                       const char *msg, size_t len)
{
    char header[8 + OUTPUT_IDENT_MAX + 24];
    struct iovec iov[2] = {
        { .iov_base = header, .iov_len = syslog_header(header, oc, pid) },
        { .iov_base = (void *)msg, .iov_len = len },
    };
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd, r;

    memcpy(addr.sun_path, oc->path, strnlen(oc->path, sizeof(addr.sun_path)));
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (sys_connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        r = -errno;
    else
        r = send_bounded(fd, &mh, oc->send_timeout_ms);
    sys_close(fd);
    return r;
}


int output_find(const char *name)
{
    for (size_t i = 0; i < OUTPUT_COUNT; i++)
        if (strcmp(outputs[i].name, name) == 0)
            return (int)i;
    return -ENOENT;
}

bool output_takes_path(int index)
{
    return index >= 0 && (size_t)index < OUTPUT_COUNT &&
           outputs[index].takes_path;
}

const char *output_names(void)
{
    return "devlog, socket:PATH, devnull";
}

static int devnull_send(const struct output_config *oc, pid_t pid,
                        const char *msg, size_t len)
{
    return 0;
}

int output_send(const struct output_config *oc, pid_t pid, const char *msg,
                size_t len)
{
    if (oc->output >= OUTPUT_COUNT)
        return -EINVAL;
    return outputs[oc->output].send(oc, pid, msg, len);
}
