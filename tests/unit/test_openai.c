/* Unit tests: the OpenAI client's pure parts -- the retry wait (headers,
 * limits, backoff with jitter) and the strict-schema check of answers. */
#include <jansson.h>

#include "check.h"
#include "svc/openai.h"

TEST(openai_retry_after_headers)
{
    /* retry-after-ms wins over retry-after */
    CHECK_INT(openai_retry_delay_ms("200", "5", 0, 1, 0.0), 200);
    CHECK_INT(openai_retry_delay_ms("644.5", NULL, 0, 1, 0.0), 645);
    CHECK_INT(openai_retry_delay_ms(NULL, "2", 0, 1, 0.0), 2000);
    CHECK_INT(openai_retry_delay_ms(NULL, "0.5", 0, 2, 0.0), 500);
    /* an HTTP date, 3 s after "now" */
    CHECK_INT(openai_retry_delay_ms(NULL, "Thu, 01 Jan 1970 00:00:13 GMT", 10, 1, 0.0), 3000);
    /* up to 20 s is honoured; longer means: do not retry */
    CHECK_INT(openai_retry_delay_ms("20000", NULL, 0, 1, 0.0), 20000);
    CHECK_INT(openai_retry_delay_ms("20001", NULL, 0, 1, 0.0), -1);
    CHECK_INT(openai_retry_delay_ms(NULL, "60", 0, 1, 0.0), -1);
    /* unreadable or zero: the backoff */
    CHECK_INT(openai_retry_delay_ms("soon", "later", 0, 1, 0.0), 500);
    CHECK_INT(openai_retry_delay_ms("0", NULL, 0, 1, 0.0), 500);
    CHECK_INT(openai_retry_delay_ms("-5", NULL, 0, 1, 0.0), 500);
}

TEST(openai_backoff_doubles_with_jitter)
{
    CHECK_INT(openai_retry_delay_ms(NULL, NULL, 0, 1, 0.0), 500);
    CHECK_INT(openai_retry_delay_ms(NULL, NULL, 0, 2, 0.0), 1000);
    CHECK_INT(openai_retry_delay_ms(NULL, NULL, 0, 1, 1.0), 625);   /* +25 % */
    CHECK_INT(openai_retry_delay_ms(NULL, NULL, 0, 2, -1.0), 750);  /* -25 % */
    CHECK_INT(openai_retry_delay_ms(NULL, NULL, 0, 10, 0.0), 8000); /* capped */
}

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
    {"openai_retry_after_headers", openai_retry_after_headers},
    {"openai_backoff_doubles_with_jitter", openai_backoff_doubles_with_jitter},
    {"openai_schema_check", openai_schema_check},
    {NULL, NULL},
};
