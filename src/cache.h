/* The compiled configuration: what the library works from.
 *
 * It is plain data (offsets, fixed arrays, no pointers), so that
 * `execlog reload` can write it to /etc/execlog.cache and the library can use
 * it straight from a read().  Until that file exists, the built-in defaults
 * below are in force. */
#ifndef EXECLOG_CACHE_H
#define EXECLOG_CACHE_H

#include <stdint.h>

#include "format.h"
#include "outputs.h"

#define DEFAULT_MAX_ARG_LENGTH 4096
#define DEFAULT_MAX_MESSAGE_LENGTH 16384

struct config {
    struct format format;
    struct output_config output;
    uint32_t max_arg_length;
    uint32_t max_message_length;
};

/* Fills cfg with the built-in defaults.  Returns 0, or a negative errno if
 * the built-in format does not compile (a bug caught by the unit tests). */
int config_defaults(struct config *cfg);

#endif
