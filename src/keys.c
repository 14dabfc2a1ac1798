/* The ini keys and their compilers: see keys.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syslog.h>

#include "keys.h"

/* The defaults that are numbers are stated once, as the macros the rest
 * of the code uses; the table holds them as ini text. */
#define TEXT_OF(x) #x
#define INI_TEXT(x) TEXT_OF(x)

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

static const struct name_value output_formats[] = {
    { "text", OUTPUT_FORMAT_TEXT }, { "json", OUTPUT_FORMAT_JSON },
    { NULL, 0 },
};

/* What libconfuse accepts for a boolean, in the spelling it returns. */
static const struct name_value booleans[] = {
    { "yes", 1 }, { "no", 0 },   { "true", 1 }, { "false", 0 },
    { "on", 1 },  { "off", 0 },  { NULL, 0 },
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

static const char *name_of(const struct name_value *table, int value)
{
    for (; table->name != NULL; table++)
        if (table->value == value)
            return table->name;
    return "?";
}

static int fail_named(struct diag *d, const struct name_value *table,
                      const char *text)
{
    char names[256];
    size_t used = 0;

    names[0] = '\0';
    for (; table->name != NULL && used < sizeof(names); table++)
        used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
                                 used ? ", " : "", table->name);
    return diag_fail(d, KEY_NO_COLUMN, "unknown value '%s' (one of: %s)",
                     text, names);
}

/* Zero-filled: a shorter value over another must leave no tail of it, the
 * cache's bytes and checksum depend on the configuration alone. */
static void copy_text(char *dst, size_t size, const char *text)
{
    memset(dst, 0, size);
    memcpy(dst, text, strlen(text));
}

/* Keeps the ini text of a compiled value, for `execlog show`. */
static int keep_source(const struct key_target *t, size_t offset,
                       const char *text, struct diag *d)
{
    if (strlen(text) >= CONFIG_SOURCE_MAX)
        return diag_fail(d, KEY_NO_COLUMN, "longer than %d bytes",
                         CONFIG_SOURCE_MAX - 1);
    if (t->sources != NULL)
        copy_text((char *)t->sources + offset, CONFIG_SOURCE_MAX, text);
    return 0;
}

#define SOURCE(field) offsetof(struct config_sources, field)

static int compile_message_format(const struct key_target *t,
                                  const char *text, struct diag *d)
{
    int r = format_compile(&t->config->format, text, d);

    return r < 0 ? r : keep_source(t, SOURCE(message_format), text, d);
}

static int compile_filter_chain(const struct key_target *t, const char *text,
                                struct diag *d)
{
    int r = filter_chain_compile(&t->config->filters, text, t->resolve_user,
                                 d, t->warn, t->warn_ctx);

    return r < 0 ? r : keep_source(t, SOURCE(filter_chain), text, d);
}

static int compile_redact(const struct key_target *t, const char *text,
                          struct diag *d)
{
    int r = redact_compile(&t->config->redact, text, d);

    return r < 0 ? r : keep_source(t, SOURCE(redact), text, d);
}

/* NAME or NAME:ARGUMENT. */
static int compile_output(const struct key_target *t, const char *text,
                          struct diag *d)
{
    const char *colon = strchr(text, ':');
    size_t name_len = colon != NULL ? (size_t)(colon - text) : strlen(text);
    char name[32];
    int r;

    snprintf(name, sizeof(name), "%.*s", (int)name_len, text);
    r = output_select(&t->config->output, name,
                      colon != NULL ? colon + 1 : NULL);
    if (r == -ENOENT)
        return diag_fail(d, KEY_NO_COLUMN, "unknown output '%s' (one of: %s)",
                         name, output_names());
    if (r < 0)
        return diag_fail(d, KEY_NO_COLUMN, "'%s' %s", text,
                         colon != NULL ? "takes no argument, or its path is "
                                         "not absolute or too long"
                                       : "needs an absolute path: NAME:/PATH");
    return keep_source(t, SOURCE(output), text, d);
}

