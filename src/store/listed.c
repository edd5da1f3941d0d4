/*
 * listed.c - chains listed in their owner's directory (see listed.h).
 *
 * A directory entry is the kind's summary plus
 *   {"version", "state": "new" | "ok" | "deleting", "at": ms of the state}.
 * Entries left "new" or "deleting" by a killed request are settled by the
 * next list (repair()), at the cost of an _id lookup each; settled ones
 * cost nothing.
 */
#include "store/listed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/encode.h"
#include "base/fault.h"
#include "base/jsonx.h"
#include "base/mem.h"
#include "store/chain.h"
#include "store/directory.h"
#include "store/store.h"
#include "svc/db.h"

#define NOT_LISTED STORE_NOT_FOUND /* an edit with nothing to change */

bool listed_is_id(const char *id)
{
    return encode_is_hex(id, LISTED_ID_LEN);
}

static void crash_point(const struct listed_kind *k, const char *what)
{
    char name[64];

    snprintf(name, sizeof(name), "%s_%s", k->fault, what);
    fault_point(name);
}

/* Read (peek: the head alone, for a writer) and check the owner. */
static int load(const struct listed_kind *k, struct db *db, const char *user_id, const char *id,
                bool peek, json_t **body, struct chain_ver *v)
{
    int rc;

    *body = NULL;
    memset(v, 0, sizeof(*v));
    if (!listed_is_id(id) || user_id == NULL)
        return DB_OK;
    rc = peek ? chain_peek(db, k->coll, id, body, v) : chain_read(db, k->coll, id, body, v);
    if (rc == DB_OK && *body != NULL &&
        strcmp(jsonx_string(*body, "userId") ?: "", user_id) != 0) {
        json_decref(*body);
        *body = NULL;
    }
    return rc;
}

int listed_load(const struct listed_kind *k, struct db *db, const char *user_id,
                const char *id, json_t **body, int64_t *gen)
{
    struct chain_ver v;
    int rc = load(k, db, user_id, id, false, body, &v);

    *gen = *body != NULL ? v.gen : 0;
    return rc;
}

int listed_load_for_write(const struct listed_kind *k, struct db *db, const char *user_id,
                          const char *id, int64_t expected, json_t **body, struct chain_ver *v)
{
    int rc = load(k, db, user_id, id, expected > 0, body, v);

    /* the head may lag behind the newest generation: when it does not say
     * what the writer expects, ask the log */
    if (rc == DB_OK && *body != NULL && expected > 0 && v->gen != expected) {
        json_decref(*body);
        rc = load(k, db, user_id, id, false, body, v);
    }
    return rc;
}

/* ---- directory edits ---------------------------------------------------------- */

struct change {
    const struct listed_kind *k;
    const char *id;
    json_t *summary; /* borrowed; NULL for a state change only */
    int64_t version, now;
    const char *state; /* NULL: update the summary of a listed object */
    int64_t limit;     /* a create: the most objects of the kind listed (0: any) */
};

/* Objects listed in section, those being deleted aside. */
static int64_t listed_count(json_t *section)
{
    const char *id, *state;
    int64_t n = 0;
    json_t *e;

    json_object_foreach(section, id, e) {
        state = jsonx_string(e, "state");
        n += state == NULL || strcmp(state, "deleting") != 0;
    }
    return n;
}

