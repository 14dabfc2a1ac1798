/* Redaction of secrets on command lines.
 *
 * Rules are compiled at reload from the `redact` key into tables; once
 * per event, redact_scan reads the arguments, shell command strings
 * included, and notes the byte ranges that hold secrets ("masks").  Every
 * output then shows "***" for each masked range, so the text line, the
 * JSON and the journald fields all hide the same bytes. */
#ifndef EXECLOG_REDACT_H
#define EXECLOG_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "redact-tables.h"

/* The built-in rules, as a spec: what `redact` is when the ini is silent. */
extern const char redact_default_spec[];

/* Compiles spec into r.  0, or -EINVAL with d filled (column = byte offset
 * in spec). */
int redact_compile(struct redact_rules *r, const char *spec, struct diag *d);

/* Rule index of r, as the spec would write it, for `execlog explain`. */
void redact_describe(const struct redact_rules *r, size_t index, char *buf,
                     size_t size);

/* 0 if r (read from a cache file) is well formed, else -EINVAL. */
int redact_validate(const struct redact_rules *r);

/* Finds the secrets of argv, reading at most budget bytes of it.  r NULL:
 * none.  Async-signal-safe: no allocation; time linear in the bytes
 * read. */
void redact_scan(const struct redact_rules *r, char *const *argv,
                 size_t budget, const struct redact_room *room,
                 struct redact_masks *out);

/* Whether r hides the value of a variable called name (%{env:NAME}):
 * its name is secret by the vocabulary or a `name` rule. */
bool redact_names_secret(const struct redact_rules *r, const char *name,
                         size_t len);

/* Puts out's masks in argument order and merges those that overlap. */
void redact_masks_sort(struct redact_masks *out);

/* The masks of argv[arg]: m->mask[*first .. *first + return).  Walks
 * forward: call for arg = 0, 1, 2 ... with *first kept between calls. */
size_t redact_masks_of(const struct redact_masks *m, size_t arg,
                       size_t *first);

/* Whether the scan read argv[arg] (any of it): only what it read may be
 * shown.  m NULL: no scan, all of argv. */
bool redact_argument_read(const struct redact_masks *m, size_t arg);

/* The bytes of argv[arg] that may be shown, arg read: its length, less
 * when the scan stopped inside it (from the scan's notes when it kept
 * them, so that the argument is not read again). */
size_t redact_argument_length(const struct redact_masks *m, char *const *argv,
                              size_t arg);

/* Receives one piece of an argument as shown. */
typedef void redact_piece(void *ctx, const char *s, size_t len);

/* arg[0..len) as shown: the bytes around the n masks, each mask as
 * "***", piece by piece (to a buffer, to a hash). */
void redact_pieces(const char *arg, size_t len, const struct redact_mask *mask,
                   size_t n, redact_piece *piece, void *ctx);

#endif
