/* Programs that run another program: sudo, env, timeout, ssh, sh -c ...
 * Redaction skips their own options and operands, then applies its rules
 * to the program they run, or to the command string they pass to a
 * shell. */
#ifndef EXECLOG_WRAPPERS_H
#define EXECLOG_WRAPPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum wrapper_rest {
    REST_COMMAND,   /* after options and operands: a program and its args */
    REST_REMOTE,    /* the same, or one command string (ssh, watch, eval) */
    REST_SCRIPT,    /* a shell: a script, or with -c a command string */
    REST_USER,      /* su: a user, then the shell's arguments */
};

/* Arrays, not pointers: a pointer in a table costs every process a
 * relocation at load time. */
struct wrapper {
    char name[14];
    uint8_t operands;           /* operands before the program */
    uint8_t rest;               /* enum wrapper_rest */
    char short_values[24];      /* one-letter options taking a value */
    char long_values[96];       /* long ones, each ended by a space */
    char short_command[4];      /* options whose value is a command string */
    char long_command[28];
};

/* The wrapper called name (a basename), or NULL. */
const struct wrapper *wrapper_find(const char *name, size_t len);

/* Whether option (a whole word, "-x..." or "--name[=...]") takes a value
 * in the next word; *command: that value, or the one attached, is a
 * command string; *attached: where the attached value starts (0: none). */
bool wrapper_option_takes_value(const struct wrapper *w, const char *option,
                                size_t len, bool *command, size_t *attached);

#endif
