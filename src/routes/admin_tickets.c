/*
 * admin_tickets.c - the staff's view of support tickets: a filtered,
 * keyset-paginated list and changes of status with notes.
 *
 * Staff routes only (AUTH_STAFF: JOBTUNE_ADMIN_USER_IDS; others get 403
 * before a handler runs).  The list walks the tickets in filing order
 * through their index (store/ticket_index.h), one entry and one ticket by
 * _id at a time, so a page costs the same with a thousand tickets or a
 * hundred thousand; everything else is by _id (the ticket number).  Every read and change is logged with the staff id and the
 * ticket number (or a count) and nothing else: no email, subject or text.
 *
 * GET .../{ticket} is the whole ticket for the staff: the message, the
 * notes, the status history, the replies (admin_tickets_replies.c) and the
 * deletion request if any.
 *
 * A note is appended to ticket.notes [{staffId, at, text}] and a status
 * change to ticket.history [{staffId, at, from, to}]; both are $push'ed,
 * so two staff writing at once lose neither entry.
 */
#include "routes/routes.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/text.h"
#include "http/request.h"
#include "store/store.h"
#include "store/tickets.h"
#include "svc/services.h"

#define LIST_DEFAULT 20
#define NOTE_MAX 2000
#define DAY_MS (24LL * 3600 * 1000)
#define CURSOR_MAX 64

/* ---- shared with admin_privacy_requests.c ------------------------------------- */

bool admin_is_ticket_number(const char *s)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    if (s == NULL || strlen(s) != 12 || strncmp(s, "JT-", 3) != 0 || s[7] != '-')
        return false;
    for (int i = 3; i < 12; i++)
        if (i != 7 && strchr(alphabet, s[i]) == NULL)
            return false;
    return true;
}

static int by_time(const void *a, const void *b)
{
    const char *x = jsonx_string(*(json_t *const *)a, "at"),
               *y = jsonx_string(*(json_t *const *)b, "at");

    return strcmp(x ?: "", y ?: "");
}

/* The stored replies, an object keyed by reply id (each written by _id
 * with $set, see admin_tickets_replies.c), as a list oldest first: new
 * reference. */
static json_t *replies_view(json_t *stored)
{
    size_t n = json_object_size(stored), i = 0;
    json_t **all = n > 0 ? mem_calloc(n, sizeof(*all)) : NULL, *list = json_array(), *r;
    const char *id;

    json_object_foreach(stored, id, r) {
        json_t *one = json_deep_copy(r);

        json_object_set_new(one, "id", json_string(id));
        all[i++] = one;
    }
    if (i > 1)
        qsort(all, i, sizeof(*all), by_time);
    for (size_t k = 0; k < i; k++)
        json_array_append_new(list, all[k]);
    free(all);
    return list;
}

json_t *admin_ticket_view(json_t *doc)
{
    static const char *const fields[] = {"status", "subject", "message", "email", "name",
                                         "channel", "regime", "createdAt", "updatedAt",
                                         "userId", "emailHmac", "privacyRequest"};
    json_t *view = json_pack("{s:O?}", "ticket", json_object_get(doc, "_id"));

    for (size_t i = 0; view != NULL && i < sizeof(fields) / sizeof(fields[0]); i++) {
        json_t *v = json_object_get(doc, fields[i]);

        if (v != NULL)
            json_object_set(view, fields[i], v);
    }
    if (view != NULL) {
        json_object_set_new(view, "notes", json_deep_copy(json_object_get(doc, "notes")) ?: json_array());
        json_object_set_new(view, "history", json_deep_copy(json_object_get(doc, "history")) ?: json_array());
        json_object_set_new(view, "replies", replies_view(json_object_get(doc, "replies")));
    }
    return view;
}

/* ---- list ------------------------------------------------------------------------ */

static int invalid(struct request *req, const char *field, const char *problem)
{
    return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                json_pack("{s:s}", field, problem));
}

/* The cursor is base64url("n<entry>"), where the next page starts in the
 * filing order (store/ticket_index.h); opaque to clients. */
static bool cursor_encode(int64_t n, char *out, size_t size)
{
    char plain[CURSOR_MAX];
    int len = snprintf(plain, sizeof(plain), "n%lld", (long long)n);

    return len > 0 && (size_t)len < sizeof(plain) &&
           encode_b64url((const unsigned char *)plain, (size_t)len, out, size);
}

