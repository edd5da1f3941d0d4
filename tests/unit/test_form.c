/* Unit tests: strict application/x-www-form-urlencoded decoding. */
#include "base/arena.h"
#include "base/jsonx.h"
#include "check.h"
#include "http/form.h"
#include "http/media.h"
#include "http/request.h"

static json_t *decode(struct arena *a, const char *body, enum form_error *err,
                      const char **bad)
{
    return form_decode(a, body, strlen(body), err, bad);
}

TEST(form_decodes_plus_and_escapes)
{
    struct arena *a = arena_new(4096);
    enum form_error err;
    const char *bad;
    json_t *o = decode(a, "email=a%40b.io&subject=Hello+world&msg=1%2B1%3D2&name=", &err, &bad);

    CHECK(o != NULL);
    CHECK_INT(err, FORM_OK);
    CHECK_STR(jsonx_string(o, "email"), "a@b.io");
    CHECK_STR(jsonx_string(o, "subject"), "Hello world");
    CHECK_STR(jsonx_string(o, "msg"), "1+1=2");
    CHECK_STR(jsonx_string(o, "name"), "");
    o = decode(a, "flag&x=%C3%A9%E0%A4%A8", &err, &bad);
    CHECK(o != NULL);
    CHECK_STR(jsonx_string(o, "flag"), "");
    CHECK_STR(jsonx_string(o, "x"), "é\xe0\xa4\xa8");
    o = decode(a, "a=1&&b=2&", &err, &bad);
    CHECK(o != NULL && json_object_size(o) == 2);
    o = decode(a, "", &err, &bad);
    CHECK(o != NULL && json_object_size(o) == 0);
    arena_free(a);
}

TEST(form_rejects_bad_escapes)
{
    struct arena *a = arena_new(4096);
    enum form_error err;
    const char *bad;

    CHECK(decode(a, "a=%zz", &err, &bad) == NULL);
    CHECK_INT(err, FORM_BAD_ESCAPE);
    CHECK(decode(a, "a=%4", &err, &bad) == NULL);
    CHECK_INT(err, FORM_BAD_ESCAPE);
    CHECK(decode(a, "a=abc%", &err, &bad) == NULL);
    CHECK_INT(err, FORM_BAD_ESCAPE);
    CHECK(decode(a, "%g1=x", &err, &bad) == NULL);
    CHECK_INT(err, FORM_BAD_ESCAPE);
    arena_free(a);
}

TEST(form_rejects_invalid_utf8_and_nul)
{
    struct arena *a = arena_new(4096);
    enum form_error err;
    const char *bad;

    CHECK(decode(a, "a=%FF", &err, &bad) == NULL);
    CHECK_INT(err, FORM_BAD_UTF8);
    CHECK(decode(a, "a=%C0%AF", &err, &bad) == NULL); /* overlong '/' */
    CHECK_INT(err, FORM_BAD_UTF8);
    CHECK(decode(a, "a=%ED%A0%80", &err, &bad) == NULL); /* surrogate */
    CHECK_INT(err, FORM_BAD_UTF8);
    CHECK(decode(a, "a=x%00y", &err, &bad) == NULL);
    CHECK_INT(err, FORM_BAD_UTF8);
    arena_free(a);
}

TEST(form_rejects_duplicates_and_operator_keys)
{
    struct arena *a = arena_new(4096);
    enum form_error err;
    const char *bad;

    CHECK(decode(a, "email=a&email=b", &err, &bad) == NULL);
    CHECK_INT(err, FORM_DUPLICATE_KEY);
    CHECK_STR(bad, "email");
    CHECK(decode(a, "%24where=1", &err, &bad) == NULL);
    CHECK_INT(err, FORM_BAD_KEY);
    CHECK_STR(bad, "$where");
    CHECK(decode(a, "a.b=1", &err, &bad) == NULL);
    CHECK_INT(err, FORM_BAD_KEY);
    arena_free(a);
}

