#include "config.h"

#include <string.h>

#include "cache.h"

int config_defaults(struct config *cfg)
{
    struct diag d;

    memset(cfg, 0, sizeof(*cfg));
    output_config_defaults(&cfg->output);
    cfg->max_arg_length = DEFAULT_MAX_ARG_LENGTH;
    cfg->max_message_length = DEFAULT_MAX_MESSAGE_LENGTH;
    return format_compile(&cfg->format, DEFAULT_MESSAGE_FORMAT, &d);
}
