/* execloop: the benchmark's workload.
 *
 *   execloop fork|vfork|spawn N [CHILD_PRELOAD]
 *       N times: start /bin/true (fork+execve, vfork+execve or posix_spawn)
 *       and wait for it.  Prints one line:
 *           MODE N NS_PER_START MINFLT_PER_CHILD
 *       the wall-clock time per start (CLOCK_MONOTONIC around the loop) and
 *       the minor page faults per child (getrusage(RUSAGE_CHILDREN); a fork
 *       child's faults before the exec count, so the pages the hook touches
 *       in the child show up here).
 *       The child gets our environment without LD_PRELOAD, plus
 *       LD_PRELOAD=CHILD_PRELOAD when given: run execloop with LD_PRELOAD to
 *       preload the parent only, give CHILD_PRELOAD to preload the child
 *       only, use /etc/ld.so.preload for both.
 *   execloop steps fork|vfork N
 *       the user-space instructions each of N fork (or vfork) children
 *       executes from just before its execve call to the exec, counted by
 *       single-stepping it with ptrace: the hook of a fork child, measured
 *       without valgrind (which runs a vfork as a fork) and whatever the
 *       hook's last function is.  Prints "steps MODE COUNT..." (the
 *       library under test is given with LD_PRELOAD).
 *   execloop none
 *       does nothing: the process start alone, for callgrind.
 *   execloop prices
 *       what a few system calls and a page fault cost here, in ns: the
 *       building blocks of a hook (see bench/RESULTS.md).
 *   execloop mem [LIB]
 *       prints, in kB, the Rss, Pss, Private_Clean and Private_Dirty of
 *       /proc/self/smaps_rollup, then the Rss, Pss and Private_Dirty of the
 *       mappings of the file LIB (an absolute path; 0 0 0 without LIB).
 *
 * Any failure (a start that fails, a child that does not exit 0) is fatal:
 * a benchmark that silently measures errors is worse than none. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Under callgrind, a fork child's counters start as a copy of the parent's
 * and the child's profile is lost at execve unless dumped before it (the
 * driver runs callgrind with --dump-before=execve): zeroing them just
 * before the call leaves in the child's profile exactly the exec call,
 * hook included.  Outside valgrind this is a handful of instructions. */
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_ZERO_STATS
#ifdef EXECLOOP_REQUIRE_CALLGRIND
#error "<valgrind/callgrind.h> is needed to measure fork children"
#endif
#define CALLGRIND_ZERO_STATS
#endif

#define TRUE_PATH "/bin/true"

extern char **environ;

/* Set in the worker of `execloop steps`: each child signals its tracer
 * right before its execve call. */
static bool mark;

/* SIGUSR1 to this very thread, by system calls only: safe in a vfork
 * child, whose libc thread data are the parent's. */
static void mark_here(void)
{
    if (mark)
        syscall(SYS_tgkill, syscall(SYS_getpid), syscall(SYS_gettid), SIGUSR1);
}

static void die(const char *what)
{
    fprintf(stderr, "execloop: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* environ without LD_PRELOAD, plus LD_PRELOAD=lib when lib is not NULL. */
static char **child_env(const char *lib)
{
    size_t n = 0, k = 0;
    char **env;

    while (environ[n] != NULL)
        n++;
    env = calloc(n + 2, sizeof(*env));
    if (env == NULL)
        die("calloc");
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
            env[k++] = environ[i];
    if (lib != NULL) {
        size_t len = strlen(lib) + sizeof("LD_PRELOAD=");
        char *e = malloc(len);

        if (e == NULL)
            die("malloc");
        snprintf(e, len, "LD_PRELOAD=%s", lib);
        env[k++] = e;
    }
    env[k] = NULL;
    return env;
}

static void reap(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "execloop: child failed (status 0x%x)\n", status);
        exit(2);
    }
}

