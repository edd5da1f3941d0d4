/*
 * users.c - profiles of signed-up users.
 *
 * Every read and write is by _id (the Clerk user id).  FerretDB applies an
 * update as read, change in Go, write back, without a transaction, so two
 * concurrent changes of one profile can lose one of them; the profile's
 * changes are rare, user-driven and idempotent, so the last one simply
 * wins (a resume or a list never lives here: see directory.c).
 */
#include "store/users.h"

#include <string.h>

#include "base/clock.h"
#include "base/jsonx.h"
#include "base/text.h"
#include "store/store.h"
#include "store/tombstones.h"
#include "svc/db.h"

#define COLL "users"

/* {createdAt, updatedAt?, consent} of a new document (new reference). */
static json_t *on_insert(int64_t now, bool with_updated)
{
    json_t *doc = json_pack("{s:o, s:{s:s, s:[]}}", "createdAt", db_date(now), "consent",
                            "analytics", "unset", "history");

    if (doc != NULL && with_updated)
        json_object_set_new(doc, "updatedAt", db_date(now));
    return doc;
}

/* Upsert, once more after a duplicate: two first requests racing, one
 * inserted and the other's insert lost on _id; the document exists now. */
static int upsert(struct db *db, const char *user_id, json_t *update)
{
    int rc = db_upsert_id(db, COLL, user_id, update);

    if (rc == DB_DUPLICATE)
        rc = db_upsert_id(db, COLL, user_id, update);
    return rc;
}

static int record_gpc(struct db *db, const char *user_id)
{
    int64_t now = clock_wall_ms();
    json_t *doc = NULL, *update;
    const char *current;
    int rc = users_get(db, user_id, &doc);

    if (rc != DB_OK || doc == NULL)
        return rc;
    current = jsonx_string(json_object_get(doc, "consent"), "analytics");
    if (current != NULL && strcmp(current, "denied") == 0) {
        json_decref(doc);
        return DB_OK;
    }
    json_decref(doc);
    update = json_pack("{s:{s:s, s:o}, s:{s:{s:s, s:o, s:s}}}",
                       "$set", "consent.analytics", "denied", "updatedAt", db_date(now),
                       "$push", "consent.history", "value", "denied",
                       "at", db_date(now), "source", "gpc");
    rc = db_update_id(db, COLL, user_id, update, NULL);
    json_decref(update);
    return rc;
}

static int signed_in(struct db *db, const char *user_id, bool first, bool gpc, bool ask)
{
    bool erased = false;
    int rc;

    if (ask && (rc = tombstones_has(db, user_id, &erased)) != DB_OK)
        return rc;
    if (erased)
        return STORE_ERASED;
    if (first) {
        json_t *update = json_pack("{s:o}", "$setOnInsert", on_insert(clock_wall_ms(), true));

        rc = upsert(db, user_id, update);
        json_decref(update);
        if (rc != DB_OK)
            return rc;
    }
    /* a failed opt-out record fails the request only when the database is
     * away: the user can always send it again */
    if (gpc && (rc = record_gpc(db, user_id)) == DB_DOWN)
        return rc;
    return DB_OK;
}

int users_signed_in(struct db *db, const char *user_id, bool first, bool gpc)
{
    return signed_in(db, user_id, first, gpc, true);
}

int users_signed_in_guarded(struct db *db, const char *user_id, bool first, bool gpc)
{
    /* a first sight still asks: it may create the users document */
    return signed_in(db, user_id, first, gpc, first);
}

int users_get(struct db *db, const char *user_id, json_t **out)
{
    return db_get(db, COLL, user_id, out);
}

int users_patch(struct db *db, const char *user_id, json_t *set, json_t *unset,
                json_t *push, bool *found)
{
    json_t *update = json_pack("{s:O}", "$set", set);
    int64_t matched = 0;
    int rc;

    *found = false;
    if (update == NULL)
        return DB_ERROR;
    json_object_set_new(json_object_get(update, "$set"), "updatedAt",
                        db_date(clock_wall_ms()));
    if (json_object_size(unset) > 0)
        json_object_set(update, "$unset", unset);
    if (json_object_size(push) > 0)
        json_object_set(update, "$push", push);
    rc = db_update_id(db, COLL, user_id, update, &matched);
    json_decref(update);
    *found = matched > 0;
    return rc;
}

int users_upsert_profile(struct db *db, const char *user_id, const char *email_or_NULL,
                         const char *name_or_NULL)
{
    int64_t now = clock_wall_ms();
    json_t *set, *update;
    int rc;

    set = json_pack("{s:o}", "updatedAt", db_date(now));
    if (set != NULL && email_or_NULL != NULL)
        json_object_set_new(set, "email", json_string(email_or_NULL));
    if (set != NULL && name_or_NULL != NULL)
        json_object_set_new(set, "name", json_string(name_or_NULL));
    update = set ? json_pack("{s:o, s:o}", "$set", set, "$setOnInsert", on_insert(now, false))
                 : NULL;
    rc = upsert(db, user_id, update);
    json_decref(update);
    return rc;
}

int users_delete(struct db *db, const char *user_id, int64_t *deleted)
{
    return db_delete_id(db, COLL, user_id, deleted);
}

int users_find_by_email(struct db *db, const char *email, json_t **ids)
{
    json_t *filter, *opts, *found = NULL, *doc;
    char norm[TEXT_EMAIL_MAX + 1];
    size_t i;
    int rc;

    *ids = NULL;
    filter = json_pack("{s:{s:[ss]}}", "email", "$in", email,
                       text_email_normalize(email, norm, sizeof(norm)) ? norm : email);
    opts = json_pack("{s:{s:i}, s:i}", "projection", "_id", 1, "limit", 100);
    rc = db_find(db, COLL, filter, opts, &found);
    json_decref(filter);
    json_decref(opts);
    if (rc != DB_OK)
        return rc;
    *ids = json_array();
    json_array_foreach(found, i, doc)
        if (jsonx_string(doc, "_id") != NULL)
            json_array_append_new(*ids, json_string(jsonx_string(doc, "_id")));
    json_decref(found);
    return DB_OK;
}
