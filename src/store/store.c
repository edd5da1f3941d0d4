/*
 * store.c - the statuses and dates of store.h, tied to the database's.
 */
#include "store/store.h"

#include "base/config.h"
#include "svc/db.h"

_Static_assert((int)STORE_OK == (int)DB_OK && (int)STORE_DOWN == (int)DB_DOWN &&
               (int)STORE_DUPLICATE == (int)DB_DUPLICATE && (int)STORE_ERROR == (int)DB_ERROR,
               "store statuses are the database's");

json_t *store_date(int64_t ms)
{
    return db_date(ms);
}

int store_health(struct db *db, unsigned max_age_ms)
{
    return db_health(db, max_age_ms);
}

struct db *store_open(char *err, size_t errlen)
{
    return db_new(config.mongodb_uri, config.db_name, err, errlen);
}

void store_close(struct db *db)
{
    db_free(db);
}

void store_usage(struct db *db, struct store_usage *u)
{
    u->ops = u->us = 0;
    if (db != NULL)
        db_usage(db, &u->ops, &u->us);
}

void store_usage_reset(struct db *db)
{
    if (db != NULL)
        db_usage_reset(db);
}
