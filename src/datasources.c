#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "datasources.h"
#include "format.h"

/* What a field says when the fact cannot be had (no /proc, deleted cwd):
 * the exec goes on and the line shows the gap. */
#define UNKNOWN "(unknown)"
#define NONE "(none)"

static void put_word(struct exec_event *ev, struct textbuf *out, const char *s,
                     size_t len)
{
    quote_word(out, s, len, ev->max_arg_length);
}

static void put_user(struct exec_event *ev, struct textbuf *out, uid_t uid)
{
    char name[256];
    int n = user_name(uid, name, sizeof(name), ev->work + EVENT_PATH_SIZE,
                      EVENT_IO_SIZE);

    if (n >= 0)
        put_word(ev, out, name, (size_t)n);
    else
        textbuf_put_u64(out, uid);
}

static void ds_cmdline(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    quote_argv(out, ev->argv, ev->max_arg_length);
}

static void ds_argc(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    textbuf_put_u64(out, event_argc(ev));
}

static void ds_filename(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    if (ev->filename == NULL) {
        textbuf_puts(out, "/dev/fd/");
        textbuf_put_i64(out, ev->fd);
        return;
    }
    put_word(ev, out, ev->filename, strlen(ev->filename));
}

static void ds_exec_call(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    textbuf_puts(out, ev->exec_call);
}

static void ds_cwd(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    const char *cwd;
    int n = event_cwd(ev, &cwd);

    if (n < 0)
        textbuf_puts(out, UNKNOWN);
    else
        put_word(ev, out, cwd, (size_t)n);
}

static void ds_tty(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    const char *tty;
    int n = event_tty(ev, &tty);

    if (n == -ENOTTY)
        textbuf_puts(out, NONE);
    else if (n < 0)
        textbuf_puts(out, UNKNOWN);
    else
        put_word(ev, out, tty, (size_t)n);
}

static void ds_uid(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    textbuf_put_u64(out, getuid());
}

static void ds_euid(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    textbuf_put_u64(out, geteuid());
}

static void ds_gid(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    textbuf_put_u64(out, getgid());
}

static void ds_egid(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    textbuf_put_u64(out, getegid());
}

static void ds_username(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    put_user(ev, out, getuid());
}

static void ds_loginuid(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    uid_t uid;
    int r = event_loginuid(&uid);

    if (r == 0)
        textbuf_put_u64(out, uid);
    else
        textbuf_puts(out, r == -ESRCH ? NONE : UNKNOWN);
}

static void ds_login(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    uid_t uid;
    int r = event_loginuid(&uid);

    if (r == 0)
        put_user(ev, out, uid);
    else
        textbuf_puts(out, r == -ESRCH ? NONE : UNKNOWN);
}

static void ds_pid(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    textbuf_put_i64(out, event_pid(ev));
}

static void ds_ppid(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    textbuf_put_i64(out, event_ppid(ev));
}

static void ds_sid(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    pid_t sid = getsid(ev->pid);

    if (sid < 0)
        textbuf_puts(out, UNKNOWN);
    else
        textbuf_put_i64(out, sid);
}

static void ds_comm(struct exec_event *ev, const char *arg, size_t len,
                  struct textbuf *out)
{
    char comm[17] = "";

    /* prctl rather than /proc/self/comm: it works without /proc. */
    if (prctl(PR_GET_NAME, comm, 0, 0, 0) < 0)
        textbuf_puts(out, UNKNOWN);
    else
        put_word(ev, out, comm, strlen(comm));
}

enum datasource_arg { ARG_NONE, ARG_OPTIONAL, ARG_REQUIRED };

struct datasource {
    const char *name;
    void (*render)(struct exec_event *ev, const char *arg, size_t len,
                   struct textbuf *out);
    enum datasource_arg arg;
    /* Validates the argument at compile time; NULL: any text will do. */
    int (*check_arg)(const char *arg, size_t len, struct diag *d);
};

static const struct datasource datasources[] = {
    { "argc", ds_argc, ARG_NONE, NULL },
    { "cmdline", ds_cmdline, ARG_NONE, NULL },
    { "comm", ds_comm, ARG_NONE, NULL },
    { "cwd", ds_cwd, ARG_NONE, NULL },
    { "egid", ds_egid, ARG_NONE, NULL },
    { "euid", ds_euid, ARG_NONE, NULL },
    { "exec_call", ds_exec_call, ARG_NONE, NULL },
    { "filename", ds_filename, ARG_NONE, NULL },
    { "gid", ds_gid, ARG_NONE, NULL },
    { "login", ds_login, ARG_NONE, NULL },
    { "loginuid", ds_loginuid, ARG_NONE, NULL },
    { "pid", ds_pid, ARG_NONE, NULL },
    { "ppid", ds_ppid, ARG_NONE, NULL },
    { "sid", ds_sid, ARG_NONE, NULL },
    { "tty", ds_tty, ARG_NONE, NULL },
    { "uid", ds_uid, ARG_NONE, NULL },
    { "username", ds_username, ARG_NONE, NULL },
};

#define DATASOURCE_COUNT (sizeof(datasources) / sizeof(datasources[0]))

int datasource_find(const char *name, size_t len)
{
    /* The first byte rules out nearly every entry without a call: the
     * library compiles its default format on every exec. */
    for (size_t i = 0; i < DATASOURCE_COUNT; i++)
        if (len > 0 && datasources[i].name[0] == name[0] &&
            strncmp(datasources[i].name, name, len) == 0 &&
            datasources[i].name[len] == '\0')
            return (int)i;
    return -ENOENT;
}

const char *datasource_name(unsigned index)
{
    return index < DATASOURCE_COUNT ? datasources[index].name : NULL;
}

int datasource_check_arg(unsigned index, const char *arg, size_t len,
                         struct diag *d)
{
    const struct datasource *ds = &datasources[index];

    if (arg == NULL)
        return ds->arg == ARG_REQUIRED
                   ? diag_fail(d, 0, "%%{%s} needs an argument: %%{%s:...}",
                               ds->name, ds->name)
                   : 0;
    if (ds->arg == ARG_NONE)
        return diag_fail(d, 0, "%%{%s} takes no argument", ds->name);
    return ds->check_arg != NULL ? ds->check_arg(arg, len, d) : 0;
}

void datasource_render(unsigned index, struct exec_event *ev, const char *arg,
                       size_t len, struct textbuf *out)
{
    if (index < DATASOURCE_COUNT)
        datasources[index].render(ev, arg, len, out);
}
