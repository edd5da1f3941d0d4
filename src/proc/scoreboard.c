/*
 * scoreboard.c - see scoreboard.h.
 */
#include "proc/scoreboard.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"

const uint64_t scoreboard_bucket_ms[SCOREBOARD_BUCKETS - 1] = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
};

struct scoreboard *scoreboard_new(int n)
{
    size_t size = sizeof(struct scoreboard) + sizeof(struct scoreboard_slot) * (size_t)n;
    struct scoreboard *b = mmap(NULL, size, PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (b == MAP_FAILED)
        fatal("cannot map the scoreboard");
    b->master_pid = getpid();
    b->started_ms = clock_mono_ms();
    b->started_wall_ms = clock_wall_ms();
    b->nslots = n;
    {
        pthread_mutexattr_t a;

        if (pthread_mutexattr_init(&a) != 0 ||
            pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) != 0 ||
            pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) != 0 ||
            pthread_mutex_init(&b->gate, &a) != 0)
            fatal("cannot create the scoreboard's admission lock");
        pthread_mutexattr_destroy(&a);
    }
    return b;
}

void scoreboard_reading(struct scoreboard_slot *s)
{
    snprintf(s->method, sizeof(s->method), "%s", "-");
    snprintf(s->route, sizeof(s->route), "%s", "(reading request)");
    snprintf(s->request_id, sizeof(s->request_id), "%s", "-");
    meter_phase_set(METER_READING);
    __atomic_store_n(&s->busy_since_ms, clock_mono_ms(), __ATOMIC_RELEASE);
}

void scoreboard_idle(struct scoreboard_slot *s)
{
    __atomic_store_n(&s->busy_since_ms, 0, __ATOMIC_RELEASE);
    meter_phase_set(METER_IDLE);
}