static void start_one(const char *mode, char **argv, char **env)
{
    pid_t pid;
    int r;

    if (strcmp(mode, "fork") == 0) {
        pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            mark_here();
            CALLGRIND_ZERO_STATS;
            execve(TRUE_PATH, argv, env);
            _exit(127);
        }
    } else if (strcmp(mode, "vfork") == 0) {
        pid = vfork();
        if (pid < 0)
            die("vfork");
        if (pid == 0) {
            mark_here();
            CALLGRIND_ZERO_STATS;
            execve(TRUE_PATH, argv, env);
            _exit(127);
        }
    } else {
        r = posix_spawn(&pid, TRUE_PATH, NULL, NULL, argv, env);
        if (r != 0) {
            errno = r;
            die("posix_spawn");
        }
    }
    reap(pid);
}

/* Sum of "Key: N kB" lines in a smaps text, optionally only for the
 * mappings of one file. */
static long smaps_sum(const char *text, const char *key, const char *file)
{
    size_t keylen = strlen(key);
    bool in_file = file == NULL;
    long sum = 0;

    for (const char *line = text; *line != '\0';) {
        const char *end = strchrnul(line, '\n');

        /* Mapping headers start with an address range, "7f...-7f... ". */
        if (file != NULL && strchr("0123456789abcdef", *line) != NULL &&
            memchr(line, '-', (size_t)(end - line)) != NULL) {
            size_t flen = strlen(file);

            in_file = (size_t)(end - line) > flen &&
                      memcmp(end - flen, file, flen) == 0 && end[-flen - 1] == ' ';
        } else if (in_file && strncmp(line, key, keylen) == 0) {
            sum += strtol(line + keylen, NULL, 10);
        }
        line = *end ? end + 1 : end;
    }
    return sum;
}

static char *slurp(const char *path)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || buf == NULL)
        die(path);
    while ((n = read(fd, buf + len, cap - 1 - len)) > 0) {
        len += (size_t)n;
        if (len == cap - 1 && (buf = realloc(buf, cap *= 2)) == NULL)
            die("realloc");
    }
    if (n < 0)
        die(path);
    close(fd);
    buf[len] = '\0';
    return buf;
}

/* Memory of this process, which never execs: smaps_rollup, and the
 * mappings of one library from smaps. */
static int mem(const char *lib)
{
    char *rollup = slurp("/proc/self/smaps_rollup");
    char *smaps = lib != NULL ? slurp("/proc/self/smaps") : NULL;

    printf("%ld %ld %ld %ld", smaps_sum(rollup, "Rss:", NULL),
           smaps_sum(rollup, "Pss:", NULL),
           smaps_sum(rollup, "Private_Clean:", NULL),
           smaps_sum(rollup, "Private_Dirty:", NULL));
    if (smaps != NULL)
        printf(" %ld %ld %ld", smaps_sum(smaps, "Rss:", lib),
               smaps_sum(smaps, "Pss:", lib),
               smaps_sum(smaps, "Private_Dirty:", lib));
    else
        printf(" 0 0 0");
    printf("\n");
    return 0;
}

static double now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void open_read_close(const char *path)
{
    char buf[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd >= 0) {
        if (read(fd, buf, sizeof(buf)) < 0)
            die(path);
        close(fd);
    }
}

#define WORKSPACE 78284 /* the size of execlog's per-exec mmap */

