/*
 * fuzz_body.c - a request body as the worker reads it: request_read_body()
 * after routes_match(), with its Content-Type, charset and Content-Length
 * checks, the form or JSON decoding the route asks for, and the error
 * answers (JSON, or the HTML page a form client gets).
 *
 * Input, one per line: method and path, CONTENT_TYPE, CONTENT_LENGTH
 * ("" for the body's own length, as nginx sends it), HTTP_ACCEPT; then the
 * body, served through an FCGX_Stream over memory that ends where the
 * input does.  Invariants: a body that is read is the whole body, NUL
 * terminated; a parsed body is an object; a refusal is an error status
 * with a response body.
 */
#include "fuzz.h"

#include <fcgiapp.h>
#include <jansson.h>
#include <stdbool.h>

#include "http/request.h"
#include "http/router.h"
#include "routes/routes.h"

/* The input stream has no more than its one buffer. */
static void fill_none(FCGX_Stream *s)
{
    s->isClosed = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    struct request *req = arena_calloc(a, 1, sizeof(*req));
    char *f[5], *env[4], *sp;
    size_t body_len = fuzz_fields(data, size, '\n', f, 5), nenv = 0;
    FCGX_Stream in;
    char *body;
    int rc;

    FUZZ_CHECK(req != NULL);
    sp = strchr(f[0], ' ');
    req->arena = a;
    req->method = sp ? arena_strndup(a, f[0], (size_t)(sp - f[0])) : "POST";
    req->path = sp ? sp + 1 : f[0];
    req->query = "";
    if (*f[1] != '\0')
        env[nenv++] = arena_printf(a, "CONTENT_TYPE=%s", f[1]);
    env[nenv++] = *f[2] != '\0' ? arena_printf(a, "CONTENT_LENGTH=%s", f[2])
                                : arena_printf(a, "CONTENT_LENGTH=%zu", body_len);
    if (*f[3] != '\0')
        env[nenv++] = arena_printf(a, "HTTP_ACCEPT=%s", f[3]);
    env[nenv] = NULL;
    req->envp = env;

    /* the body in a block of its own, so a read past it is caught */
    body = malloc(body_len ? body_len : 1);
    FUZZ_CHECK(body != NULL);
    memcpy(body, f[4], body_len);
    memset(&in, 0, sizeof(in));
    in.rdNext = in.stopUnget = (unsigned char *)body;
    in.stop = in.wrNext = (unsigned char *)body + body_len;
    in.isReader = 1;
    in.fillBuffProc = fill_none;
    req->in = &in;

    request_parse_content_type(req);
    if (routes_match(req) == 0) {
        const struct route *r = req->match.route;

        rc = request_read_body(req);
        if (rc == 0 && r->body != BODY_NONE) {
            FUZZ_CHECK(req->body != NULL && req->body[req->body_len] == '\0');
            FUZZ_CHECK(req->body_len <= body_len &&
                       memcmp(req->body, body, req->body_len) == 0);
            if (r->body != BODY_RAW)
                FUZZ_CHECK(json_is_object(req->input));
        } else if (rc != 0) {
            FUZZ_CHECK(rc >= 400 && rc < 600 && req->status == rc && req->resp_body != NULL);
        }
    }
    free(body);
    free(f[0]);
    arena_reset(a);
    return 0;
}
