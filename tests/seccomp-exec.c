/* Execs /bin/true MARKER under a seccomp filter that makes statx and
 * faccessat2 fail with EPERM, as older container profiles do: the library's
 * pre-check then learns nothing and must still log the command. */
#include "config.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int deny(unsigned nr, unsigned err)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { .len = 4, .filter = filter };

    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

int main(int argc, char **argv)
{
    static char program[] = "/bin/true", marker[] = "marker";
    char *args[] = { program, argc > 1 ? argv[1] : marker, NULL };
    char *env[] = { NULL };

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        deny(SYS_statx, EPERM) < 0 || deny(SYS_faccessat2, EPERM) < 0) {
        perror("seccomp");
        return 77;
    }
    execve(args[0], args, env);
    perror("execve");
    return 1;
}
