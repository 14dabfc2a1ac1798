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
#include <unistd.h>

#include "ini.h"
#include "keys.h"

/* State of one parse, for the libconfuse callbacks, which get no context
 * pointer. */
static struct {
    const char *path;
    FILE *diag;
    struct key_target target;
    bool reported;
    int first_line[KEY_COUNT];   /* of each key's setting; 0 while none */
} parse;

/* "a, b, c": the names of the keys, for a hint. */
static const char *key_names(void)
{
    static char names[KEY_COUNT * 24];
    size_t used = 0;

    for (size_t i = 0; i < KEY_COUNT && used < sizeof(names); i++)
        used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
                                 i > 0 ? ", " : "", keys[i].name);
    return names;
}

/* libconfuse's own messages name the token, not the mistake; add what the
 * operator most likely has to do. */
static void print_hint(const char *message)
{
    if (strstr(message, "unexpected token") != NULL)
        fputs(" (quote values that contain ',', ';' or spaces: "
              "key = \"a,b\")", parse.diag);
    else if (strstr(message, "no such option '") != NULL &&
             strspn(message + strlen("no such option '"),
                    "abcdefghijklmnopqrstuvwxyz_") == 0)
        fputs(" (quote values that contain spaces or %{...}: "
              "key = \"...\")", parse.diag);
    else if (strstr(message, "no such option") != NULL)
        fprintf(parse.diag, " (known keys: %s)", key_names());
}

__attribute__((format(printf, 2, 0)))
static void on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
    char message[512];

    parse.reported = true;
    vsnprintf(message, sizeof(message), fmt, ap);
    fprintf(parse.diag, "%s:%d: %s", parse.path, cfg->line, message);
    print_hint(message);
    fputc('\n', parse.diag);
}

static void on_warning(const char *message, void *ctx)
{
    cfg_t *cfg = ctx;

    fprintf(parse.diag, "%s:%d: warning: %s\n", parse.path, cfg->line,
            message);
}

/* User names in filter_chain are resolved here, at reload: the library
 * never calls NSS. */
static int resolve_user(const char *name, uid_t *uid)
{
    struct passwd *pw = getpwnam(name);

    if (pw == NULL)
        return -ENOENT;
    *uid = pw->pw_uid;
    return 0;
}

/* The value libconfuse read, as the text the key's compiler takes: a
 * number as libconfuse parsed it (it also reads 0x10), a boolean in one
 * spelling. */
static const char *text_of(const struct key *k, cfg_opt_t *opt, char *buf,
                           size_t size)
{
    const char *v;

    switch (k->type) {
    case KEY_INT:
        snprintf(buf, size, "%ld", cfg_opt_getnint(opt, 0));
        return buf;
    case KEY_BOOL:
        return cfg_opt_getnbool(opt, 0) ? "yes" : "no";
    case KEY_TEXT:
    case KEY_WORD:
    case KEY_NAME:
        break;
    }
    v = cfg_opt_getnstr(opt, 0);
    return v != NULL ? v : "";
}

/* What libconfuse calls for each key in the file.  A key set twice is
 * refused: libconfuse would keep the last silently, and an operator who
 * appends an override usually has not seen the first. */
static int check_key(cfg_t *cfg, cfg_opt_t *opt)
{
    const struct key *k = key_find(cfg_opt_name(opt));
    int *first_line;
    char number[32];
    struct diag d;

    if (k == NULL)
        return -1;
    first_line = &parse.first_line[k - keys];
    if (*first_line != 0) {
        cfg_error(cfg, "%s: set twice (first on line %d): keep one", k->name,
                  *first_line);
        return -1;
    }
    *first_line = cfg->line;
    parse.target.warn_ctx = cfg;
    if (key_compile(k, &parse.target,
                    text_of(k, opt, number, sizeof(number)), &d) == 0)
        return 0;
    if (d.column == KEY_NO_COLUMN)
        cfg_error(cfg, "%s: %s", k->name, d.message);
    else
        cfg_error(cfg, "%s: %s (column %zu of the value)", k->name,
                  d.message, d.column + 1);
    return -1;
}

/* No default for libconfuse: it validates only the values in the file,
 * and the defaults are compiled from the table (keys_compile_defaults). */
