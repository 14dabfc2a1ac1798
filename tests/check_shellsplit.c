/* shell_split: a command string cut into words and commands as the shell
 * reads it, each byte of a word traced back to its place in the string
 * (so that a secret found in the unquoted word is masked where it was
 * written). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check_core.h"
#include "redact-words.h"
#include "shellsplit.h"
#include "wrappers.h"

/* What the reader was told, as text: [word] per word (>[word] for a
 * redirection's target), ';' per command end, '|' per pipe, '(' and ')'
 * around $(...) and `...`, !FROM-TO for bytes not read. */
struct transcript {
    char text[1024];
    size_t len;
    uint32_t origin[64][64];    /* per word, per byte */
    size_t words;
    unsigned depth_limit;       /* enter refuses past this depth */
    unsigned depth;
};

static void say(struct transcript *t, const char *s, size_t n)
{
    ck_assert_uint_lt(t->len + n, sizeof(t->text));
    memcpy(t->text + t->len, s, n);
    t->len += n;
    t->text[t->len] = '\0';
}

static void on_word(void *ctx, const struct shell_text *w, bool redirection)
{
    struct transcript *t = ctx;

    say(t, redirection ? ">[" : "[", redirection ? 2 : 1);
    say(t, w->text, w->len);
    say(t, "]", 1);
    for (size_t i = 0; i < w->len && i < 64 && t->words < 64; i++)
        t->origin[t->words][i] = shell_origin(w, i);
    t->words++;
}

static void on_end(void *ctx, enum shell_end how)
{
    say(ctx, how == SHELL_END_PIPE ? "|" : ";", 1);
}

static bool on_enter(void *ctx)
{
    struct transcript *t = ctx;

    if (t->depth == t->depth_limit)
        return false;
    t->depth++;
    say(t, "(", 1);
    return true;
}

static void on_leave(void *ctx)
{
    struct transcript *t = ctx;

    t->depth--;
    say(t, ")", 1);
}

static void on_unread(void *ctx, uint32_t from, uint32_t to)
{
    char buf[32];

    say(ctx, buf, (size_t)snprintf(buf, sizeof(buf), "!%u-%u", from, to));
}

static struct transcript *split(const char *s, size_t room_size,
                                unsigned depth_limit)
{
    static struct transcript t;
    static char text[256];
    static uint32_t origin[256];
    struct shell_room room = { text, origin, room_size, 0 };
    const struct shell_text src = { s, strlen(s), 0, NULL };
    const struct shell_reader reader = { on_word, on_end, on_enter, on_leave,
                                         on_unread, &t };

    ck_assert_uint_le(room_size, sizeof(text));
    memset(&t, 0, sizeof(t));
    t.depth_limit = depth_limit;
    shell_split(&src, &room, &reader);
    /* Every word handed over gives its room back. */
    ck_assert_uint_eq(room.used, 0);
    ck_assert_uint_eq(t.depth, 0);
    return &t;
}

struct split_case {
    const char *src;
    const char *told;
};

static const struct split_case split_cases[] = {
    { "mysql -pX db", "[mysql][-pX][db];" },
    { "  a\tb  ", "[a][b];" },
    { "a;b&c&&d||e\nf", "[a];[b];[c];[d];[e];[f];" },
    { "a | b |& c", "[a]|[b]|[c];" },
    { "a 'b c' \"d e\" f\\ g", "[a][b c][d e][f g];" },
    { "a'b'\"c\"d", "[abcd];" },
    { "\"a\\\"b\\$c\\x\"", "[a\"b$c\\x];" },
    { "$'a\\'b'", "[a'b];" },
    { "a # b c\nd", "[a];[d];" },
    { "a#b", "[a#b];" },
    { "a 2>&1 >out <in", "[a]>[1]>[out]>[in];" },
    { "a>out&&b", "[a]>[out];[b];" },
    { "a &>log", "[a]>[log];" },
    { "X=1 a", "[X=1][a];" },
    /* A word made of a substitution only is still a word: the next
     * one must not take its place (sshpass -p $(cat f) ssh host). */
    { "a $(b -pX) c", "[a]([b][-pX];)[][c];" },
    { "a `b` c", "[a]([b];)[][c];" },
    { "a \"$(b 'c d')\"", "[a]([b][c d];)[];" },
    { "a $(b $(c))", "[a]([b]([c];)[];)[];" },
    { "(a; b)", ";[a];[b];;" },
    { "a\\\nb", "[ab];" },
    { "", ";" },
};

START_TEST(splits_like_the_shell)
{
    const struct split_case *c = &split_cases[_i];

    ck_assert_str_eq(split(c->src, 256, 8)->text, c->told);
}
END_TEST

struct origin_case {
    const char *src;
    size_t word;
    uint32_t origin[16];
    size_t len;
};

/* Quotes and escapes are not part of the word: the bytes that are keep
 * their place in the string. */