static int set_entry(json_t *dir, void *arg)
{
    const struct change *c = arg;
    json_t *section = json_object_get(dir, c->k->coll), *old, *e;
    const char *state;

    if (section == NULL) {
        section = json_object();
        json_object_set_new(dir, c->k->coll, section);
    }
    old = json_object_get(section, c->id);
    state = jsonx_string(old, "state");
    if (c->state == NULL) {
        /* only for a listed object not being deleted, and never backwards */
        if (state == NULL || strcmp(state, "deleting") == 0 ||
            json_integer_value(json_object_get(old, "version")) > c->version)
            return NOT_LISTED;
        json_object_update(old, c->summary);
        json_object_set_new(old, "version", json_integer(c->version));
        json_object_set_new(old, "state", json_string("ok"));
        return 0;
    }
    if (strcmp(c->state, "ok") == 0) {
        /* a create's own settling of its entry, once its object exists */
        if (state == NULL || strcmp(state, "new") != 0)
            return NOT_LISTED;
        json_object_set_new(old, "state", json_string("ok"));
        return 0;
    }
    if (strcmp(c->state, "deleting") == 0) {
        if (old == NULL)
            return NOT_LISTED;
        json_object_set_new(old, "state", json_string("deleting"));
        json_object_set_new(old, "at", json_integer(c->now));
        return 0;
    }
    /* a create: at the commit point, so two racing creates cannot both
     * take the last place */
    if (c->limit > 0 && old == NULL && listed_count(section) >= c->limit)
        return STORE_LIMIT;
    e = json_deep_copy(c->summary);
    json_object_set_new(e, "version", json_integer(c->version));
    json_object_set_new(e, "state", json_string(c->state));
    json_object_set_new(e, "at", json_integer(c->now));
    return json_object_set_new(section, c->id, e) == 0 ? 0 : STORE_ERROR;
}

struct drop {
    const struct listed_kind *k;
    const char *id;
};

static int drop_entry(json_t *dir, void *arg)
{
    const struct drop *d = arg;
    json_t *section = json_object_get(dir, d->k->coll);
    json_t *deps = d->k->dependents ? json_object_get(dir, d->k->dependents) : NULL;

    if (json_object_get(section, d->id) == NULL && json_object_get(deps, d->id) == NULL)
        return NOT_LISTED;
    json_object_del(section, d->id);
    json_object_del(deps, d->id);
    return 0;
}

struct settle {
    const struct listed_kind *k;
    json_t *verdicts; /* id -> true (exists: "ok") | false (never inserted: drop) */
};

static int settle_entries(json_t *dir, void *arg)
{
    const struct settle *s = arg;
    json_t *section = json_object_get(dir, s->k->coll), *v;
    const char *id;
    int changed = 0;

    json_object_foreach(s->verdicts, id, v) {
        json_t *e = json_object_get(section, id);

        if (e == NULL || strcmp(jsonx_string(e, "state") ?: "", "new") != 0)
            continue;
        if (json_is_true(v)) {
            json_object_set_new(e, "state", json_string("ok"));
        } else {
            json_object_del(section, id);
            if (s->k->dependents != NULL)
                json_object_del(json_object_get(dir, s->k->dependents), id);
        }
        changed = 1;
    }
    return changed ? 0 : NOT_LISTED;
}

static int edit(struct db *db, const char *user_id, directory_edit_fn fn, void *arg)
{
    int rc = directory_edit(db, user_id, fn, arg);

    return rc == NOT_LISTED ? DB_OK : rc;
}

int64_t listed_count_in(const struct listed_kind *k, json_t *dir)
{
    return listed_count(json_object_get(dir, k->coll));
}

/* ---- create, commit, remove ----------------------------------------------------- */

