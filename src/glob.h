/* Shell-style patterns of the filters and the redaction rules. */
#ifndef EXECLOG_GLOB_H
#define EXECLOG_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* Whether s[0..slen) matches pattern[0..plen): '*' matches any run of
 * bytes, '?' any one byte; fold_case: ASCII letters in either case.
 * Linear in practice: one backtracking point, the last '*'. */
bool glob_match(const char *pattern, size_t plen, const char *s, size_t slen,
                bool fold_case);

#endif
