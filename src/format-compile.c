/* Compiling message_format, at reload: literal text and placeholders into
 * the offsets of a struct format, each placeholder's argument checked. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "datasources.h"
#include "format.h"

static int check_datetime(const char *arg, size_t len, struct diag *d)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c;

        if (arg[i] != '%')
            continue;
        if (i + 1 == len)
            return diag_fail(d, i, "'%%' at the end of the date format "
                             "(write %%%% for a percent sign)");
        c = (unsigned char)arg[++i];
        if (c == '\0' || strchr(datetime_conversions, c) == NULL) {
            if (c > ' ' && c < 0x7f)
                return diag_fail(d, i - 1, "unsupported conversion %%%c in "
                                 "the date format (supported: %%Y %%m %%d "
                                 "%%H %%M %%S %%j %%e %%a %%b %%s %%z %%Z "
                                 "%%F %%T %%%%)", c);
            return diag_fail(d, i - 1, "'%%' must be followed by a "
                             "conversion letter in the date format");
        }
    }
    return 0;
}

static int check_env(const char *arg, size_t len, struct diag *d)
{
    const char *eq = memchr(arg, '=', len);

    if (len == 0)
        return diag_fail(d, 0, "%%{env:NAME} needs a variable name");
    if (eq != NULL)
        return diag_fail(d, (size_t)(eq - arg), "an environment variable "
                         "name cannot contain '='");
    return 0;
}

/* How each kind of argument is checked: whether it must be given, and
 * what it may hold (NULL: any text will do). */
static const struct {
    bool required;
    int (*check)(const char *arg, size_t len, struct diag *d);
} arg_checks[PLACEHOLDER_ARG_COUNT] = {
    [PLACEHOLDER_ARG_DATETIME] = { false, check_datetime },
    [PLACEHOLDER_ARG_ENV] = { true, check_env },
};

int datasource_check_arg(unsigned index, const char *arg, size_t len,
                         struct diag *d)
{
    enum placeholder_arg kind = datasource_arg(index);
    const char *name = datasource_name(index);

    if (arg == NULL)
        return arg_checks[kind].required
                   ? diag_fail(d, 0, "%%{%s} needs an argument: %%{%s:...}",
                               name, name)
                   : 0;
    if (kind == PLACEHOLDER_ARG_NONE)
        return diag_fail(d, 0, "%%{%s} takes no argument", name);
    return arg_checks[kind].check(arg, len, d);
}

/* Appends an item whose text starts at column at of the spec; -EINVAL
 * with d filled when the format is full. */
static int add_item(struct format *fmt, size_t *used, uint16_t source,
                    const char *s, size_t len, size_t at, struct diag *d)
{
    struct format_item *item;

    if (fmt->count == FORMAT_MAX_ITEMS || len > FORMAT_MAX_TEXT - *used)
        return diag_fail(d, at, "message_format is too long (at most %d "
                         "placeholders and %d bytes of text)",
                         FORMAT_MAX_ITEMS, FORMAT_MAX_TEXT);
    item = &fmt->items[fmt->count++];
    item->source = source;
    item->offset = (uint16_t)*used;
    item->length = (uint16_t)len;
    memcpy(fmt->text + *used, s, len);
    *used += len;
    return 0;
}

/* Compiles the placeholder that starts at open ("%{"); returns the
 * offset just past its '}', or -EINVAL with d filled. */
static int compile_placeholder(struct format *fmt, size_t *used,
                               const char *spec, const char *open,
                               struct diag *d)
{
    const char *name = open + 2, *close = strchr(name, '}');
    const char *colon, *arg = NULL;
    size_t name_len, arg_len = 0, at = (size_t)(open - spec);
    int source, r;

    if (close == NULL)
        return diag_fail(d, at, "missing '}' after '%%{'");
    colon = memchr(name, ':', (size_t)(close - name));
    name_len = (size_t)((colon != NULL ? colon : close) - name);
    source = datasource_find(name, name_len);
    if (source < 0)
        return diag_fail(d, at, "unknown placeholder %%{%.*s}", (int)name_len,
                         name);
    if (colon != NULL) {
        arg = colon + 1;
        arg_len = (size_t)(close - arg);
        if (arg_len == 0)
            return diag_fail(d, at, "empty argument in %%{%.*s:}",
                             (int)name_len, name);
    }
    r = datasource_check_arg((unsigned)source, arg, arg_len, d);
    if (r < 0) {
        d->column += arg != NULL ? (size_t)(arg - spec) : at;
        return r;
    }
    r = add_item(fmt, used, (uint16_t)source, arg != NULL ? arg : "",
                 arg_len, at, d);
    return r < 0 ? r : (int)(close + 1 - spec);
}

int format_compile(struct format *fmt, const char *spec, struct diag *d)
{
    const char *p = spec;
    size_t used = 0;

    memset(fmt, 0, sizeof(*fmt));
    /* In literal text and in placeholder arguments alike (a datetime
     * format is copied into the line). */
    for (size_t k = 0; spec[k] != '\0'; k++)
        if ((unsigned char)spec[k] < 0x20 || spec[k] == 0x7f)
            return diag_fail(d, k, "control character 0x%02x in "
                             "message_format: it would reach every line raw",
                             (unsigned char)spec[k]);
    while (*p != '\0') {
        const char *open = strstr(p, "%{");
        size_t len = open != NULL ? (size_t)(open - p) : strlen(p);
        int next;

        if (len > 0 && add_item(fmt, &used, FORMAT_LITERAL, p, len,
                                (size_t)(p - spec), d) < 0)
            return -EINVAL;
        if (open == NULL)
            break;
        next = compile_placeholder(fmt, &used, spec, open, d);
        if (next < 0)
            return next;
        p = spec + next;
    }
    return 0;
}
