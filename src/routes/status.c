/*
 * status.c - the operator's status page, after PHP-FPM's pm.status_path:
 * the master's uptime, each worker's pid, state, current route, requests
 * served, RSS and age, and the counts since start of accepted requests,
 * crashes and slow-request kills (proc/status.c builds the document from
 * the shared scoreboard).
 *
 * Who may read it: a client on the loopback interface (REMOTE_ADDR
 * 127.0.0.0/8 or ::1, as nginx passes it after its real-IP step, so only
 * an address nginx trusts via set_real_ip_from can stand in for another),
 * or a signed-in staff member (JOBTUNE_ADMIN_USER_IDS).  Everyone else gets
 * the same 404 as an unknown path: the page's existence, and the process
 * layout it shows, are nobody else's business.  GET /metrics
 * (routes/metrics.c) is open to the same readers.
 */
#include "routes/routes.h"

#include <string.h>

#include "base/config.h"
#include "http/request.h"
#include "routes/auth.h"
#include "svc/services.h"

static bool is_loopback(const char *addr)
{
    if (addr == NULL)
        return false;
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
           strncmp(addr, "::ffff:127.", 11) == 0;
}

bool status_is_operator(struct request *req)
{
    const char *user;

    if (is_loopback(req->remote_addr))
        return true;
    user = auth_optional(req);
    return user != NULL && config_is_admin(user);
}

/* GET /api/status -> 200 status | 404 (not loopback, not staff) */
int status_get_route(struct request *req)
{
    json_t *doc;

    if (!status_is_operator(req))
        return request_error(req, 404, "not_found", "There is nothing at this address.");
    if (req->svc->status == NULL || (doc = req->svc->status()) == NULL)
        return request_error(req, 500, "internal_error", "The status could not be read.");
    return request_json(req, 200, doc);
}
