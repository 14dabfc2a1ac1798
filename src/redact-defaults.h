/* The rules `defaults` stands for, one rule of the spec each (the compile
 * side only: the library gets them compiled, in the cache or built in). */
#ifndef EXECLOG_REDACT_DEFAULTS_H
#define EXECLOG_REDACT_DEFAULTS_H

/* Ended by NULL. */
extern const char *const redact_builtin_rules[];

#endif
