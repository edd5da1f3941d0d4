/*
 * db.c - mongo-c-driver wrapper.
 *
 * Single-threaded mongoc clients, created after fork (mongoc state must
 * never cross a fork), each trying server selection once per operation.
 *
 * Every operation has a deadline, so that a database that stalls (a
 * stopped process, a lost network, an election) costs a request a quick
 * 503 rather than a hang: the driver's socket timeout bounds the wait for
 * a reply and its connect timeout the handshake of a new connection.  One
 * deadline cannot suit every operation, so each is made on the client
 * whose timeouts fit it (see struct db):
 *   quick  every operation by _id, which is all a user's request makes:
 *          milliseconds normally, so MONGODB_URI's timeouts with short
 *          defaults (db_new());
 *   scan   filters other than {_id: value}, which FerretDB answers by
 *          reading the whole collection, and the schema commands (an
 *          index built on a large collection): the background jobs', the
 *          staff lists' and the migrations' operations, whose time grows
 *          with the data, wait JOBTUNE_DB_SCAN_TIMEOUT_MS;
 *   probe  /api/health's ping when no operation observed the database
 *          lately: PROBE_MS, so that health answers within a second.
 * A read the driver retries (retryReads) can take a socket timeout and
 * then a handshake; a write on a lone server (FerretDB, a standalone
 * MongoDB) is never retried, and on a replica set its retry is what makes
 * an election invisible.
 *
 * After a failure the driver keeps the server in a 5 s cooldown, failing
 * every operation until it ends, however soon the database is back; and
 * after a socket timeout it would handshake again, waiting out another
 * timeout.  So once an operation found the database down, the process's
 * operations fail at once for REVIVE_MS (the rest of that request answers
 * at once), and then each client is replaced by a fresh one (which has no
 * cooldown) on its next operation: the process recovers within about
 * REVIVE_MS of the database's return, without any restart.
 *
 * Error messages from the server can quote document values (a duplicate
 * key message does), so only the error domain and code are ever logged;
 * the schema commands alone hand their message to the caller (see db.h).
 * What an error means is svc/db_errors.c's business.
 */
#include "svc/db.h"

#include <mongoc/mongoc.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/fault.h"
#include "base/log.h"
#include "base/meter.h"
#include "base/mem.h"
#include "base/text.h"
#include "svc/db_errors.h"

#define REVIVE_MS 250
/* Request operations, unless MONGODB_URI says otherwise: a reply waits at
 * most QUICK_SOCKET_MS and a new connection's handshake QUICK_CONNECT_MS.
 * A read in flight when the database stalls times out, and the driver's
 * retry then handshakes again, which mongoc 1.23 bounds by twice the
 * connect timeout: 1.6 s in all, so the request's 503 leaves within 2 s.
 * A write is not retried on a lone server (1 s); a fresh client's first
 * operation on a stalled database fails in one connect timeout. */
#define QUICK_SOCKET_MS 1000
#define QUICK_CONNECT_MS 300
#define QUICK_SELECTION_MS 1000
#define PROBE_MS 500

enum conn_kind { CONN_QUICK, CONN_SCAN, CONN_PROBE, CONN_KINDS };

/* One driver client, made when first needed, and replaced after an
 * operation on it found the database down. */
struct conn {
    mongoc_client_t *client;
    mongoc_database_t *database;
    mongoc_uri_t *uri; /* the process's URI with this client's timeouts */
    bool down;         /* its last operation found the database down */
};

struct db {
    struct conn conns[CONN_KINDS];
    struct conn *current; /* the client of the operation under way */
    char name[64];
    /* the outcome of the last operation, on any client, for db_health() */
    bool up;
    uint64_t observed_at_ms; /* monotonic; 0 = nothing observed yet */
    /* operations and their time since db_usage_reset(), for the access
     * log: an operation starts when it asks database() for the handle and
     * ends when its outcome is observed */
    uint64_t op_started_us, ops, op_us;
    enum meter_phase phase_before; /* the request's phase, put back after the operation */
};

/* The operation under way is over: counted for the access log and the
 * metrics, and the worker's phase goes back to what it was. */
static void op_done(struct db *db)
{
    if (db->op_started_us != 0) {
        uint64_t us = clock_mono_us() - db->op_started_us;

        db->ops++;
        db->op_us += us;
        db->op_started_us = 0;
        meter_db_op(us, !db->up);
        meter_phase_set(db->phase_before);
    }
}

