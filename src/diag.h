/* What went wrong when compiling a configuration value: the column (byte
 * offset in the value) and a message, for `execlog check` to print after
 * FILE:LINE.  Compile-time only: never used on the exec path. */
#ifndef EXECLOG_DIAG_H
#define EXECLOG_DIAG_H

#include <stddef.h>

struct diag {
    size_t column;
    char message[200];
};

/* Fills d and returns -EINVAL, so that callers can `return diag_fail(...)`. */
int diag_fail(struct diag *d, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
