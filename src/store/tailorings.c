/*
 * tailorings.c - storing and listing tailorings through the directory.
 */
#include "store/tailorings.h"

#include <string.h>

#include "base/clock.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "store/directory.h"
#include "store/store.h"
#include "svc/db.h"

#define COLL "tailorings"

struct add {
    const char *resume_id, *id;
    int64_t now, limit;
};

int64_t tailorings_count(json_t *dir, const char *resume_id)
{
    return (int64_t)json_array_size(json_object_get(json_object_get(dir, "tailorings"),
                                                    resume_id));
}

static int add_entry(json_t *dir, void *arg)
{
    const struct add *a = arg;
    json_t *entry = json_object_get(json_object_get(dir, "resumes"), a->resume_id);
    json_t *all = json_object_get(dir, "tailorings"), *list;
    const char *state = jsonx_string(entry, "state");

    if (entry == NULL || state == NULL || strcmp(state, "deleting") == 0)
        return STORE_NOT_FOUND;
    /* at the commit point, so two racing creates cannot both take the
     * last place */
    if (a->limit > 0 && tailorings_count(dir, a->resume_id) >= a->limit)
        return STORE_LIMIT;
    list = json_object_get(all, a->resume_id);
    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(all, a->resume_id, list);
    }
    return json_array_append_new(list, json_pack("{s:s, s:I, s:s, s:I}", "id", a->id,
                                                 "createdAt", (json_int_t)a->now, "state", "new",
                                                 "at", (json_int_t)a->now)) == 0
               ? 0
               : STORE_ERROR;
}

/* The create's own entry, settled once the tailoring exists. */
static int settle_entry(json_t *dir, void *arg)
{
    const struct add *a = arg;
    json_t *list = json_object_get(json_object_get(dir, "tailorings"), a->resume_id), *e;
    size_t i;

    json_array_foreach(list, i, e)
        if (strcmp(jsonx_string(e, "id") ?: "", a->id) == 0)
            json_object_set_new(e, "state", json_string("ok"));
    return 0;
}

int tailorings_insert(struct db *db, const char *user_id, const char *resume_id, json_t *doc,
                      int64_t limit, char id_out[TAILORINGS_ID_LEN + 1], int64_t *created_ms)
{
    struct add a = {.resume_id = resume_id, .id = id_out, .now = clock_wall_ms(),
                    .limit = limit};
    struct directory_pending p;
    json_t *stored;
    int rc, end;

    if (encode_random_hex(TAILORINGS_ID_LEN / 2, id_out) != 0)
        return DB_ERROR;
    *created_ms = a.now;
    stored = json_deep_copy(doc);
    if (stored == NULL)
        return DB_ERROR;
    json_object_set_new(stored, "_id", json_string(id_out));
    json_object_set_new(stored, "createdAt", db_date(a.now));
    /* listed "new" first (a sealed directory: STORE_ERASED, nothing
     * written), then the document, then the entry settled in the head */
    if ((rc = directory_edit_begin(db, user_id, add_entry, &a, &p)) != DB_OK) {
        json_decref(stored);
        return rc;
    }
    rc = db_insert(db, COLL, stored);
    json_decref(stored);
    if (rc == DB_DUPLICATE) /* 96 random bits: all but impossible */
        rc = DB_ERROR;
    /* after an error the insert may have been applied all the same (a lost
     * acknowledgement): the entry stays "new", so the resume's deletion and
     * erasure, which delete by the listed id, still find it */
    end = directory_edit_end(db, user_id, &p, rc == DB_OK ? settle_entry : NULL, &a);
    if (rc == DB_OK && end == STORE_ERASED) {
        db_delete_id(db, COLL, id_out, NULL); /* the account went meanwhile */
        return STORE_ERASED;
    }
    return rc;
}

int tailorings_list(struct db *db, const char *user_id, const char *resume_id, size_t limit,
                    json_t **items)
{
    json_t *dir = NULL, *list, *e, *out;
    size_t i;
    int rc;

    *items = NULL;
    if ((rc = directory_get(db, user_id, &dir)) != DB_OK)
        return rc;
    list = json_object_get(json_object_get(dir, "tailorings"), resume_id);
    out = json_array();
    /* entries are appended in creation order: walk from the newest */
    for (i = json_array_size(list); i-- > 0 && json_array_size(out) < limit;) {
        json_t *doc = NULL;
        const char *id;

        e = json_array_get(list, i);
        id = jsonx_string(e, "id");
        if (id == NULL)
            continue;
        if ((rc = db_get(db, COLL, id, &doc)) != DB_OK)
            break;
        /* missing: a "new" entry whose request is in flight or died; the
         * entry stays harmless until the resume's deletion or erasure,
         * which delete by id */
        if (doc == NULL)
            continue;
        if (strcmp(jsonx_string(doc, "userId") ?: "", user_id) == 0)
            json_array_append(out, doc);
        json_decref(doc);
    }
    json_decref(dir);
    if (rc != DB_OK) {
        json_decref(out);
        return rc;
    }
    *items = out;
    return DB_OK;
}

int tailorings_get(struct db *db, const char *user_id, const char *id, json_t **doc)
{
    int rc = db_get(db, COLL, id, doc);

    if (rc == DB_OK && *doc != NULL &&
        strcmp(jsonx_string(*doc, "userId") ?: "", user_id) != 0) {
        json_decref(*doc);
        *doc = NULL;
    }
    return rc;
}

int tailorings_delete_listed(struct db *db, json_t *entries, struct store_tally *deleted)
{
    json_t *e;
    size_t i;
    int rc;

    json_array_foreach(entries, i, e) {
        int64_t n = 0;
        const char *id = jsonx_string(e, "id");

        if (id == NULL)
            continue;
        if (deleted != NULL && deleted->deleting != NULL) {
            /* the tally names only what exists: ask first */
            json_t *doc = NULL;

            if ((rc = db_get(db, COLL, id, &doc)) != DB_OK)
                return rc;
            if (doc != NULL)
                store_tally_deleting(deleted, id);
            json_decref(doc);
        }
        if ((rc = db_delete_id(db, COLL, id, &n)) != DB_OK)
            return rc;
        store_tally_add(deleted, n);
    }
    return DB_OK;
}
