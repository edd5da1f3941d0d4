/*
 * webhooks_clerk.c - events pushed to us by outside services: today Clerk's
 * user.created, user.updated and user.deleted, delivered and signed by
 * Svix.
 *
 * Order of work, each step before any effect of the next: configured
 * (CLERK_WEBHOOK_SECRET) -> headers present -> signature and timestamp
 * (model/svix.c, ±5 min) -> body is a JSON object -> not seen before ->
 * process -> remember.  Nothing from an unverified request is parsed or
 * stored.
 *
 * Svix delivers at least once and retries for about a day, so:
 *   - webhook_events {_id: svix-id, type, receivedAt} remembers deliveries;
 *     a known svix-id is answered "duplicate" without reprocessing.  The
 *     record is written after processing: processing is idempotent (an
 *     upsert, or an erasure), so a crash between the two only means the
 *     retry processes again, never that an event is lost.
 *   - deliveries are not ordered: a user.updated retried after the user's
 *     user.deleted must not bring the profile back.  Erasure leaves a
 *     pseudonymous tombstone (store/tombstones.h), written before it
 *     deletes anything, and profile events for an erased user are
 *     ignored.  Clerk never reuses user ids.
 *
 * Only what the profile needs is kept (primary email, name); the body,
 * emails, names and the secret are never logged.
 */
#include "routes/routes.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "base/text.h"
#include "flows/erasure.h"
#include "http/request.h"
#include "model/svix.h"
#include "store/store.h"
#include "store/tombstones.h"
#include "store/users.h"
#include "store/webhook_events.h"
#include "svc/services.h"

#define MSG_ID_MAX 256  /* Svix ids are "msg_" + 27 characters */
#define USER_ID_MAX 128 /* Clerk ids are "user_" + 27 characters */

struct delivery {
    const char *id, *timestamp, *signature; /* borrowed CGI values */
};

static bool present(const char *v)
{
    return v != NULL && *v != '\0';
}

/* The svix-* headers, or else the white-label webhook-* set, taken as a
 * set as Svix's own libraries do. */
static void delivery_headers(const struct request *req, struct delivery *d)
{
    d->id = request_env(req, "HTTP_SVIX_ID");
    d->timestamp = request_env(req, "HTTP_SVIX_TIMESTAMP");
    d->signature = request_env(req, "HTTP_SVIX_SIGNATURE");
    if (present(d->id) && present(d->timestamp) && present(d->signature))
        return;
    d->id = request_env(req, "HTTP_WEBHOOK_ID");
    d->timestamp = request_env(req, "HTTP_WEBHOOK_TIMESTAMP");
    d->signature = request_env(req, "HTTP_WEBHOOK_SIGNATURE");
}

/* An id we are willing to use as a document _id: 1..max printable ASCII
 * characters, no spaces. */
static bool is_plain_id(const char *s, size_t max)
{
    size_t n = 0;

    for (; s[n] != '\0'; n++)
        if ((unsigned char)s[n] <= ' ' || (unsigned char)s[n] > '~' || n == max)
            return false;
    return n > 0;
}

/* ---- the event's data ------------------------------------------------- */

/* Borrowed address of the primary email (email_addresses[i] whose id is
 * primary_email_address_id), or NULL. */
static const char *primary_email(json_t *data)
{
    const char *primary = jsonx_string(data, "primary_email_address_id");
    json_t *list = json_object_get(data, "email_addresses"), *entry;
    size_t i;

    if (primary == NULL || !json_is_array(list))
        return NULL;
    json_array_foreach(list, i, entry) {
        const char *id = jsonx_string(entry, "id");
        const char *address = jsonx_string(entry, "email_address");

        if (id != NULL && strcmp(id, primary) == 0)
            return present(address) ? address : NULL;
    }
    return NULL;
}

/* Trimmed arena copy of a string member; "" when absent, NULL when out of
 * memory. */
static char *trimmed(struct arena *a, json_t *obj, const char *key)
{
    const char *v = jsonx_string(obj, key);
    char *s = arena_strdup(a, v ? v : "");

    return s ? text_trim(s) : NULL;
}

/* *out = "first last" (trimmed; NULL when both are empty or null).
 * False when out of memory. */
static bool full_name(struct arena *a, json_t *data, const char **out)
{
    char *first = trimmed(a, data, "first_name"), *last = trimmed(a, data, "last_name");

    *out = NULL;
    if (first == NULL || last == NULL)
        return false;
    if (*first == '\0' || *last == '\0') {
        *out = *first ? first : *last ? last : NULL;
        return true;
    }
    *out = arena_printf(a, "%s %s", first, last);
    return *out != NULL;
}

/* ---- processing ------------------------------------------------------- */

