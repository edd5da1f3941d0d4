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

int tickets_count_overdue(struct db *db, int64_t now_ms, int64_t *count)
{
    json_t *filter = json_pack("{s:{s:[s, s, s]}, s:{s:o}}", "privacyRequest.status", "$in",
                               "open", "verified", "executing", "privacyRequest.dueAt", "$lt",
                               db_date(now_ms));
    json_t *opts = json_pack("{s:{s:i}}", "projection", "_id", 1);
    json_t *found = NULL;
    int rc = db_find(db, COLL, filter, opts, &found);

    *count = rc == DB_OK ? (int64_t)json_array_size(found) : 0;
    json_decref(found);
    json_decref(filter);
    json_decref(opts);
    return rc;
}
