#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_core.h"
#include "filters.h"

static char work[EVENT_WORK_SIZE];

static struct exec_event exec_of(const char *filename)
{
    struct exec_event ev = { .call.entry = ENTRY_EXECVE, .call.filename = filename,
                             .call.fd = -1, .work = work };
    return ev;
}

/* A posix_spawn event: the child is another process, we are its parent. */
static struct exec_event spawn_of(const char *filename)
{
    struct exec_event ev = exec_of(filename);

    ev.call.entry = ENTRY_POSIX_SPAWN;
    ev.call.pid = 424242;
    return ev;
}

/* Users the CLI would find through NSS. */
static int fake_resolver(const char *name, uid_t *uid)
{
    if (strcmp(name, "me") == 0) {
        *uid = getuid();
        return 0;
    }
    if (strcmp(name, "alice") == 0) {
        *uid = 1000;
        return 0;
    }
    if (strcmp(name, "nobody") == 0) {
        *uid = 65534;
        return 0;
    }
    if (strcmp(name, "broken") == 0)
        return -EIO;
    return -ENOENT;
}

static struct filter_chain chain;

static void compile(const char *spec)
{
    struct diag d = { 0 };
    int r = filter_chain_compile(&chain, spec, fake_resolver, &d, NULL, NULL);

    ck_assert_msg(r == 0, "'%s' at %zu: %s", spec, d.column, d.message);
    ck_assert_int_eq(filter_chain_validate(&chain), 0);
}

/* Which filter drops ev under spec, or "" when it is logged. */
static const char *verdict(const char *spec, struct exec_event ev)
{
    const char *name;

    compile(spec);
    name = filter_chain_drops(&chain, &ev);
    return name != NULL ? name : "";
}

static const char *with_uid(const char *filter, unsigned long uid)
{
    static char spec[128];

    snprintf(spec, sizeof(spec), "%s:%lu", filter, uid);
    return spec;
}

/* Runs fn in a child process and returns its exit status: for tests that
 * change the process itself (uid, name, mounts, parents). */
static int in_child(int (*fn)(void))
{
    int status;
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(fn());
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status), "child died, status %d", status);
    return WEXITSTATUS(status);
}

START_TEST(empty_chain_logs_everything)
{
    ck_assert_str_eq(verdict("", exec_of("/bin/ls")), "");
    ck_assert_uint_eq(chain.count, 0);
    ck_assert_str_eq(verdict(" \t ", exec_of("/bin/ls")), "");
    ck_assert_uint_eq(chain.count, 0);
}
END_TEST

START_TEST(uid_filters)
{
    uid_t me = getuid();

    ck_assert_str_eq(verdict(with_uid("exclude_uid", me), exec_of("/bin/ls")),
                     "exclude_uid");
    ck_assert_str_eq(verdict(with_uid("exclude_uid", me + 1),
                             exec_of("/bin/ls")), "");
    ck_assert_str_eq(verdict(with_uid("only_uid", me), exec_of("/bin/ls")), "");
    ck_assert_str_eq(verdict(with_uid("only_uid", me + 1), exec_of("/bin/ls")),
                     "only_uid");
    /* A spawned child runs with our real uid. */
    ck_assert_str_eq(verdict(with_uid("exclude_uid", me), spawn_of("ls")),
                     "exclude_uid");
    ck_assert_str_eq(verdict(with_uid("only_uid", me + 1), spawn_of("ls")),
                     "only_uid");
}
END_TEST

START_TEST(uid_lists_and_user_names)
{
    char spec[128];

    snprintf(spec, sizeof(spec), "exclude_uid: 7 , %lu ,8",
             (unsigned long)getuid());
    ck_assert_str_eq(verdict(spec, exec_of("/bin/ls")), "exclude_uid");
    ck_assert_uint_eq(chain.items[0].count, 3);
    ck_assert_uint_eq(chain.values[0].uid, 7);
    ck_assert_uint_eq(chain.values[2].uid, 8);
    ck_assert_str_eq(verdict("exclude_uid:alice,me", exec_of("/bin/ls")),
                     "exclude_uid");
    ck_assert_uint_eq(chain.values[0].uid, 1000);
    ck_assert_uint_eq(chain.values[1].uid, getuid());
    ck_assert_str_eq(verdict("only_uid:me", exec_of("/bin/ls")), "");
    ck_assert_str_eq(verdict("exclude_uid:4294967294", exec_of("x")), "");
    ck_assert_uint_eq(chain.values[0].uid, 4294967294u);
    /* Leading zeros are still a number, not a name. */
    ck_assert_str_eq(verdict("only_uid:0001000", exec_of("x")),
                     getuid() == 1000 ? "" : "only_uid");
    ck_assert_uint_eq(chain.values[0].uid, 1000);
}
END_TEST

