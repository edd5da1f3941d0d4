/*
 * support.c - support tickets from the website's form and from JSON clients.
 *
 * A ticket stores what the policy says it is used for and nothing more:
 * email, optional name, subject, message.  The subject "Data Deletion
 * Request" (trimmed, any case) also opens a deletion request due 30 days
 * later.  It is embedded in the ticket document, so the ticket and its
 * request are one atomic insert: the database has no transactions (FerretDB
 * 1.x), and a crash between two inserts must never leave half of it.
 *
 * Each ticket records the privacy regime in force when it was opened
 * (from the declared residence of a signed-in user, else the address) and,
 * when the sender is signed in, their user id.  Before the ticket, refs
 * under pseudonyms of the user id and of the email are appended
 * (store/tickets.h), so an export or an erasure finds the user's tickets
 * by _id lookups alone.
 *
 * Bots: the form has a hidden "website" field.  A post that fills it gets
 * the same answer as a real one, with a ticket number, and nothing stored.
 */
#include "routes/routes.h"

#include <jansson.h>
#include <string.h>
#include <sys/random.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/jsonx.h"
#include "base/text.h"
#include "http/request.h"
#include "store/store.h"
#include "store/tickets.h"
#include "svc/services.h"

#define SUBJECT_MAX 200
#define MESSAGE_MAX 5000
#define NAME_MAX_CHARS 200
#define EMAIL_MAX 254
#define DELETION_SUBJECT "Data Deletion Request"
#define DELETION_DAYS 30
#define DAY_MS (24LL * 3600 * 1000)
#define INSERT_ATTEMPTS 4

/* Crockford base32: no I, L, O or U, so a number read aloud is unambiguous. */
static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* "JT-7K3M-Q9XD": 40 random bits; uniqueness is the _id's. */
/* The tests' numbers (JOBTUNE_TICKET_NUMBERS, a comma-separated list,
 * development only): handed out in order by this process, before the
 * random ones, so a test can make a number collide and see the retry. */
static bool scripted_number(char out[13])
{
    static size_t taken;
    const char *p = config.ticket_numbers;

    if (p == NULL || config.production)
        return false;
    for (size_t i = 0; i < taken && p != NULL; i++)
        if ((p = strchr(p, ',')) != NULL)
            p++;
    if (p == NULL || strcspn(p, ",") != 12)
        return false;
    memcpy(out, p, 12);
    out[12] = '\0';
    taken++;
    return true;
}

static int ticket_number(char out[13])
{
    unsigned char r[8];

    if (scripted_number(out))
        return 0;
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        return -1;
    memcpy(out, "JT-", 3);
    for (int i = 0, o = 3; i < 8; i++, o++) {
        if (i == 4)
            out[o++] = '-';
        out[o] = alphabet[r[i] & 31];
    }
    out[12] = '\0';
    return 0;
}

/*
 * Read field `key` as a trimmed string into *out (arena copy).  Returns
 * false, with the problem recorded in fields, when it is present but not a
 * string, or required and empty, or longer than max characters.
 */
static bool take(struct request *req, json_t *fields, const char *key, bool required,
                 size_t max, enum text_lines lines, const char **out)
{
    json_t *v = json_object_get(req->input, key);
    char *s;

    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        if (required)
            json_object_set_new(fields, key, json_string("This field is required."));
        return !required;
    }
    if (!json_is_string(v)) {
        json_object_set_new(fields, key, json_string("This field must be text."));
        return false;
    }
    s = arena_strndup(req->arena, json_string_value(v), json_string_length(v));
    if (s == NULL || strlen(s) != json_string_length(v)) {
        json_object_set_new(fields, key, json_string("This field must not contain NUL."));
        return false;
    }
    switch (text_check_len(s, max)) {
    case TEXT_EMPTY:
        if (required)
            json_object_set_new(fields, key, json_string("This field is required."));
        return !required;
    case TEXT_TOO_LONG:
        json_object_set_new(fields, key, json_sprintf("This field is longer than %zu "
                                                      "characters.", max));
        return false;
    case TEXT_OK:
        break;
    }
    /* after trimming: white space around the value is not kept anyway */
    if (text_has_hidden_controls(s, lines)) {
        json_object_set_new(fields, key,
                            json_string(lines == TEXT_ONE_LINE
                                            ? "This field must not contain control or "
                                              "text-direction characters."
                                            : "This field must not contain control characters "
                                              "other than tab and line breaks, or "
                                              "text-direction characters."));
        return false;
    }
    *out = s;
    return true;
}

