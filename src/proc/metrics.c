/*
 * metrics.c - GET /metrics' exposition (see metrics.h), after nginx's
 * stub_status and php-fpm's status page, in the format Prometheus scrapes.
 *
 * Every number is already in the shared scoreboard (proc/scoreboard.h,
 * base/meter.h), kept by the workers, the master, the scheduler and the
 * analytics child with atomic adds; this file only reads and prints them.
 * Labels come from closed sets only: the route table's methods and
 * patterns (plus "(unmatched)" for requests that found no route), status
 * classes, phases, causes and outcomes, never anything a client sent, so
 * the number of series is fixed by the code.  Counters are process-wide
 * since the master started; a reading torn by a concurrent add is at most
 * one request behind, as on the status page.
 */
#include "proc/metrics.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/meter.h"
#include "http/router.h"
#include "proc/scoreboard.h"
#include "routes/routes.h"
#include "svc/ferret_sqlite.h"

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static void head(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: route patterns hold no backslash, quote or newline, but
 * the format's escaping is applied all the same. */
static void label(FILE *f, const char *value)
{
    for (const char *c = value; *c; c++) {
        if (*c == '\\' || *c == '"')
            fputc('\\', f);
        if (*c == '\n')
            fputs("\\n", f);
        else
            fputc(*c, f);
    }
}

static void route_labels(FILE *f, const struct route *r)
{
    fputs("method=\"", f);
    label(f, r ? r->method : "-");
    fputs("\",route=\"", f);
    label(f, r ? r->pattern : "(unmatched)");
    fputc('"', f);
}

static void seconds(FILE *f, uint64_t us)
{
    fprintf(f, "%llu.%06llu", (unsigned long long)(us / 1000000),
            (unsigned long long)(us % 1000000));
}

static void requests(FILE *f, const struct scoreboard *b)
{
    static const char *const classes[4] = {"2xx", "3xx", "4xx", "5xx"};
    size_t n;
    const struct route *table = routes_table(&n);

    head(f, "jobtune_http_requests_total", "counter",
         "Requests answered, by route pattern and status class.");
    for (size_t i = 0; i <= n; i++) {
        const struct scoreboard_route *r = &b->routes[i < n ? i : SCOREBOARD_ROUTES - 1];

        for (int c = 0; c < 4; c++) {
            fputs("jobtune_http_requests_total{", f);
            route_labels(f, i < n ? &table[i] : NULL);
            fprintf(f, ",status=\"%s\"} %llu\n", classes[c],
                    (unsigned long long)LOAD(r->by_class[c]));
        }
    }
    head(f, "jobtune_http_request_duration_seconds", "histogram",
         "Time from the request's start to its answer written, by route.");
    for (size_t i = 0; i <= n; i++) {
        const struct scoreboard_route *r = &b->routes[i < n ? i : SCOREBOARD_ROUTES - 1];
        uint64_t cumulative = 0;

        for (int k = 0; k < SCOREBOARD_BUCKETS; k++) {
            cumulative += LOAD(r->buckets[k]);
            fputs("jobtune_http_request_duration_seconds_bucket{", f);
            route_labels(f, i < n ? &table[i] : NULL);
            if (k < SCOREBOARD_BUCKETS - 1)
                fprintf(f, ",le=\"%g\"} %llu\n", (double)scoreboard_bucket_ms[k] / 1000.0,
                        (unsigned long long)cumulative);
            else
                fprintf(f, ",le=\"+Inf\"} %llu\n", (unsigned long long)cumulative);
        }
        fputs("jobtune_http_request_duration_seconds_sum{", f);
        route_labels(f, i < n ? &table[i] : NULL);
        fputs("} ", f);
        seconds(f, LOAD(r->sum_us));
        fputc('\n', f);
        fputs("jobtune_http_request_duration_seconds_count{", f);
        route_labels(f, i < n ? &table[i] : NULL);
        fprintf(f, "} %llu\n", (unsigned long long)cumulative);
    }
}

static void workers(FILE *f, const struct scoreboard *b)
{
    int by_phase[METER_PHASES] = {0};

    for (int i = 0; i < b->nslots; i++) {
        const struct scoreboard_slot *s = &b->slots[i];
        int phase = LOAD(s->phase);

        if (s->number <= 0 || s->pid <= 0)
            continue;
        if (scoreboard_busy_since(s) == 0)
            phase = METER_IDLE;
        else if (phase <= METER_IDLE || phase >= METER_PHASES)
            phase = METER_HANDLER;
        by_phase[phase]++;
    }
    head(f, "jobtune_workers", "gauge", "Worker processes, by what they are doing now.");
    for (int p = 0; p < METER_PHASES; p++)
        fprintf(f, "jobtune_workers{state=\"%s\"} %d\n", meter_phase_name(p), by_phase[p]);
}

static void restarts(FILE *f, const struct scoreboard *b)
{
    static const char *const causes[RESTART_CAUSES] = {
        "crash", "timeout", "max_requests", "reload", "init_failure",
    };

    head(f, "jobtune_worker_restarts_total", "counter", "Workers replaced, by cause.");
    for (int c = 0; c < RESTART_CAUSES; c++)
        fprintf(f, "jobtune_worker_restarts_total{cause=\"%s\"} %llu\n", causes[c],
                (unsigned long long)LOAD(b->restarts[c]));
    head(f, "jobtune_child_restarts_total", "counter",
         "The scheduler and the analytics child restarted after they died.");
    fprintf(f, "jobtune_child_restarts_total{child=\"scheduler\"} %llu\n",
            (unsigned long long)LOAD(b->helper_restarts[0]));
    fprintf(f, "jobtune_child_restarts_total{child=\"analytics\"} %llu\n",
            (unsigned long long)LOAD(b->helper_restarts[1]));
}

static void admission(FILE *f, const struct scoreboard *b, const struct scoreboard_share *share)
{
    head(f, "jobtune_slow_admissions_total", "counter",
         "Requests to slow routes admitted or refused (429) by the fair share.");
    fprintf(f, "jobtune_slow_admissions_total{outcome=\"admitted\"} %llu\n",
            (unsigned long long)LOAD(b->admitted));
    fprintf(f, "jobtune_slow_admissions_total{outcome=\"refused_user_busy\"} %llu\n",
            (unsigned long long)LOAD(b->refused_user));
    fprintf(f, "jobtune_slow_admissions_total{outcome=\"refused_full\"} %llu\n",
            (unsigned long long)LOAD(b->refused_full));
    head(f, "jobtune_quota_refusals_total", "counter", "Requests refused by a per-user quota.");
    fprintf(f, "jobtune_quota_refusals_total %llu\n", (unsigned long long)LOAD(b->refused_quota));
    head(f, "jobtune_slow_in_flight", "gauge", "Slow requests being served now.");
    fprintf(f, "jobtune_slow_in_flight %d\n", scoreboard_slow_in_flight(b));
    head(f, "jobtune_slow_places", "gauge", "Slow requests that may run at once.");
    fprintf(f, "jobtune_slow_places %d\n", share->total);
}

static void database(FILE *f, const struct meter_counters *m)
{
    head(f, "jobtune_db_operations_total", "counter", "Database operations, every process.");
    fprintf(f, "jobtune_db_operations_total %llu\n", (unsigned long long)LOAD(m->db_ops));
    head(f, "jobtune_db_operation_seconds_total", "counter", "Time spent in them.");
    fputs("jobtune_db_operation_seconds_total ", f);
    seconds(f, LOAD(m->db_us));
    fputc('\n', f);
    head(f, "jobtune_db_unavailable_total", "counter",
         "Operations that found the database away (503).");
    fprintf(f, "jobtune_db_unavailable_total %llu\n", (unsigned long long)LOAD(m->db_down));
}

static void analytics(FILE *f, const struct meter_counters *m)
{
    head(f, "jobtune_analytics_queue_length", "gauge", "Events waiting to be sent to PostHog.");
    fprintf(f, "jobtune_analytics_queue_length %llu\n",
            (unsigned long long)LOAD(m->analytics_queued));
    head(f, "jobtune_analytics_events_sent_total", "counter", "Events PostHog accepted.");
    fprintf(f, "jobtune_analytics_events_sent_total %llu\n",
            (unsigned long long)LOAD(m->analytics_sent));
    head(f, "jobtune_analytics_events_dropped_total", "counter", "Events dropped, by reason.");
    fprintf(f, "jobtune_analytics_events_dropped_total{reason=\"handoff_full\"} %llu\n",
            (unsigned long long)LOAD(m->analytics_dropped_handoff));
    fprintf(f, "jobtune_analytics_events_dropped_total{reason=\"queue_full\"} %llu\n",
            (unsigned long long)LOAD(m->analytics_dropped_full));
    fprintf(f, "jobtune_analytics_events_dropped_total{reason=\"delivery_failed\"} %llu\n",
            (unsigned long long)LOAD(m->analytics_dropped_failed));
    head(f, "jobtune_analytics_retries_total", "counter", "Batches sent again after a failure.");
    fprintf(f, "jobtune_analytics_retries_total %llu\n",
            (unsigned long long)LOAD(m->analytics_retries));
}

static void privacy(FILE *f, const struct meter_counters *m)
{
    static const char *const outcomes[METER_ERASURES] = {
        "completed", "repeated", "pending", "failed",
    };
    int64_t overdue = LOAD(m->overdue_privacy);

    head(f, "jobtune_erasures_total", "counter", "Account erasures, by outcome.");
    for (int o = 0; o < METER_ERASURES; o++)
        fprintf(f, "jobtune_erasures_total{outcome=\"%s\"} %llu\n", outcomes[o],
                (unsigned long long)LOAD(m->erasures[o]));
    /* the scheduler's last count on this host; absent until it has run */
    head(f, "jobtune_overdue_privacy_requests", "gauge",
         "Deletion requests past their 30-day due date, as the scheduler last counted.");
    if (overdue >= 0)
        fprintf(f, "jobtune_overdue_privacy_requests %lld\n", (long long)overdue);
}

char *metrics_text(const struct scoreboard *b, const struct scoreboard_share *share,
                   size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);

    if (f == NULL)
        return NULL;
    head(f, "jobtune_build_info", "gauge", "The running build: always 1.");
    fprintf(f, "jobtune_build_info{version=\"%s\",sqlite=\"%s\"} 1\n", PACKAGE_VERSION,
            ferret_sqlite_version());
    head(f, "jobtune_start_time_seconds", "gauge", "When the master started, Unix time.");
    fprintf(f, "jobtune_start_time_seconds %llu\n",
            (unsigned long long)(b->started_wall_ms / 1000));
    requests(f, b);
    workers(f, b);
    restarts(f, b);
    admission(f, b, share);
    database(f, &b->meter);
    analytics(f, &b->meter);
    privacy(f, &b->meter);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}
