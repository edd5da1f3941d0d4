/*
 * ferret_sqlite.h - FerretDB's SQLite files: the _id index its backend can use,
 * the write-ahead log's checkpoint, and online copies for backups.
 *
 * FerretDB v1.24 stores each collection as a table of JSON documents
 * (_ferretdb_sjson) and pushes a filter of exactly {_id: value} down to
 * SQLite as `WHERE _ferretdb_sjson->'$._id' = ?`.  The unique index it
 * creates for _id is on the expression `_ferretdb_sjson->"_id"`, which
 * SQLite's planner does not match to the query's: every _id lookup scans
 * the table (measured: 1 s for one lookup among 100,000 resumes of 3 KB).
 * This module adds, to every collection table of one database file, an
 * index on the query's own expression, after which an _id lookup is an
 * index search (3 ms).  FerretDB neither knows nor minds: SQLite keeps the
 * index up to date, and dropping a collection drops it with its table.
 *
 * Used by the schema step when FERRETDB_SQLITE_DIR names the directory of
 * FerretDB's --sqlite-url (the embedded default, on the same host).  A
 * MongoDB deployment needs nothing of this: its _id index serves _id.
 */
#ifndef JT_FERRET_SQLITE_H
#define JT_FERRET_SQLITE_H

#include <stdbool.h>
#include <stddef.h>

/* Create the missing _id lookup indexes in <dir>/<db>.sqlite.  0, or -1
 * with the reason logged (the file is missing, locked for too long, ...).
 * *created receives how many were added. */
int ferret_sqlite_index_ids(const char *dir, const char *db, int *created);

/*
 * Erased data must not outlive its documents in the file's free space or
 * in the write-ahead log.  FerretDB opens its own connections, so the
 * zeroing of deleted content is asked of it, not set here: its
 * --sqlite-url carries `?_pragma=secure_delete(1)` (scripts/run, the
 * tests, the benchmarks; docs/DEPLOYMENT.md), and SQLite then overwrites
 * every deleted cell and freed page with zeros.  What remains is the old
 * page images in the -wal file until they are checkpointed and the log is
 * reset: ferret_sqlite_checkpoint() does that, after an erasure's last
 * pass (the scheduler), with a PASSIVE checkpoint (blocks no one) and
 * then a TRUNCATE one that leaves the -wal file empty; the TRUNCATE waits
 * at most 100 ms for readers, since FerretDB's writers wait behind it.
 * 0, or -1 with the reason logged (busy readers make the checkpoint
 * partial: *complete is then false, and the scheduler tries again at its
 * next slot).
 */
int ferret_sqlite_checkpoint(const char *dir, const char *db, bool *complete);

/*
 * Backups (`jobtuned backup` and `restore`, proc/backup.c).
 *
 * ferret_sqlite_copy() copies the database file src to dst (a new file)
 * with SQLite's online backup API while FerretDB serves it: one read
 * transaction over the whole copy, so the copy is the database as of one
 * moment (every write acknowledged before the copy began, none half), and
 * FerretDB's writers go on meanwhile (WAL mode: a reader blocks no
 * writer).  The copy is then switched to a rollback journal, so that it is
 * one self-contained file, and checked with PRAGMA integrity_check.
 *
 * ferret_sqlite_verify() runs PRAGMA integrity_check on a file opened
 * read-only and immutable (no -wal or -shm file is made beside it).
 *
 * ferret_sqlite_in_use() tells whether another process has the database
 * file open as SQLite does: a connection to a WAL database holds a shared
 * lock on the dead-man-switch byte of its -shm file as long as it is open
 * (FerretDB keeps its connections open while it runs), and any connection
 * in a transaction holds locks on the file's lock bytes.  Asked with
 * F_GETLK, which takes no lock.  -1: it could not be asked.
 *
 * Each returns 0 or -1 with the reason in err.
 */
int ferret_sqlite_copy(const char *src, const char *dst, char *err, size_t errlen);
int ferret_sqlite_verify(const char *path, char *err, size_t errlen);
int ferret_sqlite_in_use(const char *path);
/* The SQLite library's version ("3.40.1"). */
const char *ferret_sqlite_version(void);

#endif
