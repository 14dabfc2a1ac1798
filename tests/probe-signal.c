/* probe signal: exec from a signal handler, also mid-malloc, mid-exec, mid-stdio. */
#include "probe.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* probe signal                                                        */

static char *sig_argv_ok[3];
char *const sig_argv_bad[] = { (char *)"/nonexistent/execlog-probe", (char *)"nolog-signal", NULL };
static volatile sig_atomic_t sig_count;
static volatile sig_atomic_t sig_fails_wanted;
static volatile sig_atomic_t sig_bad_errno;

static void exec_handler(int sig)
{
    (void)sig;
    int saved = errno;
    if (++sig_count <= sig_fails_wanted) {
        execve(sig_argv_bad[0], sig_argv_bad, environ);
        if (errno != ENOENT)
            sig_bad_errno = errno;
    } else {
        if (sig_bad_errno)
            _exit(100);
        execve(sig_argv_ok[0], sig_argv_ok, environ);
        _exit(126);
    }
    errno = saved;
}

enum sig_busy { BUSY_NONE, BUSY_MALLOC, BUSY_EXEC, BUSY_STDIO };

static void signal_child(enum sig_busy busy, int fails)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = exec_handler;
    sigemptyset(&sa.sa_mask);
    sig_fails_wanted = fails;
    if (busy == BUSY_NONE) {
        sigaction(SIGUSR1, &sa, NULL);
        raise(SIGUSR1);
        _exit(125);
    }
    sigaction(SIGALRM, &sa, NULL);
    FILE *devnull = fopen("/dev/null", "we");
    struct itimerval it = { { 0, 300 }, { 0, 300 } };
    setitimer(ITIMER_REAL, &it, NULL);
    unsigned long i = 0;
    void *keep[16] = { 0 };
    for (;;) {
        i++;
        switch (busy) {
        case BUSY_MALLOC: {
            size_t k = i % 16;
            free(keep[k]);
            keep[k] = malloc(16 + (i * 7919) % 4000);
            if (i % 3 == 0)
                keep[k] = realloc(keep[k], 5000 + i % 100000);
            break;
        }
        case BUSY_EXEC:
            execve(sig_argv_bad[0], sig_argv_bad, environ);
            break;
        case BUSY_STDIO:
            fprintf(devnull, "%lu %s %f\n", i, "busy", (double)i / 3.0);
            fflush(devnull);
            break;
        default: break;
        }
    }
}

int cmd_signal(const char *marker)
{
    sig_argv_ok[0] = (char *)"/bin/true";
    sig_argv_ok[1] = (char *)marker;
    sig_argv_ok[2] = NULL;
    struct {
        const char *name;
        enum sig_busy busy;
        int fails;
    } cases[] = {
        { "handler-exec", BUSY_NONE, 0 },
        { "handler-exec-after-failures", BUSY_NONE, 0 },
        { "handler-exec-during-malloc", BUSY_MALLOC, 300 },
        { "handler-exec-during-failing-exec", BUSY_EXEC, 300 },
        { "handler-exec-during-stdio", BUSY_STDIO, 300 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pid_t pid = xfork();
        if (pid == 0) {
            if (i == 1) {
                /* the handler first fails one exec, then succeeds */
                struct sigaction sa;
                memset(&sa, 0, sizeof sa);
                sa.sa_handler = exec_handler;
                sig_fails_wanted = 1;
                sigaction(SIGUSR1, &sa, NULL);
                raise(SIGUSR1);
                raise(SIGUSR1);
                _exit(125);
            }
            signal_child(cases[i].busy, cases[i].fails);
            _exit(124);
        }
        printf("%s: %s\n", cases[i].name, wait_str(pid));
        fflush(stdout);
    }
    return 0;
}
