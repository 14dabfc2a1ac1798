#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_core.h"
#include "datasources.h"
#include "format.h"

static char work[EVENT_WORK_SIZE];

/* Renders the single placeholder %{name:arg} (arg NULL: %{name}) for ev. */
static const char *render_arg(const char *name, const char *arg,
                              struct exec_event *ev)
{
    static char out[8192];
    int index = datasource_find(name, strlen(name));
    struct textbuf tb;

    ck_assert_msg(index >= 0, "no placeholder %s", name);
    ev->work = work;
    if (ev->max_arg_length == 0)
        ev->max_arg_length = 4096;
    textbuf_init(&tb, out, sizeof(out) - 1);
    datasource_render((unsigned)index, ev, arg, arg != NULL ? strlen(arg) : 0,
                      RENDER_QUOTED, &tb);
    out[tb.len] = '\0';
    return out;
}

static const char *render(const char *name, struct exec_event *ev)
{
    return render_arg(name, NULL, ev);
}

/* The compile-time check of %{name:arg}: 0, or -EINVAL with d filled. */
static int check_arg(const char *name, const char *arg, struct diag *d)
{
    int index = datasource_find(name, strlen(name));

    ck_assert_msg(index >= 0, "no placeholder %s", name);
    return datasource_check_arg((unsigned)index, arg,
                                arg != NULL ? strlen(arg) : 0, d);
}

static char *argv_two_words[] = { "/bin/echo", "two words", NULL };

static struct exec_event sample(void)
{
    struct exec_event ev = { .call.entry = ENTRY_EXECVE, .call.filename = "/bin/echo",
                             .call.fd = -1, .call.argv = argv_two_words };
    return ev;
}

static const char *number(long long v)
{
    static char buf[32];

    snprintf(buf, sizeof(buf), "%lld", v);
    return buf;
}

START_TEST(every_name_is_found_and_rendered)
{
    const char *name;

    for (unsigned i = 0; (name = datasource_name(i)) != NULL; i++) {
        struct exec_event ev = sample();

        ck_assert_int_eq(datasource_find(name, strlen(name)), (int)i);
        /* %{setuid} is empty by design unless the ids differ (below). */
        if (strcmp(name, "setuid") != 0 || getuid() != geteuid())
            ck_assert_msg(render(name, &ev)[0] != '\0', "%s rendered nothing",
                          name);
    }
    ck_assert_int_eq(datasource_find("nosuch", 6), -ENOENT);
    ck_assert_int_eq(datasource_find("ui", 2), -ENOENT);   /* no prefix match */
    ck_assert_int_eq(datasource_find("uidx", 4), -ENOENT);
}
END_TEST

/* The start time of pid (field 22 of /proc/PID/stat), as a test reads it. */
static int proc_start_of(pid_t pid, unsigned long long *start)
{
    char path[64], buf[1024];
    const char *p;
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    return p != NULL && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u "
                                      "%*u %*u %*u %*u %*d %*d %*d %*d %*d "
                                      "%*d %llu", start) == 1 ? 0 : -1;
}

/* BOOT-PID-START: the boot id without dashes, the pid, the start time
 * in /proc/PID/stat; the parent's the same of getppid(). */
START_TEST(exec_ids_name_the_process_and_its_parent)
{
    struct exec_event ev = sample();
    char boot[40] = "", want[64], hex[33];
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    unsigned long long start;
    int n = 0;

    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(boot, sizeof(boot), f));
    fclose(f);
    for (const char *c = boot; *c != '\0' && *c != '\n'; c++)
        if (*c != '-')
            hex[n++] = *c;
    hex[n] = '\0';
    ck_assert_int_eq(n, 32);
    boot[36] = '\0';
    ck_assert_str_eq(render("boot_id", &ev), boot);
    ck_assert_int_eq(proc_start_of(getpid(), &start), 0);
    snprintf(want, sizeof(want), "%s-%d-%llu", hex, (int)getpid(), start);
    ck_assert_str_eq(render("exec_id", &ev), want);
    ck_assert_int_eq(proc_start_of(getppid(), &start), 0);
    snprintf(want, sizeof(want), "%s-%d-%llu", hex, (int)getppid(), start);
    ev = sample();
    ck_assert_str_eq(render("parent_exec_id", &ev), want);
}
END_TEST

/* A fork child's parent_exec_id is the exec_id its parent gave, whether
 * the child reads the parent's stat or finds the start time the parent
 * kept. */
