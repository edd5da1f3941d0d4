/*
 * auth.c - turning a Clerk session token into req->user_id.
 *
 * The token comes from `Authorization: Bearer` or the `__session` cookie.
 * A cookie is sent by the browser on its own, so a state-changing request
 * authenticated by cookie must also carry an Origin from
 * CLERK_AUTHORIZED_PARTIES (CSRF).  The users document is created on the
 * first authenticated request; the worker's token cache remembers that, so
 * later requests with the same token cost no extra database round trip.
 */
#include "auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "config.h"
#include "log.h"
#include "request.h"
#include "svc/clerk.h"
#include "svc/db.h"
#include "users.h"
#include "worker.h"

const char *auth_token(struct request *req, bool *from_cookie)
{
    const char *h = request_env(req, "HTTP_AUTHORIZATION");
    const char *cookie = request_env(req, "HTTP_COOKIE");

    *from_cookie = false;
    if (h != NULL && *h != '\0') {
        const char *space = strchr(h, ' ');

        /* as Clerk's SDK: "Bearer <t>", or a bare token with no scheme */
        if (space == NULL)
            return h;
        if ((size_t)(space - h) == 6 && strncasecmp(h, "Bearer", 6) == 0) {
            while (*space == ' ')
                space++;
            return *space ? space : NULL;
        }
        return NULL;
    }
    for (const char *p = cookie; p != NULL && *p != '\0';) {
        while (*p == ' ' || *p == ';')
            p++;
        if (strncmp(p, "__session=", 10) == 0) {
            const char *v = p + 10;
            size_t n = strcspn(v, ";");

            *from_cookie = true;
            return n ? arena_strndup(req->arena, v, n) : NULL;
        }
        p = strchr(p, ';');
    }
    return NULL;
}

static bool changes_state(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

static int record_gpc(struct request *req)
{
    int64_t now = db_now_ms();
    json_t *filter = json_pack("{s:s, s:{s:s}}", "_id", req->user_id,
                               "consent.analytics", "$ne", "denied");
    json_t *update = json_pack("{s:{s:s, s:o}, s:{s:{s:s, s:o, s:s}}}",
                               "$set", "consent.analytics", "denied", "updatedAt", db_date(now),
                               "$push", "consent.history", "value", "denied",
                               "at", db_date(now), "source", "gpc");
    int rc = db_update_one(req->ws->db, "users", filter, update, NULL);

    json_decref(filter);
    json_decref(update);
    return rc;
}

int auth_require(struct request *req, enum route_auth level)
{
    struct clerk_session s;
    const char *missing = clerk_missing_config();
    const char *token, *gpc;
    bool from_cookie;
    int rc;

    if (missing != NULL)
        return request_error(req, 503, "not_configured",
                             arena_printf(req->arena, "Sign-in is not configured: set %s.",
                                          missing));
    token = auth_token(req, &from_cookie);
    if (token == NULL)
        return request_error(req, 401, "unauthenticated", "Sign in to use this address.");
    rc = clerk_verify(req->ws->clerk, token, db_now_ms() / 1000, &s);
    if (rc == CLERK_NOT_CONFIGURED)
        return request_error(req, 503, "not_configured", "Sign-in is not configured.");
    if (rc != CLERK_OK)
        return request_error(req, 401, "unauthenticated",
                             "The session token is invalid or has expired; sign in again.");
    if (from_cookie && changes_state(req->method) &&
        !clerk_origin_allowed(request_env(req, "HTTP_ORIGIN")))
        return request_error(req, 403, "forbidden",
                             "This request did not come from an allowed origin.");
    req->user_id = arena_strdup(req->arena, s.user_id);
    if (req->user_id == NULL)
        return request_error(req, 500, "internal_error", "The server ran out of memory.");
    if (level == AUTH_STAFF && !config_is_admin(req->user_id))
        return request_error(req, 403, "forbidden", "This address is for Jobtune staff.");

    if (s.user_known != NULL && *s.user_known && changes_state(req->method)) {
        /* A cached session may outlive an erasure done by another worker:
         * every change asks again whether the account was deleted, so
         * nothing can be written for it afterwards. */
        bool erased;

        rc = users_is_erased(req->ws->db, req->user_id, &erased);
        if (rc != DB_OK)
            return request_db_failure(req, rc);
        if (erased)
            return request_error(req, 401, "unauthenticated", "This account was deleted.");
    }
    if (s.user_known == NULL || !*s.user_known) {
        bool erased;

        rc = users_ensure(req->ws->db, req->user_id, &erased);
        if (erased)
            return request_error(req, 401, "unauthenticated", "This account was deleted.");
        if (rc != DB_OK)
            return request_db_failure(req, rc);
        if (s.user_known != NULL)
            *s.user_known = true;
    }
    gpc = request_env(req, "HTTP_SEC_GPC");
    if (gpc != NULL && strcmp(gpc, "1") == 0 && (rc = record_gpc(req)) == DB_DOWN)
        return request_db_failure(req, rc);
    return 0;
}

const char *auth_optional(struct request *req)
{
    struct clerk_session s;
    bool from_cookie;
    const char *token;

    if (req->user_id != NULL)
        return req->user_id;
    if (clerk_missing_config() != NULL || (token = auth_token(req, &from_cookie)) == NULL)
        return NULL;
    /* a cross-site form post carries the cookie too: it is not the user's */
    if (from_cookie && changes_state(req->method) &&
        !clerk_origin_allowed(request_env(req, "HTTP_ORIGIN")))
        return NULL;
    if (clerk_verify(req->ws->clerk, token, db_now_ms() / 1000, &s) != CLERK_OK)
        return NULL;
    req->user_id = arena_strdup(req->arena, s.user_id);
    return req->user_id;
}
