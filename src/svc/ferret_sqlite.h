/*
 * ferret_sqlite.h - the _id index FerretDB's SQLite backend can use.
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

#endif
