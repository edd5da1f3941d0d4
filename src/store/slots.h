/*
 * slots.h - append-only numbered documents under a key, on nothing but
 * _id lookups and unique-_id inserts.
 *
 * A key's slots are the documents {_id: "<key>:<n>", ...} for n = 1, 2,
 * 3, ... in one collection.  Invariant: the slots of a key that exist are
 * exactly 1..k for some k >= 0 (a prefix).  It holds because
 *  - an append inserts "<key>:<n>" for the first free n: the unique _id
 *    lets one writer take a number, and the loser tries n + 1;
 *  - slots are never deleted one by one, only all of a key together, from
 *    the highest down, so a removal cut short leaves a shorter prefix.
 * On that invariant the first free n is found with O(log k) lookups
 * (galloping: probe 1, 2, 4, 8, ... until a miss, then binary search),
 * and a listing walks n = 1.. until the first miss.  An append does not
 * even search: slot 1 records the highest number appended (a hint, raised
 * with $max), so an append is a lookup of slot 1, an insert and the hint's
 * update, whatever k is; the search is the fallback when the hint lags.
 *
 * Keys go into _ids: they must carry no personal data where a listing of
 * the collection should not reveal any (ticket_refs keys are HMACs), and
 * no ':' is needed in them (the number is after the last one).
 * Functions return a DB_ status (svc/db.h).
 */
#ifndef JT_SLOTS_H
#define JT_SLOTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/*
 * The search on its own, over any probe (unit-testable without a
 * database): probe(n, arg, &taken) answers whether slot n is taken, 0 or
 * a DB_ status.  *free_n: the first n not taken, assuming the taken ones
 * are a prefix 1..k; *probes (may be NULL) counts the probes made.
 */
typedef int (*slots_probe_fn)(int64_t n, void *arg, bool *taken);
int slots_search(slots_probe_fn probe, void *arg, int64_t *free_n, int *probes);

/* The first free slot number of key (1 when it has none). */
int slots_next(struct db *db, const char *coll, const char *key, int64_t *free_n);

/*
 * Append doc (borrowed; no _id of its own) as the next slot of key, with
 * one insert (more only when a concurrent writer took the number first).
 * *n_out (may be NULL) receives the slot's number.
 */
int slots_append(struct db *db, const char *coll, const char *key, json_t *doc,
                 int64_t *n_out);

/*
 * Every slot of key, whatever holes a removal raced by an append left: a
 * bounded range scan of _ids, for background passes only (an erasure's
 * last), never a request.  Adds the count to *deleted (may be NULL).
 */
int slots_purge(struct db *db, const char *coll, const char *key, int64_t *deleted);

/* How many slots key has: two lookups (slot 1's hint, and the one past
 * it), a search only when the hint lags. */
int slots_count(struct db *db, const char *coll, const char *key, int64_t *count);

/*
 * Visit slots 1, 2, ... of key until the first missing one: each is
 * fetched by _id and handed to visit (borrowed) on its own, so a walk
 * holds one slot in memory at a time.  visit returns 0 to go on; any
 * other value stops the walk and is returned.
 */
typedef int (*slots_visit_fn)(json_t *slot, int64_t n, void *arg);
int slots_each(struct db *db, const char *coll, const char *key, slots_visit_fn visit,
               void *arg);

/*
 * Delete every slot of key, highest first (a removal cut short leaves a
 * prefix, which repeating it finishes), then any appended meanwhile past
 * the old end.  Adds the count to *deleted (may be NULL).
 */
int slots_remove(struct db *db, const char *coll, const char *key, int64_t *deleted);

#endif
