/*
 * slots.c - append-only numbered documents under a key (see slots.h).
 */
#include "store/slots.h"

#include <stdio.h>

#include "svc/db.h"

#define ID_MAX_LEN 200
/* Concurrent appends that may take the number we probed before we give
 * up and search again. */
#define APPEND_ATTEMPTS 8
#define SEARCH_ROUNDS 4

static bool slot_id(const char *key, int64_t n, char out[ID_MAX_LEN])
{
    int len = snprintf(out, ID_MAX_LEN, "%s:%lld", key, (long long)n);

    return len > 0 && len < ID_MAX_LEN;
}

int slots_search(slots_probe_fn probe, void *arg, int64_t *free_n, int *probes)
{
    int64_t lo = 0, hi = 1; /* lo: known taken (0 = none), hi: to probe */
    bool taken = false;
    int rc, count = 0;

    /* gallop: 1, 2, 4, 8, ... until a miss; then lo < first free <= hi */
    for (;;) {
        count++;
        if ((rc = probe(hi, arg, &taken)) != DB_OK)
            goto out;
        if (!taken)
            break;
        lo = hi;
        if (hi > INT64_MAX / 2) {
            rc = DB_ERROR;
            goto out;
        }
        hi *= 2;
    }
    /* binary search in (lo, hi]: the answer is the smallest free n */
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;

        count++;
        if ((rc = probe(mid, arg, &taken)) != DB_OK)
            goto out;
        if (taken)
            lo = mid;
        else
            hi = mid;
    }
    *free_n = hi;
    rc = DB_OK;
out:
    if (probes != NULL)
        *probes = count;
    return rc;
}

struct db_probe {
    struct db *db;
    const char *coll, *key;
};

static int db_probe(int64_t n, void *arg, bool *taken)
{
    const struct db_probe *p = arg;
    char id[ID_MAX_LEN];
    json_t *doc = NULL;
    int rc;

    if (!slot_id(p->key, n, id))
        return DB_ERROR;
    rc = db_get(p->db, p->coll, id, &doc);
    *taken = doc != NULL;
    json_decref(doc);
    return rc;
}

int slots_next(struct db *db, const char *coll, const char *key, int64_t *free_n)
{
    struct db_probe p = {.db = db, .coll = coll, .key = key};

    return slots_search(db_probe, &p, free_n, NULL);
}

/* The highest slot number slot 1 records (1 when it records none): a hint,
 * kept with $max after each append, so that an append costs the same few
 * operations whatever the number of slots (it may lag under concurrent
 * appends: the insert's unique _id is what decides, and the next number is
 * tried). */
#define LAST "last"

static int64_t last_hint(json_t *first)
{
    json_t *v = json_object_get(first, LAST);

    return json_is_integer(v) && json_integer_value(v) >= 1 ? json_integer_value(v) : 1;
}

int slots_append(struct db *db, const char *coll, const char *key, json_t *doc,
                 int64_t *n_out)
{
    json_t *stored = json_copy(doc), *first = NULL; /* shallow: only _id is added */
    char id[ID_MAX_LEN];
    int64_t n = 0;
    int rc = DB_ERROR;

    if (stored == NULL)
        return DB_ERROR;
    /* slot 1 answers both "any slot yet?" and where the others end */
    if (!slot_id(key, 1, id) || (rc = db_get(db, coll, id, &first)) != DB_OK)
        goto out;
    n = first == NULL ? 1 : last_hint(first) + 1;
    json_decref(first);
    for (int round = 0; round <= SEARCH_ROUNDS; round++) {
        /* round 0 starts from the hint; later rounds search (a hint far
         * behind, or many appenders at once) */
        if (round > 0 && (rc = slots_next(db, coll, key, &n)) != DB_OK)
            break;
        for (int attempt = 0; attempt < APPEND_ATTEMPTS; attempt++, n++) {
            if (!slot_id(key, n, id)) {
                rc = DB_ERROR;
                goto out;
            }
            json_object_set_new(stored, "_id", json_string(id));
            rc = db_insert(db, coll, stored);
            if (rc != DB_DUPLICATE)
                goto out;
        }
    }
out:
    json_decref(stored);
    if (rc == DB_OK && n > 1 && slot_id(key, 1, id)) {
        json_t *hint = json_pack("{s:{s:I}}", "$max", LAST, (json_int_t)n);

        db_update_id(db, coll, id, hint, NULL); /* a hint: a failure only costs a probe */
        json_decref(hint);
    }
    if (rc == DB_OK && n_out != NULL)
        *n_out = n;
    return rc;
}

