/*
 * health.c - liveness of the worker and of its database connection.
 */
#include "routes/routes.h"

#include <jansson.h>

#include "request.h"
#include "svc/db.h"
#include "worker.h"

/* GET /api/health -> 200 {"status":"ok","db":"ok"} | 503 {"status":"degraded","db":"down"} */
int health_get(struct request *req)
{
    if (db_ping(req->ws->db) == DB_OK)
        return request_json(req, 200, json_pack("{s:s, s:s}", "status", "ok", "db", "ok"));
    return request_json(req, 503, json_pack("{s:s, s:s}", "status", "degraded", "db", "down"));
}
