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

/* How many deletion requests are still open (not completed or closed)
 * past their due date at now_ms: a background query on
 * privacyRequest.status and dueAt. */
int tickets_count_overdue(struct db *db, int64_t now_ms, int64_t *count);

#endif
