#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_core.h"
#include "format.h"
#include "quote.h"
#include "redact-scan.h"

static char mem[1 << 20];

static const char *quoted(const char *s, size_t len, size_t max)
{
    static char out[1 << 20];
    struct textbuf tb;

    textbuf_init(&tb, mem, sizeof(mem));
    quote_word(&tb, s, len, max);
    ck_assert_uint_eq(tb.lost, 0);
    memcpy(out, tb.data, tb.len);
    out[tb.len] = '\0';
    return out;
}

#define Q(s) quoted(s, sizeof(s) - 1, 4096)

START_TEST(bare_words_stay_bare)
{
    ck_assert_str_eq(Q("/usr/bin/ls"), "/usr/bin/ls");
    ck_assert_str_eq(Q("--color=auto"), "--color=auto");
    ck_assert_str_eq(Q("a_b.c:d@e%f+g,h-1"), "a_b.c:d@e%f+g,h-1");
}
END_TEST

/* The scan of redact marks the arguments it finds bare, and quote_argv
 * then writes them without looking: the two must agree on every byte. */
START_TEST(scan_and_quoting_agree_on_bare_bytes)
{
    for (unsigned c = 1; c < 256; c++) {
        char byte = (char)c;
        const char *out = quoted(&byte, 1, 4096);
        bool written_bare = out[0] == byte && out[1] == '\0';

        ck_assert_msg(written_bare == scan_byte_is_bare((unsigned char)c),
                      "byte 0x%02x: quoting writes %s, the scan says %s", c,
                      out, scan_byte_is_bare((unsigned char)c) ? "bare"
                                                               : "not bare");
    }
}
END_TEST

START_TEST(specials_are_single_quoted)
{
    ck_assert_str_eq(Q(""), "''");
    ck_assert_str_eq(Q("two words"), "'two words'");
    ck_assert_str_eq(Q("a;b|c&d"), "'a;b|c&d'");
    ck_assert_str_eq(Q("$HOME"), "'$HOME'");
    ck_assert_str_eq(Q("back\\slash"), "'back\\slash'");
    ck_assert_str_eq(Q("caf\xc3\xa9"), "'caf\xc3\xa9'");
}
END_TEST

START_TEST(controls_and_quotes_use_dollar_quotes)
{
    ck_assert_str_eq(Q("a\nb"), "$'a\\nb'");
    ck_assert_str_eq(Q("tab\there"), "$'tab\\there'");
    ck_assert_str_eq(Q("it's"), "$'it\\'s'");
    ck_assert_str_eq(Q("q'\\"), "$'q\\'\\\\'");
    ck_assert_str_eq(Q("\x1b[31m"), "$'\\x1b[31m'");
    ck_assert_str_eq(Q("del\x7f"), "$'del\\x7f'");
    ck_assert_str_eq(Q("\r"), "$'\\r'");
}
END_TEST

START_TEST(invalid_utf8_is_escaped)
{
    ck_assert_str_eq(Q("\xff"), "$'\\xff'");
    ck_assert_str_eq(Q("\xc3"), "$'\\xc3'");             /* truncated */
    ck_assert_str_eq(Q("\xc0\xaf"), "$'\\xc0\\xaf'");    /* overlong '/' */
    ck_assert_str_eq(Q("\xed\xa0\x80"), "$'\\xed\\xa0\\x80'"); /* surrogate */
    ck_assert_str_eq(Q("\xf4\x90\x80\x80"), "$'\\xf4\\x90\\x80\\x80'");
}
END_TEST

START_TEST(disguising_characters_are_escaped)
{
    /* U+202E RIGHT-TO-LEFT OVERRIDE and U+2028 LINE SEPARATOR. */
    ck_assert_str_eq(Q("a\xe2\x80\xae"), "$'a\\xe2\\x80\\xae'");
    ck_assert_str_eq(Q("\xe2\x80\xa8"), "$'\\xe2\\x80\\xa8'");
    ck_assert_str_eq(Q("\xc2\x85"), "$'\\xc2\\x85'");    /* NEL (C1) */
    /* 'rm<NBSP>-rf' must not pass for 'rm -rf'. */
    ck_assert_str_eq(Q("rm\xc2\xa0-rf"), "$'rm\\xc2\\xa0-rf'");
    ck_assert_str_eq(Q("a\xe2\x80\x8b"), "$'a\\xe2\\x80\\x8b'");  /* ZWSP */
    ck_assert_str_eq(Q("\xef\xbb\xbf"), "$'\\xef\\xbb\\xbf'");    /* BOM */
    ck_assert_str_eq(Q("\xc2\xad"), "$'\\xc2\\xad'");               /* soft hyphen */
    ck_assert_str_eq(Q("\xf3\xa0\x80\x81"), "$'\\xf3\\xa0\\x80\\x81'"); /* tag */
    ck_assert_str_eq(Q("\xe3\x80\x80"), "$'\\xe3\\x80\\x80'");    /* ideographic space */
    /* Ordinary non-ASCII text stays readable. */
    ck_assert_str_eq(Q("\xe6\x97\xa5\xe6\x9c\xac"), "'\xe6\x97\xa5\xe6\x9c\xac'");
}
END_TEST

