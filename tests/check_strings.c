/* The library's private string functions (src/strings.c), each against
 * libc's: every length 0..MAX_LEN at every alignment 0..ALIGN-1 of source
 * and destination, overlapping moves both ways, bytes 0x80-0xff, equal
 * prefixes that differ at each position, limits shorter and longer than
 * the strings, and the return values.
 *
 * src/strings.c is compiled into this program under other names
 * (tests/strings-renamed.c), so libc's functions stay libc's here.  A
 * mismatch stops the test at once with the case that shows it; passing
 * cases assert nothing, since Check records every ck_assert and there are
 * millions of cases. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "strings-renamed.h"

#define MAX_LEN 200
#define ALIGN 16
/* Room on both sides of the bytes a call may touch: a write out of bounds
 * changes a guard byte, which the comparison of whole buffers sees. */
#define GUARD 32
#define BUF_SIZE (GUARD + 3 * ALIGN + 2 * MAX_LEN + GUARD)

/* Bytes that differ, and compare differently as signed and as unsigned. */
static const unsigned char pairs[][2] = {
    { 0x7f, 0x80 }, { 0x80, 0x7f }, { 0x01, 0xff }, { 0xff, 0xfe }, { 'a', 'b' },
};
#define NPAIRS (sizeof pairs / sizeof pairs[0])

/* Characters searched for: ASCII, high bytes, and (for the int argument)
 * values that are the same byte only once converted to unsigned char. */
static const int search_chars[] = { 'a', 0x80, 0xff, 0x80 - 256, 0xff - 256, 'a' + 256 };
#define NSEARCH (sizeof search_chars / sizeof search_chars[0])

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

/* Where a returned pointer points, for a message: "s+3" or "NULL". */
static const char *at(const void *p, const void *base)
{
    static char buf[2][32];
    static int slot;
    char *b = buf[slot++ & 1];

    if (p == NULL)
        return "NULL";
    snprintf(b, sizeof buf[0], "s+%td", (const char *)p - (const char *)base);
    return b;
}

/* A deterministic mix of all 256 byte values, different for each seed. */
static void fill(unsigned char *b, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)((i + seed) * 167u + seed / 7u);
}

/* The same, without NUL and without byte avoid (pass -1 to allow all). */
static void fill_nonzero(unsigned char *b, size_t n, unsigned seed, int avoid)
{
    for (size_t i = 0; i < n; i++) {
        b[i] = (unsigned char)(1u + ((i + seed) * 167u + seed / 7u) % 255u);
        if (b[i] == (unsigned char)avoid)
            b[i] = b[i] == 0x81 ? 0x82 : 0x81;
    }
}

/* A string of len bytes 1..255 at buf + align, NUL after, junk beyond. */
static char *make_str(unsigned char *buf, size_t align, size_t len, unsigned seed, int avoid)
{
    fill(buf, BUF_SIZE, seed + 1);
    fill_nonzero(buf + align, len, seed, avoid);
    buf[align + len] = '\0';
    return (char *)buf + align;
}

/* len bytes at buf + align, none of them c.  A string (str) has its NUL
 * after them; memchr's bytes have c just past them, not to be found. */
static unsigned char *make_haystack(unsigned char *buf, size_t align, size_t len, unsigned seed,
                                    int c, int str)
{
    unsigned char *s = buf + align;

    if (str)
        return (unsigned char *)make_str(buf, align, len, seed, c);
    fill(buf, BUF_SIZE, seed);
    for (size_t i = 0; i < len; i++)
        if (s[i] == (unsigned char)c)
            s[i] ^= 1;
    s[len] = (unsigned char)c;
    return s;
}

typedef void search_check(const unsigned char *s, size_t len, int c, const char *what);

/* check(s, len, c) for each length and each of search_chars: c absent at
 * every alignment, then at each position, then there and at a later one. */
