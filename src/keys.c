/* The ini keys and their compilers: see keys.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syslog.h>

#include "keys.h"

/* The numeric defaults are stated once, as macros next to their limits;
 * the table takes them as ini text, so each must be a plain decimal
 * number (gen-builtin fails the build otherwise). */
#define TEXT_OF(x) #x
#define INI_TEXT(x) TEXT_OF(x)

/* As struct output_config keeps a facility: its number, the LOG_ code
 * shifted back. */
static const struct key_name facilities[] = {
    { "auth", LOG_AUTH >> 3 },     { "authpriv", LOG_AUTHPRIV >> 3 },
    { "cron", LOG_CRON >> 3 },     { "daemon", LOG_DAEMON >> 3 },
    { "ftp", LOG_FTP >> 3 },       { "lpr", LOG_LPR >> 3 },
    { "mail", LOG_MAIL >> 3 },     { "news", LOG_NEWS >> 3 },
    { "syslog", LOG_SYSLOG >> 3 }, { "user", LOG_USER >> 3 },
    { "uucp", LOG_UUCP >> 3 },     { "local0", LOG_LOCAL0 >> 3 },
    { "local1", LOG_LOCAL1 >> 3 }, { "local2", LOG_LOCAL2 >> 3 },
    { "local3", LOG_LOCAL3 >> 3 }, { "local4", LOG_LOCAL4 >> 3 },
    { "local5", LOG_LOCAL5 >> 3 }, { "local6", LOG_LOCAL6 >> 3 },
    { "local7", LOG_LOCAL7 >> 3 }, { NULL, 0 },
};