static void observe(struct db *db, bool up)
{
    db->up = up;
    db->observed_at_ms = clock_mono_ms();
    if (db->current != NULL)
        db->current->down = !up;
    op_done(db);
}

/* An operation database() did not let reach the database: down, as found
 * a moment ago (which it does not make any more recent). */
static int not_tried(struct db *db)
{
    op_done(db);
    return DB_DOWN;
}

void db_usage(const struct db *db, uint64_t *ops, uint64_t *us)
{
    *ops = db->ops;
    *us = db->op_us;
}

void db_usage_reset(struct db *db)
{
    db->ops = db->op_us = 0;
    db->op_started_us = 0;
}

static int init_done;

json_t *db_date(int64_t ms)
{
    return json_pack("{s:I}", "$date", (json_int_t)ms);
}

/* ---- JSON -> BSON ------------------------------------------------------ */

static bool append_json(bson_t *b, const char *key, json_t *v);

static bool append_object(bson_t *b, json_t *obj)
{
    const char *key;
    json_t *child;

    json_object_foreach(obj, key, child)
        if (!append_json(b, key, child))
            return false;
    return true;
}

static bool append_json(bson_t *b, const char *key, json_t *v)
{
    bson_t child;
    json_t *date;
    size_t i;
    char idx[16];
    const char *ikey;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        date = json_object_get(v, "$date");
        if (date != NULL && json_is_integer(date) && json_object_size(v) == 1)
            return bson_append_date_time(b, key, -1, json_integer_value(date));
        if (!bson_append_document_begin(b, key, -1, &child))
            return false;
        if (!append_object(&child, v))
            return false;
        return bson_append_document_end(b, &child);
    case JSON_ARRAY:
        if (!bson_append_array_begin(b, key, -1, &child))
            return false;
        for (i = 0; i < json_array_size(v); i++) {
            bson_uint32_to_string((uint32_t)i, &ikey, idx, sizeof(idx));
            if (!append_json(&child, ikey, json_array_get(v, i)))
                return false;
        }
        return bson_append_array_end(b, &child);
    case JSON_STRING:
        return bson_append_utf8(b, key, -1, json_string_value(v),
                                (int)json_string_length(v));
    case JSON_INTEGER:
        return bson_append_int64(b, key, -1, json_integer_value(v));
    case JSON_REAL:
        return bson_append_double(b, key, -1, json_real_value(v));
    case JSON_TRUE:
        return bson_append_bool(b, key, -1, true);
    case JSON_FALSE:
        return bson_append_bool(b, key, -1, false);
    case JSON_NULL:
        return bson_append_null(b, key, -1);
    }
    return false;
}

/* Caller frees with bson_destroy(); NULL for a NULL or non-object input.
 * A NULL filter must never become the empty filter that matches every
 * document: it is the sign of a document that failed to build. */
static bson_t *to_bson(json_t *obj)
{
    bson_t *b;

    if (!json_is_object(obj))
        return NULL;
    b = bson_new();
    if (!append_object(b, obj)) {
        bson_destroy(b);
        return NULL;
    }
    return b;
}

/* ---- BSON -> JSON ------------------------------------------------------ */

static json_t *from_iter(bson_iter_t *it, bool as_array);

static json_t *iso_date(int64_t ms)
{
    char buf[40];

    return json_string(text_iso8601(ms, buf, sizeof(buf)));
}

static json_t *from_value(bson_iter_t *it)
{
    bson_iter_t child;
    char oid[25];
    uint32_t len;

    switch (bson_iter_type(it)) {
    case BSON_TYPE_UTF8: {
        const char *str = bson_iter_utf8(it, &len); /* sets len: call it first */

        return json_stringn(str, len);
    }
    case BSON_TYPE_INT32:
        return json_integer(bson_iter_int32(it));
    case BSON_TYPE_INT64:
        return json_integer(bson_iter_int64(it));
    case BSON_TYPE_DOUBLE:
        return json_real(bson_iter_double(it));
    case BSON_TYPE_BOOL:
        return json_boolean(bson_iter_bool(it));
    case BSON_TYPE_DATE_TIME:
        return iso_date(bson_iter_date_time(it));
    case BSON_TYPE_OID:
        bson_oid_to_string(bson_iter_oid(it), oid);
        return json_string(oid);
    case BSON_TYPE_DOCUMENT:
        if (!bson_iter_recurse(it, &child))
            return NULL;
        return from_iter(&child, false);
    case BSON_TYPE_ARRAY:
        if (!bson_iter_recurse(it, &child))
            return NULL;
        return from_iter(&child, true);
    default:
        return json_null();
    }
}

