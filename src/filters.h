/* The filter chain: `filter_chain = "name:arg1,arg2;name2"`, compiled at
 * reload into plain data, run on the exec path; the first filter that drops
 * the event wins.  One table of filters, looked up by name. */
#ifndef EXECLOG_FILTERS_H
#define EXECLOG_FILTERS_H

#include <stdint.h>
#include <sys/types.h>

#include "diag.h"
#include "event.h"

#define FILTER_MAX_ITEMS 16
#define FILTER_MAX_VALUES 64
#define FILTER_MAX_TEXT 1024

struct filter_value {
    uint32_t uid;          /* for uid filters */
    uint16_t offset;       /* for name filters: text[offset..offset+length) */
    uint16_t length;
};

struct filter_item {
    uint16_t filter;       /* index in the filters table */
    uint16_t first;        /* its arguments: values[first..first+count) */
    uint16_t count;
};

struct filter_chain {
    uint16_t count;
    uint16_t value_count;
    struct filter_item items[FILTER_MAX_ITEMS];
    struct filter_value values[FILTER_MAX_VALUES];
    char text[FILTER_MAX_TEXT];
};

/* Resolves a user name to a uid at reload (the CLI passes a getpwnam-based
 * function; the core never calls NSS).  0 or -ENOENT. */
/* The kernel keeps this much of a command name (TASK_COMM_LEN - 1). */
#define COMM_MAX 15

/* (uid_t)-1 means "no uid" to the kernel: no process can have it. */
#define UID_LIMIT 4294967294u

/* What a filter's arguments are; FILTER_ARG_NONE: it takes none. */
enum filter_arg { FILTER_ARG_NONE, FILTER_ARG_UID, FILTER_ARG_NAME,
                  FILTER_ARG_COMM, FILTER_ARG_UNIT, FILTER_ARG_COUNT };

/* Index of the filter called name (len bytes), or -ENOENT. */
int filter_find(const char *name, size_t len);

/* Name of the filter at index, NULL past the end of the table. */
const char *filter_name(unsigned index);

/* What the arguments of the filter at index are. */
enum filter_arg filter_arg(unsigned index);

typedef int user_resolver(const char *name, uid_t *uid);

/* Compiles spec into fc.  0, or -EINVAL with d filled (column = byte offset
 * in spec): unknown filter, missing or bad argument, unknown user, too many
 * filters or values.  warn (may be NULL) is called for things that are
 * valid but probably not what was meant (a comm longer than 15 bytes). */
int filter_chain_compile(struct filter_chain *fc, const char *spec,
                         user_resolver *resolve, struct diag *d,
                         void (*warn)(const char *message, void *ctx),
                         void *ctx);

/* 0 if fc (read from a cache file) is well formed, else -EINVAL. */
int filter_chain_validate(const struct filter_chain *fc);

/* Name of the first filter that drops ev, or NULL to log it.  Async-signal-
 * safe; ev->work is scratch memory. */
const char *filter_chain_drops(const struct filter_chain *fc,
                               struct exec_event *ev);

#endif
