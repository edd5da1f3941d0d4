/*
 * test_config.c - reading a Clerk publishable key (base/config.c): the
 * Frontend API host ClerkJS is loaded from, and every way a key can fail
 * to name one.
 */
#include <string.h>

#include "check.h"

#include "base/config.h"

TEST(config_publishable_key_names_its_host)
{
    char host[128];

    /* base64("clerk.jobtune.example$"), with and without its padding */
    CHECK(config_clerk_frontend_api("pk_live_Y2xlcmsuam9idHVuZS5leGFtcGxlJA", host, sizeof(host)));
    CHECK_STR(host, "clerk.jobtune.example");
    CHECK(config_clerk_frontend_api("pk_live_Y2xlcmsuam9idHVuZS5leGFtcGxlJA==", host, sizeof(host)));
    CHECK_STR(host, "clerk.jobtune.example");
    /* a development instance: base64("mint-cat-12.clerk.accounts.dev$") */
    CHECK(config_clerk_frontend_api("pk_test_bWludC1jYXQtMTIuY2xlcmsuYWNjb3VudHMuZGV2JA", host,
                                    sizeof(host)));
    CHECK_STR(host, "mint-cat-12.clerk.accounts.dev");
}

TEST(config_publishable_key_refusals)
{
    char host[128], small[8];

    CHECK(!config_clerk_frontend_api(NULL, host, sizeof(host)));
    CHECK(!config_clerk_frontend_api("", host, sizeof(host)));
    CHECK(!config_clerk_frontend_api("pk_live_", host, sizeof(host)));
    /* a secret key is not a publishable one */
    CHECK(!config_clerk_frontend_api("sk_live_Y2xlcmsuam9idHVuZS5leGFtcGxlJA", host, sizeof(host)));
    /* no '$' at the end: base64("clerk.jobtune.example") */
    CHECK(!config_clerk_frontend_api("pk_live_Y2xlcmsuam9idHVuZS5leGFtcGxl", host, sizeof(host)));
    /* not base64 */
    CHECK(!config_clerk_frontend_api("pk_live_!!!!", host, sizeof(host)));
    /* a host with a path or a scheme: base64("evil.example/x.js$"), ("https://a.b$") */
    CHECK(!config_clerk_frontend_api("pk_live_ZXZpbC5leGFtcGxlL3guanMk", host, sizeof(host)));
    CHECK(!config_clerk_frontend_api("pk_live_aHR0cHM6Ly9hLmIk", host, sizeof(host)));
    /* no dot: base64("localhost$") */
    CHECK(!config_clerk_frontend_api("pk_live_bG9jYWxob3N0JA", host, sizeof(host)));
    /* does not fit */
    CHECK(!config_clerk_frontend_api("pk_live_Y2xlcmsuam9idHVuZS5leGFtcGxlJA", small, sizeof(small)));
}

const struct unit_test config_tests[] = {
    {"config_publishable_key_names_its_host", config_publishable_key_names_its_host},
    {"config_publishable_key_refusals", config_publishable_key_refusals},
    {NULL, NULL},
};
