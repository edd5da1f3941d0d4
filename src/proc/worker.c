/*
 * worker.c - the accept loop of one pre-forked worker.
 *
 * Signals: SIGQUIT asks for a graceful stop.  It is blocked except while
 * the worker waits in ppoll() for a connection, so it can only interrupt
 * the wait, never a request: the request in flight always completes, and
 * the flag is checked before the next accept.  SIGTERM keeps its default
 * action (immediate exit) for the master's fast stop.  The listening socket
 * is non-blocking, so when several workers wake for one connection the
 * losers get EAGAIN from FCGX_Accept_r() and go back to waiting.
 */
#include "proc/worker.h"

#include <errno.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/encode.h"
#include "base/log.h"
#include "base/meter.h"
#include "http/request.h"
#include "proc/analytics.h"
#include "proc/child.h"
#include "proc/metrics.h"
#include "proc/scoreboard.h"
#include "proc/status.h"
#include "routes/routes.h"
#include "store/store.h"
#include "svc/clerk.h"
#include "svc/clerk_token.h"
#include "svc/geo.h"
#include "svc/openai.h"
#include "svc/pdf.h"
#include "svc/sarvam.h"
#include "svc/services.h"

static volatile sig_atomic_t quit_requested;
static struct scoreboard *the_board; /* for status() */

/* The slow routes' share of the pool (scoreboard.h): JOBTUNE_SLOW_WORKERS
 * places (with none of their own, all but one of JOBTUNE_WORKERS, so that
 * one is left for the quick routes), JOBTUNE_SLOW_PER_USER of them one
 * user's, and a quarter of them (at least one when there are two) kept for
 * users who hold none. */
static struct scoreboard_share slow_share(void)
{
    int total = config.slow_workers > 0 ? config.slow_workers
                : config.workers > 1   ? config.workers - 1
                                       : 1;
    struct scoreboard_share share = {total, config.slow_per_user, total / 4};

    if (share.reserve == 0 && share.total >= 2)
        share.reserve = 1;
    return share;
}

/* services.status: the whole board as GET /api/status shows it. */
static json_t *status(void)
{
    struct scoreboard_share share = slow_share();

    return status_json(the_board, &share);
}

/* services.metrics: GET /metrics' exposition of the same board. */
static char *metrics(size_t *len)
{
    struct scoreboard_share share = slow_share();

    return metrics_text(the_board, &share, len);
}

struct gate_ctx {
    struct scoreboard *board;
    struct scoreboard_slot *slot;
};

/* routes_gate.admit: the slow routes' fair share (slow_share()). */
static int admit(void *ctx, const char *user_id)
{
    struct gate_ctx *g = ctx;
    struct scoreboard_share share = slow_share();

    switch (scoreboard_admit(g->board, g->slot, scoreboard_user_hash(user_id ? user_id : ""),
                             &share)) {
    case SCOREBOARD_ADMITTED:
        return 0;
    case SCOREBOARD_USER_BUSY:
        return ROUTES_GATE_USER;
    case SCOREBOARD_FULL:
        break;
    }
    return ROUTES_GATE_FULL;
}

/* routes_gate.refused_quota: counted for GET /api/status. */
static void refused_quota(void *ctx)
{
    struct gate_ctx *g = ctx;

    __atomic_add_fetch(&g->board->refused_quota, 1, __ATOMIC_RELAXED);
}

/* request.progress: a streamed answer moved (the watchdog's clock). */
static void progressed(void *slot)
{
    scoreboard_progress(slot);
}

static void on_quit(int sig)
{
    (void)sig;
    quit_requested = 1;
}

static const char *make_request_id(struct arena *a)
{
    char *id = arena_alloc(a, 33);

    if (id == NULL || encode_random_hex(16, id) != 0)
        return "-";
    return id;
}

/* The path without the query: nginx's DOCUMENT_URI, else REQUEST_URI. */
static const char *request_path(struct request *req)
{
    const char *p = request_env(req, "DOCUMENT_URI");
    const char *uri;

    if (p != NULL && *p != '\0')
        return p;
    uri = request_env(req, "REQUEST_URI");
    if (uri == NULL)
        return "/";
    return arena_strndup(req->arena, uri, strcspn(uri, "?"));
}

/* GET /metrics' index of the request's route: its place in the table,
 * or the last entry for a request that matched none. */
static size_t route_index(const struct request *req)
{
    size_t n;
    const struct route *table = routes_table(&n);

    if (req->match.route == NULL)
        return SCOREBOARD_ROUTES - 1;
    return (size_t)(req->match.route - table);
}

