/*
 * scoreboard.h - what the master and each worker are doing, in memory
 * shared between them (PHP-FPM's scoreboard, reduced to what we use).
 *
 * The master creates it before forking: one header of master-wide counters
 * followed by one slot per possible child.  The master fills a worker's
 * identity (number, generation, start time) before the fork; the child
 * then writes its own slot's request fields, and bumps the shared
 * `accepted` counter with an atomic add.  The master only reads slots, to
 * log the route of a worker that crashed or overran the request timeout,
 * and it alone writes `crashes` and `slow_kills`.  Any worker reads the
 * whole board for GET /api/status.  A torn read can only garble a log line
 * or a status field, never a decision: `busy_since_ms` alone drives the
 * timeout, and it is written with atomic stores.
 *
 * Admission of slow routes (those that wait on an outside service or do
 * seconds of local work) is the one decision taken across workers: a
 * slot's `slow_user` holds a hash of the user id while its worker
 * serves a slow route.  scoreboard_admit() counts the other slots and
 * claims its own under the header's `gate`, a process-shared robust mutex
 * (a worker killed while holding it hands it on to the next locker, see
 * scoreboard.c), so two workers cannot both take the last place.  The
 * worker clears its claim at scoreboard_end(); the master clears a dead
 * worker's claim when it reaps it.
 *
 * GET /metrics reads the same memory (proc/metrics.c): each worker adds
 * its requests to its route's entry in `routes` and publishes its phase
 * in its slot (base/meter.h), every process adds to `meter`, the master
 * counts `restarts`; all with atomic adds.  The master reads the phase of
 * a request past JOBTUNE_SLOW_MS for the slow-request log, and keeps in
 * `slow_logged` which request it logged, so each is logged once.
 *
 * The share is fair by construction: a user holds at most per_user
 * places, and the last `reserve` places go only to a user who holds none,
 * so however many requests one user (or a few) keep sending, another
 * user's first slow request finds a place.
 */
#ifndef JT_SCOREBOARD_H
#define JT_SCOREBOARD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/meter.h"

/* GET /metrics' per-route counts: one entry per route of the table
 * (routes_table() order) and a last one for requests that matched none.
 * The duration histogram's upper bounds, in ms, and +Inf after them. */
#define SCOREBOARD_ROUTES 128
#define SCOREBOARD_BUCKETS 14
extern const uint64_t scoreboard_bucket_ms[SCOREBOARD_BUCKETS - 1];

struct scoreboard_route {
    uint64_t by_class[4];                  /* 2xx, 3xx, 4xx, 5xx */
    uint64_t buckets[SCOREBOARD_BUCKETS];  /* not cumulative: each its own range */
    uint64_t sum_us;
};

/* Why a worker was replaced (restarts[]). */
enum scoreboard_restart {
    RESTART_CRASH,        /* died unexpectedly */
    RESTART_TIMEOUT,      /* killed past JOBTUNE_REQUEST_TIMEOUT */
    RESTART_MAX_REQUESTS, /* recycled after JOBTUNE_MAX_REQUESTS */
    RESTART_RELOAD,       /* retired by a rolling restart */
    RESTART_INIT_FAILURE, /* could not initialise */
    RESTART_CAUSES
};

struct scoreboard_slot {
    pid_t pid;
    int number;             /* worker number in its generation, 1..; 0 = no worker */
    int generation;
    uint64_t started_ms;    /* monotonic ms at fork */
    uint64_t busy_since_ms; /* 0 = idle; monotonic ms otherwise */
    uint64_t progress_ms;   /* a streamed answer's last piece; 0 = not streaming */
    uint64_t requests;
    int accepting;          /* set once the worker's accept loop runs */
    uint64_t slow_user; /* user hash while serving a slow route; 0 = none */
    int phase;              /* enum meter_phase, the worker's own stores */
    uint64_t slow_logged;   /* master only: busy_since_ms of the request last logged slow */
    char method[8];
    char route[80];
    char request_id[48];
};