static int only_root_as_nobody(void)
{
    struct exec_event ev = exec_of("/bin/ls");
    const char *name;

    compile("only_root");
    if (getuid() == 0) {
        if (filter_chain_drops(&chain, &ev) != NULL)
            return 1;
        if (setresuid(65534, 65534, 65534) < 0)
            return 2;
    }
    /* An event reads the uid once: a new exec, a new event. */
    ev = exec_of("/bin/ls");
    name = filter_chain_drops(&chain, &ev);
    if (name == NULL || strcmp(name, "only_root") != 0)
        return 3;
    compile("exclude_uid:65534;only_root");
    name = filter_chain_drops(&chain, &ev);
    if (getuid() == 65534 && (name == NULL || strcmp(name, "exclude_uid") != 0))
        return 4;
    return 0;
}

START_TEST(only_root)
{
    ck_assert_int_eq(in_child(only_root_as_nobody), 0);
}
END_TEST

START_TEST(only_tty)
{
    int saved = dup(0), null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave;

    ck_assert_int_ge(null, 0);
    ck_assert_int_ge(master, 0);
    ck_assert_int_eq(grantpt(master), 0);
    ck_assert_int_eq(unlockpt(master), 0);
    slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    ck_assert_int_ge(slave, 0);

    dup2(null, 0);
    ck_assert_str_eq(verdict("only_tty", exec_of("/bin/ls")), "only_tty");
    dup2(slave, 0);
    ck_assert_str_eq(verdict("only_tty", exec_of("/bin/ls")), "");
    ck_assert_str_eq(verdict("only_tty", spawn_of("ls")), "");

    dup2(saved, 0);
    close(saved);
    close(null);
    close(slave);
    close(master);
}
END_TEST

/* By basename, for programs that only root can change (the system's). */
START_TEST(exclude_comm_matches_the_basename)
{
    struct exec_event fexecve_ev = exec_of(NULL);

    ck_assert_str_eq(verdict("exclude_comm:ls", exec_of("/bin/ls")),
                     "exclude_comm");
    ck_assert_str_eq(verdict("exclude_comm:true,ls", exec_of("/bin/ls")),
                     "exclude_comm");
    ck_assert_str_eq(verdict("exclude_comm:ls", exec_of("/usr/bin/lsblk")), "");
    ck_assert_str_eq(verdict("exclude_comm:ls", exec_of("/bin/l")), "");
    ck_assert_str_eq(verdict("exclude_comm:ls", exec_of("/bin/ls/")), "");
    ck_assert_str_eq(verdict("exclude_comm:bin", exec_of("/bin/ls")), "");
    fexecve_ev.call.fd = 3;
    ck_assert_str_eq(verdict("exclude_comm:ls", fexecve_ev), "");
    /* The whole basename, not the 15 bytes the kernel will keep: a
     * system program with a long name, systemd's, or dpkg's where
     * systemd is not installed (a package build's root). */
    if (access("/bin/systemd-tty-ask-password-agent", F_OK) == 0) {
        ck_assert_str_eq(verdict("exclude_comm:systemd-tty-ask-password-agent",
                                 exec_of("/bin/systemd-tty-ask-password-agent")),
                         "exclude_comm");
        ck_assert_str_eq(verdict("exclude_comm:systemd-tty-ask",
                                 exec_of("/bin/systemd-tty-ask-password-agent")),
                         "");
    } else {
        ck_assert_str_eq(verdict("exclude_comm:dpkg-maintscript-helper",
                                 exec_of("/usr/bin/dpkg-maintscript-helper")),
                         "exclude_comm");
        ck_assert_str_eq(verdict("exclude_comm:dpkg-maintscri",
                                 exec_of("/usr/bin/dpkg-maintscript-helper")),
                         "");
    }
    /* Blanks inside a name are part of it, blanks around it are not. */
    ck_assert_str_eq(verdict("exclude_comm: Web Content ",
                             exec_of("/opt/Web Content")), "");
    ck_assert_uint_eq(chain.values[0].length, 11);
}
END_TEST

/* Anyone can copy a program and give it an excluded name: only a program
 * that only root can change is excluded, and a full path names one. */
