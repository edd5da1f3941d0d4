/*
 * processing.c - the processing record, a slot per request (see
 * processing.h).
 */
#include "store/processing.h"

#include "base/clock.h"
#include "store/slots.h"
#include "store/store.h"
#include "store/tombstones.h"
#include "svc/db.h"

#define COLL "processing"

int processing_record(struct db *db, const char *user_id, json_t *entries)
{
    json_t *doc;
    bool erased = false;
    int rc;

    /* every append of a user's data refuses an erased account */
    if ((rc = tombstones_has(db, user_id, &erased)) != DB_OK)
        return rc;
    if (erased)
        return STORE_ERASED;
    doc = json_pack("{s:O, s:o}", "entries", entries, "at", db_date(clock_wall_ms()));
    if (doc == NULL)
        return DB_ERROR;
    rc = slots_append(db, COLL, user_id, doc, NULL);
    json_decref(doc);
    return rc;
}

struct each {
    processing_visit_fn visit;
    void *arg;
};

static int each_slot(json_t *slot, int64_t n, void *arg)
{
    const struct each *e = arg;

    (void)n;
    return e->visit(slot, e->arg);
}

int processing_each(struct db *db, const char *user_id, processing_visit_fn visit, void *arg)
{
    struct each e = {.visit = visit, .arg = arg};

    return slots_each(db, COLL, user_id, each_slot, &e);
}

int processing_erase_user(struct db *db, const char *user_id, int64_t *deleted)
{
    return slots_remove(db, COLL, user_id, deleted);
}

int processing_purge_user(struct db *db, const char *user_id, int64_t *deleted)
{
    return slots_purge(db, COLL, user_id, deleted);
}
