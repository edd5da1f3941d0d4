/*
 * clerk.h - the Clerk Backend API (CLERK_API_URL, default
 * https://api.clerk.com, with `Authorization: Bearer CLERK_SECRET_KEY`):
 * find users by email and delete a user, for account erasure and
 * staff-handled deletion requests.  Neither logs the key, an email or a
 * response body: only the route, curl's code and the HTTP status.
 *
 * Session tokens (the sign-in side of Clerk) are svc/clerk_token.h's.
 */
#ifndef JT_CLERK_H
#define JT_CLERK_H

#include <jansson.h>

/* Per process: the reused curl handle to the Backend API. */
struct clerk;

enum clerk_status {
    CLERK_OK = 0,
    CLERK_NOT_CONFIGURED = -2, /* CLERK_SECRET_KEY unset: 503 */
    CLERK_UNAVAILABLE = -3,    /* 5xx, 429, timeout or no connection: retry later */
    CLERK_REJECTED = -4,       /* 401/403: CLERK_SECRET_KEY was refused */
    CLERK_FAILED = -5,         /* any other answer (4xx, unreadable body) */
};

/* Per process, after fork.  Never fails (the curl handle is made at first
 * use). */
struct clerk *clerk_new(void);
void clerk_free(struct clerk *c);

/*
 * DELETE /v1/users/{user_id}.  CLERK_OK when the user is gone: deleted now
 * (200) or already (404), so a retry after a partial failure is safe.
 * CLERK_NOT_CONFIGURED without CLERK_SECRET_KEY; CLERK_UNAVAILABLE for a
 * 5xx, a 429 or no connection (worth retrying); CLERK_REJECTED or
 * CLERK_FAILED otherwise.
 */
int clerk_delete_user(struct clerk *c, const char *user_id);

/*
 * GET /v1/users?email_address=<email, URL-encoded>: *ids = new reference
 * to an array of the matching users' ids (strings; empty when none), NULL
 * on failure.  Statuses as clerk_delete_user(); a 404 is a failure here.
 * Clerk answers a bare array of User objects (a {"data": [...]} envelope
 * is accepted too).
 */
int clerk_find_users_by_email(struct clerk *c, const char *email, json_t **ids);

#endif
