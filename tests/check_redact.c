#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_core.h"
#include "quote.h"
#include "redact.h"

static char mem[1 << 16];

/* argv rendered as the cmdline placeholder renders it, under spec. */
static const char *render_max(const char *spec, char **argv, size_t max_len)
{
    static char out[sizeof(mem) + 1];
    static struct redact_rules rules;
    struct textbuf tb;
    struct diag d;

    ck_assert_msg(redact_compile(&rules, spec, &d) == 0, "%s: %zu: %s", spec,
                  d.column, d.message);
    ck_assert_int_eq(redact_validate(&rules), 0);
    textbuf_init(&tb, mem, sizeof(mem));
    quote_argv(&tb, argv, max_len, &rules);
    ck_assert_uint_eq(tb.lost, 0);
    memcpy(out, tb.data, tb.len);
    out[tb.len] = '\0';
    return out;
}

#define LOGGED(spec, ...) \
    render_max(spec, (char *[]){ __VA_ARGS__, NULL }, 4096)
#define DEFAULT(...) LOGGED(redact_default_spec, __VA_ARGS__)

START_TEST(mysql_attached_password)
{
    ck_assert_str_eq(DEFAULT("mysql", "-uroot", "-pSECRET", "db"),
                     "mysql -uroot '-p***' db");
    ck_assert_str_eq(DEFAULT("/usr/bin/mariadb", "-pSECRET"),
                     "/usr/bin/mariadb '-p***'");
    ck_assert_str_eq(DEFAULT("mysqldump", "-pSECRET", "--all-databases"),
                     "mysqldump '-p***' --all-databases");
    ck_assert_str_eq(DEFAULT("mysqladmin", "-pSECRET", "status"),
                     "mysqladmin '-p***' status");
    ck_assert_str_eq(DEFAULT("mariadb-dump", "-ps3 cr'et"),
                     "mariadb-dump '-p***'");
}
END_TEST

START_TEST(mysql_bare_p_prompts)
{
    /* -p alone prompts; the next word is the database. */
    ck_assert_str_eq(DEFAULT("mysql", "-u", "root", "-p", "customers"),
                     "mysql -u root -p customers");
    ck_assert_str_eq(DEFAULT("mysqldump", "-p", "db", "table"),
                     "mysqldump -p db table");
}
END_TEST

START_TEST(password_option_of_any_program)
{
    ck_assert_str_eq(DEFAULT("mysql", "--password=SECRET"),
                     "mysql '--password=***'");
    ck_assert_str_eq(DEFAULT("tool", "--password=SECRET", "x"),
                     "tool '--password=***' x");
    ck_assert_str_eq(DEFAULT("tool", "--password", "SECRET", "x"),
                     "tool --password '***' x");
    /* Nothing to hide: as last argument, or with an empty value. */
    ck_assert_str_eq(DEFAULT("tool", "-v", "--password"),
                     "tool -v --password");
    ck_assert_str_eq(DEFAULT("tool", "--password="), "tool --password=");
    ck_assert_str_eq(DEFAULT("tool", "--password", ""), "tool --password ''");
    /* Another option that merely starts the same way. */
    ck_assert_str_eq(DEFAULT("tool", "--password-file=/etc/pw"),
                     "tool --password-file=/etc/pw");
    ck_assert_str_eq(DEFAULT("tool", "--passwordless"),
                     "tool --passwordless");
}
END_TEST

START_TEST(sshpass_password)
{
    ck_assert_str_eq(DEFAULT("sshpass", "-p", "SECRET", "ssh", "host"),
                     "sshpass -p '***' ssh host");
    ck_assert_str_eq(DEFAULT("/usr/bin/sshpass", "-pSECRET", "ssh", "host"),
                     "/usr/bin/sshpass '-p***' ssh host");
}
END_TEST

START_TEST(curl_user_password)
{
    ck_assert_str_eq(DEFAULT("curl", "-u", "user:SECRET", "https://x/"),
                     "curl -u 'user:***' https://x/");
    ck_assert_str_eq(DEFAULT("curl", "--user", "user:SECRET", "https://x/"),
                     "curl --user 'user:***' https://x/");
    ck_assert_str_eq(DEFAULT("curl", "-uuser:SECRET", "https://x/"),
                     "curl '-uuser:***' https://x/");
    ck_assert_str_eq(DEFAULT("curl", "--user=user:SE:CRET"),
                     "curl '--user=user:***'");
    ck_assert_str_eq(DEFAULT("curl", "--proxy-user", "user:SECRET"),
                     "curl --proxy-user 'user:***'");
    /* Without ':' curl prompts for the password: nothing to hide. */
    ck_assert_str_eq(DEFAULT("curl", "-u", "user", "https://x/"),
                     "curl -u user https://x/");
    ck_assert_str_eq(DEFAULT("curl", "-u", "user:", "https://x/"),
                     "curl -u user: https://x/");
}
END_TEST

