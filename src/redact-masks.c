#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "redact.h"

/* A finder's index: none, or a generic rule of its kind. */
static bool finder_ok(const struct redact_rules *r, uint16_t index,
                      uint8_t kind)
{
    return index == REDACT_NO_RULE ||
           (index < r->generic && r->rules[index].kind == kind);
}

int redact_validate(const struct redact_rules *r)
{
    if (r->count > REDACT_MAX_RULES || r->generic > r->count ||
        r->entries > REDACT_MAX_ENTRIES)
        return -EINVAL;
    /* The rules for any program, read for every word.  The program
     * rules and their entries, hundreds of them, are checked where they
     * are used (redact_entry_ok), a few per command, rather than all of
     * them on every process's first exec. */
    for (size_t i = 0; i < r->generic; i++)
        if (!redact_rule_ok(&r->rules[i], true))
            return -EINVAL;
    /* No rules (redact = none): nothing else is read. */
    if (r->count == 0)
        return 0;
    if (!finder_ok(r, r->names_rule, KIND_NAMES) ||
        !finder_ok(r, r->headers_rule, KIND_HEADERS) ||
        !finder_ok(r, r->url_rule, KIND_URL))
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

bool redact_argument_read(const struct redact_masks *m, size_t arg)
{
    return m == NULL || arg < m->limit_arg ||
           (arg == m->limit_arg && m->limit_offset > 0);
}

size_t redact_argument_length(const struct redact_masks *m, char *const *argv,
                              size_t arg)
{
    if (m != NULL && arg == m->limit_arg)
        return m->limit_offset;
    if (m != NULL && arg < m->info_count)
        return m->info[arg] & ~REDACT_BARE;
    return strlen(argv[arg]);
}

void redact_pieces(const char *arg, size_t len, const struct redact_mask *mask,
                   size_t n, redact_piece *piece, void *ctx)
{
    size_t at = 0;

    for (size_t k = 0; k < n; k++) {
        size_t start = mask[k].start < len ? mask[k].start : len;

        piece(ctx, arg + at, start - at);
        if (start < len)
            piece(ctx, "***", 3);
        at = mask[k].end < len ? mask[k].end : len;
    }
    piece(ctx, arg + at, len - at);
}
