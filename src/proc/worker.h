/*
 * worker.h - a FastCGI worker process.
 *
 * The services every request may use (svc/services.h) are built after
 * fork in worker_main(): no library state created in the master reaches a
 * child.
 */
#ifndef JT_WORKER_H
#define JT_WORKER_H

struct scoreboard;
struct scoreboard_slot;

/* Exit status of a worker that could not initialise: the master does not
 * respawn it (a crash loop would not fix a configuration error). */
#define WORKER_EXIT_INIT 78

/* Serve requests on listen_fd until told to stop; never returns. */
/* `board` is the whole shared scoreboard (read for GET /api/status),
 * `slot` this worker's own entry in it. */
void worker_main(int listen_fd, struct scoreboard *board, struct scoreboard_slot *slot) __attribute__((noreturn));

#endif