struct scoreboard {
    pid_t master_pid;
    uint64_t started_ms;    /* monotonic ms when the master started */
    uint64_t started_wall_ms;
    uint64_t accepted;      /* requests accepted by any worker since start */
    uint64_t crashes;       /* workers that died unexpectedly */
    uint64_t slow_kills;    /* workers killed past JOBTUNE_REQUEST_TIMEOUT */
    uint64_t refused_user;  /* slow requests refused: the user had per_user in flight */
    uint64_t refused_full;  /* slow requests refused: no place left for this user */
    uint64_t refused_quota; /* requests refused by a per-user quota (routes/quota.c) */
    uint64_t admitted;      /* slow requests admitted */
    uint64_t restarts[RESTART_CAUSES]; /* master only: workers replaced, by cause */
    uint64_t helper_restarts[2];       /* master only: the scheduler, the analytics child */
    struct meter_counters meter;       /* every process: see base/meter.h */
    struct scoreboard_route routes[SCOREBOARD_ROUTES];
    pthread_mutex_t gate;   /* process-shared, robust: serialises admissions */
    int nslots;
    struct scoreboard_slot slots[];
};

/* A header and n slots of anonymous shared memory; exits on failure
 * (start-up only). */
struct scoreboard *scoreboard_new(int n);

/* Child side.  The watchdog's clock starts at scoreboard_reading(), just
 * before the accept, so that reading the FastCGI records (parameters a
 * client may never finish) counts against JOBTUNE_REQUEST_TIMEOUT too;
 * scoreboard_idle() stops it when the accept found no connection. */
void scoreboard_reading(struct scoreboard_slot *s);
void scoreboard_idle(struct scoreboard_slot *s);
/* Labels the request; keeps the clock scoreboard_reading() started. */
void scoreboard_begin(struct scoreboard *b, struct scoreboard_slot *s, const char *method,
                      const char *route, const char *request_id);
/* Once routing is done: the pattern replaces the placeholder route. */
void scoreboard_set_route(struct scoreboard_slot *s, const char *route);
void scoreboard_end(struct scoreboard_slot *s);
/* The worker is initialised and about to accept its first request. */
void scoreboard_accepting(struct scoreboard_slot *s);

enum scoreboard_admission {
    SCOREBOARD_ADMITTED,
    SCOREBOARD_USER_BUSY, /* the user already has per_user slow requests in flight */
    SCOREBOARD_FULL,      /* no place left that this user may take */
};

/* The limits of scoreboard_admit(). */
struct scoreboard_share {
    int total;    /* slots that may serve slow routes at once */
    int per_user; /* of which one user's */
    int reserve;  /* of which kept for users who hold none */
};

/* A stable, non-zero 64-bit hash of a user id (FNV-1a). */
uint64_t scoreboard_user_hash(const char *user_id);
/* Admit slot s to a slow request of user (a scoreboard_user_hash()) when
 * the user holds fewer than share->per_user places and a place is left for
 * them: any of share->total for a user who holds none, all but the last
 * share->reserve otherwise.  On admission the slot is claimed until
 * scoreboard_end() or scoreboard_release().  A pure verdict first, for the
 * unit tests: */
enum scoreboard_admission scoreboard_verdict(const struct scoreboard_share *share, int mine,
                                             int all);
enum scoreboard_admission scoreboard_admit(struct scoreboard *b, struct scoreboard_slot *s,
                                           uint64_t user, const struct scoreboard_share *share);
/* Slots serving a slow request now. */
int scoreboard_slow_in_flight(const struct scoreboard *b);
/* Drop s's claim (also what the master does for a worker that died). */
void scoreboard_release(struct scoreboard_slot *s);

/* Worker side, once the answer is sent: route index (routes_table()
 * order, or the last entry for none), status and duration. */
void scoreboard_record(struct scoreboard *b, size_t route, int status, uint64_t us);

/* A piece of a streamed answer went out (request.h's progress hook). */
void scoreboard_progress(struct scoreboard_slot *s);

/*
 * Master side: 0 when idle.  A request is overdue once it has run for
 * `limit` ms, except a streamed answer that keeps sending: that one is
 * overdue once no piece went out for `limit` ms, or once it has run for
 * `stream_limit` ms in all.  The reason goes to *why (static text).
 */
uint64_t scoreboard_busy_since(const struct scoreboard_slot *s);
bool scoreboard_overdue(const struct scoreboard_slot *s, uint64_t now, uint64_t limit,
                        uint64_t stream_limit, const char **why);
bool scoreboard_is_accepting(const struct scoreboard_slot *s);

/* Master side: count a crash or a slow-request kill. */
void scoreboard_count(uint64_t *counter);

#endif
