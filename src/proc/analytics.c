/*
 * analytics.c - the hand-over of analytics events and the child that
 * sends them to PostHog (analytics.h).
 *
 * Why a process: a worker hands its request's events over only after the
 * response has gone (FCGX_Finish_r), with one non-blocking send() each on
 * a datagram socket, so a request never waits for analytics; and PostHog,
 * slow, failing or hanging, is this child's problem alone.  The child:
 *
 *   - reads datagrams into a queue of at most QUEUE_MAX events; when it is
 *     full the OLDEST event is dropped and counted (the newest are the
 *     most useful, and the queue's memory is bounded);
 *   - sends batches of at most BATCH_MAX events, at once when the last
 *     batch began a second ago or more, else within the second, with one
 *     batch in flight (libcurl multi, svc/posthog.h: the socket is read
 *     while it travels);
 *   - retries a batch that met a 408, a 429, a 5xx, a timeout or a
 *     connection failure as svc/retry.h's rule and posthog_retry_policy
 *     say: three times, after the wait PostHog's Retry-After asks for (up
 *     to a minute), else after 0.5 to 2 s of jittered backoff; then drops
 *     and counts it.  Another 4xx drops it at once (it would fail again);
 *   - after each delivered batch, appends one processing-record entry
 *     ("posthog", "product analytics") for each user the batch concerns,
 *     unless the account was erased since (its tombstone);
 *   - logs the counts (sent, dropped because the queue or the hand-over
 *     socket was full, dropped after failures) every POSTHOG_REPORT_SECONDS
 *     (60) when one is not zero;
 *   - on SIGQUIT (the master's graceful stop, sent once the workers are
 *     gone, so every event is in the socket) reads what is left and
 *     flushes within FLUSH_MS, then exits; SIGTERM keeps its default.
 *
 * The user id travels in the datagram for the processing record only: the
 * event itself (model/analytics.h) carries the HMAC pseudonym, and the id
 * never goes to PostHog.
 */
#include "proc/analytics.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "base/meter.h"
#include "base/mem.h"
#include "proc/child.h"
#include "proc/worker.h"
#include "store/processing.h"
#include "store/store.h"
#include "store/tombstones.h"
#include "svc/posthog.h"
#include "svc/retry.h"

#define QUEUE_MAX 10000
#define BATCH_MAX 100
#define SEND_EVERY_MS 1000
#define FLUSH_MS 1800   /* of the 2 s a graceful stop gives */
#define DGRAM_MAX 8192  /* an event is a few hundred bytes */
#define SOCKET_BUFFER (1 << 20)

/* What the workers count and the child reports: shared memory. */
struct analytics_shared {
    atomic_ulong handoff_dropped;
};

static int channel[2] = {-1, -1}; /* [0] the child reads, [1] workers send */
static struct analytics_shared *shared;

/* ---- master and workers ------------------------------------------------------------- */

