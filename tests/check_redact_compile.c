/* The redact spec compiler and the validator of compiled rules read
 * back from a cache file. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_core.h"
#include "redact.h"

struct bad_spec {
    const char *spec;
    size_t column;
    const char *message;
};

/* Each refusal says why, at the byte of the spec that is wrong. */
static const struct bad_spec bad_specs[] = {
    { "defaults;valeu:-x", 9, "unknown redact rule 'valeu'" },
    { "Value:-x", 0, "unknown redact rule 'Value'" },
    { "value", 0,
      "redact rule 'value' needs an option, as in 'value:--password'" },
    { "url; userinfo:", 5, "redact rule 'userinfo' needs an option, "
                           "as in 'userinfo:--password'" },
    { "attached:@mysql", 0, "redact rule 'attached' needs an option, "
                            "as in 'attached:--password'" },
    { "value:-p@", 8, "empty program list after '@'" },
    { "value:-p@a,,b", 11, "empty program name" },
    { "value:-p@a,", 11, "empty program name" },
    { "value:-p@ sql", 9, "empty program name" },
    { "value:-p@/usr/bin/mysql", 9, "program '/usr/bin/mysql' is a "
      "path: rules match the basename of argv[0]" },
    { "value:-p@my  sql", 12, "invalid byte 0x20 in program name" },
    { "value:-p@a@b", 10, "invalid character '@' in program name" },
    { "value:--pass=x", 12, "invalid character '=' in redact option" },
    { "value:-a,-b", 8, "invalid character ',' in redact option" },
    { "value:--pa ss", 10, "invalid byte 0x20 in redact option" },
    { "value:--p\xc3\xa9", 9, "invalid byte 0xc3 in redact option" },
    { "positional:x@p", 11, "positional rule needs a number from 0 (the "
                            "last operand) to 255" },
    { "positional:256@p", 11, "positional rule needs a number from 0 (the "
                              "last operand) to 255" },
    { "positional/:0@p", 12, "'positional/' needs an operand's number: the "
                             "last operand is hidden whole" },
    { "positional:1", 0, "redact rule 'positional' needs programs, as in "
                         "'positional@htpasswd'" },
    { "stdin", 0, "redact rule 'stdin' needs programs, as in "
                  "'stdin@htpasswd'" },
    { "stdin:x@a", 5, "redact rule 'stdin' takes no option" },
    { "name", 0, "redact rule 'name' needs a pattern, as in "
                 "'name:*_secret'" },
    { "name:*x@prog", 4, "redact rule 'name' takes no program list" },
    { "names:x", 5, "redact rule 'names' takes no option" },
    { "url:x", 3, "redact rule 'url' takes no option" },
    { "url@git", 3, "redact rule 'url' takes no program list" },
    { "defaults:x", 8, "redact rule 'defaults' takes no option or program "
                       "list" },
    { "none@x", 4, "redact rule 'none' takes no option or program list" },
    { "", 0, "empty redact spec (write 'none' for no redaction)" },
    { " \t", 0, "empty redact spec (write 'none' for no redaction)" },
    { "defaults;;url", 9, "empty redact rule" },
    { "defaults;", 9, "empty redact rule" },
    { "defaults; ", 9, "empty redact rule" },
    { "defaults;url;defaults", 13, "'defaults' given twice" },
    { "none;none", 5, "'none' given twice" },
    { "none;url", 0, "'none' cannot be combined with other redact rules" },
    { "url; none", 5, "'none' cannot be combined with other redact rules" },
    { "defaults;none", 9, "'none' cannot be combined with other redact "
                          "rules" },
};

START_TEST(compile_errors_have_columns)
{
    const struct bad_spec *bad = &bad_specs[_i];
    struct redact_rules r;
    struct diag d;

    ck_assert_msg(redact_compile(&r, bad->spec, &d) == -EINVAL,
                  "accepted '%s'", bad->spec);
    ck_assert_str_eq(d.message, bad->message);
    ck_assert_msg(d.column == bad->column, "'%s': column %zu, not %zu",
                  bad->spec, d.column, bad->column);
    ck_assert_uint_eq(r.count, 0);
    ck_assert_uint_eq(r.entries, 0);
}
END_TEST