START_TEST(a_fork_childs_parent_exec_id_is_the_parents_exec_id)
{
    struct exec_event ev = sample();
    char parent_id[80];
    int status;
    pid_t child;

    snprintf(parent_id, sizeof(parent_id), "%s", render("exec_id", &ev));
    child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        struct exec_event cev = sample();

        _exit(strcmp(render("parent_exec_id", &cev), parent_id) != 0 ||
              strcmp(render("exec_id", &cev), parent_id) == 0);
    }
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* A structured field without a value is left out: in RENDER_RAW the
 * placeholder says so in ev->gap and writes nothing. */
START_TEST(raw_render_marks_a_gap_instead_of_none)
{
    struct exec_event ev = sample();
    char out[64];
    struct textbuf tb;
    int tty = datasource_find("tty", 3);

    int null = open("/dev/null", O_RDONLY);

    /* Check runs each test in a child of its own. */
    ck_assert_int_ge(null, 0);
    ck_assert_int_eq(dup2(null, STDIN_FILENO), STDIN_FILENO);
    ev.work = work;
    textbuf_init(&tb, out, sizeof(out));
    datasource_render((unsigned)tty, &ev, NULL, 0, RENDER_RAW, &tb);
    ck_assert(ev.gap);
    ck_assert_uint_eq(tb.len, 0);
    ck_assert_str_eq(render("tty", &ev), "(none)");
    close(null);
}
END_TEST

START_TEST(time_is_rfc3339_with_microseconds)
{
    struct exec_event ev = sample();
    char t[40];

    snprintf(t, sizeof(t), "%s", render("time", &ev));
    ck_assert_int_eq((int)strlen(t), 27);
    ck_assert_int_eq(t[19], '.');
    ck_assert_int_eq(t[26], 'Z');
    ck_assert_str_eq(render_arg("datetime", "%S.%fZ", &ev), t + 17);
}
END_TEST

START_TEST(event_fields)
{
    struct exec_event ev = sample();

    ck_assert_str_eq(render("cmdline", &ev), "/bin/echo 'two words'");
    ck_assert_str_eq(render("argc", &ev), "2");
    ck_assert_str_eq(render("filename", &ev), "/bin/echo");
    ck_assert_str_eq(render("exec_call", &ev), "execve");
    ev.call.filename = NULL;
    ev.call.fd = 7;
    ck_assert_str_eq(render("filename", &ev), "/dev/fd/7");
    ev.call.filename = "/tmp/a b";
    ck_assert_str_eq(render("filename", &ev), "'/tmp/a b'");
    ev.call.argv = NULL;
    ck_assert_str_eq(render("argc", &ev), "0");
    ck_assert_str_eq(render("cmdline", &ev), "");
}
END_TEST

START_TEST(ids_match_the_process)
{
    struct exec_event ev = sample();

    ck_assert_str_eq(render("uid", &ev), number(getuid()));
    ck_assert_str_eq(render("euid", &ev), number(geteuid()));
    ck_assert_str_eq(render("gid", &ev), number(getgid()));
    ck_assert_str_eq(render("egid", &ev), number(getegid()));
    ck_assert_str_eq(render("pid", &ev), number(getpid()));
    ck_assert_str_eq(render("ppid", &ev), number(getppid()));
    ck_assert_str_eq(render("sid", &ev), number(getsid(0)));
    /* A spawned child: its pid, and we are its parent. */
    ev.call.pid = 424242;
    ck_assert_str_eq(render("pid", &ev), "424242");
    ck_assert_str_eq(render("ppid", &ev), number(getpid()));
    ck_assert_str_eq(render("sid", &ev), "(unknown)");   /* no such process */
}
END_TEST

/* %{setuid} says nothing while the ids agree, and who the program runs
 * as when they do not (tried as root with the effective uid lowered). */
START_TEST(setuid_shows_the_effective_user_only_when_it_differs)
{
    struct exec_event ev = sample();
    const char *line;

    if (getuid() == geteuid())
        ck_assert_str_eq(render("setuid", &ev), "");
    if (getuid() != 0)
        return;
    ck_assert_int_eq(seteuid(65534), 0);
    ev = sample();
    line = render("setuid", &ev);
    ck_assert_int_eq(seteuid(0), 0);
    ck_assert_msg(strncmp(line, " euid:65534 eusername:", 22) == 0 &&
                      line[22] != '\0',
                  "setuid rendered '%s'", line);
}
END_TEST

