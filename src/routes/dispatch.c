/*
 * dispatch.c - from a matched request to its response.
 *
 * The one place that turns "no route", "wrong method", a failed sign-in
 * and a database failure into the contract's error format; the body
 * checks are request_read_body()'s.  Handlers see only signed-in,
 * well-formed requests and only ever return a status.  Matching is a
 * step of its own so that the worker can put the route on the scoreboard
 * before anything slow happens.
 */
#include "routes/routes.h"

#include "base/arena.h"
#include "base/log.h"
#include "http/request.h"
#include "http/router.h"
#include "routes/auth.h"
#include "store/store.h"
#include "svc/openai.h"

int routes_match(struct request *req)
{
    size_t n;
    const struct route *table = routes_table(&n);
    int status = router_match(table, n, req->method, req->path, &req->match);

    if (status == 404)
        return request_error(req, 404, "not_found", "There is nothing at this address.");
    if (status == 405) {
        request_header(req, "Allow", arena_strdup(req->arena, req->match.allow));
        return request_error(req, 405, "method_not_allowed",
                             arena_printf(req->arena, "This address accepts %s.",
                                          req->match.allow));
    }
    return 0;
}

int routes_db_failure(struct request *req, int db_status)
{
    if (db_status == STORE_DOWN) {
        /* a worker tries the database again within a quarter second */
        request_header(req, "Retry-After", "1");
        return request_error(req, 503, "db_unavailable",
                             "The service is unavailable right now; please try again.");
    }
    if (db_status == STORE_ERASED) /* erased while the request ran: nothing was stored */
        return request_error(req, 401, "unauthenticated", "This account was deleted.");
    return request_error(req, 500, "internal_error", "The data could not be stored or read.");
}

int routes_ai_failure(struct request *req, int rc, const char *refusal, const char *feature)
{
    switch (rc) {
    case OPENAI_NOT_CONFIGURED:
        return request_not_configured(req, arena_printf(req->arena, "%s is not available "
                                                        "right now.", feature),
                                      "missing", "OPENAI_API_KEY");
    case OPENAI_REFUSED:
        return request_error(req, 422, "ai_refused",
                             refusal && *refusal ? refusal : "The AI declined this request.");
    case OPENAI_INCOMPLETE:
        return request_error(req, 502, "ai_incomplete",
                             "The AI's answer was cut off before it was complete; "
                             "please try again.");
    case OPENAI_BAD_OUTPUT:
        return request_error(req, 502, "ai_bad_output",
                             "The AI's answer was not usable; please try again.");
    case OPENAI_AUTH:
        return request_error(req, 503, "ai_unavailable",
                             "The AI service is unavailable right now; please try later.");
    case OPENAI_TIMEOUT:
        return request_error(req, 504, "ai_timeout",
                             "The AI service did not answer in time; please try again.");
    default:
        return request_error(req, 502, "ai_upstream_error",
                             "The AI service failed to answer; please try again.");
    }
}

/* The response to a sign-in that did not succeed. */
static int refuse(struct request *req, enum auth_status st, const struct auth_session *s)
{
    switch (st) {
    case AUTH_NOT_CONFIGURED:
        return request_not_configured(req, "Signing in is not available right now.", "missing",
                                      s->missing ? s->missing : "CLERK_JWT_KEY");
    case AUTH_NO_TOKEN:
        return request_error(req, 401, "unauthenticated", "Sign in to use this address.");
    case AUTH_INVALID:
        return request_error(req, 401, "unauthenticated",
                             "The session token is invalid or has expired; sign in again.");
    case AUTH_BAD_ORIGIN:
        return request_error(req, 403, "forbidden",
                             "This request did not come from an allowed origin.");
    case AUTH_NOT_STAFF:
        return request_error(req, 403, "forbidden", "This address is for Jobtune staff.");
    case AUTH_ERASED:
        return request_error(req, 401, "unauthenticated", "This account was deleted.");
    case AUTH_DB:
        return routes_db_failure(req, s->db_status);
    case AUTH_OK:
        break;
    }
    return request_error(req, 500, "internal_error", "Sign-in failed.");
}

static const char *default_code(int status)
{
    switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 409: return "conflict";
    case 412: return "precondition_failed";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal_error" : "error";
    }
}

/* A 429 for a slow route that was not admitted. */
static int too_many(struct request *req, int why)
{
    request_header(req, "Retry-After", "1");
    return request_error(req, 429, "too_many_requests",
                         why == ROUTES_GATE_USER
                             ? "You have too many slow requests (PDFs, scores, AI answers) "
                               "in progress; wait for one to finish and try again."
                             : "The service is busy with slow requests right now; "
                               "please try again in a moment.");
}

int routes_run(struct request *req, const struct routes_gate *gate)
{
    const struct route *route = req->match.route;
    struct auth_session session;
    enum auth_status st;
    int status;

    if (route->auth != AUTH_PUBLIC &&
        (st = auth_session(req, route->auth, &session)) != AUTH_OK)
        return refuse(req, st, &session);
    /* Before the body: a refused upload is not worth reading. */
    if (route->cost == COST_SLOW && gate != NULL && route->auth != AUTH_PUBLIC &&
        (status = gate->admit(gate->ctx, session.user_id)) != 0)
        return too_many(req, status);
    if ((status = request_read_body(req)) != 0)
        return status;

    status = route->handler(req);
    routes_processing_flush(req);
    if (req->quota_refused && gate != NULL)
        gate->refused_quota(gate->ctx);
    if (req->streaming) {
        /* the status line and part of the body are gone: nothing to add */
        req->status = req->streamed_status;
        return req->status;
    }
    if (status < 100 || status > 599) {
        log_error("handler for %s returned %d", route->pattern, status);
        status = 500;
        req->resp_body = NULL;
    }
    if (req->resp_body == NULL)
        request_fail(req, status, default_code(status), request_reason(status), NULL);
    req->status = status;
    return status;
}
