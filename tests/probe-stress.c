/* probe stress N: N fork+execve from 8 threads while 2 threads fail execs. */
#include "probe.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* probe stress N                                                      */

#define STRESS_WORKERS 8
#define STRESS_FAILERS 2
#define STRESS_MAX_HUNG 3 /* give up after this many: each costs HANG_MS */

static atomic_long st_forks, st_hung, st_bad, st_forkfail, st_failerr, st_failcalls, st_progress;
static atomic_int st_stop, st_abort;
static char *const st_argv[] = { (char *)"/bin/true", (char *)"execlog-stress", NULL };
static char *const st_bad_argv[] = { (char *)"/nonexistent/nolog-stress", (char *)"nolog-stress", NULL };

static void *stress_worker(void *arg)
{
    long n = (long)(intptr_t)arg;
    for (long i = 0; i < n && !atomic_load(&st_abort); i++) {
        pid_t pid;
        int tries = 0;
        while ((pid = fork()) == -1 && errno == EAGAIN && tries++ < 200)
            sleep_us(10000);
        if (pid == -1) {
            atomic_fetch_add(&st_forkfail, 1);
            continue;
        }
        if (pid == 0) {
            execve(st_argv[0], st_argv, environ);
            _exit(127);
        }
        int st = 0;
        int w = wait_timeout(pid, HANG_MS, &st);
        if (w == 1) {
            if (atomic_fetch_add(&st_hung, 1) + 1 >= STRESS_MAX_HUNG)
                atomic_store(&st_abort, 1);
            fprintf(stderr, "probe: stress child %d HUNG, killed\n", (int)pid);
        } else if (w != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            atomic_fetch_add(&st_bad, 1);
        }
        atomic_fetch_add(&st_forks, 1);
        atomic_fetch_add(&st_progress, 1);
    }
    return NULL;
}

static void *stress_failer(void *arg)
{
    (void)arg;
    while (!atomic_load(&st_stop)) {
        execve(st_bad_argv[0], st_bad_argv, environ);
        if (errno != ENOENT)
            atomic_fetch_add(&st_failerr, 1);
        atomic_fetch_add(&st_failcalls, 1);
        atomic_fetch_add(&st_progress, 1);
    }
    return NULL;
}

int cmd_stress(long n)
{
    if (n < 0)
        die("stress: N must be >= 0");
    pthread_t w[STRESS_WORKERS], f[STRESS_FAILERS];
    flushall();
    for (int i = 0; i < STRESS_FAILERS; i++)
        if (pthread_create(&f[i], NULL, stress_failer, NULL))
            die("pthread_create failed");
    for (int i = 0; i < STRESS_WORKERS; i++) {
        long share = n / STRESS_WORKERS + (i < n % STRESS_WORKERS ? 1 : 0);
        if (pthread_create(&w[i], NULL, stress_worker, (void *)(intptr_t)share))
            die("pthread_create failed");
    }
    /* watchdog for the parent itself: no progress for 30 s means deadlock */
    long last = -1;
    long long last_change = now_ms();
    while (atomic_load(&st_forks) + atomic_load(&st_forkfail) < n && !atomic_load(&st_abort)) {
        sleep_us(100000);
        long p = atomic_load(&st_progress);
        if (p != last) {
            last = p;
            last_change = now_ms();
        } else if (now_ms() - last_change > 30000) {
            printf("HUNG (parent made no progress for 30 s)\n");
            printf("forks=%ld hung=%ld\n", atomic_load(&st_forks), atomic_load(&st_hung) + 1);
            fflush(stdout);
            _exit(1);
        }
    }
    for (int i = 0; i < STRESS_WORKERS; i++)
        pthread_join(w[i], NULL);
    atomic_store(&st_stop, 1);
    for (int i = 0; i < STRESS_FAILERS; i++)
        pthread_join(f[i], NULL);
    fprintf(stderr, "probe: stress failing execve calls: %ld\n", atomic_load(&st_failcalls));
    if (atomic_load(&st_abort))
        printf("HUNG: gave up after %d hung children\n", STRESS_MAX_HUNG);
    printf("fork-failures=%ld\n", atomic_load(&st_forkfail));
    printf("exit-nonzero=%ld\n", atomic_load(&st_bad));
    printf("failing-exec-unexpected-errno=%ld\n", atomic_load(&st_failerr));
    printf("forks=%ld hung=%ld\n", atomic_load(&st_forks), atomic_load(&st_hung));
    return 0;
}