static void search_cases(search_check *check, int str)
{
    static unsigned char buf[BUF_SIZE];
    char what[80];

    for (size_t len = 0; len <= MAX_LEN; len++)
        for (size_t k = 0; k < NSEARCH; k++) {
            int c = search_chars[k];

            for (size_t sa = 0; sa < ALIGN; sa++) {
                snprintf(what, sizeof what, "len %zu s+%zu, absent", len, sa);
                check(make_haystack(buf, GUARD + sa, len, (unsigned)(len + sa), c, str), len, c, what);
            }
            for (size_t pos = 0; pos < len; pos++) {
                size_t sa = (pos + len + k) % ALIGN, later = (pos + len) / 2;
                unsigned char *s = make_haystack(buf, GUARD + sa, len, (unsigned)(len + pos), c, str);

                s[pos] = (unsigned char)c;
                snprintf(what, sizeof what, "len %zu s+%zu, at %zu", len, sa, pos);
                check(s, len, c, what);
                s[later] = (unsigned char)c;
                snprintf(what, sizeof what, "len %zu s+%zu, at %zu and %zu", len, sa, pos, later);
                check(s, len, c, what);
            }
        }
}

/* ------------------------------------------------------------------ */
/* memcpy, memmove, memset                                             */

/* dst and src in different buffers, every length and both alignments. */
static void check_copy(void *(*fn)(void *, const void *, size_t), const char *name)
{
    static unsigned char src[BUF_SIZE], got[BUF_SIZE], want[BUF_SIZE];

    for (size_t len = 0; len <= MAX_LEN; len++)
        for (size_t sa = 0; sa < ALIGN; sa++)
            for (size_t da = 0; da < ALIGN; da++) {
                unsigned seed = (unsigned)(len * ALIGN * ALIGN + sa * ALIGN + da);

                fill(src, sizeof src, seed);
                fill(got, sizeof got, ~seed);
                memcpy(want, got, sizeof want);
                void *r = fn(got + GUARD + da, src + GUARD + sa, len);
                memcpy(want + GUARD + da, src + GUARD + sa, len);
                if (r != got + GUARD + da)
                    ck_abort_msg("%s len %zu src+%zu dst+%zu: returned dst%+td", name, len, sa, da,
                                 (unsigned char *)r - (got + GUARD + da));
                if (memcmp(got, want, sizeof got) != 0)
                    ck_abort_msg("%s len %zu src+%zu dst+%zu: wrong bytes", name, len, sa, da);
            }
}

START_TEST(memcpy_every_length_and_alignment)
{
    check_copy(el_memcpy, "memcpy");
}
END_TEST

START_TEST(memmove_disjoint)
{
    check_copy(el_memmove, "memmove");
}
END_TEST

/* One move within one buffer, checked against libc's on a copy of it. */
static void check_move(unsigned char *got, unsigned char *want, size_t sa, size_t da, size_t len)
{
    unsigned seed = (unsigned)(len * 4099 + sa * 67 + da);

    fill(got, BUF_SIZE, seed);
    memcpy(want, got, BUF_SIZE);
    void *r = el_memmove(got + GUARD + da, got + GUARD + sa, len);
    memmove(want + GUARD + da, want + GUARD + sa, len);
    if (r != got + GUARD + da)
        ck_abort_msg("memmove len %zu src+%zu dst+%zu: returned dst%+td", len, sa, da,
                     (unsigned char *)r - (got + GUARD + da));
    if (memcmp(got, want, BUF_SIZE) != 0)
        ck_abort_msg("memmove len %zu src+%zu dst+%zu (%s): wrong bytes", len, sa, da,
                     da > sa ? "dst after src" : da < sa ? "src after dst" : "same place");
}

START_TEST(memmove_overlapping_both_ways)
{
    static unsigned char got[BUF_SIZE], want[BUF_SIZE];

    /* Every length at every offset of source and destination within three
     * alignments: dst before, on, and after src by up to 3 * ALIGN - 1. */
    for (size_t len = 0; len <= MAX_LEN; len++)
        for (size_t sa = 0; sa < 3 * ALIGN; sa++)
            for (size_t da = 0; da < 3 * ALIGN; da++)
                check_move(got, want, sa, da, len);
    /* Every distance up to the length, both ways, at shifting alignments. */
    for (size_t len = 1; len <= MAX_LEN; len++)
        for (size_t dist = 1; dist <= len; dist++) {
            size_t a = dist % ALIGN;

            check_move(got, want, a, a + dist, len);
            check_move(got, want, a + dist, a, len);
        }
}
END_TEST

