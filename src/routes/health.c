/*
 * health.c - liveness of the worker and of its database connection.
 *
 * The database state is the one this worker observed within the last
 * HEALTH_MAX_AGE_MS (any query counts), else a fresh ping: a load balancer
 * probing many times a second costs the database at most a few pings a
 * second per worker, and an outage shows within that window.
 */
#include "routes/routes.h"

#include <jansson.h>

#include "http/request.h"
#include "store/store.h"
#include "svc/services.h"

#define HEALTH_MAX_AGE_MS 500

/* GET /api/health -> 200 {"status":"ok","db":"ok"} | 503 {"status":"degraded","db":"down"} */
int health_get(struct request *req)
{
    if (store_health(req->svc->db, HEALTH_MAX_AGE_MS) == STORE_OK)
        return request_json(req, 200, json_pack("{s:s, s:s}", "status", "ok", "db", "ok"));
    return request_json(req, 503, json_pack("{s:s, s:s}", "status", "degraded", "db", "down"));
}
