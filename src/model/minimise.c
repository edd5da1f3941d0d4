/*
 * minimise.c - the resume copy an AI service may see (see minimise.h).
 *
 * Values are searched for only when at least three characters long:
 * shorter ones would match ordinary words.  They are removed from where
 * they belong either way.
 */
#include "model/minimise.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/jsonx.h"

static void pii_add(struct minimise_pii *p, json_t *v, const char *with)
{
    /* shorter values would match ordinary words: they are removed from
     * where they belong, but not searched for elsewhere */
    if (json_is_string(v) && json_string_length(v) >= 3 && p->n < MINIMISE_MAX) {
        p->value[p->n] = json_string_value(v);
        p->with[p->n] = with;
        p->n++;
    }
}

static bool is_word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c >= 0x80;
}

/* s with every whole-word, ASCII-case-insensitive occurrence of needle
 * replaced: a new arena string, or NULL when there is none. */
static char *replace_all(struct arena *a, const char *s, const char *needle, const char *with)
{
    size_t nlen = strlen(needle), wlen = strlen(with), count = 0, len = strlen(s);
    char *out, *o;

    for (int pass = 0; pass < 2; pass++) {
        o = out = pass ? arena_alloc(a, len + count * wlen + 1) : NULL;
        if (pass && out == NULL)
            return NULL;
        for (const char *p = s; *p;) {
            bool hit = strncasecmp(p, needle, nlen) == 0 &&
                       (p == s || !is_word_char((unsigned char)p[-1]) ||
                        !is_word_char((unsigned char)needle[0])) &&
                       (!is_word_char((unsigned char)p[nlen]) ||
                        !is_word_char((unsigned char)needle[nlen - 1]));

            if (hit) {
                if (pass) {
                    memcpy(o, with, wlen);
                    o += wlen;
                } else {
                    count++;
                }
                p += nlen;
            } else {
                if (pass)
                    *o++ = *p;
                p++;
            }
        }
        if (count == 0)
            return NULL;
    }
    *o = '\0';
    return out;
}

const char *minimise_text(struct arena *a, const struct minimise_pii *p, const char *s)
{
    for (size_t i = 0; i < p->n; i++) {
        char *r = replace_all(a, s, p->value[i], p->with[i]);

        if (r != NULL)
            s = r;
    }
    return s;
}

void minimise_json(struct arena *a, const struct minimise_pii *p, json_t *v)
{
    const char *key;
    json_t *child;
    size_t i;

    if (json_is_string(v)) {
        const char *s = minimise_text(a, p, json_string_value(v));

        if (s != json_string_value(v))
            json_string_set(v, s);
    } else if (json_is_object(v)) {
        json_object_foreach(v, key, child)
            minimise_json(a, p, child);
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, child)
            minimise_json(a, p, child);
    }
}

json_t *minimise_resume(struct arena *a, json_t *resume, struct minimise_pii *pii)
{
    json_t *copy = jsonx_own(a, json_deep_copy(resume));
    json_t *basics = json_object_get(resume, "basics");
    json_t *cb = json_object_get(copy, "basics");
    json_t *loc = json_object_get(basics, "location"), *prof;
    size_t i;

    if (copy == NULL)
        return NULL;
    pii_add(pii, json_object_get(basics, "name"), MINIMISE_NAME);
    pii_add(pii, json_object_get(basics, "email"), MINIMISE_REDACTED);
    pii_add(pii, json_object_get(basics, "phone"), MINIMISE_REDACTED);
    pii_add(pii, json_object_get(basics, "url"), MINIMISE_REDACTED);
    pii_add(pii, json_object_get(loc, "address"), MINIMISE_REDACTED);
    pii_add(pii, json_object_get(loc, "postalCode"), MINIMISE_REDACTED);
    json_array_foreach(json_object_get(basics, "profiles"), i, prof) {
        pii_add(pii, json_object_get(prof, "url"), MINIMISE_REDACTED);
        pii_add(pii, json_object_get(prof, "username"), MINIMISE_REDACTED);
    }
    if (json_is_object(cb)) {
        if (json_object_get(cb, "name") != NULL)
            json_object_set_new(cb, "name", json_string(MINIMISE_NAME));
        json_object_del(cb, "email");
        json_object_del(cb, "phone");
        json_object_del(cb, "url");
        json_object_del(cb, "image");
        json_object_del(cb, "profiles");
        json_object_del(json_object_get(cb, "location"), "address");
        json_object_del(json_object_get(cb, "location"), "postalCode");
    }
    json_object_del(copy, "references"); /* other people's names and words */
    minimise_json(a, pii, copy);
    return copy;
}


void minimise_restore_name(struct arena *a, json_t *v, json_t *resume)
{
    const char *name = jsonx_string(json_object_get(resume, "basics"), "name");
    struct minimise_pii back = {.n = 0};

    if (name == NULL || *name == '\0')
        return;
    back.value[0] = MINIMISE_NAME;
    back.with[0] = name;
    back.n = 1;
    minimise_json(a, &back, v);
}
