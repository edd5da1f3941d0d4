/*
 * resumes.c - storing, reading, replacing, listing and deleting resumes.
 *
 * Invariants:
 *  - a resume is a chain (chain.h); its generation is its version, so an
 *    ETag read by a client names exactly one stored state, and a
 *    replacement is a chain commit that only one writer of a version wins;
 *  - the owner is checked in C after every fetch by _id: another user's
 *    resume and a missing one look the same;
 *  - every resume is in its owner's directory before it exists and until
 *    it is gone ("new" ... "ok" ... "deleting"), so the list, the deletion
 *    of a resume's tailorings and erasure all find it by _id, and a crash
 *    between the two writes is repaired by the next list.
 */
#include "store/resumes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/encode.h"
#include "base/fault.h"
#include "base/mem.h"
#include "base/text.h"
#include "http/jsonx.h"
#include "model/resume.h"
#include "store/chain.h"
#include "store/directory.h"
#include "store/tailorings.h"
#include "svc/db.h"

#define COLL "resumes"
#define NOT_LISTED 103

bool resumes_is_id(const char *id)
{
    return encode_is_hex(id, RESUMES_ID_LEN);
}

static json_t *iso(json_t *ms)
{
    char buf[40];

    return json_string(text_iso8601(json_integer_value(ms), buf, sizeof(buf)));
}

/* The shape resumes_get() promises, from a chain body (borrowed). */
static json_t *view(const char *id, int64_t version, json_t *body)
{
    return json_pack("{s:s, s:O, s:I, s:O, s:o, s:o, s:O}", "id", id,
                     "userId", json_object_get(body, "userId"), "version", (json_int_t)version,
                     "title", json_object_get(body, "title"),
                     "createdAt", iso(json_object_get(body, "createdAt")),
                     "updatedAt", iso(json_object_get(body, "updatedAt")),
                     "resume", json_object_get(body, "resume"));
}

