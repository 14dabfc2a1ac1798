/* The built-in configuration, in force when there is no cache or the
 * cache cannot be used: compiled at build time (src/gen-builtin.c). */
#ifndef EXECLOG_BUILTIN_H
#define EXECLOG_BUILTIN_H

#include "cache.h"

const struct config *builtin_config(void);

#endif
