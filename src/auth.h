/*
 * auth.h - who is asking: the session behind a request.
 */
#ifndef JT_AUTH_H
#define JT_AUTH_H

#include <stdbool.h>

#include "router.h"

struct request;

/*
 * For a route of the given level: 0 with req->user_id set, or the status of
 * the error response already written (401 no or bad session, 403 staff
 * only or a cookie-authenticated change without an allowed Origin, 503
 * sign-in not configured or the database down).  A first request creates
 * the user's document; `Sec-GPC: 1` records an analytics opt-out.
 */
int auth_require(struct request *req, enum route_auth level);

/* On public routes: the signed-in user's id when a valid session comes
 * with the request, else NULL.  Never an error, never a database write. */
const char *auth_optional(struct request *req);

/* The raw token:  the Authorization header or __session cookie, or NULL
 * (arena memory).  *from_cookie tells which. */
const char *auth_token(struct request *req, bool *from_cookie);

#endif
