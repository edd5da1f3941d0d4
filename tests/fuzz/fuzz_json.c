/*
 * fuzz_json.c - the rules every JSON request body passes: an object,
 * Jansson's strict parse (valid UTF-8, no "\u0000", no duplicate keys,
 * its depth limit), and no key that starts with '$' or holds a '.'.
 *
 * jsonx_parse_object() is what request_read_body() calls for BODY_JSON
 * and BODY_FORM_OR_JSON routes; the accepted object must then have no bad
 * key anywhere, and an object refused for a key must have named it.
 */
#include "fuzz.h"

#include <jansson.h>

#include "base/jsonx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    enum jsonx_error err = JSONX_OK;
    const char *where = NULL;
    json_t *root, *any;

    root = jsonx_parse_object(a, (const char *)data, size, &err, &where);
    if (root != NULL) {
        FUZZ_CHECK(err == JSONX_OK && json_is_object(root));
        FUZZ_CHECK(jsonx_find_bad_key(a, root, "") == NULL);
    } else {
        FUZZ_CHECK(err != JSONX_OK && where != NULL);
    }
    any = jsonx_parse_object_any_keys(a, (const char *)data, size, &err, &where);
    FUZZ_CHECK((any != NULL) == (root != NULL || err == JSONX_OK));
    if (root == NULL && any != NULL)
        FUZZ_CHECK(jsonx_find_bad_key(a, any, "") != NULL);
    arena_reset(a);
    return 0;
}
