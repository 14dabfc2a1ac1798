#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <string.h>
#include <unistd.h>

#include "filters.h"
#include "glob.h"
#include "sys.h"

/* Enough for any real process tree; the bound is there so that a pid
 * loop (a reused pid racing with our walk) can never hang an exec. */
#define ANCESTOR_MAX_STEPS 64

typedef bool drops_fn(const struct filter_chain *fc,
                      const struct filter_item *item, struct exec_event *ev);

struct filter {
    char name[20];                 /* not a pointer: no load-time relocation */
    uint8_t arg;                   /* enum filter_arg */
    drops_fn *drops;
};

/* Matching, on the exec path ---------------------------------------------- */

static bool uid_listed(const struct filter_chain *fc,
                       const struct filter_item *item, uid_t uid)
{
    for (size_t i = item->first; i < (size_t)item->first + item->count; i++)
        if (fc->values[i].uid == uid)
            return true;
    return false;
}

static bool name_listed(const struct filter_chain *fc,
                        const struct filter_item *item, const char *name,
                        size_t len)
{
    for (size_t i = item->first; i < (size_t)item->first + item->count; i++) {
        const struct filter_value *v = &fc->values[i];

        if (v->length == len && memcmp(fc->text + v->offset, name, len) == 0)
            return true;
    }
    return false;
}

enum ancestry { ANCESTOR_FOUND, ANCESTOR_ABSENT, ANCESTOR_UNKNOWN };

/* Whether the item names comm with the account the process pid runs as:
 * any process can take any name (prctl, exec -a, a copied binary), but
 * not another user's ids, so a name counts only for a process whose
 * real, effective and saved uids are all the rule's account (root unless
 * NAME@ACCOUNT).  A setuid program run by a user has that user's real
 * uid: it never counts as root's. */
static bool ancestor_listed(const struct filter_chain *fc,
                            const struct filter_item *item, pid_t pid,
                            const char *comm, struct exec_event *ev)
{
    size_t len = strlen(comm);
    uid_t uid;
    bool uid_known = false;

    for (size_t i = item->first; i < (size_t)item->first + item->count; i++) {
        const struct filter_value *v = &fc->values[i];

        if (v->length != len || memcmp(fc->text + v->offset, comm, len) != 0)
            continue;
        if (!uid_known &&
            proc_status_uid(pid, &uid, ev->work + EVENT_PATH_SIZE,
                            EVENT_IO_SIZE) < 0)
            return false;
        uid_known = true;
        if (uid == v->uid)
            return true;
    }
    return false;
}

/* Whether a process above the one that runs the command, PID 1 included,
 * has one of the item's names as its comm, and runs as its account. */
static enum ancestry ancestor_named(const struct filter_chain *fc,
                                    const struct filter_item *item,
                                    struct exec_event *ev)
{
    pid_t pid = event_ppid(ev);
    struct proc_stat st;

    if (!proc_host_ids())
        return ANCESTOR_UNKNOWN;
    for (int step = 0; step < ANCESTOR_MAX_STEPS; step++) {
        /* 0 is the parent of PID 1, and of a process whose parent is
         * outside our pid namespace: the top. */
        if (pid <= 0)
            return ANCESTOR_ABSENT;
        /* No /proc, or a process that exited under us. */
        if (proc_stat_of(pid, &st) < 0)
            return ANCESTOR_UNKNOWN;
        if (ancestor_listed(fc, item, pid, st.comm, ev))
            return ANCESTOR_FOUND;
        pid = st.ppid;
    }
    return ANCESTOR_UNKNOWN;
}

/* A posix_spawn child cannot change its real uid before it runs the
 * program (POSIX_SPAWN_RESETIDS resets only the effective ids), so our own
 * real uid is the runner's for an exec and a spawn alike. */
static bool drops_exclude_uid(const struct filter_chain *fc,
                              const struct filter_item *item,
                              struct exec_event *ev)
{
    return uid_listed(fc, item, event_uid(ev));
}

