/* Readers of /proc and other kernel text files for the exec path: plain
 * system calls into memory the caller provides, so async-signal-safe. */
#ifndef EXECLOG_PROCFS_H
#define EXECLOG_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A decimal number of at most 10 digits, nothing else: 0 or -EINVAL. */
int parse_decimal(const char *s, size_t len, uint64_t *out);

/* 0 and *uid on success, -ESRCH when the process has no login uid (never
 * logged in: daemons, early boot), another negative errno otherwise. */
int proc_loginuid(uid_t *uid);

/* 0 and *id on success, -ESRCH when the process is in no audit session
 * (4294967295), another negative errno otherwise (*id then means
 * nothing). */
int proc_sessionid(uint32_t *id);

/* prefix, the decimal id and suffix, NUL-terminated: "/proc/" PID "/exe",
 * "/proc/self/fd/" FD "".  The longest fits PROC_PATH_SIZE bytes. */
#define PROC_PATH_SIZE 48
void proc_path(char path[PROC_PATH_SIZE], const char *prefix, uint64_t id,
               const char *suffix);

/* What /proc/PID/stat says of a process. */
struct proc_stat {
    pid_t ppid;
    uint32_t tty_nr;        /* the controlling terminal, encoded; 0: none */
    uint64_t start_time;    /* clock ticks after boot: with the pid, it
                               names the process until the next boot */
    char comm[16];          /* the kernel keeps 15 bytes, NUL-terminated */
};

/* /proc/PID/stat of pid (0: this process) into *st.  0 or -errno. */
int proc_stat_of(pid_t pid, struct proc_stat *st);

/* The uid the process pid runs as, from /proc/PID/status, when its real,
 * effective, saved and filesystem uids are one: 0, -EPERM when they
 * differ (a setuid program, say), or another negative errno.  io
 * (io_size bytes) is the read buffer. */
int proc_status_uid(pid_t pid, uid_t *uid, char *io, size_t io_size);

/* Calls fn on each line of fd (without its newline) until fn returns
 * nonzero, and returns that; 0 at the end of the file, or -errno.  Lines
 * longer than io_size are skipped; past read_limit bytes, -EFBIG. */
typedef int line_fn(const char *line, size_t len, void *ctx);
int scan_lines(int fd, char *io, size_t io_size, size_t read_limit,
               line_fn *fn, void *ctx);

/* The cgroup path in proc_cgroup (a /proc/PID/cgroup file) into path: the
 * cgroup v2 ("0::") path, or on hosts where systemd manages only the v1
 * "name=systemd" hierarchy, that one.  Its length, -ENOENT, or -errno. */
int cgroup_path_from(const char *proc_cgroup, char *path, size_t cap,
                     char *io, size_t io_size);

/* The systemd unit in a cgroup path: its first component ending in
 * ".service" or ".scope", which only systemd makes (deeper ones may be a
 * delegated subtree's owner's).  Returns the unit's length and *unit
 * (pointing into path), or -ENOENT. */
int cgroup_systemd_unit(const char *path, size_t len, const char **unit);

/* Whether this process sees the host's own uids (the initial user
 * namespace) and the host's cgroup paths (the initial cgroup namespace).
 * In a user namespace of its own any user is uid 0 and owns its files as
 * root; in a cgroup namespace a delegated subtree looks like the root:
 * what filters trust is then unknown. */
bool proc_host_ids(void);
bool proc_host_cgroups(void);

#endif
