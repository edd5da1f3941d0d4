/*
 * webhook_events.h - deliveries already processed, by their Svix id.
 *
 * A webhook_events document is {_id: svix-id, type, receivedAt}: nothing
 * of the event's data, so it keeps no personal data.  Svix delivers at
 * least once; a known id is answered without processing it again.
 */
#ifndef JT_WEBHOOK_EVENTS_H
#define JT_WEBHOOK_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

struct db;

/* DB_OK with *seen set, or a DB_ status. */
int webhook_events_seen(struct db *db, const char *msg_id, bool *seen);

/* Remember a processed delivery: DB_OK, DB_DUPLICATE (a racing twin got
 * there first) or a failure. */
int webhook_events_remember(struct db *db, const char *msg_id, const char *type);

/* Delete deliveries received before before_ms (retention; a background
 * path, one bounded page a call); adds to *deleted. */
int webhook_events_purge(struct db *db, int64_t before_ms, int64_t *deleted);

#endif
