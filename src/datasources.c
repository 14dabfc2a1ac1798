#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "datasources.h"
#include "identity.h"
#include "quote.h"
#include "redact.h"
#include "sys.h"

/* What a field says when the fact cannot be had (no /proc, deleted cwd):
 * the exec goes on and the line shows the gap. */
#define UNKNOWN "(unknown)"
#define NONE "(none)"
#define UNSET "(unset)"

/* A fact that cannot be had: the text line shows why, a structured field
 * is left out. */
static void put_gap(struct exec_event *ev, enum render_mode mode,
                    struct textbuf *out, const char *why)
{
    if (mode == RENDER_RAW)
        ev->gap = true;
    else
        textbuf_puts(out, why);
}

static void put_word(struct exec_event *ev, enum render_mode mode,
                     struct textbuf *out, const char *s, size_t len)
{
    if (mode == RENDER_RAW)
        textbuf_put(out, s, len < ev->max_arg_length ? len : ev->max_arg_length);
    else
        quote_word(out, s, len, ev->max_arg_length);
}

static void put_user(struct exec_event *ev, enum render_mode mode,
                     struct textbuf *out, uid_t uid)
{
    const char *name;
    int n = event_user_name(ev, uid, &name);

    if (n >= 0)
        put_word(ev, mode, out, name, (size_t)n);
    else
        textbuf_put_u64(out, uid);
}

/* A placeholder that is one word from a lookup of event.h's shape (its
 * length and *value, or -errno when there is none). */
static void put_lookup(struct exec_event *ev, enum render_mode mode,
                       struct textbuf *out,
                       int (*lookup)(struct exec_event *, const char **))
{
    const char *value;
    int n = lookup(ev, &value);

    if (n < 0)
        put_gap(ev, mode, out, n == -ESRCH ? NONE : UNKNOWN);
    else
        put_word(ev, mode, out, value, (size_t)n);
}

#define WORD_SOURCE(ds, lookup)                                            \
    static void ds(struct exec_event *ev, const char *arg, size_t len,     \
                   enum render_mode mode, struct textbuf *out)             \
    {                                                                      \
        put_lookup(ev, mode, out, lookup);                                 \
    }

WORD_SOURCE(ds_boot_id, identity_boot_id)
WORD_SOURCE(ds_cgroup, event_cgroup)
WORD_SOURCE(ds_cwd, event_cwd)
WORD_SOURCE(ds_exe, event_exe)
WORD_SOURCE(ds_exec_id, identity_exec_id)
WORD_SOURCE(ds_hostname, event_hostname)
WORD_SOURCE(ds_parent_exe, identity_parent_exe)
WORD_SOURCE(ds_parent_exec_id, identity_parent_exec_id)

static void ds_cmdline(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    quote_argv(out, ev->call.argv, ev->max_arg_length, ev->masks);
}

static void ds_argc(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    textbuf_put_u64(out, event_argc(ev));
}

static void ds_filename(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    if (ev->call.filename == NULL) {
        textbuf_puts(out, "/dev/fd/");
        textbuf_put_i64(out, ev->call.fd);
        return;
    }
    put_word(ev, mode, out, ev->call.filename, strlen(ev->call.filename));
}

static void ds_exec_call(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    textbuf_puts(out, entry_points[ev->call.entry].name);
}

static void ds_tty(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    const char *tty;
    int n = event_tty(ev, &tty);

    if (n < 0)
        put_gap(ev, mode, out, n == -ENOTTY ? NONE : UNKNOWN);
    else
        put_word(ev, mode, out, tty, (size_t)n);
}

static void ds_uid(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    textbuf_put_u64(out, event_uid(ev));
}

static void ds_euid(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    textbuf_put_u64(out, event_euid(ev));
}

static void ds_gid(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    textbuf_put_u64(out, sys_getgid());
}

static void ds_egid(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    textbuf_put_u64(out, sys_getegid());
}

static void ds_username(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    put_user(ev, mode, out, event_uid(ev));
}

static void ds_loginuid(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    uid_t uid;
    int r = event_loginuid(ev, &uid);

    if (r == 0)
        textbuf_put_u64(out, uid);
    else
        put_gap(ev, mode, out, r == -ESRCH ? NONE : UNKNOWN);
}

static void ds_login(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    uid_t uid;
    int r = event_loginuid(ev, &uid);

    if (r == 0)
        put_user(ev, mode, out, uid);
    else
        put_gap(ev, mode, out, r == -ESRCH ? NONE : UNKNOWN);
}

static void ds_pid(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    textbuf_put_i64(out, event_pid(ev));
}

static void ds_ppid(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    textbuf_put_i64(out, event_ppid(ev));
}

