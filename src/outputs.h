/* Where a rendered line goes: one table of outputs, looked up by name. */
#ifndef EXECLOG_OUTPUTS_H
#define EXECLOG_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define OUTPUT_PATH_MAX 108       /* sun_path */
#define OUTPUT_IDENT_MAX 32

struct output_config {
    uint16_t output;              /* index in the outputs table */
    uint8_t facility;             /* syslog facility number (LOG_AUTHPRIV >> 3) */
    uint8_t level;                /* syslog severity */
    uint32_t send_timeout_ms;     /* longest wait for room in a full queue */
    char path[OUTPUT_PATH_MAX];   /* the output's argument, e.g. a socket */
    char ident[OUTPUT_IDENT_MAX];
};

#define DEFAULT_SEND_TIMEOUT_MS 100

void output_config_defaults(struct output_config *oc);

/* 0 if oc (read from a cache file) is usable, else -EINVAL. */
int output_config_validate(const struct output_config *oc);

/* Characters allowed in syslog_ident: nothing that could end the tag. */
bool output_ident_char(char c);

/* Index of the output called name, or -ENOENT. */
int output_find(const char *name);

/* Whether the output at index takes a path (name:PATH). */
bool output_takes_path(int index);

/* The output names, comma-separated, for messages. */
const char *output_names(void);

/* Sends one line; pid goes into the syslog header.  Returns 0 or a negative
 * errno: no receiver (-ENOENT, -ECONNREFUSED) fails at once, a full queue
 * fails with -ETIMEDOUT after at most send_timeout_ms. */
int output_send(const struct output_config *oc, pid_t pid, const char *msg,
                size_t len);

#endif
