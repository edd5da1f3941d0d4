/*
 * resumes.h - the resumes collection: each user's JSON Resume documents.
 *
 * A resume is a chain (chain.h) keyed by its id, 24 lowercase hex
 * characters (96 random bits), whose body is
 *   {userId, title, resume, createdAt, updatedAt}   (times in ms)
 * and whose generation is the resume's version: 1 at creation, one more
 * with every replacement.  It is listed in its owner's directory
 * (directory.h).  Every access is by _id; the owner is checked here, in
 * C, so another user's resume simply does not exist to the caller.
 *
 * No HTTP here: routes/resumes*.c call these functions.  Functions
 * returning int return a DB_ status (svc/db.h), or RESUMES_STALE where
 * said.
 */
#ifndef JT_RESUMES_H
#define JT_RESUMES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define RESUMES_ID_LEN 24
/* resumes_replace(): the version given is not the stored one. */
#define RESUMES_STALE 101

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
 * reference in the shape of resumes_get().
 */
int resumes_insert(struct db *db, const char *user_id, json_t *resume, json_t **out);

/*
 * Replace the resume of user_id with id, if and only if its stored
 * version is `version`: of two writers that read the same version only
 * one wins, across processes and hosts.  DB_OK with *out the stored
 * result (shape of resumes_get(), new reference); DB_OK with *out = NULL
 * when the user has no such resume; RESUMES_STALE (nothing written) when
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

/* Where a page of the list starts: after this (updatedAt, id) pair in
 * newest-first order. */
struct resumes_cursor {
    int64_t updated_ms;
    char id[RESUMES_ID_LEN + 1];
};

/* Room for an encoded cursor and its NUL. */
#define RESUMES_CURSOR_SIZE 64

/* The opaque text form (base64url of "ms|id"); false if size is too small. */
bool resumes_cursor_encode(const struct resumes_cursor *c, char *out, size_t size);
/* Parse what resumes_cursor_encode() made; false for anything else. */
bool resumes_cursor_decode(const char *text, struct resumes_cursor *c);

/*
 * One page of user_id's resumes from their directory, newest updatedAt
 * first (ties by id), starting after `after` (NULL: from the top).
 * *items: new reference to an array of {"id","title","version",
 * "createdAt","updatedAt"}; *more when more follow, *next the cursor of
 * the page's last item.  Entries left by an interrupted create or delete
 * are repaired on the way.
 */
int resumes_page(struct db *db, const char *user_id, size_t limit,
                 const struct resumes_cursor *after, json_t **items, bool *more,
                 struct resumes_cursor *next);

/*
 * Erase every resume of user_id and its tailorings, as listed in the
 * directory; adds the counts to *resumes and *tailorings.  The directory
 * itself is left to the caller.
 */
int resumes_erase_user(struct db *db, const char *user_id, int64_t *resumes,
                       int64_t *tailorings);

#endif
