#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "redact.h"

/* What `defaults` stands for.  Kept as data rather than as a spec to
 * parse: with no cache file the library compiles its defaults on every
 * exec.  Long options are matched whole, never by getopt's unique
 * prefixes: a prefix needs the program's own option table. */
static const struct {
    uint8_t kind;
    const char *option;
    const char *programs;
} builtin_rules[] = {
    /* A bare -p prompts, and the next word is the database. */
    { KIND_ATTACHED, "-p", "mysql,mariadb,mysqldump,mariadb-dump,mysqladmin,"
                           "mariadb-admin" },
    { KIND_VALUE, "--password", "" },
    { KIND_VALUE, "-p", "sshpass" },
    /* Without ':' curl prompts for the password: nothing to hide. */
    { KIND_USERINFO, "-u", "curl" },
    { KIND_USERINFO, "--user", "curl" },
    { KIND_USERINFO, "-U", "curl" },
    { KIND_USERINFO, "--proxy-user", "curl" },
    { KIND_URL, "", "" },
};

#define BUILTIN_RULES (sizeof(builtin_rules) / sizeof(builtin_rules[0]))

const char redact_default_spec[] = "defaults";

static const struct {
    const char *name;
    uint8_t kind;
} rule_words[] = {
    { "value", KIND_VALUE },
    { "attached", KIND_ATTACHED },
    { "userinfo", KIND_USERINFO },
    { "url", KIND_URL },
    { "defaults", KIND_DEFAULTS },
    { "none", KIND_NONE },
    { NULL, 0 },
};

static int rule_kind(const char *s, size_t len)
{
    for (size_t i = 0; rule_words[i].name != NULL; i++)
        if (len > 0 && rule_words[i].name[0] == s[0] &&
            strncmp(rule_words[i].name, s, len) == 0 &&
            rule_words[i].name[len] == '\0')
            return rule_words[i].kind;
    return -ENOENT;
}

struct compiler {
    struct redact_rules *r;
    size_t used;            /* bytes of r->text taken */
    const char *none;       /* where 'none' was given, or NULL */
    bool defaults;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Option text must never hold '=' (it ends the option in OPTION=VALUE) nor
 * ',' (kept free to list several options one day). */
static bool option_byte_ok(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != '=' && c != ',';
}

/* Basenames as the kernel allows them, minus what the list syntax uses. */
static bool program_byte_ok(unsigned char c)
{
    return c > 0x20 && c != 0x7f && c != '/' && c != '@';
}

static int bad_byte(struct diag *d, const char *spec, const char *at,
                    const char *where)
{
    unsigned char c = (unsigned char)*at;

    if (c > 0x20 && c < 0x7f)
        return diag_fail(d, (size_t)(at - spec), "invalid character '%c' in "
                         "%s", c, where);
    return diag_fail(d, (size_t)(at - spec), "invalid byte 0x%02x in %s", c,
                     where);
}

static int check_programs(const char *spec, const char *list, size_t len,
                          struct diag *d)
{
    const char *p = list, *end = list + len;

    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma != NULL ? comma : end;

