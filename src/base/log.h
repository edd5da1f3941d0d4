/*
 * log.h - structured JSON lines on stderr.
 *
 * One line per event, written with a single write(2) so lines from several
 * workers sharing stderr never interleave.  Privacy rule: callers pass only
 * what is safe to keep (ids, route patterns, codes, counts); nothing here
 * ever receives a body, an email, a name, a token, a cookie or a query.
 */
#ifndef JT_LOG_H
#define JT_LOG_H

#include <stdint.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Call in every child right after fork(): the pid in log lines is cached. */
void log_forked(void);

/* {"time":..,"level":..,"pid":..,"msg":"<formatted>"} */
void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The per-request access line. */
struct log_access {
    const char *request_id;
    const char *method;
    const char *route;   /* the route pattern, never the raw path */
    int status;
    double duration_ms;
    unsigned db_ops;     /* database operations the request made */
    double db_ms;        /* and their time */
};
void log_access(const struct log_access *a);

/* Master-side report of a worker killed past the request timeout. */
void log_timeout(int pid, const char *method, const char *route,
                 const char *request_id, uint64_t elapsed_ms, const char *why);

/* Master-side report of a request past JOBTUNE_SLOW_MS, still running. */
void log_slow(int pid, const char *method, const char *route, const char *request_id,
              const char *phase, uint64_t elapsed_ms);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* Start-up only: log and exit(1). */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