START_TEST(exclude_comm_trusts_only_what_root_owns)
{
    char dir[] = "/tmp/check-filters.XXXXXX", copy[64], command[160];

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(copy, sizeof(copy), "%s/ls", dir);
    snprintf(command, sizeof(command), "cp /bin/true '%s'", copy);
    ck_assert_int_eq(system(command), 0);
    /* A copy where its owner (or anyone, /tmp) can change it. */
    ck_assert_str_eq(verdict("exclude_comm:ls", exec_of(copy)), "");
    ck_assert_str_eq(verdict("exclude_comm:ls", exec_of("ls")), "");
    ck_assert_str_eq(verdict("exclude_comm:ls", spawn_of("./ls")), "");
    /* A full path: as the program is called. */
    ck_assert_str_eq(verdict("exclude_comm:/usr/bin/ls", exec_of("/usr/bin/ls")),
                     "exclude_comm");
    ck_assert_str_eq(verdict("exclude_comm:/usr/bin/ls", exec_of("/usr/bin/cat")),
                     "");
    snprintf(command, sizeof(command), "exclude_comm:%s", copy);
    ck_assert_str_eq(verdict(command, exec_of(copy)), "");
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(command), 0);
}
END_TEST

START_TEST(first_drop_wins)
{
    char spec[128];

    snprintf(spec, sizeof(spec), "exclude_comm:ls;exclude_uid:%lu",
             (unsigned long)getuid());
    ck_assert_str_eq(verdict(spec, exec_of("/bin/ls")), "exclude_comm");
    ck_assert_str_eq(verdict(spec, exec_of("/bin/cat")), "exclude_uid");
    snprintf(spec, sizeof(spec), "exclude_uid:%lu;exclude_comm:ls",
             (unsigned long)getuid());
    ck_assert_str_eq(verdict(spec, exec_of("/bin/ls")), "exclude_uid");
    snprintf(spec, sizeof(spec), " exclude_uid : %lu , 5 ;\tonly_root\t",
             (unsigned long)getuid() + 1);
    ck_assert_str_eq(verdict(spec, exec_of("/bin/ls")),
                     getuid() == 0 ? "" : "only_root");
    ck_assert_uint_eq(chain.count, 2);
    ck_assert_uint_eq(chain.value_count, 2);
    ck_assert_uint_eq(chain.values[1].uid, 5);
}
END_TEST

/* A person at a terminal: stdin and stderr on the controlling terminal,
 * in a new session whose terminal a pseudo-terminal becomes.  A terminal
 * on stdin alone, or none at all, is not interactive. */
/* event_interactive of a new event: each reads the terminal afresh. */
static int interactive_now(void)
{
    struct exec_event ev = exec_of("/bin/ls");

    return event_interactive(&ev);
}

