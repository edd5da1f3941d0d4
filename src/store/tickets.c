/*
 * tickets.c - the tickets collection, its refs, and its place in the
 * staff's lists (see tickets.h and ticket_index.h).
 */
#include "store/tickets.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "base/text.h"
#include "store/slots.h"
#include "store/ticket_index.h"
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

/* ms of a stored date as a handler built it ({"$date": ms}) or as it
 * reads back (ISO text); -1 when neither. */
static int64_t date_ms(json_t *v)
{
    long long ms;

    if (json_is_object(v) && json_is_integer(json_object_get(v, "$date")))
        return json_integer_value(json_object_get(v, "$date"));
    return json_is_string(v) && text_parse_iso8601(json_string_value(v), &ms) ? ms : -1;
}

/* The statuses with a list of their own in the index: each of them, so
 * a status filter never passes over the tickets of the others. */
static bool has_list(const char *status)
{
    return status != NULL &&
           (strcmp(status, TICKET_INDEX_OPEN) == 0 || strcmp(status, TICKET_INDEX_PENDING) == 0 ||
            strcmp(status, TICKET_INDEX_CLOSED) == 0);
}

int tickets_status_entry(struct db *db, json_t *doc, const char *status, json_t *set)
{
    const char *number = jsonx_string(doc, "_id");
    int64_t at = date_ms(json_object_get(doc, "createdAt")), n = 0;
    char field[32];
    int rc;

    if (!has_list(status))
        return DB_OK;
    if (number == NULL || at < 0)
        return DB_ERROR;
    if ((rc = ticket_index_add(db, status, number, at, &n)) == DB_OK) {
        snprintf(field, sizeof(field), "seq.%s", status);
        json_object_set_new(set, field, json_integer(n));
    }
    return rc;
}

/* The index entries of ticket doc (borrowed): "all", its status's list,
 * and "privacy" for a deletion request; their numbers set on doc as seq. */
static int index_ticket(struct db *db, json_t *doc)
{
    const char *number = jsonx_string(doc, "_id");
    int64_t at = date_ms(json_object_get(doc, "createdAt")), n = 0;
    json_t *seq = json_object();
    int rc;

    if (number == NULL || at < 0) {
        json_decref(seq);
        return DB_ERROR;
    }
    rc = ticket_index_add(db, TICKET_INDEX_ALL, number, at, &n);
    json_object_set_new(seq, "all", json_integer(n));
    if (rc == DB_OK && has_list(jsonx_string(doc, "status"))) {
        rc = ticket_index_add(db, jsonx_string(doc, "status"), number, at, &n);
        json_object_set_new(seq, jsonx_string(doc, "status"), json_integer(n));
    }
    if (rc == DB_OK && json_is_object(json_object_get(doc, "privacyRequest"))) {
        rc = ticket_index_add(db, TICKET_INDEX_PRIVACY, number, at, &n);
        json_object_set_new(seq, "privacy", json_integer(n));
    }
    json_object_set_new(doc, "seq", seq);
    return rc;
}

int tickets_insert(struct db *db, json_t *doc)
{
    int rc;

    /* its refs were written before it: nothing for the backfill to do */
    json_object_set_new(doc, "refs", json_true());
    /* and its index entries, which name it only once it names them */
    if ((rc = index_ticket(db, doc)) != DB_OK)
        return rc;
    return db_insert(db, COLL, doc);
}

/* Ticket t's index entries (ticket_index.h), then seq naming them. */
static int backfill_index_one(struct db *db, json_t *t)
{
    json_t *update, *n_of;
    const char *key;
    int rc;

    /* entries first, then the mark: a crash between leaves entries the
     * ticket does not name (skipped), and the next run appends again */
    if ((rc = index_ticket(db, t)) != DB_OK)
        return rc;
    /* each field of seq on its own: a status change may have given the
     * ticket a seq.<status> of its own meanwhile */
    update = json_pack("{s:{}}", "$set");
    json_object_foreach(json_object_get(t, "seq"), key, n_of) {
        char field[32];

        snprintf(field, sizeof(field), "seq.%s", key);
        json_object_set(json_object_get(update, "$set"), field, n_of);
    }
    rc = db_update_id(db, COLL, jsonx_string(t, "_id"), update, NULL);
    json_decref(update);
    return rc;
}

/* Ticket t's refs, then the mark: a crash between them only writes the
 * refs again, and readers take each ticket once. */
