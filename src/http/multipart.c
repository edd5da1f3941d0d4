/*
 * multipart.c - finding one field of a multipart/form-data body.
 *
 * Strict where a sloppy reading could be fooled: the boundary comes from
 * the Content-Type parameter only (1 to 70 characters, RFC 2046), every
 * delimiter is CRLF "--" boundary, part headers end at the first empty
 * line, and a body without the closing delimiter is malformed.
 */
#include "http/multipart.h"

#include "http/media.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BOUNDARY_MAX 70

/* The boundary parameter of content_type into out (NUL-terminated). */
static bool boundary_of(const char *ct, char out[BOUNDARY_MAX + 1])
{
    const char *p;
    size_t n;

    if (media_param(ct, "boundary", &p, &n) != MEDIA_PARAM_FOUND || n == 0 || n > BOUNDARY_MAX)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

/* Does the header block [h, end) name the field (name="field")? */
static bool names_field(const char *h, const char *end, const char *field, const char **type,
                        size_t *type_len)
{
    bool found = false;
    size_t flen = strlen(field);

    *type = NULL;
    *type_len = 0;
    while (h < end) {
        const char *eol = memmem(h, (size_t)(end - h), "\r\n", 2);
        size_t n = eol ? (size_t)(eol - h) : (size_t)(end - h);

        if (n > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
            const char *p = h + 20, *stop = h + n;

            for (; p + 6 + flen < stop; p++) {
                if ((p[-1] == ' ' || p[-1] == ';') && strncmp(p, "name=\"", 6) == 0) {
                    found = strncmp(p + 6, field, flen) == 0 && p[6 + flen] == '"';
                    break;
                }
            }
        } else if (n > 13 && strncasecmp(h, "Content-Type:", 13) == 0) {
            const char *v = h + 13;

            while (v < h + n && (*v == ' ' || *v == '\t'))
                v++;
            *type = v;
            *type_len = (size_t)(h + n - v);
        }
        h += n + 2;
    }
    return found;
}

int multipart_find(const char *content_type, const char *body, size_t body_len,
                   const char *field, const char **data, size_t *len, const char **type,
                   size_t *type_len)
{
    char boundary[BOUNDARY_MAX + 1], delim[BOUNDARY_MAX + 5];
    const char *p, *end = body + body_len;
    size_t dlen;

    if (!boundary_of(content_type, boundary))
        return MULTIPART_BAD;
    /* the first delimiter may open the body without its CRLF */
    dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
    if (body_len < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0)
        return MULTIPART_BAD;
    p = body + dlen - 2;
    for (;;) {
        const char *headers, *hend, *next;

        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return MULTIPART_MISSING; /* the closing delimiter */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return MULTIPART_BAD;
        headers = p + 2;
        hend = memmem(headers, (size_t)(end - headers), "\r\n\r\n", 4);
        if (hend == NULL)
            return MULTIPART_BAD;
        next = memmem(hend + 4, (size_t)(end - hend - 4), delim, dlen);
        if (next == NULL)
            return MULTIPART_BAD;
        if (names_field(headers, hend + 2, field, type, type_len)) {
            *data = hend + 4;
            *len = (size_t)(next - (hend + 4));
            return MULTIPART_OK;
        }
        p = next + dlen;
    }
}
