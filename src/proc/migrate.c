/*
 * migrate.c - the schema step.
 *
 * Each file in sql/ is a JSON document:
 *
 *   {"description": "...",
 *    "collections": [{"name": "tickets",
 *                     "indexes": [{"name": "...", "key": {...}, "unique": true}]}]}
 *
 * sql/ declares the whole schema, not a history of changes: several files
 * may name the same collection, and the union of what they declare for it
 * is what that collection must have.  So every file is read (and checked)
 * before the database is touched, and then each collection is brought to
 * its declared set once: created if missing, its indexes listed, an index
 * sql/ no longer declares dropped, one whose key changed dropped and
 * recreated, a missing one created.  Running it twice changes nothing the
 * second time, which is what lets every start (and a database restored
 * from an old backup) run it.
 *
 * One index per createIndexes call, and only for indexes that are missing:
 * FerretDB 1.24 (SQLite) drops the connection when one createIndexes lists
 * several indexes that already exist, which used to make a restart on
 * existing data retry forever.
 *
 * After the schema, tickets stored before the staff's lists had an index
 * (store/ticket_index.h) are added to it, oldest first.
 *
 * The files applied are recorded in `schema_migrations` for operators.
 * FerretDB 1.x has no transactions, TTL indexes or validators, so the
 * files use none.  Every created and dropped index is logged by name.
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
#include "store/tickets.h"
#include "svc/db.h"
#include "svc/ferret_sqlite.h"

#define NAMESPACE_NOT_FOUND 26
#define INDEX_NOT_FOUND 27
#define NAMESPACE_EXISTS 48

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- what sql/ declares ---------------------------------------------------- */

/* Index keys are ordered (a compound index on {a, b} is not one on {b, a}),
 * so keys compare in order; 1 and 1.0 are the same direction. */
static bool key_equal(json_t *a, json_t *b)
{
    void *ia, *ib;

    if (!json_is_object(a) || !json_is_object(b) || json_object_size(a) != json_object_size(b))
        return false;
    ia = json_object_iter(a);
    ib = json_object_iter(b);
    for (; ia != NULL && ib != NULL;
         ia = json_object_iter_next(a, ia), ib = json_object_iter_next(b, ib)) {
        json_t *va = json_object_iter_value(ia), *vb = json_object_iter_value(ib);

        if (strcmp(json_object_iter_key(ia), json_object_iter_key(ib)) != 0)
            return false;
        if (json_is_number(va) && json_is_number(vb)) {
            if (json_number_value(va) < json_number_value(vb) ||
                json_number_value(va) > json_number_value(vb))
                return false;
        } else if (!json_equal(va, vb)) {
            return false;
        }
    }
    return ia == NULL && ib == NULL;
}

/* The same index: same key, and unique or not alike. */
static bool index_same(json_t *declared, json_t *existing)
{
    return key_equal(json_object_get(declared, "key"), json_object_get(existing, "key")) &&
           json_is_true(json_object_get(declared, "unique")) ==
               json_is_true(json_object_get(existing, "unique"));
}

/* Adds one collection entry of file to declared ({collection: {index name:
 * spec}}, borrowed).  The same index name twice for a collection is fine
 * when both spell the same index. */
static int declare_collection(json_t *declared, json_t *coll, const char *file)
{
    const char *name = json_string_value(json_object_get(coll, "name"));
    json_t *indexes = json_object_get(coll, "indexes");
    json_t *set, *index;
    size_t i;

    if (name == NULL || name[0] == '\0' || (indexes != NULL && !json_is_array(indexes))) {
        log_error("%s: each collection needs a name and an indexes array", file);
        return MIGRATE_INVALID;
    }
    set = json_object_get(declared, name);
    if (set == NULL) {
        set = json_object();
        if (set == NULL || json_object_set_new(declared, name, set) != 0)
            return MIGRATE_RETRY; /* out of memory: a later run may do better */
    }
    json_array_foreach(indexes, i, index) {
        const char *iname = json_string_value(json_object_get(index, "name"));
        json_t *key = json_object_get(index, "key"), *seen;

        if (iname == NULL || iname[0] == '\0' || strcmp(iname, "_id_") == 0 ||
            !json_is_object(key) || json_object_size(key) == 0) {
            log_error("%s: each index of %s needs a name (not _id_) and a non-empty key",
                      file, name);
            return MIGRATE_INVALID;
        }
        seen = json_object_get(set, iname);
        if (seen != NULL && !index_same(seen, index)) {
            log_error("%s: index %s.%s is declared twice, differently", file, name, iname);
            return MIGRATE_INVALID;
        }
        if (seen == NULL && json_object_set(set, iname, index) != 0)
            return MIGRATE_RETRY;
    }
    return MIGRATE_OK;
}