static const struct origin_case origin_cases[] = {
    { "ab cd", 1, { 3, 4 }, 2 },
    { "a'b c'd", 0, { 0, 2, 3, 4, 6 }, 5 },
    { "x \"-pc\\\"d\"", 1, { 3, 4, 5, 7, 8 }, 5 },
    { "x -pe\\ f", 1, { 2, 3, 4, 6, 7 }, 5 },
    { "x $'a\\nb'", 1, { 4, 6, 7 }, 3 },
    { "a $(b cd)", 2, { 6, 7 }, 2 },
};

START_TEST(origins_point_into_the_string)
{
    const struct origin_case *c = &origin_cases[_i];
    const struct transcript *t = split(c->src, 256, 8);

    ck_assert_uint_gt(t->words, c->word);
    for (size_t i = 0; i < c->len; i++)
        ck_assert_msg(t->origin[c->word][i] == c->origin[i],
                      "'%s' word %zu byte %zu: at %u, not %u", c->src,
                      c->word, i, t->origin[c->word][i], c->origin[i]);
}
END_TEST

/* Words of a nested string keep their origins in the outer argument. */
START_TEST(nested_text_keeps_outer_origins)
{
    static char text[64];
    static uint32_t origin[64];
    static struct transcript t;
    static const uint32_t where[] = { 10, 11, 12, 20, 21 };
    struct shell_room room = { text, origin, sizeof(text), 0 };
    const struct shell_text src = { "ab cd", 5, 0, where };
    const struct shell_reader reader = { on_word, on_end, on_enter, on_leave,
                                         on_unread, &t };

    memset(&t, 0, sizeof(t));
    t.depth_limit = 8;
    shell_split(&src, &room, &reader);
    ck_assert_str_eq(t.text, "[ab][cd];");
    ck_assert_uint_eq(t.origin[1][0], 20);
    ck_assert_uint_eq(t.origin[1][1], 21);
}
END_TEST

/* What does not fit is reported unread, never handed over in part. */
START_TEST(no_room_reports_the_rest_unread)
{
    ck_assert_str_eq(split("ab cdefgh ij", 4, 8)->text, "[ab]!7-12;");
    ck_assert_str_eq(split("a $(b $(c -pX))", 256, 1)->text,
                     "[a]([b]!8-15;)[];");
}
END_TEST

/* The tables are searched by bisection: each name must be found, so an
 * entry out of order fails here. */
START_TEST(every_listed_program_is_found)
{
    static const char *const wrapper_names[] = {
        "ash", "bash", "builtin", "busybox", "chroot", "chrt", "command",
        "dash", "doas", "env", "eval", "exec", "flock", "ionice", "kadmin",
        "kadmin.local", "ksh", "lftp", "ltrace", "mksh", "nice", "nocorrect",
        "noglob", "nohup", "runuser", "script", "setsid", "sh", "ssh",
        "sshpass", "stdbuf", "strace", "su", "sudo", "taskset", "time",
        "timeout", "unbuffer", "watch", "xargs", "zsh",
    };
    static const char *const dashes[] = {
        "bwrap", "kubectl", "nsenter", "oc", "systemd-nspawn", "toolbox",
    };
    static const char *const not_logins[] = {
        "atop", "docker", "journalctl", "podman", "ps", "systemctl", "top",
    };

    for (size_t i = 0; i < sizeof(wrapper_names) / sizeof(*wrapper_names); i++)
        ck_assert_msg(wrapper_find(wrapper_names[i], strlen(wrapper_names[i])),
                      "%s", wrapper_names[i]);
    for (size_t i = 0; i < sizeof(dashes) / sizeof(*dashes); i++)
        ck_assert(redact_runs_after_dashes(dashes[i], strlen(dashes[i])));
    for (size_t i = 0; i < sizeof(not_logins) / sizeof(*not_logins); i++)
        ck_assert(redact_not_a_login(not_logins[i], strlen(not_logins[i])));
    ck_assert(wrapper_find("true", 4) == NULL);
    ck_assert(wrapper_find("sudoers", 7) == NULL);
    ck_assert(wrapper_find("su", 1) == NULL);
    ck_assert(!redact_runs_after_dashes("mysql", 5));
}
END_TEST

Suite *shellsplit_suite(void)
{
    Suite *s = suite_create("shellsplit");
    TCase *tc = tcase_create("split");

    tcase_add_loop_test(tc, splits_like_the_shell, 0,
                        sizeof(split_cases) / sizeof(split_cases[0]));
    tcase_add_loop_test(tc, origins_point_into_the_string, 0,
                        sizeof(origin_cases) / sizeof(origin_cases[0]));
    tcase_add_test(tc, nested_text_keeps_outer_origins);
    tcase_add_test(tc, no_room_reports_the_rest_unread);
    tcase_add_test(tc, every_listed_program_is_found);
    suite_add_tcase(s, tc);
    return s;
}