static void map_unmap(int touch)
{
    char *p = mmap(NULL, WORKSPACE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (p == MAP_FAILED)
        die("mmap");
    for (int i = 0; i < touch; i++)
        p[i * 4096] = 1;
    munmap(p, WORKSPACE);
}

static void send_devlog(void)
{
    static const char msg[] = "<86>execloop[1]: a line of about a hundred bytes, "
                              "as a short command line makes it: /bin/true";
    struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        die("socket");
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
        send(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    close(fd);
}

/* Of seven timings, the middle one: one preempted run does not move it. */
static double median7(double t[7])
{
    for (int i = 1; i < 7; i++)
        for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
            double x = t[j];

            t[j] = t[j - 1];
            t[j - 1] = x;
        }
    return t[3];
}

/* Median of 7 timings of n calls, per call. */
static double price(void (*fn)(int), int arg, int n)
{
    double t[7];

    for (int k = 0; k < 7; k++) {
        double t0 = now_ns();

        for (int i = 0; i < n; i++)
            fn(arg);
        t[k] = (now_ns() - t0) / n;
    }
    return median7(t);
}

static void do_getppid(int unused) { (void)unused; syscall(SYS_getppid); }
static void do_passwd(int unused) { (void)unused; open_read_close("/etc/passwd"); }
static void do_loginuid(int unused) { (void)unused; open_read_close("/proc/self/loginuid"); }
static void do_map(int touch) { map_unmap(touch); }
static void do_send(int unused) { (void)unused; send_devlog(); }

/* A write to a page the parent wrote before the fork: copy-on-write, what
 * a hook pays in a fork child for every page of data or stack it writes.
 * Median over 7 children of the time per page for 64 pages. */
static double cow_fault(void)
{
    enum { PAGES = 64 };
    char *p = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    double t[7];
    int fds[2];

    if (p == MAP_FAILED || pipe(fds) < 0)
        die("cow_fault");
    memset(p, 1, PAGES * 4096);
    for (int k = 0; k < 7; k++) {
        pid_t pid = fork();

        if (pid < 0)
            die("fork");
        if (pid == 0) {
            double t0 = now_ns(), per;

            for (int i = 0; i < PAGES; i++)
                p[i * 4096] = 2;
            per = (now_ns() - t0) / PAGES;
            _exit(write(fds[1], &per, sizeof(per)) == sizeof(per) ? 0 : 1);
        }
        if (read(fds[0], &t[k], sizeof(t[k])) != sizeof(t[k]))
            die("read");
        reap(pid);
    }
    munmap(p, PAGES * 4096);
    close(fds[0]);
    close(fds[1]);
    return median7(t);
}

static int prices(void)
{
    double map0 = price(do_map, 0, 2000), map4 = price(do_map, 4, 2000);

    printf("system call (getppid)                        %6.0f ns\n", price(do_getppid, 0, 20000));
    printf("open+read+close /etc/passwd                  %6.0f ns\n", price(do_passwd, 0, 5000));
    printf("open+read+close /proc/self/loginuid          %6.0f ns\n", price(do_loginuid, 0, 5000));
    printf("mmap+munmap of 78284 bytes                   %6.0f ns\n", map0);
    printf("page fault (fresh anonymous page)            %6.0f ns\n", (map4 - map0) / 4);
    printf("page fault (copy-on-write in a fork child)   %6.0f ns\n", cow_fault());
    printf("socket+connect+send+close to /dev/log        %6.0f ns\n", price(do_send, 0, 1000));
    return 0;
}

/* The tracer of `execloop steps`: a worker (a fork of this process, so
 * with the same libraries and no hook run yet) starts N children; each is
 * attached on creation, runs free to its mark, is single-stepped from
 * there to its exec, and is detached. */
enum { MAX_STEPPED = 64 };

static int steps(const char *mode, long n)
{
    static struct { pid_t pid; bool stepping; long count; } kids[MAX_STEPPED];
    char *true_argv[] = { (char *)"true", NULL };
    long done = 0, counts[MAX_STEPPED];
    int nkids = 0, status;
    pid_t worker, pid;

    if (n < 1 || n > MAX_STEPPED) {
        fprintf(stderr, "execloop: steps: N must be 1 to %d\n", MAX_STEPPED);
        return 2;
    }
    worker = fork();
    if (worker < 0)
        die("fork");
    if (worker == 0) {
        char **env = child_env(NULL);

        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
            die("PTRACE_TRACEME");
        raise(SIGSTOP);
        mark = true;
        for (long i = 0; i < n; i++)
            start_one(mode, true_argv, env);
        _exit(0);
    }
    if (waitpid(worker, &status, 0) < 0 || !WIFSTOPPED(status))
        die("waitpid worker");
    if (ptrace(PTRACE_SETOPTIONS, worker, NULL,
               (void *)(long)(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                              PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) < 0)
        die("PTRACE_SETOPTIONS");
    ptrace(PTRACE_CONT, worker, NULL, NULL);
    while ((pid = waitpid(-1, &status, __WALL)) > 0) {
        int sig = WIFSTOPPED(status) ? WSTOPSIG(status) : 0, k;
        unsigned event = (unsigned)status >> 16;

        if (pid == worker) {
            if (WIFEXITED(status) || WIFSIGNALED(status))
                break;
            /* Fork, vfork and exec events are SIGTRAP stops: resume. */
            ptrace(PTRACE_CONT, worker, NULL,
                   (void *)(long)(sig == SIGTRAP || sig == SIGSTOP ? 0 : sig));
            continue;
        }
        for (k = 0; k < nkids && kids[k].pid != pid; k++)
            ;
        if (k == nkids) {
            if (nkids == MAX_STEPPED)
                die("too many children");
            kids[nkids++].pid = pid;
        }
        if (!WIFSTOPPED(status))
            continue;
        if (event == PTRACE_EVENT_EXEC) {
            counts[done++] = kids[k].count;
            kids[k].stepping = false;
            ptrace(PTRACE_DETACH, pid, NULL, NULL);
        } else if (sig == SIGUSR1 && !kids[k].stepping) {
            kids[k].stepping = true;
            kids[k].count = 0;
            ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL);
        } else if (sig == SIGTRAP && kids[k].stepping) {
            kids[k].count++;
            ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL);
        } else {
            /* The stop that attaches it, or a signal of its own. */
            ptrace(PTRACE_CONT, pid, NULL,
                   (void *)(long)(sig == SIGSTOP || sig == SIGTRAP ? 0 : sig));
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || done != n) {
        fprintf(stderr, "execloop: steps: worker failed (status 0x%x, %ld of %ld)\n",
                status, done, n);
        return 2;
    }
    printf("steps %s", mode);
    for (long i = 0; i < done; i++)
        printf(" %ld", counts[i]);
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    char *true_argv[] = { (char *)"true", NULL };
    struct timespec t0, t1;
    struct rusage ru;
    char **env;
    long n;

    if (argc == 2 && strcmp(argv[1], "none") == 0)
        return 0;
    if (argc == 2 && strcmp(argv[1], "prices") == 0)
        return prices();
    if ((argc == 2 || argc == 3) && strcmp(argv[1], "mem") == 0)
        return mem(argc == 3 ? argv[2] : NULL);
    if (argc == 4 && strcmp(argv[1], "steps") == 0 &&
        (strcmp(argv[2], "fork") == 0 || strcmp(argv[2], "vfork") == 0))
        return steps(argv[2], strtol(argv[3], NULL, 10));
    if ((argc != 3 && argc != 4) ||
        (strcmp(argv[1], "fork") != 0 && strcmp(argv[1], "vfork") != 0 &&
         strcmp(argv[1], "spawn") != 0)) {
        fprintf(stderr, "usage: execloop fork|vfork|spawn N [CHILD_PRELOAD]\n"
                        "       execloop steps fork|vfork N\n"
                        "       execloop none | prices | mem [LIB]\n");
        return 2;
    }
    n = strtol(argv[2], NULL, 10);
    env = child_env(argc == 4 ? argv[3] : NULL);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++)
        start_one(argv[1], true_argv, env);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
        die("getrusage");
    printf("%s %ld %.0f %.2f\n", argv[1], n,
           n > 0 ? ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n : 0.0,
           n > 0 ? (double)ru.ru_minflt / n : 0.0);
    return 0;
}
