#include "config.h"

#include <confuse.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syslog.h>
#include <unistd.h>

#include "ini.h"

struct name_value {
    const char *name;
    int value;
};

static const struct name_value facilities[] = {
    { "auth", LOG_AUTH },     { "authpriv", LOG_AUTHPRIV },
    { "cron", LOG_CRON },     { "daemon", LOG_DAEMON },
    { "ftp", LOG_FTP },       { "lpr", LOG_LPR },
    { "mail", LOG_MAIL },     { "news", LOG_NEWS },
    { "syslog", LOG_SYSLOG }, { "user", LOG_USER },
    { "uucp", LOG_UUCP },     { "local0", LOG_LOCAL0 },
    { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
    { "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
    { "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
    { "local7", LOG_LOCAL7 }, { NULL, 0 },
};

static const struct name_value levels[] = {
    { "emerg", LOG_EMERG },   { "alert", LOG_ALERT },
    { "crit", LOG_CRIT },     { "err", LOG_ERR },
    { "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
    { "info", LOG_INFO },     { "debug", LOG_DEBUG },
    { NULL, 0 },
};

/* Accepts "authpriv", "AUTHPRIV" and snoopy's "LOG_AUTHPRIV". */
static int lookup_name(const struct name_value *table, const char *name)
{
    if (strncasecmp(name, "LOG_", 4) == 0)
        name += 4;
    for (; table->name != NULL; table++)
        if (strcasecmp(table->name, name) == 0)
            return table->value;
    return -1;
}

static void list_names(const struct name_value *table, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (; table->name != NULL && used < size; table++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 used ? ", " : "", table->name);
}

/* State of one parse, for the libconfuse callbacks, which get no context
 * pointer. */
static struct {
    const char *path;
    FILE *diag;
    struct cache_file *out;
    bool reported;
} parse;

/* libconfuse's own messages name the token, not the mistake; add what the
 * operator most likely has to do. */
static const char *hint_for(const char *message)
{
    if (strstr(message, "unexpected token") != NULL)
        return " (quote values that contain ',', ';' or spaces: "
               "key = \"a,b\")";
    if (strstr(message, "no such option '") != NULL &&
        strspn(message + strlen("no such option '"),
               "abcdefghijklmnopqrstuvwxyz_") == 0)
        return " (quote values that contain spaces or %{...}: "
               "key = \"...\")";
    if (strstr(message, "no such option") != NULL)
        return " (known keys: message_format, filter_chain, output, "
               "output_format, syslog_ident, syslog_facility, syslog_level, "
               "error_logging, max_arg_length, max_message_length, "
               "send_timeout_ms, redact)";
    return "";
}

__attribute__((format(printf, 2, 0)))
static void on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
    char message[512];

    parse.reported = true;
    vsnprintf(message, sizeof(message), fmt, ap);
    fprintf(parse.diag, "%s:%d: %s%s\n", parse.path, cfg->line, message,
            hint_for(message));
}

static void on_warning(const char *message, void *ctx)
{
    cfg_t *cfg = ctx;

    fprintf(parse.diag, "%s:%d: warning: %s\n", parse.path, cfg->line,
            message);
}

static const char *value_of(cfg_opt_t *opt)
{
    const char *v = cfg_opt_getnstr(opt, 0);

    return v != NULL ? v : "";
}

static int report(cfg_t *cfg, cfg_opt_t *opt, const struct diag *d)
{
    cfg_error(cfg, "%s: %s (column %zu of the value)", cfg_opt_name(opt),
              d->message, d->column + 1);
    return -1;
}

/* Zero-filled: a shorter value over the default must leave no tail of it,
 * the cache's bytes and checksum depend on the configuration alone. */
static void copy_text(char *dst, size_t size, const char *value)
{
    memset(dst, 0, size);
    memcpy(dst, value, strlen(value));
}

static int copy_source(char *dst, const char *value, cfg_t *cfg,
                       cfg_opt_t *opt)
{
    if (strlen(value) >= CONFIG_SOURCE_MAX) {
        cfg_error(cfg, "%s: longer than %d bytes", cfg_opt_name(opt),
                  CONFIG_SOURCE_MAX - 1);
        return -1;
    }
    copy_text(dst, CONFIG_SOURCE_MAX, value);
    return 0;
}

static int check_message_format(cfg_t *cfg, cfg_opt_t *opt)
{
    struct diag d;

    if (format_compile(&parse.out->config.format, value_of(opt), &d) < 0)
        return report(cfg, opt, &d);
    return copy_source(parse.out->sources.message_format, value_of(opt), cfg,
                       opt);
}

static int resolve_user(const char *name, uid_t *uid)
{
    struct passwd *pw = getpwnam(name);

    if (pw == NULL)
        return -ENOENT;
    *uid = pw->pw_uid;
    return 0;
}

static int check_filter_chain(cfg_t *cfg, cfg_opt_t *opt)
{
    struct diag d;

    if (filter_chain_compile(&parse.out->config.filters, value_of(opt),
                             resolve_user, &d, on_warning, cfg) < 0)
        return report(cfg, opt, &d);
    return copy_source(parse.out->sources.filter_chain, value_of(opt), cfg,
                       opt);
}

static int check_redact(cfg_t *cfg, cfg_opt_t *opt)
{
    struct diag d;

    if (redact_compile(&parse.out->config.redact, value_of(opt), &d) < 0)
        return report(cfg, opt, &d);
    return copy_source(parse.out->sources.redact, value_of(opt), cfg, opt);
}

static int check_output(cfg_t *cfg, cfg_opt_t *opt)
{
    const char *value = value_of(opt), *colon = strchr(value, ':');
    size_t name_len = colon != NULL ? (size_t)(colon - value) : strlen(value);
    char name[32];
    int r;

    snprintf(name, sizeof(name), "%.*s", (int)name_len, value);
    r = output_select(&parse.out->config.output, name,
                      colon != NULL ? colon + 1 : NULL);
    if (r == -ENOENT) {
        cfg_error(cfg, "output: unknown output '%s' (one of: %s)", name,
                  output_names());
        return -1;
    }
    if (r < 0) {
        cfg_error(cfg, "output: '%s' %s", value,
                  colon != NULL ? "takes no argument, or its path is not "
                                  "absolute or too long"
                                : "needs an absolute path: NAME:/PATH");
        return -1;
    }
    return copy_source(parse.out->sources.output, value, cfg, opt);
}

static int check_output_format(cfg_t *cfg, cfg_opt_t *opt)
{
    const char *v = value_of(opt);

    if (strcmp(v, "text") == 0) {
        parse.out->config.output_format = OUTPUT_FORMAT_TEXT;
    } else if (strcmp(v, "json") == 0) {
        parse.out->config.output_format = OUTPUT_FORMAT_JSON;
    } else {
        cfg_error(cfg, "output_format: unknown format '%s' (text or json)", v);
        return -1;
    }
    return 0;
}

static int check_ident(cfg_t *cfg, cfg_opt_t *opt)
{
    const char *v = value_of(opt);
    size_t len = strlen(v);

    if (len == 0 || len >= OUTPUT_IDENT_MAX) {
        cfg_error(cfg, "syslog_ident: 1 to %d characters",
                  OUTPUT_IDENT_MAX - 1);
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        if (!output_ident_char(v[i])) {
            cfg_error(cfg, "syslog_ident: '%c' is not allowed (letters, "
                      "digits, '_', '-', '.')", v[i]);
            return -1;
        }
    copy_text(parse.out->config.output.ident,
              sizeof(parse.out->config.output.ident), v);
    return 0;
}

static int check_named(cfg_t *cfg, cfg_opt_t *opt,
                       const struct name_value *table, int *value)
{
    char names[256];

    *value = lookup_name(table, value_of(opt));
    if (*value >= 0)
        return 0;
    list_names(table, names, sizeof(names));
    cfg_error(cfg, "%s: unknown value '%s' (one of: %s)", cfg_opt_name(opt),
              value_of(opt), names);
    return -1;
}

static int check_facility(cfg_t *cfg, cfg_opt_t *opt)
{
    int v;

    if (check_named(cfg, opt, facilities, &v) < 0)
        return -1;
    parse.out->config.output.facility = (uint8_t)(v >> 3);
    return 0;
}

static int check_level(cfg_t *cfg, cfg_opt_t *opt)
{
    int v;

    if (check_named(cfg, opt, levels, &v) < 0)
        return -1;
    parse.out->config.output.level = (uint8_t)v;
    return 0;
}

static int check_range(cfg_t *cfg, cfg_opt_t *opt, long min, long max,
                       uint32_t *dst)
{
    long v = cfg_opt_getnint(opt, 0);

    if (v < min || v > max) {
        cfg_error(cfg, "%s: %ld is out of range (%ld to %ld)",
                  cfg_opt_name(opt), v, min, max);
        return -1;
    }
    *dst = (uint32_t)v;
    return 0;
}

static int check_max_arg(cfg_t *cfg, cfg_opt_t *opt)
{
    return check_range(cfg, opt, MIN_ARG_LENGTH, MAX_ARG_LENGTH,
                       &parse.out->config.max_arg_length);
}

static int check_max_message(cfg_t *cfg, cfg_opt_t *opt)
{
    return check_range(cfg, opt, MIN_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH,
                       &parse.out->config.max_message_length);
}

static int check_timeout(cfg_t *cfg, cfg_opt_t *opt)
{
    return check_range(cfg, opt, 0, MAX_SEND_TIMEOUT_MS,
                       &parse.out->config.output.send_timeout_ms);
}

static int check_error_logging(cfg_t *cfg, cfg_opt_t *opt)
{
    parse.out->config.error_logging = cfg_opt_getnbool(opt, 0) ? 1 : 0;
    return 0;
}

struct key {
    const char *name;
    cfg_validate_callback_t check;
};

static const struct key keys[] = {
    { "message_format", check_message_format },
    { "filter_chain", check_filter_chain },
    { "output", check_output },
    { "output_format", check_output_format },
    { "syslog_ident", check_ident },
    { "syslog_facility", check_facility },
    { "syslog_level", check_level },
    { "error_logging", check_error_logging },
    { "max_arg_length", check_max_arg },
    { "max_message_length", check_max_message },
    { "send_timeout_ms", check_timeout },
    { "redact", check_redact },
};

#define KEY_COUNT (sizeof(keys) / sizeof(keys[0]))

/* Line of each key's first setting in the file, 0 while it has none. */
static int first_line[KEY_COUNT];

/* What libconfuse calls for each key in the file.  A key set twice is
 * refused: libconfuse would keep the last silently, and an operator who
 * appends an override usually has not seen the first. */
static int check_key(cfg_t *cfg, cfg_opt_t *opt)
{
    for (size_t i = 0; i < KEY_COUNT; i++) {
        if (strcmp(keys[i].name, cfg_opt_name(opt)) != 0)
            continue;
        if (first_line[i] != 0) {
            cfg_error(cfg, "%s: set twice (first on line %d): keep one",
                      keys[i].name, first_line[i]);
            return -1;
        }
        first_line[i] = cfg->line;
        return keys[i].check(cfg, opt);
    }
    return -1;
}

/* libconfuse validates only the keys present in the file; the defaults are
 * compiled through the same callbacks, from this table of default values. */
static cfg_t *new_parser(void)
{
    static cfg_opt_t opts[] = {
        CFG_STR("message_format", DEFAULT_MESSAGE_FORMAT, CFGF_NONE),
        CFG_STR("filter_chain", "", CFGF_NONE),
        CFG_STR("output", "devlog", CFGF_NONE),
        CFG_STR("output_format", "text", CFGF_NONE),
        CFG_STR("syslog_ident", "execlog", CFGF_NONE),
        CFG_STR("syslog_facility", "authpriv", CFGF_NONE),
        CFG_STR("syslog_level", "info", CFGF_NONE),
        CFG_BOOL("error_logging", cfg_true, CFGF_NONE),
        CFG_INT("max_arg_length", DEFAULT_MAX_ARG_LENGTH, CFGF_NONE),
        CFG_INT("max_message_length", DEFAULT_MAX_MESSAGE_LENGTH, CFGF_NONE),
        CFG_INT("send_timeout_ms", DEFAULT_SEND_TIMEOUT_MS, CFGF_NONE),
        CFG_STR("redact", "defaults", CFGF_NONE),
        CFG_END(),
    };
    cfg_t *cfg = cfg_init(opts, CFGF_NONE);

    if (cfg == NULL)
        return NULL;
    cfg_set_error_function(cfg, on_error);
    for (size_t i = 0; i < KEY_COUNT; i++)
        cfg_set_validate_func(cfg, keys[i].name, check_key);
    return cfg;
}

/* libconfuse checks only the keys the file sets, so every key is first
 * compiled from its default (which cannot fail unless there is a bug). */
static int compile_defaults(cfg_t *cfg)
{
    for (size_t i = 0; i < KEY_COUNT; i++)
        if (keys[i].check(cfg, cfg_getopt(cfg, keys[i].name)) < 0)
            return -EINVAL;
    return 0;
}

static int parse_stream(FILE *fp, const char *path, struct cache_file *out,
                        FILE *diag)
{
    cfg_t *cfg;
    int r;

    memset(out, 0, sizeof(*out));
    output_config_defaults(&out->config.output);
    memset(&parse, 0, sizeof(parse));
    memset(first_line, 0, sizeof(first_line));
    parse.path = path;
    parse.diag = diag;
    parse.out = out;
    cfg = new_parser();
    if (cfg == NULL)
        return -ENOMEM;
    /* Every key is compiled from its default first; the file then
     * overrides, each value checked as libconfuse reads it. */
    r = compile_defaults(cfg);
    if (r == 0 && cfg_parse_fp(cfg, fp) != CFG_SUCCESS) {
        r = -EINVAL;
        /* libconfuse fails on some input (a value followed by '') without
         * a word: never refuse a file silently. */
        if (!parse.reported)
            fprintf(diag, "%s:%d: syntax error (quote values that contain "
                    "quotes, spaces, ',' or '=': key = \"...\")\n", path,
                    cfg->line);
    }
    cfg_free(cfg);
    return r;
}

static int open_checked(const char *path, FILE *diag)
{
    struct stat st;
    /* O_NONBLOCK: a FIFO in place of the file must not hang the command;
     * it is refused below as not a regular file. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
                            O_NONBLOCK);

    if (fd < 0) {
        fprintf(diag, "%s: %s%s\n", path, strerror(errno),
                errno == ELOOP ? " (a symbolic link is not followed)" : "");
        return -errno;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
        (st.st_mode & (S_IWGRP | S_IWOTH))) {
        fprintf(diag, "%s: must be a regular file owned by root and not "
                "writable by group or others\n", path);
        close(fd);
        return -EPERM;
    }
    return fd;
}

/* Where the text given to libconfuse stands, and where it went wrong. */
struct scan {
    const char *text;
    size_t len, at;
    char *out;
    size_t n;
    int line;
    const char *why;
};

static char peek(const struct scan *sc, size_t ahead)
{
    return sc->at + ahead < sc->len ? sc->text[sc->at + ahead] : '\0';
}

/* Copies, or blanks, one byte; newlines are always kept so that libconfuse
 * counts the same lines as the file has. */
static void emit(struct scan *sc, bool blank)
{
    char in = sc->text[sc->at++];

    if (in == '\n')
        sc->line++;
    sc->out[sc->n++] = blank && in != '\n' ? ' ' : in;
}

static int fail(struct scan *sc, int line, const char *why)
{
    sc->line = line;
    sc->why = why;
    return -EINVAL;
}

/* A quoted string, up to its closing quote.  A backslash pair is copied
 * whole in either kind ('\'' and '\\' are escapes in '...' too); "${" in
 * double quotes is escaped, or libconfuse would expand it from the
 * environment of whoever runs execlog reload. */
static int scan_quoted(struct scan *sc)
{
    char quote = sc->text[sc->at];
    int opened = sc->line;

    emit(sc, false);
    while (sc->at < sc->len && sc->text[sc->at] != quote) {
        if (sc->text[sc->at] == '\\' && sc->at + 1 < sc->len) {
            emit(sc, false);
        } else if (quote == '"' && sc->text[sc->at] == '$' &&
                   peek(sc, 1) == '{') {
            sc->out[sc->n++] = '\\';
        }
        emit(sc, false);
    }
    if (sc->at == sc->len)
        return fail(sc, opened, quote == '"'
                    ? "unterminated \"...\" string: everything after it "
                      "would be ignored"
                    : "unterminated '...' string");
    emit(sc, false);
    return 0;
}

static int scan_block_comment(struct scan *sc)
{
    int opened = sc->line;

    emit(sc, true);
    emit(sc, true);
    while (sc->at < sc->len &&
           !(sc->text[sc->at] == '*' && peek(sc, 1) == '/'))
        emit(sc, true);
    if (sc->at == sc->len)
        return fail(sc, opened, "unterminated /* comment: everything after "
                    "it would be ignored");
    emit(sc, true);
    emit(sc, true);
    return 0;
}

/* A byte of an unquoted word, as libconfuse 3.3 reads one: '/' is, so
 * "//" inside a word is no comment; at a token's start it always is. */
static bool word_byte(char c)
{
    return strchr(" #\"'\t\n\r={}()+,*", c) == NULL;
}

/* What libconfuse (3.3) is given instead of the file as written, and what
 * is refused because libconfuse would get it wrong without a word:
 * - comments ('#', '//', slash-star) blanked, newlines kept: libconfuse
 *   counts extra lines in them, and its line numbers would drift;
 * - an unterminated string or block comment: libconfuse ignores the rest
 *   of the file and reports success;
 * - a NUL byte: libconfuse drops the rest of its line;
 * - a '*' outside quotes and comments: libconfuse drops it;
 * - ${NAME} outside quotes: expanded from the environment.
 * out has room for 2 * len bytes.  0, or -EINVAL with sc->why. */
static int prepare_text(struct scan *sc)
{
    const char *nul = memchr(sc->text, '\0', sc->len);
    bool in_word = false;

    if (nul != NULL) {
        for (const char *p = sc->text; p < nul; p++)
            sc->line += *p == '\n';
        return fail(sc, sc->line, "a NUL byte: not a text file");
    }
    while (sc->at < sc->len) {
        char c = sc->text[sc->at], next = peek(sc, 1);
        int r = 0;

        if (c == '"' || c == '\'') {
            r = scan_quoted(sc);
        } else if (c == '#' || (c == '/' && next == '/' && !in_word)) {
            while (sc->at < sc->len && sc->text[sc->at] != '\n')
                emit(sc, true);
        } else if (c == '/' && next == '*' && !in_word) {
            r = scan_block_comment(sc);
        } else if (c == '*') {
            return fail(sc, sc->line, "a '*' outside quotes would be "
                        "dropped: quote the value");
        } else if (c == '$' && next == '{') {
            return fail(sc, sc->line, "${...} outside quotes would be "
                        "expanded from the environment: write it in double "
                        "quotes, where it is kept as written");
        } else {
            emit(sc, false);
            in_word = word_byte(c);
            continue;
        }
        in_word = false;
        if (r < 0)
            return r;
    }
    return 0;
}

#define INI_MAX_SIZE (1 << 20)

int ini_load(const char *path, struct cache_file *out, FILE *diag)
{
    int fd = open_checked(path, diag), r;
    static char text[INI_MAX_SIZE], prepared[2 * INI_MAX_SIZE];
    struct scan sc;
    size_t len = 0;
    ssize_t n;
    FILE *fp;

    if (fd < 0)
        return fd;
    while ((n = read(fd, text + len, sizeof(text) - len)) > 0)
        len += (size_t)n;
    r = n < 0 ? -errno : 0;
    close(fd);
    if (r == 0 && len == sizeof(text)) {
        fprintf(diag, "%s: larger than %d bytes\n", path, INI_MAX_SIZE);
        r = -EFBIG;
    }
    if (r < 0)
        return r;
    sc = (struct scan){ .text = text, .len = len, .out = prepared, .line = 1 };
    if (prepare_text(&sc) < 0) {
        fprintf(diag, "%s:%d: %s\n", path, sc.line, sc.why);
        return -EINVAL;
    }
    fp = fmemopen(prepared, sc.n, "r");
    if (fp == NULL)
        return -errno;
    r = parse_stream(fp, path, out, diag);
    fclose(fp);
    return r;
}

int ini_defaults(struct cache_file *out)
{
    static char empty[1];
    FILE *fp = fmemopen(empty, 0, "r"), *diag = stderr;
    int r;

    if (fp == NULL)
        return -errno;
    r = parse_stream(fp, "(built-in defaults)", out, diag);
    fclose(fp);
    return r;
}

static const char *name_of(const struct name_value *table, int value)
{
    for (; table->name != NULL; table++)
        if (table->value == value)
            return table->name;
    return "?";
}

/* A double-quoted libconfuse string: '"' and '\\' are escaped. */
static void print_quoted(FILE *to, const char *key, const char *value)
{
    fprintf(to, "%s = \"", key);
    for (; *value != '\0'; value++) {
        if (*value == '"' || *value == '\\' || *value == '$')
            fputc('\\', to);
        fputc(*value, to);
    }
    fputs("\"\n", to);
}

void ini_print(const struct cache_file *file, FILE *to)
{
    const struct config *c = &file->config;
    const struct config_sources *s = &file->sources;

    print_quoted(to, "message_format", s->message_format);
    print_quoted(to, "filter_chain", s->filter_chain);
    print_quoted(to, "output", s->output);
    fprintf(to, "output_format = %s\n",
            c->output_format == OUTPUT_FORMAT_JSON ? "json" : "text");
    fprintf(to, "syslog_ident = %s\n", c->output.ident);
    fprintf(to, "syslog_facility = %s\n",
            name_of(facilities, c->output.facility << 3));
    fprintf(to, "syslog_level = %s\n", name_of(levels, c->output.level));
    fprintf(to, "error_logging = %s\n", c->error_logging ? "yes" : "no");
    fprintf(to, "max_arg_length = %u\n", c->max_arg_length);
    fprintf(to, "max_message_length = %u\n", c->max_message_length);
    fprintf(to, "send_timeout_ms = %u\n", c->output.send_timeout_ms);
    print_quoted(to, "redact", s->redact);
}
