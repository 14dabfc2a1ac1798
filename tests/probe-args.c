/* probe args, deletedcwd: unusual argv, envp and working directory. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* probe args                                                          */

static char *repeat_char(char ch, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        die("out of memory");
    memset(s, ch, n);
    s[n] = 0;
    return s;
}

int cmd_args(void)
{
    const size_t maxarg = 32 * 4096; /* MAX_ARG_STRLEN, including the NUL */
    char *big_ok = repeat_char('a', maxarg - 1);
    char *big_bad = repeat_char('b', maxarg);
    char *const a_null_argv_empty[] = { NULL };
    char *const a_plain[] = { (char *)"/bin/true", (char *)"execlog-args", NULL };
    char *const a_quote[] = { (char *)"/bin/true", (char *)"execlog-quote", (char *)"two words", NULL };
    char *const a_special[] = { (char *)"/bin/true", (char *)"execlog-special", (char *)"",
                                (char *)"it's", (char *)"$HOME", (char *)"a\nb", (char *)"tab\there",
                                (char *)"\xff\xfe", (char *)"back\\slash", (char *)"\"dq\"",
                                (char *)"-", (char *)"*", NULL };
    char *const a_big_ok[] = { (char *)"/bin/true", big_ok, NULL };
    char *const a_big_bad[] = { (char *)"/bin/true", big_bad, NULL };

    const size_t nmany = 100000;
    char **a_many = xcalloc(nmany + 2, sizeof *a_many);
    a_many[0] = (char *)"/bin/true";
    for (size_t i = 1; i <= nmany; i++)
        a_many[i] = (char *)"x";
    char **a_many_rel = xcalloc(nmany + 2, sizeof *a_many_rel);
    memcpy(a_many_rel, a_many, (nmany + 2) * sizeof *a_many);
    a_many_rel[0] = (char *)"true";

    char **a_total_ok = xcalloc(16, sizeof *a_total_ok);
    a_total_ok[0] = (char *)"/bin/true";
    for (int i = 1; i <= 14; i++)
        a_total_ok[i] = big_ok;
    char **a_total_bad = xcalloc(24, sizeof *a_total_bad);
    a_total_bad[0] = (char *)"/bin/true";
    for (int i = 1; i <= 20; i++)
        a_total_bad[i] = big_ok;

    const size_t nenv = 50000;
    char **manyenv = xcalloc(nenv + 1, sizeof *manyenv);
    for (size_t i = 0; i < nenv; i++)
        manyenv[i] = xasprintf("EXECLOG_PROBE_%zu=x", i);
    char *const e_weird[] = { (char *)"NOEQUALS", (char *)"=novalue", (char *)"PATH", (char *)"A=1", NULL };

    struct {
        const char *name;
        int e;
        const char *path;
        char *const *argv;
        char *const *envp;
    } cases[] = {
        { "execve-null-argv", E_EXECVE, "/bin/true", NULL, environ },
        { "execve-empty-argv", E_EXECVE, "/bin/true", a_null_argv_empty, environ },
        { "execv-null-argv", E_EXECV, "/bin/true", NULL, environ },
        { "execvp-null-argv", E_EXECVP, "true", NULL, environ },
        { "execvp-empty-argv", E_EXECVP, "true", a_null_argv_empty, environ },
        { "fexecve-empty-argv", E_FEXECVE, NULL, a_null_argv_empty, environ },
        { "execveat-null-argv", E_EXECVEAT, "/bin/true", NULL, environ },
        { "execve-null-envp", E_EXECVE, "/bin/true", a_plain, NULL },
        { "execve-empty-envp", E_EXECVE, "/bin/true", a_plain, a_null_argv_empty },
        { "execve-weird-envp", E_EXECVE, "/bin/true", a_plain, e_weird },
        { "execvpe-weird-envp", E_EXECVPE, "true", a_plain, e_weird },
        { "execve-quote", E_EXECVE, "/bin/true", a_quote, environ },
        { "execve-special-chars", E_EXECVE, "/bin/true", a_special, environ },
        { "execve-arg-128KiB-minus-1", E_EXECVE, "/bin/true", a_big_ok, environ },
        { "execve-arg-128KiB", E_EXECVE, "/bin/true", a_big_bad, environ },
        { "execvp-arg-128KiB-minus-1", E_EXECVP, "true", a_big_ok, environ },
        { "execve-100000-args", E_EXECVE, "/bin/true", a_many, environ },
        { "execvp-100000-args", E_EXECVP, "true", a_many_rel, environ },
        { "execve-1.8MiB-total", E_EXECVE, "/bin/true", a_total_ok, environ },
        { "execve-2.6MiB-total", E_EXECVE, "/bin/true", a_total_bad, environ },
        { "execve-50000-env", E_EXECVE, "/bin/true", a_plain, manyenv },
        { "posix_spawn-100000-args", E_POSIX_SPAWN, "/bin/true", a_many, environ },
        { "posix_spawn-arg-128KiB", E_POSIX_SPAWN, "/bin/true", a_big_bad, environ },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int fd = AT_FDCWD;
        if (cases[i].e == E_FEXECVE) {
            fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
            place_fd(fd, 50, 1);
            fd = 50;
        }
        struct call c = { .e = cases[i].e, .path = cases[i].path, .argv = cases[i].argv,
                          .envp = cases[i].envp, .fd = fd };
        char out[512];
        run_isolated(&c, out, sizeof out);
        printf("%s: %s\n", cases[i].name, out);
        fflush(stdout);
        if (cases[i].e == E_FEXECVE)
            close(50);
    }
    for (size_t i = 0; i < nenv; i++)
        free(manyenv[i]);
    free(manyenv);
    free(a_many);
    free(a_many_rel);
    free(a_total_ok);
    free(a_total_bad);
    free(big_ok);
    free(big_bad);
    return 0;
}

/* ------------------------------------------------------------------ */
/* probe deletedcwd                                                    */

int cmd_deletedcwd(void)
{
    char *const a_abs[] = { (char *)"/bin/true", (char *)"execlog-deletedcwd", NULL };
    char *const a_rel[] = { (char *)"true", (char *)"execlog-deletedcwd", NULL };
    char *T = make_tmpdir("cwd");
    if (chdir(T) == -1)
        die("chdir: %s", strerror(errno));
    if (rmdir(T) == -1)
        die("rmdir: %s", strerror(errno));
    setenv("PATH", ".:/usr/bin:/bin", 1);
    struct {
        const char *name;
        int e;
        const char *path;
        char *const *argv;
    } cases[] = {
        { "execve-abs", E_EXECVE, "/bin/true", a_abs },
        { "execve-rel-missing", E_EXECVE, "true", a_rel },
        { "execvp-dot-first-in-PATH", E_EXECVP, "true", a_rel },
        { "execl-abs", E_EXECL, "/bin/true", a_abs },
        { "posix_spawn-abs", E_POSIX_SPAWN, "/bin/true", a_abs },
        { "posix_spawnp", E_POSIX_SPAWNP, "true", a_rel },
        { "system", E_SYSTEM, "/bin/true execlog-deletedcwd", NULL },
        { "popen", E_POPEN, "/bin/true execlog-deletedcwd", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct call c = { .e = cases[i].e, .path = cases[i].path, .argv = cases[i].argv,
                          .envp = environ, .fd = AT_FDCWD, .mode = "r" };
        char out[512];
        run_isolated(&c, out, sizeof out);
        printf("deletedcwd %s: %s\n", cases[i].name, out);
        fflush(stdout);
    }
    free(T);
    return 0;
}
