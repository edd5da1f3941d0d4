/*
 * svix.h - verification of Svix webhook signatures (Clerk sends its
 * webhooks through Svix).
 *
 * Pure: no I/O, no clock of its own (the caller passes `now`), no global
 * state, so the official test vectors run as unit tests with their fixed,
 * years-old timestamps.  The scheme, from Svix's documentation and its own
 * libraries:
 *
 *   signed  = msg_id "." timestamp "." raw body bytes
 *   key     = base64-decode(secret, with or without its "whsec_" prefix)
 *   v1 sig  = standard padded base64 of HMAC-SHA256(key, signed)
 *
 * The signature header lists space-separated "version,signature" entries
 * (several during a secret rotation); any one matching "v1" entry is
 * enough, other versions are ignored.  Comparisons are constant time.
 */
#ifndef JT_SVIX_H
#define JT_SVIX_H

#include <stddef.h>
#include <time.h>

/* Svix's own default, and what Clerk's documentation assumes: 5 minutes
 * either side of now. */
#define SVIX_TOLERANCE_S 300

enum svix_status {
    SVIX_OK = 0,
    SVIX_BAD_SIGNATURE = -1, /* no v1 entry matches: 401 */
    SVIX_STALE = -2,         /* timestamp outside now ± tolerance: 401 */
    SVIX_BAD_HEADER = -3,    /* missing/empty id, non-numeric timestamp,
                                no v1 entry at all: 400 */
    SVIX_BAD_SECRET = -4,    /* our secret is not base64: a configuration
                                error, never the sender's */
    SVIX_ERROR = -5,         /* out of memory or a libcrypto failure: 500 */
};

/*
 * Verify one delivery.  Every pointer is borrowed; body need not be
 * NUL-terminated (body_len bytes are signed exactly as received, never
 * re-serialised).  msg_id, timestamp and signature_header are the values of
 * the svix-id, svix-timestamp and svix-signature headers (or their
 * white-label webhook-* twins), NULL when absent.  now is the wall clock in
 * seconds; tolerance_s is normally SVIX_TOLERANCE_S.
 *
 * Checks run in this order: secret, headers, timestamp, signature; the
 * first failure is returned.
 */
int svix_verify(const char *secret, const char *msg_id, const char *timestamp,
                const char *body, size_t body_len, const char *signature_header,
                time_t now, int tolerance_s);

/* A short, fixed description of a status, safe to log (never names the
 * secret or a signature). */
const char *svix_strerror(int status);

#endif