START_TEST(url_credentials_anywhere)
{
    ck_assert_str_eq(DEFAULT("git", "clone",
                             "https://user:tok3n@github.com/o/r.git"),
                     "git clone 'https://user:***@github.com/o/r.git'");
    ck_assert_str_eq(DEFAULT("psql", "postgres://app:pw@db:5432/app"),
                     "psql 'postgres://app:***@db:5432/app'");
    ck_assert_str_eq(DEFAULT("wget", "--url=ftp://a:b@h"),
                     "wget '--url=ftp://a:***@h'");
    /* The last '@' of the authority ends the password. */
    ck_assert_str_eq(DEFAULT("curl", "https://u:p@ss@host/x@y"),
                     "curl 'https://u:***@host/x@y'");
    ck_assert_str_eq(DEFAULT("curl", "https://u@x:p@host"),
                     "curl 'https://u@x:***@host'");
    ck_assert_str_eq(DEFAULT("curl", "https://u@host:8080/"),
                     "curl https://u@host:8080/");
    /* Two URLs in one word: everything from the first secret to the
     * last is hidden. */
    ck_assert_str_eq(DEFAULT("x", "http://a:1@h,http://b:2@i"),
                     "x 'http://a:***@i'");
    /* No password, no ':' before the '@', or an '@' past the authority. */
    ck_assert_str_eq(DEFAULT("git", "clone", "https://user@github.com/o/r"),
                     "git clone https://user@github.com/o/r");
    ck_assert_str_eq(DEFAULT("curl", "https://host:8080/path"),
                     "curl https://host:8080/path");
    ck_assert_str_eq(DEFAULT("curl", "https://host/a:b@c"),
                     "curl https://host/a:b@c");
    ck_assert_str_eq(DEFAULT("curl", "https://u:@host"),
                     "curl https://u:@host");
    ck_assert_str_eq(DEFAULT("echo", "user:pw@host"), "echo user:pw@host");
}
END_TEST

START_TEST(programs_not_listed_are_untouched)
{
    ck_assert_str_eq(DEFAULT("ssh", "-p", "22", "host"), "ssh -p 22 host");
    ck_assert_str_eq(DEFAULT("ls", "-pla"), "ls -pla");
    ck_assert_str_eq(DEFAULT("mysqlx", "-pSECRET"), "mysqlx -pSECRET");
    ck_assert_str_eq(DEFAULT("wget", "-u", "a:b"), "wget -u a:b");
    ck_assert_str_eq(DEFAULT("/opt/curl/bin", "-u", "a:b"),
                     "/opt/curl/bin -u a:b");
    /* Only argv[0]'s basename counts, not a directory named like it. */
    ck_assert_str_eq(DEFAULT("/usr/mysql/bin/client", "-pX"),
                     "/usr/mysql/bin/client -pX");
    /* argv[0] itself is the program, never an option's value. */
    ck_assert_str_eq(DEFAULT("--password=x"), "'--password=x'");
}
END_TEST

START_TEST(user_rules_add_to_defaults)
{
    const char *spec = "defaults; value:--token@gh,hub ;attached:-k@tool;"
                       "userinfo:--auth;value:password@nmcli";

    ck_assert_str_eq(LOGGED(spec, "gh", "--token", "abc"),
                     "gh --token '***'");
    ck_assert_str_eq(LOGGED(spec, "/bin/hub", "--token=abc"),
                     "/bin/hub '--token=***'");
    ck_assert_str_eq(LOGGED(spec, "other", "--token", "abc"),
                     "other --token abc");
    ck_assert_str_eq(LOGGED(spec, "tool", "-kKEY", "-k", "file"),
                     "tool '-k***' -k file");
    ck_assert_str_eq(LOGGED(spec, "x", "--auth", "me:pw"),
                     "x --auth 'me:***'");
    ck_assert_str_eq(LOGGED(spec, "nmcli", "dev", "wifi", "connect", "net",
                            "password", "pw"),
                     "nmcli dev wifi connect net password '***'");
    /* The defaults are still there. */
    ck_assert_str_eq(LOGGED(spec, "mysql", "-pSECRET"), "mysql '-p***'");
    /* Rules alone, without the defaults. */
    ck_assert_str_eq(LOGGED("value:--token", "mysql", "-pS", "--token", "t"),
                     "mysql -pS --token '***'");
}
END_TEST

