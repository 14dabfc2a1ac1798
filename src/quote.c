#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "quote.h"
#include "redact.h"

enum quoting { QUOTE_NONE, QUOTE_SINGLE, QUOTE_DOLLAR };

/* bash's reserved words made of bare characters: in command position
 * they would be read as syntax, not as the program's name. */
static bool is_reserved_word(const char *s, size_t len)
{
    static const char words[][9] = {
        "case", "coproc", "do", "done", "elif", "else", "esac", "fi", "for",
        "function", "if", "in", "select", "then", "time", "until", "while",
    };

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i]) == len && memcmp(words[i], s, len) == 0)
            return true;
    return false;
}

/* Characters that are invisible, look like a space, reorder text or break
 * the line in a viewer, so they could make one command look like another:
 * C1 controls, no-break and other spaces, soft hyphen, zero-width and
 * bidi controls, line separators, fillers, BOM and tag characters. */
static bool is_disguising(uint32_t cp)
{
    /* Unicode White_Space and Default_Ignorable_Code_Point, C1 controls,
     * bidi and interlinear annotation controls (Unicode 15). */
    static const struct {
        uint32_t first, last;
    } ranges[] = {
        { 0x80, 0xa0 },       { 0xad, 0xad },       { 0x34f, 0x34f },
        { 0x61c, 0x61c },     { 0x115f, 0x1160 },   { 0x1680, 0x1680 },
        { 0x17b4, 0x17b5 },   { 0x180b, 0x180f },   { 0x2000, 0x200f },
        { 0x2028, 0x202f },   { 0x205f, 0x206f },   { 0x3000, 0x3000 },
        { 0x3164, 0x3164 },   { 0xfe00, 0xfe0f },   { 0xfeff, 0xfeff },
        { 0xffa0, 0xffa0 },   { 0xfff0, 0xfffb },   { 0x1bca0, 0x1bca3 },
        { 0x1d173, 0x1d17a }, { 0xe0000, 0xe0fff },
    };

    if (cp < 0x80)
        return false;
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
        if (cp >= ranges[i].first && cp <= ranges[i].last)
            return true;
    return false;
}

/* Length of the well-formed UTF-8 sequence at s (1-4), or 0 if there is
 * none: overlong forms, surrogates and values past U+10FFFF are refused. */
