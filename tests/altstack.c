/* Runs a program from a signal handler on a small alternate stack, as
 * some programs do (a crash handler that execs a reporter), to find how
 * much stack an entry point needs with and without the library.
 *
 *   altstack ENTRY PATH_LENGTH DIR_LENGTH STACK_BYTES   one try: exit 0
 *                  if the program ran, else the signal or a status that
 *                  says why
 *   altstack --min ENTRY PATH_LENGTH DIR_LENGTH   the smallest STACK_BYTES
 *                  (in steps of 64) that works
 *
 * ENTRY is execve or execl, which run /bin/true, or execvp, execlp,
 * execvpe, posix_spawnp or system, which run "true" by a PATH search through PATH_LENGTH bytes of directories of
 * DIR_LENGTH bytes each that do not exist, ending with /usr/bin:/bin.  Below the stack is a page without
 * access, so an overflow is a SIGSEGV, never a silent corruption. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *entry;

/* Only async-signal-safe calls from here: this runs as the handler. */
static void run_true(int sig)
{
    char *argv[] = { (char *)"true", NULL };
    pid_t pid;
    int status;

    (void)sig;
    if (strcmp(entry, "execve") == 0)
        execve("/bin/true", argv, environ);
    else if (strcmp(entry, "execl") == 0)
        execl("/bin/true", "true", (char *)NULL);
    else if (strcmp(entry, "execvp") == 0)
        execvp("true", argv);
    else if (strcmp(entry, "execlp") == 0)
        execlp("true", "true", (char *)NULL);
    else if (strcmp(entry, "execvpe") == 0)
        execvpe("true", argv, environ);
    else if (strcmp(entry, "posix_spawnp") == 0)
        _exit(posix_spawnp(&pid, "true", NULL, NULL, argv, environ) == 0 &&
                      waitpid(pid, &status, 0) == pid && status == 0
                  ? 0
                  : 3);
    else if (strcmp(entry, "system") == 0)
        _exit(system("true") == 0 ? 0 : 3);
    _exit(2);
}

/* PATH of about length bytes: directories of dir_length bytes that do
 * not exist, each tried and failed before the last two. */
static int set_path(size_t length, size_t dir_length)
{
    static const char tail[] = "/usr/bin:/bin";
    static const char prefix[] = "/nonexistent-execlog-altstack/";
    char *path = malloc(length + sizeof(tail) + dir_length);
    size_t used = 0;

    if (path == NULL || dir_length < sizeof(prefix))
        return -1;
    while (used + dir_length <= length) {
        memcpy(path + used, prefix, sizeof(prefix) - 1);
        memset(path + used + sizeof(prefix) - 1, 'd',
               dir_length - sizeof(prefix));
        path[used + dir_length - 1] = ':';
        used += dir_length;
    }
    memcpy(path + used, tail, sizeof(tail));
    return setenv("PATH", path, 1);
}

/* One try in a child; returns its wait status. */
static size_t dir_length;

static int try_once(size_t path_length, size_t stack_bytes)
{
    pid_t pid = fork();
    int status;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        long page = sysconf(_SC_PAGESIZE);
        size_t size = (stack_bytes + (size_t)page - 1) / (size_t)page *
                      (size_t)page;
        char *base = mmap(NULL, size + (size_t)page, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        struct sigaction sa = { .sa_handler = run_true,
                                .sa_flags = SA_ONSTACK };
        stack_t ss;

        if (base == MAP_FAILED || mprotect(base, (size_t)page, PROT_NONE) < 0 ||
            set_path(path_length, dir_length) < 0)
            _exit(4);
        /* The bottom just above the guard page, so that a frame reaching
         * past stack_bytes faults (the stack grows down from the top). */
        ss = (stack_t){ .ss_sp = base + (size_t)page,
                        .ss_size = stack_bytes };
        if (sigaltstack(&ss, NULL) < 0 || sigaction(SIGUSR1, &sa, NULL) < 0)
            _exit(5);
        raise(SIGUSR1);
        _exit(6);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return status;
}

static int find_min(size_t path_length)
{
    size_t low = 2048, high = 1 << 20;

    if (try_once(path_length, high) != 0) {
        fprintf(stderr, "altstack: %s fails even with %zu bytes\n", entry,
                high);
        return 1;
    }
    /* The kernel refuses stacks below MINSIGSTKSZ; below low nothing runs. */
    while (high - low > 64) {
        size_t mid = (low + high) / 2 / 64 * 64;

        if (try_once(path_length, mid) == 0)
            high = mid;
        else
            low = mid;
    }
    printf("%zu\n", high);
    return 0;
}

int main(int argc, char **argv)
{
    int status;

    if (argc == 5 && strcmp(argv[1], "--min") == 0) {
        entry = argv[2];
        dir_length = strtoul(argv[4], NULL, 10);
        return find_min(strtoul(argv[3], NULL, 10));
    }
    if (argc != 5) {
        fprintf(stderr, "usage: altstack ENTRY PATH_LENGTH DIR_LENGTH "
                        "STACK_BYTES\n"
                        "       altstack --min ENTRY PATH_LENGTH "
                        "DIR_LENGTH\n");
        return 64;
    }
    entry = argv[1];
    dir_length = strtoul(argv[3], NULL, 10);
    status = try_once(strtoul(argv[2], NULL, 10), strtoul(argv[4], NULL, 10));
    if (status == 0)
        return 0;
    if (WIFSIGNALED(status))
        printf("killed by signal %d (%s)\n", WTERMSIG(status),
               strsignal(WTERMSIG(status)));
    else
        printf("exit status %d\n", WEXITSTATUS(status));
    return 1;
}
