/* The ini keys (src/keys.c) against what is built from them and what
 * documents them: an ini that sets nothing compiles to exactly the
 * built-in configuration the library uses without a cache (src/builtin.c,
 * made by gen-builtin); the shipped etc/execlog.ini lists every key with
 * its default and execlog.ini(5) names every key and its default, so that
 * neither drifts from the table; execlog show's text loads back. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"
#include "ini.h"
#include "keys.h"

static struct cache_file out;

/* The part of struct config at offset, to say where two differ. */
static const char *member_at(size_t offset)
{
    static const struct {
        const char *name;
        size_t offset;
    } members[] = {
        { "format", offsetof(struct config, format) },
        { "filters", offsetof(struct config, filters) },
        { "redact", offsetof(struct config, redact) },
        { "output", offsetof(struct config, output) },
        { "users", offsetof(struct config, users) },
        { "max_arg_length", offsetof(struct config, max_arg_length) },
        { "max_message_length", offsetof(struct config, max_message_length) },
        { "output_format", offsetof(struct config, output_format) },
        { "error_logging", offsetof(struct config, error_logging) },
    };
    const char *name = "?";

    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
        if (members[i].offset <= offset)
            name = members[i].name;
    return name;
}

/* Byte for byte, padding included: the cache's checksum covers it all.
 * The whole struct, users included: ini_load leaves the user-name table
 * empty, as the built-in one is; `execlog reload` fills it only after. */
static void assert_builtin(const struct config *cfg, const char *what)
{
    const unsigned char *a = (const void *)cfg,
                        *b = (const void *)builtin_config();

    for (size_t i = 0; i < sizeof(*cfg); i++)
        ck_assert_msg(a[i] == b[i], "%s: byte %zu (in %s) is 0x%02x, the "
                      "built-in configuration's 0x%02x", what, i,
                      member_at(i), a[i], b[i]);
}

static void parse(const char *text, size_t len, const char *what)
{
    memset(&out, 0xa5, sizeof(out));   /* nothing may be left unwritten */
    ck_assert_msg(ini_parse(text, len, what, &out, stderr) == 0,
                  "%s does not load", what);
}

START_TEST(empty_ini_is_the_builtin)
{
    parse("", 0, "an empty ini");
    assert_builtin(&out.config, "an empty ini");
}
END_TEST

START_TEST(comments_only_ini_is_the_builtin)
{
    static const char text[] = "# nothing set\n\n   \t\n// a comment\n"
                               "/* and\n another */\n#syslog_level = debug\n";

    parse(text, strlen(text), "an ini of comments");
    assert_builtin(&out.config, "an ini of comments");
}
END_TEST

/* Through the file, as `execlog reload` reads it (only a root-owned file
 * is read at all). */
START_TEST(empty_file_is_the_builtin)
{
    char path[] = "/tmp/execlog-check-ini.XXXXXX";
    int fd;

    if (geteuid() != 0)
        return;
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fchmod(fd, 0644), 0);
    close(fd);
    memset(&out, 0xa5, sizeof(out));
    ck_assert_int_eq(ini_load(path, &out, stderr), 0);
    unlink(path);
    assert_builtin(&out.config, path);
}
END_TEST

/* What execlog show prints with no cache loads back into the same
 * configuration and sources. */
START_TEST(shown_defaults_load_back)
{
    static struct cache_file defaults;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(ini_defaults(&defaults, stderr), 0);
    assert_builtin(&defaults.config, "ini_defaults");
    ini_print(&defaults, f);
    fclose(f);
    parse(text, len, "execlog show's text");
    assert_builtin(&out.config, "execlog show's text");
    ck_assert_mem_eq(&out.sources, &defaults.sources, sizeof(out.sources));
    free(text);
}
END_TEST

