/* Fuzz target: the redaction compiler (`redact = ...`) and its matcher.
 *
 * Input: the spec, a NUL, then NUL-separated arguments.  Checks that
 *   - compiled rules pass redact_validate; refused ones leave no rule, with
 *     a message and a column inside the spec;
 *   - redact_span reports spans inside the argument;
 *   - quote_argv with the rules reads back as the arguments with exactly
 *     those spans shown as ***. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct redact_rules rules;
    struct fuzz_parts p;
    size_t argc;
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
        size_t start = 0, end = 0, len = strlen(p.part[1 + i]);

        if (redact_span(&rules, p.part + 1, i, &start, &end))
            FUZZ_ASSERT(start <= end && end <= len, "span [%zu, %zu) of "
                        "argument %zu (%zu bytes)", start, end, i, len);
    }
    fuzz_check_round_trip(p.part + 1, argc, &rules);
out:
    fuzz_parts_free(&p);
    return 0;
}
