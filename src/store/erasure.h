/*
 * erasure.h - erasing everything a user has.
 *
 * The one place that knows every collection holding a user's personal
 * data: each later feature that stores some (interviews, ...) adds its
 * store's erase call here, so Clerk's user.deleted, DELETE /api/me and
 * staff-handled deletion requests all erase the same things.
 */
#ifndef JT_ERASURE_H
#define JT_ERASURE_H

#include <jansson.h>

struct db;

/*
 * Erase user_id: the tombstone first (no session or late event can bring
 * the account back while it goes), then tickets, tailorings and resumes,
 * interviews,
 * the directory, and the users document last (the only place the email
 * is known from), so an interrupted erasure is finished by running it
 * again.  Idempotent.  counts_out (borrowed, may be NULL) receives
 * {"users","tickets","resumes","tailorings","interviews"}: documents deleted.
 */
int erasure_run(struct db *db, const char *user_id, json_t *counts_out);

struct clerk;

/* erasure_complete(): the Clerk account could not be deleted yet (the
 * erasure stays recorded as running; a retry or the scheduler finishes). */
#define ERASURE_CLERK_PENDING 141

/*
 * The whole erasure of user_id, for DELETE /api/me, a staff-executed
 * deletion request and the scheduler: the claim is recorded first
 * (erasure_claims.h), then erasure_run(), then the account at Clerk
 * (skipped when the Backend API is not configured), then a pseudonymous
 * receipt, and the claim is marked done.  Repeating it finishes an
 * interrupted erasure; once done it answers the same receipt.
 * *receipt: new reference to {receiptId, erasedAt, counts}.  DB_OK,
 * ERASURE_CLERK_PENDING, or a DB_ status.
 */
int erasure_complete(struct db *db, struct clerk *clerk, const char *user_id,
                     json_t **receipt);

#endif