static int declare_file(json_t *declared, const char *dir, const char *file)
{
    char path[4096];
    json_error_t jerr;
    json_t *root, *colls, *coll;
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
        if ((rc = declare_collection(declared, coll, file)) != MIGRATE_OK)
            break;
    }
    json_decref(root);
    return rc;
}

/* ---- bringing the database to it ------------------------------------------ */

/* Logs a failed command with the database's own words and says what the
 * run should return: an unreachable database is worth a retry, a refusal
 * of what sql/ asks for (refused_rc) may not be. */
static int failed(const char *op, const char *coll, const char *index, int rc,
                  const struct db_error *err, int refused_rc)
{
    log_error("migration: %s %s%s%s failed: %s (domain %u, code %u): %s", op, coll,
              index ? "." : "", index ? index : "",
              rc == DB_DOWN ? "database unreachable or connection lost"
                            : err->server ? "the database refused" : "driver error",
              err->domain, err->code, err->message);
    return rc == DB_DOWN ? MIGRATE_RETRY : refused_rc;
}

/* *existing: new reference, {index name: spec} of coll's indexes. */
static int list_indexes(struct db *db, const char *coll, json_t **existing)
{
    struct db_error err;
    json_t *cmd = json_pack("{s:s}", "listIndexes", coll), *reply = NULL, *batch, *index;
    size_t i;
    int rc;

    *existing = json_object();
    rc = db_read_command(db, cmd, &reply, &err);
    json_decref(cmd);
    if (rc == DB_ERROR && err.server && err.code == NAMESPACE_NOT_FOUND)
        return MIGRATE_OK; /* no collection, no indexes */
    if (rc != DB_OK)
        return failed("listIndexes", coll, NULL, rc, &err, MIGRATE_RETRY);
    /* MongoDB allows 64 indexes per collection, fewer than a first batch
     * holds, so the first batch is the whole list. */
    batch = json_object_get(json_object_get(reply, "cursor"), "firstBatch");
    json_array_foreach(batch, i, index) {
        const char *name = json_string_value(json_object_get(index, "name"));

        if (name != NULL)
            json_object_set(*existing, name, index);
    }
    json_decref(reply);
    return MIGRATE_OK;
}

static int drop_index(struct db *db, const char *coll, const char *index)
{
    struct db_error err;
    json_t *cmd = json_pack("{s:s, s:s}", "dropIndexes", coll, "index", index);
    int rc = db_write_command(db, cmd, NULL, &err);

    json_decref(cmd);
    if (rc == DB_ERROR && err.server && err.code == INDEX_NOT_FOUND)
        return MIGRATE_OK; /* another migrator was first */
    if (rc != DB_OK)
        return failed("dropIndexes", coll, index, rc, &err, MIGRATE_RETRY);
    log_info("migration: dropped index %s.%s", coll, index);
    return MIGRATE_OK;
}

/* One index per call: see the top of the file. */
static int create_index(struct db *db, const char *coll, const char *index, json_t *spec)
{
    struct db_error err;
    json_t *cmd = json_pack("{s:s, s:[O]}", "createIndexes", coll, "indexes", spec);
    int rc = db_write_command(db, cmd, NULL, &err);

    json_decref(cmd);
    if (rc != DB_OK) /* refused: the declaration is wrong, a retry won't help */
        return failed("createIndexes", coll, index, rc, &err, MIGRATE_INVALID);
    log_info("migration: created index %s.%s", coll, index);
    return MIGRATE_OK;
}