START_TEST(long_words_are_cut_with_marker)
{
    ck_assert_str_eq(quoted("abcdefgh", 8, 3), "abc...(5 bytes cut)");
    ck_assert_str_eq(quoted("a b c d", 7, 3), "'a b'...(4 bytes cut)");
    /* A cut never splits a character: U+00E9 is two bytes. */
    ck_assert_str_eq(quoted("x\xc3\xa9y", 4, 2), "x...(3 bytes cut)");
}
END_TEST

/* The promise of the quoting: bash reads every rendered word back as the
 * bytes it came from. */
static void assert_bash_roundtrip(const char *word, size_t len)
{
    const char *q = quoted(word, len, 1 << 19);
    char script[1 << 16], back[1 << 16];
    int from_bash[2], status;
    size_t got = 0;
    ssize_t n;
    pid_t pid;

    snprintf(script, sizeof(script), "printf %%s %s", q);
    ck_assert_int_eq(pipe(from_bash), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(from_bash[1], 1);
        execl("/bin/bash", "bash", "-c", script, (char *)NULL);
        _exit(127);
    }
    close(from_bash[1]);
    while ((n = read(from_bash[0], back + got, sizeof(back) - got)) > 0)
        got += (size_t)n;
    close(from_bash[0]);
    waitpid(pid, &status, 0);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "bash failed on %s", q);
    ck_assert_msg(got == len && memcmp(back, word, len) == 0,
                  "bash read %s back differently", q);
}

START_TEST(bash_reads_quoted_words_back)
{
    static const char *words[] = {
        "plain", "two words", "it's", "a\nb", "\t\r\x01\x1f\x7f", "\\",
        "'", "''", "\\'", "$(reboot)", "`id`", "!event", "*", "~root",
        "caf\xc3\xa9", "\xff\xfe", "\xe2\x80\xae", "x\\x41", "#comment",
        "\xc3\xa9\xc3", "a b'c\"d\\e\nf",
    };

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        assert_bash_roundtrip(words[i], strlen(words[i]));
}
END_TEST

START_TEST(bash_reads_random_bytes_back)
{
    char word[64];

    srand(12345);
    for (int round = 0; round < 200; round++) {
        size_t len = 1 + (size_t)rand() % (sizeof(word) - 1);

        for (size_t i = 0; i < len; i++)
            word[i] = (char)(1 + rand() % 255);   /* no NUL in an argument */
        assert_bash_roundtrip(word, len);
    }
}
END_TEST

START_TEST(argv_is_joined_by_spaces)
{
    char *argv[] = { "echo", "two words", "", "x", NULL };
    struct textbuf tb;

    textbuf_init(&tb, mem, sizeof(mem));
    quote_argv(&tb, argv, 4096, NULL);
    ck_assert_int_eq((int)tb.len, (int)strlen("echo 'two words' '' x"));
    ck_assert(memcmp(tb.data, "echo 'two words' '' x", tb.len) == 0);
    textbuf_init(&tb, mem, sizeof(mem));
    quote_argv(&tb, NULL, 4096, NULL);
    ck_assert_uint_eq(tb.len, 0);
}
END_TEST

START_TEST(command_word_is_never_an_assignment)
{
    char *argv[] = { "HISTFILE=/dev/null", "a=b", NULL };
    char *job[] = { "%1", "%1", NULL };
    struct textbuf tb;

    textbuf_init(&tb, mem, sizeof(mem));
    quote_argv(&tb, argv, 4096, NULL);
    ck_assert_int_eq((int)tb.len, (int)strlen("'HISTFILE=/dev/null' a=b"));
    ck_assert(memcmp(tb.data, "'HISTFILE=/dev/null' a=b", tb.len) == 0);
    textbuf_init(&tb, mem, sizeof(mem));
    {
        char *keyword[] = { "time", "time", NULL };

        quote_argv(&tb, keyword, 4096, NULL);
        ck_assert_int_eq((int)tb.len, (int)strlen("'time' time"));
        ck_assert(memcmp(tb.data, "'time' time", tb.len) == 0);
    }
    textbuf_init(&tb, mem, sizeof(mem));
    quote_argv(&tb, job, 4096, NULL);
    ck_assert_int_eq((int)tb.len, (int)strlen("'%1' %1"));
    ck_assert(memcmp(tb.data, "'%1' %1", tb.len) == 0);
}
END_TEST

