/*
 * fuzz_cursor.c - the ?limit= and ?cursor= of every paginated list.
 *
 * The input is the query string of a list request, read by
 * routes_page_query() as GET /api/resumes and /api/interviews read it
 * (request_query()'s decoding, the limit's digits, listed_cursor_decode()).
 * The whole input is also decoded as a cursor on its own; a cursor that
 * decodes must encode back to the same text, and a page query that is
 * accepted has a limit of 1..100.
 */
#include "fuzz.h"

#include <jansson.h>

#include "http/request.h"
#include "routes/routes.h"
#include "store/listed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    struct request req;
    struct routes_page page;
    struct listed_cursor c, back;
    char text[LISTED_CURSOR_SIZE];
    char *s = fuzz_cstr(data, size);
    int rc;

    if (listed_cursor_decode(s, &c)) {
        FUZZ_CHECK(listed_is_id(c.id));
        FUZZ_CHECK(listed_cursor_encode(&c, text, sizeof(text)));
        FUZZ_CHECK(listed_cursor_decode(text, &back));
        FUZZ_CHECK(back.at_ms == c.at_ms && strcmp(back.id, c.id) == 0);
    }

    memset(&req, 0, sizeof(req));
    req.arena = a;
    req.query = s;
    rc = routes_page_query(&req, &page);
    if (rc == 0) {
        FUZZ_CHECK(page.limit >= 1 && page.limit <= 100);
        FUZZ_CHECK(page.after == NULL || listed_is_id(page.after->id));
    } else {
        FUZZ_CHECK(rc == 422 && req.resp_body != NULL);
    }
    free(s);
    arena_reset(a);
    return 0;
}
