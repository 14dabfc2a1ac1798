#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "filters.h"
#include "sys.h"

/* The kernel keeps this much of a command name (TASK_COMM_LEN - 1). */
#define COMM_MAX 15

/* Enough for any real process tree; the bound is there so that a pid
 * loop (a reused pid racing with our walk) can never hang an exec. */
#define ANCESTOR_MAX_STEPS 64

/* (uid_t)-1 means "no uid" to the kernel: no process can have it. */
#define UID_LIMIT 4294967294u

struct compiler {
    struct filter_chain *fc;
    const char *spec;
    size_t text_used;
    user_resolver *resolve;
    struct diag *d;
    void (*warn)(const char *message, void *ctx);
    void *ctx;
};

struct filter;

/* Compiles one argument (len bytes at arg, inside c->spec) into v. */
typedef int compile_arg_fn(struct compiler *c, const struct filter *f,
                           const char *arg, size_t len,
                           struct filter_value *v);

typedef bool drops_fn(const struct filter_chain *fc,
                      const struct filter_item *item, struct exec_event *ev);

struct filter {
    char name[20];                 /* not a pointer: no load-time relocation */
    compile_arg_fn *compile_arg;   /* NULL: the filter takes no arguments */
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

/* Whether a process above the one that runs the command, PID 1 included,
 * has one of the item's names as its comm. */
static enum ancestry ancestor_named(const struct filter_chain *fc,
                                    const struct filter_item *item,
                                    struct exec_event *ev)
{
    pid_t pid = event_ppid(ev), ppid;
    char comm[COMM_MAX + 1];

    for (int step = 0; step < ANCESTOR_MAX_STEPS; step++) {
        /* 0 is the parent of PID 1, and of a process whose parent is
         * outside our pid namespace: the top. */
        if (pid <= 0)
            return ANCESTOR_ABSENT;
        /* No /proc, or a process that exited under us. */
        if (proc_stat_read(pid, &ppid, comm, sizeof(comm)) < 0)
            return ANCESTOR_UNKNOWN;
        if (name_listed(fc, item, comm, strlen(comm)))
            return ANCESTOR_FOUND;
        pid = ppid;
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

/* The name as given for execvp ("ls") and the last component of a path
 * ("/bin/ls") alike; fexecve gives no name. */
static bool drops_exclude_comm(const struct filter_chain *fc,
                               const struct filter_item *item,
                               struct exec_event *ev)
{
    const char *base;

    if (ev->filename == NULL)
        return false;
    base = strrchr(ev->filename, '/');
    base = base != NULL ? base + 1 : ev->filename;
    return name_listed(fc, item, base, strlen(base));
}

/* Compiling arguments, at reload --------------------------------------------- */

static size_t column(const struct compiler *c, const char *at)
{
    return (size_t)(at - c->spec);
}

static int resolve_user(struct compiler *c, const struct filter *f,
                        const char *arg, size_t len, struct filter_value *v)
{
    char name[256];
    uid_t uid;
    int r;

    if (c->resolve == NULL)
        return diag_fail(c->d, column(c, arg), "%s: user names need the "
                         "execlog command: '%.*s'", f->name, (int)len, arg);
    /* Longer than any login name: it cannot be listed. */
    r = len < sizeof(name) ? 0 : -ENOENT;
    if (r == 0) {
        memcpy(name, arg, len);
        name[len] = '\0';
        r = c->resolve(name, &uid);
    }
    if (r == -ENOENT)
        return diag_fail(c->d, column(c, arg), "%s: unknown user '%.*s'",
                         f->name, (int)len, arg);
    if (r < 0)
        return diag_fail(c->d, column(c, arg), "%s: cannot look up user "
                         "'%.*s': %s", f->name, (int)len, arg, strerror(-r));
    v->uid = (uint32_t)uid;
    return 0;
}

/* A number is a uid, anything else a user name. */
static int compile_uid(struct compiler *c, const struct filter *f,
                       const char *arg, size_t len, struct filter_value *v)
{
    uint64_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (arg[i] < '0' || arg[i] > '9')
            return resolve_user(c, f, arg, len, v);
        /* Stop growing once too large, so no digit count can wrap. */
        if (n <= UID_LIMIT)
            n = n * 10 + (uint64_t)(arg[i] - '0');
    }
    if (n > UID_LIMIT)
        return diag_fail(c->d, column(c, arg), "%s: uid %.*s is out of range "
                         "(at most %u)", f->name, (int)len, arg, UID_LIMIT);
    v->uid = (uint32_t)n;
    return 0;
}

static int compile_name(struct compiler *c, const struct filter *f,
                        const char *arg, size_t len, struct filter_value *v)
{
    if (len > FILTER_MAX_TEXT - c->text_used)
        return diag_fail(c->d, column(c, arg), "filter_chain is too long (at "
                         "most %d bytes of names)", FILTER_MAX_TEXT);
    memcpy(c->fc->text + c->text_used, arg, len);
    v->offset = (uint16_t)c->text_used;
    v->length = (uint16_t)len;
    c->text_used += len;
    return 0;
}

/* A longer name is valid but inert, which is rarely what was meant. */
static int compile_comm(struct compiler *c, const struct filter *f,
                        const char *arg, size_t len, struct filter_value *v)
{
    char message[256];
    int r = compile_name(c, f, arg, len, v);

    if (r == 0 && len > COMM_MAX && c->warn != NULL) {
        snprintf(message, sizeof(message), "%s: the kernel keeps %d bytes "
                 "of a command name, so '%.*s' can never match", f->name,
                 COMM_MAX, (int)len, arg);
        c->warn(message, c->ctx);
    }
    return r;
}

/* Indices into this table are written to the cache: reordering it needs a
 * new cache version, so new filters go at the end. */
static const struct filter filters[] = {
    { "exclude_uid", compile_uid, drops_exclude_uid },
    { "only_uid", compile_uid, drops_only_uid },
    { "only_root", NULL, drops_only_root },
    { "only_tty", NULL, drops_only_tty },
    { "exclude_spawns_of", compile_comm, drops_exclude_spawns_of },
    { "only_spawns_of", compile_comm, drops_only_spawns_of },
    { "exclude_comm", compile_name, drops_exclude_comm },
};

#define FILTER_COUNT (sizeof(filters) / sizeof(filters[0]))

static int filter_find(const char *name, size_t len)
{
    for (size_t i = 0; i < FILTER_COUNT; i++)
        if (strncmp(filters[i].name, name, len) == 0 &&
            filters[i].name[len] == '\0')
            return (int)i;
    return -ENOENT;
}

/* Parsing the chain ---------------------------------------------------------- */

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static const char *skip_blanks(const char *p)
{
    while (is_blank(*p))
        p++;
    return p;
}

/* Compiles the arguments after the ':' at *p; leaves *p at the ';' or the
 * end that follows them.  Blanks inside an argument stay: a comm may hold
 * spaces ("Web Content"). */
static int compile_args(struct compiler *c, const struct filter *f,
                        struct filter_item *item, const char **p)
{
    struct filter_chain *fc = c->fc;

