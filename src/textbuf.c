#include "config.h"

#include <string.h>

#include "textbuf.h"

void textbuf_init(struct textbuf *tb, char *mem, size_t cap)
{
    tb->data = mem;
    tb->cap = cap;
    tb->len = 0;
    tb->lost = 0;
    tb->reserved = 0;
}

void textbuf_put(struct textbuf *tb, const char *s, size_t n)
{
    if (tb->lost == 0 && n <= tb->cap - tb->len) {
        memcpy(tb->data + tb->len, s, n);
        tb->len += n;
        return;
    }
    tb->lost += n;
}

void textbuf_puts(struct textbuf *tb, const char *s)
{
    textbuf_put(tb, s, strlen(s));
}

void textbuf_putc(struct textbuf *tb, char c)
{
    textbuf_put(tb, &c, 1);
}

size_t format_u64(char *buf, uint64_t v)
{
    char rev[20];
    size_t n = 0;

    do {
        rev[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++)
        buf[i] = rev[n - 1 - i];
    buf[n] = '\0';
    return n;
}

void textbuf_put_u64(struct textbuf *tb, uint64_t v)
{
    char buf[21];

    textbuf_put(tb, buf, format_u64(buf, v));
}

void textbuf_put_i64(struct textbuf *tb, int64_t v)
{
    if (v < 0) {
        textbuf_putc(tb, '-');
        textbuf_put_u64(tb, (uint64_t)0 - (uint64_t)v);
        return;
    }
    textbuf_put_u64(tb, (uint64_t)v);
}
