/* Unit tests: the one retry rule (svc/retry.h) -- which failures are
 * retried, the wait a server asks for in both Retry-After forms, the
 * jittered backoff with the random draw chosen here, the caps and the
 * deadline -- and the numbers each client gives it. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "svc/openai.h"
#include "svc/posthog.h"
#include "svc/retry.h"
#include "svc/sarvam.h"

/* 1994-11-06T08:49:37Z, the date of RFC 9110's examples */
#define EXAMPLE_DATE 784111777L

static const struct retry_policy test_policy = {
    .max_attempts = 3, .base_ms = 500, .cap_ms = 8000, .retry_after_max_ms = 20000,
};

TEST(retry_statuses)
{
    static const struct {
        long status;
        bool transient;
    } cases[] = {
        {0, false},   {200, false}, {204, false}, {301, false}, {400, false},
        {401, false}, {403, false}, {404, false}, {408, true},  {409, false},
        {422, false}, {429, true},  {499, false}, {500, true},  {502, true},
        {503, true},  {504, true},  {599, true},  {600, false}, {-1, false},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (retry_status_is_transient(cases[i].status) != cases[i].transient) {
            fprintf(stderr, "    status %ld\n", cases[i].status);
            CHECK(retry_status_is_transient(cases[i].status) == cases[i].transient);
        }
    }
}

TEST(retry_transfer_failures)
{
    static const struct retry_policy with_timeouts = {.max_attempts = 2, .timeouts = true};
    static const struct {
        CURLcode rc;
        bool transient;
    } cases[] = {
        {CURLE_COULDNT_RESOLVE_HOST, true}, {CURLE_COULDNT_CONNECT, true},
        {CURLE_SEND_ERROR, true},           {CURLE_RECV_ERROR, true},
        {CURLE_GOT_NOTHING, true},          {CURLE_PARTIAL_FILE, true},
        {CURLE_SSL_CONNECT_ERROR, true},    {CURLE_HTTP2, true},
        {CURLE_HTTP2_STREAM, true},         {CURLE_OK, false},
        {CURLE_WRITE_ERROR, false}, /* the body passed its ceiling */
        {CURLE_PEER_FAILED_VERIFICATION, false},
        {CURLE_URL_MALFORMAT, false},       {CURLE_OUT_OF_MEMORY, false},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK(retry_curl_is_transient(&test_policy, cases[i].rc) == cases[i].transient);
        CHECK(retry_curl_is_transient(&with_timeouts, cases[i].rc) == cases[i].transient);
    }
    /* a timed-out attempt: as the policy says */
    CHECK(!retry_curl_is_transient(&test_policy, CURLE_OPERATION_TIMEDOUT));
    CHECK(retry_curl_is_transient(&with_timeouts, CURLE_OPERATION_TIMEDOUT));
}

