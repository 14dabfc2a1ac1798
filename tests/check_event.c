#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_core.h"
#include "event.h"

static char passwd_path[] = "/tmp/execlog-passwd-XXXXXX";

static void write_passwd(const char *text)
{
    int fd = mkstemp(passwd_path);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static int lookup(uid_t uid, char *name, size_t io_size)
{
    char io[4096];

    return user_name_from(passwd_path, uid, name, 64, io, io_size);
}

START_TEST(passwd_lookup_stops_at_first_match)
{
    char name[64];

    write_passwd("root:x:0:0:root:/root:/bin/bash\n"
                 "alice:x:1000:1000::/home/alice:/bin/sh\n"
                 "alias:x:1000:1000::/home/alias:/bin/sh\n"
                 "bob:x:1001:1001::/home/bob:/bin/sh");   /* no final newline */
    ck_assert_int_eq(lookup(0, name, 4096), 4);
    ck_assert_str_eq(name, "root");
    ck_assert_int_eq(lookup(1000, name, 4096), 5);
    ck_assert_str_eq(name, "alice");
    ck_assert_int_eq(lookup(1001, name, 4096), 3);
    ck_assert_str_eq(name, "bob");
    ck_assert_int_eq(lookup(4242, name, 4096), -ENOENT);
    /* Lines split across small reads are put back together. */
    ck_assert_int_eq(lookup(1001, name, 16), -ENOENT);  /* lines > buffer */
    ck_assert_int_eq(lookup(1001, name, 48), 3);
    unlink(passwd_path);
}
END_TEST

START_TEST(passwd_lookup_skips_malformed_and_long_lines)
{
    char name[64], text[20000];

    memset(text, 'z', sizeof(text));
    memcpy(text, "long:x:", 7);
    /* A 9000-byte line whose tail, read on its own, would look like an
     * entry for uid 7: it must be skipped whole. */
    snprintf(text + 9000, sizeof(text) - 9000,
             "x:7:7::/:/bin/sh\n"
             "broken line\n"
             "nouid:x::0::/:/bin/sh\n"
             "big:x:99999999999:0::/:/bin/sh\n"
             "seven:x:7:7::/:/bin/sh\n");
    write_passwd(text);
    ck_assert_int_eq(lookup(7, name, 4096), 5);
    ck_assert_str_eq(name, "seven");
    ck_assert_int_eq(lookup(0, name, 4096), -ENOENT);
    unlink(passwd_path);
}
END_TEST

START_TEST(missing_passwd_is_an_error)
{
    char name[64], io[128];

    ck_assert_int_eq(user_name_from("/nonexistent/passwd", 0, name,
                                    sizeof(name), io, sizeof(io)),
                     -ENOENT);
}
END_TEST

START_TEST(argc_counts_arguments)
{
    char *argv[] = { "a", "b", "c", NULL };
    struct exec_event ev = { .call.argv = argv };

    ck_assert_uint_eq(event_argc(&ev), 3);
    ev.call.argv = NULL;
    ck_assert_uint_eq(event_argc(&ev), 0);
}
END_TEST

static struct user_table table;

START_TEST(user_table_keeps_first_entries_and_knows_its_file)
{
    char io[4096];
    const char *name;
    FILE *f;

    write_passwd("root:x:0:0:root:/root:/bin/bash\n"
                 "not an entry\n"
                 "alice:x:1000:1000::/home/alice:/bin/sh\n"
                 "alias:x:1000:1000::/home/alias:/bin/sh\n"
                 "a-service-name-too-long-to-keep:x:1234:1::/:/bin/sh\n"
                 "svc:x:1234:1::/:/bin/sh\n"
                 "bob:x:1001:1001::/home/bob:/bin/sh");
    ck_assert_int_eq(user_table_build(&table, passwd_path, io, sizeof(io)), 0);
    ck_assert_int_eq(user_table_validate(&table), 0);
    ck_assert_uint_eq(table.count, 4);
    ck_assert_uint_eq(table.complete, 1);
    ck_assert_int_eq(user_table_find(&table, 1000, &name), 5);
    ck_assert_str_eq(name, "alice");
    ck_assert_int_eq(user_table_find(&table, 0, &name), 4);
    ck_assert_str_eq(name, "root");
    /* The file scan gives the first entry, the long name: the table must
     * send the hook there, never answer with the later entry. */
    ck_assert_int_eq(user_table_find(&table, 1234, &name), -ESTALE);
    /* Complete: a uid it lacks is in no entry of the file. */
    ck_assert_int_eq(user_table_find(&table, 4242, &name), -ENOENT);
    ck_assert(user_table_current(&table, passwd_path));
    f = fopen(passwd_path, "a");
    ck_assert_ptr_nonnull(f);
    fputs("\ncarol:x:1002:1002::/home/carol:/bin/sh\n", f);
    fclose(f);
    ck_assert(!user_table_current(&table, passwd_path));
    unlink(passwd_path);
    ck_assert(!user_table_current(&table, passwd_path));
}
END_TEST

START_TEST(user_table_past_its_room_sends_the_hook_to_the_file)
{
    char io[4096], text[8192] = "";
    const char *name;
    size_t n = 0;

    for (int i = 0; i < USER_TABLE_MAX + 8; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "user%d:x:%d:100::/:/bin/sh\n", i, 2000 + i);
    snprintf(text + n, sizeof(text) - n,
             "a-name-longer-than-the-table-keeps:x:7:7::/:/bin/sh\n");
    write_passwd(text);
    ck_assert_int_eq(user_table_build(&table, passwd_path, io, sizeof(io)), 0);
    ck_assert_uint_eq(table.count, USER_TABLE_MAX);
    ck_assert_uint_eq(table.complete, 0);
    ck_assert_int_eq(user_table_find(&table, 2000, &name), 5);
    ck_assert_str_eq(name, "user0");
    /* Not kept: the table cannot tell, the hook must read the file. */
    ck_assert_int_eq(user_table_find(&table, 2000 + USER_TABLE_MAX, &name),
                     -ESTALE);
    ck_assert_int_eq(user_table_find(&table, 4242, &name), -ESTALE);
    unlink(passwd_path);
    /* No file: an empty table, which the hook does not use. */
    ck_assert_int_lt(user_table_build(&table, passwd_path, io, sizeof(io)), 0);
    ck_assert_uint_eq(table.count, 0);
}
END_TEST

START_TEST(user_table_validation_refuses_damage)
{
    memset(&table, 0, sizeof(table));
    table.count = 1;
    ck_assert_int_eq(user_table_validate(&table), 0);   /* "": ask the file */
    memset(table.entries[0].name, 'x', USER_NAME_MAX);
    ck_assert_int_lt(user_table_validate(&table), 0);        /* no NUL */
    table.entries[0].name[USER_NAME_MAX - 1] = '\0';
    ck_assert_int_eq(user_table_validate(&table), 0);
    table.count = USER_TABLE_MAX + 1;
    ck_assert_int_lt(user_table_validate(&table), 0);
}
END_TEST

Suite *event_suite(void)
{
    Suite *s = suite_create("event");
    TCase *tc = tcase_create("lookups");

    tcase_add_test(tc, passwd_lookup_stops_at_first_match);
    tcase_add_test(tc, passwd_lookup_skips_malformed_and_long_lines);
    tcase_add_test(tc, missing_passwd_is_an_error);
    tcase_add_test(tc, argc_counts_arguments);
    tcase_add_test(tc, user_table_keeps_first_entries_and_knows_its_file);
    tcase_add_test(tc, user_table_past_its_room_sends_the_hook_to_the_file);
    tcase_add_test(tc, user_table_validation_refuses_damage);
    suite_add_tcase(s, tc);
    return s;
}