int listed_create(const struct listed_kind *k, struct db *db, const char *user_id,
                  json_t *body, int64_t limit, char id_out[LISTED_ID_LEN + 1])
{
    struct change c = {.k = k, .id = id_out, .version = 1, .now = clock_wall_ms(),
                       .state = "new", .limit = limit};
    struct change settled = {.k = k, .id = id_out, .state = "ok"};
    struct directory_pending p;
    struct chain_ver v = {0};
    int rc, end;

    if (encode_random_hex(LISTED_ID_LEN / 2, id_out) != 0)
        return DB_ERROR;
    c.summary = k->summarize(body);
    /* the commit point lists the object as "new" (sealed: STORE_ERASED,
     * and nothing is written) */
    rc = directory_edit_begin(db, user_id, set_entry, &c, &p);
    json_decref(c.summary);
    if (rc != DB_OK)
        return rc;
    crash_point(k, "listed");
    v.read_ms = clock_wall_ms();
    rc = chain_commit(db, k->coll, id_out, &v, body);
    if (rc == STORE_CONFLICT) /* 96 random bits: all but impossible */
        rc = DB_ERROR;
    /*
     * The head says "ok" only when the object is known to exist.  After an
     * error the insert may or may not have been applied (a lost
     * acknowledgement): the entry stays "new", the trail by which the next
     * list settles it and an erasure finds the object either way.
     */
    end = directory_edit_end(db, user_id, &p, rc == DB_OK ? set_entry : NULL, &settled);
    if (rc == DB_OK && end == STORE_ERASED) {
        /* the last erasure pass removed the directory while we inserted:
         * nothing may remain */
        chain_remove(db, k->coll, id_out, NULL);
        return STORE_ERASED;
    }
    return rc;
}

int listed_commit(const struct listed_kind *k, struct db *db, const char *user_id,
                  const char *id, struct chain_ver *v, json_t *body)
{
    struct change c = {.k = k, .id = id, .version = v->gen + 1};
    int rc = chain_commit(db, k->coll, id, v, body);

    if (rc != DB_OK)
        return rc;
    /* the list's summary; a crash before it leaves the previous summary in
     * the list until the next commit, never a missing object; a sealed
     * directory refuses it, and the seal names the object for erasure */
    c.summary = k->summarize(body);
    edit(db, user_id, set_entry, &c);
    json_decref(c.summary);
    return DB_OK;
}

/* The second half of a deletion, for an entry marked "deleting": the
 * dependants, the object, then the entry.  Repeatable. */
/* The second half of a deletion, for an entry marked "deleting": the
 * dependants (deps: those listed under the object, or NULL to read the
 * directory for them), the object (read at *known when the caller has just
 * read it), then the entry.  Repeatable. */
static int finish_delete(const struct listed_kind *k, struct db *db, const char *user_id,
                         const char *id, json_t *deps, const struct chain_ver *known,
                         struct store_tally *objects, struct store_tally *dependants)
{
    struct drop d = {k, id};
    json_t *dir = NULL;
    bool existed = false;
    int rc = DB_OK;

    if (k->dependents != NULL && deps == NULL) {
        if ((rc = directory_get(db, user_id, &dir)) != DB_OK)
            return rc;
        deps = json_object_get(json_object_get(dir, k->dependents), id);
    }
    if (k->dependents != NULL)
        rc = k->remove_dependents(db, deps, dependants);
    json_decref(dir);
    if (rc == DB_OK)
        rc = known != NULL ? chain_remove_known(db, k->coll, id, known, &existed)
                           : chain_remove(db, k->coll, id, &existed);
    if (rc == DB_OK && existed)
        store_tally_add(objects, 1);
    if (rc == DB_OK)
        rc = edit(db, user_id, drop_entry, &d);
    return rc;
}

int listed_remove(const struct listed_kind *k, struct db *db, const char *user_id,
                  const char *id, bool *found)
{
    struct change c = {.k = k, .id = id, .state = "deleting", .now = clock_wall_ms()};
    struct directory_pending p;
    struct chain_ver v;
    json_t *body, *deps = NULL, *none = NULL;
    int rc;

    *found = false;
    /* the head says whose it is; a newer generation is found by the
     * removal, which deletes past what it read */
    if ((rc = load(k, db, user_id, id, true, &body, &v)) != DB_OK || body == NULL)
        return rc;
    json_decref(body);
    *found = true;
    if ((rc = directory_edit_begin(db, user_id, set_entry, &c, &p)) != DB_OK)
        return rc == STORE_NOT_FOUND ? DB_OK : rc;
    if (k->dependents != NULL)
        deps = json_deep_copy(json_object_get(json_object_get(p.dir, k->dependents), id));
    if ((rc = directory_edit_end(db, user_id, &p, NULL, NULL)) == DB_OK) {
        crash_point(k, "delete_marked");
        if (k->dependents != NULL && deps == NULL)
            deps = none = json_array(); /* listed with none */
        rc = finish_delete(k, db, user_id, id, deps, &v, NULL, NULL);
    }
    if (deps != none)
        json_decref(deps);
    json_decref(none);
    return rc;
}