static int at_a_terminal(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (master < 0 || null < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
        return 1;
    dup2(null, 0);
    dup2(null, 2);
    if (strcmp(verdict("only_interactive", exec_of("/bin/ls")),
               "only_interactive") != 0 || interactive_now() != 0)
        return 2;
    if (setsid() < 0)
        return 3;
    /* The first terminal a session leader opens becomes its own. */
    slave = open(ptsname(master), O_RDWR);
    if (slave < 0)
        return 4;
    dup2(slave, 0);
    if (interactive_now() != 0)
        return 5;               /* stderr is not on it yet */
    dup2(slave, 2);
    if (interactive_now() != 1 ||
        strcmp(verdict("only_interactive", exec_of("/bin/ls")), "") != 0)
        return 6;
    return 0;
}

START_TEST(only_interactive_wants_stdin_and_stderr_on_the_terminal)
{
    ck_assert_int_eq(in_child(at_a_terminal), 0);
}
END_TEST

/* The unit of this test's own process: matched by name and by pattern;
 * a process in no unit (a container's root cgroup) is in none. */
START_TEST(unit_filters_match_the_outermost_unit)
{
    char path[4096], io[4096], spec[600];
    const char *unit;
    int n = cgroup_path_from("/proc/self/cgroup", path, sizeof(path), io,
                             sizeof(io)), u;

    ck_assert_int_ge(n, 0);
    u = cgroup_systemd_unit(path, (size_t)n, &unit);
    if (u < 0) {
        ck_assert_str_eq(verdict("exclude_unit:*", exec_of("/bin/ls")), "");
        ck_assert_str_eq(verdict("only_unit:*", exec_of("/bin/ls")),
                         "only_unit");
        return;
    }
    snprintf(spec, sizeof(spec), "exclude_unit:nosuch.service,%.*s", u, unit);
    ck_assert_str_eq(verdict(spec, exec_of("/bin/ls")), "exclude_unit");
    snprintf(spec, sizeof(spec), "exclude_unit:%.2s*", unit);
    ck_assert_str_eq(verdict(spec, exec_of("/bin/ls")), "exclude_unit");
    snprintf(spec, sizeof(spec), "exclude_unit:*%s", unit + u - 3);
    ck_assert_str_eq(verdict(spec, exec_of("/bin/ls")), "exclude_unit");
    ck_assert_str_eq(verdict("exclude_unit:nosuch*.service",
                             exec_of("/bin/ls")), "");
    snprintf(spec, sizeof(spec), "only_unit:%.*s", u, unit);
    ck_assert_str_eq(verdict(spec, exec_of("/bin/ls")), "");
    ck_assert_str_eq(verdict("only_unit:nosuch.service", exec_of("/bin/ls")),
                     "only_unit");
}
END_TEST

/* In a unit of its own, made in the cgroup2 hierarchy (as root, where
 * one is mounted): matched by name and pattern, other units not. */
static const char *const cgroup2_roots[] = { "/sys/fs/cgroup/unified",
                                             "/sys/fs/cgroup" };
static char unit_dir[128];

static int in_own_unit(void)
{
    char procs[160];
    FILE *f;

    snprintf(procs, sizeof(procs), "%s/cgroup.procs", unit_dir);
    f = fopen(procs, "we");
    if (f == NULL || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0)
        return 1;
    if (strcmp(verdict("exclude_unit:execlog-check-*.service",
                       exec_of("/bin/ls")), "exclude_unit") != 0)
        return 2;
    if (strcmp(verdict("exclude_unit:cron.service,*.scope",
                       exec_of("/bin/ls")), "") != 0)
        return 3;
    if (strcmp(verdict("only_unit:cron.service", exec_of("/bin/ls")),
               "only_unit") != 0)
        return 4;
    if (strcmp(verdict("only_unit:execlog-check*", exec_of("/bin/ls")), "") != 0)
        return 5;
    return 0;
}

START_TEST(unit_filters_in_a_unit_of_its_own)
{
    int r = -1;

    if (geteuid() != 0)
        return;
    for (size_t i = 0; r < 0 && i < 2; i++) {
        char probe[160];

        snprintf(probe, sizeof(probe), "%s/cgroup.subtree_control",
                 cgroup2_roots[i]);
        if (access(probe, F_OK) != 0)
            continue;
        snprintf(unit_dir, sizeof(unit_dir), "%s/execlog-check-%d.service",
                 cgroup2_roots[i], (int)getpid());
        if (mkdir(unit_dir, 0755) == 0) {
            r = in_child(in_own_unit);
            rmdir(unit_dir);
        }
    }
    if (r >= 0)
        ck_assert_int_eq(r, 0);
}
END_TEST

/* The process tree for spawns_of: cronjob -> middle -> leaf, where leaf
 * asks about its own exec and about a child it would spawn. */

/* "@UID" of this process: the processes of the tree run as whoever runs
 * the test, and a name counts only with its account. */
static const char *account(void)
{
    static char at_uid[16];

    snprintf(at_uid, sizeof(at_uid), "@%u", (unsigned)getuid());
    return at_uid;
}

static const char *leaf_verdict(bool spawn, const char *spec, ...)
    __attribute__((format(printf, 2, 3)));
static const char *leaf_verdict(bool spawn, const char *spec, ...)
{
    static char filled[128];
    va_list ap;

    va_start(ap, spec);
    vsnprintf(filled, sizeof(filled), spec, ap);
    va_end(ap);
    return verdict(filled, spawn ? spawn_of("/bin/true") : exec_of("/bin/true"));
}

static int leaf(void)
{
    char init_comm[32] = "", spec[64];
    FILE *f;

    prctl(PR_SET_NAME, "leaf", 0, 0, 0);
    if (strcmp(leaf_verdict(false, "exclude_spawns_of:cronjob%s", account()),
               "exclude_spawns_of") != 0)
        return 10;
    if (strcmp(leaf_verdict(false, "only_spawns_of:cronjob%s", account()), "") != 0)
        return 11;
    if (strcmp(leaf_verdict(false, "only_spawns_of: nosuch , middle%s", account()), "") != 0)
        return 12;
    if (strcmp(leaf_verdict(false, "exclude_spawns_of:nosuch%s", account()), "") != 0)
        return 13;
    if (strcmp(leaf_verdict(false, "only_spawns_of:nosuch%s", account()),
               "only_spawns_of") != 0)
        return 14;
    /* An exec replaces us, so we are not our own ancestor ... */
    if (strcmp(leaf_verdict(false, "exclude_spawns_of:leaf%s", account()), "") != 0)
        return 15;
    /* ... but we are the parent of what we spawn. */
    if (strcmp(leaf_verdict(true, "exclude_spawns_of:leaf%s", account()),
               "exclude_spawns_of") != 0)
        return 16;
    if (strcmp(leaf_verdict(true, "only_spawns_of:cronjob%s", account()), "") != 0)
        return 17;
    /* The walk goes up to and including PID 1. */
    f = fopen("/proc/1/comm", "re");
    if (f == NULL || fgets(init_comm, sizeof(init_comm), f) == NULL)
        return 18;
    fclose(f);
    init_comm[strcspn(init_comm, "\n")] = '\0';
    /* PID 1 runs as root. */
    snprintf(spec, sizeof(spec), "exclude_spawns_of:%s", init_comm);
    if (strcmp(verdict(spec, exec_of("/bin/true")), "exclude_spawns_of") != 0)
        return 19;
    return 0;
}

static int middle(void)
{
    prctl(PR_SET_NAME, "middle", 0, 0, 0);
    return in_child(leaf);
}

static int cronjob(void)
{
    prctl(PR_SET_NAME, "cronjob", 0, 0, 0);
    return in_child(middle);
}

START_TEST(spawns_of_walks_the_real_process_tree)
{
    ck_assert_int_eq(in_child(cronjob), 0);
}
END_TEST

/* A process of nobody's named like root's daemon hides nothing: only an
 * ancestor running as the rule's account counts (tried as root). */
static int spoofed_leaf(void)
{
    prctl(PR_SET_NAME, "leaf", 0, 0, 0);
    if (strcmp(verdict("exclude_spawns_of:cronjob", exec_of("/bin/true")),
               "") != 0)
        return 1;
    if (strcmp(verdict("exclude_spawns_of:cronjob@65534",
                       exec_of("/bin/true")), "exclude_spawns_of") != 0)
        return 2;
    if (strcmp(verdict("exclude_spawns_of:cronjob@nobody",
                       exec_of("/bin/true")), "exclude_spawns_of") != 0)
        return 3;
    return 0;
}

static int spoofed_cronjob(void)
{
    prctl(PR_SET_NAME, "cronjob", 0, 0, 0);
    if (setgid(65534) < 0 || setuid(65534) < 0)
        return 77;
    return in_child(spoofed_leaf);
}

/* In a user namespace of its own, any user is uid 0: a process there
 * named like root's daemon must not count as root's (nor any other). */
static int userns_leaf(void)
{
    prctl(PR_SET_NAME, "leaf", 0, 0, 0);
    if (strcmp(verdict("exclude_spawns_of:cronjob", exec_of("/bin/true")),
               "") != 0)
        return 1;
    if (strcmp(verdict("only_spawns_of:nosuch", exec_of("/bin/true")), "") != 0)
        return 2;
    if (strcmp(verdict("exclude_comm:ls", exec_of("/bin/ls")), "") != 0)
        return 3;
    return 0;
}

static int userns_cronjob(void)
{
    char map[64];
    FILE *f;

    prctl(PR_SET_NAME, "cronjob", 0, 0, 0);
    /* Our uid outside, before the new namespace hides it. */
    snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)geteuid());
    if (unshare(CLONE_NEWUSER) < 0)
        return 77;
    f = fopen("/proc/self/uid_map", "we");
    if (f == NULL || fputs(map, f) < 0 || fclose(f) != 0)
        return 77;
    return in_child(userns_leaf);
}

