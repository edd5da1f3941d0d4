/*
 * jobs.c - the jobs collection: leases and results (see jobs.h).
 */
#include "store/jobs.h"

#include <stdio.h>

#include "base/clock.h"
#include "base/jsonx.h"
#include "svc/db.h"

#define COLL "jobs"
#define PAGE 500

int jobs_lease(struct db *db, const char *job, int64_t slot, const char *host, bool *mine)
{
    char id[128];
    json_t *doc;
    int rc;

    *mine = false;
    snprintf(id, sizeof(id), "lease:%s:%lld", job, (long long)slot);
    doc = json_pack("{s:s, s:s, s:s, s:o}", "_id", id, "kind", "lease", "host", host, "at",
                    db_date(clock_wall_ms()));
    rc = db_insert(db, COLL, doc);
    json_decref(doc);
    if (rc == DB_DUPLICATE)
        return DB_OK;
    *mine = rc == DB_OK;
    return rc;
}

int jobs_set_result(struct db *db, const char *job, json_t *value)
{
    char id[128];
    json_t *update = json_pack("{s:{s:O, s:o}}", "$set", "value", value, "at",
                               db_date(clock_wall_ms()));
    int rc;

    snprintf(id, sizeof(id), "result:%s", job);
    rc = db_upsert_id(db, COLL, id, update);
    if (rc == DB_DUPLICATE)
        rc = db_upsert_id(db, COLL, id, update);
    json_decref(update);
    return rc;
}

int jobs_result(struct db *db, const char *job, json_t **value)
{
    char id[128];
    json_t *doc = NULL;
    int rc;

    *value = NULL;
    snprintf(id, sizeof(id), "result:%s", job);
    rc = db_get(db, COLL, id, &doc);
    if (rc == DB_OK && doc != NULL)
        *value = json_incref(json_object_get(doc, "value"));
    json_decref(doc);
    return rc;
}

int jobs_purge_leases(struct db *db, int64_t before_ms, int64_t *deleted)
{
    json_t *filter = json_pack("{s:s, s:{s:o}}", "kind", "lease", "at", "$lt",
                               db_date(before_ms));
    int rc = db_delete_page(db, COLL, filter, PAGE, deleted, NULL);

    json_decref(filter);
    return rc;
}
