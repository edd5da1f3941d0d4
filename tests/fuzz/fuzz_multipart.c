/*
 * fuzz_multipart.c - multipart/form-data bodies (the interview answer
 * upload).
 *
 * Input: the Content-Type header value, a newline, then the body.  The
 * field looked up is "audio", as POST /api/interviews/{id}/answers does.
 * On success the field's bytes and its Content-Type must lie inside the
 * body (multipart_find() copies nothing).
 */
#include "fuzz.h"

#include "http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *f[2];
    size_t body_len = fuzz_fields(data, size, '\n', f, 2);
    const char *body, *field = NULL, *type = NULL;
    size_t len = 0, type_len = 0;
    char *copy;
    int rc;

    /* the body in a block of its own length, so a read past it is caught */
    copy = malloc(body_len ? body_len : 1);
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, f[1], body_len);
    body = copy;
    rc = multipart_find(f[0], body, body_len, "audio", &field, &len, &type, &type_len);
    FUZZ_CHECK(rc == MULTIPART_OK || rc == MULTIPART_BAD || rc == MULTIPART_MISSING);
    if (rc == MULTIPART_OK) {
        FUZZ_CHECK(field >= body && len <= body_len && (size_t)(field - body) <= body_len - len);
        if (type != NULL)
            FUZZ_CHECK(type >= body && (size_t)(type - body) + type_len <= body_len);
    }
    free(copy);
    free(f[0]);
    return 0;
}
