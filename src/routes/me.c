/*
 * me.c - the signed-in user's own account: profile, residence, consent.
 *
 * The users document is keyed by the Clerk user id and holds no password
 * or anything like one (Clerk keeps credentials).  Consent changes are
 * appended to a timestamped history, so what the user agreed to, and when,
 * can always be shown back to them.
 */
#include "routes/routes.h"

#include <jansson.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/jsonx.h"
#include "base/text.h"
#include "http/request.h"
#include "model/region.h"
#include "store/store.h"
#include "store/users.h"
#include "svc/services.h"

#define NAME_MAX_CHARS 200

static json_t *string_or_null(json_t *doc, const char *key)
{
    json_t *v = json_object_get(doc, key);

    return json_is_string(v) ? json_incref(v) : json_null();
}

/* The public shape of a users document (new reference), with the
 * effective analytics state of this request. */
static json_t *me_view(struct request *req, json_t *doc)
{
    json_t *consent = json_object_get(doc, "consent");
    json_t *residence = json_object_get(doc, "residence");
    json_t *history = json_object_get(consent, "history");
    const char *analytics = jsonx_string(consent, "analytics");

    /* deletesSignInAccount: whether DELETE /api/me also deletes the
     * account at Clerk here (flows/erasure.h), so the privacy centre says
     * what will happen before it happens */
    return json_pack("{s:O, s:o, s:o, s:o, s:{s:s, s:o}, s:o, s:o, s:b, s:b}",
                     "id", json_object_get(doc, "_id"),
                     "email", string_or_null(doc, "email"),
                     "name", string_or_null(doc, "name"),
                     "residence", json_is_object(residence)
                         ? json_pack("{s:o, s:o}", "country", string_or_null(residence, "country"),
                                     "subdivision", string_or_null(residence, "subdivision"))
                         : json_null(),
                     "consent", "analytics", analytics ? analytics : "unset",
                     "history", json_is_array(history) ? json_incref(history) : json_array(),
                     "createdAt", string_or_null(doc, "createdAt"),
                     "analytics", routes_analytics_state(req, doc),
                     "staff", config_is_admin(req->user_id),
                     "deletesSignInAccount", config.clerk_secret_key != NULL);
}

static int load_and_show(struct request *req)
{
    json_t *doc = NULL;
    int rc = users_get(req->svc->db, req->user_id, &doc);

    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (doc == NULL) /* erased between authentication and now */
        return request_error(req, 404, "not_found", "This account no longer exists.");
    rc = request_json(req, 200, me_view(req, doc));
    json_decref(doc);
    return rc;
}

/* GET /api/me -> 200 account | 401 */
int me_get_route(struct request *req)
{
    return load_and_show(req);
}

static void problem(json_t *fields, const char *field, const char *text)
{
    json_object_set_new(fields, field, json_string(text));
}

/* Validate residence into set/unset; false with fields filled when invalid. */
static void check_residence(json_t *v, json_t *set, json_t *unset, json_t *fields)
{
    const char *key, *country, *sub = NULL;
    json_t *child, *subv;

    if (json_is_null(v)) {
        json_object_set_new(unset, "residence", json_string(""));
        return;
    }
    if (!json_is_object(v)) {
        problem(fields, "residence", "Give an object {\"country\", \"subdivision\"} or null.");
        return;
    }
    json_object_foreach(v, key, child) {
        if (strcmp(key, "country") != 0 && strcmp(key, "subdivision") != 0)
            problem(fields, "residence", "Only country and subdivision may be given.");
    }
    country = jsonx_string(v, "country");
    if (country == NULL || !region_is_country(country)) {
        problem(fields, "residence.country", "Give an ISO 3166-1 alpha-2 country code, like DE.");
        return;
    }
    subv = json_object_get(v, "subdivision");
    if (subv != NULL && !json_is_null(subv)) {
        sub = json_string_value(subv);
        if (sub == NULL || !region_is_subdivision(sub, country)) {
            problem(fields, "residence.subdivision",
                    "Give an ISO 3166-2 code of that country, like US-CA, or null.");
            return;
        }
    }
    json_object_set_new(set, "residence", json_pack("{s:s, s:s?}", "country", country,
                                                    "subdivision", sub));
}

/* PATCH /api/me {name?, residence?, consent?: {analytics}} -> 200 account | 422 */
int me_patch_route(struct request *req)
{
    json_t *in = req->input, *fields = jsonx_own(req->arena, json_object());
    json_t *set = jsonx_own(req->arena, json_object());
    json_t *unset = jsonx_own(req->arena, json_object());
    json_t *push = jsonx_own(req->arena, json_object());
    json_t *v;
    int64_t now = clock_wall_ms();
    bool found;
    const char *key;
    int rc;

    json_object_foreach(in, key, v) {
        if (strcmp(key, "name") != 0 && strcmp(key, "residence") != 0 &&
            strcmp(key, "consent") != 0)
            problem(fields, key, "This field does not exist or cannot be changed.");
    }
    if ((v = json_object_get(in, "name")) != NULL) {
        if (json_is_null(v)) {
            json_object_set_new(unset, "name", json_string(""));
        } else {
            char *name = json_is_string(v) ? arena_strdup(req->arena, json_string_value(v)) : NULL;

            if (name == NULL || text_check_len(name, NAME_MAX_CHARS) != TEXT_OK)
                problem(fields, "name", "Give a name of 1 to 200 characters, or null.");
            else if (text_has_hidden_controls(name, TEXT_ONE_LINE))
                problem(fields, "name",
                        "A name must not contain control or text-direction characters.");
            else
                json_object_set_new(set, "name", json_string(name));
        }
    }
    if ((v = json_object_get(in, "residence")) != NULL)
        check_residence(v, set, unset, fields);
    if ((v = json_object_get(in, "consent")) != NULL) {
        const char *a = jsonx_string(v, "analytics");

        if (!json_is_object(v) || json_object_size(v) != 1 || a == NULL ||
            (strcmp(a, "granted") != 0 && strcmp(a, "denied") != 0))
            problem(fields, "consent.analytics", "Give \"granted\" or \"denied\".");
        else {
            json_object_set_new(set, "consent.analytics", json_string(a));
            json_object_set_new(push, "consent.history",
                                json_pack("{s:s, s:o, s:s}", "value", a, "at", store_date(now),
                                          "source", "user"));
        }
    }
    if (json_object_size(fields) > 0)
        return request_error_fields(req, 422, "validation_failed",
                                    "Some fields need attention.", json_incref(fields));
    if (json_object_size(set) + json_object_size(unset) + json_object_size(push) == 0)
        return load_and_show(req);

    rc = users_patch(req->svc->db, req->user_id, set, unset, push, &found);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (!found)
        return request_error(req, 404, "not_found", "This account no longer exists.");
    return load_and_show(req);
}
