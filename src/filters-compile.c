/* Compiling filter_chain, at reload: names to table indices, arguments to
 * uids and names, every error with its column. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "filters.h"

struct compiler {
    struct filter_chain *fc;
    const char *spec;
    size_t text_used;
    user_resolver *resolve;
    struct diag *d;
    void (*warn)(const char *message, void *ctx);
    void *ctx;
};

/* Compiles one argument (len bytes at arg, inside c->spec) of the filter
 * called filter into v. */
typedef int compile_arg_fn(struct compiler *c, const char *filter,
                           const char *arg, size_t len,
                           struct filter_value *v);

static size_t column(const struct compiler *c, const char *at)
{
    return (size_t)(at - c->spec);
}

static int resolve_user(struct compiler *c, const char *filter,
                        const char *arg, size_t len, struct filter_value *v)
{
    char name[256];
    uid_t uid;
    int r;

    if (c->resolve == NULL)
        return diag_fail(c->d, column(c, arg), "%s: user names need the "
                         "execlog command: '%.*s'", filter, (int)len, arg);
    /* Longer than any login name: it cannot be listed. */
    r = len < sizeof(name) ? 0 : -ENOENT;
    if (r == 0) {
        memcpy(name, arg, len);
        name[len] = '\0';
        r = c->resolve(name, &uid);
    }
    if (r == -ENOENT)
        return diag_fail(c->d, column(c, arg), "%s: unknown user '%.*s'",
                         filter, (int)len, arg);
    if (r < 0)
        return diag_fail(c->d, column(c, arg), "%s: cannot look up user "
                         "'%.*s': %s", filter, (int)len, arg, strerror(-r));
    v->uid = (uint32_t)uid;
    return 0;
}

/* A number is a uid, anything else a user name. */
static int compile_uid(struct compiler *c, const char *filter,
                       const char *arg, size_t len, struct filter_value *v)
{
    uint64_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (arg[i] < '0' || arg[i] > '9')
            return resolve_user(c, filter, arg, len, v);
        /* Stop growing once too large, so no digit count can wrap. */
        if (n <= UID_LIMIT)
            n = n * 10 + (uint64_t)(arg[i] - '0');
    }
    if (n > UID_LIMIT)
        return diag_fail(c->d, column(c, arg), "%s: uid %.*s is out of range "
                         "(at most %u)", filter, (int)len, arg, UID_LIMIT);
    v->uid = (uint32_t)n;
    return 0;
}

static int compile_name(struct compiler *c, const char *filter,
                        const char *arg, size_t len, struct filter_value *v)
{
    if (len > FILTER_MAX_TEXT - c->text_used)
        return diag_fail(c->d, column(c, arg), "filter_chain is too long (at "
                         "most %d bytes of names)", FILTER_MAX_TEXT);
    memcpy(c->fc->text + c->text_used, arg, len);
    v->offset = (uint16_t)c->text_used;
    v->length = (uint16_t)len;
    c->text_used += len;
    return 0;
}

/* A program's name, or its absolute path: a relative path names nothing
 * that the filter could compare. */
static int compile_program(struct compiler *c, const char *filter,
                           const char *arg, size_t len,
                           struct filter_value *v)
{
    if (arg[0] != '/' && memchr(arg, '/', len) != NULL)
        return diag_fail(c->d, column(c, arg), "%s: '%.*s' is a relative "
                         "path: give a name or an absolute path", filter,
                         (int)len, arg);
    return compile_name(c, filter, arg, len, v);
}

/* NAME, or NAME@ACCOUNT (a user name or uid): the process must run as
 * that account, root when none is given (the last '@' separates them).
 * A longer name is valid but inert, which is rarely what was meant. */
static int compile_comm(struct compiler *c, const char *filter,
                        const char *arg, size_t len, struct filter_value *v)
{
    char message[256];
    const char *at = memrchr(arg, '@', len);
    size_t name_len = at != NULL ? (size_t)(at - arg) : len;
    int r;

    if (at != NULL && (name_len == 0 || at + 1 == arg + len))
        return diag_fail(c->d, column(c, arg), "%s: '%.*s': write NAME@ACCOUNT",
                         filter, (int)len, arg);
    r = at != NULL ? compile_uid(c, filter, at + 1, len - name_len - 1, v) : 0;
    if (r == 0)
        r = compile_name(c, filter, arg, name_len, v);
    len = name_len;
    if (r == 0 && len > COMM_MAX && c->warn != NULL) {
        snprintf(message, sizeof(message), "%s: the kernel keeps %d bytes "
                 "of a command name, so '%.*s' can never match", filter,
                 COMM_MAX, (int)len, arg);
        c->warn(message, c->ctx);
    }
    return r;
}

/* A unit name, or a pattern with '*': the characters systemd allows in
 * unit names (and '*'). */