static json_t *from_iter(bson_iter_t *it, bool as_array)
{
    json_t *out = as_array ? json_array() : json_object();

    while (out != NULL && bson_iter_next(it)) {
        json_t *v = from_value(it);

        if (v == NULL) {
            json_decref(out);
            return NULL;
        }
        if (as_array)
            json_array_append_new(out, v);
        else
            json_object_set_new(out, bson_iter_key(it), v);
    }
    return out;
}

static json_t *from_bson(const bson_t *b)
{
    bson_iter_t it;

    if (!bson_iter_init(&it, b))
        return NULL;
    return from_iter(&it, false);
}

/* ---- errors ------------------------------------------------------------ */

static int status_of(const bson_error_t *err)
{
    switch (db_errors_classify(err->domain, err->code, err->message)) {
    case DB_ERRORS_DOWN:
        return DB_DOWN;
    case DB_ERRORS_DUPLICATE:
        return DB_DUPLICATE;
    default:
        return DB_ERROR;
    }
}

static int classify(struct db *db, const char *op, const bson_error_t *err)
{
    int rc = status_of(err);

    if (rc == DB_DOWN) {
        log_warn("database unreachable during %s (domain %u, code %u)", op, err->domain,
                 err->code);
        observe(db, false);
        return DB_DOWN;
    }
    observe(db, true); /* the server answered */
    if (rc == DB_ERROR)
        log_error("database %s failed (domain %u, code %u)", op, err->domain, err->code);
    return rc;
}

/* The outcome of one operation: observed for db_health(), classified on
 * failure. */
static int outcome(struct db *db, const char *op, bool ok, const bson_error_t *err)
{
    if (!ok)
        return classify(db, op, err);
    observe(db, true);
    return DB_OK;
}

/* *count = reply[key] (matchedCount, deletedCount) when count is wanted. */
static void reply_count(const bson_t *reply, const char *key, int64_t *count)
{
    bson_iter_t it;

    if (count != NULL)
        *count = bson_iter_init_find(&it, reply, key) ? bson_iter_as_int64(&it) : 0;
}

/* ---- lifecycle --------------------------------------------------------- */

/* Driver messages go through our log, warnings and worse only.  They name
 * hosts and commands, never document contents. */
static void driver_log(mongoc_log_level_t level, const char *domain,
                       const char *message, void *data)
{
    (void)data;
    if (level > MONGOC_LOG_LEVEL_WARNING)
        return;
    if (strstr(message, "endSessions") != NULL)
        return; /* FerretDB has no sessions; the driver says so at every exit */
    log_warn("mongoc %s: %s", domain, message);
}

/* Whether conn has a client that may be tried; a fresh one replaces a
 * client that found the database down (see the top of the file).  When
 * none can be made the old one stays, and none means false. */
static bool conn_ready(struct conn *c, const char *dbname)
{
    mongoc_client_t *client;
    bson_error_t err;

    if (c->client != NULL && !c->down)
        return true;
    client = mongoc_client_new_from_uri_with_error(c->uri, &err);
    if (client == NULL)
        return c->client != NULL;
    mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2);
    mongoc_database_destroy(c->database);
    mongoc_client_destroy(c->client);
    c->client = client;
    c->database = mongoc_client_get_database(client, dbname);
    return true;
}

static int32_t uri_ms(const mongoc_uri_t *uri, const char *option)
{
    return mongoc_uri_get_option_as_int32(uri, option, 0);
}

static void uri_default_ms(mongoc_uri_t *uri, const char *option, int32_t ms)
{
    if (!mongoc_uri_has_option(uri, option))
        mongoc_uri_set_option_as_int32(uri, option, ms);
}

/* Each client's copy of uri (see the top of the file): the scans wait at
 * least JOBTUNE_DB_SCAN_TIMEOUT_MS for a reply, the probe at most
 * PROBE_MS for anything. */
