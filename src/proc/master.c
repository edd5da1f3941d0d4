/*
 * master.c - process supervision, after PHP-FPM's process manager.
 *
 * Signals only set flags; the loop waits in ppoll() with them unblocked and
 * acts on the flags afterwards, so no handler ever races the loop:
 *
 *   SIGCHLD          reap; respawn what should be running
 *   SIGTERM, SIGINT  fast stop: TERM to every worker, KILL after 2 s
 *   SIGQUIT          graceful stop: QUIT to every worker (each finishes its
 *                    request, then exits); TERM after the request timeout,
 *                    KILL 2 s later
 *   SIGHUP           rolling restart: a new generation is forked first, then
 *                    the old one is sent QUIT, so someone is always accepting
 *
 * Every TICK_MS (250 ms), and on every signal, the loop wakes and reads the
 * scoreboard: a worker busy for longer than JOBTUNE_REQUEST_TIMEOUT is
 * killed and the route it was serving is logged.  Unexpected deaths count towards a crash
 * guard: more than 3 crashes per worker slot in 10 s delays further respawns
 * with exponential back-off instead of forking in a hot loop.  A worker that
 * exits with WORKER_EXIT_INIT is not respawned at all.
 *
 * The schema (sql/) is applied by a short-lived child before the first
 * workers start; if the database is not up yet the workers start anyway
 * (answering 503) and the master retries the migration every few seconds.
 * Once it is applied, one scheduler child (proc/scheduler.c) runs the
 * background jobs; it is restarted 1 s after it dies, stopped with the
 * workers, and never holds the listening socket.
 *
 * When analytics are on (production with POSTHOG_API_KEY), one analytics
 * child (proc/analytics.c) reads the events the workers hand over on a
 * datagram socketpair opened here before any fork, and sends them to
 * PostHog.  It is supervised like the scheduler (restarted 1 s after it
 * dies), and on a graceful stop it is told to flush (SIGQUIT) only once
 * the workers are gone, so that the events of their last requests are in
 * the socket; a fast stop terminates it with the rest.
 */
#include "proc/master.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "base/meter.h"
#include "proc/analytics.h"
#include "proc/child.h"
#include "proc/migrate.h"
#include "proc/scheduler.h"
#include "proc/scoreboard.h"
#include "proc/status.h"
#include "proc/worker.h"
#include "routes/routes.h"
#include "svc/systemd.h"

#define MAX_CHILDREN 512
#define CRASH_WINDOW_MS 10000
#define STOP_GRACE_MS 2000
#define TICK_MS 250 /* the loop's longest sleep: the timeout check's resolution */

enum child_kind { CHILD_FREE, CHILD_WORKER, CHILD_MIGRATE, CHILD_SCHEDULER, CHILD_ANALYTICS };

struct child {
    enum child_kind kind;
    pid_t pid;
    int generation;
    bool retiring;  /* sent QUIT as part of a reload */
    bool timed_out; /* killed by the timeout check */
};

enum state { RUNNING, STOPPING_GRACEFUL, STOPPING_FAST };

static volatile sig_atomic_t got_chld, got_term, got_quit, got_hup;

static struct child children[MAX_CHILDREN];
static struct scoreboard *board;
static struct scoreboard_slot *scoreboard; /* board->slots */
static int generation = 1;
static enum state state = RUNNING;
static uint64_t stop_deadline_ms;
static bool stop_escalated;

/* crash guard */
static uint64_t crash_times[64];
static size_t crash_next;
static uint64_t respawn_not_before_ms;
static uint64_t scheduler_not_before_ms;
static uint64_t analytics_not_before_ms;
static bool analytics_told; /* sent its SIGQUIT in a graceful stop */
static uint64_t backoff_ms;
static int init_failures; /* consecutive workers that could not initialise */

/* migration */
#define MIGRATE_LIMIT_MS 60000 /* a migration child running longer is killed */
static bool migrated;
static uint64_t next_migrate_ms;
static uint64_t migrate_started_ms;

/* systemd (svc/systemd.h): READY=1 is owed at start and after a reload */
static bool ready_owed = true;
static int reported_accepting = -1;

