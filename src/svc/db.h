/*
 * db.h - the database, seen through Jansson.
 *
 * db.c is the only file that includes mongoc: everything else hands it
 * json_t documents and gets json_t back.  Conventions of the conversion:
 * an object {"$date": <ms since the epoch>} becomes a BSON date (user JSON
 * can never produce it: jsonx rejects '$' keys); BSON dates come back as
 * ISO-8601 strings and ObjectIds as hex strings.
 *
 * One `struct db` per process, created after fork.  Every operation has a
 * deadline (db.c): one by _id fails within 1.6 s of a stall, and then the
 * process's operations fail at once for a quarter second, so that an
 * unreachable or stalled server turns into DB_DOWN (HTTP 503) within 2 s.
 */
#ifndef JT_DB_H
#define JT_DB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

enum db_status {
    DB_OK = 0,
    DB_DOWN = -1,      /* no server reachable or answering, or one in an election: 503;
                        * a write's outcome is then unknown */
    DB_DUPLICATE = -2, /* unique index violated */
    DB_ERROR = -3,     /* anything else, logged where it happened */
};

/* NULL (message in err) when the URI is invalid. */
struct db *db_new(const char *uri, const char *dbname, char *err, size_t errlen);
void db_free(struct db *db);

int db_ping(struct db *db);

/* DB_OK or DB_DOWN as last observed by any operation of this process, when
 * that was less than max_age_ms ago; otherwise a fresh ping that waits at
 * most half a second.  Lets a busy health endpoint answer without a round
 * trip per request, and a stalled database's within a second. */
int db_health(struct db *db, unsigned max_age_ms);

/* doc is borrowed. */
int db_insert(struct db *db, const char *coll, json_t *doc);

/*
 * Every json_t argument is borrowed.  A NULL filter, update or document
 * is an error (DB_ERROR), never "everything": it means the caller's
 * json_pack() failed.
 */

/* *out: new reference (NULL when nothing matched). opts may be NULL. */
int db_find_one(struct db *db, const char *coll, json_t *filter, json_t *opts,
                json_t **out);

/* *out: new reference to an array. opts: sort, limit, skip, projection. */
int db_find(struct db *db, const char *coll, json_t *filter, json_t *opts,
            json_t **out);

/* *count: matched / deleted documents; may be NULL. */
int db_update_one(struct db *db, const char *coll, json_t *filter,
                  json_t *update, int64_t *count);
/* Like db_update_one, inserting when nothing matches (upsert). */
int db_upsert_one(struct db *db, const char *coll, json_t *filter, json_t *update);
int db_delete_many(struct db *db, const char *coll, json_t *filter,
                   int64_t *count);

/*
 * Database commands, for the schema step.  A command's failure is not
 * logged here but described in *err (which may be NULL) for the caller to
 * log with its context: the message of a schema command's error (create,
 * listIndexes, createIndexes, dropIndexes) names collections and indexes,
 * never document values, unlike a write's duplicate-key message.
 *
 * Returns DB_OK, DB_DOWN (no server reachable, or the connection dropped)
 * or DB_ERROR (err->server: the server refused, err->code is its code;
 * otherwise the driver failed).  cmd is borrowed; *reply (may be NULL) is a
 * new reference on DB_OK, NULL otherwise.
 */
struct db_error {
    unsigned domain;   /* the driver's error domain */
    unsigned code;     /* the server's code when server is true */
    bool server;       /* the server answered with an error */
    char message[504]; /* the driver's or the server's message (bson_error_t's size) */
};

/* A command that reads (listIndexes, ...). */
int db_read_command(struct db *db, json_t *cmd, json_t **reply, struct db_error *err);
/* A command that changes the schema (create, createIndexes, dropIndexes). */
int db_write_command(struct db *db, json_t *cmd, json_t **reply, struct db_error *err);

/*
 * By _id: the only access paths a user's request may take.  FerretDB's
 * SQLite backend serves a filter that is exactly {_id: value} from its
 * primary key and reads the whole collection for anything else; MongoDB
 * serves it from the _id index.  *out / *matched / *deleted as above.
 */
int db_get(struct db *db, const char *coll, const char *id, json_t **out);
int db_update_id(struct db *db, const char *coll, const char *id, json_t *update,
                 int64_t *matched);
int db_upsert_id(struct db *db, const char *coll, const char *id, json_t *update);
/* Replace the whole document (doc has no operators); never inserts. */
int db_replace_id(struct db *db, const char *coll, const char *id, json_t *doc,
                  int64_t *matched);
int db_delete_id(struct db *db, const char *coll, const char *id, int64_t *deleted);

/*
 * A background path's bounded delete: find at most `limit` documents
 * matching filter (their _id only), then delete each by _id.  *deleted
 * (may be NULL) += the count; *more (may be NULL) is set when the page was
 * full, so a caller wanting everything calls again.
 */
int db_delete_page(struct db *db, const char *coll, json_t *filter, int limit, int64_t *deleted,
                   bool *more);

/* Operations made and their time (microseconds) since the last reset:
 * the access log's db_ops and db_ms. */
void db_usage(const struct db *db, uint64_t *ops, uint64_t *us);
void db_usage_reset(struct db *db);

/* {"$date": ms} for a wall-clock time in milliseconds (new reference). */
json_t *db_date(int64_t ms);

#endif