START_TEST(compile_limits)
{
    static char spec[8 * REDACT_MAX_TEXT];
    static struct redact_rules r, defaults;
    struct diag d;
    size_t n = 0;

    /* As many rules as fit, then one more. */
    for (int i = 0; i < REDACT_MAX_RULES; i++)
        n += (size_t)sprintf(spec + n, "%surl", i > 0 ? ";" : "");
    ck_assert_int_eq(redact_compile(&r, spec, &d), 0);
    ck_assert_uint_eq(r.count, REDACT_MAX_RULES);
    strcpy(spec + n, ";url");
    ck_assert_int_eq(redact_compile(&r, spec, &d), -EINVAL);
    ck_assert_uint_eq(d.column, n + 1);
    ck_assert_str_eq(d.message, "too many redact rules (at most 192, "
                     "'defaults' counting as many as it holds)");

    /* The defaults overflowing point at 'defaults'. */
    ck_assert_int_eq(redact_compile(&defaults, "defaults", &d), 0);
    n = 0;
    for (size_t i = 0; i + defaults.count <= REDACT_MAX_RULES; i++)
        n += (size_t)sprintf(spec + n, "url;");
    strcpy(spec + n, "defaults");
    ck_assert_int_eq(redact_compile(&r, spec, &d), -EINVAL);
    ck_assert_uint_eq(d.column, n);
    ck_assert_ptr_nonnull(strstr(d.message, "too many redact rules"));

    /* Text: an option of exactly REDACT_MAX_TEXT bytes fits alone. */
    strcpy(spec, "value:");
    memset(spec + 6, 'o', REDACT_MAX_TEXT);
    spec[6 + REDACT_MAX_TEXT] = '\0';
    ck_assert_int_eq(redact_compile(&r, spec, &d), 0);
    ck_assert_int_eq(redact_validate(&r), 0);
    strcpy(spec + 6 + REDACT_MAX_TEXT, ";value:-x@y");
    ck_assert_int_eq(redact_compile(&r, spec, &d), -EINVAL);
    ck_assert_uint_eq(d.column, 7 + REDACT_MAX_TEXT);
    ck_assert_str_eq(d.message, "redact rules are too long (at most 4096 "
                     "bytes of options and program names)");

    /* Programs: REDACT_MAX_ENTRIES in all. */
    n = (size_t)sprintf(spec, "url;value:-x@");
    for (int i = 0; i <= REDACT_MAX_ENTRIES; i++)
        n += (size_t)sprintf(spec + n, "%sp%d", i > 0 ? "," : "", i);
    ck_assert_int_eq(redact_compile(&r, spec, &d), -EINVAL);
    ck_assert_uint_eq(d.column, 4);
    ck_assert_str_eq(d.message, "too many redact programs (at most 512 in "
                     "all)");
    spec[n - 5] = '\0';     /* drop ",p512" */
    ck_assert_int_eq(redact_compile(&r, spec, &d), 0);
    ck_assert_uint_eq(r.entries, REDACT_MAX_ENTRIES);
    ck_assert_int_eq(redact_validate(&r), 0);
}
END_TEST

START_TEST(compile_stores_rules)
{
    struct redact_rules r;
    struct diag d;
    const struct redact_entry *e;

    ck_assert_int_eq(redact_compile(&r, "value:--token@gh,docker login;url",
                                    &d), 0);
    /* Rules for any program first: the scan walks them on every word. */
    ck_assert_uint_eq(r.count, 2);
    ck_assert_uint_eq(r.generic, 1);
    ck_assert_uint_eq(r.rules[0].kind, KIND_URL);
    ck_assert_uint_eq(r.rules[1].kind, KIND_VALUE);
    ck_assert_uint_eq(r.rules[1].option_length, 7);
    ck_assert(memcmp(r.text + r.rules[1].option, "--token", 7) == 0);
    ck_assert_uint_eq(r.entries, 2);
    for (size_t i = 0; i < r.entries; i++) {
        e = &r.entry[i];
        ck_assert_uint_eq(e->rule, 1);
        /* In the bucket of its name, where a lookup starts. */
        ck_assert_uint_ge(i, r.bucket[redact_bucket(r.text + e->program,
                                                    e->program_length)]);
        if (e->program_length == 6) {
            ck_assert(memcmp(r.text + e->program, "docker", 6) == 0);
            ck_assert_uint_eq(e->qualifier_length, 5);
            ck_assert(memcmp(r.text + e->qualifier, "login", 5) == 0);
        } else {
            ck_assert_uint_eq(e->program_length, 2);
            ck_assert(memcmp(r.text + e->program, "gh", 2) == 0);
            ck_assert_uint_eq(e->qualifier_length, 0);
        }
    }
}
END_TEST

/* The cache written from a spec must not depend on anything but the
 * spec, and `defaults` must hold each built-in rule as written. */