static void on_signal(int sig)
{
    switch (sig) {
    case SIGCHLD: got_chld = 1; break;
    case SIGTERM: case SIGINT: got_term = 1; break;
    case SIGQUIT: got_quit = 1; break;
    case SIGHUP: got_hup = 1; break;
    }
}

/* ---- socket ------------------------------------------------------------ */

int master_listen(const char *spec)
{
    int fd, one = 1;

    if (strncmp(spec, "unix:", 5) == 0) {
        struct sockaddr_un sun = {.sun_family = AF_UNIX};
        const char *path = spec + 5;

        if (strlen(path) >= sizeof(sun.sun_path))
            fatal("JOBTUNE_LISTEN: the socket path is too long");
        memcpy(sun.sun_path, path, strlen(path) + 1);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            fatal("socket: %s", strerror(errno));
        unlink(path); /* a stale socket from an earlier run */
        if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
            fatal("cannot bind %s: %s", path, strerror(errno));
        if (chmod(path, (mode_t)config.listen_mode) < 0)
            fatal("cannot set the mode of %s: %s", path, strerror(errno));
    } else {
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
        struct addrinfo *res;
        char host[256];
        const char *colon = strrchr(spec, ':');
        int rc;

        if (colon == NULL || (size_t)(colon - spec) >= sizeof(host))
            fatal("JOBTUNE_LISTEN must be unix:/path or host:port");
        memcpy(host, spec, (size_t)(colon - spec));
        host[colon - spec] = '\0';
        rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &res);
        if (rc != 0)
            fatal("JOBTUNE_LISTEN %s: %s", spec, gai_strerror(rc));
        fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            fatal("socket: %s", strerror(errno));
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, res->ai_addr, res->ai_addrlen) < 0)
            fatal("cannot bind %s: %s", spec, strerror(errno));
        freeaddrinfo(res);
    }
    if (listen(fd, 1024) < 0)
        fatal("listen: %s", strerror(errno));
    /* Workers poll, then accept; losers of a race must not block. */
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
        fatal("fcntl: %s", strerror(errno));
    return fd;
}

/* ---- children ---------------------------------------------------------- */

static struct child *child_by_pid(pid_t pid, int *index)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].kind != CHILD_FREE && children[i].pid == pid) {
            *index = i;
            return &children[i];
        }
    return NULL;
}

static int count(enum child_kind kind, bool current_only)
{
    int n = 0;

    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].kind == kind &&
            (!current_only || (!children[i].retiring && children[i].generation == generation)))
            n++;
    return n;
}

static void signal_workers(int sig, bool retiring_only)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].kind == CHILD_WORKER && (!retiring_only || children[i].retiring))
            kill(children[i].pid, sig);
}

static void signal_kind(enum child_kind kind, int sig)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].kind == kind)
            kill(children[i].pid, sig);
}

static void signal_scheduler(int sig)
{
    signal_kind(CHILD_SCHEDULER, sig);
}

static void signal_migration(int sig)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].kind == CHILD_MIGRATE)
            kill(children[i].pid, sig);
}

static void unblock_in_child(void)
{
    sigset_t none;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The first free slot of the children table, or -1. */
static int free_slot(void)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].kind == CHILD_FREE)
            return i;
    return -1;
}

/* The smallest worker number not in use in the current generation. */
static int free_number(void)
{
    for (int n = 1;; n++) {
        bool used = false;

        for (int i = 0; i < MAX_CHILDREN && !used; i++)
            used = children[i].kind == CHILD_WORKER && children[i].generation == generation &&
                   scoreboard[i].number == n;
        if (!used)
            return n;
    }
}

