#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "redact-defaults.h"

const char redact_default_spec[] = "defaults";

static const struct {
    const char *name;
    uint8_t kind;
    uint8_t separator;
} rule_words[] = {
    { "value", KIND_VALUE, 0 },
    { "separate", KIND_SEPARATE, 0 },
    { "attached", KIND_ATTACHED, 0 },
    { "userinfo", KIND_USERINFO, ':' },
    { "userinfo%", KIND_USERINFO, '%' },
    { "userinfo,", KIND_USERINFO, ',' },
    { "userinfo/", KIND_USERINFO, '/' },
    { "passarg", KIND_PASSARG, 0 },
    { "cookie", KIND_COOKIE, 0 },
    { "novalue", KIND_NOVALUE, 0 },
    { "keep", KIND_KEEP, 0 },
    { "positional", KIND_POSITIONAL, 0 },
    { "positional/", KIND_POSITIONAL, '/' },
    { "pair", KIND_PAIR, 0 },
    { "keyword", KIND_KEYWORD, 0 },
    { "stdin", KIND_STDIN, 0 },
    { "name", KIND_NAME, 0 },
    { "names", KIND_NAMES, 0 },
    { "headers", KIND_HEADERS, 0 },
    { "url", KIND_URL, 0 },
    { "defaults", KIND_DEFAULTS, 0 },
    { "none", KIND_NONE, 0 },
    { NULL, 0, 0 },
};

/* One rule as written, before it is placed. */
struct parsed {
    uint8_t kind, separator, position;
    const char *option, *programs;
    size_t option_length, programs_length, column;
};

#define MAX_PARSED (REDACT_MAX_RULES + 1)

struct compiler {
    struct redact_rules *r;
    size_t used;            /* bytes of r->text taken */
    const char *none;       /* where 'none' was given, or NULL */
    bool defaults;
    size_t count;
    struct parsed parsed[MAX_PARSED];
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int bad_byte(struct diag *d, size_t column, char byte,
                    const char *where)
{
    unsigned char c = (unsigned char)byte;

    if (c > 0x20 && c < 0x7f)
        return diag_fail(d, column, "invalid character '%c' in %s", c, where);
    return diag_fail(d, column, "invalid byte 0x%02x in %s", c, where);
}

/* Option text must never hold '=' (it ends the option in OPTION=VALUE),
 * nor the spec's own separators. */
static bool option_byte_ok(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != '=' && c != ',' && c != '@';
}

/* Basenames as the kernel allows them, minus what the list syntax uses;
 * one blank separates a program from its subcommand or option. */
static int check_programs(const char *list, size_t len, size_t column,
                          struct diag *d)
{
    const char *p = list, *end = list + len;

    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma != NULL ? comma : end;
        const char *blank = memchr(p, ' ', (size_t)(stop - p));

