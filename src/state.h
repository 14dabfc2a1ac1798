/* Per-user counters that outlive the process that counted: lines a
 * process could not deliver are reported with that user's next delivered
 * line, even when each command is a process of its own (a shell loop).
 *
 * One file per user and kind, DIR/KIND/UID, holding one 64-bit word that
 * processes update through a shared mapping with atomic operations.  DIR
 * is root's; each KIND directory is sticky and writable by all (1733, like
 * /tmp but not listable), so a process creates its user's file, owned by
 * that user and mode 0600: no other user can write, replace or remove it.
 * A taker renames the file away before it reads and closes the word, so
 * an add that races with a take either lands before it is read or goes to
 * a new file; none is lost or counted twice.  Plain system calls only: safe
 * on the exec path. */
#ifndef EXECLOG_STATE_H
#define EXECLOG_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* DIR/KIND/UID.ID with its NUL fits. */
#define STATE_PATH_SIZE 96

/* The kinds that the library keeps. */
#define STATE_KIND_LOST "lost"
#define STATE_KIND_REPEAT "repeat"

/* A kind's counters are named PREFIX UID, PREFIX being "DIR/KIND/" of
 * prefix_len bytes (a constant, so that the exec path measures nothing).
 *
 * Adds n to uid's counter.  0, or a negative errno: -ENOENT when the
 * directory is missing (no reload since boot), -EPERM when a file in the
 * way belongs to another user. */
int state_counter_add(const char *prefix, size_t prefix_len, uid_t uid,
                      uint64_t n);

/* Takes uid's counter: its value into *n and the counter gone.  0 with
 * *n = 0 when there is none (one statx: the cost on every delivered
 * line), or a negative errno. */
int state_counter_take(const char *prefix, size_t prefix_len, uid_t uid,
                       uint64_t *n);

/* uid's record of kind, size bytes shared by every process of the user
 * (zeros when new), mapped; NULL when it cannot be had.  What is in it,
 * and how writers take turns, is the caller's. */
void *state_record_map(const char *prefix, size_t prefix_len, uid_t uid,
                       size_t size);

/* Makes dir (root's, 0755) and a 1733 directory in it for each kind of
 * the NULL-terminated list, or puts their modes right.  Compile side, for
 * `execlog reload`.  0 or a negative errno (-EPERM: one is not root's). */
int state_prepare(const char *dir, const char *const *kinds);

#endif