START_TEST(filters_trust_nothing_in_a_user_namespace)
{
    int r = in_child(userns_cronjob);

    if (r != 77)
        ck_assert_int_eq(r, 0);
}
END_TEST

START_TEST(spawns_of_trusts_only_the_rule_s_account)
{
    if (geteuid() != 0)
        return;
    ck_assert_int_eq(in_child(spoofed_cronjob), 0);
}
END_TEST

/* Without /proc nothing is known about the ancestors: log, whatever the
 * filter.  The same spawn event is dropped while /proc is there. */
static int without_proc(void)
{
    prctl(PR_SET_NAME, "cronjob", 0, 0, 0);
    if (strcmp(leaf_verdict(true, "exclude_spawns_of:cronjob%s", account()),
               "exclude_spawns_of") != 0 ||
        strcmp(leaf_verdict(true, "only_spawns_of:nosuch%s", account()),
               "only_spawns_of") != 0)
        return 1;
    if (unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("none", "/proc", "tmpfs", 0, NULL) < 0)
        return 77;
    if (strcmp(leaf_verdict(true, "exclude_spawns_of:cronjob%s", account()), "") != 0)
        return 2;
    if (strcmp(leaf_verdict(true, "only_spawns_of:nosuch%s", account()), "") != 0)
        return 3;
    return 0;
}

