/* The redaction engine as the exec path uses it: compile a spec, scan an
 * argv for secrets, render the line with each masked range as "***".
 * Shell strings, wrappers, the vocabulary and the words that must stay
 * shown are in check_redact_shell.c; the compiler and validator here. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_core.h"
#include "quote.h"
#include "redact.h"

/* The room the exec path gives the scan (pipeline.c), in static memory
 * as there: the scan must not need more. */
static char room_text[1 << 14];
static uint32_t room_origin[1 << 14];
static uint64_t room_commands[16 * REDACT_COMMAND_SIZE / 8];
static uint32_t room_info[4096];
static const struct redact_room room = {
    .text = room_text, .origin = room_origin, .size = sizeof(room_text),
    .commands = room_commands,
    .command_slots = sizeof(room_commands) / REDACT_COMMAND_SIZE,
    .info = room_info, .info_slots = sizeof(room_info) / 4,
};

static struct redact_rules rules;
static struct redact_masks masks;
static char line[1 << 16];

const struct redact_rules *redact_test_compile(const char *spec)
{
    struct diag d;

    ck_assert_msg(redact_compile(&rules, spec, &d) == 0, "%s: %zu: %s", spec,
                  d.column, d.message);
    ck_assert_int_eq(redact_validate(&rules), 0);
    return &rules;
}

const struct redact_masks *redact_test_scan(const char *spec, char **argv)
{
    redact_scan(redact_test_compile(spec), argv, sizeof(line), &room, &masks);
    return &masks;
}

/* The line quote_argv writes with the masks of the last scan. */
static const char *render_masks(char **argv, size_t max_len)
{
    struct textbuf tb;

    textbuf_init(&tb, line, sizeof(line) - 1);
    quote_argv(&tb, argv, max_len, &masks);
    ck_assert_uint_eq(tb.lost, 0);
    line[tb.len] = '\0';
    return line;
}

const char *redact_test_render(const char *spec, char **argv, size_t max_len)
{
    redact_test_scan(spec, argv);
    return render_masks(argv, max_len);
}

/* The masks of the last scan as "ARG:START-END ...", to compare whole. */
const char *redact_test_masks(void)
{
    static char out[REDACT_MAX_MASKS * 32 + 1];
    size_t n = 0;

    out[0] = '\0';
    for (size_t i = 0; i < masks.count; i++)
        n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%u:%u-%u",
                              i > 0 ? " " : "", masks.mask[i].arg,
                              masks.mask[i].start, masks.mask[i].end);
    return out;
}

#define DEFAULT(...) LOGGED("defaults", __VA_ARGS__)

START_TEST(mysql_attached_password)
{
    ck_assert_str_eq(DEFAULT("mysql", "-uroot", "-phunter2", "db"),
                     "mysql -uroot '-p***' db");
    ck_assert_str_eq(DEFAULT("/usr/bin/mariadb", "-pSECRET"),
                     "/usr/bin/mariadb '-p***'");
    ck_assert_str_eq(DEFAULT("mysqldump", "-pSECRET", "--all-databases"),
                     "mysqldump '-p***' --all-databases");
    ck_assert_str_eq(DEFAULT("mariadb-dump", "-ps3 cr'et"),
                     "mariadb-dump '-p***'");
    /* The operand after -pVALUE is the database or a command, whatever
     * the password spells. */
    ck_assert_str_eq(DEFAULT("mysqladmin", "-pSECRET", "status"),
                     "mysqladmin '-p***' status");
    ck_assert_str_eq(DEFAULT("mysql", "-pMyPassword", "db"),
                     "mysql '-p***' db");
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
    ck_assert_str_eq(DEFAULT("sshpass", "-p", "SECRET", "ssh", "host"),
                     "sshpass -p '***' ssh host");
}
END_TEST

START_TEST(curl_user_password)
{
    ck_assert_str_eq(DEFAULT("curl", "-u", "user:SECRET", "https://x/"),
                     "curl -u 'user:***' https://x/");
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
    /* The last '@' of the authority ends the password. */
    ck_assert_str_eq(DEFAULT("curl", "https://u:p@ss@host/x@y"),
                     "curl 'https://u:***@host/x@y'");
    ck_assert_str_eq(DEFAULT("curl", "https://u@x:p@host"),
                     "curl 'https://u@x:***@host'");
    /* Two URLs in one word: two masks, the text between them shown. */
    ck_assert_str_eq(DEFAULT("x", "http://a:1@h,http://b:2@i"),
                     "x 'http://a:***@h,http://b:***@i'");
    ck_assert_str_eq(redact_test_masks(), "1:9-10 1:22-23");
    /* No password, no ':' before the '@', or an '@' past the authority. */
    ck_assert_str_eq(DEFAULT("git", "clone", "https://user@github.com/o/r"),
                     "git clone https://user@github.com/o/r");
    ck_assert_str_eq(DEFAULT("curl", "https://u@host:8080/"),
                     "curl https://u@host:8080/");
    ck_assert_str_eq(DEFAULT("curl", "https://host/a:b@c"),
                     "curl https://host/a:b@c");
    ck_assert_str_eq(DEFAULT("curl", "https://u:@host"),
                     "curl https://u:@host");
}
END_TEST

