/* The %{name} placeholders of message_format: one table, looked up by name
 * when a format is compiled and by index when it is rendered.  It also
 * says which placeholders are the fields of structured outputs. */
#ifndef EXECLOG_DATASOURCES_H
#define EXECLOG_DATASOURCES_H

#include <stddef.h>

#include "event.h"
#include "textbuf.h"

/* Text lines quote every value so that the line stays unambiguous;
 * structured outputs (journald fields, JSON strings) carry the bytes as
 * they are. */
enum render_mode { RENDER_QUOTED, RENDER_RAW };

/* Whether a placeholder is a field of structured outputs, and how. */
enum field_mode {
    FIELD_NONE,
    FIELD_RAW,          /* the value's own bytes */
    FIELD_QUOTED,       /* shell-quoted: the command line, one string */
    FIELD_BOOL,         /* "true" or "false": a JSON boolean */
};

/* What %{name:arg} takes; the compiler knows how to check each. */
enum placeholder_arg {
    PLACEHOLDER_ARG_NONE,
    PLACEHOLDER_ARG_DATETIME,   /* optional: a strftime-like format */
    PLACEHOLDER_ARG_ENV,        /* required: a variable name */
    PLACEHOLDER_ARG_COUNT
};

/* Index of the placeholder called name (len bytes), or -ENOENT. */
int datasource_find(const char *name, size_t len);

/* Name of the placeholder at index, or NULL past the end of the table. */
const char *datasource_name(unsigned index);

enum placeholder_arg datasource_arg(unsigned index);

/* The structured field's name (journald's EXECLOG_ suffix) of the
 * placeholder at index and in *mode how to render it, or NULL when it is
 * no field. */
const char *datasource_field(unsigned index, enum field_mode *mode);

/* Renders the placeholder at index.  In RENDER_RAW, a fact that cannot be
 * had sets ev->gap and renders nothing (a structured field leaves it out);
 * a text line shows "(none)" or "(unknown)". */
void datasource_render(unsigned index, struct exec_event *ev, const char *arg,
                       size_t len, enum render_mode mode, struct textbuf *out);

/* %{datetime} of ev, for the file output's line prefix. */
void datasource_put_datetime(struct exec_event *ev, struct textbuf *out);

/* The conversions %{datetime:FMT} understands (C locale). */
extern const char datetime_conversions[];

#endif
