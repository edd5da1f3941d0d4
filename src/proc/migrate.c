/*
 * migrate.c - the schema step.
 *
 * Each file in sql/ is a JSON document:
 *
 *   {"description": "...",
 *    "collections": [{"name": "tickets",
 *                     "indexes": [{"name": "...", "key": {...}, "unique": true}]}]}
 *
 * Applying means: create each collection (an existing one is fine) and
 * create its indexes (createIndexes is a no-op for an identical index).  So
 * every run applies every file, which is what makes the step idempotent and
 * lets a database restored from an old backup catch up.  The files applied
 * are recorded in `schema_migrations` for operators.  FerretDB 1.x has no
 * transactions, TTL indexes or validators, so the files use none.
 */
#include "proc/migrate.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "base/mem.h"
#include "svc/db.h"

#define NAMESPACE_EXISTS 48

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int apply_collection(struct db *db, json_t *coll, const char *file)
{
    const char *name = json_string_value(json_object_get(coll, "name"));
    json_t *indexes = json_object_get(coll, "indexes");
    json_t *cmd;
    int rc, code;

    if (name == NULL || (indexes != NULL && !json_is_array(indexes))) {
        log_error("%s: each collection needs a name and an indexes array", file);
        return MIGRATE_INVALID;
    }
    cmd = json_pack("{s:s}", "create", name);
    rc = db_command(db, cmd, NULL, &code);
    json_decref(cmd);
    if (rc == DB_DOWN)
        return MIGRATE_RETRY;
    if (rc != DB_OK && code != NAMESPACE_EXISTS) {
        log_error("%s: cannot create collection %s (code %d)", file, name, code);
        return MIGRATE_RETRY;
    }
    if (json_array_size(indexes) == 0)
        return MIGRATE_OK;
    cmd = json_pack("{s:s, s:O}", "createIndexes", name, "indexes", indexes);
    rc = db_command(db, cmd, NULL, &code);
    json_decref(cmd);
    if (rc == DB_DOWN)
        return MIGRATE_RETRY;
    if (rc != DB_OK) {
        log_error("%s: cannot create the indexes of %s (code %d)", file, name, code);
        return code != 0 ? MIGRATE_INVALID : MIGRATE_RETRY;
    }
    return MIGRATE_OK;
}

static int apply_file(struct db *db, const char *dir, const char *file)
{
    char path[4096];
    json_error_t jerr;
    json_t *root, *colls, *coll, *filter, *update;
    size_t i;
    int rc = MIGRATE_OK;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        log_error("%s: line %d: %s", path, jerr.line, jerr.text);
        return MIGRATE_INVALID;
    }
    colls = json_object_get(root, "collections");
    if (!json_is_array(colls)) {
        log_error("%s: \"collections\" must be an array", path);
        json_decref(root);
        return MIGRATE_INVALID;
    }
    json_array_foreach(colls, i, coll) {
        if ((rc = apply_collection(db, coll, file)) != MIGRATE_OK)
            break;
    }
    if (rc == MIGRATE_OK) {
        int64_t matched = 0;

        filter = json_pack("{s:s}", "_id", file);
        update = json_pack("{s:{s:o}}", "$set", "appliedAt", db_date(clock_wall_ms()));
        if (db_update_one(db, "schema_migrations", filter, update, &matched) == DB_OK &&
            matched == 0) {
            json_t *doc = json_pack("{s:s, s:o}", "_id", file, "appliedAt",
                                    db_date(clock_wall_ms()));

            db_insert(db, "schema_migrations", doc); /* a racing duplicate is fine */
            json_decref(doc);
        }
        json_decref(filter);
        json_decref(update);
    }
    json_decref(root);
    return rc;
}

int migrate_run(const char *dir)
{
    char err[256], **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    struct db *db;
    DIR *d;
    int rc = MIGRATE_OK;

    d = opendir(dir);
    if (d == NULL) {
        log_error("cannot open the schema directory %s", dir);
        return MIGRATE_INVALID;
    }
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);

        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0 || de->d_name[0] == '.')
            continue;
        if (n == cap) {
            names = mem_realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*names));
        }
        names[n++] = mem_strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), compare);

    db = db_new(config.mongodb_uri, config.db_name, err, sizeof(err));
    if (db == NULL) {
        log_error("migration: %s", err);
        rc = MIGRATE_INVALID;
    } else if (db_ping(db) != DB_OK) {
        rc = MIGRATE_RETRY;
    }
    for (size_t i = 0; i < n && rc == MIGRATE_OK; i++)
        rc = apply_file(db, dir, names[i]);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    db_free(db);
    return rc;
}
