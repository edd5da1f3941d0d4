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
    const char *in = s;

    for (size_t i = 0; i < p->n; i++) {
        char *r = replace_all(a, s, p->value[i], p->with[i]);

        if (r != NULL) {
            /* a step between: still the text, with values yet to go */
            if (s != in)
                explicit_bzero((char *)s, strlen(s));
            s = r;
        }
    }
    return s;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The length of the email address or URL a whitespace-delimited token
 * at p is (its trailing punctuation aside), or 0. */
static size_t contact_token(const char *p)
{
    size_t n = 0, at = 0, dot_after_at = 0, slash = 0;
    bool url;

    while (p[n] != '\0' && !is_space(p[n])) {
        if (p[n] == '@' && at == 0 && n > 0)
            at = n;
        else if (p[n] == '.' && at > 0 && n > at + 1)
            dot_after_at = n;
        else if (p[n] == '/' && slash == 0)
            slash = n;
        n++;
    }
    while (n > 0 && strchr(".,;:)>]\"'", p[n - 1]) != NULL)
        n--;
    url = strncasecmp(p, "http://", 7) == 0 || strncasecmp(p, "https://", 8) == 0 ||
          strncasecmp(p, "www.", 4) == 0 ||
          (slash > 0 && memchr(p, '.', slash) != NULL && slash + 1 < n);
    /* five characters at least: a match never more than doubles (below) */
    if (n >= 5 && ((at > 0 && dot_after_at > at && dot_after_at + 1 < n) || url))
        return n;
    return 0;
}

/* The length of the phone number at p (p[0] is '+', '(' or a digit), or 0. */
static size_t phone_run(const char *p)
{
    size_t n = 0, digits = 0, last_digit = 0;

    while (p[n] != '\0' && (strchr("0123456789 .-()+", p[n]) != NULL) &&
           !(p[n] == '+' && n > 0) && !(p[n] == ' ' && p[n + 1] == ' ')) {
        if (p[n] >= '0' && p[n] <= '9') {
            digits++;
            last_digit = n + 1;
        }
        n++;
    }
    return digits >= 9 || (p[0] == '+' && digits >= 7) ? last_digit : 0;
}

const char *minimise_contacts(struct arena *a, const char *s)
{
    size_t len = strlen(s), wlen = strlen(MINIMISE_REDACTED), o = 0, n;
    /* each match, of 5 characters at least, becomes 10: at most twice s */
    char *out = arena_alloc(a, len * 2 + wlen + 1);
    bool changed = false;

    if (out == NULL)
        return s;
    for (const char *p = s; *p;) {
        bool token_start = p == s || is_space(p[-1]) || strchr("(<[", p[-1]) != NULL;
        bool digit_start = (p == s || !is_word_char((unsigned char)p[-1])) &&
                           (*p == '+' || *p == '(' || (*p >= '0' && *p <= '9'));

        n = token_start ? contact_token(p) : 0;
        if (n == 0 && digit_start)
            n = phone_run(p);
        if (n > 0) {
            memcpy(out + o, MINIMISE_REDACTED, wlen);
            o += wlen;
            p += n;
            changed = true;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return changed ? out : s;
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
