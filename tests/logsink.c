/*
 * logsink SOCKPATH OUTFILE
 *
 * A stand-in for the syslog daemon behind /dev/log in integration tests:
 * binds an AF_UNIX datagram socket at SOCKPATH and appends every datagram
 * it receives, byte for byte and followed by '\n', to OUTFILE.
 *
 * Readiness: SOCKPATH.ready (containing our pid) appears only after the
 * socket is bound, so a script that waits for it cannot lose the first
 * message. SIGTERM (or SIGINT) makes it drain what is already queued and
 * exit 0, so a test that stops the sink after its command has finished
 * sees every datagram that command sent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Larger than any message the library may send (its limits are configurable
 * but far below this); larger datagrams are cut and reported on stderr. */
#define MAX_DGRAM (256 * 1024)
/* A burst of execs (make -j, xargs -P) must not find the queue full. */
#define RCVBUF_SIZE (1024 * 1024)

/* +1 for the '\n' appended so that datagram and separator go out in one
 * write(): with O_APPEND that keeps lines whole even if the file is shared. */
static char buf[MAX_DGRAM + 1];
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void die(const char *what, const char *arg)
{
    fprintf(stderr, "logsink: %s%s%s: %s\n", what, *arg ? " " : "", arg,
            strerror(errno));
    exit(1);
}

/* Read everything queued right now; never blocks. */
static void drain(int sock, int out, const char *outpath)
{
    for (;;) {
        ssize_t n = recv(sock, buf, MAX_DGRAM, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            die("recv on", "socket");
        }
        size_t len = (size_t)n;
        if (len > MAX_DGRAM) {
            /* Keep going: one oversized message must not hide the rest. */
            fprintf(stderr, "logsink: datagram of %zu bytes cut to %d\n",
                    len, MAX_DGRAM);
            len = MAX_DGRAM;
        }
        buf[len] = '\n';
        ssize_t w = write(out, buf, len + 1);
        if (w < 0)
            die("write to", outpath);
        if ((size_t)w != len + 1) {
            /* A split line would silently corrupt the test's input. */
            fprintf(stderr, "logsink: short write to %s\n", outpath);
            exit(1);
        }
    }
}

static void write_ready_file(const char *sockpath)
{
    char ready[sizeof(((struct sockaddr_un *)0)->sun_path) + 16];
    char tmp[sizeof ready + 8];
    char pid[32];

    snprintf(ready, sizeof ready, "%s.ready", sockpath);
    snprintf(tmp, sizeof tmp, "%s.tmp", ready);
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());

    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die("cannot create", tmp);
    if (write(fd, pid, (size_t)len) != len)
        die("cannot write", tmp);
    if (close(fd) < 0)
        die("cannot close", tmp);
    /* rename() so a waiter never reads a half-written pid. */
    if (rename(tmp, ready) < 0)
        die("cannot rename", tmp);
}

static void remove_ready_file(const char *sockpath)
{
    char ready[sizeof(((struct sockaddr_un *)0)->sun_path) + 16];

    snprintf(ready, sizeof ready, "%s.ready", sockpath);
    unlink(ready);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: logsink SOCKPATH OUTFILE\n");
        return 2;
    }
    const char *sockpath = argv[1];
    const char *outpath = argv[2];

    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(sockpath) >= sizeof addr.sun_path) {
        fprintf(stderr, "logsink: socket path too long: %s\n", sockpath);
        return 2;
    }
    strcpy(addr.sun_path, sockpath);

    /* Signals stay blocked except inside ppoll(), so a SIGTERM that arrives
     * between the flag check and the wait cannot be missed. */
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    if (sigprocmask(SIG_BLOCK, &block, &waitmask) < 0)
        die("sigprocmask", "");
    sigdelset(&waitmask, SIGTERM);
    sigdelset(&waitmask, SIGINT);

    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    struct sigaction old;
    sigaction(SIGTERM, &sa, NULL);
    /* A shell starts background jobs with SIGINT ignored; a Ctrl-C meant for
     * the test must not stop the sink before the script drains it. */
    if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
        sigaction(SIGINT, &sa, NULL);

    int out = open(outpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out < 0)
        die("cannot open", outpath);

    int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        die("socket", "");
    int size = RCVBUF_SIZE;
    /* SO_RCVBUFFORCE ignores net.core.rmem_max but needs CAP_NET_ADMIN;
     * without it take what SO_RCVBUF gives. */
    if (setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
        setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);

    /* Only a leftover socket is removed: a regular file at SOCKPATH means a
     * wrong argument, not a stale sink. */
    struct stat st;
    if (lstat(sockpath, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "logsink: %s exists and is not a socket\n",
                    sockpath);
            return 1;
        }
        if (unlink(sockpath) < 0)
            die("cannot remove stale", sockpath);
    }
    if (bind(sock, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("cannot bind", sockpath);
    /* Senders run as any user, like clients of the real /dev/log. */
    if (chmod(sockpath, 0666) < 0)
        die("cannot chmod", sockpath);

    write_ready_file(sockpath);

    while (!stop) {
        struct pollfd p = { .fd = sock, .events = POLLIN };
        if (ppoll(&p, 1, NULL, &waitmask) < 0) {
            if (errno == EINTR)
                continue;
            die("ppoll", "");
        }
        drain(sock, out, outpath);
    }
    drain(sock, out, outpath);

    /* Leave no socket behind that a later sender could mistake for a
     * listening sink (its datagrams would fail with ECONNREFUSED). */
    remove_ready_file(sockpath);
    unlink(sockpath);
    if (close(out) < 0)
        die("cannot close", outpath);
    return 0;
}
