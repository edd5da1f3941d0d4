/*
 * users.h - the users collection: a profile per Clerk user.
 *
 * A users document is keyed by the Clerk user id (_id) and holds the
 * profile Clerk tells us about (email, name), the declared residence,
 * timestamps and consent with its history.  It never holds a password or
 * anything password-like: credentials stay at Clerk.  Every access is by
 * _id.  Functions return a DB_ status (svc/db.h) unless said otherwise.
 */
#ifndef JT_USERS_H
#define JT_USERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/*
 * The side effects of a verified session of user_id.  The tombstone is
 * asked first, every time, and STORE_ERASED answered for an erased
 * account.  `first`: the first time this worker sees the token: make sure
 * the users document exists ({createdAt, updatedAt, consent: {analytics:
 * "unset", history: []}}).  `gpc`: the request carries Sec-GPC: 1,
 * recorded as an analytics opt-out (unless one is already stored).
 */
int users_signed_in(struct db *db, const char *user_id, bool first, bool gpc);

/* The same without asking the tombstone for a token seen before, for a
 * route whose writes the directory guards (router.h AUTH_CREATOR). */
int users_signed_in_guarded(struct db *db, const char *user_id, bool first, bool gpc);

/* *out: new reference to the stored document, or NULL when there is none. */
int users_get(struct db *db, const char *user_id, json_t **out);

/* Apply a profile change: $set `set`, $unset `unset`, $push `push` (each
 * borrowed, may be empty), and updatedAt = now.  *found = false when the
 * account no longer exists. */
int users_patch(struct db *db, const char *user_id, json_t *set, json_t *unset,
                json_t *push, bool *found);

/*
 * Create or update the profile of user_id from Clerk: $set email and name
 * (only those given; NULL leaves the stored value alone, it never unsets)
 * and updatedAt; on first insert also createdAt and the unset consent.
 */
int users_upsert_profile(struct db *db, const char *user_id, const char *email_or_NULL,
                         const char *name_or_NULL);

/* Delete the users document; *deleted = 0 or 1. */
int users_delete(struct db *db, const char *user_id, int64_t *deleted);

/*
 * Staff only (a deletion request names an email, not an account): the ids
 * of the users whose stored email is `email` as given or in lower case (at
 * most 100).  A query on email (index users {email} on MongoDB, a scan on
 * FerretDB).  *ids: new reference to an array of strings.
 */
int users_find_by_email(struct db *db, const char *email, json_t **ids);

#endif
