/*
 * processing.h - the processing record: which sub-processor received what
 * of a user's data, and when (privacy policy, section 4).
 *
 * Collection `processing`, slots (slots.h) keyed by the user id: each slot
 * is one request's entries,
 *   {_id: "<user id>:<n>", at, entries: [{processor: "openai" | "sarvam" |
 *    "clerk" | "posthog", purpose, dataCategories: [...], at}]}
 * Never content: only the kind of data sent.  A request writes at most
 * one slot (one insert), so the record costs a request one append.
 * Functions return a DB_ status.
 */
#ifndef JT_PROCESSING_H
#define JT_PROCESSING_H

#include <jansson.h>
#include <stdint.h>

struct db;

/* Append entries (borrowed, a non-empty array) as one slot of user_id. */
int processing_record(struct db *db, const char *user_id, json_t *entries);

/* Visit user_id's slots oldest first, one in memory at a time: visit gets
 * the stored slot (borrowed); a nonzero return stops the walk and is
 * returned. */
typedef int (*processing_visit_fn)(json_t *slot, void *arg);
int processing_each(struct db *db, const char *user_id, processing_visit_fn visit, void *arg);

/* Erase user_id's record; adds the slots deleted to *deleted. */
int processing_erase_user(struct db *db, const char *user_id, int64_t *deleted);

/* The same by a range scan of _ids, past any hole a raced removal left:
 * for an erasure's background last pass only.  Adds to *deleted. */
int processing_purge_user(struct db *db, const char *user_id, int64_t *deleted);

#endif
