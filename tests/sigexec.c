/*
 * sigexec -- exec under pressure, for tests/stress.sh and tests/security.sh.
 *
 *   sigexec storm WORKERS EXECS HAMMERS MARKER DIR
 *       WORKERS threads each fork EXECS children that execve
 *       "/bin/true MARKER-w", while HAMMERS threads call execve on an
 *       executable file that is not a program (DIR/MARKER-h, created here):
 *       each such call passes the library's checks, is logged, fails with
 *       ENOEXEC and is logged again as failed, so the hammers are inside the
 *       hook whenever a worker forks.  Prints
 *         forks=N hung=N failed=N
 *         hammer-calls=N hammer-unexpected-errno=N
 *   sigexec alarm N MARKER DIR
 *       For each of three things a process can be doing (hooking: an exec
 *       that is logged and fails with ENOEXEC, of DIR/MARKER-busy; failing:
 *       an exec of a missing file; allocating: malloc/free), N children arm a
 *       one-shot SIGALRM whose handler execs "/bin/true MARKER-KIND-I", at
 *       a different moment each.  Prints "alarm-KIND: ok=N hung=N failed=N".
 *   sigexec secure MARKER
 *       Prints "at-secure=N ruid=N euid=N", then execve("/bin/true",
 *       ["/bin/true", MARKER]) (security.sh runs a setuid copy).
 *
 * A child that has not exited after 10 s is killed and counted as hung.
 * Exit: 0 when the counts could be produced (the caller judges them), 2 on
 * usage or setup errors.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define HANG_MS 10000

static void die(const char *what)
{
    fprintf(stderr, "sigexec: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void pause_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* 0 exited (status in *status), 1 hung (killed and reaped), -1 error. */
static int wait_bounded(pid_t pid, int *status)
{
    for (long waited = 0; waited < HANG_MS * 10L; waited++) {
        pid_t r = waitpid(pid, status, WNOHANG);

        if (r == pid)
            return 0;
        if (r < 0 && errno != EINTR)
            return -1;
        pause_us(100);
    }
    kill(pid, SIGKILL);
    waitpid(pid, status, 0);
    return 1;
}

/* An executable file the kernel refuses with ENOEXEC: no ELF, no "#!". */
static char *make_enoexec(const char *dir, const char *name)
{
    static const char junk[] = "\x01\x02 not a program\n";
    char *path;
    int fd;

    if (asprintf(&path, "%s/%s", dir, name) < 0)
        die("asprintf");
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (fd < 0 || write(fd, junk, sizeof(junk) - 1) < 0 ||
        fchmod(fd, 0755) < 0 || close(fd) < 0)
        die(path);
    return path;
}

/* ---- storm ------------------------------------------------------------ */

/* pthread_create with a small stack, retried while the system is short of
 * tasks (EAGAIN): under make -j, other tests fork hard at the same time. */
static void start_thread(pthread_t *t, void *(*fn)(void *))
{
    pthread_attr_t attr;
    int r, tries = 0;

    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 512 * 1024);
    while ((r = pthread_create(t, &attr, fn, NULL)) == EAGAIN && tries++ < 200)
        pause_us(10000);
    pthread_attr_destroy(&attr);
    if (r != 0) {
        errno = r;
        die("pthread_create");
    }
}

static atomic_long forks, hung, failed, hammer_calls, hammer_errno;
static atomic_int workers_done;
static char *worker_argv[3], *hammer_argv[3];
static long execs_per_worker;

