#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "check_core.h"
#include "outputs.h"

static char dir[] = "/tmp/execlog-out-XXXXXX";
static struct output_config oc;
static int receiver = -1;

static void setup(void)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    ck_assert_ptr_nonnull(mkdtemp(dir));
    output_config_defaults(&oc);
    snprintf(oc.path, sizeof(oc.path), "%s/log", dir);
    ck_assert_int_eq(output_select(&oc, "socket", oc.path), 0);
    memcpy(addr.sun_path, oc.path, strlen(oc.path));
    receiver = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(receiver, 0);
    ck_assert_int_eq(bind(receiver, (struct sockaddr *)&addr, sizeof(addr)), 0);
}

static void teardown(void)
{
    close(receiver);
    unlink(oc.path);
    rmdir(dir);
}

static int send_text(const char *text, pid_t pid)
{
    static char scratch[OUTPUT_SCRATCH_SIZE];
    struct output_message m = { .text = text, .len = strlen(text),
                                .pid = pid, .scratch = scratch };

    return output_send(&oc, &m);
}

static double elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

START_TEST(devlog_sends_syslog_datagram)
{
    char buf[256], expect[256];
    ssize_t n;

    ck_assert_int_eq(send_text("hello world", 1234), 0);
    n = recv(receiver, buf, sizeof(buf) - 1, MSG_DONTWAIT);
    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    /* authpriv (10) * 8 + info (6) = 86 */
    snprintf(expect, sizeof(expect), "<86>execlog[1234]: hello world");
    ck_assert_str_eq(buf, expect);
}
END_TEST

START_TEST(devlog_without_receiver_fails_at_once)
{
    struct timespec t0;

    close(receiver);
    receiver = -1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(send_text("x", 1), -ECONNREFUSED);
    unlink(oc.path);
    ck_assert_int_eq(send_text("x", 1), -ENOENT);
    ck_assert_double_lt(elapsed_ms(&t0), 20.0);
}
END_TEST

START_TEST(devlog_full_queue_waits_bounded_time)
{
    struct timespec t0;
    int r = 0, sent = 0;

    /* Nobody reads: fill the receiver's queue until a send times out. */
    oc.send_timeout_ms = 50;
    while (r == 0 && sent < 100000) {
        clock_gettime(CLOCK_MONOTONIC, &t0);
        r = send_text("fill", 1);
        sent++;
    }
    ck_assert_int_eq(r, -ETIMEDOUT);
    ck_assert_double_ge(elapsed_ms(&t0), 45.0);
    ck_assert_double_lt(elapsed_ms(&t0), 1000.0);
}
END_TEST

START_TEST(unknown_output_is_refused)
{
    ck_assert_int_eq(output_select(&oc, "nosuch", NULL), -ENOENT);
    ck_assert_int_eq(output_select(&oc, "file", NULL), -EINVAL);
    ck_assert_int_eq(output_select(&oc, "file", "relative"), -EINVAL);
    ck_assert_int_eq(output_select(&oc, "devlog", "/x"), -EINVAL);
    oc.output = 999;
    ck_assert_int_eq(send_text("x", 1), -EINVAL);
}
END_TEST

Suite *outputs_suite(void)
{
    Suite *s = suite_create("outputs");
    TCase *tc = tcase_create("devlog");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, devlog_sends_syslog_datagram);
    tcase_add_test(tc, devlog_without_receiver_fails_at_once);
    tcase_add_test(tc, devlog_full_queue_waits_bounded_time);
    tcase_add_test(tc, unknown_output_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
