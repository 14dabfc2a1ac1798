/* Message rendering: a compiled message_format and the quoting that keeps a
 * log line unambiguous.
 *
 * A compiled format holds offsets, not pointers, so that it can be written to
 * the configuration cache and used from there as it is. */
#ifndef EXECLOG_FORMAT_H
#define EXECLOG_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "event.h"
#include "textbuf.h"

#define FORMAT_MAX_ITEMS 64
#define FORMAT_MAX_TEXT 1024
#define FORMAT_LITERAL 0xffff

struct format_item {
    uint16_t source;       /* datasource index, or FORMAT_LITERAL */
    uint16_t offset;       /* literal text, or the placeholder's argument */
    uint16_t length;       /* 0 for a placeholder without argument */
};

struct format {
    uint16_t count;
    struct format_item items[FORMAT_MAX_ITEMS];
    char text[FORMAT_MAX_TEXT];
};

#define DEFAULT_MESSAGE_FORMAT \
    "[login:%{login} uid:%{uid} username:%{username} pid:%{pid} " \
    "ppid:%{ppid} sid:%{sid} tty:%{tty} cwd:%{cwd} filename:%{filename}]: " \
    "%{cmdline}"

/* Returns 0, or -EINVAL with d saying what and where (column = byte offset
 * in spec): a missing '}', an unknown placeholder, a bad argument, or a
 * format too long for the compiled form. */
int format_compile(struct format *fmt, const char *spec, struct diag *d);

/* 0 if fmt (read from a cache file) is well formed, else -EINVAL. */
int format_validate(const struct format *fmt);

void format_render(const struct format *fmt, struct exec_event *ev,
                   struct textbuf *out);

/* Appends s (len bytes) so that bash reads it back as the same word:
 * bare when made of [A-Za-z0-9_./:=@%+,-] only, else '...', else $'...'
 * with escapes for control bytes, invalid UTF-8 and characters that could
 * disguise a line.  Past max_len bytes the value is cut and a marker
 * "...(N bytes cut)" follows. */
void quote_word(struct textbuf *out, const char *s, size_t len, size_t max_len);

struct redact_rules;

/* The arguments joined by single spaces, each quoted, with the secrets that
 * redact finds (NULL: none) shown as "***" inside the still-quoted word. */
void quote_argv(struct textbuf *out, char *const *argv, size_t max_len,
                const struct redact_rules *redact);

/* Length of the well-formed UTF-8 sequence at s (1-4) and its code point
 * in *cp, or 0 if there is none (overlong forms, surrogates and values past
 * U+10FFFF are refused). */
size_t utf8_sequence(const unsigned char *s, size_t n, uint32_t *cp);

/* Appends "...(N bytes cut)". */
void put_cut_marker(struct textbuf *out, size_t cut);

#endif