START_TEST(spawns_of_logs_without_proc)
{
    int r = in_child(without_proc);

    if (r == 77)
        fprintf(stderr, "spawns_of_logs_without_proc: no mount namespace, "
                "skipped\n");
    else
        ck_assert_int_eq(r, 0);
}
END_TEST

struct compile_error {
    const char *spec;
    size_t column;
    const char *message;
};

static const struct compile_error compile_errors[] = {
    { "exclude_usr", 0, "unknown filter 'exclude_usr'" },
    { "only_root; exclude_usr:1", 11, "unknown filter 'exclude_usr'" },
    { "only_root x", 10, "expected ';' after only_root" },
    { "exclude_uid", 0, "exclude_uid needs arguments: exclude_uid:..." },
    { "only_tty; only_spawns_of ;x", 10,
      "only_spawns_of needs arguments: only_spawns_of:..." },
    { "exclude_uid:", 12, "exclude_uid: empty argument" },
    { "exclude_uid: \t", 14, "exclude_uid: empty argument" },
    { "exclude_uid:1,,2", 14, "exclude_uid: empty argument" },
    { "exclude_uid:1, ,2", 15, "exclude_uid: empty argument" },
    { "exclude_uid:1,", 14, "exclude_uid: empty argument" },
    { "exclude_comm:;only_root", 13, "exclude_comm: empty argument" },
    { "exclude_unit:cron service", 17,
      "exclude_unit: ' ' cannot be in a unit name (letters, digits, "
      "':-_.\\@' and '*' for any run of them)" },
    { "exclude_comm:bin/ls", 13,
      "exclude_comm: 'bin/ls' is a relative path: give a name or an absolute path" },
    { "exclude_spawns_of:cron@", 18,
      "exclude_spawns_of: 'cron@': write NAME@ACCOUNT" },
    { "exclude_spawns_of:@root", 18,
      "exclude_spawns_of: '@root': write NAME@ACCOUNT" },
    { "only_spawns_of:cron@bob", 20, "only_spawns_of: unknown user 'bob'" },
    { "exclude_uid:bob", 12, "exclude_uid: unknown user 'bob'" },
    { "only_uid:0, bob ", 12, "only_uid: unknown user 'bob'" },
    { "exclude_uid:broken", 12,
      "exclude_uid: cannot look up user 'broken': Input/output error" },
    { "exclude_uid:-1", 12, "exclude_uid: unknown user '-1'" },
    { "exclude_uid:4294967295", 12,
      "exclude_uid: uid 4294967295 is out of range (at most 4294967294)" },
    { "only_uid:99999999999999999999999", 9,
      "only_uid: uid 99999999999999999999999 is out of range "
      "(at most 4294967294)" },
    /* 2^64 + 5: must not wrap around to uid 5. */
    { "exclude_uid:18446744073709551621", 12,
      "exclude_uid: uid 18446744073709551621 is out of range "
      "(at most 4294967294)" },
    { "only_root:x", 9, "only_root takes no arguments" },
    { "only_tty :", 9, "only_tty takes no arguments" },
    { ";only_root", 0, "missing filter name" },
    { "only_root;;only_tty", 10, "missing filter name" },
    { "only_root;", 10, "missing filter name" },
    { "only_root ; ", 12, "missing filter name" },
    { ":1", 0, "missing filter name" },
};

START_TEST(compile_errors_say_what_and_where)
{
    const struct compile_error *e = &compile_errors[_i];
    struct diag d = { 0 };

    ck_assert_int_eq(filter_chain_compile(&chain, e->spec, fake_resolver, &d,
                                          NULL, NULL), -EINVAL);
    ck_assert_msg(d.column == e->column, "'%s': column %zu, not %zu", e->spec,
                  d.column, e->column);
    ck_assert_str_eq(d.message, e->message);
    /* A failed compile leaves no half chain behind. */
    ck_assert_uint_eq(chain.count, 0);
    ck_assert_uint_eq(chain.value_count, 0);
}
END_TEST

START_TEST(user_names_need_a_resolver)
{
    struct diag d = { 0 };

    ck_assert_int_eq(filter_chain_compile(&chain, "only_uid:0, alice", NULL,
                                          &d, NULL, NULL), -EINVAL);
    ck_assert_uint_eq(d.column, 12);
    ck_assert_str_eq(d.message,
                     "only_uid: user names need the execlog command: 'alice'");
    ck_assert_int_eq(filter_chain_compile(&chain, "only_uid:0,1000", NULL, &d,
                                          NULL, NULL), 0);
}
END_TEST

