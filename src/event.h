/* One exec event: what the program asked for, and lazy lookups of the
 * caller's context.  Everything here is async-signal-safe: plain system
 * calls into memory the caller provides. */
#ifndef EXECLOG_EVENT_H
#define EXECLOG_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct redact_rules;

struct exec_event {
    const char *exec_call;   /* entry point name: "execve", "posix_spawn", ... */
    const char *filename;    /* as passed; NULL when only fd is known */
    int fd;                  /* fexecve's descriptor, -1 otherwise */
    char *const *argv;       /* may be NULL: Linux runs such a program */
    char *const *envp;
    pid_t pid;               /* process that runs the program; 0 = this one */
    bool via_execveat;       /* the caller's call is execveat, not execve */
    size_t max_arg_length;   /* longer arguments are cut, with a marker */
    char *work;              /* scratch for lookups (EVENT_WORK_SIZE bytes) */
    const struct redact_rules *redact;   /* secrets to mask; NULL: none */
};

/* Room for a path (PATH_MAX) plus a read buffer for /etc/passwd. */
#define EVENT_PATH_SIZE 4096
#define EVENT_IO_SIZE 4096
#define EVENT_WORK_SIZE (EVENT_PATH_SIZE + EVENT_IO_SIZE)

pid_t event_pid(const struct exec_event *ev);
pid_t event_ppid(const struct exec_event *ev);
size_t event_argc(const struct exec_event *ev);

/* Each returns the length written into the event's path buffer, or a
 * negative errno; -ENOTTY from event_tty means stdin is not a terminal. */
int event_cwd(struct exec_event *ev, const char **out);
int event_tty(struct exec_event *ev, const char **out);

/* 0 and *uid on success, -ESRCH when the process has no login uid (never
 * logged in: daemons, early boot), another negative errno otherwise. */
int event_loginuid(uid_t *uid);

/* From /proc/PID/stat: the parent's pid and the command name (the kernel
 * keeps 15 bytes of it), NUL-terminated in comm (cap >= 16).  0 or -errno. */
int proc_stat_read(pid_t pid, pid_t *ppid, char *comm, size_t cap);

/* Name of uid from /etc/passwd, read with plain system calls.  Returns the
 * length written to name, -ENOENT when uid is not listed, or -errno. */
int user_name(uid_t uid, char *name, size_t cap, char *io, size_t io_size);
int user_name_from(const char *passwd_path, uid_t uid, char *name, size_t cap,
                   char *io, size_t io_size);

#endif
