#include "config.h"

#include <string.h>

#include "datasources.h"
#include "fields.h"
#include "quote.h"
#include "redact.h"

/* Field name (journald's EXECLOG_ suffix, lower-cased for JSON) and the
 * placeholder it comes from. */
static const struct {
    char key[12];
    char source[12];    /* arrays: no relocation at load time */
} event_fields[] = {
    { "CMDLINE", "cmdline" },   { "ARGC", "argc" },
    { "FILENAME", "filename" }, { "EXE", "exe" },
    { "CWD", "cwd" },           { "UID", "uid" },
    { "EUID", "euid" },         { "GID", "gid" },
    { "USERNAME", "username" }, { "LOGINUID", "loginuid" },
    { "LOGIN", "login" },       { "SESSIONID", "sessionid" },
    { "SID", "sid" },           { "TTY", "tty" },
    { "PID", "pid" },           { "PPID", "ppid" },
    { "COMM", "comm" },         { "EXEC_CALL", "exec_call" },
};

static bool is_number(const char *s, size_t len)
{
    if (len == 0 || len > 18)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return len == 1 || s[0] != '0';
}

static void visit_argument(struct exec_event *ev, size_t i, char *scratch,
                           size_t size, field_visitor *visit, void *ctx)
{
    const char *arg = ev->argv[i];
    size_t len = strlen(arg), start, end;
    char key[32] = "ARGV_";
    struct textbuf tb;

    format_u64(key + 5, i);
    if (ev->redact == NULL ||
        !redact_span(ev->redact, ev->argv, i, &start, &end)) {
        visit(ctx, key, arg, len < ev->max_arg_length ? len : ev->max_arg_length,
              false);
        return;
    }
    textbuf_init(&tb, scratch, size);
    textbuf_put(&tb, arg, start);
    textbuf_put(&tb, "***", 3);
    textbuf_put(&tb, arg + end, len - end);
    visit(ctx, key, tb.data, tb.len, false);
}

size_t fields_visit(struct exec_event *ev, char *scratch, size_t size,
                    field_visitor *visit, void *ctx)
{
    size_t argc = event_argc(ev), shown;

    for (size_t i = 0; i < sizeof(event_fields) / sizeof(event_fields[0]);
         i++) {
        const char *source = event_fields[i].source;
        struct textbuf tb;

        textbuf_init(&tb, scratch, size);
        /* The command line stays shell-quoted: one unambiguous string. */
        ev->raw_values = strcmp(source, "cmdline") != 0;
        datasource_render((unsigned)datasource_find(source, strlen(source)),
                          ev, NULL, 0, &tb);
        ev->raw_values = false;
        visit(ctx, event_fields[i].key, tb.data, tb.len,
              is_number(tb.data, tb.len));
    }
    shown = argc < FIELDS_MAX_ARGV ? argc : FIELDS_MAX_ARGV;
    for (size_t i = 0; i < shown; i++)
        visit_argument(ev, i, scratch, size, visit, ctx);
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

static void to_lower(char *dst, const char *src, size_t size)
{
    size_t i = 0;

    for (; src[i] != '\0' && i + 1 < size; i++)
        dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 : src[i]);
    dst[i] = '\0';
}

/* One member or array element, all or nothing, so the object stays valid
 * JSON however full the buffer is. */
static void json_member(void *ctx, const char *key, const char *value,
                        size_t len, bool numeric)
{
    struct json_state *st = ctx;
    struct textbuf *out = st->out;
    size_t mark = out->len;
    bool is_arg = strncmp(key, "ARGV_", 5) == 0, opened = false;
    char name[32];

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
        to_lower(name, key, sizeof(name));
        textbuf_puts(out, ",\"");
        textbuf_puts(out, name);
        textbuf_puts(out, "\":");
    }
    if (numeric)
        textbuf_put(out, value, len);
    else
        json_string(out, value, len);
    if (out->lost != 0) {
        out->len = mark;
        st->cut++;
        if (opened)
            st->in_argv = false;
        /* A field too large is left out and the next ones still go in;
         * the arguments stop at the first that does not fit, so that the
         * array stays a prefix of argv. */
        if (!is_arg)
            out->lost = 0;
    }
}

/* Room kept for the closing "]", ',"cut":N' and "}". */
#define JSON_TAIL_ROOM 48

void json_event(struct exec_event *ev, const char *line, size_t line_len,
                char *scratch, size_t size, struct textbuf *out)
{
    struct json_state st = { .out = out };
    size_t full = out->cap, extra, mark;

    out->cap = full > JSON_TAIL_ROOM ? full - JSON_TAIL_ROOM : 0;
    textbuf_puts(out, "{\"message\":");
    mark = out->len;
    json_string(out, line, line_len);
    if (out->lost != 0) {
        out->len = mark;
        out->lost = 0;
        textbuf_puts(out, "\"\"");
        st.cut++;
    }
    extra = fields_visit(ev, scratch, size, json_member, &st);
    out->cap = full;
    out->lost = 0;
    if (!st.in_argv)
        textbuf_puts(out, ",\"argv\":[");
    textbuf_putc(out, ']');
    if (st.cut + extra != 0) {
        textbuf_puts(out, ",\"cut\":");
        textbuf_put_u64(out, st.cut + extra);
    }
    textbuf_putc(out, '}');
}