static int compile_unit(struct compiler *c, const char *filter,
                        const char *arg, size_t len, struct filter_value *v)
{
    static const char allowed[] = "abcdefghijklmnopqrstuvwxyz"
                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "0123456789:-_.\\@*";

    for (size_t i = 0; i < len; i++)
        if (arg[i] == '\0' || strchr(allowed, arg[i]) == NULL)
            return diag_fail(c->d, column(c, arg + i), "%s: '%c' cannot be "
                             "in a unit name (letters, digits, ':-_.\\@' "
                             "and '*' for any run of them)", filter, arg[i]);
    return compile_name(c, filter, arg, len, v);
}

/* How each kind of argument compiles. */
static compile_arg_fn *const arg_compilers[FILTER_ARG_COUNT] = {
    [FILTER_ARG_UID] = compile_uid,
    [FILTER_ARG_NAME] = compile_program,
    [FILTER_ARG_COMM] = compile_comm,
    [FILTER_ARG_UNIT] = compile_unit,
};

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static const char *skip_blanks(const char *p)
{
    while (is_blank(*p))
        p++;
    return p;
}

/* Compiles the arguments after the ':' at *p; leaves *p at the ';' or the
 * end that follows them.  Blanks inside an argument stay: a comm may hold
 * spaces ("Web Content"). */
static int compile_args(struct compiler *c, const char *filter,
                        compile_arg_fn *compile_arg, struct filter_item *item,
                        const char **p)
{
    struct filter_chain *fc = c->fc;

    do {
        const char *arg = skip_blanks(*p + 1), *end = arg, *next;
        int r;

        while (*end != '\0' && *end != ',' && *end != ';')
            end++;
        next = end;
        while (end > arg && is_blank(end[-1]))
            end--;
        if (end == arg)
            return diag_fail(c->d, column(c, arg), "%s: empty argument",
                             filter);
        if (fc->value_count == FILTER_MAX_VALUES)
            return diag_fail(c->d, column(c, arg), "filter_chain has too many "
                             "arguments (at most %d in all)",
                             FILTER_MAX_VALUES);
        r = compile_arg(c, filter, arg, (size_t)(end - arg),
                        &fc->values[fc->value_count]);
        if (r < 0)
            return r;
        fc->value_count++;
        item->count++;
        *p = next;
    } while (**p == ',');
    return 0;
}

/* Compiles the filter that starts at *p; leaves *p at the ';' or the end
 * that follows it. */
static int compile_item(struct compiler *c, const char **p)
{
    struct filter_chain *fc = c->fc;
    const char *name = skip_blanks(*p), *end = name, *filter;
    compile_arg_fn *compile_arg;
    struct filter_item *item;
    int index, r;

    while (*end != '\0' && *end != ':' && *end != ';' && !is_blank(*end))
        end++;
    if (end == name)
        return diag_fail(c->d, column(c, name), "missing filter name");
    index = filter_find(name, (size_t)(end - name));
    if (index < 0)
        return diag_fail(c->d, column(c, name), "unknown filter '%.*s'",
                         (int)(end - name), name);
    filter = filter_name((unsigned)index);
    compile_arg = arg_compilers[filter_arg((unsigned)index)];
    if (fc->count == FILTER_MAX_ITEMS)
        return diag_fail(c->d, column(c, name), "filter_chain has too many "
                         "filters (at most %d)", FILTER_MAX_ITEMS);
    item = &fc->items[fc->count++];
    item->filter = (uint16_t)index;
    item->first = fc->value_count;
    *p = skip_blanks(end);
    if (**p == ':') {
        if (compile_arg == NULL)
            return diag_fail(c->d, column(c, *p), "%s takes no arguments",
                             filter);
        r = compile_args(c, filter, compile_arg, item, p);
        if (r < 0)
            return r;
    } else if (compile_arg != NULL) {
        return diag_fail(c->d, column(c, name), "%s needs arguments: %s:...",
                         filter, filter);
    }
    if (**p != ';' && **p != '\0')
        return diag_fail(c->d, column(c, *p), "expected ';' after %s",
                         filter);
    return 0;
}

int filter_chain_compile(struct filter_chain *fc, const char *spec,
                         user_resolver *resolve, struct diag *d,
                         void (*warn)(const char *message, void *ctx),
                         void *ctx)
{
    struct compiler c = { .fc = fc, .spec = spec, .resolve = resolve, .d = d,
                          .warn = warn, .ctx = ctx };
    const char *p = spec;
    int r;

    memset(fc, 0, sizeof(*fc));
    if (*skip_blanks(spec) == '\0')
        return 0;
    /* Every ';' is followed by a filter: a stray one (";;", a final ';')
     * is reported rather than guessed at. */
    for (;;) {
        r = compile_item(&c, &p);
        if (r < 0 || *p == '\0')
            break;
        p++;
    }
    /* Half a chain would filter what the operator did not ask for. */
    if (r < 0)
        memset(fc, 0, sizeof(*fc));
    return r;
}
