/* Unit tests: the privacy regime table, the answer it builds, ISO codes. */
#include <jansson.h>

#include "check.h"
#include "model/region.h"

/* The answer for a place, checked field by field. */
static void expect(const char *country, const char *subdivision, const char *source,
                   const char *want_regime, const char *want_source,
                   const char *want_analytics)
{
    json_t *a = region_describe(country, subdivision, source);

    CHECK(a != NULL);
    if (a == NULL)
        return;
    CHECK_STR(json_string_value(json_object_get(a, "regime")), want_regime);
    CHECK_STR(json_string_value(json_object_get(a, "source")), want_source);
    CHECK_STR(json_string_value(json_object_get(a, "analytics")), want_analytics);
    CHECK_INT(json_integer_value(json_object_get(a, "responseDays")), 30);
    CHECK(json_is_array(json_object_get(a, "rights")));
    json_decref(a);
}

/* The ids of the rights in an answer, comma-separated, into buf. */
static const char *right_ids(const char *country, const char *subdivision, char *buf,
                             size_t size)
{
    json_t *a = region_describe(country, subdivision, "ip"), *r;
    size_t i, used = 0;

    buf[0] = '\0';
    json_array_foreach(json_object_get(a, "rights"), i, r)
    {
        const char *id = json_string_value(json_object_get(r, "id"));
        int n;

        CHECK(json_string_length(json_object_get(r, "name")) > 0);
        CHECK(json_string_length(json_object_get(r, "description")) > 0);
        n = snprintf(buf + used, size - used, "%s%s", used ? "," : "", id ? id : "?");
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    json_decref(a);
    return buf;
}

TEST(region_gdpr_places)
{
    static const char *const places[] = {"DE", "FR", "IE", "GR", "SE", "IS", "LI", "NO",
                                         "GB", "CH", "RE", "AX"};

    for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
        CHECK_INT(region_regime_of(places[i], NULL), REGION_GDPR);
        expect(places[i], NULL, "ip", "gdpr", "ip", "opt-in");
    }
    CHECK_INT(region_regime_of("GB", "GB-ENG"), REGION_GDPR);
    CHECK_INT(region_regime_of("DE", "DE-BY"), REGION_GDPR);
}

TEST(region_united_states)
{
    CHECK_INT(region_regime_of("US", "US-CA"), REGION_CCPA);
    expect("US", "US-CA", "ip", "ccpa", "ip", "opt-out");
    /* state not known: the stricter US regime */
    CHECK_INT(region_regime_of("US", NULL), REGION_CCPA);
    expect("US", NULL, "ip", "ccpa", "ip", "opt-out");
    CHECK_INT(region_regime_of("US", "US-TX"), REGION_BASELINE);
    expect("US", "US-TX", "ip", "baseline", "ip", "opt-out");
    CHECK_INT(region_regime_of("US", "US-NY"), REGION_BASELINE);
    /* a malformed state counts as not known */
    CHECK_INT(region_regime_of("US", "US-"), REGION_CCPA);
    CHECK_INT(region_regime_of("US", "DE-BY"), REGION_CCPA);
}

TEST(region_baseline_elsewhere)
{
    CHECK_INT(region_regime_of("IN", NULL), REGION_BASELINE);
    CHECK_INT(region_regime_of("IN", "IN-KA"), REGION_BASELINE);
    expect("IN", "IN-KA", "ip", "baseline", "ip", "opt-out");
    expect("JP", NULL, "ip", "baseline", "ip", "opt-out");
    expect("CA", "CA-ON", "profile", "baseline", "profile", "opt-out");
    CHECK_STR(region_regime_name(REGION_BASELINE), "baseline");
}

TEST(region_unknown_is_strictest)
{
    json_t *a;

    CHECK_INT(region_regime_of(NULL, NULL), REGION_GDPR);
    CHECK_INT(region_regime_of("ZZ", NULL), REGION_GDPR);
    CHECK_INT(region_regime_of("XK", NULL), REGION_GDPR); /* user-assigned, not ISO */
    expect(NULL, NULL, "default", "gdpr", "default", "opt-in");
    /* a country that is not an assigned code is no country at all */
    expect("EU", NULL, "ip", "gdpr", "default", "opt-in");
    expect("US", "US-CA", NULL, "gdpr", "default", "opt-in");

    a = region_describe("ZZ", "ZZ-1", "ip");
    CHECK(json_is_null(json_object_get(a, "country")));
    CHECK(json_is_null(json_object_get(a, "subdivision")));
    json_decref(a);
}

