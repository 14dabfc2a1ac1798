/* Counting repeats instead of logging them (repeat_window).
 *
 * A command identical to one a user's processes logged less than a
 * window ago (the same uid, parent, program and arguments after
 * redaction) is counted, not logged.  When the window has ended, or a
 * different command comes, the count goes out as one line: the first
 * command's line prefixed with "repeated N times in S s: " (JSON:
 * "repeated": N; journald: EXECLOG_REPEATED).  The count lives in the
 * user's record under /run/execlog/repeat, shared by all of the user's
 * processes, so a shell loop's commands, each a process of its own, are
 * counted together, and none depends on a process that has exited. */
#ifndef EXECLOG_REPEAT_H
#define EXECLOG_REPEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "textbuf.h"

/* A line longer than this is never counted: it is logged every time. */
#define REPEAT_LINE_MAX (16384 - 40)

/* A summary line: the longest prefix ("{\"repeated\":N,...") and the line. */
#define REPEAT_SUMMARY_SIZE (REPEAT_LINE_MAX + 128)

/* What a summary says, taken out of the record. */
struct repeat_summary {
    uint64_t count;             /* 0: none */
    uint64_t seconds;           /* from the first to the last repeat */
    size_t len;
    char line[REPEAT_LINE_MAX];
};

/* Decides about ev, whose line to send is line (len bytes), with a window
 * of window_s seconds: true when it is a repeat, counted, not to be sent.
 * A count that is due first goes to *due (due->count 0: none), for the
 * caller to send before this line.  Without the user's record (no state
 * directory, another process of the user in the record at that moment)
 * nothing is counted: the line is sent. */
bool repeat_note(struct exec_event *ev, const char *line, size_t len,
                 uint32_t window_s, struct repeat_summary *due);

/* The summary line of a text or JSON line, into out. */
void repeat_render(const struct repeat_summary *s, bool json,
                   struct textbuf *out);

#endif
