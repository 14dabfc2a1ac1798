/* Reading one simple command word by word, as redact.c hands its words
 * over (the arguments, or the words of a command string): which word is
 * the program once wrappers (sudo, env, timeout ...) are skipped, which
 * of its rules apply, and which words they make secret. */
#ifndef EXECLOG_REDACT_COMMAND_H
#define EXECLOG_REDACT_COMMAND_H

#include <stdbool.h>
#include <stdint.h>

#include "redact-scan.h"

#define MAX_SUBCOMMAND 32
#define MAX_PROGRAM 24

struct wrapper;

/* One simple command being read.  All zero: nothing read yet. */
struct command {
    uint8_t phase, expect;
    uint16_t expect_rule;
    bool options_done, shell_command, user_seen, user_option;
    bool echo, has_echo, has_last, piped_in;
    bool format_first;          /* printf: its first operand is a format */
    bool keep;                  /* the word names no secret: keep rule */
    bool login_user;            /* -u USER given: -p VALUE is a password */
    uint8_t login_meaning;      /* LOGIN_*: whether -u and -p are a user
                                   and a password here, asked once */
    uint8_t login_values;
    uint16_t secret_key;        /* pair: the operand that holds the secret,
                                   if it is the last */
    const struct wrapper *wrapper;
    uint8_t operands_left;
    uint16_t operands, first_entry, entries;
    uint32_t qualified;         /* bit k: entry first_entry + k's option seen */
    uint8_t sub_length, program_length;
    char sub[MAX_SUBCOMMAND];   /* the first operand (once operands > 0):
                                   a subcommand */
    char program[MAX_PROGRAM];  /* the basename (0 long if longer) */
    struct redact_mask echo_words, last, piped, login_value[2];
};

_Static_assert(sizeof(struct command) <= REDACT_COMMAND_SIZE,
               "REDACT_COMMAND_SIZE is too small");

/* Word w of the command c, of scan_word_class word_class; redirection: w
 * is a redirection's target. */
void command_word(struct scan *sc, struct command *c,
                  const struct shell_text *w, unsigned word_class,
                  bool redirection);

/* The end of c (how: whether its output is piped into the next); c is
 * then ready for the next command. */
void command_end(struct scan *sc, struct command *c, enum shell_end how);

#endif
