/*
 * nomalloc -- check that the exec-family wrappers of libexeclog.so do not
 * allocate between their entry and the real exec system call.
 *
 * This program defines malloc, calloc, realloc, free, ... itself.  Symbols of
 * the executable come first in the dynamic linker's lookup order, so every
 * allocation made by libexeclog.so (and by libc on its behalf: syslog(),
 * opendir(), getpwuid(), strdup(), ...) goes through these definitions, which
 * count the call and forward to glibc's __libc_* allocator.
 *
 * The counter lives in a MAP_SHARED page, one slot per test case.  A fork
 * child points the counter at its slot and immediately calls the entry point.
 * Whether the exec then succeeds (the child image is replaced, so nothing is
 * counted afterwards) or fails, the parent reads the slot: it must be 0.
 *
 * Each entry point is tried on:
 *   ok          /bin/true (via PATH for the p variants): a successful exec,
 *               the one the library must log
 *   badinterp   an executable "#!/nonexistent/interp" script: passes every
 *               permission check, fails with ENOENT in the kernel
 *   garbage     an executable file with garbage content and no #! line:
 *               ENOEXEC (the p variants fall back to /bin/sh, which is fine)
 *   truncelf    an executable with a valid ELF magic, truncated: ENOEXEC
 *
 * usage: nomalloc [--sink FILE]
 *   With --sink, FILE is the file the log sink of tests/sandbox.sh writes;
 *   the test then also FAILS unless at least one line from this program
 *   arrived there (otherwise the logging path was never exercised).
 *
 * Exit: 0 pass, 1 fail, 2 setup error, 77 the interposer does not work in this
 * build (sanitizers replace malloc).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Sanitizers bring their own allocator; counting on top of it cannot work. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NOMALLOC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define NOMALLOC_SANITIZED 1
#endif
#endif

#ifdef NOMALLOC_SANITIZED
int main(void)
{
    printf("nomalloc: SKIP: built with a sanitizer, which replaces malloc\n");
    return 77;
}
#else

/* ------------------------------------------------------------------ */
/* counting allocator                                                  */

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

static atomic_ulong local_count;
static atomic_ulong *volatile alloc_count = &local_count;

static inline void count(void)
{
    atomic_fetch_add_explicit(alloc_count, 1, memory_order_relaxed);
}

void *malloc(size_t n)
{
    count();
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    count();
    return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    count();
    return __libc_realloc(p, n);
}

void *reallocarray(void *p, size_t n, size_t m)
{
    if (m && n > SIZE_MAX / m) {
        count();
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, n * m);
}

void free(void *p)
{
    count();
    __libc_free(p);
}

void *memalign(size_t a, size_t n)
{
    count();
    return __libc_memalign(a, n);
}

void *aligned_alloc(size_t a, size_t n)
{
    count();
    return __libc_memalign(a, n);
}