static void conns_init(struct db *db, const mongoc_uri_t *uri)
{
    int32_t socket_ms = uri_ms(uri, MONGOC_URI_SOCKETTIMEOUTMS);
    int32_t connect_ms = uri_ms(uri, MONGOC_URI_CONNECTTIMEOUTMS);
    struct conn *scan = &db->conns[CONN_SCAN], *probe = &db->conns[CONN_PROBE];

    db->conns[CONN_QUICK].uri = mongoc_uri_copy(uri);
    scan->uri = mongoc_uri_copy(uri);
    if (config.db_scan_timeout_ms > socket_ms)
        mongoc_uri_set_option_as_int32(scan->uri, MONGOC_URI_SOCKETTIMEOUTMS,
                                       (int32_t)config.db_scan_timeout_ms);
    probe->uri = mongoc_uri_copy(uri);
    mongoc_uri_set_option_as_int32(probe->uri, MONGOC_URI_SOCKETTIMEOUTMS,
                                   socket_ms < PROBE_MS ? socket_ms : PROBE_MS);
    mongoc_uri_set_option_as_int32(probe->uri, MONGOC_URI_CONNECTTIMEOUTMS,
                                   connect_ms < PROBE_MS ? connect_ms : PROBE_MS);
}

struct db *db_new(const char *uri_string, const char *dbname, char *errbuf, size_t errlen)
{
    bson_error_t err;
    mongoc_uri_t *uri;
    struct db *db;

    if (!init_done) {
        mongoc_init();
        mongoc_log_set_handler(driver_log, NULL);
        init_done = 1;
    }
    uri = mongoc_uri_new_with_error(uri_string, &err);
    if (uri == NULL) {
        snprintf(errbuf, errlen, "MONGODB_URI is invalid: %s", err.message);
        return NULL;
    }
    /* Fail fast when the server is away or stalls: the caller answers 503. */
    uri_default_ms(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, QUICK_SELECTION_MS);
    uri_default_ms(uri, MONGOC_URI_CONNECTTIMEOUTMS, QUICK_CONNECT_MS);
    uri_default_ms(uri, MONGOC_URI_SOCKETTIMEOUTMS, QUICK_SOCKET_MS);
    /* the drivers' default, said here: an election costs a retry, not an error */
    if (!mongoc_uri_has_option(uri, MONGOC_URI_RETRYREADS))
        mongoc_uri_set_option_as_bool(uri, MONGOC_URI_RETRYREADS, true);
    if (!mongoc_uri_has_option(uri, MONGOC_URI_RETRYWRITES))
        mongoc_uri_set_option_as_bool(uri, MONGOC_URI_RETRYWRITES, true);
    if (!mongoc_uri_has_option(uri, MONGOC_URI_APPNAME))
        mongoc_uri_set_option_as_utf8(uri, MONGOC_URI_APPNAME, "jobtuned");

    db = mem_calloc(1, sizeof(*db));
    snprintf(db->name, sizeof(db->name), "%s", dbname);
    conns_init(db, uri);
    mongoc_uri_destroy(uri);
    if (!conn_ready(&db->conns[CONN_QUICK], db->name)) {
        snprintf(errbuf, errlen, "cannot create the database client");
        db_free(db);
        return NULL;
    }
    return db;
}

void db_free(struct db *db)
{
    if (db == NULL)
        return;
    for (int i = 0; i < CONN_KINDS; i++) {
        mongoc_database_destroy(db->conns[i].database);
        mongoc_client_destroy(db->conns[i].client);
        mongoc_uri_destroy(db->conns[i].uri);
    }
    free(db);
}

/* The database handle for the next operation, on the client of its kind;
 * NULL when the database was found down less than REVIVE_MS ago (the
 * operation fails at once: see the top of the file). */
static mongoc_database_t *database(struct db *db, enum conn_kind kind)
{
    struct conn *c = &db->conns[kind];

    if (db->op_started_us == 0) /* not a second handle for the same operation */
        db->phase_before = meter_phase_set(METER_DATABASE);
    db->op_started_us = clock_mono_us();
    db->current = c;
    if (!db->up && db->observed_at_ms != 0 && clock_mono_ms() - db->observed_at_ms < REVIVE_MS)
        return NULL;
    return conn_ready(c, db->name) ? c->database : NULL;
}

