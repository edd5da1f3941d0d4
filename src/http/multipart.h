/*
 * multipart.h - one field of a multipart/form-data body (RFC 7578).
 *
 * Enough for an upload form: find the part whose Content-Disposition names
 * the field, and point into the body at its bytes (nothing is copied, so
 * nothing more holds an upload than the body itself).
 */
#ifndef JT_MULTIPART_H
#define JT_MULTIPART_H

#include <stddef.h>

enum multipart_status {
    MULTIPART_OK = 0,
    MULTIPART_BAD = -1,     /* no boundary, or a body that does not follow it */
    MULTIPART_MISSING = -2, /* well-formed, without the field */
};

/*
 * content_type: the whole Content-Type header (with its boundary
 * parameter).  On MULTIPART_OK, *data and *len point into body at the field's
 * bytes, and *type (arena-free: into body too, not NUL-terminated, length
 * *type_len; NULL when the part has none) at its Content-Type.
 */
int multipart_find(const char *content_type, const char *body, size_t body_len,
                   const char *field, const char **data, size_t *len, const char **type,
                   size_t *type_len);

#endif
