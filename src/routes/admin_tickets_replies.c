/*
 * admin_tickets_replies.c - a staff member answers a ticket by email:
 * POST /api/admin/tickets/{ticket}/replies {"message"}.
 *
 * The reply goes to the ticket's address through the relay SMTP_URL
 * (svc/smtp.h) as "Re: <subject> [<ticket>]", an RFC 5322 message
 * (model/mail.h) threaded on the ticket's earlier replies (In-Reply-To,
 * References).  The ticket keeps each reply in replies.<id> {staffId,
 * at, text, messageId, status, attemptAt, sentAt?}, written by _id with
 * $set (never a positional update, which FerretDB would apply as a read
 * and a write back).
 *
 * Sent once.  The record comes first and the mail second:
 *   1. replies.<id> is written `pending` with its Message-ID, and the
 *      ticket read again: a deletion request executed meanwhile took the
 *      address, so the record is taken out too and nothing is sent (409);
 *   2. the relay is asked; a refusal or no relay marks it `failed` (502:
 *      nothing was sent, nothing is shown as sent);
 *   3. the relay's 250 marks it `sent` (201).
 * The id is an HMAC of the ticket, the staff id and the text, so sending
 * the same words again on the same ticket is a retry of the same reply:
 * a `sent` one is answered 200 and not sent again; a `failed` one is sent
 * now; a `pending` one younger than a request can run is another request
 * still sending it (409); an older `pending` one is an attempt whose
 * outcome we never learnt (the worker died, or the relay accepted and
 * step 3's write failed): it is sent again with the same Message-ID, so a
 * mail client that de-duplicates by Message-ID shows it once.  That last
 * case is the one way a person can receive a reply twice; never none
 * recorded as sent that was not.
 *
 * Logs name the staff id and the ticket number: never the address, the
 * subject or the text.
 */
#include "routes/routes.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "base/text.h"
#include "http/request.h"
#include "model/mail.h"
#include "store/store.h"
#include "store/tickets.h"
#include "svc/services.h"
#include "svc/smtp.h"

#define REPLY_MAX 5000
#define REPLY_ID_LEN 24
#define REFERENCES_MAX 10
#define ADDR_MAX 256

static int not_found(struct request *req)
{
    return request_error(req, 404, "not_found", "There is no such ticket.");
}

static int no_address(struct request *req)
{
    return request_error(req, 409, "conflict", "This ticket no longer holds an address to "
                                               "reply to (its request was executed).");
}

/* The body's message, trimmed, 1..REPLY_MAX characters; 0 or the 422's status. */
static int take_message(struct request *req, char **text)
{
    json_t *fields = json_object(), *v;
    const char *key;

    *text = NULL;
    json_object_foreach(req->input, key, v) {
        if (strcmp(key, "message") != 0)
            json_object_set_new(fields, key, json_string("This field is not known."));
    }
    v = json_object_get(req->input, "message");
    if (!json_is_string(v)) {
        json_object_set_new(fields, "message", json_string(v == NULL ? "This field is required."
                                                                     : "This field must be text."));
    } else {
        *text = arena_strndup(req->arena, json_string_value(v), json_string_length(v));
        if (*text == NULL || strlen(*text) != json_string_length(v))
            json_object_set_new(fields, "message", json_string("This field must not contain NUL."));
        else if (text_check_len(*text, REPLY_MAX) != TEXT_OK)
            json_object_set_new(fields, "message",
                                json_sprintf("Write 1 to %d characters.", REPLY_MAX));
        else if (text_has_hidden_controls(*text, TEXT_MULTI_LINE))
            json_object_set_new(fields, "message",
                                json_string("This field must not contain control characters "
                                            "other than tab and line breaks, or "
                                            "text-direction characters."));
    }
    if (json_object_size(fields) == 0) {
        json_decref(fields);
        return 0;
    }
    return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                fields);
}

/* A stored date (ISO text) as ms, 0 when absent. */
static int64_t ms_of(json_t *o, const char *key)
{
    long long ms = 0;

    return text_parse_iso8601(jsonx_string(o, key), &ms) ? ms : 0;
}

static int by_sent(const void *a, const void *b)
{
    int64_t x = ms_of(*(json_t *const *)a, "sentAt"), y = ms_of(*(json_t *const *)b, "sentAt");

    return (x > y) - (x < y);
}

/*
 * The thread of the ticket's replies sent before this one: *in_reply_to
 * the newest's Message-ID, *references the last REFERENCES_MAX of them
 * oldest first (arena text; NULL for the first reply).
 */
