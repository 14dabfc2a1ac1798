#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "builtin.h"
#include "ecs.h"
#include "fields.h"
#include "quote.h"
#include "repeat.h"
#include "pipeline.h"
#include "state.h"
#include "sys.h"

/* Room kept for "...(N bytes cut)" so the marker itself is never cut. */
#define CUT_MARKER_ROOM 40

/* Below the default socket send buffer (212,992 bytes), so a JSON event
 * still fits one datagram. */
#define JSON_MAX 196608

/* A PATH search's candidate, off the caller's stack (see
 * pipeline_log_search). */
#define CANDIDATE_SIZE (PATH_MAX + NAME_MAX + 2)

/* Where one log call works: the memory mapped for it, or, where no
 * mapping can be had (a user's RLIMIT_AS set just above the process's
 * size), a small static area that still gives a line, shortened if need
 * be, with the structured fields that fit. */
enum workspace_source { WS_KEPT, WS_OWN, WS_EMERGENCY };

struct workspace {
    struct exec_event *event;
    struct config *config;      /* room to read the cache into; NULL: none */
    char *work, *cgroup, *candidate, *message, *json, *scratch;
    size_t message_size, json_size, scratch_size;
    /* Where the secrets of the line are found. */
    struct redact_masks *masks;
    struct redact_room room;
    /* A repeat count to send and its line; NULL: no room, no counting. */
    struct repeat_summary *due;
    char *summary;
    enum workspace_source source;
};

/* Command strings are read only as far as max_message_length: the room
 * holds one of that length, and the strings nested in it. */
#define SHELL_ROOM (2 * MAX_MESSAGE_LENGTH)
#define COMMAND_SLOTS 16

struct mapped_area {
    struct exec_event event;
    struct redact_masks masks;
    uint64_t commands[COMMAND_SLOTS * REDACT_COMMAND_SIZE / 8];
    uint32_t info[4096];
    uint32_t origin[SHELL_ROOM];
    char shell_text[SHELL_ROOM];
    struct repeat_summary due;
    char summary[REPEAT_SUMMARY_SIZE];
    struct config config;
    char work[EVENT_WORK_SIZE];
    char cgroup[EVENT_PATH_SIZE];
    char candidate[CANDIDATE_SIZE];
    char message[MAX_MESSAGE_LENGTH];
    char json[JSON_MAX];
    char scratch[OUTPUT_SCRATCH_SIZE];
};

/* In .data: its pages cost nothing until a process first needs them. */
static struct {
    struct exec_event event;
    struct redact_masks masks;
    uint64_t commands[4 * REDACT_COMMAND_SIZE / 8];
    uint32_t info[64];
    uint32_t origin[1024];
    char shell_text[1024];
    char work[EVENT_WORK_SIZE];
    char cgroup[EVENT_PATH_SIZE];
    char candidate[CANDIDATE_SIZE];
    char message[2048];
    char json[4096];
    char scratch[8192];
} emergency = { .work = { 0 } };
static unsigned emergency_busy = 0;

#define WORKSPACE_IN(area, cfg, from, due_, summary_)                       \
    ((struct workspace){                                                    \
        .event = &(area)->event, .config = (cfg), .work = (area)->work,     \
        .cgroup = (area)->cgroup,                                           \
        .candidate = (area)->candidate, .message = (area)->message,         \
        .json = (area)->json, .scratch = (area)->scratch,                   \
        .message_size = sizeof((area)->message),                            \
        .json_size = sizeof((area)->json),                                  \
        .scratch_size = sizeof((area)->scratch), .due = (due_),             \
        .masks = &(area)->masks,                                            \
        .room = { (area)->shell_text, (area)->origin,                       \
                  sizeof((area)->shell_text), (area)->commands,             \
                  sizeof((area)->commands) / REDACT_COMMAND_SIZE,           \
                  (area)->info, sizeof((area)->info) / 4 },                 \
        .summary = (summary_), .source = (from) })

/* The configuration this process loaded last, so that an unchanged cache
 * costs one statx per exec, not a read and a checksum, and is used where
 * it lies, not copied.  Guarded without a lock (signal handlers and vfork
 * children may be here): a state word with a valid bit, a writing bit and
 * a count of readers.  Whoever cannot get in reads the file into its own
 * workspace.  Statics of the library are initialized explicitly: with
 * -fno-zero-initialized-in-bss they then go to .data, and the library has
 * no .bss for ld.so to clear at start-up (see Makefile.am). */