START_TEST(cwd_is_quoted_and_deleted_cwd_is_unknown)
{
    char dir[] = "/tmp/execlog cwd XXXXXX", *made, old[4096];
    struct exec_event ev = sample();
    char expect[4200];

    ck_assert_ptr_nonnull(getcwd(old, sizeof(old)));
    made = mkdtemp(dir);
    ck_assert_ptr_nonnull(made);
    ck_assert_int_eq(chdir(made), 0);
    snprintf(expect, sizeof(expect), "'%s'", made);
    ck_assert_str_eq(render("cwd", &ev), expect);
    ck_assert_int_eq(rmdir(made), 0);
    ck_assert_str_eq(render("cwd", &ev), "(unknown)");
    ck_assert_int_eq(chdir(old), 0);
}
END_TEST

START_TEST(tty_is_none_without_a_terminal)
{
    struct exec_event ev = sample();
    int saved = dup(0), null = open("/dev/null", O_RDONLY | O_CLOEXEC);

    ck_assert_int_ge(null, 0);
    dup2(null, 0);
    ck_assert_str_eq(render("tty", &ev), "(none)");
    dup2(saved, 0);
    close(saved);
    close(null);
}
END_TEST

START_TEST(username_and_comm)
{
    struct exec_event ev = sample();
    char comm[32] = "";
    FILE *f;

    /* uid 0 is root everywhere; other uids only need to have a name. */
    if (getuid() == 0)
        ck_assert_str_eq(render("username", &ev), "root");
    else
        ck_assert_str_ne(render("username", &ev), number(getuid()));
    f = fopen("/proc/self/comm", "re");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(comm, sizeof(comm), f));
    fclose(f);
    comm[strcspn(comm, "\n")] = '\0';
    ck_assert_str_eq(render("comm", &ev), comm);
}
END_TEST

START_TEST(login_follows_loginuid)
{
    struct exec_event ev = sample();
    uid_t uid;
    int r = proc_loginuid(&uid);
    const char *login = render("login", &ev);

    if (r == -ESRCH) {
        ck_assert_str_eq(login, "(none)");
        ck_assert_str_eq(render("loginuid", &ev), "(none)");
    } else {
        ck_assert_int_eq(r, 0);
        ck_assert_str_eq(render("loginuid", &ev), number(uid));
        ck_assert_str_ne(login, "(none)");
    }
}
END_TEST

START_TEST(long_argument_is_cut_in_cmdline)
{
    static char big[10000];
    char *argv[] = { "x", big, NULL };
    struct exec_event ev = sample();
    const char *out;

    memset(big, 'a', sizeof(big) - 1);
    ev.call.argv = argv;
    ev.max_arg_length = 100;
    out = render("cmdline", &ev);
    ck_assert_uint_eq(strlen(out), 2 + 100 + strlen("...(9899 bytes cut)"));
    ck_assert_str_eq(out + 102, "...(9899 bytes cut)");
}
END_TEST

static void read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "re");

    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(buf, (int)size, f));
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

START_TEST(arguments_are_checked_per_placeholder)
{
    static const char *const plain[] = {
        "cgroup", "eusername", "exe", "hostname", "rpname", "sessionid",
        "systemd_unit", "tid", "timestamp", "timestamp_ms", "timestamp_us",
    };
    struct diag d;

    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        ck_assert_int_eq(check_arg(plain[i], NULL, &d), 0);
        ck_assert_int_eq(check_arg(plain[i], "x", &d), -EINVAL);
        ck_assert_ptr_nonnull(strstr(d.message, "takes no argument"));
    }
    ck_assert_int_eq(check_arg("datetime", NULL, &d), 0);
    ck_assert_int_eq(check_arg("env", NULL, &d), -EINVAL);
    ck_assert_ptr_nonnull(strstr(d.message, "needs an argument"));
    ck_assert_int_eq(check_arg("env", "HOME", &d), 0);
}
END_TEST

