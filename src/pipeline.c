#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "pipeline.h"

/* Room kept for "...(N bytes cut)" so the marker itself is never cut. */
#define CUT_MARKER_ROOM 40

struct workspace {
    struct config config;
    char work[EVENT_WORK_SIZE];
    char message[];            /* config.max_message_length bytes */
};

static void put_exec_failure(struct textbuf *out, int exec_errno)
{
#ifdef HAVE_STRERRORNAME_NP
    const char *name = strerrorname_np(exec_errno);
#else
    const char *name = NULL;
#endif

    textbuf_puts(out, "exec failed (");
    if (name != NULL)
        textbuf_puts(out, name);
    else
        textbuf_put_i64(out, exec_errno);
    textbuf_puts(out, "): ");
}

void pipeline_render(const struct config *cfg, struct exec_event *ev,
                     int exec_errno, struct textbuf *out)
{
    size_t full = out->cap, lost;

    out->cap = full > CUT_MARKER_ROOM ? full - CUT_MARKER_ROOM : 0;
    ev->max_arg_length = cfg->max_arg_length;
    if (exec_errno != 0)
        put_exec_failure(out, exec_errno);
    format_render(&cfg->format, ev, out);
    out->cap = full;
    lost = out->lost;
    if (lost != 0) {
        out->lost = 0;
        put_cut_marker(out, lost);
    }
}

static size_t workspace_size(size_t max_message_length)
{
    size_t page = 4096;

    return (sizeof(struct workspace) + max_message_length + page - 1) &
           ~(page - 1);
}

int pipeline_log(struct exec_event *ev, int exec_errno)
{
    int saved_errno = errno, r;
    size_t size = workspace_size(DEFAULT_MAX_MESSAGE_LENGTH);
    struct workspace *ws;
    struct textbuf out;

    /* MAP_NORESERVE and fresh pages: only the pages written are faulted in,
     * typically two or three for a short command line. */
    ws = mmap(NULL, size, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ws == MAP_FAILED) {
        r = -errno;
        goto out;
    }
    r = config_defaults(&ws->config);
    if (r < 0)
        goto unmap;
    ev->work = ws->work;
    textbuf_init(&out, ws->message, ws->config.max_message_length);
    pipeline_render(&ws->config, ev, exec_errno, &out);
    r = output_send(&ws->config.output, event_pid(ev), out.data, out.len);
unmap:
    ev->work = NULL;
    munmap(ws, size);
out:
    errno = saved_errno;
    return r;
}
