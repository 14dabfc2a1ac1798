/* One exec event: what the program asked for, and lazy lookups of the
 * caller's context.  Everything here is async-signal-safe: plain system
 * calls into memory the caller provides. */
#ifndef EXECLOG_EVENT_H
#define EXECLOG_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfs.h"
#include "users.h"

struct redact_rules;
struct redact_masks;
struct redact_room;

/* The libc functions that start a program, as the wrappers know them. */
enum entry_id {
    ENTRY_EXECVE, ENTRY_EXECV, ENTRY_EXECVP, ENTRY_EXECVPE, ENTRY_EXECL,
    ENTRY_EXECLE, ENTRY_EXECLP, ENTRY_FEXECVE, ENTRY_EXECVEAT,
    ENTRY_POSIX_SPAWN, ENTRY_POSIX_SPAWNP, ENTRY_SYSTEM, ENTRY_POPEN,
    ENTRY_COUNT
};

/* What an entry point does, beyond its name. */
enum entry_flag {
    /* Looks a bare name up on PATH: cwd + name would name a file the exec
     * never considered. */
    ENTRY_SEARCHES_PATH = 1,
};

struct entry_point {
    char name[13];          /* an array: no load-time relocation */
    uint8_t flags;          /* enum entry_flag */
};

extern const struct entry_point entry_points[ENTRY_COUNT];

/* What the program asked for: all that a wrapper knows.  Small, because
 * it is on the caller's stack, which may be a signal handler's; the event
 * built from it lives in the log's workspace. */
struct exec_call {
    const char *filename;    /* as passed; NULL when only fd is known */
    char *const *argv;       /* may be NULL: Linux runs such a program */
    char *const *envp;
    pid_t pid;               /* process that runs the program; 0 = this one */
    int fd;                  /* fexecve's descriptor, -1 otherwise */
    uint8_t entry;           /* enum entry_id: the function called */
    bool via_execveat;       /* the caller's call is execveat, not execve */
};

struct exec_event {
    struct exec_call call;
    size_t max_arg_length;   /* longer arguments are cut, with a marker */
    char *work;              /* scratch for lookups (EVENT_WORK_SIZE bytes) */
    const struct redact_rules *redact;   /* secrets to mask; NULL: none */
    /* Where the secrets of argv are, found once per event by
     * pipeline_render (NULL: nothing masked, nothing cut), and the room
     * the search reads command strings in. */
    struct redact_masks *masks;
    const struct redact_room *room;
    /* The program's absolute path when the wrapper knows it (execvp's
     * candidate, a spawned child's /proc/PID/exe); NULL: event_exe derives
     * it from filename. */
    const char *exe;
    /* CLOCK_REALTIME, read once by event_time(), so that every time
     * placeholder and every line of one event agree. */
    bool time_known;
    int64_t time_sec;
    long time_nsec;
    /* Asked of the kernel once per event: the text line, the filters and
     * the structured fields all use them. */
    bool uid_known, pid_known, ppid_known, name_known;
    uid_t uid, euid;
    pid_t self, ppid;
    uid_t named_uid;
    int name_length;              /* -ENOENT: not in /etc/passwd */
    /* The cache's copy of /etc/passwd (NULL: none), and whether the file
     * is still the one it was made from (asked once per event). */
    const struct user_table *users;
    bool passwd_checked, passwd_current;
    /* /proc/PID/stat of the process that runs the program ([0]) and of
     * its parent ([1]), read once per event: the exec ids, the terminal
     * and the parent's name share each read (stat[], after name, is
     * valid only while stat_known). */
    bool stat_known[2];
    int stat_error[2];
    /* The login uid (the text line, the JSON and the filters may each
     * ask), read once per event. */
    bool loginuid_known;
    int loginuid_error;
    uid_t loginuid;
    /* Where event_cgroup keeps the cgroup path for the rest of the event
     * (EVENT_PATH_SIZE bytes; NULL: none, read it each time into the
     * work buffer): cgroup and systemd_unit are both fields. */
    char *cgroup_cache;
    int cgroup_length;            /* 0: not read yet */
    /* Set by a placeholder rendered for a structured field (RENDER_RAW)
     * that has no value, so that the field is left out rather than
     * carry a "(none)". */
    bool gap;
    /* Last: valid only while name_known and stat_known, so a new event
     * need not clear them (event_start). */
    char name[64];
    struct proc_stat stat[2];
};

/* Starts the event of call in place: every lazy lookup forgotten; work
 * is EVENT_WORK_SIZE bytes, cgroup_cache EVENT_PATH_SIZE (or NULL). */
void event_start(struct exec_event *ev, const struct exec_call *call,
                 const char *exe, char *work, char *cgroup_cache);

