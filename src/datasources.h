/* The %{name} placeholders of message_format: one table, looked up by name
 * when a format is compiled and by index when it is rendered. */
#ifndef EXECLOG_DATASOURCES_H
#define EXECLOG_DATASOURCES_H

#include <stddef.h>

#include "diag.h"
#include "event.h"
#include "textbuf.h"

/* Index of the placeholder called name (len bytes), or -ENOENT. */
int datasource_find(const char *name, size_t len);

/* Name of the placeholder at index, or NULL past the end of the table. */
const char *datasource_name(unsigned index);

/* Checks the argument of %{name:arg} (arg NULL for %{name}) at compile
 * time: 0, or -EINVAL with d filled (column relative to arg). */
int datasource_check_arg(unsigned index, const char *arg, size_t len,
                         struct diag *d);

void datasource_render(unsigned index, struct exec_event *ev, const char *arg,
                       size_t len, struct textbuf *out);

#endif
