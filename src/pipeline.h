/* The exec hook's work from event to output: configuration, rendering,
 * sending.  Async-signal-safe: its memory comes from mmap and goes back to
 * munmap before the caller's exec (a vfork child shares its parent's
 * address space, so nothing may be left mapped). */
#ifndef EXECLOG_PIPELINE_H
#define EXECLOG_PIPELINE_H

#include "cache.h"
#include "event.h"
#include "textbuf.h"

/* Fills cfg with the configuration in force: the cache at path if it is
 * there and valid (re-read only when the file changed since this process
 * last loaded it), else the built-in defaults.  Returns 0 (cache), 1 (no
 * cache: defaults), or a negative errno (unusable cache: defaults, *why
 * says what is wrong). */
int config_in_force(const char *path, struct config *cfg, const char **why);

/* Logs the call.  With exec_errno != 0 the line says that an exec logged just
 * before did not happen after all.  Returns 0 or a negative errno; the
 * caller's errno is left as it was. */
int pipeline_log(const struct exec_call *call, int exec_errno);

/* Logs call as the first candidate of a PATH search for call->filename
 * (file_len bytes with its NUL) through path (path_len bytes with its NUL)
 * for which runnable() holds, built in the workspace rather than on the
 * caller's stack, which is all the exec itself then needs.  Returns what
 * pipeline_log does, or PIPELINE_NO_CANDIDATE when no candidate holds
 * (nothing logged; a positive value, unlike any delivery error). */
#define PIPELINE_NO_CANDIDATE 1
int pipeline_log_search(const struct exec_call *call, const char *path,
                        size_t path_len, size_t file_len,
                        bool (*runnable)(const char *candidate),
                        int exec_errno);

/* Renders ev's message with cfg into out, the truncation marker included.
 * out must have room for cfg->max_message_length bytes. */
void pipeline_render(const struct config *cfg, struct exec_event *ev,
                     int exec_errno, struct textbuf *out);

#endif
