/*
 * admin_privacy_requests.c - the staff's queue of deletion requests.
 *
 * A "Data Deletion Request" ticket embeds privacyRequest {type, status,
 * openedAt, dueAt, regime} (support.c); {id} here is the ticket number.
 * Its life:
 *
 *   open --verify--> verified --execute--> executing --> completed
 *     \                 \                      (a failure stays here;
 *      +------close------+--> closed            execute again finishes)
 *
 * Every step is $push'ed to privacyRequest.history [{staffId, at, action,
 * note}].  Execution, in an order a failure at any point can resume:
 *   1. status executing;
 *   2. while the ticket still holds the email: the accounts with it, at
 *      Clerk (clerk_find_users_by_email) and locally (users_find_by_email),
 *      are kept on the request (privacyRequest.accounts), the other tickets
 *      from that email are erased, and then the ticket is made
 *      pseudonymous: its email is replaced by emailHmac (HMAC-SHA256 of the
 *      lower-cased email under JOBTUNE_SECRET) and name, message and userId
 *      are removed, so the record of the request stays as the 30-day proof
 *      without the identity;
 *   3. each account: erasure_complete() (flows/erasure.h: recorded before
 *      it runs, then our data, then Clerk's account, then a pseudonymous
 *      receipt; a repeat finishes an interrupted one);
 *   4. completed: the outcome (counts, never ids) recorded, the account ids
 *      dropped, the ticket closed.
 * A retry after a failure in 2 starts over at 2 (the email is still
 * there); after one in 3 it runs 3 again with the kept ids.
 *
 * Without CLERK_SECRET_KEY a request runs all the same on what is held
 * here, as DELETE /api/me does (flows/erasure.h): the accounts are the
 * ones the users collection has for the email, Clerk is neither searched
 * nor asked to delete, and the outcome says so (signInAccounts
 * "not_deleted", and its note), as the user's own receipt does.  The
 * staff console shows it before anyone executes (GET /api/admin/config).
 *
 * Staff reads and changes are logged with the staff id and the ticket
 * number only.
 */
#include "routes/routes.h"

#include <jansson.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "base/text.h"
#include "flows/erasure.h"
#include "http/request.h"
#include "store/store.h"
#include "store/tickets.h"
#include "store/users.h"
#include "svc/clerk.h"
#include "svc/services.h"

#define LIST_LIMIT 500
#define METHOD_MAX 200
#define NOTE_MAX 2000
#define DAY_MS (24LL * 3600 * 1000)

/* ---- helpers --------------------------------------------------------------------- */

static int not_found(struct request *req)
{
    return request_error(req, 404, "not_found", "There is no such deletion request.");
}

static int wrong_state(struct request *req, const char *state, const char *need)
{
    return request_error(req, 409, "conflict",
                         arena_printf(req->arena, "This request is %s; %s.", state, need));
}

/*
 * The ticket {id} with a deletion request: *doc (arena-owned) and *state.
 * 0, or the status of the error written (404, 503/500).
 */
static int load(struct request *req, json_t **doc, const char **state)
{
    const char *id = request_param(req, "id");
    json_t *pr;
    int rc;

    *doc = NULL;
    if (!admin_is_ticket_number(id))
        return not_found(req);
    rc = tickets_get(req->svc->db, id, doc);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    jsonx_own(req->arena, *doc);
    pr = json_object_get(*doc, "privacyRequest");
    *state = jsonx_string(pr, "status");
    if (*doc == NULL || *state == NULL ||
        strcmp(jsonx_string(pr, "type") ?: "", "deletion") != 0)
        return not_found(req);
    return 0;
}

/*
 * Read body field `key` as trimmed text of 1..max characters into *out
 * (arena); problems go to fields.  Absent: *out = NULL, fine unless
 * required.
 */
static void take_text(struct request *req, json_t *fields, const char *key, bool required,
                      size_t max, char **out)
{
    json_t *v = json_object_get(req->input, key);

    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        if (required)
            json_object_set_new(fields, key, json_string("This field is required."));
        return;
    }
    if (!json_is_string(v)) {
        json_object_set_new(fields, key, json_string("This field must be text."));
        return;
    }
    *out = arena_strdup(req->arena, json_string_value(v));
    if (*out == NULL || strlen(*out) != json_string_length(v)) {
        json_object_set_new(fields, key, json_string("This field must not contain NUL."));
        *out = NULL;
    } else if (text_check_len(*out, max) != TEXT_OK) {
        json_object_set_new(fields, key, json_sprintf("Write 1 to %zu characters.", max));
        *out = NULL;
    }
}