static int backfill_refs_one(struct db *db, json_t *t)
{
    const char *number = jsonx_string(t, "_id");
    json_t *mark = json_pack("{s:{s:b}}", "$set", "refs", 1);
    int rc = tickets_refs_add(db, number, jsonx_string(t, "userId"), jsonx_string(t, "email"));

    if (rc == DB_OK)
        rc = db_update_id(db, COLL, number, mark, NULL);
    json_decref(mark);
    return rc;
}

/* At most limit tickets matching filter (stolen), oldest createdAt first,
 * each given what it lacks: refs when it has no mark (refs != NULL), index
 * entries when it has no seq.all (indexed != NULL). */
static int backfill(struct db *db, json_t *filter, int limit, int64_t *refs, int64_t *indexed)
{
    json_t *opts = json_pack("{s:{s:i, s:i}, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}, s:i}",
                             "sort", "createdAt", 1, "_id", 1, "projection", "_id", 1,
                             "createdAt", 1, "status", 1, "privacyRequest", 1, "userId", 1,
                             "email", 1, "refs", 1, "seq", 1, "limit", limit);
    json_t *page = NULL, *t;
    size_t i;
    int rc = db_find(db, COLL, filter, opts, &page);

    json_array_foreach(rc == DB_OK ? page : NULL, i, t) {
        if (jsonx_string(t, "_id") == NULL)
            continue;
        if (refs != NULL && json_object_get(t, "refs") == NULL) {
            if ((rc = backfill_refs_one(db, t)) != DB_OK)
                break;
            (*refs)++;
        }
        if (indexed != NULL && json_object_get(json_object_get(t, "seq"), "all") == NULL) {
            if ((rc = backfill_index_one(db, t)) != DB_OK)
                break;
            (*indexed)++;
        }
    }
    json_decref(page);
    json_decref(filter);
    json_decref(opts);
    return rc;
}

int tickets_backfill_index(struct db *db, int limit, int64_t *done)
{
    return backfill(db, json_pack("{s:{s:b}}", "seq.all", "$exists", 0), limit, NULL, done);
}

