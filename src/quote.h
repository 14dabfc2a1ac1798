/* The quoting that keeps a log line unambiguous: every word is written so
 * that bash reads it back as the same bytes, and nothing that could
 * disguise text (control bytes, invalid UTF-8, invisible characters)
 * reaches the line raw. */
#ifndef EXECLOG_QUOTE_H
#define EXECLOG_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "redact.h"
#include "textbuf.h"

/* Appends s (len bytes) so that bash reads it back as the same word:
 * bare when made of [A-Za-z0-9_./:=@%+,-] only, else '...', else $'...'
 * with escapes for control bytes, invalid UTF-8 and characters that could
 * disguise a line.  Past max_len bytes the value is cut and a marker
 * "...(N bytes cut)" follows. */
void quote_word(struct textbuf *out, const char *s, size_t len, size_t max_len);

/* The arguments joined by single spaces, each quoted, with the secrets
 * masks holds (NULL: none) shown as "***" inside the still-quoted word.
 * Arguments past the masks' limit were not read: they are counted as cut
 * (one byte: their length is not known), never shown. */
void quote_argv(struct textbuf *out, char *const *argv, size_t max_len,
                const struct redact_masks *masks);

/* Length of the well-formed UTF-8 sequence at s (1-4) and its code point
 * in *cp, or 0 if there is none (overlong forms, surrogates and values past
 * U+10FFFF are refused). */
size_t utf8_sequence(const unsigned char *s, size_t n, uint32_t *cp);

/* Appends "...(N bytes cut)", or "...(N+ bytes cut)" when more: bytes
 * that were never read were cut too. */
void put_cut_marker(struct textbuf *out, size_t cut, bool more);

#endif