/* Refuse keys other than the allowed ones (NULL-terminated list). */
static void only_keys(struct request *req, json_t *fields, const char *const *allowed)
{
    const char *key;
    json_t *v;

    json_object_foreach(req->input, key, v) {
        bool ok = false;

        for (const char *const *a = allowed; *a != NULL; a++)
            ok |= strcmp(*a, key) == 0;
        if (!ok)
            json_object_set_new(fields, key, json_string("This field is not known."));
    }
}

/* A history entry (new reference). */
static json_t *step(struct request *req, json_t *at, const char *action, const char *note)
{
    return json_pack("{s:s, s:O, s:s, s:s?}", "staffId", req->user_id, "at", at, "action",
                     action, "note", note);
}

/*
 * Write: $set `set` (stolen, may be NULL) plus updatedAt, $push the history
 * entry `entry` (stolen) and, when the ticket's status changes to
 * ticket_to, a ticket history entry; $unset `unset` (stolen, may be NULL).
 */
static int write_step(struct request *req, json_t *doc, json_t *at, json_t *set, json_t *entry,
                      const char *ticket_to, json_t *unset)
{
    const char *number = jsonx_string(doc, "_id"), *from = jsonx_string(doc, "status");
    json_t *update = json_object(), *push = json_object();
    bool found;
    int rc;

    if (set == NULL)
        set = json_object();
    json_object_set(set, "updatedAt", at);
    json_object_set_new(push, "privacyRequest.history", entry);
    if (ticket_to != NULL && strcmp(from ?: "", ticket_to) != 0) {
        /* its place in the list of that status first (store/tickets.h) */
        if ((rc = tickets_status_entry(req->svc->db, doc, ticket_to, set)) != STORE_OK) {
            json_decref(set);
            json_decref(update);
            json_decref(push); /* and the history entry in it */
            json_decref(unset);
            return rc;
        }
        json_object_set_new(set, "status", json_string(ticket_to));
        json_object_set_new(push, "history", json_pack("{s:s, s:O, s:s?, s:s}", "staffId",
                                                       req->user_id, "at", at, "from", from,
                                                       "to", ticket_to));
    }
    json_object_set_new(update, "$set", set);
    json_object_set_new(update, "$push", push);
    if (unset != NULL)
        json_object_set_new(update, "$unset", unset);
    rc = tickets_update(req->svc->db, number, update, &found);
    json_decref(update);
    if (rc == STORE_OK && !found)
        return 1; /* deleted under us */
    return rc;
}

/* Answer 200 with the ticket as it is now. */
static int respond(struct request *req, const char *number)
{
    json_t *doc = NULL;
    int rc = tickets_get(req->svc->db, number, &doc);

    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (doc == NULL)
        return not_found(req);
    jsonx_own(req->arena, doc);
    return request_json(req, 200, admin_ticket_view(doc));
}

/* The failure of a write step: 404 when the ticket went, else the database's. */
static int step_failed(struct request *req, int rc)
{
    return rc == 1 ? not_found(req) : routes_db_failure(req, rc);
}

/* ---- list -------------------------------------------------------------------------- */

/* GET /api/admin/privacy-requests -> 200 {"items","count","overdue"} (by due date) */
int admin_privacy_list_route(struct request *req)
{
    int64_t now = clock_wall_ms();
    json_t *docs = NULL, *items, *doc;
    size_t i, overdue = 0;
    int rc = tickets_privacy_requests(req->svc->db, LIST_LIMIT, &docs);

    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    jsonx_own(req->arena, docs);
    items = json_array();
    json_array_foreach(docs, i, doc) {
        json_t *pr = json_object_get(doc, "privacyRequest"), *item;
        long long due = 0;
        int64_t left_ms, days;
        bool late;

        if (!text_parse_iso8601(jsonx_string(pr, "dueAt"), &due))
            continue;
        left_ms = due - now;
        late = now > due;
        /* whole days: a request due in 29.2 days has 30 days left, one
         * 1.2 days past due -1 */
        days = left_ms > 0 ? (left_ms + DAY_MS - 1) / DAY_MS : -((-left_ms) / DAY_MS);
        overdue += late;
        item = json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:I, s:b}",
                         "id", json_object_get(doc, "_id"),
                         "status", json_object_get(pr, "status"),
                         "email", json_object_get(doc, "email"),
                         "name", json_object_get(doc, "name"),
                         "regime", json_object_get(pr, "regime"),
                         "openedAt", json_object_get(pr, "openedAt"),
                         "dueAt", json_object_get(pr, "dueAt"),
                         "verification", json_object_get(pr, "verification"),
                         "daysLeft", (json_int_t)days, "overdue", late);
        json_array_append_new(items, item);
    }
    log_info("staff %s listed %zu deletion requests", req->user_id, json_array_size(items));
    return request_json(req, 200, json_pack("{s:o, s:I, s:I}", "items", items, "count",
                                            (json_int_t)json_array_size(items), "overdue",
                                            (json_int_t)overdue));
}

