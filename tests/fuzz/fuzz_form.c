/*
 * fuzz_form.c - form-urlencoded bodies and query strings.
 *
 * The input is decoded twice, as the two kinds of request input that go
 * through the server's one percent-decoder: as a form body by
 * form_decode() (request_read_body() for BODY_FORM_OR_JSON routes) and as
 * a query string by request_query() (the names the list routes and the
 * support form ask for).  What comes out must be keys the database may
 * hold and UTF-8 values without a NUL.
 */
#include "fuzz.h"

#include <jansson.h>

#include "base/jsonx.h"
#include "base/text.h"
#include "http/form.h"
#include "http/request.h"

static void check_value(const char *v)
{
    FUZZ_CHECK(v != NULL);
    FUZZ_CHECK(text_is_utf8(v, strlen(v)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"limit", "cursor", "email", "q", "a", ""};
    struct arena *a = fuzz_arena();
    enum form_error err = FORM_OK;
    const char *bad_key = NULL, *key;
    json_t *obj, *v;
    struct request req;

    obj = form_decode(a, (const char *)data, size, &err, &bad_key);
    if (obj != NULL) {
        FUZZ_CHECK(err == FORM_OK && json_is_object(obj));
        json_object_foreach(obj, key, v) {
            FUZZ_CHECK(jsonx_key_ok(key));
            FUZZ_CHECK(json_is_string(v));
            FUZZ_CHECK(strlen(json_string_value(v)) == json_string_length(v));
            check_value(json_string_value(v));
        }
    } else {
        FUZZ_CHECK(err != FORM_OK);
        FUZZ_CHECK(form_strerror(err) != NULL);
    }

    memset(&req, 0, sizeof(req));
    req.arena = a;
    req.query = fuzz_cstr(data, size);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *q = request_query(&req, names[i]);

        if (q != NULL && q != REQUEST_QUERY_INVALID)
            check_value(q);
    }
    free((char *)req.query);
    arena_reset(a);
    return 0;
}
