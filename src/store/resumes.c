/*
 * resumes.c - storing, reading, replacing, listing and deleting resumes.
 *
 * A resume is a listed chain (listed.h): its version is the chain's
 * generation, so an ETag read by a client names exactly one stored state
 * and a replacement only one writer of a version wins; it is in its
 * owner's directory before it exists and until it is gone, with the
 * tailorings made from it listed under it.  Another user's resume and a
 * missing one look the same.
 */
#include "store/resumes.h"

#include <string.h>

#include "base/clock.h"
#include "base/jsonx.h"
#include "base/text.h"
#include "model/resume.h"
#include "store/listed.h"
#include "store/store.h"
#include "store/tailorings.h"
#include "svc/db.h"

static json_t *summarize(json_t *body)
{
    return json_pack("{s:O, s:O, s:O}", "title", json_object_get(body, "title"),
                     "createdAt", json_object_get(body, "createdAt"),
                     "updatedAt", json_object_get(body, "updatedAt"));
}

static const struct listed_kind kind = {
    .coll = "resumes",
    .sort_key = "updatedAt",
    .fault = "resume",
    .summarize = summarize,
    .dependents = "tailorings",
    .remove_dependents = tailorings_delete_listed,
};

bool resumes_is_id(const char *id)
{
    return listed_is_id(id);
}

static json_t *iso(json_t *ms)
{
    char buf[40];

    return json_string(text_iso8601(json_integer_value(ms), buf, sizeof(buf)));
}

/*
 * "$schema": the document keeps a JSON Resume's top-level "$schema" (a
 * URL), but a key starting with '$' is not one MongoDB will store, so the
 * chain body holds it as "schema" next to the resume, and view() puts it
 * back first, where JSON Resume writes it.
 */

/* The resume (borrowed) as stored: new reference, without "$schema". */
static json_t *stored_resume(json_t *resume)
{
    json_t *copy;

    if (json_object_get(resume, "$schema") == NULL)
        return json_incref(resume);
    if ((copy = json_copy(resume)) != NULL)
        json_object_del(copy, "$schema");
    return copy;
}

/* Set body's "schema" from resume's "$schema" (both borrowed). */
static void keep_schema(json_t *body, json_t *resume)
{
    json_t *schema = json_object_get(resume, "$schema");

    if (body != NULL && json_is_string(schema))
        json_object_set(body, "schema", schema);
}

/* The resume as the client gave it: new reference. */
static json_t *shown_resume(json_t *body)
{
    json_t *resume = json_object_get(body, "resume"), *schema = json_object_get(body, "schema");
    json_t *out;

    if (!json_is_string(schema))
        return json_incref(resume);
    if ((out = json_pack("{s:O}", "$schema", schema)) != NULL)
        json_object_update(out, resume);
    return out;
}

/* The shape resumes_get() promises, from a chain body (borrowed). */
static json_t *view(const char *id, int64_t version, json_t *body)
{
    return json_pack("{s:s, s:O, s:I, s:O, s:o, s:o, s:o}", "id", id,
                     "userId", json_object_get(body, "userId"), "version", (json_int_t)version,
                     "title", json_object_get(body, "title"),
                     "createdAt", iso(json_object_get(body, "createdAt")),
                     "updatedAt", iso(json_object_get(body, "updatedAt")),
                     "resume", shown_resume(body));
}

/* The body of user_id's resume id (new reference), or NULL. */
static int load(struct db *db, const char *user_id, const char *id, json_t **body,
                int64_t *gen)
{
    int rc = listed_load(&kind, db, user_id, id, body, gen);

    if (rc == DB_OK && *body != NULL && !json_is_object(json_object_get(*body, "resume"))) {
        json_decref(*body); /* written by hand without one: not a resume */
        *body = NULL;
    }
    return rc;
}

int resumes_get(struct db *db, const char *user_id, const char *id, json_t **out)
{
    json_t *body;
    int64_t gen;
    int rc = load(db, user_id, id, &body, &gen);

    *out = NULL;
    if (rc == DB_OK && body != NULL && (*out = view(id, gen, body)) == NULL)
        rc = DB_ERROR;
    json_decref(body);
    return rc;
}

int64_t resumes_count(json_t *dir)
{
    return listed_count_in(&kind, dir);
}

int resumes_insert(struct db *db, const char *user_id, json_t *resume, int64_t limit,
                   json_t **out)
{
    int64_t now = clock_wall_ms();
    char id[RESUMES_ID_LEN + 1];
    json_t *body;
    int rc;

    *out = NULL;
    body = json_pack("{s:s, s:o, s:o, s:I, s:I}", "userId", user_id, "title",
                     resume_title(resume), "resume", stored_resume(resume),
                     "createdAt", (json_int_t)now, "updatedAt", (json_int_t)now);
    keep_schema(body, resume);
    rc = listed_create(&kind, db, user_id, body, limit, id);
    if (rc == DB_OK && (*out = view(id, 1, body)) == NULL)
        rc = DB_ERROR;
    json_decref(body);
    return rc;
}

int resumes_replace(struct db *db, const char *user_id, const char *id, int64_t version,
                    json_t *resume, json_t **out)
{
    json_t *body, *next;
    struct chain_ver v;
    int rc;

    *out = NULL;
    /* the head alone when it is at the version the client edited: the
     * commit is the check */
    if ((rc = listed_load_for_write(&kind, db, user_id, id, version, &body, &v)) != DB_OK ||
        body == NULL)
        return rc;
    if (!json_is_object(json_object_get(body, "resume"))) {
        json_decref(body);
        *out = NULL;
        return DB_OK;
    }
    if (v.gen != version) {
        json_decref(body);
        return STORE_CONFLICT;
    }
    next = json_pack("{s:O, s:o, s:o, s:O, s:I}", "userId", json_object_get(body, "userId"),
                     "title", resume_title(resume), "resume", stored_resume(resume),
                     "createdAt", json_object_get(body, "createdAt"),
                     "updatedAt", (json_int_t)clock_wall_ms());
    keep_schema(next, resume);
    json_decref(body);
    rc = listed_commit(&kind, db, user_id, id, &v, next);
    if (rc == DB_OK && (*out = view(id, v.gen, next)) == NULL)
        rc = DB_ERROR;
    json_decref(next);
    return rc;
}

int resumes_remove(struct db *db, const char *user_id, const char *id, bool *found)
{
    return listed_remove(&kind, db, user_id, id, found);
}

int resumes_erase_user(struct db *db, const char *user_id, json_t *dir,
                       struct store_tally *resumes, struct store_tally *tailorings)
{
    return listed_erase_user(&kind, db, user_id, dir, resumes, tailorings);
}

int resumes_page(struct db *db, const char *user_id, size_t limit,
                 const struct listed_cursor *after, json_t **items, bool *more,
                 struct listed_cursor *next)
{
    json_t *item;
    size_t i;
    int rc = listed_page(&kind, db, user_id, limit, after, items, more, next);

    json_array_foreach(rc == DB_OK ? *items : NULL, i, item) {
        json_object_set_new(item, "createdAt", iso(json_object_get(item, "createdAt")));
        json_object_set_new(item, "updatedAt", iso(json_object_get(item, "updatedAt")));
    }
    return rc;
}
