/*
 * fake_db.c - an in-memory database behind svc/db.h, for the unit tests of
 * the stores built on _id operations (chain.c, listed.c, directory.c,
 * tailorings.c).
 *
 * The seam is the link: the unit-test binary links this file instead of
 * svc/db.c, so the stores run unchanged against collections that are
 * Jansson objects keyed by _id.  Only the _id operations (the only ones a
 * user's request may take) and the deletion of a range of _ids (a
 * background pass's) are modelled; the others answer DB_ERROR.  A
 * test can count operations (db_usage) and make the next operation of a
 * kind fail, applied or not: fake_db_fail_next("insert", DB_DOWN, true) is
 * a lost acknowledgement.
 */
#include "fake_db.h"

#include <string.h>

#include "svc/db.h"

static json_t *all;            /* collection -> {_id -> document} */
static uint64_t ops;
static char fail_op[16];
static int fail_skip;
static int fail_status;
static bool fail_applied;

struct db {
    int unused;
};

static struct db the_db;

struct db *fake_db(void)
{
    return &the_db;
}

void fake_db_reset(void)
{
    json_decref(all);
    all = json_object();
    ops = 0;
    fail_op[0] = '\0';
}

size_t fake_db_count(const char *coll)
{
    return all ? json_object_size(json_object_get(all, coll)) : 0;
}

json_t *fake_db_doc(const char *coll, const char *id)
{
    return all ? json_object_get(json_object_get(all, coll), id) : NULL;
}

void fake_db_fail_next(const char *op, int status, bool applied)
{
    fake_db_fail_nth(op, 1, status, applied);
}

void fake_db_fail_nth(const char *op, int nth, int status, bool applied)
{
    snprintf(fail_op, sizeof(fail_op), "%s", op);
    fail_skip = nth - 1;
    fail_status = status;
    fail_applied = applied;
}

static json_t *coll_of(const char *coll)
{
    json_t *c;

    if (all == NULL)
        all = json_object();
    if ((c = json_object_get(all, coll)) == NULL) {
        c = json_object();
        json_object_set_new(all, coll, c);
    }
    return c;
}

/* Count the operation; 0 to go on, or the injected status.  *apply: do
 * the operation all the same (a lost acknowledgement). */
static int begin(const char *op, bool *apply)
{
    ops++;
    *apply = true;
    if (fail_op[0] != '\0' && strcmp(fail_op, op) == 0 && fail_skip-- == 0) {
        fail_op[0] = '\0';
        *apply = fail_applied;
        return fail_status;
    }
    return DB_OK;
}

void db_usage(const struct db *db, uint64_t *n, uint64_t *us)
{
    (void)db;
    *n = ops;
    *us = 0;
}

void db_usage_reset(struct db *db)
{
    (void)db;
    ops = 0;
}

json_t *db_date(int64_t ms)
{
    return json_pack("{s:I}", "$date", (json_int_t)ms);
}

int db_get(struct db *db, const char *coll, const char *id, json_t **out)
{
    bool apply;
    int rc = begin("get", &apply);

    (void)db;
    *out = NULL;
    if (rc != DB_OK)
        return rc;
    *out = json_deep_copy(json_object_get(coll_of(coll), id));
    return DB_OK;
}

int db_insert(struct db *db, const char *coll, json_t *doc)
{
    const char *id = json_string_value(json_object_get(doc, "_id"));
    bool apply;
    int rc = begin("insert", &apply);

    (void)db;
    if (id == NULL)
        return DB_ERROR;
    if (apply && json_object_get(coll_of(coll), id) != NULL)
        return rc != DB_OK ? rc : DB_DUPLICATE;
    if (apply)
        json_object_set_new(coll_of(coll), id, json_deep_copy(doc));
    return rc;
}

int db_replace_id(struct db *db, const char *coll, const char *id, json_t *doc,
                  int64_t *matched)
{
    bool apply, there;
    int rc = begin("replace", &apply);

    (void)db;
    there = json_object_get(coll_of(coll), id) != NULL;
    if (apply && there) {
        json_t *copy = json_deep_copy(doc);

        json_object_set_new(copy, "_id", json_string(id));
        json_object_set_new(coll_of(coll), id, copy);
    }
    if (matched != NULL)
        *matched = there;
    return rc;
}

int db_delete_id(struct db *db, const char *coll, const char *id, int64_t *deleted)
{
    bool apply, there;
    int rc = begin("delete", &apply);

    (void)db;
    there = json_object_get(coll_of(coll), id) != NULL;
    if (apply && there)
        json_object_del(coll_of(coll), id);
    if (deleted != NULL)
        *deleted = there && apply;
    return rc;
}

/* $set/$inc/$unset/$max of top-level or dotted-once fields: what the stores
 * under test send by _id. */
