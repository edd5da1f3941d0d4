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
 *   head   coll      {_id: key, gen: g, body, floor, mark, markAt}
 *   log    coll_log  {_id: "key:g", body, at}        for g >= 2
 *
 * Generation 1 is the head's own insert.  Generation g+1 is committed by
 * inserting log "key:g+1" with the new body: of writers that read g, only
 * one can.  The head is then replaced (a cache of the newest body).  The
 * head may lag (a crash after the log insert) or even regress (a slow
 * writer's replace landing after a newer one): a read starts from the head
 * and walks "key:g+1", "key:g+2", ... while they exist, so it always ends
 * at the newest body, and repairs the head.
 *
 * The log is bounded by a lease.  A writer commits only within
 * chain_lease_ms() of its read (past it, chain_commit() reads again);
 * so once log "key:j" is older than chain_prune_age_ms() (the lease plus
 * a margin for a write in flight), no writer still holds a read of j - 1
 * and could take "key:j" again.  The head keeps `floor`, the lowest log
 * generation that may still exist, and a `mark`, a generation with its
 * commit time: a commit that finds the mark aged deletes floor..mark and
 * marks its own generation.  So a chain keeps the log of at most about
 * two prune ages of edits, whatever its history, and its removal costs
 * that many deletes, not one per edit ever made.
 *
 * Bodies are JSON objects without '$' keys.  Functions return STORE_
 * statuses (store.h): STORE_CONFLICT when another writer committed first.
 */
#ifndef JT_CHAIN_H
#define JT_CHAIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/* What a read saw: the generation (0: no chain) and what a commit needs. */
struct chain_ver {
    int64_t gen;
    int64_t read_ms; /* wall clock of the read: the lease starts here */
    int64_t floor, mark, mark_ms;
};

/* The lease and the prune age, in milliseconds (from the request timeout). */
int64_t chain_lease_ms(void);
int64_t chain_prune_age_ms(void);

/* The newest body: head plus a probe of the next log entry (walking
 * further only after a crash or a race).  *body: new reference, or NULL
 * (and v->gen = 0) when the chain does not exist. */
int chain_read(struct db *db, const char *coll, const char *key, json_t **body,
               struct chain_ver *v);

/* The head alone, one lookup: for a writer, whose commit is the check.  Its
 * generation may be behind the newest; a commit based on it then gets
 * STORE_CONFLICT, and the writer reads with chain_read() and tries again. */
int chain_peek(struct db *db, const char *coll, const char *key, json_t **body,
               struct chain_ver *v);

/*
 * Commit body (borrowed) as generation v->gen + 1 (v->gen = 0: create the
 * chain).  STORE_OK once the commit point is written, even if tidying the
 * head failed (the next read finishes it); STORE_CONFLICT when another
 * writer committed first, or the chain was removed meanwhile.
 */
int chain_commit(struct db *db, const char *coll, const char *key, struct chain_ver *v,
                 json_t *body);

/*
 * The two halves of chain_commit(), for a writer with work between the
 * commit point and the head: chain_append() writes the commit point (the
 * log entry, or the head itself for generation 1) and advances v->gen;
 * chain_settle() writes the head as generation v->gen with head_body
 * (borrowed), which may say more than the log entry (a create marks its
 * entry settled once its object exists), and prunes the log.
 */
int chain_append(struct db *db, const char *coll, const char *key, struct chain_ver *v,
                 json_t *body);
int chain_settle(struct db *db, const char *coll, const char *key, const struct chain_ver *v,
                 json_t *head_body);

/*
 * Delete the chain: its live log, then the head, then any generation a
 * writer committed meanwhile.  Repeating it finishes an interrupted
 * removal.  *existed (may be NULL): a head was there.
 */
int chain_remove(struct db *db, const char *coll, const char *key, bool *existed);

/* The same for a chain the caller has just read at *known (its head at
 * least): no second read; generations after it are found and deleted as
 * those of a writer that committed meanwhile. */
int chain_remove_known(struct db *db, const char *coll, const char *key,
                       const struct chain_ver *known, bool *existed);

#endif
