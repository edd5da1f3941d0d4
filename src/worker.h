/*
 * worker.h - a FastCGI worker process.
 *
 * The state every request may use lives in one struct, built after fork in
 * worker_main(): no library state created in the master reaches a child.
 */
#ifndef JT_WORKER_H
#define JT_WORKER_H

struct scoreboard_slot;
struct db;
struct geo;
struct clerk;
struct openai;

struct worker_state {
    struct db *db;
    struct geo *geo; /* NULL: no GeoIP database (GEOIP_DB unset or unusable) */
    struct clerk *clerk; /* keys, JWKS and verified-token caches */
    struct openai *openai; /* the reused curl handle to the text AI */
};

/* Exit status of a worker that could not initialise: the master does not
 * respawn it (a crash loop would not fix a configuration error). */
#define WORKER_EXIT_INIT 78

/* Serve requests on listen_fd until told to stop; never returns. */
void worker_main(int listen_fd, struct scoreboard_slot *slot) __attribute__((noreturn));

#endif