/* declared: {index name: spec} for coll (borrowed). */
static int apply_collection(struct db *db, const char *coll, json_t *declared)
{
    struct db_error err;
    json_t *cmd, *existing = NULL, *spec;
    const char *name;
    void *tmp;
    int rc;

    cmd = json_pack("{s:s}", "create", coll);
    rc = db_write_command(db, cmd, NULL, &err);
    json_decref(cmd);
    if (rc != DB_OK && !(rc == DB_ERROR && err.server && err.code == NAMESPACE_EXISTS))
        return failed("create", coll, NULL, rc, &err, MIGRATE_RETRY);

    if ((rc = list_indexes(db, coll, &existing)) != MIGRATE_OK)
        goto out;
    /* Drops first: a changed index is recreated under the same name. */
    json_object_foreach_safe(existing, tmp, name, spec) {
        json_t *want = json_object_get(declared, name);

        if (strcmp(name, "_id_") == 0 || (want != NULL && index_same(want, spec)))
            continue;
        if ((rc = drop_index(db, coll, name)) != MIGRATE_OK)
            goto out;
        json_object_del(existing, name);
    }
    json_object_foreach(declared, name, spec) {
        if (json_object_get(existing, name) != NULL)
            continue;
        if ((rc = create_index(db, coll, name, spec)) != MIGRATE_OK)
            goto out;
    }
out:
    json_decref(existing);
    return rc;
}

/* For operators: when each file was last applied. */
static void record_file(struct db *db, const char *file)
{
    json_t *filter, *update;
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

/* ---- the step ------------------------------------------------------------- */

/* *names: the *.json files of dir, sorted (caller frees each and the array). */
static int list_files(const char *dir, char ***names, size_t *n)
{
    size_t cap = 0;
    struct dirent *de;
    DIR *d;

    *names = NULL;
    *n = 0;
    d = opendir(dir);
    if (d == NULL) {
        log_error("cannot open the schema directory %s", dir);
        return MIGRATE_INVALID;
    }
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);

        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0 || de->d_name[0] == '.')
            continue;
        if (*n == cap)
            *names = mem_realloc(*names, (cap = cap ? cap * 2 : 16) * sizeof(**names));
        (*names)[(*n)++] = mem_strdup(de->d_name);
    }
    closedir(d);
    if (*n > 0)
        qsort(*names, *n, sizeof(**names), compare);
    return MIGRATE_OK;
}

/* Every ticket without its index entries (store/ticket_index.h), oldest
 * first, in passes of INDEX_PASS; a database with none costs one query. */
#define INDEX_PASS 2000

static int index_old_tickets(struct db *db)
{
    int64_t done = 0, before;
    int rc;

    do {
        before = done;
        rc = tickets_backfill_index(db, INDEX_PASS, &done);
    } while (rc == DB_OK && done - before == INDEX_PASS);
    if (done > 0)
        log_info("migration: %lld older ticket(s) added to the staff's lists", (long long)done);
    return rc;
}

int migrate_run(const char *dir)
{
    char err[256], **names = NULL;
    size_t n = 0;
    struct db *db = NULL;
    json_t *declared = json_object(), *indexes;
    const char *coll;
    int rc;

    rc = declared == NULL ? MIGRATE_RETRY : list_files(dir, &names, &n);
    /* The whole declared set first: a collection's indexes may come from
     * several files, and an index is only stale if no file declares it. */
    for (size_t i = 0; i < n && rc == MIGRATE_OK; i++)
        rc = declare_file(declared, dir, names[i]);
    if (rc == MIGRATE_OK) {
        db = db_new(config.mongodb_uri, config.db_name, err, sizeof(err));
        if (db == NULL) {
            log_error("migration: %s", err);
            rc = MIGRATE_INVALID;
        } else if (db_ping(db) != DB_OK) {
            rc = MIGRATE_RETRY;
        }
    }
    if (rc == MIGRATE_OK) {
        json_object_foreach(declared, coll, indexes) {
            if ((rc = apply_collection(db, coll, indexes)) != MIGRATE_OK)
                break;
        }
    }
    /* the embedded default: FerretDB's own _id index never serves its
     * {_id: value} queries (svc/ferret_sqlite.h) */
    if (rc == MIGRATE_OK && config.ferretdb_sqlite_dir != NULL) {
        int created;

        if (ferret_sqlite_index_ids(config.ferretdb_sqlite_dir, config.db_name, &created) != 0)
            rc = MIGRATE_RETRY;
    }
    /* tickets stored before the staff's lists were indexed join them in
     * createdAt order, before any worker files a new one */
    if (rc == MIGRATE_OK && index_old_tickets(db) != DB_OK)
        rc = MIGRATE_RETRY;
    for (size_t i = 0; i < n; i++) {
        if (rc == MIGRATE_OK)
            record_file(db, names[i]);
        free(names[i]);
    }
    free(names);
    json_decref(declared);
    db_free(db);
    return rc;
}
