/*
 * Unit test runner: runs every listed suite, prints one line per test and
 * the closing count.  Exit status is 1 when any test failed.
 */
#include "check.h"

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
SUITE(import_tests);
SUITE(archive_tests);
SUITE(db_errors_tests);
SUITE(tailoring_tests);
SUITE(delivery_tests);
SUITE(mail_tests);

static const struct unit_test *const suites[] = {
    arena_tests, router_tests, form_tests, jsonx_tests, text_tests, region_tests, geo_tests,
    svix_tests, resume_tests, pdf_tests, ats_tests, openai_tests, encode_tests, audio_tests,
    sarvam_tests, slots_tests, analytics_tests, scoreboard_tests, config_tests, retry_tests,
    import_tests,
    archive_tests,
    db_errors_tests,
    tailoring_tests,
    delivery_tests,
    mail_tests,
};

int main(void)
{
    return check_run(suites, sizeof(suites) / sizeof(suites[0]));
}
