/* The %{name} placeholders of message_format: one table, looked up by name
 * when a format is compiled and by index when it is rendered. */
#ifndef EXECLOG_DATASOURCES_H
#define EXECLOG_DATASOURCES_H

#include <stddef.h>

#include "event.h"
#include "textbuf.h"

/* Index of the placeholder called name (len bytes), or -ENOENT. */
int datasource_find(const char *name, size_t len);

/* Name of the placeholder at index, or NULL past the end of the table. */
const char *datasource_name(unsigned index);

void datasource_render(unsigned index, struct exec_event *ev,
                       struct textbuf *out);

#endif