START_TEST(overlapping_rules_hide_the_union)
{
    ck_assert_str_eq(LOGGED("defaults;value:-u@curl", "curl", "-u", "a:b"),
                     "curl -u '***'");
    ck_assert_str_eq(DEFAULT("tool", "--password=http://u:p@h"),
                     "tool '--password=***'");
}
END_TEST

START_TEST(none_redacts_nothing)
{
    struct redact_rules r;
    struct diag d;

    ck_assert_int_eq(redact_compile(&r, " none ", &d), 0);
    ck_assert_uint_eq(r.count, 0);
    ck_assert_str_eq(LOGGED("none", "mysql", "-pSECRET",
                            "https://u:p@h"),
                     "mysql -pSECRET https://u:p@h");
}
END_TEST

START_TEST(quoting_covers_the_whole_word)
{
    /* A quote in the prefix or suffix makes the masked word $'...'. */
    ck_assert_str_eq(DEFAULT("git", "https://it's:pw@host/it's"),
                     "git $'https://it\\'s:***@host/it\\'s'");
    ck_assert_str_eq(DEFAULT("curl", "-u", "us\ner:pw\n"),
                     "curl -u $'us\\ner:***'");
    ck_assert_str_eq(DEFAULT("curl", "-u", "an na:pw"),
                     "curl -u 'an na:***'");
    /* Whatever the secret holds, only the mask is shown. */
    ck_assert_str_eq(DEFAULT("tool", "--password", "it's\x01\xff"),
                     "tool --password '***'");
    /* A URL in the command word: quoted, and never read as a job. */
    ck_assert_str_eq(DEFAULT("http://u:p@h/x"), "'http://u:***@h/x'");
}
END_TEST

START_TEST(cut_marker_with_redaction)
{
    char *argv[] = { "tool", "--password=SECRETSECRET", NULL };
    char *url[] = { "git", "https://u:p@example.org/repository", NULL };

    /* The marker counts bytes of the masked word (14), so that it tells
     * nothing of the secret's length. */
    ck_assert_str_eq(render_max("defaults", argv, 5),
                     "tool --pas...(9 bytes cut)");
    ck_assert_str_eq(render_max("defaults", argv, 14),
                     "tool '--password=***'");
    /* A cut never shows part of the mask. */
    ck_assert_str_eq(render_max("defaults", argv, 12),
                     "tool --password=...(3 bytes cut)");
    ck_assert_str_eq(render_max("defaults", argv, 13),
                     "tool --password=...(3 bytes cut)");
    /* Cut in the suffix: the shown part is still quoted as one. */
    ck_assert_str_eq(render_max("defaults", url, 20),
                     "git 'https://u:***@exampl'...(16 bytes cut)");
}
END_TEST

START_TEST(message_cut_drops_masked_word_whole)
{
    static struct redact_rules rules;
    char *argv[] = { "tool", "--password=SECRET", NULL };
    char small[16];
    struct textbuf tb;
    struct diag d;

    ck_assert_int_eq(redact_compile(&rules, redact_default_spec, &d), 0);
    textbuf_init(&tb, small, sizeof(small));
    quote_argv(&tb, argv, 4096, &rules);
    /* "tool " fits; "'--password=***'" (16) does not and goes whole. */
    ck_assert_uint_eq(tb.len, 5);
    ck_assert_uint_eq(tb.lost, 16);
    ck_assert(memcmp(small, "tool ", 5) == 0);
}
END_TEST

START_TEST(span_reports_the_bytes)
{
    static struct redact_rules rules;
    char *argv[] = { "curl", "-u", "me:pw", "--user=a:bc", NULL };
    size_t start = 99, end = 99;
    struct diag d;

    ck_assert_int_eq(redact_compile(&rules, redact_default_spec, &d), 0);
    ck_assert(!redact_span(&rules, argv, 0, &start, &end));
    ck_assert(!redact_span(&rules, argv, 1, &start, &end));
    ck_assert(redact_span(&rules, argv, 2, &start, &end));
    ck_assert_uint_eq(start, 3);
    ck_assert_uint_eq(end, 5);
    ck_assert(redact_span(&rules, argv, 3, &start, &end));
    ck_assert_uint_eq(start, 9);
    ck_assert_uint_eq(end, 11);
    ck_assert(!redact_span(NULL, argv, 2, &start, &end));
}
END_TEST

