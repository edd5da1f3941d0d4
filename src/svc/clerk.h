/*
 * clerk.h - Clerk session tokens, verified in the worker.
 *
 * Debian's libjwt (1.10) verifies with whatever algorithm the token's own
 * header names, which would let an HS256 token "signed" with our public key
 * text pass.  So the header is parsed and checked here first: only RS256
 * with a key id is ever handed to jwt_decode(), with the RSA public key
 * chosen by us, and the decoded algorithm is checked again.
 *
 * Keys: CLERK_JWT_KEY (PEM, matches any kid) and/or the JWKS at
 * CLERK_JWKS_URL (fetched with libcurl, cached per worker, refetched at most
 * once a minute when an unknown kid appears).  Verified tokens are cached
 * per worker, keyed by a SHA-256 of the token, until their exp, so repeat
 * requests skip the RSA work.
 *
 * The Backend API (CLERK_API_URL, default https://api.clerk.com, with
 * `Authorization: Bearer CLERK_SECRET_KEY`): find users by email and
 * delete a user, for staff-handled deletion requests.  Neither logs the
 * key, an email or a response body: only the route, curl's code and the
 * HTTP status.
 */
#ifndef JT_CLERK_H
#define JT_CLERK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define CLERK_LEEWAY_S 5
#define CLERK_USER_ID_MAX 128

struct clerk;

struct clerk_session {
    char user_id[CLERK_USER_ID_MAX]; /* the token's sub */
    int64_t exp;
    bool cached;                     /* answered from the token cache */
    bool *user_known;                /* the cache entry's flag: the users
                                        document is known to exist */
    const char *reason;              /* CLERK_INVALID only: why, one of
                                        CLERK_REASONS (static; never
                                        holds a token or claim value) */
};

/* Why a token was refused, for the log (clerk_session.reason). */
#define CLERK_REASONS "expired not_yet_valid bad_issuer azp_not_allowed unknown_kid " \
                      "bad_signature bad_header malformed"

enum clerk_status {
    CLERK_OK = 0,
    CLERK_INVALID = -1,        /* 401 */
    CLERK_NOT_CONFIGURED = -2, /* 503 */
    /* Backend API only: */
    CLERK_UNAVAILABLE = -3,    /* 5xx, 429, timeout or no connection: retry later */
    CLERK_REJECTED = -4,       /* 401/403: CLERK_SECRET_KEY was refused */
    CLERK_FAILED = -5,         /* any other answer (4xx, unreadable body) */
};

/* Per process, after fork.  Never fails: a key that cannot be loaded is
 * logged and leaves sign-in unconfigured. */
struct clerk *clerk_new(void);
void clerk_free(struct clerk *c);

/* The environment variable sign-in still needs, or NULL when configured. */
const char *clerk_missing_config(void);

/* Verify token at wall-clock time now (seconds).  On CLERK_INVALID,
 * out->reason says why. */
int clerk_verify(struct clerk *c, const char *token, int64_t now,
                 struct clerk_session *out);

/* Is origin one of CLERK_AUTHORIZED_PARTIES? */
bool clerk_origin_allowed(const char *origin);

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

/* Empty the verified-token cache (benchmarks: the cost of a cold token). */
void clerk_forget(struct clerk *c);

#endif