int listed_erase_user(const struct listed_kind *k, struct db *db, const char *user_id,
                      json_t *dir, struct store_tally *objects, struct store_tally *dependants)
{
    json_t *section = json_object_get(dir, k->coll);
    json_t *deps = k->dependents ? json_object_get(dir, k->dependents) : NULL;
    void *iter;
    int rc = DB_OK;

    for (iter = json_object_iter(section); iter != NULL && rc == DB_OK;
         iter = json_object_iter_next(section, iter)) {
        const char *id = json_object_iter_key(iter);
        json_t *body = NULL;
        int64_t gen;
        bool owned, existed = false;

        /* the owner is checked again: a directory names, it does not prove */
        if ((rc = listed_load(k, db, user_id, id, &body, &gen)) != DB_OK)
            break;
        owned = body != NULL;
        json_decref(body);
        if (deps != NULL)
            rc = k->remove_dependents(db, json_object_get(deps, id), dependants);
        if (rc == DB_OK && owned) {
            store_tally_deleting(objects, id); /* before: a pass cut short keeps it */
            rc = chain_remove(db, k->coll, id, &existed);
        }
        if (existed)
            store_tally_add(objects, 1);
        crash_point(k, "erased");
    }
    return rc;
}

/* ---- the list ----------------------------------------------------------------------- */

bool listed_cursor_encode(const struct listed_cursor *c, char *out, size_t size)
{
    char plain[48];
    int n = snprintf(plain, sizeof(plain), "%lld|%s", (long long)c->at_ms, c->id);

    return n > 0 && (size_t)n < sizeof(plain) &&
           encode_b64url((const unsigned char *)plain, (size_t)n, out, size);
}

bool listed_cursor_decode(const char *text, struct listed_cursor *c)
{
    unsigned char plain[LISTED_CURSOR_SIZE];
    size_t len;
    char *bar, *end;
    long long ms;

    if (text == NULL || *text == '\0' || strlen(text) >= LISTED_CURSOR_SIZE ||
        strchr(text, '=') || !encode_b64url_decode(text, plain, sizeof(plain) - 1, &len))
        return false;
    plain[len] = '\0';
    if (memchr(plain, '\0', len) != NULL)
        return false;
    bar = strchr((char *)plain, '|');
    if (bar == NULL || bar == (char *)plain || bar - (char *)plain > 15)
        return false;
    for (char *p = (char *)plain; p < bar; p++)
        if (*p < '0' || *p > '9')
            return false;
    ms = strtoll((char *)plain, &end, 10);
    if (end != bar || !listed_is_id(bar + 1))
        return false;
    c->at_ms = ms;
    memcpy(c->id, bar + 1, LISTED_ID_LEN + 1);
    return true;
}

/* Settle what interrupted requests left in one section of dir. */
static int repair(const struct listed_kind *k, struct db *db, const char *user_id,
                  json_t *dir)
{
    struct settle s = {k, json_object()};
    int64_t now = clock_wall_ms();
    const char *id;
    json_t *e;
    int rc = DB_OK;

    json_object_foreach(json_object_get(dir, k->coll), id, e) {
        const char *state = jsonx_string(e, "state") ?: "";
        json_t *body = NULL;
        int64_t gen;

        if (strcmp(state, "deleting") == 0) {
            if ((rc = finish_delete(k, db, user_id, id, NULL, NULL, NULL, NULL)) != DB_OK)
                break;
            continue;
        }
        if (strcmp(state, "new") != 0)
            continue;
        if ((rc = listed_load(k, db, user_id, id, &body, &gen)) != DB_OK)
            break;
        if (body != NULL)
            json_object_set_new(s.verdicts, id, json_true());
        else if (now - json_integer_value(json_object_get(e, "at")) > directory_new_grace_ms())
            json_object_set_new(s.verdicts, id, json_false());
        json_decref(body);
    }
    if (rc == DB_OK && json_object_size(s.verdicts) > 0)
        rc = edit(db, user_id, settle_entries, &s);
    json_decref(s.verdicts);
    return rc;
}