/* ---- verify ------------------------------------------------------------------------- */

/* POST /api/admin/privacy-requests/{id}/verify {"method", "note"?} -> 200 | 404 | 409 | 422 */
int admin_privacy_verify_route(struct request *req)
{
    static const char *const allowed[] = {"method", "note", NULL};
    json_t *fields = json_object(), *doc, *at, *set;
    const char *state;
    char *method, *note;
    int rc;

    only_keys(req, fields, allowed);
    take_text(req, fields, "method", true, METHOD_MAX, &method);
    take_text(req, fields, "note", false, NOTE_MAX, &note);
    if (json_object_size(fields) > 0)
        return request_error_fields(req, 422, "validation_failed",
                                    "Some fields need attention.", fields);
    json_decref(fields);
    if ((rc = load(req, &doc, &state)) != 0)
        return rc;
    if (strcmp(state, "open") != 0)
        return wrong_state(req, state, "only an open request can be verified");

    at = jsonx_own(req->arena, store_date(clock_wall_ms()));
    set = json_pack("{s:s, s:{s:s, s:s?, s:s, s:O}}", "privacyRequest.status", "verified",
                    "privacyRequest.verification", "method", method, "note", note,
                    "staffId", req->user_id, "at", at);
    rc = write_step(req, doc, at, set, step(req, at, "verified", method), NULL, NULL);
    if (rc != STORE_OK)
        return step_failed(req, rc);
    log_info("staff %s verified deletion request %s", req->user_id, jsonx_string(doc, "_id"));
    return respond(req, jsonx_string(doc, "_id"));
}

/* ---- close -------------------------------------------------------------------------- */

/* POST /api/admin/privacy-requests/{id}/close {"reason"} -> 200 | 404 | 409 | 422 */
int admin_privacy_close_route(struct request *req)
{
    static const char *const allowed[] = {"reason", NULL};
    json_t *fields = json_object(), *doc, *at, *set;
    const char *state;
    char *reason;
    int rc;

    only_keys(req, fields, allowed);
    take_text(req, fields, "reason", true, NOTE_MAX, &reason);
    if (json_object_size(fields) > 0)
        return request_error_fields(req, 422, "validation_failed",
                                    "Some fields need attention.", fields);
    json_decref(fields);
    if ((rc = load(req, &doc, &state)) != 0)
        return rc;
    if (strcmp(state, "open") != 0 && strcmp(state, "verified") != 0)
        return wrong_state(req, state, strcmp(state, "executing") == 0
                                           ? "run execute again to finish it"
                                           : "it is finished already");

    at = jsonx_own(req->arena, store_date(clock_wall_ms()));
    set = json_pack("{s:s, s:O, s:{s:s, s:s}}", "privacyRequest.status", "closed",
                    "privacyRequest.closedAt", at,
                    "privacyRequest.outcome", "result", "closed", "reason", reason);
    rc = write_step(req, doc, at, set, step(req, at, "closed", reason), "closed", NULL);
    if (rc != STORE_OK)
        return step_failed(req, rc);
    log_info("staff %s closed deletion request %s", req->user_id, jsonx_string(doc, "_id"));
    return respond(req, jsonx_string(doc, "_id"));
}

/* ---- execute ------------------------------------------------------------------------ */