int slots_count(struct db *db, const char *coll, const char *key, int64_t *count)
{
    json_t *first = NULL, *past = NULL;
    char id[ID_MAX_LEN];
    int64_t h;
    int rc;

    *count = 0;
    if (!slot_id(key, 1, id))
        return DB_ERROR;
    if ((rc = db_get(db, coll, id, &first)) != DB_OK || first == NULL)
        return rc;
    /* the hint never passes the last slot, so slot h exists: the count is
     * h when h + 1 does not (else the hint lags, and the search decides) */
    h = last_hint(first);
    json_decref(first);
    if (!slot_id(key, h + 1, id))
        return DB_ERROR;
    if ((rc = db_get(db, coll, id, &past)) != DB_OK)
        return rc;
    if (past == NULL) {
        *count = h;
        return DB_OK;
    }
    json_decref(past);
    if ((rc = slots_next(db, coll, key, &h)) == DB_OK)
        *count = h - 1;
    return rc;
}

int slots_each(struct db *db, const char *coll, const char *key, slots_visit_fn visit,
               void *arg)
{
    char id[ID_MAX_LEN];
    int rc;

    for (int64_t n = 1;; n++) {
        json_t *doc = NULL;

        if (!slot_id(key, n, id))
            return DB_ERROR;
        if ((rc = db_get(db, coll, id, &doc)) != DB_OK || doc == NULL)
            return rc;
        json_object_del(doc, LAST); /* bookkeeping, not the slot's content */
        rc = visit(doc, n, arg);
        json_decref(doc);
        if (rc != 0)
            return rc;
    }
}

int slots_remove(struct db *db, const char *coll, const char *key, int64_t *deleted)
{
    char id[ID_MAX_LEN];
    int64_t end = 0, count = 0, n;
    json_t *first = NULL;
    int rc;

    if ((rc = slots_next(db, coll, key, &end)) != DB_OK)
        return rc;
    /* past a hole (an append that raced an earlier removal) up to the end
     * slot 1 knows of */
    if (end > 1 && slot_id(key, 1, id) && db_get(db, coll, id, &first) == DB_OK &&
        last_hint(first) + 1 > end)
        end = last_hint(first) + 1;
    json_decref(first);
    for (n = end - 1; n >= 1; n--) {
        int64_t got = 0;

        if (!slot_id(key, n, id))
            return DB_ERROR;
        if ((rc = db_delete_id(db, coll, id, &got)) != DB_OK)
            return rc;
        count += got;
    }
    /* an append that raced the removal took `end` or later */
    for (n = end;; n++) {
        int64_t got = 0;

        if (!slot_id(key, n, id))
            return DB_ERROR;
        if ((rc = db_delete_id(db, coll, id, &got)) != DB_OK)
            return rc;
        if (got == 0)
            break;
        count += got;
    }
    if (deleted != NULL)
        *deleted += count;
    return DB_OK;
}

int slots_purge(struct db *db, const char *coll, const char *key, int64_t *deleted)
{
    char lo[ID_MAX_LEN], hi[ID_MAX_LEN];
    json_t *filter;
    bool more = true;
    int rc = DB_OK;

    /* "<key>:" followed by digits sorts between "<key>:0" and "<key>:;" */
    if (snprintf(lo, sizeof(lo), "%s:0", key) >= (int)sizeof(lo) ||
        snprintf(hi, sizeof(hi), "%s:;", key) >= (int)sizeof(hi))
        return DB_ERROR;
    filter = json_pack("{s:{s:s, s:s}}", "_id", "$gte", lo, "$lt", hi);
    while (rc == DB_OK && more)
        rc = filter ? db_delete_page(db, coll, filter, 500, deleted, &more) : DB_ERROR;
    json_decref(filter);
    return rc;
}
