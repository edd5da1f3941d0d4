/*
 * chain.h - a document with linearizable read-modify-write, on nothing but
 * _id lookups and unique-_id inserts.
 *
 * FerretDB 1.x has no transactions and applies an update as "read, change
 * in Go, write back": two concurrent updates of one document can lose
 * one, and any conditional filter ({_id, version}) reads the whole
 * collection.  The one atomic step it has is an insert that a unique _id
 * lets only one writer win.  A chain builds on that:
 *
 *   head   coll      {_id: key, gen: g, body: {...}}
 *   log    coll_log  {_id: "key:g", body: {...}, at}   for g >= 2
 *
 * Generation 1 is the head's own insert.  Generation g+1 is committed by
 * inserting log "key:g+1" with the new body: of writers that read g, only
 * one can.  The head is then replaced (a cache of the newest body) and the
 * previous log entry stripped of its body; entries are never deleted
 * while the chain lives, so a slot once taken can never be taken again.
 *
 * The head may lag (a crash after the log insert) or even regress (a slow
 * writer's replace landing after a newer one): a read starts from the head
 * and walks "key:g+1", "key:g+2", ... while they exist, so it always ends
 * at the newest body (the one entry never stripped), and repairs the head.
 * An ordinary read is two lookups: the head and one probe.
 *
 * Bodies are JSON objects without '$' keys.  Return values are DB_
 * statuses (svc/db.h) or CHAIN_CONFLICT.
 */
#ifndef JT_CHAIN_H
#define JT_CHAIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/* chain_commit(): another writer committed the next generation first. */
#define CHAIN_CONFLICT 2

/* *body: new reference to the newest body, or NULL (and *gen = 0) when
 * the chain does not exist. */
int chain_read(struct db *db, const char *coll, const char *key, json_t **body, int64_t *gen);

/*
 * Commit body (borrowed) as generation gen + 1, where gen is what
 * chain_read() returned (0: create the chain).  DB_OK once the commit
 * point is written, even if tidying the head failed (the next read
 * finishes it); CHAIN_CONFLICT when another writer committed first, or
 * the chain was removed meanwhile.
 */
int chain_commit(struct db *db, const char *coll, const char *key, int64_t gen, json_t *body);

/*
 * Delete the chain: every log entry, then the head.  Repeating it
 * finishes an interrupted removal.  *existed (may be NULL): a head was
 * there.
 */
int chain_remove(struct db *db, const char *coll, const char *key, bool *existed);

#endif