static int spawn_worker(int listen_fd)
{
    int slot = free_slot();
    int number;
    pid_t pid;

    if (slot < 0) {
        log_error("no free worker slot");
        return -1;
    }
    number = free_number();
    memset(&scoreboard[slot], 0, sizeof(scoreboard[slot]));
    scoreboard[slot].number = number;
    scoreboard[slot].generation = generation;
    scoreboard[slot].started_ms = clock_mono_ms();
    pid = fork();
    if (pid < 0) {
        log_error("fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        struct sigaction sa = {.sa_handler = SIG_DFL};

        log_forked();
        sigaction(SIGCHLD, &sa, NULL);
        status_title_set(NULL, "jobtuned: worker %d (generation %d)", number, generation);
        worker_main(listen_fd, board, &scoreboard[slot]);
    }
    scoreboard[slot].pid = pid;
    children[slot] = (struct child){.kind = CHILD_WORKER, .pid = pid, .generation = generation};
    return 0;
}

/* Fork a child that serves no request (the migration, the scheduler): it
 * drops the listening socket and the master's flag-setting handlers.
 * Returns as fork() does, after logging a failure. */
static pid_t fork_helper(int listen_fd)
{
    struct sigaction sa = {.sa_handler = SIG_DFL};
    pid_t pid = fork();

    if (pid < 0)
        log_error("fork: %s", strerror(errno));
    if (pid != 0)
        return pid;
    log_forked();
    close(listen_fd);
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    unblock_in_child();
    return 0;
}

static void spawn_migration(int listen_fd)
{
    int slot = free_slot();
    pid_t pid;

    if (slot < 0 || (pid = fork_helper(listen_fd)) < 0)
        return;
    if (pid == 0) {
        status_title_set(NULL, "jobtuned: migrate");
        child_exit("migration", migrate_run(config.schema_dir));
    }
    children[slot] = (struct child){.kind = CHILD_MIGRATE, .pid = pid};
    migrate_started_ms = clock_mono_ms();
}

/* The scheduler: one per host, started once the schema is applied. */
static void spawn_scheduler(int listen_fd)
{
    int slot = free_slot();
    pid_t pid;

    if (slot < 0 || (pid = fork_helper(listen_fd)) < 0)
        return;
    if (pid == 0) {
        status_title_set(NULL, "jobtuned: scheduler");
        scheduler_main();
    }
    children[slot] = (struct child){.kind = CHILD_SCHEDULER, .pid = pid};
}

/* The analytics child: one per host while analytics are on. */
static void spawn_analytics(int listen_fd)
{
    int slot = free_slot();
    pid_t pid;

    if (slot < 0 || (pid = fork_helper(listen_fd)) < 0)
        return;
    if (pid == 0) {
        status_title_set(NULL, "jobtuned: analytics");
        analytics_main();
    }
    children[slot] = (struct child){.kind = CHILD_ANALYTICS, .pid = pid};
}

static bool crash_guard_trips(uint64_t now)
{
    size_t n = 0, limit = (size_t)config_pool_size() * 3;

    crash_times[crash_next++ % 64] = now;
    for (size_t i = 0; i < 64; i++)
        if (crash_times[i] != 0 && now - crash_times[i] < CRASH_WINDOW_MS)
            n++;
    if (limit > 60)
        limit = 60;
    return n > limit;
}

static void on_exit_of(struct child *c, int index, int status)
{
    struct scoreboard_slot *s = &scoreboard[index];
    uint64_t now = clock_mono_ms();
    bool busy = scoreboard_busy_since(s) != 0;

    scoreboard_release(s); /* a dead worker's admission no longer counts */

    if (c->kind == CHILD_SCHEDULER || c->kind == CHILD_ANALYTICS) {
        const char *what = c->kind == CHILD_SCHEDULER ? "scheduler" : "analytics child";
        uint64_t *not_before = c->kind == CHILD_SCHEDULER ? &scheduler_not_before_ms
                                                          : &analytics_not_before_ms;

        if (state == RUNNING)
            scoreboard_count(&board->helper_restarts[c->kind == CHILD_SCHEDULER ? 0 : 1]);
        if (state == RUNNING && WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_INIT) {
            log_error("the %s failed to initialise; retrying in 5 s", what);
            *not_before = now + 5000;
        } else if (state == RUNNING) {
            log_error("the %s %s %d; restarting it in 1 s", what,
                      WIFSIGNALED(status) ? "died on signal" : "exited with status",
                      WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            *not_before = now + 1000;
        }
        c->kind = CHILD_FREE;
        return;
    }
    if (c->kind == CHILD_MIGRATE) {
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

        if (code == MIGRATE_OK) {
            migrated = true;
            log_info("schema is up to date");
        } else if (code == MIGRATE_INVALID) {
            log_error("the schema files in %s are invalid; not retrying", config.schema_dir);
            migrated = true; /* nothing a retry could fix */
        } else {
            log_warn("schema migration could not run (database unreachable?); retrying");
            next_migrate_ms = now + 3000;
        }
        c->kind = CHILD_FREE;
        return;
    }

    if (!(WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_INIT))
        init_failures = 0; /* this one had started */
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        /* recycled after max_requests, or stopped on request */
        if (state == RUNNING)
            scoreboard_count(&board->restarts[c->retiring ? RESTART_RELOAD
                                                          : RESTART_MAX_REQUESTS]);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_INIT) {
        scoreboard_count(&board->restarts[RESTART_INIT_FAILURE]);
        /* Configuration errors fail every worker the same way: once as
         * many in a row as the pool is large have failed, stop respawning.
         * An isolated failure is retried after a pause. */
        init_failures++;
        log_error("worker %d failed to initialise%s", (int)c->pid,
                  init_failures >= config_pool_size() ? "; not respawning" : "");
        respawn_not_before_ms = now + 1000;
    } else if (c->timed_out) {
        /* already logged by the timeout check */
    } else if (state == RUNNING && !c->retiring) {
        scoreboard_count(&board->crashes);
        scoreboard_count(&board->restarts[RESTART_CRASH]);
        if (WIFSIGNALED(status))
            log_error("worker %d died on signal %d%s%s%s%s", (int)c->pid, WTERMSIG(status),
                      busy ? " while serving " : "", busy ? s->method : "",
                      busy ? " " : "", busy ? s->route : "");
        else
            log_error("worker %d exited with status %d%s%s%s%s", (int)c->pid,
                      WEXITSTATUS(status), busy ? " while serving " : "",
                      busy ? s->method : "", busy ? " " : "", busy ? s->route : "");
        if (!crash_guard_trips(now)) {
            backoff_ms = 0; /* an isolated crash: the next burst starts short */
        } else {
            backoff_ms = backoff_ms ? backoff_ms * 2 : 1000;
            if (backoff_ms > 30000)
                backoff_ms = 30000;
            respawn_not_before_ms = now + backoff_ms;
            log_error("workers are crashing repeatedly; next respawn in %llu ms",
                      (unsigned long long)backoff_ms);
        }
    }
    s->number = 0; /* off the status page */
    s->pid = 0;
    c->kind = CHILD_FREE;
}

static void reap(void)
{
    int status, index;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        struct child *c = child_by_pid(pid, &index);

        if (c != NULL)
            on_exit_of(c, index, status);
    }
}