START_TEST(defaults_are_the_documented_rules)
{
    static const char *const spelled[] = {
        "names", "headers", "url", "value:-p@sshpass",
        "userinfo:-u@curl", "cookie:-b@curl",
        "positional:0@htpasswd -b,mosquitto_passwd -b",
        ("value:-a@redis-cli,redis-benchmark,memtier_benchmark,keydb-cli,"
         "valkey-cli"),
        "keep:--secret@gcloud,docker,podman,buildah,nerdctl",
        "name:sonar.login",
    };
    static struct redact_rules builtin, again, one;
    char want[512], got[512];
    struct diag d;

    ck_assert_str_eq(redact_default_spec, "defaults");
    ck_assert_int_eq(redact_compile(&builtin, redact_default_spec, &d), 0);
    ck_assert_int_eq(redact_compile(&again, "defaults", &d), 0);
    ck_assert(memcmp(&builtin, &again, sizeof(builtin)) == 0);
    ck_assert_int_eq(redact_validate(&builtin), 0);
    ck_assert_uint_gt(builtin.count, 100);
    for (size_t i = 0; i < sizeof(spelled) / sizeof(spelled[0]); i++) {
        bool found = false;

        ck_assert_int_eq(redact_compile(&one, spelled[i], &d), 0);
        ck_assert_uint_eq(one.count, 1);
        redact_describe(&one, 0, want, sizeof(want));
        for (size_t k = 0; k < builtin.count && !found; k++) {
            redact_describe(&builtin, k, got, sizeof(got));
            found = strcmp(got, want) == 0;
        }
        ck_assert_msg(found, "'%s' (%s) is not a built-in rule", spelled[i],
                      want);
    }
}
END_TEST

