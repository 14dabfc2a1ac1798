/* probe vfork: exec from a vfork child. */
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* probe vfork                                                         */

static volatile int vfork_errno;

static pid_t __attribute__((noinline)) vfork_exec(int use_execvp, const char *path, char *const argv[])
{
    pid_t pid = vfork();
    if (pid == 0) {
        if (use_execvp)
            execvp(path, argv);
        else
            execve(path, argv, environ);
        vfork_errno = errno;
        _exit(127);
    }
    return pid;
}

/* Number of mappings of this process, -1 without /proc. */
static long count_maps(void)
{
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f)
        return -1;
    long n = 0;
    int ch;
    while ((ch = getc(f)) != EOF)
        n += ch == '\n';
    fclose(f);
    return n;
}

int cmd_vfork(const char *marker)
{
    char *const a_abs[] = { (char *)"/bin/true", (char *)marker, NULL };
    char *const a_rel[] = { (char *)"true", (char *)marker, NULL };
    char *const a_bad[] = { (char *)"/nonexistent/execlog-probe", (char *)"nolog-vfork", NULL };
    struct {
        const char *name;
        int vp;
        const char *path;
        char *const *argv;
    } cases[] = {
        { "vfork-execve", 0, "/bin/true", a_abs },
        { "vfork-execvp", 1, "true", a_rel },
        { "vfork-execve-missing", 0, "/nonexistent/execlog-probe", a_bad },
        { "vfork-execvp-missing", 1, "nolog-execlog-probe-missing", a_bad },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        flushall();
        vfork_errno = 0;
        pid_t pid = vfork_exec(cases[i].vp, cases[i].path, cases[i].argv);
        if (pid < 0)
            die("vfork: %s", strerror(errno));
        const char *st = wait_str(pid);
        printf("%s: %s child-errno=%s\n", cases[i].name, st, ename(vfork_errno));
    }
    /* A vfork child shares our memory: whatever the exec path maps and does
     * not unmap before the exec stays behind in the parent. */
    char *const a_leak[] = { (char *)"/bin/true", (char *)"execlog-vfork-loop", NULL };
    long before = -1, after = -1;
    int bad = 0;
    for (int i = 0; i < 105; i++) {
        if (i == 5)
            before = count_maps();
        flushall();
        pid_t pid = vfork_exec(0, a_leak[0], a_leak);
        int st = 0;
        if (pid < 0 || wait_timeout(pid, HANG_MS, &st) != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad++;
        if (i == 104)
            after = count_maps();
    }
    if (before < 0 || after < 0)
        printf("vfork-execve x100: failures=%d mappings-growth=unknown (no /proc)\n", bad);
    else
        printf("vfork-execve x100: failures=%d mappings-growth=%ld\n", bad, after - before);
    return 0;
}