/*
 * php-fpm's slowlog: a request past JOBTUNE_SLOW_MS is logged once while it
 * still runs, with the phase its worker published (base/meter.h), so the
 * line says where it is slow before the timeout above kills it.  Route
 * pattern, phase, elapsed time and request id only: nothing of the user.
 */
static void log_if_slow(const struct child *c, struct scoreboard_slot *s, uint64_t now)
{
    uint64_t since = scoreboard_busy_since(s);

    if (since == 0 || now < since || now - since <= (uint64_t)config.slow_ms ||
        s->slow_logged == since)
        return;
    s->slow_logged = since;
    log_slow((int)c->pid, s->method, s->route, s->request_id,
             meter_phase_name(__atomic_load_n(&s->phase, __ATOMIC_RELAXED)), now - since);
}

static void check_timeouts(void)
{
    uint64_t now = clock_mono_ms(), limit = (uint64_t)config.request_timeout * 1000;
    uint64_t stream_limit = (uint64_t)config.stream_timeout * 1000;
    const char *why = NULL;

    if (count(CHILD_MIGRATE, false) > 0 && now - migrate_started_ms > MIGRATE_LIMIT_MS) {
        log_warn("schema migration is taking over %d s; killing it to retry",
                 MIGRATE_LIMIT_MS / 1000);
        migrate_started_ms = now; /* once per child */
        signal_migration(SIGKILL);
    }

    for (int i = 0; i < MAX_CHILDREN; i++) {
        struct child *c = &children[i];
        uint64_t since;

        if (c->kind != CHILD_WORKER || c->timed_out)
            continue;
        log_if_slow(c, &scoreboard[i], now);
        if (!scoreboard_overdue(&scoreboard[i], now, limit, stream_limit, &why))
            continue;
        since = scoreboard_busy_since(&scoreboard[i]);
        log_timeout((int)c->pid, scoreboard[i].method, scoreboard[i].route,
                    scoreboard[i].request_id, now - since, why);
        c->timed_out = true;
        scoreboard_count(&board->slow_kills);
        scoreboard_count(&board->restarts[RESTART_TIMEOUT]);
        kill(c->pid, SIGKILL);
    }
}

