/* Fuzz target: the ini loader behind `execlog check` and `reload`.
 *
 * ini_load reads a path and accepts only a regular file owned by root and
 * not writable by group or others: the input is written to such a file (run
 * as root; as anyone else every input is refused, which is still a case).
 * Checks that
 *   - a refused ini says why, as "PATH:..." (never silently), and a line
 *     number it gives is a line of the file;
 *   - an accepted ini holds no NUL byte (libconfuse would stop reading
 *     there) and swallows nothing: with a line "unknown_key = 1" added
 *     at its end it is refused;
 *   - an accepted ini gives a configuration that config_validate accepts;
 *   - what `execlog show` prints for it (ini_print) loads again into the
 *     very same configuration and sources;
 *   - where libconfuse, given the text as it is, accepts it too, each
 *     value ini_load kept is the one libconfuse reads: what ini_load does
 *     to the text first (blanking comments, refusing what libconfuse would
 *     drop) must never change a value. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <confuse.h>

#include "cache.h"
#include "fuzz-util.h"
#include "ini.h"

static char dir[] = "/tmp/execlog-fuzz-ini.XXXXXX";
static char path[sizeof(dir) + 16], path2[sizeof(dir) + 16];

/* On a failed property only the files go: under the replay program the
 * directory is the parent's, still in use for the next input. */
static void remove_files(void)
{
    unlink(path);
    unlink(path2);
}

static void remove_all(void)
{
    remove_files();
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (mkdtemp(dir) == NULL) {
        perror("fuzz-ini: mkdtemp");
        abort();
    }
    snprintf(path, sizeof(path), "%s/a.ini", dir);
    snprintf(path2, sizeof(path2), "%s/b.ini", dir);
    atexit(remove_all);
    fuzz_on_fail = remove_files;
    if (geteuid() != 0)
        fprintf(stderr, "fuzz-ini: not root, so ini_load refuses every "
                "file: run as root to fuzz the parser\n");
    return 0;
}

static void write_file(const char *to, const void *data, size_t size)
{
    int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0 || fchmod(fd, 0644) < 0 ||
        (size > 0 && write(fd, data, size) != (ssize_t)size) || close(fd) < 0) {
        perror("fuzz-ini: writing the ini");
        abort();
    }
}

/* ini_load with its diagnostics in memory. */
static int load(const char *from, struct cache_file *out, char **diag,
                size_t *diag_len)
{
    FILE *f = open_memstream(diag, diag_len);
    int r;

    if (f == NULL)
        abort();
    r = ini_load(from, out, f);
    fclose(f);
    return r;
}

/* The line number of a "PATH:N: ..." message, or 0. */
static unsigned long line_of(const char *diag)
{
    const char *p = diag + strlen(path) + 1;
    char *end;
    unsigned long n = strtoul(p, &end, 10);

    return end != p && *end == ':' ? n : 0;
}

__attribute__((format(printf, 2, 0)))
static void quiet(cfg_t *cfg, const char *fmt, va_list ap)
{
}

/* The text read by libconfuse as it is, every key a plain string.  Texts
 * with "${" are left out: libconfuse expands it, and ini_load on purpose
 * does not. */