static void *worker(void *arg)
{
    for (long i = 0; i < execs_per_worker; i++) {
        int status = 0, w, tries = 0;
        pid_t pid;

        /* As for threads: EAGAIN is the system's, not the library's. */
        while ((pid = fork()) < 0 && errno == EAGAIN && tries++ < 200)
            pause_us(10000);
        if (pid == 0) {
            execve(worker_argv[0], worker_argv, environ);
            _exit(127);
        }
        if (pid < 0) {
            atomic_fetch_add(&failed, 1);
            pause_us(1000);
            continue;
        }
        atomic_fetch_add(&forks, 1);
        w = wait_bounded(pid, &status);
        if (w == 1)
            atomic_fetch_add(&hung, 1);
        else if (w < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            atomic_fetch_add(&failed, 1);
    }
    return arg;
}

static void *hammer(void *arg)
{
    while (!atomic_load(&workers_done)) {
        execve(hammer_argv[0], hammer_argv, environ);
        if (errno != ENOEXEC)
            atomic_fetch_add(&hammer_errno, 1);
        atomic_fetch_add(&hammer_calls, 1);
        /* Room for the log receiver: the point is being inside the hook
         * when a worker forks, not filling the receiver's queue. */
        pause_us(2000);
    }
    return arg;
}

static int storm(long nworkers, long execs, long nhammers, const char *marker,
                 const char *dir)
{
    pthread_t w[64], h[64];
    char *wmark, *hmark;

    if (nworkers < 1 || nworkers > 64 || nhammers < 0 || nhammers > 64 ||
        execs < 0) {
        fprintf(stderr, "sigexec storm: 1-64 workers, 0-64 hammers\n");
        return 2;
    }
    if (asprintf(&wmark, "%s-w", marker) < 0)
        die("asprintf");
    if (asprintf(&hmark, "%s-h", marker) < 0)
        die("asprintf");
    worker_argv[0] = (char *)"/bin/true";
    worker_argv[1] = wmark;
    hammer_argv[0] = make_enoexec(dir, hmark);
    hammer_argv[1] = hmark;
    execs_per_worker = execs;
    for (long i = 0; i < nhammers; i++)
        start_thread(&h[i], hammer);
    for (long i = 0; i < nworkers; i++)
        start_thread(&w[i], worker);
    for (long i = 0; i < nworkers; i++)
        pthread_join(w[i], NULL);
    atomic_store(&workers_done, 1);
    for (long i = 0; i < nhammers; i++)
        pthread_join(h[i], NULL);
    unlink(hammer_argv[0]);
    free(hammer_argv[0]);
    free(wmark);
    free(hmark);
    printf("forks=%ld hung=%ld failed=%ld\n", atomic_load(&forks),
           atomic_load(&hung), atomic_load(&failed));
    printf("hammer-calls=%ld hammer-unexpected-errno=%ld\n",
           atomic_load(&hammer_calls), atomic_load(&hammer_errno));
    return 0;
}

/* ---- alarm ------------------------------------------------------------ */

static char *alarm_argv[3];
static char alarm_marker[128];

static void exec_on_alarm(int sig)
{
    execve(alarm_argv[0], alarm_argv, environ);
    _exit(126);
}

enum busy { BUSY_HOOKING, BUSY_FAILING, BUSY_ALLOCATING };

static __attribute__((noreturn)) void alarm_child(enum busy busy, long delay_us,
                                                  char *const *enoexec_argv)
{
    static char *const missing[] = { (char *)"/nonexistent/sigexec-missing",
                                     NULL };
    struct sigaction sa;
    struct itimerval it = { { 0, 0 }, { 0, delay_us } };
    void *keep[16] = { NULL };

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = exec_on_alarm;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) < 0 ||
        setitimer(ITIMER_REAL, &it, NULL) < 0)
        _exit(125);
    for (unsigned long i = 0;; i++) {
        switch (busy) {
        case BUSY_HOOKING:
            execve(enoexec_argv[0], enoexec_argv, environ);
            break;
        case BUSY_FAILING:
            execve(missing[0], missing, environ);
            break;
        case BUSY_ALLOCATING:
            free(keep[i % 16]);
            keep[i % 16] = malloc(16 + (i * 7919) % 5000);
            break;
        }
    }
}

static int alarms(long n, const char *marker, const char *dir)
{
    static const char *const names[] = { "hooking", "failing", "allocating" };
    char *enoexec_argv[3];
    char *hmark;

    if (n < 0) {
        fprintf(stderr, "sigexec alarm: N >= 0\n");
        return 2;
    }
    if (asprintf(&hmark, "%s-busy", marker) < 0)
        die("asprintf");
    enoexec_argv[0] = make_enoexec(dir, hmark);
    enoexec_argv[1] = hmark;
    enoexec_argv[2] = NULL;
    alarm_argv[0] = (char *)"/bin/true";
    alarm_argv[1] = alarm_marker;
    for (int kind = BUSY_HOOKING; kind <= BUSY_ALLOCATING; kind++) {
        long ok = 0, nhung = 0, nfailed = 0;

        for (long i = 0; i < n; i++) {
            int status = 0, w;
            pid_t pid;

            snprintf(alarm_marker, sizeof(alarm_marker), "%s-%s-%ld", marker,
                     names[kind], i);
            fflush(stdout);
            pid = fork();
            if (pid == 0)
                /* 50 us to 2 ms: the signal lands anywhere in the hook. */
                alarm_child((enum busy)kind, 50 + (i * 997) % 1950,
                            enoexec_argv);
            if (pid < 0)
                die("fork");
            w = wait_bounded(pid, &status);
            if (w == 1)
                nhung++;
            else if (w == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
                ok++;
            else
                nfailed++;
        }
        printf("alarm-%s: ok=%ld hung=%ld failed=%ld\n", names[kind], ok,
               nhung, nfailed);
    }
    unlink(enoexec_argv[0]);
    free(enoexec_argv[0]);
    free(hmark);
    return 0;
}

/* ---- secure ----------------------------------------------------------- */

static int secure(const char *marker)
{
    char *argv[] = { (char *)"/bin/true", (char *)marker, NULL };

    printf("at-secure=%lu ruid=%d euid=%d\n", getauxval(AT_SECURE),
           (int)getuid(), (int)geteuid());
    fflush(stdout);
    execve(argv[0], argv, environ);
    perror("sigexec: execve /bin/true");
    return 127;
}

int main(int argc, char **argv)
{
    if (argc == 7 && strcmp(argv[1], "storm") == 0)
        return storm(atol(argv[2]), atol(argv[3]), atol(argv[4]), argv[5],
                     argv[6]);
    if (argc == 5 && strcmp(argv[1], "alarm") == 0)
        return alarms(atol(argv[2]), argv[3], argv[4]);
    if (argc == 3 && strcmp(argv[1], "secure") == 0)
        return secure(argv[2]);
    fprintf(stderr, "usage: sigexec storm WORKERS EXECS HAMMERS MARKER DIR\n"
                    "       sigexec alarm N MARKER DIR\n"
                    "       sigexec secure MARKER\n");
    return 2;
}
