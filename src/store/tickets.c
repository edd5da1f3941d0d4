/*
 * tickets.c - the tickets collection.
 */
#include "store/tickets.h"

#include "http/jsonx.h"
#include "svc/db.h"

#define COLL "tickets"
#define PAGE 200

int tickets_insert(struct db *db, json_t *doc)
{
    return db_insert(db, COLL, doc);
}

/* Delete every ticket whose `key` is value, a page of ids at a time. */
static int erase_where(struct db *db, const char *key, const char *value, int64_t *deleted)
{
    json_t *filter = json_pack("{s:s}", key, value);
    json_t *opts = json_pack("{s:{s:i}, s:i}", "projection", "_id", 1, "limit", PAGE);
    json_t *page = NULL, *doc;
    size_t i, got;
    int rc;

    do {
        if ((rc = db_find(db, COLL, filter, opts, &page)) != DB_OK)
            break;
        got = json_array_size(page);
        json_array_foreach(page, i, doc) {
            int64_t n = 0;

            if ((rc = db_delete_id(db, COLL, jsonx_string(doc, "_id"), &n)) != DB_OK)
                break;
            *deleted += n;
        }
        json_decref(page);
        page = NULL;
    } while (rc == DB_OK && got == PAGE);
    json_decref(filter);
    json_decref(opts);
    return rc;
}

int tickets_erase(struct db *db, const char *user_id, const char *email, int64_t *deleted)
{
    int rc = erase_where(db, "userId", user_id, deleted);

    if (rc == DB_OK && email != NULL && *email != '\0')
        rc = erase_where(db, "email", email, deleted);
    return rc;
}

/* ---- staff ------------------------------------------------------------------ */

#define LIST_FIELDS "status", "subject", "email", "name", "createdAt", "regime", \
                    "privacyRequest", "channel", "userId", "updatedAt"

int tickets_page(struct db *db, const struct tickets_query *q, json_t **items, bool *more)
{
    json_t *filter = json_object(), *created = json_object(), *opts, *proj = json_object();
    const char *fields[] = {LIST_FIELDS};
    int rc;

    *items = NULL;
    *more = false;
    if (q->status != NULL)
        json_object_set_new(filter, "status", json_string(q->status));
    if (q->from_ms >= 0)
        json_object_set_new(created, "$gte", db_date(q->from_ms));
    if (q->to_ms >= 0)
        json_object_set_new(created, "$lt", db_date(q->to_ms));
    if (json_object_size(created) > 0)
        json_object_set(filter, "createdAt", created);
    if (q->after)
        json_object_set_new(filter, "$or", json_pack(
            "[{s:{s:o}}, {s:o, s:{s:s}}]",
            "createdAt", "$lt", db_date(q->after_ms),
            "createdAt", db_date(q->after_ms), "_id", "$lt", q->after_id));
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        json_object_set_new(proj, fields[i], json_integer(1));
    opts = json_pack("{s:{s:i, s:i}, s:I, s:o}", "sort", "createdAt", -1, "_id", -1,
                     "limit", (json_int_t)q->limit + 1, "projection", proj);
    rc = db_find(db, COLL, filter, opts, items);
    json_decref(filter);
    json_decref(created);
    json_decref(opts);
    if (rc == DB_OK && json_array_size(*items) > q->limit) {
        *more = true;
        json_array_remove(*items, q->limit);
    }
    return rc;
}

int tickets_get(struct db *db, const char *number, json_t **out)
{
    return db_get(db, COLL, number, out);
}

int tickets_update(struct db *db, const char *number, json_t *update, bool *found)
{
    int64_t matched = 0;
    int rc = db_update_id(db, COLL, number, update, &matched);

    *found = matched > 0;
    return rc;
}

int tickets_privacy_requests(struct db *db, size_t limit, json_t **out)
{
    json_t *filter = json_pack("{s:{s:[sss]}}", "privacyRequest.status", "$in",
                               "open", "verified", "executing");
    json_t *opts = json_pack("{s:{s:i, s:i}, s:I, s:{s:i, s:i, s:i, s:i, s:i, s:i}}",
                             "sort", "privacyRequest.dueAt", 1, "_id", 1,
                             "limit", (json_int_t)limit,
                             "projection", "status", 1, "subject", 1, "email", 1, "name", 1,
                             "createdAt", 1, "privacyRequest", 1);
    int rc = db_find(db, COLL, filter, opts, out);

    json_decref(filter);
    json_decref(opts);
    return rc;
}

int tickets_erase_email(struct db *db, const char *email, const char *keep, int64_t *deleted)
{
    json_t *filter, *opts, *page = NULL, *doc;
    size_t i, got;
    int rc;

    if (email == NULL || *email == '\0')
        return DB_OK;
    filter = json_pack("{s:s}", "email", email);
    if (filter != NULL && keep != NULL)
        json_object_set_new(filter, "_id", json_pack("{s:s}", "$ne", keep));
    opts = json_pack("{s:{s:i}, s:i}", "projection", "_id", 1, "limit", PAGE);
    do {
        if ((rc = db_find(db, COLL, filter, opts, &page)) != DB_OK)
            break;
        got = json_array_size(page);
        json_array_foreach(page, i, doc) {
            int64_t n = 0;

            if ((rc = db_delete_id(db, COLL, jsonx_string(doc, "_id"), &n)) != DB_OK)
                break;
            *deleted += n;
        }
        json_decref(page);
        page = NULL;
    } while (rc == DB_OK && got == PAGE);
    json_decref(filter);
    json_decref(opts);
    return rc;
}
