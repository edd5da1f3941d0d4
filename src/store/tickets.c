/*
 * tickets.c - the tickets collection, and its refs (see tickets.h).
 */
#include "store/tickets.h"

#include <string.h>

#include "base/config.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "base/text.h"
#include "store/slots.h"
#include "svc/db.h"

#define COLL "tickets"
#define PAGE 200 /* ids per page of a staff scan */
#define REFS "ticket_refs"
#define KEY_SIZE TICKETS_KEY_SIZE

/* "u:" + HMAC(user id) */
static void user_key(const char *user_id, char out[KEY_SIZE])
{
    memcpy(out, "u:", 2);
    encode_hmac_hex(config.secret, user_id, out + 2);
}

/* "e:" + HMAC(normalized email: text_email_normalize()) */
static bool email_key(const char *email, char out[KEY_SIZE])
{
    char norm[TEXT_EMAIL_MAX + 1];

    if (!text_email_normalize(email, norm, sizeof(norm)))
        return false;
    memcpy(out, "e:", 2);
    encode_hmac_hex(config.secret, norm, out + 2);
    return true;
}

int tickets_refs_add(struct db *db, const char *number, const char *user_id, const char *email)
{
    json_t *ref = json_pack("{s:s}", "ticket", number);
    char key[KEY_SIZE];
    int rc = DB_OK;

    if (ref == NULL)
        return DB_ERROR;
    if (user_id != NULL) {
        user_key(user_id, key);
        rc = slots_append(db, REFS, key, ref, NULL);
    }
    if (rc == DB_OK && email != NULL) {
        rc = email_key(email, key) ? slots_append(db, REFS, key, ref, NULL) : DB_ERROR;
    }
    json_decref(ref);
    return rc;
}

int tickets_insert(struct db *db, json_t *doc)
{
    /* its refs were written before it: nothing for the backfill to do */
    json_object_set_new(doc, "refs", json_true());
    return db_insert(db, COLL, doc);
}

int tickets_backfill_refs(struct db *db, int limit, int64_t *done)
{
    json_t *filter = json_pack("{s:{s:b}}", "refs", "$exists", 0);
    json_t *opts = json_pack("{s:{s:i, s:i, s:i}, s:i}", "projection", "_id", 1, "userId", 1,
                             "email", 1, "limit", limit);
    json_t *mark = json_pack("{s:{s:b}}", "$set", "refs", 1);
    json_t *page = NULL, *t;
    size_t i;
    int rc = db_find(db, COLL, filter, opts, &page);

    json_array_foreach(rc == DB_OK ? page : NULL, i, t) {
        const char *number = jsonx_string(t, "_id");

        if (number == NULL)
            continue;
        /* refs first, then the mark: a crash between them only writes the
         * refs again, and readers take each ticket once */
        if ((rc = tickets_refs_add(db, number, jsonx_string(t, "userId"),
                                   jsonx_string(t, "email"))) != DB_OK ||
            (rc = db_update_id(db, COLL, number, mark, NULL)) != DB_OK)
            break;
        (*done)++;
    }
    json_decref(page);
    json_decref(filter);
    json_decref(opts);
    json_decref(mark);
    return rc;
}

/* ---- reading through the refs ------------------------------------------ */

/* The ticket numbers the refs of key name, into the set `seen`. */
static int collect(json_t *slot, int64_t n, void *arg)
{
    const char *number = jsonx_string(slot, "ticket");

    (void)n;
    if (number != NULL)
        json_object_set_new(arg, number, json_true());
    return 0;
}

/* The owner as the refs name them: a user id, and the key of an email
 * ("e:" + HMAC), which a ticket's own email is compared by. */
struct owner {
    const char *user_id;
    const char *email_key; /* NULL or "" for none */
};