static void check_as_libconfuse_reads_it(const uint8_t *data, size_t size,
                                         const struct cache_file *out)
{
    cfg_opt_t opts[] = {
        CFG_STR("message_format", NULL, CFGF_NONE),
        CFG_STR("filter_chain", NULL, CFGF_NONE),
        CFG_STR("output", NULL, CFGF_NONE),
        CFG_STR("redact", NULL, CFGF_NONE),
        CFG_STR("syslog_ident", NULL, CFGF_NONE),
        CFG_STR("output_format", NULL, CFGF_NONE),
        CFG_STR("syslog_facility", NULL, CFGF_NONE),
        CFG_STR("syslog_level", NULL, CFGF_NONE),
        CFG_STR("error_logging", NULL, CFGF_NONE),
        CFG_STR("max_arg_length", NULL, CFGF_NONE),
        CFG_STR("max_message_length", NULL, CFGF_NONE),
        CFG_STR("send_timeout_ms", NULL, CFGF_NONE),
        CFG_END(),
    };
    const struct {
        const char *key;
        const char *kept;
    } values[] = {
        { "message_format", out->sources.message_format },
        { "filter_chain", out->sources.filter_chain },
        { "output", out->sources.output },
        { "redact", out->sources.redact },
        { "syslog_ident", out->config.output.ident },
    };
    cfg_t *cfg;
    FILE *f;
    int r;

    if (memmem(data, size, "${", 2) != NULL)
        return;
    cfg = cfg_init(opts, CFGF_NONE);
    f = fmemopen((void *)data, size, "r");
    if (cfg == NULL || f == NULL)
        abort();
    cfg_set_error_function(cfg, quiet);
    r = cfg_parse_fp(cfg, f);
    fclose(f);
    for (size_t i = 0; r == CFG_SUCCESS && i < sizeof(values) / sizeof(values[0]);
         i++) {
        const char *read = cfg_getstr(cfg, values[i].key);

        FUZZ_ASSERT(read == NULL || strcmp(read, values[i].kept) == 0,
                    "%s: libconfuse reads '%s' in the text, ini_load kept "
                    "'%s'", values[i].key, read, values[i].kept);
    }
    cfg_free(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char unknown[] = "\nunknown_key = 1\n";
    static struct cache_file out, again;
    char *diag = NULL, *printed = NULL, *diag2 = NULL, *longer;
    size_t diag_len = 0, printed_len = 0, diag2_len = 0, lines = 1;
    FILE *f;
    int r, r2;

    if (size > 1 << 16)
        return 0;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    write_file(path, data, size);
    r = load(path, &out, &diag, &diag_len);
    if (r < 0) {
        FUZZ_ASSERT(diag_len > strlen(path) &&
                    strncmp(diag, path, strlen(path)) == 0 &&
                    diag[strlen(path)] == ':',
                    "refused (%d) with '%s', not 'PATH:...'", r, diag);
        FUZZ_ASSERT(line_of(diag) <= lines, "an error on line %lu of a file "
                    "of %zu lines: %s", line_of(diag), lines, diag);
        goto out;
    }
    FUZZ_ASSERT(r == 0, "ini_load returned %d", r);
    FUZZ_ASSERT(memchr(data, '\0', size) == NULL, "an ini holding a NUL byte "
                "(at %zu) is accepted",
                (size_t)((const uint8_t *)memchr(data, '\0', size) - data));
    longer = malloc(size + sizeof(unknown));
    if (longer == NULL)
        abort();
    memcpy(longer, data, size);
    memcpy(longer + size, unknown, sizeof(unknown) - 1);
    write_file(path2, longer, size + sizeof(unknown) - 1);
    free(longer);
    r2 = load(path2, &again, &diag2, &diag2_len);
    FUZZ_ASSERT(r2 < 0, "the ini is accepted even with an unknown key added "
                "at its end: the end of the file is swallowed");
    free(diag2);
    diag2 = NULL;
    diag2_len = 0;
    FUZZ_ASSERT(config_validate(&out.config) == 0, "an ini that loads gives "
                "a configuration that config_validate refuses");
    check_as_libconfuse_reads_it(data, size, &out);
    f = open_memstream(&printed, &printed_len);
    if (f == NULL)
        abort();
    ini_print(&out, f);
    fclose(f);
    write_file(path2, printed, printed_len);
    r2 = load(path2, &again, &diag2, &diag2_len);
    FUZZ_ASSERT(r2 == 0, "what execlog show prints does not load (%d): %s\n"
                "printed:\n%s", r2, diag2, printed);
    FUZZ_ASSERT(memcmp(&out.config, &again.config, sizeof(out.config)) == 0,
                "what execlog show prints loads into another configuration;"
                " printed:\n%s", printed);
    FUZZ_ASSERT(memcmp(&out.sources, &again.sources, sizeof(out.sources)) == 0,
                "what execlog show prints loads with other sources; "
                "printed:\n%s", printed);
out:
    free(diag);
    free(diag2);
    free(printed);
    return 0;
}
