/*
 * retry.c - the one retry rule (see retry.h for the rule and why).
 *
 * Invariants:
 *  - No wait returned is negative or runs past the caller's deadline, and
 *    none is shorter than what the server asked for.
 *  - Header values are read without strtod(), which would also take
 *    "inf", "nan", "0x10" and "1e9" as numbers of seconds, and without
 *    arithmetic that can overflow: a delay is clamped long before it could.
 */
#include "svc/retry.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

/* Longer than any wait a policy allows: a delay is clamped to it. */
#define ASKED_MAX_MS (INT64_C(1000) * 1000 * 1000 * 1000) /* 31 years */
#define FRACTION_SCALE INT64_C(1000000000)                 /* nine digits */

bool retry_status_is_transient(long status)
{
    return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

bool retry_curl_is_transient(const struct retry_policy *p, CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    case CURLE_OPERATION_TIMEDOUT:
        return p->timeouts;
    default:
        return false;
    }
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * s as a non-negative decimal ("12", "0.25"; blanks around allowed) times
 * unit_ms, rounded up, in ms; -1 when s is anything else.
 */
static int64_t delay_ms(const char *s, int64_t unit_ms)
{
    int64_t whole = 0, fraction = 0, scale = FRACTION_SCALE;
    bool beyond = false; /* a non-zero digit past the ninth decimal */

    while (is_blank(*s))
        s++;
    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (whole < ASKED_MAX_MS)
            whole = whole * 10 + (*s - '0');
    }
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return -1;
        for (; *s >= '0' && *s <= '9'; s++) {
            if (scale > 1) {
                scale /= 10;
                fraction += (*s - '0') * scale;
            } else if (*s != '0') {
                beyond = true;
            }
        }
    }
    while (is_blank(*s))
        s++;
    if (*s != '\0')
        return -1;
    if (whole >= ASKED_MAX_MS / unit_ms)
        return ASKED_MAX_MS;
    /* fraction * unit_ms <= 10^9 * 1000: no overflow */
    return whole * unit_ms + (fraction * unit_ms + FRACTION_SCALE - 1) / FRACTION_SCALE +
           (beyond && fraction * unit_ms % FRACTION_SCALE == 0);
}

long retry_asked_ms(const char *retry_after_ms, const char *retry_after, time_t now_s)
{
    int64_t ms = retry_after_ms != NULL ? delay_ms(retry_after_ms, 1) : -1;
    time_t when;

    if (ms < 0 && retry_after != NULL) {
        ms = delay_ms(retry_after, 1000);
        if (ms < 0 && (when = curl_getdate(retry_after, NULL)) != -1) {
            if (when <= now_s)
                ms = 0;
            else if ((int64_t)when - (int64_t)now_s >= ASKED_MAX_MS / 1000)
                ms = ASKED_MAX_MS;
            else
                ms = ((int64_t)when - (int64_t)now_s) * 1000;
        }
    }
    return ms < 0 ? -1 : ms > LONG_MAX ? LONG_MAX : (long)ms;
}

long retry_delay_ms(const struct retry_policy *p, int attempts, long asked_ms, long prev_ms,
                    long remaining_ms, double r)
{
    int64_t lo, hi, last;

    if (attempts >= p->max_attempts || remaining_ms <= 0)
        return RETRY_STOP;
    if (asked_ms > 0) {
        if (asked_ms > p->retry_after_max_ms || asked_ms >= remaining_ms)
            return RETRY_STOP;
        return asked_ms;
    }
    /* decorrelated jitter: uniform in [base, min(cap, 3 * last)] */
    lo = p->base_ms < p->cap_ms ? p->base_ms : p->cap_ms;
    last = prev_ms > lo ? prev_ms : lo;
    if (last > p->cap_ms)
        last = p->cap_ms; /* min(cap, 3 * last) is the same, without overflow */
    hi = 3 * last < p->cap_ms ? 3 * last : p->cap_ms;
    if (hi < lo)
        hi = lo;
    /* ... ending before the deadline */
    if (hi >= remaining_ms)
        hi = (int64_t)remaining_ms - 1;
    if (hi < lo)
        return RETRY_STOP;
    if (!(r >= 0.0)) /* NaN too */
        r = 0.0;
    if (r >= 1.0)
        r = 1.0;
    lo += (int64_t)(r * (double)(hi - lo));
    return (long)(lo > hi ? hi : lo);
}

bool retry_header_value(const char *line, size_t n, const char *name, char *out, size_t outlen)
{
    size_t nlen = strlen(name), vlen;
    const char *v;

    if (n <= nlen || strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
        return false;
    v = line + nlen + 1;
    vlen = n - nlen - 1;
    while (vlen > 0 && is_blank(*v)) {
        v++;
        vlen--;
    }
    while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || is_blank(v[vlen - 1])))
        vlen--;
    if (vlen >= outlen)
        vlen = outlen - 1;
    memcpy(out, v, vlen);
    out[vlen] = '\0';
    return true;
}

double retry_random(void)
{
    uint32_t x;

    if (getrandom(&x, sizeof(x), 0) != (ssize_t)sizeof(x))
        return 0.5;
    return (double)x / 4294967296.0; /* 2^32: [0, 1) */
}