/* What bash reads back from a rendered word: the masked word, bytes for
 * bytes, whatever surrounds the secret. */
static void assert_bash_reads_masked(const struct redact_rules *r,
                                     char **argv, size_t index)
{
    static char expected[1 << 12], back[1 << 12], script[1 << 14];
    size_t start, end, len = strlen(argv[index]), n, got = 0;
    int from_bash[2], status;
    struct textbuf tb;
    ssize_t k;
    pid_t pid;

    ck_assert(redact_span(r, argv, index, &start, &end));
    memcpy(expected, argv[index], start);
    memcpy(expected + start, "***", 3);
    memcpy(expected + start + 3, argv[index] + end, len - end);
    n = start + 3 + len - end;
    textbuf_init(&tb, script, sizeof(script) - 1);
    quote_argv(&tb, argv, 1 << 12, r);
    ck_assert_uint_eq(tb.lost, 0);
    script[tb.len] = '\0';
    ck_assert_int_eq(pipe(from_bash), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char cmd[sizeof(script) + 64];

        /* Word number index of the whole rendered line, as bash splits
         * it. */
        snprintf(cmd, sizeof(cmd), "set -- %s; shift %zu; printf %%s \"$1\"",
                 script, index);
        dup2(from_bash[1], 1);
        execl("/bin/bash", "bash", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(from_bash[1]);
    while ((k = read(from_bash[0], back + got, sizeof(back) - got)) > 0)
        got += (size_t)k;
    close(from_bash[0]);
    waitpid(pid, &status, 0);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "bash failed on %s", script);
    ck_assert_msg(got == n && memcmp(back, expected, n) == 0,
                  "bash read %s differently", script);
}

START_TEST(bash_reads_masked_words_back)
{
    static struct redact_rules rules;
    char word[80];
    char *argv[] = { "curl", "-u", word, NULL };
    struct diag d;

    ck_assert_int_eq(redact_compile(&rules, redact_default_spec, &d), 0);
    srand(4321);
    for (int round = 0; round < 200; round++) {
        size_t n = 0, before = (size_t)rand() % 20;
        size_t after = (size_t)rand() % 20;

        /* Random bytes around a URL with a password, as the value of
         * curl -u (whose ':' rule widens the span at times). */
        for (size_t i = 0; i < before; i++)
            word[n++] = (char)(1 + rand() % 255);
        memcpy(word + n, "s://u:pw@h", 10);
        n += 10;
        for (size_t i = 0; i < after; i++)
            word[n++] = (char)(1 + rand() % 255);
        word[n] = '\0';
        assert_bash_reads_masked(&rules, argv, 2);
    }
}
END_TEST

struct bad_spec {
    const char *spec;
    size_t column;
    const char *message;
};

START_TEST(compile_errors_have_columns)
{
    static const struct bad_spec bad[] = {
        { "defaults;valeu:-x", 9, "unknown redact rule 'valeu'" },
        { "Value:-x", 0, "unknown redact rule 'Value'" },
        { "value", 5,
          "redact rule 'value' needs an option, as in 'value:--password'" },
        { "url; userinfo:", 14, "redact rule 'userinfo' needs an option, "
                                "as in 'userinfo:--password'" },
        { "attached:@mysql", 9, "redact rule 'attached' needs an option, "
                                "as in 'attached:--password'" },
        { "value@curl", 5, "redact rule 'value' needs an option, as in "
                           "'value:--password'" },
        { "value:-p@", 8, "empty program list after '@'" },
        { "value:-p@a,,b", 11, "empty program name" },
        { "value:-p@a,", 11, "empty program name" },
        { "value:-p@/usr/bin/mysql", 9, "program '/usr/bin/mysql' is a "
          "path: rules match the basename of argv[0]" },
        { "value:-p@my sql", 11, "invalid byte 0x20 in program name" },
        { "value:--pass=x", 12, "invalid character '=' in redact option" },
        { "value:-a,-b", 8, "invalid character ',' in redact option" },
        { "value:--pa ss", 10, "invalid byte 0x20 in redact option" },
        { "value:--p\xc3\xa9", 9, "invalid byte 0xc3 in redact option" },
        { "url:x", 3, "redact rule 'url' takes no option" },
        { "url@git", 3, "redact rule 'url' takes no program list" },
        { "defaults:x", 8, "redact rule 'defaults' takes no option" },
        { "none@x", 4, "redact rule 'none' takes no program list" },
        { "", 0, "empty redact spec (write 'none' for no redaction)" },
        { " \t", 0, "empty redact spec (write 'none' for no redaction)" },
        { "defaults;;url", 9, "empty redact rule" },
        { "defaults;", 9, "empty redact rule" },
        { "defaults; ", 9, "empty redact rule" },
        { "defaults;url;defaults", 13, "'defaults' given twice" },
        { "none;none", 5, "'none' given twice" },
        { "none;url", 0, "'none' cannot be combined with other redact rules" },
        { "url; none", 5, "'none' cannot be combined with other redact "
                          "rules" },
        { "defaults;none", 9, "'none' cannot be combined with other redact "
                              "rules" },
    };
    struct redact_rules r;
    struct diag d;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(redact_compile(&r, bad[i].spec, &d) == -EINVAL,
                      "accepted '%s'", bad[i].spec);
        ck_assert_str_eq(d.message, bad[i].message);
        ck_assert_msg(d.column == bad[i].column, "'%s': column %zu, not %zu",
                      bad[i].spec, d.column, bad[i].column);
        ck_assert_uint_eq(r.count, 0);
    }
}
END_TEST

