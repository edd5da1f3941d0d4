/*
 * webhook_events.c - the webhook_events collection.
 */
#include "store/webhook_events.h"

#include <jansson.h>

#include "base/clock.h"
#include "svc/db.h"

#define COLL "webhook_events"

int webhook_events_seen(struct db *db, const char *msg_id, bool *seen)
{
    json_t *doc = NULL;
    int rc = db_get(db, COLL, msg_id, &doc);

    *seen = doc != NULL;
    json_decref(doc);
    return rc;
}

int webhook_events_remember(struct db *db, const char *msg_id, const char *type)
{
    json_t *doc = json_pack("{s:s, s:s, s:o}", "_id", msg_id, "type", type, "receivedAt",
                            db_date(clock_wall_ms()));
    int rc = db_insert(db, COLL, doc);

    json_decref(doc);
    return rc;
}

int webhook_events_purge(struct db *db, int64_t before_ms, int64_t *deleted)
{
    json_t *filter = json_pack("{s:{s:o}}", "receivedAt", "$lt", db_date(before_ms));
    int rc = db_delete_page(db, COLL, filter, 500, deleted, NULL);

    json_decref(filter);
    return rc;
}
