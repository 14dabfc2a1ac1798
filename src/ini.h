/* /etc/execlog.ini -> compiled configuration, with libconfuse.  Used by the
 * execlog command only: the library never parses. */
#ifndef EXECLOG_INI_H
#define EXECLOG_INI_H

#include <stdio.h>

#include "cache.h"

/* Parses and compiles the ini at path (opened O_NOFOLLOW, and refused
 * unless a regular file owned by root and not writable by group or others,
 * the rule the library applies to its cache).  Every problem is printed to
 * diag as "PATH:LINE: message" with a hint where one helps, warnings as
 * "PATH:LINE: warning: message".  Returns 0, -EINVAL (invalid), or another
 * negative errno (unreadable). */
int ini_load(const char *path, struct cache_file *out, FILE *diag);

/* ini_load on text already read (len bytes; path names it in messages).
 * Every key not in the text keeps its default; out's header is zeroed. */
int ini_parse(const char *text, size_t len, const char *path,
              struct cache_file *out, FILE *diag);

/* The built-in configuration with its ini text (each key's default), as
 * an empty ini compiles.  0, or a negative errno (printed to diag). */
int ini_defaults(struct cache_file *out, FILE *diag);

/* Writes the configuration as ini text, each key after a comment saying
 * what it is (what `execlog show` prints); it loads back into the same
 * configuration. */
void ini_print(const struct cache_file *file, FILE *to);

#endif
