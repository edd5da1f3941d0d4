/*
 * backup.c - backups of the embedded database (see backup.h).
 *
 * FerretDB's SQLite backend keeps one file per database in the directory
 * of its --sqlite-url, in WAL mode.  Copying those files with cp while it
 * serves gives a torn copy (pages of different moments, a log not yet
 * folded in); stopping it for a copy stops the service.  `backup` uses
 * SQLite's online backup API instead (svc/ferret_sqlite.c), one read
 * transaction per file: the copy is the database as of one moment, every
 * write acknowledged before the backup started is in it, and FerretDB
 * keeps writing meanwhile.
 *
 * A backup is a directory: each <name>.sqlite, one self-contained file,
 * and manifest.json, written last, listing each file's size and SHA-256
 * (OpenSSL), when the backup ran and what wrote it.  Files are written
 * under a temporary name and renamed, so a backup cut short has no
 * manifest, and `restore` refuses a directory without one.
 *
 * `restore` works on a stopped FerretDB only: a running one keeps its own
 * view of the file (its open connections, its WAL), and a file replaced
 * under it would be served half old, half new.  Before anything is
 * replaced, every file is checked against the manifest and with PRAGMA
 * integrity_check; then each is copied beside its target, synced, and
 * renamed over it (atomic per file), after the target's -wal and -shm
 * files are removed (an old log must not be replayed onto a new file).
 */
#include "proc/backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/encode.h"
#include "base/log.h"
#include "svc/ferret_sqlite.h"

#define MANIFEST "manifest.json"
#define FORMAT "jobtune-backup/1"
#define MAX_FILES 64

/* A database file's name as FerretDB makes them: <database>.sqlite, with
 * no path in it. */
static int is_db_file(const char *name)
{
    size_t n = strlen(name);

    return n > 7 && n < 200 && strcmp(name + n - 7, ".sqlite") == 0 && name[0] != '.' &&
           strchr(name, '/') == NULL;
}