START_TEST(compile_limits)
{
    char spec[4 * FILTER_MAX_TEXT], *p = spec;
    struct diag d = { 0 };
    size_t at = 0;

    /* One filter too many. */
    for (int i = 0; i <= FILTER_MAX_ITEMS; i++) {
        at = (size_t)(p - spec);
        p += sprintf(p, "%sonly_tty", i > 0 ? ";" : "");
    }
    ck_assert_int_eq(filter_chain_compile(&chain, spec, NULL, &d, NULL, NULL),
                     -EINVAL);
    ck_assert_uint_eq(d.column, at + 1);
    ck_assert_str_eq(d.message,
                     "filter_chain has too many filters (at most 16)");
    *strrchr(spec, ';') = '\0';
    ck_assert_int_eq(filter_chain_compile(&chain, spec, NULL, &d, NULL, NULL),
                     0);
    ck_assert_uint_eq(chain.count, FILTER_MAX_ITEMS);

    /* One argument too many, over two filters. */
    p = spec + sprintf(spec, "exclude_uid:0");
    for (int i = 1; i < FILTER_MAX_VALUES; i++)
        p += sprintf(p, i == 32 ? ";only_uid:%d" : ",%d", i);
    at = (size_t)(p - spec) + 1;
    sprintf(p, ",99");
    ck_assert_int_eq(filter_chain_compile(&chain, spec, NULL, &d, NULL, NULL),
                     -EINVAL);
    ck_assert_uint_eq(d.column, at);
    ck_assert_str_eq(d.message, "filter_chain has too many arguments "
                     "(at most 64 in all)");
    *p = '\0';
    ck_assert_int_eq(filter_chain_compile(&chain, spec, NULL, &d, NULL, NULL),
                     0);
    ck_assert_uint_eq(chain.value_count, FILTER_MAX_VALUES);

    /* Names: 4 x 255 bytes fit in 1024, a fifth does not. */
    p = spec + sprintf(spec, "exclude_comm:");
    for (int i = 0; i < 5; i++) {
        at = (size_t)(p - spec) + (i > 0);
        p += sprintf(p, "%s%0255d", i > 0 ? "," : "", i);
    }
    ck_assert_int_eq(filter_chain_compile(&chain, spec, NULL, &d, NULL, NULL),
                     -EINVAL);
    ck_assert_uint_eq(d.column, at);
    ck_assert_str_eq(d.message, "filter_chain is too long (at most 1024 bytes "
                     "of names)");
    spec[at - 1] = '\0';
    ck_assert_int_eq(filter_chain_compile(&chain, spec, NULL, &d, NULL, NULL),
                     0);
    ck_assert_uint_eq(chain.values[3].offset, 3 * 255);
}
END_TEST

struct warnings {
    int count;
    char last[256];
};

static void record_warning(const char *message, void *ctx)
{
    struct warnings *w = ctx;

    w->count++;
    snprintf(w->last, sizeof(w->last), "%s", message);
}

START_TEST(long_comm_names_warn)
{
    struct warnings w = { 0 };
    struct diag d = { 0 };

    ck_assert_int_eq(filter_chain_compile(&chain, "exclude_spawns_of:"
                                          "fifteen-bytes-x,a", NULL, &d,
                                          record_warning, &w), 0);
    ck_assert_int_eq(w.count, 0);
    ck_assert_int_eq(filter_chain_compile(&chain, "only_spawns_of:a,"
                                          "sixteen-bytes-xx", NULL, &d,
                                          record_warning, &w), 0);
    ck_assert_int_eq(w.count, 1);
    ck_assert_str_eq(w.last, "only_spawns_of: the kernel keeps 15 bytes of a "
                     "command name, so 'sixteen-bytes-xx' can never match");
    /* Still valid: the chain holds it, and without a warn callback too. */
    ck_assert_uint_eq(chain.items[0].count, 2);
    ck_assert_int_eq(filter_chain_compile(&chain, "exclude_spawns_of:"
                                          "sixteen-bytes-xx", NULL, &d, NULL,
                                          NULL), 0);
    /* exclude_comm compares the whole basename: nothing to warn about. */
    ck_assert_int_eq(filter_chain_compile(&chain, "exclude_comm:"
                                          "sixteen-bytes-xx", NULL, &d,
                                          record_warning, &w), 0);
    ck_assert_int_eq(w.count, 1);
}
END_TEST

/* Every filter, with arguments where it takes them. */
#define FULL_CHAIN \
    "exclude_uid:424242;only_uid:0,1,alice;only_root;only_tty;" \
    "exclude_spawns_of:nosuch;only_spawns_of:a,b;exclude_comm:x,y"

