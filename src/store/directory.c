/*
 * directory.c - the directories collection, one chain per user.
 */
#include "store/directory.h"

#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "store/store.h"
#include "store/tombstones.h"
#include "svc/db.h"

#define COLL "directories"
#define EDIT_ATTEMPTS 16

static json_t *empty_directory(void)
{
    return json_pack("{s:{}, s:{}}", "resumes", "tailorings");
}

/* Give dir the members every reader expects. */
static void complete(json_t *dir)
{
    if (!json_is_object(json_object_get(dir, "resumes")))
        json_object_set_new(dir, "resumes", json_object());
    if (!json_is_object(json_object_get(dir, "tailorings")))
        json_object_set_new(dir, "tailorings", json_object());
}

static bool sealed(json_t *dir)
{
    return json_is_true(json_object_get(dir, "erased"));
}

/* The directory at its newest (walk) or as its head says (peek: a
 * writer's read, checked by its commit). */
static int read_dir(struct db *db, const char *user_id, bool peek, json_t **dir,
                    struct chain_ver *v)
{
    int rc = peek ? chain_peek(db, COLL, user_id, dir, v)
                  : chain_read(db, COLL, user_id, dir, v);

    if (rc != DB_OK)
        return rc;
    if (*dir == NULL)
        *dir = empty_directory();
    complete(*dir);
    return DB_OK;
}

int directory_get(struct db *db, const char *user_id, json_t **dir)
{
    struct chain_ver v;
    int rc = read_dir(db, user_id, false, dir, &v);

    if (rc == DB_OK && sealed(*dir)) {
        json_decref(*dir);
        *dir = NULL;
        return STORE_ERASED;
    }
    return rc;
}

/* One attempt: read (the head alone the first time), edit, commit the log
 * entry.  Leaves the edited directory in *dir on DB_OK. */
static int attempt(struct db *db, const char *user_id, int n, directory_edit_fn edit, void *arg,
                   json_t **dir, struct chain_ver *v)
{
    int rc = read_dir(db, user_id, n == 0, dir, v);
    bool erased = false;

    if (rc != DB_OK)
        return rc;
    /* no directory yet: a first object, or an account erased to the last
     * pass, whose tombstone is the one record left (a creator route's
     * sign-in leaves that question to this) */
    if (v->gen == 0 && (rc = tombstones_has(db, user_id, &erased)) != DB_OK) {
        json_decref(*dir);
        *dir = NULL;
        return rc;
    }
    if (erased || sealed(*dir))
        rc = STORE_ERASED;
    else if ((rc = edit(*dir, arg)) == 0)
        rc = chain_append(db, COLL, user_id, v, *dir);
    else if (rc < 0)
        rc = STORE_ERROR;
    if (rc != DB_OK) {
        json_decref(*dir);
        *dir = NULL;
    }
    return rc;
}

int directory_edit_begin(struct db *db, const char *user_id, directory_edit_fn edit, void *arg,
                         struct directory_pending *p)
{
    p->dir = NULL;
    for (int n = 0; n < EDIT_ATTEMPTS; n++) {
        int rc = attempt(db, user_id, n, edit, arg, &p->dir, &p->v);

        if (rc != STORE_CONFLICT)
            return rc;
    }
    return DB_ERROR; /* sixteen writers in a row got there first */
}

int directory_edit_end(struct db *db, const char *user_id, struct directory_pending *p,
                       directory_edit_fn then, void *arg)
{
    int rc = DB_OK;

    if (p->dir == NULL)
        return DB_ERROR;
    if (then != NULL && then(p->dir, arg) < 0)
        rc = DB_ERROR;
    /* generation 1 is a head already; settle it only when it changed */
    if (rc == DB_OK && (p->v.gen >= 2 || then != NULL))
        rc = chain_settle(db, COLL, user_id, &p->v, p->dir);
    json_decref(p->dir);
    p->dir = NULL;
    /* only erasure's last pass removes a directory: the edit was taken back */
    return rc == STORE_CONFLICT ? STORE_ERASED : rc;
}

int directory_edit(struct db *db, const char *user_id, directory_edit_fn edit, void *arg)
{
    struct directory_pending p;
    int rc = directory_edit_begin(db, user_id, edit, arg, &p);

    if (rc != DB_OK)
        return rc;
    return directory_edit_end(db, user_id, &p, NULL, NULL);
}

static bool being_deleted(json_t *entry)
{
    const char *state = json_string_value(json_object_get(entry, "state"));

    return state != NULL && strcmp(state, "deleting") == 0;
}

int directory_each(json_t *dir, const char *section, directory_visit_fn visit, void *arg)
{
    json_t *entries = json_object_get(dir, section), *e, *list;
    const char *id;
    size_t i;
    int rc;

    if (strcmp(section, "tailorings") != 0) {
        json_object_foreach(entries, id, e)
            if (!being_deleted(e) && (rc = visit(id, NULL, arg)) != 0)
                return rc;
        return 0;
    }
    json_object_foreach(entries, id, list) {
        json_array_foreach(list, i, e) {
            const char *tid = json_string_value(json_object_get(e, "id"));

            if (tid != NULL && !being_deleted(e) && (rc = visit(tid, id, arg)) != 0)
                return rc;
        }
    }
    return 0;
}

/* The ids of dir's objects, without what the lists show. */
static json_t *ids_only(json_t *dir)
{
    json_t *out = json_pack("{s:b, s:I, s:{}}", "erased", 1, "sealedAt",
                            (json_int_t)clock_wall_ms(), "tailorings");
    json_t *deps = json_object_get(dir, "tailorings"), *e, *list, *section;
    const char *id, *name;
    size_t i;

    /* every section of objects (resumes, interviews, ...): their ids */
    json_object_foreach(dir, name, section) {
        json_t *ids;

        if (!json_is_object(section) || strcmp(name, "tailorings") == 0)
            continue;
        ids = json_object();
        json_object_foreach(section, id, e)
            json_object_set_new(ids, id, json_object());
        json_object_set_new(out, name, ids);
    }
    json_object_foreach(deps, id, list) {
        json_t *copy = json_array();

        json_array_foreach(list, i, e)
            if (json_is_string(json_object_get(e, "id")))
                json_array_append_new(copy, json_pack("{s:O}", "id", json_object_get(e, "id")));
        json_object_set_new(json_object_get(out, "tailorings"), id, copy);
    }
    return out;
}

int directory_seal(struct db *db, const char *user_id, json_t **out)
{
    *out = NULL;
    for (int n = 0; n < EDIT_ATTEMPTS; n++) {
        struct chain_ver v;
        json_t *dir = NULL, *seal;
        int rc = read_dir(db, user_id, false, &dir, &v);

        if (rc != DB_OK)
            return rc;
        if (sealed(dir)) {
            *out = dir;
            return DB_OK;
        }
        seal = ids_only(dir);
        json_decref(dir);
        rc = chain_commit(db, COLL, user_id, &v, seal);
        if (rc == DB_OK) {
            *out = seal;
            return DB_OK;
        }
        json_decref(seal);
        if (rc != STORE_CONFLICT)
            return rc;
    }
    return DB_ERROR;
}

int directory_remove(struct db *db, const char *user_id)
{
    return chain_remove(db, COLL, user_id, NULL);
}

int64_t directory_new_grace_ms(void)
{
    /* the master kills a request past the timeout: no insert comes later */
    return ((int64_t)config.request_timeout + 5) * 1000;
}