/* Anything in the hidden field but blank text: a bot. */
static bool honeypot_filled(json_t *v)
{
    const char *p;

    if (v == NULL || json_is_null(v))
        return false;
    if (!json_is_string(v))
        return true;
    for (p = json_string_value(v); *p != '\0'; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            return true;
    return false;
}

static int respond(struct request *req, const char *number, json_t *privacy)
{
    json_t *body;

    if (!request_wants_json(req)) {
        /* a deletion request's page shows its due day (YYYY-MM-DD, UTC) */
        const char *due = jsonx_string(privacy, "dueAt");
        int rc = request_redirect(req, 303, due != NULL
                                  ? arena_printf(req->arena, "/support/thanks?ticket=%s&due=%.10s",
                                                 number, due)
                                  : arena_printf(req->arena, "/support/thanks?ticket=%s", number));

        json_decref(privacy);
        return rc;
    }
    body = json_pack("{s:s, s:s}", "ticket", number, "status", "open");
    if (body != NULL && privacy != NULL)
        json_object_set_new(body, "privacyRequest", privacy);
    else
        json_decref(privacy);
    return request_json(req, 201, body);
}

/* POST /api/support -> 201 {"ticket","status"} | 303 /support/thanks | 422 | 503 */
int support_create_route(struct request *req)
{
    const char *email, *name, *subject, *message, *regime;
    json_t *fields = json_object(), *doc, *privacy = NULL, *region;
    int64_t now = clock_wall_ms();
    char number[13], due[40];
    bool ok = true;
    int rc = STORE_ERROR;

    if (fields == NULL)
        return 500;
    ok &= take(req, fields, "email", true, EMAIL_MAX, TEXT_ONE_LINE, &email);
    ok &= take(req, fields, "name", false, NAME_MAX_CHARS, TEXT_ONE_LINE, &name);
    ok &= take(req, fields, "subject", true, SUBJECT_MAX, TEXT_ONE_LINE, &subject);
    ok &= take(req, fields, "message", true, MESSAGE_MAX, TEXT_MULTI_LINE, &message);
    if (email != NULL && !text_is_email(email)) {
        json_object_set_new(fields, "email", json_string("Enter a valid email address."));
        ok = false;
    }
    if (!ok)
        return request_fail(req, 422, "validation_failed",
                            "Some fields need attention.", fields);
    json_decref(fields);

    if (ticket_number(number) != 0)
        return 500;
    if (text_eq_nocase(subject, DELETION_SUBJECT))
        privacy = json_pack("{s:s, s:s}", "type", "deletion", "dueAt",
                            text_iso8601(now + DELETION_DAYS * DAY_MS, due, sizeof(due)));

    /* The honeypot: accepted in appearance, stored nowhere. */
    if (honeypot_filled(json_object_get(req->input, "website")))
        return respond(req, number, privacy);

    region = jsonx_own(req->arena, privacy_region_of(req));
    regime = jsonx_string(region, "regime");
    for (int attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
        if (attempt > 0 && ticket_number(number) != 0)
            break;
        doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}",
                        "_id", number, "number", number, "email", email,
                        "subject", subject, "message", message, "status", "open",
                        "createdAt", store_date(now),
                        "channel", req->input_is_form ? "form" : "api");
        if (doc == NULL)
            break;
        if (name != NULL)
            json_object_set_new(doc, "name", json_string(name));
        if (regime != NULL)
            json_object_set_new(doc, "regime", json_string(regime));
        if (req->user_id != NULL)
            json_object_set_new(doc, "userId", json_string(req->user_id));
        if (privacy != NULL)
            json_object_set_new(doc, "privacyRequest",
                                json_pack("{s:s, s:s, s:o, s:o, s:s?}", "type", "deletion",
                                          "status", "open", "openedAt", store_date(now),
                                          "dueAt", store_date(now + DELETION_DAYS * DAY_MS),
                                          "regime", regime));
        /* refs first: one to a ticket that never came is skipped by readers */
        rc = tickets_refs_add(req->svc->db, number, req->user_id, email);
        if (rc == STORE_OK)
            rc = tickets_insert(req->svc->db, doc);
        json_decref(doc);
        if (rc != STORE_DUPLICATE)
            break;
    }
    if (rc == STORE_DOWN) {
        json_decref(privacy);
        request_header(req, "Retry-After", "1");
        return request_fail(req, 503, "db_unavailable",
                            "The ticket could not be saved right now; please try again "
                            "in a minute.", NULL);
    }
    if (rc != STORE_OK) {
        json_decref(privacy);
        return 500;
    }
    routes_track(req, "ticket_submitted",
                 json_pack("{s:s, s:b}", "channel", req->input_is_form ? "form" : "api",
                           "deletion_request", privacy != NULL));
    return respond(req, number, privacy);
}
