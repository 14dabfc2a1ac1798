/* The ini keys, each described once: name, type, default, the function
 * that compiles a value into the configuration, the one that prints it
 * back, and a line of documentation.
 *
 * Everything about a key is derived from this table: libconfuse's options
 * and the validation of each value (ini.c), what `execlog show` prints
 * (ini_print), and the built-in configuration (config_defaults, run by
 * src/gen-builtin at build time), which compiles each default through the
 * same function as a value read from the ini.  Compile side only, and
 * free of libconfuse: the compilers take the value as text. */
#ifndef EXECLOG_KEYS_H
#define EXECLOG_KEYS_H

#include <stddef.h>

#include "cache.h"
#include "diag.h"
#include "filters.h"

/* How a value is written in the ini (and which libconfuse type reads it). */
enum key_type {
    KEY_TEXT,   /* any text, kept in the sources; shown in double quotes */
    KEY_WORD,   /* one word (a name); shown as it is */
    KEY_INT,    /* a number; compilers get it in decimal */
    KEY_BOOL,   /* compilers get "yes" or "no" */
};

/* Where a compiler puts a value, and what it may call. */
struct key_target {
    struct config *config;
    struct config_sources *sources;   /* NULL: the ini text is not kept */
    user_resolver *resolve_user;      /* NULL: a user name is an error */
    /* Called for a value that is valid but probably not what was meant;
     * NULL: not reported. */
    void (*warn)(const char *message, void *ctx);
    void *warn_ctx;
};

/* d->column of a message about the whole value rather than a place in it. */
#define KEY_NO_COLUMN ((size_t)-1)

/* The longest value a printer writes (a source, with its NUL). */
#define KEY_VALUE_MAX CONFIG_SOURCE_MAX

struct key {
    const char *name;
    enum key_type type;
    const char *default_text;   /* as it would be written in the ini */
    /* 0, or -EINVAL with d filled (column KEY_NO_COLUMN or a byte offset
     * in text); the message does not repeat the key's name. */
    int (*compile)(const struct key_target *t, const char *text,
                   struct diag *d);
    /* The value in force as ini text, unquoted, into buf (KEY_VALUE_MAX
     * bytes). */
    void (*print)(const struct config *c, const struct config_sources *s,
                  char *buf);
    const char *doc;            /* one line, printed by `execlog show` */
};

#define KEY_COUNT 12
extern const struct key keys[KEY_COUNT];

/* The key called name, or NULL. */
const struct key *key_find(const char *name);

/* Compiles every key's default into cfg (and sources, unless NULL), from
 * zero bytes, so that equal configurations are equal byte for byte.  0,
 * or a negative errno with d filled and *failed set to the key (a bug). */
int keys_compile_defaults(struct config *cfg, struct config_sources *sources,
                          const struct key **failed, struct diag *d);

#endif
