#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_core.h"
#include "datasources.h"
#include "format.h"

static char work[EVENT_WORK_SIZE];

/* Renders the single placeholder `name` for ev. */
static const char *render(const char *name, struct exec_event *ev)
{
    static char out[8192];
    int index = datasource_find(name, strlen(name));
    struct textbuf tb;

    ck_assert_msg(index >= 0, "no placeholder %s", name);
    ev->work = work;
    if (ev->max_arg_length == 0)
        ev->max_arg_length = 4096;
    textbuf_init(&tb, out, sizeof(out) - 1);
    datasource_render((unsigned)index, ev, NULL, 0, &tb);
    out[tb.len] = '\0';
    return out;
}

static char *argv_two_words[] = { "/bin/echo", "two words", NULL };

static struct exec_event sample(void)
{
    struct exec_event ev = { .exec_call = "execve", .filename = "/bin/echo",
                             .fd = -1, .argv = argv_two_words };
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
        ck_assert_msg(render(name, &ev)[0] != '\0', "%s rendered nothing", name);
    }
    ck_assert_int_eq(datasource_find("nosuch", 6), -ENOENT);
    ck_assert_int_eq(datasource_find("ui", 2), -ENOENT);   /* no prefix match */
    ck_assert_int_eq(datasource_find("uidx", 4), -ENOENT);
}
END_TEST

START_TEST(event_fields)
{
    struct exec_event ev = sample();

    ck_assert_str_eq(render("cmdline", &ev), "/bin/echo 'two words'");
    ck_assert_str_eq(render("argc", &ev), "2");
    ck_assert_str_eq(render("filename", &ev), "/bin/echo");
    ck_assert_str_eq(render("exec_call", &ev), "execve");
    ev.filename = NULL;
    ev.fd = 7;
    ck_assert_str_eq(render("filename", &ev), "/dev/fd/7");
    ev.filename = "/tmp/a b";
    ck_assert_str_eq(render("filename", &ev), "'/tmp/a b'");
    ev.argv = NULL;
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
    ev.pid = 424242;
    ck_assert_str_eq(render("pid", &ev), "424242");
    ck_assert_str_eq(render("ppid", &ev), number(getpid()));
    ck_assert_str_eq(render("sid", &ev), "(unknown)");   /* no such process */
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
    int r = event_loginuid(&uid);
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
    ev.argv = argv;
    ev.max_arg_length = 100;
    out = render("cmdline", &ev);
    ck_assert_uint_eq(strlen(out), 2 + 100 + strlen("...(9899 bytes cut)"));
    ck_assert_str_eq(out + 102, "...(9899 bytes cut)");
}
END_TEST

Suite *datasources_suite(void)
{
    Suite *s = suite_create("datasources");
    TCase *tc = tcase_create("render");

    tcase_add_test(tc, every_name_is_found_and_rendered);
    tcase_add_test(tc, event_fields);
    tcase_add_test(tc, ids_match_the_process);
    tcase_add_test(tc, cwd_is_quoted_and_deleted_cwd_is_unknown);
    tcase_add_test(tc, tty_is_none_without_a_terminal);
    tcase_add_test(tc, username_and_comm);
    tcase_add_test(tc, login_follows_loginuid);
    tcase_add_test(tc, long_argument_is_cut_in_cmdline);
    suite_add_tcase(s, tc);
    return s;
}
