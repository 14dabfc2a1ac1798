/* The library's own string functions (src/strings.c) under names of their
 * own, el_memcpy for memcpy and so on, so that tests/check_strings can call
 * each of them next to libc's.  tests/strings-renamed.c compiles
 * src/strings.c with these names. */
#ifndef EXECLOG_STRINGS_RENAMED_H
#define EXECLOG_STRINGS_RENAMED_H

#include <stddef.h>

void *el_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *el_memmove(void *dst, const void *src, size_t n);
void *el_memset(void *dst, int c, size_t n);
int el_memcmp(const void *a, const void *b, size_t n);
int el_bcmp(const void *a, const void *b, size_t n);
void *el_memchr(const void *s, int c, size_t n);
size_t el_strlen(const char *s);
size_t el_strnlen(const char *s, size_t max);
char *el_strchrnul(const char *s, int c);
char *el_strchr(const char *s, int c);
char *el_strrchr(const char *s, int c);
int el_strncmp(const char *a, const char *b, size_t n);
int el_strcmp(const char *a, const char *b);
size_t el_strspn(const char *s, const char *accept);
char *el_strstr(const char *haystack, const char *needle);

#endif
