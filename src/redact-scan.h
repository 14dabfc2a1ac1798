/* What the reading of one command line shares between redact.c, which
 * walks the arguments and the command strings, and redact-command.c,
 * which reads each simple command: where masks go, and the finders that
 * apply to any word. */
#ifndef EXECLOG_REDACT_SCAN_H
#define EXECLOG_REDACT_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "redact-tables.h"
#include "shellsplit.h"

/* No rule: a mask made for lack of room, or a finder not configured. */
#define NO_RULE REDACT_NO_RULE

struct command;

struct scan {
    const struct redact_rules *r;
    struct redact_masks *out;
    struct shell_room room;
    struct command *commands;   /* the current one: commands[depth] */
    size_t command_slots, depth;
    unsigned string_depth;
    uint32_t arg;               /* the argument being read */
    uint16_t names_rule, headers_rule, url_rule;
    bool was_string;            /* the last word was read as a command
                                   string */
    bool generic_options;       /* some option rule applies to any program */
    unsigned word_class;        /* WORD_* of the word being read */
    /* Reads w as a command string (sh -c's argument), word by word. */
    void (*read_string)(struct scan *sc, const struct shell_text *w);
};

/* What a word holds, found in one pass: the finders run only on words
 * that can hold what they look for (most arguments hold none of it). */
enum {
    WORD_EQUALS = 1, WORD_COLON = 2, WORD_QUOTE = 4, WORD_BLANK = 8,
    WORD_AT = 16, WORD_DASH_FIRST = 32, WORD_NOT_BARE = 64,
    WORD_FINDERS = WORD_EQUALS | WORD_COLON | WORD_QUOTE | WORD_BLANK
};

/* Whether quote.c writes byte c as it is (for tests/check_format). */
bool scan_byte_is_bare(unsigned char c);

/* The WORD_* class of w. */
unsigned scan_word_class(const struct shell_text *w);

/* The length of s (at most limit bytes are read: *ended false when no NUL
 * came within them) and its WORD_* class, in one pass. */
unsigned scan_argument(const char *s, size_t limit, size_t *len,
                       bool *ended);

static inline const char *rule_text(const struct scan *sc,
                                    const struct redact_rule *rule)
{
    return sc->r->text + rule->option;
}

static inline bool word_is(const struct shell_text *w, const char *s,
                           size_t n)
{
    return w->len == n && memcmp(w->text, s, n) == 0;
}

/* Notes bytes [start, end) of argument sc->arg as a secret. */
void scan_add_mask(struct scan *sc, uint32_t start, uint32_t end,
                   uint16_t rule);

/* Bytes [s, e) of word w. */
void scan_mask_word(struct scan *sc, const struct shell_text *w, size_t s,
                    size_t e, uint16_t rule);

/* All of w, as a range of its argument. */
struct redact_mask scan_range_of(const struct scan *sc,
                                 const struct shell_text *w);

/* The rule that makes a variable or option name secret, or NO_RULE. */
uint16_t scan_name_rule(const struct scan *sc, const char *name, size_t len);

/* Whether a keep rule, of any program or of the program's entries
 * entry[first .. first + entries), says name holds no secret. */
bool scan_kept_name(const struct scan *sc, uint16_t first, uint16_t entries,
                    const char *name, size_t len);

/* What any word may hold, whoever the program (its entries for keep
 * rules): secret assignments, headers, SQL passwords, URL userinfo. */
void scan_find_anywhere(struct scan *sc, uint16_t first, uint16_t entries,
                        const struct shell_text *w, unsigned word_class);

#endif