size_t utf8_sequence(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len;
    uint32_t v, min;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2, v = s[0] & 0x1fu, min = 0x80;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3, v = s[0] & 0x0fu, min = 0x800;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4, v = s[0] & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

/* How one character (or one stray byte) has to be written. */
enum piece { PIECE_BARE, PIECE_PLAIN, PIECE_QUOTE, PIECE_ESCAPE };

/* ASCII by table: most bytes of most arguments are ASCII, and a table
 * costs a load where the tests cost a dozen instructions per byte.  Bare
 * (PIECE_BARE, 0) unless listed: letters, digits and _ . / : = @ % + , -
 * need no quotes. */
_Static_assert(PIECE_BARE == 0, "unlisted ASCII entries must be bare");
static const unsigned char ascii_pieces[128] = {
    [0x00 ... 0x1f] = PIECE_ESCAPE, [0x7f] = PIECE_ESCAPE,
    ['\''] = PIECE_QUOTE,
    [' '] = PIECE_PLAIN, ['!'] = PIECE_PLAIN, ['"'] = PIECE_PLAIN,
    ['#'] = PIECE_PLAIN, ['$'] = PIECE_PLAIN, ['&'] = PIECE_PLAIN,
    ['('] = PIECE_PLAIN, [')'] = PIECE_PLAIN, ['*'] = PIECE_PLAIN,
    [';'] = PIECE_PLAIN, ['<'] = PIECE_PLAIN, ['>'] = PIECE_PLAIN,
    ['?'] = PIECE_PLAIN, ['['] = PIECE_PLAIN, ['\\'] = PIECE_PLAIN,
    [']'] = PIECE_PLAIN, ['^'] = PIECE_PLAIN, ['`'] = PIECE_PLAIN,
    ['{'] = PIECE_PLAIN, ['|'] = PIECE_PLAIN, ['}'] = PIECE_PLAIN,
    ['~'] = PIECE_PLAIN,
};

static inline enum piece classify(const unsigned char *s, size_t n,
                                  size_t *len)
{
    uint32_t cp;

    if (s[0] < 0x80) {
        *len = 1;
        return (enum piece)ascii_pieces[s[0]];
    }
    *len = utf8_sequence(s, n, &cp);
    if (*len == 0) {
        *len = 1;
        return PIECE_ESCAPE;
    }
    return is_disguising(cp) ? PIECE_ESCAPE : PIECE_PLAIN;
}

/* Decides the quoting of the first *shown bytes, shortening *shown so that
 * a cut never splits a character.  Inlined like put_word: a call per slice
 * would cost every argument of every exec. */
static inline __attribute__((always_inline)) enum quoting
choose_quoting(const unsigned char *s, size_t total, size_t *shown)
{
    enum quoting q = QUOTE_NONE;
    size_t i = 0;

    while (i < *shown) {
        size_t len;
        enum piece p = classify(s + i, total - i, &len);

        if (i + len > *shown)
            break;
        if (p == PIECE_PLAIN && q == QUOTE_NONE)
            q = QUOTE_SINGLE;
        else if (p == PIECE_QUOTE || p == PIECE_ESCAPE)
            q = QUOTE_DOLLAR;
        i += len;
    }
    *shown = i;
    return q;
}

static void put_escaped_byte(struct textbuf *out, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

    switch (c) {
    case '\n':
        textbuf_put(out, "\\n", 2);
        break;
    case '\t':
        textbuf_put(out, "\\t", 2);
        break;
    case '\r':
        textbuf_put(out, "\\r", 2);
        break;
    default:
        textbuf_put(out, esc, sizeof(esc));
    }
}

/* The inside of $'...', so that a word made of several slices can be
 * written one slice at a time. */
static void put_dollar_quoted(struct textbuf *out, const unsigned char *s,
                              size_t n)
{
    size_t i = 0, run = 0;

    while (i < n) {
        size_t len;
        enum piece p = classify(s + i, n - i, &len);

        if (p == PIECE_BARE || (p == PIECE_PLAIN && s[i] != '\\')) {
            i += len;
            continue;
        }
        textbuf_put(out, (const char *)s + run, i - run);
        if (p == PIECE_ESCAPE) {
            for (size_t k = 0; k < len; k++)
                put_escaped_byte(out, s[i + k]);
        } else {
            textbuf_putc(out, '\\');
            textbuf_putc(out, (char)s[i]);
        }
        i += len;
        run = i;
    }
    textbuf_put(out, (const char *)s + run, n - run);
}

void put_cut_marker(struct textbuf *out, size_t cut, bool more)
{
    textbuf_put(out, "...(", 4);
    textbuf_put_u64(out, cut);
    if (more)
        textbuf_putc(out, '+');
    textbuf_put(out, " bytes cut)", 11);
}

/* A word with its secrets: the bytes that may be shown, len (less than
 * the argument when the scan stopped inside it), and the masks that lie
 * in them.  Read as slices, plain and "***" in turn, and quoted as a
 * whole without being copied together: the exec path has no memory to
 * assemble it in. */
struct word {
    const char *s;
    size_t len;
    const struct redact_mask *mask;
    size_t masks;
};

static const char redact_mask[] = "***";

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Slice k of w (0 .. 2 * masks): its bytes in *p. */
static inline __attribute__((always_inline)) size_t
slice(const struct word *w, size_t k, const char **p)
{
    size_t j = k / 2, start, end;

    if (k % 2 == 1) {
        *p = redact_mask;
        return w->mask[j].start < w->len ? sizeof(redact_mask) - 1 : 0;
    }
    start = j == 0 ? 0 : min_size(w->mask[j - 1].end, w->len);
    end = j < w->masks ? min_size(w->mask[j].start, w->len) : w->len;
    *p = w->s + start;
    return end > start ? end - start : 0;
}

/* Whether bash would read the shown word as more than a plain command
 * name: NAME=value is an assignment, %1 a job, `time` or `if` a keyword. */
static bool special_command(const struct word *w, size_t last, size_t fit)
{
    const char *first = NULL;
    size_t first_len = 0;

    for (size_t k = 0; k <= last; k++) {
        const char *p;
        size_t n = slice(w, k, &p);

        if (k == last)
            n = fit;
        if (first == NULL && n > 0) {
            first = p;
            first_len = n;
        }
        if (memchr(p, '=', n) != NULL)
            return true;
    }
    return first != NULL && (first[0] == '%' ||
                             (last == 0 && is_reserved_word(first, first_len)));
}

/* Always inlined, into put_plain_word and put_masked_word only: with no
 * masks the compiler drops the slice loop, and the common word costs what
 * it did before words could have masks. */
static inline __attribute__((always_inline)) void
put_word(struct textbuf *out, const struct word *w, size_t max_len,
         bool command_word)
{
    size_t slices = 2 * w->masks + 1, total = 0, shown = 0, last = 0;
    size_t last_fit = 0;
    enum quoting q = QUOTE_NONE;
    bool cut = false;

    for (size_t k = 0; k < slices; k++) {
        const char *p;
        size_t n = slice(w, k, &p), fit;
        enum quoting qk;

        total += n;
        if (cut || n == 0)
            continue;
        fit = min_size(n, max_len > shown ? max_len - shown : 0);
        qk = choose_quoting((const unsigned char *)p, n, &fit);
        /* Part of the mask would read as a secret made of stars. */
        if (p == redact_mask && fit < n) {
            fit = 0;
            qk = QUOTE_NONE;
        }
        if (qk > q)
            q = qk;
        shown += fit;
        last = k;
        last_fit = fit;
        cut = fit < n;
    }
    if (total == 0) {
        textbuf_put(out, "''", 2);
        return;
    }
    if (q == QUOTE_NONE && command_word && special_command(w, last, last_fit))
        q = QUOTE_SINGLE;
    if (q == QUOTE_SINGLE)
        textbuf_putc(out, '\'');
    else if (q == QUOTE_DOLLAR)
        textbuf_put(out, "$'", 2);
    for (size_t k = 0; k <= last; k++) {
        const char *p;
        size_t n = slice(w, k, &p);

        if (k == last)
            n = last_fit;
        if (q == QUOTE_DOLLAR)
            put_dollar_quoted(out, (const unsigned char *)p, n);
        else
            textbuf_put(out, p, n);
    }
    if (q != QUOTE_NONE)
        textbuf_putc(out, '\'');
    /* Counted in bytes of the masked word: the count does not tell the
     * secret's length. */
    if (shown < total)
        put_cut_marker(out, total - shown, false);
}

/* A word goes in whole or not at all: a message cut inside $'...' would
 * leave the quote open and make the cut marker look like argument text. */
static inline __attribute__((always_inline)) void
put_whole_word(struct textbuf *out, const struct word *w, size_t max_len,
               bool command_word)
{
    struct textbuf_mark mark = textbuf_mark(out);

    put_word(out, w, max_len, command_word);
    if (textbuf_overflowed_since(out, mark))
        textbuf_unput(out, mark);
}

static void put_plain_word(struct textbuf *out, const char *s, size_t len,
                           size_t max_len, bool command_word)
{
    struct word w = { s, len, NULL, 0 };

    put_whole_word(out, &w, max_len, command_word);
}

static void put_masked_word(struct textbuf *out, const struct word *w,
                            size_t max_len, bool command_word)
{
    put_whole_word(out, w, max_len, command_word);
}

void quote_word(struct textbuf *out, const char *s, size_t len, size_t max_len)
{
    put_plain_word(out, s, len, max_len, false);
}

void quote_argv(struct textbuf *out, char *const *argv, size_t max_len,
                const struct redact_masks *masks)
{
    static const struct redact_masks none = { .limit_arg = UINT32_MAX };
    size_t first = 0;

    if (argv == NULL)
        return;
    if (masks == NULL)
        masks = &none;
    for (size_t i = 0; argv[i] != NULL; i++) {
        size_t len, n;

        if (!redact_argument_read(masks, i)) {
            /* Not read: counted, never shown. */
            textbuf_lose(out, 1);
            return;
        }
        len = redact_argument_length(masks, argv, i);
        if (i > 0)
            textbuf_putc(out, ' ');
        /* Inline, the test of the common case: no mask left for it. */
        n = first < masks->count && masks->mask[first].arg <= i
                ? redact_masks_of(masks, i, &first) : 0;
        if (n > 0) {
            struct word w = { argv[i], len, &masks->mask[first], n };

            put_masked_word(out, &w, max_len, i == 0);
        } else if (i < masks->info_count && (masks->info[i] & REDACT_BARE) &&
                   i > 0 &&
                   len > 0 && len <= max_len) {
            /* The scan saw that it needs no quotes: most arguments. */
            textbuf_put(out, argv[i], len);
        } else {
            put_plain_word(out, argv[i], len, max_len, i == 0);
        }
        if (i == masks->limit_arg) {
            textbuf_lose(out, 1);
            return;
        }
    }
}
