/*
 * jsonx.h - Jansson helpers: arena ownership, strict parsing of user JSON.
 *
 * User-supplied JSON is parsed with duplicate keys rejected (Jansson also
 * rejects invalid UTF-8 and, without JSON_ALLOW_NUL, "\u0000"), then walked
 * so that no key starting with '$' or containing '.' can reach the database
 * as an operator or a dotted path.
 */
#ifndef JT_JSONX_H
#define JT_JSONX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct arena;

/* Hand a new reference to the arena (json_decref at reset); returns j.
 * NULL in, NULL out. */
json_t *jsonx_own(struct arena *a, json_t *j);

/* A key user JSON may carry. */
bool jsonx_key_ok(const char *key);

enum jsonx_error {
    JSONX_OK = 0,
    JSONX_MALFORMED = -1, /* 400 */
    JSONX_BAD_KEY = -2,   /* 422, *where names the key's path */
    JSONX_NOT_OBJECT = -3 /* 400 */
};

/*
 * Parse a request body that must be a JSON object.  Returns a borrowed
 * object owned by the arena, or NULL with *err set and *where pointing at a
 * description (parser message or key path, arena memory).
 */
json_t *jsonx_parse_object(struct arena *a, const char *body, size_t n,
                           enum jsonx_error *err, const char **where);

/* The same without the key rules: for a caller that judges every key
 * itself (BODY_JSON_RESUME). */
json_t *jsonx_parse_object_any_keys(struct arena *a, const char *body, size_t n,
                                    enum jsonx_error *err, const char **where);

/* First offending key path ("work[2].$where") in v, or NULL. */
const char *jsonx_find_bad_key(struct arena *a, json_t *v, const char *path);

/* Borrowed string member, or NULL when absent or not a string. */
const char *jsonx_string(json_t *obj, const char *key);

#endif
