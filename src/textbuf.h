/* A bounded, all-or-nothing text buffer for the exec path.
 *
 * It never allocates: the caller hands it memory.  Once a piece does not fit,
 * the buffer is closed, so a message is always a prefix of what was rendered
 * (no hole in the middle), and `lost` keeps counting what was left out, which
 * is what the truncation marker reports. */
#ifndef EXECLOG_TEXTBUF_H
#define EXECLOG_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct textbuf {
    char *data;
    size_t cap;
    size_t len;
    size_t lost;
    size_t reserved;    /* taken off cap by textbuf_reserve */
};

/* Where a piece starts, for pieces that go in whole or not at all. */
struct textbuf_mark {
    size_t len, lost;
};

static inline struct textbuf_mark textbuf_mark(const struct textbuf *tb)
{
    return (struct textbuf_mark){ tb->len, tb->lost };
}

/* Whether the buffer closed while the piece since m was put. */
static inline bool textbuf_overflowed_since(const struct textbuf *tb,
                                            struct textbuf_mark m)
{
    return m.lost == 0 && tb->lost != 0;
}

/* Takes the piece since m back out and reopens the buffer as it was at m,
 * so that a later, smaller piece may still fit. */
static inline void textbuf_rollback(struct textbuf *tb, struct textbuf_mark m)
{
    tb->len = m.len;
    tb->lost = m.lost;
}

/* Takes the part of a piece that did fit back out, keeps the buffer
 * closed, and counts the whole piece as lost. */
static inline void textbuf_unput(struct textbuf *tb, struct textbuf_mark m)
{
    tb->lost += tb->len - m.len;
    tb->len = m.len;
}

/* Counts n bytes as left out without putting any: the buffer closes. */
static inline void textbuf_lose(struct textbuf *tb, size_t n)
{
    tb->lost += n;
}

/* Keeps n bytes at the end out of reach (for a closing marker or
 * bracket) until textbuf_release. */
static inline void textbuf_reserve(struct textbuf *tb, size_t n)
{
    tb->reserved = tb->cap > n ? n : tb->cap;
    tb->cap -= tb->reserved;
}

/* Gives the reserved bytes back and reopens the buffer; returns how much
 * was lost before, for a marker that says so. */
static inline size_t textbuf_release(struct textbuf *tb)
{
    size_t lost = tb->lost;

    tb->cap += tb->reserved;
    tb->reserved = 0;
    tb->lost = 0;
    return lost;
}

void textbuf_init(struct textbuf *tb, char *mem, size_t cap);
void textbuf_put(struct textbuf *tb, const char *s, size_t n);
void textbuf_puts(struct textbuf *tb, const char *s);
void textbuf_putc(struct textbuf *tb, char c);
void textbuf_put_u64(struct textbuf *tb, uint64_t v);
void textbuf_put_i64(struct textbuf *tb, int64_t v);

/* Formats v in decimal into buf (at least 21 bytes); returns the length. */
size_t format_u64(char *buf, uint64_t v);

#endif