START_TEST(compile_limits)
{
    static char spec[8 * REDACT_MAX_TEXT];
    struct redact_rules r;
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
    ck_assert_str_eq(d.message, "too many redact rules (at most 32, "
                     "'defaults' counting as 8)");

    /* The defaults overflowing point at 'defaults'. */
    n = 0;
    for (int i = 0; i < REDACT_MAX_RULES - 4; i++)
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
    ck_assert_str_eq(d.message, "redact rules are too long (at most 1024 "
                     "bytes of options and program names)");
}
END_TEST

START_TEST(compile_stores_rules)
{
    struct redact_rules r;
    struct diag d;

    ck_assert_int_eq(redact_compile(&r, "value:--token@gh,hub", &d), 0);
    ck_assert_uint_eq(r.count, 1);
    ck_assert_uint_eq(r.rules[0].option_length, 7);
    ck_assert(memcmp(r.text + r.rules[0].option, "--token", 7) == 0);
    ck_assert_uint_eq(r.rules[0].programs_length, 6);
    ck_assert(memcmp(r.text + r.rules[0].programs, "gh,hub", 6) == 0);
}
END_TEST

/* The built-in rules are data, not parsed: they must be exactly what the
 * documented spelling compiles to, so they pass the same checks. */
START_TEST(defaults_are_the_documented_rules)
{
    static struct redact_rules builtin, spelled;
    struct diag d;

    ck_assert_str_eq(redact_default_spec, "defaults");
    ck_assert_int_eq(redact_compile(&builtin, redact_default_spec, &d), 0);
    ck_assert_int_eq(redact_compile(&spelled,
        "attached:-p@mysql,mariadb,mysqldump,mariadb-dump,mysqladmin,"
        "mariadb-admin;value:--password;value:-p@sshpass;userinfo:-u@curl;"
        "userinfo:--user@curl;userinfo:-U@curl;userinfo:--proxy-user@curl;"
        "url", &d), 0);
    ck_assert_uint_eq(builtin.count, 8);
    ck_assert(memcmp(&builtin, &spelled, sizeof(builtin)) == 0);
}
END_TEST