TEST(form_query_is_as_strict_as_a_body)
{
    struct arena *a = arena_new(4096);
    struct request req = {.arena = a,
                          .query = "limit=5&cursor=a%2Bb+c&bad=%00x&utf=%FF&esc=%4&empty="};

    CHECK_STR(request_query(&req, "limit"), "5");
    CHECK_STR(request_query(&req, "cursor"), "a+b c");
    CHECK(request_query(&req, "bad") == REQUEST_QUERY_INVALID);
    CHECK(request_query(&req, "utf") == REQUEST_QUERY_INVALID);
    CHECK(request_query(&req, "esc") == REQUEST_QUERY_INVALID);
    CHECK(request_query(&req, "empty") != REQUEST_QUERY_INVALID);
    CHECK_STR(request_query(&req, "empty"), "");
    CHECK(request_query(&req, "missing") == NULL);
    CHECK(request_query(&req, "lim") == NULL);
    arena_free(a);
}

static int param(const char *ct, const char *name, char *out, size_t outlen)
{
    const char *v;
    size_t n;
    enum media_param r = media_param(ct, name, &v, &n);

    if (r == MEDIA_PARAM_FOUND)
        snprintf(out, outlen, "%.*s", (int)n, v);
    return (int)r;
}

TEST(media_params_are_matched_whole)
{
    char v[64];

    CHECK_INT(param("application/json; charset=utf-8", "charset", v, sizeof(v)), MEDIA_PARAM_FOUND);
    CHECK_STR(v, "utf-8");
    CHECK_INT(param("multipart/form-data;boundary=\"a b;c\" ; x=1", "boundary", v, sizeof(v)),
              MEDIA_PARAM_FOUND);
    CHECK_STR(v, "a b;c");
    CHECK_INT(param("text/plain; Charset=UTF-8;", "charset", v, sizeof(v)), MEDIA_PARAM_FOUND);
    CHECK_STR(v, "UTF-8");
    CHECK_INT(param("application/json", "charset", v, sizeof(v)), MEDIA_PARAM_ABSENT);
    CHECK_INT(param(NULL, "charset", v, sizeof(v)), MEDIA_PARAM_ABSENT);
    /* a name inside another name is not the parameter */
    CHECK_INT(param("application/json; xcharset=latin1", "charset", v, sizeof(v)), MEDIA_PARAM_ABSENT);
    CHECK_INT(param("multipart/form-data; xboundary=zz; boundary=b1", "boundary", v, sizeof(v)),
              MEDIA_PARAM_FOUND);
    CHECK_STR(v, "b1");
    /* a value inside a quoted value is not a parameter */
    CHECK_INT(param("multipart/form-data; a=\"boundary=evil\"", "boundary", v, sizeof(v)),
              MEDIA_PARAM_ABSENT);
    /* lists that do not parse */
    CHECK_INT(param("application/json; charset=utf-8x y", "charset", v, sizeof(v)), MEDIA_PARAM_MALFORMED);
    CHECK_INT(param("application/json; charset=", "charset", v, sizeof(v)), MEDIA_PARAM_MALFORMED);
    CHECK_INT(param("application/json; charset=\"utf-8", "charset", v, sizeof(v)), MEDIA_PARAM_MALFORMED);
    CHECK_INT(param("application/json; =utf-8", "charset", v, sizeof(v)), MEDIA_PARAM_MALFORMED);
    CHECK_INT(param("application/json; charset=\"a\\\"b\"", "charset", v, sizeof(v)), MEDIA_PARAM_MALFORMED);
}

const struct unit_test form_tests[] = {
    {"media_params_are_matched_whole", media_params_are_matched_whole},
    {"form_query_is_as_strict_as_a_body", form_query_is_as_strict_as_a_body},
    {"form_decodes_plus_and_escapes", form_decodes_plus_and_escapes},
    {"form_rejects_bad_escapes", form_rejects_bad_escapes},
    {"form_rejects_invalid_utf8_and_nul", form_rejects_invalid_utf8_and_nul},
    {"form_rejects_duplicates_and_operator_keys", form_rejects_duplicates_and_operator_keys},
    {NULL, NULL},
};
