/*
 * directory.c - the directories collection, one chain per user.
 */
#include "store/directory.h"

#include "base/config.h"
#include "store/chain.h"
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

static int read_dir(struct db *db, const char *user_id, json_t **dir, int64_t *gen)
{
    int rc = chain_read(db, COLL, user_id, dir, gen);

    if (rc != DB_OK)
        return rc;
    if (*dir == NULL)
        *dir = empty_directory();
    complete(*dir);
    return DB_OK;
}

int directory_get(struct db *db, const char *user_id, json_t **dir)
{
    int64_t gen;

    return read_dir(db, user_id, dir, &gen);
}

int directory_edit(struct db *db, const char *user_id, directory_edit_fn edit, void *arg)
{
    for (int attempt = 0; attempt < EDIT_ATTEMPTS; attempt++) {
        json_t *dir = NULL;
        int64_t gen;
        int rc = read_dir(db, user_id, &dir, &gen);

        if (rc == DB_OK && (rc = edit(dir, arg)) == 0)
            rc = chain_commit(db, COLL, user_id, gen, dir);
        json_decref(dir);
        if (rc != CHAIN_CONFLICT)
            return rc;
    }
    return DB_ERROR; /* sixteen writers in a row got there first */
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
