/* Unit tests: strict JSON bodies ($-prefixed and dotted keys, duplicates). */
#include "base/arena.h"
#include "base/jsonx.h"
#include "check.h"

static json_t *parse(struct arena *a, const char *s, enum jsonx_error *err, const char **where)
{
    return jsonx_parse_object(a, s, strlen(s), err, where);
}

TEST(jsonx_accepts_plain_objects)
{
    struct arena *a = arena_new(4096);
    enum jsonx_error err;
    const char *where;
    json_t *o = parse(a, "{\"email\":\"a@b.io\",\"n\":{\"x\":[1,{\"y\":2}]}}", &err, &where);

    CHECK(o != NULL);
    CHECK_INT(err, JSONX_OK);
    CHECK_STR(jsonx_string(o, "email"), "a@b.io");
    CHECK(jsonx_string(o, "n") == NULL);
    arena_free(a); /* releases o */
}

TEST(jsonx_rejects_operator_and_dotted_keys_with_path)
{
    struct arena *a = arena_new(4096);
    enum jsonx_error err;
    const char *where;

    CHECK(parse(a, "{\"$where\":\"1\"}", &err, &where) == NULL);
    CHECK_INT(err, JSONX_BAD_KEY);
    CHECK_STR(where, "$where");
    CHECK(parse(a, "{\"work\":[{},{},{\"a.b\":1}]}", &err, &where) == NULL);
    CHECK_INT(err, JSONX_BAD_KEY);
    CHECK_STR(where, "work[2].a.b");
    CHECK(parse(a, "{\"q\":{\"$gt\":\"\"}}", &err, &where) == NULL);
    CHECK_STR(where, "q.$gt");
    CHECK(parse(a, "{\"\":1}", &err, &where) == NULL);
    CHECK_INT(err, JSONX_BAD_KEY);
    arena_free(a);
}

TEST(jsonx_rejects_malformed_duplicates_nul_and_non_objects)
{
    struct arena *a = arena_new(4096);
    enum jsonx_error err;
    const char *where;

    CHECK(parse(a, "{\"a\":1,\"a\":2}", &err, &where) == NULL);
    CHECK_INT(err, JSONX_MALFORMED);
    CHECK(parse(a, "{\"a\":\"x\\u0000y\"}", &err, &where) == NULL);
    CHECK_INT(err, JSONX_MALFORMED);
    CHECK(parse(a, "{\"a\":\"\xff\"}", &err, &where) == NULL);
    CHECK_INT(err, JSONX_MALFORMED);
    CHECK(parse(a, "{\"a\":", &err, &where) == NULL);
    CHECK_INT(err, JSONX_MALFORMED);
    CHECK(parse(a, "[1,2]", &err, &where) == NULL);
    CHECK_INT(err, JSONX_NOT_OBJECT);
    arena_free(a);
}

const struct unit_test jsonx_tests[] = {
    {"jsonx_accepts_plain_objects", jsonx_accepts_plain_objects},
    {"jsonx_rejects_operator_and_dotted_keys_with_path", jsonx_rejects_operator_and_dotted_keys_with_path},
    {"jsonx_rejects_malformed_duplicates_nul_and_non_objects", jsonx_rejects_malformed_duplicates_nul_and_non_objects},
    {NULL, NULL},
};