static bool is_theirs(json_t *ticket, const struct owner *o)
{
    const char *owner = jsonx_string(ticket, "userId"), *from = jsonx_string(ticket, "email");
    char key[KEY_SIZE];

    if (o->user_id != NULL && owner != NULL && strcmp(owner, o->user_id) == 0)
        return true;
    return o->email_key != NULL && *o->email_key != '\0' && from != NULL &&
           email_key(from, key) && strcmp(key, o->email_key) == 0;
}

/* The set of ticket numbers referenced for the owner (new reference). */
static int referenced(struct db *db, const struct owner *o, json_t **set)
{
    char key[KEY_SIZE];
    int rc = DB_OK;

    *set = json_object();
    if (o->user_id != NULL) {
        user_key(o->user_id, key);
        rc = slots_each(db, REFS, key, collect, *set);
    }
    if (rc == DB_OK && o->email_key != NULL && *o->email_key != '\0')
        rc = slots_each(db, REFS, o->email_key, collect, *set);
    if (rc != DB_OK) {
        json_decref(*set);
        *set = NULL;
    }
    return rc;
}

static int each_of(struct db *db, const struct owner *o, tickets_visit_fn visit, void *arg)
{
    json_t *set = NULL, *v;
    const char *number;
    int rc;

    if ((rc = referenced(db, o, &set)) != DB_OK)
        return rc;
    json_object_foreach(set, number, v) {
        json_t *ticket = NULL;

        if ((rc = db_get(db, COLL, number, &ticket)) != DB_OK)
            break;
        if (ticket != NULL && is_theirs(ticket, o))
            rc = visit(ticket, arg);
        json_decref(ticket);
        if (rc != 0)
            break;
    }
    json_decref(set);
    return rc;
}

bool tickets_email_key(const char *email, char out[TICKETS_KEY_SIZE])
{
    return email != NULL && *email != '\0' && email_key(email, out);
}

int tickets_each_of_user(struct db *db, const char *user_id, const char *email,
                         tickets_visit_fn visit, void *arg)
{
    char key[KEY_SIZE] = "";
    struct owner o = {user_id, key};

    if (!tickets_email_key(email, key))
        key[0] = '\0';
    return each_of(db, &o, visit, arg);
}

/* ---- erasure ------------------------------------------------------------ */

struct erase {
    struct db *db;
    struct store_tally *deleted;
};

static int erase_one(json_t *ticket, void *arg)
{
    const struct erase *e = arg;
    int64_t n = 0;
    int rc;

    store_tally_deleting(e->deleted, jsonx_string(ticket, "_id"));
    rc = db_delete_id(e->db, COLL, jsonx_string(ticket, "_id"), &n);
    store_tally_add(e->deleted, n);
    return rc;
}

int tickets_erase_keyed(struct db *db, const char *user_id, const char *email_key,
                        bool refs_too, struct store_tally *deleted)
{
    struct erase e = {.db = db, .deleted = deleted};
    struct owner o = {user_id, email_key};
    char key[KEY_SIZE];
    int rc = each_of(db, &o, erase_one, &e);

    /* the refs last, and only when asked: a ticket's ref is written before
     * the ticket, so a request in flight may have a ref whose ticket comes
     * later; the refs must outlive every such request to find it */
    if (!refs_too)
        return rc;
    if (rc == DB_OK && user_id != NULL) {
        user_key(user_id, key);
        rc = slots_remove(db, REFS, key, NULL);
    }
    if (rc == DB_OK && email_key != NULL && *email_key != '\0')
        rc = slots_remove(db, REFS, email_key, NULL);
    return rc;
}

int tickets_purge_refs(struct db *db, const char *user_id, const char *email_key)
{
    char key[KEY_SIZE];
    int rc = DB_OK;

    if (user_id != NULL) {
        user_key(user_id, key);
        rc = slots_purge(db, REFS, key, NULL);
    }
    if (rc == DB_OK && email_key != NULL && *email_key != '\0')
        rc = slots_purge(db, REFS, email_key, NULL);
    return rc;
}

