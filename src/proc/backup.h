/*
 * backup.h - `jobtuned backup DIR` and `jobtuned restore DIR`: the
 * embedded FerretDB's SQLite files (FERRETDB_SQLITE_DIR) copied while it
 * serves, and put back while it is stopped.
 */
#ifndef JT_BACKUP_H
#define JT_BACKUP_H

/* Copy every <name>.sqlite of FERRETDB_SQLITE_DIR into dir (created, or
 * empty) with a manifest.json; 0, or 1 on any failure (reported). */
int backup_run(const char *dir);

/* Put the backup in dir back into FERRETDB_SQLITE_DIR: refused (1) while
 * any process has one of its files open; every file checked against the
 * manifest and by SQLite before the first is replaced.  0 or 1. */
int restore_run(const char *dir);

#endif