static bool drops_only_uid(const struct filter_chain *fc,
                           const struct filter_item *item,
                           struct exec_event *ev)
{
    return !uid_listed(fc, item, event_uid(ev));
}

static bool drops_only_root(const struct filter_chain *fc,
                            const struct filter_item *item,
                            struct exec_event *ev)
{
    return event_uid(ev) != 0;
}

/* Our stdin: a spawn's file actions may give the child another one, which
 * cannot be seen from here. */
static bool drops_only_tty(const struct filter_chain *fc,
                           const struct filter_item *item,
                           struct exec_event *ev)
{
    return !sys_isatty(STDIN_FILENO);
}

/* Both spawns_of filters drop only on a certain answer: a host without
 * /proc (a chroot, an early boot script) must lose no events to them. */
static bool drops_exclude_spawns_of(const struct filter_chain *fc,
                                    const struct filter_item *item,
                                    struct exec_event *ev)
{
    return ancestor_named(fc, item, ev) == ANCESTOR_FOUND;
}

static bool drops_only_spawns_of(const struct filter_chain *fc,
                                 const struct filter_item *item,
                                 struct exec_event *ev)
{
    return ancestor_named(fc, item, ev) == ANCESTOR_ABSENT;
}

/* Whether the process runs in a systemd unit that the item's patterns
 * name: ANCESTOR_FOUND, ANCESTOR_ABSENT, or ANCESTOR_UNKNOWN without
 * /proc.  The unit is the outermost one of the cgroup, which only systemd
 * makes: no user can move a process into a system unit. */
static enum ancestry unit_listed(const struct filter_chain *fc,
                                 const struct filter_item *item,
                                 struct exec_event *ev)
{
    const char *path, *unit;
    int n = proc_host_cgroups() ? event_cgroup(ev, &path) : -EPERM, u;

    if (n < 0)
        return ANCESTOR_UNKNOWN;
    u = cgroup_systemd_unit(path, (size_t)n, &unit);
    if (u < 0)
        return ANCESTOR_ABSENT;
    for (size_t i = item->first; i < (size_t)item->first + item->count; i++) {
        const struct filter_value *v = &fc->values[i];

        if (glob_match(fc->text + v->offset, v->length, unit, (size_t)u,
                       false))
            return ANCESTOR_FOUND;
    }
    return ANCESTOR_ABSENT;
}

/* Like the spawns_of filters, these drop only on a certain answer. */
static bool drops_exclude_unit(const struct filter_chain *fc,
                               const struct filter_item *item,
                               struct exec_event *ev)
{
    return unit_listed(fc, item, ev) == ANCESTOR_FOUND;
}

static bool drops_only_unit(const struct filter_chain *fc,
                            const struct filter_item *item,
                            struct exec_event *ev)
{
    return unit_listed(fc, item, ev) == ANCESTOR_ABSENT;
}

/* What a person types: stdin and stderr on the controlling terminal.
 * Without /proc that cannot be told, and the command is logged. */
static bool drops_only_interactive(const struct filter_chain *fc,
                                   const struct filter_item *item,
                                   struct exec_event *ev)
{
    return event_interactive(ev) == 0;
}

/* Whether only root can change the program at path (absolute): the file
 * and every directory on the way are root's and writable by nobody else.
 * Anyone can copy a program to ~/mysql; nobody but root can put one in
 * /usr/bin.  A symbolic link is followed (the kernel runs its target). */
static bool only_root_can_change(const char *path, size_t len, char *copy,
                                 size_t cap)
{
    struct statx stx;

    if (len == 0 || path[0] != '/' || len >= cap || !proc_host_ids())
        return false;
    memcpy(copy, path, len + 1);
    /* The path, then each directory above it, "/" last. */
    for (size_t end = len;;) {
        if (sys_call(SYS_statx, AT_FDCWD, copy, 0, STATX_BASIC_STATS,
                     &stx) < 0 ||
            stx.stx_uid != 0 || (stx.stx_mode & 022) != 0)
            return false;
        if (end == 1)
            return true;
        while (copy[end - 1] != '/')
            end--;
        end = end > 1 ? end - 1 : 1;
        copy[end] = '\0';
    }
}

