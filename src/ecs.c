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
    uint8_t before_len;
    char source[16];
    uint8_t kind;        /* enum ecs_kind */
};

#define MEMBER(before, source, kind) { before, sizeof(before) - 1, source, kind }

static const struct ecs_member members[] = {
    MEMBER("{\"@timestamp\":", "time", ECS_STRING),
    MEMBER(",\"message\":", "", ECS_MESSAGE),
    MEMBER(",\"ecs\":{\"version\":\"" ECS_VERSION "\"}", "", ECS_LITERAL),
    MEMBER(",\"event\":{\"kind\":\"event\",\"category\":[\"process\"],", "", ECS_LITERAL),
    MEMBER("\"type\":[\"start\"],\"action\":\"exec\"}", "", ECS_LITERAL),
    MEMBER(",\"process\":{\"executable\":", "exe", ECS_STRING),
    MEMBER(",\"args\":", "", ECS_ARGS),
    MEMBER(",\"command_line\":", "cmdline", ECS_QUOTED),
    MEMBER(",\"working_directory\":", "cwd", ECS_STRING),
    MEMBER(",\"pid\":", "pid", ECS_BARE),
    MEMBER(",\"entity_id\":", "exec_id", ECS_STRING),
    MEMBER(",\"interactive\":", "interactive", ECS_BARE),
    MEMBER(",\"tty\":", "", ECS_TTY),
    MEMBER(",\"parent\":{\"pid\":", "ppid", ECS_BARE),
    MEMBER(",\"entity_id\":", "parent_exec_id", ECS_STRING),
    MEMBER(",\"name\":", "parent_comm", ECS_STRING),
    MEMBER("}},\"user\":{\"id\":", "uid", ECS_STRING),
    MEMBER(",\"name\":", "username", ECS_STRING),
    MEMBER(",\"effective\":{\"id\":", "euid", ECS_STRING),
    MEMBER(",\"name\":", "eusername", ECS_STRING),
    MEMBER("},\"audit\":{\"id\":", "loginuid", ECS_STRING),
    MEMBER(",\"name\":", "login", ECS_STRING),
    MEMBER("}},\"host\":{\"hostname\":", "hostname", ECS_STRING),
    MEMBER(",\"boot\":{\"id\":", "boot_id", ECS_STRING),
    MEMBER("}}", "", ECS_LITERAL),
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
        skeleton += members[i].before_len +
                    (members[i].kind != ECS_LITERAL ? NULL_ROOM : 0);
    for (size_t i = 0; i < MEMBER_COUNT; i++) {
        const struct ecs_member *m = &members[i];
        struct textbuf_mark mark;
        bool present;

        skeleton -= m->before_len;
        textbuf_put(out, m->before, m->before_len);
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