TEST(region_answer_fields)
{
    json_t *a = region_describe("US", "US-CA", "profile");

    CHECK_STR(json_string_value(json_object_get(a, "country")), "US");
    CHECK_STR(json_string_value(json_object_get(a, "subdivision")), "US-CA");
    CHECK_STR(json_string_value(json_object_get(a, "source")), "profile");
    CHECK_INT(json_object_size(a), 7);
    json_decref(a);

    /* a subdivision of another country is dropped */
    a = region_describe("DE", "US-CA", "profile");
    CHECK_STR(json_string_value(json_object_get(a, "country")), "DE");
    CHECK(json_is_null(json_object_get(a, "subdivision")));
    CHECK_STR(json_string_value(json_object_get(a, "regime")), "gdpr");
    json_decref(a);
}

TEST(region_rights_per_regime)
{
    char buf[256];

    CHECK_STR(right_ids("DE", NULL, buf, sizeof(buf)),
              "access,rectification,erasure,restriction,portability,objection,"
              "withdraw_consent,complaint");
    CHECK_STR(right_ids("US", "US-CA", buf, sizeof(buf)),
              "know,delete,correct,opt_out_of_sale_or_sharing,limit_sensitive,"
              "non_discrimination");
    CHECK_STR(right_ids("IN", NULL, buf, sizeof(buf)), "access,deletion,portability");
}

TEST(region_country_codes)
{
    static const char *const assigned[] = {"AD", "AX", "BQ", "CW", "DE", "GB", "IN", "SS",
                                           "SX", "US", "ZW"};
    static const char *const not_assigned[] = {"", "D", "DEU", "de", "De", "UK", "EU",
                                               "XK", "ZZ", "AA", "QQ", "D1", "D-"};

    for (size_t i = 0; i < sizeof(assigned) / sizeof(assigned[0]); i++)
        CHECK(region_is_country(assigned[i]));
    for (size_t i = 0; i < sizeof(not_assigned) / sizeof(not_assigned[0]); i++)
        CHECK(!region_is_country(not_assigned[i]));
    CHECK(!region_is_country(NULL));
}

TEST(region_subdivision_codes)
{
    char out[REGION_SUBDIVISION_SIZE];

    CHECK(region_is_subdivision("US-CA", NULL));
    CHECK(region_is_subdivision("US-CA", "US"));
    CHECK(region_is_subdivision("GB-ENG", "GB"));
    CHECK(region_is_subdivision("IS-1", "IS"));
    CHECK(region_is_subdivision("FR-75C", "FR"));
    CHECK(!region_is_subdivision("US-CA", "DE"));
    CHECK(!region_is_subdivision("US-", NULL));
    CHECK(!region_is_subdivision("US-CALI", NULL));
    CHECK(!region_is_subdivision("us-ca", NULL));
    CHECK(!region_is_subdivision("US-ca", NULL));
    CHECK(!region_is_subdivision("USCA", NULL));
    CHECK(!region_is_subdivision("US_CA", NULL));
    CHECK(!region_is_subdivision("UK-ENG", NULL)); /* UK is not an ISO 3166-1 code */
    CHECK(!region_is_subdivision("US-C A", NULL));
    CHECK(!region_is_subdivision(NULL, NULL));

    CHECK(region_subdivision_join("US", "CA", out));
    CHECK_STR(out, "US-CA");
    CHECK(region_subdivision_join("GB", "ENG", out));
    CHECK_STR(out, "GB-ENG");
    CHECK(!region_subdivision_join("US", "", out));
    CHECK_STR(out, "");
    CHECK(!region_subdivision_join("US", "CALI", out));
    CHECK(!region_subdivision_join("ZZ", "1", out));
    CHECK(!region_subdivision_join(NULL, "CA", out));
}

const struct unit_test region_tests[] = {
    {"region_gdpr_places", region_gdpr_places},
    {"region_united_states", region_united_states},
    {"region_baseline_elsewhere", region_baseline_elsewhere},
    {"region_unknown_is_strictest", region_unknown_is_strictest},
    {"region_answer_fields", region_answer_fields},
    {"region_rights_per_regime", region_rights_per_regime},
    {"region_country_codes", region_country_codes},
    {"region_subdivision_codes", region_subdivision_codes},
    {NULL, NULL},
};