static struct {
    struct file_identity identity;
    struct config config;
} loaded = { .identity = { 0 } };
static unsigned loaded_state = 0;

#define LOADED_VALID 1u
#define LOADED_WRITING 2u
#define LOADED_READER 4u

/* A reader's hold on loaded if it is valid and of this identity. */
static bool hold_loaded(const struct file_identity *id)
{
    unsigned s = __atomic_load_n(&loaded_state, __ATOMIC_ACQUIRE);

    do {
        if (!(s & LOADED_VALID) || (s & LOADED_WRITING))
            return false;
    } while (!__atomic_compare_exchange_n(&loaded_state, &s, s + LOADED_READER,
                                          true, __ATOMIC_ACQUIRE,
                                          __ATOMIC_ACQUIRE));
    if (memcmp(&loaded.identity, id, sizeof(*id)) == 0)
        return true;
    __atomic_fetch_sub(&loaded_state, LOADED_READER, __ATOMIC_RELEASE);
    return false;
}

static void release_loaded(void)
{
    __atomic_fetch_sub(&loaded_state, LOADED_READER, __ATOMIC_RELEASE);
}

/* Reads the cache into loaded if no one else is in it, and then holds it
 * as a reader: 1; 0 when someone is (read it elsewhere); or the error of
 * an unusable cache (loaded is then invalid). */
static int load_and_hold(int fd, const struct file_identity *id,
                         const char **why)
{
    struct cache_header header;
    unsigned s = __atomic_load_n(&loaded_state, __ATOMIC_ACQUIRE);
    int r;

    do {
        if (s & ~LOADED_VALID)
            return 0;
    } while (!__atomic_compare_exchange_n(&loaded_state, &s, LOADED_WRITING,
                                          true, __ATOMIC_ACQUIRE,
                                          __ATOMIC_ACQUIRE));
    r = cache_read(fd, &header, &loaded.config, NULL, why);
    if (r < 0) {
        __atomic_store_n(&loaded_state, 0, __ATOMIC_RELEASE);
        return r;
    }
    loaded.identity = *id;
    __atomic_store_n(&loaded_state, LOADED_VALID + LOADED_READER,
                     __ATOMIC_RELEASE);
    return 1;
}

/* The configuration in force for one event: the loaded cache, held (*held;
 * release_loaded() when done), the built-in one, or the cache read into
 * own.  *status as config_in_force returns. */
static const struct config *config_for_event(const char *path,
                                             struct config *own, bool *held,
                                             const char **why, int *status)
{
    struct cache_header header;
    struct file_identity id;
    struct statx stx;
    int fd, r;

    *held = false;
    r = (int)sys_call(SYS_statx, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW,
                      STATX_BASIC_STATS, &stx);
    if (r < 0) {
        if (r != -ENOENT)
            *why = "it cannot be examined";
        *status = r == -ENOENT ? 1 : r;
        return builtin_config();
    }
    /* A reload renames a new file into place (new inode), an edit in
     * place changes mtime and ctime. */
    file_identity_of(&id, &stx);
    *status = 0;
    if (hold_loaded(&id)) {
        *held = true;
        return &loaded.config;
    }
    /* The rule is checked on what statx saw; O_NOFOLLOW then makes sure
     * no link was put in its place (only root can swap files in /etc). */
    r = cache_check_stat(&stx, why);
    fd = r < 0 ? r : sys_open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
                                        O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (r == 0)
            *why = "it cannot be opened";
        *status = fd;
        return builtin_config();
    }
    r = load_and_hold(fd, &id, why);
    if (r == 0 && own == NULL) {
        /* No room to read it into (the emergency workspace): the built-in
         * configuration still gives a line. */
        sys_close(fd);
        return builtin_config();
    }
    if (r == 0)
        r = cache_read(fd, &header, own, NULL, why);
    sys_close(fd);
    if (r < 0) {
        *status = r;
        return builtin_config();
    }
    *held = r == 1;
    return *held ? &loaded.config : own;
}

int config_in_force(const char *path, struct config *cfg, const char **why)
{
    bool held;
    int status;
    const struct config *in_force = config_for_event(path, cfg, &held, why,
                                                     &status);

    if (in_force != cfg)
        memcpy(cfg, in_force, sizeof(*cfg));
    if (held)
        release_loaded();
    return status;
}

/* The errors an exec or a delivery can meet, by name.  Not glibc's
 * strerrorname_np: importing it (GLIBC_2.32) costs every process a symbol
 * version check at start-up.  Others are shown as numbers. */