START_TEST(exe_is_the_absolute_path)
{
    char dir[] = "/tmp/execlog exe XXXXXX", *made, old[4096];
    char expect[4200], file[4200], real[PATH_MAX];
    struct exec_event ev = sample();
    int fd;

    ev.exe = "/usr/bin/known";
    ev.call.filename = "ignored";
    ck_assert_str_eq(render("exe", &ev), "/usr/bin/known");
    ev.exe = NULL;
    ev.call.filename = "/bin/echo";
    ck_assert_str_eq(render("exe", &ev), "/bin/echo");

    ck_assert_ptr_nonnull(getcwd(old, sizeof(old)));
    made = mkdtemp(dir);
    ck_assert_ptr_nonnull(made);
    ck_assert_int_eq(chdir(made), 0);
    snprintf(expect, sizeof(expect), "'%s/sub/tool'", made);
    ev.call.filename = "sub/tool";
    ck_assert_str_eq(render("exe", &ev), expect);
    ev.call.filename = "././sub/tool";
    ck_assert_str_eq(render("exe", &ev), expect);
    /* A bare name goes to a PATH search, not to the cwd... */
    ev.call.entry = ENTRY_EXECVP;
    ev.call.filename = "tool";
    ck_assert_str_eq(render("exe", &ev), "(unknown)");
    ev.call.entry = ENTRY_POSIX_SPAWNP;
    ck_assert_str_eq(render("exe", &ev), "(unknown)");
    /* ...but one with a slash is run as it is. */
    ev.call.filename = "sub/tool";
    ck_assert_str_eq(render("exe", &ev), expect);
    ev.call.entry = ENTRY_EXECVE;
    ev.call.filename = "tool";
    snprintf(expect, sizeof(expect), "'%s/tool'", made);
    ck_assert_str_eq(render("exe", &ev), expect);
    /* Relative to a dirfd we do not know. */
    ev.call.entry = ENTRY_EXECVEAT;
    ev.call.via_execveat = true;
    ck_assert_str_eq(render("exe", &ev), "(unknown)");
    ev.call.via_execveat = false;
    ev.call.entry = ENTRY_EXECVE;
    ev.call.filename = "";
    ck_assert_str_eq(render("exe", &ev), "(unknown)");

    /* fexecve: whatever the descriptor refers to. */
    snprintf(file, sizeof(file), "%s/prog", made);
    fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0700);
    ck_assert_int_ge(fd, 0);
    ck_assert_ptr_nonnull(realpath(file, real));
    snprintf(expect, sizeof(expect), "'%s'", real);
    ev.call.filename = NULL;
    ev.call.fd = fd;
    ev.call.entry = ENTRY_FEXECVE;
    ck_assert_str_eq(render("exe", &ev), expect);
    close(fd);
    ck_assert_str_eq(render("exe", &ev), "(unknown)");
    ev.call.fd = -1;
    ck_assert_str_eq(render("exe", &ev), "(unknown)");
    unlink(file);

    ck_assert_int_eq(chdir("/"), 0);
    ev.call.filename = "bin/sh";
    ev.call.entry = ENTRY_EXECVE;
    ck_assert_str_eq(render("exe", &ev), "/bin/sh");
    ck_assert_int_eq(chdir(made), 0);
    /* Deleted cwd: nothing to compose with. */
    ck_assert_int_eq(rmdir(made), 0);
    ck_assert_str_eq(render("exe", &ev), "(unknown)");
    ck_assert_int_eq(chdir(old), 0);
}
END_TEST

START_TEST(eusername_names_the_effective_uid)
{
    struct exec_event ev = sample();
    struct passwd *pw = getpwuid(geteuid());

    ck_assert_str_eq(render("eusername", &ev),
                     pw != NULL ? pw->pw_name : number(geteuid()));
}
END_TEST

START_TEST(sessionid_is_the_audit_session)
{
    struct exec_event ev = sample();
    char line[64];
    FILE *f = fopen("/proc/self/sessionid", "re");

    if (f == NULL) {
        ck_assert_str_eq(render("sessionid", &ev), "(unknown)");
        return;
    }
    ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    if (strcmp(line, "4294967295") == 0)
        ck_assert_str_eq(render("sessionid", &ev), "(none)");
    else
        ck_assert_str_eq(render("sessionid", &ev), line);
}
END_TEST

static void *render_tid(void *arg)
{
    struct exec_event ev = sample();
    char *out = arg;

    snprintf(out, 64, "%s|%ld", render("tid", &ev), (long)syscall(SYS_gettid));
    return NULL;
}

START_TEST(tid_is_the_calling_thread)
{
    struct exec_event ev = sample();
    char got[64], expect[64];
    pthread_t t;

    ck_assert_str_eq(render("tid", &ev), number(syscall(SYS_gettid)));
    ck_assert_int_eq(pthread_create(&t, NULL, render_tid, got), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    /* Another thread gets its own id, not the process's. */
    snprintf(expect, sizeof(expect), "%s", got);
    *strchr(expect, '|') = '\0';
    ck_assert_str_eq(expect, strchr(got, '|') + 1);
    ck_assert_str_ne(expect, number(getpid()));
}
END_TEST

START_TEST(rpname_is_the_parents_comm)
{
    struct exec_event ev = sample();
    char path[64], stat[512], own[32];
    char *open_paren, *close_paren;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)getppid());
    read_line(path, stat, sizeof(stat));
    open_paren = strchr(stat, '(');
    close_paren = strrchr(stat, ')');
    ck_assert_ptr_nonnull(open_paren);
    ck_assert_ptr_nonnull(close_paren);
    *close_paren = '\0';
    /* Names with spaces or quotes would come back quoted. */
    if (open_paren[1 + strcspn(open_paren + 1, " '\"\\$")] == '\0')
        ck_assert_str_eq(render("rpname", &ev), open_paren + 1);
    /* A spawned child's parent is us. */
    read_line("/proc/self/comm", own, sizeof(own));
    ev.call.pid = 424242;
    ck_assert_str_eq(render("rpname", &ev), own);
}
END_TEST