/* Serve one request; returns it (arena memory) for the steps after the
 * response, or NULL when it could not even be allocated. */
static struct request *serve(struct services *svc, FCGX_Request *fcgx, struct arena *arena,
                             struct scoreboard *board, struct scoreboard_slot *slot)
{
    uint64_t t0 = clock_mono_us(), took_us;
    struct request *req = arena_calloc(arena, 1, sizeof(*req));
    struct log_access line;
    struct store_usage used;

    store_usage_reset(svc->db);
    if (req == NULL) {
        FCGX_PutS("Status: 500 Internal Server Error\r\nContent-Type: application/json\r\n\r\n"
                  "{\"error\":{\"code\":\"internal_error\",\"message\":\"Out of memory.\"}}",
                  fcgx->out);
        return NULL;
    }
    req->arena = arena;
    req->started_ms = clock_mono_ms();
    req->svc = svc;
    req->progress = progressed;
    req->progress_ctx = slot;
    req->envp = fcgx->envp;
    req->in = fcgx->in;
    req->out = fcgx->out;
    req->method = request_env(req, "REQUEST_METHOD");
    if (req->method == NULL)
        req->method = "GET";
    req->path = request_path(req);
    req->query = request_env(req, "QUERY_STRING");
    if (req->query == NULL)
        req->query = "";
    req->request_id = request_env(req, "REQUEST_ID");
    if (req->request_id == NULL || *req->request_id == '\0')
        req->request_id = make_request_id(arena);
    req->remote_addr = request_env(req, "REMOTE_ADDR");
    request_parse_content_type(req);

    scoreboard_begin(board, slot, req->method, "-", req->request_id);
    meter_phase_set(METER_HANDLER);
    if (routes_match(req) == 0) {
        struct gate_ctx g = {board, slot};
        struct routes_gate gate = {admit, refused_quota, &g};

        scoreboard_set_route(slot, req->match.route->pattern);
        routes_run(req, &gate);
    }
    request_write(req, fcgx->out);
    /* The answer is written: the slow work is over.  Clear the claim
     * before finish() hands the answer to nginx, or a client that sends its
     * next slow request as soon as it reads this one can reach another
     * worker while the claim still counts, and get a 429 it did not earn. */
    scoreboard_release(slot);

    line.request_id = req->request_id;
    line.method = req->method;
    line.route = req->match.route ? req->match.route->pattern : "-";
    line.status = req->status;
    took_us = clock_mono_us() - t0;
    line.duration_ms = (double)took_us / 1000.0;
    scoreboard_record(board, route_index(req), req->status, took_us);
    store_usage(svc->db, &used);
    line.db_ops = (unsigned)used.ops;
    line.db_ms = (double)used.us / 1000.0;
    log_access(&line);
    return req;
}

/*
 * End the request without libfcgi's lingering close.  By default libfcgi
 * shuts the socket down and then waits for nginx to close its end, which
 * costs this worker a round of scheduling per request.  Once the rest of
 * the input is read (normally just the empty FCGI_STDIN record), nothing
 * more can arrive on a connection nginx does not keep, so a plain close is
 * clean: with the receive queue empty, no reset reaches nginx.  `detached`
 * is the public FCGX_Request field that selects the plain close.
 *
 * A streamed answer that could not be completed (request_stream_fail())
 * must not end with FCGI_END_REQUEST, which nginx would take for a whole
 * response and end with a clean last chunk: the socket's sending side is
 * shut first, so what was sent stays sent and libfcgi's closing records
 * (its last buffer, FCGI_END_REQUEST) fail to go, and nginx sees the
 * connection end early: an upstream error, a failed transfer.
 */
