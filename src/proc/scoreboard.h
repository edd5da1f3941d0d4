/*
 * scoreboard.h - what each worker is doing, in memory shared with the
 * master (PHP-FPM's scoreboard, reduced to what we use).
 *
 * The master creates it before forking and assigns each child a slot.  The
 * child writes its own slot; the master only reads, to log the route of a
 * worker that crashed or overran the request timeout.  A torn read can only
 * garble a log line, never a decision: `busy_since_ms` alone drives the
 * timeout, and it is written with atomic stores.
 */
#ifndef JT_SCOREBOARD_H
#define JT_SCOREBOARD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct scoreboard_slot {
    pid_t pid;
    uint64_t busy_since_ms; /* 0 = idle; monotonic ms otherwise */
    uint64_t requests;
    int accepting;          /* set once the worker's accept loop runs */
    char method[8];
    char route[80];
    char request_id[48];
};

/* n slots of anonymous shared memory; exits on failure (start-up only). */
struct scoreboard_slot *scoreboard_new(int n);

/* Child side. */
void scoreboard_begin(struct scoreboard_slot *s, const char *method,
                      const char *route, const char *request_id);
/* Once routing is done: the pattern replaces the placeholder route. */
void scoreboard_set_route(struct scoreboard_slot *s, const char *route);
void scoreboard_end(struct scoreboard_slot *s);
/* The worker is initialised and about to accept its first request. */
void scoreboard_accepting(struct scoreboard_slot *s);

/* Master side: 0 when idle. */
uint64_t scoreboard_busy_since(const struct scoreboard_slot *s);
bool scoreboard_is_accepting(const struct scoreboard_slot *s);

#endif
