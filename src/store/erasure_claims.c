/*
 * erasure_claims.c - the erasure_claims collection (see erasure_claims.h).
 */
#include "store/erasure_claims.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "svc/db.h"

#define COLL "erasure_claims"
#define PAGE 200
#define MARKS "erasure_marks" /* see erasure_claims_mark() */

static void pseudonym(const char *user_id, char out[65])
{
    encode_hmac_hex(config.secret, user_id, out);
}

/* Apply update (stolen; NULL: it failed to build) to user_id's claim. */
static int update_claim(struct db *db, const char *user_id, json_t *update)
{
    char id[65];
    int rc;

    pseudonym(user_id, id);
    rc = update ? db_update_id(db, COLL, id, update, NULL) : DB_ERROR;
    json_decref(update);
    return rc;
}

int erasure_claims_get(struct db *db, const char *user_id, json_t **claim)
{
    char id[65];

    pseudonym(user_id, id);
    return db_get(db, COLL, id, claim);
}

int erasure_claims_begin(struct db *db, const char *user_id, json_t **before)
{
    int64_t now = clock_wall_ms();
    char id[65];
    json_t *update;
    int rc;

    pseudonym(user_id, id);
    if ((rc = db_get(db, COLL, id, before)) != DB_OK)
        return rc;
    if (*before != NULL && (strcmp(jsonx_string(*before, "state") ?: "", "done") == 0 ||
                            strcmp(jsonx_string(*before, "state") ?: "", "sweeping") == 0))
        return DB_OK; /* the receipt exists: nothing to record */
    update = json_pack("{s:{s:s, s:s, s:o}, s:{s:i}, s:{s:o}}",
                       "$set", "userId", user_id, "state", "running", "updatedAt", db_date(now),
                       "$inc", "attempts", 1, "$setOnInsert", "startedAt", db_date(now));
    rc = db_upsert_id(db, COLL, id, update);
    if (rc == DB_DUPLICATE) /* two first attempts racing: the document exists now */
        rc = db_upsert_id(db, COLL, id, update);
    json_decref(update);
    return rc;
}

int erasure_claims_add(struct db *db, const char *user_id, const char *what, int64_t n)
{
    char field[64];

    if (n == 0)
        return DB_OK;
    snprintf(field, sizeof(field), "counts.%s", what);
    return update_claim(db, user_id, json_pack("{s:{s:I}}", "$inc", field, (json_int_t)n));
}

/* The marks of user_id's erasure: "<pseudonym>:<what>:<id>" sorts
 * between "<pseudonym>:" and "<pseudonym>;". */
static json_t *marks_filter(const char *pid)
{
    char lo[80], hi[80];

    snprintf(lo, sizeof(lo), "%s:", pid);
    snprintf(hi, sizeof(hi), "%s;", pid);
    return json_pack("{s:{s:s, s:s}}", "_id", "$gte", lo, "$lt", hi);
}

int erasure_claims_mark(struct db *db, const char *user_id, const char *what, const char *id)
{
    char pid[65], mid[256];
    json_t *doc;
    int rc;

    pseudonym(user_id, pid);
    if (snprintf(mid, sizeof(mid), "%s:%s:%s", pid, what, id) >= (int)sizeof(mid))
        return DB_ERROR;
    /* a document of its own, inserted: of passes racing on one object one
     * insert wins and the others find it taken, where updates of one claim
     * document could lose one another (no transaction in FerretDB) */
    doc = json_pack("{s:s}", "_id", mid);
    rc = doc ? db_insert(db, MARKS, doc) : DB_ERROR;
    json_decref(doc);
    return rc == DB_DUPLICATE ? DB_OK : rc;
}

int erasure_claims_marked(struct db *db, const char *user_id, json_t **counts)
{
    char pid[65];
    json_t *filter, *opts = json_pack("{s:{s:i}}", "projection", "_id", 1), *marks = NULL, *m;
    size_t i;
    int rc;

    pseudonym(user_id, pid);
    filter = marks_filter(pid);
    rc = db_find(db, MARKS, filter, opts, &marks);
    json_decref(filter);
    json_decref(opts);
    *counts = json_object();
    json_array_foreach(rc == DB_OK ? marks : NULL, i, m) {
        const char *mid = jsonx_string(m, "_id"), *what, *end;
        char name[64];

        if (mid == NULL || (what = strchr(mid, ':')) == NULL ||
            (end = strchr(what + 1, ':')) == NULL || (size_t)(end - what - 1) >= sizeof(name))
            continue;
        memcpy(name, what + 1, (size_t)(end - what - 1));
        name[end - what - 1] = '\0';
        json_object_set_new(*counts, name,
                            json_integer(json_integer_value(json_object_get(*counts, name)) + 1));
    }
    json_decref(marks);
    return rc;
}

int erasure_claims_touch(struct db *db, const char *user_id)
{
    return update_claim(db, user_id,
                        json_pack("{s:{s:o}}", "$set", "updatedAt", db_date(clock_wall_ms())));
}

int erasure_claims_keep_key(struct db *db, const char *user_id, const char *email_key)
{
    return update_claim(db, user_id, json_pack("{s:{s:s}}", "$set", "emailKey", email_key));
}

int erasure_claims_sweeping(struct db *db, const char *user_id, const char *receipt_id)
{
    return update_claim(db, user_id,
                        json_pack("{s:{s:s, s:s, s:o}}", "$set", "state", "sweeping", "receiptId",
                                  receipt_id, "updatedAt", db_date(clock_wall_ms())));
}

int erasure_claims_done(struct db *db, const char *user_id, const char *receipt_id)
{
    char id[65];
    json_t *update = json_pack("{s:{s:s, s:s, s:o}, s:{s:s, s:s}}", "$set", "state", "done",
                               "receiptId", receipt_id, "updatedAt", db_date(clock_wall_ms()),
                               "$unset", "userId", "", "emailKey", "");
    json_t *filter;
    bool more = true;
    int rc;

    pseudonym(user_id, id);
    /* the marks name the user's objects: they go first (a background step,
     * in pages) */
    filter = marks_filter(id);
    rc = DB_OK;
    while (rc == DB_OK && more)
        rc = db_delete_page(db, MARKS, filter, PAGE, NULL, &more);
    json_decref(filter);
    if (rc == DB_OK)
        rc = db_update_id(db, COLL, id, update, NULL);
    json_decref(update);
    return rc;
}

int erasure_claims_stalled(struct db *db, int64_t before_ms, int limit, json_t **claims)
{
    json_t *filter = json_pack("{s:{s:[s,s]}, s:{s:o}}", "state", "$in", "running", "sweeping",
                               "updatedAt", "$lt", db_date(before_ms));
    json_t *opts = json_pack("{s:i}", "limit", limit);
    int rc = db_find(db, COLL, filter, opts, claims);

    json_decref(filter);
    json_decref(opts);
    return rc;
}

int erasure_claims_purge_done(struct db *db, int64_t before_ms, int64_t *deleted)
{
    json_t *filter = json_pack("{s:s, s:{s:o}}", "state", "done", "updatedAt", "$lt",
                               db_date(before_ms));
    int rc = db_delete_page(db, COLL, filter, PAGE, deleted, NULL);

    json_decref(filter);
    return rc;
}