static void ds_sid(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    pid_t sid = sys_getsid(ev->call.pid);

    if (sid < 0)
        put_gap(ev, mode, out, UNKNOWN);
    else
        textbuf_put_i64(out, sid);
}

static void ds_comm(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    char comm[17] = "";

    /* prctl rather than /proc/self/comm: it works without /proc. */
    if (sys_comm(comm) < 0)
        put_gap(ev, mode, out, UNKNOWN);
    else
        put_word(ev, mode, out, comm, strlen(comm));
}

static void ds_eusername(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    put_user(ev, mode, out, event_euid(ev));
}

/* Nothing, unless the program runs with another effective uid than the
 * real one (nobody running a setuid-root program that execs): then who
 * it runs as, so that the line never hides a root exec behind the name
 * of the user who started it, and no other line grows. */
static void ds_setuid(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    uid_t euid = event_euid(ev);

    if (euid == event_uid(ev))
        return;
    textbuf_puts(out, " euid:");
    textbuf_put_u64(out, euid);
    textbuf_puts(out, " eusername:");
    put_user(ev, mode, out, euid);
}

static void ds_sessionid(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    uint32_t id;
    int r = proc_sessionid(&id);

    if (r == 0)
        textbuf_put_u64(out, id);
    else
        put_gap(ev, mode, out, r == -ESRCH ? NONE : UNKNOWN);
}

static void ds_tid(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    /* The raw call: glibc before 2.30 has no gettid(). */
    textbuf_put_i64(out, sys_gettid());
}

static void ds_rpname(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    char comm[17];

    if (event_parent_comm(ev, comm, sizeof(comm)) < 0)
        put_gap(ev, mode, out, UNKNOWN);
    else
        put_word(ev, mode, out, comm, strlen(comm));
}

static void ds_interactive(struct exec_event *ev, const char *arg,
                           size_t len, enum render_mode mode,
                           struct textbuf *out)
{
    int r = event_interactive(ev);

    if (r < 0)
        put_gap(ev, mode, out, UNKNOWN);
    else
        textbuf_puts(out, r ? "true" : "false");
}

static void ds_systemd_unit(struct exec_event *ev, const char *arg,
                            size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    const char *path, *unit;
    int n = event_cgroup(ev, &path), u;

    if (n < 0) {
        put_gap(ev, mode, out, UNKNOWN);
        return;
    }
    u = cgroup_systemd_unit(path, (size_t)n, &unit);
    if (u < 0)
        put_gap(ev, mode, out, NONE);
    else
        put_word(ev, mode, out, unit, (size_t)u);
}

static void put_time(struct exec_event *ev, struct textbuf *out,
                     int64_t per_second)
{
    int64_t sec;
    long nsec;

    if (event_time(ev, &sec, &nsec) < 0)
        textbuf_puts(out, UNKNOWN);
    else
        textbuf_put_i64(out, sec * per_second +
                                 nsec / (1000000000 / per_second));
}

static void ds_timestamp(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    put_time(ev, out, 1);
}

static void ds_timestamp_ms(struct exec_event *ev, const char *arg,
                            size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    put_time(ev, out, 1000);
}

static void ds_timestamp_us(struct exec_event *ev, const char *arg,
                            size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    put_time(ev, out, 1000000);
}

/* Dates are UTC only.  Local time would need the tz database (files to
 * parse) and localtime_r's locks, neither of which the exec path may use;
 * the log store converts for display.  strftime is out too (locale lock),
 * so the calendar arithmetic is done here. */
struct civil_time {
    int64_t year;
    int month, day, hour, minute, second;   /* month, day from 1 */
    int yday, wday;                         /* from 0; 0 = Sunday */
    long usec;
};

static bool is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* Days since 1970-01-01 to a proleptic Gregorian date, counting in
 * 400-year eras of 146097 days that start on March 1st, so that the leap
 * day falls at the end of each counted year (H. Hinnant's civil_from_days). */
static void civil_from_epoch(int64_t t, struct civil_time *c)
{
    static const int days_before[12] = { 0, 31, 59, 90, 120, 151, 181, 212,
                                         243, 273, 304, 334 };
    int64_t days = t / 86400, secs = t % 86400;
    int64_t z, era, doe, yoe, doy, mp;

    if (secs < 0) {
        secs += 86400;
        days--;
    }
    c->hour = (int)(secs / 3600);
    c->minute = (int)(secs / 60 % 60);
    c->second = (int)(secs % 60);
    c->wday = (int)((days % 7 + 11) % 7);     /* 1970-01-01: a Thursday */

    z = days + 719468;                        /* from 0000-03-01 */
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;                   /* [0, 146096] */
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);   /* from March 1st */
    mp = (5 * doy + 2) / 153;                 /* 0 = March */
    c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    c->month = (int)(mp < 10 ? mp + 3 : mp - 9);
    c->year = yoe + era * 400 + (c->month <= 2);
    c->yday = days_before[c->month - 1] + c->day - 1 +
              (c->month > 2 && is_leap(c->year));
}