void analytics_channel_open(void)
{
    int size = SOCKET_BUFFER;

    if (!config.analytics)
        return;
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, channel) < 0)
        fatal("analytics socketpair: %s", strerror(errno));
    setsockopt(channel[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
    setsockopt(channel[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                  -1, 0);
    if (shared == MAP_FAILED)
        fatal("analytics counters: %s", strerror(errno));
    atomic_init(&shared->handoff_dropped, 0);
}

void analytics_handoff(json_t *items)
{
    json_t *item;
    size_t i;

    if (channel[1] < 0)
        return;
    json_array_foreach(items, i, item) {
        char *text = json_dumps(item, JSON_COMPACT);
        bool sent = text != NULL && strlen(text) < DGRAM_MAX &&
                    send(channel[1], text, strlen(text), MSG_DONTWAIT) >= 0;

        if (!sent) {
            atomic_fetch_add(&shared->handoff_dropped, 1);
            if (meter_counters() != NULL)
                meter_add(&meter_counters()->analytics_dropped_handoff, 1);
        }
        free(text);
    }
}

/* ---- the child: queue ---------------------------------------------------------------- */

struct item {
    json_t *event; /* the PostHog batch entry */
    char *user;    /* for the processing record; NULL: none */
};

static struct item queue[QUEUE_MAX];
static size_t q_head, q_len;

static struct {
    unsigned long sent, dropped_full, dropped_failed;
} counts;

static void item_free(struct item *it)
{
    json_decref(it->event);
    free(it->user);
    it->event = NULL;
    it->user = NULL;
}

static void enqueue(const char *data, size_t n)
{
    json_t *doc = json_loadb(data, n, 0, NULL), *event = json_object_get(doc, "event");
    const char *user = json_string_value(json_object_get(doc, "user"));
    struct item *slot;

    if (!json_is_object(event)) {
        json_decref(doc);
        return;
    }
    if (q_len == QUEUE_MAX) { /* full: the oldest goes */
        item_free(&queue[q_head]);
        q_head = (q_head + 1) % QUEUE_MAX;
        q_len--;
        counts.dropped_full++;
    }
    slot = &queue[(q_head + q_len) % QUEUE_MAX];
    slot->event = json_incref(event);
    slot->user = user ? mem_strdup(user) : NULL;
    q_len++;
    json_decref(doc);
}

/* Read every datagram waiting. */
static void drain(int fd)
{
    char buf[DGRAM_MAX];
    ssize_t n;

    while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
        enqueue(buf, (size_t)n);
}

/* ---- the child: batches ---------------------------------------------------------------- */

static struct {
    json_t *events;          /* the batch (array), NULL when none */
    char *users[BATCH_MAX];  /* its users, for the record */
    size_t n;
    int failures;
    long last_wait_ms;       /* before the last attempt, 0 = none */
    uint64_t not_before_ms;  /* of the next attempt */
} batch;

static void batch_take(void)
{
    batch.events = json_array();
    batch.n = 0;
    batch.failures = 0;
    batch.last_wait_ms = 0;
    batch.not_before_ms = 0;
    while (q_len > 0 && batch.n < BATCH_MAX) {
        struct item *it = &queue[q_head];

        json_array_append_new(batch.events, it->event);
        batch.users[batch.n++] = it->user;
        it->event = NULL;
        it->user = NULL;
        q_head = (q_head + 1) % QUEUE_MAX;
        q_len--;
    }
}

static void batch_clear(void)
{
    json_decref(batch.events);
    batch.events = NULL;
    for (size_t i = 0; i < batch.n; i++)
        free(batch.users[i]);
    batch.n = 0;
}

/* One processing-record entry for each user of the delivered batch. */
static void batch_record(struct db *db)
{
    for (size_t i = 0; db != NULL && i < batch.n; i++) {
        json_t *entries;
        bool seen = false, erased = false;
        int rc;

        if (batch.users[i] == NULL)
            continue;
        for (size_t j = 0; j < i && !seen; j++)
            seen = batch.users[j] != NULL && strcmp(batch.users[j], batch.users[i]) == 0;
        if (seen)
            continue;
        entries = json_pack("[{s:s, s:s, s:[s], s:o}]", "processor", "posthog", "purpose",
                            "product analytics", "dataCategories",
                            "pseudonymous usage events", "at", store_date(clock_wall_ms()));
        /* refused for an erased account (STORE_ERASED) */
        rc = processing_record(db, batch.users[i], entries);
        json_decref(entries);
        if (rc != STORE_OK && rc != STORE_ERASED)
            log_error("analytics: a processing record entry was not stored (%d)", rc);
        /* this child is not bound by the request timeout, so the erasure's
         * second pass cannot be relied on to come after it: ask again, and
         * take the record back if an erasure began meanwhile (its own pass
         * then finds nothing more of ours) */
        if (rc == STORE_OK && tombstones_has(db, batch.users[i], &erased) == STORE_OK && erased)
            processing_erase_user(db, batch.users[i], NULL);
    }
}

/* GET /metrics' view: the queue's length now, and what `counts` gained
 * since the last call added to the shared totals (the scoreboard's). */
static struct {
    unsigned long sent, dropped_full, dropped_failed;
} published;

static void publish(void)
{
    struct meter_counters *m = meter_counters();

    if (m == NULL)
        return;
    meter_add(&m->analytics_sent, counts.sent - published.sent);
    meter_add(&m->analytics_dropped_full, counts.dropped_full - published.dropped_full);
    meter_add(&m->analytics_dropped_failed, counts.dropped_failed - published.dropped_failed);
    published.sent = counts.sent;
    published.dropped_full = counts.dropped_full;
    published.dropped_failed = counts.dropped_failed;
    __atomic_store_n(&m->analytics_queued, (uint64_t)(q_len + batch.n), __ATOMIC_RELAXED);
}

static void report(void)
{
    unsigned long handoff = atomic_exchange(&shared->handoff_dropped, 0);

    publish();

    if (counts.sent + counts.dropped_full + counts.dropped_failed + handoff == 0)
        return;
    log_info("analytics: %lu events sent, %lu dropped (queue full), %lu dropped (hand-over "
             "full), %lu dropped (delivery failed)", counts.sent, counts.dropped_full, handoff,
             counts.dropped_failed);
    memset(&counts, 0, sizeof(counts));
    memset(&published, 0, sizeof(published));
}

static volatile sig_atomic_t quit_requested;

static void on_quit(int sig)
{
    (void)sig;
    quit_requested = 1;
}

static void install_signals(void)
{
    sigset_t none;

    child_signals(on_quit);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

void analytics_main(void)
{
    struct posthog *ph;
    struct db *db;
    uint64_t last_begin = 0, next_report, deadline = 0;
    char err[256];
    int fd = channel[0];

    install_signals();
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    prctl(PR_SET_NAME, ANALYTICS_PROC_NAME);
    if (getppid() == 1)
        _exit(0);
    close(channel[1]);
    ph = posthog_new();
    db = store_open(err, sizeof(err));
    if (ph == NULL || db == NULL) {
        log_error("analytics cannot start: %s", ph == NULL ? "libcurl failed" : err);
        _exit(WORKER_EXIT_INIT);
    }
    next_report = clock_mono_ms() + (uint64_t)config.posthog_report_s * 1000;

    for (;;) {
        uint64_t now = clock_mono_ms();
        long status = 0, asked = -1, timeout, retry_ms;
        bool ready = false;
        int wait_ms = 100; /* also the bound on noticing a signal */

        if (quit_requested && deadline == 0) {
            deadline = now + FLUSH_MS;
            drain(fd); /* the workers are gone: this is everything */
        }
        if (deadline != 0 && (now >= deadline || (q_len == 0 && batch.events == NULL)))
            break;

        /* begin: a retry that is due, else a new batch */
        if (!posthog_busy(ph) && batch.events == NULL && q_len > 0 &&
            (q_len >= BATCH_MAX || deadline != 0 || now - last_begin >= SEND_EVERY_MS))
            batch_take();
        if (!posthog_busy(ph) && batch.events != NULL &&
            (now >= batch.not_before_ms || deadline != 0)) {
            timeout = config.posthog_timeout_ms;
            if (deadline != 0 && (long)(deadline - now) < timeout)
                timeout = (long)(deadline - now);
            if (posthog_begin(ph, batch.events, timeout < 1 ? 1 : timeout) != 0) {
                counts.dropped_failed += batch.n;
                batch_clear();
            }
            last_begin = now;
        }
        if (!posthog_busy(ph) && batch.events == NULL && q_len > 0 &&
            now - last_begin < SEND_EVERY_MS && q_len < BATCH_MAX)
            wait_ms = (int)(SEND_EVERY_MS - (now - last_begin));
        if (wait_ms > 100)
            wait_ms = 100;

        posthog_wait(ph, fd, wait_ms, &ready);
        if (ready)
            drain(fd);

        switch (posthog_result(ph, &status, &asked)) {
        case POSTHOG_PENDING:
            break;
        case POSTHOG_OK:
            counts.sent += batch.n;
            batch_record(db);
            batch_clear();
            break;
        case POSTHOG_RETRY:
            retry_ms = retry_delay_ms(&posthog_retry_policy, ++batch.failures, asked,
                                      batch.last_wait_ms, RETRY_NO_DEADLINE, retry_random());
            if (retry_ms == RETRY_STOP) {
                log_warn("analytics: a batch of %zu events failed %d time%s (last status %ld); "
                         "dropped", batch.n, batch.failures, batch.failures == 1 ? "" : "s",
                         status);
                counts.dropped_failed += batch.n;
                batch_clear();
            } else {
                batch.not_before_ms = clock_mono_ms() + (uint64_t)retry_ms;
                batch.last_wait_ms = retry_ms;
                if (meter_counters() != NULL)
                    meter_add(&meter_counters()->analytics_retries, 1);
            }
            break;
        case POSTHOG_REJECTED:
            log_warn("analytics: PostHog refused a batch of %zu events (status %ld); dropped",
                     batch.n, status);
            counts.dropped_failed += batch.n;
            batch_clear();
            break;
        }
        publish();
        if (clock_mono_ms() >= next_report) {
            report();
            next_report = clock_mono_ms() + (uint64_t)config.posthog_report_s * 1000;
        }
    }
    /* the flush's time is up: whatever is left is lost, and counted */
    posthog_abort(ph);
    counts.dropped_failed += batch.n + q_len;
    batch_clear();
    while (q_len > 0) {
        item_free(&queue[q_head]);
        q_head = (q_head + 1) % QUEUE_MAX;
        q_len--;
    }
    report();
    log_info("analytics stopped");
    posthog_free(ph);
    store_close(db);
    child_exit("analytics child", 0);
}
