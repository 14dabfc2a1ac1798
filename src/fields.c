#include "config.h"

#include <string.h>

#include "datasources.h"
#include "fields.h"
#include "quote.h"
#include "redact.h"

static bool is_number(const char *s, size_t len)
{
    if (len == 0 || len > 18)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return len == 1 || s[0] != '0';
}

static void put_piece(void *ctx, const char *s, size_t len)
{
    textbuf_put(ctx, s, len);
}

/* Argument i with its secrets as "***", cut at max_arg_length. */
static void visit_argument(struct exec_event *ev, size_t i, size_t *first,
                           char *scratch, size_t size, field_visitor *visit,
                           void *ctx)
{
    const struct redact_masks *m = ev->masks;
    const char *arg = ev->call.argv[i];
    size_t len = redact_argument_length(m, ev->call.argv, i);
    size_t n = m != NULL ? redact_masks_of(m, i, first) : 0;
    struct field_key key = { .argv_index = i };
    struct textbuf tb;

    if (n == 0) {
        visit(ctx, &key, arg, len < ev->max_arg_length ? len : ev->max_arg_length,
              false);
        return;
    }
    textbuf_init(&tb, scratch, size < ev->max_arg_length ? size
                                                         : ev->max_arg_length);
    redact_pieces(arg, len, &m->mask[*first], n, put_piece, &tb);
    visit(ctx, &key, tb.data, tb.len, false);
}

/* How many arguments may be shown: those the scan read. */
static size_t readable(const struct exec_event *ev, size_t argc)
{
    size_t n = 0;

    while (n < argc && redact_argument_read(ev->masks, n))
        n++;
    return n;
}

size_t fields_visit(struct exec_event *ev, char *scratch, size_t size,
                    field_visitor *visit, void *ctx)
{
    struct field_key key;

    for (unsigned i = 0; (key.name = datasource_name(i)) != NULL; i++) {
        enum field_mode mode;
        struct textbuf tb;

        key.field = datasource_field(i, &mode);
        if (key.field == NULL)
            continue;
        textbuf_init(&tb, scratch, size);
        ev->gap = false;
        datasource_render(i, ev, NULL, 0,
                          mode == FIELD_QUOTED ? RENDER_QUOTED : RENDER_RAW,
                          &tb);
        if (!ev->gap)
            visit(ctx, &key, tb.data, tb.len,
                  mode == FIELD_BOOL || is_number(tb.data, tb.len));
    }
    return fields_visit_argv(ev, scratch, size, visit, ctx);
}

size_t fields_visit_argv(struct exec_event *ev, char *scratch, size_t size,
                         field_visitor *visit, void *ctx)
{
    size_t argc = event_argc(ev), shown = readable(ev, argc);

    if (shown > FIELDS_MAX_ARGV)
        shown = FIELDS_MAX_ARGV;
    for (size_t i = 0, first = 0; i < shown; i++)
        visit_argument(ev, i, &first, scratch, size, visit, ctx);
    return argc - shown;
}

void json_string(struct textbuf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0;

    textbuf_putc(out, '"');
    while (i < len) {
        uint32_t cp = 0;
        size_t n = utf8_sequence(p + i, len - i, &cp);
        /* U+2028 and U+2029 end a line for JavaScript readers. */
        bool separator = cp == 0x2028 || cp == 0x2029;
        char esc[6] = { '\\', 'u', '0', '0', 0, 0 };

        if (n == 1 && p[i] >= 0x20 && p[i] != '"' && p[i] != '\\') {
            i++;
            continue;
        }
        if (n > 1 && !separator) {
            i += n;
            continue;
        }
        textbuf_put(out, s + run, i - run);
        if (n == 0) {
            textbuf_put(out, "\\ufffd", 6);
            i++;
        } else if (separator) {
            textbuf_put(out, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
            i += n;
        } else if (p[i] == '"' || p[i] == '\\') {
            textbuf_putc(out, '\\');
            textbuf_putc(out, (char)p[i++]);
        } else {
            esc[4] = hex[p[i] >> 4];
            esc[5] = hex[p[i] & 15];
            textbuf_put(out, esc, sizeof(esc));
            i++;
        }
        run = i;
    }
    textbuf_put(out, s + run, len - run);
    textbuf_putc(out, '"');
}

struct json_state {
    struct textbuf *out;
    size_t cut;          /* values left out for want of room */
    bool in_argv;
    bool first_arg;
};

/* One member or array element, all or nothing, so the object stays valid
 * JSON however full the buffer is. */
static void json_member(void *ctx, const struct field_key *key,
                        const char *value, size_t len, bool numeric)
{
    struct json_state *st = ctx;
    struct textbuf *out = st->out;
    struct textbuf_mark mark = textbuf_mark(out);
    bool is_arg = key->name == NULL, opened = false;

    if (out->lost != 0) {
        st->cut++;
        return;
    }
    if (is_arg && !st->in_argv) {
        textbuf_puts(out, ",\"argv\":[");
        st->in_argv = opened = true;
        st->first_arg = true;
    }
    if (is_arg) {
        if (!st->first_arg)
            textbuf_putc(out, ',');
        st->first_arg = false;
    } else {
        textbuf_puts(out, ",\"");
        textbuf_puts(out, key->name);
        textbuf_puts(out, "\":");
    }
    if (numeric)
        textbuf_put(out, value, len);
    else
        json_string(out, value, len);
    if (textbuf_overflowed_since(out, mark)) {
        st->cut++;
        if (opened)
            st->in_argv = false;
        /* A field too large is left out and the next ones still go in;
         * the arguments stop at the first that does not fit, so that the
         * array stays a prefix of argv. */
        if (is_arg)
            out->len = mark.len;
        else
            textbuf_rollback(out, mark);
    }
}

/* Room kept for the closing "]", ',"cut":N' and "}". */
#define JSON_TAIL_ROOM 48

void json_event(struct exec_event *ev, const char *line, size_t line_len,
                char *scratch, size_t size, struct textbuf *out)
{
    struct json_state st = { .out = out };
    struct textbuf_mark mark;
    size_t extra;

    textbuf_reserve(out, JSON_TAIL_ROOM);
    textbuf_puts(out, "{\"message\":");
    mark = textbuf_mark(out);
    json_string(out, line, line_len);
    if (textbuf_overflowed_since(out, mark)) {
        textbuf_rollback(out, mark);
        textbuf_puts(out, "\"\"");
        st.cut++;
    }
    extra = fields_visit(ev, scratch, size, json_member, &st);
    textbuf_release(out);
    if (!st.in_argv)
        textbuf_puts(out, ",\"argv\":[");
    textbuf_putc(out, ']');
    if (st.cut + extra != 0) {
        textbuf_puts(out, ",\"cut\":");
        textbuf_put_u64(out, st.cut + extra);
    }
    textbuf_putc(out, '}');
}