/* Collection coll on the client of its kind (the caller destroys it), or
 * NULL as database() says, before anything else is made: an operation
 * that is not tried has nothing to free. */
static mongoc_collection_t *collection(struct db *db, enum conn_kind kind, const char *coll)
{
    mongoc_database_t *d = database(db, kind);

    return d != NULL ? mongoc_database_get_collection(d, coll) : NULL;
}

/* An operation whose arguments did not convert: collection() began it, so
 * it ends here too (the worker's phase goes back), with DB_ERROR. */
static int not_built(struct db *db, mongoc_collection_t *c)
{
    mongoc_collection_destroy(c);
    op_done(db);
    return DB_ERROR;
}

/* {_id: value}: the operations FerretDB answers from an index, on the
 * quick client; any other filter reads a whole collection. */
static enum conn_kind kind_of(json_t *filter)
{
    json_t *id = json_object_get(filter, "_id");

    return json_object_size(filter) == 1 && (json_is_string(id) || json_is_integer(id))
               ? CONN_QUICK
               : CONN_SCAN;
}

/* ---- operations -------------------------------------------------------- */

static int ping(struct db *db, enum conn_kind kind)
{
    mongoc_database_t *d = database(db, kind);
    bson_t *cmd;
    bson_error_t err;
    bool ok;

    if (d == NULL)
        return not_tried(db);
    cmd = BCON_NEW("ping", BCON_INT32(1));
    ok = mongoc_database_command_simple(d, cmd, NULL, NULL, &err);
    bson_destroy(cmd);
    return outcome(db, "ping", ok, &err);
}

int db_ping(struct db *db)
{
    return ping(db, CONN_QUICK);
}

int db_health(struct db *db, unsigned max_age_ms)
{
    if (db->observed_at_ms != 0 && clock_mono_ms() - db->observed_at_ms < max_age_ms)
        return db->up ? DB_OK : DB_DOWN;
    return ping(db, CONN_PROBE);
}

/* JOBTUNE_FAULT=lost_ack:<coll> (development only): see base/fault.h. */
static bool lost_ack(const char *coll)
{
    char name[96];

    snprintf(name, sizeof(name), "lost_ack:%s", coll);
    return config.fault != NULL && fault_active(name);
}

int db_insert(struct db *db, const char *coll, json_t *doc)
{
    mongoc_collection_t *c = collection(db, CONN_QUICK, coll);
    bson_t *b;
    bson_error_t err;
    bool ok;

    if (c == NULL)
        return not_tried(db);
    if ((b = to_bson(doc)) == NULL)
        return not_built(db, c);
    ok = mongoc_collection_insert_one(c, b, NULL, NULL, &err);
    mongoc_collection_destroy(c);
    bson_destroy(b);
    if (ok && lost_ack(coll))
        return DB_DOWN; /* the tests: applied, but the answer never came */
    return outcome(db, "insert", ok, &err);
}

int db_find(struct db *db, const char *coll, json_t *filter, json_t *opts, json_t **out)
{
    mongoc_collection_t *c = collection(db, kind_of(filter), coll);
    mongoc_cursor_t *cur;
    bson_t *f, *o;
    const bson_t *doc;
    bson_error_t err;
    json_t *arr;
    int rc = DB_OK;

    *out = NULL;
    if (c == NULL)
        return not_tried(db);
    f = to_bson(filter);
    o = opts ? to_bson(opts) : bson_new();
    arr = json_array();
    if (f == NULL || o == NULL || arr == NULL) {
        bson_destroy(f);
        bson_destroy(o);
        json_decref(arr);
        return not_built(db, c);
    }
    cur = mongoc_collection_find_with_opts(c, f, o, NULL);
    while (mongoc_cursor_next(cur, &doc)) {
        json_t *j = from_bson(doc);

        if (j == NULL || json_array_append_new(arr, j) != 0) {
            rc = DB_ERROR;
            break;
        }
    }
    if (rc == DB_OK && mongoc_cursor_error(cur, &err))
        rc = classify(db, "find", &err);
    else if (rc == DB_OK)
        observe(db, true);
    mongoc_cursor_destroy(cur);
    mongoc_collection_destroy(c);
    bson_destroy(f);
    bson_destroy(o);
    if (rc != DB_OK)
        json_decref(arr);
    else
        *out = arr;
    return rc;
}

