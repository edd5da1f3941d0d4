/*
 * ferret_sqlite.c - _id lookup indexes in FerretDB's SQLite files (see
 * ferret_sqlite.h).
 *
 * The collection tables are listed in FerretDB's own metadata table,
 * _ferretdb_collections (name, table_name, settings).  Each index is named
 * after its table ("<table>_jt_id") and created with IF NOT EXISTS, so the
 * step is idempotent; FerretDB may be serving the file meanwhile, so the
 * connection waits up to 10 s for a lock instead of failing at once.
 */
#include "svc/ferret_sqlite.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"

#define BUSY_WAIT_MS 10000
/* A TRUNCATE checkpoint holds the writer lock while it waits for readers,
 * and FerretDB's writes wait behind it: a request's operation has 1 s
 * (svc/db.c), so the checkpoint waits at most this long, and a busy log
 * is finished by the next one. */
#define CHECKPOINT_WAIT_MS 100

/* A table name we are willing to put in SQL: FerretDB's are
 * <collection>_<8 hex>, letters, digits and underscores. */
static int is_plain_name(const unsigned char *s)
{
    size_t n = 0;

    for (; s[n] != '\0'; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
              (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
            return 0;
    return n > 0 && n < 120;
}

/* Open <dir>/<db_name>.sqlite for writing, waiting for FerretDB's locks;
 * its path into path.  NULL, logged, when it cannot be opened. */
static sqlite3 *open_file(const char *dir, const char *db_name, char path[4096])
{
    sqlite3 *db = NULL;
    int rc;

    snprintf(path, 4096, "%s/%s.sqlite", dir, db_name);
    rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        log_error("FerretDB's SQLite file %s cannot be opened: %s", path,
                  db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, BUSY_WAIT_MS);
    return db;
}

int ferret_sqlite_index_ids(const char *dir, const char *db_name, int *created)
{
    char path[4096], sql[512];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc, result = -1;

    *created = 0;
    if ((db = open_file(dir, db_name, path)) == NULL)
        goto done;
    rc = sqlite3_prepare_v2(db, "SELECT table_name FROM _ferretdb_collections", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        log_error("%s is not a FerretDB database: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *table = sqlite3_column_text(st, 0);
        char index[160];
        sqlite3_stmt *exists = NULL;
        int found = 0;

        if (table == NULL || !is_plain_name(table))
            continue;
        snprintf(index, sizeof(index), "%s_jt_id", (const char *)table);
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'index' AND "
                               "name = ?", -1, &exists, NULL) == SQLITE_OK) {
            sqlite3_bind_text(exists, 1, index, -1, SQLITE_STATIC);
            found = sqlite3_step(exists) == SQLITE_ROW;
        }
        sqlite3_finalize(exists);
        if (found)
            continue;
        /* the expression FerretDB's {_id: value} pushdown writes */
        snprintf(sql, sizeof(sql), "CREATE INDEX IF NOT EXISTS \"%s\" ON \"%s\" "
                 "(_ferretdb_sjson->'$._id')", index, (const char *)table);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
            log_error("cannot index _id of %s in %s: %s", (const char *)table, path,
                      sqlite3_errmsg(db));
            goto done;
        }
        log_info("migration: added the _id lookup index of FerretDB table %s",
                 (const char *)table);
        (*created)++;
    }
    if (rc != SQLITE_DONE) {
        log_error("reading FerretDB's collections in %s failed: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    result = 0;
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return result;
}

int ferret_sqlite_checkpoint(const char *dir, const char *db_name, bool *complete)
{
    char path[4096];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int result = -1;

    *complete = false;
    if ((db = open_file(dir, db_name, path)) == NULL)
        goto out;
    /* first what can be copied without blocking anyone (PASSIVE), so that
     * the TRUNCATE after it, which blocks writers, has little left to do */
    sqlite3_busy_timeout(db, CHECKPOINT_WAIT_MS);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(PASSIVE)", NULL, NULL, NULL);
    /* the statement, not sqlite3_wal_checkpoint_v2() on a fresh handle:
     * preparing it reads the file's header first, so the connection knows
     * the file is in WAL mode (the C call answers "not WAL" before that) */
    if (sqlite3_prepare_v2(db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        log_error("checkpointing %s failed: %s", path, sqlite3_errmsg(db));
        goto out;
    }
    /* columns: busy (1: readers kept part of the log), log frames,
     * frames checkpointed; -1 frames: the file is not in WAL mode */
    if (sqlite3_column_int(st, 1) < 0) {
        log_error("checkpointing %s: the file is not in WAL mode", path);
        goto out;
    }
    *complete = sqlite3_column_int(st, 0) == 0;
    result = 0;
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return result;
}