static void begin_stop(bool graceful)
{
    uint64_t now = clock_mono_ms();

    systemd_stopping(graceful ? "graceful stop" : "fast stop");

    if (graceful) {
        log_info("graceful stop: workers finish their requests");
        state = STOPPING_GRACEFUL;
        stop_deadline_ms = now + (uint64_t)config.request_timeout * 1000;
        signal_workers(SIGQUIT, false);
        signal_scheduler(SIGQUIT);
    } else {
        log_info("fast stop");
        state = STOPPING_FAST;
        stop_deadline_ms = now + STOP_GRACE_MS;
        signal_workers(SIGTERM, false);
        signal_scheduler(SIGTERM);
        signal_kind(CHILD_ANALYTICS, SIGTERM);
    }
    analytics_told = !graceful;
    stop_escalated = false;
    signal_migration(SIGTERM);
}

static void check_stop_deadline(void)
{
    uint64_t now = clock_mono_ms();

    if (now < stop_deadline_ms)
        return;
    if (state == STOPPING_GRACEFUL && !stop_escalated) {
        log_warn("graceful stop timed out; terminating workers");
        signal_workers(SIGTERM, false);
        signal_scheduler(SIGTERM);
        signal_kind(CHILD_ANALYTICS, SIGTERM);
        stop_deadline_ms = now + STOP_GRACE_MS;
        stop_escalated = true;
        return;
    }
    log_warn("children did not stop in time; killing them");
    signal_workers(SIGKILL, false);
    signal_scheduler(SIGKILL);
    signal_kind(CHILD_ANALYTICS, SIGKILL);
    signal_migration(SIGKILL);
    stop_deadline_ms = now + STOP_GRACE_MS;
}

static void reload(int listen_fd)
{
    log_info("rolling restart of %d workers", config_pool_size());
    systemd_reloading("rolling restart");
    ready_owed = true;
    reported_accepting = -1;
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].kind == CHILD_WORKER)
            children[i].retiring = true;
    generation++;
    /* the new generation is accepting before the old one is told to go */
    for (int i = 0; i < config_pool_size(); i++)
        spawn_worker(listen_fd);
    signal_workers(SIGQUIT, true);
}

static void maintain(int listen_fd)
{
    uint64_t now = clock_mono_ms();
    int missing = config_pool_size() - count(CHILD_WORKER, true);

    if (!migrated && count(CHILD_MIGRATE, false) == 0 && now >= next_migrate_ms)
        spawn_migration(listen_fd);
    if (migrated && count(CHILD_SCHEDULER, false) == 0 && now >= scheduler_not_before_ms)
        spawn_scheduler(listen_fd);
    if (config.analytics && count(CHILD_ANALYTICS, false) == 0 &&
        now >= analytics_not_before_ms)
        spawn_analytics(listen_fd);
    if (init_failures >= config_pool_size() || now < respawn_not_before_ms)
        return;
    for (; missing > 0; missing--)
        if (spawn_worker(listen_fd) < 0)
            break;
}

