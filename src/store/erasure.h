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

#endif
