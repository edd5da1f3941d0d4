/*
 * scheduler.c - the jobs that run on a clock rather than on a request.
 *
 * The master forks one scheduler per host and restarts it like a worker.
 * Time is cut into slots of JOBTUNE_SCHEDULER_PERIOD seconds of wall
 * clock; in each slot every job is run by exactly one host: the one whose
 * lease insert for (job, slot) lands first (store/jobs.h), so several
 * jobtuned hosts on one database never do the same work twice, and a host
 * that dies mid-job has its lease expire with the slot: whoever takes the
 * next one finishes the work, because every job is idempotent.
 *
 * Jobs:
 *   erasures   finish erasures recorded as running and untouched for longer
 *              than a request can take (a DELETE /api/me or a staff
 *              execution that died, or whose Clerk call failed);
 *   overdue    count deletion requests past their 30-day due date: logged,
 *              and kept for /api/health's overduePrivacyRequests;
 *   backfill   tickets stored before ticket_refs existed get their
 *              references, so erasure and the export find them (pages of
 *              200, until none is left), and tickets an older host filed
 *              during a rolling restart their place in the staff's lists
 *              (store/ticket_index.h);
 *   retention  webhook deliveries older than 7 days (erased accounts'
 *              tombstones are a collection of their own and stay), done
 *              erasure records older than a day (the receipts stay), old
 *              leases, and the daily quotas' units of the days before
 *              yesterday.
 *
 * Signals: SIGQUIT finishes the job under way and exits; SIGTERM keeps its
 * default action.  Nothing personal is logged: counts only.
 */
#include "proc/scheduler.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/fault.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "base/meter.h"
#include "flows/erasure.h"
#include "proc/child.h"
#include "proc/worker.h"
#include "store/erasure_claims.h"
#include "store/jobs.h"
#include "store/store.h"
#include "store/tickets.h"
#include "store/usage.h"
#include "store/webhook_events.h"
#include "svc/clerk.h"
#include "svc/ferret_sqlite.h"
#include "svc/services.h"

#define DAY_MS (24LL * 3600 * 1000)
#define STALLED_PAGE 20

static volatile sig_atomic_t quit_requested;

static void on_quit(int sig)
{
    (void)sig;
    quit_requested = 1;
}

/* An erasure finished since the last complete checkpoint. */
static bool checkpoint_owed;

static int run_erasures(struct services *svc, int64_t now)
{
    size_t done = 0, seen = 0;
    int rc = erasure_finish_claims(svc->db, svc->clerk, now, STALLED_PAGE, &done, &seen);

    if (seen > 0)
        log_info("scheduler: finished %zu of %zu erasures (interrupted, or due their second "
                 "pass)", done, seen);
    /* the embedded database: the log's old page images go too (its
     * deleted cells are zeroed by secure_delete; svc/ferret_sqlite.h);
     * a log kept busy by readers is checkpointed again at the next slot */
    checkpoint_owed |= done > 0;
    if (checkpoint_owed && config.ferretdb_sqlite_dir != NULL) {
        bool complete = false;

        if (ferret_sqlite_checkpoint(config.ferretdb_sqlite_dir, config.db_name, &complete) ==
            0)
            checkpoint_owed = !complete;
        if (checkpoint_owed)
            log_info("scheduler: the database's write-ahead log was busy; checkpointing it "
                     "again at the next slot");
    }
    return rc;
}

static int run_overdue(struct services *svc, int64_t now)
{
    int64_t n = 0;
    json_t *value;
    int rc = tickets_count_overdue(svc->db, now, &n);

    if (rc != STORE_OK)
        return rc;
    meter_overdue_privacy(n); /* GET /metrics reads it, never the database */
    if (n > 0)
        log_warn("scheduler: %lld deletion request(s) are past their 30-day due date",
                 (long long)n);
    value = json_integer(n);
    rc = jobs_set_result(svc->db, "overdue", value);
    json_decref(value);
    return rc;
}

static int run_retention(struct services *svc, int64_t now)
{
    int64_t events = 0, claims = 0, leases = 0, units = 0;
    int rc = webhook_events_purge(svc->db, now - 7 * DAY_MS, &events);

    if (rc == STORE_OK)
        rc = erasure_claims_purge_done(svc->db, now - DAY_MS, &claims);
    if (rc == STORE_OK)
        rc = jobs_purge_leases(svc->db, now - DAY_MS, &leases);
    if (rc == STORE_OK)
        rc = usage_purge_before(svc->db, now - DAY_MS, &units);
    if (events + claims + leases + units > 0)
        log_info("scheduler: retention removed %lld webhook deliveries, %lld erasure records, "
                 "%lld leases, %lld quota units of past days", (long long)events,
                 (long long)claims, (long long)leases, (long long)units);
    return rc;
}

static int run_backfill(struct services *svc, int64_t now)
{
    int64_t done = 0, indexed = 0;
    /* one scan for both: a ticket an older host filed during a rolling
     * restart may lack either */
    int rc = tickets_backfill(svc->db, 200, &done, &indexed);

    (void)now;
    if (done > 0)
        log_info("scheduler: gave %lld older ticket(s) their references", (long long)done);
    if (indexed > 0)
        log_info("scheduler: added %lld ticket(s) to the staff's lists", (long long)indexed);
    return rc;
}

static const struct job {
    const char *name;
    int (*run)(struct services *svc, int64_t now);
} jobs[] = {
    {"erasures", run_erasures},
    {"overdue", run_overdue},
    {"retention", run_retention},
    {"backfill", run_backfill},
};

/* Sleep until the wall clock reaches the next slot, or a signal. */
static void wait_for_slot(int64_t period_ms)
{
    int64_t now = clock_wall_ms(), left = period_ms - now % period_ms;
    struct timespec ts = {left / 1000, (left % 1000) * 1000000L};
    sigset_t none;

    sigemptyset(&none);
    if (!quit_requested)
        ppoll(NULL, 0, &ts, &none);
}

void scheduler_main(void)
{
    struct services svc = {0};
    int64_t period_ms = (int64_t)config.scheduler_period * 1000;
    sigset_t block;
    char host[96], err[256];

    child_signals(on_quit);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    prctl(PR_SET_NAME, "jobtuned-sched");
    if (getppid() == 1)
        _exit(0);
    /* SIGQUIT only interrupts the wait between slots, never a job */
    sigemptyset(&block);
    sigaddset(&block, SIGQUIT);
    sigprocmask(SIG_SETMASK, &block, NULL);

    svc.db = store_open(err, sizeof(err));
    svc.clerk = clerk_new();
    if (svc.db == NULL) {
        log_error("scheduler cannot start: %s", err);
        _exit(WORKER_EXIT_INIT);
    }
    if (gethostname(host, sizeof(host) - 16) != 0)
        snprintf(host, sizeof(host), "host");
    snprintf(host + strlen(host), 16, ":%d", (int)getpid());
    log_info("scheduler started: jobs every %d s", config.scheduler_period);

    while (!quit_requested) {
        int64_t now = clock_wall_ms(), slot = now / period_ms;

        for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]) && !quit_requested; i++) {
            bool mine = false;

            if (jobs_lease(svc.db, jobs[i].name, slot, host, &mine) != STORE_OK || !mine)
                continue;
            if (jobs[i].run(&svc, now) != STORE_OK)
                log_warn("scheduler: job %s did not finish; the next slot retries it",
                         jobs[i].name);
        }
        wait_for_slot(period_ms);
    }
    clerk_free(svc.clerk);
    store_close(svc.db);
    child_exit("scheduler", 0);
}