/* The chain body of id if user_id owns it: *body new reference or NULL. */
static int load(struct db *db, const char *user_id, const char *id, json_t **body,
                int64_t *gen)
{
    int rc;

    *body = NULL;
    *gen = 0;
    if (!resumes_is_id(id) || user_id == NULL)
        return DB_OK;
    rc = chain_read(db, COLL, id, body, gen);
    if (rc == DB_OK && *body != NULL) {
        const char *owner = jsonx_string(*body, "userId");

        if (owner == NULL || strcmp(owner, user_id) != 0 ||
            !json_is_object(json_object_get(*body, "resume"))) {
            json_decref(*body);
            *body = NULL;
        }
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

/* ---- directory edits ------------------------------------------------------ */

struct entry_change {
    const char *id;
    const char *title;
    int64_t version, created, updated, now;
    const char *state;
};

static int set_entry(json_t *dir, void *arg)
{
    const struct entry_change *c = arg;
    json_t *resumes = json_object_get(dir, "resumes");
    json_t *old = json_object_get(resumes, c->id);

    if (c->state == NULL) {
        /* a summary update: only for a listed resume not being deleted */
        const char *state = jsonx_string(old, "state");

        if (state == NULL || strcmp(state, "deleting") == 0)
            return NOT_LISTED;
        if (json_integer_value(json_object_get(old, "version")) > c->version)
            return NOT_LISTED; /* a newer version's summary is already there */
        json_object_set_new(old, "title", json_string(c->title));
        json_object_set_new(old, "version", json_integer(c->version));
        json_object_set_new(old, "updatedAt", json_integer(c->updated));
        json_object_set_new(old, "state", json_string("ok"));
        return 0;
    }
    if (strcmp(c->state, "deleting") == 0) {
        if (old == NULL)
            return NOT_LISTED;
        json_object_set_new(old, "state", json_string("deleting"));
        json_object_set_new(old, "at", json_integer(c->now));
        return 0;
    }
    return json_object_set_new(resumes, c->id,
                               json_pack("{s:s, s:I, s:I, s:I, s:s, s:I}", "title", c->title,
                                         "version", (json_int_t)c->version,
                                         "createdAt", (json_int_t)c->created,
                                         "updatedAt", (json_int_t)c->updated,
                                         "state", c->state, "at", (json_int_t)c->now));
}

static int drop_entry(json_t *dir, void *arg)
{
    const char *id = arg;

    if (json_object_get(json_object_get(dir, "resumes"), id) == NULL &&
        json_object_get(json_object_get(dir, "tailorings"), id) == NULL)
        return NOT_LISTED;
    json_object_del(json_object_get(dir, "resumes"), id);
    json_object_del(json_object_get(dir, "tailorings"), id);
    return 0;
}

/* Mark many entries at once: arg is an object id -> "ok" | (absent: drop). */
static int settle_entries(json_t *dir, void *arg)
{
    json_t *verdicts = arg, *resumes = json_object_get(dir, "resumes"), *v;
    const char *id;
    int changed = 0;

    json_object_foreach(verdicts, id, v) {
        json_t *e = json_object_get(resumes, id);

        if (e == NULL || strcmp(jsonx_string(e, "state") ?: "", "new") != 0)
            continue;
        if (json_is_true(v))
            json_object_set_new(e, "state", json_string("ok"));
        else {
            json_object_del(resumes, id);
            json_object_del(json_object_get(dir, "tailorings"), id);
        }
        changed = 1;
    }
    return changed ? 0 : NOT_LISTED;
}

/* ---- create, replace, delete -------------------------------------------------- */

int resumes_insert(struct db *db, const char *user_id, json_t *resume, json_t **out)
{
    int64_t now = clock_wall_ms();
    char id[RESUMES_ID_LEN + 1];
    struct entry_change c = {.id = id, .version = 1, .created = now, .updated = now,
                             .now = now, .state = "new"};
    json_t *body;
    int rc;

    *out = NULL;
    if (encode_random_hex(RESUMES_ID_LEN / 2, id) != 0)
        return DB_ERROR;
    body = json_pack("{s:s, s:o, s:O, s:I, s:I}", "userId", user_id, "title",
                     resume_title(resume), "resume", resume, "createdAt", (json_int_t)now,
                     "updatedAt", (json_int_t)now);
    if (body == NULL)
        return DB_ERROR;
    c.title = jsonx_string(body, "title");
    rc = directory_edit(db, user_id, set_entry, &c);
    if (rc == DB_OK) {
        fault_point("resume_create_listed");
        rc = chain_commit(db, COLL, id, 0, body);
        if (rc == CHAIN_CONFLICT) /* 96 random bits: all but impossible */
            rc = DB_ERROR;
        if (rc != DB_OK)
            directory_edit(db, user_id, drop_entry, id); /* else the list drops it */
    }
    if (rc == DB_OK && (*out = view(id, 1, body)) == NULL)
        rc = DB_ERROR;
    json_decref(body);
    return rc;
}

int resumes_replace(struct db *db, const char *user_id, const char *id, int64_t version,
                    json_t *resume, json_t **out)
{
    struct entry_change c = {.id = id, .version = version + 1};
    json_t *body, *next;
    int64_t gen;
    int rc;

    *out = NULL;
    if ((rc = load(db, user_id, id, &body, &gen)) != DB_OK || body == NULL)
        return rc;
    if (gen != version) {
        json_decref(body);
        return RESUMES_STALE;
    }
    c.updated = clock_wall_ms();
    next = json_pack("{s:O, s:o, s:O, s:O, s:I}", "userId", json_object_get(body, "userId"),
                     "title", resume_title(resume), "resume", resume,
                     "createdAt", json_object_get(body, "createdAt"),
                     "updatedAt", (json_int_t)c.updated);
    json_decref(body);
    if (next == NULL)
        return DB_ERROR;
    rc = chain_commit(db, COLL, id, gen, next);
    if (rc == CHAIN_CONFLICT)
        rc = RESUMES_STALE;
    if (rc == DB_OK) {
        /* the list's summary; a crash before it leaves the old title in
         * the list until the next edit, never a missing resume */
        c.title = jsonx_string(next, "title");
        directory_edit(db, user_id, set_entry, &c);
        if ((*out = view(id, gen + 1, next)) == NULL)
            rc = DB_ERROR;
    }
    json_decref(next);
    return rc;
}

/* The second half of a deletion, for an entry marked "deleting": the
 * tailorings, the resume, then the entry.  Repeatable. */
static int finish_delete(struct db *db, const char *user_id, const char *id,
                         int64_t *resumes, int64_t *tailorings)
{
    json_t *dir = NULL;
    bool existed = false;
    int rc;

    if ((rc = directory_get(db, user_id, &dir)) != DB_OK)
        return rc;
    rc = tailorings_delete_listed(db, json_object_get(json_object_get(dir, "tailorings"), id),
                                  tailorings);
    json_decref(dir);
    if (rc == DB_OK)
        rc = chain_remove(db, COLL, id, &existed);
    if (rc == DB_OK && existed)
        (*resumes)++;
    if (rc == DB_OK) {
        rc = directory_edit(db, user_id, drop_entry, (void *)id);
        if (rc == NOT_LISTED)
            rc = DB_OK;
    }
    return rc;
}

int resumes_remove(struct db *db, const char *user_id, const char *id, bool *found)
{
    struct entry_change c = {.id = id, .state = "deleting", .now = clock_wall_ms()};
    int64_t resumes = 0, tailorings = 0, gen;
    json_t *body;
    int rc;

    *found = false;
    if ((rc = load(db, user_id, id, &body, &gen)) != DB_OK || body == NULL)
        return rc;
    json_decref(body);
    *found = true;
    rc = directory_edit(db, user_id, set_entry, &c);
    if (rc != DB_OK && rc != NOT_LISTED)
        return rc;
    fault_point("resume_delete_marked");
    return finish_delete(db, user_id, id, &resumes, &tailorings);
}

int resumes_erase_user(struct db *db, const char *user_id, int64_t *resumes,
                       int64_t *tailorings)
{
    json_t *dir = NULL, *all_tailorings;
    const char *id;
    void *iter;
    int rc;

    if ((rc = directory_get(db, user_id, &dir)) != DB_OK)
        return rc;
    all_tailorings = json_object_get(dir, "tailorings");
    for (iter = json_object_iter(json_object_get(dir, "resumes")); iter != NULL && rc == DB_OK;
         iter = json_object_iter_next(json_object_get(dir, "resumes"), iter)) {
        json_t *body = NULL;
        int64_t gen;
        bool owned, existed = false;

        id = json_object_iter_key(iter);
        /* the owner is checked again: a directory names, it does not prove */
        if ((rc = load(db, user_id, id, &body, &gen)) != DB_OK)
            break;
        owned = body != NULL;
        json_decref(body);
        rc = tailorings_delete_listed(db, json_object_get(all_tailorings, id), tailorings);
        if (rc == DB_OK && owned)
            rc = chain_remove(db, COLL, id, &existed);
        *resumes += existed;
    }
    json_decref(dir);
    return rc;
}

/* ---- the list ------------------------------------------------------------------- */

bool resumes_cursor_encode(const struct resumes_cursor *c, char *out, size_t size)
{
    char plain[48];
    int n = snprintf(plain, sizeof(plain), "%lld|%s", (long long)c->updated_ms, c->id);

    return n > 0 && (size_t)n < sizeof(plain) &&
           encode_b64url((const unsigned char *)plain, (size_t)n, out, size);
}

bool resumes_cursor_decode(const char *text, struct resumes_cursor *c)
{
    unsigned char plain[RESUMES_CURSOR_SIZE];
    size_t len;
    char *bar, *end;
    long long ms;

    if (text == NULL || *text == '\0' || strlen(text) >= RESUMES_CURSOR_SIZE || strchr(text, '=') ||
        !encode_b64url_decode(text, plain, sizeof(plain) - 1, &len))
        return false;
    plain[len] = '\0';
    if (memchr(plain, '\0', len) != NULL)
        return false;
    bar = strchr((char *)plain, '|');
    if (bar == NULL || bar == (char *)plain || bar - (char *)plain > 15)
        return false;
    for (char *p = (char *)plain; p < bar; p++)
        if (*p < '0' || *p > '9')
            return false;
    ms = strtoll((char *)plain, &end, 10);
    if (end != bar || !resumes_is_id(bar + 1))
        return false;
    c->updated_ms = ms;
    memcpy(c->id, bar + 1, RESUMES_ID_LEN + 1);
    return true;
}

/*
 * Settle the entries an interrupted request left: a "new" one is listed
 * once its resume exists and dropped once its request can no longer be
 * running; a "deleting" one is deleted.  Costs an _id lookup per such
 * entry, none for the rest.
 */
static int repair(struct db *db, const char *user_id, json_t *dir)
{
    json_t *verdicts = json_object(), *e;
    int64_t now = clock_wall_ms(), n = 0;
    const char *id, *state;
    int rc = DB_OK;

    json_object_foreach(json_object_get(dir, "resumes"), id, e) {
        json_t *body = NULL;
        int64_t gen;

        state = jsonx_string(e, "state") ?: "";
        if (strcmp(state, "deleting") == 0) {
            if ((rc = finish_delete(db, user_id, id, &n, &n)) != DB_OK)
                break;
            continue;
        }
        if (strcmp(state, "new") != 0)
            continue;
        if ((rc = load(db, user_id, id, &body, &gen)) != DB_OK)
            break;
        if (body != NULL)
            json_object_set_new(verdicts, id, json_true());
        else if (now - json_integer_value(json_object_get(e, "at")) > directory_new_grace_ms())
            json_object_set_new(verdicts, id, json_false());
        json_decref(body);
    }
    if (rc == DB_OK && json_object_size(verdicts) > 0) {
        rc = directory_edit(db, user_id, settle_entries, verdicts);
        if (rc == NOT_LISTED)
            rc = DB_OK;
    }
    json_decref(verdicts);
    return rc;
}

struct row {
    const char *id;
    json_t *entry;
    int64_t updated;
};

/* Newest updatedAt first, then the greater id. */
static int by_recency(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;

    if (a->updated != b->updated)
        return a->updated < b->updated ? 1 : -1;
    return -strcmp(a->id, b->id);
}

static bool after_cursor(const struct row *r, const struct resumes_cursor *c)
{
    return r->updated < c->updated_ms ||
           (r->updated == c->updated_ms && strcmp(r->id, c->id) < 0);
}

int resumes_page(struct db *db, const char *user_id, size_t limit,
                 const struct resumes_cursor *after, json_t **items, bool *more,
                 struct resumes_cursor *next)
{
    json_t *dir = NULL, *e, *out = NULL;
    struct row *rows;
    size_t n = 0, i;
    const char *id;
    bool repaired = false;
    int rc;

    *items = NULL;
    *more = false;
    if (limit == 0)
        limit = 1;
    for (;;) {
        if ((rc = directory_get(db, user_id, &dir)) != DB_OK)
            return rc;
        if (repaired)
            break;
        json_object_foreach(json_object_get(dir, "resumes"), id, e) {
            const char *state = jsonx_string(e, "state") ?: "";

            if (strcmp(state, "ok") != 0)
                repaired = true;
        }
        if (!repaired)
            break;
        rc = repair(db, user_id, dir);
        json_decref(dir);
        if (rc != DB_OK)
            return rc;
    }
    rows = mem_calloc(json_object_size(json_object_get(dir, "resumes")) + 1, sizeof(*rows));
    json_object_foreach(json_object_get(dir, "resumes"), id, e) {
        struct row r = {id, e, json_integer_value(json_object_get(e, "updatedAt"))};

        /* after a repair, only a "new" entry still in flight remains unsettled */
        if (resumes_is_id(id) && strcmp(jsonx_string(e, "state") ?: "", "ok") == 0 &&
            (after == NULL || after_cursor(&r, after)))
            rows[n++] = r;
    }
    qsort(rows, n, sizeof(*rows), by_recency);
    out = json_array();
    for (i = 0; i < n && i < limit; i++) {
        e = rows[i].entry;
        json_array_append_new(out, json_pack("{s:s, s:O, s:O, s:o, s:o}", "id", rows[i].id,
                                             "title", json_object_get(e, "title"),
                                             "version", json_object_get(e, "version"),
                                             "createdAt", iso(json_object_get(e, "createdAt")),
                                             "updatedAt", iso(json_object_get(e, "updatedAt"))));
    }
    if (n > limit) {
        *more = true;
        next->updated_ms = rows[limit - 1].updated;
        memcpy(next->id, rows[limit - 1].id, RESUMES_ID_LEN + 1);
    }
    free(rows);
    json_decref(dir);
    *items = out;
    return DB_OK;
}