int db_find_one(struct db *db, const char *coll, json_t *filter, json_t *opts, json_t **out)
{
    json_t *o = opts ? json_deep_copy(opts) : json_object();
    json_t *arr = NULL;
    int rc;

    *out = NULL;
    if (o == NULL)
        return DB_ERROR;
    json_object_set_new(o, "limit", json_integer(1));
    rc = db_find(db, coll, filter, o, &arr);
    json_decref(o);
    if (rc == DB_OK && json_array_size(arr) > 0)
        *out = json_incref(json_array_get(arr, 0));
    json_decref(arr);
    return rc;
}

static int update(struct db *db, const char *coll, json_t *filter, json_t *upd,
                  bool upsert, int64_t *count)
{
    mongoc_collection_t *c = collection(db, kind_of(filter), coll);
    bson_t *f, *u, *opts;
    bson_t reply;
    bson_error_t err;
    bool ok;

    if (c == NULL)
        return not_tried(db);
    f = to_bson(filter);
    u = to_bson(upd);
    opts = upsert ? BCON_NEW("upsert", BCON_BOOL(true)) : NULL;
    if (f == NULL || u == NULL) {
        bson_destroy(f);
        bson_destroy(u);
        bson_destroy(opts);
        return not_built(db, c);
    }
    ok = mongoc_collection_update_one(c, f, u, opts, &reply, &err);
    if (ok)
        reply_count(&reply, "matchedCount", count);
    bson_destroy(&reply);
    mongoc_collection_destroy(c);
    bson_destroy(f);
    bson_destroy(u);
    bson_destroy(opts);
    return outcome(db, "update", ok, &err);
}

int db_update_one(struct db *db, const char *coll, json_t *filter, json_t *upd,
                  int64_t *count)
{
    return update(db, coll, filter, upd, false, count);
}

int db_upsert_one(struct db *db, const char *coll, json_t *filter, json_t *upd)
{
    return update(db, coll, filter, upd, true, NULL);
}

int db_delete_many(struct db *db, const char *coll, json_t *filter, int64_t *count)
{
    mongoc_collection_t *c = collection(db, kind_of(filter), coll);
    bson_t *f;
    bson_t reply;
    bson_error_t err;
    bool ok;

    if (c == NULL)
        return not_tried(db);
    if ((f = to_bson(filter)) == NULL)
        return not_built(db, c);
    ok = mongoc_collection_delete_many(c, f, NULL, &reply, &err);
    if (ok)
        reply_count(&reply, "deletedCount", count);
    bson_destroy(&reply);
    mongoc_collection_destroy(c);
    bson_destroy(f);
    return outcome(db, "delete", ok, &err);
}

/* The unlogged twin of classify(): the schema step logs the error itself,
 * message included (see db.h), instead of "database unreachable". */
static int command_outcome(struct db *db, bool ok, const bson_error_t *e,
                           struct db_error *err)
{
    if (ok) {
        observe(db, true);
        return DB_OK;
    }
    if (err != NULL) {
        err->domain = e->domain;
        err->code = e->code;
        err->server = e->domain == MONGOC_ERROR_SERVER ||
                      e->domain == MONGOC_ERROR_WRITE_CONCERN;
        snprintf(err->message, sizeof(err->message), "%s", e->message);
    }
    if (status_of(e) == DB_DOWN) {
        observe(db, false);
        return DB_DOWN;
    }
    observe(db, true);
    return DB_ERROR;
}

static int command(struct db *db, bool read, json_t *cmd, json_t **reply,
                   struct db_error *err)
{
    mongoc_database_t *d;
    bson_t *b = to_bson(cmd);
    bson_t r;
    bson_error_t e;
    bool ok;

