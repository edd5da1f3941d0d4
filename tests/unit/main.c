/*
 * Unit test runner: runs every listed suite, prints one line per test and
 * the closing count.  Exit status is 1 when any test failed.
 */
#include "base/mem.h"
#include "check.h"

int check_failures;

SUITE(arena_tests);
SUITE(router_tests);
SUITE(form_tests);
SUITE(jsonx_tests);
SUITE(text_tests);
SUITE(region_tests);
SUITE(geo_tests);
SUITE(svix_tests);
SUITE(ats_tests);
SUITE(openai_tests);
SUITE(resume_tests);
SUITE(pdf_tests);
SUITE(encode_tests);
SUITE(audio_tests);
SUITE(sarvam_tests);
SUITE(slots_tests);
SUITE(analytics_tests);
SUITE(scoreboard_tests);
SUITE(config_tests);
SUITE(retry_tests);

static const struct unit_test *const suites[] = {
    arena_tests, router_tests, form_tests, jsonx_tests, text_tests, region_tests, geo_tests,
    svix_tests, resume_tests, pdf_tests, ats_tests, openai_tests, encode_tests, audio_tests,
    sarvam_tests, slots_tests, analytics_tests, scoreboard_tests, config_tests, retry_tests,
};

int main(void)
{
    int passed = 0, failed = 0;

    mem_install(); /* as in jobtuned: Jansson allocates through mem.h */
    for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
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