        if (stop == p)
            return diag_fail(d, (size_t)(p - spec), "empty program name");
        for (const char *c = p; c < stop; c++) {
            if (*c == '/')
                return diag_fail(d, (size_t)(p - spec), "program '%.*s' is "
                                 "a path: rules match the basename of "
                                 "argv[0]", (int)(stop - p), p);
            if (!program_byte_ok((unsigned char)*c))
                return bad_byte(d, spec, c, "program name");
        }
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

static int add_rule(struct compiler *c, uint8_t kind, const char *option,
                    size_t option_length, const char *programs,
                    size_t programs_length, size_t column, struct diag *d)
{
    struct redact_rules *r = c->r;
    struct redact_rule *rule;

    if (r->count == REDACT_MAX_RULES)
        return diag_fail(d, column, "too many redact rules (at most %d, "
                         "'defaults' counting as %zu)", REDACT_MAX_RULES,
                         BUILTIN_RULES);
    if (option_length + programs_length > REDACT_MAX_TEXT - c->used)
        return diag_fail(d, column, "redact rules are too long (at most %d "
                         "bytes of options and program names)",
                         REDACT_MAX_TEXT);
    rule = &r->rules[r->count++];
    rule->kind = kind;
    rule->option = (uint16_t)c->used;
    rule->option_length = (uint16_t)option_length;
    memcpy(r->text + c->used, option, option_length);
    c->used += option_length;
    rule->programs = (uint16_t)c->used;
    rule->programs_length = (uint16_t)programs_length;
    memcpy(r->text + c->used, programs, programs_length);
    c->used += programs_length;
    return 0;
}

/* One rule: s[0..len), blanks already trimmed. */
static int compile_rule(struct compiler *c, const char *spec, const char *s,
                        size_t len, struct diag *d)
{
    size_t column = (size_t)(s - spec), name_len = 0;
    const char *option, *at, *end = s + len;
    size_t option_length;
    int kind, r;

    while (name_len < len && s[name_len] != ':' && s[name_len] != '@')
        name_len++;
    kind = rule_kind(s, name_len);
    if (kind < 0)
        return diag_fail(d, column, "unknown redact rule '%.*s'",
                         (int)(name_len < 64 ? name_len : 64), s);
    if (kind >= KIND_URL) {
        if (name_len < len)
            return diag_fail(d, column + name_len, "redact rule '%.*s' "
                             "takes no %s", (int)name_len, s,
                             s[name_len] == ':' ? "option" : "program list");
        if (kind == KIND_URL)
            return add_rule(c, KIND_URL, "", 0, "", 0, column, d);
    }
    if (kind == KIND_NONE) {
        if (c->none != NULL)
            return diag_fail(d, column, "'none' given twice");
        c->none = s;
        return 0;
    }
    if (kind == KIND_DEFAULTS) {
        if (c->defaults)
            return diag_fail(d, column, "'defaults' given twice");
        c->defaults = true;
        for (size_t i = 0; i < BUILTIN_RULES; i++) {
            r = add_rule(c, builtin_rules[i].kind, builtin_rules[i].option,
                         strlen(builtin_rules[i].option),
                         builtin_rules[i].programs,
                         strlen(builtin_rules[i].programs), column, d);
            if (r < 0)
                return r;
        }
        return 0;
    }

    option = s + name_len + (name_len < len && s[name_len] == ':');
    at = memchr(option, '@', (size_t)(end - option));
    option_length = (size_t)((at != NULL ? at : end) - option);
    if (option_length == 0)
        return diag_fail(d, (size_t)(option - spec), "redact rule '%.*s' "
                         "needs an option, as in '%.*s:--password'",
                         (int)name_len, s, (int)name_len, s);
    for (size_t i = 0; i < option_length; i++)
        if (!option_byte_ok((unsigned char)option[i]))
            return bad_byte(d, spec, option + i, "redact option");
    if (at == NULL)
        return add_rule(c, (uint8_t)kind, option, option_length, "", 0,
                        column, d);
    if (at + 1 == end)
        return diag_fail(d, (size_t)(at - spec), "empty program list after "
                         "'@'");
    r = check_programs(spec, at + 1, (size_t)(end - at - 1), d);
    if (r < 0)
        return r;
    return add_rule(c, (uint8_t)kind, option, option_length, at + 1,
                    (size_t)(end - at - 1), column, d);
}

static int compile_list(struct compiler *c, const char *spec, struct diag *d)
{
    const char *p = spec;

    for (;;) {
        const char *semicolon = strchr(p, ';');
        const char *s = p, *e = semicolon != NULL ? semicolon : p + strlen(p);
        int r;

        while (s < e && is_blank(*s))
            s++;
        while (e > s && is_blank(e[-1]))
            e--;
        if (s == e)
            return diag_fail(d, (size_t)(p - spec), "empty redact rule");
        r = compile_rule(c, spec, s, (size_t)(e - s), d);
        if (r < 0)
            return r;
        if (semicolon == NULL)
            return 0;
        p = semicolon + 1;
    }
}

int redact_compile(struct redact_rules *r, const char *spec, struct diag *d)
{
    struct compiler c = { .r = r };
    int rc;

    /* Whole, so that the cache file written from it is reproducible. */
    memset(r, 0, sizeof(*r));
    if (spec[strspn(spec, " \t")] == '\0')
        return diag_fail(d, 0, "empty redact spec (write 'none' for no "
                         "redaction)");
    rc = compile_list(&c, spec, d);
    if (rc == 0 && c.none != NULL && (r->count > 0 || c.defaults))
        rc = diag_fail(d, (size_t)(c.none - spec), "'none' cannot be "
                       "combined with other redact rules");
    if (rc < 0)
        r->count = 0;
    return rc;
}
