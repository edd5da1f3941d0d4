/*
 * fuzz_geo.c - the client address looked up for GET /api/privacy/region.
 *
 * The input is REMOTE_ADDR.  geo_lookup() parses it (numeric IPv4 or
 * IPv6 only, never a DNS query) and reads the MaxMind DB that
 * JT_FUZZ_GEOIP_DB names (scripts/fuzz builds it from tests/geoip/city.json,
 * as the region tests do); the answer is then described as
 * privacy_region_for() describes it.  A found country is two upper-case
 * letters and is a region the model knows how to describe.
 */
#include "fuzz.h"

#include <jansson.h>

#include "model/region.h"
#include "svc/geo.h"

static struct geo *geo;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *path = getenv("JT_FUZZ_GEOIP_DB");
    char err[512];

    geo = geo_open(path, err, sizeof(err));
    if (geo == NULL) {
        fprintf(stderr, "fuzz_geo: set JT_FUZZ_GEOIP_DB to a MaxMind DB (%s)\n", err);
        exit(2);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char country[3], part[4], subdivision[REGION_SUBDIVISION_SIZE];
    char *ip = fuzz_cstr(data, size);
    json_t *answer;
    int rc = geo_lookup(geo, ip, country, part);

    if (rc == GEO_OK) {
        FUZZ_CHECK(strlen(country) == 2 && country[0] >= 'A' && country[0] <= 'Z');
        FUZZ_CHECK(strlen(part) < sizeof(part));
        region_subdivision_join(country, part, subdivision);
        answer = region_describe(country, subdivision[0] ? subdivision : NULL, "ip");
    } else {
        FUZZ_CHECK(rc == GEO_NOT_FOUND || rc == GEO_BAD_ADDRESS);
        FUZZ_CHECK(country[0] == '\0' && part[0] == '\0');
        answer = region_describe(NULL, NULL, "default");
    }
    FUZZ_CHECK(json_is_object(answer));
    json_decref(answer);
    free(ip);
    return 0;
}
