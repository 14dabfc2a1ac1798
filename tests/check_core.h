#ifndef EXECLOG_CHECK_CORE_H
#define EXECLOG_CHECK_CORE_H

#include <check.h>

Suite *format_suite(void);
Suite *datasources_suite(void);
Suite *event_suite(void);
Suite *outputs_suite(void);
Suite *pipeline_suite(void);
Suite *cache_suite(void);
Suite *filters_suite(void);
Suite *redact_suite(void);
Suite *state_suite(void);

#endif