START_TEST(memset_every_length_alignment_and_byte)
{
    static unsigned char got[BUF_SIZE], want[BUF_SIZE];
    static const int values[] = { 0, 'x', 0x80, 0xff, -1, 0x1a5 };

    for (size_t len = 0; len <= MAX_LEN; len++)
        for (size_t da = 0; da < ALIGN; da++)
            for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
                fill(got, sizeof got, (unsigned)(len * ALIGN + da));
                memcpy(want, got, sizeof want);
                void *r = el_memset(got + GUARD + da, values[v], len);
                memset(want + GUARD + da, values[v], len);
                if (r != got + GUARD + da)
                    ck_abort_msg("memset len %zu dst+%zu c %d: returned dst%+td", len, da, values[v],
                                 (unsigned char *)r - (got + GUARD + da));
                if (memcmp(got, want, sizeof got) != 0)
                    ck_abort_msg("memset len %zu dst+%zu c %d: wrong bytes", len, da, values[v]);
            }
}
END_TEST

/* ------------------------------------------------------------------ */
/* memcmp, memchr                                                      */

START_TEST(memcmp_equal_at_every_alignment)
{
    static unsigned char a[BUF_SIZE], b[BUF_SIZE];

    for (size_t len = 0; len <= MAX_LEN; len++)
        for (size_t sa = 0; sa < ALIGN; sa++)
            for (size_t sb = 0; sb < ALIGN; sb++) {
                fill(a + GUARD + sa, len, (unsigned)len);
                fill(b + GUARD + sb, len, (unsigned)len);
                int got = el_memcmp(a + GUARD + sa, b + GUARD + sb, len);
                if (got != 0)
                    ck_abort_msg("memcmp len %zu a+%zu b+%zu, equal bytes: %d", len, sa, sb, got);
            }
}
END_TEST

START_TEST(memcmp_differing_at_each_position)
{
    static unsigned char a[BUF_SIZE], b[BUF_SIZE];

    /* pos == len: the difference is just past n and must not count. */
    for (size_t len = 0; len <= MAX_LEN; len++)
        for (size_t pos = 0; pos <= len; pos++)
            for (size_t p = 0; p < NPAIRS; p++) {
                size_t sa = (pos + len) % ALIGN, sb = (3 * pos + 5 * len + p) % ALIGN;
                unsigned char *x = a + GUARD + sa, *y = b + GUARD + sb;

                fill(x, len + 1, (unsigned)(len + p));
                memcpy(y, x, len + 1);
                x[pos] = pairs[p][0];
                y[pos] = pairs[p][1];
                int got = el_memcmp(x, y, len), want = memcmp(x, y, len);
                if (sign(got) != sign(want))
                    ck_abort_msg("memcmp len %zu a+%zu b+%zu, %#x vs %#x at %zu: %d, libc %d", len,
                                 sa, sb, pairs[p][0], pairs[p][1], pos, got, want);
                if ((el_bcmp(x, y, len) == 0) != (want == 0))
                    ck_abort_msg("bcmp len %zu, %#x vs %#x at %zu: says %s", len,
                                 pairs[p][0], pairs[p][1], pos,
                                 want == 0 ? "different" : "equal");
            }
}
END_TEST

static void check_memchr(const unsigned char *s, size_t len, int c, const char *what)
{
    const unsigned char *got = el_memchr(s, c, len), *want = memchr(s, c, len);

    if (got != want)
        ck_abort_msg("memchr %s, c %d: %s, libc %s", what, c, at(got, s), at(want, s));
}

