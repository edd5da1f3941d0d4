/*
 * status.h - the scoreboard as GET /api/status shows it, and the process
 * titles that let `ps` tell the master, workers and scheduler apart.
 */
#ifndef JT_STATUS_H
#define JT_STATUS_H

#include <jansson.h>

struct scoreboard;
struct scoreboard_share;

/* The board (borrowed) as a JSON document, with the slow routes' share
 * and its refusals: new reference, NULL when out of memory.  Reads
 * /proc/<pid>/statm of each worker for its RSS. */
json_t *status_json(const struct scoreboard *b, const struct scoreboard_share *share);

/*
 * Process titles.  status_title_init() must run in main() before anything
 * keeps a pointer into the environment (config_load): it moves the
 * environment to the heap, so that the title may use the whole argv and
 * environ area.  status_title_set() overwrites that area (what ps and
 * /proc/<pid>/cmdline show) and sets the 15-character kernel name (comm,
 * what top shows) to `comm` when it is not NULL.
 */
void status_title_init(int argc, char **argv);
void status_title_set(const char *comm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