int db_update_id(struct db *db, const char *coll, const char *id, json_t *update,
                 int64_t *matched)
{
    json_t *doc = json_object_get(coll_of(coll), id), *fields, *v;
    const char *op, *name;
    bool apply;
    int rc = begin("update", &apply);

    (void)db;
    if (matched != NULL)
        *matched = doc != NULL;
    if (!apply || doc == NULL)
        return rc;
    json_object_foreach(update, op, fields) {
        json_object_foreach(fields, name, v) {
            if (strcmp(op, "$set") == 0)
                json_object_set(doc, name, v);
            else if (strcmp(op, "$unset") == 0)
                json_object_del(doc, name);
            else if (strcmp(op, "$max") == 0) {
                json_t *have = json_object_get(doc, name);

                if (have == NULL || json_integer_value(v) > json_integer_value(have))
                    json_object_set(doc, name, v);
            } else if (strcmp(op, "$inc") == 0)
                json_object_set_new(doc, name, json_integer(json_integer_value(
                                                   json_object_get(doc, name)) +
                                               json_integer_value(v)));
        }
    }
    return rc;
}

int db_upsert_id(struct db *db, const char *coll, const char *id, json_t *update)
{
    if (json_object_get(coll_of(coll), id) == NULL)
        json_object_set_new(coll_of(coll), id, json_pack("{s:s}", "_id", id));
    return db_update_id(db, coll, id, update, NULL);
}

/* ---- the rest of svc/db.h: not modelled ------------------------------------------ */

struct db *db_new(const char *uri, const char *dbname, char *err, size_t errlen)
{
    (void)uri;
    (void)dbname;
    snprintf(err, errlen, "the unit tests' database has no server");
    return NULL;
}

void db_free(struct db *db)
{
    (void)db;
}

int db_ping(struct db *db)
{
    (void)db;
    return DB_OK;
}

int db_health(struct db *db, unsigned max_age_ms)
{
    (void)db;
    (void)max_age_ms;
    return DB_OK;
}

int db_find_one(struct db *db, const char *coll, json_t *filter, json_t *opts, json_t **out)
{
    (void)db, (void)coll, (void)filter, (void)opts;
    *out = NULL;
    return DB_ERROR;
}

int db_find(struct db *db, const char *coll, json_t *filter, json_t *opts, json_t **out)
{
    (void)db, (void)coll, (void)filter, (void)opts;
    *out = NULL;
    return DB_ERROR;
}

int db_update_one(struct db *db, const char *coll, json_t *filter, json_t *update,
                  int64_t *count)
{
    (void)db, (void)coll, (void)filter, (void)update, (void)count;
    return DB_ERROR;
}

int db_upsert_one(struct db *db, const char *coll, json_t *filter, json_t *update)
{
    (void)db, (void)coll, (void)filter, (void)update;
    return DB_ERROR;
}

int db_delete_many(struct db *db, const char *coll, json_t *filter, int64_t *count)
{
    (void)db, (void)coll, (void)filter, (void)count;
    return DB_ERROR;
}

int db_read_command(struct db *db, json_t *cmd, json_t **reply, struct db_error *err)
{
    (void)db, (void)cmd, (void)err;
    if (reply != NULL)
        *reply = NULL;
    return DB_ERROR;
}

int db_write_command(struct db *db, json_t *cmd, json_t **reply, struct db_error *err)
{
    return db_read_command(db, cmd, reply, err);
}

/* A range of _ids, {_id: {$gte: lo, $lt: hi}} (either bound may be
 * absent): the background passes' scans of slots (slots_purge()). */
int db_delete_page(struct db *db, const char *coll, json_t *filter, int limit, int64_t *deleted,
                   bool *more)
{
    json_t *range = json_object_get(filter, "_id"), *c = coll_of(coll), *doc;
    const char *lo = json_string_value(json_object_get(range, "$gte"));
    const char *hi = json_string_value(json_object_get(range, "$lt"));
    const char *id;
    void *tmp;
    int n = 0;
    bool apply;
    int rc = begin("delete", &apply);

    (void)db;
    if (more != NULL)
        *more = false;
    if (!json_is_object(range) || json_object_size(filter) != 1 || (lo == NULL && hi == NULL))
        return DB_ERROR;
    json_object_foreach_safe(c, tmp, id, doc) {
        if ((lo != NULL && strcmp(id, lo) < 0) || (hi != NULL && strcmp(id, hi) >= 0))
            continue;
        if (n == limit) {
            if (more != NULL)
                *more = true;
            break;
        }
        if (apply)
            json_object_del(c, id);
        n++;
    }
    (void)doc;
    if (deleted != NULL && apply)
        *deleted += n;
    return rc;
}
