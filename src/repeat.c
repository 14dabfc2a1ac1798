#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include "redact.h"
#include "repeat.h"
#include "state.h"
#include "sys.h"

/* The user's record: one page-aligned file, shared by all of the user's
 * processes.  busy is a lock taken without waiting, holding the holder's
 * thread id: whoever finds it taken sends its line, which costs a line,
 * never a count, and takes it over only from a holder that is gone. */
struct repeat_record {
    uint32_t busy;
    uint32_t line_len;          /* 0: nothing to count against */
    uint64_t identity;          /* of the command whose line is kept */
    int64_t first_ms;           /* when it was logged: the window's start */
    int64_t last_ms;            /* when the last repeat came */
    uint64_t count;             /* repeats since, not yet summarized */
    char line[REPEAT_LINE_MAX];
};

_Static_assert(sizeof(struct repeat_record) == 16384,
               "a record is four pages");

#define REPEAT_PREFIX EXECLOG_STATE_DIR "/" STATE_KIND_REPEAT "/"

/* The mapping of this process's user, kept: a process that spawns again
 * maps nothing, a fork child inherits it (the same file, shared). */
static struct repeat_record *kept_record = NULL;
static uid_t kept_uid = 0;

/* The user's record, and in *kept whether it stays mapped (the first
 * user this process counts for); release_record when done. */
static struct repeat_record *record_of(uid_t uid, bool *kept)
{
    struct repeat_record *r = __atomic_load_n(&kept_record, __ATOMIC_ACQUIRE);

    *kept = true;
    if (r != NULL && __atomic_load_n(&kept_uid, __ATOMIC_RELAXED) == uid)
        return r;
    r = state_record_map(REPEAT_PREFIX, sizeof(REPEAT_PREFIX) - 1, uid,
                         sizeof(*r));
    *kept = r != NULL && kept_record == NULL;
    if (*kept) {
        kept_uid = uid;
        __atomic_store_n(&kept_record, r, __ATOMIC_RELEASE);
    }
    return r;
}

/* A daemon that counts for many users one after the other must not pile
 * up mappings. */
static void release_record(struct repeat_record *r, bool kept)
{
    if (!kept)
        sys_call(SYS_munmap, r, sizeof(*r));
}

/* FNV-1a, 64 bits: identity, not secrecy (the record is the user's own). */
static uint64_t mix(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

static void mix_piece(void *ctx, const char *s, size_t len)
{
    uint64_t *h = ctx;

    *h = mix(*h, s, len);
}

static uint64_t mix_number(uint64_t h, uint64_t v)
{
    return mix(h, (const char *)&v, sizeof(v));
}

/* The same uid, parent, program and arguments after redaction. */
static uint64_t identity_of(struct exec_event *ev)
{
    char *const *argv = ev->call.argv;
    const struct redact_masks *m = ev->masks;
    uint64_t h = 0xcbf29ce484222325ull;

    h = mix_number(h, event_uid(ev));
    h = mix_number(h, (uint64_t)event_ppid(ev));
    if (ev->call.filename != NULL)
        h = mix(h, ev->call.filename, strlen(ev->call.filename) + 1);
    else
        h = mix_number(h, (uint64_t)ev->call.fd);
    /* As far as the scan read: the same line is the same command. */
    for (size_t i = 0, first = 0; argv != NULL && argv[i] != NULL &&
                                  redact_argument_read(m, i); i++) {
        size_t n = m != NULL ? redact_masks_of(m, i, &first) : 0;

        redact_pieces(argv[i], redact_argument_length(m, argv, i),
                      n > 0 ? &m->mask[first] : NULL, n, mix_piece, &h);
        h = mix(h, "", 1);
    }
    return h;
}

static bool lock(struct repeat_record *r)
{
    uint32_t self = (uint32_t)sys_call(SYS_gettid, 0), holder = 0;

    if (__atomic_compare_exchange_n(&r->busy, &holder, self, false,
                                    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return true;
    /* Killed inside (SIGKILL): the record would stay locked for good. */
    return sys_call(SYS_kill, holder, 0) == -ESRCH &&
           __atomic_compare_exchange_n(&r->busy, &holder, self, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* The record is the user's own file: whatever it holds is read as
 * untrusted, its length bounded, its times ordered. */
static void take_summary(struct repeat_record *r, struct repeat_summary *s)
{
    uint32_t len = r->line_len;

    s->count = r->count;
    s->seconds = r->last_ms > r->first_ms
                     ? (uint64_t)(r->last_ms - r->first_ms) / 1000
                     : 0;
    s->len = len <= REPEAT_LINE_MAX ? len : 0;
    memcpy(s->line, r->line, s->len);
    r->count = 0;
}

/* Whether now is still in the window that started at first_ms; a start
 * in the future (a forged or damaged record) ends it. */
static bool in_window(int64_t first_ms, int64_t now, uint32_t window_s)
{
    return first_ms <= now && now - first_ms < (int64_t)window_s * 1000;
}

bool repeat_note(struct exec_event *ev, const char *line, size_t len,
                 uint32_t window_s, struct repeat_summary *due)
{
    struct repeat_record *r;
    uint64_t id;
    int64_t sec, now;
    long nsec;
    bool counted = false, kept;

    due->count = 0;
    /* A setuid program reads nothing its caller can write. */
    if (event_uid(ev) != event_euid(ev) || event_time(ev, &sec, &nsec) < 0)
        return false;
    r = record_of(event_uid(ev), &kept);
    if (r == NULL)
        return false;
    id = identity_of(ev);
    now = sec * 1000 + nsec / 1000000;
    if (!lock(r)) {
        release_record(r, kept);
        return false;
    }
    if (r->count != 0 &&
        (r->identity != id || !in_window(r->first_ms, now, window_s)))
        take_summary(r, due);
    if (r->line_len != 0 && r->identity == id &&
        in_window(r->first_ms, now, window_s)) {
        r->count++;
        r->last_ms = now;
        counted = true;
    } else if (len <= REPEAT_LINE_MAX) {
        r->identity = id;
        r->first_ms = r->last_ms = now;
        memcpy(r->line, line, len);
        r->line_len = (uint32_t)len;
    } else {
        r->line_len = 0;
    }
    __atomic_store_n(&r->busy, 0, __ATOMIC_RELEASE);
    release_record(r, kept);
    return counted;
}

/* The stored line may be anything its user wrote there: no byte that
 * could end or forge a log line goes out. */
static void put_stored(struct textbuf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        textbuf_putc(out, (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?'
                                                                      : s[i]);
}

void repeat_render(const struct repeat_summary *s, bool json,
                   struct textbuf *out)
{
    if (json && s->len > 1 && s->line[0] == '{' && s->line[s->len - 1] == '}') {
        textbuf_puts(out, "{\"repeated\":");
        textbuf_put_u64(out, s->count);
        textbuf_puts(out, ",\"repeated_seconds\":");
        textbuf_put_u64(out, s->seconds);
        textbuf_putc(out, ',');
        put_stored(out, s->line + 1, s->len - 1);
        return;
    }
    textbuf_puts(out, "repeated ");
    textbuf_put_u64(out, s->count);
    textbuf_puts(out, " times in ");
    textbuf_put_u64(out, s->seconds);
    textbuf_puts(out, " s: ");
    put_stored(out, s->line, s->len);
}
