/* Who a process is beyond its pid, for a central store that joins the
 * events of many hosts: the boot id, and exec ids that stay unique when
 * pids are reused and across reboots.  Plain system calls into the
 * event's work buffer: async-signal-safe.
 *
 * An exec id is "BOOT-PID-START": the boot id in 32 hex digits, the pid,
 * and the process's start time in clock ticks after boot, all three as
 * the kernel says them (/proc/sys/kernel/random/boot_id, /proc/PID/stat),
 * so an id can be checked by hand and joined on its parts.  It names a
 * process, not a program: a process keeps its pid and start time across
 * exec, so its successive programs (sh -c 'exec true') share one id, and a
 * child's parent_exec_id is the id of every program its parent ran; the
 * latest before the child's time is the one that forked it. */
#ifndef EXECLOG_IDENTITY_H
#define EXECLOG_IDENTITY_H

#include "event.h"

/* Each returns the value's length and *out (valid until the next lookup
 * of the event), or a negative errno: no value. */

/* The boot id as the kernel writes it, 36 characters: read once per
 * process and kept (a fork child inherits it; the boot is the same). */
int identity_boot_id(struct exec_event *ev, const char **out);

/* The exec id of the process that runs the program.  A process keeps
 * its own start time once read, so a process that spawns again reads only
 * the child's stat, and its fork children find their parent's. */
int identity_exec_id(struct exec_event *ev, const char **out);

/* The exec id of its parent; -ESRCH when the parent is outside our pid
 * namespace. */
int identity_parent_exec_id(struct exec_event *ev, const char **out);

/* The absolute path of the parent's program (/proc/PID/exe), -EACCES
 * when it runs as another user. */
int identity_parent_exe(struct exec_event *ev, const char **out);

#endif
