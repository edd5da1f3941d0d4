/*
 * clock.h - the two clocks the server reads.
 *
 * Wall time (milliseconds since the epoch) is what gets stored and shown:
 * createdAt, due dates, token expiry.  Monotonic time measures durations
 * and deadlines (timeouts, the scoreboard, health's cache), and never
 * jumps when the wall clock is set.  In development, JOBTUNE_CLOCK_FILE
 * moves the wall clock for the tests (due dates, leases, retention).
 */
#ifndef JT_CLOCK_H
#define JT_CLOCK_H

#include <stdint.h>

/* Wall clock: milliseconds since 1970-01-01T00:00:00Z. */
int64_t clock_wall_ms(void);

/* Monotonic clock, in milliseconds and in microseconds. */
uint64_t clock_mono_ms(void);
uint64_t clock_mono_us(void);

#endif
