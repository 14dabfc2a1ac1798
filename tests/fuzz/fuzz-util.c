/* Helpers shared by the fuzz targets, the replay programs and the quoting
 * round trip (see fuzz-util.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "quote.h"
#include "fuzz-util.h"
#include "redact.h"
#include "textbuf.h"

void (*fuzz_on_fail)(void);

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt,
               ...)
{
    va_list ap;

    if (fuzz_on_fail != NULL)
        fuzz_on_fail();
    fprintf(stderr, "%s:%d: property violated: %s\n  ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void fuzz_split(struct fuzz_parts *p, const uint8_t *data, size_t size,
                size_t max_parts)
{
    size_t used = 0;

    if (max_parts > FUZZ_MAX_PARTS)
        max_parts = FUZZ_MAX_PARTS;
    p->mem = malloc(size + max_parts + 1);
    if (p->mem == NULL)
        abort();
    p->count = 0;
    if (max_parts == 0) {
        p->part[0] = NULL;
        return;
    }
    p->part[p->count++] = p->mem;
    for (size_t i = 0; i < size; i++) {
        if (data[i] != 0) {
            p->mem[used++] = (char)data[i];
        } else if (p->count < max_parts) {
            p->mem[used++] = '\0';
            p->part[p->count++] = p->mem + used;
        }
    }
    p->mem[used] = '\0';
    p->part[p->count] = NULL;
}

void fuzz_parts_free(struct fuzz_parts *p)
{
    free(p->mem);
    p->mem = NULL;
}

/* Non-ASCII characters a reader cannot see or tells from a space: C1
 * controls, Unicode White_Space and Default_Ignorable_Code_Point (Unicode
 * 15, DerivedCoreProperties.txt / PropList.txt), and the interlinear
 * annotation controls.  Written from the standard, not from format.c, so
 * that the two can disagree. */
static const struct {
    uint32_t first, last;
} hidden[] = {
    { 0x0080, 0x00a0 },   /* C1 controls, NEL, no-break space */
    { 0x00ad, 0x00ad },   /* soft hyphen */
    { 0x034f, 0x034f },   /* combining grapheme joiner */
    { 0x061c, 0x061c },   /* Arabic letter mark */
    { 0x115f, 0x1160 },   /* Hangul fillers */
    { 0x1680, 0x1680 },   /* Ogham space mark */
    { 0x17b4, 0x17b5 },   /* Khmer inherent vowels */
    { 0x180b, 0x180f },   /* Mongolian variation selectors, vowel separator */
    { 0x2000, 0x200f },   /* spaces, zero-width, LRM/RLM */
    { 0x2028, 0x202f },   /* line/paragraph separators, bidi, narrow nbsp */
    { 0x205f, 0x206f },   /* math space, word joiner, invisible operators */
    { 0x3000, 0x3000 },   /* ideographic space */
    { 0x3164, 0x3164 },   /* Hangul filler */
    { 0xfe00, 0xfe0f },   /* variation selectors */
    { 0xfeff, 0xfeff },   /* BOM, zero-width no-break space */
    { 0xffa0, 0xffa0 },   /* halfwidth Hangul filler */
    { 0xfff0, 0xfffb },   /* unassigned ignorables, interlinear annotation */
    { 0x1bca0, 0x1bca3 }, /* shorthand format controls */
    { 0x1d173, 0x1d17a }, /* musical formatting */
    { 0xe0000, 0xe0fff }, /* tags, variation selectors supplement */
};

static bool is_hidden(uint32_t cp)
{
    for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
        if (cp >= hidden[i].first && cp <= hidden[i].last)
            return true;
    return false;
}

/* Length of the well-formed UTF-8 character at s, or 0 (RFC 3629). */
static size_t utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
    static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
    size_t len;
    uint32_t v;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0)
        len = 2, v = s[0] & 0x1fu;
    else if ((s[0] & 0xf0) == 0xe0)
        len = 3, v = s[0] & 0x0fu;
    else if ((s[0] & 0xf8) == 0xf0)
        len = 4, v = s[0] & 0x07u;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3fu);
    }
    if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

