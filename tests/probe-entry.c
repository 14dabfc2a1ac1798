/* probe entry: one successful call through each entry point. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* probe entry NAME MARKER                                             */

int cmd_entry(const char *name, const char *marker)
{
    int e = ent_lookup(name);
    if (e < 0)
        die("unknown entry point '%s'", name);
    const char *path = searches_path(e) ? "true" : "/bin/true";
    char *argv[] = { (char *)path, (char *)marker, NULL };
    char *cmd = xasprintf("/bin/true %s", marker);

    if (is_exec_family(e)) {
        int fd = AT_FDCWD;
        if (e == E_FEXECVE) {
            fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                die("open /bin/true: %s", strerror(errno));
        }
        pid_t pid = xfork();
        if (pid == 0) {
            call_exec(e, path, argv, environ, fd, 0);
            int err = errno;
            fprintf(stderr, "%s: %s failed: %s\n", progname, name, strerror(err));
            _exit(127);
        }
        if (fd >= 0)
            close(fd);
        fprintf(stderr, "probe-pid=%d child-pid=%d\n", (int)getpid(), (int)pid);
        printf("entry %s: %s\n", name, wait_str(pid));
    } else if (e == E_POSIX_SPAWN || e == E_POSIX_SPAWNP) {
        pid_t pid = -1;
        flushall();
        errno = EDOM; /* sentinel: must survive a successful call */
        int r = e == E_POSIX_SPAWN ? posix_spawn(&pid, path, NULL, NULL, argv, environ)
                                   : posix_spawnp(&pid, path, NULL, NULL, argv, environ);
        int err = errno;
        if (r == 0)
            fprintf(stderr, "probe-pid=%d child-pid=%d\n", (int)getpid(), (int)pid);
        printf("entry %s: ret=%s errno=%s child=%s\n", name, ename(r), ename(err),
               r == 0 ? wait_str(pid) : "-");
    } else if (e == E_SYSTEM) {
        flushall();
        fprintf(stderr, "probe-pid=%d\n", (int)getpid());
        errno = EDOM;
        int st = system(cmd);
        int err = errno;
        printf("entry system: status=%s errno=%s\n", wstatus(st), ename(err));
    } else {
        flushall();
        fprintf(stderr, "probe-pid=%d\n", (int)getpid());
        errno = EDOM;
        FILE *f = popen(cmd, "r");
        int err = errno;
        if (!f) {
            printf("entry popen: ret=NULL errno=%s\n", ename(err));
        } else {
            char buf[256];
            size_t total = 0, n;
            while ((n = fread(buf, 1, sizeof buf, f)) > 0)
                total += n;
            errno = EDOM;
            int st = pclose(f);
            int err2 = errno;
            printf("entry popen: ret=stream errno=%s output=%zu pclose=%s errno=%s\n", ename(err), total,
                   wstatus(st), ename(err2));
        }
    }
    free(cmd);
    return 0;
}
