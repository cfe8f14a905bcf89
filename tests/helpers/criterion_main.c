/*
 * criterion_main.c -- the main of every Criterion test program: Criterion's
 * own run, plus one rule: a program in which any test was skipped (shared
 * data absent, no C compiler, ...) exits 77, which CMake registers as
 * ctest's SKIP_RETURN_CODE.  ctest then says "skipped" instead of
 * "passed", so a run without ../shared/data cannot look complete; failures
 * still win (exit 1).  .ci/run, which has the shared data, fails when any
 * test is reported skipped.
 *
 * The counts come from Criterion's POST_ALL report hook, which runs in
 * the parent process after every test (children run in their own
 * processes).  This is the custom-main pattern of Criterion's manual.
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <stdbool.h>

#define SKIPPED_EXIT 77

static size_t skipped;

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    skipped = stats->tests_skipped;
}

int main(int argc, char *argv[])
{
    struct criterion_test_set *tests = criterion_initialize();
    int rc = 0;
    if (criterion_handle_args(argc, argv, true))
        rc = criterion_run_all_tests(tests) ? 0 : 1;
    criterion_finalize(tests);
    if (rc == 0 && skipped)
        rc = SKIPPED_EXIT;
    return rc;
}