TEST(retry_asked_waits)
{
    static const struct {
        const char *ms, *after; /* retry-after-ms, Retry-After; NULL: absent */
        long now, expected;     /* expected -1: nothing readable was asked */
    } cases[] = {
        /* absent */
        {NULL, NULL, 0, -1},
        /* delta-seconds */
        {NULL, "2", 0, 2000},
        {NULL, "0", 0, 0},
        {NULL, " 3 \t", 0, 3000},
        {NULL, "120", 0, 120000},
        {NULL, "007", 0, 7000},
        {NULL, "0.25", 0, 250},
        {NULL, "1.0005", 0, 1001},      /* rounded up, never shortened */
        {NULL, "0.0000000001", 0, 1},   /* past the ninth decimal too */
        /* HTTP-date: IMF-fixdate, then the two obsolete forms RFC 9110 keeps */
        {NULL, "Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE_DATE - 3, 3000},
        {NULL, "Sunday, 06-Nov-94 08:49:37 GMT", EXAMPLE_DATE - 60, 60000},
        {NULL, "Sun Nov  6 08:49:37 1994", EXAMPLE_DATE - 1, 1000},
        {NULL, "Thu, 01 Jan 1970 00:00:13 GMT", 10, 3000},
        {NULL, "Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE_DATE, 0},      /* now */
        {NULL, "Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE_DATE + 5, 0},  /* past */
        /* garbage: nothing asked */
        {NULL, "", 0, -1},
        {NULL, "  ", 0, -1},
        {NULL, "soon", 0, -1},
        {NULL, "-5", 0, -1},
        {NULL, "+5", 0, -1},
        {NULL, "1e3", 0, -1},
        {NULL, "0x10", 0, -1},
        {NULL, "inf", 0, -1},
        {NULL, "nan", 0, -1},
        {NULL, ".5", 0, -1},
        {NULL, "5.", 0, -1},
        {NULL, "1,5", 0, -1},
        {NULL, "2 s", 0, -1},
        {NULL, "tomorrow", 0, -1},
        {NULL, "Nov 6", 0, -1},
        /* OpenAI's retry-after-ms wins when readable */
        {"200", "5", 0, 200},
        {"644.5", NULL, 0, 645},
        {"0", "5", 0, 0},
        {"soon", "2", 0, 2000},
        {"-1", "Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE_DATE - 2, 2000},
        {"", NULL, 0, -1},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long got = retry_asked_ms(cases[i].ms, cases[i].after, (time_t)cases[i].now);

        if (got != cases[i].expected)
            fprintf(stderr, "    retry-after-ms %s, Retry-After %s\n",
                    cases[i].ms ? cases[i].ms : "(none)",
                    cases[i].after ? cases[i].after : "(none)");
        CHECK_INT(got, cases[i].expected);
    }
}

TEST(retry_asked_waits_never_overflow)
{
    long huge = retry_asked_ms(NULL, "99999999999999999999999999999999", 0);
    long far = retry_asked_ms(NULL, "Fri, 31 Dec 9999 23:59:59 GMT", 0);

    CHECK(huge > 20000);
    CHECK(far > 20000);
    CHECK(retry_asked_ms("99999999999999999999.9", NULL, 0) > 20000);
    CHECK(retry_asked_ms(NULL, "9223372036854775807", 0) > 20000); /* INT64_MAX s */
    CHECK_INT(retry_delay_ms(&test_policy, 1, huge, 0, RETRY_NO_DEADLINE, 0.0), RETRY_STOP);
    CHECK_INT(retry_delay_ms(&test_policy, 1, far, 0, RETRY_NO_DEADLINE, 0.0), RETRY_STOP);
}

TEST(retry_delays)
{
    static const struct {
        int attempts;
        long asked, prev, remaining;
        double r;
        long expected;
    } cases[] = {
        /* the first backoff: [base, 3 x base] */
        {1, -1, 0, RETRY_NO_DEADLINE, 0.0, 500},
        {1, -1, 0, RETRY_NO_DEADLINE, 0.5, 1000},
        {1, -1, 0, RETRY_NO_DEADLINE, 0.999999, 1499},
        /* later ones: [base, 3 x the previous wait], capped */
        {2, -1, 1500, RETRY_NO_DEADLINE, 0.0, 500},
        {2, -1, 1500, RETRY_NO_DEADLINE, 0.999999, 4499},
        {2, -1, 2000, RETRY_NO_DEADLINE, 0.5, 3250},
        {2, -1, 4000, RETRY_NO_DEADLINE, 0.999999, 7999},
        {2, -1, 20000, RETRY_NO_DEADLINE, 0.999999, 7999}, /* a long asked wait before */
        {2, -1, 100, RETRY_NO_DEADLINE, 0.999999, 1499},   /* below base: from base */
        /* the draw is clamped to [0, 1] */
        {1, -1, 0, RETRY_NO_DEADLINE, -3.0, 500},
        {1, -1, 0, RETRY_NO_DEADLINE, 1.0, 1500},
        {1, -1, 0, RETRY_NO_DEADLINE, 7.0, 1500},
        {1, -1, 0, RETRY_NO_DEADLINE, NAN, 500},
        /* the attempts are used */
        {3, -1, 1000, RETRY_NO_DEADLINE, 0.0, RETRY_STOP},
        {3, 2000, 1000, RETRY_NO_DEADLINE, 0.0, RETRY_STOP},
        {9, -1, 1000, RETRY_NO_DEADLINE, 0.0, RETRY_STOP},
        /* a wait asked for: as given, whatever the draw, up to the maximum */
        {1, 2000, 0, RETRY_NO_DEADLINE, 0.9, 2000},
        {2, 1, 1500, RETRY_NO_DEADLINE, 0.9, 1},
        {1, 20000, 0, RETRY_NO_DEADLINE, 0.0, 20000},
        {1, 20001, 0, RETRY_NO_DEADLINE, 0.0, RETRY_STOP},
        /* zero asked: the backoff */
        {1, 0, 0, RETRY_NO_DEADLINE, 0.0, 500},
        /* the deadline: an asked wait must end before it ... */
        {1, 2000, 0, 2001, 0.0, 2000},
        {1, 2000, 0, 2000, 0.0, RETRY_STOP},
        /* ... and the backoff's window is cut to it */
        {1, -1, 0, 1000, 1.0, 999},
        {1, -1, 0, 1000, 0.0, 500},
        {1, -1, 0, 501, 0.999999, 500},
        {1, -1, 0, 500, 0.0, RETRY_STOP},
        {1, -1, 0, 0, 0.0, RETRY_STOP},
        {1, -1, 0, -5, 0.0, RETRY_STOP},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long got = retry_delay_ms(&test_policy, cases[i].attempts, cases[i].asked,
                                  cases[i].prev, cases[i].remaining, cases[i].r);

        if (got != cases[i].expected)
            fprintf(stderr, "    case %zu\n", i);
        CHECK_INT(got, cases[i].expected);
    }
}

TEST(retry_jitter_stays_in_its_window)
{
    long prevs[] = {0, 300, 500, 1000, 2666, 5000, 8000, 100000};

    for (size_t k = 0; k < sizeof(prevs) / sizeof(prevs[0]); k++) {
        long last = prevs[k] < 500 ? 500 : prevs[k] > 8000 ? 8000 : prevs[k];
        long hi = 3 * last < 8000 ? 3 * last : 8000, before = 0;
        bool low = false, high = false;

        for (int i = 0; i < 1000; i++) {
            double r = i / 1000.0;
            long d = retry_delay_ms(&test_policy, 1, -1, prevs[k], RETRY_NO_DEADLINE, r);

            CHECK(d >= 500 && d <= hi);
            CHECK(d >= before); /* a larger draw never waits less */
            before = d;
            low = low || d < 500 + (hi - 500) / 10;
            high = high || d > hi - (hi - 500) / 10;
        }
        CHECK(low && high); /* the whole window is reached */
    }
    /* the kernel's draws are in [0, 1) and not all alike */
    {
        double lo = 1.0, hi = 0.0;

        for (int i = 0; i < 1000; i++) {
            double r = retry_random();

            CHECK(r >= 0.0 && r < 1.0);
            lo = r < lo ? r : lo;
            hi = r > hi ? r : hi;
        }
        CHECK(hi - lo > 0.5);
    }
}

TEST(retry_policy_edges)
{
    /* a cap below the base: the cap wins */
    static const struct retry_policy tight = {
        .max_attempts = 5, .base_ms = 1000, .cap_ms = 300, .retry_after_max_ms = 0,
    };

    CHECK_INT(retry_delay_ms(&tight, 1, -1, 0, RETRY_NO_DEADLINE, 0.0), 300);
    CHECK_INT(retry_delay_ms(&tight, 4, -1, 300, RETRY_NO_DEADLINE, 0.9), 300);
    /* retry_after_max_ms 0: any wait asked for means no retry */
    CHECK_INT(retry_delay_ms(&tight, 1, 1, 0, RETRY_NO_DEADLINE, 0.0), RETRY_STOP);
}

/* The numbers each client gives the rule (docs/external-apis.md). */
TEST(retry_the_services_policies)
{
    /* OpenAI: two retries from 0.5 s, capped at 8 s; asked up to 20 s */
    CHECK_INT(openai_retry_policy.max_attempts, 3);
    CHECK_INT(retry_delay_ms(&openai_retry_policy, 1, -1, 0, RETRY_NO_DEADLINE, 0.0), 500);
    CHECK_INT(retry_delay_ms(&openai_retry_policy, 2, -1, 4000, RETRY_NO_DEADLINE, 1.0), 8000);
    CHECK_INT(retry_delay_ms(&openai_retry_policy, 1, 20000, 0, RETRY_NO_DEADLINE, 0.0), 20000);
    CHECK_INT(retry_delay_ms(&openai_retry_policy, 1, 20001, 0, RETRY_NO_DEADLINE, 0.0),
              RETRY_STOP);
    CHECK_INT(retry_delay_ms(&openai_retry_policy, 3, -1, 500, RETRY_NO_DEADLINE, 0.0),
              RETRY_STOP);
    CHECK(!retry_curl_is_transient(&openai_retry_policy, CURLE_OPERATION_TIMEDOUT));
    /* Sarvam: two retries from 1 s, capped at 8 s; asked up to 10 s */
    CHECK_INT(sarvam_retry_policy.max_attempts, 3);
    CHECK_INT(retry_delay_ms(&sarvam_retry_policy, 1, -1, 0, RETRY_NO_DEADLINE, 0.0), 1000);
    CHECK_INT(retry_delay_ms(&sarvam_retry_policy, 1, -1, 0, RETRY_NO_DEADLINE, 1.0), 3000);
    CHECK_INT(retry_delay_ms(&sarvam_retry_policy, 2, -1, 3000, RETRY_NO_DEADLINE, 1.0), 8000);
    CHECK_INT(retry_delay_ms(&sarvam_retry_policy, 1, 10000, 0, RETRY_NO_DEADLINE, 0.0), 10000);
    CHECK_INT(retry_delay_ms(&sarvam_retry_policy, 1, 11000, 0, RETRY_NO_DEADLINE, 0.0),
              RETRY_STOP);
    CHECK(!retry_curl_is_transient(&sarvam_retry_policy, CURLE_OPERATION_TIMEDOUT));
    /* PostHog: three retries from 0.5 s, capped at 2 s; timeouts retried */
    CHECK_INT(posthog_retry_policy.max_attempts, 4);
    CHECK_INT(retry_delay_ms(&posthog_retry_policy, 3, -1, 2000, RETRY_NO_DEADLINE, 1.0), 2000);
    CHECK_INT(retry_delay_ms(&posthog_retry_policy, 4, -1, 2000, RETRY_NO_DEADLINE, 0.0),
              RETRY_STOP);
    CHECK_INT(retry_delay_ms(&posthog_retry_policy, 1, 60000, 0, RETRY_NO_DEADLINE, 0.0), 60000);
    CHECK(retry_curl_is_transient(&posthog_retry_policy, CURLE_OPERATION_TIMEDOUT));
}

TEST(retry_header_values)
{
    static const struct {
        const char *line, *name, *value; /* value NULL: not this header */
    } cases[] = {
        {"Retry-After: 120\r\n", "retry-after", "120"},
        {"retry-after:\t Sun, 06 Nov 1994 08:49:37 GMT \r\n", "retry-after",
         "Sun, 06 Nov 1994 08:49:37 GMT"},
        {"RETRY-AFTER:5", "retry-after", "5"},
        {"Retry-After:\r\n", "retry-after", ""},
        {"retry-after-ms: 200\r\n", "retry-after", NULL},
        {"retry-after-ms: 200\r\n", "retry-after-ms", "200"},
        {"X-Retry-After: 5\r\n", "retry-after", NULL},
        {"Retry-After 5\r\n", "retry-after", NULL},
        {"Retry", "retry-after", NULL},
    };
    char out[64], tiny[4];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool found = retry_header_value(cases[i].line, strlen(cases[i].line), cases[i].name,
                                        out, sizeof(out));

        CHECK(found == (cases[i].value != NULL));
        if (found && cases[i].value != NULL)
            CHECK_STR(out, cases[i].value);
    }
    /* a long value is cut to fit */
    CHECK(retry_header_value("Retry-After: 123456\r\n", 21, "retry-after", tiny, sizeof(tiny)));
    CHECK_STR(tiny, "123");
}

const struct unit_test retry_tests[] = {
    {"retry_statuses", retry_statuses},
    {"retry_transfer_failures", retry_transfer_failures},
    {"retry_asked_waits", retry_asked_waits},
    {"retry_asked_waits_never_overflow", retry_asked_waits_never_overflow},
    {"retry_delays", retry_delays},
    {"retry_jitter_stays_in_its_window", retry_jitter_stays_in_its_window},
    {"retry_policy_edges", retry_policy_edges},
    {"retry_the_services_policies", retry_the_services_policies},
    {"retry_header_values", retry_header_values},
    {NULL, NULL},
};
