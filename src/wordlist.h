/* Lists of words for the exec path, without pointers: an array of
 * pointers would cost every process one relocation per word at load
 * time.
 *
 * A short list is one string, "first\0second\0", ended by an empty word,
 * walked with FOR_EACH_WORD.  A list looked up for every command is a
 * sorted array of fixed-width names, searched with sorted_find. */
#ifndef EXECLOG_WORDLIST_H
#define EXECLOG_WORDLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define FOR_EACH_WORD(word, list) \
    for (const char *word = (list); *word != '\0'; word += strlen(word) + 1)

/* The index of name[0..len) in table: count entries stride bytes apart,
 * each starting with a NUL-padded name of name_size bytes, sorted by
 * strcmp; or -1. */
static inline long sorted_find(const void *table, size_t stride,
                               size_t count, size_t name_size,
                               const char *name, size_t len)
{
    const char *t = table;
    size_t lo = 0, hi = count;

    if (len >= name_size)
        return -1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *entry = t + mid * stride;
        int cmp = memcmp(entry, name, len);

        if (cmp == 0)
            cmp = entry[len] == '\0' ? 0 : 1;
        if (cmp == 0)
            return (long)mid;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

#endif
