/* Where a rendered line goes: one table of outputs, looked up by name. */
#ifndef EXECLOG_OUTPUTS_H
#define EXECLOG_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "event.h"

#define OUTPUT_PATH_MAX 108       /* sun_path */
#define OUTPUT_IDENT_MAX 32

struct output_config {
    uint16_t output;              /* index in the outputs table */
    uint8_t facility;             /* syslog facility number (LOG_AUTHPRIV >> 3) */
    uint8_t level;                /* syslog severity */
    uint32_t send_timeout_ms;     /* longest wait for room in a full queue */
    char path[OUTPUT_PATH_MAX];   /* socket or file, e.g. /dev/log */
    char ident[OUTPUT_IDENT_MAX];
};

#define DEFAULT_SEND_TIMEOUT_MS 100

/* One line to deliver. */
struct output_message {
    const char *text;             /* the rendered line: text or JSON */
    size_t len;
    pid_t pid;                    /* for the syslog header */
    struct exec_event *ev;        /* journald's fields; NULL for a notice */
    char *scratch;                /* OUTPUT_SCRATCH_SIZE bytes, or fewer */
    size_t scratch_size;
    uint64_t repeated;            /* a summary of this many repeats; 0: no */
};

/* journald's payload and one field value at a time. */
#define OUTPUT_VALUE_SIZE (136 * 1024)
#define OUTPUT_PAYLOAD_SIZE (512 * 1024)
#define OUTPUT_SCRATCH_SIZE (OUTPUT_VALUE_SIZE + OUTPUT_PAYLOAD_SIZE)

/* How much of a scratch of size bytes holds one field value; the rest
 * holds journald's payload. */
size_t output_value_size(size_t scratch_size);

/* Sets oc to the output called name, with its argument (NULL if none):
 * 0, or -ENOENT (no such output) / -EINVAL (argument missing, unexpected
 * or not an absolute path that fits). */
int output_select(struct output_config *oc, const char *name, const char *arg);

/* Whether the output sends each argument as a field of its own
 * (journald), which may show more of argv than the text line. */
bool output_carries_fields(const struct output_config *oc);

/* 0 if oc (read from a cache file) is usable, else -EINVAL. */
int output_config_validate(const struct output_config *oc);

/* Characters allowed in syslog_ident: nothing that could end the tag. */
bool output_ident_char(char c);

/* The output names, for messages. */
const char *output_names(void);

/* Delivers m.  0 or a negative errno: no receiver (-ENOENT,
 * -ECONNREFUSED) fails at once, a full queue with -ETIMEDOUT after at most
 * send_timeout_ms, a file that cannot be opened with its errno. */
int output_send(const struct output_config *oc, const struct output_message *m);

#endif