static const struct {
    int number;
    char name[14];
} errno_names[] = {
    { E2BIG, "E2BIG" },           { EACCES, "EACCES" },
    { EAGAIN, "EAGAIN" },         { EBADF, "EBADF" },
    { ECONNREFUSED, "ECONNREFUSED" }, { ECONNRESET, "ECONNRESET" },
    { EDESTADDRREQ, "EDESTADDRREQ" }, { EDQUOT, "EDQUOT" },
    { EFAULT, "EFAULT" },         { EFBIG, "EFBIG" },
    { EINTR, "EINTR" },           { EINVAL, "EINVAL" },
    { EIO, "EIO" },               { EISDIR, "EISDIR" },
    { ELIBBAD, "ELIBBAD" },       { ELOOP, "ELOOP" },
    { EMFILE, "EMFILE" },         { EMSGSIZE, "EMSGSIZE" },
    { ENAMETOOLONG, "ENAMETOOLONG" }, { ENFILE, "ENFILE" },
    { ENOBUFS, "ENOBUFS" },       { ENOENT, "ENOENT" },
    { ENOEXEC, "ENOEXEC" },       { ENOMEM, "ENOMEM" },
    { ENOSPC, "ENOSPC" },         { ENOSYS, "ENOSYS" },
    { ENOTCONN, "ENOTCONN" },     { ENOTDIR, "ENOTDIR" },
    { ENOTSOCK, "ENOTSOCK" },     { ENXIO, "ENXIO" },
    { EPERM, "EPERM" },           { EPIPE, "EPIPE" },
    { EPROTOTYPE, "EPROTOTYPE" }, { EROFS, "EROFS" },
    { ETIMEDOUT, "ETIMEDOUT" },   { ETXTBSY, "ETXTBSY" },
};

static void put_errno_name(struct textbuf *out, int number)
{
    for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
        if (errno_names[i].number == number) {
            textbuf_puts(out, errno_names[i].name);
            return;
        }
    textbuf_put_i64(out, number);
}

static void put_exec_failure(struct textbuf *out, int exec_errno)
{
    textbuf_puts(out, "exec failed (");
    put_errno_name(out, exec_errno);
    textbuf_puts(out, "): ");
}

/* How much of argv is read (and so can be shown): what the text line can
 * hold, or with per-argument fields (journald, JSON) what one entry can
 * carry.  Past it the hook's work stops growing with the command line. */
static size_t argv_budget(const struct config *cfg)
{
    if (output_carries_fields(&cfg->output) ||
        cfg->output_format != OUTPUT_FORMAT_TEXT)
        return OUTPUT_PAYLOAD_SIZE;
    return cfg->max_message_length;
}

void pipeline_render(const struct config *cfg, struct exec_event *ev,
                     int exec_errno, struct textbuf *out)
{
    size_t lost;

    textbuf_reserve(out, CUT_MARKER_ROOM);
    ev->max_arg_length = cfg->max_arg_length;
    ev->redact = &cfg->redact;
    ev->users = &cfg->users;
    if (ev->masks != NULL)
        redact_scan(&cfg->redact, ev->call.argv, argv_budget(cfg), ev->room,
                    ev->masks);
    if (exec_errno != 0)
        put_exec_failure(out, exec_errno);
    format_render(&cfg->format, ev, out);
    lost = textbuf_release(out);
    if (lost != 0)
        put_cut_marker(out, lost, ev->masks != NULL &&
                                      ev->masks->limit_arg != UINT32_MAX);
}

static int send_notice(const struct config *cfg, struct workspace *ws,
                       const struct textbuf *text)
{
    struct output_message m = { .text = text->data, .len = text->len,
                                .pid = sys_getpid(), .scratch = ws->scratch,
                                .scratch_size = ws->scratch_size };

    return output_send(&cfg->output, &m);
}

/* A cache that is there but unusable means the operator's rules are not
 * in force; said once per process, through the output in force. */
static void report_cache_problem(const struct config *cfg, const char *why,
                                 struct workspace *ws)
{
    static int reported = 0;
    struct textbuf out;

    if (!cfg->error_logging || __atomic_exchange_n(&reported, 1, __ATOMIC_RELAXED))
        return;
    textbuf_init(&out, ws->message, ws->message_size);
    textbuf_puts(&out, "execlog: " EXECLOG_CACHE_PATH " not used: ");
    textbuf_puts(&out, why);
    textbuf_puts(&out, "; built-in defaults apply");
    send_notice(cfg, ws, &out);
}

