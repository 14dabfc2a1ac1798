/* The event as an Elastic Common Schema 8.x document (output_format =
 * ecs): a process start, with the names Auditbeat and Elastic's process
 * dashboards use, so that a central store can take it as it is. */
#ifndef EXECLOG_ECS_H
#define EXECLOG_ECS_H

#include <stddef.h>

#include "event.h"
#include "textbuf.h"

/* The ECS version the document follows. */
#define ECS_VERSION "8.11.0"

/* ev as one ECS JSON object into out, line (the text line) as "message";
 * scratch (size bytes) holds one value at a time.  A value that cannot be
 * had is null; one that does not fit is null too, counted in "cut", so
 * the object is always valid JSON. */
void ecs_event(struct exec_event *ev, const char *line, size_t line_len,
               char *scratch, size_t size, struct textbuf *out);

#endif