int posix_memalign(void **out, size_t a, size_t n)
{
    count();
    if (a < sizeof(void *) || (a & (a - 1)))
        return EINVAL;
    void *p = __libc_memalign(a, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t n)
{
    count();
    return __libc_valloc(n);
}

void *pvalloc(size_t n)
{
    count();
    return __libc_pvalloc(n);
}

/* ------------------------------------------------------------------ */

#define MAXCASES 64

struct shared {
    atomic_ulong count[MAXCASES];
    int reached[MAXCASES]; /* child got as far as the call */
    int err[MAXCASES];     /* errno of a failed exec */
};

enum ent { E_EXECVE, E_EXECV, E_EXECVP, E_EXECVPE, E_EXECL, E_EXECLE, E_EXECLP, E_FEXECVE, E_EXECVEAT, E_COUNT };
static const char *const ent_names[E_COUNT] = {
    "execve", "execv", "execvp", "execvpe", "execl", "execle", "execlp", "fexecve", "execveat",
};

#define MARKER "execlog-nomalloc"

static const char *errname(int e)
{
    switch (e) {
    case 0: return "0";
    case ENOENT: return "ENOENT";
    case ENOEXEC: return "ENOEXEC";
    case EACCES: return "EACCES";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case E2BIG: return "E2BIG";
    default: return "other";
    }
}

static void die(const char *what)
{
    fprintf(stderr, "nomalloc: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void write_file(const char *path, const void *buf, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd) != 0 || chmod(path, 0755) != 0)
        die(path);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* -1: hung (killed) */
static int wait_child(pid_t pid)
{
    long long deadline = now_ms() + 10000;
    int st;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return st;
        if (r == -1 && errno != EINTR)
            return -2;
        if (now_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
}

static size_t count_sink_lines(const char *sink)
{
    FILE *f = fopen(sink, "re");
    if (!f)
        return 0;
    char line[8192];
    size_t n = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, MARKER "-"))
            n++;
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    const char *sink = NULL;
    if (argc == 3 && !strcmp(argv[1], "--sink"))
        sink = argv[2];
    else if (argc != 1) {
        fprintf(stderr, "usage: nomalloc [--sink FILE]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* sanity: the interposer really is in use */
    unsigned long c0 = atomic_load(&local_count);
    void *(*volatile malloc_fn)(size_t) = malloc; /* keep the compiler from eliding the pair */
    void (*volatile free_fn)(void *) = free;
    free_fn(malloc_fn(1));
    if (atomic_load(&local_count) != c0 + 2) {
        /* e.g. built with -fsanitize=address, whose allocator takes over */
        fprintf(stderr, "nomalloc: SKIP: the malloc interposer is not active; cannot test\n");
        return 77;
    }

    struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        die("mmap");

    char dir[] = "/tmp/nomalloc-fixture-XXXXXX";
    if (!mkdtemp(dir))
        die("mkdtemp");
    char p_badinterp[128], p_garbage[128], p_truncelf[128];
    snprintf(p_badinterp, sizeof p_badinterp, "%s/badinterp", dir);
    snprintf(p_garbage, sizeof p_garbage, "%s/garbage", dir);
    snprintf(p_truncelf, sizeof p_truncelf, "%s/truncelf", dir);
    write_file(p_badinterp, "#!/nonexistent/interp\n", 22);
    write_file(p_garbage, "\001\002\003 garbage, not a script\n", 28);
    static const char elf[64] = "\177ELF\2\1\1";
    write_file(p_truncelf, elf, sizeof elf);

    struct {
        const char *name;
        const char *abs;
        const char *rel;
    } targets[] = {
        { "ok", "/bin/true", "true" },
        { "badinterp", p_badinterp, p_badinterp },
        { "garbage", p_garbage, p_garbage },
        { "truncelf", p_truncelf, p_truncelf },
    };
    const int ntargets = (int)(sizeof targets / sizeof targets[0]);

    int failures = 0, slot = 0;
    for (int e = 0; e < E_COUNT; e++) {
        for (int t = 0; t < ntargets; t++, slot++) {
            int pvariant = e == E_EXECVP || e == E_EXECVPE || e == E_EXECLP;
            const char *path = pvariant ? targets[t].rel : targets[t].abs;
            char arg1[64];
            snprintf(arg1, sizeof arg1, MARKER "-%s-%s", ent_names[e], targets[t].name);
            char *av[] = { (char *)path, arg1, NULL };
            int fd = -1;
            if (e == E_FEXECVE) {
                /* not O_CLOEXEC: scripts need the fd to survive the exec */
                fd = open(targets[t].abs, O_RDONLY);
                if (fd < 0)
                    die(targets[t].abs);
            }
            fflush(stdout);
            fflush(stderr);
            pid_t pid = fork();
            if (pid == -1)
                die("fork");
            if (pid == 0) {
                /* quiet the /bin/sh fallback of the p variants */
                int nul = open("/dev/null", O_RDWR);
                if (nul >= 0) {
                    dup2(nul, 1);
                    dup2(nul, 2);
                }
                /* from here to the call: nothing that could allocate */
                alloc_count = &sh->count[slot];
                sh->reached[slot] = 1;
                switch (e) {
                case E_EXECVE: execve(path, av, environ); break;
                case E_EXECV: execv(path, av); break;
                case E_EXECVP: execvp(path, av); break;
                case E_EXECVPE: execvpe(path, av, environ); break;
                case E_EXECL: execl(path, av[0], av[1], (char *)NULL); break;
                case E_EXECLE: execle(path, av[0], av[1], (char *)NULL, environ); break;
                case E_EXECLP: execlp(path, av[0], av[1], (char *)NULL); break;
                case E_FEXECVE: fexecve(fd, av, environ); break;
                case E_EXECVEAT: execveat(AT_FDCWD, path, av, environ, 0); break;
                default: break;
                }
                sh->err[slot] = errno;
                _exit(120);
            }
            if (fd >= 0)
                close(fd);
            int st = wait_child(pid);
            unsigned long n = atomic_load(&sh->count[slot]);
            char res[64];
            if (st == -1)
                snprintf(res, sizeof res, "HUNG");
            else if (st == -2)
                snprintf(res, sizeof res, "waitpid-failed");
            else if (WIFEXITED(st) && WEXITSTATUS(st) == 120)
                snprintf(res, sizeof res, "failed errno=%s", errname(sh->err[slot]));
            else if (WIFEXITED(st))
                snprintf(res, sizeof res, "exec'd exit=%d", WEXITSTATUS(st));
            else
                snprintf(res, sizeof res, "signal=%d", WIFSIGNALED(st) ? WTERMSIG(st) : -1);
            int bad = n != 0 || st < 0 || !sh->reached[slot];
            if (!strcmp(targets[t].name, "ok") && !(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0))
                bad = 1;
            printf("%-8s %-9s allocs=%lu %s%s\n", ent_names[e], targets[t].name, n, res, bad ? "  <-- FAIL" : "");
            failures += bad;
        }
    }

    unlink(p_badinterp);
    unlink(p_garbage);
    unlink(p_truncelf);
    rmdir(dir);

    if (failures) {
        printf("FAIL: %d case(s) allocated memory, hung or did not behave as expected.\n"
               "An allocation between an exec wrapper's entry and the exec system call is not\n"
               "async-signal-safe: a vfork child or a signal handler calling exec can deadlock.\n",
               failures);
    }
    if (sink) {
        size_t lines = 0;
        for (int i = 0; i < 50; i++) { /* the sink may lag behind a little */
            lines = count_sink_lines(sink);
            if (lines)
                break;
            struct timespec ts = { 0, 100000000 };
            nanosleep(&ts, NULL);
        }
        printf("log lines from this test in %s: %zu\n", sink, lines);
        if (!lines) {
            printf("FAIL: no log line arrived, so the logging path was never exercised and the\n"
                   "allocation counts above prove nothing.\n");
            failures++;
        }
    } else {
        printf("note: no --sink given; not checking that the logging path was exercised\n");
    }
    printf("%s\n", failures ? "nomalloc: FAIL" : "nomalloc: PASS");
    return failures ? 1 : 0;
}
#endif /* !NOMALLOC_SANITIZED */
