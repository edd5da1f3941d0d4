/*
 * jsonx.c - see jsonx.h.
 */
#include "base/jsonx.h"

#include <string.h>

#include "base/arena.h"

static void decref_cleanup(void *data)
{
    json_decref(data);
}

json_t *jsonx_own(struct arena *a, json_t *j)
{
    if (j == NULL)
        return NULL;
    if (arena_add_cleanup(a, decref_cleanup, j) != 0)
        return NULL; /* already released by the arena */
    return j;
}

bool jsonx_key_ok(const char *key)
{
    return key[0] != '$' && strchr(key, '.') == NULL && key[0] != '\0';
}

const char *jsonx_find_bad_key(struct arena *a, json_t *v, const char *path)
{
    const char *key, *bad;
    json_t *child;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach(v, key, child) {
            const char *sub = *path ? arena_printf(a, "%s.%s", path, key)
                                    : arena_strdup(a, key);

            if (sub == NULL)
                return "?";
            if (!jsonx_key_ok(key))
                return sub;
            if ((bad = jsonx_find_bad_key(a, child, sub)) != NULL)
                return bad;
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, child) {
            const char *sub = arena_printf(a, "%s[%zu]", path, i);

            if (sub == NULL)
                return "?";
            if ((bad = jsonx_find_bad_key(a, child, sub)) != NULL)
                return bad;
        }
    }
    return NULL;
}

json_t *jsonx_parse_object(struct arena *a, const char *body, size_t n,
                           enum jsonx_error *err, const char **where)
{
    json_t *root = jsonx_parse_object_any_keys(a, body, n, err, where);

    if (root != NULL && (*where = jsonx_find_bad_key(a, root, "")) != NULL) {
        *err = JSONX_BAD_KEY;
        return NULL;
    }
    return root;
}

json_t *jsonx_parse_object_any_keys(struct arena *a, const char *body, size_t n,
                                    enum jsonx_error *err, const char **where)
{
    json_error_t jerr;
    json_t *root;

    *where = NULL;
    root = jsonx_own(a, json_loadb(body, n, JSON_REJECT_DUPLICATES, &jerr));
    if (root == NULL) {
        *err = JSONX_MALFORMED;
        *where = arena_printf(a, "line %d, column %d: %s", jerr.line,
                              jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        *err = JSONX_NOT_OBJECT;
        *where = "the body must be a JSON object";
        return NULL;
    }
    *err = JSONX_OK;
    return root;
}

const char *jsonx_string(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}