START_TEST(programs_not_listed_are_untouched)
{
    ck_assert_str_eq(DEFAULT("ls", "-pla"), "ls -pla");
    ck_assert_str_eq(DEFAULT("mysqlx", "-pSECRET"), "mysqlx -pSECRET");
    ck_assert_str_eq(DEFAULT("wget", "-u", "a:b"), "wget -u a:b");
    ck_assert_str_eq(DEFAULT("/opt/curl/bin", "-u", "a:b"),
                     "/opt/curl/bin -u a:b");
    /* Only argv[0]'s basename counts, not a directory named like it. */
    ck_assert_str_eq(DEFAULT("/usr/mysql/bin/client", "-pX"),
                     "/usr/mysql/bin/client -pX");
}
END_TEST

START_TEST(user_rules_add_to_defaults)
{
    const char *spec = "defaults; value:--token@gh,hub ;attached:-k@tool;"
                       "userinfo:--auth;keyword@nmcli";

    ck_assert_str_eq(LOGGED(spec, "gh", "--tokn", "abc"), "gh --tokn abc");
    ck_assert_str_eq(LOGGED(spec, "/bin/hub", "--token=abc"),
                     "/bin/hub '--token=***'");
    ck_assert_str_eq(LOGGED(spec, "tool", "-kKEY", "-k", "file"),
                     "tool '-k***' -k file");
    ck_assert_str_eq(LOGGED(spec, "x", "--auth", "me:pw"),
                     "x --auth 'me:***'");
    ck_assert_str_eq(LOGGED(spec, "nmcli", "dev", "wifi", "connect", "net",
                            "password", "pw"),
                     "nmcli dev wifi connect net password '***'");
    /* The defaults are still there. */
    ck_assert_str_eq(LOGGED(spec, "mysql", "-pSECRET"), "mysql '-p***'");
    /* Rules alone, without the defaults: only what they say. */
    ck_assert_str_eq(LOGGED("value:--tokn", "mysql", "-pS", "--tokn", "t",
                            "https://u:p@h"),
                     "mysql -pS --tokn '***' https://u:p@h");
    ck_assert_str_eq(LOGGED("value:--tokn@gh", "other", "--tokn", "abc"),
                     "other --tokn abc");
}
END_TEST

START_TEST(overlapping_rules_hide_the_union)
{
    ck_assert_str_eq(LOGGED("defaults;value:-u@curl", "curl", "-u", "a:b"),
                     "curl -u '***'");
    ck_assert_str_eq(redact_test_masks(), "2:0-3");
    ck_assert_str_eq(DEFAULT("tool", "--password=http://u:p@h"),
                     "tool '--password=***'");
    ck_assert_str_eq(redact_test_masks(), "1:11-23");
}
END_TEST

START_TEST(none_redacts_nothing)
{
    struct redact_rules r;
    struct diag d;

    ck_assert_int_eq(redact_compile(&r, " none ", &d), 0);
    ck_assert_uint_eq(r.count, 0);
    ck_assert_str_eq(LOGGED("none", "mysql", "-pSECRET", "https://u:p@h",
                            "sh", "-c", "PGPASSWORD=x psql"),
                     "mysql -pSECRET https://u:p@h sh -c 'PGPASSWORD=x psql'");
    ck_assert_uint_eq(masks.count, 0);
}
END_TEST

START_TEST(quoting_covers_the_whole_word)
{
    /* A quote in the prefix or suffix makes the masked word $'...'. */
    ck_assert_str_eq(DEFAULT("git", "https://ab:pw@host/it's"),
                     "git $'https://ab:***@host/it\\'s'");
    ck_assert_str_eq(DEFAULT("curl", "-u", "it's:pw"),
                     "curl -u $'it\\'s:***'");
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
    ck_assert_str_eq(redact_test_render("defaults", argv, 5),
                     "tool --pas...(9 bytes cut)");
    ck_assert_str_eq(redact_test_render("defaults", argv, 14),
                     "tool '--password=***'");
    /* A cut never shows part of the mask. */
    ck_assert_str_eq(redact_test_render("defaults", argv, 12),
                     "tool --password=...(3 bytes cut)");
    ck_assert_str_eq(redact_test_render("defaults", argv, 13),
                     "tool --password=...(3 bytes cut)");
    /* Cut in the suffix: the shown part is still quoted as one. */
    ck_assert_str_eq(redact_test_render("defaults", url, 20),
                     "git 'https://u:***@exampl'...(16 bytes cut)");
}
END_TEST

