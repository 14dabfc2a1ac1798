#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>

#include "identity.h"
#include "sys.h"
#include "textbuf.h"

#define BOOT_ID_LENGTH 36           /* 8-4-4-4-12 hex digits */

/* The boot id this process read, kept: 0 unread, 1 being read, 2 valid.
 * Whoever finds it being read (another thread, a signal handler that
 * interrupted the reader) reads its own copy into the event. */
static char kept_boot_id[BOOT_ID_LENGTH + 1] = { 0 };
static unsigned kept_boot_id_state = 0;

static bool is_uuid(const char *s)
{
    for (int i = 0; i < BOOT_ID_LENGTH; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];

        if (dash ? c != '-'
                 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

static int read_boot_id(char *buf)
{
    int fd = sys_open("/proc/sys/kernel/random/boot_id",
                      O_RDONLY | O_CLOEXEC | O_NOCTTY);
    ssize_t got;

    if (fd < 0)
        return fd;
    got = sys_read(fd, buf, BOOT_ID_LENGTH);
    sys_close(fd);
    if (got < 0)
        return (int)got;
    if (got != BOOT_ID_LENGTH || !is_uuid(buf))
        return -EIO;
    buf[BOOT_ID_LENGTH] = '\0';
    return 0;
}

int identity_boot_id(struct exec_event *ev, const char **out)
{
    unsigned state = __atomic_load_n(&kept_boot_id_state, __ATOMIC_ACQUIRE);
    int r;

    if (state == 2) {
        *out = kept_boot_id;
        return BOOT_ID_LENGTH;
    }
    if (state == 0 &&
        __atomic_compare_exchange_n(&kept_boot_id_state, &state, 1, false,
                                    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        r = read_boot_id(kept_boot_id);
        __atomic_store_n(&kept_boot_id_state, r == 0 ? 2 : 0,
                         __ATOMIC_RELEASE);
        *out = kept_boot_id;
        return r < 0 ? r : BOOT_ID_LENGTH;
    }
    r = read_boot_id(ev->work);
    *out = ev->work;
    return r < 0 ? r : BOOT_ID_LENGTH;
}

/* A process's start time, kept with its pid by the first that reads its
 * own, and never changed after (the state word as for the boot id, but
 * written once): a process that spawns again needs no /proc for its own
 * id, and a fork child finds its parent's here (the pid says whose) when
 * the parent had read it.  A vfork child may take the place first; the
 * parent then reads its own each time, as without it. */
static struct {
    pid_t pid;
    uint64_t start;
} kept_self = { 0, 0 };
static unsigned kept_self_state = 0;

static bool kept_start(pid_t pid, uint64_t *start)
{
    if (__atomic_load_n(&kept_self_state, __ATOMIC_ACQUIRE) != 2 ||
        kept_self.pid != pid)
        return false;
    *start = kept_self.start;
    return true;
}

static void keep_start(pid_t pid, uint64_t start)
{
    unsigned state = 0;

    if (!__atomic_compare_exchange_n(&kept_self_state, &state, 1, false,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    kept_self.pid = pid;
    kept_self.start = start;
    __atomic_store_n(&kept_self_state, 2, __ATOMIC_RELEASE);
}

/* The start time of the runner or its parent (pid), from the kept one
 * or /proc/PID/stat. */
static int start_time(struct exec_event *ev, bool parent, pid_t pid,
                      uint64_t *start)
{
    const struct proc_stat *st;
    int r;

    if (kept_start(pid, start))
        return 0;
    r = event_stat(ev, parent, &st);
    if (r < 0)
        return r;
    *start = st->start_time;
    if (event_stat_pid(ev, parent) == 0)
        keep_start(pid, *start);
    return 0;
}

/* "BOOT-PID-START" of the runner or its parent, into the work buffer. */
static int exec_id(struct exec_event *ev, bool parent, const char **out)
{
    pid_t pid = parent ? event_ppid(ev) : event_pid(ev);
    const char *boot;
    char hex[32];
    struct textbuf tb;
    uint64_t start;
    int r;

    if (pid <= 0)
        return -ESRCH;
    r = start_time(ev, parent, pid, &start);
    if (r < 0)
        return r;
    r = identity_boot_id(ev, &boot);
    if (r < 0)
        return r;
    /* Copied first: boot may be in the work buffer. */
    for (int i = 0, n = 0; i < BOOT_ID_LENGTH; i++)
        if (boot[i] != '-')
            hex[n++] = boot[i];
    textbuf_init(&tb, ev->work, EVENT_PATH_SIZE);
    textbuf_put(&tb, hex, sizeof(hex));
    textbuf_putc(&tb, '-');
    textbuf_put_i64(&tb, pid);
    textbuf_putc(&tb, '-');
    textbuf_put_u64(&tb, start);
    *out = tb.data;
    return (int)tb.len;
}

int identity_exec_id(struct exec_event *ev, const char **out)
{
    return exec_id(ev, false, out);
}

int identity_parent_exec_id(struct exec_event *ev, const char **out)
{
    return exec_id(ev, true, out);
}

int identity_parent_exe(struct exec_event *ev, const char **out)
{
    char link[PROC_PATH_SIZE];
    pid_t pid = event_ppid(ev);
    ssize_t got;

    if (pid == 0)
        return -ESRCH;
    proc_path(link, "/proc/", (uint64_t)pid, "/exe");
    got = sys_readlink(link, ev->work, EVENT_PATH_SIZE - 1);
    if (got < 0)
        return (int)got;
    ev->work[got] = '\0';
    *out = ev->work;
    return (int)got;
}