const char *fuzz_text_unsafe(const char *s, size_t len, size_t *at,
                             bool strict)
{
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_char(u + i, len - i, &cp);

        *at = i;
        if (n == 0)
            return "invalid UTF-8";
        if (cp < 0x20 || cp == 0x7f)
            return "raw control byte";
        if (strict && is_hidden(cp))
            return "raw invisible or space-like character";
        i += n;
    }
    return NULL;
}

static bool is_bare(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c != '\0' && strchr("_./:=@%+,-", c));
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The inside of $'...' from *i (just past the opening quote); leaves *i
 * past the closing quote.  Only the escapes the quoting promises are
 * accepted: anything else means bash would read something we did not
 * check. */
static int dollar_quoted(const char *line, size_t len, size_t *i, char *mem,
                         size_t cap, size_t *used, const char **why)
{
    while (*i < len && line[*i] != '\'') {
        char c = line[(*i)++];

        if (c == '\\') {
            int hi, lo;

            if (*i >= len) {
                *why = "backslash at the end of $'...'";
                return -1;
            }
            c = line[(*i)++];
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '\'': case '\\': break;
            case 'x':
                hi = *i < len ? hex_value(line[*i]) : -1;
                lo = *i + 1 < len ? hex_value(line[*i + 1]) : -1;
                if (hi < 0 || lo < 0) {
                    *why = "\\x without two hex digits";
                    return -1;
                }
                c = (char)(hi << 4 | lo);
                *i += 2;
                break;
            default:
                *why = "an escape the quoting does not promise";
                return -1;
            }
        }
        if (*used == cap) {
            *why = "out of memory";
            return -1;
        }
        mem[(*used)++] = c;
    }
    if (*i >= len) {
        *why = "unterminated $'...'";
        return -1;
    }
    (*i)++;
    return 0;
}

int fuzz_unquote(const char *line, size_t len, char **words, size_t max,
                 char *mem, size_t cap, const char **why)
{
    size_t i = 0, used = 0, count = 0;

    if (len == 0)
        return 0;
    for (;;) {
        size_t start = used;

        if (count == max) {
            *why = "more words than arguments";
            return -1;
        }
        if (i == len || line[i] == ' ') {
            *why = "empty word (an empty argument must be '')";
            return -1;
        }
        while (i < len && line[i] != ' ') {
            if (line[i] == '\'') {
                const char *close = memchr(line + i + 1, '\'', len - i - 1);

                if (close == NULL) {
                    *why = "unterminated '...'";
                    return -1;
                }
                if ((size_t)(close - line - i - 1) > cap - used) {
                    *why = "out of memory";
                    return -1;
                }
                memcpy(mem + used, line + i + 1, (size_t)(close - line - i - 1));
                used += (size_t)(close - line - i - 1);
                i = (size_t)(close - line) + 1;
            } else if (line[i] == '$' && i + 1 < len && line[i + 1] == '\'') {
                i += 2;
                if (dollar_quoted(line, len, &i, mem, cap, &used, why) < 0)
                    return -1;
            } else if (is_bare((unsigned char)line[i])) {
                if (used == cap) {
                    *why = "out of memory";
                    return -1;
                }
                mem[used++] = line[i++];
            } else {
                *why = "unquoted character outside [A-Za-z0-9_./:=@%+,-]";
                return -1;
            }
        }
        if (used == cap) {
            *why = "out of memory";
            return -1;
        }
        mem[used++] = '\0';
        words[count++] = mem + start;
        if (i == len)
            return (int)count;
        i++;    /* the one space between words */
    }
}

void fuzz_expected_word(const char *word, bool masked, size_t start,
                        size_t end, char *out)
{
    size_t len = strlen(word);

    if (!masked) {
        memcpy(out, word, len + 1);
        return;
    }
    memcpy(out, word, start);
    memcpy(out + start, "***", 3);
    memcpy(out + start + 3, word + end, len - end + 1);
}

const char *fuzz_escape(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;

    for (size_t i = 0; i < len && n + 5 < cap; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
            out[n++] = (char)c;
        } else if (c == '\\' || c == '"') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else {
            n += (size_t)snprintf(out + n, cap - n, "\\x%02x", c);
        }
    }
    if (cap > 0)
        out[n < cap ? n : cap - 1] = '\0';
    return out;
}

