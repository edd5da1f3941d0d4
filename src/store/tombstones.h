/*
 * tombstones.h - the erased accounts: a pseudonymous mark per erased user.
 *
 * A tombstones document is {_id: HMAC-SHA256(JOBTUNE_SECRET, user id) in
 * hex, erasedAt}.  It keeps a late webhook event or a still-valid session
 * from bringing an erased account back, without keeping the user id
 * itself: only someone holding both the secret and the id can tell that
 * this account was erased.  Clerk never reuses user ids.
 */
#ifndef JT_TOMBSTONES_H
#define JT_TOMBSTONES_H

#include <stdbool.h>

struct db;

/* Mark user_id erased (idempotent).  A DB_ status. */
int tombstones_add(struct db *db, const char *user_id);

/* DB_OK with *erased set, or a DB_ status. */
int tombstones_has(struct db *db, const char *user_id, bool *erased);

#endif
