/* The ini keys, each described once: name, type, default, how a value
 * compiles into the configuration and prints back (a function of its own,
 * or the type's, given where the value lives and its range or names), and
 * a line of documentation.
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
    KEY_WORD,   /* one word; shown as it is */
    KEY_NAME,   /* one of the key's names, kept as a number; shown as it is */
    KEY_INT,    /* a number in a range; compiled as decimal text */
    KEY_BOOL,   /* compiled as "yes" or "no" (or true/false, on/off) */
};

/* A name a value may take, and the number compiled for it. */
struct key_name {
    const char *name;
    int value;
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

/* The longest value key_print writes (a source, with its NUL). */
#define KEY_VALUE_MAX CONFIG_SOURCE_MAX

struct key {
    const char *name;
    enum key_type type;
    const char *default_text;   /* as it would be written in the ini */
    /* KEY_TEXT and KEY_WORD: compiles text into t; 0, or -EINVAL with d
     * filled (column KEY_NO_COLUMN or a byte offset in text), the message
     * not repeating the key's name. */
    int (*compile)(const struct key_target *t, const char *text,
                   struct diag *d);
    /* KEY_WORD: the value in force as ini text into buf (KEY_VALUE_MAX). */
    void (*print)(const struct config *c, char *buf);
    /* KEY_TEXT: offset of its text in struct config_sources, which
     * `execlog show` prints back; KEY_INT: of its uint32_t in struct
     * config; KEY_NAME and KEY_BOOL: of its uint8_t there. */
    size_t at;
    long min, max;              /* KEY_INT */
    /* KEY_NAME and KEY_BOOL: the names and the numbers they stand for. */
    const struct key_name *names;
    const char *doc;            /* one line, printed by `execlog show` */
};

/* The table: KEY_COUNT keys. */
#define KEY_COUNT 13
extern const struct key *const keys;

/* The key called name, or NULL. */
const struct key *key_find(const char *name);

/* Compiles text as the value of k into t: 0, or -EINVAL with d (as
 * struct key's compile says). */
int key_compile(const struct key *k, const struct key_target *t,
                const char *text, struct diag *d);

/* The value of k in c and s, as ini text (unquoted), into buf
 * (KEY_VALUE_MAX bytes). */
void key_print(const struct key *k, const struct config *c,
               const struct config_sources *s, char *buf);

/* Compiles every key's default into cfg (and sources, unless NULL), from
 * zero bytes, so that equal configurations are equal byte for byte.  0,
 * or a negative errno with d filled and *failed set to the key (a bug). */
int keys_compile_defaults(struct config *cfg, struct config_sources *sources,
                          const struct key **failed, struct diag *d);

#endif
