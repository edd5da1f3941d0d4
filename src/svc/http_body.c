/*
 * http_body.c - response bodies collected for libcurl (see http_body.h).
 *
 * The buffer grows by exactly what arrives (a private one, by doubling
 * copies that wipe the old block) and always ends in a NUL, so
 * callers may hand it to json_loadb() with len or treat it as a string.
 */
#include "svc/http_body.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

size_t http_body_collect(char *data, size_t size, size_t nmemb, void *userp)
{
    struct http_body *b = userp;
    size_t n = size * nmemb;

    if (n > b->max || b->len > b->max - n) {
        b->too_big = true;
        return 0; /* aborts the transfer */
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->len + n + 1;

        if (b->wipe) {
            char *q;

            cap = cap < b->cap * 2 ? b->cap * 2 : cap; /* amortised copies */
            q = mem_alloc(cap);
            if (b->p != NULL) {
                memcpy(q, b->p, b->len);
                explicit_bzero(b->p, b->cap);
                free(b->p);
            }
            b->p = q;
        } else {
            b->p = mem_realloc(b->p, cap);
        }
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return n;
}

void http_body_free(struct http_body *b)
{
    if (b->wipe && b->p != NULL)
        explicit_bzero(b->p, b->cap);
    free(b->p);
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->too_big = false;
}
