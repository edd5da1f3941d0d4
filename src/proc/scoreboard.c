/*
 * scoreboard.c - see scoreboard.h.
 */
#include "proc/scoreboard.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "base/clock.h"
#include "base/log.h"

struct scoreboard_slot *scoreboard_new(int n)
{
    void *p = mmap(NULL, sizeof(struct scoreboard_slot) * (size_t)n,
                   PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        fatal("cannot map the scoreboard");
    return p;
}

void scoreboard_begin(struct scoreboard_slot *s, const char *method,
                      const char *route, const char *request_id)
{
    snprintf(s->method, sizeof(s->method), "%s", method ? method : "-");
    snprintf(s->route, sizeof(s->route), "%s", route ? route : "-");
    snprintf(s->request_id, sizeof(s->request_id), "%s", request_id ? request_id : "-");
    __atomic_store_n(&s->busy_since_ms, clock_mono_ms(), __ATOMIC_RELEASE);
}

void scoreboard_set_route(struct scoreboard_slot *s, const char *route)
{
    snprintf(s->route, sizeof(s->route), "%s", route);
}

void scoreboard_end(struct scoreboard_slot *s)
{
    __atomic_store_n(&s->busy_since_ms, 0, __ATOMIC_RELEASE);
    s->requests++;
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
