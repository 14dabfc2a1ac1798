/* The per-user counters of src/state.c, in a directory of the test's own
 * made the way reload makes /run/execlog. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_core.h"
#include "state.h"

static char dir[64], lost[128];

#define LOST lost, strlen(lost)

static void make_dir(void)
{
    char kind[96];

    snprintf(dir, sizeof(dir), "/tmp/check-state.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(kind, sizeof(kind), "%s/lost", dir);
    ck_assert_int_eq(mkdir(kind, 0700), 0);
    ck_assert_int_eq(chmod(kind, 01733), 0);
    snprintf(lost, sizeof(lost), "%s/", kind);
}

static void remove_dir(void)
{
    char command[128];

    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(command), 0);
}

START_TEST(a_counter_adds_up_and_is_taken_once)
{
    uint64_t n = 99;

    make_dir();
    ck_assert_int_eq(state_counter_take(LOST, getuid(), &n), 0);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(state_counter_add(LOST, getuid(), 2), 0);
    ck_assert_int_eq(state_counter_add(LOST, getuid(), 3), 0);
    ck_assert_int_eq(state_counter_take(LOST, getuid(), &n), 0);
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(state_counter_take(LOST, getuid(), &n), 0);
    ck_assert_uint_eq(n, 0);
    remove_dir();
}
END_TEST

START_TEST(no_directory_is_an_error_not_a_count)
{
    uint64_t n = 7;

    static const char missing[] = "/nonexistent-execlog/lost/";

    ck_assert_int_eq(state_counter_add(missing, sizeof(missing) - 1, getuid(),
                                       1), -ENOENT);
    ck_assert_int_eq(state_counter_take(missing, sizeof(missing) - 1, getuid(),
                                        &n), 0);
    ck_assert_uint_eq(n, 0);
}
END_TEST

/* The file is the user's alone: mode 0600, owned by the uid counted. */
START_TEST(the_file_is_private)
{
    char path[128];
    struct stat st;

    make_dir();
    ck_assert_int_eq(state_counter_add(LOST, getuid(), 1), 0);
    snprintf(path, sizeof(path), "%s/lost/%u", dir, (unsigned)getuid());
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    ck_assert_uint_eq(st.st_uid, getuid());
    remove_dir();
}
END_TEST

/* A file of someone else's in the way: a root process removes it and
 * counts in its own; others are refused (tried as root, for uid 65534). */
START_TEST(a_squatted_file_is_taken_back_by_root_only)
{
    char path[128];
    uint64_t n;
    int fd;

    if (geteuid() != 0)
        return;
    make_dir();
    snprintf(path, sizeof(path), "%s/lost/0", dir);
    fd = open(path, O_CREAT | O_WRONLY, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fchown(fd, 65534, 65534), 0);
    close(fd);
    ck_assert_int_eq(state_counter_add(LOST, 0, 4), 0);
    ck_assert_int_eq(state_counter_take(LOST, 0, &n), 0);
    ck_assert_uint_eq(n, 4);
    remove_dir();
}
END_TEST

/* Adders in many processes and takers racing with them: every add is
 * taken exactly once. */
START_TEST(racing_adds_and_takes_lose_nothing)
{
    enum { ADDERS = 4, ADDS = 300 };
    uint64_t total = 0, n;
    int status;

    make_dir();
    for (int a = 0; a < ADDERS; a++) {
        pid_t pid = fork();

        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            for (int i = 0; i < ADDS; i++)
                if (state_counter_add(LOST, getuid(), 1) < 0)
                    _exit(1);
            _exit(0);
        }
    }
    for (int done = 0; done < ADDERS;) {
        ck_assert_int_eq(state_counter_take(LOST, getuid(), &n), 0);
        total += n;
        if (waitpid(-1, &status, WNOHANG) > 0) {
            ck_assert_int_eq(status, 0);
            done++;
        }
    }
    ck_assert_int_eq(state_counter_take(LOST, getuid(), &n), 0);
    total += n;
    ck_assert_uint_eq(total, ADDERS * ADDS);
    remove_dir();
}
END_TEST

Suite *state_suite(void)
{
    Suite *s = suite_create("state");
    TCase *tc = tcase_create("counters");

    tcase_add_test(tc, a_counter_adds_up_and_is_taken_once);
    tcase_add_test(tc, no_directory_is_an_error_not_a_count);
    tcase_add_test(tc, the_file_is_private);
    tcase_add_test(tc, a_squatted_file_is_taken_back_by_root_only);
    tcase_add_test(tc, racing_adds_and_takes_lose_nothing);
    suite_add_tcase(s, tc);
    return s;
}