/* The answer to a failed Clerk call, recorded on the request first. */
static int clerk_failed(struct request *req, json_t *doc, int crc, const char *what)
{
    json_t *at = jsonx_own(req->arena, store_date(clock_wall_ms()));

    write_step(req, doc, at, NULL,
               step(req, at, "failed", arena_printf(req->arena, "%s failed at Clerk; run "
                                                    "execute again.", what)),
               NULL, NULL);
    log_warn("staff %s: deletion request %s stopped at Clerk (%d)", req->user_id,
             jsonx_string(doc, "_id"), crc);
    if (crc == CLERK_NOT_CONFIGURED)
        return request_not_configured(req, "Deleting accounts at Clerk is not available right "
                                      "now.", "missing", "CLERK_SECRET_KEY");
    return request_error(req, 502, "clerk_unavailable",
                         "Clerk did not complete the request; the deletion request stays "
                         "executing: run execute again.");
}

static void add_unique(json_t *into, json_t *ids)
{
    size_t i, j;
    json_t *id, *have;

    json_array_foreach(ids, i, id) {
        bool seen = false;

        json_array_foreach(into, j, have)
            seen |= json_equal(have, id);
        if (!seen)
            json_array_append(into, id);
    }
}

/* Step 2: find the accounts of the email, erase its other tickets, and make
 * the request ticket pseudonymous.  *accounts: new reference. */
