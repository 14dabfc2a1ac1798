/* The event as named fields, for structured outputs: a JSON object
 * (output_format = json) and journald's native protocol.  The same facts
 * as the placeholders, values unquoted, arguments one by one and redacted
 * like the text line. */
#ifndef EXECLOG_FIELDS_H
#define EXECLOG_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"
#include "textbuf.h"

/* journald keeps at most 1024 fields per entry: argv beyond this many is
 * counted in EXECLOG_ARGV_CUT / "argv_cut" instead. */
#define FIELDS_MAX_ARGV 256

/* Which field a value is: a placeholder's (name its JSON key, field its
 * journald one, "UID") or, with name NULL, argument argv_index. */
struct field_key {
    const char *name;
    const char *field;
    size_t argv_index;
};

/* Called for each field with its value; numeric when the value is a plain
 * decimal number or a boolean (a JSON literal, written as it is). */
typedef void field_visitor(void *ctx, const struct field_key *key,
                           const char *value, size_t len, bool numeric);

/* Visits every field of ev that has a value (one that cannot be had is
 * left out), then the arguments; scratch (size bytes) holds one value at
 * a time.  Returns the number of arguments left out past FIELDS_MAX_ARGV. */
size_t fields_visit(struct exec_event *ev, char *scratch, size_t size,
                    field_visitor *visit, void *ctx);

/* The same for the arguments alone, redacted. */
size_t fields_visit_argv(struct exec_event *ev, char *scratch, size_t size,
                         field_visitor *visit, void *ctx);

/* Appends s as a JSON string (RFC 8259): quotes, backslash and control
 * characters escaped, U+2028/U+2029 escaped for JavaScript readers, and
 * each byte that is not valid UTF-8 replaced by U+FFFD (the exact bytes
 * are in the shell-quoted "cmdline"). */
void json_string(struct textbuf *out, const char *s, size_t len);

/* The event as one JSON object: "message" (the text line), every field in
 * lower case, "argv" as an array.  Never cut inside a value: what does
 * not fit is left out and counted in "cut". */
void json_event(struct exec_event *ev, const char *line, size_t line_len,
                char *scratch, size_t size, struct textbuf *out);

#endif
