/*
 * auth.c - turning a Clerk session token into req->user_id.
 *
 * The token comes from `Authorization: Bearer` or the `__session` cookie.
 * A cookie is sent by the browser on its own, so a state-changing request
 * authenticated by cookie must also carry an Origin from
 * CLERK_AUTHORIZED_PARTIES (CSRF).  The users document is created on the
 * first authenticated request (users_signed_in()); the worker's token
 * cache remembers that, so later requests with the same token cost no
 * extra database round trip.
 */
#include "routes/auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "http/request.h"
#include "store/erasure_claims.h"
#include "store/store.h"
#include "store/tombstones.h"
#include "store/users.h"
#include "svc/clerk_token.h"
#include "svc/services.h"

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

/* One line per refused token: the reason only (a fixed word from
 * CLERK_TOKEN_REASONS), never the token or a claim value, which are the user's. */
static void log_refusal(struct request *req, const struct clerk_session *cs, bool from_cookie)
{
    log_info("%s: session token refused (%s) from the %s", req->request_id,
             cs->reason ? cs->reason : "malformed",
             from_cookie ? "__session cookie" : "Authorization header");
}

static bool changes_state(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

/* Is the erasure of s->user_id recorded as running (so the route that
 * finishes it may still be called with the account's token)? */
static bool erasure_running(struct request *req, struct auth_session *s)
{
    json_t *claim = NULL;
    bool running;

    if (erasure_claims_get(req->svc->db, s->user_id, &claim) != STORE_OK)
        return false;
    running = strcmp(jsonx_string(claim, "state") ?: "", "running") == 0;
    json_decref(claim);
    return running;
}

enum auth_status auth_session(struct request *req, enum route_auth level,
                              struct auth_session *s)
{
    struct clerk_session cs;
    const char *token;
    bool from_cookie, first;
    int rc;

    memset(s, 0, sizeof(*s));
    if ((s->missing = clerk_token_missing_config()) != NULL)
        return AUTH_NOT_CONFIGURED;
    token = auth_token(req, &from_cookie);
    if (token == NULL)
        return AUTH_NO_TOKEN;
    rc = clerk_token_verify(req->svc->clerk_token, token, clock_wall_ms() / 1000, &cs);
    if (rc == CLERK_TOKEN_NOT_CONFIGURED)
        return AUTH_NOT_CONFIGURED;
    if (rc != CLERK_TOKEN_OK) {
        log_refusal(req, &cs, from_cookie);
        return AUTH_INVALID;
    }
    if (from_cookie && changes_state(req->method) &&
        !clerk_token_origin_allowed(request_env(req, "HTTP_ORIGIN")))
        return AUTH_BAD_ORIGIN;
    req->user_id = s->user_id = arena_strdup(req->arena, cs.user_id);
    if (level == AUTH_STAFF && !config_is_admin(s->user_id))
        return AUTH_NOT_STAFF;

    /* A cached session may outlive an erasure done by any worker of any
     * host: every request asks again whether the account was erased (one
     * _id lookup), so an erased account's token is refused everywhere at
     * once; a creator route asks its directory instead, which refuses the
     * same way.  A first sight of the token creates the users document. */
    first = cs.user_known == NULL || !*cs.user_known;
    rc = level == AUTH_CREATOR
             ? users_signed_in_guarded(req->svc->db, s->user_id, first, request_has_gpc(req))
             : users_signed_in(req->svc->db, s->user_id, first, request_has_gpc(req));
    if (rc == STORE_ERASED)
        return level == AUTH_ERASURE && erasure_running(req, s) ? AUTH_OK : AUTH_ERASED;
    if (rc != STORE_OK) {
        s->db_status = rc;
        return AUTH_DB;
    }
    if (first && cs.user_known != NULL)
        *cs.user_known = true;
    return AUTH_OK;
}

const char *auth_optional(struct request *req)
{
    struct clerk_session s;
    bool from_cookie, erased;
    const char *token;

    if (req->user_id != NULL)
        return req->user_id;
    if (clerk_token_missing_config() != NULL || (token = auth_token(req, &from_cookie)) == NULL)
        return NULL;
    /* a cross-site form post carries the cookie too: it is not the user's */
    if (from_cookie && changes_state(req->method) &&
        !clerk_token_origin_allowed(request_env(req, "HTTP_ORIGIN")))
        return NULL;
    if (clerk_token_verify(req->svc->clerk_token, token, clock_wall_ms() / 1000, &s) !=
        CLERK_TOKEN_OK) {
        log_refusal(req, &s, from_cookie);
        return NULL;
    }
    /* an erased account's still-valid token is nobody's */
    if (tombstones_has(req->svc->db, s.user_id, &erased) != STORE_OK || erased)
        return NULL;
    req->user_id = arena_strdup(req->arena, s.user_id);
    return req->user_id;
}