START_TEST(hostname_matches_uname)
{
    struct exec_event ev = sample();
    struct utsname u;

    ck_assert_int_eq(uname(&u), 0);
    ck_assert_str_eq(render("hostname", &ev), u.nodename);
}
END_TEST

/* The expected cgroup, by the rule the placeholder documents, from
 * /proc/self/cgroup read with stdio. */
static void expected_cgroup(char *path, size_t size)
{
    char line[4200], v2[4200] = "", systemd[4200] = "";
    FILE *f = fopen("/proc/self/cgroup", "re");

    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

        if (c2 == NULL)
            continue;
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "0::", 3) == 0)
            snprintf(v2, sizeof(v2), "%s", c2 + 1);
        else if (strncmp(c1, ":name=systemd:", 14) == 0)
            snprintf(systemd, sizeof(systemd), "%s", c2 + 1);
    }
    fclose(f);
    if (v2[0] != '\0' && (strcmp(v2, "/") != 0 || systemd[0] == '\0'))
        snprintf(path, size, "%s", v2);
    else
        snprintf(path, size, "%s", systemd[0] != '\0' ? systemd : "(unknown)");
}

START_TEST(cgroup_and_unit_match_proc)
{
    struct exec_event ev = sample();
    char path[4200], *unit = NULL, *p, *end;

    expected_cgroup(path, sizeof(path));
    ck_assert_str_eq(render("cgroup", &ev), path);
    /* A child that is gone was in our cgroup. */
    ev.call.pid = 424242;
    ck_assert_str_eq(render("cgroup", &ev), path);
    ev.call.pid = getpid();
    ck_assert_str_eq(render("cgroup", &ev), path);

    for (p = path; *p != '\0'; p = end + (*end == '/')) {
        size_t n;

        end = p + strcspn(p, "/");
        n = (size_t)(end - p);
        if ((n > 8 && memcmp(end - 8, ".service", 8) == 0) ||
            (n > 6 && memcmp(end - 6, ".scope", 6) == 0))
            unit = p;
    }
    if (strcmp(path, "(unknown)") == 0)
        ck_assert_str_eq(render("systemd_unit", &ev), "(unknown)");
    else if (unit == NULL)
        ck_assert_str_eq(render("systemd_unit", &ev), "(none)");
    else {
        unit[strcspn(unit, "/")] = '\0';
        ck_assert_str_eq(render("systemd_unit", &ev), unit);
    }
}
END_TEST

static int cgroup_of(const char *text, char *path, size_t io_size)
{
    char file[] = "/tmp/execlog-cgroup-XXXXXX", io[4096];
    int fd = mkstemp(file), r;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    r = cgroup_path_from(file, path, 4096, io, io_size);
    unlink(file);
    return r;
}

START_TEST(cgroup_line_is_chosen_by_hierarchy)
{
    char path[4096], big[6000];

    /* Pure v2. */
    ck_assert_int_eq(cgroup_of("0::/system.slice/sshd.service\n", path, 4096),
                     (int)strlen("/system.slice/sshd.service"));
    ck_assert_str_eq(path, "/system.slice/sshd.service");
    /* Hybrid: both say the same. */
    ck_assert_int_ge(cgroup_of("2:cpu:/x\n1:name=systemd:/user.slice/a.scope\n"
                               "0::/user.slice/a.scope\n", path, 4096), 0);
    ck_assert_str_eq(path, "/user.slice/a.scope");
    /* Legacy, with a cgroup2 mounted that nothing uses. */
    ck_assert_int_ge(cgroup_of("0::/\n3:memory:/m\n"
                               "1:name=systemd:/system.slice/cron.service",
                               path, 4096), 0);
    ck_assert_str_eq(path, "/system.slice/cron.service");
    /* v2, with a leftover name=systemd hierarchy a container tool made. */
    ck_assert_int_ge(cgroup_of("1:name=systemd:/\n0::/system.slice/d.service\n",
                               path, 4096), 0);
    ck_assert_str_eq(path, "/system.slice/d.service");
    ck_assert_int_ge(cgroup_of("1:name=systemd:/\n0::/\n", path, 4096), 0);
    ck_assert_str_eq(path, "/");
    /* Paths may hold ':'; only the first two separate fields. */
    ck_assert_int_ge(cgroup_of("0::/a:b/c\n", path, 4096), 0);
    ck_assert_str_eq(path, "/a:b/c");
    /* Only controllers, or nothing usable. */
    ck_assert_int_eq(cgroup_of("4:memory:/m\n2:cpu,cpuacct:/c\n", path, 4096),
                     -ENOENT);
    ck_assert_int_eq(cgroup_of("", path, 4096), -ENOENT);
    ck_assert_int_eq(cgroup_of("garbage\n1:name=systemdx:/a.service\n", path,
                               4096), -ENOENT);
    /* A line longer than the read buffer is skipped, not misread. */
    memset(big, 'z', sizeof(big));
    memcpy(big, "5:cpu:/", 7);
    snprintf(big + 3000, sizeof(big) - 3000, "\n0::/tail.scope\n");
    ck_assert_int_eq(cgroup_of(big, path, 2048), (int)strlen("/tail.scope"));
    ck_assert_str_eq(path, "/tail.scope");
    ck_assert_int_eq(cgroup_path_from("/nonexistent/cgroup", path, 4096, big,
                                      sizeof(big)), -ENOENT);
}
END_TEST