static bool cursor_decode(const char *text, int64_t *n)
{
    unsigned char plain[CURSOR_MAX];
    size_t len;
    long long v = 0;

    if (strlen(text) >= CURSOR_MAX || strchr(text, '=') != NULL ||
        !encode_b64url_decode(text, plain, sizeof(plain) - 1, &len) || len < 2 || len > 16 ||
        plain[0] != 'n')
        return false;
    for (size_t i = 1; i < len; i++) {
        if (plain[i] < '0' || plain[i] > '9')
            return false;
        v = v * 10 + (plain[i] - '0');
    }
    *n = v;
    return v > 0;
}

/* A list item: the ticket's fields that triage needs, and its request's summary. */
static json_t *list_item(json_t *doc)
{
    json_t *pr = json_object_get(doc, "privacyRequest");
    json_t *item = json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}",
                             "ticket", json_object_get(doc, "_id"),
                             "status", json_object_get(doc, "status"),
                             "subject", json_object_get(doc, "subject"),
                             "email", json_object_get(doc, "email"),
                             "name", json_object_get(doc, "name"),
                             "createdAt", json_object_get(doc, "createdAt"),
                             "regime", json_object_get(doc, "regime"));

    if (item != NULL)
        json_object_set_new(item, "privacyRequest",
                            pr == NULL ? json_null()
                                       : json_pack("{s:O?, s:O?, s:O?}",
                                                   "type", json_object_get(pr, "type"),
                                                   "status", json_object_get(pr, "status"),
                                                   "dueAt", json_object_get(pr, "dueAt")));
    return item;
}

/* A ?from= or ?to= day (YYYY-MM-DD) as ms of its midnight UTC, or -1 when absent;
 * false (422 written) when malformed. */
static bool day_param(struct request *req, const char *name, int64_t *ms, int *status)
{
    const char *s = request_query(req, name);
    long long v;

    *ms = -1;
    if (s == NULL)
        return true;
    if (strlen(s) != 10 || !text_parse_iso8601(s, &v)) {
        *status = invalid(req, name, "Give a date as YYYY-MM-DD.");
        return false;
    }
    *ms = v;
    return true;
}

/* GET /api/admin/tickets?status=&from=&to=&limit=&cursor= -> 200 {"items","next"} | 422 */
int admin_tickets_list_route(struct request *req)
{
    struct tickets_query q = {.limit = LIST_DEFAULT};
    const char *status = request_query(req, "status"), *limit = request_query(req, "limit");
    const char *cursor = request_query(req, "cursor");
    json_t *docs = NULL, *items, *doc;
    char next[CURSOR_MAX * 2];
    int64_t more = 0;
    size_t i;
    int rc = 0;

    if (status != NULL) {
        if (strcmp(status, "open") != 0 && strcmp(status, "pending") != 0 &&
            strcmp(status, "closed") != 0)
            return invalid(req, "status", "Give open, pending or closed.");
        q.status = status;
    }
    if (!day_param(req, "from", &q.from_ms, &rc) || !day_param(req, "to", &q.to_ms, &rc))
        return rc;
    if (q.to_ms >= 0)
        q.to_ms += DAY_MS; /* to= is inclusive: up to the end of that day */
    if (q.from_ms >= 0 && q.to_ms >= 0 && q.from_ms >= q.to_ms)
        return invalid(req, "to", "Give a day on or after from.");
    if (limit != NULL && !routes_parse_limit(limit, &q.limit))
        return invalid(req, "limit", "Give a whole number from 1 to 100.");
    if (cursor != NULL) {
        if (!cursor_decode(cursor, &q.after))
            return invalid(req, "cursor", "Use the \"next\" value of the previous page, "
                                          "unchanged.");
    }

    rc = tickets_page(req->svc->db, &q, &docs, &more);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    jsonx_own(req->arena, docs);
    items = json_array();
    json_array_foreach(docs, i, doc)
        json_array_append_new(items, list_item(doc));
    if (more > 0 && !cursor_encode(more, next, sizeof(next))) {
        json_decref(items);
        return 500;
    }
    log_info("staff %s listed %zu tickets", req->user_id, json_array_size(items));
    return request_json(req, 200, json_pack("{s:o, s:s?}", "items", items, "next",
                                            more > 0 ? next : NULL));
}

/* ---- one ticket -------------------------------------------------------------------- */

/* GET /api/admin/tickets/{ticket} -> 200 ticket (message, notes, history, replies,
 * privacyRequest) | 404 */
