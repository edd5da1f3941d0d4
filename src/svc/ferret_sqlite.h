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

/* Create the missing _id lookup indexes in <dir>/<db>.sqlite.  0, or -1
 * with the reason logged (the file is missing, locked for too long, ...).
 * *created receives how many were added. */
int ferret_sqlite_index_ids(const char *dir, const char *db, int *created);

#endif
