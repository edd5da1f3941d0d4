/*
 * receipts.h - proof of erasures, without the identity.
 *
 * A receipts document is {_id: receipt id (24 random hex), subject:
 * HMAC-SHA256(JOBTUNE_SECRET, user id), erasedAt, counts: {collection: n},
 * clerk: "deleted" | "not_configured"}.  Whoever holds the secret and a
 * user id can show that this account was erased, and when; the receipt
 * itself names no one.  It is the one record an erasure keeps.
 */
#ifndef JT_RECEIPTS_H
#define JT_RECEIPTS_H

#include <jansson.h>
#include <stdint.h>

struct db;

#define RECEIPTS_ID_LEN 24

/* Store a receipt for user_id's erasure: counts and clerk borrowed.
 * *out: new reference to {receiptId, erasedAt (ISO-8601), counts,
 * signInAccount: "deleted" | "not_deleted" (clerk "not_configured")}. */
int receipts_issue(struct db *db, const char *user_id, json_t *counts, const char *clerk,
                   json_t **out);

/* Add counts (borrowed, {what: n}) to receipt id: what a later pass of
 * the same erasure deleted. */
int receipts_add(struct db *db, const char *id, json_t *counts);

/* Set receipt id's counts (borrowed): recounted from the erasure's claim
 * after a later pass. */
int receipts_set_counts(struct db *db, const char *id, json_t *counts);

/* The public shape of receipt id (new reference), or NULL. */
int receipts_get(struct db *db, const char *id, json_t **out);

#endif
