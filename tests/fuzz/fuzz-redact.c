/* Fuzz target: the redaction compiler (`redact = ...`) and the scan.
 *
 * Input: the spec, a NUL, then NUL-separated arguments.  Checks that
 *   - compiled rules pass redact_validate; refused ones leave no rule, with
 *     a message and a column inside the spec;
 *   - redact_scan's masks are sorted, apart, non-empty, inside their
 *     argument and before the scan's limit, each naming a rule or none;
 *   - quote_argv with the masks reads back as the arguments with exactly
 *     those ranges shown as ***, with the whole argv read and with half
 *     of it (then nothing past the limit is shown). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "quote.h"
#include "fuzz-util.h"
#include "redact.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

static void check_masks(const struct redact_rules *rules, char *const *argv,
                        size_t argc, const struct redact_masks *m,
                        size_t budget)
{
    size_t read = 0;

    FUZZ_ASSERT(m->count <= REDACT_MAX_MASKS, "%u masks", m->count);
    for (size_t i = 0; i < m->count; i++) {
        const struct redact_mask *k = &m->mask[i];
        const struct redact_mask *prev = i > 0 ? &m->mask[i - 1] : NULL;
        char name[512];

        FUZZ_ASSERT(k->arg < argc && k->start < k->end &&
                    k->end <= strlen(argv[k->arg]), "mask %zu [%u, %u) of "
                    "argument %u (%zu arguments)", i, k->start, k->end,
                    k->arg, argc);
        /* Merged: touching masks would show "******". */
        FUZZ_ASSERT(prev == NULL || prev->arg < k->arg ||
                    (prev->arg == k->arg && prev->end < k->start),
                    "mask %zu [%u, %u) of %u after [%u, %u) of %u", i,
                    k->start, k->end, k->arg, prev->start, prev->end,
                    prev->arg);
        FUZZ_ASSERT(k->arg < m->limit_arg ||
                    (k->arg == m->limit_arg && k->start < m->limit_offset),
                    "mask %zu at %u:%u past the limit %u:%u", i, k->arg,
                    k->start, m->limit_arg, m->limit_offset);
        FUZZ_ASSERT(k->rule < rules->count || k->rule == 0xffff,
                    "mask %zu names rule %u of %u", i, k->rule,
                    rules->count);
        if (k->rule < rules->count) {
            redact_describe(rules, k->rule, name, sizeof(name));
            FUZZ_ASSERT(memchr(name, '\0', sizeof(name)) != NULL,
                        "description not terminated");
        }
    }
    /* What was read fits the budget. */
    for (size_t i = 0; i < argc && i < m->limit_arg; i++)
        read += strlen(argv[i]) + 1;
    if (m->limit_arg < argc)
        read += m->limit_offset;
    FUZZ_ASSERT(read <= budget + 1, "%zu bytes read on a budget of %zu",
                read, budget);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct redact_rules rules;
    static struct redact_masks masks;
    struct fuzz_parts p;
    size_t argc, total = 0;
    struct diag d;
    int r;

    if (size > 1 << 14)
        return 0;
    fuzz_split(&p, data, size, FUZZ_MAX_PARTS);
    memset(&d, 0, sizeof(d));
    r = redact_compile(&rules, p.part[0], &d);
    if (r < 0) {
        FUZZ_ASSERT(r == -EINVAL, "redact_compile returned %d", r);
        FUZZ_ASSERT(rules.count == 0, "refused, yet %u rules remain",
                    rules.count);
        fuzz_check_diag(&d, p.part[0]);
        goto out;
    }
    FUZZ_ASSERT(redact_validate(&rules) == 0, "redact_compile('%s') gives "
                "rules that redact_validate refuses", p.part[0]);
    argc = p.count - 1;
    if (argc == 0)
        goto out;
    for (size_t i = 0; i < argc; i++) {
        total += strlen(p.part[1 + i]) + 1;
        (void)redact_names_secret(&rules, p.part[1 + i],
                                  strlen(p.part[1 + i]));
    }
    redact_scan(&rules, p.part + 1, total, &fuzz_room, &masks);
    check_masks(&rules, p.part + 1, argc, &masks, total);
    fuzz_check_masked_round_trip(p.part + 1, argc, &masks);
    /* Half the budget: what lies past it is neither read nor shown. */
    redact_scan(&rules, p.part + 1, total / 2, &fuzz_room, &masks);
    check_masks(&rules, p.part + 1, argc, &masks, total / 2);
    fuzz_check_masked_round_trip(p.part + 1, argc, &masks);
out:
    fuzz_parts_free(&p);
    return 0;
}