START_TEST(validate_refuses_damage)
{
    static struct redact_rules good, r;
    struct diag d;
    uint16_t url, value, b;

    ck_assert_int_eq(redact_compile(&good, "url;value:--x@y,zz;"
                                    "userinfo:-u@curl", &d), 0);
    ck_assert_int_eq(redact_validate(&good), 0);
    memset(&r, 0, sizeof(r));
    ck_assert_int_eq(redact_validate(&r), 0);    /* no rules: fine */
    url = 0;
    value = 1;
    ck_assert_uint_eq(good.generic, 1);
    ck_assert_uint_eq(good.rules[url].kind, KIND_URL);
    ck_assert_uint_eq(good.rules[value].kind, KIND_VALUE);
    /* Two entries in different buckets, for the bucket checks. */
    ck_assert_uint_eq(good.entries, 3);
    b = (uint16_t)redact_bucket(good.text + good.entry[0].program,
                                good.entry[0].program_length);
    ck_assert_uint_ne(b, redact_bucket(good.text + good.entry[2].program,
                                       good.entry[2].program_length));

#define DAMAGED(change)                                   \
    do {                                                  \
        r = good;                                         \
        change;                                           \
        ck_assert_msg(redact_validate(&r) == -EINVAL,     \
                      "accepted %s", #change);            \
    } while (0)
    DAMAGED(r.count = REDACT_MAX_RULES + 1);
    DAMAGED(r.generic = r.count + 1);
    DAMAGED(r.entries = REDACT_MAX_ENTRIES + 1);
    DAMAGED(r.rules[url].option_length = 1);
    DAMAGED(r.rules[url].kind = 0);
    DAMAGED(r.rules[url].kind = KIND_VALUE);      /* matches any word */
    /* A damaged program rule passes redact_validate (the program rules
     * are checked where they are used, not all on every process's first
     * exec), but no entry leads to it. */
#define DAMAGED_RULE(index, change)                                     \
    do {                                                                \
        r = good;                                                       \
        change;                                                         \
        ck_assert_int_eq(redact_validate(&r), 0);                       \
        for (size_t i = 0; i < r.entries; i++)                          \
            ck_assert_msg(r.entry[i].rule != (index) ||                 \
                          !redact_entry_ok(&r, &r.entry[i]),            \
                          "rule used after %s", #change);               \
    } while (0)
    DAMAGED_RULE(value, r.rules[value].kind = 0);
    DAMAGED_RULE(value, r.rules[value].kind = KIND_COUNT);
    DAMAGED_RULE(value, r.rules[value].kind = 0xff);
    DAMAGED_RULE(value, r.rules[value].option = REDACT_MAX_TEXT + 1);
    DAMAGED_RULE(value, r.rules[value].option = REDACT_MAX_TEXT - 1);
    DAMAGED_RULE(value, r.rules[value].option_length = 0xffff);
    DAMAGED_RULE(value, r.rules[value].option_length = 0);
    DAMAGED_RULE(value, r.rules[value].separator = ':');
    DAMAGED_RULE(2, r.rules[2].separator = 0);    /* userinfo without */
#undef DAMAGED_RULE
    /* A damaged entry passes redact_validate (hundreds of entries are not
     * checked on every process's first exec) but is never used: the
     * scan stops at it (redact_entry_ok). */
#define DAMAGED_ENTRY(change)                                          \
    do {                                                               \
        r = good;                                                      \
        change;                                                        \
        ck_assert_int_eq(redact_validate(&r), 0);                      \
        ck_assert_msg(!redact_entry_ok(&r, &r.entry[0]), "entry %s used", \
                      #change);                                        \
    } while (0)
    DAMAGED_ENTRY(r.entry[0].rule = url);               /* a generic rule */
    DAMAGED_ENTRY(r.entry[0].rule = r.count);
    DAMAGED_ENTRY(r.entry[0].program = REDACT_MAX_TEXT + 1);
    DAMAGED_ENTRY(r.entry[0].program_length = 0xff;
                  r.entry[0].program = REDACT_MAX_TEXT - 1);
    DAMAGED_ENTRY(r.entry[0].qualifier = 0xffff);
    DAMAGED_ENTRY(r.entry[0].qualifier_length = 2;
                  r.entry[0].qualifier = REDACT_MAX_TEXT - 1);
#undef DAMAGED_ENTRY
    ck_assert(redact_entry_ok(&good, &good.entry[0]));
    DAMAGED(r.bucket[0] = 1);
    DAMAGED(r.bucket[REDACT_BUCKETS] = r.entries - 1);
    /* Buckets out of order (an entry filed in another bucket is only
     * never found: redact_validate runs on every process's first exec
     * and does not hash every name; placed_in_their_buckets checks the
     * compiler). */
    DAMAGED(r.bucket[b + 1] = (uint16_t)(r.entries + 1));
#undef DAMAGED

    /* Past count, anything goes: those rules are never read. */
    r = good;
    r.rules[r.count].kind = 0xff;
    r.rules[r.count].option = 0xffff;
    r.entry[r.entries].rule = 0xffff;
    ck_assert_int_eq(redact_validate(&r), 0);
}
END_TEST

/* An option as stored may hold a NUL (a cache is bytes): "-q\0" must not
 * match "-q", nor send a comparison past the argument. */
/* The scan finds a program's rules by the bucket of its name: the
 * compiler must file every entry there (validate does not look). */
START_TEST(placed_in_their_buckets)
{
    static struct redact_rules r;
    struct diag d;

    ck_assert_int_eq(redact_compile(&r, redact_default_spec, &d), 0);
    ck_assert_uint_gt(r.entries, 100);
    for (unsigned b = 0; b < REDACT_BUCKETS; b++)
        for (unsigned i = r.bucket[b]; i < r.bucket[b + 1]; i++)
            ck_assert_uint_eq(redact_bucket(r.text + r.entry[i].program,
                                            r.entry[i].program_length), b);
    ck_assert_uint_eq(r.bucket[REDACT_BUCKETS], r.entries);
}
END_TEST

START_TEST(option_text_with_nul_from_a_cache)
{
    static struct redact_rules r;
    static char text[1 << 12];
    static uint32_t origin[1 << 12];
    static uint64_t commands[4 * REDACT_COMMAND_SIZE / 8];
    const struct redact_room room = { .text = text, .origin = origin,
                                      .size = sizeof(text),
                                      .commands = commands,
                                      .command_slots = 4 };
    char *argv[] = { "x", "-q", "secret", "-q=s", NULL };
    struct redact_masks m;
    struct diag d;

    ck_assert_int_eq(redact_compile(&r, "value:-qZ", &d), 0);
    r.text[r.rules[0].option + 2] = '\0';
    ck_assert_int_eq(redact_validate(&r), 0);
    redact_scan(&r, argv, 4096, &room, &m);
    ck_assert_uint_eq(m.count, 0);
}
END_TEST

Suite *redact_compile_suite(void)
{
    Suite *s = suite_create("redact_compile");
    TCase *tc = tcase_create("compile");

    tcase_add_loop_test(tc, compile_errors_have_columns, 0,
                        sizeof(bad_specs) / sizeof(bad_specs[0]));
    tcase_add_test(tc, compile_limits);
    tcase_add_test(tc, compile_stores_rules);
    tcase_add_test(tc, defaults_are_the_documented_rules);
    suite_add_tcase(s, tc);
    tc = tcase_create("validate");
    tcase_add_test(tc, validate_refuses_damage);
    tcase_add_test(tc, placed_in_their_buckets);
    tcase_add_test(tc, option_text_with_nul_from_a_cache);
    suite_add_tcase(s, tc);
    return s;
}
