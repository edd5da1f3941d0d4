/*
 * form.h - application/x-www-form-urlencoded bodies (WHATWG URL standard,
 * "application/x-www-form-urlencoded parsing"), strictly: a malformed
 * percent-escape, invalid UTF-8, a NUL or a repeated key is an error rather
 * than something silently repaired.
 */
#ifndef JT_FORM_H
#define JT_FORM_H

#include <jansson.h>
#include <stddef.h>

struct arena;

enum form_error {
    FORM_OK = 0,
    FORM_BAD_ESCAPE = -1,
    FORM_BAD_UTF8 = -2,
    FORM_DUPLICATE_KEY = -3,
    FORM_BAD_KEY = -4,
    FORM_NO_MEMORY = -5,
};

/*
 * Decode body[0..n) into a new JSON object of string values (new reference,
 * registered for release on the arena).  On error returns NULL, sets *err and
 * points *bad_key at the offending key when one is known (arena memory).
 */
json_t *form_decode(struct arena *a, const char *body, size_t n,
                    enum form_error *err, const char **bad_key);

/*
 * Decode one component s[0..n) of a form body or a query string: '+' is a
 * space, escapes must be well formed, the result must be UTF-8 without a
 * NUL.  The one percent-decoder of the server (form_decode() and
 * request_query() both use it).  Arena memory, or NULL with *err set.
 */
char *form_decode_component(struct arena *a, const char *s, size_t n, enum form_error *err);

const char *form_strerror(enum form_error err);

#endif