/* Workers of the current generation whose accept loop runs. */
static int count_accepting(void)
{
    int n = 0;

    for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].kind == CHILD_WORKER && !children[i].retiring &&
            children[i].generation == generation && scoreboard_is_accepting(&scoreboard[i]))
            n++;
    return n;
}

/* READY=1 once the first worker of the current generation accepts (at
 * start, and to end a reload); STATUS= whenever the count changes. */
static void report_to_systemd(void)
{
    int n = count_accepting();
    char status[128];

    if (state != RUNNING || n == reported_accepting || (ready_owed && n == 0))
        return;
    snprintf(status, sizeof(status), "%d of %d workers accepting (generation %d)", n,
             config_pool_size(), generation);
    if (ready_owed)
        systemd_ready(status);
    else
        systemd_status(status);
    ready_owed = false;
    reported_accepting = n;
}

/* Wait for the first migration for at most `ms`, reaping as we go. */
static void wait_first_migration(int listen_fd, uint64_t ms)
{
    uint64_t deadline = clock_mono_ms() + ms;
    sigset_t none;

    sigemptyset(&none);
    spawn_migration(listen_fd);
    while (!migrated && count(CHILD_MIGRATE, false) > 0 && clock_mono_ms() < deadline &&
           !got_term && !got_quit) {
        struct timespec ts = {0, 100 * 1000000};

        ppoll(NULL, 0, &ts, &none);
        got_chld = 0;
        reap();
    }
}

int master_run(int listen_fd)
{
    struct sigaction sa;
    sigset_t block, none;

    {
        size_t routes;

        routes_table(&routes); /* one metrics entry each, and one for none */
        if (routes >= SCOREBOARD_ROUTES)
            fatal("the route table has %zu routes; the scoreboard counts %d: raise "
                  "SCOREBOARD_ROUTES", routes, SCOREBOARD_ROUTES - 1);
    }
    board = scoreboard_new(MAX_CHILDREN);
    scoreboard = board->slots;
    meter_attach(&board->meter); /* inherited by every child */
    status_title_set(NULL, "jobtuned: master");
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGQUIT);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, NULL);
    sigemptyset(&none);

    log_info("jobtuned starting: %d workers (%d of them may serve slow routes) on %s (%s)",
             config_pool_size(), config.slow_workers, config.listen,
             config.production ? "production" : "development");
    systemd_status("applying the schema"); /* also keeps NOTIFY_SOCKET from the children */
    if (config.analytics)
        log_info("analytics are on: events go to %s/batch/ after each response",
                 config.posthog_host);
    else
        log_info("analytics are off: %s", config.analytics_off_reason);
    analytics_channel_open();
    wait_first_migration(listen_fd, 10000);

    for (;;) {
        struct timespec ts = {0, TICK_MS * 1000000L};

        if (state == RUNNING)
            maintain(listen_fd);
        ppoll(NULL, 0, &ts, &none);
        if (got_chld) {
            got_chld = 0;
            reap();
        }
        if (got_term) {
            got_term = 0;
            if (state != STOPPING_FAST)
                begin_stop(false);
        }
        if (got_quit) {
            got_quit = 0;
            if (state == RUNNING)
                begin_stop(true);
        }
        if (got_hup) {
            got_hup = 0;
            if (state == RUNNING)
                reload(listen_fd);
        }
        check_timeouts();
        report_to_systemd();
        if (state != RUNNING) {
            /* every event of the last requests is in the socket now */
            if (!analytics_told && count(CHILD_WORKER, false) == 0) {
                signal_kind(CHILD_ANALYTICS, SIGQUIT);
                analytics_told = true;
            }
            if (count(CHILD_WORKER, false) == 0 && count(CHILD_MIGRATE, false) == 0 &&
                count(CHILD_SCHEDULER, false) == 0 && count(CHILD_ANALYTICS, false) == 0)
                break;
            check_stop_deadline();
        } else if (init_failures >= config_pool_size() && count(CHILD_WORKER, false) == 0) {
            log_error("no worker could start; exiting");
            return 1;
        }
    }
    log_info("jobtuned stopped");
    return 0;
}
