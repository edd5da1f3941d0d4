/*
 * Unit tests: the analytics event table (model/analytics.h): only
 * allow-listed properties with permitted values survive the builder, the
 * common privacy properties are always set, the ATS bucket edges, and the
 * consent decision for every regime.
 */
#include <jansson.h>

#include "check.h"
#include "model/analytics.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TS "2025-05-28T08:00:00.000Z"

TEST(analytics_unknown_event_is_refused)
{
    CHECK(analytics_event_build("page_viewed", NULL, ID, "gdpr", TS) == NULL);
    CHECK(analytics_event_build(NULL, NULL, ID, "gdpr", TS) == NULL);
    CHECK(analytics_event_build("resume_created", NULL, "", "gdpr", TS) == NULL);
    CHECK(analytics_event_build("resume_created", NULL, NULL, "gdpr", TS) == NULL);
    CHECK(!analytics_is_event("identify"));
    CHECK(analytics_is_event("account_deleted"));
}

TEST(analytics_common_properties)
{
    json_t *e = analytics_event_build("resume_created", NULL, ID, "ccpa", TS);
    json_t *p = json_object_get(e, "properties");

    CHECK_STR(json_string_value(json_object_get(e, "event")), "resume_created");
    CHECK_STR(json_string_value(json_object_get(e, "timestamp")), TS);
    CHECK_STR(json_string_value(json_object_get(p, "distinct_id")), ID);
    CHECK_STR(json_string_value(json_object_get(p, "regime")), "ccpa");
    CHECK(json_is_false(json_object_get(p, "$process_person_profile")));
    CHECK(json_is_null(json_object_get(p, "$ip")));
    CHECK(json_is_true(json_object_get(p, "$geoip_disable")));
    CHECK_INT(json_object_size(p), 5);
    CHECK_INT(json_object_size(e), 3);
    json_decref(e);
    /* an unknown regime is reported as the strictest */
    e = analytics_event_build("resume_created", NULL, ID, "mars", TS);
    CHECK_STR(json_string_value(json_object_get(json_object_get(e, "properties"), "regime")),
              "gdpr");
    json_decref(e);
}

TEST(analytics_drops_what_is_not_allowed)
{
    json_t *in = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:i}", "language", "de-DE",
                           "question_count", 5, "email", "a@example.com", "name", "Ana",
                           "role", "Backend", "$ip", "1.2.3.4", "answered_count", 3);
    json_t *e = analytics_event_build("interview_started", in, ID, "gdpr", TS);
    json_t *p = json_object_get(e, "properties");

    CHECK(json_object_get(p, "language") == NULL); /* not a permitted language */
    CHECK_INT(json_integer_value(json_object_get(p, "question_count")), 5);
    CHECK(json_object_get(p, "email") == NULL);
    CHECK(json_object_get(p, "name") == NULL);
    CHECK(json_object_get(p, "role") == NULL);
    CHECK(json_object_get(p, "answered_count") == NULL); /* another event's */
    CHECK(json_is_null(json_object_get(p, "$ip")));      /* never the caller's */
    json_decref(e);
    json_decref(in);

    in = json_pack("{s:s, s:i}", "paper", "Ana Müller's resume", "duration_ms", 5);
    e = analytics_event_build("pdf_exported", in, ID, "gdpr", TS);
    CHECK_INT(json_object_size(json_object_get(e, "properties")), 5);
    json_decref(e);
    json_decref(in);

    in = json_pack("{s:s, s:b, s:i}", "channel", "form", "deletion_request", 1, "ticket", 7);
    e = analytics_event_build("ticket_submitted", in, ID, "baseline", TS);
    p = json_object_get(e, "properties");
    CHECK_STR(json_string_value(json_object_get(p, "channel")), "form");
    CHECK(json_is_true(json_object_get(p, "deletion_request")));
    CHECK(json_object_get(p, "ticket") == NULL);
    json_decref(e);
    json_decref(in);

    /* counts are non-negative integers, not strings or negatives */
    in = json_pack("{s:s, s:i}", "duration_ms", "12", "answered_count", -1);
    e = analytics_event_build("interview_completed", in, ID, "gdpr", TS);
    CHECK_INT(json_object_size(json_object_get(e, "properties")), 5);
    json_decref(e);
    json_decref(in);
}

TEST(analytics_allow_list)
{
    CHECK(analytics_is_allowed("resume_tailored", "ats_score_bucket"));
    CHECK(analytics_is_allowed("resume_tailored", "duration_ms"));
    CHECK(analytics_is_allowed("resume_tailored", "$geoip_disable"));
    CHECK(!analytics_is_allowed("resume_tailored", "paper"));
    CHECK(!analytics_is_allowed("nope", "regime"));
}

TEST(analytics_score_buckets)
{
    CHECK_STR(analytics_score_bucket(-5), "0-19");
    CHECK_STR(analytics_score_bucket(0), "0-19");
    CHECK_STR(analytics_score_bucket(19), "0-19");
    CHECK_STR(analytics_score_bucket(20), "20-39");
    CHECK_STR(analytics_score_bucket(59), "40-59");
    CHECK_STR(analytics_score_bucket(79), "60-79");
    CHECK_STR(analytics_score_bucket(80), "80-100");
    CHECK_STR(analytics_score_bucket(100), "80-100");
    CHECK_STR(analytics_score_bucket(1000), "80-100");
}

TEST(analytics_consent_by_regime)
{
    const char *why = NULL;

    CHECK(!analytics_decide(false, "ccpa", "granted", false, &why));
    CHECK_STR(why, "analytics disabled in this environment");
    CHECK(!analytics_decide(true, "gdpr", "unset", false, &why));
    CHECK_STR(why, "not consented (GDPR: opt-in)");
    CHECK(!analytics_decide(true, "gdpr", NULL, false, &why));
    CHECK(analytics_decide(true, "gdpr", "granted", false, &why));
    CHECK_STR(why, "consent granted");
    CHECK(!analytics_decide(true, "gdpr", "granted", true, &why));
    CHECK_STR(why, "global privacy control");
    CHECK(analytics_decide(true, "ccpa", "unset", false, &why));
    CHECK(analytics_decide(true, "ccpa", NULL, false, &why));
    CHECK(analytics_decide(true, "baseline", "unset", false, &why));
    CHECK(!analytics_decide(true, "ccpa", "denied", false, &why));
    CHECK_STR(why, "opted out");
    CHECK(!analytics_decide(true, "baseline", "unset", true, &why));
    CHECK_STR(why, "global privacy control");
    CHECK(!analytics_decide(true, NULL, "unset", false, &why)); /* unknown: strictest */
}

const struct unit_test analytics_tests[] = {
    {"analytics_unknown_event_is_refused", analytics_unknown_event_is_refused},
    {"analytics_common_properties", analytics_common_properties},
    {"analytics_drops_what_is_not_allowed", analytics_drops_what_is_not_allowed},
    {"analytics_allow_list", analytics_allow_list},
    {"analytics_score_buckets", analytics_score_buckets},
    {"analytics_consent_by_regime", analytics_consent_by_regime},
    {NULL, NULL},
};