START_TEST(message_cut_drops_masked_word_whole)
{
    char *argv[] = { "tool", "--password=SECRET", NULL };
    char small[16];
    struct textbuf tb;

    redact_test_scan("defaults", argv);
    textbuf_init(&tb, small, sizeof(small));
    quote_argv(&tb, argv, 4096, &masks);
    /* "tool " fits; "'--password=***'" (16) does not and goes whole. */
    ck_assert_uint_eq(tb.len, 5);
    ck_assert_uint_eq(tb.lost, 16);
    ck_assert(memcmp(small, "tool ", 5) == 0);
}
END_TEST

/* Each argument with its masked ranges replaced by "***": what the line
 * must read back as. */
static size_t expected_words(char **argv, char *out, size_t cap)
{
    size_t n = 0, first = 0;

    for (size_t i = 0; argv[i] != NULL; i++) {
        size_t k = redact_masks_of(&masks, i, &first), at = 0;

        for (size_t j = first; j < first + k; j++) {
            ck_assert_uint_le(n + masks.mask[j].start - at + 3, cap);
            memcpy(out + n, argv[i] + at, masks.mask[j].start - at);
            n += masks.mask[j].start - at;
            memcpy(out + n, "***", 3);
            n += 3;
            at = masks.mask[j].end;
        }
        ck_assert_uint_le(n + strlen(argv[i] + at) + 1, cap);
        strcpy(out + n, argv[i] + at);
        n += strlen(argv[i] + at) + 1;
    }
    return n;
}