START_TEST(message_cut_never_splits_a_word)
{
    static char word[3000];
    char *argv[] = { "cmd", word, word, NULL };
    char small[16000];
    struct textbuf tb;
    size_t rendered = 2 + 4 * (sizeof(word) - 1) + 1;   /* $'\x01...' */

    memset(word, '\x01', sizeof(word) - 1);
    textbuf_init(&tb, small, sizeof(small));
    quote_argv(&tb, argv, 4096, NULL);
    /* "cmd ", the first word and a space fit; the second word is dropped
     * whole rather than cut inside its quotes. */
    ck_assert_uint_eq(tb.len, 4 + rendered + 1);
    ck_assert_int_eq(small[tb.len - 2], '\'');
    ck_assert_uint_eq(tb.lost, rendered);
}
END_TEST

START_TEST(compile_splits_literals_and_placeholders)
{
    struct format fmt;
    struct diag at;

    ck_assert_int_eq(format_compile(&fmt, "uid=%{uid} %{cmdline}!", &at), 0);
    ck_assert_uint_eq(fmt.count, 5);
    ck_assert_uint_eq(fmt.items[0].source, FORMAT_LITERAL);
    ck_assert_uint_ne(fmt.items[1].source, FORMAT_LITERAL);
    ck_assert_uint_eq(fmt.items[4].length, 1);
    ck_assert_int_eq(format_compile(&fmt, DEFAULT_MESSAGE_FORMAT, &at), 0);
    ck_assert_int_eq(format_compile(&fmt, "", &at), 0);
    ck_assert_uint_eq(fmt.count, 0);
}
END_TEST

START_TEST(compile_rejects_bad_formats)
{
    struct format fmt;
    struct diag at;
    char huge[2 * FORMAT_MAX_TEXT];

    ck_assert_int_eq(format_compile(&fmt, "x %{nosuch} y", &at), -EINVAL);
    ck_assert_uint_eq(at.column, 2);
    ck_assert_str_eq(at.message, "unknown placeholder %{nosuch}");
    ck_assert_int_eq(format_compile(&fmt, "ab %{uid", &at), -EINVAL);
    ck_assert_uint_eq(at.column, 3);
    ck_assert_str_eq(at.message, "missing '}' after '%{'");
    ck_assert_int_eq(format_compile(&fmt, "%{uid:x}", &at), -EINVAL);
    ck_assert_str_eq(at.message, "%{uid} takes no argument");
    ck_assert_int_eq(format_compile(&fmt, "%{uid:}", &at), -EINVAL);
    /* A raw newline or escape in the format would reach every line. */
    ck_assert_int_eq(format_compile(&fmt, "a\nb %{uid}", &at), -EINVAL);
    ck_assert_uint_eq(at.column, 1);
    ck_assert_int_eq(format_compile(&fmt, "%{uid} \x1b[31m", &at), -EINVAL);
    memset(huge, 'x', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    ck_assert_int_eq(format_compile(&fmt, huge, &at), -EINVAL);
    ck_assert_ptr_nonnull(strstr(at.message, "too long"));
}
END_TEST

START_TEST(textbuf_closes_when_full)
{
    char small[8];
    struct textbuf tb;

    textbuf_init(&tb, small, sizeof(small));
    textbuf_puts(&tb, "12345");
    textbuf_puts(&tb, "6789");      /* does not fit: dropped whole */
    textbuf_puts(&tb, "a");         /* would fit, but order must hold */
    ck_assert_uint_eq(tb.len, 5);
    ck_assert_uint_eq(tb.lost, 5);
    textbuf_init(&tb, small, sizeof(small));
    textbuf_put_i64(&tb, -42);
    ck_assert_uint_eq(tb.len, 3);
    ck_assert(memcmp(small, "-42", 3) == 0);
}
END_TEST

Suite *format_suite(void)
{
    Suite *s = suite_create("format");
    TCase *tc = tcase_create("quote");

    tcase_add_test(tc, bare_words_stay_bare);
    tcase_add_test(tc, scan_and_quoting_agree_on_bare_bytes);
    tcase_add_test(tc, specials_are_single_quoted);
    tcase_add_test(tc, controls_and_quotes_use_dollar_quotes);
    tcase_add_test(tc, invalid_utf8_is_escaped);
    tcase_add_test(tc, disguising_characters_are_escaped);
    tcase_add_test(tc, long_words_are_cut_with_marker);
    tcase_add_test(tc, bash_reads_quoted_words_back);
    tcase_add_test(tc, bash_reads_random_bytes_back);
    tcase_add_test(tc, argv_is_joined_by_spaces);
    tcase_add_test(tc, command_word_is_never_an_assignment);
    tcase_add_test(tc, message_cut_never_splits_a_word);
    suite_add_tcase(s, tc);
    tc = tcase_create("compile");
    tcase_add_test(tc, compile_splits_literals_and_placeholders);
    tcase_add_test(tc, compile_rejects_bad_formats);
    tcase_add_test(tc, textbuf_closes_when_full);
    suite_add_tcase(s, tc);
    return s;
}
