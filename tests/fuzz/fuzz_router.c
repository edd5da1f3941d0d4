/*
 * fuzz_router.c - route matching and the request path.
 *
 * Input: the method, a space, then the request URI.  The path is taken
 * from the URI as the worker does without nginx's DOCUMENT_URI (up to the
 * first '?') and matched against the real route table by routes_match(),
 * which writes the 404/405 answers.  A match must name a route of the
 * table with the request's method (GET for HEAD), captures must be
 * non-empty and slash-free, and a 405 must list what the path allows.
 */
#include "fuzz.h"

#include <jansson.h>

#include "http/request.h"
#include "http/router.h"
#include "routes/routes.h"
#include "store/listed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    struct request *req = arena_calloc(a, 1, sizeof(*req));
    char *f[2];
    size_t n;
    const struct route *table = routes_table(&n);
    int rc;

    fuzz_fields(data, size, ' ', f, 2);
    FUZZ_CHECK(req != NULL);
    req->arena = a;
    req->method = f[0];
    req->path = arena_strndup(a, f[1], strcspn(f[1], "?"));
    req->query = "";
    FUZZ_CHECK(req->path != NULL);
    rc = routes_match(req);
    if (rc == 0) {
        const struct route *r = req->match.route;

        FUZZ_CHECK(r >= table && r < table + n);
        FUZZ_CHECK(strcmp(r->method, req->method) == 0 ||
                   (strcmp(req->method, "HEAD") == 0 && strcmp(r->method, "GET") == 0));
        for (size_t i = 0; i < req->match.nparams; i++) {
            const struct route_param *p = &req->match.params[i];
            char name[64];

            FUZZ_CHECK(p->value[0] != '\0' && strchr(p->value, '/') == NULL);
            FUZZ_CHECK(p->name_len < sizeof(name));
            memcpy(name, p->name, p->name_len);
            name[p->name_len] = '\0';
            FUZZ_CHECK(request_param(req, name) != NULL);
        }
        if (request_param(req, "id") != NULL)
            (void)listed_is_id(request_param(req, "id"));
    } else {
        FUZZ_CHECK(rc == 404 || rc == 405);
        FUZZ_CHECK(req->status == rc && req->resp_body != NULL);
        if (rc == 405)
            FUZZ_CHECK(req->match.allow[0] != '\0');
    }
    free(f[0]);
    arena_reset(a);
    return 0;
}
