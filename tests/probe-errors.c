/* probe errors: the failure cases of every entry point. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* probe errors                                                        */

/*
 * How a failing case may show up in the log (prime-directive.sh greps the
 * sink for these words, which appear in the path or in argv[1]):
 *   nolog-  fails the kernel's lookup or permission checks: never logged
 *   late-   passes those checks and fails later (bad #! interpreter, ...):
 *           a logger cannot know in advance, may log it and its failure
 *   ok-     may succeed
 */
static const char *const kind_word[] = { "ok", "nolog", "late" };

struct target {
    const char *name;
    char *path;
    int kind; /* index into kind_word */
};

static void report_case(const struct call *c, const char *casename)
{
    char out[512];
    run_isolated(c, out, sizeof out);
    printf("%s %s -> %s\n", ent_names[c->e], casename, out);
    fflush(stdout);
}

int cmd_errors(void)
{
    close_from(3); /* like many daemons; also makes fd numbers deterministic */
    char *T = make_tmpdir("errors");
    char *p;

    /* fixture: content NULL makes a directory, link non-NULL a symlink */
    static const char truncated_elf[64] = "\177ELF\2\1\1";
    static const struct {
        const char *name, *content, *link;
        size_t len;
        mode_t mode;
    } fixture[] = {
        { "nolog-noexec", "#!/bin/sh\nexit 0\n", NULL, 17, 0644 },
        { "nolog-dir", NULL, NULL, 0, 0755 },
        { "nolog-file", "x\n", NULL, 2, 0755 },
        { "emptydir", NULL, NULL, 0, 0755 },
        { "pathdir", NULL, NULL, 0, 0755 },
        { "pathdir/nolog-cmd", "#!/bin/sh\nexit 0\n", NULL, 17, 0644 },
        { "late-noshebang", "exit 3\n", NULL, 7, 0755 },
        { "late-badinterp", "#!/nonexistent/interp\n", NULL, 22, 0755 },
        { "late-truncelf", truncated_elf, NULL, sizeof truncated_elf, 0755 },
        { "script-exit4", "#!/bin/sh\nexit 4\n", NULL, 17, 0755 },
        { "nolog-loop", NULL, "nolog-loop", 0, 0 },
        { "link-to-true", NULL, "/bin/true", 0, 0 },
    };
    for (size_t i = 0; i < sizeof fixture / sizeof fixture[0]; i++) {
        p = xasprintf("%s/%s", T, fixture[i].name);
        if (fixture[i].link != NULL) {
            if (symlink(fixture[i].link, p) == -1)
                die("symlink: %s", strerror(errno));
        } else if (fixture[i].content == NULL) {
            mkdir(p, fixture[i].mode);
        } else {
            write_file(p, fixture[i].content, fixture[i].len, fixture[i].mode);
        }
        free(p);
    }

    char *pathenv = xasprintf("%s/emptydir:%s/pathdir:/usr/bin:/bin", T, T);
    setenv("PATH", pathenv, 1);
    free(pathenv);

    char longname[400];
    memset(longname, 'x', sizeof longname);
    memcpy(longname, "nolog-", 6);
    longname[300] = 0;
    size_t lplen = strlen(T) + 6000;
    char *longpath = xcalloc(1, lplen + 32);
    strcpy(longpath, T);
    while (strlen(longpath) < lplen)
        strcat(longpath, "/.");
    strcat(longpath, "/nolog-missing");

    struct target targets[] = {
        { "missing", xasprintf("%s/nolog-missing", T), 1 },
        { "missing-rel", xstrdup("nolog-missing-cmd"), 1 },
        { "path-eacces", xstrdup("nolog-cmd"), 1 },
        { "noexec", xasprintf("%s/nolog-noexec", T), 1 },
        { "dir", xasprintf("%s/nolog-dir", T), 1 },
        { "notdir", xasprintf("%s/nolog-file/x", T), 1 },
        { "loop", xasprintf("%s/nolog-loop", T), 1 },
        { "badinterp", xasprintf("%s/late-badinterp", T), 2 },
        { "noshebang", xasprintf("%s/late-noshebang", T), 2 },
        { "truncelf", xasprintf("%s/late-truncelf", T), 2 },
        { "script", xasprintf("%s/script-exit4", T), 0 },
        { "longname", xasprintf("%s/%s", T, longname), 1 },
        { "longpath", longpath, 1 },
        { "empty", xstrdup(""), 1 },
    };
    const size_t ntargets = sizeof targets / sizeof targets[0];
    static const int path_ents[] = { E_EXECVE, E_EXECV, E_EXECVP, E_EXECVPE,     E_EXECL,
                                     E_EXECLE, E_EXECLP, E_EXECVEAT, E_POSIX_SPAWN, E_POSIX_SPAWNP,
                                     E_SYSTEM, E_POPEN };

    for (size_t ei = 0; ei < sizeof path_ents / sizeof path_ents[0]; ei++) {
        int e = path_ents[ei];
        for (size_t ti = 0; ti < ntargets; ti++) {
            char arg1[64];
            snprintf(arg1, sizeof arg1, "%s-%s", kind_word[targets[ti].kind], targets[ti].name);
            char *argv[] = { targets[ti].path, arg1, NULL };
            struct call c = { .e = e, .path = targets[ti].path, .argv = argv, .envp = environ,
                              .fd = AT_FDCWD, .mode = "r" };
            report_case(&c, targets[ti].name);
        }
    }

    /* fexecve */
    {
        struct {
            const char *name;
            const char *file; /* relative to T, NULL: special */
            int oflags;
            int fd;           /* used when file == NULL */
            int nullargv, nullenvp;
            int kind; /* index into kind_word */
        } fx[] = {
            { "badfd", NULL, 0, 999, 0, 0, 1 },
            { "negfd", NULL, 0, -1, 0, 0, 1 },
            { "nullargv", "script-exit4", O_RDONLY, 0, 1, 0, 1 },
            { "nullenvp", "script-exit4", O_RDONLY, 0, 0, 1, 1 },
            { "dirfd", "nolog-dir", O_RDONLY | O_DIRECTORY, 0, 0, 0, 1 },
            { "noexec", "nolog-noexec", O_RDONLY, 0, 0, 0, 1 },
            { "badinterp", "late-badinterp", O_RDONLY, 0, 0, 0, 2 },
            { "noshebang", "late-noshebang", O_RDONLY, 0, 0, 0, 2 },
            { "truncelf", "late-truncelf", O_RDONLY, 0, 0, 0, 2 },
            { "script-cloexec", "script-exit4", O_RDONLY | O_CLOEXEC, 0, 0, 0, 2 },
            { "script", "script-exit4", O_RDONLY, 0, 0, 0, 0 },
            { "opath", "link-to-true", O_PATH | O_CLOEXEC, 0, 0, 0, 0 },
            { "cloexec-true", "link-to-true", O_RDONLY | O_CLOEXEC, 0, 0, 0, 0 },
        };
        for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++) {
            int fd = fx[i].fd;
            if (fx[i].file) {
                char *fp = xasprintf("%s/%s", T, fx[i].file);
                fd = open(fp, fx[i].oflags);
                if (fd < 0)
                    die("open %s: %s", fp, strerror(errno));
                free(fp);
                /* keep the fd number deterministic */
                place_fd(fd, 50, fx[i].oflags & O_CLOEXEC);
                fd = 50;
            }
            char arg1[64];
            snprintf(arg1, sizeof arg1, "%s-fexecve-%s", kind_word[fx[i].kind], fx[i].name);
            char *argv[] = { (char *)"fexecve-target", arg1, NULL };
            struct call c = { .e = E_FEXECVE, .argv = fx[i].nullargv ? NULL : argv,
                              .envp = fx[i].nullenvp ? NULL : environ, .fd = fd };
            report_case(&c, fx[i].name);
            if (fx[i].file)
                close(fd);
        }
    }

    /* execveat specials */
    {
        int dfd = open(T, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        char *fp = xasprintf("%s/nolog-file", T);
        int ffd = open(fp, O_RDONLY | O_CLOEXEC);
        free(fp);
        fp = xasprintf("%s/link-to-true", T);
        if (dfd < 0 || ffd < 0)
            die("open fixture: %s", strerror(errno));
        place_fd(dfd, 51, 1);
        place_fd(ffd, 52, 1);
        struct {
            const char *name;
            int fd;
            const char *path;
            int flags;
        } ax[] = {
            { "badfd-rel", 999, "nolog-missing", 0 },
            { "badfd-emptypath", 999, "", AT_EMPTY_PATH },
            { "badflags", AT_FDCWD, "/bin/true", 0x4 },
            { "nofollow", AT_FDCWD, fp, AT_SYMLINK_NOFOLLOW },
            { "dirfd-missing", 51, "nolog-missing", 0 },
            { "dirfd-script", 51, "script-exit4", 0 },
            { "dirfd-loop", 51, "nolog-loop", 0 },
            { "filefd-rel", 52, "x", 0 },
            { "emptypath-noflag", AT_FDCWD, "", 0 },
            { "emptypath-dirfd", 51, "", AT_EMPTY_PATH },
        };
        for (size_t i = 0; i < sizeof ax / sizeof ax[0]; i++) {
            char arg1[64];
            /* with a cloexec dirfd, the kernel cannot hand a script to its interpreter */
            snprintf(arg1, sizeof arg1, "%s-execveat-%s", strcmp(ax[i].name, "dirfd-script") ? "nolog" : "late",
                     ax[i].name);
            char *argv[] = { (char *)"execveat-target", arg1, NULL };
            struct call c = { .e = E_EXECVEAT, .path = ax[i].path, .argv = argv, .envp = environ,
                              .fd = ax[i].fd, .flags = ax[i].flags };
            report_case(&c, ax[i].name);
        }
        free(fp);
        close(51);
        close(52);
    }

    /* posix_spawn specials: file actions and attributes that fail */
    {
        char *missing = xasprintf("%s/nolog-missing/x", T);
        char *argv[] = { (char *)"/bin/true", (char *)"nolog-spawn-fa", NULL };
        for (int pe = E_POSIX_SPAWN; pe <= E_POSIX_SPAWNP; pe++) {
            posix_spawn_file_actions_t fa;
            posix_spawnattr_t at;

            posix_spawn_file_actions_init(&fa);
            posix_spawn_file_actions_addopen(&fa, 5, missing, O_RDONLY, 0);
            struct call c = { .e = pe, .path = "/bin/true", .argv = argv, .envp = environ, .fa = &fa };
            report_case(&c, "fa-open-missing");
            posix_spawn_file_actions_destroy(&fa);

            posix_spawn_file_actions_init(&fa);
            posix_spawn_file_actions_adddup2(&fa, 900, 5);
            report_case(&c, "fa-dup2-closed");
            posix_spawn_file_actions_destroy(&fa);

            posix_spawn_file_actions_init(&fa);
            posix_spawn_file_actions_addclose(&fa, 900);
            char *argv4[] = { (char *)"/bin/true", (char *)"ok-spawn-fa-close-closed", NULL };
            c.argv = argv4;
            report_case(&c, "fa-close-closed");
            posix_spawn_file_actions_destroy(&fa);

            posix_spawnattr_init(&at);
            posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSCHEDULER);
            posix_spawnattr_setschedpolicy(&at, SCHED_FIFO);
            struct sched_param sp = { .sched_priority = 0 };
            posix_spawnattr_setschedparam(&at, &sp);
            char *argv2[] = { (char *)"/bin/true", (char *)"nolog-spawn-badsched", NULL };
            struct call c2 = { .e = pe, .path = "/bin/true", .argv = argv2, .envp = environ, .attr = &at };
            report_case(&c2, "attr-badsched");
            posix_spawnattr_destroy(&at);

            posix_spawnattr_init(&at);
            posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                              POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_RESETIDS);
            sigset_t ss;
            sigemptyset(&ss);
            sigaddset(&ss, SIGUSR1);
            posix_spawnattr_setsigmask(&at, &ss);
            posix_spawnattr_setsigdefault(&at, &ss);
            char *argv3[] = { (char *)"/bin/true", (char *)"ok-spawn-attrs", NULL };
            c2.argv = argv3;
            report_case(&c2, "attr-ok");
            posix_spawnattr_destroy(&at);

        }
        free(missing);
    }

    /* system / popen specials */
    {
        struct call c = { .e = E_SYSTEM, .path = NULL };
        report_case(&c, "null");
        c.path = "exit 3";
        report_case(&c, "exit3");
        c.path = "kill -USR1 $$";
        report_case(&c, "killed");
        /* an invalid mode starts nothing: "nospawn-" must not appear in the log */
        struct call pc = { .e = E_POPEN, .path = "exit 5 # nospawn-badmode", .mode = "x" };
        report_case(&pc, "badmode");
        pc.mode = "rw";
        report_case(&pc, "badmode-rw");
        pc.path = "exit 5";
        pc.mode = "w";
        report_case(&pc, "exit5-w");
        pc.mode = "re";
        report_case(&pc, "exit5-re");
    }

    for (size_t ti = 0; ti < ntargets; ti++)
        free(targets[ti].path);
    rm_rf(T);
    free(T);
    return 0;
}
