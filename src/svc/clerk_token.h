/*
 * clerk_token.h - Clerk session tokens, verified in the worker.
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
 * The Clerk Backend API (finding and deleting users) is svc/clerk.h's.
 */
#ifndef JT_CLERK_TOKEN_H
#define JT_CLERK_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLERK_TOKEN_LEEWAY_S 5
/* Bytes of a Clerk user id (a token's sub) with its NUL; svc/clerk.c
 * holds the ids it sends and reads to the same limit. */
#define CLERK_USER_ID_MAX 128

/* Per process: the keys, the JWKS and the verified-token cache. */
struct clerk_token;

struct clerk_session {
    char user_id[CLERK_USER_ID_MAX]; /* the token's sub */
    int64_t exp;
    bool cached;                     /* answered from the token cache */
    bool *user_known;                /* the cache entry's flag: the users
                                        document is known to exist */
    const char *reason;              /* CLERK_TOKEN_INVALID only: why, one
                                        of CLERK_TOKEN_REASONS (static;
                                        never holds a token or claim
                                        value) */
};

/* Why a token was refused, for the log (clerk_session.reason). */
#define CLERK_TOKEN_REASONS "expired not_yet_valid bad_issuer azp_not_allowed unknown_kid " \
                            "bad_signature bad_header malformed"

enum clerk_token_status {
    CLERK_TOKEN_OK = 0,
    CLERK_TOKEN_INVALID = -1,        /* 401 */
    CLERK_TOKEN_NOT_CONFIGURED = -2, /* 503 */
};

/* Per process, after fork.  Never fails: a key that cannot be loaded is
 * logged and leaves sign-in unconfigured. */
struct clerk_token *clerk_token_new(void);
void clerk_token_free(struct clerk_token *c);

/* The environment variable sign-in still needs, or NULL when configured. */
const char *clerk_token_missing_config(void);

/* Verify token at wall-clock time now (seconds).  On CLERK_TOKEN_INVALID,
 * out->reason says why. */
int clerk_token_verify(struct clerk_token *c, const char *token, int64_t now,
                       struct clerk_session *out);

/* Is origin one of CLERK_AUTHORIZED_PARTIES?  The rule for a token's azp,
 * and for the Origin of a cookie-authenticated change. */
bool clerk_token_origin_allowed(const char *origin);

/* Empty the verified-token cache (benchmarks: the cost of a cold token). */
void clerk_token_forget(struct clerk_token *c);

#endif
