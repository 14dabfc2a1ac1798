/* Splitting a shell command string (the argument of sh -c, su -c, ssh,
 * system(), popen()) into simple commands and words, as the shell would
 * read them: quotes, escapes, ; | & && || and newlines, $(...) and
 * backquotes, redirections, comments.  Expansions are not performed: a
 * word keeps $VAR as written.
 *
 * Each word comes with, per byte, the offset of that byte in the argument
 * it was read from, so that what is found in the unquoted word can be
 * masked in the argument as logged.  No allocation: words are built in a
 * room the caller gives. */
#ifndef EXECLOG_SHELLSPLIT_H
#define EXECLOG_SHELLSPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Text and where its bytes lie in the argument: text[i] is at origin[i],
 * or at base + i without origin. */
struct shell_text {
    const char *text;
    size_t len;
    uint32_t base;
    const uint32_t *origin;
};

static inline uint32_t shell_origin(const struct shell_text *t, size_t i)
{
    return t->origin != NULL ? t->origin[i] : t->base + (uint32_t)i;
}

/* Where words are built; used grows while a word is built and shrinks
 * back when it has been handed over, so a nested split (a command string
 * inside a word) takes the room after that word. */
struct shell_room {
    char *text;
    uint32_t *origin;
    size_t size, used;
};

enum shell_end {
    SHELL_END_LIST,     /* ; & && || newline, a subshell's bounds */
    SHELL_END_PIPE,     /* |: the next command reads this one's output */
};

struct shell_reader {
    /* A word of the current command; redirection: it names a
     * redirection's target, not an argument. */
    void (*word)(void *ctx, const struct shell_text *word, bool redirection);
    void (*end)(void *ctx, enum shell_end how);
    /* $( or `: a command inside the current word.  false: too deep, the
     * inside is then handed over with unread. */
    bool (*enter)(void *ctx);
    void (*leave)(void *ctx);
    /* Bytes [from, to) of the argument that could not be read (no room
     * left, nesting too deep). */
    void (*unread)(void *ctx, uint32_t from, uint32_t to);
    void *ctx;
};

/* Reads src, calling r for each word and command end. */
void shell_split(const struct shell_text *src, struct shell_room *room,
                 const struct shell_reader *r);

#endif
