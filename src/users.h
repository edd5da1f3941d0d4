/*
 * users.h - the users collection: a profile per Clerk user, and the one
 * function that erases everything a user has.
 *
 * A users document is keyed by the Clerk user id (_id) and holds the
 * profile Clerk tells us about (email, name), timestamps and consent.  It
 * never holds a password or anything password-like: credentials stay at
 * Clerk.
 */
#ifndef JT_USERS_H
#define JT_USERS_H

#include <jansson.h>
#include <stdbool.h>

struct db;

/*
 * Create or update the profile of user_id: $set email and name (only those
 * given; NULL leaves the stored value alone, it never unsets) and
 * updatedAt; on first insert also createdAt and consent
 * {analytics:"unset", history:[]}.  All strings are borrowed.  Returns a
 * DB_ status.
 */
int users_upsert_profile(struct db *db, const char *user_id, const char *email_or_NULL,
                         const char *name_or_NULL);

/*
 * Erase everything user_id has: their tickets (by userId, and by the email
 * of their users document, if one is stored), their tailorings and
 * resumes (by userId), then the users document itself, last, so an
 * interrupted erasure can simply be run again.  Idempotent: erasing an
 * unknown user deletes nothing and succeeds.
 *
 * counts_out (borrowed, may be NULL) receives {"users":n,"tickets":n,
 * "resumes":n,"tailorings":n}, the documents deleted, for the caller's
 * receipt.  Returns a DB_ status.
 */
int users_erase(struct db *db, const char *user_id, json_t *counts_out);

/* Has Clerk told us (user.deleted) that user_id was deleted?  The webhook
 * keeps that tombstone so a late event or a still-valid session cannot
 * bring the account back.  DB_OK with *erased set, or a DB_ status. */
int users_is_erased(struct db *db, const char *user_id, bool *erased);

/* Make sure the users document of a signed-in user exists: DB_OK, or
 * DB_ERROR with *erased set for an erased account, or another DB_ status.
 * Creates {createdAt, updatedAt, consent: {analytics: "unset", history: []}}. */
int users_ensure(struct db *db, const char *user_id, bool *erased);

#endif
