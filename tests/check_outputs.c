#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "check_core.h"
#include "ecs.h"
#include "fields.h"
#include "builtin.h"
#include "outputs.h"

static char dir[] = "/tmp/execlog-out-XXXXXX";
static struct output_config oc;
static char oc_socket_path[OUTPUT_PATH_MAX];
static int receiver = -1;

static void setup(void)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    ck_assert_ptr_nonnull(mkdtemp(dir));
    oc = builtin_config()->output;
    snprintf(oc.path, sizeof(oc.path), "%s/log", dir);
    ck_assert_int_eq(output_select(&oc, "socket", oc.path), 0);
    strcpy(oc_socket_path, oc.path);
    memcpy(addr.sun_path, oc.path, strlen(oc.path));
    receiver = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(receiver, 0);
    ck_assert_int_eq(bind(receiver, (struct sockaddr *)&addr, sizeof(addr)), 0);
}

static void teardown(void)
{
    close(receiver);
    unlink(oc_socket_path);
    rmdir(dir);
}

static int send_text(const char *text, pid_t pid)
{
    static char scratch[OUTPUT_SCRATCH_SIZE];
    struct output_message m = { .text = text, .len = strlen(text),
                                .pid = pid, .scratch = scratch,
                                .scratch_size = sizeof(scratch) };

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
    /* journald's path is optional: a namespace's socket. */
    ck_assert_int_eq(output_select(&oc, "journald", "relative"), -EINVAL);
    ck_assert_int_eq(output_select(&oc, "journald",
                                   "/run/systemd/journal.execlog/socket"), 0);
    ck_assert_str_eq(oc.path, "/run/systemd/journal.execlog/socket");
    ck_assert_int_eq(output_select(&oc, "journald", NULL), 0);
    ck_assert_str_eq(oc.path, "/run/systemd/journal/socket");
    oc.output = 999;
    ck_assert_int_eq(send_text("x", 1), -EINVAL);
}
END_TEST

static const char *json(const char *s, size_t len)
{
    static char buf[512];
    struct textbuf tb;

    textbuf_init(&tb, buf, sizeof(buf) - 1);
    json_string(&tb, s, len);
    buf[tb.len] = '\0';
    return buf;
}

#define J(s) json(s, sizeof(s) - 1)

