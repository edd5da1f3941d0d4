/*
 * analytics.h - product analytics from the workers to PostHog, through a
 * process of its own, so that PostHog never costs a user's request time.
 *
 *   master   analytics_channel_open() before forking anything: a SOCK_DGRAM
 *            unix socketpair (and a shared counter page) every child
 *            inherits;
 *   worker   analytics_handoff() after FCGX_Finish_r(): one non-blocking
 *            datagram per event; a full socket drops the event and counts it;
 *   child    analytics_main(): the "analytics" child of the master (only
 *            when config.analytics) reads the datagrams into a bounded
 *            queue and sends them in batches (proc/analytics.c).
 */
#ifndef JT_PROC_ANALYTICS_H
#define JT_PROC_ANALYTICS_H

#include <jansson.h>

/* The child's process name (comm), for ps and the tests. */
#define ANALYTICS_PROC_NAME "jobtuned-analyt"

/* Master, before the first fork: open the channel when config.analytics.
 * Exits (fatal) when it cannot. */
void analytics_channel_open(void);

/* Worker, after the response is delivered: hand over `items` (borrowed; an
 * array of {"user": id or absent, "event": PostHog batch entry}, NULL or
 * empty: nothing).  Never blocks. */
void analytics_handoff(json_t *items);

/* The analytics child's body; never returns. */
void analytics_main(void) __attribute__((noreturn));

#endif
