/*
 * tickets.h - the tickets collection: support requests, and the
 * references that find a user's tickets by _id.
 *
 * A tickets document is {_id: the ticket number (JT-XXXX-XXXX), number,
 * email, name?, subject, message, status, createdAt, channel, regime?,
 * userId?, privacyRequest?, notes?, history?, replies?, seq}.  A Data
 * Deletion Request embeds its privacyRequest, so the ticket and its
 * request are one atomic insert; the staff's replies are in it too, so an
 * erased ticket takes them along.  seq names its entries in the staff's
 * lists (ticket_index.h), written before the ticket like its refs.
 *
 * The support form does not know who will ask for their tickets later, and
 * FerretDB finds nothing but an _id without reading the whole collection,
 * so each ticket is also referenced from slots (slots.h) of the
 * collection ticket_refs, {_id: "<key>:<n>", ticket: "<number>"}, under
 *   "u:" + HMAC(JOBTUNE_SECRET, user id)             filed while signed in
 *   "e:" + HMAC(JOBTUNE_SECRET, lower(trim(email)))  every ticket
 * Keys are pseudonyms: the collection's _ids name no one.  The refs are
 * written before the ticket: a crash between leaves a ref to a missing
 * ticket, which readers skip, never a ticket that no ref reaches.  A ref
 * is only a hint: a reader takes a ticket only when its userId (for "u:")
 * or its email, compared case-insensitively (for "e:"), is the user's, so
 * a ref left by a ticket number that turned out to be taken is harmless.
 */
#ifndef JT_TICKETS_H
#define JT_TICKETS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct db;

/* Reference ticket `number` under user_id (NULL: not signed in) and under
 * email.  Call before tickets_insert(). */
int tickets_refs_add(struct db *db, const char *number, const char *user_id, const char *email);


/* Insert doc (borrowed; its _id is the number; marked `refs: true`).  DB_DUPLICATE when the
 * number is taken. */
int tickets_insert(struct db *db, json_t *doc);

/*
 * Visit the tickets of a user, through the refs: those filed while signed
 * in as user_id, and those sent from email (may be NULL; any case), each
 * once, fetched by _id one at a time (borrowed by visit).  A nonzero
 * return from visit stops the walk and is returned.
 */
typedef int (*tickets_visit_fn)(json_t *ticket, void *arg);
int tickets_each_of_user(struct db *db, const char *user_id, const char *email,
                         tickets_visit_fn visit, void *arg);

/* The refs' key of an email ("e:" + HMAC of the normalized address), the
 * pseudonym an erasure keeps until its last pass to find the refs of that
 * address once the users document (the email) is gone.  False for none. */
#define TICKETS_KEY_SIZE (2 + 64 + 1)
bool tickets_email_key(const char *email, char out[TICKETS_KEY_SIZE]);

/*
 * Erase the tickets of a user, found through the refs of the user id and
 * of the email's key (NULL or "": the user id alone), each by _id; adds
 * the tickets deleted to *deleted.  refs_too: then delete the refs (an
 * erasure's last pass; before it, a request in flight may still add the
 * ticket of a ref it wrote).
 */
int tickets_erase_keyed(struct db *db, const char *user_id, const char *email_key,
                        bool refs_too, struct store_tally *deleted);

/* The refs of the user id and the email's key by a range scan of _ids,
 * past any hole a raced removal left: an erasure's background last pass
 * only. */
int tickets_purge_refs(struct db *db, const char *user_id, const char *email_key);

/* How many deletion requests are still open (not completed or closed)
 * past their due date at now_ms: a background query on
 * privacyRequest.status and dueAt. */
int tickets_count_overdue(struct db *db, int64_t now_ms, int64_t *count);

/* ---- staff ------------------------------------------------------------------
 *
 * Staff paths may query fields other than _id, in bounded pages (the page
 * size caps each query); every write is by _id.  Two staff changing one
 * ticket at the same moment may lose one change of a plain field (FerretDB
 * has no atomic read-modify-write): the notes and history are $push'ed.
 */

struct tickets_query {
    const char *status;     /* NULL: any */
    int64_t from_ms, to_ms; /* createdAt in [from, to); -1: open-ended */
    size_t limit;           /* at most this many items */
    int64_t after;          /* 0: from the newest; else the previous page's *next */
};

/* The index entries one page may walk past (filtered out) before it
 * answers with what it has and a *next to go on from: a page costs at
 * most this many lookups whatever the filters. */
#define TICKETS_EXAMINED_MAX 1000

/*
 * One page of tickets matching q, newest first, walked in the index
 * (ticket_index.h): with a status, that status's list (in the order
 * tickets took it); else every ticket in filing order, the `to`
 * day found by a binary search; one entry and one ticket by _id at a
 * time, until limit tickets match, the `from` day is passed (filing order
 * only) or TICKETS_EXAMINED_MAX entries were looked at.
 * *items: new reference to the stored documents (the list's fields and
 * seq); *next: where the next page starts (0: none follows).
 */
int tickets_page(struct db *db, const struct tickets_query *q, json_t **items, int64_t *next);

/*
 * A status change of ticket doc (borrowed, as stored) to status: the
 * status's list (ticket_index.h) gets an entry
 * is appended and "seq.<status>" added to set (borrowed: the change's
 * $set), so the ticket names its entry once the change is written.
 */
int tickets_status_entry(struct db *db, json_t *doc, const char *status, json_t *set);

/*
 * Index the tickets stored before ticket_index existed (no seq), at most
 * limit of them, oldest createdAt first: the schema step's pass (until
 * none is left) and the scheduler's, for one a host of an older version
 * filed meanwhile.  Adds the count to *done.
 */
int tickets_backfill_index(struct db *db, int limit, int64_t *done);

/*
 * The scheduler's pass, one background query for both marks: at most
 * limit tickets without the `refs` mark (stored before ticket_refs
 * existed) or without seq (before ticket_index), oldest createdAt first,
 * each given its refs and the mark, or its index entries and seq, by _id.
 * Adds the counts to *refs and *indexed.
 */
int tickets_backfill(struct db *db, int limit, int64_t *refs, int64_t *indexed);

/* *out: new reference to the ticket `number`, or NULL when there is none. */
int tickets_get(struct db *db, const char *number, json_t **out);

/* Apply update (borrowed; operators) to ticket `number` by _id; *found
 * when it exists. */
int tickets_update(struct db *db, const char *number, json_t *update, bool *found);

/*
 * Deletion requests not yet completed or closed (privacyRequest.status
 * open, verified or executing), earliest due first (filing order: each is
 * due 30 days after it was filed), at most `limit`: the index's "privacy"
 * entries from its floor up, one entry and one ticket by _id at a time,
 * the floor raised past the finished ones at the front.  *out: new
 * reference to an array of the list's fields.
 */
int tickets_privacy_requests(struct db *db, size_t limit, json_t **out);

/*
 * Delete the tickets sent from `email` (exact match), except `keep` (a
 * ticket number, may be NULL), in bounded pages of ids deleted by _id;
 * adds the count to *deleted.
 */
int tickets_erase_email(struct db *db, const char *email, const char *keep, int64_t *deleted);

#endif
