/*
 * form.c - strict form-urlencoded decoding.
 *
 * The body is split on '&', each pair on the first '='; '+' means a space
 * and must be turned into one before percent-decoding (an escaped "%2B"
 * stays a plus).  Escapes are checked here, because curl_easy_unescape(),
 * which does the decoding, passes malformed ones through unchanged.
 */
#include "http/form.h"

#include <curl/curl.h>
#include <string.h>

#include "base/arena.h"
#include "base/jsonx.h"
#include "base/text.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *form_decode_component(struct arena *a, const char *s, size_t n, enum form_error *err)
{
    char *tmp, *out;
    int outlen = 0;

    if (n > (size_t)0x7fffffff) {
        *err = FORM_NO_MEMORY;
        return NULL;
    }
    tmp = arena_strndup(a, s, n);
    if (tmp == NULL) {
        *err = FORM_NO_MEMORY;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (tmp[i] == '+') {
            tmp[i] = ' ';
        } else if (tmp[i] == '%') {
            if (i + 2 >= n) {
                *err = FORM_BAD_ESCAPE;
                return NULL;
            }
            if (hexval(tmp[i + 1]) < 0 || hexval(tmp[i + 2]) < 0) {
                *err = FORM_BAD_ESCAPE;
                return NULL;
            }
            i += 2;
        }
    }
    out = curl_easy_unescape(NULL, tmp, (int)n, &outlen);
    if (out == NULL) {
        *err = FORM_NO_MEMORY;
        return NULL;
    }
    if (!text_is_utf8(out, (size_t)outlen)) {
        curl_free(out);
        *err = FORM_BAD_UTF8;
        return NULL;
    }
    tmp = arena_strndup(a, out, (size_t)outlen);
    curl_free(out);
    if (tmp == NULL)
        *err = FORM_NO_MEMORY;
    return tmp;
}

json_t *form_decode(struct arena *a, const char *body, size_t n,
                    enum form_error *err, const char **bad_key)
{
    json_t *obj = jsonx_own(a, json_object());
    const char *p = body, *end = body + n;

    *err = FORM_OK;
    *bad_key = NULL;
    if (obj == NULL) {
        *err = FORM_NO_MEMORY;
        return NULL;
    }
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *pair_end = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(pair_end - p));
        const char *kend = eq ? eq : pair_end;
        char *key, *val;

        if (pair_end == p) { /* empty pair: "a=1&&b=2" */
            p = pair_end + 1;
            continue;
        }
        key = form_decode_component(a, p, (size_t)(kend - p), err);
        if (key == NULL)
            return NULL;
        val = eq ? form_decode_component(a, eq + 1, (size_t)(pair_end - eq - 1), err)
                 : arena_strdup(a, "");
        if (val == NULL) {
            if (*err == FORM_OK)
                *err = FORM_NO_MEMORY;
            *bad_key = key;
            return NULL;
        }
        if (!jsonx_key_ok(key)) {
            *err = FORM_BAD_KEY;
            *bad_key = key;
            return NULL;
        }
        if (json_object_get(obj, key) != NULL) {
            *err = FORM_DUPLICATE_KEY;
            *bad_key = key;
            return NULL;
        }
        if (json_object_set_new(obj, key, json_string(val)) != 0) {
            *err = FORM_NO_MEMORY;
            return NULL;
        }
        p = pair_end + 1;
    }
    return obj;
}

const char *form_strerror(enum form_error err)
{
    switch (err) {
    case FORM_OK:
        return "ok";
    case FORM_BAD_ESCAPE:
        return "The form body has a malformed percent-escape.";
    case FORM_BAD_UTF8:
        return "The form body is not valid UTF-8 or contains a NUL character.";
    case FORM_DUPLICATE_KEY:
        return "The form body repeats a field.";
    case FORM_BAD_KEY:
        return "The form body has a field name that starts with '$' or contains '.'.";
    case FORM_NO_MEMORY:
        return "The server ran out of memory.";
    }
    return "The form body is malformed.";
}