struct row {
    const char *id;
    json_t *entry;
    int64_t at;
};

/* Newest first, then the greater id. */
static int by_recency(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;

    if (a->at != b->at)
        return a->at < b->at ? 1 : -1;
    return -strcmp(a->id, b->id);
}

static bool unsettled(const struct listed_kind *k, json_t *dir)
{
    const char *id;
    json_t *e;

    json_object_foreach(json_object_get(dir, k->coll), id, e)
        if (strcmp(jsonx_string(e, "state") ?: "", "ok") != 0)
            return true;
    return false;
}

/* Insert r into the limit + 1 newest kept in top[0..*n), newest first. */
static void keep_newest(struct row *top, size_t *n, size_t cap, struct row r)
{
    size_t i = *n;

    if (i == cap && by_recency(&r, &top[cap - 1]) >= 0)
        return; /* older than everything kept */
    if (i == cap)
        i--;
    while (i > 0 && by_recency(&r, &top[i - 1]) < 0) {
        top[i] = top[i - 1];
        i--;
    }
    top[i] = r;
    if (*n < cap)
        (*n)++;
}

int listed_page(const struct listed_kind *k, struct db *db, const char *user_id,
                size_t limit, const struct listed_cursor *after, json_t **items, bool *more,
                struct listed_cursor *next)
{
    json_t *dir = NULL, *section, *e, *out;
    struct row *rows;
    size_t n = 0, i;
    const char *id;
    int rc;

    *items = NULL;
    *more = false;
    if (limit == 0)
        limit = 1;
    if ((rc = directory_get(db, user_id, &dir)) != DB_OK)
        return rc;
    if (unsettled(k, dir)) {
        /* only after a crash or a lost acknowledgement */
        rc = repair(k, db, user_id, dir);
        json_decref(dir);
        dir = NULL;
        if (rc != DB_OK || (rc = directory_get(db, user_id, &dir)) != DB_OK)
            return rc;
    }
    section = json_object_get(dir, k->coll);
    /* the page and one more, by a bounded insertion: the directory is
     * walked once, and only the page is sorted and copied */
    rows = mem_calloc(limit + 1, sizeof(*rows));
    json_object_foreach(section, id, e) {
        struct row r = {id, e, json_integer_value(json_object_get(e, k->sort_key))};

        /* after a repair, only a "new" entry still in flight is unsettled */
        if (listed_is_id(id) && strcmp(jsonx_string(e, "state") ?: "", "ok") == 0 &&
            (after == NULL || r.at < after->at_ms ||
             (r.at == after->at_ms && strcmp(id, after->id) < 0)))
            keep_newest(rows, &n, limit + 1, r);
    }
    out = json_array();
    for (i = 0; i < n && i < limit; i++) {
        json_t *item = json_deep_copy(rows[i].entry);

        json_object_del(item, "state");
        json_object_del(item, "at");
        json_object_set_new(item, "id", json_string(rows[i].id));
        json_array_append_new(out, item);
    }
    if (n > limit) {
        *more = true;
        next->at_ms = rows[limit - 1].at;
        memcpy(next->id, rows[limit - 1].id, LISTED_ID_LEN + 1);
    }
    free(rows);
    json_decref(dir);
    *items = out;
    return DB_OK;
}
