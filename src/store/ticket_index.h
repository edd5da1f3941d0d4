/*
 * ticket_index.h - the staff's lists of tickets, in filing order, on
 * nothing but _id lookups: the collection ticket_index.
 *
 * FerretDB 1.x finds a document without reading the whole collection only
 * by {_id: value}, so "the newest tickets" and "the deletion requests
 * still open" cannot be queries on createdAt or privacyRequest.status:
 * each would read every ticket (77 ms of FerretDB's CPU per page with
 * 1,258 tickets, seconds at 100,000).  Instead every ticket is appended,
 * when it is filed, to numbered slots (slots.h) under a key:
 *   "all"       every ticket, {_id: "all:<n>", ticket, at}, n in filing
 *               order, at its createdAt (ms): the list walks n downwards
 *               from the newest (or the cursor's n), and a `to` day is
 *               found by a binary search on at, O(log n) lookups;
 *   "open", "pending", "closed"
 *               a ticket each time it takes that status (when filed, and
 *               on a change), {_id: "open:<n>", ticket, at}: the lists a
 *               status filter walks, newest first, so a page of the few
 *               open tickets does not pass over the many closed ones, nor
 *               a page of closed ones over the newest open ones; an
 *               entry whose ticket has left the status since is skipped,
 *               and a walk that reaches the list's floor ("open:floor")
 *               raises it past those;
 *   "privacy"   every "Data Deletion Request", {_id: "privacy:<n>", ...}:
 *               due 30 days after filing, so n is also due-date order;
 *               the queue walks n upwards from a floor, the first entry
 *               that may still be open, {_id: "privacy:floor", n}, raised
 *               (with $max) past the entries a walk found finished.
 * The ticket records its own slot numbers (seq: {all, open?, pending?,
 * closed?, privacy?}, the latest of each); an entry
 * is the ticket's only when the ticket's seq names it, so an entry left by
 * a ticket number that turned out to be taken, or by an insert that never
 * came, is skipped.  An entry carries a ticket number and a time, no
 * person's data; an erasure still drops the number (ticket_index_forget)
 * and keeps the time the walks need.
 *
 * The one order is filing order: two tickets filed in the same
 * millisecond by two workers may take their slots in either order, and a
 * ticket stored before this collection existed is appended when the schema
 * step (or the scheduler, for one filed by an older host during a rolling
 * restart) finds it, in createdAt order.
 */
#ifndef JT_TICKET_INDEX_H
#define JT_TICKET_INDEX_H

#include <jansson.h>
#include <stdint.h>

struct db;

#define TICKET_INDEX_ALL "all"
#define TICKET_INDEX_OPEN "open"
#define TICKET_INDEX_PENDING "pending"
#define TICKET_INDEX_CLOSED "closed"
#define TICKET_INDEX_PRIVACY "privacy"

/* Append ticket `number` filed at at_ms under key; *n: its slot. */
int ticket_index_add(struct db *db, const char *key, const char *number, int64_t at_ms,
                     int64_t *n);

/* How many entries key has (the newest is that number). */
int ticket_index_count(struct db *db, const char *key, int64_t *count);

/* Entry n of key (new reference, NULL when there is none): {ticket?, at}. */
int ticket_index_get(struct db *db, const char *key, int64_t n, json_t **entry);

/* The highest n in [1, top] whose entry's at is before at_ms (0: none):
 * a binary search, O(log top) lookups. */
int ticket_index_before(struct db *db, const char *key, int64_t top, int64_t at_ms,
                        int64_t *n);

/* Drop the ticket number from entry n of key (an erasure). */
int ticket_index_forget(struct db *db, const char *key, int64_t n);

/* The floor of key (1 when none was set), and raising it to n. */
int ticket_index_floor(struct db *db, const char *key, int64_t *floor);
int ticket_index_raise_floor(struct db *db, const char *key, int64_t n);

#endif