static void thread(struct request *req, json_t *replies, const char *self,
                   const char **in_reply_to, const char **references)
{
    json_t **sent = arena_calloc(req->arena, json_object_size(replies) + 1, sizeof(*sent)), *r;
    size_t n = 0;
    const char *id;
    char *refs = NULL;

    *in_reply_to = *references = NULL;
    json_object_foreach(sent != NULL ? replies : NULL, id, r) {
        if (strcmp(id, self) != 0 &&
            strcmp(jsonx_string(r, "status") ?: "", "sent") == 0 &&
            jsonx_string(r, "messageId") != NULL)
            sent[n++] = r;
    }
    if (n == 0)
        return;
    qsort(sent, n, sizeof(sent[0]), by_sent);
    *in_reply_to = jsonx_string(sent[n - 1], "messageId");
    for (size_t i = n > REFERENCES_MAX ? n - REFERENCES_MAX : 0; i < n; i++)
        refs = refs == NULL ? arena_strdup(req->arena, jsonx_string(sent[i], "messageId"))
                            : arena_printf(req->arena, "%s %s", refs,
                                           jsonx_string(sent[i], "messageId"));
    *references = refs;
}

/* $set of fields under replies.<id>, plus updatedAt: `pairs` alternate a
 * field name and a value (stolen), ending with NULL. */
static int set_reply(struct request *req, const char *number, const char *id, json_t *at, ...)
{
    json_t *set = json_pack("{s:O}", "updatedAt", at), *update;
    const char *field;
    bool found;
    va_list ap;
    int rc;

    va_start(ap, at);
    while ((field = va_arg(ap, const char *)) != NULL)
        json_object_set_new(set, arena_printf(req->arena, "replies.%s%s%s", id,
                                              *field != '\0' ? "." : "", field),
                            va_arg(ap, json_t *));
    va_end(ap);
    update = json_pack("{s:o}", "$set", set);
    rc = tickets_update(req->svc->db, number, update, &found);
    json_decref(update);
    return rc == STORE_OK && !found ? STORE_NOT_FOUND : rc;
}

/*
 * 0 when ticket `number` still holds its address now that reply `id` is
 * recorded; else the record is taken out again and the answer given.  A
 * deletion request executed since the ticket was read unsets the address
 * and the replies (admin_privacy_requests.c) and keeps the ticket, so a
 * record written after that unset would keep the reply's text on it: this
 * read after the write sees any unset that came before it, and one that
 * came after took the record along.
 */
static int still_addressed(struct request *req, const char *number, const char *id)
{
    json_t *doc = NULL, *update;
    bool gone, found;
    int rc = tickets_get(req->svc->db, number, &doc);

    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    gone = doc == NULL || jsonx_string(doc, "email") == NULL;
    json_decref(doc);
    if (!gone)
        return 0;
    update = json_pack("{s:{s:s}}", "$unset", arena_printf(req->arena, "replies.%s", id), "");
    rc = tickets_update(req->svc->db, number, update, &found);
    json_decref(update);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    return found ? no_address(req) : not_found(req);
}

/* The ticket as it is now: status (201 or 200) with the staff's view. */
static int answer(struct request *req, const char *number, int status)
{
    json_t *doc = NULL;
    int rc = tickets_get(req->svc->db, number, &doc);

    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (doc == NULL)
        return not_found(req);
    jsonx_own(req->arena, doc);
    return request_json(req, status, admin_ticket_view(doc));
}

/* The reply's text as an email, composed: arena-owned, *len bytes. */
static char *compose(struct request *req, json_t *doc, const char *text, const char *self,
                     const char *message_id, int64_t now, size_t *len)
{
    struct mail m = {.from = config.smtp_from, .to = jsonx_string(doc, "email"),
                     .message_id = message_id, .date_ms = now, .body = text};
    char *msg, *copy;

    m.subject = arena_printf(req->arena, "Re: %s [%s]", jsonx_string(doc, "subject") ?: "",
                             jsonx_string(doc, "_id"));
    thread(req, json_object_get(doc, "replies"), self, &m.in_reply_to, &m.references);
    if ((msg = mail_compose(&m, len)) == NULL)
        return NULL;
    copy = arena_strndup(req->arena, msg, *len);
    free(msg);
    return copy;
}

/* POST /api/admin/tickets/{ticket}/replies {"message"} -> 201 ticket (sent) | 200 (sent
 * before) | 404 | 409 | 422 | 502 smtp_unavailable | 503 not_configured */
