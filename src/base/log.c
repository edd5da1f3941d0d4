/*
 * log.c - JSON log lines.
 *
 * Formatting goes into a fixed stack buffer and out in one write(2); a line
 * that would not fit is cut and still closed as valid JSON.  Strings are
 * escaped here, so a route pattern or message can never break the framing.
 */
#include "base/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 2048

static enum log_level min_level = LOG_INFO;
static pid_t cached_pid; /* 0 until first use; log_forked() after fork() */
static const char *const level_names[] = {"debug", "info", "warn", "error"};

struct line {
    char buf[LINE_MAX_BYTES];
    size_t len;
};

void log_forked(void)
{
    cached_pid = getpid();
}

#define PUT_LIT(l, s) put((l), (s), sizeof(s) - 1)

static void put(struct line *l, const char *s, size_t n)
{
    /* Keep room for the closing "}\n". */
    size_t room = sizeof(l->buf) - 2 - l->len;

    if (n > room)
        n = room;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void putf(struct line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void putf(struct line *l, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n > 0)
        put(l, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void put_str(struct line *l, const char *s)
{
    /* stop early enough that the closing quote, '}' and '\n' still fit,
     * and never in the middle of an escape */
    size_t limit = sizeof(l->buf) - 2 - 1 - 6;
    char esc[8];

    PUT_LIT(l, "\"");
    for (; s != NULL && *s != '\0' && l->len < limit; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(l, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            put(l, esc, 6);
        } else {
            put(l, (const char *)&c, 1);
        }
    }
    PUT_LIT(l, "\"");
}

static void begin(struct line *l, enum log_level level)
{
    struct timeval tv;
    struct tm tm;
    char ts[40];

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
    l->len = 0;
    putf(l, "{\"time\":\"%s.%03ldZ\",\"level\":\"%s\",\"pid\":%ld", ts,
         (long)(tv.tv_usec / 1000), level_names[level],
         (long)(cached_pid ? cached_pid : (cached_pid = getpid())));
}

static void finish(struct line *l)
{
    ssize_t w;
    size_t off = 0;

    l->buf[l->len++] = '}';
    l->buf[l->len++] = '\n';
    while (off < l->len) {
        w = write(STDERR_FILENO, l->buf + off, l->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        off += (size_t)w;
    }
}

__attribute__((format(printf, 2, 0)))
static void vmsg(enum log_level level, const char *fmt, va_list ap)
{
    struct line l;
    char msg[1024];
    int saved = errno;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    begin(&l, level);
    PUT_LIT(&l, ",\"msg\":");
    put_str(&l, msg);
    finish(&l);
    errno = saved;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    va_list ap;

    if (level < min_level)
        return;
    va_start(ap, fmt);
    vmsg(level, fmt, ap);
    va_end(ap);
}

void log_access(const struct log_access *a)
{
    struct line l;

    begin(&l, a->status >= 500 ? LOG_ERROR : LOG_INFO);
    PUT_LIT(&l, ",\"request_id\":");
    put_str(&l, a->request_id);
    PUT_LIT(&l, ",\"method\":");
    put_str(&l, a->method);
    PUT_LIT(&l, ",\"route\":");
    put_str(&l, a->route);
    putf(&l, ",\"status\":%d,\"duration_ms\":%.3f,\"db_ops\":%u,\"db_ms\":%.3f", a->status,
         a->duration_ms, a->db_ops, a->db_ms);
    finish(&l);
}

/* The worker and the request a watchdog line is about. */
static void put_worker_request(struct line *l, int pid, const char *request_id,
                               const char *method, const char *route)
{
    putf(l, ",\"worker\":%d", pid);
    PUT_LIT(l, ",\"request_id\":");
    put_str(l, request_id);
    PUT_LIT(l, ",\"method\":");
    put_str(l, method);
    PUT_LIT(l, ",\"route\":");
    put_str(l, route);
}

void log_timeout(int pid, const char *method, const char *route,
                 const char *request_id, uint64_t elapsed_ms, const char *why)
{
    struct line l;

    begin(&l, LOG_ERROR);
    PUT_LIT(&l, ",\"msg\":\"request timeout, worker killed\"");
    put_worker_request(&l, pid, request_id, method, route);
    putf(&l, ",\"elapsed_ms\":%llu", (unsigned long long)elapsed_ms);
    PUT_LIT(&l, ",\"reason\":");
    put_str(&l, why);
    finish(&l);
}

void log_slow(int pid, const char *method, const char *route, const char *request_id,
              const char *phase, uint64_t elapsed_ms)
{
    struct line l;

    begin(&l, LOG_WARN);
    PUT_LIT(&l, ",\"msg\":\"slow request\"");
    put_worker_request(&l, pid, request_id, method, route);
    PUT_LIT(&l, ",\"phase\":");
    put_str(&l, phase);
    putf(&l, ",\"elapsed_ms\":%llu", (unsigned long long)elapsed_ms);
    finish(&l);
}

void fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg(LOG_ERROR, fmt, ap);
    va_end(ap);
    exit(1);
}
