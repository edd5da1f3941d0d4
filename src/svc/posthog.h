/*
 * posthog.h - PostHog's batch capture endpoint (POST {POSTHOG_HOST}/batch/),
 * one batch in flight at a time, without blocking its caller.
 *
 * Used only by the analytics child (proc/analytics.c), which must keep
 * reading the workers' events while a batch is on its way: a transfer is
 * begun, then driven by posthog_wait() (which also watches one descriptor
 * of the caller's), and its outcome read with posthog_result().  The body
 * is {"api_key": POSTHOG_API_KEY, "batch": [...]} (docs/external-apis.md
 * section 3); any 2xx is success.  The key is never logged.
 *
 * Whether a failure is worth another attempt, and how long to wait, is
 * svc/retry.h's rule with posthog_retry_policy; the retries themselves are
 * the analytics child's (it keeps the batch).
 */
#ifndef JT_POSTHOG_H
#define JT_POSTHOG_H

#include <jansson.h>
#include <stdbool.h>

#include "svc/retry.h"

struct posthog;

enum posthog_result {
    POSTHOG_PENDING = 0, /* still in flight (or nothing begun) */
    POSTHOG_OK,          /* a 2xx answer */
    POSTHOG_RETRY,       /* worth another attempt (retry.h): 408, 429, 5xx, a
                            timeout or a connection failure */
    POSTHOG_REJECTED,    /* another 4xx, or a transfer failure retry.h does not
                            retry (TLS verification, say): the same batch
                            would fail again */
};

/* PostHog's numbers for the retry rule (docs/external-apis.md section 3
 * names 429 and 503 as worth retrying and gives no schedule): three
 * retries from 0.5 s, capped at 2 s; no one waits on a batch, so a
 * timed-out attempt is tried again, and a wait asked for is honoured up
 * to a minute. */
extern const struct retry_policy posthog_retry_policy;

/* A client for config.posthog_host and config.posthog_api_key; NULL when
 * libcurl cannot be set up.  Free with posthog_free(). */
struct posthog *posthog_new(void);
void posthog_free(struct posthog *p);

/* Begin sending `events` (a non-empty array, borrowed: serialised now),
 * giving up after timeout_ms.  -1 when a transfer is already in flight or
 * the body cannot be made. */
int posthog_begin(struct posthog *p, json_t *events, long timeout_ms);

/* Is a transfer in flight? */
bool posthog_busy(const struct posthog *p);

/* Wait at most timeout_ms for the transfer to progress or for `fd` (-1:
 * none) to become readable; *fd_ready says which.  Returns at once when
 * a signal arrives. */
void posthog_wait(struct posthog *p, int fd, int timeout_ms, bool *fd_ready);

/* The outcome of the transfer once it has ended (the transfer is then
 * over, and another may begin); *http_status = the status, 0 when none;
 * *asked_ms = the wait its Retry-After asked for (retry_asked_ms()), -1
 * when none. */
enum posthog_result posthog_result(struct posthog *p, long *http_status, long *asked_ms);

/* Abandon the transfer in flight, if any. */
void posthog_abort(struct posthog *p);

#endif