static int compile_output_format(const struct key_target *t,
                                 const char *text, struct diag *d)
{
    int v;

    /* Exact names only, unlike the syslog ones: no snoopy spelling to
     * accept, and one spelling keeps `execlog show` the same as the ini. */
    for (v = 0; output_formats[v].name != NULL; v++)
        if (strcmp(output_formats[v].name, text) == 0)
            break;
    if (output_formats[v].name == NULL)
        return diag_fail(d, KEY_NO_COLUMN, "unknown format '%s' (text or "
                         "json)", text);
    t->config->output_format = (uint8_t)output_formats[v].value;
    return 0;
}

static int compile_ident(const struct key_target *t, const char *text,
                         struct diag *d)
{
    size_t len = strlen(text);

    if (len == 0 || len >= OUTPUT_IDENT_MAX)
        return diag_fail(d, KEY_NO_COLUMN, "1 to %d characters",
                         OUTPUT_IDENT_MAX - 1);
    for (size_t i = 0; i < len; i++)
        if (!output_ident_char(text[i]))
            return diag_fail(d, KEY_NO_COLUMN, "'%c' is not allowed "
                             "(letters, digits, '_', '-', '.')", text[i]);
    copy_text(t->config->output.ident, sizeof(t->config->output.ident), text);
    return 0;
}

static int compile_facility(const struct key_target *t, const char *text,
                            struct diag *d)
{
    int v = lookup_name(facilities, text);

    if (v < 0)
        return fail_named(d, facilities, text);
    t->config->output.facility = (uint8_t)(v >> 3);
    return 0;
}

static int compile_level(const struct key_target *t, const char *text,
                         struct diag *d)
{
    int v = lookup_name(levels, text);

    if (v < 0)
        return fail_named(d, levels, text);
    t->config->output.level = (uint8_t)v;
    return 0;
}

static int compile_error_logging(const struct key_target *t,
                                 const char *text, struct diag *d)
{
    int v = lookup_name(booleans, text);

    if (v < 0)
        return diag_fail(d, KEY_NO_COLUMN, "'%s' is not yes or no", text);
    t->config->error_logging = (uint8_t)v;
    return 0;
}

static int compile_range(const char *text, long min, long max, uint32_t *dst,
                         struct diag *d)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0)
        return diag_fail(d, KEY_NO_COLUMN, "'%s' is not a number", text);
    if (v < min || v > max)
        return diag_fail(d, KEY_NO_COLUMN, "%ld is out of range (%ld to %ld)",
                         v, min, max);
    *dst = (uint32_t)v;
    return 0;
}

static int compile_max_arg(const struct key_target *t, const char *text,
                           struct diag *d)
{
    return compile_range(text, MIN_ARG_LENGTH, MAX_ARG_LENGTH,
                         &t->config->max_arg_length, d);
}

static int compile_max_message(const struct key_target *t, const char *text,
                               struct diag *d)
{
    return compile_range(text, MIN_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH,
                         &t->config->max_message_length, d);
}

static int compile_timeout(const struct key_target *t, const char *text,
                           struct diag *d)
{
    return compile_range(text, 0, MAX_SEND_TIMEOUT_MS,
                         &t->config->output.send_timeout_ms, d);
}

/* Printers: the inverse of each compiler, as ini text. */
static void print_text(char *buf, const char *text)
{
    snprintf(buf, KEY_VALUE_MAX, "%s", text);
}

static void print_message_format(const struct config *c,
                                 const struct config_sources *s, char *buf)
{
    print_text(buf, s->message_format);
}

static void print_filter_chain(const struct config *c,
                               const struct config_sources *s, char *buf)
{
    print_text(buf, s->filter_chain);
}

static void print_redact(const struct config *c,
                         const struct config_sources *s, char *buf)
{
    print_text(buf, s->redact);
}

static void print_output(const struct config *c,
                         const struct config_sources *s, char *buf)
{
    print_text(buf, s->output);
}

static void print_output_format(const struct config *c,
                                const struct config_sources *s, char *buf)
{
    print_text(buf, name_of(output_formats, c->output_format));
}

static void print_ident(const struct config *c,
                        const struct config_sources *s, char *buf)
{
    print_text(buf, c->output.ident);
}

static void print_facility(const struct config *c,
                           const struct config_sources *s, char *buf)
{
    print_text(buf, name_of(facilities, c->output.facility << 3));
}