int admin_tickets_reply_route(struct request *req)
{
    const char *number = request_param(req, "ticket"), *missing, *to, *state, *message_id;
    json_t *doc = NULL, *existing, *at;
    char *text, addr[ADDR_MAX], id[65], rand[33], *msg;
    int64_t now = clock_wall_ms();
    size_t len = 0;
    int rc;

    if ((rc = take_message(req, &text)) != 0)
        return rc;
    if ((missing = smtp_missing()) != NULL)
        return request_not_configured(req, "Replies by email are not configured.", "missing",
                                      missing);
    if (!admin_is_ticket_number(number))
        return not_found(req);
    if ((rc = tickets_get(req->svc->db, number, &doc)) != STORE_OK)
        return routes_db_failure(req, rc);
    if (doc == NULL)
        return not_found(req);
    jsonx_own(req->arena, doc);
    if ((to = jsonx_string(doc, "email")) == NULL)
        return no_address(req);

    encode_hmac_hex(config.secret, arena_printf(req->arena, "reply|%s|%s|%s", number,
                                                req->user_id, text), id);
    id[REPLY_ID_LEN] = '\0';
    existing = json_object_get(json_object_get(doc, "replies"), id);
    state = jsonx_string(existing, "status");
    if (state != NULL && strcmp(state, "sent") == 0)
        return request_json(req, 200, admin_ticket_view(doc)); /* as just read */
    if (state != NULL && strcmp(state, "pending") == 0 &&
        now - ms_of(existing, "attemptAt") < config.request_timeout * 1000LL + 5000)
        return request_error(req, 409, "conflict", "This reply is being sent; reload the "
                                                   "ticket in a minute.");

    at = jsonx_own(req->arena, store_date(now));
    message_id = jsonx_string(existing, "messageId");
    if (message_id == NULL) {
        mail_address(config.smtp_from, addr, sizeof(addr));
        if (encode_random_hex(16, rand) != 0)
            return 500;
        message_id = arena_printf(req->arena, "<%s.%s@%s>", rand, number, mail_domain(addr));
    }
    /* the message before the record: one that cannot be written (a line
     * break in SMTP_FROM) leaves nothing pending */
    if ((msg = compose(req, doc, text, id, message_id, now, &len)) == NULL)
        return 500;
    if (jsonx_string(existing, "messageId") == NULL) {
        rc = set_reply(req, number, id, at, "",
                       json_pack("{s:s, s:O, s:s, s:s, s:s, s:O}", "staffId", req->user_id,
                                 "at", at, "text", text, "messageId", message_id, "status",
                                 "pending", "attemptAt", at), NULL);
    } else {
        rc = set_reply(req, number, id, at, "status", json_string("pending"), "attemptAt",
                       json_incref(at), NULL);
    }
    if (rc == STORE_NOT_FOUND)
        return not_found(req);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if ((rc = still_addressed(req, number, id)) != 0)
        return rc;

    rc = smtp_send(to, msg, len);
    if (rc != SMTP_OK) {
        /* nothing went: say so on the record (a failure to write it leaves
         * it pending, which a retry past the window sends too) */
        set_reply(req, number, id, at, "status", json_string("failed"), NULL);
        log_warn("staff %s: the reply to ticket %s was not sent", req->user_id, number);
        return request_error(req, 502, "smtp_unavailable",
                             rc == SMTP_REFUSED ? "The mail relay refused the reply; nothing "
                                                  "was sent."
                                                : "The mail relay could not be reached; "
                                                  "nothing was sent. Try again.");
    }
    rc = set_reply(req, number, id, at, "status", json_string("sent"), "sentAt",
                   store_date(clock_wall_ms()), NULL);
    if (rc != STORE_OK) {
        log_warn("staff %s: the reply to ticket %s was sent but not recorded", req->user_id,
                 number);
        return rc == STORE_NOT_FOUND ? not_found(req) : routes_db_failure(req, rc);
    }
    log_info("staff %s replied to ticket %s", req->user_id, number);
    return answer(req, number, 201);
}

/* GET /api/admin/config -> 200 what the console can do here, before anyone types */
int admin_config_get_route(struct request *req)
{
    const char *smtp = smtp_missing();

    return request_json(req, 200, json_pack("{s:{s:b, s:s?}, s:{s:b, s:s?}, s:b}",
                                            "replies", "available", smtp == NULL,
                                            "missing", smtp,
                                            "clerkAccounts", "available",
                                            config.clerk_secret_key != NULL, "missing",
                                            config.clerk_secret_key != NULL
                                                ? NULL : "CLERK_SECRET_KEY",
                                            "acknowledgements", false));
}
