/* Message rendering: a compiled message_format, rendered placeholder by
 * placeholder.
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
    "[login:%{login} uid:%{uid} username:%{username}%{setuid} pid:%{pid} " \
    "ppid:%{ppid} sid:%{sid} tty:%{tty} cwd:%{cwd} filename:%{filename}]: " \
    "%{cmdline}"

/* Returns 0, or -EINVAL with d saying what and where (column = byte offset
 * in spec): a missing '}', an unknown placeholder, a bad argument, or a
 * format too long for the compiled form. */
int format_compile(struct format *fmt, const char *spec, struct diag *d);

/* Checks the argument of %{name:arg} (arg NULL for %{name}) of the
 * placeholder at index: 0, or -EINVAL with d filled (column relative to
 * arg). */
int datasource_check_arg(unsigned index, const char *arg, size_t len,
                         struct diag *d);

/* 0 if fmt (read from a cache file) is well formed, else -EINVAL. */
int format_validate(const struct format *fmt);

void format_render(const struct format *fmt, struct exec_event *ev,
                   struct textbuf *out);

#endif
