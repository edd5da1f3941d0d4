/*
 * users.c - profiles of signed-up users and their erasure.
 *
 * users_erase() is the one place that knows everything a user has.  Today
 * that is their users document, support tickets, resumes and tailorings;
 * each later feature that stores personal data (interviews, ...) adds its
 * collection here, before the users document is deleted, so that the
 * webhook's user.deleted, DELETE /api/me and staff-handled deletion
 * requests all erase the same things.
 *
 * FerretDB 1.x has no transactions, so erasure is a sequence of deletes
 * ordered to be safe to repeat: dependants first, the users document (the
 * only place the email is known from) last.  A crash part-way leaves the
 * users document, and running the erasure again finishes the job.
 */
#include "users.h"

#include <stdbool.h>
#include <stdint.h>

#include "svc/db.h"

int users_upsert_profile(struct db *db, const char *user_id, const char *email_or_NULL,
                         const char *name_or_NULL)
{
    int64_t now = db_now_ms();
    json_t *filter, *set, *update;
    int rc = DB_ERROR;

    filter = json_pack("{s:s}", "_id", user_id);
    set = json_pack("{s:o}", "updatedAt", db_date(now));
    if (set != NULL && email_or_NULL != NULL)
        json_object_set_new(set, "email", json_string(email_or_NULL));
    if (set != NULL && name_or_NULL != NULL)
        json_object_set_new(set, "name", json_string(name_or_NULL));
    update = set == NULL ? NULL
             : json_pack("{s:o, s:{s:o, s:{s:s, s:[]}}}", "$set", set,
                         "$setOnInsert", "createdAt", db_date(now),
                         "consent", "analytics", "unset", "history");
    if (filter != NULL && update != NULL) {
        rc = db_upsert_one(db, "users", filter, update);
        /* Two first deliveries racing: one inserted, the other's insert
         * lost on _id.  The document exists now, so once more updates it. */
        if (rc == DB_DUPLICATE)
            rc = db_upsert_one(db, "users", filter, update);
    }
    json_decref(filter);
    json_decref(update);
    return rc;
}

/* Delete the documents of coll matching the pair key = value; adds the
 * count to *total. */
static int delete_where(struct db *db, const char *coll, const char *key,
                        const char *value, int64_t *total)
{
    json_t *filter = json_pack("{s:s}", key, value);
    int64_t n = 0;
    int rc;

    if (filter == NULL)
        return DB_ERROR;
    rc = db_delete_many(db, coll, filter, &n);
    json_decref(filter);
    if (rc == DB_OK)
        *total += n;
    return rc;
}

int users_erase(struct db *db, const char *user_id, json_t *counts_out)
{
    json_t *filter, *opts, *user = NULL;
    const char *email = NULL;
    int64_t users = 0, tickets = 0, resumes = 0, tailorings = 0;
    int rc;

    filter = json_pack("{s:s}", "_id", user_id);
    opts = json_pack("{s:{s:i}}", "projection", "email", 1);
    rc = (filter && opts) ? db_find_one(db, "users", filter, opts, &user) : DB_ERROR;
    json_decref(filter);
    json_decref(opts);
    if (rc != DB_OK)
        return rc;
    if (user != NULL && json_is_string(json_object_get(user, "email")))
        email = json_string_value(json_object_get(user, "email"));

    /* tickets: those filed while signed in, and those sent from the email
     * the account holds (the support form does not know who is signed in) */
    rc = delete_where(db, "tickets", "userId", user_id, &tickets);
    if (rc == DB_OK && email != NULL && *email != '\0')
        rc = delete_where(db, "tickets", "email", email, &tickets);

    /* resumes, and the tailorings made from them (dependants first) */
    if (rc == DB_OK)
        rc = delete_where(db, "tailorings", "userId", user_id, &tailorings);
    if (rc == DB_OK)
        rc = delete_where(db, "resumes", "userId", user_id, &resumes);

    /* later features: interviews, ... go here */

    if (rc == DB_OK)
        rc = delete_where(db, "users", "_id", user_id, &users);
    json_decref(user); /* email pointed into it */
    if (rc == DB_OK && counts_out != NULL) {
        json_object_set_new(counts_out, "users", json_integer(users));
        json_object_set_new(counts_out, "tickets", json_integer(tickets));
        json_object_set_new(counts_out, "resumes", json_integer(resumes));
        json_object_set_new(counts_out, "tailorings", json_integer(tailorings));
    }
    return rc;
}

int users_is_erased(struct db *db, const char *user_id, bool *erased)
{
    json_t *filter = json_pack("{s:s, s:s}", "type", "user.deleted", "userId", user_id);
    json_t *opts = json_pack("{s:{s:i}}", "projection", "_id", 1), *doc = NULL;
    int rc = (filter && opts) ? db_find_one(db, "webhook_events", filter, opts, &doc) : DB_ERROR;

    *erased = doc != NULL;
    json_decref(doc);
    json_decref(filter);
    json_decref(opts);
    return rc;
}

int users_ensure(struct db *db, const char *user_id, bool *erased)
{
    int64_t now = db_now_ms();
    json_t *filter, *update;
    int rc;

    *erased = false;
    rc = users_is_erased(db, user_id, erased);
    if (rc != DB_OK || *erased)
        return rc != DB_OK ? rc : DB_ERROR;
    filter = json_pack("{s:s}", "_id", user_id);
    update = json_pack("{s:{s:o, s:o, s:{s:s, s:[]}}}", "$setOnInsert",
                       "createdAt", db_date(now), "updatedAt", db_date(now),
                       "consent", "analytics", "unset", "history");
    rc = db_upsert_one(db, "users", filter, update);
    json_decref(filter);
    json_decref(update);
    return rc;
}