enum outcome { PROCESSED, IGNORED };

/* Apply one verified event; a DB_ status, with *outcome set on STORE_OK and
 * *bad naming a malformed event (400) when STORE_ERROR is returned for it. */
static int process(struct request *req, const char *type,
                   json_t *data, enum outcome *outcome, const char **bad)
{
    const char *user_id = jsonx_string(data, "id"), *name;
    bool profile = strcmp(type, "user.created") == 0 || strcmp(type, "user.updated") == 0;
    struct db *db = req->svc->db;
    bool erased;
    int rc;

    *outcome = IGNORED;
    *bad = NULL;
    if (!profile && strcmp(type, "user.deleted") != 0)
        return STORE_OK;
    if (user_id == NULL || !is_plain_id(user_id, USER_ID_MAX)) {
        *bad = "The event's data has no valid user id.";
        return STORE_ERROR;
    }
    if (!profile) {
        /* the whole workflow, the account at Clerk being gone already:
         * the tombstone before anything else (no sign-in or late event can
         * recreate the account), the claim, the receipt, and the second
         * pass; a retried or repeated user.deleted answers the same
         * receipt */
        json_t *receipt = NULL;

        *outcome = PROCESSED;
        rc = erasure_complete(db, NULL, user_id, &receipt);
        json_decref(receipt);
        return rc;
    }
    if (!full_name(req->arena, data, &name))
        return STORE_ERROR;
    if ((rc = tombstones_has(db, user_id, &erased)) != STORE_OK || erased)
        return rc;
    *outcome = PROCESSED;
    return users_upsert_profile(db, user_id, primary_email(data), name);
}

static int status_answer(struct request *req, const char *status)
{
    return request_json(req, 200, json_pack("{s:s}", "status", status));
}


/* POST /api/webhooks/clerk -> 200 {"status":"processed"|"duplicate"|"ignored"} | 400 | 401 | 503 */
int webhooks_clerk_route(struct request *req)
{
    struct delivery d;
    json_error_t jerr;
    json_t *event, *data;
    const char *type, *bad;
    enum outcome outcome;
    bool known;
    int rc;

    if (config.clerk_webhook_secret == NULL)
        return request_not_configured(req, "Account updates from Clerk are not available right "
                                      "now.", "missing", "CLERK_WEBHOOK_SECRET");
    delivery_headers(req, &d);
    if (!present(d.id) || !present(d.timestamp) || !present(d.signature))
        return request_error(req, 400, "bad_request",
                             "The svix-id, svix-timestamp and svix-signature headers "
                             "are required.");
    if (!is_plain_id(d.id, MSG_ID_MAX))
        return request_error(req, 400, "bad_request", "The svix-id header is malformed.");

    rc = svix_verify(config.clerk_webhook_secret, d.id, d.timestamp, req->body,
                     req->body_len, d.signature, time(NULL), SVIX_TOLERANCE_S);
    switch (rc) {
    case SVIX_OK:
        break;
    case SVIX_BAD_HEADER:
        return request_error(req, 400, "bad_request",
                             "The svix-timestamp or svix-signature header is malformed.");
    case SVIX_BAD_SIGNATURE:
    case SVIX_STALE:
        return request_error(req, 401, "unauthenticated",
                             "The webhook signature could not be verified.");
    case SVIX_BAD_SECRET:
        return request_not_configured(req, "Account updates from Clerk are not available right "
                                      "now.", "invalid", "CLERK_WEBHOOK_SECRET");
    default:
        log_error("clerk webhook: %s", svix_strerror(rc));
        return 500;
    }

    /* Clerk's own JSON, verified: parsed without jsonx's key rules, since
     * its metadata objects may hold any key and only named string values
     * are ever stored. */
    event = jsonx_own(req->arena, json_loadb(req->body, req->body_len,
                                             JSON_REJECT_DUPLICATES, &jerr));
    type = jsonx_string(event, "type");
    data = json_object_get(event, "data");
    if (!json_is_object(event) || type == NULL || !json_is_object(data))
        return request_error(req, 400, "bad_request",
                             "The body is not a JSON event object with a type and data.");

    rc = webhook_events_seen(req->svc->db, d.id, &known);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (known && strcmp(type, "user.deleted") != 0)
        return status_answer(req, "duplicate");

    rc = process(req, type, data, &outcome, &bad);
    if (bad != NULL)
        return request_error(req, 400, "bad_request", bad);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (known)
        return status_answer(req, "duplicate"); /* a user.deleted, erased again */
    rc = webhook_events_remember(req->svc->db, d.id, type);
    if (rc == STORE_DUPLICATE)
        return status_answer(req, "duplicate");
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    return status_answer(req, outcome == PROCESSED ? "processed" : "ignored");
}