static const char *unit_of(const char *path)
{
    static char buf[256];
    const char *unit;
    int n = cgroup_systemd_unit(path, strlen(path), &unit);

    if (n < 0)
        return "-";
    snprintf(buf, sizeof(buf), "%.*s", n, unit);
    return buf;
}

/* The outermost unit: a user's manager lets the user name the cgroups
 * below it as they like. */
START_TEST(systemd_unit_is_the_outermost_unit)
{
    ck_assert_str_eq(unit_of("/system.slice/sshd.service"), "sshd.service");
    ck_assert_str_eq(unit_of("/user.slice/user-1000.slice/session-3.scope"),
                     "session-3.scope");
    ck_assert_str_eq(unit_of("/user.slice/user-1000.slice/user@1000.service/"
                             "app.slice/app-gnome-term-42.scope"),
                     "user@1000.service");
    ck_assert_str_eq(unit_of("/user.slice/user-1000.slice/user@1000.service/"
                             "app.slice/zabbix-agent.service"),
                     "user@1000.service");
    /* A delegated subtree below its unit. */
    ck_assert_str_eq(unit_of("/system.slice/docker.service/payload/x"),
                     "docker.service");
    ck_assert_str_eq(unit_of("/init.scope"), "init.scope");
    ck_assert_str_eq(unit_of("system.slice/a.service"), "a.service");
    ck_assert_str_eq(unit_of("/"), "-");
    ck_assert_str_eq(unit_of(""), "-");
    ck_assert_str_eq(unit_of("/user.slice/user-1000.slice"), "-");
    ck_assert_str_eq(unit_of("/.service/.scope"), "-");
    ck_assert_str_eq(unit_of("/a.service.d/b"), "-");
}
END_TEST

START_TEST(timestamps_follow_the_clock)
{
    struct exec_event ev = sample();
    time_t before = time(NULL), after;
    long long s, ms, us;

    s = atoll(render("timestamp", &ev));
    ms = atoll(render("timestamp_ms", &ev));
    us = atoll(render("timestamp_us", &ev));
    after = time(NULL);
    ck_assert_int_ge(s, (long long)before - 1);
    ck_assert_int_le(s, (long long)after + 1);
    /* One reading per event: all three agree. */
    ck_assert_int_eq(ms / 1000, s);
    ck_assert_int_eq(us / 1000, ms);
    ck_assert_int_eq(atoll(render("timestamp", &ev)), s);
    /* A fresh event reads the clock again. */
    ev = sample();
    ck_assert_int_ge(atoll(render("timestamp_us", &ev)), us);

    ev.time_known = true;
    ev.time_sec = 1700000000;
    ev.time_nsec = 123456789;
    ck_assert_str_eq(render("timestamp", &ev), "1700000000");
    ck_assert_str_eq(render("timestamp_ms", &ev), "1700000000123");
    ck_assert_str_eq(render("timestamp_us", &ev), "1700000000123456");
}
END_TEST

static const char *datetime_at(int64_t t, const char *fmt)
{
    struct exec_event ev = sample();

    ev.time_known = true;
    ev.time_sec = t;
    return render_arg("datetime", fmt, &ev);
}