    if (reply != NULL)
        *reply = NULL;
    if (err != NULL)
        *err = (struct db_error){0};
    if (b == NULL) {
        if (err != NULL)
            snprintf(err->message, sizeof(err->message), "the command did not build");
        return DB_ERROR;
    }
    if ((d = database(db, CONN_SCAN)) == NULL) { /* an index build may take long */
        bson_destroy(b);
        if (err != NULL)
            snprintf(err->message, sizeof(err->message), "the database was found down a "
                                                         "moment ago");
        return not_tried(db);
    }
    if (read)
        ok = mongoc_database_read_command_with_opts(d, b, NULL, NULL, &r, &e);
    else
        ok = mongoc_database_write_command_with_opts(d, b, NULL, &r, &e);
    if (ok && reply != NULL && (*reply = from_bson(&r)) == NULL) {
        bson_destroy(&r);
        bson_destroy(b);
        if (err != NULL)
            snprintf(err->message, sizeof(err->message), "the reply did not convert");
        observe(db, true); /* it answered: the operation is over */
        return DB_ERROR;
    }
    bson_destroy(&r);
    bson_destroy(b);
    return command_outcome(db, ok, &e, err);
}

int db_read_command(struct db *db, json_t *cmd, json_t **reply, struct db_error *err)
{
    return command(db, true, cmd, reply, err);
}

int db_write_command(struct db *db, json_t *cmd, json_t **reply, struct db_error *err)
{
    return command(db, false, cmd, reply, err);
}

/* ---- by _id ---------------------------------------------------------------- */

/* {_id: id}: the one filter FerretDB's SQLite backend answers from its
 * primary key instead of reading the whole collection. */
static json_t *id_filter(const char *id)
{
    return id ? json_pack("{s:s}", "_id", id) : NULL;
}

int db_get(struct db *db, const char *coll, const char *id, json_t **out)
{
    json_t *f = id_filter(id);
    int rc = f ? db_find_one(db, coll, f, NULL, out) : DB_ERROR;

    json_decref(f);
    return rc;
}

int db_update_id(struct db *db, const char *coll, const char *id, json_t *upd,
                 int64_t *matched)
{
    json_t *f = id_filter(id);
    int rc = f ? update(db, coll, f, upd, false, matched) : DB_ERROR;

    json_decref(f);
    return rc;
}

int db_upsert_id(struct db *db, const char *coll, const char *id, json_t *upd)
{
    json_t *f = id_filter(id);
    int rc = f ? update(db, coll, f, upd, true, NULL) : DB_ERROR;

    json_decref(f);
    return rc;
}

int db_replace_id(struct db *db, const char *coll, const char *id, json_t *doc,
                  int64_t *matched)
{
    mongoc_collection_t *c = collection(db, CONN_QUICK, coll);
    bson_t *f, *d;
    json_t *jf;
    bson_t reply;
    bson_error_t err;
    bool ok;

    if (c == NULL)
        return not_tried(db);
    jf = id_filter(id);
    f = jf ? to_bson(jf) : NULL;
    d = to_bson(doc);
    json_decref(jf);
    if (f == NULL || d == NULL) {
        bson_destroy(f);
        bson_destroy(d);
        return not_built(db, c);
    }
    ok = mongoc_collection_replace_one(c, f, d, NULL, &reply, &err);
    if (ok)
        reply_count(&reply, "matchedCount", matched);
    bson_destroy(&reply);
    mongoc_collection_destroy(c);
    bson_destroy(f);
    bson_destroy(d);
    return outcome(db, "replace", ok, &err);
}

int db_delete_id(struct db *db, const char *coll, const char *id, int64_t *deleted)
{
    json_t *f = id_filter(id);
    int rc = f ? db_delete_many(db, coll, f, deleted) : DB_ERROR;

    json_decref(f);
    return rc;
}

int db_delete_page(struct db *db, const char *coll, json_t *filter, int limit, int64_t *deleted,
                   bool *more)
{
    json_t *opts = json_pack("{s:{s:i}, s:i}", "projection", "_id", 1, "limit", limit);
    json_t *page = NULL, *doc;
    size_t i;
    int rc = opts ? db_find(db, coll, filter, opts, &page) : DB_ERROR;

    if (more != NULL)
        *more = rc == DB_OK && json_array_size(page) == (size_t)limit;
    json_array_foreach(rc == DB_OK ? page : NULL, i, doc) {
        int64_t n = 0;

        if ((rc = db_delete_id(db, coll, json_string_value(json_object_get(doc, "_id")), &n)) !=
            DB_OK)
            break;
        if (deleted != NULL)
            *deleted += n;
    }
    json_decref(page);
    json_decref(opts);
    return rc;
}
