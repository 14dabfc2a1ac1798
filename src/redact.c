#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "redact.h"

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
