/*
 * ticket_index.c - the staff's lists of tickets in filing order (see
 * ticket_index.h).
 */
#include "store/ticket_index.h"

#include <stdio.h>

#include "store/slots.h"
#include "svc/db.h"

#define COLL "ticket_index"
#define ID_MAX 64

static bool entry_id(const char *key, int64_t n, char out[ID_MAX])
{
    int len = snprintf(out, ID_MAX, "%s:%lld", key, (long long)n);

    return len > 0 && len < ID_MAX;
}

int ticket_index_add(struct db *db, const char *key, const char *number, int64_t at_ms,
                     int64_t *n)
{
    json_t *entry = json_pack("{s:s, s:I}", "ticket", number, "at", (json_int_t)at_ms);
    int rc = entry != NULL ? slots_append(db, COLL, key, entry, n) : DB_ERROR;

    json_decref(entry);
    return rc;
}

int ticket_index_count(struct db *db, const char *key, int64_t *count)
{
    return slots_count(db, COLL, key, count);
}

int ticket_index_get(struct db *db, const char *key, int64_t n, json_t **entry)
{
    char id[ID_MAX];

    *entry = NULL;
    return entry_id(key, n, id) ? db_get(db, COLL, id, entry) : DB_ERROR;
}

static int64_t at_of(json_t *entry)
{
    return json_integer_value(json_object_get(entry, "at"));
}

int ticket_index_before(struct db *db, const char *key, int64_t top, int64_t at_ms,
                        int64_t *n)
{
    int64_t lo = 0, hi = top; /* entries 1..lo are before, hi + 1.. are not */
    int rc = DB_OK;

    while (lo < hi) {
        int64_t mid = lo + (hi - lo + 1) / 2;
        json_t *entry = NULL;

        if ((rc = ticket_index_get(db, key, mid, &entry)) != DB_OK)
            return rc;
        /* a missing entry (a removal can leave none, never a hole) is
         * after everything */
        if (entry != NULL && at_of(entry) < at_ms)
            lo = mid;
        else
            hi = mid - 1;
        json_decref(entry);
    }
    *n = lo;
    return rc;
}

int ticket_index_forget(struct db *db, const char *key, int64_t n)
{
    json_t *update = json_pack("{s:{s:s}}", "$unset", "ticket", "");
    char id[ID_MAX];
    int rc = entry_id(key, n, id) && update != NULL ? db_update_id(db, COLL, id, update, NULL)
                                                    : DB_ERROR;

    json_decref(update);
    return rc;
}

int ticket_index_floor(struct db *db, const char *key, int64_t *floor)
{
    json_t *doc = NULL;
    char id[ID_MAX];
    int rc;

    *floor = 1;
    if (snprintf(id, sizeof(id), "%s:floor", key) >= (int)sizeof(id))
        return DB_ERROR;
    rc = db_get(db, COLL, id, &doc);
    if (rc == DB_OK && json_integer_value(json_object_get(doc, "n")) > 1)
        *floor = json_integer_value(json_object_get(doc, "n"));
    json_decref(doc);
    return rc;
}

int ticket_index_raise_floor(struct db *db, const char *key, int64_t n)
{
    json_t *update = json_pack("{s:{s:I}}", "$max", "n", (json_int_t)n);
    char id[ID_MAX];
    int rc = snprintf(id, sizeof(id), "%s:floor", key) < (int)sizeof(id) && update != NULL
                 ? db_upsert_id(db, COLL, id, update)
                 : DB_ERROR;

    json_decref(update);
    return rc;
}
