/*
 * scheduler.h - the third kind of child: background work on a clock.
 */
#ifndef JT_SCHEDULER_H
#define JT_SCHEDULER_H

/* Run the jobs until told to stop; never returns.  Exits with
 * WORKER_EXIT_INIT when it cannot start. */
void scheduler_main(void) __attribute__((noreturn));

#endif