static const char *strftime_utc(int64_t t, const char *fmt)
{
    static char buf[256];
    time_t tt = (time_t)t;
    struct tm tm;

    ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
    /* The reference implementation, fed the formats under test. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    ck_assert_uint_gt(strftime(buf, sizeof(buf), fmt, &tm), 0);
#pragma GCC diagnostic pop
    return buf;
}

START_TEST(datetime_is_utc_iso8601)
{
    struct exec_event ev = sample();
    time_t before = time(NULL);
    char now[64];

    ck_assert_str_eq(datetime_at(1795353907, NULL), "2026-11-22T13:25:07Z");
    ck_assert_str_eq(datetime_at(0, NULL), "1970-01-01T00:00:00Z");
    ck_assert_str_eq(datetime_at(951782400, NULL), "2000-02-29T00:00:00Z");
    ck_assert_str_eq(datetime_at(1735689599, NULL), "2024-12-31T23:59:59Z");
    ck_assert_str_eq(datetime_at(-1, NULL), "1969-12-31T23:59:59Z");
    /* From the clock, and the same second as %{timestamp}. */
    snprintf(now, sizeof(now), "%s", render("datetime", &ev));
    ck_assert_int_ge(atoll(render("timestamp", &ev)), (long long)before);
    ck_assert_str_eq(now, strftime_utc(atoll(render("timestamp", &ev)),
                                       "%Y-%m-%dT%H:%M:%SZ"));
}
END_TEST

#define FITS_TIME_T(t) ((int64_t)(time_t)(t) == (t))

START_TEST(datetime_format_matches_strftime)
{
    /* %Z and %s are left to the checks below: glibc's strftime says "GMT"
     * for gmtime's result, and computes %s in local time. */
    static const char fmt[] =
        "%Y-%m-%d %H:%M:%S|%j|%e|%a|%b|%z|%F|%T|%%|100%% sure";
    static const int64_t epochs[] = {
        0, 59, 86399, 86400, 68169600 /* 1972-02-29 */,
        951782400 /* 2000-02-29 */, 951868799, 951868800 /* 2000-03-01 */,
        978220800 /* 2000-12-31: day 366 */, 1704067200 /* 2024-01-01 */,
        1709164800 /* 2024-02-29 */, 1735689599 /* 2024-12-31 23:59:59 */,
        2147483647, 2147483648, 4107542400 /* 2100-03-01, not leap */,
        253402300799 /* 9999-12-31 */, -1, -86400, -2208988800 /* 1900 */,
        -2203891200 /* 1900-03-01 */,
    };

    /* A 32-bit time_t (i386) cannot give strftime what the library
     * renders past 2038 or before 1902. */
    for (size_t i = 0; i < sizeof(epochs) / sizeof(epochs[0]); i++)
        ck_assert_msg(!FITS_TIME_T(epochs[i]) ||
                          strcmp(datetime_at(epochs[i], fmt),
                                 strftime_utc(epochs[i], fmt)) == 0,
                      "%lld: %s", (long long)epochs[i],
                      datetime_at(epochs[i], fmt));
    /* Every day, and a different time of day each, from 1800 to 2300. */
    for (int64_t t = -5364662400; t < 10413792000; t += 86400 + 3607)
        ck_assert_msg(!FITS_TIME_T(t) ||
                          strcmp(datetime_at(t, fmt), strftime_utc(t, fmt)) == 0,
                      "%lld: %s", (long long)t, datetime_at(t, fmt));
    ck_assert_str_eq(datetime_at(1735689599, "%s %Z %z"),
                     "1735689599 UTC +0000");
    ck_assert_str_eq(datetime_at(-1, "%s"), "-1");
    ck_assert_str_eq(datetime_at(951782400, "%e %j %a %b"), "29 060 Tue Feb");
    ck_assert_str_eq(datetime_at(86400 * 4, "%e|%a"), " 5|Mon");
    ck_assert_str_eq(datetime_at(0, "no conversions"), "no conversions");
}
END_TEST

START_TEST(datetime_format_errors_point_at_the_percent)
{
    struct diag d;
    struct format fmt;

    ck_assert_int_eq(check_arg("datetime", "%Y-%m-%d %H:%M:%S %j %e %a %b "
                               "%s %z %Z %F %T %%", &d), 0);
    ck_assert_int_eq(check_arg("datetime", "%Y-%q", &d), -EINVAL);
    ck_assert_uint_eq(d.column, 3);
    ck_assert_ptr_nonnull(strstr(d.message, "%q"));
    ck_assert_int_eq(check_arg("datetime", "%E", &d), -EINVAL);
    ck_assert_uint_eq(d.column, 0);
    ck_assert_int_eq(check_arg("datetime", "%-d", &d), -EINVAL);
    ck_assert_uint_eq(d.column, 0);
    ck_assert_int_eq(check_arg("datetime", "%%%", &d), -EINVAL);
    ck_assert_uint_eq(d.column, 2);
    ck_assert_int_eq(check_arg("datetime", "%\t", &d), -EINVAL);
    ck_assert_uint_eq(d.column, 0);
    ck_assert_int_eq(check_arg("datetime", "%%q", &d), 0);
    /* Through the format compiler, the column is in the whole value. */
    ck_assert_int_eq(format_compile(&fmt, "x %{datetime:%Y %c}", &d), -EINVAL);
    ck_assert_uint_eq(d.column, strlen("x %{datetime:%Y "));
    ck_assert_int_eq(format_compile(&fmt, "%{datetime:%F %T}", &d), 0);
}
END_TEST

