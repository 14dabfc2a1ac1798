#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "redact.h"

/* Zero is no kind, so that a zeroed rule in a damaged cache is refused
 * rather than read as "redact nothing". */
enum redact_kind {
    KIND_VALUE = 1,
    KIND_ATTACHED,      /* never the next argument: mysql's bare -p prompts */
    KIND_USERINFO,      /* only what follows the value's first ':' */
    KIND_URL,
    KIND_COUNT,
    /* Words of the spec that expand to rules; never stored. */
    KIND_DEFAULTS = KIND_COUNT,
    KIND_NONE
};

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

int redact_validate(const struct redact_rules *r)
{
    if (r->count > REDACT_MAX_RULES)
        return -EINVAL;
    for (size_t i = 0; i < r->count; i++) {
        const struct redact_rule *rule = &r->rules[i];

        if (rule->kind == 0 || rule->kind >= KIND_COUNT ||
            rule->option > REDACT_MAX_TEXT ||
            rule->option_length > REDACT_MAX_TEXT - rule->option ||
            rule->programs > REDACT_MAX_TEXT ||
            rule->programs_length > REDACT_MAX_TEXT - rule->programs)
            return -EINVAL;
        /* An option rule without option would match every argument. */
        if (rule->kind == KIND_URL ?
            rule->option_length != 0 || rule->programs_length != 0 :
            rule->option_length == 0)
            return -EINVAL;
    }
    return 0;
}

/* The widest span covering every secret found in the word: with two
 * overlapping rules, hiding too much beats showing part of a secret. */
static void widen(bool *found, size_t *start, size_t *end, size_t s, size_t e)
{
    if (!*found || s < *start)
        *start = s;
    if (!*found || e > *end)
        *end = e;
    *found = true;
}

/* scheme://user:SECRET@host for every URL in the word.  The authority
 * ends at '/', '?' or '#' (RFC 3986); within it the last '@' ends the
 * userinfo, since people do type unescaped '@' in passwords. */
static bool url_span(const char *word, size_t *start, size_t *end)
{
    bool found = false;
    const char *p = word;

    /* strchr, not strstr: most arguments have no ':' at all, and this
     * runs for each of them on every exec. */
    while ((p = strchr(p, ':')) != NULL) {
        const char *authority = p + 3, *at = NULL, *colon = NULL, *q;

        if (p[1] != '/' || p[2] != '/') {
            p++;
            continue;
        }
        for (q = authority; *q != '\0' && *q != '/' && *q != '?' && *q != '#';
             q++) {
            if (*q == '@')
                at = q;
            else if (*q == ':' && colon == NULL)
                colon = q;
        }
        if (at != NULL && colon != NULL && colon + 1 < at)
            widen(&found, start, end, (size_t)(colon + 1 - word),
                  (size_t)(at - word));
        /* From the authority, not past it: its end may be the ':' of the
         * next "://". */
        p = authority;
    }
    return found;
}

/* Whether word starts with the n bytes of option.  Inline and stopping at
 * the first difference: each rule is tried on each argument. */
static bool starts_with(const char *word, const char *option, size_t n)
{
    for (size_t i = 0; i < n; i++)
        /* The NUL test keeps a NUL in a cache file's option from matching
         * the end of the word and reading past it. */
        if (word[i] != option[i] || word[i] == '\0')
            return false;
    return true;
}

/* Where rule's option puts a value in argv[index]: OPTION=VALUE, -oVALUE
 * for a short option, or the whole word after OPTION (not for attached
 * rules).  Of the forms that apply, the one giving the longest value. */
static bool value_start(const struct redact_rules *r,
                        const struct redact_rule *rule, char *const *argv,
                        size_t index, size_t *start)
{
    const char *option = r->text + rule->option, *word = argv[index];
    size_t n = rule->option_length;

    if (rule->kind != KIND_ATTACHED && index >= 2 &&
        starts_with(argv[index - 1], option, n) &&
        argv[index - 1][n] == '\0') {
        *start = 0;
        return true;
    }
    if (!starts_with(word, option, n) || word[n] == '\0')
        return false;
    if (n == 2 && option[0] == '-' && option[1] != '-') {
        *start = 2;
        return true;
    }
    if (word[n] == '=') {
        *start = n + 1;
        return true;
    }
    return false;
}

static bool program_listed(const char *list, size_t len, const char *name,
                           size_t name_len)
{
    const char *p = list, *end = list + len;

    if (len == 0)
        return true;
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        size_t n = (size_t)((comma != NULL ? comma : end) - p);

        if (n == name_len && memcmp(p, name, n) == 0)
            return true;
        if (comma == NULL)
            return false;
        p = comma + 1;
    }
}

/* The first two bytes of s, as far as it has them, as one number. */
static unsigned head(const char *s)
{
    return s[0] == '\0' ? 0 : (unsigned char)s[0] | (unsigned char)s[1] << 8;
}

bool redact_span(const struct redact_rules *r, char *const *argv,
                 size_t index, size_t *start, size_t *end)
{
    const char *word, *program = NULL;
    size_t count, len = 0, program_length = 0, s = 0, e = 0;
    unsigned w, prev;
    bool found = false, urls = false;

    if (r == NULL)
        return false;
    word = argv[index];
    w = head(word);
    /* "No previous argument": compiled options are ASCII, so 0xff bytes
     * match none (and value_start checks the index anyway). */
    prev = index >= 2 ? head(argv[index - 1]) : 0xffffffffu;
    count = r->count < REDACT_MAX_RULES ? r->count : REDACT_MAX_RULES;
    for (size_t i = 0; i < count; i++) {
        const struct redact_rule *rule = &r->rules[i];
        const char *option;
        unsigned o, mask;

        if (rule->kind == KIND_URL) {
            urls = true;
            continue;
        }
        /* argv[0] is the program, never an option. */
        if (index == 0 || rule->option_length == 0)
            continue;
        /* Two bytes rule out nearly every rule for nearly every argument
         * without a call: this runs for each argument of each exec. */
        option = r->text + rule->option;
        o = (unsigned char)option[0];
        mask = 0xffu;
        if (rule->option_length > 1) {
            o |= (unsigned)(unsigned char)option[1] << 8;
            mask = 0xffffu;
        }
        if (((w & mask) != o && (prev & mask) != o) ||
            !value_start(r, rule, argv, index, &s))
            continue;
        if (len == 0)
            len = strlen(word);
        e = len;
        if (rule->kind == KIND_USERINFO) {
            const char *colon = memchr(word + s, ':', len - s);

            if (colon == NULL)
                continue;
            s = (size_t)(colon + 1 - word);
        }
        if (s == e)
            continue;
        if (program == NULL) {
            const char *slash = strrchr(argv[0], '/');

            program = slash != NULL ? slash + 1 : argv[0];
            program_length = strlen(program);
        }
        if (program_listed(r->text + rule->programs, rule->programs_length,
                           program, program_length))
            widen(&found, start, end, s, e);
    }
    if (urls && url_span(word, &s, &e))
        widen(&found, start, end, s, e);
    return found;
}