static void print_level(const struct config *c,
                        const struct config_sources *s, char *buf)
{
    print_text(buf, name_of(levels, c->output.level));
}

static void print_error_logging(const struct config *c,
                                const struct config_sources *s, char *buf)
{
    print_text(buf, name_of(booleans, c->error_logging));
}

static void print_max_arg(const struct config *c,
                          const struct config_sources *s, char *buf)
{
    snprintf(buf, KEY_VALUE_MAX, "%u", c->max_arg_length);
}

static void print_max_message(const struct config *c,
                              const struct config_sources *s, char *buf)
{
    snprintf(buf, KEY_VALUE_MAX, "%u", c->max_message_length);
}

static void print_timeout(const struct config *c,
                          const struct config_sources *s, char *buf)
{
    snprintf(buf, KEY_VALUE_MAX, "%u", c->output.send_timeout_ms);
}

/* In the order `execlog show` prints them. */
const struct key keys[KEY_COUNT] = {
    { "message_format", KEY_TEXT, DEFAULT_MESSAGE_FORMAT,
      compile_message_format, print_message_format,
      "What a line says: text and %{placeholders}" },
    { "filter_chain", KEY_TEXT, "", compile_filter_chain, print_filter_chain,
      "Filters that drop commands, separated by ';'; empty: log all" },
    { "output", KEY_TEXT, "devlog", compile_output, print_output,
      "Where lines go: devlog, journald, socket:PATH, file:PATH, stdout, "
      "stderr or devnull" },
    { "output_format", KEY_WORD, "text", compile_output_format,
      print_output_format, "text (the message_format line) or json (one object per command)" },
    { "syslog_ident", KEY_WORD, "execlog", compile_ident, print_ident,
      "Syslog tag of the lines" },
    { "syslog_facility", KEY_WORD, "authpriv", compile_facility,
      print_facility, "Syslog facility of the lines" },
    { "syslog_level", KEY_WORD, "info", compile_level, print_level,
      "Syslog level of the lines" },
    { "error_logging", KEY_BOOL, "yes", compile_error_logging,
      print_error_logging,
      "Log an unusable cache and undelivered lines, once per process" },
    { "max_arg_length", KEY_INT, INI_TEXT(DEFAULT_MAX_ARG_LENGTH),
      compile_max_arg, print_max_arg,
      "Longer arguments are cut (bytes, " INI_TEXT(MIN_ARG_LENGTH) " to "
      INI_TEXT(MAX_ARG_LENGTH) ")" },
    { "max_message_length", KEY_INT, INI_TEXT(DEFAULT_MAX_MESSAGE_LENGTH),
      compile_max_message, print_max_message,
      "Longer messages are cut (bytes, " INI_TEXT(MIN_MESSAGE_LENGTH) " to "
      INI_TEXT(MAX_MESSAGE_LENGTH) ")" },
    { "send_timeout_ms", KEY_INT, INI_TEXT(DEFAULT_SEND_TIMEOUT_MS),
      compile_timeout, print_timeout,
      "Longest wait for room in a full queue, per command (0 to "
      INI_TEXT(MAX_SEND_TIMEOUT_MS) ")" },
    { "redact", KEY_TEXT, redact_default_spec, compile_redact, print_redact,
      "Secrets masked on command lines: defaults, none, or rules" },
};

const struct key *key_find(const char *name)
{
    for (size_t i = 0; i < KEY_COUNT; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

int keys_compile_defaults(struct config *cfg, struct config_sources *sources,
                          const struct key **failed, struct diag *d)
{
    const struct key_target t = { .config = cfg, .sources = sources };

    memset(cfg, 0, sizeof(*cfg));
    if (sources != NULL)
        memset(sources, 0, sizeof(*sources));
    for (size_t i = 0; i < KEY_COUNT; i++) {
        int r = keys[i].compile(&t, keys[i].default_text, d);

        if (r < 0) {
            *failed = &keys[i];
            return r;
        }
    }
    return 0;
}

int config_defaults(struct config *cfg)
{
    const struct key *failed;
    struct diag d;

    return keys_compile_defaults(cfg, NULL, &failed, &d);
}