START_TEST(memchr_each_position_and_byte)
{
    search_cases(check_memchr, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* strlen, strnlen                                                     */

START_TEST(strlen_strnlen_every_length_alignment_and_limit)
{
    static unsigned char buf[BUF_SIZE];

    for (size_t len = 0; len <= MAX_LEN; len++)
        for (size_t sa = 0; sa < ALIGN; sa++) {
            const char *s = make_str(buf, GUARD + sa, len, (unsigned)(len * ALIGN + sa), -1);
            const size_t maxes[] = { 0, 1, len / 2, len - (len > 0), len, len + 1, 2 * len + 3,
                                     SIZE_MAX };
            size_t got = el_strlen(s);
            if (got != len)
                ck_abort_msg("strlen len %zu s+%zu: %zu", len, sa, got);
            for (size_t m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
                size_t want = strnlen(s, maxes[m]);
                got = el_strnlen(s, maxes[m]);
                if (got != want)
                    ck_abort_msg("strnlen len %zu s+%zu max %zu: %zu, libc %zu", len, sa, maxes[m],
                                 got, want);
            }
        }
}
END_TEST

/* ------------------------------------------------------------------ */
/* strchrnul, strchr, strrchr                                          */

static void check_find(const unsigned char *str, size_t len, int c, const char *what)
{
    const char *s = (const char *)str, *got, *want;
    const int cs[] = { c, 0, 256 }; /* and the NUL, as 0 and as 256 */

    (void)len;
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
#define CHECK_FIND(fn)                                                                        \
        got = el_##fn(s, cs[i]);                                                              \
        want = fn(s, cs[i]);                                                                  \
        if (got != want)                                                                      \
            ck_abort_msg(#fn " %s, c %d: %s, libc %s", what, cs[i], at(got, s), at(want, s))
        CHECK_FIND(strchrnul);
        CHECK_FIND(strchr);
        CHECK_FIND(strrchr);
#undef CHECK_FIND
    }
}

START_TEST(strchr_family_each_position)
{
    search_cases(check_find, 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* strncmp, strcmp                                                     */

static void check_compare(const char *a, const char *b, const char *what)
{
    const size_t la = strlen(a), lb = strlen(b);
    const size_t lmin = la < lb ? la : lb, lmax = la < lb ? lb : la;
    const size_t ns[] = { 0, 1, lmin / 2, lmin, lmin + 1, lmax, lmax + 1, lmax + 100, SIZE_MAX };

    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        int got = el_strncmp(a, b, ns[i]), want = strncmp(a, b, ns[i]);
        if (sign(got) != sign(want))
            ck_abort_msg("strncmp %s, n %zu: %d, libc %d", what, ns[i], got, want);
    }
    int got = el_strcmp(a, b), want = strcmp(a, b);
    if (sign(got) != sign(want))
        ck_abort_msg("strcmp %s: %d, libc %d", what, got, want);
}

START_TEST(strcmp_equal_prefix_differing_at_each_position)
{
    static unsigned char abuf[BUF_SIZE], bbuf[BUF_SIZE];
    char what[96];

    for (size_t len = 0; len <= MAX_LEN; len++) {
        /* equal strings at every pair of alignments */
        for (size_t sa = 0; sa < ALIGN; sa++)
            for (size_t sb = 0; sb < ALIGN; sb++) {
                const char *a = make_str(abuf, GUARD + sa, len, (unsigned)len, -1);
                const char *b = make_str(bbuf, GUARD + sb, len, (unsigned)len, -1);
                snprintf(what, sizeof what, "len %zu a+%zu b+%zu, equal", len, sa, sb);
                check_compare(a, b, what);
            }
        /* the same prefix, then a difference at pos; pos == len: one string
         * ends there and the other goes on */
        for (size_t pos = 0; pos <= len; pos++)
            for (size_t p = 0; p < NPAIRS; p++) {
                size_t sa = (pos + len) % ALIGN, sb = (3 * pos + 5 * len + p) % ALIGN;
                char *a = make_str(abuf, GUARD + sa, len, (unsigned)(len + p), -1);
                char *b = make_str(bbuf, GUARD + sb, len, (unsigned)(len + p), -1);

                if (pos < len) {
                    a[pos] = (char)pairs[p][0];
                    b[pos] = (char)pairs[p][1];
                    snprintf(what, sizeof what, "len %zu a+%zu b+%zu, %#x vs %#x at %zu", len, sa, sb,
                             pairs[p][0], pairs[p][1], pos);
                    check_compare(a, b, what);
                } else {
                    b[len] = (char)pairs[p][1];
                    b[len + 1] = '\0';
                    snprintf(what, sizeof what, "len %zu a+%zu b+%zu, b longer by %#x", len, sa, sb,
                             pairs[p][1]);
                    check_compare(a, b, what);
                    check_compare(b, a, what);
                }
            }
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* strspn, strstr                                                      */

START_TEST(strspn_each_length_of_span)
{
    static unsigned char buf[BUF_SIZE];
    static char all[256];
    static const char *const accepts[] = { "", "a", "ab\x80", "\x80\xff", "\xff", all };

    for (int i = 1; i < 256; i++)
        all[i - 1] = (char)i;
    for (size_t len = 0; len <= MAX_LEN; len++)
        for (size_t k = 0; k < sizeof accepts / sizeof accepts[0]; k++) {
            const char *acc = accepts[k];
            size_t nacc = strlen(acc);

            /* the first pos bytes from the set, then one that is not (or the end) */
            for (size_t pos = 0; pos <= len; pos++) {
                size_t sa = (pos + len + k) % ALIGN;
                char *s = make_str(buf, GUARD + sa, len, (unsigned)(len + pos), -1);

                for (size_t i = 0; i < pos && nacc > 0; i++)
                    s[i] = acc[(i * 7 + len) % nacc];
                if (pos < len && nacc < 255) {
                    s[pos] = 'z';
                    for (unsigned char c = 'z'; strchr(acc, (char)c) != NULL; c++)
                        s[pos] = (char)(c + 1);
                }
                size_t got = el_strspn(s, acc), want = strspn(s, acc);
                if (got != want)
                    ck_abort_msg("strspn len %zu s+%zu, set %zu, span %zu: %zu, libc %zu", len, sa, k,
                                 pos, got, want);
            }
        }
}
END_TEST

static void check_strstr(const char *h, const char *n, const char *what)
{
    const char *got = el_strstr(h, n), *want = strstr(h, n);

    if (got != want)
        ck_abort_msg("strstr %s, needle length %zu: %s, libc %s", what, strlen(n), at(got, h),
                     at(want, h));
}

START_TEST(strstr_needle_at_each_position)
{
    static unsigned char buf[BUF_SIZE];
    static const size_t nlens[] = { 1, 2, 3, 8, 17 };
    char needle[MAX_LEN + 2];
    char what[64];

    for (size_t len = 0; len <= MAX_LEN; len++) {
        size_t sa = len % ALIGN;
        char *h = make_str(buf, GUARD + sa, len, (unsigned)len, -1);

        /* few distinct bytes, high ones among them, for partial matches */
        for (size_t i = 0; i < len; i++)
            h[i] = "ab\x80\xff"[(i * i + len) % 3 + (i % 5 == 4)];
        snprintf(what, sizeof what, "len %zu h+%zu", len, sa);
        check_strstr(h, "", what);
        memcpy(needle, h, len + 1);
        check_strstr(h, needle, what);
        needle[len] = 'a';
        needle[len + 1] = '\0';
        check_strstr(h, needle, what); /* one byte longer than h */
        for (size_t pos = 0; pos < len; pos++)
            for (size_t k = 0; k < sizeof nlens / sizeof nlens[0] && pos + nlens[k] <= len; k++) {
                memcpy(needle, h + pos, nlens[k]);
                needle[nlens[k]] = '\0';
                snprintf(what, sizeof what, "len %zu h+%zu, from %zu", len, sa, pos);
                check_strstr(h, needle, what);
                needle[nlens[k] - 1] = 'z'; /* matches up to its last byte */
                check_strstr(h, needle, what);
            }
    }
}
END_TEST

static Suite *strings_suite(void)
{
    Suite *s = suite_create("strings");
    TCase *tc = tcase_create("mem");

    tcase_add_test(tc, memcpy_every_length_and_alignment);
    tcase_add_test(tc, memmove_disjoint);
    tcase_add_test(tc, memmove_overlapping_both_ways);
    tcase_add_test(tc, memset_every_length_alignment_and_byte);
    tcase_add_test(tc, memcmp_equal_at_every_alignment);
    tcase_add_test(tc, memcmp_differing_at_each_position);
    tcase_add_test(tc, memchr_each_position_and_byte);
    suite_add_tcase(s, tc);
    tc = tcase_create("str");
    tcase_add_test(tc, strlen_strnlen_every_length_alignment_and_limit);
    tcase_add_test(tc, strchr_family_each_position);
    tcase_add_test(tc, strcmp_equal_prefix_differing_at_each_position);
    tcase_add_test(tc, strspn_each_length_of_span);
    tcase_add_test(tc, strstr_needle_at_each_position);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(strings_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