    do {
        const char *arg = skip_blanks(*p + 1), *end = arg, *next;
        int r;

        while (*end != '\0' && *end != ',' && *end != ';')
            end++;
        next = end;
        while (end > arg && is_blank(end[-1]))
            end--;
        if (end == arg)
            return diag_fail(c->d, column(c, arg), "%s: empty argument",
                             f->name);
        if (fc->value_count == FILTER_MAX_VALUES)
            return diag_fail(c->d, column(c, arg), "filter_chain has too many "
                             "arguments (at most %d in all)",
                             FILTER_MAX_VALUES);
        r = f->compile_arg(c, f, arg, (size_t)(end - arg),
                           &fc->values[fc->value_count]);
        if (r < 0)
            return r;
        fc->value_count++;
        item->count++;
        *p = next;
    } while (**p == ',');
    return 0;
}

/* Compiles the filter that starts at *p; leaves *p at the ';' or the end
 * that follows it. */
static int compile_item(struct compiler *c, const char **p)
{
    struct filter_chain *fc = c->fc;
    const char *name = skip_blanks(*p), *end = name;
    const struct filter *f;
    struct filter_item *item;
    int index, r;

    while (*end != '\0' && *end != ':' && *end != ';' && !is_blank(*end))
        end++;
    if (end == name)
        return diag_fail(c->d, column(c, name), "missing filter name");
    index = filter_find(name, (size_t)(end - name));
    if (index < 0)
        return diag_fail(c->d, column(c, name), "unknown filter '%.*s'",
                         (int)(end - name), name);
    f = &filters[index];
    if (fc->count == FILTER_MAX_ITEMS)
        return diag_fail(c->d, column(c, name), "filter_chain has too many "
                         "filters (at most %d)", FILTER_MAX_ITEMS);
    item = &fc->items[fc->count++];
    item->filter = (uint16_t)index;
    item->first = fc->value_count;
    *p = skip_blanks(end);
    if (**p == ':') {
        if (f->compile_arg == NULL)
            return diag_fail(c->d, column(c, *p), "%s takes no arguments",
                             f->name);
        r = compile_args(c, f, item, p);
        if (r < 0)
            return r;
    } else if (f->compile_arg != NULL) {
        return diag_fail(c->d, column(c, name), "%s needs arguments: %s:...",
                         f->name, f->name);
    }
    if (**p != ';' && **p != '\0')
        return diag_fail(c->d, column(c, *p), "expected ';' after %s",
                         f->name);
    return 0;
}

int filter_chain_compile(struct filter_chain *fc, const char *spec,
                         user_resolver *resolve, struct diag *d,
                         void (*warn)(const char *message, void *ctx),
                         void *ctx)
{
    struct compiler c = { .fc = fc, .spec = spec, .resolve = resolve, .d = d,
                          .warn = warn, .ctx = ctx };
    const char *p = spec;
    int r;

    memset(fc, 0, sizeof(*fc));
    if (*skip_blanks(spec) == '\0')
        return 0;
    /* Every ';' is followed by a filter: a stray one (";;", a final ';')
     * is reported rather than guessed at. */
    for (;;) {
        r = compile_item(&c, &p);
        if (r < 0 || *p == '\0')
            break;
        p++;
    }
    /* Half a chain would filter what the operator did not ask for. */
    if (r < 0)
        memset(fc, 0, sizeof(*fc));
    return r;
}

int filter_chain_validate(const struct filter_chain *fc)
{
    if (fc->count > FILTER_MAX_ITEMS || fc->value_count > FILTER_MAX_VALUES)
        return -EINVAL;
    for (size_t i = 0; i < fc->count; i++) {
        const struct filter_item *item = &fc->items[i];

        if (item->filter >= FILTER_COUNT || item->first > fc->value_count ||
            item->count > fc->value_count - item->first ||
            (filters[item->filter].compile_arg == NULL) != (item->count == 0))
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
