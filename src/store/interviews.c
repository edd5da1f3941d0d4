/*
 * interviews.c - interviews as listed chains (see interviews.h).
 */
#include "store/interviews.h"

#include "store/directory.h"
#include "svc/db.h"

/* How many questions have an answer. */
static json_int_t answered(json_t *body)
{
    json_t *q;
    size_t i;
    json_int_t n = 0;

    json_array_foreach(json_object_get(body, "questions"), i, q)
        n += json_object_get(q, "answer") != NULL;
    return n;
}

/* What the list and the trend show of a report's delivery summary. */
static json_t *delivery_of(json_t *report)
{
    json_t *d = json_object_get(report, "delivery");

    if (!json_is_object(d))
        return NULL;
    return json_pack("{s:O?, s:O?, s:O?}",
                     "wordsPerMinute", json_object_get(d, "wordsPerMinute"),
                     "fillersPerMinute", json_object_get(d, "fillersPerMinute"),
                     "longestPauseSeconds", json_object_get(d, "longestPauseSeconds"));
}

static json_t *summarize(json_t *body)
{
    json_t *report = json_object_get(body, "report");

    return json_pack("{s:O, s:O, s:O, s:O, s:O, s:I, s:O?, s:o?, s:O, s:O, s:O?}",
                     "role", json_object_get(body, "role"),
                     "level", json_object_get(body, "level"),
                     "language", json_object_get(body, "language"),
                     "status", json_object_get(body, "status"),
                     "questionCount", json_object_get(body, "questionCount"),
                     "answered", answered(body),
                     "score", json_object_get(report, "overallScore"),
                     "delivery", delivery_of(report),
                     "createdAt", json_object_get(body, "createdAt"),
                     "updatedAt", json_object_get(body, "updatedAt"),
                     "completedAt", json_object_get(body, "completedAt"));
}

static const struct listed_kind kind = {
    .coll = "interviews",
    .sort_key = "createdAt",
    .fault = "interview",
    .summarize = summarize,
};

int interviews_get(struct db *db, const char *user_id, const char *id, json_t **body,
                   struct chain_ver *v)
{
    return listed_load_for_write(&kind, db, user_id, id, 0, body, v);
}

int interviews_create(struct db *db, const char *user_id, json_t *body, int64_t limit,
                      char id_out[INTERVIEWS_ID_LEN + 1])
{
    return listed_create(&kind, db, user_id, body, limit, id_out);
}

int64_t interviews_count(json_t *dir)
{
    return listed_count_in(&kind, dir);
}

int interviews_commit(struct db *db, const char *user_id, const char *id, struct chain_ver *v,
                      json_t *body)
{
    return listed_commit(&kind, db, user_id, id, v, body);
}

int interviews_remove(struct db *db, const char *user_id, const char *id, bool *found)
{
    return listed_remove(&kind, db, user_id, id, found);
}

int interviews_page(struct db *db, const char *user_id, size_t limit,
                    const struct listed_cursor *after, json_t **items, bool *more,
                    struct listed_cursor *next)
{
    return listed_page(&kind, db, user_id, limit, after, items, more, next);
}

int interviews_summaries(struct db *db, const char *user_id, json_t **section)
{
    json_t *dir = NULL;
    int rc = directory_get(db, user_id, &dir);

    *section = NULL;
    if (rc != DB_OK)
        return rc;
    *section = json_incref(json_object_get(dir, kind.coll));
    if (*section == NULL)
        *section = json_object();
    json_decref(dir);
    return DB_OK;
}

int interviews_erase_user(struct db *db, const char *user_id, json_t *dir,
                          struct store_tally *count)
{
    return listed_erase_user(&kind, db, user_id, dir, count, NULL);
}