/* Lines that could not be delivered (a stopped receiver, a full queue, no
 * memory), reported with the user's next line that gets through: counted
 * per user in EXECLOG_STATE_DIR, so that the count survives the process
 * (each command of a shell loop is one), else in this process. */
static unsigned undelivered = 0;
static int last_delivery_error = 0;

#define LOST_PREFIX EXECLOG_STATE_DIR "/" STATE_KIND_LOST "/"
#define LOST LOST_PREFIX, sizeof(LOST_PREFIX) - 1

static void count_undelivered(uid_t uid, int r)
{
    last_delivery_error = -r;
    if (state_counter_add(LOST, uid, 1) < 0)
        __atomic_fetch_add(&undelivered, 1, __ATOMIC_RELAXED);
}

static void note_delivery(const struct config *cfg, struct workspace *ws,
                          struct exec_event *ev, int r)
{
    uint64_t lost, by_user = 0;
    struct textbuf out;

    if (r < 0) {
        count_undelivered(event_uid(ev), r);
        return;
    }
    state_counter_take(LOST, event_uid(ev), &by_user);
    lost = by_user + __atomic_exchange_n(&undelivered, 0, __ATOMIC_RELAXED);
    if (lost == 0 || !cfg->error_logging)
        return;
    textbuf_init(&out, ws->message, ws->message_size);
    textbuf_puts(&out, "execlog: ");
    textbuf_put_u64(&out, lost);
    if (by_user != 0) {
        textbuf_puts(&out, " earlier line(s) of uid ");
        textbuf_put_u64(&out, event_uid(ev));
    } else {
        textbuf_puts(&out, " earlier line(s) of this process");
    }
    textbuf_puts(&out, " could not be delivered");
    if (last_delivery_error != 0) {
        textbuf_puts(&out, " (");
        put_errno_name(&out, last_delivery_error);
        textbuf_putc(&out, ')');
    }
    /* The count goes back for a later line rather than vanish. */
    if (send_notice(cfg, ws, &out) < 0 &&
        state_counter_add(LOST, event_uid(ev), lost) < 0)
        __atomic_fetch_add(&undelivered, (unsigned)lost, __ATOMIC_RELAXED);
}

/* Sends the count of repeats in ws->due; if it cannot go, its lines are
 * counted as undelivered, and reported like any others. */
static void send_repeats(const struct config *cfg, struct workspace *ws,
                         struct exec_event *ev)
{
    struct textbuf out;
    struct output_message m = { .pid = event_pid(ev),
                                .scratch = ws->scratch,
                                .scratch_size = ws->scratch_size,
                                .repeated = ws->due->count };

    textbuf_init(&out, ws->summary, REPEAT_SUMMARY_SIZE);
    repeat_render(ws->due, cfg->output_format != OUTPUT_FORMAT_TEXT, &out);
    m.text = out.data;
    m.len = out.len;
    if (output_send(&cfg->output, &m) < 0 &&
        state_counter_add(LOST, event_uid(ev), ws->due->count) < 0)
        __atomic_fetch_add(&undelivered, (unsigned)ws->due->count,
                           __ATOMIC_RELAXED);
}

/* Renders ev with the configuration in ws and delivers it. */
static int deliver(struct workspace *ws, const struct config *cfg,
                   struct exec_event *ev, int exec_errno)
{
    struct output_message m = { .pid = event_pid(ev), .ev = ev,
                                .scratch = ws->scratch,
                                .scratch_size = ws->scratch_size };
    struct textbuf line, json;

    textbuf_init(&line, ws->message,
                 cfg->max_message_length < ws->message_size
                     ? cfg->max_message_length
                     : ws->message_size);
    pipeline_render(cfg, ev, exec_errno, &line);
    m.text = line.data;
    m.len = line.len;
    if (cfg->output_format != OUTPUT_FORMAT_TEXT) {
        textbuf_init(&json, ws->json, ws->json_size);
        (cfg->output_format == OUTPUT_FORMAT_ECS ? ecs_event : json_event)(
            ev, line.data, line.len, ws->scratch,
            output_value_size(ws->scratch_size), &json);
        m.text = json.data;
        m.len = json.len;
    }
    if (cfg->repeat_window != 0 && exec_errno == 0 && ws->due != NULL) {
        bool counted = repeat_note(ev, m.text, m.len, cfg->repeat_window,
                                   ws->due);

        if (ws->due->count != 0)
            send_repeats(cfg, ws, ev);
        if (counted)
            return 0;
    }
    return output_send(&cfg->output, &m);
}

