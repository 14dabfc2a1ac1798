/* probe thread: exec from and fork in threads other than the main one. */
#include "probe.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* probe thread                                                        */

static char *thr_argv[3];
static char *thr_argv_conc[4]; /* the concurrent case: marker + "concurrent" */
static pthread_barrier_t thr_barrier;

static void *thread_fork_exec(void *arg)
{
    const char **res = arg;
    pid_t pid = fork();
    if (pid == 0) {
        execve(thr_argv[0], thr_argv, environ);
        _exit(127);
    }
    *res = pid < 0 ? "fork-failed" : wait_str(pid);
    return NULL;
}

static void *thread_exec(void *arg)
{
    (void)arg;
    execve(thr_argv[0], thr_argv, environ);
    _exit(127);
}

static void *thread_exec_delayed(void *arg)
{
    (void)arg;
    sleep_us(20000);
    execve(thr_argv[0], thr_argv, environ);
    _exit(127);
}

static void *thread_exec_barrier(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&thr_barrier);
    execve(thr_argv_conc[0], thr_argv_conc, environ);
    _exit(127);
}

static void *thread_fail_loop(void *arg)
{
    (void)arg;
    for (;;)
        execve(sig_argv_bad[0], sig_argv_bad, environ);
    return NULL;
}

int cmd_thread(const char *marker)
{
    thr_argv[0] = (char *)"/bin/true";
    thr_argv[1] = (char *)marker;
    thr_argv[2] = NULL;
    thr_argv_conc[0] = (char *)"/bin/true";
    thr_argv_conc[1] = (char *)marker;
    thr_argv_conc[2] = (char *)"concurrent";
    thr_argv_conc[3] = NULL;
    pthread_t t;

    /* a non-main thread forks, the child execs */
    {
        const char *res = "?";
        flushall();
        if (pthread_create(&t, NULL, thread_fork_exec, &res))
            die("pthread_create failed");
        pthread_join(t, NULL);
        printf("thread-fork-exec: %s\n", res);
    }
    /* a non-main thread of a child execs: replaces the whole process */
    {
        pid_t pid = xfork();
        if (pid == 0) {
            if (pthread_create(&t, NULL, thread_exec, NULL))
                _exit(120);
            pthread_join(t, NULL);
            _exit(121);
        }
        printf("thread-exec-in-child: %s\n", wait_str(pid));
    }
    /* four threads exec at the same moment */
    {
        pid_t pid = xfork();
        if (pid == 0) {
            pthread_t ts[4];
            pthread_barrier_init(&thr_barrier, NULL, 4);
            for (int i = 0; i < 4; i++)
                if (pthread_create(&ts[i], NULL, thread_exec_barrier, NULL))
                    _exit(120);
            pthread_join(ts[0], NULL);
            _exit(121);
        }
        printf("four-threads-exec-concurrently: %s\n", wait_str(pid));
    }
    /* one thread sits in a failing exec loop while another execs */
    {
        pid_t pid = xfork();
        if (pid == 0) {
            pthread_t ts[2];
            for (int i = 0; i < 2; i++)
                if (pthread_create(&ts[i], NULL, thread_fail_loop, NULL))
                    _exit(120);
            sleep_us(20000);
            execve(thr_argv[0], thr_argv, environ);
            _exit(127);
        }
        printf("exec-while-threads-fail-exec: %s\n", wait_str(pid));
    }
    /* main thread exits via pthread_exit while another thread execs */
    {
        pid_t pid = xfork();
        if (pid == 0) {
            if (pthread_create(&t, NULL, thread_exec_delayed, NULL))
                _exit(120);
            pthread_exit(NULL);
        }
        printf("exec-after-main-thread-exit: %s\n", wait_str(pid));
    }
    return 0;
}
