/*
 * tailorings.h - the tailorings collection: a resume rewritten for one job.
 *
 * A tailorings document is {_id: 24 hex, resumeId, userId, resumeVersion,
 * jobDescription, model, result, ats, flags, flagged, createdAt}.  It is
 * immutable once stored, listed under its resume in the owner's directory
 * (directory.h), and read by _id only.
 */
#ifndef JT_TAILORINGS_H
#define JT_TAILORINGS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct db;

#define TAILORINGS_ID_LEN 24
/*
 * Store doc (borrowed; every field but _id and createdAt) as a new
 * tailoring of user_id's resume resume_id: listed first, inserted after,
 * and only while the resume is listed and not being deleted, so no
 * tailoring outlives its resume.  id_out receives its id; *created_ms its
 * createdAt.  STORE_OK; STORE_NOT_FOUND when the resume is not listed (or
 * being deleted); STORE_ERASED when the account is being erased (nothing
 * stored); STORE_LIMIT when limit (> 0) tailorings of the resume are
 * listed already (nothing stored); or another STORE_ status.
 */
int tailorings_insert(struct db *db, const char *user_id, const char *resume_id, json_t *doc,
                      int64_t limit, char id_out[TAILORINGS_ID_LEN + 1], int64_t *created_ms);

/* Tailorings of resume_id a directory (directory_get()) lists. */
int64_t tailorings_count(json_t *dir, const char *resume_id);

/* The stored tailorings of resume_id, newest first, at most limit:
 * *items is a new reference to an array of stored documents (createdAt
 * as ISO-8601). */
int tailorings_list(struct db *db, const char *user_id, const char *resume_id, size_t limit,
                    json_t **items);

/* user_id's stored tailoring id (read-only): *doc a new reference, or
 * NULL when there is none or it is someone else's. */
int tailorings_get(struct db *db, const char *user_id, const char *id, json_t **doc);

/* Delete the tailorings a directory lists under one resume (entries:
 * borrowed array of {"id", ...}); adds the count to *deleted. */
int tailorings_delete_listed(struct db *db, json_t *entries, struct store_tally *deleted);

#endif
