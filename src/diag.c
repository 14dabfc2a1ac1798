#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "diag.h"

int diag_fail(struct diag *d, size_t column, const char *fmt, ...)
{
    va_list ap;

    d->column = column;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof(d->message), fmt, ap);
    va_end(ap);
    return -EINVAL;
}
