/*
 * resumes.h - the resumes collection: each user's JSON Resume documents.
 *
 * A resume is a listed chain (listed.h, chain.h) keyed by its id, 24
 * lowercase hex characters (96 random bits), whose body is
 *   {userId, title, resume, createdAt, updatedAt}   (times in ms)
 * and whose generation is the resume's version: 1 at creation, one more
 * with every replacement.  It is listed in its owner's directory
 * (directory.h).  Every access is by _id; the owner is checked here, in
 * C, so another user's resume simply does not exist to the caller.
 *
 * No HTTP here: routes/resumes*.c call these functions.  Functions
 * returning int return a STORE_ status (store.h): STORE_CONFLICT where
 * said.
 */
#ifndef JT_RESUMES_H
#define JT_RESUMES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/listed.h"

struct db;

#define RESUMES_ID_LEN LISTED_ID_LEN
/* resumes_replace(): the version given is not the stored one. */

/* A well-formed resume id: 24 lowercase hex characters. */
bool resumes_is_id(const char *id);

/*
 * The stored resume of user_id with id, or *out = NULL when there is none
 * or it belongs to someone else (callers answer 404).  *out is a new
 * reference to {"id","userId","version","title","createdAt","updatedAt",
 * "resume": {JSON Resume}}, dates as ISO-8601 strings.
 */
int resumes_get(struct db *db, const char *user_id, const char *id, json_t **out);

/*
 * Store resume (borrowed, already valid) as a new resume of user_id at
 * version 1: listed in the directory first, then inserted.  *out: a new
 * reference in the shape of resumes_get().  STORE_LIMIT (nothing stored)
 * when limit (> 0) resumes are listed already.
 */
int resumes_insert(struct db *db, const char *user_id, json_t *resume, int64_t limit,
                   json_t **out);

/* Resumes a directory (directory_get()) lists: what the quota counts. */
int64_t resumes_count(json_t *dir);

/*
 * Replace the resume of user_id with id, if and only if its stored
 * version is `version`: of two writers that read the same version only
 * one wins, across processes and hosts.  DB_OK with *out the stored
 * result (shape of resumes_get(), new reference); DB_OK with *out = NULL
 * when the user has no such resume; STORE_CONFLICT (nothing written) when
 * it exists at another version or a concurrent writer won.
 */
int resumes_replace(struct db *db, const char *user_id, const char *id, int64_t version,
                    json_t *resume, json_t **out);

/*
 * Delete the resume of user_id with id and its tailorings: marked
 * "deleting" in the directory first, so a crash part-way is finished by
 * the next list (or a retry).  *found is false when the user has no such
 * resume (nothing deleted).
 */
int resumes_remove(struct db *db, const char *user_id, const char *id, bool *found);

/*
 * One page of user_id's resumes from their directory, newest updatedAt
 * first (ties by id), starting after `after` (NULL: from the top; a cursor
 * from listed_cursor_decode()).
 * *items: new reference to an array of {"id","title","version",
 * "createdAt","updatedAt"}; *more when more follow, *next the cursor of
 * the page's last item.  Entries left by an interrupted create or delete
 * are repaired on the way.
 */
int resumes_page(struct db *db, const char *user_id, size_t limit,
                 const struct listed_cursor *after, json_t **items, bool *more,
                 struct listed_cursor *next);

/*
 * Erase every resume of user_id and its tailorings, as listed in dir (the
 * user's sealed directory); adds the counts to *resumes and *tailorings.
 * The directory itself is left to the caller.
 */
int resumes_erase_user(struct db *db, const char *user_id, json_t *dir,
                       struct store_tally *resumes, struct store_tally *tailorings);

#endif