START_TEST(env_reads_the_new_programs_environment)
{
    char *envp[] = { "A=1", "PATH=/bin:/usr/bin", "EMPTY=", "SP=a b",
                     "NL=x\ny", "A=2", "NOVALUE", NULL };
    struct exec_event ev = sample();
    struct diag d;
    struct format fmt;

    ev.call.envp = envp;
    ck_assert_str_eq(render_arg("env", "A", &ev), "1");   /* the first */
    ck_assert_str_eq(render_arg("env", "PATH", &ev), "/bin:/usr/bin");
    ck_assert_str_eq(render_arg("env", "EMPTY", &ev), "''");
    ck_assert_str_eq(render_arg("env", "SP", &ev), "'a b'");
    ck_assert_str_eq(render_arg("env", "NL", &ev), "$'x\\ny'");
    ck_assert_str_eq(render_arg("env", "PAT", &ev), "(unset)");
    ck_assert_str_eq(render_arg("env", "PATHX", &ev), "(unset)");
    ck_assert_str_eq(render_arg("env", "NOVALUE", &ev), "(unset)");
    ev.call.envp = NULL;
    ck_assert_str_eq(render_arg("env", "A", &ev), "(unset)");

    ck_assert_int_eq(check_arg("env", "A=B", &d), -EINVAL);
    ck_assert_uint_eq(d.column, 1);
    ck_assert_int_eq(check_arg("env", "", &d), -EINVAL);
    ck_assert_int_eq(format_compile(&fmt, "u=%{env:USER=x}", &d), -EINVAL);
    ck_assert_uint_eq(d.column, strlen("u=%{env:USER"));
    ck_assert_int_eq(format_compile(&fmt, "%{env}", &d), -EINVAL);
    ck_assert_int_eq(format_compile(&fmt, "%{env:HOME}", &d), 0);
}
END_TEST

Suite *datasources_suite(void)
{
    Suite *s = suite_create("datasources");
    TCase *tc = tcase_create("render");

    tcase_add_test(tc, every_name_is_found_and_rendered);
    tcase_add_test(tc, event_fields);
    tcase_add_test(tc, ids_match_the_process);
    tcase_add_test(tc, setuid_shows_the_effective_user_only_when_it_differs);
    tcase_add_test(tc, cwd_is_quoted_and_deleted_cwd_is_unknown);
    tcase_add_test(tc, tty_is_none_without_a_terminal);
    tcase_add_test(tc, username_and_comm);
    tcase_add_test(tc, login_follows_loginuid);
    tcase_add_test(tc, long_argument_is_cut_in_cmdline);
    tcase_add_test(tc, arguments_are_checked_per_placeholder);
    tcase_add_test(tc, exe_is_the_absolute_path);
    tcase_add_test(tc, eusername_names_the_effective_uid);
    tcase_add_test(tc, sessionid_is_the_audit_session);
    tcase_add_test(tc, tid_is_the_calling_thread);
    tcase_add_test(tc, rpname_is_the_parents_comm);
    tcase_add_test(tc, hostname_matches_uname);
    tcase_add_test(tc, cgroup_and_unit_match_proc);
    tcase_add_test(tc, cgroup_line_is_chosen_by_hierarchy);
    tcase_add_test(tc, systemd_unit_is_the_outermost_unit);
    tcase_add_test(tc, timestamps_follow_the_clock);
    tcase_add_test(tc, datetime_is_utc_iso8601);
    tcase_add_test(tc, datetime_format_matches_strftime);
    tcase_add_test(tc, datetime_format_errors_point_at_the_percent);
    tcase_add_test(tc, env_reads_the_new_programs_environment);
    tcase_add_test(tc, exec_ids_name_the_process_and_its_parent);
    tcase_add_test(tc, a_fork_childs_parent_exec_id_is_the_parents_exec_id);
    tcase_add_test(tc, raw_render_marks_a_gap_instead_of_none);
    tcase_add_test(tc, time_is_rfc3339_with_microseconds);
    suite_add_tcase(s, tc);
    return s;
}