int admin_tickets_show_route(struct request *req)
{
    const char *number = request_param(req, "ticket");
    json_t *doc = NULL;
    int rc;

    if (!admin_is_ticket_number(number))
        return request_error(req, 404, "not_found", "There is no such ticket.");
    rc = tickets_get(req->svc->db, number, &doc);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (doc == NULL)
        return request_error(req, 404, "not_found", "There is no such ticket.");
    jsonx_own(req->arena, doc);
    log_info("staff %s read ticket %s", req->user_id, number);
    return request_json(req, 200, admin_ticket_view(doc));
}

/* ---- change -------------------------------------------------------------------------- */

/* PATCH /api/admin/tickets/{ticket} {"status"?, "note"?} -> 200 ticket | 404 | 422 */
int admin_tickets_patch_route(struct request *req)
{
    const char *number = request_param(req, "ticket"), *status = NULL, *key;
    json_t *fields = json_object(), *v, *doc = NULL, *update, *push, *at;
    const char *current;
    char *note = NULL;
    bool found;
    int rc;

    json_object_foreach(req->input, key, v) {
        if (strcmp(key, "status") == 0) {
            status = json_string_value(v);
            if (status == NULL || (strcmp(status, "open") != 0 &&
                                   strcmp(status, "pending") != 0 &&
                                   strcmp(status, "closed") != 0))
                json_object_set_new(fields, key, json_string("Give open, pending or closed."));
        } else if (strcmp(key, "note") == 0) {
            note = json_is_string(v) ? arena_strdup(req->arena, json_string_value(v)) : NULL;
            if (note == NULL)
                json_object_set_new(fields, key, json_string("This field must be text."));
            else if (strlen(note) != json_string_length(v))
                json_object_set_new(fields, key, json_string("This field must not contain NUL."));
            else if (text_check_len(note, NOTE_MAX) != TEXT_OK)
                json_object_set_new(fields, key, json_sprintf("Write 1 to %d characters.",
                                                              NOTE_MAX));
        } else {
            json_object_set_new(fields, key, json_string("This field is not known."));
        }
    }
    if (json_object_size(fields) == 0 && status == NULL && note == NULL)
        json_object_set_new(fields, "status", json_string("Give a status, a note or both."));
    if (json_object_size(fields) > 0)
        return request_error_fields(req, 422, "validation_failed",
                                    "Some fields need attention.", fields);
    json_decref(fields);

    if (!admin_is_ticket_number(number))
        return request_error(req, 404, "not_found", "There is no such ticket.");
    rc = tickets_get(req->svc->db, number, &doc);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (doc == NULL)
        return request_error(req, 404, "not_found", "There is no such ticket.");
    current = jsonx_string(jsonx_own(req->arena, doc), "status");

    at = store_date(clock_wall_ms());
    update = json_pack("{s:{s:O}}", "$set", "updatedAt", at);
    push = json_object();
    if (status != NULL && strcmp(status, current ?: "") != 0) {
        /* its place in the new status's list first (store/tickets.h) */
        rc = tickets_status_entry(req->svc->db, doc, status, json_object_get(update, "$set"));
        if (rc != STORE_OK) {
            json_decref(update);
            json_decref(push);
            json_decref(at);
            return routes_db_failure(req, rc);
        }
        json_object_set_new(json_object_get(update, "$set"), "status", json_string(status));
        json_object_set_new(push, "history", json_pack("{s:s, s:O, s:s?, s:s}", "staffId",
                                                       req->user_id, "at", at, "from", current,
                                                       "to", status));
    }
    if (note != NULL)
        json_object_set_new(push, "notes", json_pack("{s:s, s:O, s:s}", "staffId",
                                                     req->user_id, "at", at, "text", note));
    if (json_object_size(push) > 0)
        json_object_set(update, "$push", push);
    json_decref(push);
    json_decref(at);
    rc = tickets_update(req->svc->db, number, update, &found);
    json_decref(update);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (!found)
        return request_error(req, 404, "not_found", "There is no such ticket.");
    log_info("staff %s changed ticket %s", req->user_id, number);

    rc = tickets_get(req->svc->db, number, &doc);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (doc == NULL)
        return request_error(req, 404, "not_found", "There is no such ticket.");
    v = admin_ticket_view(doc);
    json_decref(doc);
    return request_json(req, 200, v);
}
