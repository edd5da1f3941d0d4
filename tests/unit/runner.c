/*
 * runner.c - runs the suites of a unit-test program: one line per test,
 * then the closing count.
 */
#include "base/mem.h"
#include "check.h"

int check_failures;

int check_run(const struct unit_test *const *suites, size_t n)
{
    int passed = 0, failed = 0;

    mem_install(); /* as in jobtuned: Jansson allocates through mem.h */
    for (size_t s = 0; s < n; s++) {
        for (const struct unit_test *t = suites[s]; t->name != NULL; t++) {
            check_failures = 0;
            t->fn();
            if (check_failures == 0) {
                passed++;
                printf("ok   unit %s\n", t->name);
            } else {
                failed++;
                printf("FAIL unit %s\n", t->name);
            }
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
