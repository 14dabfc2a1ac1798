#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "check_core.h"
#include "pipeline.h"

static struct config cfg;
static char work[EVENT_WORK_SIZE];
static char message[1 << 16];

static const char *render(struct exec_event *ev, int exec_errno, size_t cap)
{
    struct textbuf tb;

    ev->work = work;
    textbuf_init(&tb, message, cap);
    pipeline_render(&cfg, ev, exec_errno, &tb);
    ck_assert_uint_le(tb.len, cap);
    message[tb.len] = '\0';
    return message;
}

START_TEST(default_format_renders_every_field)
{
    char *argv[] = { "ls", "-l", "my dir", NULL };
    struct exec_event ev = { .call.entry = ENTRY_EXECVP, .call.filename = "ls",
                             .call.fd = -1, .call.argv = argv };
    char expect[512];
    const char *line;

    ck_assert_int_eq(config_defaults(&cfg), 0);
    line = render(&ev, 0, cfg.max_message_length);
    snprintf(expect, sizeof(expect), " uid:%u ", (unsigned)getuid());
    ck_assert_ptr_nonnull(strstr(line, expect));
    snprintf(expect, sizeof(expect), " pid:%d ppid:%d sid:%d ", (int)getpid(),
             (int)getppid(), (int)getsid(0));
    ck_assert_ptr_nonnull(strstr(line, expect));
    ck_assert_ptr_nonnull(strstr(line, "[login:"));
    ck_assert_ptr_nonnull(strstr(line, " filename:ls]: ls -l 'my dir'"));
    ck_assert_str_eq(line + strlen(line) - strlen("ls -l 'my dir'"),
                     "ls -l 'my dir'");
}
END_TEST

START_TEST(failed_exec_is_marked)
{
    char *argv[] = { "x", NULL };
    struct exec_event ev = { .call.entry = ENTRY_EXECVE, .call.filename = "x",
                             .call.fd = -1, .call.argv = argv };

    ck_assert_int_eq(config_defaults(&cfg), 0);
    ck_assert_str_eq(strstr(render(&ev, ENOEXEC, 4096), "exec failed"),
                     render(&ev, ENOEXEC, 4096));
    ck_assert(strncmp(render(&ev, ENOEXEC, 4096), "exec failed (ENOEXEC): [",
                      24) == 0);
}
END_TEST

START_TEST(long_message_is_cut_with_marker)
{
    static char arg[3000];
    char *argv[] = { arg, arg, arg, arg, arg, arg, arg, NULL };
    struct exec_event ev = { .call.entry = ENTRY_EXECVE, .call.filename = "x",
                             .call.fd = -1, .call.argv = argv };
    size_t cap = 4096, full_len;
    const char *line, *marker;
    unsigned long cut;

    memset(arg, 'q', sizeof(arg) - 1);
    ck_assert_int_eq(config_defaults(&cfg), 0);
    full_len = strlen(render(&ev, 0, sizeof(message)));
    line = render(&ev, 0, cap);
    ck_assert_uint_le(strlen(line), cap);
    marker = strstr(line, "...(");
    ck_assert_ptr_nonnull(marker);
    ck_assert_int_eq(sscanf(marker, "...(%lu bytes cut)", &cut), 1);
    /* What is shown plus what was cut is the whole message. */
    ck_assert_uint_eq((size_t)(marker - line) + cut, full_len);
}
END_TEST

START_TEST(no_raw_control_bytes_reach_the_line)
{
    char *argv[] = { "a\nb", "c\rd", "\x01\x1b", "\xff", NULL };
    struct exec_event ev = { .call.entry = ENTRY_EXECVE, .call.filename = "f\ni",
                             .call.fd = -1, .call.argv = argv };
    const char *line;

    ck_assert_int_eq(config_defaults(&cfg), 0);
    line = render(&ev, 0, cfg.max_message_length);
    for (const unsigned char *p = (const unsigned char *)line; *p; p++)
        ck_assert_msg(*p >= 0x20 && *p != 0x7f && *p < 0x80,
                      "raw byte 0x%02x in %s", *p, line);
}
END_TEST

START_TEST(pipeline_log_keeps_errno)
{
    char *argv[] = { "x", NULL };
    struct exec_call call = { .entry = ENTRY_EXECVE, .filename = "x",
                              .fd = -1, .argv = argv };

    errno = EXDEV;
    /* No /dev/log on a build machine is fine: the send fails quietly. */
    pipeline_log(&call, 0);
    ck_assert_int_eq(errno, EXDEV);
}
END_TEST

Suite *pipeline_suite(void)
{
    Suite *s = suite_create("pipeline");
    TCase *tc = tcase_create("render");

    tcase_add_test(tc, default_format_renders_every_field);
    tcase_add_test(tc, failed_exec_is_marked);
    tcase_add_test(tc, long_message_is_cut_with_marker);
    tcase_add_test(tc, no_raw_control_bytes_reach_the_line);
    tcase_add_test(tc, pipeline_log_keeps_errno);
    suite_add_tcase(s, tc);
    return s;
}