START_TEST(validate_rejects_corrupt_chains)
{
    struct filter_chain good, bad;
    uint16_t filters_in_table = 0;

    compile(FULL_CHAIN);
    good = chain;
    ck_assert_uint_eq(good.count, 7);
    while (filter_name(filters_in_table) != NULL)
        filters_in_table++;
    memset(&bad, 0, sizeof(bad));
    ck_assert_int_eq(filter_chain_validate(&bad), 0);   /* no filters */

#define REJECTS(field, value)                                          \
    do {                                                                \
        bad = good;                                                     \
        bad.field = (value);                                            \
        ck_assert_msg(filter_chain_validate(&bad) == -EINVAL,           \
                      "accepted " #field " = " #value);                 \
    } while (0)

    REJECTS(count, FILTER_MAX_ITEMS + 1);
    REJECTS(count, 0xffff);
    REJECTS(value_count, FILTER_MAX_VALUES + 1);
    REJECTS(value_count, good.value_count - 1);   /* exclude_comm's y */
    REJECTS(items[0].filter, filters_in_table);
    REJECTS(items[0].filter, 0xffff);
    REJECTS(items[6].first, good.value_count);
    REJECTS(items[6].first, 0xffff);
    REJECTS(items[6].count, 3);
    REJECTS(items[6].count, 0xffff);
    REJECTS(items[0].count, 0);                   /* exclude_uid, no uids */
    REJECTS(items[2].count, 1);                   /* only_root with one */
    REJECTS(values[5].offset, FILTER_MAX_TEXT + 1);
    REJECTS(values[5].offset, 0xffff);
    REJECTS(values[5].length, FILTER_MAX_TEXT + 1);
    REJECTS(values[5].length, 0xffff);
    bad = good;
    bad.values[5].offset = FILTER_MAX_TEXT - 1;
    bad.values[5].length = 2;
    ck_assert_int_eq(filter_chain_validate(&bad), -EINVAL);
    bad.values[5].length = 1;                     /* the last byte: fine */
    ck_assert_int_eq(filter_chain_validate(&bad), 0);
#undef REJECTS
}
END_TEST

/* Whatever bytes a cache file holds, a chain that passes validation is
 * safe to run (under ASan this catches any read out of bounds). */
START_TEST(validated_chains_are_safe_to_run)
{
    struct exec_event ev = exec_of("/bin/ls");
    struct filter_chain good;
    unsigned seed = 1, passed = 0;

    compile(FULL_CHAIN);
    good = chain;
    for (int round = 0; round < 20000; round++) {
        unsigned char *bytes = (unsigned char *)&chain;

        chain = good;
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            bytes[(seed >> 8) % sizeof(chain)] ^= (unsigned char)(1u << (seed % 8));
        }
        if (filter_chain_validate(&chain) == 0) {
            passed++;
            (void)filter_chain_drops(&chain, &ev);
        }
    }
    ck_assert_uint_gt(passed, 0);
}
END_TEST

Suite *filters_suite(void)
{
    Suite *s = suite_create("filters");
    TCase *match = tcase_create("match");
    TCase *errors = tcase_create("compile");

    tcase_add_test(match, empty_chain_logs_everything);
    tcase_add_test(match, uid_filters);
    tcase_add_test(match, uid_lists_and_user_names);
    tcase_add_test(match, only_root);
    tcase_add_test(match, only_tty);
    tcase_add_test(match, exclude_comm_matches_the_basename);
    tcase_add_test(match, exclude_comm_trusts_only_what_root_owns);
    tcase_add_test(match, only_interactive_wants_stdin_and_stderr_on_the_terminal);
    tcase_add_test(match, unit_filters_match_the_outermost_unit);
    tcase_add_test(match, unit_filters_in_a_unit_of_its_own);
    tcase_add_test(match, spawns_of_trusts_only_the_rule_s_account);
    tcase_add_test(match, filters_trust_nothing_in_a_user_namespace);
    tcase_add_test(match, first_drop_wins);
    tcase_add_test(match, spawns_of_walks_the_real_process_tree);
    tcase_add_test(match, spawns_of_logs_without_proc);
    suite_add_tcase(s, match);

    tcase_add_loop_test(errors, compile_errors_say_what_and_where, 0,
                        sizeof(compile_errors) / sizeof(compile_errors[0]));
    tcase_add_test(errors, user_names_need_a_resolver);
    tcase_add_test(errors, compile_limits);
    tcase_add_test(errors, long_comm_names_warn);
    tcase_add_test(errors, validate_rejects_corrupt_chains);
    tcase_add_test(errors, validated_chains_are_safe_to_run);
    suite_add_tcase(s, errors);
    return s;
}
