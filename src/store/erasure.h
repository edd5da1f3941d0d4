/*
 * erasure.h - one pass over every collection that holds a user's data.
 *
 * The one place that knows every collection holding a user's personal
 * data: each later feature that stores some adds its store's erase call
 * here, so Clerk's user.deleted, DELETE /api/me, staff-handled deletion
 * requests and the scheduler all erase the same things.  The workflow
 * around it (the claim, Clerk, the receipt, the second pass) is
 * flows/erasure.c's.
 */
#ifndef JT_ERASURE_H
#define JT_ERASURE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/* Told, for each object known to exist, its id just before it is deleted
 * (id set, n 1), and for the collections counted as a whole, how many were
 * deleted (id NULL): so a pass cut short leaves the counts of what it did. */
typedef void (*erasure_step_fn)(const char *what, const char *id, int64_t n, void *arg);

/*
 * One pass over user_id's data: the tombstone first (every later request
 * of the user is refused at sign-in), the directory sealed (every create
 * and list edit still in flight is refused from here on, and the seal
 * names everything listed before it), then tickets, resumes with their
 * tailorings, interviews, the processing record and the users document
 * (the only place the email is known from, so last).  `last`: also remove
 * the tickets' refs and the sealed directory (the second pass, once no request that began
 * before the tombstone can still be running).  Idempotent: repeating it
 * finishes an interrupted pass.  step (may be NULL) hears each deletion.
 * email_key (tickets.h tickets_email_key(); NULL or "" for none) finds
 * the refs of the account's address once the users document, the only
 * place the address itself is kept, is gone.
 */
int erasure_run(struct db *db, const char *user_id, const char *email_key, bool last,
                erasure_step_fn step, void *arg);

#endif
