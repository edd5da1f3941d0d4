/* Unit tests: the OpenAI client's pure parts -- the strict-schema check of
 * answers.  (Its retry waits are svc/retry.c's: test_retry.c.) */
#include <jansson.h>

#include "check.h"
#include "svc/openai.h"

TEST(openai_schema_check)
{
    json_t *schema = json_loads(
        "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"a\",\"b\"],"
        "\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"array\","
        "\"items\":{\"type\":[\"string\",\"null\"]}}}}", 0, NULL);
    const char *good[] = {"{\"a\":1,\"b\":[]}", "{\"a\":-3,\"b\":[\"x\",null]}"};
    const char *bad[] = {"{\"a\":1}", "{\"a\":1.5,\"b\":[]}", "{\"a\":1,\"b\":[2]}",
                         "{\"a\":1,\"b\":[],\"c\":0}", "[1]", "\"text\""};

    CHECK(schema != NULL);
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        json_t *v = json_loads(good[i], JSON_DECODE_ANY, NULL);

        CHECK(openai_schema_matches(schema, v));
        json_decref(v);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *v = json_loads(bad[i], JSON_DECODE_ANY, NULL);

        CHECK(!openai_schema_matches(schema, v));
        json_decref(v);
    }
    json_decref(schema);
}

const struct unit_test openai_tests[] = {
    {"openai_schema_check", openai_schema_check},
    {NULL, NULL},
};