void fuzz_check_diag(const struct diag *d, const char *spec)
{
    FUZZ_ASSERT(d->column <= strlen(spec), "column %zu past the end of "
                "'%s'", d->column, spec);
    FUZZ_ASSERT(memchr(d->message, '\0', sizeof(d->message)) != NULL &&
                d->message[0] != '\0', "refused without a message");
}

void fuzz_expected_masked(const char *word, size_t len,
                          const struct redact_mask *mask, size_t n, char *out)
{
    size_t at = 0, used = 0;

    for (size_t j = 0; j < n; j++) {
        memcpy(out + used, word + at, mask[j].start - at);
        used += mask[j].start - at;
        memcpy(out + used, "***", 3);
        used += 3;
        at = mask[j].end < len ? mask[j].end : len;
    }
    memcpy(out + used, word + at, len - at);
    out[used + len - at] = '\0';
}

/* quote_argv with no cut: reads back as argv, redacted as masks say. */
void fuzz_check_masked_round_trip(char *const *argv, size_t argc,
                                  const struct redact_masks *masks)
{
    size_t total = 0, at, first = 0, shown = argc, cap;
    char *buf, *mem, **words, *expect;
    const char *why = NULL, *unsafe;
    struct textbuf tb;
    int n;

    for (size_t i = 0; i < argc; i++)
        total += strlen(argv[i]);
    /* Words past the limit are not shown; the one at it only if read. */
    if (masks->limit_arg < argc)
        shown = masks->limit_arg + (masks->limit_offset > 0);
    cap = total * 4 + argc * 16 + REDACT_MAX_MASKS * 16 + 16;
    buf = malloc(cap);
    mem = malloc(cap);
    expect = malloc(total + REDACT_MAX_MASKS * 3 + 8);
    words = calloc(argc + 1, sizeof(*words));
    if (buf == NULL || mem == NULL || expect == NULL || words == NULL)
        abort();
    textbuf_init(&tb, buf, cap);
    quote_argv(&tb, argv, (size_t)-1, masks);
    FUZZ_ASSERT((tb.lost > 0) == (masks->limit_arg < argc),
                "%zu bytes lost, limit at argument %u of %zu", tb.lost,
                masks->limit_arg, argc);
    unsafe = fuzz_text_unsafe(tb.data, tb.len, &at, false);
    FUZZ_ASSERT(unsafe == NULL, "%s at %zu in %.*s", unsafe, at, (int)tb.len,
                tb.data);
    n = fuzz_unquote(tb.data, tb.len, words, argc, mem, cap, &why);
    FUZZ_ASSERT(n == (int)shown, "%d words for %zu shown arguments (%s) in "
                "%.*s", n, shown, why != NULL ? why : "", (int)tb.len,
                tb.data);
    for (size_t i = 0; i < shown; i++) {
        size_t k = redact_masks_of(masks, i, &first);
        size_t len = strlen(argv[i]);

        /* Worked out here, not asked of the code under test. */
        if (i == masks->limit_arg && masks->limit_offset < len)
            len = masks->limit_offset;

        fuzz_expected_masked(argv[i], len, masks->mask + first, k, expect);
        FUZZ_ASSERT(strcmp(words[i], expect) == 0, "word %zu reads back as "
                    "'%s', not '%s', in %.*s", i, words[i], expect,
                    (int)tb.len, tb.data);
    }
    free(words);
    free(expect);
    free(mem);
    free(buf);
}

/* The room the exec path gives the scan, in static memory as there. */
static char room_text[1 << 15];
static uint32_t room_origin[1 << 15];
static uint64_t room_commands[16 * REDACT_COMMAND_SIZE / 8];
static uint32_t room_info[4096];
const struct redact_room fuzz_room = {
    .text = room_text, .origin = room_origin, .size = sizeof(room_text),
    .commands = room_commands,
    .command_slots = sizeof(room_commands) / REDACT_COMMAND_SIZE,
    .info = room_info, .info_slots = sizeof(room_info) / 4,
};

void fuzz_check_round_trip(char *const *argv, size_t argc,
                           const struct redact_rules *redact)
{
    static struct redact_masks masks;
    size_t total = 0;

    for (size_t i = 0; i < argc; i++)
        total += strlen(argv[i]) + 1;
    /* The whole argv is read: the budget is its size. */
    redact_scan(redact, argv, total, &fuzz_room, &masks);
    fuzz_check_masked_round_trip(argv, argc, &masks);
}
