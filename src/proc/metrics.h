/*
 * metrics.h - the scoreboard as GET /metrics shows it: the Prometheus text
 * exposition format, version 0.0.4.
 */
#ifndef JT_METRICS_H
#define JT_METRICS_H

#include <stddef.h>

struct scoreboard;
struct scoreboard_share;

/* The whole exposition (malloc'd, the caller frees; *len its length), or
 * NULL when out of memory.  Reads the board only: no lock, no database,
 * no file (a scrape costs the same however often it comes). */
char *metrics_text(const struct scoreboard *b, const struct scoreboard_share *share,
                   size_t *len);

#endif