static int find_and_pseudonymise(struct request *req, json_t *doc, const char *email,
                                 json_t **accounts, int64_t *tickets)
{
    const char *number = jsonx_string(doc, "_id");
    json_t *clerk_ids = NULL, *local_ids = NULL, *at, *set, *unset;
    char *lower = arena_strdup(req->arena, email), hmac[65];
    int rc, crc;

    *accounts = NULL;
    /* without Clerk, the accounts are the ones known here (see above) */
    crc = config.clerk_secret_key == NULL
              ? (clerk_ids = json_array(), CLERK_OK)
              : clerk_find_users_by_email(req->svc->clerk, email, &clerk_ids);
    if (crc != CLERK_OK)
        return clerk_failed(req, doc, crc, "Finding the account");
    jsonx_own(req->arena, clerk_ids);
    rc = users_find_by_email(req->svc->db, email, &local_ids);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    jsonx_own(req->arena, local_ids);
    *accounts = json_array();
    add_unique(*accounts, clerk_ids);
    add_unique(*accounts, local_ids);

    if (lower == NULL) {
        json_decref(*accounts);
        return 500;
    }
    for (char *p = lower; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    rc = tickets_erase_email(req->svc->db, email, number, tickets);
    if (rc == STORE_OK && strcmp(lower, email) != 0)
        rc = tickets_erase_email(req->svc->db, lower, number, tickets);
    if (rc != STORE_OK) {
        json_decref(*accounts);
        return routes_db_failure(req, rc);
    }

    encode_hmac_hex(config.secret, lower, hmac);
    at = jsonx_own(req->arena, store_date(clock_wall_ms()));
    set = json_pack("{s:s, s:O, s:I}", "emailHmac", hmac, "privacyRequest.accounts", *accounts,
                    "privacyRequest.ticketsErased", (json_int_t)*tickets);
    unset = json_pack("{s:s, s:s, s:s, s:s, s:s}", "email", "", "name", "", "message", "",
                      "userId", "", "replies", "");
    rc = write_step(req, doc, at, set,
                    step(req, at, "pseudonymised",
                         arena_printf(req->arena, "%zu account(s) found; %lld other ticket(s) "
                                      "erased; the email on this ticket replaced by its HMAC.",
                                      json_array_size(*accounts), (long long)*tickets)),
                    NULL, unset);
    if (rc != STORE_OK) {
        json_decref(*accounts);
        return step_failed(req, rc);
    }
    return 0;
}

static void add_counts(json_t *total, json_t *counts)
{
    const char *key;
    json_t *v;

    json_object_foreach(counts, key, v)
        json_object_set_new(total, key,
                            json_integer(json_integer_value(json_object_get(total, key)) +
                                         json_integer_value(v)));
}

/* POST /api/admin/privacy-requests/{id}/execute -> 200 | 404 | 409 | 502 | 503 */
int admin_privacy_execute_route(struct request *req)
{
    json_t *doc, *at, *accounts, *id, *erased, *set, *unset;
    const char *state, *email, *number;
    bool clerk = config.clerk_secret_key != NULL;
    int64_t tickets = 0;
    size_t i;
    char *note;
    int rc;

    if ((rc = load(req, &doc, &state)) != 0)
        return rc;
    number = jsonx_string(doc, "_id");
    if (strcmp(state, "verified") != 0 && strcmp(state, "executing") != 0)
        return wrong_state(req, state, strcmp(state, "open") == 0
                                           ? "verify the requester's identity first"
                                           : "it is finished already");
    log_info("staff %s executes deletion request %s", req->user_id, number);

    /* 1. executing */
    if (strcmp(state, "verified") == 0) {
        at = jsonx_own(req->arena, store_date(clock_wall_ms()));
        set = json_pack("{s:s}", "privacyRequest.status", "executing");
        if ((rc = write_step(req, doc, at, set, step(req, at, "executing", NULL), NULL, NULL)) !=
            STORE_OK)
            return step_failed(req, rc);
    }

    /* 2. the accounts, the other tickets, the pseudonym */
    email = jsonx_string(doc, "email");
    if (email != NULL) {
        if ((rc = find_and_pseudonymise(req, doc, email, &accounts, &tickets)) != 0)
            return rc;
        jsonx_own(req->arena, accounts);
    } else {
        json_t *pr = json_object_get(doc, "privacyRequest");

        accounts = json_object_get(pr, "accounts");
        tickets = json_integer_value(json_object_get(pr, "ticketsErased"));
        if (!json_is_array(accounts))
            accounts = jsonx_own(req->arena, json_array());
    }

    /* 3. each account: our data, then Clerk's */
    erased = jsonx_own(req->arena, json_pack("{s:I}", "tickets", (json_int_t)tickets));
    json_array_foreach(accounts, i, id) {
        json_t *receipt = NULL;

        /* the same erasure as DELETE /api/me: recorded first, finished by a
         * retry or the scheduler, and proven by a pseudonymous receipt */
        rc = erasure_complete(req->svc->db, req->svc->clerk, json_string_value(id), &receipt);
        if (rc == STORE_PENDING)
            return clerk_failed(req, doc, CLERK_UNAVAILABLE, "Deleting the account");
        if (rc != STORE_OK) {
            log_warn("staff %s: deletion request %s stopped in erasure", req->user_id, number);
            return routes_db_failure(req, rc);
        }
        add_counts(erased, json_object_get(jsonx_own(req->arena, receipt), "counts"));
    }

    /* 4. completed */
    at = jsonx_own(req->arena, store_date(clock_wall_ms()));
    note = json_array_size(accounts) > 0
               ? arena_printf(req->arena, "%zu account(s) erased here%s; %lld "
                              "resume(s), %lld interview(s) and %lld ticket(s) deleted.",
                              json_array_size(accounts), clerk ? " and at Clerk"
                                                               : " (the sign-in account is not "
                                                                 "deleted: CLERK_SECRET_KEY is "
                                                                 "not set)",
                              (long long)json_integer_value(json_object_get(erased, "resumes")),
                              (long long)json_integer_value(json_object_get(erased, "interviews")),
                              (long long)json_integer_value(json_object_get(erased, "tickets")))
               : arena_printf(req->arena, "No account found for this email%s; %lld other "
                              "ticket(s) from it deleted.", clerk ? "" : " here (Clerk was not "
                                                                      "searched: "
                                                                      "CLERK_SECRET_KEY is not "
                                                                      "set)", (long long)tickets);
    /* deleted: every document of the request; emailTickets: of those, the
     * tickets swept by the email alone (the accounts' receipts count the
     * rest, and a receipt's second pass may add to its own) */
    set = json_pack("{s:s, s:O, s:{s:s, s:I, s:O, s:I, s:s, s:s}}", "privacyRequest.status",
                    "completed", "privacyRequest.completedAt", at, "privacyRequest.outcome",
                    "result", json_array_size(accounts) > 0 ? "erased" : "no_account",
                    "accounts", (json_int_t)json_array_size(accounts), "deleted", erased,
                    "emailTickets", (json_int_t)tickets, "note", note,
                    "signInAccounts", clerk ? "deleted" : "not_deleted");
    unset = json_pack("{s:s, s:s}", "privacyRequest.accounts", "",
                      "privacyRequest.ticketsErased", "");
    rc = write_step(req, doc, at, set, step(req, at, "completed", note), "closed", unset);
    if (rc != STORE_OK)
        return step_failed(req, rc);
    log_info("staff %s completed deletion request %s", req->user_id, number);
    return respond(req, number);
}