START_TEST(json_strings_follow_rfc8259)
{
    ck_assert_str_eq(J("plain"), "\"plain\"");
    ck_assert_str_eq(J("q\"b\\"), "\"q\\\"b\\\\\"");
    ck_assert_str_eq(J("a\nb\t\x01\x1f"), "\"a\\u000ab\\u0009\\u0001\\u001f\"");
    ck_assert_str_eq(J("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
    ck_assert_str_eq(J("\xff\xc3"), "\"\\ufffd\\ufffd\"");
    ck_assert_str_eq(J("\xe2\x80\xa8\xe2\x80\xa9"), "\"\\u2028\\u2029\"");
    ck_assert_str_eq(J("del\x7f"), "\"del\x7f\"");
}
END_TEST

START_TEST(json_event_stays_valid_when_full)
{
    static char big[3000], scratch[OUTPUT_VALUE_SIZE], work[EVENT_WORK_SIZE];
    char *argv[] = { "/bin/true", big, big, big, NULL };
    struct exec_event ev = { .call.entry = ENTRY_EXECVE, .call.filename = "/bin/true",
                             .call.fd = -1, .call.argv = argv, .work = work,
                             .max_arg_length = 4096 };
    char out[2048];
    struct textbuf tb;

    memset(big, 'b', sizeof(big) - 1);
    /* One byte kept for the NUL that strstr needs. */
    textbuf_init(&tb, out, sizeof(out) - 1);
    json_event(&ev, "line", 4, scratch, sizeof(scratch), &tb);
    ck_assert_int_eq(out[tb.len - 1], '}');
    out[tb.len] = '\0';
    ck_assert_ptr_nonnull(strstr(out, "\"argv\":[\"/bin/true\"]"));
    /* The cmdline and the three long arguments did not fit. */
    ck_assert_ptr_nonnull(strstr(out, ",\"cut\":4}"));
    ck_assert_ptr_nonnull(strstr(out, "\"uid\":"));
}
END_TEST

/* Whether s is balanced JSON text: every bracket closed in order, none
 * inside a string, no string left open. */
static bool balanced(const char *s)
{
    char open[64];
    int depth = 0;
    bool in_string = false;

    for (; *s != '\0'; s++) {
        if (in_string) {
            if (*s == '\\')
                s++;
            else if (*s == '"')
                in_string = false;
        } else if (*s == '"') {
            in_string = true;
        } else if (*s == '{' || *s == '[') {
            if (depth == (int)sizeof(open))
                return false;
            open[depth++] = *s == '{' ? '}' : ']';
        } else if (*s == '}' || *s == ']') {
            if (depth == 0 || open[--depth] != *s)
                return false;
        }
    }
    return depth == 0 && !in_string;
}

START_TEST(ecs_event_stays_valid_when_full)
{
    static char big[3000], scratch[OUTPUT_VALUE_SIZE], work[EVENT_WORK_SIZE];
    char *argv[] = { "/bin/true", big, NULL };
    struct exec_event ev = { .call.entry = ENTRY_EXECVE, .call.filename = "/bin/true",
                             .call.fd = -1, .call.argv = argv, .work = work,
                             .max_arg_length = 4096 };
    char out[2048];
    struct textbuf tb;

    memset(big, 'b', sizeof(big) - 1);
    textbuf_init(&tb, out, sizeof(out) - 1);
    ecs_event(&ev, "line", 4, scratch, sizeof(scratch), &tb);
    out[tb.len] = '\0';
    ck_assert_msg(balanced(out), "not balanced: %s", out);
    /* args and command_line did not fit; what follows them did. */
    ck_assert_ptr_nonnull(strstr(out, "\"args\":null,\"command_line\":null"));
    ck_assert_ptr_nonnull(strstr(out, ",\"cut\":2}"));
    ck_assert_ptr_nonnull(strstr(out, "\"user\":{\"id\":\""));
    ck_assert_ptr_nonnull(strstr(out, "\"action\":\"exec\""));
    /* Roomy: everything, no cut. */
    textbuf_init(&tb, scratch + OUTPUT_VALUE_SIZE / 2, OUTPUT_VALUE_SIZE / 2 - 1);
    ecs_event(&ev, "line", 4, scratch, OUTPUT_VALUE_SIZE / 2, &tb);
    tb.data[tb.len] = '\0';
    ck_assert_msg(balanced(tb.data), "not balanced: %s", tb.data);
    ck_assert_ptr_null(strstr(tb.data, "\"cut\""));
}
END_TEST

START_TEST(file_output_appends_0600_and_refuses_links)
{
    char file[300], link[300];
    struct stat st;
    char buf[256];
    int fd;
    ssize_t n;

    snprintf(file, sizeof(file), "%s/events.log", dir);
    ck_assert_int_eq(output_select(&oc, "file", file), 0);
    ck_assert_int_eq(send_text("one", 7), 0);
    ck_assert_int_eq(send_text("two", 8), 0);
    ck_assert_int_eq(stat(file, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    fd = open(file, O_RDONLY | O_CLOEXEC);
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    ck_assert_ptr_nonnull(strstr(buf, "Z execlog[7]: one\n"));
    ck_assert_ptr_nonnull(strstr(buf, "Z execlog[8]: two\n"));
    snprintf(link, sizeof(link), "%s/link", dir);
    ck_assert_int_eq(symlink(file, link), 0);
    ck_assert_int_eq(output_select(&oc, "file", link), 0);
    ck_assert_int_eq(send_text("three", 9), -ELOOP);
    /* A FIFO nobody reads must not block the exec. */
    unlink(link);
    ck_assert_int_eq(mkfifo(link, 0600), 0);
    ck_assert_int_eq(output_select(&oc, "file", link), 0);
    ck_assert_int_eq(send_text("fifo", 9), -ENXIO);
    ck_assert_int_eq(output_select(&oc, "file", "/nonexistent-dir/x.log"), 0);
    ck_assert_int_eq(send_text("four", 9), -ENOENT);
    unlink(file);
}
END_TEST

/* Reads the binary-form field KEY from a journald payload. */
static int journal_field(const char *payload, size_t len, const char *key,
                         char *value, size_t size)
{
    size_t i = 0, klen = strlen(key);

    while (i < len) {
        const char *nl = memchr(payload + i, '\n', len - i);
        uint64_t vlen = 0;

        if (nl == NULL || (size_t)(nl - payload) + 9 > len)
            return -1;
        for (int b = 0; b < 8; b++)
            vlen |= (uint64_t)(unsigned char)nl[1 + b] << (8 * b);
        if ((size_t)(nl - payload - (ptrdiff_t)i) == klen &&
            memcmp(payload + i, key, klen) == 0) {
            if (vlen >= size)
                return -1;
            memcpy(value, nl + 9, vlen);
            value[vlen] = '\0';
            return 0;
        }
        i = (size_t)(nl - payload) + 9 + vlen + 1;
    }
    return -1;
}

START_TEST(journald_sends_binary_fields)
{
    static char scratch[OUTPUT_SCRATCH_SIZE], payload[65536];
    static char work[EVENT_WORK_SIZE];
    char *argv[] = { "/bin/echo", "two words", "line\nbreak", NULL };
    struct exec_event ev = { .call.entry = ENTRY_EXECVE, .call.filename = "/bin/echo",
                             .call.fd = -1, .call.argv = argv, .work = work,
                             .max_arg_length = 4096 };
    struct output_message m = { .text = "the line", .len = 8, .pid = 42,
                                .ev = &ev, .scratch = scratch,
                                .scratch_size = sizeof(scratch) };
    static const struct {
        const char *key, *value;
    } expected[] = {
        { "MESSAGE", "the line" },
        { "SYSLOG_PID", "42" },
        { "PRIORITY", "6" },
        { "EXECLOG_ARGV_1", "two words" },
        { "EXECLOG_ARGV_2", "line\nbreak" },
        { "EXECLOG_CMDLINE", "/bin/echo 'two words' $'line\\nbreak'" },
        { "EXECLOG_ARGC", "3" },
    };
    char value[256];
    ssize_t n;

    ck_assert_int_eq(output_select(&oc, "journald", NULL), 0);
    ck_assert_str_eq(oc.path, "/run/systemd/journal/socket");
    strcpy(oc.path, oc_socket_path);
    ck_assert_int_eq(output_send(&oc, &m), 0);
    n = recv(receiver, payload, sizeof(payload), MSG_DONTWAIT);
    ck_assert_int_gt(n, 0);
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        ck_assert_msg(journal_field(payload, (size_t)n, expected[i].key, value,
                                    sizeof(value)) == 0,
                      "no field %s", expected[i].key);
        ck_assert_str_eq(value, expected[i].value);
    }
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
    tcase_add_test(tc, json_strings_follow_rfc8259);
    tcase_add_test(tc, json_event_stays_valid_when_full);
    tcase_add_test(tc, ecs_event_stays_valid_when_full);
    tcase_add_test(tc, file_output_appends_0600_and_refuses_links);
    tcase_add_test(tc, journald_sends_binary_fields);
    suite_add_tcase(s, tc);
    return s;
}