static cfg_opt_t option_of(const struct key *k)
{
    switch (k->type) {
    case KEY_INT:
        return (cfg_opt_t)CFG_INT(k->name, 0, CFGF_NONE);
    case KEY_BOOL:
        return (cfg_opt_t)CFG_BOOL(k->name, cfg_false, CFGF_NONE);
    case KEY_TEXT:
    case KEY_WORD:
    case KEY_NAME:
        break;
    }
    return (cfg_opt_t)CFG_STR(k->name, NULL, CFGF_NONE);
}

static cfg_t *new_parser(void)
{
    static cfg_opt_t opts[KEY_COUNT + 1];
    cfg_t *cfg;

    for (size_t i = 0; i < KEY_COUNT; i++)
        opts[i] = option_of(&keys[i]);
    opts[KEY_COUNT] = (cfg_opt_t)CFG_END();
    cfg = cfg_init(opts, CFGF_NONE);
    if (cfg == NULL)
        return NULL;
    cfg_set_error_function(cfg, on_error);
    for (size_t i = 0; i < KEY_COUNT; i++)
        cfg_set_validate_func(cfg, keys[i].name, check_key);
    return cfg;
}

/* A default that does not compile is a bug, but say which. */
static int compile_defaults(struct cache_file *out, const char *path,
                            FILE *diag)
{
    const struct key *failed;
    struct diag d;
    int r;

    memset(&out->header, 0, sizeof(out->header));
    r = keys_compile_defaults(&out->config, &out->sources, &failed, &d);
    if (r < 0)
        fprintf(diag, "%s: the default of %s does not compile: %s\n", path,
                failed->name, d.message);
    return r;
}

static int parse_stream(FILE *fp, const char *path, struct cache_file *out,
                        FILE *diag)
{
    cfg_t *cfg;
    int r;

    memset(&parse, 0, sizeof(parse));
    parse.path = path;
    parse.diag = diag;
    parse.target = (struct key_target){ .config = &out->config,
                                        .sources = &out->sources,
                                        .resolve_user = resolve_user,
                                        .warn = on_warning };
    /* Every key is compiled from its default first; the file then
     * overrides, each value checked as libconfuse reads it. */
    r = compile_defaults(out, path, diag);
    if (r < 0)
        return r;
    cfg = new_parser();
    if (cfg == NULL)
        return -ENOMEM;
    if (cfg_parse_fp(cfg, fp) != CFG_SUCCESS) {
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

int ini_parse(const char *text, size_t len, const char *path,
              struct cache_file *out, FILE *diag)
{
    static char prepared[2 * INI_MAX_SIZE];
    struct scan sc = { .text = text, .len = len, .out = prepared, .line = 1 };
    FILE *fp;
    int r;

    if (len >= INI_MAX_SIZE) {
        fprintf(diag, "%s: larger than %d bytes\n", path, INI_MAX_SIZE);
        return -EFBIG;
    }
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

int ini_load(const char *path, struct cache_file *out, FILE *diag)
{
    /* ini_parse refuses a file that fills this: it may be larger. */
    static char text[INI_MAX_SIZE];
    int fd = open_checked(path, diag), r;
    size_t len = 0;
    ssize_t n;

    if (fd < 0)
        return fd;
    while ((n = read(fd, text + len, sizeof(text) - len)) > 0)
        len += (size_t)n;
    r = n < 0 ? -errno : 0;
    close(fd);
    if (r < 0)
        return r;
    return ini_parse(text, len, path, out, diag);
}

int ini_defaults(struct cache_file *out, FILE *diag)
{
    return compile_defaults(out, "(built-in defaults)", diag);
}

/* A double-quoted libconfuse string: '"', '\\' and '$' are escaped. */
static void print_quoted(FILE *to, const char *value)
{
    fputc('"', to);
    for (; *value != '\0'; value++) {
        if (*value == '"' || *value == '\\' || *value == '$')
            fputc('\\', to);
        fputc(*value, to);
    }
    fputc('"', to);
}

void ini_print(const struct cache_file *file, FILE *to)
{
    char value[KEY_VALUE_MAX];

    for (size_t i = 0; i < KEY_COUNT; i++) {
        const struct key *k = &keys[i];

        key_print(k, &file->config, &file->sources, value);
        fprintf(to, "\n# %s", k->doc);
        if (k->type == KEY_INT)
            fprintf(to, " (%ld to %ld)", k->min, k->max);
        fprintf(to, "\n%s = ", k->name);
        if (k->type == KEY_TEXT)
            print_quoted(to, value);
        else
            fputs(value, to);
        fputc('\n', to);
    }
}
