#include "config.h"

#include <string.h>

#include "datasources.h"
#include "ecs.h"
#include "fields.h"

/* How a member's value is written. */
enum ecs_kind {
    ECS_LITERAL,     /* nothing: the text before it is all */
    ECS_STRING,      /* the placeholder's value as a JSON string */
    ECS_QUOTED,      /* the same, shell-quoted (the command line) */
    ECS_BARE,        /* a number or boolean, as it is */
    ECS_MESSAGE,     /* the text line */
    ECS_ARGS,        /* the arguments, redacted, as an array */
    ECS_TTY,         /* the terminal's device numbers, an object */
};

/* The document, member after member: the JSON text before the value
 * (keys and the nesting around them), the placeholder that gives it, and
 * how it is written.  Arrays, not pointers: no load-time relocation. */
struct ecs_member {
    char before[56];
    char source[16];
    uint8_t kind;        /* enum ecs_kind */
};

static const struct ecs_member members[] = {
    { "{\"@timestamp\":", "time", ECS_STRING },
    { ",\"message\":", "", ECS_MESSAGE },
    { ",\"ecs\":{\"version\":\"" ECS_VERSION "\"}", "", ECS_LITERAL },
    { ",\"event\":{\"kind\":\"event\",\"category\":[\"process\"],", "",
      ECS_LITERAL },
    { "\"type\":[\"start\"],\"action\":\"exec\"}", "", ECS_LITERAL },
    { ",\"process\":{\"executable\":", "exe", ECS_STRING },
    { ",\"args\":", "", ECS_ARGS },
    { ",\"command_line\":", "cmdline", ECS_QUOTED },
    { ",\"working_directory\":", "cwd", ECS_STRING },
    { ",\"pid\":", "pid", ECS_BARE },
    { ",\"entity_id\":", "exec_id", ECS_STRING },
    { ",\"interactive\":", "interactive", ECS_BARE },
    { ",\"tty\":", "", ECS_TTY },
    { ",\"parent\":{\"pid\":", "ppid", ECS_BARE },
    { ",\"entity_id\":", "parent_exec_id", ECS_STRING },
    { ",\"name\":", "parent_comm", ECS_STRING },
    { "}},\"user\":{\"id\":", "uid", ECS_STRING },
    { ",\"name\":", "username", ECS_STRING },
    { ",\"effective\":{\"id\":", "euid", ECS_STRING },
    { ",\"name\":", "eusername", ECS_STRING },
    { "},\"audit\":{\"id\":", "loginuid", ECS_STRING },
    { ",\"name\":", "login", ECS_STRING },
    { "}},\"host\":{\"hostname\":", "hostname", ECS_STRING },
    { ",\"boot\":{\"id\":", "boot_id", ECS_STRING },
    { "}}", "", ECS_LITERAL },
};

#define MEMBER_COUNT (sizeof(members) / sizeof(members[0]))

/* Room for a value's "null", and for ',"cut":N}' at the end. */
#define NULL_ROOM 4
#define TAIL_ROOM 32

/* The placeholder's value into out; false when it has none. */
static bool put_source(const struct ecs_member *m, struct exec_event *ev,
                       char *scratch, size_t size, struct textbuf *out)
{
    int index = datasource_find(m->source, strlen(m->source));
    struct textbuf tb;

    if (index < 0)
        return false;
    textbuf_init(&tb, scratch, size);
    ev->gap = false;
    datasource_render((unsigned)index, ev, NULL, 0,
                      m->kind == ECS_QUOTED ? RENDER_QUOTED : RENDER_RAW, &tb);
    if (ev->gap || tb.lost != 0)
        return false;
    if (m->kind == ECS_BARE)
        textbuf_put(out, tb.data, tb.len);
    else
        json_string(out, tb.data, tb.len);
    return true;
}

struct args_state {
    struct textbuf *out;
    bool first;
};

static void put_arg(void *ctx, const struct field_key *key, const char *value,
                    size_t len, bool numeric)
{
    struct args_state *st = ctx;

    textbuf_putc(st->out, st->first ? '[' : ',');
    st->first = false;
    json_string(st->out, value, len);
}

static bool put_args(struct exec_event *ev, char *scratch, size_t size,
                     struct textbuf *out)
{
    struct args_state st = { out, true };

    fields_visit_argv(ev, scratch, size, put_arg, &st);
    textbuf_puts(out, st.first ? "[]" : "]");
    return true;
}

/* ECS's process.tty: the character device of the controlling terminal,
 * decoded from tty_nr (the kernel's new_encode_dev). */
static bool put_tty(struct exec_event *ev, struct textbuf *out)
{
    uint32_t tty = 0;

    if (event_tty_nr(ev, &tty) < 0 || tty == 0)
        return false;
    textbuf_puts(out, "{\"char_device\":{\"major\":");
    textbuf_put_u64(out, (tty >> 8) & 0xfff);
    textbuf_puts(out, ",\"minor\":");
    textbuf_put_u64(out, (tty & 0xff) | ((tty >> 12) & 0xfff00));
    textbuf_puts(out, "}}");
    return true;
}

static bool put_value(const struct ecs_member *m, struct exec_event *ev,
                      const char *line, size_t line_len, char *scratch,
                      size_t size, struct textbuf *out)
{
    switch (m->kind) {
    case ECS_MESSAGE:
        json_string(out, line, line_len);
        return true;
    case ECS_ARGS:
        return put_args(ev, scratch, size, out);
    case ECS_TTY:
        return put_tty(ev, out);
    default:
        return put_source(m, ev, scratch, size, out);
    }
}

void ecs_event(struct exec_event *ev, const char *line, size_t line_len,
               char *scratch, size_t size, struct textbuf *out)
{
    size_t skeleton = TAIL_ROOM, cut = 0;

    /* The keys and nesting always go in: each value may use only the room
     * that the text still to come leaves, and a value that does not fit
     * is rolled back and written as null. */
    for (size_t i = 0; i < MEMBER_COUNT; i++)
        skeleton += strlen(members[i].before) +
                    (members[i].kind != ECS_LITERAL ? NULL_ROOM : 0);
    for (size_t i = 0; i < MEMBER_COUNT; i++) {
        const struct ecs_member *m = &members[i];
        struct textbuf_mark mark;
        bool present;

        skeleton -= strlen(m->before);
        textbuf_puts(out, m->before);
        if (m->kind == ECS_LITERAL)
            continue;
        textbuf_reserve(out, skeleton);
        mark = textbuf_mark(out);
        present = put_value(m, ev, line, line_len, scratch, size, out);
        if (textbuf_overflowed_since(out, mark)) {
            textbuf_rollback(out, mark);
            present = false;
            cut++;
        }
        textbuf_release(out);
        if (!present)
            textbuf_puts(out, "null");
        skeleton -= NULL_ROOM;
    }
    if (cut != 0) {
        textbuf_puts(out, ",\"cut\":");
        textbuf_put_u64(out, cut);
    }
    textbuf_putc(out, '}');
}
