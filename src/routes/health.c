/*
 * health.c - liveness of the worker and of its database connection, and
 * the deletion requests past their 30-day due date.
 *
 * The database state is the one this worker observed within the last
 * HEALTH_MAX_AGE_MS (any query counts), else a fresh ping on a client of
 * its own that waits at most half a second (svc/db.c): a load balancer
 * probing many times a second costs the database at most a few pings a
 * second per worker, an outage shows within that window, and a stalled
 * database never holds the answer past a second.  The overdue
 * count is what the scheduler last found (one _id lookup), read at most
 * once every OVERDUE_MAX_AGE_MS per worker.
 */
#include "routes/routes.h"

#include <jansson.h>

#include "base/clock.h"
#include "http/request.h"
#include "store/jobs.h"
#include "store/store.h"
#include "svc/services.h"

#define HEALTH_MAX_AGE_MS 500
#define OVERDUE_MAX_AGE_MS 2000

/* The scheduler's last overdue count, cached per worker: -1 = unknown. */
static json_int_t overdue_count(struct request *req)
{
    static json_int_t cached = -1;
    static uint64_t read_at_ms;
    uint64_t now = clock_mono_ms();
    json_t *value = NULL;

    if (read_at_ms != 0 && now - read_at_ms < OVERDUE_MAX_AGE_MS)
        return cached;
    if (jobs_result(req->svc->db, "overdue", &value) == STORE_OK) {
        cached = json_is_integer(value) ? json_integer_value(value) : 0;
        read_at_ms = now;
    }
    json_decref(value);
    return cached;
}

/* GET /api/health -> 200 {"status":"ok","db":"ok","overduePrivacyRequests":n}
 *                  | 503 {"status":"degraded","db":"down"} */
int health_get_route(struct request *req)
{
    json_int_t overdue;

    if (store_health(req->svc->db, HEALTH_MAX_AGE_MS) != STORE_OK)
        return request_json(req, 503, json_pack("{s:s, s:s}", "status", "degraded", "db",
                                                "down"));
    overdue = overdue_count(req);
    return request_json(req, 200, json_pack("{s:s, s:s, s:o}", "status", "ok", "db", "ok",
                                            "overduePrivacyRequests",
                                            overdue >= 0 ? json_integer(overdue) : json_null()));
}