static void finish(FCGX_Request *fcgx, const struct request *req)
{
    char discard[4096];

    if (req != NULL && req->stream_failed) {
        shutdown(fcgx->ipcFd, SHUT_WR);
        fcgx->detached = 1;
        FCGX_Finish_r(fcgx);
        return;
    }
    while (FCGX_GetStr(discard, sizeof(discard), fcgx->in) > 0)
        ;
    if (!FCGX_HasSeenEOF(fcgx->in) || FCGX_GetError(fcgx->in) != 0) {
        FCGX_Finish_r(fcgx); /* something odd: keep libfcgi's careful close */
        return;
    }
    fcgx->detached = 1;
    FCGX_Finish_r(fcgx);
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_quit; /* no SA_RESTART: ppoll must return EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGQUIT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);

    sigaction(SIGUSR1, &sa, NULL);
}

void worker_main(int listen_fd, struct scoreboard *board, struct scoreboard_slot *slot)
{
    struct services svc = {0};
    sigset_t block, waitmask;
    FCGX_Request fcgx;
    struct arena *arena;
    struct request *req;
    long served = 0;
    char err[256];

    install_signals(); /* the master's handlers must not stay installed */
    /* Bodies of up to 10 MB (spoken answers) come and go: with glibc's
     * default, freeing the first raises the mmap threshold above them, the
     * next ones land in the heap, and its fragments keep the worker's RSS
     * growing (measured: +24 MB over 200 answers of 5 MB).  A fixed
     * threshold keeps every large buffer in its own mapping, returned to
     * the kernel when it is freed. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() == 1)
        _exit(0);

    sigemptyset(&block);
    sigaddset(&block, SIGQUIT);
    sigprocmask(SIG_SETMASK, &block, NULL); /* master had more blocked */
    sigemptyset(&waitmask);

    slot->pid = getpid();
    meter_attach_phase(&slot->phase);
    the_board = board;
    svc.status = status;
    svc.metrics = metrics;
    {
        char comm[16];

        snprintf(comm, sizeof(comm), "jobtuned-w%d", slot->number);
        prctl(PR_SET_NAME, comm);
    }
    svc.db = store_open(err, sizeof(err));
    if (svc.db == NULL) {
        log_error("worker cannot start: %s", err);
        _exit(WORKER_EXIT_INIT);
    }
    /* Not fatal: without it the region route answers the default, as for
     * an unknown address.  main.c already reported (and cleared) a bad
     * GEOIP_DB; a failure here means the file changed since. */
    svc.geo = geo_open(config.geoip_db, err, sizeof(err));
    if (svc.geo == NULL && err[0] != '\0')
        log_warn("%s; this worker runs without it", err);
    svc.clerk_token = clerk_token_new();
    svc.clerk = clerk_new();
    svc.openai = openai_new();
    svc.sarvam = sarvam_new();
    /* fonts and Pango loaded now, not during some user's first PDF */
    pdf_warm_up();
    arena = arena_new(16 * 1024);
    if (svc.clerk_token == NULL || svc.clerk == NULL || svc.openai == NULL || svc.sarvam == NULL ||
        arena == NULL || FCGX_Init() != 0 || FCGX_InitRequest(&fcgx, listen_fd, 0) != 0) {
        log_error("worker cannot start: FastCGI initialisation failed");
        _exit(WORKER_EXIT_INIT);
    }
    /* After FCGX_Init(), which installs handlers of its own (SIGTERM among
     * them, which would make the fast stop and PR_SET_PDEATHSIG wait): the
     * dispositions are ours. */
    install_signals();
    scoreboard_accepting(slot); /* the master's readiness signal to systemd */

    while (!quit_requested &&
           (config.max_requests == 0 || served < config.max_requests)) {
        struct pollfd pfd = {.fd = listen_fd, .events = POLLIN};
        int rc = ppoll(&pfd, 1, NULL, &waitmask);

        if (rc < 0) {
            if (errno == EINTR)
                continue;
            log_error("poll on the listening socket failed: %s", strerror(errno));
            break;
        }
        /* FCGX_Accept_r() accepts and then reads the parameters, which a
         * client can leave unfinished: the watchdog covers it from here */
        scoreboard_reading(slot);
        rc = FCGX_Accept_r(&fcgx);
        if (rc < 0) {
            scoreboard_idle(slot);
            if (rc != -EAGAIN && rc != -EWOULDBLOCK && rc != -EINTR && rc != -ECONNABORTED)
                log_warn("accept failed: %s", strerror(-rc));
            continue;
        }
        /* nginx asks to keep the connection (fastcgi_keep_conn on, so that
         * it needs FCGI_END_REQUEST to call an answer complete) but keeps
         * no idle connections (no `keepalive` in its upstream): libfcgi
         * would wait on this one for a next request instead of accepting,
         * so each connection is closed after its request, as before */
        fcgx.keepConnection = 0;
        req = serve(&svc, &fcgx, arena, board, slot);
        finish(&fcgx, req);
        /* the response is delivered: analytics cost the user nothing */
        if (req != NULL)
            analytics_handoff(req->analytics);
        arena_reset(arena);
        scoreboard_end(slot);
        served++;
    }
    FCGX_Free(&fcgx, 0);
    arena_free(arena);
    geo_close(svc.geo);
    clerk_token_free(svc.clerk_token);
    clerk_free(svc.clerk);
    openai_free(svc.openai);
    sarvam_free(svc.sarvam);
    store_close(svc.db);
    child_exit("worker", 0);
}
