/* Helpers shared by the fuzz targets, their replay programs and the
 * quoting round trip: splitting an input into strings, and independent
 * checks of what the quoting promises (README, "Quoting"). */
#ifndef EXECLOG_FUZZ_UTIL_H
#define EXECLOG_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry points each target defines. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the code promises does not hold: print and abort, so that
 * libFuzzer saves the input and the replay program fails. */
#define FUZZ_ASSERT(cond, ...)                                              \
    do {                                                                    \
        if (!(cond))                                                        \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);              \
    } while (0)

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt,
               ...) __attribute__((noreturn, format(printf, 4, 5)));

/* Called by fuzz_fail before it aborts (abort skips atexit): a target
 * removes its temporary files here. */
extern void (*fuzz_on_fail)(void);

#define FUZZ_MAX_PARTS 64

/* data cut at its NUL bytes into at most FUZZ_MAX_PARTS NUL-terminated
 * strings (the last part takes the rest, NULs dropped); part[count] is
 * NULL, so that part + i is an argv.  mem holds the copies. */
struct fuzz_parts {
    char *mem;
    char *part[FUZZ_MAX_PARTS + 1];
    size_t count;
};

void fuzz_split(struct fuzz_parts *p, const uint8_t *data, size_t size,
                size_t max_parts);
void fuzz_parts_free(struct fuzz_parts *p);

/* NULL if s (len bytes) keeps the promises of a log line: no byte below
 * 0x20 nor 0x7f and valid UTF-8; with strict, also no character that is
 * invisible or looks like a space (Unicode White_Space and
 * Default_Ignorable_Code_Point outside ASCII).  Else what is wrong, with
 * *at its offset. */
const char *fuzz_text_unsafe(const char *s, size_t len, size_t *at,
                             bool strict);

/* Reads back the words of a line written by quote_argv (words made of
 * bare text, '...' and $'...' with \n \t \r \' \\ \xHH), as bash would.
 * Returns the number of words (at most max) with words[i] pointing into
 * mem (cap bytes), or -1 with *why set when the line is not in that form. */
int fuzz_unquote(const char *line, size_t len, char **words, size_t max,
                 char *mem, size_t cap, const char **why);

/* The argument as quote_argv should show it: word with the bytes [start,
 * end) replaced by "***" (masked false: the word as it is).  The result is
 * written to out (cap >= strlen(word) + 4). */
void fuzz_expected_word(const char *word, bool masked, size_t start,
                        size_t end, char *out);

struct redact_mask;
struct redact_masks;
/* The same for several masks: the first len bytes of word with each of
 * mask[0 .. n) (sorted, apart, within len) replaced by "***"; out holds
 * len + 3 * n + 1 bytes. */
void fuzz_expected_masked(const char *word, size_t len,
                          const struct redact_mask *mask, size_t n,
                          char *out);

/* A printable form of s for messages: C-style escapes, at most cap-1
 * bytes written to out. */
const char *fuzz_escape(const char *s, size_t len, char *out, size_t cap);

struct diag;
/* A refusal of spec says where (a column inside spec) and why. */
void fuzz_check_diag(const struct diag *d, const char *spec);

struct redact_rules;
/* quote_argv with no cut reads back (fuzz_unquote) as argv, each argument
 * masked as redact_scan finds with redact (NULL: none), and is safe
 * text. */
void fuzz_check_round_trip(char *const *argv, size_t argc,
                           const struct redact_rules *redact);

/* The same for the masks of a scan: each argument reads back with exactly
 * masks' ranges as "***"; past the scan's limit nothing is shown (the
 * argument at the limit as far as it was read). */
void fuzz_check_masked_round_trip(char *const *argv, size_t argc,
                                  const struct redact_masks *masks);

struct redact_room;
/* Room for redact_scan, sized as the exec path's. */
extern const struct redact_room fuzz_room;

#endif