/* Room for a path (PATH_MAX) plus a read buffer for /etc/passwd. */
#define EVENT_PATH_SIZE 4096
#define EVENT_IO_SIZE 4096
#define EVENT_WORK_SIZE (EVENT_PATH_SIZE + EVENT_IO_SIZE)

pid_t event_pid(struct exec_event *ev);
pid_t event_ppid(struct exec_event *ev);
uid_t event_uid(struct exec_event *ev);
uid_t event_euid(struct exec_event *ev);

/* Name of uid from /etc/passwd into *name (not NUL-terminated; valid
 * until the next call), remembered for the event: login and username are
 * often the same uid.  Returns the length or a negative errno. */
int event_user_name(struct exec_event *ev, uid_t uid, const char **name);
size_t argv_count(char *const *argv);
size_t event_argc(const struct exec_event *ev);

/* Each returns the length written into the event's path buffer, or a
 * negative errno; -ENOTTY from event_tty means stdin is not a terminal. */
int event_cwd(struct exec_event *ev, const char **out);
int event_tty(struct exec_event *ev, const char **out);

/* /proc/PID/stat of the process that runs the program (parent false: a
 * spawned child, or this process) or of its parent (this process, or our
 * parent), read at the first call for the event.  0 and *st, or -errno. */
int event_stat(struct exec_event *ev, bool parent, const struct proc_stat **st);

/* The pid whose stat event_stat(ev, parent) reads; 0 for this process. */
pid_t event_stat_pid(struct exec_event *ev, bool parent);

/* Whether a person is at the command: stdin and stderr are both the
 * controlling terminal (how ECS defines process.interactive).  1 or 0, or
 * -errno when it cannot be told (no /proc).  A spawned child's are
 * taken to be ours. */
int event_interactive(struct exec_event *ev);

/* Our controlling terminal as tty_nr encodes it (0: none), from our own
 * stat (a spawned child's is taken to be ours).  0 or -errno. */
int event_tty_nr(struct exec_event *ev, uint32_t *tty_nr);

/* The event's wall-clock time (UTC seconds and nanoseconds), read at the
 * first call and kept in ev.  0 or -errno. */
int event_time(struct exec_event *ev, int64_t *sec, long *nsec);

/* The absolute path of the program: ev->exe when set, else filename when
 * absolute, else cwd + "/" + filename composed in the event's work buffer,
 * or for an fd-only exec the target of /proc/self/fd/N.  Returns its
 * length, or -ENOENT when only the exec's own lookup could tell (a bare
 * name searched on PATH, a path relative to execveat's dirfd), or -errno. */
int event_exe(struct exec_event *ev, const char **out);

/* The next candidate of a PATH search for file (file_len bytes with its
 * NUL) through the list at *pos, built as glibc's execvpe builds them
 * into buf (path_longest_entry + file_len + 1 bytes, path_len the list's
 * length with its NUL): an empty entry is the current directory, a longer entry
 * is skipped.  false when the list is done; *pos moves on. */
bool path_candidate(const char **pos, size_t path_len, const char *file,
                    size_t file_len, char *buf);

/* The longest entry of the list that path_candidate does not skip: a
 * candidate needs at most that + file_len + 1 bytes. */
size_t path_longest_entry(const char *path, size_t path_len);

/* The command name (comm) of the parent of the process that runs the
 * program: for a spawned child that is us.  cap >= 16.  0 or -errno. */
int event_parent_comm(struct exec_event *ev, char *comm, size_t cap);

/* The host name as the caller sees it (its UTS namespace), in the work
 * buffer.  Returns its length or -errno. */
int event_hostname(struct exec_event *ev, const char **out);

/* The value of the variable name (len bytes) in the environment the
 * program receives: its length and *value, or -ENOENT when unset. */
int event_env(const struct exec_event *ev, const char *name, size_t len,
              const char **value);

/* The same in any environment (NULL: none); getenv() without its lazy
 * symbol binding, which needs kilobytes of stack on some CPUs. */
int env_lookup(char *const *envp, const char *name, size_t len,
               const char **value);

/* The login uid of the process (0 and *uid; -ESRCH: none, as
 * proc_loginuid), read at the first call for the event. */
int event_loginuid(struct exec_event *ev, uid_t *uid);

/* The cgroup path of the process that runs the program, in the work
 * buffer or ev->cgroup_cache: the cgroup v2 ("0::") path, or on hosts where systemd manages
 * only the v1 "name=systemd" hierarchy, that one.  Returns its length,
 * -ENOENT when there is neither, or -errno. */
int event_cgroup(struct exec_event *ev, const char **out);
#endif
