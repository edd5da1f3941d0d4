/*
 * resumes.h - the resumes collection: each user's JSON Resume documents.
 *
 * A resumes document is
 *   {_id: 24 lowercase hex characters (96 random bits), userId, version,
 *    title, resume, createdAt, updatedAt}
 * where `resume` is a JSON Resume document that passed resume_validate(),
 * `title` is derived from it (resume_title()), and `version` starts at 1
 * and grows by one with every replacement.  Every read and write is
 * filtered by userId as well as _id, so one user's request can never
 * reach another's resume: to the caller, it simply does not exist.
 *
 * No HTTP here: routes/resumes.c and the features built on resumes
 * (tailoring, PDF) call these functions.  Functions returning int return a
 * DB_ status (svc/db.h), or RESUMES_STALE where said.
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
#define RESUMES_STALE 1

/* A well-formed resume id: 24 lowercase hex characters. */
bool resumes_is_id(const char *id);

/*
 * The stored resume of user_id with id, or *out = NULL when there is none
 * or it belongs to someone else (callers answer 404).  *out is a new
 * reference to {"id","userId","version","createdAt","updatedAt","resume":
 * {JSON Resume}} (plus "title").  Dates are ISO-8601 strings.  Returns a
 * DB_ status.
 */
int resumes_get(struct db *db, const char *user_id, const char *id, json_t **out);

/*
 * Store resume (borrowed, already valid) as a new resume of user_id at
 * version 1.  *out: a new reference in the shape of resumes_get().
 */
int resumes_insert(struct db *db, const char *user_id, json_t *resume, json_t **out);

/*
 * Replace the resume of user_id with id, if and only if its stored
 * version is `version`: one conditional update, so of two writers that
 * read the same version only the first wins.  DB_OK with *out the stored
 * result (shape of resumes_get(), new reference); DB_OK with *out = NULL
 * when the user has no such resume; RESUMES_STALE (nothing written) when
 * it exists at another version.
 */
int resumes_replace(struct db *db, const char *user_id, const char *id, int64_t version,
                    json_t *resume, json_t **out);

/*
 * Delete the resume of user_id with id and its tailorings.  *found is
 * false when the user has no such resume (nothing deleted).  Tailorings
 * are deleted before the resume and once more after it, so neither a
 * crash part-way nor a tailoring stored meanwhile leaves one behind
 * without its resume.
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
 * One page of user_id's resumes, newest updatedAt first (ties by id),
 * starting after `after` (NULL: from the top).  *items: new reference to
 * an array of {"id","title","version","createdAt","updatedAt"}; *next is
 * set when more follow, to the cursor of the page's last item.  Keyset
 * pagination: resumes created or edited meanwhile move to the top and
 * never make an item appear twice.
 */
int resumes_page(struct db *db, const char *user_id, size_t limit,
                 const struct resumes_cursor *after, json_t **items, bool *more,
                 struct resumes_cursor *next);

#endif