START_TEST(validate_refuses_damage)
{
    static struct redact_rules good, r;
    struct redact_rules *edge;
    char *argv[] = { "curl", "-u", "a:b", "https://u:p@h", "-", "-x", NULL };
    size_t start, end;
    struct diag d;

    ck_assert_int_eq(redact_compile(&good, "defaults;value:--x@y", &d), 0);
    ck_assert_int_eq(redact_validate(&good), 0);
    memset(&r, 0, sizeof(r));
    ck_assert_int_eq(redact_validate(&r), 0);    /* no rules: fine */

#define DAMAGED(change)                                   \
    do {                                                  \
        r = good;                                         \
        change;                                           \
        ck_assert_int_eq(redact_validate(&r), -EINVAL);   \
    } while (0)
    DAMAGED(r.count = REDACT_MAX_RULES + 1);
    DAMAGED(r.count = 0xffff);
    DAMAGED(r.rules[0].kind = 0);
    DAMAGED(r.rules[1].kind = 5);
    DAMAGED(r.rules[1].kind = 0xff);
    DAMAGED(r.rules[8].option = REDACT_MAX_TEXT + 1);
    DAMAGED(r.rules[8].option = REDACT_MAX_TEXT - 1);     /* length 3 */
    DAMAGED(r.rules[8].option_length = 0xffff);
    DAMAGED(r.rules[8].option_length = 0);
    DAMAGED(r.rules[8].programs = 0xffff);
    DAMAGED(r.rules[8].programs = REDACT_MAX_TEXT);       /* length 1 */
    DAMAGED(r.rules[8].programs_length = REDACT_MAX_TEXT + 1);
    DAMAGED(r.rules[7].option_length = 1);                /* url */
    DAMAGED(r.rules[7].programs_length = 1);
#undef DAMAGED

    /* Past count, anything goes: those rules are never read. */
    r = good;
    r.rules[r.count].kind = 0xff;
    r.rules[r.count].option = 0xffff;
    ck_assert_int_eq(redact_validate(&r), 0);
    /* Edges that are in range pass, and reading them stays inside the
     * rule set: on the heap, with its exact size, so that a sanitizer
     * build sees any byte read past text[]. */
    edge = malloc(sizeof(*edge));
    ck_assert_ptr_nonnull(edge);
    *edge = good;
    edge->rules[8].programs = REDACT_MAX_TEXT;
    edge->rules[8].programs_length = 0;
    ck_assert_int_eq(redact_validate(edge), 0);
    edge->rules[8].option = 0;
    edge->rules[8].option_length = REDACT_MAX_TEXT;
    ck_assert_int_eq(redact_validate(edge), 0);
    for (size_t i = 0; argv[i] != NULL; i++)
        if (redact_span(edge, argv, i, &start, &end))
            ck_assert(start < end && end <= strlen(argv[i]));
    edge->rules[8].option = REDACT_MAX_TEXT - 1;
    edge->rules[8].option_length = 1;
    edge->rules[8].programs = REDACT_MAX_TEXT - 1;
    edge->rules[8].programs_length = 1;
    edge->text[REDACT_MAX_TEXT - 1] = '-';
    ck_assert_int_eq(redact_validate(edge), 0);
    for (size_t i = 0; argv[i] != NULL; i++)
        if (redact_span(edge, argv, i, &start, &end))
            ck_assert(start < end && end <= strlen(argv[i]));
    free(edge);
}
END_TEST

START_TEST(option_text_with_nul_from_a_cache)
{
    static struct redact_rules r;
    char *argv[] = { "x", "-q", "secret", NULL };
    size_t start, end;
    struct diag d;

    /* A NUL inside the stored option must not let "-q" match "-q\0z" and
     * send the comparison past the end of argv[1]. */
    ck_assert_int_eq(redact_compile(&r, "value:-qZ", &d), 0);
    r.text[r.rules[0].option + 2] = '\0';
    ck_assert_int_eq(redact_validate(&r), 0);
    ck_assert(!redact_span(&r, argv, 2, &start, &end));
}
END_TEST

Suite *redact_suite(void)
{
    Suite *s = suite_create("redact");
    TCase *tc = tcase_create("defaults");

    tcase_add_test(tc, mysql_attached_password);
    tcase_add_test(tc, mysql_bare_p_prompts);
    tcase_add_test(tc, password_option_of_any_program);
    tcase_add_test(tc, sshpass_password);
    tcase_add_test(tc, curl_user_password);
    tcase_add_test(tc, url_credentials_anywhere);
    tcase_add_test(tc, programs_not_listed_are_untouched);
    suite_add_tcase(s, tc);
    tc = tcase_create("render");
    tcase_add_test(tc, user_rules_add_to_defaults);
    tcase_add_test(tc, overlapping_rules_hide_the_union);
    tcase_add_test(tc, none_redacts_nothing);
    tcase_add_test(tc, quoting_covers_the_whole_word);
    tcase_add_test(tc, cut_marker_with_redaction);
    tcase_add_test(tc, message_cut_drops_masked_word_whole);
    tcase_add_test(tc, span_reports_the_bytes);
    tcase_add_test(tc, bash_reads_masked_words_back);
    suite_add_tcase(s, tc);
    tc = tcase_create("compile");
    tcase_add_test(tc, compile_errors_have_columns);
    tcase_add_test(tc, compile_limits);
    tcase_add_test(tc, compile_stores_rules);
    tcase_add_test(tc, defaults_are_the_documented_rules);
    tcase_add_test(tc, validate_refuses_damage);
    tcase_add_test(tc, option_text_with_nul_from_a_cache);
    suite_add_tcase(s, tc);
    return s;
}
