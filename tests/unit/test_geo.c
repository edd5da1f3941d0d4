/* Unit tests: the GeoIP wrapper without a usable database (the lookups
 * themselves run against built databases in tests/integration). */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "svc/geo.h"

TEST(geo_no_database)
{
    char err[256] = "unchanged", country[3] = "XX", sub[4] = "YYY";

    CHECK(geo_open(NULL, err, sizeof(err)) == NULL);
    CHECK_STR(err, "");
    CHECK(geo_open("", err, sizeof(err)) == NULL);
    CHECK_STR(err, "");
    CHECK_INT(geo_lookup(NULL, "81.2.69.142", country, sub), GEO_NO_DB);
    CHECK_STR(country, "");
    CHECK_STR(sub, "");
    geo_close(NULL);
}

TEST(geo_unusable_database)
{
    char err[256], path[] = "/tmp/jobtune-geo-XXXXXX";
    int fd;

    CHECK(geo_open("/nonexistent/GeoLite2-City.mmdb", err, sizeof(err)) == NULL);
    CHECK(strstr(err, "/nonexistent/GeoLite2-City.mmdb") != NULL);
    CHECK(strstr(err, "No such file") != NULL);

    fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(write(fd, "not a MaxMind DB\n", 17) == 17);
    close(fd);
    CHECK(geo_open(path, err, sizeof(err)) == NULL);
    CHECK(strstr(err, path) != NULL);
    unlink(path);
}

const struct unit_test geo_tests[] = {
    {"geo_no_database", geo_no_database},
    {"geo_unusable_database", geo_unusable_database},
    {NULL, NULL},
};
