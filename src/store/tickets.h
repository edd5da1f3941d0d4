/*
 * tickets.h - the tickets collection: support requests.
 *
 * A tickets document is {_id: the ticket number (JT-XXXX-XXXX), number,
 * email, name?, subject, message, status, createdAt, channel, regime?,
 * userId?, privacyRequest?}.  A Data Deletion Request embeds its
 * privacyRequest, so the ticket and its request are one atomic insert.
 */
#ifndef JT_TICKETS_H
#define JT_TICKETS_H

#include <jansson.h>
#include <stdint.h>

struct db;

/* Insert doc (borrowed; its _id is the number).  DB_DUPLICATE when the
 * number is taken. */
int tickets_insert(struct db *db, json_t *doc);

/*
 * Erase the tickets of a user: those filed while signed in (userId) and
 * those sent from the account's email (may be NULL).  A background path:
 * the support form does not know who is signed in, so this is a query on
 * userId and on email (indexed on MongoDB, a scan on FerretDB), taken in
 * bounded pages of ids deleted one by one.  Adds the count to *deleted.
 */
int tickets_erase(struct db *db, const char *user_id, const char *email, int64_t *deleted);

/* ---- staff ------------------------------------------------------------------
 *
 * Staff paths may query fields other than _id, in bounded pages (the page
 * size caps each query); every write is by _id.  Two staff changing one
 * ticket at the same moment may lose one change of a plain field (FerretDB
 * has no atomic read-modify-write): the notes and history are $push'ed.
 */

#include <stdbool.h>
#include <stddef.h>

struct tickets_query {
    const char *status;     /* NULL: any */
    int64_t from_ms, to_ms; /* createdAt in [from, to); -1: open-ended */
    size_t limit;           /* at most this many items */
    bool after;             /* start after (after_ms, after_id) */
    int64_t after_ms;
    const char *after_id;
};

/*
 * One page of tickets matching q, newest createdAt first (ties: _id
 * descending): {status?, createdAt range} and the keyset after the cursor,
 * sorted, limit + 1 (indexes tickets {status, createdAt, _id} and
 * {createdAt, _id} on MongoDB).  *items: new reference to the stored
 * documents (without message, notes and history); *more when another page
 * follows.
 */
int tickets_page(struct db *db, const struct tickets_query *q, json_t **items, bool *more);

/* *out: new reference to the ticket `number`, or NULL when there is none. */
int tickets_get(struct db *db, const char *number, json_t **out);

/* Apply update (borrowed; operators) to ticket `number` by _id; *found
 * when it exists. */
int tickets_update(struct db *db, const char *number, json_t *update, bool *found);

/*
 * Deletion requests not yet completed or closed (privacyRequest.status
 * open, verified or executing), earliest privacyRequest.dueAt first: one
 * query of at most `limit` documents (index {privacyRequest.status,
 * privacyRequest.dueAt} on MongoDB).  *out: new reference to an array.
 */
int tickets_privacy_requests(struct db *db, size_t limit, json_t **out);

/*
 * Delete the tickets sent from `email` (exact match), except `keep` (a
 * ticket number, may be NULL), in bounded pages of ids deleted by _id;
 * adds the count to *deleted.
 */
int tickets_erase_email(struct db *db, const char *email, const char *keep, int64_t *deleted);

#endif