static const struct key_name levels[] = {
    { "emerg", LOG_EMERG },   { "alert", LOG_ALERT },
    { "crit", LOG_CRIT },     { "err", LOG_ERR },
    { "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
    { "info", LOG_INFO },     { "debug", LOG_DEBUG },
    { NULL, 0 },
};

static const struct key_name output_formats[] = {
    { "text", OUTPUT_FORMAT_TEXT }, { "json", OUTPUT_FORMAT_JSON },
    { "ecs", OUTPUT_FORMAT_ECS },
    { NULL, 0 },
};

/* What libconfuse accepts for a boolean; the first of each is shown. */
static const struct key_name booleans[] = {
    { "yes", 1 }, { "no", 0 },   { "true", 1 }, { "false", 0 },
    { "on", 1 },  { "off", 0 },  { NULL, 0 },
};

/* Accepts "authpriv", "AUTHPRIV" and snoopy's "LOG_AUTHPRIV". */
static int lookup_name(const struct key_name *table, const char *name)
{
    if (strncasecmp(name, "LOG_", 4) == 0)
        name += 4;
    for (; table->name != NULL; table++)
        if (strcasecmp(table->name, name) == 0)
            return table->value;
    return -1;
}

static const char *name_of(const struct key_name *table, int value)
{
    for (; table->name != NULL; table++)
        if (table->value == value)
            return table->name;
    return "?";
}

static int fail_named(struct diag *d, const struct key_name *table,
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

static int compile_message_format(const struct key_target *t,
                                  const char *text, struct diag *d)
{
    return format_compile(&t->config->format, text, d);
}

static int compile_filter_chain(const struct key_target *t, const char *text,
                                struct diag *d)
{
    return filter_chain_compile(&t->config->filters, text, t->resolve_user,
                                d, t->warn, t->warn_ctx);
}

static int compile_redact(const struct key_target *t, const char *text,
                          struct diag *d)
{
    return redact_compile(&t->config->redact, text, d);
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
    return 0;
}

static int compile_output_format(const struct key_target *t,
                                 const char *text, struct diag *d)
{
    int v;

    /* Exact names only, unlike the syslog ones: no snoopy spelling to
     * accept. */
    for (v = 0; output_formats[v].name != NULL; v++)
        if (strcmp(output_formats[v].name, text) == 0)
            break;
    if (output_formats[v].name == NULL)
        return diag_fail(d, KEY_NO_COLUMN, "unknown format '%s' (text, "
                         "json or ecs)", text);
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

static void print_output_format(const struct config *c, char *buf)
{
    snprintf(buf, KEY_VALUE_MAX, "%s",
             name_of(output_formats, c->output_format));
}

static void print_ident(const struct config *c, char *buf)
{
    snprintf(buf, KEY_VALUE_MAX, "%s", c->output.ident);
}

/* Where a key's value lives.  A member of struct config must have the
 * size its type's compiler writes (a negative array size otherwise). */
#define CONFIG_AT(member, size)                                            \
    (offsetof(struct config, member) +                                     \
     0 * sizeof(char[sizeof(((struct config *)0)->member) == (size) ? 1 : -1]))
#define U32_AT(member) CONFIG_AT(member, sizeof(uint32_t))
#define U8_AT(member) CONFIG_AT(member, sizeof(uint8_t))
#define SOURCE_AT(member) offsetof(struct config_sources, member)

/* In the order `execlog show` prints them. */
static const struct key table[] = {
    { .name = "message_format", .type = KEY_TEXT,
      .default_text = DEFAULT_MESSAGE_FORMAT,
      .compile = compile_message_format, .at = SOURCE_AT(message_format),
      .doc = "What a line says: text and %{placeholders}" },
    { .name = "filter_chain", .type = KEY_TEXT, .default_text = "",
      .compile = compile_filter_chain, .at = SOURCE_AT(filter_chain),
      .doc = "Filters that drop commands, separated by ';'; empty: log "
             "all" },
    { .name = "output", .type = KEY_TEXT, .default_text = "devlog",
      .compile = compile_output, .at = SOURCE_AT(output),
      .doc = "Where lines go: devlog, journald[:PATH], socket:PATH, "
             "file:PATH, stdout, stderr or devnull" },
    { .name = "output_format", .type = KEY_WORD, .default_text = "text",
      .compile = compile_output_format, .print = print_output_format,
      .doc = "text (the message_format line), json (one object per "
             "command) or ecs (Elastic Common Schema)" },
    { .name = "syslog_ident", .type = KEY_WORD, .default_text = "execlog",
      .compile = compile_ident, .print = print_ident,
      .doc = "Syslog tag of the lines" },
    { .name = "syslog_facility", .type = KEY_NAME, .default_text = "authpriv",
      .at = U8_AT(output.facility), .names = facilities,
      .doc = "Syslog facility of the lines" },
    { .name = "syslog_level", .type = KEY_NAME, .default_text = "info",
      .at = U8_AT(output.level), .names = levels,
      .doc = "Syslog level of the lines" },
    { .name = "error_logging", .type = KEY_BOOL, .default_text = "yes",
      .at = U8_AT(error_logging), .names = booleans,
      .doc = "Log an unusable cache and undelivered lines, once per "
             "process" },
    { .name = "max_arg_length", .type = KEY_INT,
      .default_text = INI_TEXT(DEFAULT_MAX_ARG_LENGTH),
      .at = U32_AT(max_arg_length),
      .min = MIN_ARG_LENGTH, .max = MAX_ARG_LENGTH,
      .doc = "Arguments longer than this many bytes are cut" },
    { .name = "max_message_length", .type = KEY_INT,
      .default_text = INI_TEXT(DEFAULT_MAX_MESSAGE_LENGTH),
      .at = U32_AT(max_message_length),
      .min = MIN_MESSAGE_LENGTH, .max = MAX_MESSAGE_LENGTH,
      .doc = "Messages longer than this many bytes are cut" },
    { .name = "send_timeout_ms", .type = KEY_INT,
      .default_text = INI_TEXT(DEFAULT_SEND_TIMEOUT_MS),
      .at = U32_AT(output.send_timeout_ms),
      .min = 0, .max = MAX_SEND_TIMEOUT_MS,
      .doc = "Longest wait in ms for room in a full queue, per command" },
    { .name = "repeat_window", .type = KEY_INT, .default_text = "0",
      .at = U32_AT(repeat_window), .min = 0, .max = MAX_REPEAT_WINDOW,
      .doc = "Seconds in which a user's identical commands are counted "
             "instead of logged, then summarized; 0: log each" },
    { .name = "redact", .type = KEY_TEXT,
      .default_text = redact_default_spec,
      .compile = compile_redact, .at = SOURCE_AT(redact),
      .doc = "Secrets masked on command lines: defaults, none, or rules" },
};

/* KEY_COUNT sizes ini.c's arrays: a row added or removed must change it. */
_Static_assert(sizeof(table) / sizeof(table[0]) == KEY_COUNT,
               "KEY_COUNT is not the number of keys in the table");
const struct key *const keys = table;

const struct key *key_find(const char *name)
{
    for (size_t i = 0; i < KEY_COUNT; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

static int compile_number(const struct key *k, struct config *c,
                          const char *text, struct diag *d)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0)
        return diag_fail(d, KEY_NO_COLUMN, "'%s' is not a number", text);
    if (v < k->min || v > k->max)
        return diag_fail(d, KEY_NO_COLUMN, "%ld is out of range (%ld to %ld)",
                         v, k->min, k->max);
    memcpy((char *)c + k->at, &(uint32_t){ (uint32_t)v }, sizeof(uint32_t));
    return 0;
}

/* A name (any case, with or without snoopy's LOG_), kept as its number. */
static int compile_name(const struct key *k, struct config *c,
                        const char *text, struct diag *d)
{
    int v = lookup_name(k->names, text);

    if (v < 0)
        return fail_named(d, k->names, text);
    *((uint8_t *)c + k->at) = (uint8_t)v;
    return 0;
}

/* The text is kept after it compiled, for `execlog show`. */
static int compile_text(const struct key *k, const struct key_target *t,
                        const char *text, struct diag *d)
{
    int r = k->compile(t, text, d);

    if (r < 0)
        return r;
    if (strlen(text) >= CONFIG_SOURCE_MAX)
        return diag_fail(d, KEY_NO_COLUMN, "longer than %d bytes",
                         CONFIG_SOURCE_MAX - 1);
    if (t->sources != NULL)
        copy_text((char *)t->sources + k->at, CONFIG_SOURCE_MAX, text);
    return 0;
}

int key_compile(const struct key *k, const struct key_target *t,
                const char *text, struct diag *d)
{
    switch (k->type) {
    case KEY_TEXT:
        return compile_text(k, t, text, d);
    case KEY_WORD:
        return k->compile(t, text, d);
    case KEY_INT:
        return compile_number(k, t->config, text, d);
    case KEY_NAME:
    case KEY_BOOL:
        return compile_name(k, t->config, text, d);
    }
    return diag_fail(d, KEY_NO_COLUMN, "key of no known type");
}

void key_print(const struct key *k, const struct config *c,
               const struct config_sources *s, char *buf)
{
    const char *at = (const char *)c + k->at;
    uint32_t number;

    switch (k->type) {
    case KEY_TEXT:
        snprintf(buf, KEY_VALUE_MAX, "%s", (const char *)s + k->at);
        break;
    case KEY_WORD:
        k->print(c, buf);
        break;
    case KEY_INT:
        memcpy(&number, at, sizeof(number));
        snprintf(buf, KEY_VALUE_MAX, "%u", number);
        break;
    case KEY_NAME:
    case KEY_BOOL:
        snprintf(buf, KEY_VALUE_MAX, "%s",
                 name_of(k->names, *(const uint8_t *)at));
        break;
    }
}

int keys_compile_defaults(struct config *cfg, struct config_sources *sources,
                          const struct key **failed, struct diag *d)
{
    const struct key_target t = { .config = cfg, .sources = sources };

    memset(cfg, 0, sizeof(*cfg));
    if (sources != NULL)
        memset(sources, 0, sizeof(*sources));
    for (size_t i = 0; i < KEY_COUNT; i++) {
        int r = key_compile(&keys[i], &t, keys[i].default_text, d);

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
