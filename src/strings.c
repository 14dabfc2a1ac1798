/* The string functions the library uses, as hidden copies of its own.
 *
 * Linked into libexeclog.so only (the command and the tests use libc's).
 * A call from the exec hook into libc's memcpy or strlen costs a lazy
 * symbol binding, about 700 instructions, in every process that execs, and
 * most processes exec once.  These are hidden, so calls bind inside the
 * library and nothing is exported; built with -fno-builtin and without
 * loop-idiom recognition, so the compiler cannot turn them back into calls
 * to themselves. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HIDDEN __attribute__((visibility("hidden")))

HIDDEN void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    for (; n >= 8; d += 8, s += 8, n -= 8) {
        uint64_t w;

        __builtin_memcpy(&w, s, 8);
        __builtin_memcpy(d, &w, 8);
    }
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

HIDDEN void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n) {
        while (n-- > 0)
            *d++ = *s++;
    } else {
        while (n-- > 0)
            d[n] = s[n];
    }
    return dst;
}

HIDDEN void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    while (n-- > 0)
        *d++ = (unsigned char)c;
    return dst;
}

HIDDEN int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

/* clang turns memcmp(...) == 0 into a call of bcmp: without this copy, a
 * clang build would import it from libc. */
HIDDEN int bcmp(const void *a, const void *b, size_t n)
{
    return memcmp(a, b, n);
}

HIDDEN void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (size_t i = 0; i < n; i++)
        if (p[i] == (unsigned char)c)
            return (void *)(p + i);
    return NULL;
}

HIDDEN size_t strlen(const char *s)
{
    const char *p = s;

    while (*p != '\0')
        p++;
    return (size_t)(p - s);
}

HIDDEN size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

HIDDEN char *strchrnul(const char *s, int c)
{
    while (*s != '\0' && *s != (char)c)
        s++;
    return (char *)s;
}

HIDDEN char *strchr(const char *s, int c)
{
    const char *p = strchrnul(s, c);

    return *p == (char)c ? (char *)p : NULL;
}

HIDDEN char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    do {
        if (*s == (char)c)
            last = s;
    } while (*s++ != '\0');
    return (char *)last;
}

HIDDEN int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

        if (x != y || x == '\0')
            return x - y;
    }
    return 0;
}

HIDDEN int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, SIZE_MAX);
}

HIDDEN size_t strspn(const char *s, const char *accept)
{
    size_t n = 0;

    while (s[n] != '\0' && strchr(accept, s[n]) != NULL)
        n++;
    return n;
}

HIDDEN char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for (; *haystack != '\0'; haystack++)
        if (strncmp(haystack, needle, n) == 0)
            return (char *)haystack;
    return n == 0 ? (char *)haystack : NULL;
}
