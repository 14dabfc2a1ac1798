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
};

void textbuf_init(struct textbuf *tb, char *mem, size_t cap);
void textbuf_put(struct textbuf *tb, const char *s, size_t n);
void textbuf_puts(struct textbuf *tb, const char *s);
void textbuf_putc(struct textbuf *tb, char c);
void textbuf_put_u64(struct textbuf *tb, uint64_t v);
void textbuf_put_i64(struct textbuf *tb, int64_t v);

/* Formats v in decimal into buf (at least 21 bytes); returns the length. */
size_t format_u64(char *buf, uint64_t v);

#endif