/* The workspace is mapped once per process and kept: a process that
 * spawns again pays no mmap and munmap, and a fork child, whose exec
 * discards it, no munmap.  MAP_NORESERVE and fresh pages: only the pages
 * written are faulted in, five or six for a short command line, and stay
 * with a process that spawns.  Whoever finds it in use (another thread, a
 * signal handler, a fork child of a thread that was using it) maps one of
 * its own for the call.  A vfork child shares it with its parent and gives
 * it back before its exec, like everyone, at the end of pipeline_log. */
static struct mapped_area *kept_area = NULL;
static unsigned kept_area_busy = 0;

static int take_workspace(struct workspace *ws)
{
    bool kept = __atomic_exchange_n(&kept_area_busy, 1, __ATOMIC_ACQUIRE) == 0;
    struct mapped_area *area = kept ? kept_area : NULL;

    if (area == NULL) {
        area = sys_mmap_anonymous(sizeof(*area));
        if (kept && area != MAP_FAILED)
            kept_area = area;
    }
    if (area != MAP_FAILED) {
        *ws = WORKSPACE_IN(area, &area->config, kept ? WS_KEPT : WS_OWN,
                           &area->due, area->summary);
        return 0;
    }
    if (kept)
        __atomic_store_n(&kept_area_busy, 0, __ATOMIC_RELEASE);
    if (__atomic_exchange_n(&emergency_busy, 1, __ATOMIC_ACQUIRE))
        return -ENOMEM;
    *ws = WORKSPACE_IN(&emergency, NULL, WS_EMERGENCY, NULL, NULL);
    return 0;
}

static void give_back_workspace(const struct workspace *ws)
{
    switch (ws->source) {
    case WS_KEPT:
        __atomic_store_n(&kept_area_busy, 0, __ATOMIC_RELEASE);
        break;
    case WS_OWN:
        /* The event is the area's first member. */
        sys_munmap(ws->event, sizeof(struct mapped_area));
        break;
    case WS_EMERGENCY:
        __atomic_store_n(&emergency_busy, 0, __ATOMIC_RELEASE);
        break;
    }
}

/* Logs the call, as the program exe when known, with the workspace ws. */
static int log_in(struct workspace *ws, const struct exec_call *call,
                  const char *exe, int exec_errno)
{
    struct exec_event *ev = ws->event;
    const struct config *cfg;
    const char *why = NULL;
    bool held;
    int r, status;

    event_start(ev, call, exe, ws->work, ws->cgroup);
    ev->masks = ws->masks;
    ev->room = &ws->room;
    cfg = config_for_event(EXECLOG_CACHE_PATH, ws->config, &held, &why,
                           &status);
    if (status < 0)
        report_cache_problem(cfg, why, ws);
    if (filter_chain_drops(&cfg->filters, ev) != NULL) {
        r = 0;
    } else {
        r = deliver(ws, cfg, ev, exec_errno);
        note_delivery(cfg, ws, ev, r);
    }
    if (held)
        release_loaded();
    return r;
}

/* errno is left alone without being saved: nothing here writes it (the
 * system calls are made inline, sys.h). */
int pipeline_log(const struct exec_call *call, int exec_errno)
{
    struct workspace ws;
    int r = take_workspace(&ws);

    if (r < 0) {
        count_undelivered(sys_getuid(), r);
        return r;
    }
    r = log_in(&ws, call, NULL, exec_errno);
    give_back_workspace(&ws);
    return r;
}

int pipeline_log_search(const struct exec_call *call, const char *path,
                        size_t path_len, size_t file_len,
                        bool (*runnable)(const char *candidate),
                        int exec_errno)
{
    struct workspace ws;
    bool found = false;
    int r = take_workspace(&ws);

    if (r < 0) {
        count_undelivered(sys_getuid(), r);
        return r;
    }
    while (!found && path_candidate(&path, path_len, call->filename, file_len,
                                    ws.candidate))
        found = runnable(ws.candidate);
    r = found ? log_in(&ws, call,
                       ws.candidate[0] == '/' ? ws.candidate : NULL,
                       exec_errno)
              : PIPELINE_NO_CANDIDATE;
    give_back_workspace(&ws);
    return r;
}
