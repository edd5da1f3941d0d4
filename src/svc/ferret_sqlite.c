/*
 * ferret_sqlite.c - _id lookup indexes, checkpoints and backup copies of
 * FerretDB's SQLite files (see ferret_sqlite.h).
 *
 * The collection tables are listed in FerretDB's own metadata table,
 * _ferretdb_collections (name, table_name, settings).  Each index is named
 * after its table ("<table>_jt_id") and created with IF NOT EXISTS, so the
 * step is idempotent; FerretDB may be serving the file meanwhile, so the
 * connection waits up to 10 s for a lock instead of failing at once.
 */
#include "svc/ferret_sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* ---- backups ----------------------------------------------------------------------------- */

static int fail(sqlite3 *db, char *err, size_t errlen, const char *what, const char *path)
{
    snprintf(err, errlen, "%s %s: %s", what, path, db ? sqlite3_errmsg(db) : "out of memory");
    return -1;
}

/* The first row of PRAGMA integrity_check is "ok" on a sound file. */
static int integrity_ok(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;

    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        fail(db, err, errlen, "cannot check", path);
    } else if (strcmp((const char *)sqlite3_column_text(st, 0) ?: "", "ok") != 0) {
        snprintf(err, errlen, "%s fails PRAGMA integrity_check: %s", path,
                 (const char *)sqlite3_column_text(st, 0));
    } else {
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

int ferret_sqlite_copy(const char *src, const char *dst, char *err, size_t errlen)
{
    sqlite3 *from = NULL, *to = NULL;
    sqlite3_backup *b;
    int rc, result = -1;

    if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fail(from, err, errlen, "cannot open", src);
        goto out;
    }
    sqlite3_busy_timeout(from, BUSY_WAIT_MS);
    if (sqlite3_open_v2(dst, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        fail(to, err, errlen, "cannot create", dst);
        goto out;
    }
    b = sqlite3_backup_init(to, "main", from, "main");
    if (b == NULL) {
        fail(to, err, errlen, "cannot start the backup of", src);
        goto out;
    }
    /* every page in one step: one read transaction, one snapshot; a source
     * still busy after the busy timeout fails the backup, which says so,
     * rather than waiting without end */
    rc = sqlite3_backup_step(b, -1);
    rc = sqlite3_backup_finish(b) == SQLITE_OK && rc == SQLITE_DONE ? 0 : -1;
    if (rc != 0) {
        fail(to, err, errlen, "cannot copy", src);
        goto out;
    }
    if (sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
        fail(to, err, errlen, "cannot make one file of", dst);
        goto out;
    }
    result = integrity_ok(to, dst, err, errlen);
out:
    sqlite3_close(from);
    if (sqlite3_close(to) != SQLITE_OK && result == 0)
        result = fail(to, err, errlen, "cannot close", dst);
    return result;
}

int ferret_sqlite_verify(const char *path, char *err, size_t errlen)
{
    char uri[4200];
    sqlite3 *db = NULL;
    int result;

    /* immutable: read as it is, no lock, no -wal or -shm beside it */
    snprintf(uri, sizeof(uri), "file:%s?immutable=1", path);
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
        result = fail(db, err, errlen, "cannot open", path);
    else
        result = integrity_ok(db, path, err, errlen);
    sqlite3_close(db);
    return result;
}

/* Does another process hold a lock on len bytes of fd from start? */
static int locked(int fd, off_t start, off_t len)
{
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len};

    if (fcntl(fd, F_GETLK, &l) != 0)
        return -1;
    return l.l_type != F_UNLCK;
}

int ferret_sqlite_in_use(const char *path)
{
    /* SQLite's unix VFS: the database file's lock bytes from PENDING_BYTE
     * (0x40000000: pending, reserved, 510 shared), and the -shm file's
     * dead-man switch at byte 128 (UNIX_SHM_DMS in SQLite's unix VFS) */
    char shm[4200];
    int fd, in_use = 0;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    in_use = locked(fd, 0x40000000, 512 + 2);
    close(fd);
    if (in_use != 0)
        return in_use;
    snprintf(shm, sizeof(shm), "%s-shm", path);
    fd = open(shm, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    in_use = locked(fd, 128, 1);
    close(fd);
    return in_use;
}

const char *ferret_sqlite_version(void)
{
    return sqlite3_libversion();
}
