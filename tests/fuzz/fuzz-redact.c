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

#include "format.h"
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
    size_t argc, total = 0, at;
    char *buf, *mem, *expect, **words;
    const char *why = NULL, *unsafe;
    struct textbuf tb;
    struct diag d;
    int r, n;

    if (size > 1 << 14)
        return 0;
    fuzz_split(&p, data, size, FUZZ_MAX_PARTS);
    memset(&d, 0, sizeof(d));
    r = redact_compile(&rules, p.part[0], &d);
    if (r < 0) {
        FUZZ_ASSERT(r == -EINVAL, "redact_compile returned %d", r);
        FUZZ_ASSERT(rules.count == 0, "refused, yet %u rules remain",
                    rules.count);
        FUZZ_ASSERT(d.column <= strlen(p.part[0]), "column %zu past the end "
                    "of '%s'", d.column, p.part[0]);
        FUZZ_ASSERT(memchr(d.message, '\0', sizeof(d.message)) != NULL &&
                    d.message[0] != '\0', "refused without a message");
        goto out;
    }
    FUZZ_ASSERT(redact_validate(&rules) == 0, "redact_compile('%s') gives "
                "rules that redact_validate refuses", p.part[0]);
    argc = p.count - 1;
    if (argc == 0)
        goto out;
    for (size_t i = 0; i < argc; i++) {
        size_t start = 0, end = 0, len = strlen(p.part[1 + i]);

        total += len;
        if (redact_span(&rules, p.part + 1, i, &start, &end))
            FUZZ_ASSERT(start <= end && end <= len, "span [%zu, %zu) of "
                        "argument %zu (%zu bytes)", start, end, i, len);
    }
    buf = malloc(total * 4 + argc * 32 + 16);
    mem = malloc(total + argc * 8 + 16);
    expect = malloc(total + 8);
    words = calloc(argc + 1, sizeof(*words));
    if (buf == NULL || mem == NULL || expect == NULL || words == NULL)
        abort();
    textbuf_init(&tb, buf, total * 4 + argc * 32 + 16);
    quote_argv(&tb, p.part + 1, (size_t)-1, &rules);
    FUZZ_ASSERT(tb.lost == 0, "%zu bytes lost", tb.lost);
    unsafe = fuzz_text_unsafe(tb.data, tb.len, &at, false);
    FUZZ_ASSERT(unsafe == NULL, "%s at %zu in %.*s", unsafe, at, (int)tb.len,
                tb.data);
    n = fuzz_unquote(tb.data, tb.len, words, argc, mem, total + argc * 8 + 16,
                     &why);
    FUZZ_ASSERT(n == (int)argc, "%d words for %zu arguments (%s) in %.*s", n,
                argc, why != NULL ? why : "", (int)tb.len, tb.data);
    for (size_t i = 0; i < argc; i++) {
        size_t start = 0, end = 0;
        bool masked = redact_span(&rules, p.part + 1, i, &start, &end);

        fuzz_expected_word(p.part[1 + i], masked, start, end, expect);
        FUZZ_ASSERT(strcmp(words[i], expect) == 0, "word %zu reads back as "
                    "'%s', not '%s', in %.*s", i, words[i], expect,
                    (int)tb.len, tb.data);
    }
    free(words);
    free(expect);
    free(mem);
    free(buf);
out:
    fuzz_parts_free(&p);
    return 0;
}
