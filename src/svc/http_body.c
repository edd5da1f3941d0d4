/*
 * http_body.c - response bodies collected for libcurl (see http_body.h).
 *
 * The buffer grows by exactly what arrives and always ends in a NUL, so
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
    b->p = mem_realloc(b->p, b->len + n + 1);
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return n;
}

void http_body_free(struct http_body *b)
{
    free(b->p);
    b->p = NULL;
    b->len = 0;
    b->too_big = false;
}
