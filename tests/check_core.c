/* Unit suites for the core library, linked without the preload wrappers. */
#include "config.h"

#include <stdlib.h>

#include "check_core.h"

int main(void)
{
    SRunner *sr = srunner_create(format_suite());
    int failed;

    srunner_add_suite(sr, datasources_suite());
    srunner_add_suite(sr, event_suite());
    srunner_add_suite(sr, outputs_suite());
    srunner_add_suite(sr, pipeline_suite());
    srunner_add_suite(sr, cache_suite());
    srunner_add_suite(sr, filters_suite());
    srunner_add_suite(sr, redact_suite());
    srunner_add_suite(sr, redact_shell_suite());
    srunner_add_suite(sr, redact_compile_suite());
    srunner_add_suite(sr, shellsplit_suite());
    srunner_add_suite(sr, state_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
