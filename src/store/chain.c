/*
 * chain.c - versioned documents on _id operations (see chain.h).
 *
 * Invariants, on which the read's walk relies:
 *  - log "key:g" exists for every committed g >= 2 while the chain lives;
 *  - only an entry with a successor is ever stripped, so the newest
 *    committed generation always has its body, in the head or in its log;
 *  - a removal deletes the log before the head, so a chain whose head is
 *    gone has nothing left to find.
 */
#include "store/chain.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/fault.h"
#include "svc/db.h"

#define LOG_SUFFIX "_log"
#define NAME_MAX_LEN 64
#define ID_MAX_LEN 160

static bool log_name(const char *coll, char out[NAME_MAX_LEN])
{
    int n = snprintf(out, NAME_MAX_LEN, "%s" LOG_SUFFIX, coll);

    return n > 0 && n < NAME_MAX_LEN;
}

static bool log_id(const char *key, int64_t gen, char out[ID_MAX_LEN])
{
    int n = snprintf(out, ID_MAX_LEN, "%s:%lld", key, (long long)gen);

    return n > 0 && n < ID_MAX_LEN;
}

static int replace_head(struct db *db, const char *coll, const char *key, int64_t gen,
                        json_t *body, int64_t *matched)
{
    json_t *doc = json_pack("{s:s, s:I, s:O}", "_id", key, "gen", (json_int_t)gen, "body", body);
    int rc = db_replace_id(db, coll, key, doc, matched);

    json_decref(doc);
    return rc;
}

int chain_read(struct db *db, const char *coll, const char *key, json_t **body, int64_t *gen)
{
    char lname[NAME_MAX_LEN], id[ID_MAX_LEN];
    json_t *head = NULL, *newest, *entry;
    int64_t g, head_gen;
    int rc;

    *body = NULL;
    *gen = 0;
    if (!log_name(coll, lname))
        return DB_ERROR;
    if ((rc = db_get(db, coll, key, &head)) != DB_OK || head == NULL)
        return rc;
    newest = json_incref(json_object_get(head, "body"));
    head_gen = g = json_integer_value(json_object_get(head, "gen"));
    json_decref(head);
    if (!json_is_object(newest) || g < 1) {
        json_decref(newest);
        return DB_ERROR; /* not a chain head */
    }
    for (;;) {
        json_t *b;

        if (!log_id(key, g + 1, id)) {
            rc = DB_ERROR;
            break;
        }
        entry = NULL;
        if ((rc = db_get(db, lname, id, &entry)) != DB_OK || entry == NULL)
            break;
        g++;
        b = json_object_get(entry, "body");
        if (json_is_object(b)) {
            json_decref(newest);
            newest = json_incref(b);
        } else {
            /* stripped: a successor exists, keep walking */
            json_decref(newest);
            newest = NULL;
        }
        json_decref(entry);
    }
    if (rc != DB_OK || newest == NULL) {
        json_decref(newest);
        return rc != DB_OK ? rc : DB_ERROR;
    }
    if (g != head_gen)
        replace_head(db, coll, key, g, newest, NULL); /* repair; the log stays the truth */
    *body = newest;
    *gen = g;
    return DB_OK;
}

int chain_commit(struct db *db, const char *coll, const char *key, int64_t gen, json_t *body)
{
    char lname[NAME_MAX_LEN], id[ID_MAX_LEN];
    json_t *doc;
    int64_t matched = 0;
    int rc;

    if (!json_is_object(body) || !log_name(coll, lname) || !log_id(key, gen + 1, id))
        return DB_ERROR;
    if (gen == 0) {
        doc = json_pack("{s:s, s:i, s:O}", "_id", key, "gen", 1, "body", body);
        rc = db_insert(db, coll, doc);
        json_decref(doc);
        return rc == DB_DUPLICATE ? CHAIN_CONFLICT : rc;
    }
    doc = json_pack("{s:s, s:O, s:o}", "_id", id, "body", body, "at",
                    db_date(clock_wall_ms()));
    rc = db_insert(db, lname, doc);
    json_decref(doc);
    if (rc == DB_DUPLICATE)
        return CHAIN_CONFLICT;
    if (rc != DB_OK)
        return rc;
    fault_point("chain_committed");

    /* committed: from here on, failures only leave work for the next read */
    if (replace_head(db, coll, key, gen + 1, body, &matched) == DB_OK && matched == 0) {
        /* the chain was removed while we wrote: take our entry back */
        db_delete_id(db, lname, id, NULL);
        return CHAIN_CONFLICT;
    }
    if (gen >= 2 && log_id(key, gen, id)) {
        json_t *strip = json_pack("{s:{s:s}}", "$unset", "body", "");

        db_update_id(db, lname, id, strip, NULL);
        json_decref(strip);
    }
    return DB_OK;
}

int chain_remove(struct db *db, const char *coll, const char *key, bool *existed)
{
    char lname[NAME_MAX_LEN], id[ID_MAX_LEN];
    json_t *body = NULL;
    int64_t gen = 0, n;
    int rc;

    if (existed != NULL)
        *existed = false;
    if (!log_name(coll, lname))
        return DB_ERROR;
    /* the read leaves the head at the newest generation */
    if ((rc = chain_read(db, coll, key, &body, &gen)) != DB_OK)
        return rc;
    json_decref(body);
    if (gen == 0)
        return DB_OK;
    if (existed != NULL)
        *existed = true;
    for (int64_t g = 2; g <= gen; g++) {
        if (!log_id(key, g, id))
            return DB_ERROR;
        if ((rc = db_delete_id(db, lname, id, NULL)) != DB_OK)
            return rc;
    }
    if ((rc = db_delete_id(db, coll, key, NULL)) != DB_OK)
        return rc;
    /* a writer that read the chain before it went may have committed
     * after the walk: its entries follow ours */
    for (int64_t g = gen + 1;; g++) {
        if (!log_id(key, g, id))
            return DB_ERROR;
        n = 0;
        if ((rc = db_delete_id(db, lname, id, &n)) != DB_OK || n == 0)
            return rc;
    }
}