        if (stop == p || blank == p || (blank != NULL && blank + 1 == stop))
            return diag_fail(d, column + (size_t)(p - list),
                             "empty program name");
        for (const char *c = p; c < stop; c++) {
            unsigned char b = (unsigned char)*c;

            if (*c == '/')
                return diag_fail(d, column + (size_t)(p - list), "program "
                                 "'%.*s' is a path: rules match the "
                                 "basename of argv[0]", (int)(stop - p), p);
            if ((b <= 0x20 && !(b == ' ' && c == blank)) || b == 0x7f ||
                *c == '@' || *c == ';')
                return bad_byte(d, column + (size_t)(c - list), *c,
                                "program name");
        }
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

static int rule_kind(const char *s, size_t len, uint8_t *separator)
{
    for (size_t i = 0; rule_words[i].name != NULL; i++)
        if (strlen(rule_words[i].name) == len &&
            strncmp(rule_words[i].name, s, len) == 0) {
            *separator = rule_words[i].separator;
            return rule_words[i].kind;
        }
    return -ENOENT;
}

static int parse_list(struct compiler *c, const char *spec, size_t base,
                      struct diag *d);

/* The parts a kind needs: an option (o), programs (p); '-' none, '?'
 * optional, '!' required. */
static int check_parts(const struct parsed *pr, const char *word,
                       size_t word_len, struct diag *d)
{
    bool whole_command = pr->kind == KIND_STDIN || pr->kind == KIND_PAIR ||
                         pr->kind == KIND_KEYWORD;
    bool needs_option = !whole_command && pr->kind < KIND_NAMES;
    bool needs_programs = pr->kind == KIND_POSITIONAL || whole_command;
    bool no_programs = pr->kind >= KIND_NAME;

    if (pr->kind == KIND_NAME && pr->option_length == 0)
        return diag_fail(d, pr->column, "redact rule 'name' needs a "
                         "pattern, as in 'name:*_secret'");
    if (needs_option && pr->option_length == 0)
        return diag_fail(d, pr->column, "redact rule '%.*s' needs an "
                         "option, as in '%.*s:--password'", (int)word_len,
                         word, (int)word_len, word);
    if (!needs_option && pr->option != NULL && pr->kind != KIND_NAME)
        return diag_fail(d, pr->column + word_len, "redact rule '%.*s' "
                         "takes no option", (int)word_len, word);
    if (needs_programs && pr->programs_length == 0)
        return diag_fail(d, pr->column, "redact rule '%.*s' needs programs, "
                         "as in '%.*s@htpasswd'", (int)word_len, word,
                         (int)word_len, word);
    if (no_programs && pr->programs != NULL)
        return diag_fail(d, pr->column + word_len, "redact rule '%.*s' "
                         "takes no program list", (int)word_len, word);
    return 0;
}

static int parse_option(struct parsed *pr, const char *spec, struct diag *d)
{
    for (size_t i = 0; i < pr->option_length; i++)
        if (!option_byte_ok((unsigned char)pr->option[i]))
            return bad_byte(d, (size_t)(pr->option - spec) + i,
                            pr->option[i], "redact option");
    if (pr->kind != KIND_POSITIONAL)
        return 0;
    if (pr->option_length == 0 || pr->option_length > 3 ||
        strspn(pr->option, "0123456789") < pr->option_length ||
        atoi(pr->option) > 255)
        return diag_fail(d, (size_t)(pr->option - spec), "positional "
                         "rule needs a number from 0 (the last operand) to "
                         "255");
    pr->position = (uint8_t)atoi(pr->option);
    if (pr->position == 0 && pr->separator != 0)
        return diag_fail(d, (size_t)(pr->option - spec), "'positional/' "
                         "needs an operand's number: the last operand is "
                         "hidden whole");
    return 0;
}

/* One rule: s[0..len), blanks already trimmed. */
static int parse_rule(struct compiler *c, const char *spec, const char *s,
                      size_t len, struct diag *d)
{
    size_t name_len = 0;
    const char *end = s + len, *at;
    struct parsed pr = { .column = (size_t)(s - spec) };
    int kind, r;

    while (name_len < len && s[name_len] != ':' && s[name_len] != '@')
        name_len++;
    kind = rule_kind(s, name_len, &pr.separator);
    if (kind < 0)
        return diag_fail(d, pr.column, "unknown redact rule '%.*s'",
                         (int)(name_len < 64 ? name_len : 64), s);
    if (kind == KIND_NONE || kind == KIND_DEFAULTS) {
        const char **seen = kind == KIND_NONE ? &c->none : NULL;

        if (name_len < len)
            return diag_fail(d, pr.column + name_len, "redact rule '%.*s' "
                             "takes no option or program list",
                             (int)name_len, s);
        if (seen != NULL ? *seen != NULL : c->defaults)
            return diag_fail(d, pr.column, "'%.*s' given twice",
                             (int)name_len, s);
        if (seen != NULL) {
            *seen = s;
            return 0;
        }
        c->defaults = true;
        for (size_t i = 0; redact_builtin_rules[i] != NULL; i++) {
            r = parse_list(c, redact_builtin_rules[i], pr.column, d);
            if (r < 0)
                return r;
        }
        return 0;
    }
    pr.kind = (uint8_t)kind;
    at = memchr(s, '@', len);
    if (name_len < len && s[name_len] == ':') {
        pr.option = s + name_len + 1;
        pr.option_length = (size_t)((at != NULL ? at : end) - pr.option);
    }
    if (at != NULL) {
        pr.programs = at + 1;
        pr.programs_length = (size_t)(end - at - 1);
        if (pr.programs_length == 0)
            return diag_fail(d, (size_t)(at - spec), "empty program list "
                             "after '@'");
        r = check_programs(pr.programs, pr.programs_length,
                           (size_t)(pr.programs - spec), d);
        if (r < 0)
            return r;
    }
    r = check_parts(&pr, s, name_len, d);
    if (r == 0)
        r = parse_option(&pr, spec, d);
    if (r < 0)
        return r;
    if (c->count == MAX_PARSED - 1)
        return diag_fail(d, pr.column, "too many redact rules (at most %d, "
                         "'defaults' counting as many as it holds)",
                         REDACT_MAX_RULES);
    c->parsed[c->count++] = pr;
    return 0;
}

/* base: a built-in rule's errors point at 'defaults' in the spec. */
static int parse_list(struct compiler *c, const char *spec, size_t base,
                      struct diag *d)
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
            return diag_fail(d, base + (size_t)(p - spec),
                             "empty redact rule");
        r = parse_rule(c, spec, s, (size_t)(e - s), d);
        if (r < 0) {
            d->column += base;
            return r;
        }
        if (semicolon == NULL)
            return 0;
        p = semicolon + 1;
    }
}