int tickets_count_overdue(struct db *db, int64_t now_ms, int64_t *count)
{
    json_t *filter = json_pack("{s:{s:[s, s, s]}, s:{s:o}}", "privacyRequest.status", "$in",
                               "open", "verified", "executing", "privacyRequest.dueAt", "$lt",
                               db_date(now_ms));
    json_t *opts = json_pack("{s:{s:i}}", "projection", "_id", 1);
    json_t *found = NULL;
    int rc = db_find(db, COLL, filter, opts, &found);

    *count = rc == DB_OK ? (int64_t)json_array_size(found) : 0;
    json_decref(found);
    json_decref(filter);
    json_decref(opts);
    return rc;
}

/* ---- staff ------------------------------------------------------------------ */

#define LIST_FIELDS "status", "subject", "email", "name", "createdAt", "regime", \
                    "privacyRequest", "channel", "userId", "updatedAt"

int tickets_page(struct db *db, const struct tickets_query *q, json_t **items, bool *more)
{
    json_t *filter = json_object(), *created = json_object(), *opts, *proj = json_object();
    const char *fields[] = {LIST_FIELDS};
    int rc;

    *items = NULL;
    *more = false;
    if (q->status != NULL)
        json_object_set_new(filter, "status", json_string(q->status));
    if (q->from_ms >= 0)
        json_object_set_new(created, "$gte", db_date(q->from_ms));
    if (q->to_ms >= 0)
        json_object_set_new(created, "$lt", db_date(q->to_ms));
    if (json_object_size(created) > 0)
        json_object_set(filter, "createdAt", created);
    if (q->after)
        json_object_set_new(filter, "$or", json_pack(
            "[{s:{s:o}}, {s:o, s:{s:s}}]",
            "createdAt", "$lt", db_date(q->after_ms),
            "createdAt", db_date(q->after_ms), "_id", "$lt", q->after_id));
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        json_object_set_new(proj, fields[i], json_integer(1));
    opts = json_pack("{s:{s:i, s:i}, s:I, s:o}", "sort", "createdAt", -1, "_id", -1,
                     "limit", (json_int_t)q->limit + 1, "projection", proj);
    rc = db_find(db, COLL, filter, opts, items);
    json_decref(filter);
    json_decref(created);
    json_decref(opts);
    if (rc == DB_OK && json_array_size(*items) > q->limit) {
        *more = true;
        json_array_remove(*items, q->limit);
    }
    return rc;
}

int tickets_get(struct db *db, const char *number, json_t **out)
{
    return db_get(db, COLL, number, out);
}

int tickets_update(struct db *db, const char *number, json_t *update, bool *found)
{
    int64_t matched = 0;
    int rc = db_update_id(db, COLL, number, update, &matched);

    *found = matched > 0;
    return rc;
}

int tickets_privacy_requests(struct db *db, size_t limit, json_t **out)
{
    json_t *filter = json_pack("{s:{s:[sss]}}", "privacyRequest.status", "$in",
                               "open", "verified", "executing");
    json_t *opts = json_pack("{s:{s:i, s:i}, s:I, s:{s:i, s:i, s:i, s:i, s:i, s:i}}",
                             "sort", "privacyRequest.dueAt", 1, "_id", 1,
                             "limit", (json_int_t)limit,
                             "projection", "status", 1, "subject", 1, "email", 1, "name", 1,
                             "createdAt", 1, "privacyRequest", 1);
    int rc = db_find(db, COLL, filter, opts, out);

    json_decref(filter);
    json_decref(opts);
    return rc;
}

int tickets_erase_email(struct db *db, const char *email, const char *keep, int64_t *deleted)
{
    json_t *filter;
    bool more = true;
    int rc = DB_OK;

    if (email == NULL || *email == '\0')
        return DB_OK;
    filter = json_pack("{s:s}", "email", email);
    if (keep != NULL)
        json_object_set_new(filter, "_id", json_pack("{s:s}", "$ne", keep));
    while (rc == DB_OK && more)
        rc = db_delete_page(db, COLL, filter, PAGE, deleted, &more);
    json_decref(filter);
    return rc;
}
