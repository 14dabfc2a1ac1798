/* Execs a program under an address-space limit just above this process's
 * own size, as a user who wants a command left out of the log would set
 * it, so that the exec hook cannot map its workspace.
 *
 *   rlimit-exec EXTRA_KIB PROG [ARG...]
 *
 * The limit is VmSize plus EXTRA_KIB; PROG then runs under it (with
 * execv, which the library wraps). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static long vm_size_kib(void)
{
    char line[256];
    long kib = -1;
    FILE *f = fopen("/proc/self/status", "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "VmSize: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

int main(int argc, char **argv)
{
    long size = vm_size_kib();
    struct rlimit limit;

    if (argc < 3 || size < 0) {
        fprintf(stderr, "usage: rlimit-exec EXTRA_KIB PROG [ARG...]\n");
        return 64;
    }
    limit.rlim_cur = limit.rlim_max =
        (rlim_t)(size + strtol(argv[1], NULL, 10)) * 1024;
    if (setrlimit(RLIMIT_AS, &limit) < 0) {
        perror("rlimit-exec: setrlimit");
        return 65;
    }
    execv(argv[2], argv + 2);
    perror("rlimit-exec: execv");
    return 66;
}
