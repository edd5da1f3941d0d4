/*
 * auth.h - who is asking: the session behind a request.
 *
 * Authentication answers with a status, never with HTTP: the dispatcher
 * (dispatch.c) maps each status to its response, and the users store
 * keeps the side effects of signing in (the users document, a GPC
 * opt-out).
 */
#ifndef JT_AUTH_H
#define JT_AUTH_H

#include <stdbool.h>

#include "http/router.h"

struct request;

enum auth_status {
    AUTH_OK = 0,
    AUTH_NOT_CONFIGURED, /* sign-in is not configured (503); see .missing */
    AUTH_NO_TOKEN,       /* no session token came with the request (401) */
    AUTH_INVALID,        /* bad, expired or foreign token (401) */
    AUTH_BAD_ORIGIN,     /* a cookie-authenticated change from elsewhere (403) */
    AUTH_NOT_STAFF,      /* a staff route, and not staff (403) */
    AUTH_ERASED,         /* the account was erased (401) */
    AUTH_DB,             /* the database failed: see .db_status (503/500) */
};

struct auth_session {
    const char *user_id; /* arena memory; set for AUTH_OK (and NOT_STAFF) */
    const char *missing; /* the variable to set, for AUTH_NOT_CONFIGURED */
    int db_status;       /* a DB_ status, for AUTH_DB */
};

/*
 * The session for a route of the given level.  On AUTH_OK the user has a
 * users document (created on their first request) and `Sec-GPC: 1` has
 * been recorded as an analytics opt-out.
 */
enum auth_status auth_session(struct request *req, enum route_auth level,
                              struct auth_session *s);

/* On public routes: the signed-in user's id when a valid session comes
 * with the request, else NULL.  Never an error, never a database write. */
const char *auth_optional(struct request *req);

/* The raw token:  the Authorization header or __session cookie, or NULL
 * (arena memory).  *from_cookie tells which. */
const char *auth_token(struct request *req, bool *from_cookie);

#endif
