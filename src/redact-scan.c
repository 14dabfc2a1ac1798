#include "config.h"

#include <stdint.h>
#include <string.h>

#include "glob.h"
#include "redact-scan.h"
#include "redact-words.h"

void scan_add_mask(struct scan *sc, uint32_t start, uint32_t end,
                     uint16_t rule)
{
    struct redact_masks *m = sc->out;

    if (end <= start)
        return;
    if (m->count == REDACT_MAX_MASKS) {
        /* No room to say which bytes: nothing from here on is shown. */
        if (sc->arg < m->limit_arg ||
            (sc->arg == m->limit_arg && start < m->limit_offset)) {
            m->limit_arg = sc->arg;
            m->limit_offset = start;
        }
        return;
    }
    m->mask[m->count++] = (struct redact_mask){ sc->arg, start, end, rule, 0 };
}

/* Bytes [s, e) of word w. */
void scan_mask_word(struct scan *sc, const struct shell_text *w, size_t s,
                      size_t e, uint16_t rule)
{
    if (e > s)
        scan_add_mask(sc, shell_origin(w, s), shell_origin(w, e - 1) + 1, rule);
}

struct redact_mask scan_range_of(const struct scan *sc,
                                   const struct shell_text *w)
{
    return (struct redact_mask){ sc->arg, shell_origin(w, 0),
                                 shell_origin(w, w->len - 1) + 1, 0, 0 };
}

/* The rule that makes name secret, or NO_RULE. */
uint16_t scan_name_rule(const struct scan *sc, const char *name, size_t len)
{
    while (len > 0 && name[0] == '-') {
        name++;
        len--;
    }
    if (sc->names_rule != NO_RULE && redact_secret_name(name, len))
        return sc->names_rule;
    for (uint16_t i = 0; i < sc->r->generic; i++) {
        const struct redact_rule *rule = &sc->r->rules[i];

        if (rule->kind == KIND_NAME &&
            glob_match(rule_text(sc, rule), rule->option_length, name, len,
                       true))
            return i;
    }
    return NO_RULE;
}

struct finding {
    struct scan *sc;
    uint16_t first, entries;    /* the program's entries, for keep rules */
    const struct shell_text *w;
    uint16_t rule;
};

static bool finding_name(void *ctx, const char *name, size_t len)
{
    struct finding *f = ctx;

    f->rule = scan_name_rule(f->sc, name, len);
    return f->rule != NO_RULE &&
           !scan_kept_name(f->sc, f->first, f->entries, name, len);
}

static void finding_found(void *ctx, size_t start, size_t end)
{
    struct finding *f = ctx;

    scan_mask_word(f->sc, f->w, start, end, f->rule);
}

/* What any word may hold, whoever the program. */
/* WORD_NOT_BARE: what quote.c writes quoted (tests/check_format holds
 * the two to the same bytes): all but letters, digits and _ . / : = @ %
 * + , - */
#define NB WORD_NOT_BARE
static const unsigned char classes[256] = {
    [0x00 ... 0x1f] = NB, [' '] = WORD_BLANK | NB, ['!' ... '$'] = NB,
    ['&'] = NB, ['\''] = WORD_QUOTE | NB, ['(' ... '*'] = NB,
    [':'] = WORD_COLON, [';' ... '<'] = NB, ['='] = WORD_EQUALS,
    ['>' ... '?'] = NB, ['@'] = WORD_AT, ['[' ... '^'] = NB, ['`'] = NB,
    ['{' ... 0xff] = NB,
};
#undef NB

bool scan_byte_is_bare(unsigned char c)
{
    return !(classes[c] & WORD_NOT_BARE);
}

unsigned scan_word_class(const struct shell_text *w)
{
    unsigned c = w->len > 0 && w->text[0] == '-' ? WORD_DASH_FIRST : 0;

    for (size_t i = 0; i < w->len; i++)
        c |= classes[(unsigned char)w->text[i]];
    return c;
}

unsigned scan_argument(const char *s, size_t limit, size_t *len,
                       bool *ended)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned c = s[0] == '-' ? WORD_DASH_FIRST : 0;
    size_t i = 0;

    /* A byte at a time: reading a word at a time past the NUL is safe on
     * the hardware, but reads past the string as C (and ASan) see it. */
    while (i < limit && p[i] != '\0')
        c |= classes[p[i++]];
    *len = i;
    *ended = i < limit || p[i] == '\0';
    return c;
}

void scan_find_anywhere(struct scan *sc, uint16_t first, uint16_t entries,
                        const struct shell_text *w, unsigned word_class)
{
    struct finding f = { sc, first, entries, w, NO_RULE };
    const struct redact_finder finder = { finding_name, finding_found, &f };
    bool colon = word_class & WORD_COLON;

    if (word_class & WORD_EQUALS)
        redact_find_assignments(w->text, w->len, &finder);
    if (colon && w->text[0] == '/')
        redact_find_slash_option(w->text, w->len, &finder);
    f.rule = sc->headers_rule;
    if (colon && f.rule != NO_RULE)
        redact_find_headers(w->text, w->len, &finder);
    /* SQL has blanks between its words. */
    if ((word_class & WORD_BLANK) && f.rule != NO_RULE)
        redact_find_sql(w->text, w->len, &finder);
    f.rule = sc->url_rule;
    if (colon && f.rule != NO_RULE)
        redact_find_urls(w->text, w->len, &finder);
    if (colon && (word_class & WORD_AT) && f.rule != NO_RULE)
        redact_find_bare_userinfo(w->text, w->len, &finder);
}

/* Whether a keep rule of the program (or of any) says name holds no
 * secret. */
bool scan_kept_name(const struct scan *sc, uint16_t first, uint16_t entries,
                    const char *name, size_t len)
{
    const struct redact_rules *r = sc->r;

    for (uint16_t k = 0; k < entries; k++) {
        const struct redact_rule *rule = &r->rules[r->entry[first + k].rule];

        if (rule->kind == KIND_KEEP && rule->option_length == len &&
            memcmp(rule_text(sc, rule), name, len) == 0)
            return true;
    }
    for (uint16_t i = 0; i < r->generic; i++)
        if (r->rules[i].kind == KIND_KEEP &&
            r->rules[i].option_length == len &&
            memcmp(rule_text(sc, &r->rules[i]), name, len) == 0)
            return true;
    return false;
}

