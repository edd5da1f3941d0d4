/*
 * fault.h - crash points for the tests.
 *
 * fault_point("name") kills the calling process with SIGKILL when
 * JOBTUNE_FAULT names that point (a comma-separated list) and JOBTUNE_ENV
 * is development; production never reads the variable.  "name@N" kills at
 * the Nth time the process reaches the point (one counted point per run).  The tests use it
 * to kill a worker between two writes and prove that what follows repairs
 * the data.
 */
#ifndef JT_FAULT_H
#define JT_FAULT_H

#include <stdbool.h>

void fault_point(const char *name);

/* Does JOBTUNE_FAULT name this point (development only)?  For faults that
 * are not a crash: svc/db.c's "lost_ack:<collection>" makes an insert that
 * was applied answer as if its acknowledgement was lost (DB_DOWN). */
bool fault_active(const char *name);

#endif
