/*
 * chain.c - versioned documents on _id operations (see chain.h).
 *
 * Invariants, on which the read's walk and the pruning rely:
 *  - log "key:g" exists for every committed g >= floor while the chain
 *    lives (entries below floor are deleted, lowest first);
 *  - the newest committed generation always has its body, in its log
 *    entry (never pruned: a prune deletes at most up to the generation
 *    before the one being committed) or in the head;
 *  - no writer commits on a read older than the lease, and an entry is
 *    deleted only past the prune age, so a deleted generation can never
 *    be taken again;
 *  - a removal deletes the log before the head, so a chain whose head is
 *    gone has nothing left to find.
 */
#include "store/chain.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/fault.h"
#include "store/store.h"
#include "svc/db.h"

#define LOG_SUFFIX "_log"
#define NAME_MAX_LEN 64
#define ID_MAX_LEN 160
#define PRUNE_MARGIN_MS 10000 /* a write sent within the lease, still in flight */

int64_t chain_lease_ms(void)
{
    return (int64_t)config.request_timeout * 1000;
}

int64_t chain_prune_age_ms(void)
{
    return chain_lease_ms() + PRUNE_MARGIN_MS;
}

static bool log_name(const char *coll, char out[NAME_MAX_LEN])
{
    int n = snprintf(out, NAME_MAX_LEN, "%s" LOG_SUFFIX, coll);

    return n > 0 && n < NAME_MAX_LEN;
}

static bool log_id(const char *key, int64_t gen, char out[ID_MAX_LEN])
{
    int n = snprintf(out, ID_MAX_LEN, "%s:%lld", key, (long long)gen);

    return n > 0 && n < ID_MAX_LEN;
}

