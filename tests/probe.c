/*
 * probe -- exercise every exec entry point and print a deterministic report.
 *
 * The report printed on stdout must be byte-for-byte identical whether or not
 * libexeclog.so is preloaded: it contains no pids, no addresses, no temporary
 * paths.  Diagnostics that are allowed to differ (pids for cross-checking the
 * log lines, error details) go to stderr.
 *
 * Subcommands:
 *   probe entry NAME MARKER   run "/bin/true MARKER" through entry point NAME
 *                             (MARKER goes unquoted into the system/popen
 *                             command: keep it to [A-Za-z0-9_.-])
 *   probe errors              failure cases of every entry point
 *   probe fds                 fds seen by the exec'd program, per entry point
 *   probe listfds [OUTFD]     (helper) print this process's open fds
 *   probe vfork [MARKER]      exec from a vfork child
 *   probe signal [MARKER]     exec from a signal handler (also mid-malloc)
 *   probe thread [MARKER]     exec from / fork in non-main threads
 *   probe stress N            N fork+execve from 8 threads, 2 threads failing
 *   probe args                NULL argv, empty argv, huge argv/envp
 *   probe closedfds           exec with fds 0, 1, 2 closed
 *   probe deletedcwd          exec with a deleted working directory
 *
 * Exit status: 0 when the report could be produced (the report itself says
 * what happened, including HUNG children), 2 on usage or setup errors.
 *
 * This file holds usage and dispatch; each subcommand has a file of its own
 * (tests/probe-*.c, listed in probe.h).
 */
#include "probe.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */

static void usage(void)
{
    fprintf(stderr,
            "usage: %s entry NAME MARKER | errors | fds | listfds [OUTFD] | vfork [MARKER] |\n"
            "       signal [MARKER] | thread [MARKER] | stress N | args | closedfds | deletedcwd\n"
            "entry points:",
            progname);
    for (int i = 0; i < E_COUNT; i++)
        fprintf(stderr, " %s", ent_names[i]);
    fputc('\n', stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *sub = argv[1];
    if (!strcmp(sub, "listfds"))
        return cmd_listfds(argc > 2 ? atoi(argv[2]) : 1);

    find_self(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);

    if (!strcmp(sub, "entry") && argc == 4)
        return cmd_entry(argv[2], argv[3]);
    if (!strcmp(sub, "errors") && argc == 2)
        return cmd_errors();
    if (!strcmp(sub, "fds") && argc == 2)
        return cmd_fds();
    if (!strcmp(sub, "vfork") && argc <= 3)
        return cmd_vfork(argc > 2 ? argv[2] : "execlog-vfork");
    if (!strcmp(sub, "signal") && argc <= 3)
        return cmd_signal(argc > 2 ? argv[2] : "execlog-signal");
    if (!strcmp(sub, "thread") && argc <= 3)
        return cmd_thread(argc > 2 ? argv[2] : "execlog-thread");
    if (!strcmp(sub, "stress") && argc == 3)
        return cmd_stress(strtol(argv[2], NULL, 10));
    if (!strcmp(sub, "args") && argc == 2)
        return cmd_args();
    if (!strcmp(sub, "closedfds") && argc == 2)
        return cmd_closedfds();
    if (!strcmp(sub, "deletedcwd") && argc == 2)
        return cmd_deletedcwd();
    usage();
}
