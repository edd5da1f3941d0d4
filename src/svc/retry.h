/*
 * retry.h - the one retry rule for calls to outside services (OpenAI in
 * svc/openai.c, Sarvam in svc/sarvam.c, PostHog in svc/posthog.c and
 * proc/analytics.c): which failures are worth another attempt, and how
 * long to wait before it.  Each client states its service's numbers, from
 * what that API documents, as a struct retry_policy of its own; the rule
 * itself lives here, once.
 *
 * Worth another attempt: HTTP 408, 429 and 5xx, and a connection that
 * failed before an answer came (retry_curl_is_transient()); an attempt
 * that timed out only when the policy says so.  Callers add what their
 * API documents on top (OpenAI's 409 and x-should-retry) and take away
 * what it rules out (an exhausted quota's 429).
 *
 * The wait before attempt n + 1 (retry_delay_ms()):
 *  - none at all once the policy's attempts are used;
 *  - what the server asked for, when it did: OpenAI's retry-after-ms, else
 *    Retry-After in either of its forms (RFC 9110 section 10.2.3:
 *    delta-seconds, or an HTTP-date read with curl_getdate() against the
 *    caller's clock), honoured as given, never shortened.  A wait longer
 *    than the policy's retry_after_max_ms means no retry: retrying sooner
 *    than asked would only be refused again.  Zero (or a date already
 *    past) allows an immediate retry, which the backoff below spreads;
 *  - else exponential backoff with decorrelated jitter (M. Brooker,
 *    "Exponential Backoff And Jitter", 2015): uniform in
 *    [base, min(cap, 3 x the previous wait)], the first in
 *    [base, 3 x base].  The base is a floor, so a failing service is never
 *    asked again at once, and the draws keep many workers that failed
 *    together from retrying together;
 *  - always ending before the caller's deadline: a server's wait that
 *    would not is no retry, and the backoff's window is cut to fit (no
 *    retry when even the base would not fit).
 *
 * Pure but for retry_random(); the random draw is a parameter so that the
 * unit tests choose it.
 */
#ifndef JT_RETRY_H
#define JT_RETRY_H

#include <curl/curl.h>
#include <limits.h>
#include <stdbool.h>
#include <time.h>

/* retry_delay_ms(): do not retry. */
#define RETRY_STOP (-1L)
/* retry_delay_ms()'s remaining_ms for a caller without a deadline. */
#define RETRY_NO_DEADLINE LONG_MAX

struct retry_policy {
    int max_attempts;        /* attempts in all, the first included */
    long base_ms;            /* the shortest backoff wait */
    long cap_ms;             /* the longest backoff wait */
    long retry_after_max_ms; /* the longest wait a server may ask for */
    bool timeouts;           /* is an attempt that timed out worth another? */
};

/* Is an HTTP status worth another attempt: 408, 429 or 500-599? */
bool retry_status_is_transient(long status);

/* Is a failed transfer worth another attempt: no host, refused, reset,
 * nothing or half an answer received; CURLE_OPERATION_TIMEDOUT only when
 * p->timeouts.  (A body over the caller's ceiling, a TLS verification
 * failure or a bad URL would fail again.) */
bool retry_curl_is_transient(const struct retry_policy *p, CURLcode rc);

/*
 * The wait a server asked for, in ms (rounded up), from the values of its
 * retry-after-ms (OpenAI's; milliseconds) and Retry-After (delta-seconds
 * or an HTTP-date, compared with now_s, seconds since the epoch) headers,
 * either NULL when absent.  retry-after-ms wins when it is readable.  A
 * delay is digits with an optional fraction ("2", "0.25"), blanks around
 * allowed; a date in the past is 0.  -1 when neither header says anything
 * readable.
 */
long retry_asked_ms(const char *retry_after_ms, const char *retry_after, time_t now_s);

/*
 * The wait in ms before the next attempt, or RETRY_STOP.  attempts = the
 * attempts made so far (1 after the first); asked_ms = retry_asked_ms()
 * (-1: nothing asked); prev_ms = the wait before the last attempt (0
 * before the first retry); remaining_ms = time left before the caller's
 * deadline (RETRY_NO_DEADLINE: none); r = a random number in [0, 1)
 * (retry_random(); values outside are clamped).
 */
long retry_delay_ms(const struct retry_policy *p, int attempts, long asked_ms, long prev_ms,
                    long remaining_ms, double r);

/*
 * For CURLOPT_HEADERFUNCTION callbacks: when the header line (n bytes, as
 * libcurl hands it over, CRLF included) is `name: value` (name matched
 * without regard to case), copy value without the blanks around it into
 * out (outlen > 0; cut to outlen - 1 bytes, NUL-terminated) and return
 * true.  The values retry_asked_ms() reads are kept this way.
 */
bool retry_header_value(const char *line, size_t n, const char *name, char *out,
                        size_t outlen);

/* Uniform in [0, 1) from the kernel's generator; 0.5 when it gives none. */
double retry_random(void);

#endif
