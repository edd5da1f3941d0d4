/*
 * scoreboard.c - see scoreboard.h.
 */
#include "proc/scoreboard.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"

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
    return b;
}

void scoreboard_reading(struct scoreboard_slot *s)
{
    snprintf(s->method, sizeof(s->method), "%s", "-");
    snprintf(s->route, sizeof(s->route), "%s", "(reading request)");
    snprintf(s->request_id, sizeof(s->request_id), "%s", "-");
    __atomic_store_n(&s->busy_since_ms, clock_mono_ms(), __ATOMIC_RELEASE);
}

void scoreboard_idle(struct scoreboard_slot *s)
{
    __atomic_store_n(&s->busy_since_ms, 0, __ATOMIC_RELEASE);
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

void scoreboard_end(struct scoreboard_slot *s)
{
    __atomic_store_n(&s->busy_since_ms, 0, __ATOMIC_RELEASE);
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