static void iso_time(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* out = dir/<prefix><name><suffix>; -1 (logged) when it does not fit. */
static int join(char *out, size_t size, const char *dir, const char *prefix, const char *name,
                const char *suffix)
{
    int n = snprintf(out, size, "%s/%s%s%s", dir, prefix, name, suffix);

    if (n < 0 || (size_t)n >= size) {
        log_error("backup: the path %s/%s%s%s is too long", dir, prefix, name, suffix);
        return -1;
    }
    return 0;
}

/* fsync a file or directory by path. */
static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

/* The database files of dir, sorted; -1 (logged) when dir cannot be read
 * or holds more than MAX_FILES. */
static int list_db_files(const char *dir, char names[MAX_FILES][256])
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (d == NULL) {
        log_error("backup: cannot read %s: %s", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (!is_db_file(e->d_name))
            continue;
        if (n == MAX_FILES) { /* a backup missing a database is no backup */
            log_error("backup: more than %d database files in %s", MAX_FILES, dir);
            closedir(d);
            return -1;
        }
        snprintf(names[n++], 256, "%s", e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, 256, (int (*)(const void *, const void *))strcmp);
    return n;
}

/* dir exists and is empty afterwards, or it is refused. */
static int empty_dir(const char *dir)
{
    DIR *d;
    struct dirent *e;
    int entries = 0;

    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        log_error("backup: cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    if ((d = opendir(dir)) == NULL) {
        log_error("backup: cannot open %s: %s", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL)
        entries += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    if (entries > 0) {
        log_error("backup: %s is not empty; give a new directory for each backup", dir);
        return -1;
    }
    return 0;
}

static int write_manifest(const char *dir, json_t *manifest)
{
    char tmp[4096], path[4096];

    if (join(tmp, sizeof(tmp), dir, ".", MANIFEST, ".partial") != 0 ||
        join(path, sizeof(path), dir, "", MANIFEST, "") != 0)
        return -1;
    if (json_dump_file(manifest, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) != 0 ||
        sync_path(tmp) != 0 || rename(tmp, path) != 0 || sync_path(dir) != 0) {
        log_error("backup: cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* One database file into dir, and its manifest entry (new reference). */
static json_t *backup_file(const char *src_dir, const char *dir, const char *name)
{
    char src[4096], tmp[4096], dst[4096], sha[65], err[512];
    unsigned long long bytes;

    if (join(src, sizeof(src), src_dir, "", name, "") != 0 ||
        join(tmp, sizeof(tmp), dir, ".", name, ".partial") != 0 ||
        join(dst, sizeof(dst), dir, "", name, "") != 0)
        return NULL;
    if (ferret_sqlite_copy(src, tmp, err, sizeof(err)) != 0) {
        log_error("backup: %s", err);
        unlink(tmp);
        return NULL;
    }
    if (encode_sha256_file(tmp, sha, &bytes) != 0 || sync_path(tmp) != 0 ||
        rename(tmp, dst) != 0) {
        log_error("backup: cannot write %s: %s", dst, strerror(errno));
        unlink(tmp);
        return NULL;
    }
    log_info("backup: %s copied (%llu bytes)", name, bytes);
    return json_pack("{s:s, s:I, s:s}", "name", name, "bytes", (json_int_t)bytes, "sha256", sha);
}

int backup_run(const char *dir)
{
    const char *src_dir = config.ferretdb_sqlite_dir;
    char names[MAX_FILES][256], started[32], finished[32];
    json_t *files = NULL, *manifest = NULL;
    int n, rc = 1;

    /* the copies hold every user's data: readable by this user only,
     * whatever the mode of a directory given to hold them */
    umask(077);
    iso_time(clock_wall_ms(), started);
    if (src_dir == NULL) {
        log_error("backup: FERRETDB_SQLITE_DIR is not set: it names the embedded FerretDB's "
                  "SQLite directory (a MongoDB deployment is backed up with mongodump)");
        return 1;
    }
    if ((n = list_db_files(src_dir, names)) < 0)
        return 1;
    if (n == 0) {
        log_error("backup: no database file (*.sqlite) in %s", src_dir);
        return 1;
    }
    if (empty_dir(dir) != 0)
        return 1;
    files = json_array();
    for (int i = 0; i < n; i++) {
        json_t *entry = backup_file(src_dir, dir, names[i]);

        if (entry == NULL)
            goto out;
        json_array_append_new(files, entry);
    }
    iso_time(clock_wall_ms(), finished);
    manifest = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:O}", "format", FORMAT,
                         "startedAt", started, "finishedAt", finished, "source", src_dir,
                         "versions", "jobtuned", PACKAGE_VERSION, "sqlite",
                         ferret_sqlite_version(), "files", files);
    if (manifest == NULL || write_manifest(dir, manifest) != 0)
        goto out;
    log_info("backup: %d database file%s of %s in %s", n, n == 1 ? "" : "s", src_dir, dir);
    rc = 0;
out:
    json_decref(files);
    json_decref(manifest);
    return rc;
}

/* ---- restore ----------------------------------------------------------------------------- */

/* The manifest's entry is sound and the file matches it, byte for byte
 * and for SQLite. */
static int verify_entry(const char *dir, json_t *entry, const char **name)
{
    const char *want = json_string_value(json_object_get(entry, "sha256"));
    json_t *bytes = json_object_get(entry, "bytes");
    char path[4096], sha[65], err[512];
    unsigned long long got;

    *name = json_string_value(json_object_get(entry, "name"));
    if (*name == NULL || !is_db_file(*name) || want == NULL || !json_is_integer(bytes)) {
        log_error("restore: the manifest in %s has an unusable entry", dir);
        return -1;
    }
    if (join(path, sizeof(path), dir, "", *name, "") != 0)
        return -1;
    if (encode_sha256_file(path, sha, &got) != 0) {
        log_error("restore: cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    if (strcmp(sha, want) != 0 || got != (unsigned long long)json_integer_value(bytes)) {
        log_error("restore: %s does not match the manifest (SHA-256 or size): not restoring",
                  path);
        return -1;
    }
    if (ferret_sqlite_verify(path, err, sizeof(err)) != 0) {
        log_error("restore: %s", err);
        return -1;
    }
    return 0;
}

/* Refuse while any process (FerretDB) has the target open. */
static int target_free(const char *target)
{
    int in_use = ferret_sqlite_in_use(target);

    if (in_use == 0)
        return 0;
    if (in_use > 0)
        log_error("restore: %s is open in another process (FerretDB is running on it?): "
                  "stop FerretDB first", target);
    else
        log_error("restore: cannot tell whether %s is in use: %s", target, strerror(errno));
    return -1;
}

/* Copy src to dst (a new file), synced. */
static int copy_file(const char *src, const char *dst)
{
    char buf[64 * 1024];
    int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
    ssize_t n = 0;

    if (in < 0 || (out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
        goto done;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n)
            goto done;
    if (n == 0 && fsync(out) == 0)
        rc = 0;
done:
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) != 0)
        rc = -1;
    return rc;
}

/* Put one verified file in place: copied beside the target, its SHA-256
 * checked again, the target's log files removed, renamed over it. */
static int replace_file(const char *dir, const char *target_dir, const char *name,
                        const char *sha_want)
{
    char src[4096], tmp[4096], target[4096], side[4096], sha[65];
    unsigned long long bytes;

    if (join(src, sizeof(src), dir, "", name, "") != 0 ||
        join(tmp, sizeof(tmp), target_dir, ".", name, ".restoring") != 0 ||
        join(target, sizeof(target), target_dir, "", name, "") != 0)
        return -1;
    if (copy_file(src, tmp) != 0 || encode_sha256_file(tmp, sha, &bytes) != 0 ||
        strcmp(sha, sha_want) != 0) {
        log_error("restore: cannot copy %s to %s: %s", src, tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (target_free(target) != 0) {
        unlink(tmp);
        return -1;
    }
    for (const char *const *ext = (const char *const[]){"-wal", "-shm", "-journal", NULL};
         *ext; ext++) {
        if (join(side, sizeof(side), target_dir, "", name, *ext) != 0) {
            unlink(tmp);
            return -1;
        }
        if (unlink(side) != 0 && errno != ENOENT) {
            log_error("restore: cannot remove %s: %s", side, strerror(errno));
            unlink(tmp);
            return -1;
        }
    }
    if (rename(tmp, target) != 0 || sync_path(target_dir) != 0) {
        log_error("restore: cannot put %s in place: %s", target, strerror(errno));
        unlink(tmp);
        return -1;
    }
    log_info("restore: %s restored (%llu bytes)", target, bytes);
    return 0;
}

int restore_run(const char *dir)
{
    const char *target_dir = config.ferretdb_sqlite_dir;
    char path[4096], target[4096];
    json_t *manifest, *files, *entry;
    json_error_t jerr;
    const char *name;
    size_t i;
    int rc = 1;

    if (target_dir == NULL) {
        log_error("restore: FERRETDB_SQLITE_DIR is not set: it names the SQLite directory "
                  "to restore into");
        return 1;
    }
    if (join(path, sizeof(path), dir, "", MANIFEST, "") != 0)
        return 1;
    manifest = json_load_file(path, 0, &jerr);
    files = json_object_get(manifest, "files");
    if (manifest == NULL || strcmp(json_string_value(json_object_get(manifest, "format")) ?: "",
                                   FORMAT) != 0 || !json_is_array(files) ||
        json_array_size(files) == 0) {
        log_error("restore: %s is not a complete backup (no usable %s)", dir, MANIFEST);
        json_decref(manifest);
        return 1;
    }
    /* nothing is replaced unless every file can be */
    json_array_foreach(files, i, entry) {
        if (verify_entry(dir, entry, &name) != 0)
            goto out;
        if (join(target, sizeof(target), target_dir, "", name, "") != 0 ||
            target_free(target) != 0)
            goto out;
    }
    json_array_foreach(files, i, entry) {
        name = json_string_value(json_object_get(entry, "name"));
        if (replace_file(dir, target_dir, name,
                         json_string_value(json_object_get(entry, "sha256"))) != 0)
            goto out;
    }
    log_info("restore: the backup of %s made at %s is in %s",
             json_string_value(json_object_get(manifest, "source")) ?: "?",
             json_string_value(json_object_get(manifest, "startedAt")) ?: "?", target_dir);
    rc = 0;
out:
    json_decref(manifest);
    return rc;
}
