/*
 * metrics.c - GET /metrics, the scoreboard in Prometheus' text format
 * (proc/metrics.c writes it), for a scraper on the host or a staff
 * member: the readers of /api/status (routes/status.c), and the same 404
 * for everyone else.  The exposition reads shared memory only: a scrape
 * from the host makes no database query, however often it comes (a
 * signed-in caller's token costs the one tombstone read every
 * authenticated request makes, routes/auth.c).
 */
#include "routes/routes.h"

#include <stdlib.h>

#include "base/arena.h"
#include "http/request.h"
#include "svc/services.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* GET /metrics -> 200 text/plain exposition | 404 (not loopback, not staff) */
int metrics_get_route(struct request *req)
{
    size_t len = 0;
    char *text;

    if (!status_is_operator(req))
        return request_error(req, 404, "not_found", "There is nothing at this address.");
    if (req->svc->metrics == NULL || (text = req->svc->metrics(&len)) == NULL)
        return request_error(req, 500, "internal_error", "The metrics could not be read.");
    /* the arena frees the text after the answer is sent: no copy */
    if (arena_add_cleanup(req->arena, free, text) != 0)
        return request_error(req, 500, "internal_error", "The server ran out of memory.");
    return request_bytes(req, 200, CONTENT_TYPE, text, len);
}
