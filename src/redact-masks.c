#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "redact.h"

static bool rule_ok(const struct redact_rule *rule, bool generic)
{
    bool finder = rule->kind == KIND_NAMES || rule->kind == KIND_HEADERS ||
                  rule->kind == KIND_URL;

    if (rule->kind == 0 || rule->kind >= KIND_COUNT ||
        rule->option > REDACT_MAX_TEXT ||
        rule->option_length > REDACT_MAX_TEXT - rule->option)
        return false;
    /* A finder has no option; any other rule without one would match
     * every word; a finder tied to programs is never run. */
    if (finder)
        return rule->option_length == 0 && generic;
    if (rule->kind == KIND_USERINFO && rule->separator == 0)
        return false;
    if (rule->separator != 0 && rule->kind != KIND_USERINFO &&
        rule->kind != KIND_POSITIONAL)
        return false;
    return rule->option_length > 0 || rule->kind == KIND_POSITIONAL ||
           rule->kind == KIND_STDIN || rule->kind == KIND_PAIR ||
           rule->kind == KIND_KEYWORD;
}

static bool entry_ok(const struct redact_rules *r, const struct redact_entry *e)
{
    return e->rule >= r->generic && e->rule < r->count &&
           e->program <= REDACT_MAX_TEXT &&
           e->program_length <= REDACT_MAX_TEXT - e->program &&
           e->qualifier <= REDACT_MAX_TEXT &&
           e->qualifier_length <= REDACT_MAX_TEXT - e->qualifier;
}

int redact_validate(const struct redact_rules *r)
{
    if (r->count > REDACT_MAX_RULES || r->generic > r->count ||
        r->entries > REDACT_MAX_ENTRIES)
        return -EINVAL;
    for (size_t i = 0; i < r->count; i++)
        if (!rule_ok(&r->rules[i], i < r->generic))
            return -EINVAL;
    for (size_t i = 0; i < r->entries; i++)
        if (!entry_ok(r, &r->entry[i]))
            return -EINVAL;
    /* The buckets: rising, within the entries.  Whether each entry is in
     * the bucket of its name is not checked here, on every process's
     * first exec: a misplaced entry is only never found (the compiler's
     * placing is tested in tests/check_redact). */
    if (r->bucket[0] != 0 || r->bucket[REDACT_BUCKETS] != r->entries)
        return -EINVAL;
    for (size_t b = 0; b < REDACT_BUCKETS; b++)
        if (r->bucket[b] > r->bucket[b + 1])
            return -EINVAL;
    return 0;
}

static bool before(const struct redact_mask *a, const struct redact_mask *b)
{
    return a->arg < b->arg || (a->arg == b->arg && a->start < b->start);
}

void redact_masks_sort(struct redact_masks *out)
{
    struct redact_mask *m = out->mask;
    size_t n = out->count, kept = 0;

    /* Insertion sort: the scan finds them nearly in order. */
    for (size_t i = 1; i < n; i++) {
        struct redact_mask x = m[i];
        size_t j = i;

        while (j > 0 && before(&x, &m[j - 1])) {
            m[j] = m[j - 1];
            j--;
        }
        m[j] = x;
    }
    /* Overlapping or touching: one mask, so that two rules finding parts
     * of one secret show one "***" over the whole of it. */
    for (size_t i = 0; i < n; i++) {
        if (kept > 0 && m[kept - 1].arg == m[i].arg &&
            m[i].start <= m[kept - 1].end) {
            if (m[i].end > m[kept - 1].end)
                m[kept - 1].end = m[i].end;
            continue;
        }
        m[kept++] = m[i];
    }
    out->count = (uint32_t)kept;
}

size_t redact_masks_of(const struct redact_masks *m, size_t arg,
                       size_t *first)
{
    size_t i = *first, n = 0;

    while (i < m->count && m->mask[i].arg < arg)
        i++;
    *first = i;
    while (i + n < m->count && m->mask[i + n].arg == arg)
        n++;
    return n;
}

size_t redact_shown_length(const struct redact_masks *m, size_t arg,
                           size_t len)
{
    if (arg < m->limit_arg)
        return len;
    if (arg > m->limit_arg)
        return 0;
    return len < m->limit_offset ? len : m->limit_offset;
}