/* bash, given the rendered line as words, prints them NUL-separated. */
static size_t bash_reads(const char *rendered, char *back, size_t cap)
{
    static char cmd[sizeof(line) + 64];
    int from_bash[2], status;
    size_t got = 0;
    ssize_t k;
    pid_t pid;

    snprintf(cmd, sizeof(cmd), "set -- %s; printf '%%s\\0' \"$@\"",
             rendered);
    ck_assert_int_eq(pipe(from_bash), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(from_bash[1], 1);
        execl("/bin/bash", "bash", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(from_bash[1]);
    while ((k = read(from_bash[0], back + got, cap - got)) > 0)
        got += (size_t)k;
    close(from_bash[0]);
    waitpid(pid, &status, 0);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "bash failed on %s", rendered);
    return got;
}

START_TEST(bash_reads_masked_words_back)
{
    static char expected[1 << 12], back[1 << 12];
    char word[80], cmd[120];
    char *argv[] = { "curl", "-u", word, "sh", "-c", cmd, NULL };

    srand(4321);
    for (int round = 0; round < 200; round++) {
        size_t n = 0, before = (size_t)rand() % 20;
        size_t after = (size_t)rand() % 20, want, got;

        /* Random bytes around a URL with a password, as the value of
         * curl -u (whose ':' rule widens the mask at times), and the
         * same inside a command string, masked in several places. */
        for (size_t i = 0; i < before; i++)
            word[n++] = (char)(1 + rand() % 255);
        memcpy(word + n, "s://u:pw@h", 10);
        n += 10;
        for (size_t i = 0; i < after; i++)
            word[n++] = (char)(1 + rand() % 255);
        word[n] = '\0';
        snprintf(cmd, sizeof(cmd), "mysql -p%.*s x; curl %s",
                 (int)before, word, "https://a:b@c");
        redact_test_scan("defaults", argv);
        ck_assert_uint_gt(masks.count, 1);
        want = expected_words(argv, expected, sizeof(expected));
        got = bash_reads(render_masks(argv, 4096), back, sizeof(back));
        ck_assert_msg(got == want && memcmp(back, expected, want) == 0,
                      "bash read %s differently", line);
    }
}
END_TEST

/* The text tb holds, as a string in line. */
static const char *text_of(const struct textbuf *tb)
{
    line[tb->len] = '\0';
    return line;
}

/* Past the budget nothing is read, so nothing may be shown. */
START_TEST(budget_bounds_what_is_read)
{
    static char *many[10002];
    long page = sysconf(_SC_PAGESIZE);
    char *huge = malloc((1 << 20) + 3), *edge;
    char *argv[] = { "mysql", huge, NULL };
    char *unterminated[] = { "tool", NULL, NULL };
    struct textbuf tb;

    ck_assert_ptr_nonnull(huge);
    /* 1 MiB argument whose secret starts inside the budget: masked up to
     * where reading stopped. */
    memcpy(huge, "-p", 2);
    memset(huge + 2, 'x', 1 << 20);
    huge[(1 << 20) + 2] = '\0';
    redact_scan(redact_test_compile("defaults"), argv, 64, &room, &masks);
    ck_assert_uint_eq(masks.limit_arg, 1);
    ck_assert_uint_eq(masks.limit_offset, 64 - 6);
    ck_assert_str_eq(redact_test_masks(), "1:2-58");
    textbuf_init(&tb, line, sizeof(line));
    quote_argv(&tb, argv, 1 << 21, &masks);
    ck_assert_uint_gt(tb.lost, 0);
    ck_assert_str_eq(text_of(&tb), "mysql '-p***'");
    free(huge);

    /* 10,000 arguments of 2 bytes each (with their NUL): the budget ends
     * before argument 2048. */
    for (size_t i = 0; i < 10001; i++)
        many[i] = "a";
    redact_scan(&rules, many, 4096, &room, &masks);
    ck_assert_uint_eq(masks.limit_arg, 2048);
    ck_assert_uint_eq(masks.limit_offset, 0);
    textbuf_init(&tb, line, sizeof(line));
    quote_argv(&tb, many, 4096, &masks);
    ck_assert_uint_eq(tb.len, 2048 * 2 - 1);
    ck_assert_uint_gt(tb.lost, 0);

    /* An argument whose NUL lies past the budget, just before memory
     * that cannot be read: reading past the budget would crash. */
    edge = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(edge != MAP_FAILED);
    ck_assert_int_eq(mprotect(edge + page, (size_t)page, PROT_NONE), 0);
    memset(edge, 'y', (size_t)page);
    memcpy(edge, "--password=", 11);
    unterminated[1] = edge;
    redact_scan(&rules, unterminated, (size_t)page, &room, &masks);
    ck_assert_uint_eq(masks.limit_arg, 1);
    ck_assert_uint_eq(masks.limit_offset, (size_t)page - 5);
    ck_assert_str_eq(redact_test_masks(), "1:11-4091");
    textbuf_init(&tb, line, sizeof(line));
    quote_argv(&tb, unterminated, 1 << 20, &masks);
    ck_assert_str_eq(text_of(&tb), "tool '--password=***'");
    munmap(edge, 2 * (size_t)page);
}
END_TEST

/* explain names the rule that hid each mask, as the spec writes it. */
START_TEST(describe_gives_the_spec_form)
{
    char buf[512];

    DEFAULT("redis-cli", "-a", "pw", "get", "x");
    ck_assert_uint_eq(masks.count, 1);
    redact_describe(&rules, masks.mask[0].rule, buf, sizeof(buf));
    ck_assert_msg(strncmp(buf, "value:-a@", 9) == 0 &&
                  strstr(buf, "redis-cli") != NULL, "%s", buf);
    DEFAULT("htpasswd", "-b", "file", "user", "pw");
    ck_assert_str_eq(redact_test_masks(), "4:0-2");
    redact_describe(&rules, masks.mask[0].rule, buf, sizeof(buf));
    ck_assert_msg(strstr(buf, "positional:0@") == buf &&
                  strstr(buf, "htpasswd -b") != NULL, "%s", buf);
    DEFAULT("env", "PGPASSWORD=x", "psql");
    redact_describe(&rules, masks.mask[0].rule, buf, sizeof(buf));
    ck_assert_str_eq(buf, "names");
    LOGGED("url;value:--tokn@gh", "gh", "--tokn", "t");
    redact_describe(&rules, masks.mask[0].rule, buf, sizeof(buf));
    ck_assert_str_eq(buf, "value:--tokn@gh");
    redact_describe(&rules, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "url");
}
END_TEST

/* %{env:NAME} shows a variable's value unless its name is secret. */
START_TEST(env_names_secret)
{
    redact_test_compile("defaults");
    ck_assert(redact_names_secret(&rules, "PGPASSWORD", 10));
    ck_assert(!redact_names_secret(&rules, "HOME", 4));
    redact_test_compile("none");
    ck_assert(!redact_names_secret(&rules, "PGPASSWORD", 10));
    ck_assert(!redact_names_secret(NULL, "PGPASSWORD", 10));
    /* name rules: a glob, in any case, with no vocabulary. */
    redact_test_compile("name:*_tok");
    ck_assert(redact_names_secret(&rules, "MY_TOK", 6));
    ck_assert(!redact_names_secret(&rules, "PGPASSWORD", 10));
}
END_TEST

Suite *redact_suite(void)
{
    Suite *s = suite_create("redact");
    TCase *tc = tcase_create("defaults");

    tcase_add_test(tc, mysql_attached_password);
    tcase_add_test(tc, mysql_bare_p_prompts);
    tcase_add_test(tc, password_option_of_any_program);
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
    tcase_add_test(tc, bash_reads_masked_words_back);
    tcase_add_test(tc, budget_bounds_what_is_read);
    tcase_add_test(tc, describe_gives_the_spec_form);
    tcase_add_test(tc, env_names_secret);
    suite_add_tcase(s, tc);
    return s;
}
