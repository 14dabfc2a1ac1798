/* Redaction of secrets on command lines: rules compiled at reload from the
 * `redact` key, applied word by word while the command line is rendered, so
 * the event is logged with "***" in place of the secret. */
#ifndef EXECLOG_REDACT_H
#define EXECLOG_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

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

#define REDACT_MAX_RULES 32
#define REDACT_MAX_TEXT 1024

struct redact_rule {
    uint8_t kind;          /* how the secret follows the option */
    uint16_t option;       /* text[option..option+option_length) */
    uint16_t option_length;
    uint16_t programs;     /* comma-separated basenames; length 0 = any */
    uint16_t programs_length;
};

struct redact_rules {
    uint16_t count;
    struct redact_rule rules[REDACT_MAX_RULES];
    char text[REDACT_MAX_TEXT];
};

/* The built-in rules, as a spec: what `redact` is when the ini is silent. */
extern const char redact_default_spec[];

/* Compiles spec into r.  0, or -EINVAL with d filled (column = byte offset
 * in spec). */
int redact_compile(struct redact_rules *r, const char *spec, struct diag *d);

/* 0 if r (read from a cache file) is well formed, else -EINVAL. */
int redact_validate(const struct redact_rules *r);

/* Whether argv[index] holds a secret: true with [*start, *end) the bytes
 * to replace by "***".  Async-signal-safe: no allocation. */
bool redact_span(const struct redact_rules *r, char *const *argv,
                 size_t index, size_t *start, size_t *end);

#endif
