#ifndef EXECLOG_CHECK_CORE_H
#define EXECLOG_CHECK_CORE_H

#include <check.h>
#include <stddef.h>

Suite *format_suite(void);
Suite *datasources_suite(void);
Suite *event_suite(void);
Suite *outputs_suite(void);
Suite *pipeline_suite(void);
Suite *cache_suite(void);
Suite *filters_suite(void);
Suite *redact_suite(void);
Suite *redact_shell_suite(void);
Suite *redact_compile_suite(void);
Suite *shellsplit_suite(void);
Suite *state_suite(void);

/* Shared by the redact suites (check_redact.c): compile spec (asserting
 * it is accepted and valid), scan argv with a room like the exec path's,
 * render the line with the masks found; the masks of the last scan as
 * "ARG:START-END ...". */
struct redact_rules;
struct redact_masks;
const struct redact_rules *redact_test_compile(const char *spec);
const struct redact_masks *redact_test_scan(const char *spec, char **argv);
const char *redact_test_render(const char *spec, char **argv,
                               size_t max_len);
const char *redact_test_masks(void);

/* The line argv is logged as under spec. */
#define LOGGED(spec, ...) \
    redact_test_render(spec, (char *[]){ __VA_ARGS__, NULL }, 4096)

#endif
