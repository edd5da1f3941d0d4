/*
 * erasure_claims.h - erasures under way: the progress of each recorded
 * before the work, so a failure midway is finished by a retry or by the
 * scheduler and never left half done.
 *
 * An erasure_claims document is
 *   {_id: HMAC-SHA256(JOBTUNE_SECRET, user id), userId (only while running),
 *    state: "running" | "done", startedAt, updatedAt, attempts,
 *    receiptId (once done)}
 * The user id is kept only while the erasure runs (it is needed to finish
 * it); once done, only the pseudonymous _id and the receipt's id remain.
 */
#ifndef JT_ERASURE_CLAIMS_H
#define JT_ERASURE_CLAIMS_H

#include <jansson.h>
#include <stdint.h>

struct db;

/* Record that user_id's erasure is running (creating the claim, or
 * counting one more attempt).  *claim: new reference to the stored claim
 * as it was before (NULL when new): a "done" one carries its receiptId. */
int erasure_claims_begin(struct db *db, const char *user_id, json_t **before);

/* The claim of user_id (new reference), or NULL. */
int erasure_claims_get(struct db *db, const char *user_id, json_t **claim);

/* Keep the email's refs key (tickets_email_key()) for the later passes;
 * forgotten when the claim is done. */
int erasure_claims_keep_key(struct db *db, const char *user_id, const char *email_key);

/* Add n to the claim's count of `what` (documents deleted so far, across
 * attempts). */
int erasure_claims_add(struct db *db, const char *user_id, const char *what, int64_t n);

/* Record that object id of `what` exists and is being deleted: one
 * document "<pseudonym>:<what>:<id>" in erasure_marks (repeating it
 * changes nothing); the marks go when the claim is done. */
int erasure_claims_mark(struct db *db, const char *user_id, const char *what, const char *id);

/* How many objects of each kind the marks of user_id's erasure name
 * (*counts: new reference, {what: n}).  A range scan of erasure_marks,
 * which holds only the marks of erasures in progress. */
int erasure_claims_marked(struct db *db, const char *user_id, json_t **counts);

/* The erasure is making progress: refresh updatedAt, so the scheduler
 * does not take up a claim whose pass is still running. */
int erasure_claims_touch(struct db *db, const char *user_id);

/* The first pass is done and its receipt issued: the claim waits for the
 * second pass (erasure_claims_stalled() finds it once it is old enough). */
int erasure_claims_sweeping(struct db *db, const char *user_id, const char *receipt_id);

/* Mark user_id's erasure done with its receipt, forgetting the user id. */
int erasure_claims_done(struct db *db, const char *user_id, const char *receipt_id);

/* Up to limit running claims last touched before before_ms (a background
 * path: a query on state, in one bounded page): *claims a new reference
 * to an array of claims with their userId. */
/* (state running or sweeping) */
int erasure_claims_stalled(struct db *db, int64_t before_ms, int limit, json_t **claims);

/* Delete done claims last touched before before_ms (the receipts stay);
 * adds to *deleted. */
int erasure_claims_purge_done(struct db *db, int64_t before_ms, int64_t *deleted);

#endif
