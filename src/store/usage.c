/*
 * usage.c - the daily quotas' units, a slot each (see usage.h).
 */
#include "store/usage.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "store/slots.h"
#include "store/store.h"
#include "svc/db.h"

#define COLL "usage"
#define DAY_MS (24 * 3600 * 1000LL)
/* Days an erasure looks back over: retention keeps today and yesterday,
 * and one more covers a scheduler that has not run since midnight. */
#define ERASE_DAYS 3

static const char *const kinds[] = {USAGE_AI, USAGE_IMPORT};

/* "20261207": the UTC day of ms. */
static void day_of(int64_t ms, char day[9])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(day, 9, "%Y%m%d", &tm);
}

static bool key_of(const char *user_id, const char *kind, int64_t ms, char *key, size_t size)
{
    char day[9];
    int n;

    day_of(ms, day);
    n = snprintf(key, size, "%s.%s.%s", day, kind, user_id);
    return n > 0 && (size_t)n < size;
}

int usage_today(struct db *db, const char *user_id, const char *kind, int64_t now_ms,
                int64_t *used)
{
    char key[256];

    *used = 0;
    if (!key_of(user_id, kind, now_ms, key, sizeof(key)))
        return DB_ERROR;
    return slots_count(db, COLL, key, used);
}

int usage_take(struct db *db, const char *user_id, const char *kind, int64_t limit,
               int64_t now_ms, int64_t *used)
{
    char key[256];
    json_t *doc;
    int rc;

    *used = 0;
    if (!key_of(user_id, kind, now_ms, key, sizeof(key)))
        return DB_ERROR;
    if (limit > 0) {
        if ((rc = slots_count(db, COLL, key, used)) != DB_OK)
            return rc;
        if (*used >= limit)
            return STORE_LIMIT;
    }
    if ((doc = json_pack("{s:o}", "at", db_date(now_ms))) == NULL)
        return DB_ERROR;
    rc = slots_append(db, COLL, key, doc, used);
    json_decref(doc);
    if (rc == DB_OK && limit > 0 && *used > limit)
        return STORE_LIMIT;
    return rc;
}

/* erase(db, COLL, key, NULL) for each key of user_id's last few days. */
static int each_key(struct db *db, const char *user_id, int64_t now_ms,
                    int (*erase)(struct db *, const char *, const char *, int64_t *))
{
    char key[256];
    int rc = DB_OK;

    for (int d = 0; d < ERASE_DAYS && rc == DB_OK; d++)
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && rc == DB_OK; k++)
            rc = key_of(user_id, kinds[k], now_ms - d * DAY_MS, key, sizeof(key))
                     ? erase(db, COLL, key, NULL)
                     : DB_ERROR;
    return rc;
}

int usage_erase_user(struct db *db, const char *user_id, int64_t now_ms)
{
    return each_key(db, user_id, now_ms, slots_remove);
}

int usage_purge_user(struct db *db, const char *user_id, int64_t now_ms)
{
    return each_key(db, user_id, now_ms, slots_purge);
}

int usage_purge_before(struct db *db, int64_t before_ms, int64_t *deleted)
{
    char day[9];
    json_t *filter;
    bool more = true;
    int rc = DB_OK;

    day_of(before_ms, day);
    filter = json_pack("{s:{s:s}}", "_id", "$lt", day);
    while (filter != NULL && rc == DB_OK && more)
        rc = db_delete_page(db, COLL, filter, 500, deleted, &more);
    json_decref(filter);
    return filter == NULL ? DB_ERROR : rc;
}

int64_t usage_day_end(int64_t now_ms)
{
    return (now_ms / DAY_MS + 1) * DAY_MS;
}