/* Puts s[0..n) in the rules' text, where it is already if it is. */
static int put_text(struct compiler *c, const char *s, size_t n,
                    uint16_t *at, size_t column, struct diag *d)
{
    struct redact_rules *r = c->r;

    /* No text (a finder's option): s may be NULL. */
    if (n == 0) {
        *at = 0;
        return 0;
    }
    for (size_t i = 0; i + n <= c->used; i++)
        if (memcmp(r->text + i, s, n) == 0) {
            *at = (uint16_t)i;
            return 0;
        }
    if (n > REDACT_MAX_TEXT - c->used)
        return diag_fail(d, column, "redact rules are too long (at most %d "
                         "bytes of options and program names)",
                         REDACT_MAX_TEXT);
    memcpy(r->text + c->used, s, n);
    *at = (uint16_t)c->used;
    c->used += n;
    return 0;
}

static int place_entries(struct compiler *c, const struct parsed *pr,
                         uint16_t index, struct diag *d)
{
    struct redact_rules *r = c->r;
    const char *p = pr->programs, *end = p + pr->programs_length;

    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma != NULL ? comma : end;
        const char *blank = memchr(p, ' ', (size_t)(stop - p));
        const char *name_end = blank != NULL ? blank : stop;
        struct redact_entry *e = &r->entry[r->entries];
        int rc;

        if (r->entries == REDACT_MAX_ENTRIES || name_end - p > 255 ||
            stop - name_end > 255)
            return diag_fail(d, pr->column, "too many redact programs (at "
                             "most %d in all)", REDACT_MAX_ENTRIES);
        e->rule = index;
        e->program_length = (uint8_t)(name_end - p);
        rc = put_text(c, p, e->program_length, &e->program, pr->column, d);
        if (rc == 0 && blank != NULL) {
            e->qualifier_length = (uint8_t)(stop - blank - 1);
            rc = put_text(c, blank + 1, e->qualifier_length, &e->qualifier,
                          pr->column, d);
        }
        if (rc < 0)
            return rc;
        r->entries++;
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

static int place_rule(struct compiler *c, const struct parsed *pr,
                      struct diag *d)
{
    struct redact_rules *r = c->r;
    struct redact_rule *rule = &r->rules[r->count];
    int rc;

    if (r->count == REDACT_MAX_RULES)
        return diag_fail(d, pr->column, "too many redact rules (at most %d, "
                         "'defaults' counting as many as it holds)",
                         REDACT_MAX_RULES);
    rule->kind = pr->kind;
    rule->separator = pr->separator;
    rule->position = pr->position;
    rule->option_length = (uint16_t)pr->option_length;
    rc = put_text(c, pr->option, pr->option_length, &rule->option,
                  pr->column, d);
    if (rc < 0)
        return rc;
    r->count++;
    return pr->programs != NULL
               ? place_entries(c, pr, (uint16_t)(r->count - 1), d)
               : 0;
}

static const struct redact_rules *sorting;

static int entry_order(const void *a, const void *b)
{
    const struct redact_entry *x = a, *y = b;
    const char *t = sorting->text;
    unsigned bx = redact_bucket(t + x->program, x->program_length);
    unsigned by = redact_bucket(t + y->program, y->program_length);
    int cmp;

    if (bx != by)
        return bx < by ? -1 : 1;
    cmp = memcmp(t + x->program, t + y->program,
                 x->program_length < y->program_length ? x->program_length
                                                       : y->program_length);
    if (cmp != 0)
        return cmp;
    if (x->program_length != y->program_length)
        return x->program_length < y->program_length ? -1 : 1;
    /* Deterministic, so that the cache file is reproducible. */
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Sorts the entries by bucket and name, so that a program's rules are one
 * run found by one lookup. */
static void index_entries(struct redact_rules *r)
{
    size_t b = 0;

    sorting = r;
    qsort(r->entry, r->entries, sizeof(r->entry[0]), entry_order);
    for (size_t i = 0; i < r->entries; i++) {
        unsigned own = redact_bucket(r->text + r->entry[i].program,
                                     r->entry[i].program_length);

        while (b <= own)
            r->bucket[b++] = (uint16_t)i;
    }
    while (b <= REDACT_BUCKETS)
        r->bucket[b++] = r->entries;
}

/* What every scan would otherwise work out from the generic rules. */
static void index_generic(struct redact_rules *r)
{
    r->names_rule = r->headers_rule = r->url_rule = REDACT_NO_RULE;
    for (uint16_t i = r->generic; i-- > 0;) {
        uint8_t kind = r->rules[i].kind;

        if (kind == KIND_NAMES)
            r->names_rule = i;
        else if (kind == KIND_HEADERS)
            r->headers_rule = i;
        else if (kind == KIND_URL)
            r->url_rule = i;
        r->generic_options |= kind >= KIND_VALUE && kind <= KIND_KEEP;
    }
}

int redact_compile(struct redact_rules *r, const char *spec, struct diag *d)
{
    static struct compiler c;
    int rc;

    /* Whole, so that the cache file written from it is reproducible. */
    memset(r, 0, sizeof(*r));
    memset(&c, 0, sizeof(c));
    c.r = r;
    if (spec[strspn(spec, " \t")] == '\0')
        return diag_fail(d, 0, "empty redact spec (write 'none' for no "
                         "redaction)");
    rc = parse_list(&c, spec, 0, d);
    if (rc == 0 && c.none != NULL && (c.count > 0 || c.defaults))
        rc = diag_fail(d, (size_t)(c.none - spec), "'none' cannot be "
                       "combined with other redact rules");
    /* The rules for any program first: the scan walks them for every
     * word. */
    for (size_t pass = 0; pass < 2 && rc == 0; pass++) {
        for (size_t i = 0; i < c.count && rc == 0; i++)
            if ((c.parsed[i].programs == NULL) == (pass == 0))
                rc = place_rule(&c, &c.parsed[i], d);
        if (pass == 0)
            r->generic = r->count;
    }
    if (rc < 0) {
        memset(r, 0, sizeof(*r));
        return rc;
    }
    index_entries(r);
    index_generic(r);
    return 0;
}

void redact_describe(const struct redact_rules *r, size_t index, char *buf,
                     size_t size)
{
    const struct redact_rule *rule = &r->rules[index];
    const char *kind = "?";
    size_t len;

    for (size_t i = 0; rule_words[i].name != NULL; i++)
        if (rule_words[i].kind == rule->kind &&
            rule_words[i].separator == rule->separator)
            kind = rule_words[i].name;
    len = (size_t)snprintf(buf, size, "%s%s%.*s", kind,
                           rule->option_length > 0 ? ":" : "",
                           (int)rule->option_length, r->text + rule->option);
    for (size_t i = 0, n = 0; i < r->entries && len < size; i++) {
        const struct redact_entry *e = &r->entry[i];

        if (e->rule != index)
            continue;
        len += (size_t)snprintf(buf + len, size - len, "%s%.*s%s%.*s",
                                n++ == 0 ? "@" : ",", e->program_length,
                                r->text + e->program,
                                e->qualifier_length > 0 ? " " : "",
                                e->qualifier_length, r->text + e->qualifier);
    }
}