void scoreboard_begin(struct scoreboard *b, struct scoreboard_slot *s, const char *method,
                      const char *route, const char *request_id)
{
    uint64_t idle = 0;

    __atomic_add_fetch(&b->accepted, 1, __ATOMIC_RELAXED);
    snprintf(s->method, sizeof(s->method), "%s", method ? method : "-");
    snprintf(s->route, sizeof(s->route), "%s", route ? route : "-");
    snprintf(s->request_id, sizeof(s->request_id), "%s", request_id ? request_id : "-");
    /* only if scoreboard_reading() did not already start the clock */
    __atomic_compare_exchange_n(&s->busy_since_ms, &idle, clock_mono_ms(), false,
                                __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

void scoreboard_set_route(struct scoreboard_slot *s, const char *route)
{
    snprintf(s->route, sizeof(s->route), "%s", route);
}

uint64_t scoreboard_user_hash(const char *user_id)
{
    uint64_t h = 1469598103934665603ULL;

    for (const unsigned char *c = (const unsigned char *)user_id; *c; c++)
        h = (h ^ *c) * 1099511628211ULL;
    return h ? h : 1;
}

enum scoreboard_admission scoreboard_verdict(const struct scoreboard_share *share, int mine,
                                             int all)
{
    if (mine >= share->per_user)
        return SCOREBOARD_USER_BUSY;
    if (all >= share->total || (mine > 0 && all >= share->total - share->reserve))
        return SCOREBOARD_FULL;
    return SCOREBOARD_ADMITTED;
}

enum scoreboard_admission scoreboard_admit(struct scoreboard *b, struct scoreboard_slot *s,
                                           uint64_t user, const struct scoreboard_share *share)
{
    enum scoreboard_admission verdict;
    int mine = 0, all = 0, rc = pthread_mutex_lock(&b->gate);

    /* The owner died inside the few loads and one store below: the board
     * is still whole (every field is written atomically), so carry on. */
    if (rc == EOWNERDEAD)
        pthread_mutex_consistent(&b->gate);
    else if (rc != 0)
        return SCOREBOARD_FULL; /* cannot happen with a valid robust mutex */
    for (int i = 0; i < b->nslots; i++) {
        uint64_t u = &b->slots[i] == s ? 0 : __atomic_load_n(&b->slots[i].slow_user,
                                                              __ATOMIC_ACQUIRE);

        all += u != 0;
        mine += u == user;
    }
    verdict = scoreboard_verdict(share, mine, all);
    if (verdict == SCOREBOARD_ADMITTED)
        __atomic_store_n(&s->slow_user, user, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&b->gate);
    if (verdict == SCOREBOARD_ADMITTED)
        __atomic_add_fetch(&b->admitted, 1, __ATOMIC_RELAXED);
    if (verdict == SCOREBOARD_USER_BUSY)
        __atomic_add_fetch(&b->refused_user, 1, __ATOMIC_RELAXED);
    else if (verdict == SCOREBOARD_FULL)
        __atomic_add_fetch(&b->refused_full, 1, __ATOMIC_RELAXED);
    return verdict;
}

int scoreboard_slow_in_flight(const struct scoreboard *b)
{
    int n = 0;

    for (int i = 0; i < b->nslots; i++)
        n += __atomic_load_n(&b->slots[i].slow_user, __ATOMIC_ACQUIRE) != 0;
    return n;
}

void scoreboard_release(struct scoreboard_slot *s)
{
    __atomic_store_n(&s->slow_user, 0, __ATOMIC_RELEASE);
}

void scoreboard_record(struct scoreboard *b, size_t route, int status, uint64_t us)
{
    struct scoreboard_route *r = &b->routes[route < SCOREBOARD_ROUTES ? route
                                                                     : SCOREBOARD_ROUTES - 1];
    int class = status >= 500 ? 3 : status >= 400 ? 2 : status >= 300 ? 1 : 0;
    size_t bucket = 0;

    while (bucket < SCOREBOARD_BUCKETS - 1 && us > scoreboard_bucket_ms[bucket] * 1000)
        bucket++;
    __atomic_add_fetch(&r->by_class[class], 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&r->buckets[bucket], 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&r->sum_us, us, __ATOMIC_RELAXED);
}

void scoreboard_progress(struct scoreboard_slot *s)
{
    __atomic_store_n(&s->progress_ms, clock_mono_ms(), __ATOMIC_RELEASE);
}

bool scoreboard_overdue(const struct scoreboard_slot *s, uint64_t now, uint64_t limit,
                        uint64_t stream_limit, const char **why)
{
    uint64_t since = scoreboard_busy_since(s);
    uint64_t moved = __atomic_load_n(&s->progress_ms, __ATOMIC_ACQUIRE);

    if (since == 0 || now < since)
        return false;
    if (moved < since) { /* not streaming (or a previous request's mark) */
        *why = "past the request timeout";
        return now - since > limit;
    }
    if (now - since > stream_limit) {
        *why = "a streamed answer past its whole limit";
        return true;
    }
    *why = "a streamed answer that stopped moving";
    return now > moved && now - moved > limit;
}

void scoreboard_end(struct scoreboard_slot *s)
{
    scoreboard_release(s);
    __atomic_store_n(&s->progress_ms, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&s->busy_since_ms, 0, __ATOMIC_RELEASE);
    meter_phase_set(METER_IDLE);
    __atomic_add_fetch(&s->requests, 1, __ATOMIC_RELAXED);
}

uint64_t scoreboard_busy_since(const struct scoreboard_slot *s)
{
    return __atomic_load_n(&s->busy_since_ms, __ATOMIC_ACQUIRE);
}

void scoreboard_accepting(struct scoreboard_slot *s)
{
    __atomic_store_n(&s->accepting, 1, __ATOMIC_RELEASE);
}

bool scoreboard_is_accepting(const struct scoreboard_slot *s)
{
    return __atomic_load_n(&s->accepting, __ATOMIC_ACQUIRE) != 0;
}

void scoreboard_count(uint64_t *counter)
{
    __atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}