static char *read_source(const char *relative)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    struct stat st;
    char *text;
    int fd;

    snprintf(path, sizeof(path), "%s/%s", top != NULL ? top : ".", relative);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    ck_assert_msg(fd >= 0, "%s: cannot open (set top_srcdir)", path);
    ck_assert_int_eq(fstat(fd, &st), 0);
    text = calloc(1, (size_t)st.st_size + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(read(fd, text, (size_t)st.st_size), st.st_size);
    close(fd);
    return text;
}

/* Lines of the form "#NAME = value": a key shown with its default. */
static size_t shown_key(const char *line)
{
    size_t len;

    if (line[0] != '#')
        return 0;
    len = strspn(line + 1, "abcdefghijklmnopqrstuvwxyz_");
    return len > 0 && strncmp(line + 1 + len, " = ", 3) == 0 ? len : 0;
}

/* The shipped ini shows every key, commented out, with its default: as
 * it is, and with those lines uncommented, it is the built-in
 * configuration.  A key missing, unknown or with another default fails. */
START_TEST(shipped_ini_shows_every_default)
{
    char *text = read_source("etc/execlog.ini"), *line = text;
    int seen[KEY_COUNT] = { 0 };

    parse(text, strlen(text), "etc/execlog.ini");
    assert_builtin(&out.config, "etc/execlog.ini as shipped");
    while (line != NULL) {
        size_t len = shown_key(line);

        for (size_t i = 0; len > 0 && i < KEY_COUNT; i++)
            if (strlen(keys[i].name) == len &&
                strncmp(keys[i].name, line + 1, len) == 0)
                seen[i]++;
        if (len > 0)
            line[0] = ' ';
        line = strchr(line, '\n');
        line += line != NULL;
    }
    for (size_t i = 0; i < KEY_COUNT; i++)
        ck_assert_msg(seen[i] == 1, "etc/execlog.ini shows %s %d times, not "
                      "once as \"#%s = DEFAULT\"", keys[i].name, seen[i],
                      keys[i].name);
    parse(text, strlen(text), "etc/execlog.ini uncommented");
    assert_builtin(&out.config, "etc/execlog.ini uncommented");
    free(text);
}
END_TEST

static bool word_char(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

/* word, not inside a longer one, in section; with request, on a request
 * line (.B, .BR, ...), where the man page names a key. */
static bool has_word(const char *section, const char *word, bool request)
{
    size_t len = strlen(word);

    for (const char *p = section; (p = strstr(p, word)) != NULL; p += len) {
        const char *bol = p;

        while (bol > section && bol[-1] != '\n')
            bol--;
        if ((!request || bol[0] == '.') && !word_char(p[-1]) &&
            !word_char(p[len]))
            return true;
    }
    return false;
}

/* Every key is named in the KEYS section, with its default (where it
 * has one to write): a default changed in the table alone fails. */
START_TEST(man_page_names_every_key_and_default)
{
    char *text = read_source("doc/execlog.ini.5");
    char *section = strstr(text, "\n.SH KEYS\n"), *end;

    ck_assert_msg(section != NULL, "execlog.ini(5) has no KEYS section");
    end = strstr(section + 1, "\n.SH ");
    if (end != NULL)
        *end = '\0';
    for (size_t i = 0; i < KEY_COUNT; i++) {
        const struct key *k = &keys[i];

        ck_assert_msg(has_word(section, k->name, true), "execlog.ini(5): "
                      "no .B %s in KEYS", k->name);
        ck_assert_msg(k->default_text[0] == '\0' ||
                      has_word(section, k->default_text, false),
                      "execlog.ini(5): %s's default '%s' is not in KEYS",
                      k->name, k->default_text);
    }
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ini");
    TCase *tc = tcase_create("keys");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, empty_ini_is_the_builtin);
    tcase_add_test(tc, comments_only_ini_is_the_builtin);
    tcase_add_test(tc, empty_file_is_the_builtin);
    tcase_add_test(tc, shown_defaults_load_back);
    tcase_add_test(tc, shipped_ini_shows_every_default);
    tcase_add_test(tc, man_page_names_every_key_and_default);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