static void put_padded(struct textbuf *out, int64_t v, int width, char pad)
{
    char buf[24];
    size_t n = 0;

    if (v < 0) {
        textbuf_putc(out, '-');
        v = -v;
    }
    n = format_u64(buf, (uint64_t)v);
    for (; (int)n < width; width--)
        textbuf_putc(out, pad);
    textbuf_put(out, buf, n);
}

/* The conversions datetime:FMT understands (C locale), checked at reload. */
const char datetime_conversions[] = "YmdHMSfjeabszZFT%";

static void put_datetime(struct textbuf *out, const char *fmt, size_t len,
                         int64_t t, const struct civil_time *c)
{
    static const char wdays[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    size_t run = 0;

    for (size_t i = 0; i < len; i++) {
        if (fmt[i] != '%' || i + 1 == len)
            continue;
        textbuf_put(out, fmt + run, i - run);
        switch (fmt[++i]) {
        case 'Y': textbuf_put_i64(out, c->year); break;
        case 'm': put_padded(out, c->month, 2, '0'); break;
        case 'd': put_padded(out, c->day, 2, '0'); break;
        case 'e': put_padded(out, c->day, 2, ' '); break;
        case 'H': put_padded(out, c->hour, 2, '0'); break;
        case 'M': put_padded(out, c->minute, 2, '0'); break;
        case 'S': put_padded(out, c->second, 2, '0'); break;
        case 'f': put_padded(out, c->usec, 6, '0'); break;
        case 'j': put_padded(out, c->yday + 1, 3, '0'); break;
        case 'a': textbuf_put(out, wdays + 3 * c->wday, 3); break;
        case 'b': textbuf_put(out, months + 3 * (c->month - 1), 3); break;
        case 's': textbuf_put_i64(out, t); break;
        case 'z': textbuf_put(out, "+0000", 5); break;
        case 'Z': textbuf_put(out, "UTC", 3); break;
        case 'F': put_datetime(out, "%Y-%m-%d", 8, t, c); break;
        case 'T': put_datetime(out, "%H:%M:%S", 8, t, c); break;
        case '%': textbuf_putc(out, '%'); break;
        default:
            /* Refused at reload; a damaged cache shows it as written. */
            textbuf_put(out, fmt + i - 1, 2);
        }
        run = i + 1;
    }
    textbuf_put(out, fmt + run, len - run);
}

static void ds_datetime(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    static const char iso8601[] = "%Y-%m-%dT%H:%M:%SZ";
    struct civil_time c;
    int64_t sec;
    long nsec;

    if (event_time(ev, &sec, &nsec) < 0) {
        put_gap(ev, mode, out, UNKNOWN);
        return;
    }
    civil_from_epoch(sec, &c);
    c.usec = nsec / 1000;
    if (arg == NULL)
        put_datetime(out, iso8601, sizeof(iso8601) - 1, sec, &c);
    else
        put_datetime(out, arg, len, sec, &c);
}

/* RFC 3339 with microseconds, what log stores sort and join on. */
static void ds_time(struct exec_event *ev, const char *arg, size_t len,
                    enum render_mode mode, struct textbuf *out)
{
    static const char rfc3339[] = "%FT%T.%fZ";

    ds_datetime(ev, rfc3339, sizeof(rfc3339) - 1, mode, out);
}

static void ds_env(struct exec_event *ev, const char *arg, size_t len,
                      enum render_mode mode, struct textbuf *out)
{
    const char *value;
    int n;

    if (arg == NULL) {
        textbuf_puts(out, UNKNOWN);
        return;
    }
    n = event_env(ev, arg, len, &value);
    if (n < 0)
        textbuf_puts(out, UNSET);
    else if (n > 0 && redact_names_secret(ev->redact, arg, len))
        textbuf_puts(out, "***");
    else
        put_word(ev, mode, out, value, (size_t)n);
}

/* Names are arrays, not pointers: each pointer in a table costs every
 * process a relocation at load time.  Indices into this table are written
 * to the cache: new placeholders go where their name sorts, with a new
 * cache version. */
struct datasource {
    char name[16];
    /* The structured field (journald's EXECLOG_ suffix; JSON uses the
     * placeholder's name): "" for none, and how its value is rendered. */
    char field[16];
    uint8_t field_mode;         /* enum field_mode */
    uint8_t arg;                /* enum placeholder_arg */
    void (*render)(struct exec_event *ev, const char *arg, size_t len,
                   enum render_mode mode, struct textbuf *out);
};

static const struct datasource datasources[] = {
    { "argc", "ARGC", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_argc },
    { "boot_id", "BOOT_ID", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_boot_id },
    { "cgroup", "CGROUP", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_cgroup },
    { "cmdline", "CMDLINE", FIELD_QUOTED, PLACEHOLDER_ARG_NONE, ds_cmdline },
    { "comm", "COMM", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_comm },
    { "cwd", "CWD", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_cwd },
    { "datetime", "", FIELD_NONE, PLACEHOLDER_ARG_DATETIME, ds_datetime },
    { "egid", "EGID", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_egid },
    { "env", "", FIELD_NONE, PLACEHOLDER_ARG_ENV, ds_env },
    { "euid", "EUID", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_euid },
    { "eusername", "EUSERNAME", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_eusername },
    { "exe", "EXE", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_exe },
    { "exec_call", "EXEC_CALL", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_exec_call },
    { "exec_id", "EXEC_ID", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_exec_id },
    { "filename", "FILENAME", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_filename },
    { "gid", "GID", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_gid },
    { "hostname", "HOSTNAME", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_hostname },
    { "interactive", "INTERACTIVE", FIELD_BOOL, PLACEHOLDER_ARG_NONE, ds_interactive },
    { "login", "LOGIN", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_login },
    { "loginuid", "LOGINUID", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_loginuid },
    { "parent_comm", "PARENT_COMM", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_rpname },
    { "parent_exe", "PARENT_EXE", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_parent_exe },
    { "parent_exec_id", "PARENT_EXEC_ID", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_parent_exec_id },
    { "pid", "PID", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_pid },
    { "ppid", "PPID", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_ppid },
    { "rpname", "", FIELD_NONE, PLACEHOLDER_ARG_NONE, ds_rpname },
    { "sessionid", "SESSIONID", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_sessionid },
    { "setuid", "", FIELD_NONE, PLACEHOLDER_ARG_NONE, ds_setuid },
    { "sid", "SID", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_sid },
    { "systemd_unit", "SYSTEMD_UNIT", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_systemd_unit },
    { "tid", "", FIELD_NONE, PLACEHOLDER_ARG_NONE, ds_tid },
    { "time", "TIME", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_time },
    { "timestamp", "", FIELD_NONE, PLACEHOLDER_ARG_NONE, ds_timestamp },
    { "timestamp_ms", "", FIELD_NONE, PLACEHOLDER_ARG_NONE, ds_timestamp_ms },
    { "timestamp_us", "", FIELD_NONE, PLACEHOLDER_ARG_NONE, ds_timestamp_us },
    { "tty", "TTY", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_tty },
    { "uid", "UID", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_uid },
    { "username", "USERNAME", FIELD_RAW, PLACEHOLDER_ARG_NONE, ds_username },
};

#define DATASOURCE_COUNT (sizeof(datasources) / sizeof(datasources[0]))

int datasource_find(const char *name, size_t len)
{
    size_t low = 0, high = DATASOURCE_COUNT;

    /* The table is sorted by name (see above): a binary search, which
     * the ECS document runs for each of its members. */
    while (low < high) {
        size_t mid = (low + high) / 2;
        const char *entry = datasources[mid].name;
        int c = strncmp(entry, name, len);

        if (c == 0 && entry[len] == '\0')
            return (int)mid;
        if (c < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return -ENOENT;
}

const char *datasource_name(unsigned index)
{
    return index < DATASOURCE_COUNT ? datasources[index].name : NULL;
}

enum placeholder_arg datasource_arg(unsigned index)
{
    return index < DATASOURCE_COUNT ? datasources[index].arg
                                    : PLACEHOLDER_ARG_NONE;
}

const char *datasource_field(unsigned index, enum field_mode *mode)
{
    if (index >= DATASOURCE_COUNT ||
        datasources[index].field_mode == FIELD_NONE)
        return NULL;
    *mode = datasources[index].field_mode;
    return datasources[index].field;
}

void datasource_render(unsigned index, struct exec_event *ev, const char *arg,
                       size_t len, enum render_mode mode, struct textbuf *out)
{
    if (index < DATASOURCE_COUNT)
        datasources[index].render(ev, arg, len, mode, out);
}

void datasource_put_datetime(struct exec_event *ev, struct textbuf *out)
{
    ds_datetime(ev, NULL, 0, RENDER_QUOTED, out);
}