/* By name, as given for execvp ("ls") or as the last component of a path
 * ("/bin/ls"), or by absolute path ("/usr/bin/mysql"); either way only a
 * program that only root can change (fexecve gives no name). */
static bool drops_exclude_comm(const struct filter_chain *fc,
                               const struct filter_item *item,
                               struct exec_event *ev)
{
    const char *base, *exe;
    int n;

    if (ev->call.filename == NULL)
        return false;
    base = strrchr(ev->call.filename, '/');
    base = base != NULL ? base + 1 : ev->call.filename;
    n = event_exe(ev, &exe);
    if (n < 0 || (!name_listed(fc, item, base, strlen(base)) &&
                  !name_listed(fc, item, exe, (size_t)n)))
        return false;
    return only_root_can_change(exe, (size_t)n, ev->work + EVENT_PATH_SIZE,
                                EVENT_IO_SIZE);
}

/* Indices into this table are written to the cache: reordering it needs a
 * new cache version, so new filters go at the end.  What each argument
 * kind means is the compiler's business (filters-compile.c). */
static const struct filter filters[] = {
    { "exclude_uid", FILTER_ARG_UID, drops_exclude_uid },
    { "only_uid", FILTER_ARG_UID, drops_only_uid },
    { "only_root", FILTER_ARG_NONE, drops_only_root },
    { "only_tty", FILTER_ARG_NONE, drops_only_tty },
    { "exclude_spawns_of", FILTER_ARG_COMM, drops_exclude_spawns_of },
    { "only_spawns_of", FILTER_ARG_COMM, drops_only_spawns_of },
    { "exclude_comm", FILTER_ARG_NAME, drops_exclude_comm },
    { "exclude_unit", FILTER_ARG_UNIT, drops_exclude_unit },
    { "only_unit", FILTER_ARG_UNIT, drops_only_unit },
    { "only_interactive", FILTER_ARG_NONE, drops_only_interactive },
};

#define FILTER_COUNT (sizeof(filters) / sizeof(filters[0]))

int filter_find(const char *name, size_t len)
{
    for (size_t i = 0; i < FILTER_COUNT; i++)
        if (strncmp(filters[i].name, name, len) == 0 &&
            filters[i].name[len] == '\0')
            return (int)i;
    return -ENOENT;
}

const char *filter_name(unsigned index)
{
    return index < FILTER_COUNT ? filters[index].name : NULL;
}

enum filter_arg filter_arg(unsigned index)
{
    return index < FILTER_COUNT ? filters[index].arg : FILTER_ARG_NONE;
}

int filter_chain_validate(const struct filter_chain *fc)
{
    if (fc->count > FILTER_MAX_ITEMS || fc->value_count > FILTER_MAX_VALUES)
        return -EINVAL;
    for (size_t i = 0; i < fc->count; i++) {
        const struct filter_item *item = &fc->items[i];

        if (item->filter >= FILTER_COUNT || item->first > fc->value_count ||
            item->count > fc->value_count - item->first ||
            (filters[item->filter].arg == FILTER_ARG_NONE) != (item->count == 0))
            return -EINVAL;
    }
    for (size_t i = 0; i < fc->value_count; i++) {
        const struct filter_value *v = &fc->values[i];

        if (v->offset > FILTER_MAX_TEXT ||
            v->length > FILTER_MAX_TEXT - v->offset)
            return -EINVAL;
    }
    return 0;
}

const char *filter_chain_drops(const struct filter_chain *fc,
                               struct exec_event *ev)
{
    for (size_t i = 0; i < fc->count; i++) {
        const struct filter_item *item = &fc->items[i];

        if (item->filter < FILTER_COUNT &&
            filters[item->filter].drops(fc, item, ev))
            return filters[item->filter].name;
    }
    return NULL;
}