int tickets_backfill(struct db *db, int limit, int64_t *refs, int64_t *indexed)
{
    return backfill(db, json_pack("{s:[{s:{s:b}}, {s:{s:b}}]}", "$or", "refs", "$exists", 0,
                                  "seq.all", "$exists", 0),
                    limit, refs, indexed);
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
    json_t *seq = json_object_get(ticket, "seq"), *n_of;
    const char *key;
    int64_t n = 0;
    int rc;

    store_tally_deleting(e->deleted, jsonx_string(ticket, "_id"));
    rc = db_delete_id(e->db, COLL, jsonx_string(ticket, "_id"), &n);
    store_tally_add(e->deleted, n);
    /* the staff lists' entries keep their time, not the number */
    json_object_foreach(rc == DB_OK ? seq : NULL, key, n_of) {
        if (json_is_integer(n_of) &&
            (rc = ticket_index_forget(e->db, key, json_integer_value(n_of))) != DB_OK)
            break;
    }
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

/* An index entry's ticket, when it is still the one the entry names
 * (*doc new reference, else NULL; *gone when the entry can never name one
 * again: forgotten, or an insert that cannot be running any more). */
static int entry_ticket(struct db *db, const char *key, int64_t n, json_t *entry,
                        json_t **doc, bool *gone)
{
    const char *number = jsonx_string(entry, "ticket");
    json_t *seq;
    int rc;

    *doc = NULL;
    *gone = number == NULL;
    if (number == NULL)
        return DB_OK;
    if ((rc = db_get(db, COLL, number, doc)) != DB_OK || *doc == NULL) {
        /* the entry is written before the ticket: give its insert the
         * longest a request may run before calling it gone */
        *gone = rc == DB_OK &&
                json_integer_value(json_object_get(entry, "at")) <
                    clock_wall_ms() - config_longest_request_ms() - 5000;
        return rc;
    }
    seq = json_object_get(json_object_get(*doc, "seq"), key);
    if (!json_is_integer(seq) || json_integer_value(seq) != n) {
        json_decref(*doc);
        *doc = NULL;
        *gone = true; /* a number taken by another ticket */
    }
    return DB_OK;
}

#define LIST_FIELDS "status", "subject", "email", "name", "createdAt", "regime", \
                    "privacyRequest", "channel", "userId", "updatedAt", "seq"

/* doc (borrowed) with only the list's fields and _id: new reference. */
static json_t *list_fields(json_t *doc)
{
    static const char *const fields[] = {LIST_FIELDS};
    json_t *out = json_pack("{s:O}", "_id", json_object_get(doc, "_id"));

    for (size_t i = 0; out != NULL && i < sizeof(fields) / sizeof(fields[0]); i++)
        if (json_object_get(doc, fields[i]) != NULL)
            json_object_set(out, fields[i], json_object_get(doc, fields[i]));
    return out;
}

int tickets_page(struct db *db, const struct tickets_query *q, json_t **items, int64_t *next)
{
    /* a status has a list of its own; without one, "all", which is in
     * createdAt order, so dates bound its walk */
    bool dated = !has_list(q->status);
    const char *key = dated ? TICKET_INDEX_ALL : q->status;
    int64_t top = 0, floor = 1, n, examined = 0, low_live = 0;
    int rc;

    *items = json_array();
    *next = 0;
    if ((rc = ticket_index_count(db, key, &top)) != DB_OK ||
        (!dated && (rc = ticket_index_floor(db, key, &floor)) != DB_OK))
        goto fail;
    n = q->after > 0 && q->after - 1 < top ? q->after - 1 : top;
    if (dated && q->to_ms >= 0) {
        int64_t before = 0;

        if ((rc = ticket_index_before(db, key, n, q->to_ms, &before)) != DB_OK)
            goto fail;
        n = before;
    }
    for (; n >= floor; n--) {
        json_t *entry = NULL, *doc = NULL;
        int64_t at;
        bool gone = false, keep;

        if (json_array_size(*items) == q->limit || examined == TICKETS_EXAMINED_MAX) {
            *next = n + 1; /* the page is full, or its walk long enough */
            break;
        }
        examined++;
        if ((rc = ticket_index_get(db, key, n, &entry)) != DB_OK)
            goto fail;
        at = json_integer_value(json_object_get(entry, "at"));
        if (dated && entry != NULL && q->from_ms >= 0 && at < q->from_ms) {
            json_decref(entry);
            break; /* filing order: everything below is older still */
        }
        rc = entry != NULL && (q->to_ms < 0 || at < q->to_ms) &&
                     (q->from_ms < 0 || at >= q->from_ms)
                 ? entry_ticket(db, key, n, entry, &doc, &gone)
                 : DB_OK;
        json_decref(entry);
        if (rc != DB_OK)
            goto fail;
        keep = doc != NULL &&
               (q->status == NULL || strcmp(jsonx_string(doc, "status") ?: "", q->status) == 0);
        if (!gone && (doc == NULL || keep))
            low_live = n; /* still in the list, or may be yet */
        if (keep)
            json_array_append_new(*items, list_fields(doc));
        json_decref(doc);
    }
    /* a status's list keeps every ticket that ever took the status: a walk
     * that reached its floor moves it past the ones that left it since */
    if (!dated && n < floor && *next == 0)
        ticket_index_raise_floor(db, key, low_live > 0 ? low_live : q->after > 0 ? q->after : top + 1);
    return DB_OK;
fail:
    json_decref(*items);
    *items = NULL;
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

static bool request_open(json_t *doc)
{
    const char *state = jsonx_string(json_object_get(doc, "privacyRequest"), "status");

    return state != NULL && (strcmp(state, "open") == 0 || strcmp(state, "verified") == 0 ||
                             strcmp(state, "executing") == 0);
}

int tickets_privacy_requests(struct db *db, size_t limit, json_t **out)
{
    int64_t floor = 1, top = 0, n, raise = 0;
    bool leading = true; /* every entry so far is finished for good */
    int rc;

    *out = json_array();
    if ((rc = ticket_index_floor(db, TICKET_INDEX_PRIVACY, &floor)) != DB_OK ||
        (rc = ticket_index_count(db, TICKET_INDEX_PRIVACY, &top)) != DB_OK)
        goto fail;
    for (n = floor; n <= top && json_array_size(*out) < limit; n++) {
        json_t *entry = NULL, *doc = NULL;
        bool gone = false;

        if ((rc = ticket_index_get(db, TICKET_INDEX_PRIVACY, n, &entry)) != DB_OK)
            goto fail;
        rc = entry != NULL ? entry_ticket(db, TICKET_INDEX_PRIVACY, n, entry, &doc, &gone)
                           : DB_OK;
        json_decref(entry);
        if (rc != DB_OK)
            goto fail;
        if (doc != NULL && request_open(doc)) {
            json_array_append_new(*out, list_fields(doc));
            leading = false;
        } else if (leading && (gone || doc != NULL)) {
            raise = n + 1; /* completed, closed or erased: never open again */
        } else {
            leading = false;
        }
        json_decref(doc);
    }
    /* the next walk starts past the finished ones at the front; a lost
     * raise only costs that walk their lookups */
    if (raise > floor)
        ticket_index_raise_floor(db, TICKET_INDEX_PRIVACY, raise);
    return DB_OK;
fail:
    json_decref(*out);
    *out = NULL;
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