static int64_t int_member(json_t *doc, const char *name, int64_t dflt)
{
    json_t *v = json_object_get(doc, name);

    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static int write_head(struct db *db, const char *coll, const char *key, const struct chain_ver *v,
                      json_t *body, int64_t *matched)
{
    json_t *doc = json_pack("{s:s, s:I, s:O, s:I, s:I, s:I}", "_id", key, "gen",
                            (json_int_t)v->gen, "body", body, "floor", (json_int_t)v->floor,
                            "mark", (json_int_t)v->mark, "markAt", (json_int_t)v->mark_ms);
    int rc = doc ? db_replace_id(db, coll, key, doc, matched) : DB_ERROR;

    json_decref(doc);
    return rc;
}

int chain_peek(struct db *db, const char *coll, const char *key, json_t **body,
               struct chain_ver *v)
{
    json_t *head = NULL;
    int rc;

    *body = NULL;
    memset(v, 0, sizeof(*v));
    v->read_ms = clock_wall_ms();
    v->floor = 2;
    v->mark = 1;
    v->mark_ms = v->read_ms;
    if ((rc = db_get(db, coll, key, &head)) != DB_OK || head == NULL)
        return rc;
    v->gen = int_member(head, "gen", 0);
    v->floor = int_member(head, "floor", 2);
    v->mark = int_member(head, "mark", 1);
    v->mark_ms = int_member(head, "markAt", 0);
    *body = json_incref(json_object_get(head, "body"));
    json_decref(head);
    if (!json_is_object(*body) || v->gen < 1 || v->floor < 2) {
        json_decref(*body);
        *body = NULL;
        v->gen = 0;
        return DB_ERROR; /* not a chain head */
    }
    return DB_OK;
}

int chain_read(struct db *db, const char *coll, const char *key, json_t **body,
               struct chain_ver *v)
{
    char lname[NAME_MAX_LEN], id[ID_MAX_LEN];
    json_t *newest = NULL, *entry;
    int64_t g, head_gen;
    int rc;

    *body = NULL;
    if (!log_name(coll, lname))
        return DB_ERROR;
    if ((rc = chain_peek(db, coll, key, &newest, v)) != DB_OK || newest == NULL)
        return rc;
    head_gen = g = v->gen;
    for (;;) {
        json_t *b;

        if (!log_id(key, g + 1, id)) {
            rc = DB_ERROR;
            break;
        }
        entry = NULL;
        if ((rc = db_get(db, lname, id, &entry)) != DB_OK || entry == NULL)
            break;
        g++;
        b = json_object_get(entry, "body");
        json_decref(newest);
        /* an entry without a body was stripped by an older version of this
         * code, which did so only once a successor existed: walk on */
        newest = json_is_object(b) ? json_incref(b) : NULL;
        json_decref(entry);
    }
    if (rc != DB_OK || newest == NULL) {
        json_decref(newest);
        v->gen = 0;
        return rc != DB_OK ? rc : DB_ERROR;
    }
    v->gen = g;
    if (g != head_gen) {
        /* a crash or a race left the head behind: repair; the log stays the truth */
        write_head(db, coll, key, v, newest, NULL);
    }
    *body = newest;
    return DB_OK;
}

int chain_append(struct db *db, const char *coll, const char *key, struct chain_ver *v,
                 json_t *body)
{
    char lname[NAME_MAX_LEN], id[ID_MAX_LEN];
    int64_t now = clock_wall_ms();
    json_t *doc;
    int rc;

    if (!json_is_object(body) || !log_name(coll, lname) || !log_id(key, v->gen + 1, id))
        return DB_ERROR;
    if (now - v->read_ms > chain_lease_ms()) {
        /* past the lease our generation's successor may have been pruned
         * and could be taken again: confirm the read first */
        struct chain_ver fresh;
        json_t *b = NULL;

        rc = chain_read(db, coll, key, &b, &fresh);
        json_decref(b);
        if (rc != DB_OK)
            return rc;
        if (fresh.gen != v->gen)
            return STORE_CONFLICT;
        *v = fresh;
    }
    if (v->gen == 0) {
        doc = json_pack("{s:s, s:i, s:O, s:i, s:i, s:I}", "_id", key, "gen", 1, "body", body,
                        "floor", 2, "mark", 1, "markAt", (json_int_t)now);
        rc = doc ? db_insert(db, coll, doc) : DB_ERROR;
    } else {
        doc = json_pack("{s:s, s:O, s:o}", "_id", id, "body", body, "at", db_date(now));
        rc = doc ? db_insert(db, lname, doc) : DB_ERROR;
    }
    json_decref(doc);
    if (rc == DB_DUPLICATE)
        return STORE_CONFLICT;
    if (rc != DB_OK)
        return rc;
    if (v->gen == 0)
        v->mark_ms = now;
    v->gen++;
    fault_point("chain_committed");
    return DB_OK;
}

/* Delete the log entries from floor up to mark once mark has aged; mark
 * the generation being committed.  Adjusts v (a copy of the caller's). */
static void prune(struct db *db, const char *lname, const char *key, struct chain_ver *v)
{
    int64_t now = clock_wall_ms(), last = v->mark < v->gen ? v->mark : v->gen - 1;
    char id[ID_MAX_LEN];

    if (v->mark < v->floor) {
        v->mark = v->gen; /* nothing pending: start the next mark */
        v->mark_ms = now;
        return;
    }
    if (now - v->mark_ms <= chain_prune_age_ms())
        return;
    for (int64_t g = v->floor; g <= last; g++) {
        if (!log_id(key, g, id) || db_delete_id(db, lname, id, NULL) != DB_OK)
            return; /* the head keeps the old floor; a later commit retries */
        v->floor = g + 1;
    }
    v->mark = v->gen;
    v->mark_ms = now;
}

int chain_settle(struct db *db, const char *coll, const char *key, const struct chain_ver *v,
                 json_t *head_body)
{
    char lname[NAME_MAX_LEN], id[ID_MAX_LEN];
    struct chain_ver next = *v;
    int64_t matched = 0;

    if (!log_name(coll, lname))
        return DB_ERROR;
    if (next.gen >= 2)
        prune(db, lname, key, &next);
    /* committed: from here on, failures only leave work for the next read */
    if (write_head(db, coll, key, &next, head_body, &matched) == DB_OK && matched == 0) {
        /* the chain was removed while we wrote: take our entry back */
        if (next.gen >= 2 && log_id(key, next.gen, id))
            db_delete_id(db, lname, id, NULL);
        return STORE_CONFLICT;
    }
    return DB_OK;
}

int chain_commit(struct db *db, const char *coll, const char *key, struct chain_ver *v,
                 json_t *body)
{
    int rc = chain_append(db, coll, key, v, body);

    if (rc != DB_OK || v->gen == 1)
        return rc; /* generation 1 is the head itself */
    return chain_settle(db, coll, key, v, body);
}

/* Delete generations floor..gen of a chain read at v, the head, then any
 * committed after v. */
static int remove_from(struct db *db, const char *coll, const char *lname, const char *key,
                       const struct chain_ver *v)
{
    char id[ID_MAX_LEN];
    int64_t n;
    int rc;

    for (int64_t g = v->floor; g <= v->gen; g++) {
        if (!log_id(key, g, id))
            return DB_ERROR;
        if ((rc = db_delete_id(db, lname, id, NULL)) != DB_OK)
            return rc;
    }
    if ((rc = db_delete_id(db, coll, key, NULL)) != DB_OK)
        return rc;
    /* a writer that read the chain before it went may have committed
     * after the walk: its entries follow ours */
    for (int64_t g = v->gen + 1;; g++) {
        if (!log_id(key, g, id))
            return DB_ERROR;
        n = 0;
        if ((rc = db_delete_id(db, lname, id, &n)) != DB_OK || n == 0)
            return rc;
    }
}

int chain_remove(struct db *db, const char *coll, const char *key, bool *existed)
{
    char lname[NAME_MAX_LEN];
    struct chain_ver v;
    json_t *body = NULL;
    int rc;

    if (existed != NULL)
        *existed = false;
    if (!log_name(coll, lname))
        return DB_ERROR;
    /* the read leaves the head at the newest generation */
    if ((rc = chain_read(db, coll, key, &body, &v)) != DB_OK)
        return rc;
    json_decref(body);
    if (v.gen == 0)
        return DB_OK;
    if (existed != NULL)
        *existed = true;
    return remove_from(db, coll, lname, key, &v);
}

int chain_remove_known(struct db *db, const char *coll, const char *key,
                       const struct chain_ver *known, bool *existed)
{
    char lname[NAME_MAX_LEN];

    if (existed != NULL)
        *existed = known->gen > 0;
    if (known->gen == 0)
        return DB_OK;
    if (!log_name(coll, lname))
        return DB_ERROR;
    return remove_from(db, coll, lname, key, known);
}
